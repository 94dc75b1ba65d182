"""Find the code examples of a Markdown page, with their markers and exact lines.

Pages are read by `docgen.markdown` (markdown-it-py, CommonMark), the one reader every
stage shares: fences inside Material's admonitions (`!!! note`, `??? note`) and content
tabs (`=== "Tab"`), lists and quotes are found, each with the line it has in the file.
"""

from __future__ import annotations

import functools
import re
import shlex
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from docgen import markdown

__all__ = [
    "ALLOW_KINDS",
    "DATA_LANGUAGES",
    "RUN_LANGUAGES",
    "Example",
    "Markers",
    "PageExamples",
    "Problem",
    "collect",
    "language_of",
]

# Pygments' aliases, mapped onto what docgen does with the block.
_ALIASES = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "py3": "python",
    "pycon": "pycon",
    "python-console": "pycon",
    "pyi": "pyi",
    "console": "console",
    "shell-session": "console",
    "sh-session": "console",
    "shellsession": "console",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "toml": "toml",
}
RUN_LANGUAGES = frozenset({"python", "pycon", "console", "bash"})
"""Languages (after alias normalization) whose blocks are run in the page's subprocess."""
DATA_LANGUAGES = frozenset({"yaml", "json", "toml"})
"""Languages whose blocks are only parsed, to check that the data in them is well-formed."""
# Blocks of these languages are never silently ignored: run, or skipped with a reason.
PYTHON_FAMILY = frozenset({"python", "pycon", "pyi"})

_MARKER = re.compile(r"<!--\s*docgen:(?P<body>.*?)-->", re.DOTALL)
_KEYS = frozenset(
    {
        "skip",
        "reason",
        "skip-start",
        "skip-end",
        "setup",
        "raises",
        "timeout",
        "exit",
        "output",
        "run",
        "allow",
        "main",
    }
)
ALLOW_KINDS = ("install", "clone", "sudo", "pipe-to-shell")
"""What `allow=` (and `examples.allow`) can let a shell block do, in the order of the docs."""
_TITLE = re.compile(r"^[\w.\-]+(?:/[\w.\-]+)*\.\w+$")


@dataclass(frozen=True, slots=True)
class Markers:
    """What the HTML-comment markers before a block ask for.

    Attributes:
        skip: why the block is not run (`skip`, `reason=` or a skip range), or None.
        setup: the block came from a hidden `<!-- docgen: setup ... -->` marker.
        raises: the exception name a python block must end with (`raises=`), or None.
        timeout: seconds allowed for this block (`timeout=`), or None for the default.
        exit: the exit status a bash or console block must end with (`exit=`), or None.
        output_ignore: `output=ignore`: run the block but do not compare its output.
        run: `run`: run this shell block although `examples.shell` is off.
        allow: `allow=install,clone`: what this shell block's commands may do (see
            `ALLOW_KINDS`).
        main: `main`: the Python block runs with `__name__ == "__main__"`, so its
            `if __name__ == "__main__":` part runs too.
    """

    skip: str | None = None
    setup: bool = False
    raises: str | None = None
    timeout: float | None = None
    exit: int | None = None
    output_ignore: bool = False
    run: bool = False
    allow: tuple[str, ...] = ()
    main: bool = False

    def to_dict(self) -> dict[str, object]:
        """Only the markers that are set, as written by the user."""
        out: dict[str, object] = {}
        if self.skip is not None:
            out["skip"] = self.skip
        if self.setup:
            out["setup"] = True
        if self.raises is not None:
            out["raises"] = self.raises
        if self.timeout is not None:
            out["timeout"] = self.timeout
        if self.exit is not None:
            out["exit"] = self.exit
        if self.output_ignore:
            out["output"] = "ignore"
        if self.run:
            out["run"] = True
        if self.allow:
            out["allow"] = ",".join(self.allow)
        if self.main:
            out["main"] = True
        return out


