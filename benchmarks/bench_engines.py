"""Engines: `docgen build` on MkDocs, ProperDocs and Zensical, and the engines alone.

Makes one site of N Material-style pages (the lint benchmark's page: front matter,
admonitions, tabs, tables, code, links) in a temp dir, then, side by side in one run,
every build cold (no site, no cache folder, `--no-cache`):

- `docgen build --offline --no-cache` with each engine (`--engine mkdocs|properdocs|zensical`);
- each engine alone on the same pages, without docgen: `mkdocs build`, `properdocs build`,
  `zensical build`.

Goals (issue 16): docgen on Zensical ≤ 0.6x docgen on MkDocs; docgen on ProperDocs
≤ 1.05x docgen on MkDocs. Times are wall-clock and CPU seconds of the command and its
children: Zensical renders on several threads, so its CPU time can exceed its wall time,
and on a busy machine CPU time is the steadier figure. `--repeat` runs each command
again and keeps its fastest run.

    python benchmarks/bench_engines.py          # quick: 200 pages (a few minutes)
    python benchmarks/bench_engines.py --full   # the issue's size: 1,000 pages
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lint import PAGE  # the same page as the lint benchmark: a realistic mix

CONFIG = """site_name: bench
theme:
  name: material
plugins:
  - search
{docgen}markdown_extensions:
  - admonition
  - attr_list
  - tables
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - toc:
      permalink: true
"""


def make_site(root: Path, pages: int, docgen: bool) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nThe [first page](page0.md).\n", encoding="utf-8")
    for n in range(pages):
        text = PAGE.format(n=n, m=(n + 1) % pages)
        (docs / f"page{n}.md").write_text(text, encoding="utf-8")
    plugin = "  - docgen\n" if docgen else ""
    (root / "mkdocs.yml").write_text(CONFIG.format(docgen=plugin), encoding="utf-8")
    return root / "mkdocs.yml"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one cold run of `command` in `root`."""
    for leftover in ("site", ".cache"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if done.returncode not in (0, 1):  # docgen exits 1 on findings; the site is built
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    if not (root / "site" / "index.html").is_file():
        raise SystemExit(f"{' '.join(command)} built no site:\n{done.stderr[-3000:]}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,000 pages (default: 200)")
    parser.add_argument("--pages", type=int, help="number of pages")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest counts")
    args = parser.parse_args()
    pages = args.pages or (1000 if args.full else 200)
    missing = [m for m in ("zensical", "properdocs") if importlib.util.find_spec(m) is None]
    if missing:
        raise SystemExit(f"pip install {' '.join(missing)} (or pip install -e '.[dev]')")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    python = sys.executable
    docgen = [python, "-m", "docgen", "build", "--offline", "--no-cache"]
    commands = {
        "docgen build (mkdocs)": (True, docgen),
        "docgen build --engine properdocs": (True, [*docgen, "--engine", "properdocs"]),
        "docgen build --engine zensical": (True, [*docgen, "--engine", "zensical"]),
        "mkdocs build": (False, [python, "-m", "mkdocs", "build", "-q"]),
        "properdocs build": (False, [python, "-m", "properdocs", "build", "-q"]),
        "zensical build": (False, [python, "-m", "zensical", "build"]),
    }
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        roots = {True: Path(tmp) / "docgen", False: Path(tmp) / "bare"}
        for with_docgen, root in roots.items():
            make_site(root, pages, with_docgen)
        for _ in range(args.repeat):
            for label, (with_docgen, command) in commands.items():
                wall, cpu = timed(command, roots[with_docgen])
                old = best.get(label)
                best[label] = (wall, cpu) if old is None or wall < old[0] else old
                print(f"  {label:34} {wall:7.2f} s wall {cpu:7.2f} s CPU", flush=True)

    def ratio(a: str, b: str) -> str:
        (wa, ca), (wb, cb) = best[a], best[b]
        return f"{wa / wb:5.2f}x wall, {ca / cb:5.2f}x CPU"

    print(f"pages: {pages + 1}, cold, --no-cache, best of {args.repeat}")
    for label, (wall, cpu) in best.items():
        print(f"{label:36} {wall:7.2f} s wall {cpu:7.2f} s CPU")
    mk, zen, pro = (
        "docgen build (mkdocs)",
        "docgen build --engine zensical",
        "docgen build --engine properdocs",
    )
    print(f"ratio docgen zensical / mkdocs:        {ratio(zen, mk)} (goal <= 0.6x)")
    print(f"ratio docgen properdocs / mkdocs:      {ratio(pro, mk)} (goal <= 1.05x)")
    print(f"ratio zensical alone / mkdocs alone:   {ratio('zensical build', 'mkdocs build')}")
    print(f"ratio properdocs alone / mkdocs alone: {ratio('properdocs build', 'mkdocs build')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
