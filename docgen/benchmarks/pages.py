"""The Performance section: an overview and a page per group of benchmarks.

`pages(config, history, current)` joins each series of the history with this build's
results (the history's points, then the current run's, unless the history already holds
that commit) and writes:

- `benchmarks/index.md`: a table of every benchmark with its latest value, the change
  against the base (the median of the `base_runs` runs before the latest, as the
  regression check pools them) and against the previous release, and a sparkline; the step changes
  found; a table comparing releases (benchmarks × versions) when the history has any;
- `benchmarks/<group>.md`: for each benchmark of the group, a chart over runs, its step
  changes listed with their commit, and a chart over releases when there are two or more.

Every string from a result file is escaped for where it lands (`docgen.escape`); heading
anchors are generated (`{ #parse-small }`), never taken as written. A page's `source` is
the result file its first benchmark was read from (or the history file), and `lines`
gives each benchmark's heading the line of its result file that names it.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.benchmarks import charts
from docgen.benchmarks.model import Point, Run, Series
from docgen.benchmarks.regressions import locate, matching, threshold_for
from docgen.benchmarks.steps import Step, steps
from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.escape import code
from docgen.escape import markdown as escape
from docgen.model import Page

__all__ = [
    "FOLDER",
    "STYLESHEET",
    "STYLESHEET_FILE",
    "Shown",
    "empty",
    "pages",
    "shown",
    "sources",
]

FOLDER = "benchmarks"
"""The folder of the generated pages, in the docs (`benchmarks/index.md`)."""
STYLESHEET = "css/docgen-benchmarks.css"
"""The charts' few styles (sizes, hover), in the site."""
STYLESHEET_FILE = Path(__file__).with_name("docgen-benchmarks.css")
"""That stylesheet, in docgen's package."""
_RELEASE_COLUMNS = 6  # the releases the comparison table shows: the latest ones


def _target(settings: BenchmarksConfig, series: Series) -> float | None:
    return matching(settings.targets, series)


@dataclass(frozen=True, slots=True)
class Shown:
    """One benchmark's measure as the pages show it.

    Attributes:
        series: the history's points and then the current run's, oldest first.
        current: how many of the last points are this build's results.
        steps: the step changes found in `series`.
        releases: each release with its point (its last run), oldest first.
        target: the target value, when `targets` sets one.
        source: the result file the series was read from, and the line naming it.
        base_runs: how many runs before the latest make its base (`base_runs`, as the
            regression check pools them).
    """

    series: Series
    current: int
    steps: tuple[Step, ...]
    releases: tuple[tuple[str, Point], ...]
    target: float | None
    source: tuple[str, int] | None
    base_runs: int = 5

    @property
    def latest(self) -> Point:
        """The newest point."""
        return self.series.points[-1]

    @property
    def base(self) -> Point | None:
        """What the latest is compared with, as the regression check does: the median of
        the `base_runs` runs before it (one run's noise is no change)."""
        before = [p.value for p in self.series.points[:-1][-self.base_runs :]]
        if not before:
            return None
        return Point(statistics.median(before))

    @property
    def previous_release(self) -> tuple[str, Point] | None:
        """The release before the latest point's own (or the last release, when the
        latest point is not one)."""
        version = self.latest.version
        earlier = [r for r in self.releases if r[0] != version]
        if version is not None and any(r[0] == version for r in self.releases):
            names = [r[0] for r in self.releases]
            earlier = list(self.releases[: names.index(version)])
        return earlier[-1] if earlier else None


def _releases(points: Iterable[Point]) -> tuple[tuple[str, Point], ...]:
    last: dict[str, Point] = {}
    for point in points:
        if point.version:
            last.pop(point.version, None)  # a release measured again moves to the end
            last[point.version] = point
    return tuple(last.items())


