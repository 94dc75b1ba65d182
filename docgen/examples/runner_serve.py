"""The examples' warm worker: it forks a fresh sandboxed process per page and watches it.

`python -P runner_child.py --serve` reads one page per JSON line on stdin (the pool's
protocol, see `docgen.pool`): `{"job": ..., "timeouts": [...]}`, the job as
`run.page_request` made it. For each, it makes the page's temporary folder, forks the
page's process from itself (Python's start-up and the common imports are paid once per
worker, not once per page), enforces each block's timeout by killing the page's whole
process group, ends what the page left running, and answers one JSON line:
`{"value": {...}}` with the page's records and how its process ended (`run.PageRun`'s
fields). The folder is removed after the answer is sent, off the caller's path.

On SIGTERM (the pool ending it: Ctrl-C, a timeout) it kills the running page's group
first, then removes its folder. Part of the page driver: standard library only.
"""

# Plain os calls, not pathlib: the worker stays import-light (pages inherit its imports).
# ruff: noqa: PLC0415, PTH101, PTH102, PTH118, PTH120, PTH123

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:
    from docgen.examples.runner_sandbox import adopt_orphans, cut_network, end_children
else:  # pragma: no cover - loaded by runner_child run as a script
    from runner_sandbox import adopt_orphans, cut_network, end_children

__all__ = ["GRACE", "Records", "serve", "watch"]

GRACE = 0.5
"""How long past its timeout a block gets before its page is killed."""
_FOLDERS = itertools.count()

RunJob = Callable[[dict[str, Any]], int]
"""Runs one page's job in this process (`runner_child.run_job`)."""


def _page_process(  # pragma: no cover - a forked child
    request: dict[str, Any], run_job: RunJob
) -> None:
    """In the forked child: become the page's sandboxed process, run it, never return."""
    code = 70
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the worker's handler is not the page's
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
        adopt_orphans()
        if not request["job"].get("network") and not _Running.offline:
            cut_network()
        code = run_job(request["job"])
    except BaseException:
        import traceback

        os.write(2, traceback.format_exc().encode())
    finally:
        with contextlib.suppress(BaseException):
            end_children()
        os._exit(code)


