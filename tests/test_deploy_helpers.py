"""Shared by the deploy tests (no tests here): real git repositories, a bare remote, sites."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.org",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd`; its stdout, stripped (fails the test on an error)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def remote_and_clone(root: Path, name: str = "work") -> tuple[Path, Path]:
    """A bare remote `remote.git` under `root` (made once) and a clone of it with a commit."""
    remote = root / "remote.git"
    if not remote.exists():
        git(root, "init", "--quiet", "--bare", "-b", "main", str(remote))
    work = root / name
    git(root, "clone", "--quiet", str(remote), str(work))
    (work / "README.md").write_text(f"{name}\n", encoding="utf-8")
    git(work, "add", "README.md")
    git(work, "commit", "--quiet", "-m", f"{name}: start")
    return remote, work


def make_site(root: Path, label: str, extra_pages: tuple[str, ...] = ()) -> Path:
    """A small built site: pages with canonical links, an asset, a sitemap."""
    pages = ("index.html", "guide/index.html", *extra_pages)
    for page in pages:
        url = "" if page == "index.html" else page.removesuffix("index.html")
        path = root / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "<!doctype html><html><head>"
            f'<link rel="canonical" href="https://example.org/p/{url}">'
            f"</head><body>{label} {page}</body></html>\n",
            encoding="utf-8",
        )
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "app.js").write_text(f"// {label}\n", encoding="utf-8")
    return root


def show(cwd: Path, ref: str, path: str) -> str:
    """A file of a commit."""
    return git(cwd, "show", f"{ref}:{path}")


def files(cwd: Path, ref: str) -> dict[str, tuple[str, str]]:
    """path → (mode, blob) of every file of a commit."""
    out: dict[str, tuple[str, str]] = {}
    for line in git(cwd, "ls-tree", "-r", "--full-tree", ref).splitlines():
        meta, path = line.split("\t")
        mode, _, sha = meta.split(" ")
        out[path] = (mode, sha)
    return out
