"""criterion's tree (`cargo bench` writes it under `target/criterion`).

    target/criterion/<group>/<function>/<value>/new/estimates.json
                                               /new/benchmark.json
                                               /new/sample.json

`estimates.json` holds the statistics, in nanoseconds (`mean.point_estimate`);
`benchmark.json` the benchmark's id (`group_id`, `function_id`, `value_str`, `full_id`)
and its `throughput` (`{"Bytes": 1024}`, `{"BytesDecimal": n}`, `{"Elements": n}`,
`{"Bits": n}`); `sample.json` the samples: `iters[i]` iterations took `times[i]`
nanoseconds, so each sample is `times[i] / iters[i]`. `base/` and other folders beside
`new/` are earlier runs (a `--save-baseline`): only `new/` is read.

A whole tree is one run, named by its folder; one `new/estimates.json` can be read alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from docgen.benchmarks.formats.base import Directions, Malformed, Source, number
from docgen.benchmarks.model import Point, Run, Series

__all__ = ["NAME", "TITLE", "detect", "read", "read_tree", "roots"]

NAME = "criterion"
"""The format's name, as `Run.format` gives it."""

TITLE = "criterion's estimates.json tree"
"""How messages call it."""

_THROUGHPUT = {"Bytes": "B/s", "BytesDecimal": "B/s", "Elements": "elements/s", "Bits": "bit/s"}
_HINT = "run `cargo bench` again: criterion rewrites the files under `new/`"


def detect(source: Source) -> bool:
    """Whether `source` is one criterion `estimates.json`: `mean`, `median` and `std_dev`,
    each with a `point_estimate`.

    Args:
        source: the file.
    """
    data = source.data
    return isinstance(data, dict) and all(
        isinstance(data.get(k), dict) and "point_estimate" in data[k]
        for k in ("mean", "median", "std_dev")
    )


def roots(folder: Path) -> list[Path]:
    """The criterion trees in `folder` (the folder itself when it is one): the folders
    that hold a benchmark's `new/estimates.json` at the path its `benchmark.json` names.

    Args:
        folder: the folder to look in.
    """
    found: set[Path] = set()
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "report")
        here = Path(current)
        if here.name == "new" and "estimates.json" in files:
            found.add(_root(here.parent, folder))
    outermost = sorted(found, key=lambda p: len(p.parts))
    return sorted(r for r in outermost if not any(o in r.parents for o in outermost))


