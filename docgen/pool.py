"""One worker pool: tasks on up to N worker processes, one outcome per task, in order.

Every stage that works in parallel goes through here: the examples (a page per task),
API extraction (a batch of modules per task) and the links stage (a chunk of pages per
task). The pool gives them the same guarantees:

- outcomes come back in the tasks' order, whichever worker finished first;
- a task that raises, or whose worker dies, is an `Outcome` with an `error`, never a
  crash of the caller; a dead worker is replaced and the other tasks go on;
- a task past its `timeout` has its worker ended (its whole process group) and is an
  `Outcome` with `timed_out`;
- idle workers take the next task as soon as they are free (no chunking ahead of time),
  so one slow task does not hold a worker's share of the others;
- Ctrl-C (or any exception in the caller) ends every worker before it propagates.

Workers come in two kinds, because the work does:

- **forked** (`run`): a copy of this process that runs `function(item)` on data it
  already holds, inherited through the fork and never pickled. For CPU-bound Python
  (reading a site's HTML pages). Forking a worker costs ~2 ms; starting an interpreter
  that imports docgen.links instead cost 325-490 ms per worker on the 2-core machine of
  the benchmarks, loaded (a bare interpreter: 40-50 ms). With `jobs` < 2, one item, no
  `fork`, or other threads running (forking them is unsafe), the tasks run here, one
  after another, and `timeout` is not enforced.
- **started** (`Workers`): prestarted interpreters, each running a command that reads
  one JSON request per line on stdin and answers one JSON line on stdout,
  `{"value": ...}` or `{"error": "..."}`. For work that must not inherit this process:
  an example's sandbox forks from a clean, import-light interpreter, not from docgen. A
  page forked from the examples' warm worker starts with 124 modules and 13 MB; one forked
  from docgen with MkDocs loaded would start with 517 modules and 40 MB (3x the memory to
  map at every fork), and with `sys.modules` that is not the reader's. The workers are
  started once and stay warm across `map` calls until `close`.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Outcome", "Workers", "cores", "run"]

Item = TypeVar("Item")
Value = TypeVar("Value")

# How long an ended-on-purpose started worker gets to clean up before it is killed.
_TERMINATE_GRACE = 2.0
_LENGTH = struct.Struct("!I")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[Value]):
    """What one task gave: its value, or why there is none.

    Attributes:
        value: what the task returned (None when it failed).
        error: None when the task succeeded; otherwise its exception (`ValueError: bad`),
            its timeout, or how its worker ended.
        detail: the traceback of the task's exception, when there is one.
        timed_out: the task ran past its timeout and its worker was ended.
    """

    value: Value | None = None
    error: str | None = None
    detail: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Whether the task succeeded."""
        return self.error is None


