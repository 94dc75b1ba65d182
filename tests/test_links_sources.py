"""Broken links reported at their Markdown source line, on sites built by MkDocs itself."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen.config import DocgenConfig
from docgen.diagnostics import render_text
from docgen.links import check_site, dump
from docgen.links.collect import element_ids
from docgen.links.sources import (
    SourceMap,
    markdown_links,
    page_paths,
)
from docgen.model import Context

MARKDOWN = """\
# Title

An [inline](a.md) link and an ![image](img/p.png "t")
over [two
lines](b.md#frag) and <https://example.org/auto>.

| col | link |
| --- | ---- |
| x   | [in table](c.md) |

A [reference][ref] and a [collapsed][] one, <a href="raw.html">inline html</a>.

<div>
  <img src="block.png" srcset="s1.png 1x, s2.png 2x">
  <video poster='poster.jpg'></video>
</div>

    [not a link](indented-code.md)

```
[not a link](fenced.md)
```

[ref]: d.md#sec
[collapsed]: e.md
"""


def test_markdown_links_have_their_lines() -> None:
    assert list(markdown_links(MARKDOWN)) == [
        ("a.md", 3),
        ("img/p.png", 3),
        ("b.md#frag", 4),
        ("https://example.org/auto", 5),
        ("c.md", 9),
        ("d.md#sec", 11),
        ("e.md", 11),
        ("raw.html", 11),
        ("block.png", 14),
        ("s1.png", 14),
        ("s2.png", 14),
        ("poster.jpg", 15),
    ]


def test_page_paths() -> None:
    assert page_paths("a/b.md") == ("a/b/index.html", "a/b.html")
    assert page_paths("a/index.md") == ("a/index.html", "a/index.html")
    assert page_paths("README.md") == ("index.html", "index.html")


def test_theme_links_match_no_line_unless_broken(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# T\n\n[x](x.md)\n")
    config = DocgenConfig(root=tmp_path, docs_dir=docs, site_dir=tmp_path / "site")
    sources = SourceMap(config, {"index.html"}, {"gone.md": "nowhere.py"})
    # A navigation link, the content's link, then the same URL again in a footer.
    urls = ["nav/", "x.md", "x.md"]
    assert sources.locate("index.html", urls, 0) is None
    assert sources.locate("index.html", urls, 1) == (3, "x.md")
    assert sources.locate("index.html", urls, 2) is None
    assert sources.locate("index.html", urls, 2, fallback=True) == (3, "x.md")
    assert sources.locate("index.html", urls, 0, fallback=True) is None
    # The Markdown file went away after the map was made: the file, without a line.
    fresh = SourceMap(config, {"index.html"})
    (docs / "index.md").unlink()
    assert fresh.locate("index.html", urls, 1) is None


def test_source_map_without_docs_folder(tmp_path: Path) -> None:
    config = DocgenConfig(root=tmp_path, docs_dir=tmp_path / "none", site_dir=tmp_path)
    sources = SourceMap(config, {"index.html"}, {"index.md": str(tmp_path / "gen.py")})
    source = sources.source("index.html")
    assert source is not None
    assert (source.path, source.markdown) == ("gen.py", None)
    assert sources.locate("index.html", ["x.md"], 0, fallback=True) is None
    assert sources.source("other.html") is None


DOCS = {
    "index.md": """\
        # Home

        Read the [guide](guide.md) first.

        Then [a missing page](nope.md) and [a missing anchor](guide.md#nowhere).

        Same page: [ok](#home), [broken](#zzz), and [by reference][r].

        <a href="img/ok.png">raw html good</a> <img src="missing.png" alt="x">

        [r]: sub/deep.md#nah
        """,
    "guide.md": """\
        # Guide

        ## Install

        [Back](index.md#home) and [gone](#gone) and again [gone](#gone).
        """,
    "sub/deep.md": """\
        # Deep

        [Up three](../../../outside.md) [image](../img/ok.png)
        """,
    "img/ok.png": "",
}


def build(tmp_path: Path, directory_urls: bool) -> DocgenConfig:
    for name, text in DOCS.items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: T\ntheme: mkdocs\nuse_directory_urls: {str(directory_urls).lower()}\n"
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    return DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=tmp_path / "site",
        cache_dir=tmp_path / ".cache",
        offline=True,
    )


EXPECTED = """\
docs/guide.md:5: error[DG302]: broken link to '#gone' (no anchor '#gone' on this page)
docs/guide.md:5: error[DG302]: broken link to '#gone' (no anchor '#gone' on this page)
docs/index.md:5: error[DG301]: broken link to 'nope.md' (no such page or file: docs/nope.md)
docs/index.md:5: error[DG302]: broken link to 'guide.md#nowhere' (no anchor '#nowhere' {guide})
docs/index.md:7: error[DG302]: broken link to '#zzz' (no anchor '#zzz' on this page)
docs/index.md:7: error[DG302]: broken link to 'sub/deep.md#nah' (no anchor '#nah' {deep})
docs/index.md:9: error[DG301]: broken link to 'missing.png' (no such page or file: missing.png)
docs/sub/deep.md:3: error[DG303]: link to '../../../outside.md' goes above the site's root folder
info[DG313]: 4 external links not checked (--offline)
"""


@pytest.mark.slow
@pytest.mark.parametrize("directory_urls", [True, False])
def test_mkdocs_site_reports_markdown_lines(tmp_path: Path, directory_urls: bool) -> None:
    config = build(tmp_path, directory_urls)
    result = check_site(config, Context(), config.site_dir)
    lines = [line for line in render_text(result.diagnostics).splitlines() if "hint:" not in line]
    # The same broken link twice on one line is two findings at one place: shown once.
    expected = EXPECTED.format(
        guide="in guide/index.html" if directory_urls else "in guide.html",
        deep="in sub/deep/index.html" if directory_urls else "in sub/deep.html",
    ).splitlines()
    assert lines == list(dict.fromkeys(expected))


@pytest.mark.slow
def test_generated_pages_point_at_their_sources(tmp_path: Path) -> None:
    config = build(tmp_path, True)
    page = config.site_dir / "pipelines" / "ci" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<a href="../../nope/">x</a>', encoding="utf-8")
    generated = Context(sources={"pipelines/ci.md": str(tmp_path / ".github/workflows/ci.yml")})
    result = check_site(config, generated, config.site_dir)
    found = [d for d in result.diagnostics if "nope/" in d.message]
    assert [str(d.location) for d in found] == [".github/workflows/ci.yml"]
    # A source relative to the project's root is the root's.
    result = check_site(config, Context(sources={"pipelines/ci.md": "mod/x.py"}), config.site_dir)
    found = [d for d in result.diagnostics if "nope/" in d.message]
    assert [str(d.location) for d in found] == ["mod/x.py"]
    # The dump lists every link, theme links included, each with a place and a result.
    records = dump(config, [])["links"]
    assert isinstance(records, list)
    assert {r["result"] for r in records} >= {"ok", "broken"}
    home = [r for r in records if r["file"] == "docs/index.md" and r["line"] == 3]
    assert [r["url"] for r in home] == ["guide/"]
    json.dumps(records)


def test_element_ids() -> None:
    html = '<html><body>\n<h2 id="a">A</h2>\n<!-- c -->\n<p id="b">x</p>\n</body></html>'
    assert element_ids(html) == [(2, "a"), (4, "b")]
    assert element_ids("") == []
