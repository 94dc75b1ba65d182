"""`docgen deploy` end to end: check, build, publish; and what a reader sees in Chromium."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ARTIFACTS, CHROMIUM_ARGS
from test_deploy_helpers import IDENTITY, files, git, remote_and_clone, show

from docgen.cli import main

MKDOCS_YML = """\
site_name: Versioned
site_url: https://example.org/p/
theme:
  name: material
extra:
  version:
    provider: mike
    alias: true
plugins:
  - docgen:
      diagrams: false
      examples: false
      links: false
      pipelines: false
      lint: false
"""


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _, work = remote_and_clone(tmp_path)
    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    pages(work, {"index.md": "# Home\n\nSee the [guide](guide.md).\n", "guide.md": "# Guide\n"})
    monkeypatch.chdir(work)
    return work


def pages(work: Path, found: dict[str, str]) -> None:
    docs = work / "docs"
    docs.mkdir(exist_ok=True)
    for name in list(docs.iterdir()):
        name.unlink()
    for name, text in found.items():
        (docs / name).write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_deploy_checks_builds_and_publishes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = project.parent / "remote.git"
    assert main(["deploy", "1.0", "--offline"]) == 0  # published locally, pushed by the next
    assert main(["deploy", "2.0", "latest", "--set-default", "--push", "--title", "Two"]) == 0
    assert json.loads(show(remote, "gh-pages", "versions.json")) == [
        {"version": "2.0", "title": "Two", "aliases": ["latest"]},
        {"version": "1.0", "title": "1.0", "aliases": []},
    ]
    tree = files(remote, "gh-pages")
    assert tree["latest/guide/index.html"] == tree["2.0/guide/index.html"]
    canonical = '<link rel="canonical" href="https://example.org/p/2.0/guide/">'
    assert canonical in show(remote, "gh-pages", "1.0/guide/index.html")
    before = git(remote, "rev-parse", "gh-pages")
    capsys.readouterr()
    assert main(["versions", "list", "--json"]) == 0  # reads deploy: from mkdocs.yml
    assert json.loads(capsys.readouterr().out)["default"] == "2.0"
    # A broken link is a warning; --strict makes it an error, and errors are not published.
    pages(project, {"index.md": "# Home\n\n[gone](missing.md)\n"})
    assert main(["deploy", "3.0", "--strict", "--push"]) == 1
    err = capsys.readouterr().err
    assert "DG803" in err
    assert "--allow-errors" in err
    assert git(remote, "rev-parse", "gh-pages") == before
    # Without mike's provider, Material shows no version selector: said, not refused.
    (project / "mkdocs.yml").write_text(MKDOCS_YML.replace("mike", "none"), encoding="utf-8")
    assert main(["deploy", "3.0", "--strict", "--push", "--allow-errors"]) == 0
    err = capsys.readouterr().err
    assert "DG809" in err
    assert "DG814" in err
    assert "--allow-errors" in git(remote, "log", "-1", "--format=%B", "gh-pages")
    (project / "mkdocs.yml").write_text("site_name: [broken\n", encoding="utf-8")
    assert main(["deploy", "4.0"]) == 2


class _GitHubPages(SimpleHTTPRequestHandler):
    """Like GitHub Pages: a missing file is answered with the site's 404.html."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(project: Path, tmp_path: Path) -> Iterator[str]:
    pages(project, {"index.md": "# Home\n", "guide.md": "# Guide\n", "old.md": "# Old\n"})
    assert main(["deploy", "1.0"]) == 0
    pages(project, {"index.md": "# Home\n", "guide.md": "# Guide\n", "new.md": "# New\n"})
    assert main(["deploy", "2.0", "latest", "--set-default"]) == 0
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "gh-pages"],
        cwd=project,
        capture_output=True,
        check=True,
    ).stdout
    root = tmp_path / "pages"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_GitHubPages, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.browser
def test_reader_lands_on_default_and_switches_versions(chromium: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{served}/")
            page.wait_for_url(f"{served}/2.0/")
            page.goto(f"{served}/2.0/guide/")
            page.wait_for_selector(".md-version__current")
            assert page.inner_text(".md-version__current") == "2.0latest"  # version + alias
            links = page.locator(".md-version__list .md-version__link")
            assert links.all_inner_texts() == ["2.0latest", "1.0"]
            aliases = page.locator(".md-version__list .md-version__alias")
            assert aliases.all_inner_texts() == ["latest"]
            page.hover(".md-version")
            page.locator(".md-version__list").wait_for(state="visible")
            page.screenshot(path=str(ARTIFACTS / "deploy-version-selector.png"))
            page.locator(".md-version__list .md-version__link", has_text="1.0").click()
            page.wait_for_url(f"{served}/1.0/guide/")
            # Old links: a page 1.0 never had, and a link from before the docs were versioned.
            page.goto(f"{served}/1.0/new/")
            page.wait_for_url(f"{served}/2.0/new/")
            page.goto(f"{served}/guide/")
            page.wait_for_url(f"{served}/2.0/guide/")
            page.goto(f"{served}/2.0/old/")
            page.wait_for_url(f"{served}/2.0/")
            page.screenshot(path=str(ARTIFACTS / "deploy-404-redirect.png"))
        finally:
            browser.close()
