"""Benchmark: docgen's API stage against mkdocstrings-python and the pdoc CLI.

The public modules of an installed package (default: pygments, 307 public modules) are
documented, side by side in one run, by:

1. docgen cold: the API stage (workers = cores, empty cache), then `mkdocs build` of
   its pages with Material (as `docgen build` renders them);
2. docgen warm: the same with the stage's cache filled (a rebuild after an unrelated
   edit), then `mkdocs build` again;
3. mkdocstrings-python: `mkdocs build`, Material, one `::: module` page per module
   (`pip install mkdocstrings-python`; skipped with a note when missing);
4. the pdoc CLI writing its HTML for the same modules (with `--pdoc` or `--all`: it
   reads the whole package whatever the sample, which takes over a minute).

Usage: `python benchmarks/bench_api.py [--package pygments] [--limit 100 | --all] [--pdoc]`.
The default (100 modules) runs in about a minute; `--all` is the issue's full figure.
Goals: cold <= 1.0x mkdocstrings' time, warm <= 0.4x.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen import api
from docgen.api.discover import find_modules, search_path
from docgen.config import ApiConfig, DocgenConfig

MKDOCS_YML = """site_name: bench
theme:
  name: material
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
"""


def mkdocs_build(folder: Path, extra: str = "") -> float:
    (folder / "mkdocs.yml").write_text(MKDOCS_YML + extra, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml")],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def docgen_run(
    folder: Path, package: str, modules: list[str], total: int
) -> tuple[float, list[str]]:
    """The API stage, then Material renders its pages; the seconds, and failed modules."""
    exclude = (
        ()
        if len(modules) == total
        else tuple(
            s.name
            for s in find_modules(package, search_path(folder), (), False) or []
            if s.name not in modules and s.name != package
        )
    )
    config = DocgenConfig(
        root=folder,
        docs_dir=folder / "docs",
        site_dir=folder / "site",
        cache_dir=folder / ".cache",
        api=ApiConfig(packages=(package,), exclude=exclude, docstring_format="restructuredtext"),
    )
    started = time.perf_counter()
    result = api.generate(config)
    stage = time.perf_counter() - started
    for page in result.pages:
        target = folder / "docs" / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    (folder / "docs" / "index.md").write_text("# bench\n", encoding="utf-8")
    render = mkdocs_build(folder)
    print(
        f"  stage {stage:.2f} s ({result.summary['cached']} cached, "
        f"{len(result.diagnostics)} diagnostics) + render {render:.2f} s"
    )
    failed = [d.message.split("'")[1] for d in result.diagnostics if d.code == "DG602"]
    return stage + render, failed


def mkdocstrings_run(folder: Path, modules: list[str]) -> float:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# bench\n", encoding="utf-8")
    for name in modules:
        (docs / f"{name}.md").write_text(f"# {name}\n\n::: {name}\n", encoding="utf-8")
    plugin = (
        "plugins:\n  - mkdocstrings:\n      handlers:\n        python:\n"
        "          options:\n            docstring_style: sphinx\n"
    )
    return mkdocs_build(folder, plugin)


def pdoc_run(folder: Path, modules: list[str], every: list[str]) -> float:
    # pdoc documents a package's submodules too: leave out those not in the sample.
    skip = [f"!{name}" for name in every if name not in modules]
    started = time.perf_counter()
    # check=False: pdoc exits 1 when a module can't be imported (pygments.sphinxext
    # without Sphinx) after writing every other page.
    subprocess.run(
        [sys.executable, "-m", "pdoc", "-o", str(folder / "html"), *modules, *skip],
        check=False,
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="pygments")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--all", action="store_true", help="every module, and the pdoc CLI")
    parser.add_argument("--pdoc", action="store_true", help="time the pdoc CLI too")
    args = parser.parse_args()
    every = [s.name for s in find_modules(args.package, search_path(Path.cwd()), (), False) or []]
    modules = every if args.all else every[: args.limit]
    print(f"{args.package}: {len(modules)} of {len(every)} public modules, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print("docgen cold:")
        cold, failed = docgen_run(root / "docgen", args.package, modules, len(every))
        # Modules that can't be imported here (pygments.sphinxext without Sphinx) make
        # the other tools stop: every tool gets the rest.
        modules = [m for m in modules if m not in failed]
        (root / "docgen" / "docs" / "index.md").write_text("# bench, edited\n", encoding="utf-8")
        print("docgen warm (after an unrelated edit):")
        warm, _ = docgen_run(root / "docgen", args.package, modules, len(every))
        if importlib.util.find_spec("mkdocstrings_handlers.python"):
            anchor: float | None = mkdocstrings_run(root / "mkdocstrings", modules)
            print(f"mkdocstrings-python: {anchor:.2f} s")
        else:
            anchor = None
            print("mkdocstrings-python: not installed (pip install mkdocstrings-python)")
        pdoc: float | None = None
        if args.all or args.pdoc:
            pdoc = pdoc_run(root / "pdoc", modules, every)
            print(f"pdoc CLI: {pdoc:.2f} s")
        else:
            print("pdoc CLI: skipped (it reads every module of the package whatever the")
            print("  sample, over a minute: run with --pdoc or --all)")
    print(f"docgen cold {cold:.2f} s, warm {warm:.2f} s")
    if anchor:
        print(f"ratio cold / mkdocstrings: {cold / anchor:.2f}x (goal <= 1.0x)")
        print(f"ratio warm / mkdocstrings: {warm / anchor:.2f}x (goal <= 0.4x)")
    if pdoc:
        print(f"ratio cold / pdoc CLI: {cold / pdoc:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
