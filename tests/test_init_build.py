"""After `docgen init`, `docgen build --strict --offline` passes: four kinds of repository.

Each repository is made, initialised and built by the real command in its own process;
the four builds run side by side (they mostly wait on the Mermaid validator), so the
module costs one build's time, not four.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import write

pytestmark = pytest.mark.slow

PACKAGE = '''\
"""Widgets, made to order."""


def make(size: int) -> str:
    """Make a widget of `size`.

    Args:
        size: how big.

    Returns:
        The widget.
    """
    return "w" * size
'''

EXISTING = """\
# Hand-written settings: every comment here must survive `docgen init`.
site_name: Kept   # the name
site_url: !ENV [SITE_URL, "https://example.org/kept/"]
theme:
  name: material
  custom_dir: overrides  # an empty folder is fine
  features: [content.code.copy]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - toc: {permalink: "#"}
plugins:
- search   # search first
nav:
  - Home: index.md

extra:
  custom_key: [1, 2, 3]  # a key of our own
"""

# Clean under zizmor too, when it is installed: the strict build audits it.
WORKFLOW = """\
name: CI
on: [push, pull_request]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1
        with:
          persist-credentials: false
      - run: python -m pytest
  release:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo release
"""


def _git(root: Path, remote: str | None) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)


def make_empty(root: Path) -> None:
    _git(root, "https://github.com/acme/empty.git")


def make_package_only(root: Path) -> None:
    _git(root, "git@github.com:acme/widgets.git")
    write(
        root,
        {
            "pyproject.toml": '[project]\nname = "widgets"\ndescription = "Widgets."\n',
            "src/widgets/__init__.py": PACKAGE,
        },
    )


def make_existing_mkdocs(root: Path) -> None:
    _git(root, None)
    write(root, {"mkdocs.yml": EXISTING, "docs/index.md": "# Kept\n\nHello.\n"})
    (root / "overrides").mkdir()


def make_workflows_and_diagrams(root: Path) -> None:
    _git(root, "https://github.com/acme/flows")
    write(
        root,
        {
            ".github/workflows/ci.yml": WORKFLOW,
            "diagrams/flow.mmd": "graph TD\n  A[push] --> B[test]\n",
            "flows/__init__.py": PACKAGE,  # a flat layout, imported from the root
            "docs/guide.md": "# Guide\n\nSee the [home page](index.md).\n",
        },
    )


CASES = {
    "empty-git-repo": make_empty,
    "python-package-only": make_package_only,
    "existing-mkdocs-with-comments": make_existing_mkdocs,
    "workflows-and-diagrams": make_workflows_and_diagrams,
}


@dataclass
class Built:
    root: Path
    init: subprocess.CompletedProcess[str]
    build: subprocess.CompletedProcess[str] | None

    def report(self) -> dict[str, object]:
        data = json.loads((self.root / "site" / "report.json").read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data


def _docgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "docgen", *args]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    roots = {}
    inits = {}
    for name, make in CASES.items():
        root = tmp_path_factory.mktemp(name)
        make(root)
        roots[name] = root
        inits[name] = subprocess.run(
            # --no-check: init's first check is the build below
            _docgen("init", "--no-check"),
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    builds = {
        name: subprocess.Popen(
            _docgen("build", "--strict", "--offline"),
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, root in roots.items()
        if inits[name].returncode == 0
    }
    done = {}
    for name, process in builds.items():
        out, err = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return {name: Built(roots[name], inits[name], done.get(name)) for name in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_init_then_a_strict_offline_build_passes(built: dict[str, Built], case: str) -> None:
    result = built[case]
    assert result.init.returncode == 0, result.init.stderr
    assert result.build is not None
    assert result.build.returncode == 0, result.build.stdout + result.build.stderr
    assert (result.root / "site" / "index.html").is_file()
    # The generated workflow is documented by the pipelines stage.
    assert (result.root / "site" / "pipelines").is_dir()


def test_the_empty_repo_gets_its_github_urls(built: dict[str, Built]) -> None:
    html = (built["empty-git-repo"].root / "site" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/acme/empty" in html
    assert "https://acme.github.io/empty/" in html


def test_the_package_gets_an_api_reference(built: dict[str, Built]) -> None:
    report = built["python-package-only"].report()
    stages = report["stages"]
    assert isinstance(stages, dict)
    assert stages["api"]["pages"] >= 1
    site = built["python-package-only"].root / "site"
    assert any("make" in p.read_text(encoding="utf-8") for p in site.rglob("widgets*/index.html"))


def test_the_existing_mkdocs_keeps_comments_tags_and_custom_keys(built: dict[str, Built]) -> None:
    result = built["existing-mkdocs-with-comments"]
    text = (result.root / "mkdocs.yml").read_text(encoding="utf-8")
    before, _, after = EXISTING.partition("nav:")
    assert text.startswith(before)
    assert text.endswith("nav:" + after)
    assert "- docgen:" in text
    assert "extend  mkdocs.yml" in result.init.stdout
    # The hand-written home page is kept; no workflow folder existed, so one is made.
    assert (result.root / "docs" / "index.md").read_text(encoding="utf-8") == "# Kept\n\nHello.\n"
    assert (result.root / ".github" / "workflows" / "docs.yml").is_file()


def test_workflows_and_diagrams_are_documented(built: dict[str, Built]) -> None:
    result = built["workflows-and-diagrams"]
    stages = result.report()["stages"]
    assert isinstance(stages, dict)
    assert stages["pipelines"]["summary"]["workflows"] == 2
    assert stages["diagrams"]["summary"]["diagram files"] == 1
    assert stages["api"]["pages"] >= 1
