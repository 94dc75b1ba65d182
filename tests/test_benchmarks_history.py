"""The benchmark history: retention, its two storages, and `docgen bench record`, locally
and onto a real Pages branch (a bare remote on disk, concurrent recorders included)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from test_deploy_helpers import IDENTITY, files, git, make_site, remote_and_clone, show

from docgen import deploy
from docgen.benchmarks import history, storage
from docgen.benchmarks.history import MAX_SAMPLES, History, add, load
from docgen.benchmarks.model import Point, Run, Series
from docgen.benchmarks.record import Stamp, record_branch
from docgen.cli import main
from docgen.config import BenchmarksConfig, DeployConfig, DocgenConfig


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_SHA", raising=False)


def result(values: dict[str, float], samples: int = 0, unit: str = "s") -> Run:
    """One result file's run: a series per benchmark, `samples` samples around the value."""
    series = tuple(
        Series(
            name,
            "time",
            unit,
            "smaller",
            (Point(v, tuple(v * (0.98 + 0.04 * k / max(samples - 1, 1)) for k in range(samples))),),
            name.partition("/")[0],
        )
        for name, v in values.items()
    )
    return Run("results.json", "bencher", series)


def record(before: History, values: dict[str, float], day: int, **changes: object) -> History:
    options: dict[str, object] = {
        "commit": f"{day:040x}",
        "version": None,
        "date": "2026-01-01T00:00:00Z"
        if day == 0
        else f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}",
        "machine": "ci",
        "keep_runs": 1000,
        "keep_days": 0,
        **changes,
    }
    samples = int(options.pop("samples", 0))  # type: ignore[call-overload]
    return add(before, [result(values, samples)], **options)  # type: ignore[arg-type]


def config_of(root: Path, **settings: object) -> DocgenConfig:
    return DocgenConfig(
        root,
        root / "docs",
        root / "site",
        benchmarks=BenchmarksConfig(**settings),  # type: ignore[arg-type]
    )


# -- the model and retention -------------------------------------------------------------


def test_add_keeps_each_series_in_run_order_with_its_run() -> None:
    one = record(History(), {"parse/small": 1.0e-5, "parse/big": 2.0e-3}, 1)
    two = record(one, {"parse/small": 1.1e-5}, 2, version="1.0", machine=None)
    assert [r.number for r in two.runs] == [1, 2]
    small = two.get("parse/small::time")
    assert small is not None
    assert [p.value for p in small.points] == [1.0e-5, 1.1e-5]
    assert small.points[1].version == "1.0"
    assert small.points[1].commit == f"{2:040x}"
    assert small.points[1].date == "2026-01-03T00:00:00Z"
    big = two.get("parse/big::time")
    assert big is not None
    assert len(big.points) == 1
    # An older run recorded later goes in its place; the same run again replaces its points.
    back = record(two, {"parse/small": 0.9e-5}, 0)
    assert [p.value for p in back.get("parse/small::time").points] == [0.9e-5, 1.0e-5, 1.1e-5]  # type: ignore[union-attr]
    again = record(back, {"parse/small": 0.8e-5}, 0)
    assert [r.number for r in again.runs] == [3, 1, 2]
    assert [p.value for p in again.get("parse/small::time").points] == [0.8e-5, 1.0e-5, 1.1e-5]  # type: ignore[union-attr]


def test_a_later_file_wins_and_a_new_unit_starts_the_series_again() -> None:
    first = record(History(), {"io": 5.0}, 1)
    both = add(
        first,
        [result({"io": 6.0}), result({"io": 7.0})],
        commit="c",
        version=None,
        date="2026-02-01",
        machine=None,
        keep_runs=10,
        keep_days=0,
    )
    assert [p.value for p in both.series[0].points] == [5.0, 7.0]
    bytes_now = add(
        both,
        [result({"io": 100.0}, unit="B")],
        commit="d",
        version=None,
        date="2026-02-02",
        machine=None,
        keep_runs=10,
        keep_days=0,
    )
    assert [(p.value, bytes_now.series[0].unit) for p in bytes_now.series[0].points] == [
        (100.0, "B")
    ]
    assert [r.commit for r in bytes_now.runs] == ["d"]  # runs no point refers to are gone


