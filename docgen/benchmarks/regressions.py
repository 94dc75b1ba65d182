"""The regression check: the current results against their base from the history.

`run(config)` is the whole check, as `docgen check --only benchmarks` runs it: the current
results (`results.read`), the history (`history.load`), then `select_base` picks the
base's points (the base branch's last runs, or the last release's), `compare` weighs each
current series against its base, and `findings` turns the outcome into diagnostics. The
last three are pure: they read no file.

A series is compared on a sample: the samples of its points that have some, else the
values of its points (the base's last runs are a sample of the run-to-run
noise). When both samples are large enough for the two-sided Mann-Whitney U test to reach
`alpha`, a change is a regression only if it is significant (p < alpha) AND its relative
change of the medians is at least the benchmark's threshold in the worse direction.
Otherwise the ratio of the medians alone decides, against the same threshold. Noise
within the threshold is never a finding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from docgen.benchmarks import stats
from docgen.benchmarks.model import Direction, Point, Series
from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity, plural
from docgen.model import StageResult

__all__ = [
    "STAGE",
    "Comparison",
    "Verdict",
    "compare",
    "describe",
    "findings",
    "locate",
    "matching",
    "problems",
    "run",
    "select_base",
    "threshold_for",
    "usable",
]

STAGE = "benchmarks"
"""The stage the check's diagnostics carry."""

Verdict = Literal["regressed", "improved", "unchanged", "no base", "units differ"]
"""What the check says of one series."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One current series weighed against its base.

    Attributes:
        benchmark: the benchmark's name.
        measure: what is measured (`time`, `throughput`, ...).
        unit: the current series' unit.
        direction: which way is better (the format's, or the config's `directions` where
            the format does not say).
        verdict: `regressed`, `improved`, `unchanged`, `no base` or `units differ`.
        current: the current median.
        base: the base's median; None without a base.
        change: the relative change of the medians, `(current - base) / base`; None
            without a comparable base.
        threshold: the smallest change in the worse direction that is a regression.
        p_value: the Mann-Whitney U test's two-sided p-value; None when the ratio alone
            decided (no samples, or too few for the test to reach `alpha`).
        samples: how many values the base's and the current sample hold.
        base_unit: the base's unit, when it has a base.
    """

    benchmark: str
    measure: str
    unit: str
    direction: Direction
    verdict: Verdict
    current: float
    base: float | None = None
    change: float | None = None
    threshold: float = 0.10
    p_value: float | None = None
    samples: tuple[int, int] = (0, 0)
    base_unit: str | None = None

    @property
    def key(self) -> str:
        """The series' identity, as `Series.key` (`parse/small::time`)."""
        return f"{self.benchmark}::{self.measure}"


def threshold_for(config: BenchmarksConfig, series: Series) -> float:
    """The regression threshold of a series: the first entry of `config.thresholds` whose
    name or glob matches the benchmark's name or its key (`parse/*`, `parse/*::memory`),
    as `directions` does; else `config.threshold`.

    Args:
        config: the `benchmarks` section.
        series: the series.
    """
    found = matching(config.thresholds, series)
    return config.threshold if found is None else found


def matching(values: Mapping[str, float], series: Series) -> float | None:
    """The value of the first entry of `values` (per-benchmark `thresholds`, `targets`)
    whose name or glob matches the benchmark's name or its key (`parse/*`,
    `parse/*::memory`); None when none does.

    Args:
        values: benchmark name or glob → value.
        series: the series.
    """
    for pattern, value in values.items():
        if fnmatchcase(series.benchmark, pattern) or fnmatchcase(series.key, pattern):
            return float(value)
    return None


def _pool(series: Sequence[Series]) -> dict[str, Series]:
    """The series by key, the points of a key seen twice (several result files) together."""
    pooled: dict[str, Series] = {}
    for one in series:
        before = pooled.get(one.key)
        pooled[one.key] = (
            one if before is None else replace(before, points=(*before.points, *one.points))
        )
    return pooled


def _sample(points: Sequence[Point]) -> list[float]:
    """The samples of the points that have some (the history keeps them on its newest
    runs only), else the points' values."""
    pooled = [s for p in points for s in p.samples]
    return pooled or [p.value for p in points]


