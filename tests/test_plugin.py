"""The MkDocs adapter as MkDocs itself drives it: `mkdocs build`, nav, cache, serve watching."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FakeStage
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from docgen import mkdocs_plugin, pipeline, run
from docgen.engines.mkdocs import nav
from docgen.mkdocs_plugin import DocgenPlugin, build_site, load_docgen_config

Project = Callable[..., Path]


def mkdocs_build(root: Path, **options: object) -> None:
    config = load_config(str(root / "mkdocs.yml"), **options)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def test_plain_mkdocs_build_logs_diagnostics_and_strict_fails(
    project: Project, fake_stage: FakeStage, caplog: pytest.LogCaptureFixture
) -> None:
    root = project({"docs/todo.md": "# Todo\n\nFIXME [x](gone.md)\n"})
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        mkdocs_build(root)
    messages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.docgen"]
    assert messages == [
        "docs/todo.md:3: warning[DG999]: page mentions FIXME\n  hint: write the page"
    ]
    # MkDocs logged its own warning (gone.md); the plugin does not say it twice
    assert sum("gone.md" in r.getMessage() for r in caplog.records) == 1
    with pytest.raises(Abort, match="Aborted with 2 warnings in strict mode"):
        mkdocs_build(root, strict=True)


def test_explicit_nav_gets_generated_sections_once(project: Project, fake_stage: FakeStage) -> None:
    root = project(
        mkdocs=(
            "site_name: x\ntheme: {name: material}\nplugins: [docgen]\n"
            "nav:\n  - Home: index.md\n  - Fake:\n    - Overview: fake/index.md\n"
        )
    )
    outcome = build_site(root / "mkdocs.yml")
    assert outcome.aborted is None
    html = (root / "site" / "index.html").read_text()
    assert html.count('href="fake/"') >= 1
    assert "Overview" in html  # the user's title is kept
    assert "Deep" in html  # the page the user did not list is added to its section
    assert "Documentation quality" in html


def test_auto_nav_lists_user_pages_then_generated_sections(
    project: Project, fake_stage: FakeStage
) -> None:
    root = project({"docs/guide/setup.md": "# Setup\n"})
    build_site(root / "mkdocs.yml")
    html = (root / "site" / "index.html").read_text()
    assert html.index("Setup") < html.index("Deep") < html.index("Documentation quality")


def test_generate_is_cached_until_a_source_changes(project: Project, fake_stage: FakeStage) -> None:
    root = project({"sources/thing.txt": "one"})
    options = pipeline.BuildOptions(root / "mkdocs.yml", cache=run.StageCache())
    pipeline.build(options)
    pipeline.build(options)
    assert fake_stage.calls.count("generate") == 1
    (root / "sources" / "thing.txt").write_text("two, longer")
    pipeline.build(options)
    assert fake_stage.calls.count("generate") == 2
    assert "Source says: two" in (root / "site" / "fake" / "index.html").read_text()
    # the docs' own pages are never cached: checks always see the current text
    assert fake_stage.calls.count("check") == 3


def test_on_serve_watches_every_stage_source(project: Project, fake_stage: FakeStage) -> None:
    root = project({"sources/thing.txt": "x"})
    build_site(root / "mkdocs.yml")
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["docgen"]
    assert isinstance(plugin, DocgenPlugin)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert server.watched == [str(root / "sources")]


def test_load_docgen_config_reads_sections(project: Project, fake_stage: FakeStage) -> None:
    root = project(
        mkdocs=(
            "site_name: x\nrepo_url: https://example.org/r/\nplugins:\n  - docgen:\n"
            "      links: {exclude: [a, b], accept: [200]}\n      examples: {timeout: 3}\n"
            "      diagrams: true\n      api: false\n      cache_dir: .c\n"
        )
    )
    config = load_docgen_config(root / "mkdocs.yml", offline=True)
    assert config.offline is True
    assert "DOCGEN_OFFLINE" not in os.environ
    assert config.repo_url == "https://example.org/r"
    assert config.links is not None
    assert config.links.exclude == ("a", "b")
    assert config.links.accept == (200,)
    assert config.examples is not None
    assert config.examples.timeout == 3.0
    assert config.diagrams is not None
    assert config.diagrams.dir == "diagrams"
    assert config.api is None
    assert config.cache_dir == root / ".c"
    assert config.relative(root / "docs" / "a.md") == "docs/a.md"
    assert config.relative(Path("/elsewhere/x")) == "/elsewhere/x"


def test_engines_are_the_only_modules_importing_mkdocs() -> None:
    package = Path(mkdocs_plugin.__file__).parent
    importers = sorted(
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if re.search(r"^\s*(from|import) mkdocs\b", p.read_text(), re.MULTILINE)
    )
    assert "engines/mkdocs/plugin.py" in importers
    assert all(name.startswith("engines/") for name in importers), importers


def test_user_superfences_keep_their_options_and_gain_mermaid(project: Project) -> None:
    root = project(
        mkdocs=(
            "site_name: x\ntheme: {name: material}\nplugins: [docgen]\nmarkdown_extensions:\n"
            "  - pymdownx.superfences:\n      preserve_tabs: true\n"
        )
    )
    config = load_config(str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    options = config.mdx_configs["pymdownx.superfences"]
    assert options["preserve_tabs"] is True
    assert [f["name"] for f in options["custom_fences"]] == ["mermaid"]
    assert nav.merged(
        {"custom_fences": [{"name": "mermaid", "class": "x"}]},
        {"custom_fences": [{"name": "mermaid", "class": "mermaid"}]},
    ) == {"custom_fences": [{"name": "mermaid", "class": "x"}]}
    assert nav.merged(None, {"custom_fences": [{"name": "m"}]}) == {
        "custom_fences": [{"name": "m"}]
    }
    assert nav.merged({"a": 1}, {}) == {"a": 1}


def test_serving_waits_for_build_to_touch_the_network(project: Project) -> None:
    root = project()
    for command, serving in (("serve", True), ("build", False)):
        config = load_config(str(root / "mkdocs.yml"))
        config.plugins.on_startup(command=command, dirty=False)
        try:
            config = config.plugins.on_config(config)
            plugin = config.plugins["docgen"]
            assert isinstance(plugin, DocgenPlugin)
            assert plugin.build is not None
            assert plugin.build.config.serving is serving
        finally:
            config.plugins.on_shutdown()


def test_a_mermaid2_fence_draws_as_docgens_own() -> None:
    from mermaid2 import fence_mermaid_custom  # type: ignore[import-untyped]

    ours = {"name": "mermaid", "class": "mermaid", "format": print}
    theirs = {"name": "diagram", "class": "theirs", "format": fence_mermaid_custom}
    merged = nav.merged({"custom_fences": [theirs]}, {"custom_fences": [ours]})
    assert merged["custom_fences"] == [
        {"name": "diagram", "class": "mermaid", "format": print},
        ours,
    ]
