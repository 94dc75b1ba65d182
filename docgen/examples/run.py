"""Run each page's examples in its own sandboxed subprocess, pages in parallel.

The sandbox: a fresh temporary working directory, HOME and TMPDIR inside it, stdin
closed, credentials scrubbed from the environment, the network off unless allowed,
resource limits (CPU time, memory, file size, processes), each block's timeout enforced
from here by killing the page's whole process group; processes that left the group are
ended by the page (or, once it is killed, by the fork server) that adopted them.
Everything is removed afterwards, whatever happened.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.examples.collect import Example

__all__ = [
    "SECRET_WORDS",
    "ForkServer",
    "PageRun",
    "Remover",
    "Sandbox",
    "environment",
    "make_job",
    "run_page",
    "run_pages",
]

CHILD = Path(__file__).with_name("runner_child.py")
# Any variable whose name holds one of these is not passed to the examples.
SECRET_WORDS = ("TOKEN", "SECRET", "PASS", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE")
"""An environment variable whose name holds one of these (in any case) is withheld."""
# How long past its timeout a block gets before its page is killed.
GRACE = 0.5


@dataclass(frozen=True, slots=True)
class Sandbox:
    """How examples are run: limits that apply to every page.

    Attributes:
        timeout: seconds one block may run, unless its `timeout=` marker says otherwise.
        output_limit: bytes of output (stdout and stderr) one block may print.
        memory_limit: bytes of address space one page's process may use.
        jobs: how many pages run at the same time.
        python: the interpreter that runs the examples.
        fork_server: fork each page from a server process started once, rather than
            start a new interpreter per page.
        network: let the examples' Python code reach the network (off: every attempt is
            refused, and reported as needing the network).
        setup: Python code run in every page's namespace before its first block.
    """

    timeout: float = 10.0
    output_limit: int = 1_000_000
    memory_limit: int = 2 * 1024**3
    jobs: int = 1
    python: str = sys.executable
    fork_server: bool = True
    network: bool = False
    setup: str = ""


@dataclass(frozen=True, slots=True)
class PageRun:
    """What one page's subprocess reported: its `end` records, and how it ended.

    `timed_out` is the index of the block that ran out of time; `returncode` is the
    subprocess's (negative: killed by that signal); `unfinished` is the block that was
    running when the process ended without reporting it (`os._exit`, a crash); `setup` is
    the failure of `examples.setup` on this page, if it failed (then the page's Python
    blocks were not run).

    Attributes:
        path: the page, relative to the project root.
        output: the end of what the process printed since its last block started (at
            most 4000 characters), shown when the process crashed.
        seconds: wall-clock time of the run, start-up and clean-up included.
        error: why the process could not be started, or None when it was.
        blocks: the examples that were handed to the process, in order.
    """

    path: str
    records: tuple[Mapping[str, Any], ...] = ()
    returncode: int = 0
    timed_out: int | None = None
    unfinished: int | None = None
    output: str = ""
    seconds: float = 0.0
    error: str | None = None
    blocks: tuple[Example, ...] = field(default=(), repr=False)
    setup: Mapping[str, Any] | None = None


def environment(base: Mapping[str, str], home: Path, tmp: Path) -> dict[str, str]:
    """The examples' environment: no credentials, a temporary HOME, stable output.

    Args:
        base: the environment to start from, usually `os.environ`; variables named after
            `SECRET_WORDS` are left out.
        home: the folder HOME points to.
        tmp: the folder TMPDIR, TEMP and TMP point to.
    """
    env = {
        name: value
        for name, value in base.items()
        if not any(word in name.upper() for word in SECRET_WORDS)
        and name not in {"PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT"}
    }
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        TEMP=str(tmp),
        TMP=str(tmp),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
        COLUMNS="80",
    )
    return env


def _block(index: int, example: Example) -> dict[str, Any]:
    return {
        "index": index,
        "language": example.language,
        "code": example.code,
        "line": example.code_line,
        "raises": example.markers.raises,
        "exit": example.markers.exit,
        "output_ignore": example.markers.output_ignore,
        "title": example.title,
        "main": example.markers.main,
        "includes": [list(include) for include in example.includes],
    }


def _limits(sandbox: Sandbox, examples: Sequence[Example]) -> dict[str, int]:
    total = sum(example.markers.timeout or sandbox.timeout for example in examples)
    return {
        "cpu": int(total + 10),
        "as": sandbox.memory_limit,
        "fsize": max(64 * 1024**2, 4 * sandbox.output_limit),
        "nproc": 4096,
        "core": 0,
    }


class _Records:
    """Reads the results file as the child appends to it."""

    def __init__(self, path: Path) -> None:
        self.file = path.open(encoding="utf-8")
        self.partial = ""
        self.running: tuple[int, float] | None = None
        self.ended: list[dict[str, Any]] = []
        self.setup: dict[str, Any] | None = None
        self.last = time.monotonic()

    def read(self) -> None:
        for line in self.file.readlines():
            self.partial += line
            if not self.partial.endswith("\n"):
                continue
            record = json.loads(self.partial)
            self.partial = ""
            self.last = time.monotonic()
            if record["event"] == "start":
                self.running = (record["block"], record["time"])
            elif record["event"] == "setup":
                self.setup = record
            else:
                self.running = None
                self.ended.append(record)

    def close(self) -> None:
        self.file.close()


def _watch(pid: int, records: _Records, timeouts: Sequence[float], idle: float) -> int | None:
    """Wait for the page to end; the index of the block that ran out of time, if one did."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:  # pragma: no cover - ended and reaped already
        return None
    try:
        while True:
            records.read()
            running = records.running
            if running is not None:
                deadline = running[1] + timeouts[running[0]] + GRACE
            else:
                deadline = records.last + idle
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return running[0] if running is not None else -1
            # Between blocks, look again soon: the next block's start is not announced.
            wait = remaining if running is not None else min(remaining, 0.05)
            ready, _, _ = select.select([pidfd], [], [], wait)
            if ready:
                return None
    finally:
        os.close(pidfd)


