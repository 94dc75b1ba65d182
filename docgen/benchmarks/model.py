"""The benchmarks stage's model: series of points, whatever format the results came in.

A result file of any of the six formats docgen reads becomes one `Run`: a `Series` per
benchmark and measure, each with the one `Point` that run measured. The history is the
same `Series`, with a point per recorded run, oldest first. Times are in seconds, whatever
unit the file used; other measures keep the file's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from docgen import jsonenc

__all__ = ["Direction", "Point", "Run", "Series", "utc"]

Direction = Literal["smaller", "bigger"]
"""Which way is better: `smaller` (times, memory) or `bigger` (throughput)."""


def utc(text: str) -> str:
    """The ISO 8601 date `text` as points carry it, in UTC: `2026-12-03T14:59:36Z`.

    A date without a time zone is taken as UTC. Raises ValueError for anything else.

    Args:
        text: the date.
    """
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Point:
    """One measurement of one benchmark in one run.

    Attributes:
        value: the figure (the mean, or the one value the format gives).
        samples: the individual measurements, when the format gives them.
        commit: the commit measured, when known.
        date: when it was measured, ISO 8601 in UTC (`2026-12-03T14:59:36Z`), when known.
        version: the release measured (`1.2.0`), when known.
        machine: the machine or runner it ran on, when known.
    """

    value: float
    samples: tuple[float, ...] = field(default=(), metadata=jsonenc.key(omit_empty=True))
    commit: str | None = None
    date: str | None = None
    version: str | None = None
    machine: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """One benchmark's measure over runs.

    Attributes:
        benchmark: the benchmark's full name (`parse/small`, `BM_Copy/64`).
        measure: what is measured: `time`, `throughput`, `memory`, `allocations`, or the
            format's own name (Bencher's measures, a custom JSON's name).
        unit: the unit of `value` (`s` for every time, `ops/s`, `B`, ...).
        direction: which way is better.
        points: the measurements, oldest first.
        group: the page the series is shown on: the benchmark's group (pytest-benchmark's
            `group`, the part of the name before the first `/` ...), or `""`.
    """

    benchmark: str
    measure: str
    unit: str
    direction: Direction
    points: tuple[Point, ...] = ()
    group: str = ""

    @property
    def key(self) -> str:
        """The series' identity across runs: `benchmark` and `measure` (`parse/small::time`)."""
        return f"{self.benchmark}::{self.measure}"


@dataclass(frozen=True, slots=True)
class Run:
    """One result file, read.

    Attributes:
        file: the file, relative to the project root.
        format: the format detected: `pytest-benchmark`, `google-benchmark`, `criterion`,
            `go`, `github-action-benchmark` or `bencher`.
        series: a series per benchmark and measure, each with this run's one point.
    """

    file: str
    format: str
    series: tuple[Series, ...]