def select_base(
    config: BenchmarksConfig, history: Sequence[Series], version: str | None = None
) -> tuple[list[Series], str]:
    """The base of the check: each series of the history with only its base's points, and
    a description of what the base is, for the messages.

    `branch` keeps each series' last `base_runs` points (the history is recorded on the
    base branch). `release` keeps the last `base_runs` points of the last version before
    `version` (a series with no such point has no base). `auto` is `release` when a
    release is built (`version` set), falling back to `branch` for a series without a
    release, and `branch` otherwise.

    Args:
        config: the `benchmarks` section.
        history: the history's series, points oldest first.
        version: the version being built, or None.
    """
    runs = max(config.base_runs, 1)
    release = config.base == "release" or (config.base == "auto" and version is not None)
    chosen: list[Series] = []
    versions: set[str] = set()
    longest = 0  # the most runs a series taken from the branch's last runs has
    for series in history:
        points = series.points
        olds = (p.version for p in reversed(points) if p.version not in (None, version))
        last = next(olds, None) if release else None
        if last is not None:
            versions.add(last)
            points = tuple(p for p in points if p.version == last)
        elif release and config.base == "release":
            points = ()
        else:
            longest = max(longest, min(len(points), runs))
        if points:
            chosen.append(replace(series, points=points[-runs:]))
    branch = (
        "the last run of the history"
        if min(runs, longest or runs) == 1
        else f"the last {min(runs, longest or runs)} runs of the history"
    )
    if not versions:
        return chosen, branch if not release or longest else "the last release"
    text = f"release {next(iter(versions))}" if len(versions) == 1 else "the last release"
    return chosen, f"{text} (else {branch})" if longest else text


def compare(
    config: BenchmarksConfig, current: Sequence[Series], base: Sequence[Series]
) -> list[Comparison]:
    """Each current series (several of one key pooled) against the base of the same key.

    A base point of the commit being checked (recorded before the check ran) is left out.

    Args:
        config: the `benchmarks` section: thresholds, alpha.
        current: the series of the current results.
        base: the base's series (see `select_base`).
    """
    bases = _pool(base)
    out: list[Comparison] = []
    for key, series in _pool(current).items():
        direction = series.direction  # the reader applied `directions` where it may
        threshold = threshold_for(config, series)
        now = _sample(series.points)
        head = Comparison(
            series.benchmark,
            series.measure,
            series.unit,
            direction,
            "no base",
            stats.median(now) if now else math.nan,
            threshold=threshold,
        )
        before = bases.get(key)
        commits = {p.commit for p in series.points if p.commit}
        points = [p for p in before.points if p.commit not in commits] if before else []
        if before is None or not points or not now:
            out.append(head)
            continue
        if before.unit != series.unit:
            out.append(replace(head, verdict="units differ", base_unit=before.unit))
            continue
        out.append(_weigh(config, head, _sample(points), now, before.unit))
    return out


def _weigh(
    config: BenchmarksConfig, head: Comparison, then: list[float], now: list[float], unit: str
) -> Comparison:
    """The verdict on one series with a base of the same unit."""
    # The medians' change decides (the other effect sizes of `stats.effect` cost more).
    base = stats.median(then)
    change = stats.relative_change(base, head.current)
    p_value = None
    if stats.smallest_p(len(then), len(now)) < config.alpha:
        p_value = stats.mann_whitney_u(then, now).p_value
    worse = change if head.direction == "smaller" else -change
    significant = p_value is None or p_value < config.alpha
    verdict: Verdict = "unchanged"
    if significant and worse >= head.threshold:
        verdict = "regressed"
    elif significant and -worse >= head.threshold:
        verdict = "improved"
    return replace(
        head,
        verdict=verdict,
        base=base,
        change=change,
        p_value=p_value,
        samples=(len(then), len(now)),
        base_unit=unit,
    )


_SCALES = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def _number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _value(value: float, unit: str) -> str:
    """`12.3 ms`: a time in seconds in the unit that reads best; other units as they are."""
    if unit == "s" and value:
        scale, name = next((s for s in _SCALES if abs(value) >= s[0]), _SCALES[-1])
        return f"{_number(value / scale)} {name}"
    return f"{_number(value)} {unit}".rstrip()


def _change(c: Comparison) -> str:
    """`31.2 % slower`, `30.0 % lower throughput`."""
    assert c.change is not None
    size = "∞" if math.isinf(c.change) else f"{abs(c.change) * 100:.1f}"
    if c.measure == "time" and c.unit == "s":
        return f"{size} % {'slower' if c.change > 0 else 'faster'}"
    return f"{size} % {'higher' if c.change > 0 else 'lower'} {c.measure}"


