"""The benchmarks stage: read 1,000 result files and render the Performance pages.

Writes 1,000 result files (a run each of the same 100 benchmarks, in one format:
pytest-benchmark by default, or Google Benchmark, go test, github-action-benchmark or
Bencher with `--format`), then times docgen reading them (`results.read`), keeping them as a history
(`history.add`, one run per file, retention on) and making the pages (`pages.pages`: an
overview, a page per group, an SVG chart per benchmark with its steps). The anchor is
`json.loads`/`str.splitlines` of the same files: the least any reader can do.

    python benchmarks/bench_benchmarks.py             # 1,000 files x 100 benchmarks
    python benchmarks/bench_benchmarks.py --files 200 # quicker
    python benchmarks/bench_benchmarks.py --format go # another format

Goal (issue 17): reading 1,000 files and rendering the pages in <= 2 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.benchmarks import history, pages, results  # noqa: E402
from docgen.benchmarks.model import Point, Run, Series  # noqa: E402
from docgen.benchmarks.storage import RecordedRun  # noqa: E402
from docgen.config import BenchmarksConfig, DocgenConfig  # noqa: E402

BENCHMARKS = 100
GROUPS = 10


def _value(run: int, bench: int, rng: random.Random) -> float:
    base = 1e-3 * (1 + bench % 17)
    step = 1.3 if bench % 10 == 0 and run >= 600 else 1.0  # a real step on 10 benchmarks
    return base * step * rng.uniform(0.98, 1.02)


def _name(bench: int) -> tuple[str, str]:
    return f"group{bench % GROUPS}", f"bench{bench:03d}"


FORMATS = ("pytest-benchmark", "google-benchmark", "go", "github-action-benchmark", "bencher")


def write(folder: Path, files: int, kind: int = 0) -> list[Path]:
    """`files` result files, one run each of the same benchmarks, in format `FORMATS[kind]`."""
    rng = random.Random(7)
    made: list[Path] = []
    for run in range(files):
        values = [_value(run, b, rng) for b in range(BENCHMARKS)]
        stamp = f"2026-{1 + run // 100 % 12:02d}-{1 + run % 28:02d}T12:00:00+00:00"
        if kind == 0:  # pytest-benchmark
            data: object = {
                "machine_info": {"node": "ci"},
                "commit_info": {"id": f"{run:040x}"},
                "datetime": stamp,
                "version": "5.2.3",
                "benchmarks": [
                    {
                        "group": _name(b)[0],
                        "name": _name(b)[1],
                        "fullname": f"tests/bench.py::{_name(b)[1]}",
                        "stats": {"mean": v, "min": v, "max": v, "rounds": 5},
                    }
                    for b, v in enumerate(values)
                ],
            }
            text = json.dumps(data)
            suffix = "json"
        elif kind == 1:  # Google Benchmark
            data = {
                "context": {"date": stamp, "host_name": "ci"},
                "benchmarks": [
                    {
                        "name": "/".join(_name(b)),
                        "run_name": "/".join(_name(b)),
                        "run_type": "iteration",
                        "iterations": 1000,
                        "real_time": v * 1e9,
                        "cpu_time": v * 1e9,
                        "time_unit": "ns",
                    }
                    for b, v in enumerate(values)
                ],
            }
            text = json.dumps(data)
            suffix = "json"
        elif kind == 2:  # go test -bench
            lines = ["goos: linux", "goarch: amd64", "pkg: example.org/bench"]
            lines += [
                f"Benchmark{_name(b)[0].title()}/{_name(b)[1]}-8 \t 1000\t {v * 1e9:.1f} ns/op"
                for b, v in enumerate(values)
            ]
            text = "\n".join([*lines, "PASS", "ok  \texample.org/bench\t1.2s", ""])
            suffix = "txt"
        elif kind == 3:  # github-action-benchmark, customSmallerIsBetter
            data = [
                {"name": "/".join(_name(b)), "unit": "ms", "value": v * 1e3}
                for b, v in enumerate(values)
            ]
            text = json.dumps(data)
            suffix = "json"
        else:  # Bencher Metric Format
            data = {
                "/".join(_name(b)): {"latency": {"value": v * 1e9}} for b, v in enumerate(values)
            }
            text = json.dumps(data)
            suffix = "json"
        path = folder / f"run{run:04d}.{suffix}"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def anchor(files: list[Path]) -> float:
    """Seconds to parse every file and do nothing with it."""
    start = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        else:
            text.splitlines()
    return time.perf_counter() - start


def _history(runs: list[Run]) -> history.History:
    """The history those runs make: one recorded run per file, a point per benchmark."""
    recorded = [
        RecordedRun(n, f"2026-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z", f"{n:040x}")
        for n in range(len(runs))
    ]
    points: dict[str, list[Point]] = {}
    first: dict[str, Series] = {}
    for run, stamp in zip(runs, recorded, strict=True):
        for one in run.series:
            first.setdefault(one.key, one)
            value = one.points[0].value
            points.setdefault(one.key, []).append(
                Point(value, commit=stamp.commit, date=stamp.date)
            )
    series = tuple(
        replace(first[key], points=tuple(found)) for key, found in sorted(points.items())
    )
    return history.History(series, tuple(recorded))


def docgen(root: Path, files: list[Path]) -> dict[str, float]:
    """Seconds to read the files, to load their history from its file, to make the pages."""
    config = DocgenConfig(
        root=root, docs_dir=root / "docs", site_dir=root / "site", benchmarks=BenchmarksConfig()
    )
    took: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    read = results.read(config, [str(f) for f in files])
    assert not read.diagnostics, read.diagnostics[:3]
    took["read"] = time.perf_counter() - start
    kept = root / ".docgen" / "benchmarks.history"
    kept.parent.mkdir()
    writing = time.process_time()
    history.write_file(kept, _history(list(read.runs)))  # recording is not part of a build
    took["write cpu"] = time.process_time() - writing
    took["history bytes"] = kept.stat().st_size
    start = time.perf_counter()
    recorded = history.read_file(kept, ".docgen/benchmarks.history")
    took["load"] = time.perf_counter() - start
    start = time.perf_counter()
    made = pages.pages(config, recorded.series, list(read.runs[-1].series))
    took["pages"] = time.perf_counter() - start
    took["count"] = len(made)
    took["cpu"] = time.process_time() - cpu - took.pop("write cpu")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="result files (default 1000)")
    parser.add_argument("--format", choices=FORMATS, default=FORMATS[0], help="their format")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-benchmarks-") as tmp:
        root = Path(tmp)
        (root / "docs").mkdir()
        folder = root / "results"
        folder.mkdir()
        files = write(folder, args.files, FORMATS.index(args.format))
        parsed = anchor(files)
        took = docgen(root, files)
    print(f"{args.files} {args.format} files x {BENCHMARKS} benchmarks, {took['count']:.0f} pages")
    print(f"  read     {took['read']:.2f} s (anchor: json.loads of the same files {parsed:.2f} s)")
    print(f"  history  {took['load']:.2f} s to load, {took['history bytes'] / 1e6:.2f} MB")
    print(f"  pages    {took['pages']:.2f} s (a chart per benchmark over {args.files} runs)")
    total = took["read"] + took["load"] + took["pages"]
    print(f"read + history + pages: {total:.2f} s wall, {took['cpu']:.2f} s CPU (goal <= 2 s)")
    print(f"ratio read / anchor: {took['read'] / parsed:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
