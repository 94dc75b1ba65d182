"""The benchmark history on a Pages branch: how much the branch grows over many runs.

docgen's branch holds what `docgen bench record --push` writes: `_benchmarks/runs.json`
and one file per series, rewritten in place, a commit per run (streamed to `git
fast-import`; `--transaction` runs `record_branch` itself for each run, which is slower
and writes the same files). The anchor is github-action-benchmark's approach, simulated in
the same run: one `dev/bench/data.js` (`window.BENCHMARK_DATA = ` and the JSON, indented
by two, as the action writes it), to which every run appends an entry with its commit and
benches, a commit per run.

Both repositories are then packed alike (`git repack -a -d -f`) and measured: the packed
`.git` size, the size of the files at the branch's tip (what a reader of the site
downloads), and docgen's local history file. No network, no farm: git and Python only.

    python benchmarks/bench_history.py                # 100 runs of 20 benchmarks (CI, --quick)
    python benchmarks/bench_history.py --full         # 1,000 runs of 100 benchmarks (minutes)
    python benchmarks/bench_history.py --full --samples 0   # results without samples
    python benchmarks/bench_history.py --squash-history 10  # docgen's branch kept short
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from docgen.benchmarks import history, storage
from docgen.benchmarks.model import Point, Run, Series
from docgen.benchmarks.record import Stamp, record_branch
from docgen.config import BenchmarksConfig, DocgenConfig

IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
PREFIX = "window.BENCHMARK_DATA = "


def names(count: int) -> list[str]:
    return [f"group{n // 10}/bench_{n:03d}_parse_document" for n in range(count)]


def measured(rng: random.Random, benches: list[str], samples: int) -> dict[str, list[float]]:
    """Each benchmark's samples in one run (seconds): a base per benchmark, ±2 % noise."""
    out = {}
    for index, name in enumerate(benches):
        base = 1e-6 * (1 + index) * (1 + rng.uniform(-0.02, 0.02))
        out[name] = [base * rng.gauss(1, 0.02) for _ in range(max(samples, 1))]
    return out


def docgen_run(values: dict[str, list[float]], samples: int) -> Run:
    series = tuple(
        Series(
            name,
            "time",
            "s",
            "smaller",
            (Point(sum(v) / len(v), tuple(v) if samples else ()),),
            name.partition("/")[0],
        )
        for name, v in values.items()
    )
    return Run("results.json", "pytest-benchmark", series)


def action_entry(commit: str, stamp: float, values: dict[str, list[float]]) -> dict[str, object]:
    """One entry of data.js, as github-action-benchmark writes it (a push to main)."""
    person = {"email": "dev@example.org", "name": "A Developer", "username": "developer"}
    benches = []
    for name, v in values.items():
        mean = sum(v) / len(v)
        spread = (max(v) - min(v)) / 2
        benches.append(
            {
                "name": name,
                "value": round(mean * 1e9, 2),
                "range": f"± {spread * 1e9:.2f}",
                "unit": "ns/iter",
            }
        )
    return {
        "commit": {
            "author": person,
            "committer": person,
            "distinct": True,
            "id": commit,
            "message": f"Change number {int(commit[:8], 16)} of the parser",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(stamp)),
            "tree_id": commit[::-1],
            "url": f"https://github.com/example/project/commit/{commit}",
        },
        "date": int(stamp * 1000),
        "tool": "pytest",
        "benches": benches,
    }


class DataJs:
    """data.js, appended to run after run; each entry is serialized once."""

    def __init__(self) -> None:
        self.entries: list[str] = []

    def add(self, entry: dict[str, object]) -> None:
        text = json.dumps(entry, indent=2, ensure_ascii=False)
        self.entries.append("\n".join("      " + line for line in text.splitlines()))

    def text(self, stamp: float) -> str:
        head = (
            f'{PREFIX}{{\n  "lastUpdate": {int(stamp * 1000)},\n'
            '  "repoUrl": "https://github.com/example/project",\n'
            '  "entries": {\n    "Benchmark": [\n'
        )
        return head + ",\n".join(self.entries) + "\n    ]\n  }\n}"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def packed(repo: Path) -> int:
    """The repository's size once fully packed (`git repack -a -d -f`: deltas found again,
    whatever wrote the objects), in bytes."""
    git(repo, "reflog", "expire", "--expire=now", "--all")  # a remote keeps no reflog
    git(repo, "repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50")
    git(repo, "prune", "--expire=now")  # what the squash left behind, as a remote's gc does
    found = dict(
        line.split(": ") for line in git(repo, "count-objects", "-v").splitlines() if ": " in line
    )
    return (int(found["size-pack"]) + int(found["size"])) * 1024


def new_repo(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "--quiet", "-b", "main")
    git(path, "commit", "--quiet", "--allow-empty", "-m", "start")
    return path


def _data(content: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(content), content)


class PagesBranch:
    """A commit per run on `gh-pages`, streamed to one `git fast-import`: only the files
    that changed are written, as a push of that commit would send them."""

    def __init__(self, repo: Path) -> None:
        self.process = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"],
            cwd=repo,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self.files: dict[str, bytes] = {}

    def commit(self, files: dict[str, bytes], message: str, when: int) -> None:
        chunks = [
            b"commit refs/heads/gh-pages\n",
            b"committer Bench <bench@example.org> %d +0000\n" % when,
            _data(message.encode()),
        ]
        chunks += [b"D %s\n" % p.encode() for p in sorted(set(self.files) - set(files))]
        for path, content in files.items():
            if self.files.get(path) != content:
                chunks += [b"M 100644 inline %s\n" % path.encode(), _data(content)]
        self.files = dict(files)
        assert self.process.stdin is not None
        self.process.stdin.write(b"".join(chunks))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"done\n")
        self.process.stdin.close()
        assert self.process.wait() == 0


