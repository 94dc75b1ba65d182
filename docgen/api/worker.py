"""The extraction worker: `python -m docgen.api.worker REQUEST.json`.

pdoc imports — runs — the code it documents, so docgen never imports the user's package
in its own process. The worker imports one module at a time and reports on a private
pipe (the original stdout; the user's prints go to stderr), one JSON line per event:

- `{"start": NAME}` before a module is imported, so the parent knows which one hung or
  crashed the worker;
- `{"module": NAME, "model": {...}, "problems": [...]}` once it is documented;
- `{"module": NAME, "error": MESSAGE, "file": PATH, "line": N, "frames": [[PATH, N]],
  "runs": BOOL, "missing": MODULE}` when it failed: `frames` are the traceback's frames
  outside docgen, innermost last; `runs` says they show a program run on import (a
  command line parsed, input read, an exit); `missing` (for a ModuleNotFoundError) is
  the module not found.

`faulthandler` dumps the stack of a module that hangs past the timeout into stderr and
exits, so the parent can say on which line it hung.
"""

from __future__ import annotations

import faulthandler
import importlib
import io
import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import IO, Any

__all__ = ["document", "main"]

_UNRESOLVED = "but it does not resolve"


# Code that runs a program when imported: a command line parsed, input read, an exit.
_PROGRAM_MODULES = frozenset({"argparse", "optparse", "getopt", "click", "typer", "fire"})


def _runs_a_program(error: BaseException, frames: traceback.StackSummary) -> bool:
    if isinstance(error, SystemExit | EOFError | KeyboardInterrupt):
        return True
    for frame in frames:
        path = Path(frame.filename)
        names = {path.stem, path.parent.name}
        if names & _PROGRAM_MODULES:
            return True
    return False


def _failure(name: str, error: BaseException) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    spec_file = _module_file(name)
    # The user's line: the deepest frame in the failing module, else the deepest of theirs.
    ours = str(Path(__file__).resolve().parent.parent)
    theirs = [f for f in frames if not f.filename.startswith((ours, "<"))]
    chosen = next((f for f in reversed(frames) if f.filename == spec_file), None)
    if chosen is None:
        chosen = theirs[-1] if theirs else None
    if isinstance(error, SystemExit):
        message = f"calls sys.exit({error.code!r}) on import"
    else:
        message = "".join(traceback.format_exception_only(error)).strip()
    event: dict[str, Any] = {
        "module": name,
        "error": message,
        "file": chosen.filename if chosen else spec_file,
        "line": chosen.lineno if chosen else None,
        # The traceback's frames outside docgen (where it was raised may be another module
        # the failing one imports: one cause, one finding), and whether they show
        # top-level code running a program.
        "frames": [[f.filename, f.lineno] for f in theirs],
        "runs": _runs_a_program(error, frames),
    }
    if isinstance(error, ModuleNotFoundError) and error.name:
        event["missing"] = error.name
    return event


def _module_file(name: str) -> str | None:
    module = sys.modules.get(name)
    found = getattr(module, "__file__", None)
    return str(found) if found else None


def _problems(caught: list[warnings.WarningMessage], printed: str) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    unresolved = [str(w.message).split("'")[1] for w in caught if _UNRESOLVED in str(w.message)]
    if unresolved:
        problems.append({"kind": "unresolved-all", "names": unresolved})
    for w in caught:
        if _UNRESOLVED not in str(w.message):
            problems.append({"kind": "warning", "message": str(w.message).splitlines()[0]})
    if printed.strip():
        problems.append({"kind": "prints", "message": printed.strip().splitlines()[0][:200]})
    return problems


def document(name: str, request: dict[str, Any]) -> dict[str, Any]:
    """Import module `name` and return its event: the model and problems, or the error.

    The `request` holds the options from `docgen.api.extract.Options`, by field name.
    """
    import pdoc.doc  # noqa: PLC0415 — imported late so a broken pdoc is one error event

    from docgen.api.extract import Options, module_model  # noqa: PLC0415

    opts = Options(
        request["docformat"],
        request["show_private"],
        request["show_inherited"],
        request["packages"],
    )
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with redirect_stdout(printed), redirect_stderr(printed):
                module = importlib.import_module(name)
                model = module_model(pdoc.doc.Module(module), opts)
        except (Exception, SystemExit) as error:
            return _failure(name, error)
    problems = _problems(caught, printed.getvalue())
    # pdoc turns each name of `__all__` it can't import into an empty variable: drop them.
    lazy = {n for p in problems if p["kind"] == "unresolved-all" for n in p["names"]}
    model["members"] = [m for m in model["members"] if m["name"] not in lazy]
    return {"module": name, "model": model, "problems": problems}


def _serve(
    names: list[str], request: dict[str, Any], send: Callable[[dict[str, Any]], None]
) -> None:
    timeout = float(request["timeout"])
    for name in names:
        send({"start": name})
        faulthandler.dump_traceback_later(timeout, exit=True, file=2)
        event = document(name, request)
        faulthandler.cancel_dump_traceback_later()
        send(event)


def main(argv: list[str] | None = None) -> int:
    """Serve the request in `argv[0]` (a JSON file); events go to the original stdout."""
    args = sys.argv[1:] if argv is None else argv
    request = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    # Code that keeps `sys.argv` (`def main(args=sys.argv)`) sees an interactive
    # interpreter's, not this worker's temporary file: the same in every build.
    sys.argv[:] = [""]
    from docgen.api import sourcemap  # noqa: PLC0415

    sourcemap.install()
    channel: IO[str] = os.fdopen(os.dup(1), "w", encoding="utf-8")
    # The documented code may print: fd 1 now goes to stderr so it can't corrupt events.
    os.dup2(2, 1)

    def send(event: dict[str, Any]) -> None:
        channel.write(json.dumps(event) + "\n")
        channel.flush()

    _serve(request["modules"], request, send)
    return 0


if __name__ == "__main__":
    sys.exit(main())
