"""What real repositories showed (issue 14): every finding of the links stage is a real
problem, at the right file:line.

Non-page HTML in the site is not checked; links into a mike-versioned site find this
build's pages; a missing Markdown file is named as the docs folder has it, and said once
for all its links; lines are found on minified pages and inside admonitions and tabs; a
broken theme link names the line of mkdocs.yml that adds it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.links import check_site
from docgen.links.collect import ids_in_link_order
from docgen.links.internal import unversioned
from docgen.links.sources import markdown_links
from docgen.model import Context


def config_for(root: Path, site_url: str | None = None) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        site_url=site_url,
    )


def check(
    root: Path, site_url: str | None = None, context: Context | None = None
) -> list[Diagnostic]:
    (root / "docs").mkdir(exist_ok=True)
    config = config_for(root, site_url)
    return list(check_site(config, context or Context(), config.site_dir, processes=1).diagnostics)


def found(diagnostics: list[Diagnostic], code: str = "DG301") -> list[tuple[str, str]]:
    return [(str(d.location), d.message) for d in diagnostics if d.code == code]


# --- 1. only pages are checked -----------------------------------------------------------

NON_PAGES = {
    "site/index.html": '<a href=".coverage-tmp.html">coverage</a> <a href="extra.html">x</a>',
    # mkdocs-coverage leaves this behind: its links are relative to another folder.
    "site/.coverage-tmp.html": '<a href="../architecture/">up</a>',
    "site/.hidden/page.html": '<a href="nowhere.html">x</a>',
    "site/extra.html": '<a href="gone.html">a page of its own, or a plugin\'s leftover</a>',
}


def test_hidden_html_is_no_page_but_links_to_it_resolve(tmp_path: Path) -> None:
    root = write(tmp_path, NON_PAGES)
    config = config_for(root)
    result = check_site(config, Context(), config.site_dir, processes=1)
    # Not told which pages were built: every HTML file but hidden ones is a page.
    assert found(list(result.diagnostics)) == [
        ("site/extra.html", "broken link to 'gone.html' (no such page or file: gone.html)")
    ]
    assert not found(list(result.diagnostics), "DG303")
    assert result.summary["non_pages_skipped"] == 2


def test_the_context_names_the_pages_the_engine_built(tmp_path: Path) -> None:
    root = write(tmp_path, NON_PAGES)
    config = config_for(root)
    built = Context(pages=("index.html",))
    result = check_site(config, built, config.site_dir, processes=1)
    assert result.diagnostics == ()  # extra.html is no page of this build: not checked
    assert result.summary["non_pages_skipped"] == 3
    assert len(found(check(root))) == 1


# --- 2. links into a mike-versioned site ------------------------------------------------

MIKE_HOME = (
    '<script id="__config" type="application/json">'
    '{"base": ".", "version": {"provider": "mike"}}</script>\n'
)
VERSIONED_LINKS = """\
<a href="https://docs.example.org/latest/guide/#setup">ok</a>
<a href="https://docs.example.org/latest/nope/">missing</a>
<a href="/1.2/guide/">ok</a>
<a href="/v1.2.3/guide/#gone">no such anchor</a>
<a href="/edge/guide/">an alias of versions.json</a>
<a href="/latest">the home page</a>
"""


def versioned_site(root: Path, *, mike: bool, versions: str | None = None) -> Path:
    files = {
        "site/index.html": (MIKE_HOME if mike else "") + VERSIONED_LINKS,
        "site/guide/index.html": '<h2 id="setup">Setup</h2>',
    }
    if versions is not None:
        files["site/versions.json"] = versions
    return write(root, files)


def test_a_link_into_a_mike_site_finds_this_builds_page(tmp_path: Path) -> None:
    root = versioned_site(tmp_path, mike=True)
    diagnostics = check(root, "https://docs.example.org/")
    assert found(diagnostics) == [
        (
            "site/index.html",
            "broken link to 'https://docs.example.org/latest/nope/' "
            "(no such page or file: nope/index.html)",
        ),
        (
            "site/index.html",
            "broken link to '/edge/guide/' (no such page or file: edge/guide/index.html)",
        ),
    ]
    assert found(diagnostics, "DG302") == [
        (
            "site/index.html",
            "broken link to '/v1.2.3/guide/#gone' (no anchor '#gone' in guide/index.html)",
        )
    ]


def test_a_minified_home_page_says_mike_too(tmp_path: Path) -> None:
    root = versioned_site(tmp_path, mike=False)
    home = root / "site" / "index.html"
    minified = MIKE_HOME.replace('"__config"', "__config").replace('"application/json"', "x")
    home.write_text(minified + VERSIONED_LINKS)
    assert len(found(check(root, "https://docs.example.org/"))) == 2


def test_versions_json_names_more_aliases(tmp_path: Path) -> None:
    listing = [{"version": "2.0", "title": "2.0", "aliases": ["edge"]}, "junk"]
    root = versioned_site(tmp_path, mike=False, versions=json.dumps(listing))
    diagnostics = check(root, "https://docs.example.org/")
    assert [m for _, m in found(diagnostics)] == [
        "broken link to 'https://docs.example.org/latest/nope/' "
        "(no such page or file: nope/index.html)"
    ]


def test_an_unversioned_site_keeps_the_first_folder(tmp_path: Path) -> None:
    root = versioned_site(tmp_path, mike=False, versions="{not json")
    assert len(found(check(root, "https://docs.example.org/"))) == 6
    (root / "site" / "index.html").unlink()  # no home page to tell: not versioned
    assert check(root, "https://docs.example.org/") == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("latest/config/index.html", "config/index.html"),
        ("stable/x.html", "x.html"),
        ("dev", "index.html"),
        ("1.2/a/", "a/"),
        ("v1.2.3/a.html", "a.html"),
        ("2.x/a.html", "a.html"),
        ("edge/a.html", None),
        ("guide/index.html", None),
        ("v/a.html", None),
    ],
)
def test_unversioned(path: str, expected: str | None) -> None:
    assert unversioned(path) == expected
    assert unversioned("edge/a.html", {"edge"}) == "a.html"


# --- 3. a missing page: named as the docs folder has it, said once for all its links ---

MISSING = {
    "mkdocs.yml": "site_name: x\nnav:\n  - index.md\n  - Settings: reference/settings.md\n",
    "docs/index.md": "# Home\n",
    "docs/concepts/auth/certs.md": (
        "# Certificates\n\nSee [settings](../../reference/settings.md#certs).\n\n"
        "And [again](../../reference/settings.md).\n\n![logo](img/logo.png)\n"
    ),
    "docs/guides/g.md": (
        "# Guide\n\n[settings](../reference/settings.md)\n[up](../../../x.md)\n"
        "[from the root](/reference/settings.md)\n"
    ),
    # MkDocs leaves a link to a missing file as it was written: the browser resolves it
    # against the page's folder, which is not the Markdown file's.
    "site/index.html": "<p>home</p>",
    "site/concepts/auth/certs/index.html": (
        '<a href="../../reference/settings.md#certs">s</a>\n'
        '<a href="../../reference/settings.md">s</a>\n<img src="img/logo.png">'
    ),
    "site/guides/g/index.html": (
        '<a href="../reference/settings.md">s</a>\n<a href="../../../x.md">up</a>\n'
        '<a href="/reference/settings.md">r</a>'
    ),
}


def test_a_missing_markdown_file_is_named_as_in_the_docs_folder(tmp_path: Path) -> None:
    root = write(tmp_path, MISSING)
    diagnostics = check(root)
    settings = "(no such page or file: docs/reference/settings.md)"
    assert found(diagnostics) == [
        (
            "docs/concepts/auth/certs.md:3",
            f"broken link to '../../reference/settings.md#certs' {settings}",
        ),
        (
            "docs/concepts/auth/certs.md:5",
            f"broken link to '../../reference/settings.md' {settings}",
        ),
        # Not a Markdown file: the path the browser asks for.
        (
            "docs/concepts/auth/certs.md:7",
            "broken link to 'img/logo.png' "
            "(no such page or file: concepts/auth/certs/img/logo.png)",
        ),
        ("docs/guides/g.md:3", f"broken link to '../reference/settings.md' {settings}"),
        ("docs/guides/g.md:5", f"broken link to '/reference/settings.md' {settings}"),
    ]
    first = next(d for d in diagnostics if d.code == "DG301")
    assert "mkdocs.yml:4 names it too (its nav entry is reported as DG710)" in first.hint
    (summary,) = [d for d in diagnostics if d.code == "DG314"]
    assert summary.severity is Severity.INFO
    assert summary.message == (
        "5 broken links name 2 missing files: docs/reference/settings.md (4), "
        "concepts/auth/certs/img/logo.png (1)"
    )
    assert found(diagnostics, "DG303")  # ../../../x.md leaves the site: not a file to add


def test_mkdocs_yml_names_the_missing_file_outside_its_nav(tmp_path: Path) -> None:
    files = dict(MISSING)
    files["mkdocs.yml"] = (
        "site_name: x\nplugins:\n  - redirects:\n      redirect_maps:\n"
        '        "old.md": "reference/settings.md"\n'
    )
    root = write(tmp_path, files)
    first = next(d for d in check(root) if d.code == "DG301")
    assert first.hint.endswith(
        "mkdocs.yml:5 names it too: one missing file, to add or to generate before the build"
    )
    # Listed in both: the nav entry is the line to give.
    (root / "mkdocs.yml").write_text(files["mkdocs.yml"] + "nav:\n  - reference/settings.md\n")
    first = next(d for d in check(root) if d.code == "DG301")
    assert "mkdocs.yml:7 names it too (its nav entry is reported as DG710)" in first.hint


def test_a_generated_pages_missing_link_keeps_its_site_path(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            # A docstring's link written for the mkdocstrings page that includes it.
            "site/api/m/index.html": '<h2 id="m.f">f</h2><a href="reference.md#m.f">x</a>',
        },
    )
    generated = Context(sources={"api/m.md": "m.py"}, lines={"api/m.md": {"m.f": 10}})
    assert found(check(root, context=generated)) == [
        (
            "m.py:10",
            "broken link to 'reference.md#m.f' (no such page or file: api/m/reference.md)",
        )
    ]


def test_one_link_to_a_missing_file_needs_no_summary(tmp_path: Path) -> None:
    files = {k: v for k, v in MISSING.items() if "certs" not in k}
    files["mkdocs.yml"] = "site_name: x\n"
    files["site/guides/g/index.html"] = '<a href="../reference/settings.md">s</a>'
    root = write(tmp_path, files)
    diagnostics = check(root)
    assert [d.hint for d in diagnostics if d.code == "DG301"] == [
        "fix the link's path, or add the missing page"
    ]
    assert not found(diagnostics, "DG314")


# --- 4. minified HTML: the part of a generated page a link is in -------------------------

MINIFIED = (
    '<html><body><h1 id="m">m</h1><a href="#gone-0">x</a><h2 id="m.f">f</h2><p>'
    '<img srcset="a.png 1x, b.png 2x"><link rel="preconnect" href="https://x.org"><a>no href</a>'
    '<a href="#gone-1">x</a></p><h2 id="m.g">g</h2><a href="#gone-2">y</a></body></html>'
)


def test_ids_in_link_order() -> None:
    assert ids_in_link_order(MINIFIED) == [(0, "m"), (1, "m.f"), (4, "m.g")]
    assert ids_in_link_order("") == []


def test_a_link_on_a_minified_page_is_at_its_part(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "site/api/m/index.html": MINIFIED,
            "site/a.png": "",
            "site/b.png": "",
        },
    )
    generated = Context(sources={"api/m.md": "m.py"}, lines={"api/m.md": {"m.f": 10, "m.g": 20}})
    # f's docstring holds its link on line 12, and (as text) g's link on line 15.
    (root / "m.py").write_text("\n" * 9 + "def f():\n\n    [x](#gone-1)\n\n\n    #gone-2\n")
    diagnostics = check(root, context=generated)
    # Each in the part it is in, though all share one line of HTML: at the line of the
    # part that holds it, else the part's; before the first part the page knows, the
    # module without a line.
    assert {loc: m[16:24] for loc, m in found(diagnostics, "DG302")} == {
        "m.py": "#gone-0'",
        "m.py:12": "#gone-1'",
        "m.py:20": "#gone-2'",
    }
    (root / "m.py").write_bytes(b"\xff")  # unreadable: the part's line
    assert "m.py:10" in {loc for loc, _ in found(check(root, context=generated), "DG302")}


# --- 5. links inside admonitions and content tabs ----------------------------------------

CONTAINERS = """\
# Title

