"""How the benchmark history is written: one file locally, a folder on the Pages branch.

Both hold the same data, line by line, so that a new run changes a line or two of each
file and git stores little more than that:

- a table of runs, one per line: `[number, date, commit, version, machine]`; a run's
  number is given once and never reused, so that dropping the oldest run leaves every
  other line as it was;
- per series (benchmark and measure), its unit, direction and group, and its points, one
  per line: `[run, value]`, or `[run, value, [sample, ...]]` where samples are kept.
  Values keep 6 significant digits; a sample is written in thousandths of its point's
  value (`987` is 0.987 times the value), which keeps a rank test's input at 0.1 %.

Locally the history is the single file `.docgen/benchmarks.history` (`dumps`/`loads`).
On the Pages branch it is the folder `_benchmarks/` (`branch_files`/`from_branch_files`):
`runs.json` and `series/<name>-<hash>.json`, one file per series, rewritten in place. No
version can take that folder's name: version names start with a letter or a digit.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from docgen.benchmarks.formats.base import json_line
from docgen.benchmarks.model import Point, Series

__all__ = [
    "FOLDER",
    "FORMAT",
    "RUNS_FILE",
    "VERSION",
    "RecordedRun",
    "Unreadable",
    "branch_files",
    "dumps",
    "from_branch_files",
    "loads",
    "round_value",
    "series_file",
]

FORMAT = "docgen-benchmark-history"
"""The `format` of every history file; a file without it is not docgen's."""
VERSION = 1
"""The version of the layout written; a file of a later one is refused, not misread."""
FOLDER = "_benchmarks"
"""The history's folder on the Pages branch."""
RUNS_FILE = "runs.json"
"""The table of runs, in `FOLDER`."""
_SERIES = "series"
_PERMILLE = 1000


@dataclass(frozen=True, slots=True)
class RecordedRun:
    """One run of the history: what was measured, when, and where.

    Attributes:
        number: the run's number, given once and never reused (points refer to it).
        date: when it ran, ISO 8601 in UTC (`2026-12-03T14:59:36Z`).
        commit: the commit measured, when known.
        version: the release measured (`1.2.0`), when known.
        machine: the machine or runner it ran on, when known.
    """

    number: int
    date: str
    commit: str | None = None
    version: str | None = None
    machine: str | None = None

    @property
    def identity(self) -> tuple[str, str | None, str | None, str | None]:
        """What makes two runs the same run: date, commit, version and machine."""
        return (self.date, self.commit, self.version, self.machine)


class Unreadable(ValueError):
    """A history file that cannot be read: where (`path`, `line`) and what is wrong
    (`message`).

    `foreign` says the file is no docgen history at all (or one of a later docgen).
    """

    def __init__(self, message: str, path: str, line: int | None, *, foreign: bool = False):
        super().__init__(message)
        self.path = path
        self.line = line
        self.foreign = foreign


def round_value(value: float) -> float:
    """`value` as the history keeps it: 6 significant digits."""
    return float(f"{value:.6g}")


# -- writing -----------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.6g}"


def _point_line(number: int, point: Point) -> str:
    if point.samples and point.value:
        ratios = [round(s / point.value * _PERMILLE) for s in point.samples]
        steps = ",".join(str(b - a) for a, b in zip([0, *ratios], ratios, strict=False))
        return f"[{number},{_num(point.value)},[{steps}]]"
    return f"[{number},{_num(point.value)}]"


def _header(kind: str, **fields: object) -> str:
    head = {"format": FORMAT, "version": VERSION, "kind": kind, **fields}
    return json.dumps(head, ensure_ascii=False, separators=(", ", ": "))[:-1]


def _lines(items: Sequence[str]) -> str:
    return "[\n" + ",\n".join(items) + ("\n]" if items else "]")


def _run_line(run: RecordedRun) -> str:
    return json.dumps([run.number, run.date, run.commit, run.version, run.machine])


def _series_fields(series: Series) -> dict[str, object]:
    return {
        "benchmark": series.benchmark,
        "measure": series.measure,
        "unit": series.unit,
        "direction": series.direction,
        "group": series.group,
    }


