"""Google Benchmark's JSON (`--benchmark_out=FILE --benchmark_out_format=json`, or
`--benchmark_format=json`).

    {"context": {"date": ..., "host_name": ..., ...},
     "benchmarks": [{"name": "BM_Copy/64", "run_name": "BM_Copy/64",
                     "run_type": "iteration", "repetition_index": 0, "iterations": ...,
                     "real_time": ..., "cpu_time": ..., "time_unit": "ns",
                     "bytes_per_second": ..., "items_per_second": ..., <counters>}]}

With `--benchmark_repetitions=N` each repetition is an `iteration` entry of the same
`run_name`: they are the samples, their mean the value. The `aggregate` entries
(`_mean`, `_median`, `_stddev`, `_cv`, BigO, RMS) are derived from them and skipped; only
when the file has nothing else (`--benchmark_report_aggregates_only`) is the `mean` used.
Entries that were skipped or failed (`error_occurred`) are left out.

Measures: `time` (wall clock, `real_time`) and `cpu_time`, in seconds;
`bytes_per_second` (`B/s`) and `items_per_second` (`items/s`), bigger is better; the
memory manager's `allocs_per_iter` and `max_bytes_used` (`B`), smaller is better; any
other user counter by its name, without a unit: smaller is better unless the config's
`directions` says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from docgen.benchmarks.formats.base import (
    PER_SECOND,
    Directions,
    JsonPath,
    Malformed,
    Source,
    group_of,
    number,
    utc_date,
)
from docgen.benchmarks.model import Direction, Point, Run, Series

__all__ = ["NAME", "detect", "read"]

NAME = "google-benchmark"
"""The format's name, as `Run.format` gives it."""

_KNOWN: Mapping[str, tuple[str, Direction]] = {
    "bytes_per_second": ("B/s", "bigger"),
    "items_per_second": ("items/s", "bigger"),
    "allocs_per_iter": ("", "smaller"),
    "max_bytes_used": ("B", "smaller"),
    "total_allocated_bytes": ("B", "smaller"),
    "net_heap_growth": ("B", "smaller"),
}
# Keys of an entry that are no measure.
_NOT_MEASURES = frozenset({
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "skipped", "skip_message", "iterations",
    "real_time", "cpu_time", "time_unit", "label", "cpu_coefficient", "real_coefficient",
    "big_o", "rms",
})  # fmt: skip
_AGGREGATES = ("_mean", "_median", "_stddev", "_cv")
_HINT = "write the file again with `--benchmark_out=FILE --benchmark_out_format=json`"

# One measure of one entry: (unit, value, direction, whether the format says the direction).
_Measure = tuple[str, float, Direction, bool]


def detect(source: Source) -> bool:
    """Whether `source` is Google Benchmark's JSON: a `context` object and `benchmarks`.

    Args:
        source: the file.
    """
    data = source.data
    return isinstance(data, dict) and isinstance(data.get("context"), dict) and "benchmarks" in data


def read(source: Source, directions: Directions) -> Run:
    """The run `source` holds: a series per benchmark (`run_name`) and measure.

    Args:
        source: the file, `detect`ed as this format.
        directions: the config's, for user counters.
    """
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        raise Malformed("`benchmarks` is not a list", ("benchmarks",), _HINT)
    context = data["context"]
    date = utc_date(context.get("date"))
    host = context.get("host_name")
    machine = host if isinstance(host, str) and host else None
    repetitions: dict[str, list[dict[str, _Measure]]] = {}
    means: dict[str, dict[str, _Measure]] = {}
    for index, entry in enumerate(data["benchmarks"]):
        where: JsonPath = ("benchmarks", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise Malformed(f"benchmark {index + 1} has no `name`", where, _HINT)
        if entry.get("error_occurred") or entry.get("skipped"):
            continue
        name: str = entry["name"]
        run_name, aggregate = _kind(entry)
        if aggregate not in (None, "mean"):
            continue
        measures = _measures(entry, where, name)
        if aggregate == "mean":
            means[run_name] = measures
        else:
            repetitions.setdefault(run_name, []).append(measures)
    for run_name, mean in means.items():
        repetitions.setdefault(run_name, [mean])
    series: list[Series] = []
    for run_name, entries in repetitions.items():
        for measure, (unit, _, direction, said) in entries[0].items():
            values = [e[measure][1] for e in entries if measure in e]
            point = Point(
                sum(values) / len(values),
                tuple(values) if len(values) > 1 else (),
                date=date,
                machine=machine,
            )
            chosen = direction if said else directions.of(run_name, measure, direction)
            group = group_of(run_name)
            series.append(Series(run_name, measure, unit, chosen, (point,), group=group))
    return Run(source.file, NAME, tuple(series))


def _kind(entry: dict[str, object]) -> tuple[str, str | None]:
    """(run name, aggregate name or None for a repetition) of an entry; files of Google
    Benchmark before 1.5 have no `run_type`: their aggregates end in `_mean` ..."""
    name = str(entry["name"])
    run_name = entry.get("run_name")
    if entry.get("run_type") == "aggregate":
        aggregate = entry.get("aggregate_name")
        label = str(aggregate) if aggregate is not None else name.rpartition("_")[2]
        return (run_name if isinstance(run_name, str) else name.rpartition("_")[0]), label
    if "run_type" not in entry and name.endswith(_AGGREGATES):
        head, _, tail = name.rpartition("_")
        return head, tail
    if "big_o" in entry or "rms" in entry:
        return name, "complexity"
    return (run_name if isinstance(run_name, str) else name), None


def _measures(entry: dict[str, object], where: JsonPath, name: str) -> dict[str, _Measure]:
    unit_name = entry.get("time_unit", "ns")
    per = PER_SECOND.get(str(unit_name))
    if per is None:
        raise Malformed(
            f"{name!r}: `time_unit` is {unit_name!r}, not ns, us, ms or s",
            (*where, "time_unit"),
            _HINT,
        )
    measures: dict[str, _Measure] = {}
    for key, measure in (("real_time", "time"), ("cpu_time", "cpu_time")):
        value = number(entry.get(key), (*where, key), f"{name!r}: {key}")
        measures[measure] = ("s", value / per, "smaller", True)
    for key, raw in entry.items():
        if key in _NOT_MEASURES or isinstance(raw, bool) or not isinstance(raw, int | float):
            continue  # a field of a later version, not a counter
        value = number(raw, (*where, key), f"{name!r}: {key}")
        unit, direction = _KNOWN.get(key, ("", "smaller"))
        measures[key] = (unit, value, direction, key in _KNOWN)
    return measures
