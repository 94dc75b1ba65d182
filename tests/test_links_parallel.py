"""Speed paths of the links stage: forked page readers, compact pages, plain-link resolving.

Each fast path must give exactly what the plain one gives: same diagnostics, summary, dump.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_links_internal import config_for, make_site

from docgen.links import check_site, dump, parallel
from docgen.links.collect import PageLinks, parse_page, read_links
from docgen.links.internal import PlainResolver, folders, resolve
from docgen.links.parallel import MIN_PAGES, map_chunks, workers
from docgen.model import Context


def _pids(context: str, chunk: Sequence[str]) -> list[tuple[str, str, int]]:
    return [(context, item, os.getpid()) for item in chunk]


def test_map_chunks_keeps_order_and_runs_in_forked_workers() -> None:
    items = [f"p{n:03}" for n in range(MIN_PAGES + 7)]
    results = map_chunks(_pids, "ctx", items, processes=2)
    flat = [row for chunk in results for row in chunk]
    assert [item for _, item, _ in flat] == items
    assert {context for context, _, _ in flat} == {"ctx"}
    assert os.getpid() not in {pid for _, _, pid in flat}
    assert len(results) == 8  # four chunks per worker


@pytest.mark.parametrize(("count", "processes"), [(MIN_PAGES - 1, 2), (MIN_PAGES + 1, 1)])
def test_map_chunks_small_or_single_core_stays_in_this_process(count: int, processes: int) -> None:
    items = [str(n) for n in range(count)]
    results = map_chunks(_pids, "ctx", items, processes=processes)
    assert len(results) == 1
    assert [item for _, item, _ in results[0]] == items
    assert {pid for _, _, pid in results[0]} == {os.getpid()}


def _dies_in_a_worker(parent: int, chunk: Sequence[str]) -> list[str]:
    if os.getpid() != parent:
        os._exit(1)  # as if the worker were killed
    return list(chunk)


def test_map_chunks_falls_back_to_this_process_when_a_worker_dies() -> None:
    items = [str(n) for n in range(MIN_PAGES)]
    assert map_chunks(_dies_in_a_worker, os.getpid(), items, processes=2) == [items]


def test_workers_is_the_cores_we_may_use() -> None:
    assert 1 <= workers() <= (os.cpu_count() or 1)


def _big_site(tmp_path: Path) -> Path:
    """A site just big enough for the forked readers, with one of each defect."""
    count = MIN_PAGES + 6
    nav = "".join(f'<a href="../p{n}/">{n}</a>' for n in range(0, count, 5))
    pages: dict[str, str | bytes] = {
        f"p{n}/index.html": f"""<html><body><nav>{nav}</nav>
            <h2 id="s{n}">S</h2>
            <a href="../p{(n + 1) % count}/#s{(n + 1) % count}">next</a>
            <img srcset="../a.png 1x, ../b.png 2x"><link rel="preconnect" href="https://x.io">
            <a href="mailto:a@b.org">m</a><a href="https://example.org/#x">e</a>
            </body></html>"""
        for n in range(count)
    }
    pages["a.png"] = pages["b.png"] = b"png"
    pages["p3/index.html"] = (
        '<a href="../nowhere/">x</a><a href="#nope">y</a><a href="/../up">z</a>'
    )
    pages["p4/index.html"] = (
        '<a href="tel:abc">t</a><a href="http://[x">bad</a><a href="?q">q</a>'
        '<a href="javascript:go()">js</a>'
    )
    pages["p5/index.html"] = b'<p>caf\xe9</p><a href="../p6/#s6">ok</a><a href="../p6/#s7">no</a>'
    pages["index.html"] = '<a href="p1/index.html">1</a><a href="p2">2</a><a href="">self</a>'
    return make_site(tmp_path, pages)


def test_forked_readers_give_the_same_result_as_one_process(tmp_path: Path) -> None:
    _big_site(tmp_path)
    config = config_for(tmp_path, offline=True)
    serial = check_site(config, Context(), tmp_path / "site", processes=1)
    forked = check_site(config, Context(), tmp_path / "site", processes=2)
    assert forked.diagnostics == serial.diagnostics
    assert list(forked.summary.items()) == list(serial.summary.items())
    found = {d.code for d in serial.diagnostics}
    assert {"DG301", "DG302", "DG303", "DG304", "DG305", "DG306", "DG313"} <= found
    assert any("page p5/index.html is not valid UTF-8" in d.message for d in forked.diagnostics)


def test_dump_of_a_big_site_is_the_same_read_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _big_site(tmp_path)
    config = config_for(tmp_path, offline=True)
    forked = dict(dump(config, []))
    monkeypatch.setattr(parallel, "MIN_PAGES", 10**6)
    serial = dict(dump(config, []))
    for listed in (forked, serial):
        listed.pop("seconds")
    assert forked == serial
    links = serial["links"]
    assert isinstance(links, list)
    assert len(links) == serial["summary"]["links"]  # type: ignore[index]
    assert {row["result"] for row in links} == {"ok", "broken", "skipped", "ignored"}


def test_compact_page_is_the_parsed_page() -> None:
    html = """<html><body>
    <a href=" x.html ">x</a><a name="n">no href</a>
    <img src="a.png" srcset="b.png 1x, c.png 2x"><video src="v.mp4" poster="p.png"></video>
    <link rel="dns-prefetch" href="//cdn"><link rel="stylesheet" href="s.css">
    <h1 id="top-id">T</h1></body></html>"""
    compact = read_links("p.html", html, "odd")
    assert isinstance(compact, PageLinks)
    page = compact.page()
    assert page == parse_page("p.html", html, "odd")
    assert [link.url for link in page.links] == compact.urls
    assert [(link.tag, link.attr) for link in page.links] == [
        ("a", "href"),
        ("img", "src"),
        ("img", "srcset"),
        ("img", "srcset"),
        ("video", "src"),
        ("video", "poster"),
        ("link", "href"),
    ]
    assert page.links[0].url == "x.html"
    assert page.links[0].line == 2
    assert page.anchors == {"n", "top-id"}


def test_empty_page_has_no_links() -> None:
    compact = read_links("e.html", "")
    assert compact.urls == []
    assert compact.anchors == frozenset()
    assert compact.page().links == ()


@pytest.mark.parametrize("page", ["index.html", "a/index.html", "a/b/c.html", "x/y/z/index.html"])
@pytest.mark.parametrize(
    "url",
    [
        "",
        "?q",
        "#f",
        ".",
        "..",
        "./",
        "../",
        "../../",
        "../../../../",
        "b/",
        "b/c.html",
        "../b/c.html",
        "../../b/",
        "/",
        "/a/",
        "/a/../b",
        "/../x",
        "/other/x",
        "x.html#f",
        "x%20y.html",
        "d/./e/../f/",
        "https://site.io/root/a/",
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/root/"])
def test_plain_resolver_agrees_with_resolve(page: str, url: str, prefix: str) -> None:
    full = resolve(page, url, prefix)
    plain = PlainResolver(prefix).path(folders(page), url)
    if plain is None:
        assert full.path is None or full.fragment or url[:1] in {"", "?", "#"}
    else:
        assert (plain, "", None) == tuple(full)


def test_folders_reach_the_root() -> None:
    assert folders("index.html") == [""]
    assert folders("a/b/index.html") == ["a/b", "a", ""]
