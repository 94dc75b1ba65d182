"""Reading the built site's pages: which HTML files are pages, and their links."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.links.collect import PageLinks, decode, read_links
from docgen.links.parallel import map_chunks
from docgen.links.run import STAGE, Run


def site_files(site_dir: Path) -> frozenset[str]:
    """Every file under `site_dir`, as a path relative to it with `/` separators."""
    return frozenset(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())


def _read_chunk(site_dir: Path, paths: Sequence[str]) -> list[PageLinks]:
    """Read and parse some pages of the site (in a worker process, or in this one)."""
    pages = []
    for path in paths:
        try:
            text, problem = decode((site_dir / path).read_bytes())
        except OSError as error:
            problem, text = f"cannot be read: {error.strerror or error}", ""
        pages.append(read_links(path, text, problem))
    return pages


# Jinja syntax: an HTML file of the docs folder holding it is a template, not a page.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _templates(config: DocgenConfig, paths: Sequence[str]) -> set[str]:
    """The site's HTML files that MkDocs copied from the docs folder as they are, but that
    are templates: all under the theme's `custom_dir`, and any with Jinja syntax."""
    docs = config.docs_dir.resolve()
    overrides = config.theme_dir.resolve() if config.theme_dir else None
    found = set()
    for path in paths:
        file = docs / path
        if overrides is not None and file.is_relative_to(overrides):
            found.add(path)
            continue
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:  # no such file in the docs folder: a page MkDocs built
            continue
        if _JINJA.search(text):
            found.add(path)
    return found


def _built_pages(run: Run, built: Collection[str] | None) -> list[str]:
    """The site's pages: those the engine `built` (the build's `Context.pages`), else
    every HTML file but hidden ones (`.coverage-tmp.html`). Other HTML a plugin leaves in
    the site is no page: its links are not checked, though links to it resolve."""
    paths = sorted(p for p in run.files if p.endswith((".html", ".htm")))
    if built is None:
        pages = [p for p in paths if not any(part.startswith(".") for part in p.split("/"))]
    else:
        pages = [p for p in paths if p in built]
    if len(pages) < len(paths):
        run.summary["non_pages_skipped"] = len(paths) - len(pages)
    return pages


def read_pages(run: Run, processes: int | None, built: Collection[str] | None = None) -> None:
    """Read the site's pages (those the engine `built`, when known) into `run.pages`.

    Pages are read in `processes` forked workers (None: one per core; below 2, in this
    process). A page that is not valid UTF-8, or cannot be read, is reported (DG306).
    """
    built = frozenset(built) if built is not None else None
    paths = _built_pages(run, built)
    templates = _templates(run.config, paths)
    if templates:
        run.summary["templates_skipped"] = len(templates)
        paths = [p for p in paths if p not in templates]
    for chunk in map_chunks(_read_chunk, run.site_dir, paths, processes=processes):
        for page in chunk:
            run.pages[page.path] = page
            if page.encoding_problem:
                _report_encoding(run, page.path, page.encoding_problem)


def _report_encoding(run: Run, path: str, problem: str) -> None:
    source = run.sources.source(path)
    where = source.path if source else run.config.relative(run.site_dir / path)
    run.diagnostics.append(
        Diagnostic(
            "DG306",
            Severity.WARNING,
            f"page {path} {problem}",
            Location(where),
            "save the page as UTF-8, or declare its charset with <meta charset>",
            STAGE,
        )
    )
