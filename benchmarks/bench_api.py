"""Benchmark: a whole `docgen build` of a package's API against mkdocstrings-python and pdoc.

The public modules of an installed package (default: pygments, 307 public modules) are
documented, side by side in one run, by:

1. `docgen build` cold: a new project (API pages, Material, every default check), no cache;
2. `docgen build` warm: the same project again after an unrelated edit (a sentence added
   to the home page), as `mkdocs serve` rebuilds after a save;
3. mkdocstrings-python: `mkdocs build`, Material, one `::: module` page per module, the
   usual recipe (`pip install mkdocstrings-python`; skipped with a note when missing);
4. the pdoc CLI writing its HTML for the same modules (with `--pdoc` or `--all`: it reads
   the whole package whatever the sample, which takes over a minute).

Every figure is the wall time of a fresh process, as a user sees it. The API stage's own
share comes from the build's `report.json`.

Usage: `python benchmarks/bench_api.py [--package pygments] [--limit 100 | --all] [--pdoc]
[--repeat N]`. The default (100 modules) takes about two minutes; `--all` is the issue's
full figure. Goals: cold <= 1.0x mkdocstrings' time, warm <= 0.4x.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen.api.discover import find_modules, search_path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
MKDOCS_YML = """site_name: bench
theme:
  name: material
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
"""
HOME = "# bench\n\nThe API of a package, documented three ways.\n"


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    # check=False: a build with findings exits 1 (pygments.sphinxext can't be imported
    # without Sphinx); the site is still written, and is checked below.
    subprocess.run(command, cwd=cwd, check=False, capture_output=True, env=ENV)
    return time.perf_counter() - started


def docgen_project(folder: Path, package: str, exclude: list[str]) -> None:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(HOME, encoding="utf-8")
    api = {"packages": [package], "exclude": exclude, "docstring_format": "restructuredtext"}
    plugin = json.dumps({"docgen": {"api": api}})
    (folder / "mkdocs.yml").write_text(
        f"site_name: bench\ntheme:\n  name: material\nplugins:\n  - {plugin}\n", encoding="utf-8"
    )


def docgen_build(folder: Path) -> tuple[float, dict[str, object]]:
    seconds = timed([sys.executable, "-m", "docgen", "build", "--offline"], folder)
    report = json.loads((folder / "site" / "report.json").read_text(encoding="utf-8"))
    stages = report["stages"]
    api = stages["api"]
    pages = report.get("pages") or {}
    print(
        f"  {seconds:.2f} s: API stage {api['seconds']:.2f} s "
        f"({api['summary']['cached']} of {api['summary']['modules']} modules cached), "
        f"other checks {sum(s['seconds'] for n, s in stages.items() if n != 'api'):.2f} s, "
        f"pages rendered {pages.get('rendered', '?')} ({pages.get('ahead', 0)} by helpers), "
        f"reused {pages.get('reused', '?')}"
    )
    return seconds, report


def mkdocstrings_build(folder: Path, modules: list[str]) -> float:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    for name in modules:
        (docs / f"{name}.md").write_text(f"# {name}\n\n::: {name}\n", encoding="utf-8")
    plugin = (
        "plugins:\n  - mkdocstrings:\n      handlers:\n        python:\n"
        "          options:\n            docstring_style: sphinx\n"
    )
    (folder / "mkdocs.yml").write_text(MKDOCS_YML + plugin, encoding="utf-8")
    return timed([sys.executable, "-m", "mkdocs", "build", "-q"], folder)


def pdoc_build(folder: Path, modules: list[str], every: list[str]) -> float:
    # pdoc documents a package's submodules too: leave out those not in the sample.
    skip = [f"!{name}" for name in every if name not in modules]
    folder.mkdir(parents=True)
    return timed([sys.executable, "-m", "pdoc", "-o", "html", *modules, *skip], folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="pygments")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--all", action="store_true", help="every module, and the pdoc CLI")
    parser.add_argument("--pdoc", action="store_true", help="time the pdoc CLI too")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    args = parser.parse_args()
    every = [s.name for s in find_modules(args.package, search_path(Path.cwd()), (), False) or []]
    modules = every if args.all else every[: args.limit]
    exclude = [name for name in every if name not in modules and name != args.package]
    print(f"{args.package}: {len(modules)} of {len(every)} public modules, {os.cpu_count()} cores")
    colds, warms, anchors, pdocs = [], [], [], []
    share = ""
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            root = Path(tmp) / str(run)
            print(f"run {run + 1} of {args.repeat}")
            print("docgen build, cold:")
            docgen_project(root / "docgen", args.package, exclude)
            cold, report = docgen_build(root / "docgen")
            colds.append(cold)
            with (root / "docgen" / "docs" / "index.md").open("a", encoding="utf-8") as home:
                home.write("\nAn unrelated edit.\n")
            print("docgen build, warm (after an unrelated edit):")
            warm, warm_report = docgen_build(root / "docgen")
            warms.append(warm)
            api = warm_report["stages"]["api"]["seconds"]  # type: ignore[index]
            share = f"API stage {api:.2f} s of a {warm_report['seconds']:.2f} s warm build"
            # Modules that can't be imported here (pygments.sphinxext without Sphinx) make
            # the other tools stop: every tool gets the rest.
            failed = {
                str(d["message"]).split("'")[1]
                for d in report["diagnostics"]  # type: ignore[attr-defined]
                if d["code"] == "DG602"
            }
            documented = [m for m in modules if m not in failed]
            if importlib.util.find_spec("mkdocstrings_handlers.python"):
                anchors.append(mkdocstrings_build(root / "mkdocstrings", documented))
                print(f"mkdocstrings-python: {anchors[-1]:.2f} s")
            else:
                print("mkdocstrings-python: not installed (pip install mkdocstrings-python)")
            if args.all or args.pdoc:
                pdocs.append(pdoc_build(root / "pdoc", documented, every))
                print(f"pdoc CLI: {pdocs[-1]:.2f} s")
            shutil.rmtree(root)
        if not (args.all or args.pdoc):
            print("pdoc CLI: skipped (it reads every module of the package whatever the")
            print("  sample, over a minute: run with --pdoc or --all)")
    cold, warm = min(colds), min(warms)
    print(f"docgen build cold {cold:.2f} s, warm {warm:.2f} s ({share})")
    if anchors:
        anchor = min(anchors)
        print(f"ratio cold / mkdocstrings ({anchor:.2f} s): {cold / anchor:.2f}x (goal <= 1.0x)")
        print(f"ratio warm / mkdocstrings: {warm / anchor:.2f}x (goal <= 0.4x)")
    if pdocs:
        print(f"ratio cold / pdoc CLI ({min(pdocs):.2f} s): {cold / min(pdocs):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
