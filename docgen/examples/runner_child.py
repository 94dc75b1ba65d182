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
# ruff: noqa: PLC0415, PTH100, PTH103, PTH110, PTH118, PTH120, PTH123

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import sys
import time
import types
from typing import Any

PyCF_ALLOW_TOP_LEVEL_AWAIT = 0x2000  # ast's flag, without importing ast
"""compile() flag that lets a Python block use `await` at its top level."""
CO_COROUTINE = 0x80
"""Code flag set when such a block did use `await`: its result is a coroutine to run."""

Block = dict[str, Any]
"""One block of the job, as `run.make_job` wrote it (index, language, code, line, ...)."""
_SCRIPTS = itertools.count(1)
# Files written from titled blocks (`title="app.py"`): absolute path -> first Markdown line.
_TITLED: dict[str, int] = {}


class OutputLimitExceeded(BaseException):
    """Raised from print() once a block wrote more than the output limit."""


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
        with open(self.job["output"], "rb") as file:
            data = file.read(self.output_limit + 1)
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
        try:
            for block in self.job["blocks"]:
                self.run_block(block)
        finally:
            if self.shell is not None:
                self.shell.close()
            self.results.close()

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

    def run_block(self, block: Block) -> None:
        """Run one block of any language and emit its result."""
        os.ftruncate(1, 0)
        self.written = 0
        title = block.get("title")
        if title:
            os.makedirs(os.path.dirname(title) or ".", exist_ok=True)
            with open(title, "w", encoding="utf-8") as file:
                file.write(block["code"])
            _TITLED[os.path.abspath(title)] = block["line"]
        language = block["language"]
        if language not in {"python", "pycon", "bash", "console"}:
            return
        self.emit({"event": "start", "block": block["index"], "time": time.monotonic()})
        record: dict[str, Any] = {"status": "ok", "line": block["line"]}
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
            record.update(
                status="output_limit", line=_failing_line(exc, self.path) or block["line"]
            )
        text, over = self.output()
        if over:
            record["status"] = "output_limit"
        record["output"] = text[-4000:]
        self.emit({"event": "end", "block": block["index"], **record})

    def run_python(self, block: Block) -> dict[str, Any]:
        """Execute a Python block, with tracebacks at the Markdown file's lines."""
        raises: str | None = block.get("raises")
        padded = "\n" * (block["line"] - 1) + block["code"]
        try:
            code = compile(padded, self.path, "exec", PyCF_ALLOW_TOP_LEVEL_AWAIT, True)
        except SyntaxError as exc:
            if raises and _matches(exc, raises):
                return {}
            return _failure(exc, self.path, exc.lineno or block["line"])
        try:
            result = eval(code, self.namespace)  # noqa: S307 - running the docs' examples is the job
            if code.co_flags & CO_COROUTINE:
                import asyncio

                asyncio.run(result)
        except SystemExit as exc:
            if exc.code in (None, 0) and not raises:
                return {}
            if raises and _matches(exc, raises):
                return {}
            return {
                "status": "error",
                "line": _failing_line(exc, self.path) or block["line"],
                "message": f"the example exited with status {exc.code}",
            }
        except OutputLimitExceeded:
            raise
        except BaseException as exc:
            if raises and _matches(exc, raises):
                return {}
            failure = _failure(exc, self.path, block["line"])
            if raises:
                failure["status"] = "not_raised"
                failure["message"] = f"expected {raises}, got {failure['message']}"
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
        try:
            test = doctest.DocTestParser().get_doctest(
                block["code"], {}, self.path, self.path, first - 1
            )
        except ValueError as exc:
            return {"status": "error", "message": f"cannot read the session: {exc}"}
        test.globs = self.namespace
        failures: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []

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
                        "got": got.splitlines(),
                    }
                )

            def report_unexpected_exception(
                self, out: Any, test: Any, example: Any, exc_info: Any
            ) -> None:
                exc = exc_info[1]
                failure = _failure(exc, path, first + example.lineno)
                failure["line"] = first + example.lineno
                errors.append(failure)

        runner = Runner(optionflags=doctest.ELLIPSIS)
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
        line = error_line or _bash_line(text, shell.script) or 1
        where = f"{shell.script}: line {line}:"
        return {
            "status": "error",
            "line": block["line"] + line - 1,
            "message": f"the script exited with status {status}"
            + (f" (expected {expected})" if expected is not None else ""),
            "detail": text.replace(where, f"{self.path}:{block['line'] + line - 1}:")[-2000:],
        }

    def run_console(self, block: Block) -> dict[str, Any]:
        """Run a console block's `$ ` commands and compare what they print."""
        commands: list[dict[str, Any]] = []
        for command in _console_commands(block["code"], block["line"]):
            shell = self.get_shell()
            os.ftruncate(1, 0)
            status, _ = shell.run_script(command["command"], strict=False)
            text, over = self.output()
            if over:
                return {"status": "output_limit", "line": command["line"]}
            commands.append({**command, "got": text, "status": status})
        return {"commands": commands}


