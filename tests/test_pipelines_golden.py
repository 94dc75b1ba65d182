"""Golden pages of the pipelines stage: workflows in, Markdown pages out.

Each case copies a workflows folder, and the action metadata files of `ACTIONS`, into a
fresh project (not a git repository, so source links point at `main`) and compares every
generated page, and the diagnostics, with `tests/golden/pipelines/<case>/`.

Regenerate after an intended change, then review the diff by eye:

    DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_pipelines_golden.py -q -p no:cacheprovider
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, PipelinesConfig
from docgen.diagnostics import render_text
from docgen.pipelines import generate

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "pipelines"
CORPUS = REPO / "tests" / "fixtures" / "workflows"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"
HOW = "DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_pipelines_golden.py -q -p no:cacheprovider"

CASES = {
    "small": GOLDEN / "small" / "workflows",
    "memorystreamer": REPO / "tests" / "fixtures" / "memorystreamer" / ".github" / "workflows",
    "docgen": REPO / ".github" / "workflows",
    "ruff": CORPUS / "ruff",
    "actions": GOLDEN / "actions" / "workflows",
}
# Action files each case puts in the project, by their path there (`uses: ./` and
# `uses: ./.github/actions/x` name them).
ACTIONS = {
    "docgen": {"action.yml": REPO / "action.yml"},
    "actions": {
        "action.yml": GOLDEN / "actions" / "action.yml",
        ".github/actions/setup/action.yaml": GOLDEN / "actions" / "setup.yaml",
        ".github/actions/image/action.yml": GOLDEN / "actions" / "image.yml",
    },
}


def _render(source: Path, root: Path, actions: dict[str, Path]) -> dict[str, str]:
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    for path in source.iterdir():  # files only: the licence file stays, as a DG200
        if path.is_file():
            shutil.copyfile(path, folder / path.name)
    for name, path in actions.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / name)
    config = DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        repo_url="https://github.com/example/project",
        pipelines=PipelinesConfig(audit="docgen"),  # docgen's own checks: no tool's version
    )
    result = generate(config)
    files = {page.path: page.markdown for page in result.pages}
    files["diagnostics.txt"] = render_text(result.diagnostics)
    return files


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_pages(case: str, tmp_path: Path) -> None:
    source = CASES[case]
    assert source.is_dir(), f"{source} is missing: every case's workflows are in the repository"
    made = _render(source, tmp_path, ACTIONS.get(case, {}))
    expected_dir = GOLDEN / case / "expected"
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, text in made.items():
            path = expected_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    expected = {
        path.relative_to(expected_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(expected_dir.rglob("*"))
        if path.is_file()
    }
    assert sorted(made) == sorted(expected), f"pages differ; to update run: {HOW}"
    for name, text in made.items():
        assert text == expected[name], f"{case}/{name} differs from its golden; if intended: {HOW}"