def describe(c: Comparison, alpha: float) -> str:
    """The message of a compared series: the benchmark, the change and the confidence.

    `'parse/small' is 31.2 % slower: 12.3 ms → 16.1 ms (p = 0.00012, Mann-Whitney U on
    30 and 30 values; threshold 10 %)`.

    Args:
        c: a comparison with a base (`change` set).
        alpha: the significance level, named when the test did not run.
    """
    assert c.base is not None
    if c.p_value is not None:
        p = "p < 0.0001" if c.p_value < 1e-4 else f"p = {c.p_value:.2g}"
        confidence = f"{p}, Mann-Whitney U on {c.samples[0]} and {c.samples[1]} values"
    elif c.samples[0] > 1 and c.samples[1] > 1:
        confidence = (
            f"ratio only: {c.samples[0]} and {c.samples[1]} values are too few for the test "
            f"to reach alpha {alpha:g}"
        )
    else:
        confidence = "ratio only, no samples"
    return (
        f"'{c.benchmark}' is {_change(c)}: {_value(c.base, c.unit)} → "
        f"{_value(c.current, c.unit)} ({confidence}; threshold {c.threshold * 100:g} %)"
    )


def _names(comparisons: Sequence[Comparison], shown: int = 3) -> str:
    names = [f"'{c.benchmark}'" for c in comparisons[:shown]]
    more = len(comparisons) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def findings(
    config: BenchmarksConfig,
    comparisons: Sequence[Comparison],
    locations: Mapping[str, Location],
    base: str,
) -> list[Diagnostic]:
    """The diagnostics of a check: an error per regression (DG030), a warning per result
    file whose units differ from the base's (DG031), one note for the series without a
    base (DG032) and, when nothing regressed, one note of what was compared (DG033).

    Args:
        config: the `benchmarks` section.
        comparisons: what `compare` returned.
        locations: a series' key → where it was read (the result file and the line of
            the benchmark in it); a series missing here is reported without a place.
        base: what the base is (`select_base`'s description).
    """
    out: list[Diagnostic] = []
    hint = (
        "if the change is intended, raise this benchmark's threshold (`thresholds:` in the "
        "`benchmarks` section), or record the new figures on the base branch "
        "(`docgen bench record`)"
    )
    regressed = [c for c in comparisons if c.verdict == "regressed"]
    for c in regressed:
        message = f"{describe(c, config.alpha)}, against {base}"
        out.append(
            Diagnostic("DG030", Severity.ERROR, message, locations.get(c.key), hint, stage=STAGE)
        )
    mismatched: dict[str, list[Comparison]] = {}
    for c in comparisons:
        if c.verdict == "units differ":
            where = locations.get(c.key)
            mismatched.setdefault(where.path if where else "", []).append(c)
    for path, group in mismatched.items():
        first = group[0]
        out.append(
            Diagnostic(
                "DG031",
                Severity.WARNING,
                f"{plural(len(group), 'benchmark')} not compared: the unit differs from the "
                f"base's ({_names(group)}: {first.unit!r}, the base {first.base_unit!r})",
                locations.get(first.key) if path else None,
                "a unit changes when a result format or its settings change: record a run "
                "with the new unit on the base branch (`docgen bench record`)",
                stage=STAGE,
            )
        )
    missing = [c for c in comparisons if c.verdict == "no base"]
    if missing:
        out.append(
            Diagnostic(
                "DG032",
                Severity.INFO,
                f"{plural(len(missing), 'benchmark')} of {len(comparisons)} without a base in "
                f"the history, not compared: {_names(missing)}",
                None,
                "record the results on the base branch (`docgen bench record`): the next "
                "check compares with them (runs of the commit being checked are no base)",
                stage=STAGE,
            )
        )
    compared = [c for c in comparisons if c.verdict in ("regressed", "improved", "unchanged")]
    if compared and not regressed:
        improved = sum(c.verdict == "improved" for c in compared)
        better = f", {improved} improved" if improved else ""
        out.append(
            Diagnostic(
                "DG033",
                Severity.INFO,
                f"{plural(len(compared), 'benchmark')} compared with {base}: none "
                f"regressed{better}",
                stage=STAGE,
            )
        )
    return out


