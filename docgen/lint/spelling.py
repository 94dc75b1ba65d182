"""Spelling: typos over prose only, with the project's word list.

[typos](https://github.com/crate-ci/typos) (MIT or Apache-2.0) knows misspellings, not
words: it reports only what it knows to be wrong, so names and jargon are no false
alarms, and its Rust binary (installed by the `typos` wheel) reads a whole site in
milliseconds. Its command line reads whole files, code and all, so here it reads only
the prose runs the page parser found: one `typos --format json -` run for every page,
one prose run a line, each finding mapped back to its page and line.

The word list (`lint.wordlist`, default `.docgen-words.txt` at the project root) has one
word a line; `#` starts a comment. A listed word is never reported, in any case. A
project that configures typos itself (`_typos.toml`, `typos.toml`, `.typos.toml` or
`[tool.typos]` in pyproject.toml) has that configuration honoured too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

from docgen.diagnostics import Diagnostic
from docgen.lint.page import Prose
from docgen.lint.rules import Rules

__all__ = ["PageProse", "check", "find_typos", "read_wordlist"]

PageProse = tuple[str, tuple[Prose, ...]]
"""A page's file (relative to the project root) and its prose runs."""

# URIs and e-mail addresses, and Material and attribute-list syntax inside prose
# (`:material-check:`, `{ .annotate }`): not words a reader reads.
_URI = re.compile(r"\b(?:https?|[ts]?ftp|file|git|smb)://[^\s]+|\b[\w.%+-]+@[\w.-]+\b")
_SYNTAX = re.compile(r":[\w+-]+:|\{[^{}]*\}")
_CONFIGS = ("typos.toml", "_typos.toml", ".typos.toml")
_FOUND = 2  # typos' exit status when it found misspellings
_INSTALL = (
    "install docgen's dependencies again (`pip install typos`), or turn the check off: "
    "`lint: {rules: {spelling: off}}`"
)


def find_typos() -> str | None:
    """The typos binary: the one the `typos` wheel put beside this Python, else on PATH."""
    name = "typos.exe" if sys.platform == "win32" else "typos"
    beside = Path(sysconfig.get_path("scripts"), name)
    return str(beside) if beside.is_file() else shutil.which("typos")


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


def _project_config(root: Path) -> Path | None:
    """The project's own typos configuration file, if it has one."""
    for name in _CONFIGS:
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, ValueError):
        return None  # unreadable: the formatting rules say so
    return pyproject if "typos" in table else None


def _line(text: str) -> str:
    """A prose run as one input line: no URIs, no syntax, no line breaks."""
    return " ".join(_SYNTAX.sub(" ", _URI.sub(" ", text)).splitlines())


def check(
    rules: Rules,
    root: Path,
    pages: Sequence[PageProse],
    words: frozenset[str],
    typos: str | None = None,
) -> Iterator[Diagnostic | None]:
    """A finding for each misspelt word in the pages' prose.

    Args:
        rules: the severities in force.
        root: the project root, where a typos configuration of its own is read.
        pages: each page's file and prose runs.
        words: the project's own words, which are never misspelt.
        typos: the typos binary; None finds it (`find_typos`).
    """
    if rules.severity("spelling") is None:
        return
    runs = [(path, run) for path, prose in pages for run in prose]
    if not runs:
        return
    typos = typos or find_typos()
    if typos is None:
        yield _tool_error(rules, "typos is not installed: spelling was not checked")
        return
    config = _project_config(root)
    command = [typos, "--format", "json", "--isolated", "--color", "never"]
    command += ["--config", str(config)] if config else []
    text = "".join(_line(run.text) + "\n" for _, run in runs)
    try:
        done = subprocess.run(
            [*command, "-"], input=text, capture_output=True, text=True, check=False, cwd=root
        )
    except OSError as exc:
        yield _tool_error(rules, f"typos could not run: {exc}")
        return
    if done.returncode not in (0, _FOUND):
        problem = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
        if config is None:
            yield _tool_error(rules, f"typos failed: {problem}")
        else:
            hint = f"fix the typos configuration in {config.name}"
            yield rules.finding("tool-error", f"typos: {problem}", config.name, None, hint=hint)
        return
    for record in done.stdout.splitlines():
        found = json.loads(record)
        if found.get("type") != "typo" or str(found["typo"]).lower() in words:
            continue
        path, run = runs[int(found["line_num"]) - 1]
        fixes = " or ".join(repr(fix) for fix in found.get("corrections") or [])
        suggestion = f"; did you mean {fixes}?" if fixes else ""
        yield rules.finding(
            "spelling", f"{found['typo']!r} may be misspelled{suggestion}", path, run.line
        )


def _tool_error(rules: Rules, message: str) -> Diagnostic | None:
    return rules.finding("tool-error", message, "mkdocs.yml", None, hint=_INSTALL)
