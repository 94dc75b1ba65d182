"""Spelling: codespell's dictionaries over prose only, with the project's word list.

codespell's command line reads whole files, so it would read code blocks, inline code,
URLs and HTML attributes too, and its line numbers would be those of the whole file. Here
its dictionaries (the same ones its command line uses by default: `clear` and `rare`) are
applied to the prose runs the page parser found, each with its own line.

The word list (`lint.wordlist`, default `.docgen-words.txt` at the project root) has one
word a line; `#` starts a comment. A listed word is never reported, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from docgen.diagnostics import Diagnostic
from docgen.lint.page import Prose
from docgen.lint.rules import Rules

__all__ = ["check_prose", "dictionary", "read_wordlist"]

_DICTIONARIES = ("dictionary.txt", "dictionary_rare.txt")
# codespell's own word and URI patterns, so that a word means the same thing here.
_WORD = re.compile(r"[\w\-'’]+")
_URI = re.compile(r"\b(?:https?|[ts]?ftp|file|git|smb)://[^\s]+|\b[\w.%+-]+@[\w.-]+\b")
# Material and attribute-list syntax inside prose: `:material-check:`, `{ .annotate }`.
_SYNTAX = re.compile(r":[\w+-]+:|\{[^{}]*\}")


@lru_cache(maxsize=1)
def dictionary() -> Mapping[str, tuple[str, ...]]:
    """codespell's misspellings, lower case, each with its suggested corrections."""
    found: dict[str, tuple[str, ...]] = {}
    # Located, never imported: codespell's code is GPL-2.0, its dictionaries are data
    # (CC BY-SA 3.0), as linkchecker is only ever run, never imported.
    package = metadata.distribution("codespell")
    for name in _DICTIONARIES:
        file = Path(str(package.locate_file(f"codespell_lib/data/{name}")))
        lines = file.read_text(encoding="utf-8").splitlines()
        # `wrong->right` or `wrong->one, other,`
        found.update(_entry(line) for line in lines if "->" in line)
    return found


def _entry(line: str) -> tuple[str, tuple[str, ...]]:
    wrong, _, fixes = line.partition("->")
    parts = (part.strip() for part in fixes.split(","))
    return wrong.strip().lower(), tuple(part for part in parts if part)


def read_wordlist(path: Path) -> frozenset[str]:
    """The project's words, lower case, from the word list at `path`; empty when the file
    does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(
        word.lower() for line in text.splitlines() if (word := line.split("#", 1)[0].strip())
    )


def check_prose(
    rules: Rules, path: str, prose: tuple[Prose, ...], words: frozenset[str]
) -> Iterator[Diagnostic | None]:
    """A finding for each misspelt word in the page's prose.

    Args:
        rules: the severities in force.
        path: the page's file, relative to the project root.
        prose: the page's prose runs.
        words: the project's own words, which are never misspelt.
    """
    misspellings = dictionary()
    for run in prose:
        text = _SYNTAX.sub(" ", _URI.sub(" ", run.text))
        for match in _WORD.finditer(text):
            word = match.group().strip("-'’")
            lower = word.lower()
            if lower in misspellings and lower not in words:
                fixes = " or ".join(repr(fix) for fix in misspellings[lower])
                suggestion = f"; did you mean {fixes}?" if fixes else ""
                yield rules.finding(
                    "spelling", f"{word!r} may be misspelled{suggestion}", path, run.line
                )
