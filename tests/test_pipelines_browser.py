"""A 47-job workflow's page in a real browser: the job graph stays short and its labels
stay at body-text size (before boxes of jobs, uv's CI graph was over 3,000 px tall).

Builds uv's CI workflow (tests/fixtures/uv) into a site offline, opens its page in
Debian's chromium with Playwright, and keeps a screenshot in `artifacts/pipelines/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ARTIFACTS, CHROMIUM_ARGS, REPO, write

from docgen import cli
from docgen.diagrams import setup

MKDOCS_YML = """
site_name: uv pipelines
theme: {name: material}
plugins:
  - docgen:
      pipelines: {audit: docgen, audit_severity: info}
      links: {external: false}
"""
# Material renders Mermaid into a closed shadow root; the test opens it to measure inside.
_OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""
_GRAPH = """
() => {
  const svg = document.querySelector("div.mermaid").shadowRoot.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const label = svg.querySelector(".nodeLabel");
  const scale = box.width / svg.viewBox.baseVal.width;
  return {
    height: box.height,
    boxes: svg.querySelectorAll(".node").length,
    label: parseFloat(getComputedStyle(label).fontSize) * scale,
    body: parseFloat(getComputedStyle(document.querySelector("article p")).fontSize),
  };
}
"""


@pytest.mark.slow
@pytest.mark.browser
def test_a_47_job_graph_is_short_and_readable(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert setup.install().ok
    root = write(tmp_path, {"mkdocs.yml": MKDOCS_YML, "docs/index.md": "# uv\n\nHome.\n"})
    shutil.copytree(REPO / "tests" / "fixtures" / "uv" / ".github", root / ".github")
    assert cli.main(["build", "-f", str(root / "mkdocs.yml"), "--offline", "--strict"]) == 0
    folder = ARTIFACTS / "pipelines"
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(_OPEN_SHADOW_ROOTS)
            page.goto((root / "site" / "pipelines" / "ci" / "index.html").as_uri())
            page.wait_for_function(
                "() => document.querySelector('div.mermaid')?.shadowRoot?.querySelector('svg')",
                timeout=30_000,
            )
            graph = page.evaluate(_GRAPH)
            page.screenshot(path=folder / "uv-ci.png", full_page=False)
        finally:
            browser.close()
    assert graph["boxes"] == 12
    assert graph["height"] < 1000
    assert graph["label"] >= 0.95 * graph["body"]
