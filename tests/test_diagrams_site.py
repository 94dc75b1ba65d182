"""Diagrams end to end: a real build, `docgen check` at file:line, and a real browser.

The browser test drives Debian's chromium with Playwright over the built site served on
127.0.0.1, in both palettes and after instant navigation, and keeps screenshots in
`artifacts/diagrams/`. Without chromium it skips, except under CI (CI=true), where it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARTIFACTS as SHARED_ARTIFACTS
from conftest import CHROMIUM_ARGS, REPO, write

from docgen import cli
from docgen.diagrams import setup

ARTIFACTS = SHARED_ARTIFACTS / "diagrams"

MKDOCS_YML = """
site_name: Diagrams test
theme:
  name: material
  features: [navigation.instant, navigation.sections]
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
plugins:
  - docgen:
      links: {external: false}
"""

WORKFLOW = """
name: CI
on: [push]
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: ruff check
  test:
    needs: lint
    runs-on: ubuntu-latest
    steps:
      - run: pytest
"""

GUIDE = """
# Guide

See [the architecture](architecture.md).

!!! note "Embedded"

    ```mermaid file="diagrams/plugin.mmd"
    ```

```mermaid
stateDiagram-v2
  [*] --> Written
  Written --> Checked
```
"""


@pytest.fixture(scope="module")
def mermaid() -> Path:
    result = setup.install()
    assert result.ok, result.message
    return result.path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A 127.0.0.1 server for a site folder, bound before the site is built.

    Material's instant navigation matches links against sitemap.xml keeping the port of
    `site_url`, so the site is built for the port it is served on.
    """
    folder = tmp_path_factory.mktemp("served") / "site"
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, mermaid: Path, server: tuple[Path, str]) -> Path:
    """This repository's diagrams in a small project, built offline with --strict."""
    folder, url = server
    root = tmp_path_factory.mktemp("diagrams-site")
    write(
        root,
        {
            "mkdocs.yml": MKDOCS_YML + f"site_url: {url}\nsite_dir: {folder}\n",
            "docs/index.md": "# Home\n\nWelcome.\n",
            "docs/guide.md": GUIDE,
            ".github/workflows/ci.yml": WORKFLOW,
        },
    )
    shutil.copytree(REPO / "diagrams", root / "diagrams")
    code = cli.main(["build", "-f", str(root / "mkdocs.yml"), "--offline", "--strict"])
    assert code == 0
    return folder


def _pages_with_diagrams(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if 'class="mermaid"' in p.read_text(encoding="utf-8")
    )


@pytest.mark.slow
def test_offline_strict_build_serves_its_own_mermaid(site: Path) -> None:
    pages = _pages_with_diagrams(site)
    assert "architecture/index.html" in pages
    assert "guide/index.html" in pages
    assert any(p.startswith("pipelines/") for p in pages)
    assert (site / "js" / "mermaid.min.js").read_bytes() == setup.mermaid_js().read_bytes()
    for page in pages:
        html = (site / page).read_text(encoding="utf-8")
        assert "mermaid.min.js" in html
        assert "unpkg.com" not in html
        assert "jsdelivr" not in html
    guide = (site / "guide" / "index.html").read_text(encoding="utf-8")
    assert "participant E as engine" in guide  # the embed was replaced by the file
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    summary = report["stages"]["diagrams"]["summary"]
    assert summary["validation"] == "Mermaid 11.17.2"
    assert summary["invalid"] == 0
    assert summary["diagrams"] == 4  # pipeline.mmd, plugin.mmd, the guide's fence, ci.yml


@pytest.mark.slow
def test_check_fails_at_the_broken_diagrams_line(
    tmp_path: Path, mermaid: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/index.md": "# Home\n\n```mermaid\ngraph TD\n  A-->B\n```\n",
            "diagrams/broken.mmd": "%% Broken\n%% On purpose.\nflowchart TD\n  A-->B\n  B-->>C\n",
        },
    )
    assert cli.main(["check", "-f", str(root / "mkdocs.yml"), "--offline"]) == 1
    out = capsys.readouterr()
    assert "diagrams/broken.mmd:5: error[DG401]: Mermaid syntax error: " in out.out + out.err
    assert (
        cli.main(["check", "-f", str(root / "mkdocs.yml"), "--offline", "--no-diagram-validation"])
        == 0
    )
    out = capsys.readouterr()
    assert "validation skipped: opted out" in out.out + out.err