def cores() -> int:
    """How many processes can run at once: the cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def _failed(exc: BaseException) -> Outcome[Any]:
    headline = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Outcome(error=headline, detail="".join(traceback.format_exception(exc)))


def _ended(code: int | None) -> str:
    """How a worker ended, from its exit code (negative: the signal that killed it)."""
    if code is None:
        return "its worker ended"
    if code < 0:
        return f"its worker was killed by signal {-code}"
    return f"its worker exited with status {code}"


class _Worker(Protocol):
    pid: int
    fd: int

    def send(self, index: int, item: object) -> None: ...

    def receive(self) -> tuple[bool, Outcome[Any] | None]: ...

    def finish(self) -> None: ...

    def stop(self) -> None: ...

    def kill(self) -> None: ...


class _Scheduler:
    """Hands tasks to idle workers, reads their outcomes, replaces workers that end."""

    def __init__(self, start: Callable[[], _Worker], jobs: int) -> None:
        self.start = start
        self.jobs = max(1, jobs)
        self.idle: list[_Worker] = []
        self.workers: list[_Worker] = []

    def fill(self) -> None:
        """Start workers until there are `jobs` of them."""
        while len(self.workers) < self.jobs:
            worker = self.start()
            self.workers.append(worker)
            self.idle.append(worker)

    def map(
        self, items: Sequence[object], timeout: float | Sequence[float | None] | None
    ) -> list[Outcome[Any]]:
        outcomes: list[Outcome[Any] | None] = [None] * len(items)
        pending = deque(range(len(items)))
        busy: dict[int, tuple[_Worker, int, float | None]] = {}  # fd -> worker, task, deadline
        try:
            while pending or busy:
                while pending and (self.idle or len(self.workers) < self.jobs):
                    index = pending.popleft()
                    if not self.idle:
                        try:
                            self.fill()
                        except OSError as exc:  # no worker: the task says why
                            outcomes[index] = Outcome(error=f"could not start a worker: {exc}")
                            continue
                    worker = self.idle.pop()
                    seconds = timeout[index] if isinstance(timeout, Sequence) else timeout
                    deadline = None if seconds is None else time.monotonic() + seconds
                    worker.send(index, items[index])
                    busy[worker.fd] = (worker, index, deadline)
                if not busy:
                    continue  # every task left failed to start a worker
                deadlines = [deadline for _, _, deadline in busy.values() if deadline is not None]
                wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                ready, _, _ = select.select(list(busy), [], [], wait)
                for fd in ready:
                    worker, index, _ = busy[fd]
                    ended, outcome = worker.receive()
                    if outcome is not None:
                        outcomes[index] = outcome
                        del busy[fd]
                        if not ended:
                            self.idle.append(worker)
                    if ended:
                        self._drop(worker)
                now = time.monotonic()
                for fd, (worker, index, deadline) in list(busy.items()):
                    if deadline is not None and now >= deadline:
                        seconds = timeout[index] if isinstance(timeout, Sequence) else timeout
                        outcomes[index] = Outcome(
                            error=f"timed out after {seconds:g} s", timed_out=True
                        )
                        del busy[fd]
                        self._drop(worker)
        except BaseException:
            self.kill()  # Ctrl-C, or the caller's own error: no worker outlives it
            raise
        return [
            outcome if outcome is not None else Outcome(error="not run") for outcome in outcomes
        ]

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        self.workers.remove(worker)
        if worker in self.idle:  # pragma: no cover - only busy workers end or time out
            self.idle.remove(worker)

    def close(self) -> None:
        """Let every worker end, and reap it: all are told first, so they end together."""
        for worker in self.workers:
            worker.finish()
        for worker in self.workers:
            worker.stop()
        self.workers.clear()
        self.idle.clear()

    def kill(self) -> None:
        """End every worker now."""
        for worker in self.workers:
            worker.kill()
        self.workers.clear()
        self.idle.clear()


# -- forked workers ---------------------------------------------------------------------


class _Forked:
    """A forked copy of this process that runs `function(items[index])` for each index."""

    def __init__(
        self, function: Callable[[Any], Any], items: Sequence[Any], siblings: list[int]
    ) -> None:
        task_read, self.task_write = os.pipe()
        self.fd, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker; its results are what the tests see
            os.close(self.task_write)
            os.close(self.fd)
            for fd in siblings:  # other workers' ends: they must see this one's EOF
                with contextlib.suppress(OSError):
                    os.close(fd)
            _forked_worker(function, items, task_read, reply_write)
        os.close(task_read)
        os.close(reply_write)
        with contextlib.suppress(OSError):  # the worker's group, ended with it
            os.setpgid(pid, pid)
        self.pid = pid
        self.buffer = b""
        self.code: int | None = None

    def send(self, index: int, item: object) -> None:
        os.write(self.task_write, _LENGTH.pack(index))

    def receive(self) -> tuple[bool, Outcome[Any] | None]:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self._reap()
            return True, Outcome(error=_ended(self.code))
        self.buffer += chunk
        if len(self.buffer) < _LENGTH.size:
            return False, None
        (size,) = _LENGTH.unpack_from(self.buffer)
        if len(self.buffer) < _LENGTH.size + size:
            return False, None
        payload = self.buffer[_LENGTH.size : _LENGTH.size + size]
        self.buffer = self.buffer[_LENGTH.size + size :]
        outcome: Outcome[Any] = pickle.loads(payload)  # noqa: S301 - our own worker's reply
        return False, outcome

    def _reap(self) -> None:
        if self.code is None:
            with contextlib.suppress(ChildProcessError):
                self.code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])

    def _close(self) -> None:
        for fd in (self.task_write, self.fd):
            with contextlib.suppress(OSError):
                os.close(fd)

    def finish(self) -> None:
        """No more tasks: the worker reads their end and exits."""
        with contextlib.suppress(OSError):
            os.close(self.task_write)
        self.task_write = -1

    def stop(self) -> None:
        self.finish()
        self._reap()
        self._close()

    def kill(self) -> None:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(self.pid, signal.SIGKILL)
        self._reap()
        self._close()


def _forked_worker(  # pragma: no cover - runs in the forked worker
    function: Callable[[Any], Any], items: Sequence[Any], tasks: int, replies: int
) -> None:
    """The forked worker's loop: read a task's index, send its pickled outcome, repeat."""
    code = 0
    try:
        with os.fdopen(tasks, "rb", buffering=0) as reader:
            while header := reader.read(_LENGTH.size):
                (index,) = _LENGTH.unpack(header)
                try:
                    outcome: Outcome[Any] = Outcome(value=function(items[index]))
                    payload = pickle.dumps(outcome)
                except Exception as exc:
                    payload = pickle.dumps(_failed(exc))
                view = memoryview(_LENGTH.pack(len(payload)) + payload)
                while view:
                    view = view[os.write(replies, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def run(
    function: Callable[[Item], Value],
    items: Sequence[Item],
    *,
    jobs: int,
    timeout: float | None = None,
) -> list[Outcome[Value]]:
    """`function(item)` for every item, in up to `jobs` forked workers; outcomes in order.

    `function` and `items` reach the workers through the fork; only the values travel
    back, pickled. With `jobs` < 2, fewer than two items, no `fork` or other threads
    running, the items are done here, one after another (and `timeout` is not enforced).

    Args:
        function: the task; its exception is the item's outcome, not a crash.
        items: one task each.
        jobs: the most workers at once.
        timeout: seconds one task may take in a worker before the worker is ended.
    """
    if jobs < 2 or len(items) < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [_here(function, item) for item in items]
    # The pipe ends this process keeps for earlier workers: a newer one closes them.
    ends: list[int] = []

    def start() -> _Forked:
        worker = _Forked(function, items, ends)
        ends.extend((worker.task_write, worker.fd))
        return worker

    scheduler = _Scheduler(start, min(jobs, len(items)))
    try:
        return scheduler.map(items, timeout)
    finally:
        scheduler.close()


def _here(function: Callable[[Item], Value], item: Item) -> Outcome[Value]:
    try:
        return Outcome(value=function(item))
    except Exception as exc:
        return _failed(exc)


# -- started workers --------------------------------------------------------------------


class _Started:
    """A prestarted interpreter that answers one JSON line per JSON request line."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None,
        cwd: str | None,
        pass_fds: Sequence[int] = (),
    ) -> None:
        self.proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=None if env is None else dict(env),
            cwd=cwd,
            start_new_session=True,  # Ctrl-C reaches this process only; it ends the workers
            pass_fds=tuple(pass_fds),
        )
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.pid = self.proc.pid
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""

    def send(self, index: int, item: object) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(item).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # it ended: receive() reads the end and says how

    def receive(self) -> tuple[bool, Outcome[Any] | None]:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return True, Outcome(error=_ended(self.proc.wait()))
        self.buffer += chunk
        if b"\n" not in self.buffer:
            return False, None
        line, self.buffer = self.buffer.split(b"\n", 1)
        return False, _outcome(json.loads(line))

    def finish(self) -> None:
        """No more requests: the worker reads the end of its stdin and exits."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()

    def stop(self) -> None:
        assert self.proc.stdout is not None
        self.finish()
        self.proc.wait()
        self.proc.stdout.close()

    def kill(self) -> None:
        """SIGTERM first: the worker ends what it started (a page's processes), then it."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=_TERMINATE_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _outcome(reply: Mapping[str, Any]) -> Outcome[Any]:
    if "error" in reply:
        return Outcome(error=str(reply["error"]), detail=str(reply.get("detail", "")))
    return Outcome(value=reply.get("value"))


class _Sibling:
    """A worker the first started worker forked from its warm state, on pipes of ours.

    Its first line says its process id, `{"pid": N}`; then it answers like the first.
    """

    def __init__(self, requests: int, replies: int) -> None:
        self.requests = requests
        self.fd = replies
        self.pid = 0
        self.buffer = b""

    def send(self, index: int, item: object) -> None:
        data = json.dumps(item).encode() + b"\n"
        with contextlib.suppress(OSError):  # it ended: receive() reads the end
            while data:
                data = data[os.write(self.requests, data) :]

    def receive(self) -> tuple[bool, Outcome[Any] | None]:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return True, Outcome(error=_ended(None))
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            reply = json.loads(line)
            if set(reply) == {"pid"}:
                self.pid = int(reply["pid"])
                continue
            return False, _outcome(reply)
        return False, None

    def _wait(self, seconds: float, *, pid_only: bool) -> bool:
        """Read until its end (or only its pid); whether that came within `seconds`."""
        deadline = time.monotonic() + seconds
        while not (pid_only and self.pid):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                return False
            ended, _ = self.receive()
            if ended:
                return True
        return True

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.requests)
        self.requests = -1

    def stop(self) -> None:
        self.finish()
        if not self._wait(_TERMINATE_GRACE * 5, pid_only=False):  # pragma: no cover - stuck
            self.kill()
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def kill(self) -> None:
        """SIGTERM first, as for a started worker; SIGKILL if it does not end."""
        self.finish()
        if not self.pid:
            self._wait(_TERMINATE_GRACE, pid_only=True)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(self.pid, sig)
            if self._wait(_TERMINATE_GRACE, pid_only=False):
                break
        with contextlib.suppress(OSError):
            os.close(self.fd)