def shown(
    settings: BenchmarksConfig,
    history: Sequence[Series],
    current: Sequence[Series],
    sources: Mapping[str, tuple[str, int]] | None = None,
) -> list[Shown]:
    """Every series of `history` and `current`, joined by key, as the pages show them.

    Args:
        settings: the `benchmarks` section (thresholds, targets, `step_min_runs`).
        history: the recorded series, points oldest first.
        current: this build's results.
        sources: each series' key → its result file and line, when known.
    """
    sources = sources or {}
    joined: dict[str, tuple[Series, int]] = {s.key: (s, 0) for s in history}
    for series in current:
        if not series.points:
            continue
        before, _ = joined.get(series.key, (None, 0))
        known = {p.commit for p in before.points if p.commit} if before else set()
        new = tuple(p for p in series.points if not (p.commit and p.commit in known))
        if before is None:
            joined[series.key] = (series, len(new))
        else:
            joined[series.key] = (
                Series(
                    before.benchmark,
                    before.measure,
                    before.unit,
                    series.direction,
                    before.points + new,
                    series.group or before.group,
                ),
                len(new),
            )
    out = []
    for series, count in joined.values():
        if not series.points:
            continue
        out.append(
            Shown(
                series,
                count,
                steps(series, threshold_for(settings, series), settings.step_min_runs),
                _releases(series.points),
                _target(settings, series),
                sources.get(series.key),
                max(settings.base_runs, 1),
            )
        )
    return sorted(out, key=lambda s: (s.series.group == "", s.series.group, s.series.key))


def sources(config: DocgenConfig, runs: Sequence[Run]) -> dict[str, tuple[str, int]]:
    """Each series' key → the result file it was read from and the first line naming its
    benchmark: as a JSON string, else as text, else by its last `/` part; line 1 when no
    line does (a criterion tree).

    Args:
        config: the project's config; run files are relative to its root.
        runs: the result files read.
    """
    out: dict[str, tuple[str, int]] = {}
    texts: dict[str, str] = {}  # each file read once
    for run in runs:
        for series in run.series:
            where = locate(config.root, run.file, series.benchmark, texts)
            out[series.key] = (run.file, where.line or 1)
    return out


# -- words -----------------------------------------------------------------------------


