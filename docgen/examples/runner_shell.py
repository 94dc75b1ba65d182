"""The page driver's shell side: one bash session per page, console commands, network errors.

Part of the page driver (see `runner_child`): standard library only, imported lazily.
"""

# ruff: noqa: PLC0415, PTH110, PTH118, PTH123

from __future__ import annotations

import contextlib
import itertools
import os
from typing import Any

__all__ = ["Shell", "bash_line", "console_commands", "network_error"]

_SCRIPTS = itertools.count(1)

_OFFLINE = (
    "Could not resolve host",
    "Could not resolve hostname",
    "Temporary failure in name resolution",
    "Name or service not known",
    "unable to resolve host address",
    "Network is unreachable",
    "Failed to establish a new connection",
)


def network_error(text: str) -> str | None:
    """The first line of a failed command's output that says the network is missing.

    Args:
        text: the command's output.
    """
    for line in text.splitlines():
        if any(words in line for words in _OFFLINE):
            return line.strip()[:200]
    return None


def console_commands(code: str, first: int) -> list[dict[str, Any]]:
    """`$ ` lines (with `> ` and backslash continuations) and the output shown after them.

    `code` is a console block's text, `first` the page's line of its first line.
    """
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


def bash_line(text: str, script: str) -> int | None:
    """The line of `script` that bash's error message in `text` names (`x.sh: line 3:`).

    Args:
        text: the shell block's output.
        script: the script file the block ran as, as bash names it.
    """
    import re

    found = re.search(rf"{re.escape(script)}: line (\d+):", text)
    return int(found.group(1)) if found else None
