"""Internal links on small hand-written sites: every element type, fragment and URL kind."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Severity
from docgen.links import check_site, dump
from docgen.links.collect import decode, parse_page, parse_srcset
from docgen.links.internal import (
    Kind,
    check_fragment,
    check_mailto,
    check_tel,
    classify,
    find_file,
    resolve,
    site_prefix,
)
from docgen.model import Context


def make_site(tmp_path: Path, pages: dict[str, str | bytes], docs: dict[str, str] | None = None):
    site = tmp_path / "site"
    for name, body in pages.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body), encoding="utf-8")
    for name, text in (docs or {}).items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    return site


def config_for(tmp_path: Path, **kwargs: object) -> DocgenConfig:
    return DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=tmp_path / "site",
        cache_dir=tmp_path / ".cache",
        **kwargs,  # type: ignore[arg-type]
    )


def codes(result) -> list[tuple[str, str]]:
    return sorted((d.code, d.message) for d in result.diagnostics)


# --- URL helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("page/", Kind.INTERNAL),
        ("/abs/", Kind.INTERNAL),
        ("#frag", Kind.INTERNAL),
        ("", Kind.INTERNAL),
        ("https://example.org/x", Kind.EXTERNAL),
        ("HTTP://Example.org", Kind.EXTERNAL),
        ("//cdn.example.org/lib.js", Kind.EXTERNAL),
        ("mailto:a@b.org", Kind.MAILTO),
        ("tel:+1-555", Kind.TEL),
        ("javascript:void(0)", Kind.IGNORED),
        ("data:image/png;base64,xx", Kind.IGNORED),
        ("http://[::1", Kind.MALFORMED),
        ("http://host:port/", Kind.MALFORMED),
        ("https:///nohost", Kind.MALFORMED),
        ("https://exa mple.org/", Kind.MALFORMED),
        ("https://-bad_host!/", Kind.MALFORMED),
    ],
)
def test_classify(url: str, kind: Kind) -> None:
    assert classify(url)[0] is kind


def test_classify_own_site_url_is_internal() -> None:
    site = "https://me.example.org/proj/"
    assert classify("https://me.example.org/proj/guide/", site)[0] is Kind.INTERNAL
    assert classify("https://me.example.org/proj", site)[0] is Kind.INTERNAL
    assert classify("https://me.example.org/other/", site)[0] is Kind.EXTERNAL
    assert classify("https://other.example.org/proj/", site)[0] is Kind.EXTERNAL


@pytest.mark.parametrize(
    ("page", "url", "prefix", "expected"),
    [
        ("a/b/index.html", "../c/", "/", ("a/c/index.html", "")),
        ("a/b/index.html", "../c/#x%20y", "/", ("a/c/index.html", "x y")),
        ("a/index.html", "img/p%C3%A9.png", "/", ("a/img/pé.png", "")),
        ("a/index.html", "", "/", ("a/index.html", "")),
        ("a/index.html", "#top", "/", ("a/index.html", "top")),
        ("a/index.html", "/b/", "/", ("b/index.html", "")),
        ("a/index.html", "/", "/", ("index.html", "")),
        ("a/index.html", "/proj/b/", "/proj/", ("b/index.html", "")),
        ("a/index.html", "/proj", "/proj/", ("index.html", "")),
        ("a/index.html", "..", "/", ("index.html", "")),
        ("a/index.html", "./", "/", ("a/index.html", "")),
        ("a/index.html", ".", "/", ("a/index.html", "")),
        ("index.html", ".", "/", ("index.html", "")),
        ("a/index.html", "https://me.org/proj/x/#f", "/proj/", ("x/index.html", "f")),
        ("a/index.html", "b?q=1", "/", ("a/b", "")),
    ],
)
def test_resolve(page: str, url: str, prefix: str, expected: tuple[str, str]) -> None:
    target = resolve(page, url, prefix)
    assert (target.path, target.fragment) == expected
    assert target.problem is None


@pytest.mark.parametrize(
    ("url", "prefix", "problem"),
    [
        ("../../x/", "/", "above the site's root"),
        ("/other/", "/proj/", "outside the site's path /proj/"),
        ("/../x/", "/", "above the site's root"),
    ],
)
def test_resolve_outside(url: str, prefix: str, problem: str) -> None:
    target = resolve("a/index.html", url, prefix)
    assert target.path is None
    assert target.problem is not None
    assert problem in target.problem


def test_site_prefix_and_find_file() -> None:
    assert site_prefix(None) == "/"
    assert site_prefix("https://x.org") == "/"
    assert site_prefix("https://x.org/proj") == "/proj/"
    files = {"a/index.html", "b.png"}
    assert find_file("a", files) == "a/index.html"
    assert find_file("b.png", files) == "b.png"
    assert find_file("c", files) is None
    assert check_fragment("", set())
    assert check_fragment("top", set())
    assert check_fragment("x", {"x"})
    assert not check_fragment("y", {"x"})


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("mailto:someone@example.org", True),
        ("mailto:a@example.org,b@example.com?subject=hi", True),
        ("mailto:?to=a@example.org", True),
        ("mailto:", False),
        ("mailto:not-an-address", False),
        ("mailto:a@@b.org", False),
        ("mailto:a@localhost", False),
    ],
)
def test_mailto(url: str, ok: bool) -> None:
    assert (check_mailto(url) is None) is ok


@pytest.mark.parametrize(
    ("url", "ok"),
    [("tel:+1-555-123-4567", True), ("tel:+33%201%2023", True), ("tel:call-me", False)],
)
def test_tel(url: str, ok: bool) -> None:
    assert (check_tel(url) is None) is ok


# --- HTML collection ---------------------------------------------------------------------


def test_collect_every_element_type() -> None:
    html = """<html><head>
