"""The regression check: the statistics against SciPy as an oracle, the comparison of
hand-built series (noise, regressions, directions, thresholds, bases), and its findings."""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from scipy.stats import mannwhitneyu

from docgen.benchmarks import regressions as check
from docgen.benchmarks import stats
from docgen.benchmarks.history import MAX_SAMPLES
from docgen.benchmarks.model import Direction, Point, Series
from docgen.cli import main
from docgen.config import BenchmarksConfig
from docgen.diagnostics import Location, Severity, render_github, render_summary
from docgen.model import StageResult
from docgen.report import build_report, quality_page

# --- statistics: SciPy is the oracle -----------------------------------------------------


def seeded(seed: int) -> random.Random:
    """A generator of reproducible noise (not of secrets)."""
    return random.Random(seed)  # noqa: S311


def _samples(rng: random.Random) -> tuple[list[float], list[float]]:
    m, n = rng.randint(1, 40), rng.randint(1, 40)
    kind = rng.choice(["same", "shifted", "ties", "tiny"])
    if kind == "ties":
        return [rng.randint(0, 5) for _ in range(m)], [rng.randint(0, 6) for _ in range(n)]
    if kind == "tiny":
        m, n = rng.randint(1, 8), rng.randint(1, 12)
    shift = 0.7 if kind == "shifted" else 0.0
    return [rng.gauss(0, 1) for _ in range(m)], [rng.gauss(shift, 1) for _ in range(n)]


def test_mann_whitney_u_agrees_with_scipy_over_many_random_cases() -> None:
    rng = seeded(17)
    methods = set()
    for _ in range(2000):
        first, second = _samples(rng)
        ours = stats.mann_whitney_u(first, second)
        theirs = mannwhitneyu(first, second)
        assert ours.u == theirs.statistic
        assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300), (first, second)
        methods.add(ours.method)
    assert methods == {"exact", "normal"}


def test_the_exact_distribution_matches_scipys_exact_method_beyond_its_auto_rule() -> None:
    rng = seeded(3)
    for m, n in [(1, 1), (2, 30), (8, 9), (9, 8), (5, 60)]:
        first = [rng.random() for _ in range(m)]
        second = [rng.random() + 0.2 for _ in range(n)]
        ours = stats.mann_whitney_u(first, second)
        assert ours.method == "exact"
        theirs = mannwhitneyu(first, second, method="exact")
        assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-12)