def test_retention_by_count_and_age_keeps_releases() -> None:
    kept = History()
    for day in range(1, 21):
        kept = record(
            kept, {"a": float(day)}, day, version="1.0" if day == 3 else None, keep_runs=5
        )
    values = [p.value for p in kept.series[0].points]
    assert values == [3.0, 16.0, 17.0, 18.0, 19.0, 20.0]  # the release's run stays
    assert len(kept.runs) == 6
    dropped = History()
    for day in range(1, 21):
        dropped = record(
            dropped,
            {"a": float(day)},
            day,
            keep_releases=0,
            keep_runs=5,
            version="1.0" if day == 3 else None,
        )
    assert [p.value for p in dropped.series[0].points] == [16.0, 17.0, 18.0, 19.0, 20.0]
    young = History()
    for day in range(1, 21):
        young = record(young, {"a": float(day)}, day, keep_days=7)
    assert [p.value for p in young.series[0].points] == [
        13.0,
        14.0,
        15.0,
        16.0,
        17.0,
        18.0,
        19.0,
        20.0,
    ]
    assert young.runs[0].date == "2026-01-14T00:00:00Z"  # 7 days before the newest, kept


def test_samples_are_kept_on_the_newest_runs_and_releases_only() -> None:
    kept = History()
    for day in range(1, 9):
        kept = record(
            kept, {"a": 1.0}, day, samples=200, keep_samples=3, version="2.0" if day == 2 else None
        )
    counts = [len(p.samples) for p in kept.series[0].points]
    assert counts == [0, MAX_SAMPLES, 0, 0, 0, MAX_SAMPLES, MAX_SAMPLES, MAX_SAMPLES]
    samples = kept.series[0].points[-1].samples
    assert samples[0] == 0.98
    assert samples[-1] == 1.02
    assert list(samples) == sorted(samples)


# -- storage -----------------------------------------------------------------------------


def sample_history() -> History:
    kept = History()
    for day in range(1, 6):
        kept = record(
            kept,
            {"parse/small": 1.234567891e-5 * day, "parse/big": 3.0, "io/write 64 KiB": 1e9},
            day,
            samples=7,
            version="1.0" if day == 2 else None,
            machine=None if day == 4 else "ci",
        )
    return kept


def test_round_trip_through_the_local_file_and_the_branch_files(tmp_path: Path) -> None:
    kept = sample_history()
    path = tmp_path / "benchmarks.history"
    history.write_file(path, kept)
    assert history.read_file(path, "benchmarks.history") == kept
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") > 5 * 3  # one line per run and per point: git stores the change
    written = storage.branch_files(kept.runs, kept.series)
    assert sorted(written)[0] == "runs.json"
    assert len(written) == 4
    assert any(p.startswith("series/io-write-64-KiB.time-") for p in written)
    assert history.from_branch(written, "gh-pages:_benchmarks") == kept
    assert history.from_branch({}, "gh-pages:_benchmarks") == History()


def test_samples_are_written_as_steps_of_thousandths() -> None:
    run = storage.RecordedRun(1, "2026-01-01T00:00:00Z")
    point = Point(2.0, (1.974, 1.982, 1.982, 2.004), None, run.date)
    text = storage.dumps([run], [Series("a", "time", "s", "smaller", (point,))])
    assert "\n[1,2,[987,4,0,11]]\n" in text
    _, series = storage.loads(text, "benchmarks.history")
    assert series[0].points == (point,)


def write_project(root: Path, history_text: str | None = None) -> DocgenConfig:
    root.mkdir(parents=True, exist_ok=True)
    if history_text is not None:
        (root / ".docgen").mkdir(exist_ok=True)
        (root / ".docgen" / "benchmarks.history").write_text(history_text, encoding="utf-8")
    return config_of(root)


@pytest.mark.parametrize(
    ("damage", "code", "marker", "said"),
    [
        (lambda t: t.replace("]]", "]", 1), "DG020", None, "not valid JSON"),
        (lambda t: t.replace("[3,", '["x",', 1), "DG020", '["x",', "is not a number"),
        (
            lambda t: t.replace("[3,", "[99,", 2).replace("[99,", "[3,", 1),
            "DG020",
            "[99,",
            "run 99",
        ),
        (lambda t: t.replace('"smaller"', '"faster"', 1), "DG020", '"faster"', "`direction`"),
        (
            lambda t: t.replace('"version": 1', '"version": 7', 1),
            "DG021",
            '"version": 7',
            "version 7",
        ),
        (lambda t: "window.BENCHMARK_DATA = {}", "DG020", "window", "not valid JSON"),
        (lambda t: '{"lastUpdate": 1, "entries": {}}', "DG021", "lastUpdate", "not a docgen"),
    ],
)
def test_a_history_that_cannot_be_read_is_one_diagnostic(
    tmp_path: Path, damage: Callable[[str], str], code: str, marker: str | None, said: str
) -> None:
    kept = sample_history()
    bad = damage(storage.dumps(kept.runs, kept.series))
    config = write_project(tmp_path / "p", bad)
    found, problems = load(config)
    assert found == History()
    assert [(d.code, d.location.path if d.location else None) for d in problems] == [
        (code, ".docgen/benchmarks.history")
    ]
    assert said in problems[0].message
    assert problems[0].hint
    line = problems[0].location.line if problems[0].location else None
    assert line is not None
    if marker is not None:  # the line that holds the damage
        assert marker in bad.splitlines()[line - 1]


