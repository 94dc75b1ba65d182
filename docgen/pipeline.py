"""The whole pipeline, as one function that reads top to bottom: `build`.

    load config → generate → engine.render (each page transformed) → check pages
    → wait for the site → check the site → baseline → report → engine.publish

The page checks need only the pages, so they run while an engine that writes the site
in another process (Zensical) is still writing it.

Each step is a function of this module over plain data; what a step learns that a later
one needs travels in a `Context` (docgen.model), in memory. The docgen CLI calls `build`;
the MkDocs plugin's hooks call the same steps under plain `mkdocs build` and `mkdocs serve`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from docgen import diagnostics, engines, run, shard, stages
from docgen import report as reporting
from docgen.baseline import BASELINE_FILE, load_baseline
from docgen.baseline import apply as apply_baseline
from docgen.config import ENGINES, DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.model import Context, Document, StageResult

__all__ = [
    "BuildOptions",
    "BuildOutcome",
    "build",
    "check_pages",
    "check_site",
    "complete",
    "context",
    "findings",
    "generate",
    "load_config",
    "report",
    "split",
    "transform",
    "with_baseline",
]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What one run asks of the pipeline (the CLI's options).

    Attributes:
        config_file: the site's `mkdocs.yml` or `mkdocs.yaml`.
        strict: turn all warnings into errors.
        site_dir: where to write the site, instead of the configured folder.
        only: the stages to check and report on; every stage still generates its pages.
        adjust: changes docgen's config before the build (`-j`, `--no-cache`, ...).
        baseline: apply the project's baseline (`.docgen/baseline.json`) when it has one.
        offline: never touch the network (`--offline`).
        engine: the engine to build with, instead of the config's (`--engine`).
        cache: the stages' results of earlier builds in this process, reused while their
            sources are unchanged; None generates every time.
        shard: this job's share of the checks (`--shard I/N`); None checks everything.
    """

    config_file: Path
    strict: bool = False
    site_dir: Path | None = None
    only: tuple[str, ...] | None = None
    adjust: Callable[[DocgenConfig], DocgenConfig] | None = None
    baseline: bool = True
    offline: bool = False
    engine: str | None = None
    cache: run.StageCache | None = None
    shard: shard.Shard | None = None


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """A finished build.

    Attributes:
        report: the JSON report (`report.json`); empty when the build stopped early.
        diagnostics: the final findings, after `--strict`.
        stages: the names of the stages that ran.
        site_dir: where the site was written.
        aborted: why the engine stopped, or None when the build finished.
        context: what the build learned (pages built, their sources), None when it
            stopped early.
    """

    report: dict[str, object]
    diagnostics: tuple[Diagnostic, ...]
    stages: tuple[str, ...]
    site_dir: Path
    aborted: str | None = None
    context: Context | None = None


def build(options: BuildOptions) -> BuildOutcome:
    """Build and check the site of `options.config_file`, collecting every finding.

    Raises:
        engines.ConfigProblem: the config cannot be used, or names an unknown engine.
    """
    started = time.perf_counter()
    config = load_config(options)
    engine = engines.get(config.engine)
    results = generate(config, options.cache)
    known = context(config, results, engine.name)
    job = engines.RenderJob(
        config,
        options.config_file,
        tuple(results),
        transform=partial(transform, config, known),
        site_dir=options.site_dir,
        strict=options.strict,
    )
    rendering = engine.render(job)  # the pages are known; the site may still be written
    if rendering.complete:  # the page checks run while the engine writes (Zensical's command)
        known = split(known, rendering.documents, options.shard)
        results += check_pages(config, known, rendering.documents, options.only)
    rendered = rendering.wait()  # the site is whole, or the engine says why not
    if not rendered.complete:  # nothing to check: say what the engine said
        found = findings(config, [], rendered.diagnostics)
        found = diagnostics.strict(found) if options.strict else found
        aborted = rendered.aborted or "the build did not finish"
        return BuildOutcome({}, tuple(found), (), rendered.site_dir, aborted)
    known = complete(known, rendered)
    results += check_site(config, known, rendered.site_dir, options.only)
    found = findings(config, results, rendered.diagnostics, options.only)
    found, accepted = with_baseline(config, found, options.only, enabled=options.baseline)
    final = diagnostics.strict(found) if options.strict else found
    made = report(
        config,
        known,
        results,
        final,
        started=started,
        strict=options.strict or rendered.strict,
        baseline=accepted,
        summary=rendered.summary,
    )
    engine.publish(rendered, made)
    ran = tuple(r.stage for r in reporting.merge(results))
    final = sorted(final, key=diagnostics.sort_key)
    return BuildOutcome(made, tuple(final), ran, rendered.site_dir, rendered.aborted, known)


def load_config(options: BuildOptions) -> DocgenConfig:
    """docgen's config from the site's config file, with the run's `options` applied.

    Raises:
        engines.ConfigProblem: the file cannot be used, or `options.engine` is no engine.
    """
    from docgen.engines.mkdocs.facade import load_docgen_config  # noqa: PLC0415 - loads MkDocs

    config = load_docgen_config(
        options.config_file, offline=options.offline, site_dir=options.site_dir
    )
    if options.engine is not None:
        if options.engine not in ENGINES:
            raise engines.UnknownEngine(
                f"unknown engine {options.engine!r}; engines: {', '.join(ENGINES)}"
            )
        config = replace(config, engine=options.engine)
    return options.adjust(config) if options.adjust is not None else config


