"""The Performance pages and their charts: history and results in, Markdown and SVG out.

The golden cases build a real project in a temporary folder: a history file written by
`docgen.benchmarks.history` (60 runs, a step, two releases) and a pytest-benchmark JSON
of the current run, then run the stage's `generate`; or, for inputs no reader would let
through (NaN, one point, names full of Markdown), call `pages` on hand-built series. Each
compares every page with `tests/golden/benchmarks/<case>/`.

Regenerate after an intended change, then review the diff by eye:

    DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_benchmarks_pages.py -q -p no:cacheprovider
"""

# ruff: noqa: S311 - seeded noise for reproducible series, nothing secret

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import markdown
import pytest
from conftest import ARTIFACTS, CHROMIUM_ARGS

from docgen import cli
from docgen.benchmarks import charts, generate, history
from docgen.benchmarks.model import Point, Run, Series
from docgen.benchmarks.pages import pages, shown, sources
from docgen.benchmarks.steps import Step
from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.diagnostics import render_text

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "benchmarks"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"
HOW = "DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_benchmarks_pages.py -q -p no:cacheprovider"
SVG = "{http://www.w3.org/2000/svg}"


def _commit(number: int) -> str:
    return hashlib.sha256(str(number).encode()).hexdigest()


def _date(number: int) -> str:
    start = datetime(2026, 9, 1, 12, tzinfo=UTC)
    return (start + timedelta(days=number)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _config(root: Path, **settings: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        benchmarks=BenchmarksConfig(**settings),  # type: ignore[arg-type]
    )


def _levels(number: int, rng: random.Random) -> dict[tuple[str, str], float]:
    """Each benchmark's value in run `number`: parse/small 30 % slower from run 31 on."""
    jitter = 1 + rng.uniform(-0.02, 0.02)
    return {
        ("parse", "parse/small"): 1.2e-3 * (1.3 if number >= 31 else 1.0) * jitter,
        ("parse", "parse/large"): 0.84 * jitter,
        ("render", "render/page"): 45e-6 * (1 + rng.uniform(-0.02, 0.02)),
    }


def _run(values: dict[tuple[str, str], float]) -> Run:
    series = tuple(
        Series(name, "time", "s", "smaller", (Point(value),), group)
        for (group, name), value in values.items()
    )
    return Run("bench/results.json", "pytest-benchmark", series)


def _project(root: Path, runs: int = 60) -> DocgenConfig:
    """A project with a history of `runs` runs (releases 1.0.0 at run 20, 1.1.0 at run 45)
    and the current run's pytest-benchmark results."""
    rng = random.Random(17)
    recorded = history.History()
    for number in range(1, runs + 1):
        version = {20: "1.0.0", 45: "1.1.0"}.get(number)
        recorded = history.add(
            recorded,
            [_run(_levels(number, rng))],
            commit=_commit(number),
            version=version,
            date=_date(number),
            machine="ci",
            keep_runs=1000,
            keep_days=0,
        )
    history.write_file(root / ".docgen" / "benchmarks.history", recorded)
    current = _levels(runs + 1, rng)
    data = {
        "machine_info": {"node": "ci"},
        "commit_info": {"id": _commit(runs + 1)},
        "datetime": _date(runs + 1),
        "version": "5.1.0",
        "benchmarks": [
            {"group": group, "name": name, "fullname": f"tests/{name}", "stats": {"mean": value}}
            for (group, name), value in current.items()
        ],
    }
    (root / "bench").mkdir()
    (root / "bench" / "results.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return _config(root, results=("bench/*.json",), targets={"render/*": 50e-6})


def _odd_series() -> tuple[list[Series], list[Series]]:
    """What no reader lets through, and names that are Markdown and HTML."""
    many = tuple(Point(float(10**12 + i)) for i in range(300))
    return [
        Series(
            "only <one> run", "time", "s", "smaller", (Point(2.5, commit="a" * 40),), "odd|group"
        ),
        Series("zeros", "time", "s", "smaller", tuple(Point(0.0) for _ in range(12)), "odd|group"),
        Series("neg*ative*", "delta", "ms", "bigger", tuple(Point(-1.0 - i) for i in range(8))),
        Series(
            "[not](a link) `code` <script>alert(1)</script>",
            "time",
            "s",
            "smaller",
            (Point(1.0), Point(math.nan), Point(math.inf), Point(1.1)),
        ),
        Series("huge", "allocations", "allocations", "smaller", many, "odd|group"),
        Series("memory", "memory", "B", "smaller", (Point(3e6), Point(3.1e6))),
    ], [Series("memory", "memory", "B", "smaller", (Point(2.9e9, version="2.0"),))]


def _case(name: str, tmp_path: Path) -> dict[str, str]:
    if name == "history":
        config = _project(tmp_path)
        result = generate(config)
        files = {page.path: page.markdown for page in result.pages}
        files["pages.txt"] = "".join(
            f"{p.path}: {p.title!r} nav={p.nav} source={p.source} lines={p.lines}\n"
            for p in result.pages
        )
        files["diagnostics.txt"] = render_text(result.diagnostics)
        return files
    recorded, current = _odd_series()
    made = pages(_config(tmp_path), recorded, current)
    return {page.path: page.markdown for page in made}


@pytest.mark.parametrize("case", ["history", "odd"])
def test_golden_pages(case: str, tmp_path: Path) -> None:
    made = _case(case, tmp_path)
    expected_dir = GOLDEN / case
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, text in made.items():
            path = expected_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    expected = {
        path.relative_to(expected_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(expected_dir.rglob("*"))
        if path.is_file()
    }
    assert sorted(made) == sorted(expected), f"pages differ; to update run: {HOW}"
    for name, text in made.items():
        assert text == expected[name], f"{case}/{name} differs from its golden; if intended: {HOW}"


# -- the stage ---------------------------------------------------------------------------


def test_the_stage_makes_the_section_watches_its_files_and_ships_its_styles(
    tmp_path: Path,
) -> None:
    config = _project(tmp_path)
    result = generate(config)
    assert [p.path for p in result.pages] == [
        "benchmarks/index.md",
        "benchmarks/parse.md",
        "benchmarks/render.md",
    ]
    assert {p.nav for p in result.pages} == {("Performance",)}
    assert result.diagnostics == ()
    assert tmp_path / ".docgen" / "benchmarks.history" in result.watch
    assert tmp_path / "bench" / "results.json" in result.watch
    assert tmp_path / "bench" in result.watch  # where `bench/*.json` starts: new files too
    (css,) = result.extra_css
    (asset,) = result.assets
    assert asset.dest == css
    assert asset.source.is_file()
    parse = result.pages[1]
    assert parse.source == "bench/results.json"
    assert dict(parse.lines) == {"parse-large": 21, "parse-small": 13}  # the lines naming them
    assert "**+30." in parse.markdown  # the step, in the table under the chart
    assert _commit(31)[:7] in parse.markdown


def test_no_history_and_no_results_make_no_pages(tmp_path: Path) -> None:
    result = generate(_config(tmp_path))
    assert result.pages == ()
    assert result.assets == ()
    assert result.extra_css == ()
    assert result.diagnostics == ()


def test_results_without_a_history_make_the_pages(tmp_path: Path) -> None:
    config = _project(tmp_path)
    (tmp_path / ".docgen" / "benchmarks.history").unlink()
    result = generate(config)
    index = result.pages[0]
    assert index.source == "bench/results.json"
    assert "3 benchmarks in 2 groups, 1 run." in index.markdown
    assert "No benchmark changed its level" in index.markdown
    assert "## Releases" not in index.markdown


def test_a_malformed_result_file_is_its_diagnostic_and_the_history_still_shows(
    tmp_path: Path,
) -> None:
    config = _project(tmp_path)
    (tmp_path / "bench" / "results.json").write_text('{"benchmarks": [', encoding="utf-8")
    result = generate(config)
    assert [d.location.path for d in result.diagnostics if d.location] == ["bench/results.json"]
    assert len(result.pages) == 3
    assert result.pages[0].source == ".docgen/benchmarks.history"


def test_the_section_title_and_targets_come_from_the_config(tmp_path: Path) -> None:
    series = Series("a", "time", "s", "smaller", (Point(1.0), Point(1.1)))
    config = _config(tmp_path, section="Speed", targets={"a": 0.5})
    index, page = pages(config, [series], [])
    assert index.title == "Overview"
    assert index.nav == ("Speed",)
    assert index.markdown.startswith("# Speed")
    assert "target 500 ms" in page.markdown


def test_a_current_run_the_history_already_holds_is_not_counted_twice(tmp_path: Path) -> None:
    recorded = Series(
        "a", "time", "s", "smaller", (Point(1.0, commit="c1"), Point(1.0, commit="c2"))
    )
    again = Series("a", "time", "s", "smaller", (Point(1.0, commit="c2"),))
    new = Series("a", "time", "s", "smaller", (Point(1.5, commit="c3"),))
    settings = BenchmarksConfig()
    assert len(shown(settings, [recorded], [again])[0].series.points) == 2
    (entry,) = shown(settings, [recorded], [new])
    assert len(entry.series.points) == 3
    assert entry.current == 1
    assert entry.base is not None
    assert entry.base.value == 1.0


def test_the_base_is_the_median_of_the_runs_before_the_latest_as_the_check_pools_them() -> None:
    values = (1.0, 1.0, 1.0, 1.0, 2.0, 1.05)  # one run far off just before the latest
    series = Series("a", "time", "s", "smaller", tuple(Point(v) for v in values))
    (entry,) = shown(BenchmarksConfig(base_runs=5), [series], [])
    assert entry.base is not None
    assert entry.base.value == 1.0  # not 2.0: the latest is not "47 % better"
    (entry,) = shown(BenchmarksConfig(base_runs=1), [series], [])
    assert entry.base is not None
    assert entry.base.value == 2.0


def test_previous_release_is_the_one_before_the_latest_runs_own() -> None:
    points = (Point(1.0, version="1.0"), Point(2.0, version="1.1"), Point(3.0, version="1.2"))
    (entry,) = shown(BenchmarksConfig(), [Series("a", "time", "s", "smaller", points)], [])
    assert entry.previous_release == ("1.1", points[1])
    later = (*points, Point(4.0))
    (entry,) = shown(BenchmarksConfig(), [Series("a", "time", "s", "smaller", later)], [])
    assert entry.previous_release == ("1.2", points[2])


# -- the pages are valid Markdown and HTML -------------------------------------------------


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "toc"])


def test_pages_render_to_html_with_their_charts_and_anchors(tmp_path: Path) -> None:
    made = generate(_project(tmp_path)).pages
    index = _html(made[0].markdown)
    # Every row is a row: the sparkline's markup never breaks the table.
    assert index.count('<svg xmlns="http://www.w3.org/2000/svg" class="docgen-spark"') == 3
    anchors = set(re.findall(r'href="parse.md#([^"]+)"', index))
    parse = _html(made[1].markdown)
    assert anchors
    assert all(f'id="{a}"' in parse for a in anchors)
    assert parse.count("<figure") == 4  # two benchmarks, each over runs and by release
    # The raw SVG reaches the page as written: Markdown leaves it alone.
    assert "<em>" not in parse.split("<figure")[1].split("</figure>")[0]


def test_names_from_result_files_stay_text(tmp_path: Path) -> None:
    recorded, current = _odd_series()
    for page in pages(_config(tmp_path), recorded, current):
        html = _html(page.markdown)
        assert "<script>" not in html
        assert '<a href="a link">' not in html
        tables = re.findall(r"<table>.*?</table>", html, re.S)
        for table in tables:
            widths = {row.count("<td") for row in re.findall(r"<tr>.*?</tr>", table, re.S)[1:]}
            assert len(widths) <= 1, f"{page.path}: rows of different widths"


# -- charts ------------------------------------------------------------------------------


def _points(count: int, step_at: int | None = None) -> list[Point]:
    rng = random.Random(5)
    return [
        Point(
            1e-3
            * (1.3 if step_at is not None and i >= step_at else 1)
            * (1 + rng.uniform(-0.02, 0.02)),
            commit=_commit(i),
            date=_date(i),
            version="1.0" if i == 3 else None,
        )
        for i in range(count)
    ]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_chart_is_well_formed_svg_with_marker_target_and_tooltips() -> None:
    points = _points(40, step_at=25)
    step = Step(25, _commit(25), 1e-3, 1.3e-3, 0.3)
    root = _parse(charts.chart(points, "s", "parse/small: time", [step], target=1.2e-3))
    assert root.tag == f"{SVG}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert f"+30 % {_commit(25)[:7]}" in texts  # the step's label
    assert "target 1.20 ms" in texts
    assert "ms" in texts  # the unit, over the axis
    lines = list(root.iter(f"{SVG}line"))
    (marker,) = [line for line in lines if line.get("x1") == line.get("x2")]  # vertical
    assert marker.get("stroke-dasharray") == "3 3"
    dots = [float(c.get("cx") or 0) for c in root.iter(f"{SVG}circle")]
    assert len(dots) == 40
    assert dots[24] < float(marker.get("x1") or 0) < dots[25]  # between the runs either side
    assert any(line.get("stroke-dasharray") == "6 4" for line in lines)  # the target's
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert f"run 4 · {_commit(3)[:7]} · 2026-09-04 · 1.0\n" in "\n".join(titles)
    assert len(titles) == 1 + 40  # the chart's own, and one per run


def _x_texts(points: list[Point]) -> list[str]:
    root = _parse(charts.chart(points, "s", "x"))
    (axis,) = [g for g in root.iter(f"{SVG}g") if g.get("text-anchor") == "middle"]
    return ["".join(t.itertext()) for t in axis.iter(f"{SVG}text")]


def test_runs_of_one_day_are_told_apart_under_the_axis() -> None:
    # markdown-it-py's benchmarks, run four times in an afternoon: four "2026-12-03" said nothing.
    day = [Point(1.0, commit=c * 40, date=f"2026-12-03T15:4{i}:00Z") for i, c in enumerate("abcd")]
    assert _x_texts(day) == ["aaaaaaa", "bbbbbbb", "ccccccc", "ddddddd"]
    one_commit = [Point(1.0, commit="a" * 40, date=f"2026-12-03T15:4{i}:00Z") for i in range(3)]
    assert _x_texts(one_commit) == ["15:40", "15:41", "15:42"]  # within a day, the time
    two_days = [
        Point(1.0, commit="a" * 40, date=f"2026-12-0{d}T{t}:00Z")
        for d, t in (("3", "15:40"), ("3", "16:00"), ("4", "15:40"))
    ]
    assert _x_texts(two_days) == ["12-03 15:40", "12-03 16:00", "12-04 15:40"]
    days = [Point(1.0, commit="a" * 40, date=f"2026-12-0{i + 1}T15:40:00Z") for i in range(3)]
    assert _x_texts(days) == ["2026-12-01", "2026-12-02", "2026-12-03"]
    minute = [Point(1.0, commit="a" * 40, date=f"2026-12-03T15:43:0{i}Z") for i in range(3)]
    assert _x_texts(minute) == ["15:43:00", "15:43:01", "15:43:02"]
    assert _x_texts([Point(1.0), Point(2.0)]) == ["run 1", "run 2"]


def test_colours_are_the_themes_never_fixed() -> None:
    svg = charts.chart(_points(10), "s", "x", [Step(5, None, 1.0, 2.0, 1.0)], target=1e-3)
    svg += charts.release_chart([("1.0", Point(1.0)), ("1.1", Point(2.0))], "s", "x")
    svg += charts.sparkline([1.0, 2.0, 3.0])
    colours = re.findall(r'(?:fill|stroke|style)="([^"]*)"', svg)
    for colour in colours:
        assert colour in {"none", "currentColor"} or colour.startswith(
            ("stroke:var(--md-", "fill:var(--md-")
        ), colour
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", svg)


def test_a_long_history_has_bands_to_hover_not_a_title_per_run() -> None:
    svg = charts.chart(_points(1000), "s", "x")
    root = _parse(svg)
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 120
    assert "to run" in "".join(rects[0].itertext())
    assert list(root.iter(f"{SVG}circle")) == []  # no dots on a long history
    assert len(svg.encode()) < 40_000


@pytest.mark.parametrize(
    "values",
    [[], [2.0], [0.0, 0.0], [-3.0, -1.0, -2.0], [math.nan, math.inf, 1.0], [1e300, 1e-300]],
    ids=["none", "one", "zeros", "negative", "not-finite", "huge-range"],
)
def test_bad_values_still_make_a_chart(values: list[float]) -> None:
    points = [Point(v) for v in values]
    for svg in (
        charts.chart(points, "s", "x"),
        charts.release_chart([(str(i), p) for i, p in enumerate(points)], "B", "x"),
        charts.sparkline(values),
    ):
        root = _parse(svg)
        for element in root.iter():
            for value in element.attrib.values():
                assert not re.search("nan|inf", value, re.I), svg


def test_the_sparkline_fits_a_table_cell() -> None:
    svg = charts.sparkline([float(i % 7) for i in range(1000)])
    assert "\n" not in svg
    assert "|" not in svg
    assert len(svg.encode()) < 1200  # thinned to 50 points
    _parse(svg)


def test_labels_are_escaped_for_xml() -> None:
    root = _parse(charts.chart([Point(1.0)], "s", 'a <b> & "c"\x1b'))
    assert root.get("aria-label") == 'a <b> & "c"\ufffd'


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.234, "s", "1.23 s"),
        (1.234e-3, "s", "1.23 ms"),
        (45.6e-6, "s", "45.6 µs"),
        (12e-9, "s", "12.0 ns"),
        (1e-12, "s", "0.00100 ns"),
        (0.0, "s", "0 s"),
        (512, "B", "512 B"),
        (2.5e6, "B", "2.50 MB"),
        (1.66e8, "B/s", "166 MB/s"),
        (1_234_567, "ops/s", "1.23 M ops/s"),
        (12.5, "ops/s", "12.5 ops/s"),
        (-1.5e-3, "s", "−1.50 ms".replace("−", "-")),
        (1234.6, "widgets", "1,235 widgets"),
        (math.nan, "s", "n/a"),
    ],
)
def test_values_are_shown_in_a_unit_that_suits_them(value: float, unit: str, text: str) -> None:
    assert charts.show(value, unit) == text


def test_a_chart_uses_one_scale_for_all_its_values() -> None:
    assert charts.scale("s", [2e-3, 3e-3, 0.5]) == charts.Scale("ms", 1e-3)
    assert charts.scale("s", [math.nan]) == charts.Scale("s", 1.0)


def test_a_benchmark_is_found_on_its_own_line_not_inside_another_word(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{\n  "machine": "ab",\n  "name": "a"\n}\n', encoding="utf-8")
    run = Run("r.json", "bencher", (Series("a", "time", "s", "smaller", (Point(1.0),)),))
    assert sources(_config(tmp_path), [run]) == {"a::time": ("r.json", 3)}
    missing = Run("gone.json", "bencher", run.series)
    assert sources(_config(tmp_path), [missing]) == {"a::time": ("gone.json", 1)}


# -- in a browser --------------------------------------------------------------------------

MATERIAL = """
site_name: Benchmarks
theme:
  name: material
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
plugins:
  - docgen:
      api: false
      diagrams: false
      pipelines: false
      examples: false
      links: {external: false}
      benchmarks:
        results: [bench/*.json]
        targets: {"parse/*": 0.0015}
"""

_CHART = """
() => [...document.querySelectorAll("figure.docgen-chart svg")].map(svg => ({
  width: svg.getBoundingClientRect().width,
  line: getComputedStyle(svg.querySelector("path")).stroke,
  text: getComputedStyle(svg.querySelector("text")).fill,
  marker: [...svg.querySelectorAll("line")]
    .filter(l => l.getAttribute("x1") === l.getAttribute("x2"))
    .map(l => getComputedStyle(l).stroke),
  target: [...svg.querySelectorAll("text")].some(t => t.textContent.startsWith("target ")),
}))
"""


@pytest.mark.slow
@pytest.mark.browser
def test_charts_follow_both_palettes_in_chromium(chromium: Path, tmp_path: Path) -> None:
    """The parse page of a built site: charts fill the content's width, the step's marker
    and the target's line are drawn, and line, text and marker take each palette's colours,
    with no request for anything outside the site. Screenshots go to artifacts/benchmarks/."""
    from playwright.sync_api import sync_playwright

    _project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nBenchmarks.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MATERIAL, encoding="utf-8")
    assert cli.main(["build", "-f", str(tmp_path / "mkdocs.yml"), "--offline", "--strict"]) == 0
    site = tmp_path / "site"
    shots = ARTIFACTS / "benchmarks"
    shots.mkdir(parents=True, exist_ok=True)
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith("file://")
                    else (elsewhere.append(route.request.url), route.abort())[1]
                ),
            )
            page.goto((site / "benchmarks" / "parse" / "index.html").as_uri())
            light = page.evaluate(_CHART)
            page.screenshot(path=shots / "parse-light.png", full_page=True)
            page.locator("form[data-md-component='palette'] label:visible").click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            dark = page.evaluate(_CHART)
            page.screenshot(path=shots / "parse-dark.png", full_page=True)
        finally:
            browser.close()
    assert len(light) == 4  # two benchmarks, over runs and by release
    assert all(chart["width"] > 500 for chart in light)
    assert [len(chart["marker"]) for chart in light] == [0, 0, 1, 0]  # parse/small's step
    assert all(chart["target"] for chart in light)
    for before, after in zip(light, dark, strict=True):
        assert before["line"] != after["line"]
        assert before["text"] != after["text"]
        assert before["marker"] != after["marker"] or not before["marker"]
    assert light[2]["marker"][0] != light[2]["line"]  # the marker stands out from the line
    assert not [url for url in elsewhere if "fonts.g" not in url], elsewhere


@pytest.mark.parametrize(("target", "arrow"), [(1.0, "↑"), (1e-6, "↓")])
def test_a_target_far_off_is_named_at_the_edge_not_drawn(target: float, arrow: str) -> None:
    """A target 1,000 times away would flatten the line to the chart's edge."""
    root = _parse(charts.chart(_points(20), "s", "x", target=target))
    assert [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")] == []
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert f"target {charts.show(target, 's', charts.scale('s', [1e-3]))} {arrow}" in texts
    ticks = [float(t.replace(",", "")) for t in texts if re.fullmatch(r"[\d.,]+", t)]
    assert max(ticks) < 2  # in ms: the values' range, not the target's


def test_configured_results_never_recorded_make_an_overview_that_says_what_to_run(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, results=("bench/*.json",))
    settings = config.benchmarks
    assert settings is not None
    result = generate(config)
    (page,) = result.pages
    assert page.path == "benchmarks/index.md"
    assert page.nav == (settings.section,)
    assert "No benchmark run is recorded yet" in page.markdown
    assert "<code>bench/&#42;.json</code>" in page.markdown
    assert "docgen bench record" in page.markdown
    # The glob that matches nothing is a note, not a warning: the benchmarks have not run.
    assert [(d.code, d.severity.value) for d in result.diagnostics] == [("DG014", "info")]