def _points(series: Series, numbers: Mapping[tuple[object, ...], int]) -> str:
    return _lines([_point_line(numbers[_identity(p)], p) for p in series.points])


def _identity(point: Point) -> tuple[str | None, str | None, str | None, str | None]:
    return (point.date, point.commit, point.version, point.machine)


def _numbers(runs: Sequence[RecordedRun]) -> dict[tuple[object, ...], int]:
    return {run.identity: run.number for run in runs}


def dumps(runs: Sequence[RecordedRun], series: Sequence[Series]) -> str:
    """The local history file's text: the `runs` table, then each of the `series`."""
    numbers = _numbers(runs)
    blocks = [
        json.dumps(_series_fields(s), ensure_ascii=False)[:-1]
        + ', "points": '
        + _points(s, numbers)
        + "}"
        for s in series
    ]
    return (
        _header("history")
        + ', "runs": '
        + _lines([_run_line(r) for r in runs])
        + ', "series": '
        + _lines(blocks)
        + "}\n"
    )


def series_file(series: Series) -> str:
    """The branch file of one series, in `FOLDER`: `series/<name>-<hash>.json`.

    The name is readable, the hash of the series' key keeps names apart that read alike.
    """
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{series.benchmark}.{series.measure}")
    readable = readable.strip("-.")[:60] or "series"
    digest = hashlib.sha256(series.key.encode()).hexdigest()[:10]
    return f"{_SERIES}/{readable}-{digest}.json"


def branch_files(runs: Sequence[RecordedRun], series: Sequence[Series]) -> dict[str, bytes]:
    """The history's files on the Pages branch, by path inside `FOLDER`.

    Args:
        runs: the runs table, oldest first.
        series: every series, each with its points oldest first.
    """
    numbers = _numbers(runs)
    files = {RUNS_FILE: (_header("runs") + ', "runs": ' + _lines([_run_line(r) for r in runs]))}
    for one in series:
        head = _header("series", **_series_fields(one))
        files[series_file(one)] = head + ', "points": ' + _points(one, numbers)
    return {path: (text + "}\n").encode() for path, text in files.items()}


# -- reading -----------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, where: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.where = where


