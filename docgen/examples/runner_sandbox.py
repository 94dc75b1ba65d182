"""The page driver's sandbox: resource limits, the network off, no process left behind.

Part of the page driver (see `runner_child`): standard library only, imported lazily.
"""

# ruff: noqa: PLC0415, PTH123, PTH208

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docgen.examples.runner_child import Page

__all__ = ["NetworkOff", "adopt_orphans", "cut_network", "end_children", "guard_network", "limit"]


def limit(limits: dict[str, int]) -> None:
    """Resource limits: a runaway example must not hurt the machine."""
    import resource

    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name.upper()}")
        _soft, hard = resource.getrlimit(kind)
        soft = value if hard == resource.RLIM_INFINITY else min(value, hard)
        with contextlib.suppress(ValueError, OSError):  # a limit this system refuses
            resource.setrlimit(kind, (soft, hard))


class NetworkOff(ConnectionRefusedError):
    """What a connection attempt raises in an example while the network is off."""


def guard_network(page: Page, *, allowed: bool) -> None:
    """Note every attempt to reach the network in `page.network`; refuse it unless `allowed`.

    Python's own sockets are patched, so the examples' code (and any library it calls)
    gets a `NetworkOff` (a `ConnectionRefusedError`) on connect, and on binding an
    address to serve on, and a `socket.gaierror` on a name look-up, before a packet is
    sent. Unix sockets are not the network, and
    neither is resolving a numeric address. Allowed, only failed name look-ups are noted:
    they mean there is no network, not that the example is wrong.
    """
    import errno
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def note(what: str) -> None:
        if page.network is None:
            page.network = what

    if allowed:

        def getaddrinfo_noted(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return real_getaddrinfo(host, port, *args, **kwargs)
            except socket.gaierror:
                note(f"{host}:{port}" if port is not None else str(host))
                raise

        socket.getaddrinfo = getaddrinfo_noted
        return

    def refuse(what: str) -> NetworkOff:
        note(what)
        return NetworkOff(errno.ECONNREFUSED, f"docgen: the examples' network is off ({what})")

    def numeric(host: Any) -> bool:
        try:
            real_getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
        except (OSError, UnicodeError, TypeError):
            return False
        return True

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host is None or numeric(host):
            return real_getaddrinfo(host, port, *args, **kwargs)
        note(f"{host}:{port}" if port is not None else str(host))
        raise socket.gaierror(socket.EAI_NONAME, f"docgen: the examples' network is off ({host})")

    def gethostbyname(host: Any, *args: Any) -> Any:
        if numeric(host):
            return real_gethostbyname(host, *args)
        note(str(host))
        raise socket.gaierror(socket.EAI_NONAME, f"docgen: the examples' network is off ({host})")

    def where(sock: socket.socket, address: Any) -> str | None:
        if sock.family not in {socket.AF_INET, socket.AF_INET6}:
            return None
        return f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)

    def connect(self: socket.socket, address: Any) -> None:
        what = where(self, address)
        if what is not None:
            raise refuse(what)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        what = where(self, address)
        if what is not None:
            refuse(what)
            return errno.ECONNREFUSED
        return real_connect_ex(self, address)

    def bind(self: socket.socket, address: Any) -> None:
        # A server is on the network too: uvicorn.run() in an example would serve until
        # the timeout. asyncio and uvloop bind Python sockets before they listen.
        what = where(self, address)
        if what is not None:
            raise refuse(f"{what} (to serve)")
        real_bind(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        what = where(self, args[-1])
        if what is not None:
            raise refuse(what)
        return real_sendto(self, data, *args)

    real_gethostbyname = socket.gethostbyname
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_sendto, real_bind = socket.socket.sendto, socket.socket.bind
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = sendto  # type: ignore[assignment]
    socket.socket.bind = bind  # type: ignore[method-assign,assignment]


def _children() -> list[int]:  # pragma: no cover - in the page's and the server's process
    """This process's children, from /proc (empty where the kernel does not list them)."""
    pid = os.getpid()
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as file:
                found += [int(child) for child in file.read().split()]
    return found


def cut_network() -> bool:  # pragma: no cover - in the page's (or the worker's) process
    """Leave the machine's network: programs the examples start cannot reach it either.

    A network namespace of the process's own, with only a loopback that is down, inside a
    user namespace where it keeps its user and group ids; its children inherit both. Where
    the system does not allow it (unprivileged user namespaces turned off), nothing changes
    (False): Python's own sockets are still refused (`guard_network`).
    """
    import ctypes

    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000 | 0x40000000) != 0:  # CLONE_NEWUSER | CLONE_NEWNET
        return False
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        with contextlib.suppress(OSError), open(f"/proc/self/{name}", "w") as file:
            file.write(text)
    return True


def adopt_orphans() -> None:  # pragma: no cover - in the page's and the server's process
    """Orphans among this process's descendants become its children, not init's.

    So a process that left the page's process group (`setsid`, a daemon's double fork)
    can still be found, and ended, when the page ends (Linux's child subreaper).
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def end_children(keep: frozenset[int] = frozenset()) -> None:  # pragma: no cover - see above
    """Kill this process's children but `keep`, and those that become its children meanwhile."""
    import signal

    while strays := [pid for pid in _children() if pid not in keep]:
        for pid in strays:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in strays:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)  # once reaped, its own children are ours: the loop goes on
