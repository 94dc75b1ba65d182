"""Benchmark: `docgen init` vs `mkdocs new`, both scaffolding a fresh repository.

Usage: python benchmarks/bench_init.py [--repeat N]

`mkdocs new` writes mkdocs.yml and docs/index.md with nothing detected; `docgen init`
also reads pyproject.toml, the layout and the git remote, and writes a workflow. Both run
in-process on a fresh folder each time (a git repo with a src/ package); the extension of
an existing mkdocs.yml (ruamel.yaml round-trip read, text insert, re-read) is timed too.
Prints the best-of-N times and the ratio; the goal is well under a second for a person.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.new import new

from docgen.init import apply, plan
from docgen.init.detect import Project
from docgen.init.extend import extend_mkdocs

EXISTING = (
    "site_name: demo  # kept\nsite_url: !ENV [SITE_URL, 'https://example.org/']\n"
    "theme:\n  name: material\nplugins:\n  - search\n  - tags:\n      tags_file: tags.md\n"
    "markdown_extensions:\n  - toc: {permalink: true}\n" + "extra:\n" +
    "".join(f"  key{i}: value {i}  # note {i}\n" for i in range(200))
)  # fmt: skip


def best(run: Callable[[Path], object], repeat: int, make: Callable[[Path], None]) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(repeat):
            root = Path(tmp) / str(n)
            make(root)
            started = time.perf_counter()
            run(root)
            times.append(time.perf_counter() - started)
    return min(times)


def repo(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(
        ["git", "-C", str(root), "remote", "add", "origin", "https://github.com/a/b"], check=True
    )
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text('"""A package."""\n')
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat

    def docgen_init(root: Path) -> None:
        assert apply(plan(root)).ok

    base = best(lambda root: new(str(root)), repeat, repo)
    took = best(docgen_init, repeat, repo)
    print(f"fresh repository, best of {repeat}")
    print(f"mkdocs new                      {base * 1000:8.1f} ms   1.00x")
    print(f"docgen init (detect + 3 files)  {took * 1000:8.1f} ms   ratio {took / base:.2f}x")
    project = Project(root=Path(), name="demo", packages=("pkg",))
    started = time.perf_counter()
    for _ in range(repeat):
        assert extend_mkdocs(EXISTING, project).text is not None
    each = (time.perf_counter() - started) / repeat
    lines = EXISTING.count("\n")
    print(f"extend a {lines}-line mkdocs.yml    {each * 1000:8.1f} ms (mean of {repeat})")


if __name__ == "__main__":
    main()