def test_the_line_is_right_in_a_file_laid_out_by_hand(tmp_path: Path) -> None:
    kept = sample_history()
    data = json.loads(storage.dumps(kept.runs, kept.series))
    data["series"][1]["points"][2][1] = "slow"
    text = json.dumps(data, indent=2)  # another layout: a line per number
    _, problems = load(write_project(tmp_path / "p", text))
    assert problems[0].code == "DG020"
    assert problems[0].location is not None
    assert problems[0].location.line is not None
    assert text.splitlines()[problems[0].location.line - 1].strip() == "["  # the point opens
    assert '"slow"' in text.splitlines()[problems[0].location.line + 1]


def test_size_of_100_benchmarks_over_1000_runs_stays_under_5_mb(tmp_path: Path) -> None:
    # The worst case: every run gives 100 samples, a release every 50 runs.
    names = [f"group{n // 10}/benchmark_{n:03d}_with_a_longish_name" for n in range(100)]
    runs = tuple(
        storage.RecordedRun(
            n,
            f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
            f"{n:040x}",
            f"1.{n}" if n % 50 == 0 else None,
            "ubuntu-24.04",
        )
        for n in range(1, 1000)
    )
    series = tuple(
        Series(
            name,
            "time",
            "s",
            "smaller",
            tuple(
                Point(
                    storage.round_value(1.2345e-5 * (1 + (n * k % 97) / 1000)),
                    (),
                    r.commit,
                    r.date,
                    r.version,
                    r.machine,
                )
                for n, r in enumerate(runs)
            ),
            name.partition("/")[0],
        )
        for k, name in enumerate(names)
    )
    base = History(series, runs)
    values = dict.fromkeys(names, 1.3e-05)
    full = add(
        base,
        [result(values, samples=100)],
        commit="f" * 40,
        version=None,
        date="2026-02-01",
        machine="ubuntu-24.04",
        keep_runs=1000,
        keep_days=0,
    )
    assert len(full.runs) == 1000
    # Samples as the regression check would find them: on the newest and release runs.
    sampled = History(
        tuple(
            replace(
                s,
                points=tuple(
                    replace(p, samples=full.series[0].points[-1].samples)
                    if i >= 990 or p.version
                    else p
                    for i, p in enumerate(s.points)
                ),
            )
            for s in full.series
        ),
        full.runs,
    )
    path = tmp_path / "benchmarks.history"
    history.write_file(path, sampled)
    size = path.stat().st_size
    assert size < 5_000_000, size
    branch = sum(len(d) for d in storage.branch_files(sampled.runs, sampled.series).values())
    assert branch < 5_000_000, branch


# -- `docgen bench record` ---------------------------------------------------------------


def bmf(path: Path, values: dict[str, float]) -> Path:
    """A Bencher BMF result file: latencies in nanoseconds."""
    data = {name: {"latency": {"value": v}} for name, v in values.items()}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_record_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    git(root, "init", "--quiet", "-b", "main")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "start")
    head = git(root, "rev-parse", "HEAD")
    monkeypatch.chdir(root)
    bmf(root / "one.json", {"parse/small": 1200.0, "parse/big": 5e6})
    assert main(["bench", "record", "one.json", "--date", "2026-03-01T10:00:00+01:00"]) == 0
    said = capsys.readouterr().out
    assert f"recorded run 1 of {head[:10]} (2026-03-01T09:00:00Z)" in said
    assert "2 series, into .docgen/benchmarks.history; the history keeps 1 run\n" in said
    bmf(root / "two.json", {"parse/small": 1300.0})
    monkeypatch.setenv("GITHUB_SHA", "feedface" * 5)
    code = main(["bench", "record", "two.json", "--version", "1.0", "--machine", "ci-linux"])
    assert code == 0
    assert "version 1.0, on ci-linux" in capsys.readouterr().out
    found, problems = load(config_of(root))
    assert problems == ()
    assert [(r.number, r.commit, r.version) for r in found.runs] == [
        (1, head, None),
        (2, "feedface" * 5, "1.0"),
    ]
    small = found.get("parse/small::latency")
    assert small is not None
    assert [p.value for p in small.points] == [1.2e-6, 1.3e-6]