@dataclass(frozen=True, slots=True)
class Example:
    """One fenced code block of a page.

    `line` is the opening fence (1-based), `code_line` the first line of code, `end_line`
    the closing fence; `indent` is what precedes the code on each line in the file
    (admonition, list or quote indentation), used to write expected output back.

    Attributes:
        path: the page, relative to the project root, as diagnostics name it.
        language: normalized from Pygments' aliases (`py` becomes `python`); a python
            block that starts with `>>>` is read as `pycon`.
        info: the fence's whole info string, stripped.
        markers: what the markers before the block ask for.
        title: the file the block is written to before the page's code runs
            (`title="app.py"`), or None when there is none or it is not a safe relative path.
        closed: False when the fence is never closed; such a block is not run.
        includes: include directives of the block (`--8<-- "file"`, `{!file!}`): the line's
            offset in `code`, the absolute path of the file it stands for, and the file's
            first and last line to use (last 0: to the end).
    """

    path: str
    line: int
    code_line: int
    end_line: int
    language: str
    info: str
    code: str
    indent: str = ""
    markers: Markers = field(default_factory=Markers)
    title: str | None = None
    closed: bool = True
    includes: tuple[tuple[int, str, int, int], ...] = ()

    @property
    def skip_reason(self) -> str | None:
        """Why this block is not run, or None when it is."""
        if self.markers.skip is not None:
            return self.markers.skip
        if self.language == "pyi":
            return "type stubs (pyi) are not executed"
        return None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape shown by `docgen dump examples`."""
        return {
            "file": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "language": self.language,
            "info": self.info,
            "markers": self.markers.to_dict(),
            "title": self.title,
            "lines": self.code.count("\n"),
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the page's Markdown itself, found while collecting.

    Attributes:
        line: 1-based line of the page where the problem is.
        message: what is wrong, for the diagnostic.
        hint: how to fix it.
        error: report it as an error rather than a warning.
    """

    line: int
    message: str
    hint: str
    error: bool = False


@dataclass(frozen=True, slots=True)
class PageExamples:
    """Every example of one page, in order, and the problems found on the way.

    Attributes:
        path: the page, relative to the project root.
        examples: its fenced code blocks, in the order of the page.
    """

    path: str
    examples: tuple[Example, ...]
    problems: tuple[Problem, ...] = ()


