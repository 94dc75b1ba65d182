"""Step changes in a benchmark's history: where its level moved, and stayed moved.

A run on a shared CI runner is a few per cent off either way; one run is sometimes far
off. A step is neither: the runs after it sit at another level than the runs before it,
by at least the threshold (10 % by default), for at least `min_runs` runs on each side.

The search is a two-window median test. At every index, the median of the `min_runs`
values before it is compared with the median of the `min_runs` values from it on; indices
where the two differ by the threshold form candidate stretches; in and around each, the
step is the index that splits its neighbourhood best (the least total distance of each
side from its own median). Each step
is then checked against the whole segments around it (medians, and a gap of at least
three times the segments' spread): a step that fails is dropped and its segments merge,
until every step left holds. Medians make one far-off run harmless; the windows make
noise within the threshold never a step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from docgen.benchmarks.model import Series

__all__ = ["Step", "change_points", "steps"]

_SPREAD = 1.4826  # MAD → standard deviation, for normal noise
_SEPARATION = 3.0  # a step's gap, in the segments' standard deviations


@dataclass(frozen=True, slots=True)
class Step:
    """A sustained change of a series' level.

    Attributes:
        index: the index in the series' points of the first run at the new level.
        commit: that run's commit, when known.
        before: the median of the runs since the previous step (or the first run).
        after: the median of the runs from this step to the next (or the last run).
        change: `(after - before) / |before|` (`0.3`: 30 % higher), whatever the
            direction.
    """

    index: int
    commit: str | None
    before: float
    after: float
    change: float


def _relative(before: float, after: float) -> float:
    """How far `after` is from `before`, as a fraction of `before`; 0 when `before` is 0."""
    return abs(after - before) / abs(before) if before else 0.0


def _holds(left: Sequence[float], right: Sequence[float], threshold: float) -> bool:
    """Do two segments sit at levels at least `threshold` apart, beyond their spread?"""
    before, after = median(left), median(right)
    if _relative(before, after) < threshold:
        return False
    spread = _SPREAD * median([abs(v - before) for v in left] + [abs(v - after) for v in right])
    return abs(after - before) > _SEPARATION * spread


def _cost(values: Sequence[float]) -> float:
    """How far `values` are from their median, in all: one far-off run counts once."""
    centre = median(values)
    return sum(abs(v - centre) for v in values)


def _peak(values: Sequence[float], lo: int, hi: int, first: int, last: int, reach: int) -> int:
    """The index `k` in `first..last` that splits its neighbourhood in `values[lo:hi]`
    (`reach` runs either side) best: the least total distance of each side from its own
    median."""
    lo, hi = max(lo, first - reach), min(hi, last + reach)
    ks = range(max(first, lo + 1), min(last, hi - 1) + 1)
    return min(ks, key=lambda k: _cost(values[lo:k]) + _cost(values[k:hi]), default=first)


def change_points(values: Sequence[float], threshold: float = 0.10, min_runs: int = 5) -> list[int]:
    """The indices of `values` where a step to a new level starts, in order.

    Args:
        values: finite numbers, oldest first.
        threshold: the smallest change that is a step (0.10: 10 %).
        min_runs: the fewest runs on each side of a step; at least 2.
    """
    width = max(2, min_runs)
    n = len(values)
    if n < 2 * width:
        return []
    windows = [median(values[i : i + width]) for i in range(n - width + 1)]
    candidates = [
        k
        for k in range(width, n - width + 1)
        if _relative(windows[k - width], windows[k]) >= threshold
    ]
    stretches: list[list[int]] = []
    for k in candidates:
        if stretches and k - stretches[-1][-1] <= 1:
            stretches[-1].append(k)
        else:
            stretches.append([k])
    points: list[int] = []
    for number, stretch in enumerate(stretches):
        lo = points[-1] if points else 0
        hi = stretches[number + 1][0] if number + 1 < len(stretches) else n
        # The windows may miss the step's own index by a run or two when it is close to
        # the threshold: look that far around the stretch.
        first, last = stretch[0] - width + 1, stretch[-1] + width - 1
        points.append(_peak(values, lo, hi, first, last, 4 * width))
    while True:  # drop the steps the whole segments do not bear out; their segments merge
        bounds = [0, *points, n]
        kept = [
            k
            for i, k in enumerate(points)
            if k - bounds[i] >= width
            and bounds[i + 2] - k >= width
            and _holds(values[bounds[i] : k], values[k : bounds[i + 2]], threshold)
        ]
        if kept == points:
            return points
        if len(kept) < len(points) - 1:  # drop the weakest only, then look again
            weakest = min(
                (k for k in points if k not in kept),
                key=lambda k: _relative(
                    median(values[max(0, k - width) : k]), median(values[k : k + width])
                ),
            )
            kept = [k for k in points if k != weakest]
        points = kept


def steps(series: Series, threshold: float = 0.10, min_runs: int = 5) -> tuple[Step, ...]:
    """The step changes of `series`, oldest first; runs whose value is not finite are
    left out of the search (a step's `index` still counts them).

    Args:
        series: a benchmark's history.
        threshold: the smallest change that is a step (0.10: 10 %).
        min_runs: the fewest runs on each side of a step.
    """
    kept = [i for i, p in enumerate(series.points) if math.isfinite(p.value)]
    values = [series.points[i].value for i in kept]
    found = change_points(values, threshold, min_runs)
    bounds = [0, *found, len(values)]
    out = []
    for number, k in enumerate(found):
        before = median(values[bounds[number] : k])
        after = median(values[k : bounds[number + 2]])
        point = series.points[kept[k]]
        change = (after - before) / abs(before)
        out.append(Step(kept[k], point.commit, before, after, change))
    return tuple(out)
