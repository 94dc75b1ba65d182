"""The `zensical` engine: staging, the derived config, real `zensical build`s, publish, serve.

Every build here runs the real Zensical (`python -m zensical build`) on a small project in
a temp dir: no engine is mocked.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import write

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.engines import Rendered, RenderJob
from docgen.engines import zensical as zensical_engine
from docgen.engines.zensical import ZensicalEngine, quality_html, site_path
from docgen.engines.zensical_serve import Restager
from docgen.engines.zensical_stage import (
    PENDING_MARK,
    derived_config,
    stage,
    staging_root,
    with_generated,
)
from docgen.model import Asset, Document, Page, StageResult

if importlib.util.find_spec("zensical") is None:
    pytest.skip("Zensical is not installed", allow_module_level=True)

MKDOCS_YML = """
site_name: Tiny
repo_url: https://github.com/docgen-dev/tiny
theme:
  name: material
nav:
  - Home: index.md
  - Guide:
      - guide/start.md
plugins:
  - search
  - docgen:
      api: false
markdown_extensions:
  - admonition
  - pymdownx.superfences:
      custom_fences:
        - name: math
          class: math
          format: !!python/name:pymdownx.superfences.fence_code_format
  - toc:
      permalink: true
"""

INDEX = """
---
title: Welcome
---

# Home

See [the start](guide/start.md).

```mermaid
graph LR
  A --> B
```
"""

START = """
# Start

Text, and [a page that is not there](missing.md).
"""

REPORT: dict[str, object] = {
    "counts": {"error": 1, "warning": 0, "info": 0},
    "stages": {
        "lint": {
            "counts": {"error": 1, "warning": 0, "info": 0},
            "seconds": 0.5,
            "summary": {"pages": 3},
        }
    },
    "docgen": "0.1.0",
    "offline": True,
    "strict": False,
    "diagnostics": [
        Diagnostic(
            "DG201", Severity.ERROR, "a <b> problem", Location("docs/index.md", 3), stage="lint"
        ).to_dict()
    ],
}


def project(tmp_path: Path, yml: str = MKDOCS_YML) -> DocgenConfig:
    write(
        tmp_path,
        {
            "mkdocs.yml": yml,
            "docs/index.md": INDEX,
            "docs/guide/start.md": START,
            ".github/workflows/ci.yml": "name: CI\non: push\n",
        },
    )
    (tmp_path / "docs" / "img").mkdir()
    (tmp_path / "docs" / "img" / "logo.png").write_bytes(b"\x89PNG\r\n")
    return DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site")


def generated(tmp_path: Path) -> StageResult:
    script = tmp_path / "made.js"
    script.write_text("window.made = true;\n", encoding="utf-8")
    page = Page(
        "pipelines/index.md",
        "CI <b>",
        "# CI\n\nThe workflow.\n\n## Build { #build }\n",
        nav=("Pipelines",),
        source=".github/workflows/ci.yml",
        lines=(("build", 3),),
    )
    return StageResult(
        "pipelines",
        pages=(page,),
        assets=(Asset("assets/made.js", script),),
        extra_javascript=("assets/made.js",),
    )


def mark(document: Document) -> str:
    """The test's transform: it leaves a trace in every page."""
    return document.markdown + f"\n\nTransformed {document.path}.\n"


def job(
    config: DocgenConfig,
    results: tuple[StageResult, ...] = (),
    transform: Callable[[Document], str] = mark,
    **kwargs: object,
) -> RenderJob:
    return RenderJob(config, config.root / "mkdocs.yml", results, transform, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocgenConfig, Rendered]:
    """One real Zensical build of the small project, with a generated page; published."""
    tmp_path = tmp_path_factory.mktemp("zensical")
    config = project(tmp_path)
    engine = ZensicalEngine()
    rendered = engine.render(job(config, (generated(tmp_path),))).wait()
    engine.publish(rendered, REPORT)
    return config, rendered


