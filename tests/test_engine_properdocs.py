"""The `properdocs` engine, `properdocs build` with the plugin, and every engine side by side.

Real ProperDocs, MkDocs and Zensical on small projects in temp dirs; the last test builds
this repository's own site with plain `properdocs build`.
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
from pathlib import Path

import pytest
from conftest import REPO, write

from docgen import pipeline
from docgen.engines import get
from docgen.engines import properdocs as properdocs_engine
from docgen.engines.properdocs import ProperDocsEngine, aliased

# Looked up, not imported: a process that has imported `properdocs` is taken for one that
# ProperDocs runs (docgen.engines.mkdocs.plugin), and the other tests run in this one.
if not all(importlib.util.find_spec(m) for m in ("properdocs", "zensical")):
    pytest.skip("ProperDocs or Zensical is not installed", allow_module_level=True)

MKDOCS_YML = """
site_name: Engines
theme:
  name: material
nav:
  - Home: index.md
  - guide.md
plugins:
  - search
  - docgen:
      examples: false
      lint: false
"""

WORKFLOW = """
name: CI
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
"""


def project(root: Path) -> Path:
    write(
        root,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/index.md": "# Home\n\nSee the [guide](guide.md).\n",
            "docs/guide.md": "# Guide\n\n```mermaid\ngraph LR\n  A --> B\n```\n",
            ".github/workflows/ci.yml": WORKFLOW,
        },
    )
    return root / "mkdocs.yml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_the_engine_is_found_and_importing_it_aliases_nothing(tmp_path: Path) -> None:
    assert get("properdocs").name == "properdocs"
    code = (
        "import sys, docgen.engines.properdocs as p;"
        "assert 'properdocs' not in sys.modules, 'imported';"
        "assert 'mkdocs' not in sys.modules;"
        "assert p.aliased();"
        "import mkdocs.plugins;"
        "assert not p.aliased()"
    )
    done = run("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_plain_mkdocs_is_still_mkdocs(tmp_path: Path) -> None:
    done = run("-m", "mkdocs", "--version", cwd=tmp_path)
    assert "mkdocs, version 1.6.1 from" in done.stdout, done.stdout
    done = run("-c", "import mkdocs, sys; print(mkdocs.__file__)", cwd=tmp_path)
    assert "/mkdocs/" in done.stdout


@pytest.mark.slow
def test_every_engine_builds_the_same_pages(tmp_path: Path) -> None:
    config = project(tmp_path)
    pages: dict[str, set[str]] = {}
    for name in ("mkdocs", "properdocs", "zensical"):
        site = tmp_path / f"site-{name}"
        outcome = pipeline.build(
            pipeline.BuildOptions(config, site_dir=site, offline=True, engine=name)
        )
        assert outcome.aborted is None, (name, outcome.aborted)
        assert outcome.report["engine"] == name
        report = json.loads((site / "report.json").read_text(encoding="utf-8"))
        assert report["engine"] == name
        quality = (site / "quality" / "index.html").read_text(encoding="utf-8")
        assert "built with" in quality
        assert "The checks have not run yet" not in quality
        pages[name] = html_pages(site)
    assert "pipelines/ci/index.html" in pages["mkdocs"]
    assert pages["properdocs"] == pages["mkdocs"]
    assert pages["zensical"] == pages["mkdocs"]
    for name, generator in (
        ("mkdocs", "mkdocs-1.6.1,"),
        ("properdocs", "mkdocs-ProperDocs 1.6."),  # Material names MkDocs' version
        ("zensical", "zensical-0."),
    ):
        home = (tmp_path / f"site-{name}" / "index.html").read_text(encoding="utf-8")
        assert f'name="generator" content="{generator}' in home
    mermaid = (tmp_path / "site-zensical" / "guide" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid"><code>graph LR' in mermaid


@pytest.mark.slow
def test_a_failed_render_in_the_fresh_process_is_one_message(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "other.yml").write_text("site_name: x\ntheme: material\n", "utf-8")  # no plugin
    docgen = pipeline.load_config(pipeline.BuildOptions(config, offline=True))
    job = pipeline.engines.RenderJob(docgen, tmp_path / "other.yml", (), transform=str)
    assert not aliased()  # this process has MkDocs: the render runs in a fresh one
    engine = ProperDocsEngine()
    rendered = engine.render(job)
    assert not rendered.complete
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("the ProperDocs build failed: ")
    assert "docgen plugin is not enabled" in rendered.aborted
    engine.publish(rendered, {})  # nothing to publish into; no process left
    engine.close()


@pytest.mark.slow
def test_in_a_process_without_mkdocs_it_renders_there(tmp_path: Path) -> None:
    config = project(tmp_path)
    code = (
        "import sys, properdocs.replacement;"
        "from docgen.cli import main;"
        "code = main(sys.argv[1:]);"
        "import multiprocessing;"
        "assert not multiprocessing.active_children();"
        "sys.exit(code)"
    )
    done = run(
        "-c", code, "build", "--offline", "--engine", "properdocs", "-f", str(config), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert report["engine"] == "properdocs"


@pytest.mark.slow
def test_properdocs_build_runs_the_plugin(tmp_path: Path) -> None:
    project(tmp_path)
    done = run("-m", "properdocs", "build", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["engine"] == "properdocs"
    assert (site / "pipelines" / "ci" / "index.html").is_file()
    assert "built with ProperDocs" in (site / "quality" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_properdocs_build_of_this_repositorys_site(tmp_path: Path) -> None:
    done = run(
        "-m", "properdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(tmp_path),
        cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["engine"] == "properdocs"
    assert not report["counts"]["error"], report["diagnostics"][:5]
    assert (tmp_path / "api" / "docgen" / "index.html").is_file()
    assert (tmp_path / "pipelines" / "index.html").is_file()


@pytest.mark.slow
def test_serve_runs_properdocs(tmp_path: Path) -> None:
    project(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = ["serve", "--offline", "--engine", "properdocs", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [sys.executable, "-m", "docgen", *command],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, text = time.monotonic() + 120, ""
        while time.monotonic() < deadline and "Home" not in text:
            try:
                url = f"http://127.0.0.1:{port}/"
                with urllib.request.urlopen(url, timeout=5) as response:
                    text = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert "ProperDocs 1.6" in text  # the generator Material names
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-2000:]


@pytest.mark.slow
def test_what_cannot_go_to_the_fresh_process_or_takes_too_long_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project(tmp_path)
    docgen = pipeline.load_config(pipeline.BuildOptions(config, offline=True))
    engine = ProperDocsEngine()
    unpicklable = pipeline.engines.RenderJob(docgen, config, (), transform=lambda d: d.markdown)
    rendered = engine.render(unpicklable)
    assert rendered.aborted is not None
    assert rendered.aborted.startswith("the ProperDocs build process failed: ")
    monkeypatch.setattr(properdocs_engine, "_WAIT", 0.001)
    rendered = engine.render(pipeline.engines.RenderJob(docgen, config, (), transform=str))
    assert rendered.aborted == "ProperDocs did not finish within 0 s"
    engine.publish(rendered, {})  # nothing rendered: nothing to publish
    engine.close()
