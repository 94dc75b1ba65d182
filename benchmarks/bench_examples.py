"""Benchmark: docgen's examples stage against pytest-markdown-docs, side by side.

400 Python examples over 40 pages, generated into a temporary folder, run by:

1. docgen with `-j` = number of cores and with `-j 1`, both without the cache, so both do
   all the work; after one untimed warm-up run (the first run of a process pays imports
   and a cold page cache), the two alternate `--repeat` times and each one's median is
   shown, so a burst of load on the machine hits both alike,
2. pytest-markdown-docs (`pip install pytest-markdown-docs`; all pages in one process,
   no isolation — docgen isolates each page in its own sandboxed subprocess),
3. docgen with the cache on: cold (an empty cache folder, so every page runs and is
   remembered), then warm (nothing changed: every page comes from the cache),
4. with `--cli`, the commands on the same pages (a `mkdocs.yml` with the docgen plugin):
   `docgen --version` (the interpreter and docgen's imports), `docgen check --only
   pipelines` (the command with a stage that has nothing to do: its own start-up) and
   `docgen check --only examples` warm (nothing changed), each `--repeat` times.

The speed-up needs an idle machine: the CPU time other processes used meanwhile (from
/proc/stat) is printed, with a warning when it is more than 10 % of the cores' time. The
CPU seconds (docgen's process and the pages' processes) show both runs did the same work.

Usage: `python benchmarks/bench_examples.py [--pages 40] [--per-page 10] [--repeat 3]
[--pytest-markdown-docs-path DIR] [--cli]` (the last adds DIR to PYTHONPATH for pytest, for a
`pip install --target DIR pytest-markdown-docs`). Goals: parallel >= 1.7x faster than
-j 1 on 2 cores, <= 2x pytest-markdown-docs' time, warm rerun <= 10 % of cold, and a warm
`docgen check --only examples` no slower than the command's own start-up. The load
average before and after is printed: on a shared machine, say it with the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.examples import check
from docgen.model import Document

EXAMPLE = """```python
import math

values = [math.sqrt(i) for i in range({n})]
total = sum(values)
assert total > 0
print(f"{{len(values)}} roots, total {{total:.1f}}")
```
"""


def generate(folder: Path, pages: int, per_page: int) -> list[Document]:
    """Write the pages; return them as docgen's documents."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    documents = []
    for page in range(pages):
        parts = [f"# Page {page}\n"]
        for number in range(per_page):
            parts.append(f"Example {number}.\n")
            parts.append(EXAMPLE.format(n=5_000 + 100 * number + page))
        text = "\n".join(parts)
        (docs / f"page{page:02}.md").write_text(text, encoding="utf-8")
        documents.append(Document(f"page{page:02}.md", text, f"docs/page{page:02}.md"))
    return documents


