"""The page driver's tracebacks: the page's frames at the page's Markdown lines, failures.

Part of the page driver (see `runner_child`): standard library only, imported lazily.
"""

# ruff: noqa: PLC0415, PTH100, PTH118, PTH120

from __future__ import annotations

import os
from typing import Any

SETUP = "examples.setup"
"""The file name tracebacks give the code of `examples.setup`."""
Block = dict[str, Any]
"""One block of the job, as `run.make_job` wrote it (index, language, code, line, ...)."""
SOURCES: dict[str, int] = {}
"""Code the page's frames come from, other than the page itself: files written from titled
blocks (`title="app.py"`, by absolute path) and `>>>` examples (by doctest's file name),
each mapped to the Markdown line of its first line."""
_HERE = os.path.dirname(os.path.abspath(__file__))
_DRIVER = ("child", "serve", "shell", "trace", "sandbox")
DRIVER_FILES = frozenset(os.path.join(_HERE, f"runner_{name}.py") for name in _DRIVER)
"""The driver's own files: their frames are not the page's, tracebacks leave them out."""

_CHAINED = (
    "Traceback (most recent call last):",
    "The above exception was the direct cause",
    "During handling of the above exception",
)


def chained_blank_lines(code: str) -> str:
    """A session's code with the blank lines of a chained traceback kept in its output.

    The interpreter prints blank lines between chained tracebacks, and pages show them;
    doctest would end the expected output at the first. They become `<BLANKLINE>`.
    """
    lines = code.split("\n")
    for number in range(1, len(lines) - 1):
        following = lines[number + 1].lstrip()
        before = lines[number - 1].lstrip()
        if (
            not lines[number].strip()
            and following.startswith(_CHAINED)
            and before
            and not before.startswith((">>>", "..."))
        ):
            indent = lines[number + 1][: len(lines[number + 1]) - len(following)]
            lines[number] = indent + "<BLANKLINE>"
    return "\n".join(lines)


def last_exception(want: str) -> str | None:
    """The exception line(s) of a shown traceback: of its last one, when it is chained.

    doctest compares a traceback's header and exception line only; for a chained one
    (`The above exception was the direct cause...`) its exception would be everything
    after the first exception line. Only the last traceback's is the exception raised.

    Args:
        want: the expected output of a `>>>` example.
    """
    import re

    header = "Traceback (most recent call last):"
    last = want.rfind(header)
    if last <= 0:
        return None
    # doctest's own rule: the stack is indented; the exception starts at a line that is not.
    found = re.search(r"^\w.*", want[last + len(header) :], re.MULTILINE | re.DOTALL)
    return found.group(0) if found else None


def included(block: Block) -> str:
    """The block's code, each include directive's line running its file in its place.

    The file keeps its own name and lines in tracebacks; the page's line is the directive's.
    """
    lines = block["code"].split("\n")
    for offset, file, first, last in block.get("includes") or ():
        indent = lines[offset][: len(lines[offset]) - len(lines[offset].lstrip())]
        # Part of a file: its lines before `first` are blank, so the file's numbers stay.
        text = f"__import__('pathlib').Path({file!r}).read_text(encoding='utf-8')"
        part = f"''.join(['\\n'] * {first - 1} + {text}.splitlines(True)"
        part += f"[{first - 1}:{last or None}])"
        lines[offset] = f"{indent}exec(compile({part}, {file!r}, 'exec'), globals())"
    return "\n".join(lines)


def matches(exc: BaseException, expected: str) -> bool:
    """Whether `exc` is the exception a `raises=` marker expects, or a subclass of it.

    Args:
        exc: the exception the block raised.
        expected: the marker's name, plain (`KeyError`) or dotted (`json.JSONDecodeError`).
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    names |= {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}
    return expected in names


def _markdown_line(filename: str, lineno: int, path: str) -> int | None:
    """The page's line for a frame's line, when the frame runs the page's code."""
    if filename == path:
        return lineno
    first = SOURCES.get(filename)
    if first is None and not filename.startswith("<"):
        first = SOURCES.get(os.path.abspath(filename))
    return None if first is None else first + lineno - 1


