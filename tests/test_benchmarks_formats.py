"""Reading benchmark results: the six formats into the model, detection by content, one
diagnostic at file:line per malformed file, `directions`, folders, `docgen dump benchmarks`.

The fixtures are in tests/fixtures/benchmarks (their README says where each shape comes
from); expected figures are computed here from the fixture's own numbers, not copied.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import statistics
from pathlib import Path
from types import ModuleType

import pytest

from docgen.benchmarks import results
from docgen.benchmarks.formats import FORMATS
from docgen.benchmarks.formats.base import json_line, utc_date
from docgen.benchmarks.model import Run, Series
from docgen.cli import main
from docgen.config import BenchmarksConfig, DocgenConfig

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "benchmarks"
MALFORMED = FIXTURES / "malformed"
MEMORYSTREAMER = REPO / "tests" / "fixtures" / "memorystreamer"


def _config(root: Path, **settings: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        benchmarks=BenchmarksConfig(**settings),  # type: ignore[arg-type]
    )


def _read(path: Path, directions: dict[str, str] | None = None) -> Run:
    run, diagnostics = results.read_file(path, FIXTURES, directions)
    assert diagnostics == ()
    assert run is not None
    return run


def _series(run: Run) -> dict[str, Series]:
    found = {s.key: s for s in run.series}
    assert len(found) == len(run.series), "series keys are unique within a run"
    return found


# -- the six formats ------------------------------------------------------------------------


def test_pytest_benchmark() -> None:
    raw = json.loads((FIXTURES / "pytest-benchmark.json").read_text(encoding="utf-8"))
    run = _read(FIXTURES / "pytest-benchmark.json")
    assert (run.file, run.format) == ("pytest-benchmark.json", "pytest-benchmark")
    series = _series(run)
    assert sorted(series) == [
        "test_dump::time",
        "test_parse[large]::time",
        "test_parse[small]::time",
        "test_sort::time",
    ]
    for bench in raw["benchmarks"]:
        one = series[f"{bench['name']}::time"]
        assert (one.unit, one.direction) == ("s", "smaller")
        assert one.group == (bench["group"] or "")
        (point,) = one.points
        assert point.value == bench["stats"]["mean"]
        assert point.samples == tuple(bench["stats"]["data"])
        assert len(point.samples) == bench["stats"]["rounds"]
        assert point.commit == raw["commit_info"]["id"]
        assert point.machine == raw["machine_info"]["node"]
        assert point.date == utc_date(raw["datetime"])
        assert point.date is not None
        assert point.date.endswith("Z")
    assert series["test_parse[small]::time"].group == "parse"
    assert series["test_sort::time"].group == ""


def test_pytest_benchmark_without_data_or_commit(tmp_path: Path) -> None:
    raw = json.loads((FIXTURES / "pytest-benchmark.json").read_text(encoding="utf-8"))
    for bench in raw["benchmarks"]:
        del bench["stats"]["data"]  # run without --benchmark-save-data
    raw["commit_info"]["id"] = "unversioned"  # not in a checkout
    raw["datetime"] = "2026-12-03T15:07:56.000001"  # older versions: naive UTC
    (tmp_path / "plain.json").write_text(json.dumps(raw), encoding="utf-8")
    run, problems = results.read_file(tmp_path / "plain.json", tmp_path)
    assert problems == ()
    assert run is not None
    point = run.series[0].points[0]
    assert (point.samples, point.commit, point.date) == ((), None, "2026-12-03T15:07:56Z")


def test_google_benchmark_repetitions_are_samples() -> None:
    raw = json.loads((FIXTURES / "google-benchmark.json").read_text(encoding="utf-8"))
    run = _read(FIXTURES / "google-benchmark.json")
    assert run.format == "google-benchmark"
    series = _series(run)
    reps = [b for b in raw["benchmarks"] if b["run_name"] == "BM_Copy/64"]
    iterations = [b for b in reps if b["run_type"] == "iteration"]
    assert len(iterations) == 3
    time = series["BM_Copy/64::time"]
    assert (time.unit, time.direction, time.group) == ("s", "smaller", "BM_Copy")
    assert time.points[0].samples == pytest.approx([b["real_time"] * 1e-9 for b in iterations])
    assert time.points[0].value == pytest.approx(statistics.fmean(time.points[0].samples))
    cpu = series["BM_Copy/64::cpu_time"]
    assert cpu.points[0].value == pytest.approx(
        statistics.fmean(b["cpu_time"] * 1e-9 for b in iterations)
    )
    rate = series["BM_Copy/64::bytes_per_second"]
    assert (rate.unit, rate.direction) == ("B/s", "bigger")
    items = series["BM_Parse/small::items_per_second"]
    assert (items.unit, items.direction) == ("items/s", "bigger")
    assert series["BM_Parse/small::nodes"].direction == "smaller"  # a counter: not said
    # Aggregates (_mean, _median, _stddev, _cv) add no series; the failed run adds none.
    assert not [k for k in series if k.split("::")[0].endswith(("_mean", "_median", "_cv"))]
    assert not [k for k in series if k.startswith("BM_Network")]
    assert {s.benchmark for s in run.series} == {
        "BM_Copy/64",
        "BM_Copy/4096",
        "BM_Parse/small",
        "BM_Checksum",
    }
    point = time.points[0]
    assert (point.date, point.machine) == ("2026-11-30T20:14:07Z", "bench-runner-3")
    assert series["BM_Checksum::time"].group == ""


def test_google_benchmark_aggregates_only_and_old_files(tmp_path: Path) -> None:
    raw = json.loads((FIXTURES / "google-benchmark.json").read_text(encoding="utf-8"))
    only = [b for b in raw["benchmarks"] if b["run_type"] == "aggregate"]
    (tmp_path / "aggregates.json").write_text(
        json.dumps({"context": raw["context"], "benchmarks": only}), encoding="utf-8"
    )
    run, problems = results.read_file(tmp_path / "aggregates.json", tmp_path)
    assert problems == ()
    assert run is not None
    time = _series(run)["BM_Copy/64::time"]
    mean = next(b for b in only if b["name"] == "BM_Copy/64_mean")
    assert time.points[0].value == pytest.approx(mean["real_time"] * 1e-9)
    assert time.points[0].samples == ()
    # Before 1.5 entries had no run_type nor run_name: aggregates are told by their name.
    old = [
        {"name": "BM_Sort/8", "real_time": 2.5, "cpu_time": 2.4, "time_unit": "us"},
        {"name": "BM_Sort/8_mean", "iterations": 10, "real_time": 9.0, "cpu_time": 9.0},
    ]
    (tmp_path / "old.json").write_text(
        json.dumps({"context": {"date": "2019-03-11 11:04:20"}, "benchmarks": old}),
        encoding="utf-8",
    )
    run, problems = results.read_file(tmp_path / "old.json", tmp_path)
    assert problems == ()
    assert run is not None
    assert [(s.key, s.points[0].value) for s in run.series] == [
        ("BM_Sort/8::time", pytest.approx(2.5e-6)),
        ("BM_Sort/8::cpu_time", pytest.approx(2.4e-6)),
    ]


def test_criterion_tree() -> None:
    run = _read(FIXTURES / "criterion")
    assert (run.file, run.format) == ("criterion", "criterion")
    series = _series(run)
    assert sorted(series) == [
        "encode/frame/1024::throughput",
        "encode/frame/1024::time",
        "fib 20::time",
        "parse/large::throughput",
        "parse/large::time",
        "parse/small::time",
    ]
    new = FIXTURES / "criterion" / "parse" / "large" / "new"
    estimates = json.loads((new / "estimates.json").read_text(encoding="utf-8"))
    sample = json.loads((new / "sample.json").read_text(encoding="utf-8"))
    time = series["parse/large::time"]
    assert (time.unit, time.direction, time.group) == ("s", "smaller", "parse")
    assert time.points[0].value == pytest.approx(estimates["mean"]["point_estimate"] * 1e-9)
    per_iteration = [t / n * 1e-9 for n, t in zip(sample["iters"], sample["times"], strict=True)]
    assert time.points[0].samples == pytest.approx(per_iteration)
    rate = series["parse/large::throughput"]
    assert (rate.unit, rate.direction) == ("B/s", "bigger")
    assert rate.points[0].value == pytest.approx(65536 / time.points[0].value)
    assert series["encode/frame/1024::throughput"].unit == "elements/s"
    assert series["encode/frame/1024::time"].group == "encode"
    assert series["fib 20::time"].group == ""  # `bench_function` outside a group


def test_criterion_one_estimates_file() -> None:
    run = _read(FIXTURES / "criterion" / "parse" / "small" / "new" / "estimates.json")
    assert run.format == "criterion"
    assert [s.key for s in run.series] == ["parse/small::time"]


def test_go_bench_text() -> None:
    run = _read(FIXTURES / "go.txt")
    assert run.format == "go"
    series = _series(run)
    time = series["BenchmarkEncode/small::time"]  # `-4` (GOMAXPROCS) dropped
    assert (time.unit, time.direction, time.group) == ("s", "smaller", "example.com/streamer/codec")
    assert time.points[0].samples == pytest.approx([551.2e-9, 544.9e-9, 548.0e-9])  # -count=3
    assert time.points[0].value == pytest.approx(statistics.fmean([551.2e-9, 544.9e-9, 548.0e-9]))
    assert time.points[0].machine == "linux/amd64, AMD EPYC 7763 64-Core Processor"
    mbs = series["BenchmarkEncode/large::throughput"]
    assert (mbs.unit, mbs.direction) == ("MB/s", "bigger")
    assert series["BenchmarkEncode/large::memory"].unit == "B"
    assert series["BenchmarkEncode/large::memory"].points[0].value == 16384
    assert series["BenchmarkEncode/large::allocations"].points[0].value == 3
    custom = series["BenchmarkPublish::msgs/s"]  # b.ReportMetric, a rate
    assert (custom.unit, custom.direction, custom.group) == (
        "msgs/s",
        "bigger",
        "example.com/streamer/queue",
    )
    assert series["BenchmarkDecode::hit-ratio"].direction == "smaller"
    flipped = _series(_read(FIXTURES / "go.txt", {"BenchmarkDecode::hit-ratio": "bigger"}))
    assert flipped["BenchmarkDecode::hit-ratio"].direction == "bigger"
    assert flipped["BenchmarkDecode::time"].direction == "smaller"  # go says it: kept


def test_go_same_name_in_two_packages(tmp_path: Path) -> None:
    (tmp_path / "bench.txt").write_text(
        "pkg: example.com/a\nBenchmarkRun-8   100   50 ns/op\n"
        "pkg: example.com/b\nBenchmarkRun-8   100   70 ns/op\n",
        encoding="utf-8",
    )
    run, problems = results.read_file(tmp_path / "bench.txt", tmp_path)
    assert problems == ()
    assert run is not None
    assert [(s.benchmark, s.group, s.points[0].value) for s in run.series] == [
        ("BenchmarkRun", "example.com/a", pytest.approx(50e-9)),
        ("BenchmarkRun (example.com/b)", "example.com/b", pytest.approx(70e-9)),
    ]


@pytest.mark.parametrize(
    ("lines", "names"),
    [
        (
            ["BenchmarkA-4 9 5 ns/op", "BenchmarkB/n-8-4 9 5 ns/op"],
            ["BenchmarkA", "BenchmarkB/n-8"],
        ),
        # GOMAXPROCS=1: Go writes no suffix, and `-64` is part of the name.
        (["BenchmarkA 9 5 ns/op", "BenchmarkB/n-64 9 5 ns/op"], ["BenchmarkA", "BenchmarkB/n-64"]),
        # `-cpu 1,4`: the same benchmark on 1 and 4 threads are two benchmarks.
        (["BenchmarkA 10 5 ns/op", "BenchmarkA-4 10 2 ns/op"], ["BenchmarkA", "BenchmarkA-4"]),
    ],
)
def test_go_gomaxprocs_suffix(tmp_path: Path, lines: list[str], names: list[str]) -> None:
    (tmp_path / "bench.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run, problems = results.read_file(tmp_path / "bench.txt", tmp_path)
    assert problems == ()
    assert run is not None
    assert [s.benchmark for s in run.series] == names


def test_github_action_benchmark() -> None:
    run = _read(FIXTURES / "github-action-benchmark.json")
    assert run.format == "github-action-benchmark"
    series = _series(run)
    assert series["publish 1 KiB message::time"].points[0].value == pytest.approx(3.42e-6)
    assert series["subscribe fan-out 64::time"].points[0].value == pytest.approx(1.875e-3)
    assert series["cold start::time"].points[0].value == pytest.approx(0.412)  # "0.412"
    assert {s.unit for k, s in series.items() if k.endswith("::time")} == {"s"}
    memory = series["peak memory::Megabytes"]
    assert (memory.unit, memory.points[0].value) == ("Megabytes", 184)
    # The file cannot say: customSmallerIsBetter unless the config says otherwise.
    assert {s.direction for s in run.series} == {"smaller"}
    flipped = _series(_read(FIXTURES / "github-action-benchmark.json", {"broker *": "bigger"}))
    assert flipped["broker throughput::req/s"].direction == "bigger"
    assert flipped["peak memory::Megabytes"].direction == "smaller"


def test_bencher_metric_format() -> None:
    run = _read(FIXTURES / "bencher.json")
    assert run.format == "bencher"
    series = _series(run)
    latency = series["parse/large::latency"]
    assert (latency.unit, latency.direction, latency.group) == ("s", "smaller", "parse")
    assert latency.points[0].value == pytest.approx(38950.0e-9)
    throughput = series["parse/large::throughput"]
    assert (throughput.unit, throughput.direction) == ("ops/s", "bigger")
    assert series["release binary::file-size"].unit == "B"
    assert series["release binary::build-time"].points[0].value == pytest.approx(87.4)
    assert series["cache::hit-ratio"].direction == "smaller"
    flipped = _series(_read(FIXTURES / "bencher.json", {"cache::hit-*": "bigger", "*": "bigger"}))
    assert flipped["cache::hit-ratio"].direction == "bigger"
    assert flipped["parse/large::latency"].direction == "smaller"  # Bencher defines it


# -- detection ------------------------------------------------------------------------------

DETECTED = [
    ("pytest-benchmark.json", "pytest-benchmark"),
    ("google-benchmark.json", "google-benchmark"),
    ("criterion/parse/small/new/estimates.json", "criterion"),
    ("go.txt", "go"),
    ("github-action-benchmark.json", "github-action-benchmark"),
    ("bencher.json", "bencher"),
]


@pytest.mark.parametrize(("fixture", "expected"), DETECTED)
def test_format_is_detected_from_content_not_name(
    tmp_path: Path, fixture: str, expected: str
) -> None:
    misleading = tmp_path / "results.bencher.json"  # the name says nothing docgen trusts
    shutil.copyfile(FIXTURES / fixture, misleading)
    run, problems = results.read_file(misleading, tmp_path)
    assert problems == ()
    assert run is not None
    assert run.format == expected
    assert [f.name for f in FORMATS if f.name == expected] == [expected]


def test_six_formats() -> None:
    assert sorted(f.name for f in FORMATS) == sorted(e for _, e in DETECTED)


# -- malformed files ------------------------------------------------------------------------

MALFORMED_CASES = [
    ("truncated.json", "DG010", 141, "not valid JSON"),
    ("pytest-no-mean.json", "DG011", 230, "'test_parse[large]': stats.mean is missing"),
    ("google-time-unit.json", "DG011", 18, "`time_unit` is 'fortnights'"),
    ("bencher-value.json", "DG011", 9, 'latency.value is "38950 ns", not a number'),
    ("gab-no-unit.json", "DG011", 7, "entry 2 has no `unit`"),
    ("go-odd.txt", "DG011", 5, "a value without its unit"),
    ("unknown.json", "DG012", None, "not a result file docgen reads"),
]


@pytest.mark.parametrize(("name", "code", "line", "message"), MALFORMED_CASES)
def test_malformed_file_is_one_diagnostic_at_its_line(
    name: str, code: str, line: int | None, message: str
) -> None:
    run, problems = results.read_file(MALFORMED / name, FIXTURES)
    assert run is None
    (problem,) = problems
    assert (problem.code, problem.stage) == (code, "benchmarks")
    assert problem.location is not None
    assert (problem.location.path, problem.location.line) == (f"malformed/{name}", line)
    assert message in problem.message
    assert problem.hint


def test_unknown_format_names_the_six() -> None:
    _, (problem,) = results.read_file(MALFORMED / "unknown.json", FIXTURES)
    assert problem.hint is not None
    for title in ("pytest-benchmark", "Google Benchmark", "criterion", "go test -bench"):
        assert title in problem.hint
    assert "github-action-benchmark" in problem.hint
    assert "Bencher" in problem.hint


def test_the_line_of_the_offending_key_is_checked_against_the_text() -> None:
    lines = (MALFORMED / "pytest-no-mean.json").read_text(encoding="utf-8").splitlines()
    assert lines[229].strip() == '"stats": {'  # stats of the 2nd benchmark, which has no mean
    assert '"fortnights"' in (MALFORMED / "google-time-unit.json").read_text().splitlines()[17]


def test_malformed_files_do_not_stop_the_others(tmp_path: Path) -> None:
    config = _config(FIXTURES, results=("malformed", "bencher.json", "go.txt"))
    read = results.read(config)
    by_file = {d.location.path if d.location else "": d.code for d in read.diagnostics}
    assert by_file == {
        "malformed/truncated.json": "DG010",
        "malformed/pytest-no-mean.json": "DG011",
        "malformed/google-time-unit.json": "DG011",
        "malformed/bencher-value.json": "DG011",
        "malformed/gab-no-unit.json": "DG011",
        "malformed/go-odd.txt": "DG011",
        "malformed/unknown.json": "DG012",
        "malformed/criterion-broken/parse/small/new/estimates.json": "DG011",
    }
    assert len(read.diagnostics) == len(by_file)  # one per file
    # The broken tree still gives its good benchmark; the good files are read.
    assert [(r.file, r.format) for r in read.runs] == [
        ("malformed/criterion-broken", "criterion"),
        ("bencher.json", "bencher"),
        ("go.txt", "go"),
    ]
    assert [s.key for s in read.runs[0].series] == ["parse/large::throughput", "parse/large::time"]


def test_unreadable_empty_and_missing(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes(b"BenchmarkX-8 100 5 ns/op caf\xe9\n")
    (tmp_path / "empty.json").write_text("[]\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - docgen:\n      benchmarks:\n"
        "        results: [latin1.txt, empty.json, 'out/*.json']\n"
        "        directions: {'parse/*': faster}\n",
        encoding="utf-8",
    )
    config = _config(
        tmp_path,
        results=("latin1.txt", "empty.json", "out/*.json"),
        directions={"parse/*": "faster"},
    )
    read = results.read(config)
    found = [(d.code, d.location.path if d.location else None, d.location and d.location.line)
             for d in read.diagnostics]  # fmt: skip
    assert found == [
        ("DG015", "mkdocs.yml", 6),
        ("DG013", "latin1.txt", None),
        ("DG016", "empty.json", None),
        ("DG014", "mkdocs.yml", 5),
    ]
    assert [r.file for r in read.runs] == ["empty.json"]  # read, with nothing in it


def test_paths_replace_the_globs_and_are_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    config = _config(tmp_path, results=("nothing/*.json",))
    read = results.read(config, ["go.txt", str(FIXTURES / "bencher.json"), "absent.json"])
    assert [r.format for r in read.runs] == ["go", "bencher"]
    # Outside the project's root, a file is named as given.
    assert read.runs[0].file == "go.txt"
    assert read.runs[1].file == (FIXTURES / "bencher.json").as_posix()
    (problem,) = read.diagnostics
    assert (problem.code, problem.location and problem.location.path) == ("DG014", "absent.json")


def test_folder_walk_reads_each_file_and_skips_what_is_not_a_result(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "criterion", tmp_path / "results" / "target" / "criterion")
    shutil.copyfile(FIXTURES / "go.txt", tmp_path / "results" / "go.txt")
    (tmp_path / "results" / "nested").mkdir()
    shutil.copyfile(FIXTURES / "bencher.json", tmp_path / "results" / "nested" / "bmf.json")
    (tmp_path / "results" / "README.md").write_text("# Results\n", encoding="utf-8")
    (tmp_path / "results" / ".hidden.json").write_text("{", encoding="utf-8")
    read = results.read(_config(tmp_path, results=("results",)))
    assert read.diagnostics == ()
    assert [(r.file, r.format) for r in read.runs] == [
        ("results/target/criterion", "criterion"),
        ("results/go.txt", "go"),
        ("results/nested/bmf.json", "bencher"),
    ]
    # Criterion's earlier runs (base/) and reports are not read as results of their own.
    assert len(read.runs[0].series) == 6


def test_recursive_globs(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("a", "b/c"):
        shutil.copyfile(FIXTURES / "bencher.json", (tmp_path / name).with_suffix(".json"))
    read = results.read(_config(tmp_path, results=("**/*.json",)))
    assert [r.file for r in read.runs] == ["a.json", "b/c.json"]


def test_overlapping_globs_read_a_file_once(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "criterion", tmp_path / "out" / "criterion")
    shutil.copyfile(FIXTURES / "go.txt", tmp_path / "out" / "go.txt")
    config = _config(tmp_path, results=("out/go.txt", "out/*", "out", "out/**"))
    read = results.read(config)
    assert read.diagnostics == ()
    assert [r.file for r in read.runs] == ["out/go.txt", "out/criterion"]


def test_empty_file_and_a_folder_that_is_no_tree(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    run, (problem,) = results.read_file(tmp_path / "empty.txt", tmp_path)
    assert run is None
    assert (problem.code, problem.message) == ("DG016", "the result file is empty")
    shutil.copyfile(FIXTURES / "go.txt", tmp_path / "go.txt")
    run, (problem,) = results.read_file(tmp_path, tmp_path)  # read() walks it; read_file not
    assert run is None
    assert problem.code == "DG012"
    assert [r.format for r in results.read(_config(tmp_path), [str(tmp_path)]).runs] == ["go"]


def test_no_results_configured_reads_nothing(tmp_path: Path) -> None:
    assert results.read(_config(tmp_path)) == results.Results((), ())


def test_json_line() -> None:
    text = '{\n  "a": [\n    1,\n    {"b": 2,\n     "c": {"d": null}}\n  ],\n  "e": "x"\n}\n'
    assert json_line(text, ()) == 1
    assert json_line(text, ("a",)) == 2
    assert json_line(text, ("a", 0)) == 3
    assert json_line(text, ("a", 1, "c")) == 5
    assert json_line(text, ("a", 1, "c", "d")) == 5
    assert json_line(text, ("e",)) == 7
    assert json_line(text, ("a", 1, "zz")) == 4  # missing: the deepest part that exists
    assert json_line(text, ("a", 9)) == 2
    assert json_line("{", ("a",)) is None


# -- docgen dump benchmarks -----------------------------------------------------------------


def test_dump_benchmarks_paths(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FIXTURES)
    code = main(["dump", "-f", str(tmp_path / "mkdocs.yml"), "benchmarks", "bencher.json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["runs", "diagnostics"]
    assert out["diagnostics"] == []
    (run,) = out["runs"]
    assert (run["file"], run["format"]) == ("bencher.json", "bencher")
    first = run["series"][0]
    assert first == {
        "benchmark": "parse/small",
        "measure": "latency",
        "unit": "s",
        "direction": "smaller",
        "points": [
            {"value": pytest.approx(412.7e-9), "commit": None, "date": None}
            | {"version": None, "machine": None}
        ],
        "group": "parse",
    }
    code = main(["dump", "benchmarks", "malformed/go-odd.txt"])
    assert code == 0
    (problem,) = json.loads(capsys.readouterr().out)["diagnostics"]
    where = (problem["code"], problem["file"], problem["line"])
    assert where == ("DG011", "malformed/go-odd.txt", 5)


def test_dump_benchmarks_reads_the_configured_results(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["dump", "-f", str(MEMORYSTREAMER / "mkdocs.yml"), "benchmarks"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["diagnostics"] == []
    (run,) = out["runs"]
    assert (run["file"], run["format"]) == ("target/criterion", "criterion")
    keys = {(s["group"], s["benchmark"], s["measure"]) for s in run["series"]}
    assert ("latency", "latency/round_trip", "time") in keys
    assert ("throughput", "throughput/multi_thread", "throughput") in keys
    # The seed's targets: latency under 10 µs, throughput over 10M messages per second.
    latency = [s for s in run["series"] if s["group"] == "latency"]
    assert latency
    assert all(s["points"][0]["value"] < 10e-6 for s in latency)
    rates = [s for s in run["series"] if s["group"] == "throughput" and s["unit"] == "elements/s"]
    assert len(rates) == 4
    assert all(s["points"][0]["value"] > 10e6 for s in rates)


# -- docgen's own benchmarks: benchmarks/run_all.py --json ---------------------------------


def _run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_all", REPO / "benchmarks" / "run_all.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_all_writes_bencher_json_docgen_reads(tmp_path: Path) -> None:
    stdout = (
        "docgen build cold 12.31 s, warm 3.20 s (26 %)\n"
        "ratio cold / mkdocstrings (14.02 s): 0.88x (goal <= 1.0x)\n"
        "internal ratio: linkchecker / docgen = 50x (wall clock)\n"
        "docgen -j 4:            10.20 s  (median of 3; 15.00 s CPU)\n"
        "docgen init (detect + 3 files)   52.0 ms   ratio 0.51x\n"
        "mkdocs new                      101.2 ms   1.00x\n"
    )
    results_of_scripts = [
        {"name": "api", "returncode": 0, "seconds": 61.2, "stdout": stdout},
        {"name": "broken", "returncode": 1, "seconds": 0.5, "stdout": "ratio a / b: 2.0x\n"},
    ]
    payload = _run_all().bencher_json(results_of_scripts)
    (tmp_path / "out.json").write_text(json.dumps(payload), encoding="utf-8")
    run, problems = results.read_file(tmp_path / "out.json", tmp_path)
    assert problems == ()
    assert run is not None
    assert run.format == "bencher"
    found = {s.key: (s.unit, s.direction, s.group, s.points[0].value) for s in run.series}
    assert found == {
        "api/docgen-build-cold::seconds": ("s", "smaller", "api", 12.31),
        "api/cold-mkdocstrings::ratio": ("", "smaller", "api", 0.88),
        # Printed as anchor / docgen: turned over, so every ratio is docgen's ÷ anchor's.
        "api/docgen-internal-linkchecker::ratio": ("", "smaller", "api", 0.02),
        "api/docgen-j::seconds": ("s", "smaller", "api", 10.2),  # the core count dropped
        "api/docgen-init::ratio": ("", "smaller", "api", 0.51),
        "api/mkdocs-new::seconds": ("s", "smaller", "api", pytest.approx(0.1012)),
        "api/total::seconds": ("s", "smaller", "api", 61.2),
    }
