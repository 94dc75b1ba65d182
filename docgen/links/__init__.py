"""Link checking on the built site: collect → internal check → external check → cache.

`check_site(config, context, site_dir)` reads every HTML page of the built site, checks every
internal link and `#fragment` exactly, checks external URLs (unless offline) politely and
with a cache, and reports each problem at the Markdown source line of the link.
`dump(config, args)` lists every link with its location and result.

Diagnostic codes:

- DG300 error: the site folder does not exist.
- DG301 error: a link to a page or file the site does not have.
- DG302 error: a `#fragment` that the target page does not define.
- DG303 error: a link that leaves the site (above its root, outside its `site_url` path).
- DG304 error: a malformed URL.
- DG305 error: a malformed `mailto:` or `tel:` URL.
- DG306 warning: a page that is not valid UTF-8 (nor its declared charset), or unreadable.
- DG307 error: an invalid `links.exclude` pattern.
- DG310 error: a broken external URL (status, timeout, connection, redirect loop).
- DG311 info: an external URL that moved permanently; the new URL is given.
- DG312 warning: an external `#fragment` missing from the page (`fragments_external`).
- DG313 info: external URLs not checked (`--offline` or `links.external: false`).
- DG314 info: several broken links lead to the same missing files: which, and how many.

Only pages are checked as pages: those the engine built (the build's `Context.pages`;
without them, as for `docgen check --site DIR` on a site built elsewhere, every HTML file
but hidden ones), so HTML another plugin leaves in the site
(mkdocs-coverage's `.coverage-tmp.html`) is not, though links to it resolve. Nor is HTML
that MkDocs copies from the docs folder as it is but that is a template (under the
theme's `custom_dir`, or with Jinja syntax). A page that `exclude_docs` leaves out of the
site is not checked, and a link to it is broken (DG301, saying so); a page in
`not_in_nav` is checked like any other.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.jsonenc import to_json
from docgen.links.check import check_external, check_pages
from docgen.links.external import Progress
from docgen.links.internal import site_prefix
from docgen.links.pages import read_pages, site_files
from docgen.links.run import STAGE, LinkRecord, Run
from docgen.links.sources import SourceMap
from docgen.model import Context, StageResult

__all__ = ["LinkRecord", "check_site", "dump"]


def _run(
    config: DocgenConfig,
    context: Context,
    site_dir: Path,
    *,
    progress: Progress | None,
    locate_all: bool,
    processes: int | None = None,
) -> tuple[Run, float]:
    start = time.perf_counter()
    options = config.links or LinksConfig()
    files = site_files(site_dir)
    prefix = site_prefix(config.site_url)
    run = Run(
        config=config,
        options=options,
        site_dir=site_dir,
        sources=SourceMap(config, files, context.sources, prefix, context.lines),
        prefix=prefix,
        pages={},
        files=files,
        locate_all=locate_all,
        split=context.split,
    )
    read_pages(run, processes, context.pages)
    run.summary["pages"] = len(run.pages)
    check_pages(run)
    check_external(run, progress)
    run.flush()
    run.summarise_missing()
    return run, time.perf_counter() - start


def check_site(
    config: DocgenConfig,
    context: Context,
    site_dir: Path,
    *,
    progress: Progress | None = None,
    processes: int | None = None,
) -> StageResult:
    """Check every link of the built site at `site_dir`.

    The `config` gives the `links` options, `site_url`, `cache_dir` and `offline`.
    The build's `context` says which HTML files are the pages the engine built, and maps
    generated pages to their sources (docs path → source file, and heading → line); an
    empty `Context()` checks a site built elsewhere. `progress(done, total)` is called
    as external URLs are checked, from worker threads. Pages are read in
    `processes` forked workers (default: one per core; 1 reads them in this process).
    """
    if not site_dir.is_dir():
        return StageResult(
            stage=STAGE,
            diagnostics=(
                Diagnostic(
                    "DG300",
                    Severity.ERROR,
                    f"site folder {config.relative(site_dir)} does not exist",
                    None,
                    "build the site first (docgen build), or pass --site DIR",
                    STAGE,
                ),
            ),
        )
    run, seconds = _run(
        config, context, site_dir, progress=progress, locate_all=False, processes=processes
    )
    unique = list(dict.fromkeys(run.diagnostics))
    run.summary["errors"] = sum(d.severity is Severity.ERROR for d in unique)
    return StageResult(
        stage=STAGE, diagnostics=tuple(unique), summary=dict(run.summary), seconds=seconds
    )


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """Every link of the built site with its source location and result.

    `args` may name the site folder, alone or after `--site` (default: the `config`'s
    `site_dir`).
    """
    folder = [arg for arg in args if arg != "--site"]
    site_dir = Path(folder[0]) if folder else config.site_dir
    if not site_dir.is_dir():
        return {"site": str(site_dir), "links": [], "error": "site folder does not exist"}
    # No build's context: a generated page's links are at its site path.
    run, seconds = _run(config, Context(), site_dir, progress=None, locate_all=True)
    return {
        "site": config.relative(site_dir),
        "summary": dict(run.summary),
        "seconds": round(seconds, 3),
        "links": to_json(run.records),
        "diagnostics": to_json(list(dict.fromkeys(run.diagnostics))),
    }