def _root(bench: Path, folder: Path) -> Path:
    """The tree a benchmark's folder is in: its `benchmark.json`'s `directory_name` is the
    path from the tree to it; `folder` when that cannot be told."""
    try:
        data = json.loads((bench / "new" / "benchmark.json").read_text(encoding="utf-8-sig"))
        depth = len(str(data["directory_name"]).split("/"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return folder
    root = bench.parents[depth - 1] if depth <= len(bench.parts) else folder
    return root if root == folder or folder in root.parents else folder


def read(source: Source, directions: Directions) -> Run:
    """The run of one benchmark: `source` is its `new/estimates.json`.

    Args:
        source: the file, `detect`ed as this format.
        directions: unused: criterion says times are smaller and throughput bigger.
    """
    folder = source.path.parent
    name = folder.parent.name if folder.name == "new" else folder.name
    return Run(source.file, NAME, tuple(_bench(folder, name, source.data)))


def read_tree(
    folder: Path, file: str, directions: Directions
) -> tuple[Run | None, list[Malformed]]:
    """The run of a whole tree: every benchmark's `new/` folder; and the problem of each
    benchmark that could not be read (the others are still read).

    Args:
        folder: the tree (`target/criterion`).
        file: the folder as the user sees it: the run's `file`.
        directions: unused, as for `read`.
    """
    series: list[Series] = []
    problems: list[Malformed] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "report")
        here = Path(current)
        if here.name != "new" or "estimates.json" not in files:
            continue
        estimates = here / "estimates.json"
        bench = here.parent
        name = bench.relative_to(folder).as_posix() if folder in bench.parents else bench.name
        try:
            series += _bench(here, name, _load(estimates))
        except Malformed as problem:
            problems.append(problem)
    series.sort(key=lambda s: (s.group, s.benchmark, s.measure))
    return (Run(file, NAME, tuple(series)) if series or not problems else None), problems


def _load(path: Path) -> object:
    """The JSON of one of criterion's files; `Malformed` (at the file) when it is not."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise Malformed(f"not valid JSON: {error.msg}", error.lineno, _HINT, path) from error
    except (OSError, UnicodeDecodeError) as error:
        raise Malformed(f"cannot be read: {error}", 1, _HINT, path) from error


def _bench(new: Path, fallback: str, estimates: object) -> list[Series]:
    """The series of the benchmark whose `new/` folder is `new`."""
    path = new / "estimates.json"
    if not isinstance(estimates, dict) or not isinstance(estimates.get("mean"), dict):
        raise Malformed("estimates.json has no `mean` object", ("mean",), _HINT, path)
    try:
        mean = number(estimates["mean"].get("point_estimate"), ("mean", "point_estimate"), "mean")
    except Malformed as problem:
        raise Malformed(problem.message, problem.where, _HINT, path) from None
    name, group, throughput = _identity(new, fallback)
    samples = _samples(new)
    point = Point(mean / 1e9, tuple(s / 1e9 for s in samples))
    series = [Series(name, "time", "s", "smaller", (point,), group=group)]
    if throughput is not None and mean > 0:
        unit, amount = throughput
        rates = tuple(amount / (s / 1e9) for s in samples if s > 0)
        rate = Point(amount / (mean / 1e9), rates)
        series.append(Series(name, "throughput", unit, "bigger", (rate,), group=group))
    return series


def _identity(new: Path, fallback: str) -> tuple[str, str, tuple[str, float] | None]:
    """(name, group, (throughput unit, amount per iteration)) from `benchmark.json`; the
    folder's name when the file is missing (criterion before 0.3 wrote none)."""
    path = new / "benchmark.json"
    if not path.is_file():
        head, slash, _ = fallback.partition("/")
        return fallback, head if slash else "", None
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("group_id"), str):
        raise Malformed("benchmark.json has no `group_id`", ("group_id",), _HINT, path)
    full_id = data.get("full_id")
    parts = [data["group_id"], data.get("function_id"), data.get("value_str")]
    name = full_id if isinstance(full_id, str) else "/".join(p for p in parts if p)
    group = data["group_id"] if any(isinstance(p, str) for p in parts[1:]) else ""
    throughput = data.get("throughput")
    if throughput is None:
        return name, group, None
    kind = next(iter(throughput), None) if isinstance(throughput, dict) else None
    if kind not in _THROUGHPUT:
        known = ", ".join(_THROUGHPUT)
        raise Malformed(f"`throughput` is not one of {known}", ("throughput",), _HINT, path)
    assert isinstance(throughput, dict)
    amount = number(throughput[kind], ("throughput", kind), f"throughput.{kind}")
    return name, group, (_THROUGHPUT[kind], amount)


def _samples(new: Path) -> list[float]:
    """Nanoseconds per iteration of each sample of `sample.json`, or none without it."""
    path = new / "sample.json"
    if not path.is_file():
        return []
    data = _load(path)
    iters = data.get("iters") if isinstance(data, dict) else None
    times = data.get("times") if isinstance(data, dict) else None
    if not isinstance(iters, list) or not isinstance(times, list) or len(iters) != len(times):
        where = ("times",) if isinstance(iters, list) else ("iters",)
        message = "sample.json needs `iters` and `times`, two lists of the same length"
        raise Malformed(message, where, _HINT, path)
    try:
        pairs = [
            (number(n, ("iters", i), "iters"), number(t, ("times", i), "times"))
            for i, (n, t) in enumerate(zip(iters, times, strict=True))
        ]
    except Malformed as problem:
        raise Malformed(problem.message, problem.where, _HINT, path) from None
    return [t / n for n, t in pairs if n > 0]
