"""The page driver's fork server: one warm interpreter forks a fresh process per page.

Part of the page driver (see `runner_child`): standard library only.
"""

# ruff: noqa: PLC0415

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:
    from docgen.examples.runner_sandbox import adopt_orphans, cut_network, end_children
else:  # pragma: no cover - loaded by runner_child run as a script
    from runner_sandbox import adopt_orphans, cut_network, end_children

__all__ = ["serve"]

RunJob = Callable[[dict[str, Any]], int]
"""Runs one page's job in this process (`runner_child.run_job`)."""


def _send(message: dict[str, Any]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _page_process(  # pragma: no cover - a forked child
    request: dict[str, Any], run_job: RunJob
) -> None:
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
        adopt_orphans()
        if not request["job"].get("network"):
            cut_network()
        code = run_job(request["job"])
    except BaseException:
        import traceback

        os.write(2, traceback.format_exc().encode())
    finally:
        with contextlib.suppress(BaseException):
            end_children()
        os._exit(code)


def serve(run_job: RunJob) -> int:  # pragma: no cover - measured through the pages it runs
    """Fork server: one JSON request per line on stdin, one fresh forked process per page.

    Forking a process that already started Python and read site-packages saves each
    page the interpreter's start-up, while every page still gets a process of its own.
    Answers on stdout: `{"id", "pid"}` when a page started, `{"pid", "status"}` when it
    ended (status as subprocess's returncode: negative for a signal).
    """
    import select

    # What every page imports, imported once here: the forked pages inherit it.
    for name in ("ctypes", "linecache", "resource", "socket", "tokenize"):
        __import__(name)
    # A page killed on its timeout cannot end what left its group: the server does.
    adopt_orphans()
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
                        _page_process(request, run_job)
                    children[os.pidfd_open(pid)] = pid
                    _send({"id": request["id"], "pid": pid})
            else:
                pid = children.pop(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                end_children(keep=frozenset(children.values()))
                _send({"pid": pid, "status": os.waitstatus_to_exitcode(status)})
    return 0