<link rel="stylesheet" href="s.css"><link rel="preconnect" href="https://fonts.example">
<script src="app.js"></script></head><body>
<a href="a/">a</a><a name="legacy"></a><h2 id="sec">x</h2>
<img src="i.png" srcset="i-1.png 1x, i-2.png 2x"><area href="map/">
<picture><source srcset="p.webp 100w,p2.webp 200w" src="p.png"></picture>
<video src="v.mp4" poster="v.jpg"><track src="t.vtt"></video><audio src="s.mp3"></audio>
<iframe src="f.html"></iframe><embed src="e.svg"/><a>no href</a><div name="notanchor"></div>
</body></html>"""
    page = parse_page("p.html", html)
    found = {(link.tag, link.attr, link.url) for link in page.links}
    assert found == {
        ("link", "href", "s.css"),
        ("script", "src", "app.js"),
        ("a", "href", "a/"),
        ("img", "src", "i.png"),
        ("img", "srcset", "i-1.png"),
        ("img", "srcset", "i-2.png"),
        ("area", "href", "map/"),
        ("source", "srcset", "p.webp"),
        ("source", "srcset", "p2.webp"),
        ("source", "src", "p.png"),
        ("video", "src", "v.mp4"),
        ("video", "poster", "v.jpg"),
        ("track", "src", "t.vtt"),
        ("audio", "src", "s.mp3"),
        ("iframe", "src", "f.html"),
        ("embed", "src", "e.svg"),
    }
    assert page.anchors == {"legacy", "sec"}
    assert {link.line for link in page.links if link.tag == "a"} == {4}


def test_collect_odd_documents() -> None:
    assert parse_page("p.html", "").links == ()
    declared = '<?xml version="1.0" encoding="utf-8"?><html><a href="x" id="y"></a></html>'
    page = parse_page("p.html", declared)
    assert [link.url for link in page.links] == ["x"]
    assert page.anchors == {"y"}
    tricky = "<a href='a'>\n<!-- <a href='c'> --><script>s = '<a href=\"js\">';</script><p id=b>"
    page = parse_page("p.html", tricky)
    assert [link.url for link in page.links] == ["a"]
    assert page.anchors == {"b"}
    controls = parse_page("p.html", "\x01<a href='x'>\x00</a><p id=y>")
    assert ([link.url for link in controls.links], controls.anchors) == (["x"], {"y"})


def test_srcset_and_decode() -> None:
    assert parse_srcset(" a.png 1x,  b.png 2x , ") == ["a.png", "b.png"]
    assert decode("é".encode()) == ("é", None)
    assert decode(b"\xef\xbb\xbfbom") == ("bom", None)
    latin = '<meta charset="iso-8859-1"><p id="caf\xe9">'.encode("latin-1")
    assert decode(latin) == ('<meta charset="iso-8859-1"><p id="café">', None)
    text, problem = decode(b"<p>\xff\xfe broken")
    assert "\ufffd" in text
    assert problem is not None
    assert "no charset declared" in problem
    text, problem = decode(b'<meta charset="nonsense-42"><p>\xff')
    assert problem is not None
    assert "not valid nonsense-42" in problem


# --- whole sites -------------------------------------------------------------------------

GOOD_PAGE = """<html><head><link href="../assets/s.css" rel="stylesheet"></head><body>
<h1 id="title">T</h1><a name="old"></a>
<a href="../">home</a> <a href="../index.html#intro">intro</a> <a href="#title">self</a>
<a href="#old">named</a> <a href="#">top</a> <a href="#top">top</a> <a href="">self</a>
<img src="../assets/p%20q.png" srcset="../assets/p%20q.png 1x, ../assets/s.css 2x">
<a href="/guide/">root-relative</a> <a href="mailto:me@example.org">mail</a>
<a href="tel:+1-555-0100">call</a> <a href="javascript:void(0)">js</a>
<a href="../assets">folder without index</a>
</body></html>"""


def test_clean_site_has_no_diagnostics(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "index.html": '<h2 id="intro">i</h2><a href="guide/">g</a>',
            "guide/index.html": GOOD_PAGE,
            "assets/s.css": "",
            "assets/p q.png": "",
            "assets/index.html": "<p>listing</p>",
        },
    )
    result = check_site(config_for(tmp_path, offline=True), Context(), site)
    assert result.diagnostics == ()
    assert result.summary["pages"] == 3
    assert result.summary["mailto"] == 1
    assert result.summary["tel"] == 1
    assert result.summary["ignored"] == 1


BROKEN_PAGE = """<html><body>
<a href="missing/">1</a>
<a href="../index.html#nope">2</a>
<a href="#alsonope">3</a>
<img src="gone.png">
<img srcset="x.png 1x, gone2.png 2x" src="x.png">
<link href="../nowhere.css" rel="stylesheet">
<script src="/js/app.js"></script>
<video src="v.mp4" poster="poster.jpg"></video>
<audio src="a.ogg"></audio><source src="s.webm">
<a href="../../../etc/passwd">up</a>
<a href="http://[::1">bad</a>
<a href="mailto:nobody">bad mail</a>
<a href="tel:phone">bad tel</a>
</body></html>"""


def test_every_broken_kind_is_one_error(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "index.html": '<h1 id="intro">x</h1>',
            "guide/index.html": BROKEN_PAGE,
            "guide/x.png": "",
            "guide/v.mp4": "",
        },
    )
    result = check_site(config_for(tmp_path, offline=True), Context(), site)
    found = codes(result)
    assert [c for c, _ in found].count("DG301") == 8
    assert [c for c, _ in found].count("DG302") == 2
    assert [c for c, _ in found].count("DG303") == 1
    assert [c for c, _ in found].count("DG304") == 1
    assert [c for c, _ in found].count("DG305") == 2
    assert all(d.severity is Severity.ERROR for d in result.diagnostics)
    assert result.summary["errors"] == 14
    # No Markdown source: located at the built page, relative to the project root.
    assert {d.location.path for d in result.diagnostics if d.location} == {"site/guide/index.html"}
    messages = "\n".join(m for _, m in found)
    assert "no anchor '#nope' in index.html" in messages
    assert "no anchor '#alsonope' on this page" in messages
    assert all(d.hint for d in result.diagnostics)


def test_site_url_prefix(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "index.html": '<a href="/proj/a/">ok</a><a href="/a/">outside</a>'
            '<link rel="canonical" href="https://me.example.org/proj/a/#s">'
            '<a href="https://me.example.org/proj/zz/">gone</a>',
            "a/index.html": '<h2 id="s">s</h2>',
        },
    )
    config = config_for(tmp_path, offline=True, site_url="https://me.example.org/proj/")
    result = check_site(config, Context(), site)
    assert [d.code for d in sorted(result.diagnostics, key=lambda d: d.code)] == [
        "DG301",
        "DG303",
    ]


def test_thousands_of_links_on_one_page(tmp_path: Path) -> None:
    links = "".join(f'<a href="#s{i}">{i}</a>\n' for i in range(5000))
    anchors = "".join(f'<h3 id="s{i}">{i}</h3>' for i in range(4999))
    site = make_site(tmp_path, {"index.html": f"<html><body>{anchors}{links}</body></html>"})
    result = check_site(config_for(tmp_path, offline=True), Context(), site)
    assert [d.message for d in result.diagnostics] == [
        "broken link to '#s4999' (no anchor '#s4999' on this page)"
    ]
    assert result.summary["links"] == 5000


def test_non_utf8_pages(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "latin/index.html": '<meta charset="iso-8859-1"><h2 id="caf\xe9">x</h2>'
            '<a href="#caf%C3%A9">ok</a>'.encode("latin-1"),
            "broken/index.html": b'<p>\xff\xfe</p><a href="../missing/">x</a>',
            "index.html": '<a href="latin/#café">ok</a>',
        },
    )
    result = check_site(config_for(tmp_path, offline=True), Context(), site)
    assert sorted(d.code for d in result.diagnostics) == ["DG301", "DG306"]
    warning = next(d for d in result.diagnostics if d.code == "DG306")
    assert warning.severity is Severity.WARNING
    assert warning.location is not None
    assert warning.location.path == "site/broken/index.html"


def test_unreadable_page_is_one_warning(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": "<p>x</p>"})
    (site / "dir.html").mkdir()
    (site / "dir.html" / "inner.txt").write_text("x")
    # A folder named like a page is not a page; a dangling link is no file at all.
    (site / "dangling.html").symlink_to(site / "nowhere.html")
    # A file whose every read fails (EIO): one warning, the rest of the site goes on.
    (site / "eio.html").symlink_to("/proc/self/mem")
    result = check_site(config_for(tmp_path, offline=True), Context(), site)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("DG306", "page eio.html cannot be read: Input/output error")
    ]


def test_missing_site_and_links_off(tmp_path: Path) -> None:
    result = check_site(config_for(tmp_path), Context(), tmp_path / "nope")
    assert [d.code for d in result.diagnostics] == ["DG300"]
    assert dump(config_for(tmp_path), [str(tmp_path / "nope")])["links"] == []


def test_external_links_counted_when_offline_or_disabled(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "index.html": '<a href="https://a.example/x#f">1</a><a href="https://a.example/x">2</a>'
            '<a href="//b.example/y">3</a><a href="https://skip.example/">4</a>',
        },
    )
    offline = config_for(tmp_path, offline=True, links=LinksConfig(exclude=("skip\\.example",)))
    result = check_site(offline, Context(), site)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("DG313", "2 external links not checked (--offline)")
    ]
    assert result.summary["external_excluded"] == 1
    disabled = config_for(tmp_path, links=LinksConfig(external=False, exclude=("(",)))
    result = check_site(disabled, Context(), site)
    assert sorted(d.code for d in result.diagnostics) == ["DG307", "DG313"]
    assert "links.external is false" in next(
        d.message for d in result.diagnostics if d.code == "DG313"
    )
    records = dump(offline, [])["links"]
    assert isinstance(records, list)
    assert sorted(r["result"] for r in records) == ["excluded", "skipped", "skipped", "skipped"]
    json.dumps(records)
    # `mkdocs serve` never waits on the network: build and check do it.
    (serving,) = check_site(config_for(tmp_path, serving=True), Context(), site).diagnostics
    assert serving.message == "3 external links not checked (while serving)"
    assert serving.hint == "`docgen build` and `docgen check` check them"


def test_only_excluded_external_links_need_no_network(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": '<a href="https://skip.example/">4</a>'})
    config = config_for(tmp_path, links=LinksConfig(exclude=("skip",)))
    assert check_site(config, Context(), site).diagnostics == ()


def test_a_broken_link_of_the_theme_is_one_finding(project: Callable[..., Path]) -> None:
    from docgen.mkdocs_plugin import build_site

    pages = {f"docs/part-{n}.md": f"# Part {n}\n\nText {n}.\n" for n in range(4)}
    root = project(
        pages,
        mkdocs="site_name: x\ntheme: {name: material}\nplugins: [docgen]\n"
        "extra_css: [styles/missing.css]\n",
    )
    outcome = build_site(root / "mkdocs.yml", only=["links"])
    (found,) = [d for d in outcome.diagnostics if d.code == "DG301"]
    assert str(found.location) == "mkdocs.yml:4"  # the `extra_css` line that adds it
    # Every page links it: index, the four parts, the quality page and the 404 page.
    assert "(no such page or file: styles/missing.css); on 7 pages" in found.message
