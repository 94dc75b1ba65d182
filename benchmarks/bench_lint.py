"""Lint: docgen's lint stage vs pymarkdownlnt's own CLI, on the same pages, side by side.

Generates N Material-style pages (front matter, admonitions, tabs, tables, code, lists),
then times `pymarkdown scan` (with the very configuration docgen uses) and docgen's whole
lint stage (pymarkdownlnt + structure, completeness and spelling rules) over them. The
goal: docgen adds at most 20 % (ratio ≤ 1.2x). Times are CPU seconds of the work, so a
busy machine skews both sides alike; wall-clock times are printed too.

    python benchmarks/bench_lint.py            # quick: 200 pages (about a minute)
    python benchmarks/bench_lint.py --full     # the issue's size: 500 pages
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen.config import DocgenConfig, LintConfig
from docgen.lint import check, read_docs
from docgen.lint.formatting import settings
from docgen.lint.rules import Rules

PAGE = """---
title: Page {n}
---

# Page {n}

Intro to page {n}, with a link to [the next page](page{m}.md) and `inline code`.

!!! note "About page {n}"

    Admonition text with **bold** words and a list:

    - one
    - two

=== "Python"

    ```python
    print({n})
    ```

=== "Shell"

    ```bash
    echo {n}
    ```

## Options

| Option | Default | Meaning |
|---|---|---|
| `alpha` | `1` | the first option |
| `beta` | `2` | the second option |

## Steps

1.  Install the package.
2.  Write the configuration:

    ```yaml
    plugins:
      - docgen
    ```

3.  Build the site.

## Details

Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor
incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud
exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.

![Diagram of page {n}](img/p{n}.png){{ width="300" }}
"""


def generate(docs: Path, pages: int) -> None:
    docs.mkdir(parents=True)
    for n in range(pages):
        (docs / f"page{n}.md").write_text(PAGE.format(n=n, m=(n + 1) % pages), encoding="utf-8")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="500 pages (default: 200)")
    parser.add_argument("--pages", type=int, help="number of pages")
    args = parser.parse_args()
    pages = args.pages or (500 if args.full else 200)
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        root = Path(tmp)
        generate(root / "docs", pages)
        config = DocgenConfig(
            root=root,
            docs_dir=root / "docs",
            site_dir=root / "site",
            cache_dir=root / ".cache",  # empty: the figure is a cold run, cache writes included
            lint=LintConfig(),
        )
        merged, _, _ = settings(root, Rules({}))
        (root / "pymarkdown.json").write_text(json.dumps(merged), encoding="utf-8")

        before, wall = children_cpu(), time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pymarkdown",
                "-c",
                str(root / "pymarkdown.json"),
                "scan",
                "-r",
                str(root / "docs"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        anchor_cpu, anchor_wall = children_cpu() - before, time.perf_counter() - wall
        anchor_findings = len(done.stdout.splitlines())

        cpu, wall = time.process_time(), time.perf_counter()
        result = check(config, read_docs(config))
        docgen_cpu, docgen_wall = time.process_time() - cpu, time.perf_counter() - wall
        wall = time.perf_counter()
        check(config, read_docs(config))  # nothing changed: every page's findings are kept
        warm_wall = time.perf_counter() - wall

    print(f"pages: {pages}")
    print(
        f"pymarkdown CLI: {anchor_cpu:7.2f} s CPU {anchor_wall:7.2f} s wall, "
        f"{anchor_findings} findings (exit {done.returncode})"
    )
    print(
        f"docgen lint   : {docgen_cpu:7.2f} s CPU {docgen_wall:7.2f} s wall, "
        f"{len(result.diagnostics)} findings"
    )
    print(f"lint ratio (CPU): docgen / pymarkdown = {docgen_cpu / anchor_cpu:.2f}x (goal <= 1.2x)")
    print(f"lint ratio (wall): docgen / pymarkdown = {docgen_wall / anchor_wall:.2f}x")
    print(f"docgen lint again, nothing changed: {warm_wall:.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