class Workers:
    """`jobs` prestarted interpreters running `command`, kept warm until `close`.

    They are started at once (in the background: their start-up overlaps with what the
    caller does next) and again when one ends. See the module's docstring for the
    protocol.

    Attributes:
        command: the worker's command line.
        jobs: how many workers run at once.
        used: whether `map` was called, so `close` need not wait for unused workers.

    Args:
        command: the worker's command line.
        jobs: how many workers run at once (at least 1).
        env: the workers' environment; None for this process's.
        cwd: the workers' working directory; None for this process's.
        siblings: start one interpreter, which forks the others once warm (the command
            must take `--siblings`), instead of one interpreter per worker.
    """

    def __init__(
        self,
        command: Sequence[str],
        jobs: int,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        siblings: bool = False,
    ) -> None:
        self.command = tuple(command)
        self.jobs = max(1, jobs)
        self.used = False
        self._scheduler = _Scheduler(lambda: _Started(self.command, env, cwd), self.jobs)
        if siblings and self.jobs > 1:
            with contextlib.suppress(OSError):
                self._start_siblings(env, cwd)
        with contextlib.suppress(OSError):  # said by each task, when there is one
            self._scheduler.fill()

    def _start_siblings(self, env: Mapping[str, str] | None, cwd: str | None) -> None:
        """One interpreter, given `--siblings R:W,...` (the pipe ends each other worker
        reads requests from and answers on), forks the others once warm: a fork each, not an
        interpreter's start-up, which at `-j 2` competes with the caller for the cores."""
        pairs = [(os.pipe(), os.pipe()) for _ in range(self.jobs - 1)]
        theirs = [fd for (request, _), (_, reply) in pairs for fd in (request, reply)]
        spec = ",".join(f"{request[0]}:{reply[1]}" for request, reply in pairs)
        try:
            first = _Started([*self.command, "--siblings", spec], env, cwd, pass_fds=theirs)
        except OSError:
            for request, reply in pairs:
                for fd in (request[1], reply[0]):
                    os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        workers: list[_Worker] = [first]
        workers += [_Sibling(request[1], reply[0]) for request, reply in pairs]
        self._scheduler.workers += workers
        self._scheduler.idle += workers

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (0 for a sibling that has not said its own yet)."""
        return [worker.pid for worker in self._scheduler.workers]

    def map(
        self,
        requests: Sequence[Mapping[str, Any]],
        timeout: float | Sequence[float | None] | None = None,
    ) -> list[Outcome[Any]]:
        """Send each request to the next free worker; the replies, in the requests' order.

        `timeout`: seconds a request may take (one for all, or one per request) before its
        worker is ended and replaced.
        """
        self.used = True
        outcomes = self._scheduler.map(requests, timeout)
        with contextlib.suppress(OSError):  # warm again: those that ended are replaced
            self._scheduler.fill()
        return outcomes

    def close(self) -> None:
        """Let the workers end, and reap them; unused ones are ended at once."""
        if self.used:
            self._scheduler.close()
        else:
            self._scheduler.kill()

    def kill(self) -> None:
        """End every worker now (each first ends what it started)."""
        self._scheduler.kill()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
        else:
            self.kill()