def _console_commands(code: str, first: int) -> list[dict[str, Any]]:
    """`$ ` lines (with `> ` and backslash continuations) and the output shown after them."""
    commands: list[dict[str, Any]] = []
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not (line.startswith("$ ") or line == "$"):
            index += 1
            continue
        start = index
        parts = [line[2:]]
        index += 1
        while index < len(lines) and (
            parts[-1].endswith("\\") or lines[index].startswith("> ") or lines[index] == ">"
        ):
            following = lines[index]
            parts.append(following[2:] if following.startswith(">") else following)
            index += 1
        out_start = index
        while index < len(lines) and not (lines[index].startswith("$ ") or lines[index] == "$"):
            index += 1
        commands.append(
            {
                "line": first + start,
                "start": first + out_start,
                "count": index - out_start,
                "command": "\n".join(parts),
                "expected": lines[out_start:index],
            }
        )
    return commands


class Shell:
    """One bash session for a page; each script is sourced, stdin closed.

    Attributes:
        scratch: the folder the scripts (and the line a strict script failed at) go to.
        done: read end of the pipe on which bash says `done STATUS` after each script.
        proc: the bash process.
        pidfd: a file descriptor that becomes readable when bash exits.
    """

    def __init__(self, scratch: str) -> None:
        import subprocess

        self.scratch = scratch
        self.script = ""
        read, self.write_fd = os.pipe()
        self.done = os.fdopen(read, "rb", buffering=0)
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            pass_fds=(self.write_fd,),
        )
        os.close(self.write_fd)
        self.pidfd = os.pidfd_open(self.proc.pid)

    def alive(self) -> bool:
        """Whether the bash process is still running."""
        return self.proc.poll() is None

    def run_script(self, code: str, *, strict: bool) -> tuple[int, int | None]:
        """Source `code` in the session; its exit status and, if it failed, its line.

        With `strict`, the script runs under `set -eEuo pipefail` and the line of the
        failing command is recorded; without it (console commands), only the status counts.
        """
        import select

        assert self.proc.stdin is not None
        # Unique across the page's sessions: a restarted shell must not see stale files.
        self.script = os.path.join(self.scratch, f"block{next(_SCRIPTS)}.sh")
        errfile = self.script + ".line"
        with open(self.script, "w", encoding="utf-8") as file:
            file.write(code)
        fd = self.write_fd
        if strict:
            command = (
                f"trap 'printf %s \"$LINENO\" > {errfile}' ERR; set -eEuo pipefail; "
                f"source {self.script} {fd}>&- </dev/null; "
                f"set +eEuo pipefail; trap - ERR; printf 'done 0\\n' >&{fd}\n"
            )
        else:
            command = (
                f"source {self.script} {fd}>&- </dev/null; printf 'done %s\\n' \"$?\" >&{fd}\n"
            )
        self.proc.stdin.write(command.encode())
        self.proc.stdin.flush()
        buffer = b""
        while not buffer.endswith(b"\n"):
            ready, _, _ = select.select([self.done.fileno(), self.pidfd], [], [])
            if self.done.fileno() in ready:
                chunk = self.done.read(64)
                if chunk:
                    buffer += chunk
                    continue
            if self.pidfd in ready:
                status = self.proc.wait()
                line = None
                if os.path.exists(errfile):
                    with open(errfile, encoding="utf-8") as file:
                        line = int(file.read().strip() or 0) or None
                return status, line
        return int(buffer.split()[1]), None

    def close(self) -> None:
        """End the bash session and reap its process."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        self.proc.wait()
        self.done.close()
        os.close(self.pidfd)


def _matches(exc: BaseException, expected: str) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    names |= {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}
    return expected in names


def _failing_line(exc: BaseException, path: str) -> int | None:
    import traceback

    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename == path:
            line = lineno
        elif (first := _TITLED.get(os.path.abspath(filename))) is not None:
            line = first + lineno - 1  # in a module written from a titled block
    return line


def _failure(exc: BaseException, path: str, default: int) -> dict[str, Any]:
    import traceback

    if isinstance(exc, SyntaxError) and exc.filename == path:
        line = exc.lineno or default
    else:
        line = _failing_line(exc, path) or default
    tb = exc.__traceback__
    # Leave out the driver's own frame: the user's code starts below it.
    if tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    detail = "".join(traceback.format_exception(type(exc), exc, tb))
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
    return {"status": "error", "line": line, "message": message, "detail": detail[-4000:]}


def _bash_line(text: str, script: str) -> int | None:
    import re

    found = re.search(rf"{re.escape(script)}: line (\d+):", text)
    return int(found.group(1)) if found else None


def _limit(limits: dict[str, int]) -> None:
    """Resource limits: a runaway example must not hurt the machine."""
    import resource

    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name.upper()}")
        _soft, hard = resource.getrlimit(kind)
        soft = value if hard == resource.RLIM_INFINITY else min(value, hard)
        with contextlib.suppress(ValueError, OSError):  # a limit this system refuses
            resource.setrlimit(kind, (soft, hard))


def main(argv: list[str]) -> int:
    """Run the job file named by `argv[1]`; with `--serve`, be a fork server."""
    if argv[1] == "--serve":
        return serve()
    with open(argv[1], encoding="utf-8") as file:
        job = json.load(file)
    return run_job(job)


def run_job(job: dict[str, Any]) -> int:
    """Run one page's job (what `run.make_job` made), in this process."""
    _limit(job.get("limits", {}))
    Page(job).run()
    return 0


