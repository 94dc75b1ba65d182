"""pytest-benchmark's JSON (`pytest --benchmark-json=FILE`, or a file `--benchmark-autosave`
keeps under `.benchmarks/`).

    {"machine_info": {"node": ...}, "commit_info": {"id": ...}, "datetime": ...,
     "version": "5.1.0", "benchmarks": [{"group": ..., "name": ..., "fullname": ...,
     "stats": {"mean": ..., "data": [...], ...}}]}

Times are in seconds. `stats.data`, the time of each round, is there with
`--benchmark-save-data`: those are the samples.
"""

from __future__ import annotations

from collections import Counter
from math import isfinite

from docgen.benchmarks.formats.base import Directions, Malformed, Source, number, utc_date
from docgen.benchmarks.model import Point, Run, Series

__all__ = ["NAME", "detect", "read"]

NAME = "pytest-benchmark"
"""The format's name, as `Run.format` gives it."""


def detect(source: Source) -> bool:
    """Whether `source` is pytest-benchmark's JSON: `benchmarks` with `machine_info` or
    `commit_info` beside it, or benchmarks that have `stats`.

    Args:
        source: the file.
    """
    data = source.data
    if not isinstance(data, dict) or "benchmarks" not in data or "context" in data:
        return False
    if "machine_info" in data or "commit_info" in data:
        return True
    benchmarks = data["benchmarks"]
    return isinstance(benchmarks, list) and any(
        isinstance(b, dict) and "stats" in b for b in benchmarks
    )


def read(source: Source, directions: Directions) -> Run:
    """The run `source` holds: a `time` series per benchmark, in seconds.

    Args:
        source: the file, `detect`ed as this format.
        directions: unused: pytest-benchmark measures times, and smaller is better.
    """
    data = source.data
    assert isinstance(data, dict)
    benchmarks = data["benchmarks"]
    if not isinstance(benchmarks, list):
        raise Malformed("`benchmarks` is not a list", ("benchmarks",), _HINT)
    commit_info = data.get("commit_info")
    commit = commit_info.get("id") if isinstance(commit_info, dict) else None
    commit = None if commit == "unversioned" else commit  # not in a git or hg checkout
    machine_info = data.get("machine_info")
    machine = machine_info.get("node") if isinstance(machine_info, dict) else None
    date = utc_date(data.get("datetime"))
    names = Counter(b.get("name") for b in benchmarks if isinstance(b, dict))
    series: list[Series] = []
    for index, bench in enumerate(benchmarks):
        where: tuple[str | int, ...] = ("benchmarks", index)
        if not isinstance(bench, dict):
            raise Malformed(f"benchmark {index + 1} is not an object", where, _HINT)
        name = bench.get("name")
        if not isinstance(name, str) or not name:
            raise Malformed(f"benchmark {index + 1} has no `name`", (*where, "name"), _HINT)
        if names[name] > 1 and isinstance(bench.get("fullname"), str):
            name = bench["fullname"]  # the same test name in two modules
        stats = bench.get("stats")
        if not isinstance(stats, dict):
            raise Malformed(f"benchmark {name!r} has no `stats` object", (*where, "stats"), _HINT)
        mean = stats.get("mean")
        if type(mean) is not float or not isfinite(mean):  # the usual case checked cheaply
            mean = number(mean, (*where, "stats", "mean"), f"{name!r}: stats.mean")
        raw = stats.get("data", [])
        if not isinstance(raw, list):
            raise Malformed(f"{name!r}: stats.data is not a list", (*where, "stats", "data"))
        if all(type(v) is float for v in raw) and all(map(isfinite, raw)):
            samples: tuple[float, ...] = tuple(raw)
        else:
            samples = tuple(
                number(v, (*where, "stats", "data", i), f"{name!r}: stats.data[{i}]")
                for i, v in enumerate(raw)
            )
        group = bench.get("group")
        point = Point(mean, samples, commit=_str(commit), date=date, machine=_str(machine))
        series.append(
            Series(
                name,
                "time",
                "s",
                "smaller",
                (point,),
                group=group if isinstance(group, str) else "",
            )
        )
    return Run(source.file, NAME, tuple(series))


_HINT = "write the file with `pytest --benchmark-json=FILE`, and do not edit it"


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