@pytest.mark.slow
def test_build_writes_every_page_and_the_generated_one(
    built: tuple[DocgenConfig, Rendered],
) -> None:
    config, rendered = built
    assert rendered.complete, rendered.aborted
    assert rendered.site_dir == (config.root / "site").resolve()
    assert set(rendered.pages) == {
        "index.html",
        "guide/start/index.html",
        "pipelines/index.html",
        "quality/index.html",
        "404.html",
    }
    for page in rendered.pages:
        assert (rendered.site_dir / page).is_file()
    assert (rendered.site_dir / "img" / "logo.png").is_file()
    assert (rendered.site_dir / "assets" / "made.js").is_file()
    home = (rendered.site_dir / "index.html").read_text(encoding="utf-8")
    assert "assets/made.js" in home  # the stage's script is loaded by every page
    assert "CI &lt;b&gt;" in home  # the generated page is in the nav, its title escaped
    assert rendered.sources == {"pipelines/index.md": ".github/workflows/ci.yml"}
    assert rendered.lines == {"pipelines/index.md": {"build": 3}}


@pytest.mark.slow
def test_pages_are_transformed_and_documents_keep_the_users_lines(
    built: tuple[DocgenConfig, Rendered],
) -> None:
    config, rendered = built
    documents = {d.path: d for d in rendered.documents}
    assert set(documents) == {"index.md", "guide/start.md", "pipelines/index.md"}
    home = documents["index.md"]
    assert home.source == "docs/index.md"
    assert not home.generated
    # The front matter is blank lines: a finding's line is the file's own.
    assert home.markdown.splitlines()[4] == "# Home"  # line 5 of the file
    assert not home.markdown.startswith("---")
    assert documents["pipelines/index.md"].generated
    site = rendered.site_dir
    assert "Transformed index.md." in (site / "index.html").read_text(encoding="utf-8")
    assert "Transformed pipelines/index.md." in (site / "pipelines/index.html").read_text(
        encoding="utf-8"
    )
    staged = staging_root(config) / "docs" / "index.md"
    assert staged.read_text(encoding="utf-8").startswith("---\ntitle: Welcome\n---\n")