def _parse(text: str, path: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(f"not valid JSON: {error.msg}", path, error.lineno) from None


def _checked(data: object, path: str, kind: str) -> dict[str, object]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Unreadable("not a docgen benchmark history", path, 1, foreign=True)
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise Unreadable(
            f"a history of layout version {version!r}: this docgen reads version {VERSION}",
            path,
            1,
            foreign=True,
        )
    if data.get("kind") != kind:
        raise _Bad(("kind",), f"expected a {kind!r} file, found {data.get('kind')!r}")
    return data


def _text(value: object, where: tuple[str | int, ...], what: str, *, empty: bool) -> str | None:
    if value is None and empty:
        return None
    if not isinstance(value, str):
        raise _Bad(where, f"{what} is not a string")
    return value


def _runs(data: Mapping[str, object]) -> list[RecordedRun]:
    rows = data.get("runs")
    if not isinstance(rows, list):
        raise _Bad(("runs",), "`runs` is not a list")
    runs: list[RecordedRun] = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        where: tuple[str | int, ...] = ("runs", index)
        if not isinstance(row, list) or len(row) != 5:
            raise _Bad(where, "a run is not [number, date, commit, version, machine]")
        number = row[0]
        if not isinstance(number, int) or isinstance(number, bool) or number in seen:
            raise _Bad(where, f"run number {number!r} is not a number, or is there twice")
        seen.add(number)
        date = _text(row[1], where, "the date", empty=False)
        assert date is not None
        commit, version, machine = (_text(v, where, "a field", empty=True) for v in row[2:])
        runs.append(RecordedRun(number, date, commit, version, machine))
    return runs


def _series(
    fields: Mapping[str, object],
    runs: Mapping[int, RecordedRun],
    at: tuple[str | int, ...],
) -> Series:
    texts = {}
    for name in ("benchmark", "measure", "unit", "direction", "group"):
        value = _text(fields.get(name), (*at, name), f"`{name}`", empty=False)
        assert value is not None
        texts[name] = value
    if texts["direction"] not in ("smaller", "bigger"):
        raise _Bad((*at, "direction"), "`direction` is neither `smaller` nor `bigger`")
    rows = fields.get("points")
    if not isinstance(rows, list):
        raise _Bad((*at, "points"), "`points` is not a list")
    return Series(
        texts["benchmark"],
        texts["measure"],
        texts["unit"],
        "smaller" if texts["direction"] == "smaller" else "bigger",
        tuple(_point(row, runs, (*at, "points", i)) for i, row in enumerate(rows)),
        texts["group"],
    )


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _point(row: object, runs: Mapping[int, RecordedRun], where: tuple[str | int, ...]) -> Point:
    # The common `[run, value]` first, checked by exact types: a history has 100,000 points.
    if type(row) is list and len(row) == 2:
        number, value = row
        run = runs.get(number) if type(number) is int else None
        if run is not None and type(value) in (float, int) and value - value == 0:
            return Point(float(value), (), run.commit, run.date, run.version, run.machine)
    if not isinstance(row, list) or len(row) not in (2, 3) or not _number(row[1]):
        raise _Bad(where, "a point is not [run, value] or [run, value, [samples]]")
    run = runs.get(row[0]) if isinstance(row[0], int) else None
    if run is None:
        raise _Bad(where, f"a point of run {row[0]!r}, which the runs table does not have")
    value = float(row[1])
    samples: tuple[float, ...] = ()
    if len(row) == 3:
        ratios = row[2]
        if not isinstance(ratios, list) or not all(_number(r) for r in ratios):
            raise _Bad(where, "the samples are not a list of numbers")
        samples = tuple(round_value(value * r / _PERMILLE) for r in accumulate(ratios))
    return Point(value, samples, run.commit, run.date, run.version, run.machine)


def _located(path: str, text: str, bad: _Bad) -> Unreadable:
    return Unreadable(str(bad), path, json_line(text, bad.where))


def loads(text: str, path: str) -> tuple[list[RecordedRun], list[Series]]:
    """Read the local history file's `text` (`path` is named in errors).

    Raises:
        Unreadable: the file is not JSON, not a docgen history, or a part is malformed.
    """
    data = _parse(text, path)
    try:
        checked = _checked(data, path, "history")
        runs = _runs(checked)
        by_number = {r.number: r for r in runs}
        blocks = checked.get("series")
        if not isinstance(blocks, list):
            raise _Bad(("series",), "`series` is not a list")
        series = []
        for index, block in enumerate(blocks):
            if not isinstance(block, dict):
                raise _Bad(("series", index), "a series is not an object")
            series.append(_series(block, by_number, ("series", index)))
    except _Bad as bad:
        raise _located(path, text, bad) from None
    return runs, series


def _decoded(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text", path, None) from None


def from_branch_files(
    files: Mapping[str, bytes], where: str
) -> tuple[list[RecordedRun], list[Series]]:
    """Read the history's files of the Pages branch, by path inside `FOLDER`.

    Args:
        files: every file of the folder.
        where: how errors name the folder (`gh-pages:_benchmarks`).

    Raises:
        Unreadable: a file is not JSON, not docgen's, malformed, or `runs.json` is missing.
    """
    if RUNS_FILE not in files:
        raise Unreadable(f"{RUNS_FILE} is missing", f"{where}/{RUNS_FILE}", None)
    runs_path = f"{where}/{RUNS_FILE}"
    text = _decoded(runs_path, files[RUNS_FILE])
    try:
        runs = _runs(_checked(_parse(text, runs_path), runs_path, "runs"))
    except _Bad as bad:
        raise _located(runs_path, text, bad) from None
    by_number = {r.number: r for r in runs}
    series = []
    for name, data in _series_files(files):
        path = f"{where}/{name}"
        text = _decoded(path, data)
        try:
            series.append(_series(_checked(_parse(text, path), path, "series"), by_number, ()))
        except _Bad as bad:
            raise _located(path, text, bad) from None
    return runs, series


def _series_files(files: Mapping[str, bytes]) -> Iterator[tuple[str, bytes]]:
    for name in sorted(files):
        if name.startswith(f"{_SERIES}/") and name.endswith(".json"):
            yield name, files[name]
