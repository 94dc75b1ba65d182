"""Forked workers (`run`): copies of this process that run a function on data they inherit."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

from docgen.pool.core import (
    _LENGTH,
    Item,
    Outcome,
    Value,
    _ended,
    _failed,
    _Scheduler,
)

__all__ = ["run"]


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