def test_mann_whitney_u_edge_cases() -> None:
    same = stats.mann_whitney_u([1.0, 1.0, 1.0], [1.0] * 20)
    assert same.p_value == 1.0
    assert same.p_value == pytest.approx(mannwhitneyu([1.0] * 3, [1.0] * 20).pvalue)
    apart = stats.mann_whitney_u([1.0] * 30, [2.0] * 30)
    assert apart.p_value == pytest.approx(mannwhitneyu([1.0] * 30, [2.0] * 30).pvalue)
    with pytest.raises(ValueError, match="at least one"):
        stats.mann_whitney_u([], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        stats.mann_whitney_u([math.nan], [1.0])


def test_smallest_p_is_what_the_exact_test_gives_for_samples_wholly_apart() -> None:
    for m, n in [(1, 1), (3, 3), (5, 5), (2, 8)]:
        apart = stats.mann_whitney_u([float(i) for i in range(m)], [100.0 + i for i in range(n)])
        assert stats.smallest_p(m, n) == pytest.approx(apart.p_value)


def test_effect_sizes() -> None:
    before, after = [10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]
    effect = stats.effect(before, after)
    assert effect.change == pytest.approx((14.5 - 11.0) / 11.0)
    assert effect.shift == pytest.approx(3.5)  # median of the 12 differences 1..6
    assert effect.common_language == 1.0
    assert stats.effect(after, before).common_language == 0.0
    assert stats.effect([1.0, 2.0], [1.0, 2.0]).common_language == 0.5
    assert stats.effect([0.0], [0.0]).change == 0.0
    assert stats.effect([0.0], [1.0]).change == math.inf
    assert stats.relative_change(2.0, 1.0) == -0.5
    assert stats.relative_change(-10.0, -5.0) == 0.5  # higher, whatever the sign
    assert stats.relative_change(0.0, -1.0) == -math.inf
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([4.0, 1.0, 2.0, 3.0]) == 2.5


def test_hodges_lehmann_of_large_samples_is_close_and_quick() -> None:
    rng = seeded(5)
    before = [rng.gauss(100, 5) for _ in range(5000)]
    after = [rng.gauss(110, 5) for _ in range(4000)]
    assert stats.hodges_lehmann(before, after) == pytest.approx(10, abs=0.5)


# --- comparing series ---------------------------------------------------------------------


def series(
    name: str,
    values: list[float],
    *,
    samples: list[list[float]] | None = None,
    measure: str = "time",
    unit: str = "s",
    direction: Direction = "smaller",
    version: str | None = None,
    commit: str | None = None,
) -> Series:
    """A series with a point per value (and its samples, when given)."""
    points = tuple(
        Point(v, tuple(samples[i]) if samples else (), commit=commit, version=version)
        for i, v in enumerate(values)
    )
    return Series(name, measure, unit, direction, points)


def jitter(rng: random.Random, centre: float, n: int, spread: float = 0.02) -> list[float]:
    return [centre * (1 + rng.uniform(-spread, spread)) for _ in range(n)]


def verdicts(comparisons: list[check.Comparison]) -> dict[str, str]:
    return {c.benchmark: c.verdict for c in comparisons}


CONFIG = BenchmarksConfig()
NAMES = ("parse/small", "parse/large", "render", "io/read", "io/write")


def test_two_percent_jitter_over_30_runs_is_never_a_finding_over_many_seeds() -> None:
    for seed in range(200):
        rng = seeded(seed)
        # Samples on both sides: 30 runs each, ±2 %, against 30 runs of history ±2 %.
        base = [
            series(n, [1e-3 * (i + 1)], samples=[jitter(rng, 1e-3 * (i + 1), 30)])
            for i, n in enumerate(NAMES)
        ]
        current = [
            series(n, [1e-3 * (i + 1)], samples=[jitter(rng, 1e-3 * (i + 1), 30)])
            for i, n in enumerate(NAMES)
        ]
        assert set(verdicts(check.compare(CONFIG, current, base)).values()) == {"unchanged"}
        # No samples: the history's 30 runs, the current run's one value.
        history = [series(n, jitter(rng, 2.0 + i, 30)) for i, n in enumerate(NAMES)]
        chosen, _ = check.select_base(CONFIG, history)
        now = [series(n, jitter(rng, 2.0 + i, 1)) for i, n in enumerate(NAMES)]
        found = check.compare(CONFIG, now, chosen)
        assert set(verdicts(found).values()) == {"unchanged"}
        assert check.findings(CONFIG, found, {}, "the base")[0].code == "DG033"


def test_one_benchmark_30_percent_slower_among_several_is_the_one_error() -> None:
    rng = seeded(1)
    base = [series(n, [1.0], samples=[jitter(rng, 1e-2, 30)]) for n in NAMES]
    current = [
        series(n, [1.0], samples=[jitter(rng, 1e-2 * (1.3 if n == "render" else 1), 30)])
        for n in NAMES
    ]
    found = check.compare(CONFIG, current, base)
    assert [c.benchmark for c in found if c.verdict == "regressed"] == ["render"]
    (render,) = (c for c in found if c.benchmark == "render")
    assert render.p_value is not None
    assert render.p_value < 1e-6
    assert render.change == pytest.approx(0.3, abs=0.03)
    where = {"render::time": Location("bench/results.json", 12)}
    diagnostics = check.findings(CONFIG, found, where, "the last 5 runs of the history")
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    assert len(errors) == len(diagnostics) == 1
    (error,) = errors
    assert error.code == "DG030"
    assert error.stage == "benchmarks"
    assert error.location == Location("bench/results.json", 12)
    assert "'render' is 3" in error.message
    assert "% slower: 10 ms → 13" in error.message
    assert "p < 0.0001, Mann-Whitney U on 30 and 30 values" in error.message
    assert "threshold 10 %" in error.message
    assert "the last 5 runs" in error.message
    assert not any(n in error.message for n in NAMES if n != "render")
    assert error.hint
    assert "thresholds:" in error.hint


def test_bigger_is_better_a_throughput_drop_is_a_regression_and_a_rise_is_not() -> None:
    def run(value: float) -> list[Series]:
        return [series("copy", [value], measure="throughput", unit="ops/s", direction="bigger")]

    (drop,) = check.compare(CONFIG, run(700.0), run(1000.0))
    assert drop.verdict == "regressed"
    assert drop.p_value is None
    assert check.describe(drop, CONFIG.alpha).startswith(
        "'copy' is 30.0 % lower throughput: 1,000 ops/s → 700 ops/s (ratio only, no samples"
    )
    (rise,) = check.compare(CONFIG, run(1500.0), run(1000.0))
    assert rise.verdict == "improved"


def test_per_benchmark_thresholds_by_name_key_or_glob_first_match_wins() -> None:
    config = replace(
        CONFIG,
        threshold=0.05,
        thresholds={"io/read": 0.2, "io/*": 0.5, "render::time": 0.4, "*::memory": 0.6, "*": 0.3},
    )
    assert check.threshold_for(config, series("io/read", [1.0])) == 0.2
    assert check.threshold_for(config, series("io/write", [1.0])) == 0.5
    assert check.threshold_for(config, series("render", [1.0])) == 0.4
    assert check.threshold_for(config, series("render", [1.0], measure="memory")) == 0.6
    assert check.threshold_for(config, series("parse", [1.0])) == 0.3
    assert check.threshold_for(CONFIG, series("parse", [1.0])) == 0.10
    base = [series(n, [1.0]) for n in ("io/write", "parse", "other")]
    current = [series(n, [1.35]) for n in ("io/write", "parse", "other")]
    config = replace(CONFIG, thresholds={"io/*": 0.5, "pa*": 0.3})
    assert verdicts(check.compare(config, current, base)) == {
        "io/write": "unchanged",
        "parse": "regressed",
        "other": "regressed",
    }


def test_the_test_decides_with_samples_and_the_ratio_without() -> None:
    rng = seeded(2)
    # 15 % slower medians but samples so noisy that the test sees no difference: no finding.
    noisy_base = [rng.uniform(0.5, 1.5) for _ in range(10)]
    noisy_now = [v * 1.15 for v in noisy_base[::-1]]
    (c,) = check.compare(
        CONFIG,
        [series("a", [1.0], samples=[noisy_now])],
        [series("a", [1.0], samples=[noisy_base])],
    )
    assert c.p_value is not None
    assert c.p_value > 0.01
    assert c.change == pytest.approx(0.15)
    assert c.verdict == "unchanged"
    # The same medians without samples: the ratio alone decides.
    (r,) = check.compare(CONFIG, [series("a", [1.15])], [series("a", [1.0])])
    assert r.p_value is None
    assert r.verdict == "regressed"
    assert "ratio only, no samples" in check.describe(r, CONFIG.alpha)
    # Samples too few for the test to reach alpha (3 and 3: p ≥ 0.1): the ratio decides.
    (few,) = check.compare(
        CONFIG,
        [series("a", [1.0], samples=[[1.3, 1.31, 1.32]])],
        [series("a", [1.0], samples=[[1.0, 1.01, 1.02]])],
    )
    assert few.p_value is None
    assert few.verdict == "regressed"
    assert few.samples == (3, 3)
    assert "3 and 3 values are too few for the test" in check.describe(few, CONFIG.alpha)


def test_a_significant_change_below_the_threshold_is_no_finding() -> None:
    rng = seeded(4)
    base = [series("a", [1.0], samples=[jitter(rng, 1.0, 100, 0.005)])]
    current = [series("a", [1.0], samples=[jitter(rng, 1.05, 100, 0.005)])]
    (c,) = check.compare(CONFIG, current, base)
    assert c.p_value is not None
    assert c.p_value < 1e-10
    assert c.verdict == "unchanged"


def test_an_improvement_is_no_finding() -> None:
    found = check.compare(
        CONFIG,
        [series("a", [0.5]), series("b", [1.0])],
        [
            series("a", [1.0]),
            series("b", [1.0]),
        ],
    )
    assert verdicts(found) == {"a": "improved", "b": "unchanged"}
    (note,) = check.findings(CONFIG, found, {}, "release 1.0")
    assert note.severity is Severity.INFO
    assert note.code == "DG033"
    assert note.message == "2 benchmarks compared with release 1.0: none regressed, 1 improved"


def test_missing_bases_are_one_note() -> None:
    current = [series(n, [1.0]) for n in ("a", "b", "c", "d", "e")]
    found = check.compare(CONFIG, current, [series("a", [1.0])])
    assert verdicts(found)["b"] == "no base"
    diagnostics = check.findings(CONFIG, found, {}, "the base")
    assert [d.code for d in diagnostics] == ["DG032", "DG033"]
    assert diagnostics[0].message == (
        "4 benchmarks of 5 without a base in the history, not compared: 'b', 'c', 'd' and 1 more"
    )
    # An empty history: one note, nothing compared.
    nothing = check.findings(CONFIG, check.compare(CONFIG, current, []), {}, "the base")
    assert [d.code for d in nothing] == ["DG032"]


def test_units_that_differ_are_one_warning_per_result_file() -> None:
    current = [series(n, [1.0], measure="memory", unit="MB") for n in ("a", "b")]
    base = [series(n, [1.0], measure="memory", unit="B") for n in ("a", "b")]
    found = check.compare(CONFIG, current, base)
    assert verdicts(found) == {"a": "units differ", "b": "units differ"}
    where = {"a::memory": Location("r.json", 3), "b::memory": Location("r.json", 9)}
    (warning,) = check.findings(CONFIG, found, where, "the base")
    assert warning.code == "DG031"
    assert warning.severity is Severity.WARNING
    assert warning.location == Location("r.json", 3)
    assert "2 benchmarks not compared" in warning.message
    assert "'MB', the base 'B'" in warning.message


def test_several_result_files_of_one_benchmark_are_pooled() -> None:
    current = [series("a", [1.3]), series("a", [1.31]), series("a", [1.29])]
    (c,) = check.compare(CONFIG, current, [series("a", [1.0])])
    assert c.samples == (1, 3)
    assert c.current == pytest.approx(1.3)


def test_base_runs_without_samples_leave_the_sample_to_those_with() -> None:
    # The history keeps samples on its newest runs only: older points have a value alone.
    old = tuple(Point(5.0) for _ in range(3))
    new = tuple(Point(1.0, (0.99, 1.0, 1.01, 1.02, 0.98)) for _ in range(2))
    base = [Series("a", "time", "s", "smaller", old + new)]
    current = [series("a", [1.0], samples=[[1.0, 1.01, 0.99, 1.0, 1.02]])]
    (c,) = check.compare(CONFIG, current, base)
    assert c.samples == (10, 5)
    assert c.base == pytest.approx(1.0)
    assert c.verdict == "unchanged"


def test_a_base_point_of_the_commit_checked_is_left_out() -> None:
    history = [
        Series("a", "time", "s", "smaller", (Point(1.0, commit="old"), Point(2.0, commit="new")))
    ]
    current = [series("a", [2.0], commit="new")]
    (c,) = check.compare(CONFIG, current, history)
    assert c.base == 1.0
    assert c.verdict == "regressed"


# --- the base -------------------------------------------------------------------------------


def test_the_base_branch_is_the_last_runs_of_the_history() -> None:
    history = [series("a", [float(i) for i in range(10)])]
    chosen, text = check.select_base(replace(CONFIG, base="branch", base_runs=3), history)
    assert [p.value for p in chosen[0].points] == [7.0, 8.0, 9.0]
    assert text == "the last 3 runs of the history"
    chosen, text = check.select_base(replace(CONFIG, base_runs=1), history, None)
    assert [p.value for p in chosen[0].points] == [9.0]
    assert text == "the last run of the history"


def test_the_base_release_is_the_last_version_before_the_one_built() -> None:
    points = (
        Point(1.0, version="1.0"),
        Point(1.1),
        Point(2.0, version="1.1"),
        Point(2.1, version="1.1"),
        Point(3.0),
        Point(4.0, version="1.2"),
    )
    history = [Series("a", "time", "s", "smaller", points), series("unreleased", [1.0])]
    release = replace(CONFIG, base="release")
    chosen, text = check.select_base(release, history)
    assert [(s.benchmark, [p.value for p in s.points]) for s in chosen] == [("a", [4.0])]
    assert text == "release 1.2"
    # Building 1.2 again (`docgen deploy 1.2`): the release before it.
    chosen, text = check.select_base(release, history, "1.2")
    assert [p.value for p in chosen[0].points] == [2.0, 2.1]
    assert text == "release 1.1"
    # `auto` is `release` when a release is built, falling back to the branch's runs...
    chosen, text = check.select_base(CONFIG, history, "1.3")
    assert [[p.value for p in s.points] for s in chosen] == [[4.0], [1.0]]
    assert text == "release 1.2 (else the last run of the history)"
    # ... and `branch` otherwise.
    chosen, text = check.select_base(CONFIG, history)
    assert [p.value for p in chosen[0].points] == [1.1, 2.0, 2.1, 3.0, 4.0]
    assert text == "the last 5 runs of the history"


# --- messages, settings, renderers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.0123, "s", "12.3 ms"),
        (1.5e-7, "s", "150 ns"),
        (2.5e-5, "s", "25 µs"),
        (12.0, "s", "12 s"),
        (1234.5, "ops/s", "1,234 ops/s"),
        (0.5, "", "0.5"),
    ],
)
def test_values_read_in_their_unit(value: float, unit: str, text: str) -> None:
    assert check._value(value, unit) == text


