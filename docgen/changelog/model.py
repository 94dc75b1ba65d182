"""Release notes as plain data: releases, their sections and entries, and version order.

Every reader (`git`, `file`, `towncrier`) makes the same `Release`s, and the pages are
made from them alone. What came from a file keeps its file and line, so that a finding on
a generated page names the user's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docgen import jsonenc
from docgen.diagnostics import Diagnostic

__all__ = [
    "UNRELEASED",
    "Changelog",
    "Entry",
    "Release",
    "Section",
    "page_file",
    "parse_version",
    "version_key",
]

UNRELEASED = "Unreleased"
"""The title of the notes of what no release has yet."""

# A version as tags and headings write it: `1.2`, `v1.2.0`, `1.2.0rc1`, `2.0.0-beta.1+b7`.
_VERSION = re.compile(
    r"[vV]?(?P<release>\d+(?:\.\d+)+)(?P<suffix>[-.+]?[0-9A-Za-z][0-9A-Za-z.+-]*)?"
)
_PART = re.compile(r"\d+|[A-Za-z]+")
_DEV, _PRE, _FINAL, _POST = 0, 1, 2, 3


def parse_version(text: str) -> str | None:
    """`text` as a version without its `v` (`v1.2.0` → `1.2.0`), or None when it is none."""
    match = _VERSION.fullmatch(text.strip())
    return None if match is None else match[0].lstrip("vV")


def page_file(version: str | None) -> str:
    """The file name of a release's page in the `changelog/` folder: `1.2.0.md`, or
    `unreleased.md` for the unreleased notes (characters a URL would quote become `-`).

    Args:
        version: the release's version, None for the unreleased notes.
    """
    if version is None:
        return "unreleased.md"
    return re.sub(r"[^A-Za-z0-9._+-]", "-", version) + ".md"


def version_key(version: str) -> tuple[object, ...]:
    """Sorts versions as versions, not as text: `1.10.0` after `1.9.0`, `2.0.0rc1` (and
    `2.0.0-beta.1`) before `2.0.0`, `2.0.0.post1` after it; `+build` is ignored.

    Args:
        version: a version, with or without its `v`; text that is none sorts first.
    """
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        return ((), _DEV, ())
    numbers = [int(n) for n in match["release"].split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    suffix = (match["suffix"] or "").split("+", 1)[0].lower()
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _PART.findall(suffix))
    if not suffix:
        rank = _FINAL
    elif "post" in suffix:
        rank = _POST
    elif suffix.lstrip("-.").startswith("dev"):
        rank = _DEV
    else:
        rank = _PRE
    return (tuple(numbers), rank, parts)


@dataclass(frozen=True, slots=True)
class Entry:
    """One change.

    Attributes:
        text: what changed, as Markdown (one line for a commit; a list item's whole text,
            nested lines included, for a changelog file).
        scope: the part of the project it concerns (`feat(api): …` → `api`), or None.
        breaking: it breaks compatibility (`feat!:` or a `BREAKING CHANGE:` footer).
        commit: the commit's full hash, for notes read from git.
        refs: the issues and pull requests it names (`#123` → `123`).
        kind: the conventional-commit type (`feat`, `fix`, `chore`, …), or None.
        note: what the `BREAKING CHANGE:` footer says, or "".
        block: not a list item but a paragraph or fence of a changelog file's section
            (`Removed objects:` before a list): shown as written, not as a change.
        file: the file it was written in, relative to the project root, or None (git).
        line: its 1-based line in `file`, or None.
    """

    text: str
    scope: str | None = None
    breaking: bool = False
    commit: str | None = None
    refs: tuple[str, ...] = ()
    kind: str | None = None
    note: str = field(default="", metadata=jsonenc.key(omit_empty=True))
    block: bool = field(default=False, metadata=jsonenc.key(omit_empty=True))
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A group of changes of one kind (`Features`, `Fixed`); the title is "" for a
    release that lists its changes without groups.

    Attributes:
        title: the section's title.
        entries: its changes, in the order they are shown.
        line: the line of its heading in the release's file, or None.
    """

    title: str
    entries: tuple[Entry, ...]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """One version's notes, or the unreleased ones (`version` None).

    Attributes:
        version: the version without its `v` (`1.2.0`), None for the unreleased notes.
        date: when it was released (`2026-01-02`), or None.
        sections: its groups of changes, in the order they are shown.
        intro: Markdown written before its first section (a changelog file's), or "".
        tag: the git tag it was read from (`v1.2.0`), or None.
        compare: a web link to the changes since the version before, or None.
        file: the file it was written in, relative to the project root, or None.
        line: the line of its heading in `file`, or None.
    """

    version: str | None
    date: str | None
    sections: tuple[Section, ...]
    intro: str = ""
    tag: str | None = None
    compare: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def title(self) -> str:
        """How the release is named: its version, or `Unreleased`."""
        return self.version or UNRELEASED

    @property
    def count(self) -> int:
        """How many changes it lists."""
        return sum(len(s.entries) for s in self.sections)


@dataclass(frozen=True, slots=True)
class Changelog:
    """What a reader made of one source.

    Attributes:
        source: the source the notes were read from: `git`, `file` or `towncrier`;
            None when none was found.
        releases: newest first; the unreleased notes, when there are any, first of all.
        intro: Markdown written before the first release (a changelog file's preamble).
        references: a changelog file's link reference definitions (`[1.0.0]: URL`), one
            per line, added to every page so that its links resolve.
        file: the file the notes were read from, relative to the project root, or None.
        diagnostics: what was wrong with the source.
        watch: the files and folders the notes were read from (`mkdocs serve` rebuilds
            when they change).
    """

    source: str | None
    releases: tuple[Release, ...] = ()
    intro: str = ""
    references: str = field(default="", metadata=jsonenc.key(skip=True))
    file: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    watch: tuple[Path, ...] = field(default=(), metadata=jsonenc.key(skip=True))
