"""Shared fixtures: throw-away projects on disk, and a registry of stand-in stages."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from docgen import stages
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Asset, Context, Document, Page, StageResult

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# As root, with this workplace's closed network: no sandbox, no background connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium() -> Path:
    """Debian's chromium: a test without it skips, except under CI, where it fails."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


def write(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (path → text, dedented) under `root`; return `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


MKDOCS_YML = """
site_name: Test project
theme:
  name: material
plugins:
  - docgen
"""


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Make a project: `project(files={...}, mkdocs=...)` → the folder of its mkdocs.yml."""

    def make(files: dict[str, str] | None = None, mkdocs: str = MKDOCS_YML) -> Path:
        root = tmp_path / "project"
        write(root, {"mkdocs.yml": mkdocs, "docs/index.md": "# Home\n\nWelcome.\n"})
        return write(root, files or {})

    return make


@dataclass
class FakeStage:
    """A stand-in stage that records how the engine called it."""

    calls: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    site_dirs: list[Path] = field(default_factory=list)
    fail: bool = False
    pages: Sequence[Page] = ()
    diagnostics: Sequence[Diagnostic] = ()

    def generate(self, config: DocgenConfig) -> StageResult:
        self.calls.append("generate")
        if self.fail:
            raise RuntimeError("boom")
        source = config.root / "sources" / "thing.txt"
        asset = config.cache_dir / "fake.js"
        asset.parent.mkdir(parents=True, exist_ok=True)
        asset.write_text("window.fake = 1;\n", encoding="utf-8")
        text = source.read_text(encoding="utf-8") if source.exists() else "nothing"
        pages = self.pages or (
            Page(
                "fake/index.md",
                "Fake",
                f"# Fake\n\nSource says: {text}\n",
                ("Fake",),
                "sources/thing.txt",
            ),
            Page(
                "fake/deep.md",
                "Deep",
                "# Deep\n\n[Home](../index.md)\n",
                ("Fake",),
                "sources/thing.txt",
            ),
        )
        return StageResult(
            "pipelines",
            pages=tuple(pages),
            assets=(Asset("js/fake.js", asset),),
            extra_javascript=("js/fake.js",),
            watch=(config.root / "sources",),
            diagnostics=tuple(self.diagnostics),
            summary={"pages": len(pages)},
        )

    def transform(self, config: DocgenConfig, context: Context, document: Document) -> str:
        return document.markdown.replace("{{fake}}", "transformed")

    def check(
        self, config: DocgenConfig, context: Context, documents: Sequence[Document]
    ) -> StageResult:
        self.calls.append("check")
        self.documents = list(documents)
        found = [
            Diagnostic(
                "DG999",
                Severity.WARNING,
                "page mentions FIXME",
                Location(d.source, d.markdown[: d.markdown.index("FIXME")].count("\n") + 1),
                hint="write the page",
            )
            for d in documents
            if "FIXME" in d.markdown
        ]
        return StageResult(
            "pipelines", diagnostics=tuple(found), summary={"checked": len(documents)}
        )

    def check_site(self, config: DocgenConfig, context: Context, site_dir: Path) -> StageResult:
        self.calls.append("check_site")
        self.site_dirs.append(site_dir)
        return StageResult("pipelines", summary={"html": len(list(site_dir.rglob("*.html")))})

    def dump(self, config: DocgenConfig, args: Sequence[str]) -> dict[str, object]:
        return {"args": list(args), "root": config.root.name}


@pytest.fixture
def fake_stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStage]:
    """Replace the stage registry with one stand-in stage, registered as `pipelines`."""
    fake = FakeStage()
    stage = stages.Stage(
        "pipelines",
        generate=fake.generate,
        transform=fake.transform,
        check=fake.check,
        check_site=fake.check_site,
        dump=fake.dump,
    )
    monkeypatch.setattr(stages, "STAGES", (stage,))
    return fake
