"""Benchmark results: read from six formats, kept as a bounded history, shown as the
Performance pages, and compared with the base to catch regressions (`docgen check`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docgen.config import DocgenConfig
from docgen.model import Context, Document, StageResult

__all__ = ["check", "dump", "generate"]


def generate(config: DocgenConfig) -> StageResult:
    """The Performance pages, from the history and the current results."""
    return StageResult("benchmarks")


def check(config: DocgenConfig, context: Context, documents: Sequence[Document]) -> StageResult:
    """The regression check: the current results (`results:`) against the base from the
    history (see `docgen.benchmarks.regressions`); free when there are no results."""
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
