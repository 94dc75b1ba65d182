"""The lint stage: defects found at their lines, Material pages and this repo's docs clean."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import REPO

from docgen import stages
from docgen.cli import main
from docgen.config import ApiConfig, DocgenConfig, LintConfig, PipelinesConfig
from docgen.diagnostics import Severity
from docgen.lint import check, dump, read_docs
from docgen.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
# What this repository's mkdocs.yml sets as `lint.required_pages`.
REPO_REQUIRED = (
    "quick start",
    "configuration",
    "usage",
    "building",
    "contributing",
    "testing",
    "performance",
    "architecture",
    "API reference",
    "pipelines",
)


def config_for(root: Path, **lint: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        lint=LintConfig(**lint),  # type: ignore[arg-type]
    )


def findings(root: Path, **lint: object) -> list[tuple[str, int | None, str]]:
    result = dump(config_for(root, **lint), [])
    return [(f["file"], f["line"], f["code"]) for f in _findings(result)]


def _findings(result: dict[str, object]) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], result["findings"])


def test_each_defect_is_found_once_at_its_line() -> None:
    found = findings(FIXTURES / "defects", required_pages=("quick start", "Home"))
    assert found == [
        ("docs/empty.md", 1, "DG707"),
        ("docs/index.md", 5, "DG704"),  # #### after #
        ("docs/index.md", 11, "DG705"),  # second "## Setup"
        ("docs/index.md", 13, "DG706"),  # ![](diagram.png)
        ("docs/index.md", 15, "DG706"),  # <img> without alt
        ("docs/index.md", 17, "DG708"),  # <div> never closed
        ("docs/index.md", 21, "DG712"),  # TODO in prose (not the one in code)
        ("docs/index.md", 23, "DG714"),  # "teh" in prose (not in code, inline code or a URL)
        ("docs/index.md", 25, "DG702"),  # a second # title
        ("docs/index.md", 27, "DG701"),  # MD011 reversed link, from pymarkdownlnt
        ("docs/orphan.md", 1, "DG709"),
        ("docs/title-only.md", 1, "DG713"),
        ("docs/untitled.md", 1, "DG703"),
        ("mkdocs.yml", 7, "DG710"),  # ghost.md; the external URL entry is not a page
        ("mkdocs.yml", 12, "DG711"),  # "quick start"; "Home" is the nav title of index.md
    ]


def test_findings_carry_severity_message_and_hint() -> None:
    result = check(config_for(FIXTURES / "defects"), read_docs(config_for(FIXTURES / "defects")))
    by_code = {d.code: d for d in result.diagnostics}
    assert by_code["DG708"].severity is Severity.ERROR
    assert by_code["DG714"].message == "'teh' may be misspelled; did you mean 'the'?"
    assert "MD011" in by_code["DG701"].message
    assert all(d.hint and d.stage == "lint" for d in result.diagnostics)
    assert result.summary == {"pages": 5, "findings": len(result.diagnostics), "fixed": 0}


def test_material_pages_give_no_finding() -> None:
    assert findings(FIXTURES / "material") == []


def test_this_repositorys_docs_pass() -> None:
    config = DocgenConfig(
        root=REPO,
        docs_dir=REPO / "docs",
        site_dir=REPO / "site",
        api=ApiConfig(),
        pipelines=PipelinesConfig(),
        lint=LintConfig(required_pages=REPO_REQUIRED),
    )
    result = check(config, read_docs(config))
    assert [str(d.location) + " " + d.message for d in result.diagnostics] == []


def test_generated_pages_are_not_linted_but_exist() -> None:
    root = FIXTURES / "defects"
    documents = [
        *read_docs(config_for(root)),
        Document("ghost.md", "# teh\n\nTODO\n", ".github/workflows/ci.yml", generated=True),
        Document("start.md", "# Quick start\n\nText.\n", "(generated)", generated=True),
    ]
    result = check(config_for(root, required_pages=("quick start",)), documents)
    codes = [(str(d.location), d.code) for d in result.diagnostics]
    assert ("mkdocs.yml:7", "DG710") not in codes
    assert not any(d.code == "DG711" for d in result.diagnostics)
    assert not any("workflows" in str(d.location) for d in result.diagnostics)


def test_required_pages_made_by_stages() -> None:
    root = FIXTURES / "material"
    config = replace(
        config_for(root, required_pages=("API reference", "pipelines")),
        api=ApiConfig(),
        pipelines=PipelinesConfig(),
    )
    hand_written = read_docs(config)
    assert check(config, hand_written).diagnostics == ()  # generation skipped: promised
    api = Document("api/docgen.md", "# docgen\n\nText.\n", "docgen/__init__.py", True)
    result = check(config, [*hand_written, api])
    assert [d.message for d in result.diagnostics] == [
        "the docs have no 'pipelines' page (required by lint.required_pages)"
    ]


def test_registered_between_examples_and_links() -> None:
    names = stages.names()
    assert names.index("examples") < names.index("lint") < names.index("links")


def test_dump_filters_by_file() -> None:
    result = dump(config_for(FIXTURES / "defects"), ["orphan.md"])
    assert result["pages"] == 5
    assert [f["code"] for f in _findings(result)] == ["DG709"]


@pytest.mark.slow
def test_check_only_lint_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--only", "lint", "-f", str(REPO / "mkdocs.yml"), "--offline"])
    out = capsys.readouterr()
    assert code == 0, out.out
    assert "[DG7" not in out.out


@pytest.mark.slow
def test_check_fix_rewrites_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "material", tmp_path, dirs_exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Fix\ntheme: {name: material}\nplugins: [{docgen: {lint: {style: true}}}]\n"
        "markdown_extensions: [attr_list, md_in_html, admonition]\n",
        encoding="utf-8",
    )
    page = tmp_path / "docs" / "guide" / "reference.md"
    page.write_text("# Reference\n\nTrailing space. \n", encoding="utf-8")
    code = main(
        ["check", "--only", "lint", "--fix", "--offline", "-f", str(tmp_path / "mkdocs.yml")]
    )
    capsys.readouterr()
    assert code == 0
    assert page.read_text(encoding="utf-8") == "# Reference\n\nTrailing space.\n"


def test_docgen_dump_lint_reads_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["dump", "-f", str(FIXTURES / "defects" / "mkdocs.yml"), "lint", "mkdocs.yml"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pages"] == 5
    assert [(f["line"], f["code"]) for f in result["findings"]] == [(7, "DG710"), (12, "DG711")]


def test_formatting_findings_are_kept_by_page_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.lint import formatting

    root = tmp_path / "defects"
    shutil.copytree(FIXTURES / "defects", root)
    config = replace(config_for(root), cache_dir=tmp_path / "cache")
    scanned: list[list[str]] = []
    real = formatting._scan

    def counting(work: Path, merged: Any, sources: Any) -> Any:
        scanned.append(sorted(s.path for s in sources.values()))
        return real(work, merged, sources)

    monkeypatch.setattr(formatting, "_scan", counting)
    first = check(config, read_docs(config)).diagnostics
    assert len(scanned[0]) == 5
    assert check(config, read_docs(config)).diagnostics == first
    assert len(scanned) == 1  # nothing changed: pymarkdownlnt did not run
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("(the guide)[guide.md]", "[the guide](guide.md)"))
    again = check(config, read_docs(config)).diagnostics
    assert scanned[1] == ["index.md"]
    assert [d for d in first if d.code != "DG701"] == [d for d in again if d.code != "DG701"]
    assert not any(d.code == "DG701" for d in again)
    # Without the page cache every page is scanned each time.
    check(replace(config, page_cache=False), read_docs(config))
    assert len(scanned[2]) == 5


@pytest.mark.parametrize(
    ("plugins", "posts", "index"),
    [
        ("[blog]", "blog/posts", "blog/index.md"),
        ("[{material/blog: null}]", "blog/posts", "blog/index.md"),
        ("{search: {}, material/blog: {post_excerpt: required}}", "blog/posts", "blog/index.md"),
        (
            "[search, material/blog: {blog_dir: news, post_dir: '{blog}/entries'}]",
            "news/entries",
            "news/index.md",
        ),
    ],
)
def test_the_blog_plugins_posts_and_index_are_its_own(
    tmp_path: Path, plugins: str, posts: str, index: str
) -> None:
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nplugins: {plugins}\nnav: [index.md]\n")
    documents = [
        Document("index.md", "# Home\n\nText.\n", "docs/index.md"),
        Document(index, "# Blog\n", f"docs/{index}"),
        Document(f"{posts}/first.md", "# First\n\nText.\n", f"docs/{posts}/first.md"),
        Document("orphan.md", "# Orphan\n\nText.\n", "docs/orphan.md"),
    ]
    result = check(config_for(tmp_path), documents)
    # The posts are listed by the blog and its index filled by it; its index is not in the nav.
    assert [(str(d.location), d.code) for d in result.diagnostics] == [
        (f"docs/{index}:1", "DG709"),
        ("docs/orphan.md:1", "DG709"),
    ]


@pytest.mark.parametrize(
    "plugins", ["[search]", "[blog: {enabled: false}]", "{blog: {enabled: false}}", "blog"]
)
def test_without_the_blog_plugin_posts_are_pages_like_any(tmp_path: Path, plugins: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nplugins: {plugins}\nnav: [index.md]\n")
    documents = [
        Document("index.md", "# Home\n\nText.\n", "docs/index.md"),
        Document("blog/index.md", "# Blog\n", "docs/blog/index.md"),
        Document("blog/posts/first.md", "# First\n\nText.\n", "docs/blog/posts/first.md"),
    ]
    result = check(config_for(tmp_path), documents)
    assert [(str(d.location), d.code) for d in result.diagnostics] == [
        ("docs/blog/index.md:1", "DG709"),
        ("docs/blog/index.md:1", "DG713"),
        ("docs/blog/posts/first.md:1", "DG709"),
    ]
