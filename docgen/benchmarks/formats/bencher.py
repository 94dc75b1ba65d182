"""Bencher Metric Format (BMF) JSON, what `bencher run --adapter json` reads.

    {"parse/small": {"latency": {"value": 88.0, "lower_value": 87.4, "upper_value": 88.9},
                     "throughput": {"value": 5.55}}}

A benchmark, then its measures, each with a `value` (`lower_value` and `upper_value` are
bounds, not samples). Bencher's own measures say their unit and direction: `latency` in
nanoseconds and `build-time` in seconds (times: seconds here), `throughput` in
operations per second (bigger is better), `file-size` in bytes. A measure named after a
time unit (`seconds`, `ms`) is a time in that unit. Any other measure keeps no unit,
smaller is better unless the config's `directions` says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import isfinite

from docgen.benchmarks.formats.base import (
    PER_SECOND,
    Directions,
    Malformed,
    Source,
    group_of,
    number,
)
from docgen.benchmarks.model import Direction, Point, Run, Series

__all__ = ["MEASURES", "NAME", "detect", "read"]

NAME = "bencher"
"""The format's name, as `Run.format` gives it."""

MEASURES: Mapping[str, tuple[str, float, Direction]] = {
    "latency": ("s", 1e9, "smaller"),
    "build-time": ("s", 1.0, "smaller"),
    "throughput": ("ops/s", 1.0, "bigger"),
    "file-size": ("B", 1.0, "smaller"),
}
"""Bencher's built-in measures: the unit docgen keeps, the value is divided
by, the direction."""

_HINT = (
    "a BMF file maps each benchmark to its measures, each an object with a numeric "
    '`value`: {"name": {"latency": {"value": 88.0}}}'
)


def detect(source: Source) -> bool:
    """Whether `source` is BMF JSON: an object of objects whose values are objects with a
    `value` (an empty object too: a run that measured nothing).

    Args:
        source: the file.
    """
    data = source.data
    if not isinstance(data, dict):
        return False
    if not data:
        return True
    measures = [m for b in data.values() if isinstance(b, dict) for m in b.values()]
    return bool(measures) and any(isinstance(m, dict) and "value" in m for m in measures)


def read(source: Source, directions: Directions) -> Run:
    """The run `source` holds: a series per benchmark and measure.

    Args:
        source: the file, `detect`ed as this format.
        directions: the config's, for measures Bencher does not define.
    """
    data = source.data
    assert isinstance(data, dict)
    series: list[Series] = []
    for name, measures in data.items():
        if not isinstance(measures, dict) or not measures:
            raise Malformed(f"benchmark {name!r} is not an object of measures", (name,), _HINT)
        for measure, metric in measures.items():
            where = (name, measure)
            if not isinstance(metric, dict) or "value" not in metric:
                raise Malformed(f"{name!r}: measure {measure!r} has no `value`", where, _HINT)
            value = metric["value"]
            if type(value) is not float or not isfinite(value):  # the usual case, cheaply
                value = number(value, (*where, "value"), f"{name!r}: {measure}.value")
            for bound in ("lower_value", "upper_value"):
                if bound in metric:
                    number(metric[bound], (*where, bound), f"{name!r}: {measure}.{bound}")
            unit, per, direction, said = _measure(measure)
            series.append(
                Series(
                    name,
                    measure,
                    unit,
                    direction if said else directions.of(name, measure, direction),
                    (Point(value / per),),
                    group=group_of(name),
                )
            )
    return Run(source.file, NAME, tuple(series))


def _measure(measure: str) -> tuple[str, float, Direction, bool]:
    """Unit, divisor, direction, and whether Bencher defines the measure's direction."""
    known = MEASURES.get(measure)
    if known is not None:
        return (*known, True)
    per = PER_SECOND.get(measure.lower())
    if per is not None:
        return "s", per, "smaller", False
    return "", 1.0, "smaller", False
