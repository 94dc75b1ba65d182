"""github-action-benchmark's custom JSON (its tools `customSmallerIsBetter` and
`customBiggerIsBetter`).

    [{"name": "encode 1 KiB", "unit": "ms", "value": 1.25, "range": "± 0.04",
      "extra": "tooltip text"}]

A list of benchmarks, each with a `name`, a `unit` and a `value` (a number, or a string
of one: the action reads it that way); `range` and `extra` are free text, not kept.
The file cannot say which way is better (the tool's name, in the workflow, does): smaller
is, unless the config's `directions` says otherwise. A value in a time unit (`ns`, `us`,
`ms`, `s` ...) is a `time`, in seconds; any other unit is a measure of its own name
(`Megabytes`, `req/s`), value as given. A name given twice (the same measure) makes
samples, their mean the value.
"""

from __future__ import annotations

import math

from docgen.benchmarks.formats.base import (
    PER_SECOND,
    Directions,
    JsonPath,
    Malformed,
    Source,
    group_of,
    number,
)
from docgen.benchmarks.model import Point, Run, Series

__all__ = ["NAME", "detect", "read"]

NAME = "github-action-benchmark"
"""The format's name, as `Run.format` gives it."""

_HINT = (
    "each entry needs `name`, `unit` and a numeric `value`: "
    '[{"name": "parse", "unit": "ms", "value": 1.25}]'
)


def detect(source: Source) -> bool:
    """Whether `source` is the custom JSON: a list of objects with `name` and `value`
    (an empty list too: a run that measured nothing).

    Args:
        source: the file.
    """
    data = source.data
    if not isinstance(data, list):
        return False
    return not data or (isinstance(data[0], dict) and "name" in data[0] and "value" in data[0])


def read(source: Source, directions: Directions) -> Run:
    """The run `source` holds: a series per name and unit.

    Args:
        source: the file, `detect`ed as this format.
        directions: the config's: the file cannot say which way is better.
    """
    data = source.data
    if not isinstance(data, list):
        raise Malformed("not a list of benchmarks", (), _HINT)
    values: dict[tuple[str, str], list[float]] = {}
    units: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(data):
        where: JsonPath = (index,)
        if not isinstance(entry, dict):
            raise Malformed(f"entry {index + 1} is not an object", where, _HINT)
        for key in ("name", "unit", "value"):
            if key not in entry or entry[key] is None:
                raise Malformed(f"entry {index + 1} has no `{key}`", where, _HINT)
        name, unit = str(entry["name"]), str(entry["unit"])
        value = _value(entry["value"], (*where, "value"), name)
        per = PER_SECOND.get(unit.strip().lower()) or PER_SECOND.get(unit.strip())
        measure = "time" if per is not None else unit
        units[name, measure] = "s" if per is not None else unit
        values.setdefault((name, measure), []).append(value / (per or 1.0))
    series = [
        Series(
            name,
            measure,
            units[name, measure],
            directions.of(name, measure, "smaller"),
            (Point(sum(found) / len(found), tuple(found) if len(found) > 1 else ()),),
            group=group_of(name),
        )
        for (name, measure), found in values.items()
    ]
    return Run(source.file, NAME, tuple(series))


def _value(raw: object, where: JsonPath, name: str) -> float:
    """The value as the action reads it: a number, or a string of one."""
    if isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            raise Malformed(f"{name!r}: `value` is {raw!r}, not a number", where, _HINT) from None
        if math.isfinite(value):
            return value
    return number(raw, where, f"{name!r}: value")