def _slug(text: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "benchmark"
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _change(before: float, after: float, series: Series, limit: float, against: str = "") -> str:
    """`+12.3 % worse` (or `better`, by the series' direction, past `limit`)."""
    if not (math.isfinite(before) and math.isfinite(after)) or before == 0:
        return "—"
    change = (after - before) / abs(before)
    text = f"{change * 100:+.1f} %".replace("-", "−")
    if abs(change) >= limit:
        worse = (change > 0) == (series.direction == "smaller")
        text = f"**{text} {'worse' if worse else 'better'}**"
    return f"{text} vs {against}" if against else text


def _name(entry: Shown, several: set[str]) -> str:
    """The benchmark's name, with its measure when it has more than one."""
    series = entry.series
    if series.benchmark in several:
        return f"{series.benchmark} ({series.measure})"
    return series.benchmark


def _when(point: Point) -> str:
    """A run's date and release, for a table cell."""
    facts = []
    if point.date:
        facts.append(escape(point.date[:10]))
    if point.version:
        facts.append(f"release {escape(point.version)}")
    return ", ".join(facts)


def _run(point: Point) -> str:
    """A run's commit, date and release, for prose."""
    facts = [code(point.commit[:7])] if point.commit else []
    return ", ".join([*facts, _when(point)] if _when(point) else facts)


def _better(series: Series) -> str:
    return "smaller is better" if series.direction == "smaller" else "bigger is better"


# -- pages -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Group:
    title: str
    path: str
    entries: tuple[Shown, ...]
    anchors: tuple[str, ...]


def _groups(entries: Sequence[Shown]) -> list[_Group]:
    names = list(dict.fromkeys(e.series.group for e in entries))
    taken = {"index"}
    out = []
    for name in names:
        members = tuple(e for e in entries if e.series.group == name)
        title = name or ("Other benchmarks" if len(names) > 1 else "All benchmarks")
        path = f"{FOLDER}/{_slug(name or 'other', taken)}.md"
        ids: set[str] = {"step-changes", "releases"}
        anchors = tuple(_slug(e.series.key.replace("::time", ""), ids) for e in members)
        out.append(_Group(title, path, members, anchors))
    return out


def _period(entries: Sequence[Shown]) -> str:
    dates = sorted(p.date[:10] for e in entries for p in e.series.points if p.date)
    runs = max(len(e.series.points) for e in entries)
    span = f" from {dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else ""
    return f"{runs} run{'s' if runs != 1 else ''}{span}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _overview(settings: BenchmarksConfig, groups: Sequence[_Group], several: set[str]) -> str:
    entries = [e for g in groups for e in g.entries]
    window = _plural(max(settings.base_runs, 1), "run")
    out = [
        f"# {escape(settings.section)}",
        "",
        f"{_plural(len(entries), 'benchmark')} in {_plural(len(groups), 'group')},"
        f" {_period(entries)}. The base is the median of the {window}"
        " before the latest, as the regression check takes it; a change of"
        f" {settings.threshold * 100:g} % or more (or a benchmark's own threshold) is in bold.",
        "",
        "| Benchmark | Latest | Change vs base | Change vs previous release | Trend |",
        "|---|---|---|---|---|",
    ]
    for group in groups:
        page = group.path.removeprefix(f"{FOLDER}/")
        for entry, anchor in zip(group.entries, group.anchors, strict=True):
            series, latest = entry.series, entry.latest
            limit = threshold_for(settings, series)
            base, release = entry.base, entry.previous_release
            against_base = _change(base.value, latest.value, series, limit) if base else "—"
            against_release = (
                _change(release[1].value, latest.value, series, limit, escape(release[0]))
                if release
                else "—"
            )
            out.append(
                f"| [{escape(_name(entry, several))}]({page}#{anchor})"
                f" | {charts.show(latest.value, series.unit)}"
                f" | {against_base} | {against_release}"
                f" | {charts.sparkline([p.value for p in series.points])} |"
            )
    out.append("")
    found = [
        (group, entry, anchor, step)
        for group in groups
        for entry, anchor in zip(group.entries, group.anchors, strict=True)
        for step in entry.steps
    ]
    out += ["## Step changes", ""]
    if found:
        out += [
            "Where a benchmark's level moved and stayed: the first run at the new level.",
            "",
            "| Benchmark | Commit | Run | Change |",
            "|---|---|---|---|",
        ]
        for group, entry, anchor, step in found:
            page = group.path.removeprefix(f"{FOLDER}/")
            point = entry.series.points[step.index]
            limit = threshold_for(settings, entry.series)
            out.append(
                f"| [{escape(_name(entry, several))}]({page}#{anchor})"
                f" | {code(step.commit[:7]) if step.commit else '—'}"
                f" | run {step.index + 1}{', ' + _when(point) if _when(point) else ''}"
                f" | {_change(step.before, step.after, entry.series, limit)} |"
            )
    else:
        out.append("No benchmark changed its level in the history.")
    out.append("")
    out += _release_table(settings, groups, several)
    return "\n".join(out)


def _release_table(
    settings: BenchmarksConfig, groups: Sequence[_Group], several: set[str]
) -> list[str]:
    order: dict[str, None] = {}
    for group in groups:
        for entry in group.entries:
            order.update(dict.fromkeys(name for name, _ in entry.releases))
    if not order:
        return []
    versions = list(order)[-_RELEASE_COLUMNS:]
    out = [
        "## Releases",
        "",
        "Each benchmark's last run of each release"
        + (f" (the latest {len(versions)} of {len(order)})" if len(order) > len(versions) else "")
        + "; the last column compares the last two.",
        "",
        "| Benchmark | " + " | ".join(escape(v) for v in versions) + " | Change |",
        "|---|" + "---|" * (len(versions) + 1),
    ]
    for group in groups:
        page = group.path.removeprefix(f"{FOLDER}/")
        for entry, anchor in zip(group.entries, group.anchors, strict=True):
            if not entry.releases:
                continue
            values = dict(entry.releases)
            series = entry.series
            chosen = charts.scale(series.unit, [p.value for p in values.values()])
            cells = [
                charts.show(values[v].value, series.unit, chosen) if v in values else "—"
                for v in versions
            ]
            ordered = [values[v].value for v in order if v in values]
            change = (
                _change(ordered[-2], ordered[-1], series, threshold_for(settings, series))
                if len(ordered) > 1
                else "—"
            )
            out.append(
                f"| [{escape(_name(entry, several))}]({page}#{anchor}) | "
                + " | ".join(cells)
                + f" | {change} |"
            )
    return [*out, ""]


def _figure(svg: str) -> list[str]:
    # Raw HTML, one block: no blank line inside, or Markdown would end the block there.
    return ['<figure class="docgen-chart">', svg, "</figure>", ""]


def _section(settings: BenchmarksConfig, entry: Shown, anchor: str, title: str) -> list[str]:
    series, latest = entry.series, entry.latest
    limit = threshold_for(settings, series)
    out = [f"## {escape(title)} {{ #{anchor} }}", ""]
    label = f"{title}: {series.measure} over {len(series.points)} runs"
    out += _figure(charts.chart(series.points, series.unit, label, entry.steps, entry.target))
    facts = [f"Latest: **{charts.show(latest.value, series.unit)}**"]
    run = _run(latest)
    facts[0] += f" ({run})" if run else ""
    if entry.target is not None:
        facts.append(f"target {charts.show(entry.target, series.unit)}")
    facts.append(_better(series))
    if series.measure != "time" or series.unit != "s":
        unit = f" in {code(series.unit)}" if series.unit else ""  # a ratio has no unit
        facts.append(f"measure {code(series.measure)}{unit}")
    out += ["; ".join(facts) + ".", ""]
    if entry.steps:
        out += [
            "| Step | Commit | Run | Before | After | Change |",
            "|---|---|---|---|---|---|",
        ]
        chosen = charts.scale(series.unit, [p.value for p in series.points])
        for number, step in enumerate(entry.steps, 1):
            point = series.points[step.index]
            out.append(
                f"| {number} | {code(step.commit[:7]) if step.commit else '—'}"
                f" | run {step.index + 1}{', ' + _when(point) if _when(point) else ''}"
                f" | {charts.show(step.before, series.unit, chosen)}"
                f" | {charts.show(step.after, series.unit, chosen)}"
                f" | {_change(step.before, step.after, series, limit)} |"
            )
        out.append("")
    else:
        out += ["No step change: the level has held over these runs.", ""]
    if len(entry.releases) > 1:
        out += [f"### {escape(title)} by release {{ #{anchor}-releases }}", ""]
        out += _figure(
            charts.release_chart(
                entry.releases, series.unit, f"{title}: {series.measure} by release", entry.target
            )
        )
    return out


def _group_page(settings: BenchmarksConfig, group: _Group, several: set[str]) -> str:
    entries = group.entries
    out = [
        f"# {escape(group.title)}",
        "",
        f"{_plural(len(entries), 'benchmark')}, {_period(entries)}. Each chart shows a"
        " benchmark over its runs, oldest on the left; hover over a run to see its commit,"
        " date and value. A dotted vertical line marks a step change.",
        "",
    ]
    for entry, anchor in zip(entries, group.anchors, strict=True):
        out += _section(settings, entry, anchor, _name(entry, several))
    return "\n".join(out).rstrip("\n") + "\n"


def empty(config: DocgenConfig) -> Page:
    """The overview of a project whose benchmarks are configured but never recorded: what
    to run to fill it.

    Args:
        config: the project's config; its `benchmarks` section names the result files.
    """
    settings = config.benchmarks or BenchmarksConfig()
    globs = ", ".join(code(glob) for glob in settings.results)
    text = (
        f"# {escape(settings.section)}\n\n"
        "No benchmark run is recorded yet, and no result file is here "
        f"({globs}).\n\n"
        "Run the benchmarks to write the result files, then record each run into the "
        "history with `docgen bench record FILE...` (`--push` keeps the history on the "
        "Pages branch, as CI does). Each benchmark then gets its chart here.\n"
    )
    return Page(f"{FOLDER}/index.md", "Overview", text, (settings.section,), None)


def pages(
    config: DocgenConfig,
    history: Sequence[Series],
    current: Sequence[Series],
    sources: Mapping[str, tuple[str, int]] | None = None,
) -> tuple[Page, ...]:
    """The Performance section: an overview and a page per group; none without series.

    Args:
        config: the project's config; its `benchmarks` section must be set.
        history: the recorded series, points oldest first.
        current: this build's results.
        sources: each series' key → its result file (relative to the project root) and
            the line naming it; a page without one names the history file.
    """
    settings = config.benchmarks or BenchmarksConfig()
    entries = shown(settings, history, current, sources)
    if not entries:
        return ()
    groups = _groups(entries)
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.series.benchmark] = counts.get(entry.series.benchmark, 0) + 1
    several = {name for name, count in counts.items() if count > 1}
    nav = (settings.section,)
    # The history may be the Pages branch's: name the local file only when it is one.
    history_file = (
        settings.history if history and (config.root / settings.history).is_file() else None
    )

    def source(members: Sequence[Shown]) -> str | None:
        return next((e.source[0] for e in members if e.source), history_file)

    out = [
        Page(
            f"{FOLDER}/index.md",
            "Overview",
            _overview(settings, groups, several).rstrip("\n") + "\n",
            nav,
            source(entries),
        )
    ]
    for group in groups:
        page_source = source(group.entries)
        lines = tuple(
            (anchor, entry.source[1])
            for entry, anchor in zip(group.entries, group.anchors, strict=True)
            if entry.source and entry.source[0] == page_source
        )
        out.append(
            Page(
                group.path,
                group.title,
                _group_page(settings, group, several),
                nav,
                page_source,
                lines,
            )
        )
    return tuple(out)
