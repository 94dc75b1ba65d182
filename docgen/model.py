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

    `path` is relative to the docs folder (`pipelines/index.md`); `nav` is the section it
    belongs in (`("Pipelines",)`), empty for the top level; `source` is the user's file
    the page was made from, relative to the project root, when there is one.
    """

    path: str
    title: str
    markdown: str
    nav: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied into the built site: `dest` relative to the site root, `source` on disk."""

    dest: str
    source: Path


@dataclass(frozen=True, slots=True)
class Document:
    """One page of the site as checks see it, hand-written or generated.

    `path` is relative to the docs folder; `source` is the file a location should name,
    relative to the project root (`docs/guide.md`, or a workflow for a generated page);
    `generated` pages are checked through their sources, never linted as prose.
    """

    path: str
    markdown: str
    source: str
    generated: bool = False


@dataclass(frozen=True, slots=True)
class StageResult:
    """What one stage returns: pages, assets, diagnostics, watched paths, model, summary."""

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
