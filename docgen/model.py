"""The plain data that passes between docgen's stages and the engine adapter.

Stages produce `StageResult`s: generated `Page`s (virtual: never written into `docs/`),
`Asset`s to copy into the site, diagnostics, files to watch, and a JSON-dumpable model.
Checks that read every page get `Document`s: hand-written and generated pages alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docgen.diagnostics import Diagnostic

__all__ = ["Asset", "Document", "Page", "StageResult"]


@dataclass(frozen=True, slots=True)
class Page:
    """A generated Markdown page of the site.

    Attributes:
        path: relative to the docs folder (`pipelines/index.md`).
        title: the page's title, as the nav shows it: plain text, which the MkDocs
            adapter escapes for the theme (`docgen.escape.html`).
        markdown: the page's whole Markdown source.
        nav: the section it belongs in (`("Pipelines",)`), empty for the top level.
        source: the user's file the page was made from, relative to the project root,
            or None when there is none.
        lines: heading anchors of the page, each with the line of `source` its part was
            made from (`("pkg.mod.func", 42)`), so a finding inside that part names it.
    """

    path: str
    title: str
    markdown: str
    nav: tuple[str, ...] = ()
    source: str | None = None
    lines: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied into the built site: `dest` relative to the site root, `source` on disk."""

    dest: str
    source: Path


@dataclass(frozen=True, slots=True)
class Document:
    """One page of the site as checks see it, hand-written or generated.

    Attributes:
        path: relative to the docs folder.
        markdown: the page's Markdown, after every stage's transform.
        source: the file a location should name, relative to the project root
            (`docs/guide.md`, or a workflow for a generated page).
        generated: True for a stage's page; those are checked through their sources,
            never linted as prose.
    """

    path: str
    markdown: str
    source: str
    generated: bool = False


@dataclass(frozen=True, slots=True)
class StageResult:
    """What one stage returns.

    Attributes:
        stage: the stage's name (`pipelines`).
        pages: generated pages to add to the site.
        assets: files to copy into the built site.
        diagnostics: the stage's findings.
        watch: files and folders `mkdocs serve` should rebuild on.
        model: the JSON-dumpable model `docgen dump` shows.
        summary: counts for the build report (pages made, links checked, ...).
        seconds: how long the stage took, for the report.
        extra_javascript: script paths in the site the theme must load.
        extra_css: stylesheet paths in the site the theme must load.
    """

    stage: str
    pages: tuple[Page, ...] = ()
    assets: tuple[Asset, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    watch: tuple[Path, ...] = ()
    model: Mapping[str, object] = field(default_factory=dict)
    summary: Mapping[str, object] = field(default_factory=dict)
    seconds: float = 0.0
    extra_javascript: tuple[str, ...] = ()
    extra_css: tuple[str, ...] = ()
