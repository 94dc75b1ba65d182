"""Issue 18 end to end, with real git and real `docgen deploy`s: a package released as
1.0.0, then as 1.1.0 with one function added, one removed (`feat!:`) and one signature
changed; both deployed, then a preview. A reader of 1.0.0 sees that it is old, can jump to
the same page in 1.1.0, and read what changed: release notes and API changes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from docgen.cli import main

pytestmark = pytest.mark.slow

V1 = '''\
"""Widgets."""


def keep(x):
    """Kept as it is."""


def gone():
    """Removed in 1.1.0."""


def change(a):
    """Takes one more parameter in 1.1.0."""
'''

V2 = '''\
"""Widgets."""


def keep(x):
    """Kept as it is."""


def change(a, b=1):
    """Takes one more parameter in 1.1.0."""


def added(y):
    """New in 1.1.0."""
'''

MKDOCS = """\
site_name: Widget
site_url: https://example.org/widget/
repo_url: https://github.com/acme/widget
theme: {name: material}
extra:
  version: {provider: mike}
plugins:
  - docgen:
      api: {packages: [widget], timeout: 60}
      changelog: {source: git}
      pipelines: false
      diagrams: false
      examples: false
      lint: false
      links: {external: false}
markdown_extensions: [admonition, attr_list, {toc: {permalink: true}}]
"""


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Ada")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ada@example.org")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


def commit(root: Path, source: str, message: str) -> None:
    (root / "widget" / "__init__.py").write_text(source, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def shown(root: Path, path: str) -> str:
    """A file of the published branch."""
    return git(root, "show", f"gh-pages:{path}")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("release") / "widget"
    (root / "widget").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Widget\n\nWidgets for all.\n", encoding="utf-8")
    (root / "docs" / "guide.md").write_text("# Guide\n\nUse `keep`.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    env = {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **{f"GIT_{w}_NAME": "Ada" for w in ("AUTHOR", "COMMITTER")},
        **{f"GIT_{w}_EMAIL": "ada@example.org" for w in ("AUTHOR", "COMMITTER")},
    }
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    cwd = Path.cwd()
    try:
        git(root, "init", "-q", "-b", "main")
        commit(root, V1, "feat: widgets")
        git(root, "tag", "v1.0.0")
        os.chdir(root)
        assert main(["deploy", "1.0.0", "--set-default"]) == 0
        source = V1.replace('def gone():\n    """Removed in 1.1.0."""\n\n\n', "")
        commit(root, source, "feat!: remove gone()")
        commit(root, source.replace("def change(a)", "def change(a, b=1)"), "fix: change takes b")
        commit(root, V2, "feat(api): added()")
        git(root, "tag", "v1.1.0")
        assert main(["deploy", "1.1.0", "--set-default"]) == 0
        assert main(["deploy", "pr-7", "--preview"]) == 0
    finally:
        os.chdir(cwd)
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return root


def test_the_notes_of_1_1_0_list_the_breaking_change_first(released: Path) -> None:
    page = shown(released, "1.1.0/changelog/1.1.0/index.html")
    page = page[page.index("<article") :]  # the page itself, not its table of contents
    breaking = page.index("Breaking changes")
    assert breaking < page.index("Features") < page.index("Bug fixes")
    assert breaking < page.index("remove gone()") < page.index("Features")
    # Each version carries the notes up to itself: 1.0.0's site has no 1.1.0 page.
    files = git(released, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "1.0.0/changelog/1.0.0/index.html" in files
    assert "1.0.0/changelog/1.1.0/index.html" not in files


def test_the_api_changes_page_of_1_1_0_lists_all_three_changes(released: Path) -> None:
    page = shown(released, "1.1.0/api/changes/index.html")
    page = page[page.index("<article") :]
    assert "1.0.0" in page
    for name in ("widget.added", "widget.gone", "widget.change"):
        assert name in page, name
    assert "b=1" in page


def test_old_pages_carry_the_notice_linking_the_same_page_in_the_default(released: Path) -> None:
    old = shown(released, "1.0.0/guide/index.html")
    assert 'data-md-component="outdated"' in old
    notice = old[old.index('data-md-component="outdated"') :][:2000]
    assert "1.1.0/guide/" in notice
    assert 'data-md-component="outdated" hidden' not in old
    new = shown(released, "1.1.0/guide/index.html")
    assert "1.0.0/guide/" not in new[new.index('data-md-component="outdated"') :][:2000]


def test_the_root_sitemap_indexes_both_versions_not_the_preview(released: Path) -> None:
    index = shown(released, "sitemap.xml")
    assert "<sitemapindex" in index
    assert "https://example.org/widget/1.1.0/sitemap.xml" in index
    assert "https://example.org/widget/1.0.0/sitemap.xml" in index
    assert "previews" not in index


def test_the_preview_is_noindex_and_not_in_the_selector(released: Path) -> None:
    page = shown(released, "previews/pr-7/index.html")
    assert '<meta name="robots" content="noindex">' in page
    listed = json.loads(shown(released, "versions.json"))
    assert [v["version"] for v in listed] == ["1.1.0", "1.0.0"]
    assert "noindex" not in shown(released, "1.1.0/index.html")
