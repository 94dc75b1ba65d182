"""The driver that runs inside one page's subprocess: `python -P runner_child.py JOB`.

It runs the page's blocks in order — Python blocks in one namespace, shell blocks in one
bash session — and writes one JSON line per event to the job's results file: `start`
(with the monotonic time, so the parent can enforce each block's timeout) and `end` (the
block's status, the Markdown line where it failed, the message and captured output).

Kept import-light on purpose: it starts once per page. It imports nothing from docgen,
and doctest and subprocess only when a page needs them.
"""

# Imports are lazy and paths are plain strings on purpose: this driver starts once per
# page, and pathlib (with its imports) would be paid for by every page.
# ruff: noqa: PLC0415, PTH100, PTH103, PTH109, PTH120, PTH123

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:  # imported as part of docgen (tests, policy)
    from docgen.examples.runner_sandbox import (
        adopt_orphans,
        cut_network,
        end_children,
        guard_network,
        limit,
    )
    from docgen.examples.runner_serve import serve
    from docgen.examples.runner_shell import Shell, bash_line, console_commands, network_error
    from docgen.examples.runner_trace import (
        SETUP,
        SOURCES,
        Block,
        chained_blank_lines,
        failing_line,
        failure_of,
        included,
        last_exception,
        matches,
    )
else:  # pragma: no cover - run as a script: the siblings by path, never docgen (heavy)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from runner_sandbox import adopt_orphans, cut_network, end_children, guard_network, limit
    from runner_serve import serve
    from runner_shell import Shell, bash_line, console_commands, network_error
    from runner_trace import (
        SETUP,
        SOURCES,
        Block,
        chained_blank_lines,
        failing_line,
        failure_of,
        included,
        last_exception,
        matches,
    )

    del sys.path[0]
    # An example's `import runner_shell` must find no module of the driver's.
    for _name in ("runner_sandbox", "runner_serve", "runner_shell", "runner_trace"):
        del sys.modules[_name]

__all__ = ["Page", "console_commands", "guard_network", "main", "run_job"]

PyCF_ALLOW_TOP_LEVEL_AWAIT = 0x2000  # ast's flag, without importing ast
"""compile() flag that lets a Python block use `await` at its top level."""
CO_COROUTINE = 0x80
"""Code flag set when such a block did use `await`: its result is a coroutine to run."""

EXAMPLE_NAME = "__example__"
"""`__name__` while a block that tests `__name__ == "__main__"` runs (unless `main`)."""
_SESSIONS = {"python": "python", "pycon": "python", "bash": "shell", "console": "shell"}


class OutputLimitExceeded(BaseException):
    """Raised from print() once a block wrote more than the output limit."""


class _SessionFailed(Exception):
    """Ends a `>>>` session at its first unexpected exception."""


class _Output(io.TextIOBase):
    """sys.stdout / sys.stderr of the examples: unbuffered, counted, capped."""

    def __init__(self, fd: int, page: Page) -> None:
        super().__init__()
        self._fd = fd
        self._page = page

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        data = text.encode("utf-8", "backslashreplace")
        self._page.written += len(data)
        if self._page.written > self._page.output_limit:
            raise OutputLimitExceeded
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        return len(text)