FIXTURES = Path(__file__).parent / "fixtures" / "benchmarks"


def test_record_takes_the_commit_date_and_machine_the_file_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_SHA", "0" * 40)  # the file's own commit wins over it
    assert main(["bench", "record", str(FIXTURES / "pytest-benchmark.json")]) == 0
    assert "of 554493ca8a (2026-12-03T15:07:56Z, on vm): 4 series" in capsys.readouterr().out
    fixture = str(FIXTURES / "pytest-benchmark.json")
    flags = ["--commit", "c0ffee", "--machine", "runner-2", "--date", "2026-12-04"]
    assert main(["bench", "record", fixture, *flags]) == 0
    found, _ = load(config_of(tmp_path))
    assert [(r.commit, r.date, r.machine) for r in found.runs] == [
        ("554493ca8ab873055b60b65896ca99f5dc9662f9", "2026-12-03T15:07:56Z", "vm"),
        ("c0ffee", "2026-12-04T00:00:00Z", "runner-2"),
    ]
    assert all(len(s.points[-1].samples) == 8 for s in found.series)  # kept, thinned to 20 at most


def test_record_refuses_bad_input_and_never_overwrites_a_broken_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    monkeypatch.chdir(root)
    bmf(root / "r.json", {"a": 1.0})
    assert main(["bench", "record", "r.json", "--date", "yesterday"]) == 2
    assert "error[DG022]: --date 'yesterday' is not an ISO 8601 date" in capsys.readouterr().err
    (root / "broken.json").write_text("{", encoding="utf-8")
    assert main(["bench", "record", "broken.json"]) == 1
    err = capsys.readouterr().err
    assert "DG010" in err
    assert "DG024" in err
    assert not (root / ".docgen").exists()
    history_file = root / ".docgen" / "benchmarks.history"
    history_file.parent.mkdir()
    history_file.write_text('{"format": "docgen-benchmark-history", "version": 1,\n"kind": 3}\n')
    assert main(["bench", "record", "r.json"]) == 1
    err = capsys.readouterr().err
    assert ".docgen/benchmarks.history:2: error[DG020]" in err
    assert history_file.read_text().endswith('"kind": 3}\n')  # left as it was
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - docgen:\n      benchmarks:\n        keep_runs: -1\n"
    )
    assert main(["bench", "record", "r.json"]) == 2
    assert "mkdocs.yml: error[DG023]: benchmarks: keep_runs is -1" in capsys.readouterr().err


def test_record_when_the_history_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / ".docgen").write_text("a file where the folder should be\n")
    monkeypatch.chdir(root)
    bmf(root / "r.json", {"a": 1.0})
    assert main(["bench", "record", "r.json"]) == 1
    assert "error[DG025]: the benchmark history cannot be written" in capsys.readouterr().err


# -- on the Pages branch -----------------------------------------------------------------


def runs_on(remote: Path, branch: str = "gh-pages") -> list[list[object]]:
    data = json.loads(show(remote, branch, "_benchmarks/runs.json"))
    runs: list[list[object]] = data["runs"]
    return runs