def record(
    kept: history.History, run: Run, stamp: Stamp, settings: BenchmarksConfig
) -> history.History:
    return history.add(
        kept,
        [run],
        commit=stamp.commit,
        version=stamp.version,
        date=stamp.date,
        machine=stamp.machine,
        keep_runs=settings.keep_runs,
        keep_days=settings.keep_days,
        keep_samples=settings.keep_samples,
        keep_releases=settings.keep_releases,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="100 runs of 20 benchmarks (default)")
    size.add_argument("--full", action="store_true", help="1,000 runs of 100 benchmarks")
    parser.add_argument("--runs", type=int, help="runs recorded (default 100; --full 1,000)")
    parser.add_argument(
        "--benchmarks", type=int, help="benchmarks per run (default 20; --full 100)"
    )
    parser.add_argument(
        "--samples", type=int, default=100, help="samples per benchmark (default 100, criterion's)"
    )
    parser.add_argument(
        "--transaction",
        action="store_true",
        help="record each run with record_branch (docgen bench record --push) itself, "
        "not by streaming the same files: slower, same branch",
    )
    parser.add_argument(
        "--squash-history",
        type=int,
        default=0,
        metavar="N",
        help="docgen keeps only the last N commits of the branch (implies --transaction)",
    )
    args = parser.parse_args()
    args.transaction = args.transaction or args.squash_history > 0
    runs = args.runs or (1000 if args.full else 100)
    count = args.benchmarks or (100 if args.full else 20)
    os.environ.update(IDENTITY)
    benches = names(count)
    rng = random.Random(17)
    start = 1_760_000_000
    settings = BenchmarksConfig()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-history-") as tmp:
        ours = new_repo(Path(tmp) / "docgen")
        theirs = new_repo(Path(tmp) / "action")
        config = DocgenConfig(ours, ours / "docs", ours / "site", benchmarks=settings)
        docgen_branch = None if args.transaction else PagesBranch(ours)
        action_branch = PagesBranch(theirs)
        data = DataJs()
        kept = history.History()
        spent = {"docgen": 0.0, "anchor": 0.0}
        for number in range(runs):
            commit = f"{rng.getrandbits(160):040x}"
            stamp = start + number * 3600
            values = measured(rng, benches, args.samples)
            date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
            began = time.perf_counter()
            run = docgen_run(values, args.samples)
            if docgen_branch is None:
                done = record_branch(
                    config,
                    [run],
                    Stamp(date, commit),
                    push=False,
                    fetch=False,
                    squash_history=args.squash_history,
                )
                assert done.ok, done.diagnostics
                kept = done.history
            else:
                kept = record(kept, run, Stamp(date, commit), settings)
                files = storage.branch_files(kept.runs, kept.series)
                message = f"Recorded benchmarks of {commit[:10]} ({count} series)"
                docgen_branch.commit(
                    {f"{storage.FOLDER}/{p}": d for p, d in files.items()}, message, stamp
                )
            middle = time.perf_counter()
            data.add(action_entry(commit, stamp, values))
            content = data.text(stamp).encode()
            message = f"add Benchmark benchmark result for {commit}"
            action_branch.commit({"dev/bench/data.js": content}, message, stamp)
            spent["docgen"] += middle - began
            spent["anchor"] += time.perf_counter() - middle
        if docgen_branch is not None:
            docgen_branch.close()
        action_branch.close()
        files = storage.branch_files(kept.runs, kept.series)
        tip = {"docgen": sum(len(d) for d in files.values()), "anchor": len(content)}
        local = Path(tmp) / "benchmarks.history"
        history.write_file(local, kept)
        local_size = local.stat().st_size
        began = time.perf_counter()
        sizes = {"docgen": packed(ours), "anchor": packed(theirs)}
        packing = time.perf_counter() - began
    mb = 1024 * 1024
    squashed = f", docgen's branch squashed to {args.squash_history}" if args.squash_history else ""
    print(f"{runs} runs of {count} benchmarks, {args.samples} samples each{squashed}")
    print(
        f"  docgen : .git packed {sizes['docgen'] / mb:6.2f} MB, branch tip "
        f"{tip['docgen'] / mb:6.2f} MB, local file {local_size / mb:5.2f} MB"
    )
    print(
        f"  data.js: .git packed {sizes['anchor'] / mb:6.2f} MB, "
        f"branch tip {tip['anchor'] / mb:6.2f} MB"
    )
    print(f"  docgen record: {spent['docgen'] / runs * 1000:.0f} ms per run")
    print(f"  data.js record: {spent['anchor'] / runs * 1000:.0f} ms per run")
    print(f"  packing both: {packing:.1f} s")
    print(f"  ratio docgen / data.js, packed .git: {sizes['docgen'] / sizes['anchor']:.2f}x")
    print(f"  ratio docgen / data.js, branch tip: {tip['docgen'] / tip['anchor']:.2f}x")


def check_layout() -> None:
    """data.js as assembled here is byte for byte what JSON.stringify(data, null, 2) gives."""
    entries = [action_entry("ab" * 20, 1.0, {"x/y": [1e-6, 2e-6]}) for _ in range(2)]
    data = DataJs()
    for entry in entries:
        data.add(entry)
    whole = {
        "lastUpdate": 5000,
        "repoUrl": "https://github.com/example/project",
        "entries": {"Benchmark": entries},
    }
    assert data.text(5.0) == PREFIX + json.dumps(whole, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    check_layout()
    main()