class Page:
    """One page's run: namespace, shell, records.

    Attributes:
        job: what `run.make_job` made: the page's blocks, files and limits.
        path: the page, as tracebacks and diagnostics name it.
        output_limit: bytes of output one block may print.
        written: bytes the current block printed so far.
        pid: this process; a process an example forked must not emit records.
        results: the results file, one JSON line per `start` and `end` event.
        module: the `__main__` module whose namespace every Python block shares.
        network: where the current block tried to reach the network (`host:port`), if it
            did (see `guard_network`).
    """

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.path: str = job["path"]
        self.output_limit: int = job["output_limit"]
        self.written = 0
        self.pid = os.getpid()
        self.results = open(job["results"], "a", encoding="utf-8")  # noqa: SIM115 - open all run
        self.module = types.ModuleType("__main__")
        self.namespace: dict[str, Any] = self.module.__dict__
        self.shell: Shell | None = None
        self.network: str | None = None
        self._reader = -1

    # -- records ---------------------------------------------------------------------

    def emit(self, record: dict[str, Any]) -> None:
        """Send one result record to the parent, as a JSON line."""
        if os.getpid() != self.pid:  # pragma: no cover - a forked example's child
            os._exit(0)
        self.results.write(json.dumps(record) + "\n")
        self.results.flush()

    def output(self) -> tuple[str, bool]:
        """What the current block printed (stdout and stderr, interleaved), and if too much."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, OutputLimitExceeded):
                stream.flush()
        if self._reader < 0:  # kept open: a block's output is read at every block's end
            self._reader = os.open(self.job["output"], os.O_RDONLY)
        data = os.pread(self._reader, self.output_limit + 1, 0)
        over = len(data) > self.output_limit or self.written > self.output_limit
        return data[: self.output_limit].decode("utf-8", "replace"), over

    # -- running ---------------------------------------------------------------------

    def run(self) -> None:
        """Run every block of the page, in order, in one namespace."""
        sys.modules["__main__"] = self.module
        self.namespace["__builtins__"] = __builtins__
        sys.argv = [self.path]
        sys.path.insert(0, "")
        sys.stdout = _Output(1, self)
        sys.stderr = _Output(2, self)
        self.register_lines()
        # session -> the line of the example that failed in it, and why
        failed: dict[str, tuple[int, str]] = {}
        try:
            setup = self.run_setup()
            if setup is not None:
                failed["python"] = (0, "examples.setup failed")
            for block in self.job["blocks"]:
                session = _SESSIONS.get(block["language"])
                if session in failed:
                    line, why = failed[session]
                    self.emit(
                        {
                            "event": "end",
                            "block": block["index"],
                            "status": "blocked",
                            "line": block["line"],
                            "cause": line,
                            "why": why,
                        }
                    )
                    continue
                record = self.run_block(block)
                if session is not None and record is not None and _stops(record, block):
                    why = "needs the network" if record["status"] == "network" else "failed"
                    failed[session] = (record["line"], why)
        finally:
            if self.shell is not None:
                self.shell.close()
            self.results.close()
            if self._reader >= 0:
                os.close(self._reader)

    def run_setup(self) -> dict[str, Any] | None:
        """Run `examples.setup` in the page's namespace; its failure, if it failed."""
        code: str = self.job.get("setup") or ""
        if not code.strip():
            return None
        import linecache

        lines = [line + "\n" for line in code.split("\n")]
        linecache.cache[SETUP] = (len(code), None, lines, SETUP)
        self.network = None
        failure: dict[str, Any] | None = None
        try:
            eval(compile(code, SETUP, "exec"), self.namespace)  # noqa: S307 - the user's setup
        except BaseException as exc:
            failure = failure_of(exc, self.path, 0)
            failure["line"] = failing_line(exc, SETUP)
            if self.network is not None:
                failure["status"] = "network"
                failure["message"] = f"needs the network: it tried to reach {self.network}"
        if failure is not None:
            text, _ = self.output()
            self.emit({"event": "setup", **failure, "output": text[-4000:]})
        return failure

    def register_lines(self) -> None:
        """Tracebacks and inspect.getsource show the Markdown lines of the examples."""
        import linecache

        lines: list[str] = []
        for block in self.job["blocks"]:
            if block["language"] in {"python", "pycon"}:
                first = block["line"] - 1
                code = block["code"].split("\n")
                lines.extend([""] * (first + len(code) - len(lines)))
                lines[first : first + len(code)] = code
        text = [line + "\n" for line in lines]
        linecache.cache[self.path] = (sum(map(len, text)), None, text, self.path)

    def run_block(self, block: Block) -> dict[str, Any] | None:
        """Run one block of any language, emit its result and return it (None: not run)."""
        _empty_output()
        self.written = 0
        self.network = None
        title = block.get("title")
        if title:
            os.makedirs(os.path.dirname(title) or ".", exist_ok=True)
            with open(title, "w", encoding="utf-8") as file:
                file.write(block["code"])
            SOURCES[os.path.abspath(title)] = block["line"]
        language = block["language"]
        if language not in _SESSIONS:
            return None
        self.emit({"event": "start", "block": block["index"], "time": time.monotonic()})
        record: dict[str, Any] = {"status": "ok", "line": block["line"]}
        # A script's entry point (`if __name__ == "__main__": app.run()`) starts a server or
        # parses sys.argv: it runs only when the block asks (`main`).
        code = block["code"]
        guarded = language == "python" and "__name__" in code and "__main__" in code
        guarded = guarded and not block.get("main")
        if guarded:
            self.namespace["__name__"] = EXAMPLE_NAME
        try:
            if language == "python":
                record.update(self.run_python(block))
            elif language == "pycon":
                record.update(self.run_pycon(block))
            elif language == "bash":
                record.update(self.run_bash(block))
            else:
                record.update(self.run_console(block))
        except OutputLimitExceeded as exc:
            record.update(status="output_limit", line=failing_line(exc, self.path) or block["line"])
        finally:
            self.namespace["__name__"] = "__main__"
        text, over = self.output()
        if over:
            record["status"] = "output_limit"
        elif record["status"] in {"error", "not_raised"}:
            # The page's own sockets say where; a program it started says it in its output.
            offline = self.network and f"it tried to reach {self.network}"
            offline = offline or network_error(text)
            if offline:
                record["status"] = "network"
                record["message"] = f"needs the network: {offline}"
        record["output"] = text[-4000:]
        self.emit({"event": "end", "block": block["index"], **record})
        return record

    def run_python(self, block: Block) -> dict[str, Any]:
        """Execute a Python block, with tracebacks at the Markdown file's lines."""
        raises: str | None = block.get("raises")
        padded = "\n" * (block["line"] - 1) + included(block)
        try:
            code = compile(padded, self.path, "exec", PyCF_ALLOW_TOP_LEVEL_AWAIT, True)
        except SyntaxError as exc:
            if raises and matches(exc, raises):
                return {}
            return failure_of(exc, self.path, exc.lineno or block["line"])
        try:
            result = eval(code, self.namespace)  # noqa: S307 - running the docs' examples is the job
            if code.co_flags & CO_COROUTINE:
                import asyncio

                asyncio.run(result)
        except SystemExit as exc:
            if exc.code in (None, 0) and not raises:
                return {}
            if raises and matches(exc, raises):
                return {}
            return {
                "status": "error",
                "line": failing_line(exc, self.path) or block["line"],
                "message": f"the example exited with status {exc.code}",
            }
        except OutputLimitExceeded:
            raise
        except BaseException as exc:
            if raises and matches(exc, raises):
                return {}
            failure = failure_of(exc, self.path, block["line"])
            if raises:
                failure["status"] = "not_raised"
                failure["message"] = f"expected {raises}, got {failure['message']}"
                failure["raised"] = True
            return failure
        if raises:
            return {"status": "not_raised", "message": f"expected {raises}, nothing was raised"}
        return {}

    def run_pycon(self, block: Block) -> dict[str, Any]:
        """Run a `>>>` session doctest-style in the page's namespace.

        Every mismatch of the `block` is reported, so `--update` can fix them all at once.
        """
        import doctest

        first = block["line"]
        path = self.path
        name = f"{path}:{first}"  # doctest names each example's code `<doctest NAME[i]>`
        try:
            code = chained_blank_lines(block["code"])
            test = doctest.DocTestParser().get_doctest(code, {}, name, path, first - 1)
        except ValueError as exc:
            return {"status": "error", "message": f"cannot read the session: {exc}"}
        for number, example in enumerate(test.examples):
            SOURCES[f"<doctest {name}[{number}]>"] = first + example.lineno
            if example.exc_msg is not None:
                example.exc_msg = last_exception(example.want) or example.exc_msg
        test.globs = self.namespace
        failures: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []

        work = os.getcwd()

        def relative(got: str) -> str:
            """The examples' temporary folder is `.`: paths in reprs read as in the docs."""
            return got.replace(work + os.sep, "").replace(work, ".")

        class Checker(doctest.OutputChecker):
            def check_output(self, want: str, got: str, optionflags: int) -> bool:
                # As printed (`'.../pkg/x.py'` matches), or with the folder as `.`.
                check = super().check_output
                return check(want, got, optionflags) or check(want, relative(got), optionflags)

        class Runner(doctest.DocTestRunner):
            def report_start(self, out: Any, test: Any, example: Any) -> None:
                pass

            def report_success(self, out: Any, test: Any, example: Any, got: str) -> None:
                pass

            def report_failure(self, out: Any, test: Any, example: Any, got: str) -> None:
                line = first + example.lineno
                source_lines = example.source.count("\n")
                failures.append(
                    {
                        "line": line,
                        "start": line + source_lines,
                        "count": example.want.count("\n"),
                        "indent": " " * example.indent,
                        "expected": example.want.splitlines(),
                        "got": relative(got).splitlines(),
                    }
                )

            def report_unexpected_exception(
                self, out: Any, test: Any, example: Any, exc_info: Any
            ) -> None:
                exc = exc_info[1]
                failure = failure_of(exc, path, first + example.lineno)
                failure["line"] = first + example.lineno
                errors.append(failure)
                raise _SessionFailed  # what follows in the session depends on it

        runner = Runner(checker=Checker(), optionflags=doctest.ELLIPSIS)
        with contextlib.suppress(_SessionFailed):
            runner.run(test, out=lambda _text: None, clear_globs=False)
        if errors:
            return errors[0] | {"mismatches": failures}
        if failures:
            return {"status": "mismatch", "line": failures[0]["line"], "mismatches": failures}
        return {}

    def get_shell(self) -> Shell:
        """The page's bash session, started anew when the last one exited."""
        if self.shell is not None and not self.shell.alive():
            self.shell.close()  # it exited (set -e, exit): the next block gets a new session
            self.shell = None
        if self.shell is None:
            self.shell = Shell(self.job["scratch"])
        return self.shell

    def run_bash(self, block: Block) -> dict[str, Any]:
        """Run a bash block in the page's session, under `set -euo pipefail`."""
        shell = self.get_shell()
        status, error_line = shell.run_script(block["code"], strict=True)
        expected = block.get("exit")
        if status == (expected or 0):
            return {}
        text, _ = self.output()
        line = error_line or bash_line(text, shell.script) or 1
        where = f"{shell.script}: line {line}:"
        text = text.replace(where, f"{self.path}:{block['line'] + line - 1}:")
        offline = network_error(text.replace(f"{shell.script}: ", ""))
        if offline is not None:
            return {
                "status": "network",
                "line": block["line"] + line - 1,
                "message": f"needs the network: {offline}",
            }
        return {
            "status": "error",
            "line": block["line"] + line - 1,
            "message": f"the script exited with status {status}"
            + (f" (expected {expected})" if expected is not None else ""),
            "detail": text[-2000:],
        }

    def run_console(self, block: Block) -> dict[str, Any]:
        """Run a console block's `$ ` commands and compare what they print."""
        commands: list[dict[str, Any]] = []
        for command in console_commands(block["code"], block["line"]):
            shell = self.get_shell()
            _empty_output()
            status, _ = shell.run_script(command["command"], strict=False)
            text, over = self.output()
            if over:
                return {"status": "output_limit", "line": command["line"]}
            offline = network_error(text) if status else None
            if offline is not None:
                return {
                    "status": "network",
                    "line": command["line"],
                    "message": f"needs the network: {offline}",
                }
            commands.append({**command, "got": text, "status": status})
        return {"commands": commands}