def failing_line(exc: BaseException, path: str) -> int | None:
    """The page's line of the innermost frame that runs the page's code, if one does.

    Args:
        exc: the exception raised.
        path: the page, as its code's frames name it.
    """
    import traceback

    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        line = _markdown_line(frame.f_code.co_filename, lineno, path) or line
    return line


def _statement_line(exc: BaseException, path: str) -> int | None:
    """The page's line of the outermost frame of `path`: the statement of the block that
    raised, wherever in the page the exception then came from."""
    import traceback

    return next(
        (
            lineno
            for frame, lineno in traceback.walk_tb(exc.__traceback__)
            if frame.f_code.co_filename == path
        ),
        None,
    )


def _user_frames(stack: Any, path: str) -> Any:
    """The frames of the page's code and what it called: not the driver's, not doctest's.

    Frames of titled modules and of `>>>` sessions are shown at the page's lines.
    """
    import doctest
    import traceback

    runner = DRIVER_FILES | {doctest.__file__}
    frames: list[traceback.FrameSummary] = []
    for frame in stack:
        line = _markdown_line(frame.filename, frame.lineno or 0, path)
        if frame.filename == SETUP:
            line = frame.lineno
        if line is None and (not frames or frame.filename in runner):
            continue  # the driver's frames above the page's code, and doctest's own
        if line is not None and frame.filename not in {path, SETUP}:
            frame = traceback.FrameSummary(path, line, frame.name)  # noqa: PLW2901
        frames.append(frame)
    return traceback.StackSummary.from_list(frames)


def _traceback(exc: BaseException, path: str) -> str:
    """The traceback of `exc` and of the exceptions chained to it, the page's frames only."""
    import traceback

    shown = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    todo = [shown]  # a tree: TracebackException stops at exceptions it has seen
    while todo:
        current = todo.pop()
        current.stack = _user_frames(current.stack, path)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += getattr(current, "exceptions", None) or []
    if isinstance(exc, SyntaxError):  # in a `>>>` example, or a titled module
        line = _markdown_line(str(exc.filename), exc.lineno or 0, path)
        if line is not None:
            shown.filename, shown.lineno = path, str(line)  # kept as text by traceback
    return "".join(shown.format())


def _headline(exc: BaseException) -> str:
    """The exception's type and the first line of its message: `ValueError: bad value`."""
    kind = type(exc)
    name = kind.__qualname__
    if kind.__module__ not in {"builtins", "__main__"}:
        name = f"{kind.__module__}.{name}"
    text = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return f"{name}: {first}" if first else name


def failure_of(exc: BaseException, path: str, default: int) -> dict[str, Any]:
    """The `error` record for an exception a block raised: line, message, traceback.

    With what tells a fragment or a missing module from a mistake, for the parent to decide.

    Args:
        exc: the exception raised.
        path: the page, as its code's frames name it.
        default: the line to give when no frame of the page's code has one.
    """
    if isinstance(exc, SyntaxError) and exc.filename == path:
        line = exc.lineno or default
    else:
        line = failing_line(exc, path) or default
    detail = _traceback(exc, path)
    failure = {"status": "error", "line": line, "message": _headline(exc), "detail": detail[-4000:]}
    # What tells a fragment or a missing package from a mistake (the parent decides).
    statement = _statement_line(exc, path)
    if statement is not None:
        failure["statement"] = statement  # the page's outermost line: the block's statement
    if isinstance(exc, NameError) and not isinstance(exc, UnboundLocalError) and exc.name:
        failure["name"] = exc.name
    if isinstance(exc, ImportError) and "no known parent package" in str(exc):
        failure["relative"] = True  # `from . import x`: a module of a package, shown
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.partition(".")[0]
        if not installed(top):
            failure["module"] = top
    return failure


def installed(name: str) -> bool:
    """Whether the top-level module `name` can be found on the examples' import path."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
