"""Benchmark: docgen's examples stage against pytest-markdown-docs, side by side.

400 Python examples over 40 pages, generated into a temporary folder, run by:

1. docgen with `-j` = number of cores (no cache),
2. docgen with `-j 1` (no cache),
3. pytest-markdown-docs (`pip install pytest-markdown-docs`; all pages in one process,
   no isolation — docgen isolates each page in its own sandboxed subprocess),
4. docgen again with a warm cache (nothing changed since the cached run).

Usage: `python benchmarks/bench_examples.py [--pages 40] [--per-page 10]
[--pytest-markdown-docs-path DIR]` (the last adds DIR to PYTHONPATH for pytest, for a
`pip install --target DIR pytest-markdown-docs`). Goals: parallel >= 1.7x faster than
-j 1 on 2 cores, <= 2x pytest-markdown-docs' time, warm rerun <= 10 % of cold.
"""

from __future__ import annotations

import argparse
import os
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
    started = time.perf_counter()
    result = check(config, documents)
    seconds = time.perf_counter() - started
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--pytest-markdown-docs-path", default=None)
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-examples-") as name:
        folder = Path(name)
        documents = generate(folder, args.pages, args.per_page)
        total = args.pages * args.per_page
        print(f"{total} Python examples over {args.pages} pages, {cores} cores")
        parallel, summary = run_docgen(folder, documents, cores, cache=False)
        assert summary["passed"] == total, summary
        serial, _ = run_docgen(folder, documents, 1, cache=False)
        other = run_pytest_markdown_docs(folder, args.pytest_markdown_docs_path)
        cold, _ = run_docgen(folder, documents, cores, cache=True)
        warm, warm_summary = run_docgen(folder, documents, cores, cache=True)
        assert warm_summary["pages_cached"] == args.pages, warm_summary
    print(f"docgen -j {cores}:            {parallel:6.2f} s")
    print(f"docgen -j 1:            {serial:6.2f} s")
    if other is None:
        print("pytest-markdown-docs:     not installed (pip install pytest-markdown-docs)")
    else:
        print(f"pytest-markdown-docs:   {other:6.2f} s")
    print(f"docgen cold (cache on): {cold:6.2f} s")
    print(f"docgen warm (cached):   {warm:6.2f} s")
    print()
    print(f"parallel speed-up (-j 1 / -j {cores}):       {serial / parallel:5.2f}x  (goal >= 1.7x)")
    if other is not None:
        print(f"docgen / pytest-markdown-docs:        {parallel / other:5.2f}x  (goal <= 2x)")
    print(f"warm / cold:                          {100 * warm / cold:5.1f} %  (goal <= 10 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
