"""The page cache: an unchanged page is not rendered again, and nothing stale is ever served."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FakeStage
from test_plugin import mkdocs_build

from docgen.mkdocs_plugin import build_site
from docgen.pagecache import PageCache, stable

Project = Callable[..., Path]

PAGES = {
    "docs/guide.md": "# Guide\n\nHow to use it.\n",
    "docs/more/deep.md": "# Deep\n\nSee the [guide](../guide.md#guide).\n",
}


def site(root: Path) -> dict[str, str]:
    """Every page of the built site but the quality page, which changes with each build."""
    return {
        p.relative_to(root / "site").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "site").rglob("*.html"))
        if "quality" not in p.parts
    }


def pages(root: Path) -> dict[str, int] | None:
    outcome = build_site(root / "mkdocs.yml")
    assert outcome.aborted is None
    counts = outcome.report.get("pages")
    assert counts is None or isinstance(counts, dict)
    return counts


def test_a_rebuild_reuses_every_page_and_writes_the_same_site(
    project: Project, fake_stage: FakeStage
) -> None:
    root = project(PAGES)
    assert pages(root) == {"reused": 0, "rendered": 5}  # index, guide, deep, 2 generated
    first = site(root)
    assert pages(root) == {"reused": 5, "rendered": 0}
    assert site(root) == first
    quality = (root / "site" / "quality" / "index.html").read_text()
    assert "Pages: 5 reused from the last build, 0 rendered." in quality
    # Without the cache the same site comes out, rendered in full.
    text = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(text.replace("- docgen", "- docgen:\n      page_cache: false"))
    assert pages(root) is None
    assert site(root) == first


def test_an_edit_renders_that_page_again_and_a_new_title_every_page(
    project: Project, fake_stage: FakeStage
) -> None:
    root = project(PAGES)
    pages(root)
    (root / "docs" / "guide.md").write_text("# Guide\n\nHow to use it, now with more.\n")
    assert pages(root) == {"reused": 4, "rendered": 1}
    assert "now with more" in (root / "site" / "guide" / "index.html").read_text()
    # A source of a generated page changes that page only.
    (root / "sources").mkdir()
    (root / "sources" / "thing.txt").write_text("fresh")
    assert pages(root) == {"reused": 4, "rendered": 1}
    assert "Source says: fresh" in (root / "site" / "fake" / "index.html").read_text()
    # Every page lists every title in its nav: a new title renders them all.
    (root / "docs" / "guide.md").write_text("# Handbook\n\nHow to use it.\n")
    assert pages(root) == {"reused": 0, "rendered": 5}
    assert "Handbook" in (root / "site" / "more" / "deep" / "index.html").read_text()


def test_a_reused_page_says_its_warnings_again(
    project: Project, fake_stage: FakeStage, caplog: pytest.LogCaptureFixture
) -> None:
    root = project({"docs/broken.md": "# Broken\n\nA link to [nothing](missing.md).\n"})
    for counts in ({"reused": 0, "rendered": 4}, {"reused": 4, "rendered": 0}):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs"):
            mkdocs_build(root)
        assert json.loads((root / "site" / "report.json").read_text())["pages"] == counts
        said = [r for r in caplog.records if "missing.md" in r.getMessage()]
        assert [r.levelno for r in said] == [logging.WARNING]
    outcome = build_site(root / "mkdocs.yml")
    assert [d.code for d in outcome.diagnostics] == ["DG100"]


def test_theme_overrides_and_other_plugins_are_followed(
    project: Project, fake_stage: FakeStage
) -> None:
    override = '{% extends "base.html" %}{% block content %}MARK-{0}{{ super() }}{% endblock %}'
    root = project(
        {"overrides/main.html": override.replace("{0}", "one")},
        mkdocs=(
            "site_name: x\ntheme: {name: material, custom_dir: overrides}\nplugins: [docgen]\n"
        ),
    )
    pages(root)
    (root / "overrides" / "main.html").write_text(override.replace("{0}", "two"))
    assert pages(root) == {"reused": 0, "rendered": 3}
    assert "MARK-two" in (root / "site" / "index.html").read_text()
    # A hook (or a plugin docgen does not know) may feed the theme anything: no cache.
    (root / "hooks.py").write_text("def on_page_context(context, **kwargs):\n    return context\n")
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + "hooks: [hooks.py]\n")
    assert pages(root) is None


def test_a_damaged_cache_is_rendered_again(project: Project, fake_stage: FakeStage) -> None:
    root = project(PAGES)
    pages(root)
    first = site(root)
    stored = sorted((root / ".cache" / "docgen" / "pages").iterdir())
    assert len(stored) == 10  # a Markdown and a theme rendering per page
    for path in stored:
        path.write_bytes(b"not zlib")
    assert pages(root) == {"reused": 0, "rendered": 5}
    assert site(root) == first


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "pages")
    cache.put("a", {"x": 1})
    cache.put("b", "text")
    later = PageCache(tmp_path / "pages")
    assert later.get("a") == {"x": 1}
    assert later.get("missing") is None
    later.prune()
    assert [p.name for p in (tmp_path / "pages").iterdir()] == ["a"]
    # A folder that can't be written or read is no cache, and no error.
    (tmp_path / "file").write_text("")
    blocked = PageCache(tmp_path / "file" / "pages")
    blocked.put("a", 1)
    cache.put("c", {"not json": object()})
    assert cache.get("c") is None
    assert blocked.get("a") is None
    blocked.prune()


def test_keys_are_the_same_in_every_process() -> None:
    class Thing:
        pass

    value = {"set": {3, 1}, "fn": stable, "obj": Thing(), "path": Path("a"), "tuple": (1, 2)}
    assert stable(value["set"]) == ["1", "3"]
    assert stable(stable) == "docgen.pagecache.stable"
    assert " at 0x" not in str(stable(Thing()))
    assert stable(Path("a")) == "a"
    assert stable((1, 2)) == [1, 2]
    assert PageCache.key(value) == PageCache.key(dict(value, obj=Thing()))
    assert PageCache.key(value) != PageCache.key(dict(value, tuple=(2, 1)))


def test_helpers_render_ahead_and_the_site_is_the_same(project: Project) -> None:
    pages = {
        f"docs/part-{n:02}.md": f"# Part {n}\n\nText of part {n}, [home](index.md).\n"
        for n in range(60)
    }
    pages["docs/part-59.md"] += "\nA link to [nothing](missing.md).\n"
    root = project(pages)

    def build(*options: str) -> tuple[str, dict[str, int] | None]:
        # A process of its own, as users run it: helpers fork only a single-threaded build.
        done = subprocess.run(
            [sys.executable, "-m", "docgen", "build", "--offline", *options],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        report = json.loads((root / "site" / "report.json").read_text())
        return done.stdout + done.stderr, report.get("pages")

    output, counts = build()
    assert counts is not None
    assert counts["reused"] + counts["rendered"] == 61  # the quality page aside
    if (os.cpu_count() or 1) > 1:
        # Pages the helpers rendered while MkDocs walked on: rendered by this build.
        assert counts["reused"] == 0
        assert 0 < counts["ahead"] <= counts["rendered"]
    # The broken link is said once, whoever rendered its page.
    assert output.count("DG301") == 1
    with_helpers = site(root)
    output, counts = build("--no-cache")
    assert counts is None
    assert output.count("DG301") == 1
    assert site(root) == with_helpers