@pytest.mark.slow
def test_mermaid_is_zensicals_mermaid_block(built: tuple[DocgenConfig, Rendered]) -> None:
    _, rendered = built
    home = (rendered.site_dir / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid"><code>graph LR' in home


@pytest.mark.slow
def test_staging_is_inside_the_project(built: tuple[DocgenConfig, Rendered]) -> None:
    config, _ = built
    root = staging_root(config)
    assert root == config.root / ".cache" / "docgen" / "zensical"
    derived = yaml.safe_load(
        (root / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python/name:", "")
    )
    assert derived["docs_dir"] == "docs"
    assert (root / "docs" / "guide" / "start.md").is_file()
    assert not (root / "site").exists()  # moved to the site folder
    assert derived["plugins"] == ["search"]
    assert derived["nav"][-2:] == [
        {"Pipelines": [{"CI &lt;b&gt;": "pipelines/index.md"}]},
        {"Documentation quality": "quality/index.md"},
    ]
    assert derived["edit_uri"] == "edit/master/docs/"
    assert derived["extra_javascript"] == ["assets/made.js"]
    fences = next(e for e in derived["markdown_extensions"] if "pymdownx.superfences" in str(e))
    names = [f["name"] for f in fences["pymdownx.superfences"]["custom_fences"]]
    assert names == ["math", "mermaid"]
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text  # kept as written


@pytest.mark.slow
def test_publish_writes_the_report_and_the_quality_page(
    built: tuple[DocgenConfig, Rendered],
) -> None:
    _, rendered = built
    assert json.loads((rendered.site_dir / "report.json").read_text(encoding="utf-8")) == REPORT
    page = (rendered.site_dir / "quality" / "index.html").read_text(encoding="utf-8")
    assert PENDING_MARK not in page
    assert "Problems found" in page
    assert "<table>" in page
    assert "a &lt;b&gt; problem" in page
    assert page.count("<h1") == 1


@pytest.mark.slow
def test_zensicals_warnings_are_findings_at_the_users_file(
    built: tuple[DocgenConfig, Rendered],
) -> None:
    _, rendered = built
    found = [d for d in rendered.diagnostics if d.code == "DG100"]
    assert found
    first = found[0]
    assert first.severity is Severity.WARNING
    assert first.stage == "zensical"
    assert first.location is not None
    assert first.location.path == "docs/guide/start.md"
    assert first.location.line == 3
    assert first.message.startswith("zensical: ")


@pytest.mark.slow
def test_render_returns_with_the_pages_and_wait_puts_the_site_in_place(tmp_path: Path) -> None:
    config = project(tmp_path)
    rendering = ZensicalEngine().render(job(config, (generated(tmp_path),)))
    assert rendering.complete  # the pipeline checks these pages while Zensical builds
    assert "pipelines/index.md" in {d.path for d in rendering.documents}
    assert not (tmp_path / "site").exists()  # moved into place by `wait` only
    rendered = rendering.wait()
    assert rendered.complete, rendered.aborted
    assert rendered.documents == rendering.documents
    assert (tmp_path / "site" / "index.html").is_file()
    assert rendering.wait() is rendered


def test_a_build_not_waited_for_is_stopped(tmp_path: Path) -> None:
    config = project(tmp_path)
    engine = ZensicalEngine()
    engine.command = (sys.executable, "-c", "import time; time.sleep(60)")  # a stuck build
    started = time.monotonic()
    rendering = engine.render(job(config))
    assert rendering.complete
    engine.close()  # as a second render does
    rendered = rendering.wait()
    assert time.monotonic() - started < 30
    assert not rendering.complete
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("zensical build failed")


@pytest.mark.slow
def test_a_broken_build_is_one_clear_message(tmp_path: Path) -> None:
    config = project(tmp_path, MKDOCS_YML.replace("name: material", "name: no-such-theme"))
    rendered = ZensicalEngine().render(job(config)).wait()
    assert not rendered.complete
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("zensical build failed: Error: Theme 'no-such-theme'")
    assert "Traceback" not in rendered.aborted
    assert len(rendered.aborted.splitlines()) <= 6
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_stale_staged_files_are_removed(tmp_path: Path) -> None:
    config = project(tmp_path)
    engine = ZensicalEngine()
    first = engine.render(job(config, (generated(tmp_path),))).wait()
    assert "pipelines/index.html" in first.pages
    staged = staging_root(config) / "docs"
    assert (staged / "pipelines" / "index.md").is_file()
    (tmp_path / "docs" / "guide" / "start.md").unlink()
    second = engine.render(job(config, strict=False)).wait()
    assert second.complete, second.aborted
    assert not (staged / "pipelines").exists()
    assert not (staged / "assets" / "made.js").exists()
    assert not (staged / "guide").exists()
    assert "pipelines/index.html" not in second.pages
    assert not (tmp_path / "site" / "pipelines").exists()


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    config = project(tmp_path)
    first = stage(config, tmp_path / "mkdocs.yml", (), mark)
    page = first.docs_dir / "index.md"
    before = page.stat().st_mtime_ns
    second = stage(config, tmp_path / "mkdocs.yml", (), mark)
    assert page.stat().st_mtime_ns == before
    assert second.pages == first.pages


def test_pages_that_cannot_be_read_or_clash_are_findings(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "docs" / "latin.md").write_bytes(b"# Caf\xe9\n")
    clash = StageResult("diagrams", pages=(Page("index.md", "Home", "# Generated\n"),))
    staged = stage(config, tmp_path / "mkdocs.yml", (clash,), mark)
    by_code = {d.code: d for d in staged.diagnostics}
    assert by_code["DG102"].location is not None
    assert by_code["DG102"].location.path == "docs/latin.md"
    assert by_code["DG102"].location.line == 1
    assert by_code["DG101"].stage == "diagrams"
    assert "latin.md" not in staged.pages
    home = (staged.docs_dir / "index.md").read_text(encoding="utf-8")
    assert "# Home" in home  # the hand-written page is kept


def test_derived_config_without_nav_or_extensions(tmp_path: Path) -> None:
    config = project(tmp_path)
    user = {"site_name": "x", "plugins": {"docgen": {}, "search": {}}, "watch": ["src"]}
    user["theme"] = {"name": "material", "custom_dir": "overrides"}
    user["INHERIT"] = "base.yml"
    derived = derived_config(
        user,
        config,
        ["index.md", "about.md", "guide/b.md", "guide/index.md", "guide/deep/c.md"],
        [("api/x.md", ("API", "x"), "x")],
        ["a.js"],
        ["a.css"],
    )
    assert derived["plugins"] == {"search": {}}
    assert derived["nav"] == [
        "index.md",
        "about.md",
        {"Guide": ["guide/index.md", "guide/b.md", {"Deep": ["guide/deep/c.md"]}]},
        {"API": [{"x": [{"x": "api/x.md"}]}]},
    ]
    assert "markdown_extensions" not in derived  # Zensical's defaults have Mermaid's fence
    assert derived["watch"] == [str(tmp_path / "src")]
    assert derived["theme"]["custom_dir"] == str(tmp_path / "overrides")
    assert derived["INHERIT"] == str(tmp_path / "base.yml")
    assert "edit_uri" not in derived
    assert derived["extra_css"] == ["a.css"]


def test_generated_pages_join_existing_sections() -> None:
    nav: list[str | dict[str, object]] = [{"Reference": "ref.md"}, "index.md"]
    out = with_generated(nav, [("ref/api.md", ("Reference",), "API"), ("index.md", (), "Home")])
    assert out == [{"Reference": ["ref.md", {"API": "ref/api.md"}]}, "index.md"]


def test_site_paths() -> None:
    assert site_path("index.md") == "index.html"
    assert site_path("a/README.md") == "a/index.html"
    assert site_path("a/b.md") == "a/b/index.html"
    assert site_path("a/b.md", directory_urls=False) == "a/b.html"


def test_quality_html_has_no_title_of_its_own() -> None:
    text = quality_html(REPORT)
    assert "<h1" not in text
    assert "Problems found" in text


def test_a_site_dir_holding_the_project_is_refused(tmp_path: Path) -> None:
    built = tmp_path / "built"
    built.mkdir()
    assert zensical_engine._move(built, tmp_path, tmp_path, tmp_path / "docs") is not None
    docs = tmp_path / "sub" / "docs"
    docs.mkdir(parents=True)
    problem = zensical_engine._move(built, tmp_path / "sub", tmp_path, docs)
    assert problem is not None
    assert problem.endswith("refusing to replace it")
    assert docs.is_dir()


def test_zensical_missing_is_one_message(tmp_path: Path) -> None:
    config = project(tmp_path)
    engine = ZensicalEngine()
    engine.command = (str(tmp_path / "no-such-python"),)
    rendered = engine.render(job(config)).wait()
    assert not rendered.complete
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("cannot run Zensical")


def test_an_unreadable_config_is_one_message(tmp_path: Path) -> None:
    config = project(tmp_path, "site_name: [unclosed\n")
    rendered = ZensicalEngine().render(job(config)).wait()
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("cannot stage the pages for Zensical")


def test_restager_stages_again_after_a_change(tmp_path: Path) -> None:
    config = project(tmp_path)
    restager = Restager(lambda: job(config))
    assert restager.count == 1
    restager.changed(str(staging_root(config) / "docs" / "index.md"))  # its own: ignored
    assert restager._timer is None
    (tmp_path / "docs" / "new.md").write_text("# New\n", encoding="utf-8")
    restager.changed(str(tmp_path / "docs" / "new.md"))
    assert restager._timer is not None
    restager.stop()
    staged = restager.restage()
    assert "new.md" in staged.pages
    assert restager.count == 2
    assert tmp_path / "docs" in staged.watch


@pytest.mark.slow
def test_generated_pages_survive_zensicals_macros(tmp_path: Path) -> None:
    config = project(tmp_path, MKDOCS_YML.replace("  - search\n", "  - search\n  - macros\n"))
    workflow = Page(
        "pipelines/ci.md",
        "CI",
        "# CI\n\nRuns on `${{ matrix.os }}` {% if x %}.\n",
        nav=("Pipelines",),
    )
    rendered = (
        ZensicalEngine().render(job(config, (StageResult("pipelines", pages=(workflow,)),))).wait()
    )
    assert rendered.complete, rendered.aborted
    page = (rendered.site_dir / "pipelines" / "ci" / "index.html").read_text(encoding="utf-8")
    assert "${{ matrix.os }}" in page
    assert "{% if x %}" in page
    assert "raw" not in page.split("<article", 1)[1].split("</article>", 1)[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _page(url: str, wanted: str, seconds: float = 90.0) -> str:
    """The page at `url` once it holds `wanted` (the server rebuilds in the background)."""
    deadline, text = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text = response.read().decode("utf-8")
        except OSError:
            text = ""
        if wanted in text:
            return text
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {wanted!r}; last: {text[:300]!r}")


@pytest.mark.slow
def test_serve_stages_again_when_a_source_changes(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("      api: false\n", "      api: false\n      engine: zensical\n")
    project(tmp_path, yml)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", "--offline", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _page(f"{base}/guide/start/", "a page that is not there")
        _page(f"{base}/pipelines/ci/", "CI")
        start = tmp_path / "docs" / "guide" / "start.md"
        start.write_text("# Start\n\nEdited while serving.\n", encoding="utf-8")
        _page(f"{base}/guide/start/", "Edited while serving.")
        workflow = tmp_path / ".github" / "workflows" / "ci.yml"
        workflow.write_text("name: Renamed CI\non: push\n", encoding="utf-8")
        _page(f"{base}/pipelines/ci/", "Renamed CI")
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-2000:]
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # Zensical stopped too


@pytest.mark.slow
def test_strict_finishes_the_build_and_says_so(tmp_path: Path) -> None:
    config = project(tmp_path, MKDOCS_YML + "strict: true\n")
    leftover = staging_root(config) / "site" / "old.html"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("old", encoding="utf-8")
    rendered = ZensicalEngine().render(job(config, strict=True)).wait()
    assert rendered.complete, rendered.aborted  # Zensical's warnings are findings
    assert rendered.strict  # which the pipeline turns into errors
    assert any(d.code == "DG100" for d in rendered.diagnostics)
    assert not leftover.exists()
    assert not (tmp_path / "site" / "old.html").exists()
    derived = (staging_root(config) / "mkdocs.yml").read_text(encoding="utf-8")
    assert "strict" not in derived


@pytest.mark.slow
def test_a_hand_written_quality_page_is_kept(tmp_path: Path) -> None:
    config = project(tmp_path)
    write(tmp_path, {"docs/quality/index.md": "# Our quality\n\nHand-written.\n"})
    engine = ZensicalEngine()
    rendered = engine.render(job(config)).wait()
    engine.publish(rendered, REPORT)
    page = (rendered.site_dir / "quality" / "index.html").read_text(encoding="utf-8")
    assert "Hand-written." in page
    assert "Problems found" not in page
    (rendered.site_dir / "quality" / "index.html").unlink()
    engine.publish(rendered, REPORT)  # no page to fill: report.json only
    assert (rendered.site_dir / "report.json").is_file()


def test_publish_before_any_render_writes_the_report_only(tmp_path: Path) -> None:
    ZensicalEngine().publish(Rendered(site_dir=tmp_path), REPORT)
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == REPORT


def test_warnings_at_generated_pages_and_nowhere(tmp_path: Path) -> None:
    config = project(tmp_path)
    results = (
        generated(tmp_path),
        StageResult("diagrams", pages=(Page("architecture.md", "Architecture", "# A\n"),)),
    )
    staged = stage(config, tmp_path / "mkdocs.yml", results, mark)
    said = (
        "Warning: page does not exist\n  ╭─[ pipelines/index.md:3:1 ]\n"
        "Warning: anchor does not exist\n  ╭─[ architecture.md:1:1 ]\n"
        "Warning: something in general\n"
    )
    found = zensical_engine.warnings(said, staged, job(config))
    assert [d.location for d in found] == [Location(".github/workflows/ci.yml"), None, None]
    assert found[1].message == (
        "zensical: anchor does not exist (in the generated page architecture.md)"
    )
    assert found[2].message == "zensical: something in general"


def test_a_site_dir_that_cannot_be_written_is_one_message(tmp_path: Path) -> None:
    built = tmp_path / "built"
    built.mkdir()
    (tmp_path / "file").write_text("", encoding="utf-8")
    problem = zensical_engine._move(
        built, tmp_path / "file" / "site", tmp_path / "project", tmp_path / "project" / "docs"
    )
    assert problem is not None
    assert problem.startswith("cannot write the site into")


def test_excluded_docs_are_not_staged(tmp_path: Path) -> None:
    config = project(tmp_path, MKDOCS_YML + "exclude_docs: |\n  drafts/\n  *.tmp.md\n")
    write(
        tmp_path,
        {
            "docs/drafts/idea.md": "# Idea\n",
            "docs/notes.tmp.md": "# Notes\n",
            "docs/templates/page.html": "<p>{{ x }}</p>\n",
            "docs/.hidden.md": "# Hidden\n",
        },
    )
    staged = stage(config, tmp_path / "mkdocs.yml", (), mark)
    assert set(staged.pages) == {"index.md", "guide/start.md", "quality/index.md"}
    assert {d.path for d in staged.documents} == {"index.md", "guide/start.md"}
    assert not (staged.docs_dir / "drafts").exists()
    assert not (staged.docs_dir / "templates").exists()


def test_tags_and_extensions_of_any_shape_are_kept(tmp_path: Path) -> None:
    outside = DocgenConfig(
        root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site",
        cache_dir=tmp_path.parent / "elsewhere",
    )  # fmt: skip
    assert staging_root(outside) == tmp_path / ".cache" / "docgen" / "zensical"
    yml = (
        "site_name: !ENV [SITE, Tiny]\n"
        "extra: !custom {a: 1}\n"
        "plugins: {docgen: {}, search: {}}\n"
        "markdown_extensions: [tables]\n"
    )
    staged = stage(project(tmp_path, yml), tmp_path / "mkdocs.yml", (), mark)
    text = staged.config_file.read_text(encoding="utf-8")
    assert "site_name: !ENV\n- SITE\n- Tiny\n" in text
    assert "extra: !custom\n  a: 1\n" in text
    assert "plugins:\n  search: {}\n" in text
    assert "- pymdownx.superfences:\n    custom_fences:\n    - name: mermaid\n" in text
    user = {"markdown_extensions": "not a list"}
    assert derived_config(user, outside, [], [], [], [])["markdown_extensions"] == "not a list"


@pytest.mark.slow
def test_a_top_level_key_set_twice_is_said_on_zensical_too(tmp_path: Path) -> None:
    # Zensical reads mkdocs.yml with a YAML reader too: the first `plugins:` is dropped.
    config = project(tmp_path, MKDOCS_YML + "plugins:\n  - search\n")
    config = replace(config, engine="zensical")
    rendered = ZensicalEngine().render(job(config)).wait()
    repeats = [d for d in rendered.diagnostics if d.code == "DG103"]
    assert len(repeats) == 1
    assert repeats[0].location is not None
    assert repeats[0].location.path == "mkdocs.yml"
    written = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    assert repeats[0].location.line == len(written) - 1  # the second `plugins:`
    assert written[repeats[0].location.line - 1] == "plugins:"
    assert repeats[0].stage == "zensical"