@pytest.fixture
def served(site: Path, server: tuple[Path, str]) -> str:
    return server[1]


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser drops connections it no longer needs (navigation): not a failure


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


# Material renders into a closed shadow root; the test opens it to look inside.
_OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""
_RENDERED = """
() => {
  const hosts = [...document.querySelectorAll("div.mermaid")];
  return hosts.length > 0 && document.querySelectorAll("pre.mermaid").length === 0
    && hosts.every(h => h.shadowRoot && h.shadowRoot.querySelector("svg"));
}
"""
_DIAGRAMS = """
() => [...document.querySelectorAll("div.mermaid")].map(h => {
  const svg = h.shadowRoot.querySelector("svg");
  const box = svg.querySelector(".node rect, rect.actor, .statediagram-state rect, rect");
  return {
    kind: svg.getAttribute("aria-roledescription"),
    width: svg.getBoundingClientRect().width,
    error: svg.querySelector(".error-icon, .error-text") !== null,
    fill: box ? getComputedStyle(box).fill : null,
  };
})
"""


@pytest.mark.slow
@pytest.mark.browser
def test_every_diagram_renders_in_both_palettes(chromium: Path, site: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(served)
                    else (elsewhere.append(route.request.url), route.abort())[1]
                ),
            )
            page.add_init_script(_OPEN_SHADOW_ROOTS)
            page.goto(served + "architecture/")
            page.wait_for_function(_RENDERED, timeout=30_000)
            light = page.evaluate(_DIAGRAMS)
            assert [d["kind"] for d in light] == ["flowchart-v2", "sequence"]
            assert all(d["width"] > 100 and not d["error"] for d in light)
            assert page.evaluate("mermaid.mermaidAPI.getConfig().securityLevel") == "strict"
            page.screenshot(path=ARTIFACTS / "architecture-light.png", full_page=True)

            page.locator("form[data-md-component='palette'] label:visible").click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            dark = page.evaluate(_DIAGRAMS)
            assert all(not d["error"] for d in dark)
            assert [d["fill"] for d in dark] != [d["fill"] for d in light]  # themed per palette
            page.screenshot(path=ARTIFACTS / "architecture-dark.png", full_page=True)

            # Instant navigation swaps the page without reloading: diagrams still render.
            target = next(p for p in _pages_with_diagrams(site) if p.startswith("pipelines/"))
            page.wait_for_load_state("networkidle")  # instant navigation needs sitemap.xml
            page.evaluate("window.__same_document = true")
            link = target.removesuffix("index.html")
            page.locator(f"nav a[href$='{link}']:visible").first.click()
            page.wait_for_function(f"location.pathname.endsWith('{link}')")
            page.wait_for_function(_RENDERED, timeout=30_000)
            assert page.evaluate("window.__same_document === true")
            pipeline = page.evaluate(_DIAGRAMS)
            assert pipeline
            assert all(d["width"] > 50 and not d["error"] for d in pipeline)
            page.screenshot(path=ARTIFACTS / "pipeline-dark.png", full_page=True)

            page.locator("form[data-md-component='palette'] label:visible").click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
            assert all(not d["error"] for d in page.evaluate(_DIAGRAMS))
            page.screenshot(path=ARTIFACTS / "pipeline-light.png", full_page=True)

            # A hand-written page: an embed inside an admonition, and an inline fence.
            page.goto(served + "guide/")
            page.wait_for_function(_RENDERED, timeout=30_000)
            guide = page.evaluate(_DIAGRAMS)
            assert [d["kind"] for d in guide] == ["sequence", "stateDiagram"]
            assert all(not d["error"] for d in guide)
        finally:
            browser.close()
    assert not [url for url in elsewhere if "mermaid" in url]
