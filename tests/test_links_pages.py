"""Only pages are checked as pages: theme overrides and templates in docs/ are not, pages
left out by `exclude_docs` are not checked nor linked to, `not_in_nav` pages are checked.

Real builds of a small project written to a temp dir.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import write

from docgen import links
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.mkdocs_plugin import BuildOutcome, build_site
from docgen.model import Context

MKDOCS_YML = """
site_name: Pages only
theme:
  name: material
  font: false
  custom_dir: docs/overrides
extra:
  homepage: https://example.org
exclude_docs: |
  drafts/
not_in_nav: |
  hidden.md
nav:
  - index.md
plugins:
  - docgen:
      links: {external: false}
"""

FILES = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n\nSee [the hidden page](hidden.md).\n\nAnd [a draft](drafts/d.md).\n",
    "docs/hidden.md": "# Hidden\n\nBack [home](index.md), or [nowhere](nope.md).\n",
    "docs/drafts/d.md": "# Draft\n\nA [broken link](missing.md) in a page left out.\n",
    "docs/overrides/main.html": (
        '{% extends "base.html" %}\n{% block announce %}\n'
        '<a href="{{ config.extra.homepage }}/news">News</a>\n{% endblock %}\n'
    ),
    # A partial without Jinja syntax: under custom_dir all the same.
    "docs/overrides/partials/note.html": '<a href="../elsewhere.html">note</a>\n',
    "docs/snippets/card.html": (
        '<div>{% if page %}<a href="{{ page.url }}x">x</a>{% endif %}</div>\n'
    ),
    "docs/static/plain.html": '<p><a href="missing.html">a real page, broken link</a></p>\n',
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildOutcome]:
    root = write(tmp_path_factory.mktemp("pages"), FILES)
    return root, build_site(root / "mkdocs.yml", adjust=lambda c: replace(c, offline=True))


def broken(outcome: BuildOutcome) -> dict[str, Diagnostic]:
    return {str(d.location): d for d in outcome.diagnostics if d.code == "DG301"}


@pytest.mark.slow
def test_templates_in_docs_are_not_checked_as_pages(built: tuple[Path, BuildOutcome]) -> None:
    root, outcome = built
    site = root / "site"
    assert (site / "overrides" / "main.html").is_file()  # MkDocs copies them all the same
    found = broken(outcome)
    assert not [where for where in found if "overrides" in where or "snippets" in where]
    assert not [d for d in outcome.diagnostics if "{{" in d.message]
    # Static HTML without Jinja syntax is a page: its links are checked.
    assert "site/static/plain.html" in found
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["stages"]["links"]["summary"]["templates_skipped"] == 3


@pytest.mark.slow
def test_a_page_left_out_by_exclude_docs_is_not_checked_nor_linked_to(
    built: tuple[Path, BuildOutcome],
) -> None:
    _, outcome = built
    found = broken(outcome)
    assert not [where for where in found if "drafts" in where]  # its own links: not checked
    link = found["docs/index.md:5"]
    assert link.code == "DG301"
    assert link.message == (
        "broken link to 'drafts/d.md' (docs/drafts/d.md is not in the site: `exclude_docs` "
        "in mkdocs.yml leaves it out)"
    )
    assert link.hint == "link to a page the site has, or take the page out of `exclude_docs`"


@pytest.mark.slow
def test_a_page_not_in_nav_is_checked_but_not_reported_missing(
    built: tuple[Path, BuildOutcome],
) -> None:
    _, outcome = built
    found = broken(outcome)
    assert found["docs/hidden.md:3"].message.startswith("broken link to 'nope.md'")
    assert not [d for d in outcome.diagnostics if "nav" in d.message and "hidden" in str(d)]
    assert "docs/index.md:3" not in found  # the link to it is fine
    assert set(found) == {"docs/hidden.md:3", "docs/index.md:5", "site/static/plain.html"}


@pytest.mark.slow
def test_check_skips_templates_without_a_theme_folder(
    built: tuple[Path, BuildOutcome],
) -> None:
    """`docgen check` on the site: with no `custom_dir` known, Jinja syntax still tells."""
    root, _ = built
    config = DocgenConfig(root=root, docs_dir=root / "docs", site_dir=root / "site")
    result = links.check_site(config, Context(), root / "site", processes=1)
    places = {str(d.location) for d in result.diagnostics}
    assert "site/overrides/main.html" not in places
    assert "site/snippets/card.html" not in places
    # The partial has no Jinja syntax: without `custom_dir`, it is a page like any other.
    assert "site/overrides/partials/note.html" in places
    assert result.summary["templates_skipped"] == 2


@pytest.mark.slow
def test_html_a_plugin_leaves_in_the_site_is_not_a_page(
    built: tuple[Path, BuildOutcome],
) -> None:
    """The engine says which pages it built; other HTML in the site is not checked."""
    root, outcome = built
    assert outcome.context is not None
    listing = outcome.context.pages
    assert listing is not None
    assert {"index.html", "hidden/index.html", "404.html", "static/plain.html"} <= set(listing)
    assert "drafts/d/index.html" not in listing
    assert not (root / ".cache" / "docgen" / "pages.json").exists()  # in memory only
    leftovers = [root / "site" / ".coverage-tmp.html", root / "site" / "coverage" / "x.html"]
    leftovers[1].parent.mkdir()
    try:
        for leftover in leftovers:
            leftover.write_text('<a href="../../../architecture/">up</a>', encoding="utf-8")
        config = DocgenConfig(root=root, docs_dir=root / "docs", site_dir=root / "site")
        result = links.check_site(config, outcome.context, root / "site", processes=1)
        assert not [d for d in result.diagnostics if d.code == "DG303"]
        assert result.summary["non_pages_skipped"] == 2
    finally:
        for leftover in leftovers:
            leftover.unlink()
        leftovers[1].parent.rmdir()
