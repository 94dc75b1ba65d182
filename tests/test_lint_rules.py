"""The lint rules one by one: configuration, page reading, HTML, spelling, nav, formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from docgen.config import DocgenConfig, LintConfig
from docgen.diagnostics import Severity
from docgen.lint import check
from docgen.lint.completeness import NavEntry, read_site_config
from docgen.lint.formatting import settings, style_in_force
from docgen.lint.page import Prose, parse, slugify
from docgen.lint.rules import Rules
from docgen.lint.spelling import find_typos, read_wordlist
from docgen.model import Document


def lint(
    tmp_path: Path, pages: dict[str, str], files: dict[str, str] | None = None, **options: object
) -> list[tuple[str, int | None, str, str]]:
    """Lint `pages` (docs-relative path → Markdown) in a project made of `files`."""
    write(tmp_path, files or {})
    config = DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=tmp_path / "site",
        lint=LintConfig(**options),  # type: ignore[arg-type]
    )
    documents = [Document(p, m, f"docs/{p}") for p, m in pages.items()]
    result = check(config, documents)
    return [
        (
            d.location.path if d.location else "",
            d.location.line if d.location else None,
            d.code,
            str(d.severity),
        )
        for d in result.diagnostics
    ]


def codes(found: list[tuple[str, int | None, str, str]]) -> list[tuple[int | None, str]]:
    return [(line, code) for _, line, code, _ in found]


# --- configuration of rules ---


def test_severity_override_and_off(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\nteh text.\n\n#### Deep\n\nText.\n"}
    found = lint(tmp_path, page, rules={"spelling": "error", "heading-skip": "off"})
    assert found == [("docs/a.md", 3, "DG714", "error")]


def test_unknown_rule_and_bad_severity_are_reported(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\nText.\n"}, rules={"no-such": "error", "md013": "loud"})
    assert codes(found) == [(None, "DG717"), (None, "DG717")]


def test_formatting_rules_by_id_and_all_at_once(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\nTrailing. \n\n\n\nText.\n"}
    assert codes(lint(tmp_path, page, style=True)) == [(3, "DG701"), (6, "DG701")]
    assert codes(lint(tmp_path, page, style=True, rules={"md012": "off"})) == [(3, "DG701")]
    assert lint(tmp_path, page, style=True, rules={"md009": "info"})[0][3] == "info"
    assert lint(tmp_path, page, style=True, rules={"format": "off"}) == []


# A page whose every formatting defect is style: it renders the same either way.
STYLE_ONLY = (
    "# A\n"
    "Text under a heading with no blank line, trailing spaces.   \n\n\n"
    "## Lists\n\n* star\n- dash\n\n1. one\n1. one again\n\n"
    "```\n$ docgen build\n```\n"
    "Text right after a fence, with `` code `` and **bold**.\n\n"
    "## Heading ending in a colon:\n\n- after a heading\n## Next\n\nEnd.\n"
)


def test_style_rules_are_off_by_default_and_on_with_style(tmp_path: Path) -> None:
    page = {"a.md": STYLE_ONLY}
    assert lint(tmp_path, page) == []
    found = lint(tmp_path, page, style=True)
    assert len(found) >= 8
    assert {code for _, _, code, _ in found} == {"DG701"}
    assert lint(tmp_path, page, style=False) == []
    # One style rule, asked for by its id, runs on its own.
    assert codes(lint(tmp_path, page, rules={"md012": "warning"})) == [(4, "DG701")]


def test_reader_facing_rules_are_on_by_default(tmp_path: Path) -> None:
    page = {
        "a.md": "# A\n\n#Not a heading on GitHub\n\n#Closed#\n\n  # Indented\n\n"
        "See https://example.org now.\n\nA * b * c.\n\n[text]()\n\n(text)[b.md]\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n\nThe steps:\n- one\n- two\n"
    }
    found = [(line, code) for line, code in codes(lint(tmp_path, page)) if code == "DG701"]
    assert [line for line, _ in found] == [3, 5, 7, 9, 11, 13, 15, 19, 22]


def test_a_list_after_a_heading_is_fine_after_a_paragraph_line_it_is_text(
    tmp_path: Path,
) -> None:
    page = {"a.md": "# A\n\n## B\n- one\n\nText:\n- two\n\n> Quote\n- three\n"}
    assert codes(lint(tmp_path, page)) == [(7, "DG701")]
    assert lint(tmp_path, {"a.md": "- first line\n# A\n\nText.\n"}) == []
    # Named in lint.rules, md032 is pymarkdownlnt's whole rule again.
    assert codes(lint(tmp_path, page, rules={"md032": "warning"})) == [
        (4, "DG701"),
        (7, "DG701"),
        (10, "DG701"),
    ]


def test_rules_severity_defaults() -> None:
    rules = Rules({"FORMAT": "Error"})
    assert rules.severity("format", "md009") is Severity.ERROR
    assert rules.severity("unclosed-html") is Severity.ERROR
    assert rules.severity("spelling") is Severity.WARNING


# --- reading a page ---


def test_front_matter_title_counts_and_broken_front_matter_does_not(tmp_path: Path) -> None:
    assert lint(tmp_path, {"a.md": "---\ntitle: A\n---\n\n## Part\n\nText.\n"}) == []
    found = lint(tmp_path, {"a.md": "---\ntitle: [A\n---\n\n## Part\n\nText.\n"})
    assert (5, "DG703") in codes(found)


def test_title_only_with_front_matter(tmp_path: Path) -> None:
    assert codes(lint(tmp_path, {"a.md": "---\ntitle: A\n---\n"})) == [(1, "DG713")]
    assert lint(tmp_path, {"a.md": "# ::: package.Name\n"}) == []  # mkdocstrings fills it
    assert codes(lint(tmp_path, {"a.md": "<!-- nothing -->\n"})) == [(1, "DG707")]


def test_containers_are_unwrapped_with_their_lines() -> None:
    page = parse(
        '# T\n\n!!! note "Teh title"\n\n    ## Inside\n\n    ```text\n    !!! not a container\n'
        '    ```\n\n    === "Tab"\n\n        Tab teh text.\n\nAfter.\n'
    )
    assert [(h.level, h.text, h.line) for h in page.headings] == [(1, "T", 1), (2, "Inside", 5)]
    assert [(p.line, p.text) for p in page.prose if "teh" in p.text.lower()] == [
        (3, "Teh title"),
        (13, "Tab teh text."),
    ]
    assert page.content


def test_anchors_follow_toc() -> None:
    page = parse("# Héllo, World!\n\n## Setup { #custom }\n\n## `code` heading\n")
    assert [h.anchor for h in page.headings] == ["hello-world", "custom", "code-heading"]
    assert slugify("A -- b  c") == "a-b-c"


def test_duplicate_anchor_from_explicit_id(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\n## One { #x }\n\n## X\n\nText.\n"})
    assert codes(found) == [(5, "DG705")]


RELEASE_NOTES = (
    "# Release notes\n\n## 1.2.0\n\n### Added\n\n- a\n\n### Fixed\n\n- b\n\n"
    "## 1.1.0\n\n### Fixed\n\n- c\n\n#### Details\n\nText.\n\n"
    "## 1.0.0\n\n### Fixed\n\n#### Details\n\nText.\n"
)


def test_the_same_heading_under_different_parents_is_no_clash(tmp_path: Path) -> None:
    assert lint(tmp_path, {"a.md": RELEASE_NOTES}) == []


def test_the_same_heading_under_one_parent_is_a_clash(tmp_path: Path) -> None:
    page = RELEASE_NOTES.replace("### Added", "### Fixed")  # twice under 1.2.0
    assert codes(lint(tmp_path, {"a.md": page})) == [(9, "DG705")]
    # At the top: two level-2 headings under the page title.
    page = "# A\n\n## Setup\n\nText.\n\n## Usage\n\n### Setup\n\nText.\n\n## Setup\n\nText.\n"
    assert codes(lint(tmp_path, {"a.md": page})) == [(13, "DG705")]
    # Without a title, headings of the top level share the page as their parent.
    page = "---\ntitle: A\n---\n\n## X\n\nText.\n\n## X\n\nText.\n"
    assert codes(lint(tmp_path, {"a.md": page})) == [(9, "DG705")]


def test_a_link_to_a_repeated_heading_is_ambiguous(tmp_path: Path) -> None:
    pages = {
        "notes/release.md": RELEASE_NOTES + "\nSee [the fix](#fixed), [added](#added).\n",
        "guide/a.md": "# A\n\n[Fixed](../notes/release.md#fixed), "
        "[the second](../notes/release.md#fixed_1), [notes](../notes/release.md),\n"
        "[other](b.md#fixed), [away](https://example.org/release.md#fixed),\n"
        "[page](../notes/release.html#fixed), [ref][r].\n\n"
        "[r]: ../notes/./release.md#details\n",
        "guide/b.md": "# B\n\n## Fixed\n\nText.\n",
    }
    found = lint(tmp_path, pages)
    assert found == [
        ("docs/guide/a.md", 3, "DG705", "warning"),
        ("docs/guide/a.md", 5, "DG705", "warning"),
        ("docs/notes/release.md", 31, "DG705", "warning"),
    ]
    write(tmp_path, {"docs/guide/a.md": pages["guide/a.md"]})
    config = DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "s")
    result = check(config, [Document("guide/a.md", pages["guide/a.md"], "docs/guide/a.md")])
    assert result.diagnostics == ()  # the notes are not in this site
    documents = [Document(p, m, f"docs/{p}") for p, m in pages.items()]
    first = check(config, documents).diagnostics[0]
    assert first.message == (
        "the link to '../notes/release.md#fixed' is ambiguous: the headings on lines 9, 15, 25 "
        "of docs/notes/release.md all have the anchor #fixed; it lands on line 9"
    )
    assert first.hint is not None
    assert "#fixed_1" in first.hint


def test_a_link_to_an_explicit_id_is_not_ambiguous(tmp_path: Path) -> None:
    page = "# A\n\n## One\n\n### Fixed { #fixed }\n\n## Two\n\n### Fixed\n\nSee [it](#fixed).\n"
    assert lint(tmp_path, {"a.md": page}) == []


def test_an_explicit_id_twice_is_a_clash_under_any_parents(tmp_path: Path) -> None:
    page = "# A\n\n## One\n\n### Fixed { #fixed }\n\n## Two\n\n### Fixed { #fixed }\n\nText.\n"
    assert codes(lint(tmp_path, {"a.md": page})) == [(9, "DG705")]
    # An explicit id and a heading's own anchor: toc renames the second, the id is kept.
    page = page.replace("### Fixed { #fixed }\n\nText.", "### Fixed\n\nText.")
    assert lint(tmp_path, {"a.md": page}) == []


def test_materials_nav_title_is_the_pages_title(tmp_path: Path) -> None:
    pages = {"a.md": "Intro.\n\n## Part\n\nText.\n", "b.md": "Intro.\n\n### Deep\n\nText.\n"}
    nav = "nav:\n  - Alpha: a.md\n  - Beta: b.md\n"
    material = {"mkdocs.yml": "theme: {name: material, features: []}\n" + nav}
    assert lint(tmp_path, pages, material) == [("docs/b.md", 3, "DG704", "warning")]
    assert read_site_config(tmp_path).theme == "material"
    # Other themes show no title the page does not have; nor does a page nav leaves untitled.
    found = lint(tmp_path, pages, {"mkdocs.yml": "theme: readthedocs\n" + nav})
    assert codes(found) == [(3, "DG703"), (3, "DG703")]
    found = lint(tmp_path, pages, {"mkdocs.yml": "theme: material\nnav: [a.md, Beta: b.md]\n"})
    assert found == [("docs/a.md", 3, "DG703", "warning"), ("docs/b.md", 3, "DG704", "warning")]
    write(tmp_path, {"mkdocs.yml": "theme: [material]\n"})
    assert read_site_config(tmp_path).theme is None


def test_heading_skip_after_front_matter_title(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "---\ntitle: A\n---\n\n### Deep\n\nText.\n"})
    assert codes(found) == [(5, "DG704")]


def test_multiline_paragraph_lines(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\nFirst line,\nsecond <b>x</b>,\nthird teh.\n"})
    assert codes(found) == [(5, "DG714")]


# --- HTML ---


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<div>\n\ntext\n\n</div>\n", []),
        ("<ul>\n<li>one\n<li>two\n</ul>\n", []),  # optional end tags
        ("<p>para\n\ntext\n", []),
        ("<br>\n<img src='a.png' alt='A'/>\n", []),
        ("<!-- <div> in a comment -->\n", []),
        ("Text with <span>an open span.\n", [(3, "DG708")]),
        ("</div>\n", [(3, "DG708")]),
        ("<div>\n<span>\n</div>\n", [(4, "DG708")]),
        ("<img src='a.png'/>\n", [(3, "DG706")]),
        ("Inline <kbd>x</kbd>.\n", []),
    ],
)
def test_html(tmp_path: Path, markdown: str, expected: list[tuple[int, str]]) -> None:
    assert codes(lint(tmp_path, {"a.md": "# A\n\n" + markdown + "\nEnd.\n"})) == expected


# --- spelling and markers ---


def test_wordlist_and_prose_only(tmp_path: Path) -> None:
    page = {
        "a.md": "# A\n\nTeh `teh` [teh](https://x.org/teh) ![Teh](a.png) a@teh.org "
        ":teh: { .teh }\n\n```text\nteh\n```\n\n    teh\n"
    }
    found = lint(tmp_path, page)
    assert codes(found) == [(3, "DG714"), (3, "DG714"), (3, "DG714")]  # Teh, link text, alt
    assert (
        lint(
            tmp_path,
            page,
            files={"words.txt": "# ours\nTEH  # a word of ours\n\n"},
            wordlist="words.txt",
        )
        == []
    )


def test_wordlist_missing_is_empty(tmp_path: Path) -> None:
    assert read_wordlist(tmp_path / "none.txt") == frozenset()


def test_spelling_finds_a_planted_typo_at_its_line_in_prose_only(tmp_path: Path) -> None:
    page = (
        "# A\n\nFirst line.\n\n```python\nrecieve = 1\n```\n\n"
        "Inline `recieve`, <https://recieve.example.org/recieve>, "
        '<span title="recieve">x</span>.\n\n'
        "Line eleven, then the plant:\nwe recieve it.\n"
    )
    write(tmp_path, {"docs/a.md": page})
    config = DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "s")
    result = check(config, [Document("a.md", page, "docs/a.md")])
    assert [(str(d.location), d.message) for d in result.diagnostics] == [
        ("docs/a.md:12", "'recieve' may be misspelled; did you mean 'receive'?")
    ]


def test_spelling_across_pages_keeps_each_pages_lines(tmp_path: Path) -> None:
    pages = {f"p{n}.md": "# P\n\n" + "Fine.\n\n" * n + "teh end.\n" for n in range(3)}
    found = lint(tmp_path, pages)
    assert found == [(f"docs/p{n}.md", 3 + 2 * n, "DG714", "warning") for n in range(3)]


def test_spelling_honours_the_projects_typos_configuration(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\nteh wrold.\n"}
    ours = '[default.extend-words]\nteh = "teh"\n'
    assert codes(lint(tmp_path, page, {"_typos.toml": ours})) == [(3, "DG714")]
    (tmp_path / "_typos.toml").unlink()
    toml = '[tool.typos.default.extend-words]\nwrold = "wrold"\n'
    assert codes(lint(tmp_path, page, {"pyproject.toml": toml})) == [(3, "DG714")]
    found = lint(tmp_path, page, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert codes(found) == [(3, "DG714"), (3, "DG714")]


def test_a_broken_typos_configuration_is_one_finding(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\nteh.\n"}, {"typos.toml": "broken ["})
    assert found == [("typos.toml", None, "DG716", "warning")]


def test_typos_missing_is_one_finding_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.lint import spelling

    rules = Rules({})
    pages = [("docs/a.md", (Prose(3, "teh"),))]
    missing = list(spelling.check(rules, tmp_path, pages, frozenset(), str(tmp_path / "none")))
    assert [(d.code, d.message[:22], d.hint) for d in missing if d] == [
        ("DG716", "typos could not run: [", spelling._INSTALL)
    ]
    monkeypatch.setattr(spelling.sysconfig, "get_path", lambda _: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_typos() is None
    found = lint(tmp_path, {"a.md": "# A\n\nteh.\n"})
    assert found == [("mkdocs.yml", None, "DG716", "warning")]
    # Off, the check never looks for typos; no prose, nothing to run it on.
    assert lint(tmp_path, {"a.md": "# A\n\nteh.\n"}, rules={"spelling": "off"}) == []
    assert list(spelling.check(rules, tmp_path, [("docs/a.md", ())], frozenset())) == []


def test_typos_failing_says_so(tmp_path: Path) -> None:
    from docgen.lint import spelling

    fake = write(tmp_path, {"fake": "#!/bin/sh\necho 'out of cheese' >&2\nexit 3\n"}) / "fake"
    fake.chmod(0o755)
    pages = [("docs/a.md", (Prose(3, "teh"),))]
    found = list(spelling.check(Rules({}), tmp_path, pages, frozenset(), str(fake)))
    assert [d.message for d in found if d] == ["typos failed: out of cheese"]
    fake.write_text("#!/bin/sh\nexit 5\n")
    found = list(spelling.check(Rules({}), tmp_path, pages, frozenset(), str(fake)))
    assert [d.message for d in found if d] == ["typos failed: exit status 5"]


def test_markers_configurable(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\nTODO later. XXX here. `FIXME` in code.\n"}
    assert codes(lint(tmp_path, page)) == [(3, "DG712")]
    assert codes(lint(tmp_path, page, markers=("XXX",))) == [(3, "DG712")]
    assert lint(tmp_path, page, markers=()) == []


# --- nav and required pages ---


def test_no_nav_means_no_nav_rules(tmp_path: Path) -> None:
    files = {"mkdocs.yml": "site_name: X\n"}
    assert lint(tmp_path, {"a.md": "# A\n\nText.\n"}, files) == []


def test_not_in_nav_patterns(tmp_path: Path) -> None:
    files = {"mkdocs.yml": "nav:\n  - a.md\nnot_in_nav: |\n  # drafts\n  /drafts/*.md\n"}
    pages = {"a.md": "# A\n\nText.\n", "drafts/b.md": "# B\n\nText.\n", "c.md": "# C\n\nText.\n"}
    assert lint(tmp_path, pages, files) == [("docs/c.md", 1, "DG709", "warning")]


def test_unreadable_mkdocs_yml(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\nText.\n"}, {"mkdocs.yml": "nav: [\n"})
    assert codes(found) == [(None, "DG717")]
    assert read_site_config(tmp_path, "other.yml").nav is None
    write(tmp_path, {"mkdocs.yaml": "nav: [a.md]\n"})
    assert read_site_config(tmp_path).nav == (NavEntry("a.md", None, 1),)
    write(tmp_path, {"list.yml": "- a\n"})
    assert read_site_config(tmp_path, "list.yml").nav is None


def test_required_pages_by_path_title_and_section(tmp_path: Path) -> None:
    files = {
        "mkdocs.yml": "nav:\n  - Guides:\n    - guides/index.md\n    - Usage: u.md\n"
        "plugins:\n  - docgen:\n      lint:\n        required_pages: [x]\n"
    }
    pages = {
        "guides/index.md": "---\ntitle: How to\n---\n\nText.\n",
        "u.md": "# Using it\n\nText.\n",
    }
    found = lint(
        tmp_path,
        pages,
        files,
        required_pages=("GUIDES", "how to", "usage", "Using it", "u", "API reference", "FAQ"),
    )
    assert found == [
        ("mkdocs.yml", 8, "DG711", "error"),
        ("mkdocs.yml", 8, "DG711", "error"),
    ]


# --- formatting configuration ---


def test_project_pymarkdown_files_override_defaults(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\n" + "word " * 30 + "end\n"}
    assert lint(tmp_path, page) == []
    on = '{"plugins": {"md013": {"enabled": true, "line_length": 100}}}'
    assert codes(lint(tmp_path, page, {".pymarkdown.json": on})) == [(3, "DG701")]
    (tmp_path / ".pymarkdown.json").unlink()
    toml = "[tool.pymarkdown]\nplugins.md013.enabled = true\nplugins.md013.line_length = 100\n"
    assert codes(lint(tmp_path, page, {"pyproject.toml": toml})) == [(3, "DG701")]
    yml = "plugins:\n  md013:\n    enabled: false\n"
    assert lint(tmp_path, page, {".pymarkdown.yml": yml}) == []


def test_autorefs_anchors_and_magiclink_urls_are_not_findings(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\n[](){#here}\n\n[](){ #there }\n\nSee https://example.org.\n"}
    assert codes(lint(tmp_path, page)) == [(7, "DG701")]  # a bare URL, not linked
    site = {
        "mkdocs.yml": "markdown_extensions:\n  - toc: {permalink: true}\n  - pymdownx.magiclink\n"
    }
    assert lint(tmp_path, page, site) == []
    assert read_site_config(tmp_path).extensions == ("toc", "pymdownx.magiclink")
    # An empty link beside an anchor is still one.
    assert codes(lint(tmp_path, {"a.md": "# A\n\n[](){#a} [text]()\n"}, site)) == [(3, "DG701")]
    write(tmp_path, {"mkdocs.yml": "markdown_extensions: {toc: {}}\n"})
    assert read_site_config(tmp_path).extensions == ()
    write(tmp_path, {"mkdocs.yml": "markdown_extensions: [[odd], {}, toc]\n"})
    assert read_site_config(tmp_path).extensions == ("toc",)


def test_a_reversed_link_in_inline_code_is_no_finding(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\nWrite `(text)[url]`, never ``(a)[b]``.\n\n| a |\n|---|\n| `(t)[u]` |\n"}
    assert lint(tmp_path, page) == []
    page = {"a.md": "# A\n\nWrite `(text)[url]`, never (a)[b].\n"}
    assert codes(lint(tmp_path, page)) == [(3, "DG701")]


def test_two_links_side_by_side_are_not_a_reversed_link(tmp_path: Path) -> None:
    # hatch's docs/meta/authors.md: `[:material-github:](…)[:material-web:](…)`
    page = {"a.md": "# A\n\nBy [Ofek](https://x.org/o)[Cary](https://x.org/c) and (a)[b].\n"}
    assert codes(lint(tmp_path, page)) == [(3, "DG701")]  # only the real one
    page = {"a.md": "# A\n\nBy [Ofek](https://x.org/o)[Cary](https://x.org/c).\n"}
    assert lint(tmp_path, page) == []


def test_a_project_pymarkdown_configuration_is_its_choice_of_style(tmp_path: Path) -> None:
    page = {"a.md": STYLE_ONLY}
    no_table = {"pyproject.toml": "[project]\nname = 'x'\n"}
    assert lint(tmp_path, page, no_table) == []  # a pyproject.toml says nothing about style
    assert not style_in_force(tmp_path, None)
    off_one = '{"plugins": {"md012": {"enabled": false}}}'
    found = lint(tmp_path, page, {".pymarkdown.json": off_one})
    assert style_in_force(tmp_path, None)
    assert len(found) >= 7
    assert (4, "DG701") not in codes(found)  # the project's own setting holds
    # style: false keeps the style rules off, the project's settings still apply.
    assert lint(tmp_path, page, style=False) == []
    on_one = '{"plugins": {"md012": {"enabled": true}}}'
    found = lint(tmp_path, page, {".pymarkdown.json": on_one}, style=False)
    assert codes(found) == [(4, "DG701")]
    assert len(lint(tmp_path, page, {".pymarkdown.json": "{}"})) >= 8  # an empty one too
    toml = "[tool.pymarkdown]\nplugins.md012.enabled = false\n"
    (tmp_path / ".pymarkdown.json").unlink()
    assert len(lint(tmp_path, page, {"pyproject.toml": toml})) >= 7


def test_broken_project_configuration(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pyproject.toml": "[tool\n", ".pymarkdown.json": "{no", ".pymarkdown.yml": "- a\n"},
    )
    merged, problems, origin = settings(tmp_path, Rules({}))
    assert merged["plugins"]["md013"] == {"enabled": False}
    assert [file for file, _ in problems] == [
        "pyproject.toml",
        ".pymarkdown.json",
        ".pymarkdown.yml",
    ]
    assert origin == "mkdocs.yml"
    found = lint(tmp_path, {"a.md": "# A\n\nText.\n"})
    assert codes(found) == [(None, "DG716")] * 3


def test_bad_configuration_value_is_one_finding(tmp_path: Path) -> None:
    bad = '{"mode": {"strict-config": true}, "plugins": {"md007": {"indent": "four"}}}'
    found = lint(tmp_path, {"a.md": "# A\n\nText.\n"}, {".pymarkdown.json": bad})
    assert found == [(".pymarkdown.json", None, "DG716", "warning")]


def test_one_finding_per_rule_and_line(tmp_path: Path) -> None:
    page = {"a.md": "# A\n\n| a | b |\n|---|---|\n| ` x` | ` y` |\n"}
    found = lint(tmp_path, page, style=True)
    assert codes(found) == [(5, "DG701")]


def test_pragma_errors_are_findings(tmp_path: Path) -> None:
    found = lint(tmp_path, {"a.md": "# A\n\n<!-- pyml disable-num-lines abc -->\nText.\n"})
    assert codes(found) == [(3, "DG701")]


def test_no_pages(tmp_path: Path) -> None:
    assert lint(tmp_path, {}) == []


# --- fix ---


def test_fix_rewrites_the_files(tmp_path: Path) -> None:
    text = "# A\n\nTrailing. \n\n<!-- docgen: skip -->\n```bash\nexit 1\n```\n"
    write(tmp_path, {"docs/a.md": text, "docs/b.md": "# B\n\nClean.\n"})
    config = DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=tmp_path / "s",
        lint=LintConfig(fix=True, style=True),
    )
    documents = [
        Document("a.md", text, "docs/a.md"),
        Document("b.md", "# B\n\nClean.\n", "docs/b.md"),
        Document("c.md", "# C\n\nno file \n", "docs/c.md"),
    ]
    result = check(config, documents)
    assert (tmp_path / "docs/a.md").read_text() == text.replace(". \n", ".\n")  # marker kept
    assert [(str(d.location), d.code) for d in result.diagnostics] == [
        ("docs/a.md:1", "DG715"),
        ("docs/c.md:3", "DG701"),
    ]
    assert result.summary["fixed"] == 1


def test_lines_are_the_files_own(tmp_path: Path) -> None:
    """MkDocs strips the front matter before plugins see a page: lint reads the file."""
    text = "---\ntitle: A\n---\n\n# A\n\nteh end.\n"
    write(tmp_path, {"docs/a.md": text})
    config = DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "s")
    result = check(config, [Document("a.md", "# A\n\nteh end.\n", "docs/a.md")])
    assert [str(d.location) for d in result.diagnostics] == ["docs/a.md:7"]


def test_setext_headings_and_plain_equals_are_not_tabs() -> None:
    page = parse('Title\n===\n\n    code, not a tab\n\n=== "Tab"\n\n    Tab text.\n')
    assert [(h.level, h.text, h.line) for h in page.headings] == [(1, "Title", 1)]
    assert [p.text for p in page.prose] == ["Title", "Tab", "Tab text."]


def test_fence_in_a_list_item_hides_container_syntax() -> None:
    page = parse("# T\n\n1.  Step:\n\n    ```text\n    !!! note\n        teh\n    ```\n")
    assert not any("teh" in p.text for p in page.prose)