def _send(message: dict[str, Any]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _page_process(request: dict[str, Any]) -> None:  # pragma: no cover - a forked child
    """In the forked child: become the page's sandboxed process, run it, never return."""
    code = 70
    try:
        os.setsid()
        output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((null, 0), (output, 1), (output, 2)):
            os.dup2(fd, target)
        os.closerange(3, 1024)  # the server's pipes and its other children's pidfds
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        code = run_job(request["job"])
    except BaseException:
        import traceback

        os.write(2, traceback.format_exc().encode())
    finally:
        os._exit(code)


def serve() -> int:  # pragma: no cover - measured through the pages it runs
    """Fork server: one JSON request per line on stdin, one fresh forked process per page.

    Forking a process that already started Python and read site-packages saves each
    page the interpreter's start-up, while every page still gets a process of its own.
    Answers on stdout: `{"id", "pid"}` when a page started, `{"pid", "status"}` when it
    ended (status as subprocess's returncode: negative for a signal).
    """
    import select

    # What every page imports, imported once here: the forked pages inherit it.
    for name in ("linecache", "resource", "tokenize"):
        __import__(name)
    children: dict[int, int] = {}  # pidfd -> pid
    buffer = b""
    reading = True
    while reading or children:
        watched = ([0] if reading else []) + list(children)
        ready, _, _ = select.select(watched, [], [])
        for fd in ready:
            if fd == 0:
                chunk = os.read(0, 65536)
                if not chunk:
                    reading = False
                    continue
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    request = json.loads(line)
                    pid = os.fork()
                    if pid == 0:
                        _page_process(request)
                    children[os.pidfd_open(pid)] = pid
                    _send({"id": request["id"], "pid": pid})
            else:
                pid = children.pop(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                _send({"pid": pid, "status": os.waitstatus_to_exitcode(status)})
    return 0


if __name__ == "__main__":  # pragma: no cover - run by docgen.examples.run
    # os._exit: a thread an example left running must not keep the page alive.
    status = main(sys.argv)
    sys.stdout.flush()
    os._exit(status)
