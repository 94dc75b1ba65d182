"""Benchmark results: read from six formats, kept as a bounded history, shown as the
Performance pages, and compared with the base to catch regressions (`docgen check`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docgen.config import DocgenConfig
from docgen.model import Context, Document, StageResult

__all__ = ["check", "dump", "generate"]


def generate(config: DocgenConfig) -> StageResult:
    """The Performance pages, from the history and the current results.

    The history (`history.load`) and this build's results (`results.read`, the
    `results:` globs) make an overview and a page per group (`docgen.benchmarks.pages`);
    with neither, only an overview that says how to record runs when `results:` is
    configured (so pages may link to the section), else no page and no stylesheet. The
    history file, the result files and the folders the `results:` globs start from are
    watched: `mkdocs serve` rebuilds when a run is recorded or a result file is written.

    Args:
        config: the project's config: its root and `benchmarks` section.
    """
    # Imported here: a build without benchmarks loads none of this (see docgen.stages).
    import re  # noqa: PLC0415

    from docgen.benchmarks import history, results  # noqa: PLC0415
    from docgen.benchmarks import pages as performance  # noqa: PLC0415
    from docgen.model import Asset  # noqa: PLC0415

    settings = config.benchmarks
    if settings is None:
        return StageResult("benchmarks")
    recorded, problems = history.load(config)
    read = results.read(config)
    # The folders the globs start from, too: a result file added under one is read. Not
    # the project's root (`**/*.json`): every edit of a page would make the pages again.
    starts = {config.root / re.split(r"[*?[]", glob, maxsplit=1)[0] for glob in settings.results}
    folders = sorted({p if p.is_dir() else p.parent for p in starts} - {config.root})
    files = (config.root / run.file for run in read.runs)
    watch = tuple(dict.fromkeys((config.root / settings.history, *folders, *files)))
    current = [series for run in read.runs for series in run.series]
    made = performance.pages(
        config, recorded.series, current, performance.sources(config, read.runs)
    )
    diagnostics = (*problems, *read.diagnostics)
    if not made and settings.results:  # configured: the section is there, and says why empty
        made = (performance.empty(config),)
    if not made:
        return StageResult("benchmarks", diagnostics=diagnostics, watch=watch)
    return StageResult(
        "benchmarks",
        pages=made,
        assets=(Asset(performance.STYLESHEET, performance.STYLESHEET_FILE),),
        diagnostics=diagnostics,
        watch=watch,
        model={"pages": [page.path for page in made]},
        summary={
            "benchmarks": len({s.key for s in (*recorded.series, *current)}),
            "runs recorded": max((len(s.points) for s in recorded.series), default=0),
            "result files": len(read.runs),
        },
        extra_css=(performance.STYLESHEET,),
    )


def check(config: DocgenConfig, context: Context, documents: Sequence[Document]) -> StageResult:
    """The regression check: the current results (`results:`) against the base from the
    history (see `docgen.benchmarks.regressions`); free when there are no results.

    Args:
        config: the project's config: its `benchmarks` section, and the version built.
        context: what the build learned so far; the check needs none of it.
        documents: the site's pages; the check reads result files, not pages.
    """
    from docgen.benchmarks import regressions  # noqa: PLC0415 - loaded when the check runs

    return regressions.run(config)


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """The results read, as JSON: `{"runs": [...], "diagnostics": [...]}`.

    Args:
        config: the project's config: its `benchmarks` section's `results` globs and
            `directions`.
        args: files or folders, relative to the working folder, read instead of the globs.
    """
    from docgen import jsonenc  # noqa: PLC0415 - only the dump needs them
    from docgen.benchmarks import results  # noqa: PLC0415

    read = results.read(config, args)
    return {"runs": jsonenc.to_json(read.runs), "diagnostics": jsonenc.to_json(read.diagnostics)}
