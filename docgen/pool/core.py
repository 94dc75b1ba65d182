"""What both kinds of workers share: outcomes, and the scheduler that hands out tasks."""

from __future__ import annotations

import os
import select
import struct
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Outcome", "cores"]

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