def test_settings_out_of_range_are_warnings_at_their_line_and_the_defaults_apply() -> None:
    text = (
        "site_name: x\nplugins:\n  - docgen:\n      benchmarks:\n        alpha: 2\n"
        "        thresholds:\n          'parse/*': -0.1\n        base_runs: 0\n"
    )
    config = BenchmarksConfig(alpha=2.0, thresholds={"parse/*": -0.1, "io": 0.2}, base_runs=0)
    found = check.problems(config, "mkdocs.yml", text)
    assert [(d.code, d.location) for d in found] == [
        ("DG034", Location("mkdocs.yml", 5)),
        ("DG034", Location("mkdocs.yml", 7)),
        ("DG034", Location("mkdocs.yml", 8)),
    ]
    assert (
        found[0].message
        == "benchmarks 'alpha' is 2.0: the regression check uses the default instead"
    )
    assert found[0].hint == "set it to a significance level between 0 and 1"
    fixed = check.usable(config)
    assert (fixed.alpha, dict(fixed.thresholds), fixed.base_runs) == (0.01, {"io": 0.2}, 1)
    assert check.problems(CONFIG) == []


def test_locate_finds_the_benchmarks_line_in_its_result_file(tmp_path: Path) -> None:
    root = tmp_path
    (root / "r.json").write_text(
        '{\n  "benchmarks": [\n    {"name": "parse"},\n    {"name": "parse/small"}\n  ]\n}\n'
    )
    texts: dict[str, str] = {}
    assert check.locate(root, "r.json", "parse/small", texts) == Location("r.json", 4)
    assert check.locate(root, "r.json", "parse", texts) == Location("r.json", 3)
    assert check.locate(root, "r.json", "nothing", texts) == Location("r.json", None)
    assert check.locate(root, "gone.json", "parse", texts) == Location("gone.json", None)