def test_record_with_push_and_load_from_the_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, work = remote_and_clone(tmp_path)
    monkeypatch.chdir(work)
    bmf(tmp_path / "r.json", {"parse/small": 1000.0, "parse/big": 2000.0})
    args = ["bench", "record", str(tmp_path / "r.json"), "--commit", "abc", "--push"]
    assert main([*args, "--date", "2026-01-01"]) == 0
    assert "into gh-pages:_benchmarks and pushed (" in capsys.readouterr().out
    tree = files(remote, "gh-pages")
    assert "_benchmarks/runs.json" in tree
    assert len([p for p in tree if p.startswith("_benchmarks/series/")]) == 2
    assert main([*args, "--date", "2026-01-02"]) == 0
    assert [r[:3] for r in runs_on(remote)] == [
        [1, "2026-01-01T00:00:00Z", "abc"],
        [2, "2026-01-02T00:00:00Z", "abc"],
    ]
    capsys.readouterr()
    assert not (work / ".docgen").exists()  # --push leaves the local file alone
    # Another clone has no local branch, only the remote's: load reads that, and follows
    # it once fetched, even past a local branch left behind.
    _, other = remote_and_clone(tmp_path, "other")
    git(other, "branch", "gh-pages", "origin/gh-pages")
    assert main([*args, "--date", "2026-01-03"]) == 0
    found, problems = load(config_of(other))
    assert (len(found.runs), problems) == (2, ())
    git(other, "fetch", "--quiet", "origin")
    found, problems = load(config_of(other))
    assert (len(found.runs), problems) == (3, ())
    assert found.get("parse/big::latency") is not None
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "--quiet")
    assert load(config_of(empty)) == (History(), ())
    assert load(config_of(tmp_path / "no-git-here")) == (History(), ())
    # A broken history on the branch is refused, and the branch is left as it was.
    before = git(remote, "rev-parse", "gh-pages")
    broken = replace(config_of(work))
    git(work, "checkout", "--quiet", "gh-pages")
    (work / "_benchmarks" / "runs.json").write_text("[]\n")
    git(work, "commit", "--quiet", "-am", "break it")
    git(work, "checkout", "--quiet", "main")
    done = record_branch(broken, [result({"a": 1.0})], Stamp("2026-01-04"), push=False)
    assert not done.ok
    assert [d.code for d in done.diagnostics][-1] == "DG021"
    assert done.diagnostics[-1].location is not None
    assert done.diagnostics[-1].location.path == "gh-pages:_benchmarks/runs.json"
    assert git(remote, "rev-parse", "gh-pages") == before
    _, problems = load(config_of(work))
    assert [d.code for d in problems] == ["DG021"]


def test_history_survives_deploys_and_version_deletes(tmp_path: Path) -> None:
    _, work = remote_and_clone(tmp_path)
    config = config_of(work)
    first = record_branch(config, [result({"a": 1.0})], Stamp("2026-01-01", "c1"))
    assert first.ok
    assert first.pushed
    for version in ("1.0", "2.0"):
        site = make_site(tmp_path / f"site-{version}", version)
        assert deploy.publish(site, version, repo=work, push=True, make_default=True).ok
    assert deploy.delete(work, ["1.0"], push=True).ok
    second = record_branch(config, [result({"a": 2.0})], Stamp("2026-01-02", "c2"))
    assert second.ok
    tree = files(work, "gh-pages")
    assert "2.0/index.html" in tree
    assert "1.0/index.html" not in tree
    listed = deploy.list_versions(work)
    assert [v.name for v in listed.versions] == ["2.0"]
    assert listed.default == "2.0"
    assert json.loads(show(work, "gh-pages", "versions.json"))[0]["version"] == "2.0"
    found, _ = load(config)
    assert [p.value for p in found.series[0].points] == [1.0, 2.0]


def test_record_keeps_the_branch_history_short_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, work = remote_and_clone(tmp_path)
    monkeypatch.chdir(work)
    results = str(bmf(tmp_path / "r.json", {"a": 1.0}))
    for day in range(1, 5):
        args = ["bench", "record", results, "--push", "--date", f"2026-01-0{day}"]
        assert main([*args, "--squash-history", "2"]) == 0
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert len(runs_on(remote)) == 4  # the history's runs all stay: only git's is short
    assert main(["bench", "record", results, "--push", "--squash-history", "0"]) == 2
    assert "--squash-history" in capsys.readouterr().err
    config = replace(config_of(work), deploy=DeployConfig(squash_history=1))
    assert record_branch(config, [result({"a": 2.0})], Stamp("2026-01-09")).ok
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"


_RECORD = """\
import sys
from pathlib import Path
from docgen.cli import main
sys.exit(main(["bench", "record", sys.argv[1], "--push", "--commit", sys.argv[2]]))
"""


def test_two_records_started_at_once_both_land(tmp_path: Path) -> None:
    jobs = []
    for name in ("a", "b"):
        _, clone = remote_and_clone(tmp_path, name)
        results = bmf(tmp_path / f"{name}.json", {f"bench_{name}": 10.0, "common": 5.0})
        jobs.append(
            subprocess.Popen(
                [sys.executable, "-c", _RECORD, str(results), name * 8],
                cwd=clone,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, out + err
    remote = tmp_path / "remote.git"
    assert sorted(str(r[2]) for r in runs_on(remote)) == ["aaaaaaaa", "bbbbbbbb"]
    found = history.from_branch(
        {
            p.removeprefix("_benchmarks/"): show(remote, "gh-pages", p).encode() + b"\n"
            for p in files(remote, "gh-pages")
            if p.startswith("_benchmarks/")
        },
        "gh-pages:_benchmarks",
    )
    assert len(found.get("common::latency").points) == 2  # type: ignore[union-attr]
    assert found.get("bench_a::latency") is not None
    assert found.get("bench_b::latency") is not None
