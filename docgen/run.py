"""Run the stages in pipeline order, timed, guarded and cached — with no MkDocs in sight.

    generate  →  transform each page  →  check every page  →  (engine writes the site)
              →  check the site  →  report

`docgen.pipeline` calls these in order; `context` carries what earlier steps learned.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from docgen import shard
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.model import Context, Document, StageResult
from docgen.stages import Stage, enabled

__all__ = ["StageCache", "check", "check_site", "fingerprint", "generate", "transform"]

_SKIP_DIRS = {".git", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache"}


def fingerprint(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file under `paths`: cheap change detection."""
    seen: list[tuple[str, int, int]] = []
    for path in paths:
        if path.is_file():
            stat = path.stat()
            seen.append((str(path), stat.st_size, stat.st_mtime_ns))
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for name in sorted(files):
                full = Path(folder, name)
                try:
                    stat = full.stat()
                except OSError:  # removed while we walked: the next build sees it
                    continue
                seen.append((str(full), stat.st_size, stat.st_mtime_ns))
        if not path.exists():
            seen.append((str(path), -1, -1))
    return tuple(seen)


class StageCache:
    """Keeps each stage's last `generate` result while its sources and config are unchanged.

    Under `mkdocs serve` this is what makes an edit to a guide cost nothing in the API or
    pipelines stages: their sources' fingerprint did not move.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[object, tuple[tuple[str, int, int], ...], StageResult]] = {}

    def get(self, name: str, key: object) -> StageResult | None:
        """Stage `name`'s cached result, if the config `key` matches and no watched file changed."""
        entry = self._entries.get(name)
        if entry is None or entry[0] != key:
            return None
        if fingerprint(entry[2].watch) != entry[1]:
            return None
        return entry[2]

    def put(self, name: str, key: object, result: StageResult) -> None:
        """Remember stage `name`'s `result` under config `key`, fingerprinting its watched paths."""
        self._entries[name] = (key, fingerprint(result.watch), result)


def _guarded(stage: str, call: Callable[[], StageResult]) -> StageResult:
    """Time a stage; an exception inside docgen becomes one diagnostic, never a traceback."""
    start = time.perf_counter()
    try:
        result = call()
    except Exception as exc:  # a docgen bug must not hide every other stage's findings
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        result = StageResult(
            stage,
            diagnostics=(
                Diagnostic(
                    "DG001",
                    Severity.ERROR,
                    f"internal error in the {stage} stage: {type(exc).__name__}: {exc}",
                    hint=f"this is a docgen bug (at {Path(frame.filename).name}:{frame.lineno});"
                    " please report it with the command you ran",
                    stage=stage,
                ),
            ),
        )
    seconds = time.perf_counter() - start
    # Every finding names its stage, so reports can count per stage and `--only` can filter.
    found = tuple(d if d.stage else replace(d, stage=stage) for d in result.diagnostics)
    return replace(result, stage=stage, diagnostics=found, seconds=seconds)


def generate(
    config: DocgenConfig, only: Sequence[str] | None = None, cache: StageCache | None = None
) -> list[StageResult]:
    """Run every enabled stage's `generate`, reusing cached results whose sources are unchanged.

    Args:
        config: the project's docgen config.
        only: stage names to run; None runs every enabled stage.
        cache: results of an earlier build (`mkdocs serve`), or None to always generate.
    """
    results: list[StageResult] = []
    for stage in enabled(config, only):
        if stage.generate is None:
            continue
        key = (config.root, config.offline, config.repo_url, getattr(config, stage.name))
        cached = cache.get(stage.name, key) if cache else None
        if cached is not None:
            results.append(replace(cached, seconds=0.0))
            continue
        result = _guarded(stage.name, partial(stage.generate, config))
        if cache is not None and not any(
            d.code == "DG001" for d in result.diagnostics
        ):  # never keep a crash: the next build retries
            cache.put(stage.name, key, result)
        results.append(result)
    return results


def transform(
    config: DocgenConfig,
    context: Context,
    document: Document,
    only: Sequence[str] | None = None,
) -> str:
    """A page's Markdown after every enabled stage's `transform` (e.g. diagram embeds, refs).

    Args:
        config: the project's docgen config.
        context: what earlier steps learned (the API's symbols).
        document: the page; its Markdown is passed from one stage to the next.
        only: stage names to run; None runs every enabled stage.
    """
    markdown = document.markdown
    for stage in enabled(config, only):
        if stage.transform is not None:
            markdown = stage.transform(config, context, replace(document, markdown=markdown))
    return markdown


def _each(
    config: DocgenConfig,
    only: Sequence[str] | None,
    pick: Callable[[Stage], Callable[[], StageResult] | None],
) -> list[StageResult]:
    results: list[StageResult] = []
    for stage in enabled(config, only):
        call = pick(stage)
        if call is not None:
            results.append(_guarded(stage.name, call))
    return results


def check(
    config: DocgenConfig,
    context: Context,
    documents: Sequence[Document],
    only: Sequence[str] | None = None,
) -> list[StageResult]:
    """Run every enabled stage's page checks over all `documents` of the site.

    Args:
        config: the project's docgen config.
        context: what earlier steps learned (the API's symbols).
        documents: hand-written and generated pages alike.
        only: stage names to run; None runs every enabled stage.
    """

    def pick(stage: Stage) -> Callable[[], StageResult] | None:
        if stage.check is None:
            return None
        given = shard.documents(context.split, stage.name, documents)  # `--shard I/N`
        return partial(stage.check, config, context, given)

    return [shard.keep(context.split, result) for result in _each(config, only, pick)]


def check_site(
    config: DocgenConfig, context: Context, site_dir: Path, only: Sequence[str] | None = None
) -> list[StageResult]:
    """Run every enabled stage's checks of the built site in `site_dir`.

    Args:
        config: the project's docgen config.
        context: what the build learned (pages built, sources of generated pages); empty
            for a site built elsewhere (`docgen check --site DIR`).
        site_dir: the folder the engine wrote the site into.
        only: stage names to run; None runs every enabled stage.
    """

    def pick(stage: Stage) -> Callable[[], StageResult] | None:
        if stage.check_site is None:
            return None
        return partial(stage.check_site, config, context, site_dir)

    return [shard.keep(context.split, result) for result in _each(config, only, pick)]
