"""The shape of the code: small modules, one pipeline, no side channels between stages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "docgen"
LIMIT = 600


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(file.relative_to(REPO)): lines
        for file in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(file.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}


def test_the_pipeline_reads_top_to_bottom_in_one_function() -> None:
    tree = ast.parse((PACKAGE / "pipeline.py").read_text(encoding="utf-8"))
    build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "build")
    calls = sorted(
        (node for node in ast.walk(build) if isinstance(node, ast.Call)),
        key=lambda node: (node.lineno, node.col_offset),
    )
    called = [
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for node in calls
    ]
    steps = ["load_config", "generate", "render", "check_pages", "check_site", "report", "publish"]
    positions = [called.index(step) for step in steps]
    assert positions == sorted(positions), called


def test_stages_pass_nothing_through_environment_variables_or_cache_files() -> None:
    channel = re.compile(r"DOCGEN_OFFLINE|\b(sources|lines|pages|index)\.json\b")
    found = [
        f"{file.relative_to(REPO)}:{number}"
        for file in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
        if channel.search(line)
    ]
    assert found == []


def test_the_docs_folder_is_walked_in_one_place() -> None:
    walks = [
        f"{file.relative_to(REPO)}:{number}"
        for file in sorted(PACKAGE.rglob("*.py"))
        if file.name != "docsdir.py"
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"docs_dir\)?\.(r?glob|iterdir)\(|os\.walk\([^)]*docs_dir", line)
    ]
    assert walks == []
