"""The versions model (mike's versions.json) and the root files of the published branch."""

from __future__ import annotations

import json

import pytest
from mike.versions import Versions as MikeVersions

from docgen.deploy import site
from docgen.deploy import versions as model
from docgen.deploy.versions import InvalidName, Version


@pytest.mark.parametrize(
    "name",
    [
        "",
        "..",
        "../x",
        "a/b",
        "a\\b",
        "1 0",
        "1.0\n",
        "previews",
        "index.html",
        ".hidden",
        "é",
        "a..b",
    ],
)
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidName):
        model.check_name(name)


@pytest.mark.parametrize("name", ["1.0", "dev", "latest", "v2.1.0-rc1", "1.0+local", "main_x"])
def test_good_names_pass(name: str) -> None:
    model.check_name(name)


def test_order_and_format_match_mike() -> None:
    names = ["1.0", "1.10", "1.2", "dev", "0.9", "v2.0", "main"]
    listed: tuple[Version, ...] = ()
    for name in names:
        listed, _ = model.add(listed, name, None, ["latest"] if name == "1.10" else [])
    mike = MikeVersions()
    for name in names:
        mike.add(name, aliases=["latest"] if name == "1.10" else [])
    assert model.dumps(listed) == mike.dumps() + "\n"
    assert model.loads(mike.dumps()) == listed


def test_add_moves_aliases_and_merges() -> None:
    listed, moved = model.add((), "1.0", None, ["latest", "stable"])
    assert moved == ()
    listed, moved = model.add(listed, "2.0", "Two", ["latest", "latest"])
    assert moved == ("latest",)
    assert listed == (Version("2.0", "Two", ("latest",)), Version("1.0", "1.0", ("stable",)))
    listed, _ = model.add(listed, "2.0", None, ["newest"])
    assert listed[0] == Version("2.0", "Two", ("latest", "newest"))
    listed, _ = model.add(listed, "2.0", "Deux", [])
    assert listed[0].title == "Deux"


@pytest.mark.parametrize(
    ("name", "aliases", "says"),
    [
        ("latest", [], "already an alias"),
        ("3.0", ["1.0"], "already a version"),
        ("3.0", ["3.0"], "the version itself"),
        ("3.0", ["a/b"], "must not contain"),
    ],
)
def test_clashes_are_refused(name: str, aliases: list[str], says: str) -> None:
    listed, _ = model.add((), "1.0", None, ["latest"])
    with pytest.raises(InvalidName, match=says):
        model.add(listed, name, None, aliases)


def test_remove_and_retitle() -> None:
    listed, _ = model.add((), "1.0", None, ["old"])
    listed, _ = model.add(listed, "2.0", None, ["latest"])
    assert model.find(listed, "latest") == listed[0]
    assert model.find(listed, "nope") is None
    fewer, folders = model.remove(listed, "latest")
    assert folders == ("latest",)
    assert fewer[0].aliases == ()
    fewer, folders = model.remove(listed, "1.0")
    assert folders == ("1.0", "old")
    assert [v.name for v in fewer] == ["2.0"]
    with pytest.raises(KeyError):
        model.remove(listed, "9.9")
    assert model.retitle(listed, "old", "Old one")[1].title == "Old one"
    with pytest.raises(KeyError):
        model.retitle(listed, "9.9", "x")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{}", "not a list"),
        ('[{"title": "x"}]', "without a version"),
        ('[{"version": "1.0", "aliases": [1]}]', "are not names"),
    ],
)
def test_unreadable_versions_json(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        model.loads(text)


def test_properties_and_missing_title_round_trip() -> None:
    text = '[{"version": "1.0", "aliases": null, "properties": {"x": 1}}]'
    (only,) = model.loads(text)
    assert only == Version("1.0", "1.0", (), {"x": 1})
    assert json.loads(model.dumps([only]))[0]["properties"] == {"x": 1}


def test_index_redirect_is_read_back_and_mikes_too() -> None:
    page = site.index_html('1.0"<x>')
    assert site.default_of(page) == '1.0"<x>'
    mike = b'<script>\n    window.location.replace(\n      "latest/" + window.location.search'
    assert site.default_of(mike) == "latest"
    assert site.default_of(b"<html></html>") is None
    assert site.default_of(None) is None


def test_not_found_page_embeds_data_safely() -> None:
    page = site.not_found_html("2.0", ["2.0", "</script>"]).decode()
    assert '"default": "2.0"' in page
    assert '</script>"' not in page
    assert "<\\/script>" in page


@pytest.mark.parametrize(
    ("page", "url"),
    [("index.html", ""), ("a/index.html", "a/"), ("404.html", "404.html"), ("x.html", "x.html")],
)
def test_page_url(page: str, url: str) -> None:
    assert site.page_url(page) == url


def test_canonical_points_at_the_folder() -> None:
    page = b'<html><head><link rel="canonical" href="https://e.org/p/guide/"></head></html>'
    out = site.canonical(page, "guide/index.html", "2.0", ["1.0", "2.0"])
    assert b'href="https://e.org/p/2.0/guide/"' in out
    again = site.canonical(out, "guide/index.html", "3.0", ["1.0", "2.0", "3.0"])
    assert b'href="https://e.org/p/3.0/guide/"' in again
    hidden = site.canonical(page, "guide/index.html", "2.0", [], noindex=True)
    assert hidden.count(b"noindex") == 1
    assert site.canonical(hidden, "guide/index.html", "2.0", ["2.0"], noindex=True) == hidden
    other = b'<link rel="canonical" href="https://e.org/elsewhere/">'
    assert site.canonical(other, "guide/index.html", "2.0", []) == other
    assert site.canonical(b"<p>no link</p>", "a.html", "2.0", []) == b"<p>no link</p>"


def test_version_selector_is_detected_in_material_pages() -> None:
    def page(config: str) -> bytes:
        return f'<script id="__config" type="application/json">{config}</script>'.encode()

    assert site.selector_configured(page('{"version": {"provider": "mike"}}')) is True
    assert site.selector_configured(page('{"base": "."}')) is False
    assert site.selector_configured(page("[1]")) is False
    assert site.selector_configured(page("{broken")) is None
    assert site.selector_configured(b"<html>mkdocs theme</html>") is None
