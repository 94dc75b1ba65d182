"""A project that already uses mkdocs-mermaid2: one Mermaid per page, docgen's, never a CDN.

Real builds with the real plugin (a dev dependency), and the page in a real browser.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, write

from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.diagrams import mermaid2, setup
from docgen.mkdocs_plugin import BuildOutcome, build_site

PAGE = "# Home\n\n```mermaid\nflowchart LR\n  write --> check\n```\n\nAfter the diagram.\n"
_SCRIPT = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script>", re.S)


def mermaid2_yml(fence: str = "fence_mermaid_custom", *, extra: str = "") -> str:
    return (
        "site_name: m2\n"  # 1
        "theme: {name: material, font: false}\n"  # 2 — and no Google Fonts
        "plugins:\n"  # 3
        "  - search\n"  # 4
        "  - mermaid2:\n"  # 5 — before docgen: its on_config must not run either
        "      arguments: {theme: dark}\n"  # 6
        "  - docgen:\n"  # 7
        "      links: {external: false}\n"  # 8
        "markdown_extensions:\n"  # 9
        "  - pymdownx.superfences:\n"  # 10
        "      custom_fences:\n"  # 11
        "        - name: mermaid\n"  # 12
        "          class: mermaid\n"  # 13
        f"          format: !!python/name:mermaid2.{fence}\n" + extra  # 14
    )


@pytest.fixture(scope="module")
def mermaid() -> Path:
    result = setup.install()
    assert result.ok, result.message
    return result.path


def build(root: Path) -> BuildOutcome:
    return build_site(root / "mkdocs.yml", adjust=lambda c: replace(c, offline=True))


def scripts(html: str) -> list[str]:
    """Every script of a page: its src, or its code."""
    found = []
    for match in _SCRIPT.finditer(html):
        src = re.search(r'\bsrc="([^"]*)"', match[0][: match[0].index(">") + 1])
        found.append(src[1] if src else match["body"])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("fence", ["fence_mermaid_custom", "fence_mermaid"])
def test_mermaid2_stands_down_for_docgens_own_mermaid(
    tmp_path: Path, mermaid: Path, fence: str
) -> None:
    cdn = "https://unpkg.com/mermaid@10.4.0/dist/mermaid.min.js"
    root = write(
        tmp_path,
        {
            "mkdocs.yml": mermaid2_yml(fence, extra=f"extra_javascript:\n  - {cdn}\n"),
            "docs/index.md": PAGE,
        },
    )
    outcome = build(root)
    assert outcome.aborted is None
    (warning,) = [d for d in outcome.diagnostics if d.code == "DG411"]
    assert (str(warning.location), warning.severity) == ("mkdocs.yml:5", Severity.WARNING)
    assert "mermaid2 is turned off for this build" in warning.message
    assert warning.hint == (
        "remove `mermaid2` from `plugins:` (line 5), the custom fence whose format is "
        f"mermaid2's (line 14) and {cdn} from `extra_javascript:`; docgen draws ```mermaid "
        "fences with no setup"
    )
    assert [d for d in outcome.diagnostics if d.severity is Severity.ERROR] == []
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    mermaids = [s for s in scripts(html) if "mermaid" in s.lower()]
    # One Mermaid: docgen's, from the site; mermaid2 added neither a library nor its loader.
    assert mermaids == ["js/mermaid.min.js", "js/docgen-mermaid.js"]
    assert not [s for s in scripts(html) if s.startswith(("https:", "http:", "//"))]
    assert "import mermaid" not in html
    assert "mermaidConfig" not in html
    # The fence draws as docgen's own: the source escaped, inside <pre class="mermaid">.
    assert '<pre class="mermaid"><code>flowchart LR\n  write --&gt; check</code></pre>' in html


@pytest.mark.slow
def test_a_mermaid2_fence_without_the_plugin_is_drawn_as_docgens(
    tmp_path: Path, mermaid: Path
) -> None:
    yml = mermaid2_yml().replace("  - mermaid2:\n      arguments: {theme: dark}\n", "")
    root = write(tmp_path, {"mkdocs.yml": yml, "docs/index.md": PAGE})
    outcome = build(root)
    (warning,) = [d for d in outcome.diagnostics if d.code == "DG411"]
    assert str(warning.location) == "mkdocs.yml:12"
    assert warning.hint is not None
    assert warning.hint.startswith("remove the custom fence whose format is mermaid2's (line 12)")
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid"><code>flowchart LR\n  write --&gt; check</code></pre>' in html


@pytest.mark.slow
def test_with_diagrams_off_mermaid2_is_left_alone(tmp_path: Path) -> None:
    yml = mermaid2_yml().replace(
        "      arguments: {theme: dark}\n", "      javascript: js/mermaid.min.js\n"
    )
    yml = yml.replace("      links: {external: false}\n", "      diagrams: false\n")
    root = write(
        tmp_path,
        {"mkdocs.yml": yml, "docs/index.md": PAGE, "docs/js/mermaid.min.js": "// theirs\n"},
    )
    outcome = build(root)
    assert [d for d in outcome.diagnostics if d.code == "DG411"] == []
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "js/mermaid.min.js" in scripts(html)  # mermaid2's own script, as configured
    assert "mermaidConfig" in html


@pytest.mark.parametrize(
    ("yml", "expected"),
    [
        ("", mermaid2.Setup("mkdocs.yml")),
        ("[not, a, mapping]", mermaid2.Setup("mkdocs.yml")),
        ("plugins: [search, mermaid2]\n", mermaid2.Setup("mkdocs.yml", 1)),
        ("plugins:\n  - search\n", mermaid2.Setup("mkdocs.yml")),
        (
            "markdown_extensions:\n  - pymdownx.superfences\n  - pymdownx.superfences:\n"
            "      custom_fences:\n        - name: x\n"
            "        - {name: y, format: !!python/name:pymdownx.superfences.fence_code_format }\n"
            "        - {name: m, format: !!python/name:mermaid2.fence_mermaid }\n"
            "        - name: n\n          format: !!python/name:mermaid2.fence_mermaid_custom\n"
            "  - toc\n",
            mermaid2.Setup("mkdocs.yml", None, (7, 9)),
        ),
    ],
)
def test_find_reads_the_lines_that_set_mermaid2_up(
    tmp_path: Path, yml: str, expected: mermaid2.Setup
) -> None:
    (tmp_path / "mkdocs.yml").write_text(yml, encoding="utf-8")
    assert mermaid2.find(tmp_path, "mkdocs.yml") == expected


def test_find_follows_inherit(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "mkdocs.yml": "INHERIT: config/base.yml\nsite_name: child\n",
            "config/base.yml": "INHERIT: base.yml\nplugins:\n  - search\n  - mermaid2\n",
            "loop.yml": "INHERIT: loop.yml\n",
        },
    )
    assert mermaid2.find(tmp_path, "mkdocs.yml") == mermaid2.Setup("config/base.yml", 4)
    assert mermaid2.find(tmp_path, "loop.yml") == mermaid2.Setup("loop.yml")


def test_find_tolerates_a_file_it_cannot_read(tmp_path: Path) -> None:
    assert mermaid2.find(tmp_path, "mkdocs.yml") == mermaid2.Setup("mkdocs.yml")
    (tmp_path / "bad.yml").write_text("plugins: [\n", encoding="utf-8")
    assert mermaid2.find(tmp_path, "bad.yml") == mermaid2.Setup("bad.yml")


def test_stand_down_says_nothing_without_mermaid2() -> None:
    assert mermaid2.stand_down(mermaid2.Setup("mkdocs.yml")) is None


def test_stand_down_without_a_line_for_the_plugin() -> None:
    found = mermaid2.stand_down(mermaid2.Setup("mkdocs.yml"), turned_off=True)
    assert found is not None
    assert found.location == Location("mkdocs.yml", None)
    assert found.hint is not None
    assert found.hint.startswith("remove `mermaid2` from `plugins:`; docgen draws")


def test_stand_down_names_every_line_to_edit() -> None:
    found = mermaid2.stand_down(mermaid2.Setup("mkdocs.yml", None, (7, 9)), ["js/mermaid.js"])
    assert isinstance(found, Diagnostic)
    assert found.location == Location("mkdocs.yml", 7)
    assert found.hint == (
        "remove the custom fence whose format is mermaid2's (lines 7, 9) and js/mermaid.js "
        "from `extra_javascript:`; docgen draws ```mermaid fences with no setup"
    )
    alone = mermaid2.stand_down(mermaid2.Setup("mkdocs.yml"), ["js/mermaid.js"])
    assert alone is not None
    assert alone.location == Location("mkdocs.yml", None)


def test_what_counts_as_mermaid2s() -> None:
    from functools import partial

    import pymdownx.superfences

    assert mermaid2.is_fence(mermaid2_fence())
    assert not mermaid2.is_fence(pymdownx.superfences.fence_code_format)
    assert not mermaid2.is_fence(partial(pymdownx.superfences.fence_code_format))
    assert not mermaid2.is_fence(None)
    assert not mermaid2.is_plugin(object())
    ours = ("js/mermaid.min.js",)
    assert mermaid2.is_library("https://unpkg.com/mermaid@10/dist/mermaid.min.js", ours)
    assert not mermaid2.is_library("js/mermaid.min.js", ours)
    assert not mermaid2.is_library("js/extra.js", ours)


def mermaid2_fence() -> object:
    from mermaid2 import fence_mermaid_custom  # type: ignore[import-untyped]

    return fence_mermaid_custom


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path, mermaid: Path) -> Iterator[str]:
    root = write(tmp_path, {"mkdocs.yml": mermaid2_yml(), "docs/index.md": PAGE})
    assert build(root).aborted is None
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


_RENDERED = """
() => document.querySelectorAll("pre.mermaid").length === 0
  && [...document.querySelectorAll("div.mermaid")].some(h => h.shadowRoot?.querySelector("svg"))
"""


@pytest.mark.slow
@pytest.mark.browser
def test_the_diagram_renders_once_in_a_browser(chromium: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright

    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(served)
                    else (elsewhere.append(route.request.url), route.abort())[1]
                ),
            )
            # Material draws into a closed shadow root; the test opens it to look inside.
            page.add_init_script(
                "const attach = Element.prototype.attachShadow;"
                "Element.prototype.attachShadow = function (init) {"
                "  return attach.call(this, {...init, mode: 'open'}); };"
            )
            page.goto(served)
            page.wait_for_function(_RENDERED, timeout=30_000)
            assert page.evaluate("document.querySelectorAll('div.mermaid').length") == 1
        finally:
            browser.close()
    assert elsewhere == []