!!! note
    See [one](one.md).

    === "Tab"

        [two](two.md)

???+ tip "Tip"
    <a href="three.html">three</a>

        [in code](code.md)
"""


def test_links_in_admonitions_and_tabs_have_their_lines() -> None:
    assert list(markdown_links(CONTAINERS)) == [("one.md", 4), ("two.md", 8), ("three.html", 11)]


def test_a_broken_link_in_an_admonition_is_at_its_line(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "docs/page.md": CONTAINERS,
            "site/page/index.html": (
                '<div class="admonition note"><p>See <a href="one.md">one</a>.</p>'
                '<div class="tabbed"><a href="two.md">two</a></div></div>\n'
                '<details open><a href="three.html">three</a></details>'
            ),
        },
    )
    assert [loc for loc, _ in found(check(root))] == [
        "docs/page.md:4",
        "docs/page.md:8",
        "docs/page.md:11",
    ]


# --- 6. a broken theme link on every page: at the line of mkdocs.yml that adds it --------


def theme_site(root: Path, mkdocs_yml: str) -> Path:
    pages = {f"site/p{n}/index.html": '<a href="/gone/">nav</a>' for n in range(3)}
    return write(root, {**pages, "mkdocs.yml": mkdocs_yml})


def test_a_theme_link_names_its_mkdocs_yml_line(tmp_path: Path) -> None:
    root = theme_site(tmp_path, "site_name: x\nnav:\n  - Gone: gone.md  # the gone/ page\n")
    diagnostics = check(root)
    ((where, message),) = found(diagnostics)
    assert where == "mkdocs.yml:3"
    assert diagnostics[0].hint.startswith("fix it at mkdocs.yml:3, which adds it to every page;")
    assert message.endswith(
        "on 3 pages, from the theme or mkdocs.yml, not from any page's Markdown"
    )


def test_a_theme_nav_link_to_a_missing_page_is_one_finding(tmp_path: Path) -> None:
    """MkDocs' nav links a missing Markdown file as it is, relative to each page, on
    hand-written and generated pages alike: one finding, naming the docs file."""
    pages = {
        "site/index.html": '<a href="ref/cli.md">nav</a>',
        "site/a/index.html": '<a href="../ref/cli.md">nav</a>',
        "site/api/m/index.html": '<a href="../../ref/cli.md">nav</a>',
        "docs/index.md": "# Home\n",
        "docs/a.md": "# A\n",
        "mkdocs.yml": "site_name: x\nnav:\n  - index.md\n  - ref/cli.md\n",
    }
    diagnostics = check(write(tmp_path, pages), context=Context(sources={"api/m.md": "m.py"}))
    assert found(diagnostics) == [
        (
            "mkdocs.yml:4",
            "broken link to '../ref/cli.md' (no such page or file: docs/ref/cli.md); on 3 pages, "
            "from the theme or mkdocs.yml, not from any page's Markdown",
        )
    ]
    assert not found(diagnostics, "DG314")


@pytest.mark.parametrize(
    ("url", "code"),
    [("http://exa mple.org/", "DG304"), ("../../up/", "DG303"), ("#gone", "DG302")],
)
def test_other_theme_problems_look_for_their_line(tmp_path: Path, url: str, code: str) -> None:
    pages = {f"site/p{n}.html": f'<a id="x" href="{url}">x</a>' for n in range(3)}
    root = write(tmp_path, {**pages, "mkdocs.yml": "# a comment\nsite_name: x\n"})
    assert [where for where, _ in found(check(root), code)] == ["mkdocs.yml"]


def test_a_theme_link_mkdocs_yml_does_not_name_has_no_line(tmp_path: Path) -> None:
    root = theme_site(tmp_path, "site_name: x\n# gone/ is mentioned in a comment only\n")
    diagnostics = check(root)
    assert [where for where, _ in found(diagnostics)] == ["mkdocs.yml"]
    assert "Material loads Google Fonts" in diagnostics[0].hint
    (root / "mkdocs.yml").write_bytes(b"\xff\xfe")  # unreadable as UTF-8: no line either
    assert [where for where, _ in found(check(root))] == ["mkdocs.yml"]
