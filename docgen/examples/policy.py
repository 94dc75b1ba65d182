"""Which examples run: shell blocks on request only, and never what changes the machine.

Python blocks run by default. `console`, `bash` and `sh` blocks are mostly instructions for
a reader's own machine (`$ pip install pkg`, `$ git clone …`, `$ cd project`), so they run
only when the project asks (`examples.shell: true`) or the block does (`run` marker). Even
then a block whose commands install packages, clone a repository, use `sudo` or pipe a
download into a shell is skipped, unless that kind is allowed (`examples.allow`, or the
block's `allow=` marker). Whole pages can be left out with `examples.skip` globs.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from docgen.config import ExamplesConfig
from docgen.examples.collect import Example
from docgen.examples.runner_shell import console_commands

__all__ = ["SHELL_LANGUAGES", "Risk", "page_skip", "risk", "runs_shell"]

SHELL_LANGUAGES = frozenset({"bash", "console"})
"""Languages (after alias normalization) that run only when asked to."""

# Where a command starts: a line, or after `;`, `&&`, `||`, `|`, `(`, `$(`, a backquote; then
# variable assignments, `sudo`, `python -m` may come before the program's name.
_AT = (
    r"(?:^|[;&|(`])\s*(?:\w+=\S*\s+)*"
    r"(?:(?:sudo|doas)\s+(?:-\S+\s+)*)?(?:python[\d.]*\s+-m\s+)?"
)
_KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "pipe-to-shell",
        "pipes a download into a shell",
        re.compile(
            rf"{_AT}(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+)?(?:\w*sh|python[\d.]*)\b"
            rf"|{_AT}(?:\w*sh|python[\d.]*)\s+(?:-\S+\s+)*<\(\s*(?:curl|wget)\b",
            re.MULTILINE,
        ),
    ),
    ("sudo", "runs as root", re.compile(r"(?:^|[;&|(`])\s*(?:sudo|doas|su\s+-c)\b", re.M)),
    (
        "clone",
        "clones a repository",
        re.compile(
            rf"{_AT}(?:(?:git|hg|gh\s+repo)\s+(?:-\S+\s+)*clone|svn\s+(?:checkout|co))\b", re.M
        ),
    ),
    (
        "install",
        "installs packages",
        re.compile(
            rf"{_AT}(?:(?:pip[\d.]*|pipx|uv\s+pip|uv\s+tool|conda|mamba|micromamba|gem|cargo|brew"
            r"|apt|apt-get|dnf|yum|zypper|apk|npm|pnpm|go)\s+(?:-\S+\s+)*(?:install|i|ci)"
            r"|(?:uv|poetry|yarn|pnpm|npm|pdm|hatch|rye)\s+add"
            r"|(?:poetry|pdm|pipenv)\s+install|uv\s+sync)\b",
            re.MULTILINE,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Risk:
    """A command of a shell block that is not run unless allowed.

    Attributes:
        kind: one of `ALLOW_KINDS` (`install`, `clone`, `sudo`, `pipe-to-shell`).
        what: what the command does, in a few words (`installs packages`).
        command: the command as written (its first line).
        line: the line of the page the command is on.
    """

    kind: str
    what: str
    command: str
    line: int


def _commands(example: Example) -> list[tuple[str, int]]:
    """The block's commands with their lines: `$ ` lines of a console block, script lines."""
    if example.language == "console":
        return [
            (str(c["command"]), int(c["line"]))
            for c in console_commands(example.code, example.code_line)
        ]
    return [
        (text, example.code_line + number)
        for number, text in enumerate(example.code.split("\n"))
        if text.strip() and not text.lstrip().startswith("#")
    ]


def risk(example: Example, allowed: tuple[str, ...]) -> Risk | None:
    """The first command of a shell block (`example`) that must not run, or None when all may.

    `allowed`: the kinds `examples.allow` lets run; the block's `allow=` marker adds to them.
    """
    permitted = set(allowed) | set(example.markers.allow)
    for command, line in _commands(example):
        for kind, what, pattern in _KINDS:
            if kind not in permitted and pattern.search(command):
                return Risk(kind, what, command.split("\n")[0].strip(), line)
    return None


def runs_shell(example: Example, settings: ExamplesConfig) -> bool:
    """Whether the shell block `example` is asked to run: its `run` marker, or the
    `settings`' `shell` (`examples.shell` in mkdocs.yml)."""
    return settings.shell or example.markers.run


def page_skip(page: str, docs_dir: str, settings: ExamplesConfig) -> str | None:
    """The `examples.skip` pattern (of `settings`) that leaves `page` out, or None.

    `page` is relative to the project root and `docs_dir` too (`docs`); patterns are
    relative to `docs_dir`, and their `*` also matches `/`.
    """
    prefix = docs_dir.rstrip("/") + "/"
    relative = page[len(prefix) :] if page.startswith(prefix) else page
    return next((p for p in settings.skip if fnmatch.fnmatchcase(relative, p)), None)
