"""`go test -bench` output: Go's benchmark text format.

    goos: linux
    goarch: amd64
    pkg: example.com/stream
    cpu: AMD EPYC 7763 64-Core Processor
    BenchmarkEncode/small-8     1000000    1234 ns/op    56.7 MB/s    64 B/op    2 allocs/op
    PASS

A result line is the name (`Benchmark` and the rest; the `-8` of GOMAXPROCS is dropped so
names do not change with the machine, when every line has the same), the iterations,
then value and unit pairs
(proposal 14313, "Go Benchmark Data Format"). `key: value` lines set the package
(`pkg`, the group) and the machine (`goos`, `goarch`, `cpu`) for the lines after them.
With `-count N` a benchmark has N lines: they are the samples, their mean the value.

Units: `ns/op` is the `time` (seconds here); `MB/s` the `throughput`, bigger is better;
`B/op` the `memory` (`B`) and `allocs/op` the `allocations`, smaller is better. Any other
unit (`b.ReportMetric`) is a measure of its own name: bigger is better when it ends in
`/s`, smaller otherwise, unless the config's `directions` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from docgen.benchmarks.formats.base import Directions, Malformed, Source
from docgen.benchmarks.model import Direction, Point, Run, Series

__all__ = ["NAME", "detect", "read"]

NAME = "go"
"""The format's name, as `Run.format` gives it."""

_UNITS: Mapping[str, tuple[str, str, float, Direction]] = {
    "ns/op": ("time", "s", 1e9, "smaller"),
    "MB/s": ("throughput", "MB/s", 1.0, "bigger"),
    "B/op": ("memory", "B", 1.0, "smaller"),
    "allocs/op": ("allocations", "", 1.0, "smaller"),
}
_RESULT = re.compile(r"^Benchmark(?![a-z])\S*\s+\d+\s")
_CONFIG = re.compile(r"^([a-z][^\s:]*):\s*(.*?)\s*$")
_PROCS = re.compile(r"-\d+$")
_HINT = "keep the output of `go test -bench` as it printed it (`go test -bench=. > FILE`)"


@dataclass(slots=True)
class _Bench:
    """One benchmark's lines, gathered: measure → values, and where it ran."""

    group: str
    machine: str | None
    values: dict[str, list[float]] = field(default_factory=dict)
    units: dict[str, tuple[str, Direction, bool]] = field(default_factory=dict)


def detect(source: Source) -> bool:
    """Whether `source` is `go test -bench` text: not JSON, with a result line.

    Args:
        source: the file.
    """
    if source.data is not None:
        return False
    return any(_RESULT.match(line) for line in source.text.splitlines())


def read(source: Source, directions: Directions) -> Run:
    """The run `source` holds: a series per benchmark and unit.

    Args:
        source: the file, `detect`ed as this format.
        directions: the config's, for units of `b.ReportMetric`.
    """
    config: dict[str, str] = {}
    benches: dict[str, _Bench] = {}
    lines = source.text.splitlines()
    procs = _procs(lines)
    for number, line in enumerate(lines, 1):
        found = _CONFIG.match(line)
        if found and not line.startswith("Benchmark"):
            config[found.group(1)] = found.group(2)
            continue
        if not _RESULT.match(line):
            continue  # PASS, ok, logs, `--- FAIL`
        fields = line.split()
        if len(fields) % 2:
            raise Malformed(
                f"{fields[0]}: a value without its unit (an odd number of fields)", number, _HINT
            )
        name = _name(fields[0], procs, config.get("pkg", ""), benches)
        bench = benches.get(name)
        if bench is None:
            bench = benches[name] = _Bench(config.get("pkg", ""), _machine(config))
        for value_text, unit in zip(fields[2::2], fields[3::2], strict=True):
            try:
                value = float(value_text)
            except ValueError:
                raise Malformed(
                    f"{fields[0]}: {value_text!r} is not a number (unit {unit})", number, _HINT
                ) from None
            measure, kept, per, direction = _UNITS.get(
                unit, (unit, unit, 1.0, "bigger" if unit.endswith("/s") else "smaller")
            )
            bench.units.setdefault(measure, (kept, direction, unit in _UNITS))
            bench.values.setdefault(measure, []).append(value / per)
    series = [
        Series(
            name,
            measure,
            unit,
            direction if said else directions.of(name, measure, direction),
            (_point(bench.values[measure], bench.machine),),
            group=bench.group,
        )
        for name, bench in benches.items()
        for measure, (unit, direction, said) in bench.units.items()
    ]
    return Run(source.file, NAME, tuple(series))


def _procs(lines: list[str]) -> str | None:
    """The `-N` every result line's name ends with (GOMAXPROCS), or None: Go writes none
    when N is 1, and with `-cpu 1,4` the names differ by it and must stay apart."""
    found = {m.group(0) if m else None for m in map(_PROCS.search, _names(lines))}
    return found.pop() if len(found) == 1 else None


def _names(lines: list[str]) -> list[str]:
    return [line.split(maxsplit=1)[0] for line in lines if _RESULT.match(line)]


def _name(field: str, procs: str | None, pkg: str, benches: Mapping[str, _Bench]) -> str:
    """The benchmark's name without the `-N` of GOMAXPROCS; with ` (pkg)` when another
    package has a benchmark of the same name."""
    name = field.removesuffix(procs) if procs else field
    other = benches.get(name)
    return f"{name} ({pkg})" if other is not None and other.group != pkg else name


def _machine(config: Mapping[str, str]) -> str | None:
    platform = "/".join(config[k] for k in ("goos", "goarch") if config.get(k))
    parts = [p for p in (platform, config.get("cpu", "")) if p]
    return ", ".join(parts) or None


def _point(values: list[float], machine: str | None) -> Point:
    samples = tuple(values) if len(values) > 1 else ()
    return Point(sum(values) / len(values), samples, machine=machine)
