"""The result formats docgen reads, one module each: `detect(source)` says whether a file is
in the format, `read(source, directions)` turns it into a `Run` or raises `Malformed`.

Detection looks at the content, never the file's name; `FORMATS` is the order it tries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docgen.benchmarks.formats import (
    bencher,
    criterion,
    github_action_benchmark,
    go,
    google_benchmark,
    pytest_benchmark,
)
from docgen.benchmarks.formats.base import Directions, Source
from docgen.benchmarks.model import Run

__all__ = ["FORMATS", "NAMES", "Format", "detect"]


@dataclass(frozen=True, slots=True)
class Format:
    """One result format.

    Attributes:
        name: its name, as `Run.format` gives it (`pytest-benchmark`).
        title: how the docs and messages call it (`pytest-benchmark JSON`).
        detect: whether a file is in this format.
        read: the file's run; raises `Malformed`.
    """

    name: str
    title: str
    detect: Callable[[Source], bool]
    read: Callable[[Source, Directions], Run]


NAMES: tuple[str, ...] = (
    "pytest-benchmark JSON",
    "Google Benchmark JSON",
    "criterion's estimates.json tree",
    "`go test -bench` output",
    "github-action-benchmark's custom JSON",
    "Bencher Metric Format (BMF) JSON",
)
"""The formats' titles, for the message about a file in none of them."""

FORMATS: tuple[Format, ...] = (
    Format(pytest_benchmark.NAME, NAMES[0], pytest_benchmark.detect, pytest_benchmark.read),
    Format(google_benchmark.NAME, NAMES[1], google_benchmark.detect, google_benchmark.read),
    Format(criterion.NAME, NAMES[2], criterion.detect, criterion.read),
    Format(
        github_action_benchmark.NAME,
        NAMES[4],
        github_action_benchmark.detect,
        github_action_benchmark.read,
    ),
    Format(bencher.NAME, NAMES[5], bencher.detect, bencher.read),
    Format(go.NAME, NAMES[3], go.detect, go.read),
)
"""Every format, in the order detection tries them (the most specific first)."""


def detect(source: Source) -> Format | None:
    """The format `source` is in, or None.

    Args:
        source: the file, read.
    """
    return next((f for f in FORMATS if f.detect(source)), None)
