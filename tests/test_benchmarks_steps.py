"""Step changes in a benchmark's history: noise is never a step, a sustained shift is."""

# ruff: noqa: S311 - seeded noise for reproducible series, nothing secret

from __future__ import annotations

import math
import random

import pytest

from docgen.benchmarks.model import Point, Series
from docgen.benchmarks.steps import Step, change_points, steps


def _noisy(
    rng: random.Random, levels: list[tuple[int, float]], jitter: float = 0.02
) -> list[float]:
    """Runs at each (count, level), each off by up to ±`jitter` of its level."""
    return [
        level * (1 + rng.uniform(-jitter, jitter)) for count, level in levels for _ in range(count)
    ]


def _series(values: list[float]) -> Series:
    points = tuple(Point(v, commit=f"{i:040x}") for i, v in enumerate(values))
    return Series("parse/small", "time", "s", "smaller", points)


def test_noise_of_two_per_cent_is_never_a_step() -> None:
    for seed in range(400):
        rng = random.Random(seed)
        values = _noisy(rng, [(rng.randint(30, 200), rng.choice([1e-6, 1e-3, 1.0, 5e6]))])
        assert change_points(values) == [], f"seed {seed}"


def test_one_far_off_run_is_not_a_step() -> None:
    for seed in range(200):
        rng = random.Random(seed)
        values = _noisy(rng, [(rng.randint(30, 200), 1.0)])
        for _ in range(2):
            values[rng.randrange(len(values))] *= rng.choice([0.3, 2.0, 5.0])
        assert change_points(values) == [], f"seed {seed}"


@pytest.mark.parametrize("factor", [1.3, 0.7])
def test_a_thirty_per_cent_step_is_found_where_it_is(factor: float) -> None:
    for seed in range(300):
        rng = random.Random(seed)
        total = rng.randint(30, 200)
        at = rng.randint(6, total - 6)
        values = _noisy(rng, [(at, 1.0), (total - at, factor)])
        found = change_points(values)
        assert len(found) == 1, f"seed {seed}: {found}, step at {at}"
        assert abs(found[0] - at) <= 1, f"seed {seed}: {found}, step at {at}"


def test_two_steps_are_both_found() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        total = rng.randint(40, 200)
        up, down = rng.randint(6, total // 2 - 3), rng.randint(total // 2 + 3, total - 6)
        back = rng.choice([1.0, 1.5])
        values = _noisy(rng, [(up, 1.0), (down - up, 1.3), (total - down, back)])
        found = change_points(values)
        assert len(found) == 2, f"seed {seed}: {found}"
        assert abs(found[0] - up) <= 1, f"seed {seed}: {found}"
        assert abs(found[1] - down) <= 1, f"seed {seed}: {found}"


def test_a_shift_below_the_threshold_is_not_a_step() -> None:
    values = _noisy(random.Random(1), [(50, 1.0), (50, 1.06)])
    assert change_points(values) == []
    assert change_points(values, threshold=0.03) != []  # the threshold decides


def test_a_short_excursion_is_not_a_step() -> None:
    """Three slow runs, then back: shorter than `min_runs` on the new level."""
    values = _noisy(random.Random(2), [(30, 1.0), (3, 1.5), (30, 1.0)])
    assert change_points(values, min_runs=5) == []


def test_steps_name_the_commit_and_the_levels() -> None:
    values = _noisy(random.Random(3), [(40, 2.0), (40, 3.0)], jitter=0.0)
    (step,) = steps(_series(values))
    assert step == Step(40, f"{40:040x}", 2.0, 3.0, 0.5)


def test_runs_that_are_not_finite_are_skipped_but_counted() -> None:
    values = _noisy(random.Random(4), [(40, 1.0), (40, 2.0)])
    values[10] = math.nan
    values[60] = math.inf
    (step,) = steps(_series(values))
    assert step.index in (39, 40, 41)
    assert step.commit == f"{step.index:040x}"


@pytest.mark.parametrize(
    "values",
    [
        [],
        [1.0],
        [0.0] * 40,
        [0.0] * 20 + [1.0] * 20,  # from zero: no relative change to speak of
        [-1.0] * 20 + [-2.0] * 20,
        [math.nan] * 40,
        [1e300] * 20 + [1e-300] * 20,
    ],
    ids=["empty", "one", "zeros", "from-zero", "negative", "nan", "huge"],
)
def test_bad_values_give_an_answer_not_an_error(values: list[float]) -> None:
    found = steps(_series(values))
    assert all(0 < s.index < len(values) for s in found)


def test_a_negative_level_that_doubles_is_a_step() -> None:
    (step,) = steps(_series([-1.0] * 20 + [-2.0] * 20))
    assert step.index == 20
    assert step.change == pytest.approx(-1.0)