def test_a_regression_as_annotation_and_in_the_step_summary() -> None:
    found = check.compare(CONFIG, [series("render", [0.0131])], [series("render", [0.01])])
    (error,) = check.findings(CONFIG, found, {"render::time": Location("r.json", 7)}, "release 1.0")
    annotation = render_github([error])
    assert annotation.startswith(
        "::error file=r.json,line=7,title=DG030::'render' is 31.0 %25 slower"
    )
    assert (
        "10 ms → 13.1 ms (ratio only, no samples; threshold 10 %25), against release 1.0"
        in annotation
    )
    page = quality_page(
        build_report(
            [StageResult("benchmarks", diagnostics=(error,))],
            diagnostics=[error],
            seconds=1.0,
            offline=True,
            strict=False,
            available=["benchmarks"],
        )
    )
    assert "| benchmarks | failed | 1 | 0 |" in page
    assert "| ✗ error | <code>r.json&#58;7</code> | DG030 | 'render' is 31.0 % slower" in page
    summary = render_summary([error])
    assert "| error | <code>r.json&#58;7</code> | [DG030](" in summary
    assert "| 'render' is 31.0 % slower: 10 ms → 13.1 ms \\(ratio only, no samples" in summary


# --- end to end: `docgen check --only benchmarks` on a tiny site ---------------------------

