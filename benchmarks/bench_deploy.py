"""Versioned deploys: `docgen deploy` vs `mike deploy`, side by side, on a 200-page site.

Both publish the same MkDocs project (Material, the docgen plugin with its slow sections
off) into their own repository: version 1.0, then 2.0 with the alias `latest` copied
and made the default. docgen's figure includes its check, the 404 page and canonical
links; mike's includes its build. A third figure is docgen's commit alone (`publish()` of
an already built site) — what a retry after a moved remote costs.

    python benchmarks/bench_deploy.py            # 200 pages (about a minute)
    python benchmarks/bench_deploy.py --pages 50

`--squash` measures the branch's size instead: 200 deploys of a small changing site (40
with `--quick`), each pushed to a bare remote, once keeping the whole history and once
with `--squash-history 10`; the figure is the remote's packed size after `git gc`.

    python benchmarks/bench_deploy.py --squash           # 200 deploys (about 2 minutes)
    python benchmarks/bench_deploy.py --squash --quick   # 40 deploys, for CI
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
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


_RNG = random.Random(7)  # the theme's assets: the same bytes on every deploy
_BUNDLE = "".join(_RNG.choice("abcdefghijklmnopqrstuvwxyz{}();=+ \n") for _ in range(150_000))


def small_site(root: Path, run: int, pages: int = 30) -> Path:
    """A built site as a deploy sees it, after `run` edits: what MkDocs changes.

    One page is edited per run; every 10th run adds a page, which changes the navigation
    of every page; the search index and the sitemap (plain and gzip-compressed, whose
    bytes git cannot delta) change every run; the theme's assets never change.
    """
    if root.exists():
        shutil.rmtree(root)
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "bundle.js").write_text(_BUNDLE, encoding="utf-8")
    count = pages + run // 10
    nav = "".join(f'<li><a href="../page{n}/">Page {n}</a></li>' for n in range(count))
    texts = []
    for n in range(count):
        edits = run // count + (1 if n < run % count else 0)  # page n was edited this often
        words = " ".join(f"word{(n * 31 + k * 7 + edits) % 997}" for k in range(600))
        body = f"<h1>Page {n}</h1><p>{words}</p><p>Edited {edits} times.</p>"
        page = root / f"page{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html><head><link rel="canonical" href="https://example.org/'
            f'b/page{n}/"></head><body><nav><ul>{nav}</ul></nav>{body}</body></html>\n',
            encoding="utf-8",
        )
        texts.append({"location": f"page{n}/", "text": body})
    (root / "index.html").write_text(
        '<!doctype html><html><head><link rel="canonical" href="https://example.org/b/">'
        f"</head><body><nav><ul>{nav}</ul></nav>Home</body></html>\n",
        encoding="utf-8",
    )
    (root / "search").mkdir()
    (root / "search" / "search_index.json").write_text(json.dumps({"docs": texts}))
    stamp = f"2026-01-01T00:{run // 60 % 60:02d}:{run % 60:02d}"
    urls = "".join(
        f"<url><loc>https://example.org/b/page{n}/</loc><lastmod>{stamp}</lastmod></url>"
        for n in range(count)
    )
    sitemap = f"<urlset>{urls}</urlset>\n".encode()
    (root / "sitemap.xml").write_bytes(sitemap)
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap, mtime=run))
    return root


def packed_size(bare: Path) -> int:
    """The bytes a bare repository takes once `git gc` has packed it and dropped garbage."""
    subprocess.run(["git", "gc", "--quiet", "--prune=now"], cwd=bare, check=True, env=ENV)
    return sum(p.stat().st_size for p in bare.rglob("*") if p.is_file())


def squash_run(root: Path, deploys: int, squash: int) -> tuple[int, float]:
    """Deploy a small changing site `deploys` times; the remote's packed size and the time."""
    from docgen import deploy

    remote = root / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=ENV)
    work = root / "work"
    subprocess.run(
        ["git", "clone", "-q", str(remote), str(work)], check=True, env=ENV, capture_output=True
    )
    os.environ.update(ENV)
    spent = 0.0
    for run in range(deploys):
        site = small_site(root / "site", run)
        start = time.perf_counter()
        outcome = deploy.publish(
            site, "dev", repo=work, push=True, make_default=True, squash_history=squash
        )
        spent += time.perf_counter() - start
        assert outcome.ok, outcome.diagnostics
    return packed_size(remote), spent


def squash_main(deploys: int, keep: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-squash-") as tmp:
        (Path(tmp) / "full").mkdir()
        (Path(tmp) / "squashed").mkdir()
        full, full_time = squash_run(Path(tmp) / "full", deploys, 0)
        short, short_time = squash_run(Path(tmp) / "squashed", deploys, keep)
    print(f"{deploys} deploys of a small site (30 pages, one edited per deploy, one added per")
    print("10 deploys), pushed to a bare remote; its size once packed by git gc:")
    print(f"whole history               {full / 1024:9.0f} KiB   {full_time:6.1f} s")
    print(f"--squash-history {keep:<3}        {short / 1024:9.0f} KiB   {short_time:6.1f} s")
    print(f"ratio squashed/whole: {short / full:.3f}x ({full / short:.1f} times smaller)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--squash", action="store_true", help="measure the branch's size")
    parser.add_argument("--quick", action="store_true", help="with --squash: 40 deploys")
    parser.add_argument("--deploys", type=int, help="with --squash: how many deploys")
    parser.add_argument("--keep", type=int, default=10, help="with --squash: commits kept")
    args = parser.parse_args()
    if args.squash:
        squash_main(args.deploys or (40 if args.quick else 200), args.keep)
        return
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