def generate(config: DocgenConfig, cache: run.StageCache | None = None) -> list[StageResult]:
    """Every enabled stage's pages, assets and model.

    Args:
        config: the project's config.
        cache: earlier results (kept across `serve` rebuilds), or None to generate anew.
    """
    return run.generate(config, None, cache)


def context(config: DocgenConfig, results: Sequence[StageResult], engine: str) -> Context:
    """What the generated `results` tell the later steps: the symbols pages may link to.

    Args:
        config: the project's config (its `offline`).
        results: every stage's `generate` output.
        engine: the name of the engine that will render the site.
    """
    symbols = {name: target for r in results for name, target in r.symbols.items()}
    return Context(offline=config.offline, api_index=symbols, engine=engine)


def transform(config: DocgenConfig, known: Context, document: Document) -> str:
    """A page's Markdown after every enabled stage's `transform`.

    Args:
        config: the project's config.
        known: the build's context (the API's symbols).
        document: the page, as the engine read it.
    """
    return run.transform(config, known, document)


def split(known: Context, documents: Sequence[Document], job: shard.Shard | None) -> Context:
    """The `known` context with, for one `job` of several (`--shard I/N`), which of the
    site's `documents` (and other files and URLs) it checks; None checks everything."""
    return replace(known, split=shard.Split.of(job, documents) if job is not None else None)


def complete(known: Context, rendered: engines.Rendered) -> Context:
    """The `known` context, with what the engine `rendered`: pages built, where each came
    from."""
    return replace(known, sources=rendered.sources, lines=rendered.lines, pages=rendered.pages)


def check_pages(
    config: DocgenConfig,
    known: Context,
    documents: Sequence[Document],
    only: Sequence[str] | None = None,
) -> list[StageResult]:
    """Every enabled stage's checks over all `documents` of the site.

    Args:
        config: the project's config.
        known: the build's context.
        documents: every page, hand-written and generated, after the transforms.
        only: the stages to run (`--only`); None runs all.
    """
    return run.check(config, known, documents, only)


def check_site(
    config: DocgenConfig, known: Context, site_dir: Path, only: Sequence[str] | None = None
) -> list[StageResult]:
    """Every enabled stage's checks of the site the engine wrote into `site_dir`.

    Args:
        config: the project's config.
        known: the build's context: pages built and their sources (empty for a site
            built elsewhere).
        site_dir: the built site.
        only: the stages to run (`--only`); None runs all.
    """
    return run.check_site(config, known, site_dir, only)


def findings(
    config: DocgenConfig,
    results: Sequence[StageResult],
    engine_found: Sequence[Diagnostic],
    only: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Every stage's findings and the engine's, less what docgen says itself already.

    Args:
        config: the project's config (`offline` folds what could not be loaded).
        results: every stage's results.
        engine_found: what the engine said (DG100...).
        only: keep the findings of these stages; None keeps all.
    """
    from docgen.engines.mkdocs.findings import fold  # noqa: PLC0415 - no MkDocs import

    found = [d for r in results for d in r.diagnostics]
    found += fold(list(engine_found), found, config.offline)
    return [d for d in found if d.stage in only] if only else found


def with_baseline(
    config: DocgenConfig,
    found: list[Diagnostic],
    only: Sequence[str] | None = None,
    *,
    enabled: bool = True,
) -> tuple[list[Diagnostic], dict[str, object] | None]:
    """The findings with the project's baseline applied, and what it did for the report.

    Args:
        config: the project's config: its root holds the baseline.
        found: the build's findings.
        only: the stages checked (`--only`); None for all.
        enabled: False for `--no-baseline`.
    """
    if not enabled:
        return found, None
    accepted = load_baseline(config.root)
    if accepted is None:
        return found, None
    if isinstance(accepted, Diagnostic):  # one error at the file; the build goes on
        return [*found, accepted], None
    applied = apply_baseline(found, accepted, config.root, checked=only, offline=config.offline)
    counts = {"file": BASELINE_FILE, "known": applied.known, "fixed": applied.fixed}
    return list(applied.diagnostics), counts


def report(
    config: DocgenConfig,
    known: Context,
    results: Sequence[StageResult],
    final: Sequence[Diagnostic],
    *,
    started: float,
    strict: bool,
    baseline: Mapping[str, object] | None,
    summary: Mapping[str, object],
) -> dict[str, object]:
    """The JSON report of the run (`report.json`), saying which engine built the site.

    Args:
        config: the project's config.
        known: the run's context (offline, engine).
        results: every stage's results.
        final: the final findings (after `--strict`).
        started: when the run began (`time.perf_counter()`).
        strict: warnings were turned into errors.
        baseline: what the baseline did, or None.
        summary: what the engine adds (MkDocs: the page cache's counts).
    """
    made = reporting.build_report(
        results,
        diagnostics=final,
        seconds=time.perf_counter() - started,
        offline=known.offline,
        strict=strict,
        available=stages.names(),
        disabled=[n for n in stages.names() if getattr(config, n, None) is None],
        baseline=baseline,
        engine=known.engine,
    )
    made.update(summary)
    return made