SITE = """\
site_name: Bench
plugins:
  - docgen:
      benchmarks:
        results: [bench/*.json]
        thresholds: {"io/*": 0.5}
"""


def pytest_benchmark_json(times: dict[str, float], commit: str, seed: int) -> str:
    """A pytest-benchmark file: 30 rounds per benchmark, ±2 % around its time."""
    rng = seeded(seed)
    benchmarks = [
        {"name": name, "group": None, "stats": {"mean": mean, "data": jitter(rng, mean, 30)}}
        for name, mean in times.items()
    ]
    data = {"machine_info": {"node": "ci"}, "commit_info": {"id": commit}, "benchmarks": benchmarks}
    return json.dumps(data, indent=2)


TIMES = {"parse/small": 0.0123, "parse/large": 0.5, "render": 0.002, "io/read": 0.004}


def tiny_site(root: Path, runs: int = 6) -> Path:
    """The site, with a local history of `runs` runs of TIMES recorded on the base branch."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(SITE, encoding="utf-8")
    for i in range(runs):
        base = root / f"base-{i}.json"
        base.write_text(pytest_benchmark_json(TIMES, f"{i:040x}", i), encoding="utf-8")
        date = f"2026-11-{i + 1:02d}T12:00:00Z"
        argv = ["bench", "record", str(base), "-f", str(root / "mkdocs.yml"), "--date", date]
        assert main(argv) == 0
    assert (root / ".docgen" / "benchmarks.history").is_file()
    (root / "bench").mkdir()
    return root


def docgen_check(root: Path, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--only", "benchmarks", "-f", str(root / "mkdocs.yml"), *more])
    return code, capsys.readouterr().out


def test_check_fails_naming_the_one_benchmark_30_percent_slower(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_site(tmp_path)
    slower = {**TIMES, "render": TIMES["render"] * 1.3, "io/read": TIMES["io/read"] * 1.3}
    (root / "bench" / "pr.json").write_text(pytest_benchmark_json(slower, "f" * 40, 99))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = docgen_check(root, capsys, "--format", "github")
    assert code == 1
    (annotation,) = out.splitlines()[:1]
    line = (root / "bench" / "pr.json").read_text().splitlines().index(
        '      "name": "render",'
    ) + 1
    assert annotation.startswith(
        f"::error file=bench/pr.json,line={line},title=DG030::'render' is "
    )
    assert re.search(r"'render' is 2\d\.\d %25 slower: 2 ms → 2\.[56]\d? ms \(p < 0\.0001, ", out)
    # The history keeps a few samples per run (MAX_SAMPLES), the last 5 runs pooled.
    assert f"Mann-Whitney U on {5 * min(30, MAX_SAMPLES)} and 30 values; " in out
    assert "threshold 10 %25)" in out
    assert "against the last 5 runs of the history" in out
    # io/read is 30 % slower too, within its own threshold (50 %); the others are noise.
    assert not any(n in out for n in ("parse/", "io/read"))
    assert out.count("::error") == 1
    table = summary.read_text(encoding="utf-8")
    assert "| error | <code>bench/pr.json&#58;" in table
    assert "| 'render' is 2" in table


def test_check_passes_within_thresholds_and_says_what_it_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_site(tmp_path)
    (root / "bench" / "pr.json").write_text(pytest_benchmark_json(TIMES, "f" * 40, 7))
    code, out = docgen_check(root, capsys)
    assert code == 0
    assert "info[DG033]: 4 benchmarks compared with the last 5 runs of the history" in out
    assert "none regressed" in out
    report = json.loads(docgen_check(root, capsys, "--format", "json")[1])
    assert report["counts"] == {"error": 0, "warning": 0, "info": 1}


def test_check_of_a_new_benchmark_and_of_no_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_site(tmp_path, runs=1)
    more = {**TIMES, "brand/new": 1.0}
    (root / "bench" / "pr.json").write_text(pytest_benchmark_json(more, "f" * 40, 7))
    code, out = docgen_check(root, capsys, "--format", "json")
    assert code == 0
    found = [(d["code"], d["message"]) for d in json.loads(out)["diagnostics"]]
    assert found[0] == (
        "DG032",
        "1 benchmark of 5 without a base in the history, not compared: 'brand/new'",
    )
    assert found[1][0] == "DG033"
    # 1 run of 30 samples against 30: the test runs, noise is still no finding.
    assert "4 benchmarks compared with the last run of the history" in found[1][1]
    (root / ".docgen" / "benchmarks.history").unlink()
    code, out = docgen_check(root, capsys, "--format", "json")
    assert code == 0
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["DG032"]


def test_no_results_is_free_and_bad_settings_are_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_site(tmp_path, runs=1)
    history = root / ".docgen" / "benchmarks.history"
    kept = history.read_bytes()
    history.write_text("not a history\n", encoding="utf-8")
    code, out = docgen_check(root, capsys, "--format", "json")
    # The glob matches nothing: the reader says so; the broken history is reported once,
    # by the pages that read it, not again by the check.
    assert sorted(d["code"] for d in json.loads(out)["diagnostics"]) == ["DG014", "DG020"]
    assert code == 1  # a history that cannot be read is an error
    history.write_bytes(kept)
    text = SITE.replace("thresholds:", "alpha: 0\n        thresholds:")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    (root / "bench" / "pr.json").write_text(pytest_benchmark_json(TIMES, "f" * 40, 7))
    code, out = docgen_check(root, capsys, "--format", "json")
    found = json.loads(out)["diagnostics"]
    assert code == 0
    assert [(d["code"], d["file"], d["line"]) for d in found if d["code"] == "DG034"] == [
        ("DG034", "mkdocs.yml", 6)
    ]
    assert docgen_check(root, capsys, "--strict")[0] == 1


def test_check_against_the_last_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tiny_site(tmp_path, runs=2)
    # Release 1.0 was 30 % faster at rendering than the base branch's runs since.
    faster = {**TIMES, "render": TIMES["render"] / 1.3}
    release = root / "release.json"
    release.write_text(pytest_benchmark_json(faster, "e" * 40, 5), encoding="utf-8")
    argv = ["bench", "record", str(release), "-f", str(root / "mkdocs.yml"), "--version", "1.0"]
    assert main([*argv, "--date", "2026-10-01T12:00:00Z"]) == 0
    (root / "bench" / "pr.json").write_text(pytest_benchmark_json(TIMES, "f" * 40, 9))
    assert docgen_check(root, capsys)[0] == 0  # against the branch's last runs: unchanged
    text = SITE.replace("thresholds:", "base: release\n        thresholds:")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    code, out = docgen_check(root, capsys)
    assert code == 1
    assert re.search(r"'render' is (29|30)\.\d % slower: 1\.5\d ms → 2\.\d+ ms", out)
    assert "against release 1.0" in out
    assert out.count("error[") == 1
