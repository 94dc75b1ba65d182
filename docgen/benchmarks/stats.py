"""The statistics of the regression check, in plain Python: no SciPy at run time.

`mann_whitney_u` is the two-sided Mann-Whitney U test, as `scipy.stats.mannwhitneyu`
computes it with its defaults (the tests hold the two together): the exact distribution of
U when one sample has at most 8 values and there are no ties, else the normal
approximation with the tie correction and a continuity correction. The effect sizes say
how big a difference is, which a p-value alone never does: the relative change of the
medians, the Hodges-Lehmann shift and the common-language effect size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Effect",
    "MannWhitney",
    "effect",
    "hodges_lehmann",
    "mann_whitney_u",
    "median",
    "relative_change",
    "smallest_p",
]

EXACT_LIMIT = 8
"""The exact distribution is used when one sample has at most this many values (SciPy's rule)."""


@dataclass(frozen=True, slots=True)
class MannWhitney:
    """The outcome of a two-sided Mann-Whitney U test.

    Attributes:
        u: U of the first sample: how many (first, second) pairs have the first one larger,
            ties counting one half.
        p_value: the two-sided p-value: how likely a difference at least this large is when
            both samples come from one distribution.
        method: `exact` (the distribution of U counted) or `normal` (its approximation).
    """

    u: float
    p_value: float
    method: Literal["exact", "normal"]


@dataclass(frozen=True, slots=True)
class Effect:
    """How much a sample `after` differs from a sample `before`.

    Attributes:
        change: the relative change of the medians, `(after - before) / before`: 0.3 is
            30 % more; infinite when the median before is 0 and the one after is not.
        shift: the Hodges-Lehmann estimate of the shift: the median of every difference
            `after - before`, in the samples' unit.
        common_language: the probability that a value of `after` is larger than one of
            `before`, ties counting one half: 0.5 is no difference.
    """

    change: float
    shift: float
    common_language: float


def median(values: Sequence[float]) -> float:
    """The median: the middle value, or the mean of the two middle ones.

    Args:
        values: the sample; not empty.
    """
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[half]
    return (ordered[half - 1] + ordered[half]) / 2


def _ranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """The rank of each value (1-based, ties get their average rank), and the size of each
    group of tied values."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties: list[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        rank = (start + end) / 2 + 1
        for i in order[start : end + 1]:
            ranks[i] = rank
        ties.append(end - start + 1)
        start = end + 1
    return ranks, ties


def _u_counts(m: int, n: int) -> list[int]:
    """How many of the C(m+n, m) orderings of two samples give each U, from 0 to m*n.

    They are the coefficients of the Gaussian binomial coefficient: the product over
    i = 1..m of (1 - q^(n+i)) / (1 - q^i), each division an exact running sum.
    """
    m, n = min(m, n), max(m, n)
    top = m * n
    counts = [0] * (top + 1)
    counts[0] = 1
    for i in range(1, m + 1):
        step = n + i
        for k in range(top, step - 1, -1):  # times (1 - q^(n+i))
            counts[k] -= counts[k - step]
        for k in range(i, top + 1):  # divided by (1 - q^i)
            counts[k] += counts[k - i]
    return counts


def smallest_p(m: int, n: int) -> float:
    """The smallest two-sided p-value the exact test can give for two samples: unless it
    is below the significance level, no difference can ever be significant.

    Args:
        m: the size of one sample.
        n: the size of the other.
    """
    return min(1.0, 2 / math.comb(m + n, m))


def mann_whitney_u(first: Sequence[float], second: Sequence[float]) -> MannWhitney:
    """The two-sided Mann-Whitney U test of `first` against `second`.

    Exact when either sample has at most 8 values and no value is tied, else the normal
    approximation with tie and continuity corrections: what `scipy.stats.mannwhitneyu`
    does with its defaults.

    Args:
        first: one sample; not empty.
        second: the other sample; not empty.

    Raises:
        ValueError: a sample is empty or holds a NaN.
    """
    m, n = len(first), len(second)
    if not m or not n:
        raise ValueError("both samples need at least one value")
    values = [*first, *second]
    if any(math.isnan(v) for v in values):
        raise ValueError("a sample holds NaN")
    ranks, ties = _ranks(values)
    u1 = sum(ranks[:m]) - m * (m + 1) / 2
    u = max(u1, m * n - u1)
    if min(m, n) <= EXACT_LIMIT and all(t == 1 for t in ties):
        counts = _u_counts(m, n)
        at_least = sum(counts[int(u) :])
        p = 2 * at_least / math.comb(m + n, m)
        return MannWhitney(u1, min(1.0, p), "exact")
    total = m + n
    tie_term = sum(t**3 - t for t in ties)
    sigma = math.sqrt(m * n / 12 * ((total + 1) - tie_term / (total * (total - 1))))
    if sigma == 0:  # every value the same: no evidence of any difference
        return MannWhitney(u1, 1.0, "normal")
    z = (u - m * n / 2 - 0.5) / sigma
    p = math.erfc(z / math.sqrt(2))  # twice the upper tail of the standard normal
    return MannWhitney(u1, min(1.0, p), "normal")


PAIRS_LIMIT = 300
"""`hodges_lehmann` thins a larger sample to this many of its quantiles first."""


def _thin(values: Sequence[float]) -> Sequence[float]:
    """At most `PAIRS_LIMIT` values, evenly spread over the sorted sample."""
    if len(values) <= PAIRS_LIMIT:
        return values
    ordered = sorted(values)
    last = len(ordered) - 1
    return [ordered[round(i * last / (PAIRS_LIMIT - 1))] for i in range(PAIRS_LIMIT)]


def hodges_lehmann(before: Sequence[float], after: Sequence[float]) -> float:
    """The Hodges-Lehmann shift from `before` to `after`: the median of all differences
    `a - b`, one per pair; robust to outliers, unlike the difference of the means.

    A sample of more than 300 values is thinned to 300 of its quantiles first, so the
    pairs stay at most 90,000 (an approximation, far finer than a benchmark's noise).

    Args:
        before: the base's values; not empty.
        after: the current values; not empty.
    """
    return median([a - b for a in _thin(after) for b in _thin(before)])


def relative_change(before: float, after: float) -> float:
    """`(after - before) / |before|`: 0.3 is 30 % more; infinite when `before` is 0 and
    `after` is not.

    Args:
        before: the base's figure.
        after: the current figure.
    """
    if before:
        return (after - before) / abs(before)
    return 0.0 if after == before else math.copysign(math.inf, after)


def effect(before: Sequence[float], after: Sequence[float]) -> Effect:
    """How much `after` differs from `before`, both non-empty samples (see `Effect`).

    Args:
        before: the base's values.
        after: the current values.
    """
    change = relative_change(median(before), median(after))
    ranks, _ = _ranks([*after, *before])
    m = len(after)
    larger = sum(ranks[:m]) - m * (m + 1) / 2  # U of `after`: the pairs where it is larger
    return Effect(change, hodges_lehmann(before, after), larger / (m * len(before)))
