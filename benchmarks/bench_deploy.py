"""Versioned deploys: `docgen deploy` vs `mike deploy`, side by side, on a 200-page site.

Both publish the same MkDocs project (Material, the docgen plugin with its slow sections
off) into their own repository: version 1.0, then 2.0 with the alias `latest` copied
and made the default. docgen's figure includes its check, the 404 page and canonical
links; mike's includes its build. A third figure is docgen's commit alone (`publish()` of
an already built site) — what a retry after a moved remote costs.

    python benchmarks/bench_deploy.py            # 200 pages (about a minute)
    python benchmarks/bench_deploy.py --pages 50
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MKDOCS_YML = """\
site_name: Bench
site_url: https://example.org/bench/
theme:
  name: material
extra:
  version:
    provider: mike
plugins:
  - docgen:
      diagrams: false
      examples: false
      links: false
      pipelines: false
      lint: false
"""

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "NO_MKDOCS_2_WARNING": "1",
}


def run(cwd: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def project(root: Path, pages: int) -> Path:
    """A git clone of a bare remote, holding a MkDocs project of `pages` pages."""
    remote = root / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    work = root / "work"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True, env=ENV)
    docs = work / "docs"
    docs.mkdir()
    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (docs / "index.md").write_text("# Bench\n\nThe start.\n", encoding="utf-8")
    for n in range(pages):
        body = "\n\n".join(f"## Part {k}\n\nText {k} of page {n}." for k in range(5))
        path = docs / f"section{n // 20}" / f"page{n}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"# Page {n}\n\n{body}\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=work, check=True, env=ENV)
    subprocess.run(["git", "commit", "-qm", "docs"], cwd=work, check=True, env=ENV)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    docgen = [sys.executable, "-m", "docgen"]
    mike = str(Path(sys.executable).with_name("mike"))
    if not Path(mike).exists():
        sys.exit("mike is missing: pip install mike")
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        ours = project(Path(tmp) / "docgen", args.pages)
        theirs = project(Path(tmp) / "mike", args.pages)
        mike_time = run(theirs, mike, "deploy", "--push", "1.0")
        mike_time += run(
            theirs,
            mike,
            "deploy",
            "--push",
            "--update-aliases",
            "--alias-type=copy",
            "2.0",
            "latest",
        )
        mike_time += run(theirs, mike, "set-default", "--push", "2.0")
        docgen_time = run(ours, *docgen, "deploy", "--push", "1.0")
        docgen_time += run(ours, *docgen, "deploy", "--push", "2.0", "latest", "--set-default")

        from docgen import deploy
        from docgen.mkdocs_plugin import build_site

        site = Path(tmp) / "built"
        os.environ.update(ENV)
        build_site(ours / "mkdocs.yml", site_dir=site)
        start = time.perf_counter()
        outcome = deploy.publish(site, "3.0", ["latest"], repo=ours, make_default=True, push=True)
        publish_time = time.perf_counter() - start
        assert outcome.ok, outcome.diagnostics
        files = sum(1 for p in site.rglob("*") if p.is_file())
        shutil.rmtree(site)
    print(f"{args.pages} pages ({files} files per version): deploy 1.0, then 2.0 + latest")
    print(f"mike deploy (copy aliases)     {mike_time:7.2f} s   1.00x")
    print(f"docgen deploy                  {docgen_time:7.2f} s   {docgen_time / mike_time:.2f}x")
    print(f"ratio docgen/mike: {docgen_time / mike_time:.2f}x")
    print(f"docgen publish() alone (3.0 + latest, fetch, commit, push): {publish_time:.2f} s")


if __name__ == "__main__":
    main()