# What programs print when there is no network (curl, wget, git, pip, requests, ssh, bash's
# /dev/tcp), to tell "needs the network" from a failing command.


def _empty_output() -> None:
    """Empty the output file for the next block; most blocks print little or nothing."""
    if os.fstat(1).st_size:
        os.ftruncate(1, 0)


def _stops(record: dict[str, Any], block: Block) -> bool:
    """Whether what follows in the block's session cannot be trusted after this result.

    An exception, a failed command, too much output or a network attempt do; output that
    differs from the expected output does not (the state is intact, and `--update` fixes
    every mismatch at once).
    """
    status = record["status"]
    if status in {"error", "output_limit", "network"}:
        return True
    if status == "not_raised":
        return bool(record.get("raised"))
    expected_exit = block.get("exit") or 0
    return any(
        command["status"] != expected_exit
        and not (command["expected"] and not block.get("output_ignore"))
        for command in record.get("commands", ())
    )


def main(argv: list[str]) -> int:
    """Run the job file named by `argv[1]`; with `--serve` (`--offline`), be a warm worker."""
    if argv[1] == "--serve":
        siblings = argv[argv.index("--siblings") + 1] if "--siblings" in argv else ""
        return serve(run_job, offline="--offline" in argv, siblings=siblings)
    with open(argv[1], encoding="utf-8") as file:
        job = json.load(file)
    return run_job(job)


def run_job(job: dict[str, Any]) -> int:
    """Run one page's job (what `run.make_job` made), in this process."""
    limit(job.get("limits", {}))
    page = Page(job)
    guard_network(page, allowed=job.get("network", False))
    page.run()
    return 0


if __name__ == "__main__":  # pragma: no cover - run by docgen.examples.run
    # os._exit: a thread an example left running must not keep the page alive.
    serving = sys.argv[1] == "--serve"  # read now: a page's examples get an argv of their own
    if not serving:
        adopt_orphans()
        with open(sys.argv[1], encoding="utf-8") as job_file:
            if not json.load(job_file).get("network"):
                cut_network()
    status = main(sys.argv)
    sys.stdout.flush()
    if not serving:  # a worker's children are its siblings: they end on their own
        end_children()
    os._exit(status)
