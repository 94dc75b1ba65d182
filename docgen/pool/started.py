"""Started workers (`Workers`): warm interpreters that answer one JSON request per line."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import Any

from docgen.pool.core import (
    _TERMINATE_GRACE,
    Outcome,
    _ended,
    _Scheduler,
    _Worker,
)

__all__ = ["Workers"]


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
