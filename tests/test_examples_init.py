"""`docgen init` proposes examples.setup and skips, after trying the examples for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.diagnostics import Diagnostic, Severity
from docgen.init import plan
from docgen.init.detect import Project
from docgen.init.examples import propose

PACKAGE = "docgen_init_example_pkg"

PAGES = {
    # Uses the package without importing it: passes with the proposed setup.
    "docs/usage.md": f"# Usage\n\n```python\nprint({PACKAGE}.greet())\n```\n",
    # Imports it: nothing to propose.
    "docs/imported.md": f"```pycon\n>>> import {PACKAGE}\n>>> {PACKAGE}.greet()\n'hi'\n```\n",
    # Sketches: every example fails, with the setup too.
    "docs/guide/design.md": (
        "```python\nclient = Client(...)\n```\n\n```python\nclient.fetch()\n```\n"
        "```console\n$ not run: shell blocks are left alone\n```\n"
    ),
    # One of two fails: not a page of fragments.
    "docs/mixed.md": "```python\nprint(1)\n```\n```python\nundefined_name\n```\n",
    "docs/latin.md": "caf\xe9",
}


def _repo(root: Path) -> Path:
    (root / PACKAGE).mkdir(parents=True)
    (root / PACKAGE / "__init__.py").write_text("def greet():\n    return 'hi'\n", "utf-8")
    (root / "pyproject.toml").write_text(f'[project]\nname = "{PACKAGE}"\n', "utf-8")
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("latin-1") if name.endswith("latin.md") else text.encode()
        (root / name).write_bytes(data)
    return root


def _proposals(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code in {"DG910", "DG911", "DG912"}]


def test_setup_and_skips_are_proposed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path / "repo")
    monkeypatch.setenv("PYTHONPATH", str(root))  # the package is installed, as it were
    found = _proposals(plan(root).diagnostics)
    assert [(d.code, d.severity) for d in found] == [
        ("DG910", Severity.INFO),
        ("DG911", Severity.INFO),
    ]
    setup, skip = found
    assert setup.location is not None
    assert (setup.location.path, setup.location.line) == ("docs/usage.md", 4)
    assert setup.message == f"1 page uses `{PACKAGE}` without importing it: docs/usage.md"
    assert f'`examples: {{setup: "import {PACKAGE}"}}`' in (setup.hint or "")
    assert skip.location is not None
    assert (skip.location.path, skip.location.line) == ("docs/guide/design.md", 1)
    assert "every example of this page fails (2)" in skip.message
    assert '`examples: {skip: ["guide/design.md"]}`' in (skip.hint or "")


def test_a_package_that_does_not_import_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    found = _proposals(plan(root).diagnostics)
    assert [d.code for d in found] == ["DG910", "DG912"]
    assert found[1].message.startswith(f"the examples were not tried: `import {PACKAGE}` fails")
    assert "pip install -e ." in (found[1].hint or "")


def test_without_packages_only_failing_pages_are_proposed(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for number in range(7):
        (tmp_path / "docs" / f"p{number}.md").write_text(
            "```python\nmissing.call()\n```\n", encoding="utf-8"
        )
    project = Project(root=tmp_path, name="x", packages=("missing",))
    # Seven pages use `missing`: the message names five of them.
    names = [d for d in propose(project, "docs") if d.code == "DG910"]
    assert names[0].message.endswith("docs/p4.md, …")
    # Seven pages whose every example fails: one proposal names them all.
    [skip] = propose(Project(root=tmp_path, name="x"), "docs")
    assert skip.code == "DG911"
    assert skip.message.startswith("every example fails on 7 pages: p0.md, p1.md, p2.md, …")
    assert skip.location is not None
    assert (skip.location.path, skip.location.line) == ("docs/p0.md", 1)
    pages = ", ".join(f'"p{n}.md"' for n in range(7))
    assert f"`examples: {{skip: [{pages}]}}`" in (skip.hint or "")


def test_nothing_to_propose(tmp_path: Path) -> None:
    project = Project(root=tmp_path, name="x", packages=("pkg",))
    assert propose(project, "docs") == []
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("```text\nprose\n```\n", encoding="utf-8")
    assert propose(project, "docs") == []