def locate(root: Path, file: str, benchmark: str, texts: dict[str, str] | None = None) -> Location:
    """Where `benchmark` was read: `file` (relative to `root`) and the first line that
    names it (quoted first, as JSON writes it; else by the last `/` part of its name), or
    the file alone when none does.

    Args:
        root: the project root.
        file: the result file, relative to `root`.
        benchmark: the benchmark's name.
        texts: file → its text, read once per file across calls.
    """
    texts = {} if texts is None else texts
    if file not in texts:
        try:
            texts[file] = (root / file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            texts[file] = ""
    text = texts[file]
    last = benchmark.rsplit("/", 1)[-1]  # a name the format writes in parts (criterion, go)
    for name in (f'"{benchmark}"', benchmark, f'"{last}"', last):
        at = text.find(name)
        if at >= 0:
            return Location(file, text.count("\n", 0, at) + 1)
    return Location(file, None)


def _line(text: str, key: str) -> int | None:
    """The line of the config file's text where `key:` is first set after `benchmarks:`."""
    start = re.search(r"^\s*benchmarks\s*:", text, re.MULTILINE)
    found = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", re.MULTILINE).search(
        text, start.end() if start else 0
    )
    return text.count("\n", 0, found.start()) + 1 if found else None


def problems(config: BenchmarksConfig, file: str | None = None, text: str = "") -> list[Diagnostic]:
    """Settings of the check out of range (DG034), each one warning; the check goes on with
    the default in its place (see `usable`).

    Args:
        config: the `benchmarks` section.
        file: the config file, relative to the project root, to name in each warning.
        text: the config file's text, to find the line of each setting in.
    """
    fraction = "a fraction of 0 or more (0.10 is 10 %)"
    bad: list[tuple[str, str, object, str]] = []
    if not 0 < config.alpha < 1:
        bad.append(("alpha", "alpha", config.alpha, "a significance level between 0 and 1"))
    if not _fraction(config.threshold):
        bad.append(("threshold", "threshold", config.threshold, fraction))
    for name, value in config.thresholds.items():
        if not _fraction(value):
            bad.append((f"thresholds: {name}", name, value, fraction))
    if config.base_runs < 1:
        bad.append(("base_runs", "base_runs", config.base_runs, "a number of runs, 1 or more"))
    return [
        Diagnostic(
            "DG034",
            Severity.WARNING,
            f"benchmarks '{setting}' is {value!r}: the regression check uses "
            f"{'no threshold of its own' if setting.startswith('thresholds') else 'the default'}"
            " instead",
            Location(file, _line(text, key)) if file else None,
            f"set it to {expected}",
            stage=STAGE,
        )
        for setting, key, value, expected in bad
    ]


def _fraction(value: float) -> bool:
    return math.isfinite(value) and value >= 0


def usable(config: BenchmarksConfig) -> BenchmarksConfig:
    """The section with each setting `problems` reports replaced by its default (a bad
    entry of `thresholds` dropped).

    Args:
        config: the `benchmarks` section as written.
    """
    default = BenchmarksConfig()
    return replace(
        config,
        alpha=config.alpha if 0 < config.alpha < 1 else default.alpha,
        threshold=config.threshold if _fraction(config.threshold) else default.threshold,
        thresholds={k: v for k, v in config.thresholds.items() if _fraction(v)},
        base_runs=max(config.base_runs, 1),
    )


def run(config: DocgenConfig) -> StageResult:
    """The regression check of the project: its current results (`results:`) against the
    base from its history. What cannot be read in either is reported once, by the stage's
    `generate` (which reads both for the pages), not again here.

    Without `results:` globs, or when they match no readable result, the history is not
    read: no file beyond the results, no git call.

    Args:
        config: the project's config; `version` (the release being built) picks the base
            under `base: auto`.
    """
    from docgen.benchmarks import history, results  # noqa: PLC0415 - only a check with results

    settings = config.benchmarks
    if settings is None or not settings.results:
        return StageResult(STAGE)
    read = results.read(config)
    found: list[Diagnostic] = []
    if not read.runs:
        return StageResult(STAGE)
    file = config.site_config
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found += problems(settings, config.relative(file), text)
    settings = usable(settings)
    past, _unreadable = history.load(config)  # reported by `generate`
    base, described = select_base(settings, past.series, config.version)
    files: dict[str, str] = {}
    for one in read.runs:
        for series in one.series:
            files.setdefault(series.key, one.file)
    comparisons = compare(settings, [s for one in read.runs for s in one.series], base)
    texts: dict[str, str] = {}
    locations = {
        c.key: locate(config.root, files[c.key], c.benchmark, texts)
        for c in comparisons
        if c.verdict in ("regressed", "units differ") and c.key in files
    }
    found += findings(settings, comparisons, locations, described)
    verdicts = [c.verdict for c in comparisons]
    summary = {
        "compared": sum(v in ("regressed", "improved", "unchanged") for v in verdicts),
        "regressed": verdicts.count("regressed"),
        "improved": verdicts.count("improved"),
        "base": described,
    }
    return StageResult(STAGE, diagnostics=tuple(found), summary=summary)
