"""The plain data that passes between docgen's stages and the engine adapter.

Stages produce `StageResult`s: generated `Page`s (virtual: never written into `docs/`),
`Asset`s to copy into the site, diagnostics, files to watch, and a JSON-dumpable model.
Checks that read every page get `Document`s: hand-written and generated pages alike.
What one stage learns that a later one needs (the API's symbols, where a generated page
came from, which pages the engine built) travels in a `Context`, in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.diagnostics import Diagnostic

if TYPE_CHECKING:
    from docgen.shard import Split

__all__ = ["Asset", "Context", "Document", "Page", "StageResult", "Symbol"]

Symbol = tuple[str, str, str]
"""Where a symbol is documented: (page, anchor, kind); the page is a URL for another
project's symbol."""


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
        symbols: names pages may link to by name (`[text][pkg.mod.f]`), each with where it
            is documented (the API stage's index).
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
    symbols: Mapping[str, Symbol] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """What the stages of one build learned that later ones read: typed, in memory.

    Made by the pipeline (`docgen.pipeline`) after `generate`, completed once the engine
    has rendered the site, and passed explicitly to `transform` and the checks: no file
    of the cache folder and no environment variable carries any of it.

    Attributes:
        offline: the run stays off the network (`--offline`).
        api_index: every symbol pages may link to by name → (page, anchor, kind); empty
            without the API stage.
        sources: docs path of a generated page → the user's file it was made from
            (relative to the project root).
        lines: docs path of a generated page → heading anchor → line of its source.
        pages: site paths (HTML files) of the pages the engine built; None when unknown
            (`docgen check --site DIR` on a site built elsewhere).
        engine: the engine that built the site.
        split: this job's share of the checks under `docgen check --shard I/N`; None
            checks everything.
    """

    offline: bool = False
    api_index: Mapping[str, Symbol] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    pages: tuple[str, ...] | None = None
    engine: str = "mkdocs"
    split: Split | None = None
