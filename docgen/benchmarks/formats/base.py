"""What every reader of a result format shares: the file read once, the error a reader
raises, units, dates, directions, and the line of a JSON key."""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docgen.benchmarks.model import Direction, utc

__all__ = [
    "PER_SECOND",
    "Directions",
    "JsonPath",
    "Malformed",
    "Source",
    "group_of",
    "json_line",
    "number",
    "utc_date",
]

JsonPath = tuple[str | int, ...]
"""Where a value is in a JSON document: its keys and indexes from the top."""

PER_SECOND: Mapping[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "ms": 1e3,
    "millisecond": 1e3,
    "milliseconds": 1e3,
    "us": 1e6,
    "µs": 1e6,
    "μs": 1e6,
    "microsecond": 1e6,
    "microseconds": 1e6,
    "ns": 1e9,
    "nanosecond": 1e9,
    "nanoseconds": 1e9,
    "ps": 1e12,
}
"""Each time unit the formats write (lower case), and how many of it make a second: a
value in it divided by this is in seconds (dividing by 1e9 keeps `412.7 ns` as `4.127e-07`)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A result file, read once and shared by the detectors and the reader.

    Attributes:
        path: the file on disk.
        file: the file as the user sees it: relative to the project root when inside it.
        text: its text.
        data: its JSON, or None when it is not JSON (`go test -bench` text).
    """

    path: Path
    file: str
    text: str
    data: object = None


class Malformed(Exception):
    """A file of a known format whose content does not fit the format.

    Attributes:
        message: what is wrong, in one sentence.
        where: the JSON path of the offending key or value, or the 1-based line of text.
        hint: how to fix it.
        file: the file at fault when it is not the one read (a criterion tree's file).
    """

    def __init__(
        self, message: str, where: JsonPath | int = (), hint: str = "", file: Path | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint
        self.file = file


@dataclass(frozen=True, slots=True)
class Directions:
    """The `directions` of the config: which way is better, for series the format does not
    say it of.

    Attributes:
        patterns: benchmark name or glob (`parse/*`) → `smaller` or `bigger`; a pattern
            may also name one measure (`parse/*::memory`). The first that matches wins.
    """

    patterns: Mapping[str, str] = field(default_factory=dict)

    def of(self, benchmark: str, measure: str, default: Direction) -> Direction:
        """The direction of `benchmark`'s `measure`: the config's, else `default`.

        Args:
            benchmark: the benchmark's full name.
            measure: the measure's name.
            default: what the format implies.
        """
        key = f"{benchmark}::{measure}"
        for pattern, direction in self.patterns.items():
            if direction not in ("smaller", "bigger"):
                continue  # reported once, by `results.read`
            if fnmatch.fnmatchcase(benchmark, pattern) or fnmatch.fnmatchcase(key, pattern):
                return "smaller" if direction == "smaller" else "bigger"
        return default


def number(value: object, where: JsonPath, what: str) -> float:
    """`value` as a finite float, or `Malformed` naming `what` at `where`.

    Args:
        value: the JSON value.
        where: its JSON path.
        what: what it is, for the message (`stats.mean`).
    """
    if value is None:
        raise Malformed(f"{what} is missing", where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Malformed(f"{what} is {json.dumps(value)}, not a number", where)
    result = float(value)
    if not math.isfinite(result):
        raise Malformed(f"{what} is {value}, not a finite number", where)
    return result


def group_of(benchmark: str) -> str:
    """The group of a benchmark whose format has none: the part of its name before the
    first `/` (`BM_Copy/64` → `BM_Copy`), or `""` when it has no `/`.

    Args:
        benchmark: the benchmark's full name.
    """
    head, slash, _ = benchmark.partition("/")
    return head if slash else ""


_NAIVE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def utc_date(text: object) -> str | None:
    """An ISO 8601 date as `2026-12-03T14:59:36Z`, or None when it is none.

    A date without a time zone is taken as UTC (pytest-benchmark's older files).

    Args:
        text: the date the file gives.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    try:
        aware = datetime.fromisoformat(value).tzinfo is not None
        return utc(value) if aware or _NAIVE_DATE.match(value) else None
    except ValueError:
        return None


def json_line(text: str, path: JsonPath) -> int | None:
    """The 1-based line of the value at `path` in the JSON `text`: the line of its key in
    an object, of the value itself in a list; for a key that is missing, the line of the
    deepest part of `path` that exists. None when `text` is not JSON.

    Args:
        text: a JSON document's text.
        path: the keys and indexes from the top.
    """
    try:
        offset = _Locator(text).find(path)
    except (ValueError, IndexError):
        return None
    return text.count("\n", 0, offset) + 1


_SPACE = re.compile(r"[ \t\n\r]*")


class _Locator:
    """A JSON scanner that skips values and returns where the one at a path starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decode = json.JSONDecoder()

    def find(self, path: Sequence[str | int]) -> int:
        pos = self._space(0)
        best = pos
        for step in path:
            found = self._child(pos, step)
            if found is None:
                return best
            best, pos = found
        return best

    def _space(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def _child(self, pos: int, step: str | int) -> tuple[int, int] | None:
        """(where to report, where the value starts) of `step` in the container at `pos`."""
        opener = self.text[pos]
        if opener == "{" and isinstance(step, str):
            pos = self._space(pos + 1)
            while self.text[pos] != "}":
                key_at = pos
                key, pos = self.decode.raw_decode(self.text, pos)
                pos = self._space(self._space(pos) + 1)  # past the colon
                if key == step:
                    return key_at, pos
                pos = self._next(self._skip(pos))
            return None
        if opener == "[" and isinstance(step, int):
            pos = self._space(pos + 1)
            index = 0
            while self.text[pos] != "]":
                if index == step:
                    return pos, pos
                pos = self._next(self._skip(pos))
                index += 1
        return None

    def _next(self, pos: int) -> int:
        pos = self._space(pos)
        return self._space(pos + 1) if self.text[pos] == "," else pos

    def _skip(self, pos: int) -> int:
        end: int = self.decode.raw_decode(self.text, pos)[1]
        return end
