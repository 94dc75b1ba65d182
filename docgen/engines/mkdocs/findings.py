"""MkDocs' own findings as docgen diagnostics (DG1xx).

DG100 what MkDocs or another plugin logged (at the file it names; offline inventory
failures folded into notes), DG101 a generated page clashing with a hand-written one,
DG102 a page that is not UTF-8, DG103 a top-level key of mkdocs.yml set twice.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.diagnostics import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from docgen.engines.mkdocs.plugin import Build

# The plugin uses the others; `fold` is the pipeline's too.
__all__ = ["fold"]

# Where MkDocs and its plugins say a message is: a docstring's `file.py:12` (autorefs), MkDocs'
# `Doc file 'x.md'`, a leading `x.md:` (autorefs), `in 'x.md'`, or any `x.md:12`.
_WHERE = (
    re.compile(r"from (?P<file>[^\s:]+\.py):(?P<line>\d+):"),
    re.compile(r"Doc file '(?P<page>[^']+)'"),
    re.compile(r"^(?:[\w.-]+: )?(?P<page>[^\s:'\"]+\.md)(?::(?P<line>\d+))?: "),
    re.compile(r"\b(?:in|page|file) '(?P<page>[^']+\.md)'"),
    re.compile(r"(?P<page>[\w./-]+\.md):(?P<line>\d+)"),
)
_QUOTED_PAGE = re.compile(r"(?<=')[^'\s]+\.md(?=')")
_BLOCK = re.compile(r"code block '(?P<id>[^']+)'")
_TARGET = re.compile(r"[Cc]ould not find cross-reference target '(?P<target>[^']+)'")
_INVENTORY = re.compile(r"[Cc]ouldn't load inventory")
_NAV_MISSING = re.compile(
    r"A reference to '(?P<page>[^']+)' is included in the 'nav' configuration"
)


class Capture(logging.Handler):
    """Turns MkDocs' and every plugin's warnings and errors into docgen diagnostics (DG100).

    Added to the `mkdocs` logger and to the root logger, so plugins that log under their own
    names are heard too; a record that reaches both is kept once.
    """

    def __init__(self, state: Build) -> None:
        super().__init__(logging.WARNING)
        self.state = state
        self.found: list[Diagnostic] = []
        self.last = threading.local()  # a record reaches both loggers' handlers in one thread

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.last, "record", None) is record:
            return
        self.last.record = record
        if record.name.startswith(("mkdocs.plugins.docgen", "docgen")):
            return
        message = record.getMessage().strip()
        said = record.name.rpartition(".")[2]
        if not record.name.startswith("mkdocs") and not message.startswith(f"{said}: "):
            message = f"{record.name}: {message}"  # MkDocs prefixes its plugins' loggers itself
        severity = Severity.ERROR if record.levelno >= logging.ERROR else Severity.WARNING
        location = locate(self.state, message)
        self.found.append(Diagnostic("DG100", severity, message, location, stage="mkdocs"))

    def attach(self) -> None:
        for name in ("mkdocs", None):
            logging.getLogger(name).addHandler(self)

    def detach(self) -> list[Diagnostic]:
        for name in ("mkdocs", None):
            logging.getLogger(name).removeHandler(self)
        return self.found


def locate(state: Build, message: str) -> Location | None:
    """The user's file and line a MkDocs or plugin message names, if it names one.

    A page's line is found for a missing cross-reference: the first line that holds it.
    """
    config = state.config
    for pattern in _WHERE:
        where = pattern.search(message)
        if where is None:
            continue
        line = (
            int(where.group("line"))
            if "line" in pattern.groupindex and where.group("line")
            else None
        )
        if "file" in pattern.groupindex:
            return Location(config.relative(Path(where.group("file"))), line)
        page = where.group("page")
        source = state.page_sources.get(page)
        if source is not None and source.startswith("("):
            return None  # a page made by a plugin or a stage has no file of the user's
        file = config.docs_dir / page
        target = _TARGET.search(message)
        if line is None and source is None and target is not None:
            line = _line_of(state.texts.get(str(file)), f"[{target.group('target')}]")
        return Location(source or config.relative(file), line)
    named = _QUOTED_PAGE.search(message)
    if named is not None and state.site_config is not None:
        # A page that mkdocs.yml names (nav, redirects, llmstxt sections) and no file has.
        line = _line_of(_text(state.site_config), named.group(0))
        if line is not None:
            return Location(config.relative(Path(state.site_config)), line)
    block = _BLOCK.search(message)
    if block is not None:  # markdown-exec names the block by its id, not its page
        for written, text in state.texts.items():
            for quote in "\"'":
                line = _line_of(text, f"id={quote}{block.group('id')}{quote}")
                if line is not None:
                    return Location(config.relative(Path(written)), line)
    return None


def _text(file: str) -> str | None:
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _line_of(text: str | None, needle: str) -> int | None:
    if text is None:
        return None
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line), None)


def fold(heard: list[Diagnostic], ours: Sequence[Diagnostic], offline: bool) -> list[Diagnostic]:
    """What MkDocs and the plugins said, less what docgen says itself, folded when offline.

    A nav entry with no page is docgen's DG710 already. Under `--offline`, inventories
    fail to download (one info for all), and every cross-reference they would have
    resolved is missing: when any failed, autorefs' missing targets become one info too,
    since docgen cannot tell which targets those inventories hold.

    Args:
        heard: the DG100 findings captured during the build.
        ours: docgen's own findings.
        offline: the build ran with `--offline`.
    """
    listed = {
        m.group(1)
        for d in ours
        if d.code == "DG710"
        for m in [re.search(r"'([^']+)'", d.message)]
        if m
    }
    kept = [
        d
        for d in heard
        if not ((m := _NAV_MISSING.search(d.message)) and m.group("page") in listed)
    ]
    if not offline:
        return kept
    inventories = [d for d in kept if _INVENTORY.search(d.message)]
    if not inventories:
        return kept
    targets = [d for d in kept if _TARGET.search(d.message)]
    rest = [d for d in kept if d not in inventories and d not in targets]
    rest.append(
        Diagnostic(
            "DG100",
            Severity.INFO,
            f"offline: {len(inventories)} inventories not loaded",
            hint="build without --offline to load them",
            stage="mkdocs",
        )
    )
    if targets:
        rest.append(
            Diagnostic(
                "DG100",
                Severity.INFO,
                f"{len(targets)} cross-references not checked offline"
                " (their targets may be in the inventories not loaded)",
                hint="build without --offline to check them",
                stage="mkdocs",
            )
        )
    return rest
