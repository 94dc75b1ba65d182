"""Running stages: order, guards against crashes, the cache and its fingerprints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docgen import run, stages
from docgen.config import DocgenConfig
from docgen.model import Context, Document, StageResult


def config(tmp_path: Path) -> DocgenConfig:
    return DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site")


def test_fingerprint_sees_edits_additions_and_removals(tmp_path: Path) -> None:
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "a.txt").write_text("a")
    (tmp_path / "src" / "__pycache__" / "x.pyc").write_text("ignored")
    single = tmp_path / "one.txt"
    single.write_text("1")
    before = run.fingerprint([tmp_path / "src", single, tmp_path / "missing"])
    assert [Path(p).name for p, _, _ in before] == ["a.txt", "one.txt", "missing"]
    assert before[-1][1:] == (-1, -1)
    (tmp_path / "src" / "__pycache__" / "y.pyc").write_text("still ignored")
    assert run.fingerprint([tmp_path / "src", single, tmp_path / "missing"]) == before
    (tmp_path / "src" / "b.txt").write_text("b")
    assert run.fingerprint([tmp_path / "src"]) != before[:1]
    os.utime(single, ns=(1, 1))
    assert run.fingerprint([single]) != before[1:2]


def test_cache_hits_only_for_same_key_and_unchanged_sources(tmp_path: Path) -> None:
    source = tmp_path / "s.txt"
    source.write_text("x")
    cache = run.StageCache()
    result = StageResult("pipelines", watch=(source,))
    cache.put("pipelines", "key", result)
    assert cache.get("pipelines", "key") is result
    assert cache.get("pipelines", "other") is None
    assert cache.get("api", "key") is None
    source.write_text("changed")
    assert cache.get("pipelines", "key") is None


def test_stages_run_in_order_and_crashes_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def good(cfg: DocgenConfig) -> StageResult:
        calls.append("good")
        return StageResult("pipelines", summary={"n": 1})

    def bad(cfg: DocgenConfig) -> StageResult:
        calls.append("bad")
        raise KeyError("nope")

    def transform(cfg: DocgenConfig, context: Context, document: Document) -> str:
        return document.markdown + "!"

    monkeypatch.setattr(
        stages,
        "STAGES",
        (
            stages.Stage("pipelines", generate=good, transform=transform),
            stages.Stage("diagrams", generate=bad, transform=transform),
            stages.Stage("nowhere", generate=bad),  # no config section: never enabled
        ),
    )
    cache = run.StageCache()
    first = run.generate(config(tmp_path), cache=cache)
    assert [r.stage for r in first] == ["pipelines", "diagrams"]
    (crash,) = first[1].diagnostics
    assert crash.code == "DG001"
    assert "KeyError: 'nope'" in crash.message
    assert crash.hint is not None
    assert "test_run.py" in crash.hint
    second = run.generate(config(tmp_path), cache=cache)
    assert calls == ["good", "bad", "bad"]
    assert second[0].seconds == 0.0
    assert run.generate(config(tmp_path), only=["diagrams"]) != []
    document = Document("a.md", "x", "docs/a.md")
    assert run.transform(config(tmp_path), Context(), document) == "x!!"
    assert run.transform(config(tmp_path), Context(), document, only=["pipelines"]) == "x!"
    assert stages.names() == ["pipelines", "diagrams", "nowhere"]