def _kill_group(pid: int) -> None:
    """Kill what the page left running (background jobs, forked children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class ForkServer:
    """A Python process that forks one fresh process per page (see runner_child.serve).

    It saves every page the interpreter's start-up and site-packages scan; each page
    still runs in a process of its own, in its own session, with its own sandbox.
    The server is started with `python`, the interpreter that runs the examples.

    Attributes:
        proc: the server process; requests go to its stdin, replies come from its stdout.
        unused: True until the first page is started, so `close` need not wait for it.
        lock: guards the two tables of pending replies and the writes to the server.
        ids: numbers the requests, to match each with the process id it started.
        started: request number -> the started page's process id, once the server says.
        ended: process id -> the page's exit status, once the server says.
        reader: the thread that reads the server's replies into `started` and `ended`.
    """

    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen(
            [python, "-P", str(CHILD), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=tempfile.gettempdir(),
            env=environment(os.environ, Path(tempfile.gettempdir()), Path(tempfile.gettempdir())),
            start_new_session=True,
        )
        self.unused = True
        self.lock = threading.Lock()
        self.ids = itertools.count()
        self.started: dict[int, Future[int]] = {}
        self.ended: dict[int, Future[int]] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    @staticmethod
    def _future(table: dict[int, Future[int]], key: int) -> Future[int]:
        return table.setdefault(key, Future())

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self.lock:
                if "id" in message:
                    self._future(self.started, message["id"]).set_result(message["pid"])
                else:
                    self._future(self.ended, message["pid"]).set_result(message["status"])
        with self.lock:
            for future in (*self.started.values(), *self.ended.values()):
                if not future.done():  # pragma: no cover - the server died
                    future.set_exception(OSError("the examples' fork server ended"))

    def start(self, request: dict[str, Any]) -> int:
        """Start one page; its process id (also its process group).

        `request` holds the job (see `make_job`), the working directory, the environment
        and the output file of the page.
        """
        assert self.proc.stdin is not None
        self.unused = False
        with self.lock:
            number = next(self.ids)
            started = self._future(self.started, number)
            self.proc.stdin.write((json.dumps({**request, "id": number}) + "\n").encode())
            self.proc.stdin.flush()
        pid = started.result(timeout=60)
        with self.lock:
            del self.started[number]
        return pid

    def wait(self, pid: int) -> int:
        """The ended page's exit status (negative: the signal that killed it).

        `pid` is the process id `start` returned.
        """
        with self.lock:
            ended = self._future(self.ended, pid)
        status = ended.result(timeout=60)
        with self.lock:
            del self.ended[pid]
        return status

    def close(self, *, unused: bool = False) -> None:
        """Let the server end once its pages have; `unused`: it ran none, end it now."""
        assert self.proc.stdin is not None
        if unused:
            # No page to wait for: don't wait for its start-up either.
            _kill_group(self.proc.pid)
        self.proc.stdin.close()
        self.proc.wait()
        self.reader.join()
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _remove(path: Path) -> None:
    def retry(function: Callable[..., Any], name: str, _exc: BaseException) -> None:
        # An example may have left a read-only folder behind.
        Path(name).parent.chmod(0o700)
        Path(name).chmod(0o700)
        function(name)

    if sys.version_info >= (3, 12):  # pragma: no cover - depends on the interpreter
        shutil.rmtree(path, onexc=retry)
    else:  # pragma: no cover
        shutil.rmtree(path, onerror=lambda f, n, e: retry(f, n, e[1]))


class Remover:
    """Removes the pages' temporary folders in a thread of its own.

    Removing a folder costs more than creating it (a few ms on ext4, and a lock the pages'
    threads would contend for): off their path, it overlaps with the next pages' runs.
    `close` waits until everything handed over is gone.
    """

    def __init__(self) -> None:
        self.folders: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (folder := self.folders.get()) is not None:
            _remove(folder)

    def __call__(self, folder: Path) -> None:
        self.folders.put(folder)

    def close(self) -> None:
        """Return once every folder handed over is removed."""
        self.folders.put(None)
        self.thread.join()


def make_job(
    path: str, examples: Sequence[Example], sandbox: Sandbox, root: Path
) -> dict[str, Any]:
    """The job file's content for runner_child: the page's blocks, files and limits.

    Args:
        path: the page, relative to the project root; tracebacks name it.
        examples: the page's runnable examples, in order.
        sandbox: the limits to apply.
        root: the page's temporary folder, where the results and output files go.
    """
    results = root / "results.jsonl"
    results.touch()
    return {
        "path": path,
        "results": str(results),
        "output": str(root / "output"),
        "scratch": str(root / "scratch"),
        "output_limit": sandbox.output_limit,
        "network": sandbox.network,
        "setup": sandbox.setup,
        "limits": _limits(sandbox, examples),
        "blocks": [_block(index, example) for index, example in enumerate(examples)],
    }


def run_page(
    path: str,
    examples: Sequence[Example],
    sandbox: Sandbox,
    server: ForkServer | None = None,
    remove: Callable[[Path], None] = _remove,
) -> PageRun:
    """Run one page's runnable examples, in order, in one fresh sandboxed process.

    With a fork server the process is forked from it (the job travels with the request);
    otherwise it is a new interpreter, reading the job from a file. `remove` removes the
    page's temporary folder once the run is read (a `Remover` does it in the background).

    Args:
        path: the page, relative to the project root.
        examples: its runnable examples, in order.
        sandbox: the limits and interpreter to run them with.
        server: a started fork server, or None for a new interpreter.
        remove: removes the temporary folder.
    """
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="docgen-examples-"))
    try:
        folders = {name: root / name for name in ("work", "home", "tmp", "scratch")}
        for folder in folders.values():
            folder.mkdir()
        job = make_job(path, examples, sandbox, root)
        results, output = Path(job["results"]), Path(job["output"])
        timeouts = [example.markers.timeout or sandbox.timeout for example in examples]
        records = _Records(results)
        env = environment(os.environ, folders["home"], folders["tmp"])
        env["PWD"] = str(folders["work"])
        env.pop("OLDPWD", None)
        try:
            if server is not None:
                request = {"job": job, "cwd": str(folders["work"]), "env": env}
                pid = server.start({**request, "output": str(output)})
            else:
                job_file = str(root / "job.json")
                Path(job_file).write_text(json.dumps(job), encoding="utf-8")
                with output.open("ab") as out:
                    proc = subprocess.Popen(
                        [sandbox.python, "-P", str(CHILD), job_file],
                        cwd=folders["work"],
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=out,
                        stderr=out,
                        start_new_session=True,
                    )
                pid = proc.pid
            try:
                timed_out = _watch(pid, records, timeouts, max(timeouts, default=0) + 10)
            finally:
                _kill_group(pid)
                returncode = server.wait(pid) if server is not None else proc.wait()
            records.read()
        except OSError as exc:
            return PageRun(path, error=str(exc), blocks=tuple(examples))
        finally:
            records.close()
        with output.open("rb") as file:
            tail = file.read(sandbox.output_limit).decode("utf-8", "replace")
        unfinished = records.running[0] if records.running and timed_out is None else None
        return PageRun(
            path,
            records=tuple(records.ended),
            returncode=returncode,
            timed_out=timed_out,
            unfinished=unfinished,
            output=tail[-4000:],
            seconds=time.monotonic() - started,
            blocks=tuple(examples),
            setup=records.setup,
        )
    finally:
        remove(root)


def run_pages(
    pages: Sequence[tuple[str, Sequence[Example]]],
    sandbox: Sandbox,
    server: ForkServer | None = None,
) -> list[PageRun]:
    """Run pages in parallel (`sandbox.jobs` at a time); results in the pages' order.

    `server`: a fork server started earlier (while the pages were collected), which the
    caller closes; without one, one is started here if `sandbox.fork_server`.
    """
    if not pages:
        return []
    own = server is None and sandbox.fork_server
    if own:
        server = ForkServer(sandbox.python)
    remover = Remover()
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(sandbox.jobs, len(pages)))) as pool:
            return list(
                pool.map(lambda page: run_page(page[0], page[1], sandbox, server, remover), pages)
            )
    finally:
        remover.close()
        if own and server is not None:
            server.close()