@functools.lru_cache(maxsize=512)
def _language_of(info: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    language, attributes = markdown.info_string(info)
    language = language.lower()
    return _ALIASES.get(language, language), attributes


def language_of(info: str) -> tuple[str, dict[str, str]]:
    """The block's language (normalized) and its attributes, from a fence's info string.

    Accepts `python title="app.py"` and the attribute-list form `{.python .annotate}`.
    """
    language, attributes = _language_of(info)
    return language, dict(attributes)


def _parse_marker(body: str) -> tuple[dict[str, str], list[str]]:
    try:
        words = shlex.split(body)
    except ValueError:
        return {}, [f"cannot read marker `{body.strip()}` (unbalanced quotes)"]
    values: dict[str, str] = {}
    errors: list[str] = []
    for word in words:
        key, eq, value = word.partition("=")
        if key not in _KEYS:
            errors.append(f"unknown marker `{key}`")
            continue
        values[key] = value if eq else ""
    return values, errors


@dataclass(slots=True)
class _Pending:
    """Markers seen and not yet given to a block."""

    values: dict[str, str] = field(default_factory=dict)
    line: int = 0
    range_reason: str | None = None
    range_line: int = 0


class _Collector:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.original = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.examples: list[Example] = []
        self.problems: list[Problem] = []
        self.pending = _Pending()

    def warn(self, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(line, message, hint))

    def run(self, text: str) -> PageExamples:
        page = markdown.read(text)
        blocks: list[markdown.Html | markdown.Fence] = [h for h in page.html if h.block]
        blocks += page.fences
        for block in sorted(blocks, key=lambda found: found.line):
            if isinstance(block, markdown.Html):
                self.html(block)
            else:
                self.fence(block, 0, hidden=False)
        if self.pending.values:
            self.warn(
                self.pending.line,
                "docgen marker is not followed by a code block",
                "put the marker on the line just before the fence it is about, or remove it",
            )
        return PageExamples(self.path, tuple(self.examples), tuple(self.problems))

    def html(self, block: markdown.Html) -> None:
        for match in _MARKER.finditer(block.text):
            line = block.line + block.text[: match.start()].count("\n")
            head, _, rest = match.group("body").partition("\n")
            values, errors = _parse_marker(head)
            for error in errors:
                self.warn(
                    line,
                    error,
                    "markers are skip, skip-start, skip-end, setup, raises=, timeout=, "
                    "exit=, output=ignore, run, allow=, main (see the user guide)",
                )
            if "setup" in values:
                self.setup(rest, line, values)
            elif "skip-start" in values:
                if self.pending.range_reason is not None:
                    self.warn(line, "skip-start inside a skipped range", "close it with skip-end")
                self.pending.range_reason = values.get("reason") or "skipped range"
                self.pending.range_line = line
            elif "skip-end" in values:
                if self.pending.range_reason is None:
                    self.warn(line, "skip-end without skip-start", "remove it or add skip-start")
                self.pending.range_reason = None
            elif values:
                self.pending.values.update(values)
                self.pending.line = self.pending.line or line

    def setup(self, text: str, line: int, values: dict[str, str]) -> None:
        fences = markdown.read(text).fences
        if not fences:
            self.warn(
                line,
                "setup marker holds no fenced code block",
                "write `<!-- docgen: setup`, then a fenced block, then `-->`",
            )
            return
        saved = self.pending.values
        for fence in fences:
            self.pending.values = dict(values)
            self.fence(fence, line, hidden=True, lines=text.split("\n"))
        self.pending.values = saved

    def markers(self, line: int, language: str, values: dict[str, str]) -> Markers:
        skip: str | None = None
        if "skip" in values:
            skip = values.get("reason") or "skipped by a marker"
        elif self.pending.range_reason is not None:
            skip = self.pending.range_reason
        timeout: float | None = None
        if values.get("timeout"):
            try:
                timeout = float(values["timeout"])
                if timeout <= 0:
                    raise ValueError
            except ValueError:
                self.warn(
                    line, f"timeout={values['timeout']} is not a positive number", "e.g. timeout=30"
                )
                timeout = None
        exit_status: int | None = None
        if values.get("exit"):
            try:
                exit_status = int(values["exit"])
            except ValueError:
                self.warn(line, f"exit={values['exit']} is not a whole number", "e.g. exit=1")
        raises = values.get("raises") or None
        if raises is not None and language != "python":
            self.warn(
                line,
                f"raises= applies to python blocks, not {language or 'this block'}",
                "for pycon write the traceback as expected output; for bash use exit=",
            )
        if exit_status is not None and language not in {"bash", "console"}:
            self.warn(line, f"exit= applies to bash blocks, not {language}", "remove exit=")
        output = values.get("output")
        if output is not None and output != "ignore":
            self.warn(line, f"output={output} is not known", "the only value is output=ignore")
        allow = tuple(kind for kind in values.get("allow", "").split(",") if kind)
        for kind in allow:
            if kind not in ALLOW_KINDS:
                self.warn(
                    line, f"allow={kind} is not known", f"allow= takes {', '.join(ALLOW_KINDS)}"
                )
        if allow and language not in {"bash", "console"}:
            self.warn(
                line,
                f"allow= applies to shell blocks, not {language or 'this block'}",
                "remove it: Python blocks are not checked for what they run",
            )
        if "run" in values and language not in RUN_LANGUAGES:
            self.warn(
                line,
                f"run applies to shell and Python blocks, not {language or 'this block'}",
                "remove it",
            )
        if "main" in values and language not in {"python", "pycon"}:
            self.warn(line, f"main applies to Python blocks, not {language}", "remove it")
        return Markers(
            skip=skip,
            setup="setup" in values,
            raises=raises,
            timeout=timeout,
            exit=exit_status,
            output_ignore=output == "ignore",
            run="run" in values,
            allow=tuple(kind for kind in allow if kind in ALLOW_KINDS),
            main="main" in values,
        )

    def fence(
        self, fence: markdown.Fence, offset: int, *, hidden: bool, lines: list[str] | None = None
    ) -> None:
        """An example of `fence`, whose lines are `offset` lines down the page (a hidden
        setup block's, in its marker); `lines` are the text it was read from."""
        values = self.pending.values
        self.pending.values = {}
        self.pending.line = 0
        source = lines if lines is not None else self.original
        line = offset + fence.line
        # An unclosed fence whose container (list item, quote) ended: CommonMark closes it.
        closed = fence.closed or any(rest.strip() for rest in source[fence.end_line :])
        language, attributes = language_of(fence.info)
        # A body indented as a whole (content tabs written as `tab="..."`) is dedented.
        code = textwrap.dedent(fence.body)
        if language == "python" and code.lstrip().startswith(">>>"):
            language = "pycon"  # a session labelled python: compare its output too
        markers = self.markers(line, language, values)
        indent = "" if hidden else self.indent_of(line, code)
        title = attributes.get("title")
        self.examples.append(
            Example(
                path=self.path,
                line=line,
                code_line=line + 1,
                end_line=offset + fence.end_line,
                language=language,
                info=fence.info,
                code=code,
                indent=indent,
                markers=markers,
                title=title if title and _TITLE.match(title) and ".." not in title else None,
                closed=closed,
            )
        )

    def indent_of(self, first: int, code: str) -> str:
        """The prefix each code line has in the file (container, list or quote indentation)."""
        for number, code_line in enumerate(code.split("\n")):
            if code_line.strip() and first + number < len(self.original):
                original = self.original[first + number]
                if original.endswith(code_line):
                    return original[: len(original) - len(code_line)]
        return ""


def collect(path: str, text: str) -> PageExamples:
    """Every fenced example of one page; `path` is how diagnostics name the file.

    `text` is the page's Markdown source, with any kind of line endings.
    """
    return _Collector(path, text).run(text)


def iter_runnable(page: PageExamples) -> Iterator[Example]:
    """The examples that are run in the page's subprocess, in order."""
    for example in page.examples:
        runs = example.language in RUN_LANGUAGES or example.title is not None
        if runs and example.closed and example.skip_reason is None:
            yield example
