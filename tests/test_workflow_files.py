"""The repository's own workflows and the MemoryStreamer fixture are valid, described YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_DIRS = {
    "docgen": ROOT / ".github" / "workflows",
    "memorystreamer": ROOT / "tests" / "fixtures" / "memorystreamer" / ".github" / "workflows",
}
EXPECTED = {
    "quality-gate.yml": "Quality Gate",
    "performance.yml": "Performance",
    "security.yml": "Security",
    "release.yml": "Release",
    "docs.yml": "Documentation",
}
CASES = [
    pytest.param(directory / file_name, name, id=f"{project}/{file_name}")
    for project, directory in WORKFLOW_DIRS.items()
    for file_name, name in EXPECTED.items()
]


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


@pytest.mark.parametrize(("path", "name"), CASES)
def test_workflow_parses_and_is_named(path: Path, name: str) -> None:
    data = _load(path)
    assert data["name"] == name
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    assert data.get(True) or data.get("on"), f"{path} has no triggers"
    assert data["jobs"], f"{path} has no jobs"


@pytest.mark.parametrize(("path", "name"), CASES)
def test_workflow_opens_with_a_description(path: Path, name: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    block: list[str] = []
    for line in lines:
        if not line.startswith("#"):
            break
        block.append(line)
    prose = [line for line in block if line.strip("# ")]
    assert len(prose) >= 3, f"{path} must open with a comment block describing it"
    assert prose[0].lstrip("# ") == name, "the block's first line is the workflow's name"


@pytest.mark.parametrize("project", sorted(WORKFLOW_DIRS))
def test_only_the_five_workflows(project: str) -> None:
    assert sorted(p.name for p in WORKFLOW_DIRS[project].iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("project", sorted(WORKFLOW_DIRS))
def test_local_reusable_workflows_are_callable(project: str) -> None:
    directory = WORKFLOW_DIRS[project]
    called = []
    for path in directory.glob("*.yml"):
        for job in _load(path)["jobs"].values():
            uses = job.get("uses", "")
            if uses.startswith("./.github/workflows/"):
                called.append(uses.rsplit("/", 1)[1])
    assert called, "release.yml reuses the validation workflows"
    for file_name in called:
        triggers = _load(directory / file_name)[True]
        assert "workflow_call" in triggers, f"{file_name} is called but has no workflow_call"