CPU: list[float] = []  # CPU seconds of each run_docgen call, in order


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (Linux), or 0."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n")[0].split()[1:]
    except OSError:  # not Linux: no warning
        return 0.0
    ticks = [int(field) for field in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_docgen(
    folder: Path, documents: list[Document], jobs: int, *, cache: bool
) -> tuple[float, dict[str, object]]:
    config = DocgenConfig(
        root=folder,
        docs_dir=folder / "docs",
        site_dir=folder / "site",
        cache_dir=folder / ".cache",
        examples=ExamplesConfig(jobs=jobs, cache=cache),
    )
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = check(config, documents)
    seconds = time.perf_counter() - started
    CPU.append(_cpu_seconds() - cpu)
    problems = [d for d in result.diagnostics if d.severity != "info"]
    assert not problems, problems
    return seconds, dict(result.summary)


def run_pytest_markdown_docs(folder: Path, extra_path: str | None) -> float | None:
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, env.get("PYTHONPATH")]))
    probe = subprocess.run(
        [sys.executable, "-c", "import pytest_markdown_docs"],
        env=env,
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return None
    command = [sys.executable, "-m", "pytest", "--markdown-docs", "-q", "-p", "no:cacheprovider"]
    command += ["-o", "addopts=", "-o", "filterwarnings=", "--rootdir", str(folder), "docs"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout.decode()[-2000:]
    return seconds


def _command(folder: Path, args: list[str], repeat: int) -> float:
    """The median wall-clock seconds of `docgen ARGS` run in `folder`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        command = [sys.executable, "-m", "docgen", *args]
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    return statistics.median(times)


def run_cli(folder: Path, repeat: int) -> dict[str, float]:
    """The commands' times on the benchmark's pages, the examples' cache warm."""
    (folder / "mkdocs.yml").write_text("site_name: bench\nplugins:\n  - docgen\n", "utf-8")
    _command(folder, ["check", "--only", "examples"], 1)  # cold: fills the caches
    return {
        "docgen --version": _command(folder, ["--version"], repeat),
        "docgen check --only pipelines": _command(folder, ["check", "--only", "pipelines"], repeat),
        "docgen check --only examples (warm)": _command(
            folder, ["check", "--only", "examples"], repeat
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pytest-markdown-docs-path", default=None)
    parser.add_argument("--cli", action="store_true", help="also time the docgen commands")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-examples-") as name:
        folder = Path(name)
        documents = generate(folder, args.pages, args.per_page)
        total = args.pages * args.per_page
        print(f"{total} Python examples over {args.pages} pages, {cores} cores")
        _, summary = run_docgen(folder, documents, cores, cache=False)  # warm-up
        assert summary["passed"] == total, summary
        parallels, serials, parallel_cpu, serial_cpu = [], [], [], []
        busy, own, wall = _machine_busy_seconds(), _cpu_seconds(), time.perf_counter()
        for _ in range(max(1, args.repeat)):
            seconds, summary = run_docgen(folder, documents, cores, cache=False)
            assert summary["pages_run"] == args.pages, summary
            parallels.append(seconds)
            parallel_cpu.append(CPU[-1])
            seconds, summary = run_docgen(folder, documents, 1, cache=False)
            assert summary["pages_run"] == args.pages, summary
            serials.append(seconds)
            serial_cpu.append(CPU[-1])
        parallel, serial = statistics.median(parallels), statistics.median(serials)
        others = _machine_busy_seconds() - busy - (_cpu_seconds() - own)
        others_share = max(0.0, others) / (cores * (time.perf_counter() - wall))
        other = run_pytest_markdown_docs(folder, args.pytest_markdown_docs_path)
        shutil.rmtree(folder / ".cache", ignore_errors=True)
        cold, cold_summary = run_docgen(folder, documents, cores, cache=True)
        assert cold_summary["pages_run"] == args.pages, cold_summary
        warm, warm_summary = run_docgen(folder, documents, cores, cache=True)
        assert warm_summary["pages_cached"] == args.pages, warm_summary
        commands = run_cli(folder, args.repeat) if args.cli else {}
    runs = ", ".join(f"{s:.2f}" for s in parallels)
    cpu = statistics.median(parallel_cpu)
    print(f"docgen -j {cores}:            {parallel:6.2f} s  (median of {runs}; {cpu:.2f} s CPU)")
    runs = ", ".join(f"{s:.2f}" for s in serials)
    cpu = statistics.median(serial_cpu)
    print(f"docgen -j 1:            {serial:6.2f} s  (median of {runs}; {cpu:.2f} s CPU)")
    if other is None:
        print("pytest-markdown-docs:     not installed (pip install pytest-markdown-docs)")
    else:
        print(f"pytest-markdown-docs:   {other:6.2f} s")
    print(f"docgen cold (cache on): {cold:6.2f} s")
    print(f"docgen warm (cached):   {warm:6.2f} s")
    for command, seconds in commands.items():
        print(f"{command + ':':38} {seconds:6.2f} s")
    print()
    print(f"parallel speed-up (-j 1 / -j {cores}):       {serial / parallel:5.2f}x  (goal >= 1.7x)")
    if other is not None:
        print(f"docgen / pytest-markdown-docs:        {parallel / other:5.2f}x  (goal <= 2x)")
    print(f"warm / cold:                          {100 * warm / cold:5.1f} %  (goal <= 10 %)")
    print(f"other processes' share of the cores during the timed runs: {100 * others_share:.0f} %")
    after = os.getloadavg()
    print(f"load average (1 min) before: {load[0]:.2f}, after: {after[0]:.2f}")
    if others_share > 0.1:
        print("warning: the machine was busy; the speed-up is only meaningful on an idle one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
