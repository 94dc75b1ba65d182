"""Benchmark the diagrams stage against its anchors; prints figures and ratios.

(a) Validating N diagrams (default 200) in docgen's one batched Node process, against one
    Node process per diagram (mmdc is not installed: it downloads its own browser). The
    per-process side runs a sample (default 10) and is extrapolated to N, as labelled.
(b) Building a site of P pages (default 200; the issue's figure is --pages 1000) of which
    D (default 50) have a diagram: Material with docgen (diagrams stage only, validation
    on) against bare Material without diagrams. Goal: at most 1.3x.

    python benchmarks/bench_diagrams.py [--diagrams 200] [--sample 10] [--pages 200]

Needs `docgen setup` first (the script runs it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from docgen.diagrams import setup, validate

KINDS = [
    "flowchart LR\n  A{i}[Start] --> B{i}{{Choice}}\n  B{i} -- yes --> C{i}\n"
    "  B{i} -- no --> D{i}\n",
    "sequenceDiagram\n  Alice->>Bob: hello {i}\n  Bob-->>Alice: hi\n",
    "classDiagram\n  Animal{i} <|-- Duck{i}\n  Animal{i} : +int age\n",
    "stateDiagram-v2\n  [*] --> S{i}\n  S{i} --> [*]\n",
    'pie title Share {i}\n  "a" : {i}\n  "b" : 3\n',
]


def diagrams(count: int) -> list[str]:
    return [KINDS[i % len(KINDS)].replace("{i}", str(i)) for i in range(count)]


def bench_validation(count: int, sample: int) -> None:
    texts = diagrams(count)
    started = time.perf_counter()
    outcomes = validate.parse(texts)
    batched = time.perf_counter() - started
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
    started = time.perf_counter()
    for text in texts[:sample]:
        (outcome,) = validate.parse([text])
        assert outcome.ok
    per_process = (time.perf_counter() - started) / sample
    print(f"(a) validate {count} diagrams")
    print(f"    docgen, one batched Node process: {batched:8.2f} s")
    print(
        f"    one Node process per diagram:     {per_process * count:8.2f} s"
        f"  (extrapolated from {sample}: {per_process:.2f} s each)"
    )
    print(f"    ratio per-diagram / batched:      {per_process * count / batched:8.1f}x")


def _project(
    root: Path, pages: int, with_diagrams: int, docgen: bool, diagrams_stage: bool = True
) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for i in range(pages):
        body = f"# Page {i}\n\nSome text for page {i}.\n\n## Section\n\nMore text.\n"
        if docgen and i < with_diagrams:
            body += f"\n```mermaid\n{diagrams(i + 1)[i]}```\n"
        (docs / f"page{i:04}.md").write_text(body, encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    off = "" if diagrams_stage else "      diagrams: false\n"
    plugin = (
        "  - docgen:\n      pipelines: false\n      examples: false\n      links: false\n"
        "      quality_page: false\n" + off
        if docgen
        else ""
    )
    fences = "" if docgen else "markdown_extensions:\n  - pymdownx.superfences\n"
    (root / "mkdocs.yml").write_text(
        f"site_name: bench\ntheme:\n  name: material\nplugins:\n  - search\n{plugin}{fences}",
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


def _build(config: Path, docgen: bool) -> float:
    command = (
        ["docgen", "build", "-f", str(config), "--offline"]
        if docgen
        else ["mkdocs", "build", "-q", "-f", str(config)]
    )
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds


def bench_build(pages: int, with_diagrams: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-diagrams-") as tmp:
        bare = _project(Path(tmp) / "bare", pages, 0, docgen=False)
        plain = _project(Path(tmp) / "plain", pages, 0, docgen=True, diagrams_stage=False)
        ours = _project(Path(tmp) / "docgen", pages, with_diagrams, docgen=True)
        bare_s = _build(bare, docgen=False)
        plain_s = _build(plain, docgen=True)
        ours_s = _build(ours, docgen=True)
        report = json.loads((ours.parent / "site" / "report.json").read_text(encoding="utf-8"))
    stage = report["stages"]["diagrams"]
    print(f"(b) build {pages} pages, {with_diagrams} with a diagram")
    print(f"    bare Material, no diagrams:       {bare_s:8.2f} s")
    print(f"    docgen plugin, no diagrams stage: {plain_s:8.2f} s")
    print(f"    docgen plugin with diagrams:      {ours_s:8.2f} s")
    print(f"    ratio docgen / bare:              {ours_s / bare_s:8.2f}x  (goal <= 1.3x)")
    print(f"    ratio diagrams on / off:          {ours_s / plain_s:8.2f}x")
    print(f"    diagrams stage: {stage['seconds']:.2f} s, {stage['summary']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--diagrams", type=int, default=200)
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--with-diagrams", type=int, default=50)
    args = parser.parse_args()
    result = setup.install()
    if not result.ok:
        raise SystemExit(result.message)
    bench_validation(args.diagrams, args.sample)
    bench_build(args.pages, args.with_diagrams)


if __name__ == "__main__":
    main()