class Records:
    """Reads the page's results file as its process appends to it.

    Attributes:
        running: the block that started and has not ended, and when it started.
        ended: the `end` records, in order.
        setup: the `setup` record, when `examples.setup` failed.
        last: when a record was last read (the page is idle since).

    Args:
        path: the results file, one JSON line per record.
    """

    def __init__(self, path: str) -> None:
        self.file = open(path, encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._partial = ""
        self.running: tuple[int, float] | None = None
        self.ended: list[dict[str, Any]] = []
        self.setup: dict[str, Any] | None = None
        self.last = time.monotonic()

    def read(self) -> None:
        """Read the records appended since the last read."""
        for line in self.file.readlines():
            self._partial += line
            if not self._partial.endswith("\n"):
                continue
            record = json.loads(self._partial)
            self._partial = ""
            self.last = time.monotonic()
            if record["event"] == "start":
                self.running = (record["block"], record["time"])
            elif record["event"] == "setup":
                self.setup = record
            else:
                self.running = None
                self.ended.append(record)

    def close(self) -> None:
        """Close the results file."""
        self.file.close()


def watch(pid: int, records: Records, timeouts: list[float], idle: float) -> int | None:
    """Wait for the page to end; the index of the block that ran out of time, if one did.

    -1: the page hung between two blocks for `idle` seconds.

    Args:
        pid: the page's process.
        records: its results file, read as the page runs.
        timeouts: each block's timeout in seconds, by block index.
        idle: how long the page may spend between two blocks.
    """
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


def remove(path: str) -> None:
    """Remove a page's folder, also what an example left read-only."""
    import shutil

    def retry(function: Callable[..., Any], name: str, _exc: Any) -> None:
        os.chmod(os.path.dirname(name), 0o700)
        os.chmod(name, 0o700)
        function(name)

    with contextlib.suppress(OSError):
        if sys.version_info >= (3, 12):  # pragma: no cover - depends on the interpreter
            shutil.rmtree(path, onexc=retry)
        else:  # pragma: no cover
            shutil.rmtree(path, onerror=lambda f, n, e: retry(f, n, e[1]))


class _Running:
    """The page this worker runs now, so SIGTERM can end it: its process group, folder.

    `done`: the folders of the pages answered, removed while the next page runs.

    `offline`: the worker left the network itself, so its pages need not (see `serve`).
    """

    pid = 0
    root = ""
    offline = False
    done: list[str] = []  # noqa: RUF012 - one worker, one list
    siblings: frozenset[int] = frozenset()  # forked workers: not the pages' leftovers


def _terminate(_signal: int, _frame: Any) -> None:  # pragma: no cover - in the worker
    raise SystemExit(143)


def run_page(request: dict[str, Any], run_job: RunJob) -> tuple[dict[str, Any], str]:
    """Run one page in a forked process; what `run.PageRun` needs, and the page's folder.

    The folder is the caller's to remove (after it answered); the folders of earlier
    pages (`_Running.done`) are removed while this page runs, off the pages' path.
    """
    started = time.monotonic()
    base = os.environ.get("TMPDIR") or "/tmp"  # noqa: S108 - the sandbox's temporary folder
    root = os.path.join(base, f"docgen-examples-{os.getpid()}-{next(_FOLDERS)}")
    os.mkdir(root, 0o700)
    _Running.root = root
    folders = {name: os.path.join(root, name) for name in ("work", "home", "tmp", "scratch")}
    for folder in folders.values():
        os.mkdir(folder)
    job = request["job"]
    job["results"] = os.path.join(root, "results.jsonl")
    job["output"] = output = os.path.join(root, "output")
    job["scratch"] = folders["scratch"]
    open(job["results"], "w").close()
    env = dict(os.environ)
    env.update(HOME=folders["home"], PWD=folders["work"])
    env.update(TMPDIR=folders["tmp"], TEMP=folders["tmp"], TMP=folders["tmp"])
    env.pop("OLDPWD", None)
    timeouts: list[float] = request["timeouts"]
    records = Records(job["results"])
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the page's process
            _page_process(
                {"job": job, "cwd": folders["work"], "env": env, "output": output}, run_job
            )
        _Running.pid = pid
        try:
            while _Running.done:
                remove(_Running.done.pop())
            timed_out = watch(pid, records, timeouts, max(timeouts, default=0) + 10)
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            _Running.pid = 0
            end_children(keep=_Running.siblings)  # what left the page's group: adopted here
        records.read()
    finally:
        records.close()
    with open(output, "rb") as file:
        tail = file.read(job["output_limit"]).decode("utf-8", "replace")
    unfinished = records.running[0] if records.running and timed_out is None else None
    value = {
        "records": records.ended,
        "returncode": os.waitstatus_to_exitcode(status),
        "timed_out": timed_out,
        "unfinished": unfinished,
        "output": tail[-4000:],
        "seconds": time.monotonic() - started,
        "setup": records.setup,
    }
    return value, root


def _fork_siblings(pairs: list[list[str]]) -> None:  # pragma: no cover - in the worker
    """Fork a sibling worker per pair of pipe ends; in the sibling, return as that worker."""
    fds = [int(fd) for pair in pairs for fd in pair]
    forked: list[int] = []
    for read, write in pairs:
        pid = os.fork()
        if pid == 0:
            os.dup2(int(read), 0)
            os.dup2(int(write), 1)
            for fd in fds:
                os.close(fd)
            adopt_orphans()  # not inherited through fork
            os.write(1, (json.dumps({"pid": os.getpid()}) + "\n").encode())
            return
        forked.append(pid)
    for fd in fds:
        os.close(fd)
    _Running.siblings = frozenset(forked)


def serve(  # pragma: no cover - measured through the pages it runs
    run_job: RunJob, *, offline: bool = False, siblings: str = ""
) -> int:
    """The warm worker's loop: a page per request line, its run as the answer line.

    `siblings` (`R:W,R:W`, see `docgen.pool.Workers`): once warm, fork one more worker
    per pair of pipe ends, which reads its requests from R and answers on W, after a first
    line with its process id. `offline`: leave the network once, here, for every page
    forked from this worker (and its siblings). A
    network namespace per page cost each page its creation and, worse, its teardown, which
    the kernel does in a worker thread of its own: CPU the pages' cores pay for at `-j 2`.

    Args:
        run_job: runs one page's job in the forked page process.
        offline: leave the network for every page of this worker.
        siblings: the pipe ends of the sibling workers to fork, empty for none.
    """
    import gc

    # What every page imports, imported once here: the forked pages inherit it.
    for name in ("ctypes", "linecache", "resource", "shutil", "socket", "tokenize"):
        __import__(name)
    # A page killed on its timeout cannot end what left its group: the worker does.
    adopt_orphans()
    signal.signal(signal.SIGTERM, _terminate)
    _Running.offline = offline and cut_network()
    # The worker's objects never change again: the pages' collector leaves them (and the
    # memory pages they are on) alone, so fewer of them are copied after each fork.
    gc.freeze()
    _fork_siblings([pair.split(":") for pair in siblings.split(",") if pair])
    try:
        for line in sys.stdin.buffer:
            root = ""
            try:
                value, root = run_page(json.loads(line), run_job)
                answer: dict[str, Any] = {"value": value}
            except Exception as exc:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            data = (json.dumps(answer) + "\n").encode()
            while data:
                data = data[os.write(1, data) :]
            _Running.done.append(root or _Running.root)  # removed while the next page runs
            _Running.root = ""
        # The end of the requests: the siblings got theirs too. Reaped here, their CPU time
        # is counted with this worker's, and so with the caller's.
        for sibling in _Running.siblings:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(sibling, 0)
    finally:
        if _Running.pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(_Running.pid, signal.SIGKILL)
            end_children(keep=_Running.siblings)
        for folder in (*_Running.done, _Running.root):
            if folder:
                remove(folder)
    return 0
