"""Benchmark: docgen's pipelines stage vs plain `yaml.safe_load` (libyaml) on the ruff corpus.

Usage: python benchmarks/bench_pipelines.py [--repeat N]

Prints the best-of-N time of each and the ratios; the target is the whole stage (load,
model, diagnostics and pages) at most 5x the plain YAML load of the same files. The stage
is timed with docgen's own audit; zizmor's run (a separate command, once per build) is
timed on its own line when the command is found.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from docgen.config import DocgenConfig, PipelinesConfig
from docgen.pipelines import generate
from docgen.pipelines.extract import extract
from docgen.pipelines.load import load

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "workflows" / "ruff"


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yml", ".yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / ".github" / "workflows"
        folder.mkdir(parents=True)
        for path in CORPUS.iterdir():
            shutil.copyfile(path, folder / path.name)
        config = DocgenConfig(
            root=root,
            docs_dir=root / "docs",
            site_dir=root / "site",
            pipelines=PipelinesConfig(audit="docgen"),
        )
        with_zizmor = replace(config, pipelines=PipelinesConfig(audit="zizmor"))

        def anchor() -> None:
            for path in files:
                yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def loader() -> None:
            for path in files:
                load(path.read_text(encoding="utf-8"))

        def model() -> None:
            for path in files:
                extract(path.name, path.read_text(encoding="utf-8"))

        def stage() -> None:
            result = generate(config)
            assert result.summary["workflows"] == len(files)

        base = best(anchor, repeat)
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
        print(f"ruff corpus: {len(files)} workflows, {lines} lines, best of {repeat}")
        print(f"yaml.safe_load (CSafeLoader)      {base * 1000:8.1f} ms   1.00x")
        for name, run in (("docgen load (text as written)", loader),
                          ("docgen load + model + diagnostics", model),
                          ("docgen whole stage (with pages)", stage)):  # fmt: skip
            took = best(run, repeat)
            print(f"{name:33s} {took * 1000:8.1f} ms   {took / base:.2f}x")
        if shutil.which("zizmor"):
            took = best(lambda: generate(with_zizmor), max(1, repeat // 10))
            print(f"{'the stage, zizmor auditing':33s} {took * 1000:8.1f} ms   {took / base:.2f}x")


if __name__ == "__main__":
    main()
