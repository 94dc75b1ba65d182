"""The API stage end to end on a sample package written to a temp dir.

The sample (tests/fixtures/api/sample) has good modules in each docstring format and
modules that raise, exit, print, read stdin, hang and kill the process on import. One
`generate` run (module-scoped) serves most tests; cache tests use their own copies.

Goldens: `DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_api.py` rewrites tests/golden/api/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
import sphobjinv
from conftest import write

from docgen import api
from docgen.api.pages import Reference
from docgen.config import ApiConfig, DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.mkdocs_plugin import build_site
from docgen.model import Context, Document, StageResult

FIXTURE = Path(__file__).parent / "fixtures" / "api" / "sample"
GOLDEN = Path(__file__).parent / "golden" / "api"


def make_config(root: Path, **options: object) -> DocgenConfig:
    settings: dict[str, object] = {
        "packages": ("sample",),
        "timeout": 3.0,
        "source_commit": "abc123",
    }
    settings.update(options)
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=Path(".cache"),
        repo_url="https://github.com/owner/repo.git",
        site_name="Sample",
        api=ApiConfig(**settings),  # type: ignore[arg-type]
    )


def copy_sample(root: Path, without: tuple[str, ...] = ()) -> Path:
    shutil.copytree(
        FIXTURE, root / "sample", ignore=shutil.ignore_patterns("__pycache__", *without)
    )
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocgenConfig, StageResult]:
    root = copy_sample(tmp_path_factory.mktemp("project"))
    config = make_config(root)
    return config, api.generate(config)


def by_code(result: StageResult, code: str) -> dict[str, Diagnostic]:
    return {
        (d.location.path if d.location else ""): d for d in result.diagnostics if d.code == code
    }


def page(result: StageResult, module: str) -> str:
    return next(p.markdown for p in result.pages if p.path == f"api/{module}.md")


@pytest.mark.parametrize("module", ["sample", "sample.core"])
def test_pages_match_golden(built: tuple[DocgenConfig, StageResult], module: str) -> None:
    golden = GOLDEN / f"{module}.md"
    markdown = page(built[1], module)
    if os.environ.get("DOCGEN_UPDATE_GOLDEN"):
        golden.write_text(markdown, encoding="utf-8")
    assert markdown == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is intended: DOCGEN_UPDATE_GOLDEN=1 pytest {__file__}"
    )


def test_every_good_module_has_a_page_in_the_nav(built: tuple[DocgenConfig, StageResult]) -> None:
    _, result = built
    pages = {p.path: p for p in result.pages}
    assert set(pages) == {
        f"api/sample{m}.md" for m in ("", ".core", ".md", ".noisy", ".numpydoc", ".rst")
    }
    assert pages["api/sample.md"].nav == ("API reference", "sample")
    assert pages["api/sample.core.md"].nav == ("API reference", "sample")
    assert pages["api/sample.core.md"].source == "sample/core.py"
    assert result.summary["failed"] == 5
    assert result.watch == (built[0].root / "sample",)


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("sample/broken.py:3", "raised ValueError: broken on purpose"),
        ("sample/exits.py:4", "calls sys.exit(3)"),
        ("sample/reads.py:3", "EOFError"),
        ("sample/hangs.py:5", "hangs on import"),
        ("sample/crashes.py", "stopped the Python process on import (exit code 7)"),
    ],
)
def test_a_bad_module_is_one_error_at_its_line(
    built: tuple[DocgenConfig, StageResult], file: str, words: str
) -> None:
    found = [d for d in built[1].diagnostics if d.code == "DG602" and str(d.location) == file]
    assert len(found) == 1
    assert words in found[0].message
    assert found[0].hint


def test_a_module_that_prints_is_documented_with_a_warning(
    built: tuple[DocgenConfig, StageResult],
) -> None:
    warning = by_code(built[1], "DG603")["sample/noisy.py"]
    assert "hello from noisy" in warning.message
    assert "Says nothing." in page(built[1], "sample.noisy")


def test_all_decides_the_public_surface(built: tuple[DocgenConfig, StageResult]) -> None:
    package = page(built[1], "sample")
    assert "{ #sample.Base }" in package
    assert "{ #sample.helper }" in package
    assert "other" not in package
    core = page(built[1], "sample.core")
    assert "{ #sample.core.other }" in core
    assert "_SECRET" not in core
    assert "_internal" not in core


def test_inherited_members_are_marked(built: tuple[DocgenConfig, StageResult]) -> None:
    core = page(built[1], "sample.core")
    assert ("**Inherited from [`sample.core.Base`](#sample.core.Base):** `size`, `run`") in core
    # `stop` is overridden, so it is Child's own, not inherited.
    assert "{ #sample.core.Child.stop }" in core


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("sample.core", "**Arguments:**\n\n - **x:**  how many times."),
        ("sample.numpydoc", "**Parameters**\n\n - **value** (float):\n   The value."),
        ("sample.rst", "**Parameters**\n\n - **text**:  the text."),
        ("sample.md", "Args:\n    nothing: this stays as written"),
    ],
)
def test_each_docstring_format(
    built: tuple[DocgenConfig, StageResult], module: str, expected: str
) -> None:
    assert expected in page(built[1], module)


def test_docstring_references_resolve_or_warn_where_written(
    built: tuple[DocgenConfig, StageResult],
) -> None:
    core = page(built[1], "sample.core")
    assert "See [`Base`](#sample.core.Base) and [the helper](#sample.core.helper)" in core
    assert "The result, see [`Child`](#sample.core.Child)." in core
    warning = by_code(built[1], "DG605")["sample/core.py"]
    assert "sample.core.Missing" in warning.message
    assert str(warning.location) == "sample/core.py:3"  # the docstring line that holds it


def test_annotations_link_to_documented_types(built: tuple[DocgenConfig, StageResult]) -> None:
    core = page(built[1], "sample.core")
    assert "def extra(base: sample.core.Base, flag) -> sample.core.Base:" in core
    assert "Types: [`sample.core.Base`](#sample.core.Base)" in core
    # On the package page, the type lives on another page: a relative link to it.
    assert "[`sample.core.Base`](sample.core.md#sample.core.Base)" in page(built[1], "sample")


def test_source_links_are_pinned_to_the_commit(built: tuple[DocgenConfig, StageResult]) -> None:
    core = page(built[1], "sample.core")
    url = "https://github.com/owner/repo/blob/abc123/sample/core.py"
    assert f"[Source: `sample/core.py#L52-L58`]({url}#L52-L58)" in core
    assert f"[Source: `sample/core.py#L8`]({url}#L8)" in core


def test_inventory_reads_back_with_sphobjinv(built: tuple[DocgenConfig, StageResult]) -> None:
    asset, _model = built[1].assets  # objects.inv, then the version's API model
    assert asset.dest == "objects.inv"
    inventory = sphobjinv.Inventory(asset.source)
    assert inventory.project == "Sample"
    found = {(o.name, o.domain, o.role): o.uri_expanded for o in inventory.objects}
    assert found[("sample.core", "py", "module")] == "api/sample.core/#sample.core"
    assert found[("sample.core.Base", "py", "class")] == "api/sample.core/#sample.core.Base"
    assert (
        found[("sample.core.Base.run", "py", "method")] == "api/sample.core/#sample.core.Base.run"
    )
    assert found[("sample.core.helper", "py", "function")] == "api/sample.core/#sample.core.helper"
    assert found[("sample.core.LIMIT", "py", "data")] == "api/sample.core/#sample.core.LIMIT"
    assert ("sample.core.Base.size", "py", "attribute") in found


def test_inventory_without_directory_urls(tmp_path: Path) -> None:
    root = copy_sample(
        tmp_path,
        without=(
            "broken.py",
            "exits.py",
            "reads.py",
            "hangs.py",
            "crashes.py",
            "noisy.py",
            "md.py",
            "rst.py",
            "numpydoc.py",
        ),
    )
    result = api.generate(make_config(root, use_directory_urls=False))
    raw = result.assets[0].source.read_bytes()
    body = zlib.decompress(raw.split(b"zlib.\n", 1)[1]).decode()
    assert "sample.core py:module 1 api/sample.core.html#$ -" in body


def test_coverage_per_module_and_total(built: tuple[DocgenConfig, StageResult]) -> None:
    coverage = built[1].model["coverage"]
    assert isinstance(coverage, dict)
    core = coverage["modules"]["sample.core"]
    # Child.extra has no docstring; helper's `b` and extra's `base` and `flag` aren't named.
    assert core["methods"] == {"documented": 3, "total": 4}
    assert core["parameters"] == {"documented": 3, "total": 6}
    assert core["attributes"] == {"documented": 2, "total": 2}
    assert built[1].summary["coverage_by_module"]["sample.numpydoc"] == 100.0  # type: ignore[index]
    assert not by_code(built[1], "DG606")


def test_below_min_coverage_each_gap_is_a_warning(tmp_path: Path) -> None:
    root = copy_sample(
        tmp_path,
        without=("broken.py", "exits.py", "reads.py", "hangs.py", "crashes.py", "noisy.py"),
    )
    result = api.generate(make_config(root, min_coverage=100.0))
    gaps = [(str(d.location), d.message) for d in result.diagnostics if d.code == "DG606"]
    assert any(
        where == "sample/core.py:48"
        and m.startswith("sample.core.Child.extra has no documentation")
        for where, m in gaps
    )
    assert any(m.startswith("sample.core.helper(b) has no") for _, m in gaps)


def test_hand_written_references_become_relative_links(
    built: tuple[DocgenConfig, StageResult],
) -> None:
    config, result = built
    known = Context(api_index=result.symbols)
    markdown = (
        "# Guide\n\n"
        "Use [the base][sample.core.Base] or [`sample.core.helper`][].\n"
        "```\n[not][sample.core.Base]\n```\n"
        "A [normal][ref] link and `[code][sample.core.Base]`.\n\n"
        "[ref]: https://example.org\n"
        "Broken: [`sample.nope`][] and [x][sample.core.Gone].\n"
    )
    document = Document("guide/use.md", markdown, "docs/guide/use.md")
    out = api.transform(config, known, document)
    assert "[the base](../api/sample.core.md#sample.core.Base)" in out
    assert "[`sample.core.helper`](../api/sample.core.md#sample.core.helper)" in out
    assert "```\n[not][sample.core.Base]\n```" in out
    assert "[normal][ref]" in out
    assert "`[code][sample.core.Base]`" in out
    result = api.check(
        config,
        known,
        [document, Document("api/sample.md", "[x][a.b]", "sample/__init__.py", generated=True)],
    )
    found = sorted((str(d.location), d.message) for d in result.diagnostics)
    assert found == [
        ("docs/guide/use.md:10", "reference to 'sample.core.Gone' names no documented symbol"),
        ("docs/guide/use.md:10", "reference to 'sample.nope' names no documented symbol"),
    ]
    untouched = Document("index.md", "No references here.", "docs/index.md")
    assert api.transform(config, known, untouched) == "No references here."


def test_dump_lists_the_named_modules(built: tuple[DocgenConfig, StageResult]) -> None:
    dumped = api.dump(built[0], ["sample.core"])
    modules = dumped["modules"]
    assert isinstance(modules, list)
    assert [m["name"] for m in modules] == ["sample.core"]
    members = {m["name"]: m for m in modules[0]["members"]}
    assert members["Child.extra"] == {
        "name": "Child.extra",
        "kind": "method",
        "documented": False,
        "line": 48,
    }
    assert modules[0]["file"] == "sample/core.py"
    assert set(dumped["coverage"]) == {"total", "modules"}  # type: ignore[arg-type]
    assert any(d["code"] == "DG602" for d in dumped["diagnostics"])  # type: ignore[union-attr]
    unknown = api.dump(built[0], ["sample.nothing"])
    assert unknown["modules"] == []
    assert any(d["code"] == "DG611" for d in unknown["diagnostics"])  # type: ignore[union-attr]


def test_cache_hit_and_invalidation(tmp_path: Path) -> None:
    root = copy_sample(
        tmp_path,
        without=("broken.py", "exits.py", "reads.py", "hangs.py", "crashes.py", "noisy.py"),
    )
    config = make_config(root)
    first = api.generate(config)
    assert first.summary["cached"] == 0
    second = api.generate(config)
    # Every module from the cache: no worker started.
    assert second.summary["cached"] == second.summary["modules"] == 5
    assert second.summary["extracted"] == 0
    assert second.pages == first.pages
    # Editing one module re-extracts it, and the package that re-exports from it.
    core = root / "sample" / "core.py"
    core.write_text(core.read_text().replace("Stop the thing.", "Halt the thing."))
    third = api.generate(config)
    assert third.summary["extracted"] == 2
    assert "Halt the thing." in page(third, "sample.core")
    # A change of options is a different cache entry.
    fourth = api.generate(make_config(root, show_inherited=False))
    assert fourth.summary["cached"] == 0
    assert "Inherited from" not in page(fourth, "sample.core")
    # `--no-cache` extracts every module again.
    fifth = api.generate(replace(config, page_cache=False))
    assert fifth.summary["extracted"] == fifth.summary["modules"] == 5


def test_a_missing_package_is_an_error(tmp_path: Path) -> None:
    result = api.generate(make_config(tmp_path, packages=("nowhere",)))
    (error,) = result.diagnostics
    assert error.code == "DG601"
    assert "'nowhere' not found" in error.message
    assert result.pages == ()


@pytest.mark.slow
def test_pages_build_in_mkdocs_strict_with_anchors_in_the_toc(
    built: tuple[DocgenConfig, StageResult], tmp_path: Path
) -> None:
    config, result = built
    docs = tmp_path / "docs"
    for generated in result.pages:
        target = docs / generated.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(generated.markdown, encoding="utf-8")
    guide = "# Guide\n\nSee [the base][sample.core.Base].\n"
    document = Document("guide.md", guide, "docs/guide.md")
    known = Context(api_index=result.symbols)
    (docs / "guide.md").write_text(api.transform(config, known, document), encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - attr_list\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "api" / "sample.core" / "index.html").read_text(encoding="utf-8")
    assert 'id="sample.core.Base.run"' in html
    # The table of contents lists the symbol, by its anchor.
    assert 'href="#sample.core.Base.run"' in html
    guide_html = (tmp_path / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    assert 'href="../api/sample.core/#sample.core.Base"' in guide_html


def test_a_broken_link_in_a_docstring_names_its_line(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: x\ntheme: {name: material}\n"
                "plugins:\n  - docgen:\n      api: {packages: [tool]}\n"
            ),
            "docs/index.md": "# Home\n\nThe tool.\n",
            "tool/__init__.py": '"""The tool."""\n',
            "tool/parts.py": (
                '"""Parts."""\n\n\ndef first():\n    """Fine."""\n\n\n'
                'def second():\n    """See `the site <www.example.org/x>`_ for more."""\n'
            ),
        },
    )
    outcome = build_site(root / "mkdocs.yml")
    (broken,) = [d for d in outcome.diagnostics if d.code == "DG301"]
    assert broken.location is not None
    # the docstring's line that holds the link (the member's `def` is line 8)
    assert (broken.location.path, broken.location.line) == ("tool/parts.py", 9)


def test_docstring_links_written_for_mkdocstrings_pages(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: x\ntheme: {name: material}\n"
                "plugins:\n  - docgen:\n      api: {packages: [tool]}\n"
            ),
            "docs/index.md": "# Home\n\nThe tool.\n",
            "docs/config.md": "# Config\n\nSet it.\n",
            "docs/plugins/env/reference.md": (
                "# Reference\n\n::: tool.parts.Part\n\n## Life cycle\n\nIt lives.\n"
            ),
            "tool/__init__.py": '"""The tool."""\n',
            "tool/parts.py": (
                '"""Parts."""\n\n\nclass Part:\n    """A part.\n\n'
                "    Made by [make](reference.md#tool.parts.make).\n"
                "    Set in [config](../../config.md), see the [life](reference.md#life-cycle).\n"
                '    """\n\n\ndef make():\n'
                '    """Make a [Part](../utilities.md#tool.parts.Gone)."""\n'
            ),
        },
    )
    outcome = build_site(root / "mkdocs.yml")
    (broken,) = [d for d in outcome.diagnostics if d.code == "DG301"]
    assert "utilities.md#tool.parts.Gone" in broken.message
    assert broken.location is not None
    # the docstring's line that holds the link (`def make` is line 12)
    assert (broken.location.path, broken.location.line) == ("tool/parts.py", 13)
    html = (root / "site" / "api" / "tool.parts" / "index.html").read_text(encoding="utf-8")
    assert 'href="#tool.parts.make"' in html
    assert 'href="../../config/"' in html
    assert 'href="../../plugins/env/reference/#life-cycle"' in html


def test_extraction_is_the_same_in_every_build(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "steady/__init__.py": (
                '"""Values that once changed with each build."""\n\nimport sys\n\n'
                'WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"}\n'
                '"""A set: its order follows string hashes."""\n\n\n'
                'def main(args=sys.argv):\n    """Run with `args`."""\n'
            ),
        },
    )
    config = replace(make_config(tmp_path, packages=("steady",)), page_cache=False)
    first, second = api.generate(config), api.generate(config)
    assert first.summary["extracted"] == second.summary["extracted"] == 1
    assert first.pages == second.pages
    assert "def main(args=['']):" in first.pages[0].markdown


def test_a_package_without_all_lists_what_it_re_exports(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "shop/__init__.py": (
                '"""A shop."""\n\nfrom pathlib import Path as Path\n\n'
                "from . import basket as basket\n"
                "from .basket import Basket as Basket\nfrom .basket import total as total\n"
                "from .basket import _secret\n"
            ),
            "shop/basket.py": (
                '"""Baskets."""\n\nfrom shop.prices import Price\n\n\n'
                'class Basket:\n    """Holds things."""\n\n\n'
                'def total(basket: Basket) -> int:\n    """Sum it."""\n    return 0\n\n\n'
                'def _secret() -> None:\n    """Hidden."""\n'
            ),
            "shop/prices.py": '"""Prices."""\n\n\nclass Price:\n    """A price."""\n',
            "docs/guide.md": "# Guide\n\nSee [the basket][shop.Basket].\n",
        },
    )
    config = make_config(tmp_path, packages=("shop",))
    result = api.generate(config)
    shop = page(result, "shop")
    assert "**Importable from `shop`**, documented where each is defined:" in shop
    assert "| `Basket` | [`shop.basket.Basket`](shop.basket.md#shop.basket.Basket) |" in shop
    assert "| `total` | [`shop.basket.total`](shop.basket.md#shop.basket.total) |" in shop
    # Not from the package, a module, private, or a module's own imports: not listed.
    assert "Path" not in shop
    assert "_secret" not in shop
    assert "| `basket` |" not in shop
    assert "Price" not in page(result, "shop.basket")
    # `shop.Basket` is a name references resolve, in pages and in the dump.
    document = Document("guide.md", "# Guide\n\nSee [the basket][shop.Basket].\n", "docs/guide.md")
    known = Context(api_index=result.symbols)
    assert "(api/shop.basket.md#shop.basket.Basket)" in api.transform(config, known, document)
    dumped = api.dump(config, ["shop"])
    modules = {m["name"]: m for m in dumped["modules"]}  # type: ignore[attr-defined]
    assert modules["shop.basket"]["reexports"] == []
    assert modules["shop"]["reexports"] == [
        {"name": "Basket", "defined_as": "shop.basket.Basket"},
        {"name": "total", "defined_as": "shop.basket.total"},
    ]


def test_a_docstring_cannot_break_the_page_around_it(tmp_path: Path) -> None:
    from lxml import html

    root = write(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: x\ntheme: {name: material}\n"
                "markdown_extensions:\n  - pymdownx.superfences\n"
                "plugins:\n  - docgen:\n      api: {packages: [tool]}\n"
            ),
            "docs/index.md": "# Home\n\nThe tool.\n",
            "tool/__init__.py": '"""The tool."""\n',
            "tool/parts.py": (
                '"""Parts."""\n\n\n'
                "class Stray:\n"
                '    """Ends with a stray fence.\n\n    Example:\n\n    ```python\n'
                '    Stray()\n    ```\n    ```\n    """\n\n'
                "    def after(self) -> None:\n"
                '        """A method after it: ```python still` text."""\n\n\n'
                "class Div:\n"
                '    """An open <div> and an open\n\n    <!-- comment\n    """\n\n\n'
                "def indented() -> None:\n"
                '    """Ends in a note and code.\n\n    !!! note\n\n        Noted.\n\n'
                '    Example:\n\n            still code\n    """\n\n\n'
                "def later() -> None:\n"
                '    """Still on the page."""\n'
            ),
            "tool/md.py": (
                '"""Markdown docstrings."""\n\n__docformat__ = "markdown"\n\n\n'
                "def bold() -> None:\n"
                '    """Some <b>bold that never ends, and <i>italic</i>."""\n\n\n'
                "def plain() -> None:\n"
                '    """Not bold."""\n'
            ),
        },
    )
    outcome = build_site(root / "mkdocs.yml")
    found = {(str(d.location), d.message) for d in outcome.diagnostics if d.code == "DG612"}
    assert found == {
        (
            "tool/parts.py:12",
            "the docstring of tool.parts.Stray opens a code fence it never closes",
        ),
        (
            "tool/parts.py:22",
            "the docstring of tool.parts.Div opens an HTML comment it never closes",
        ),
        ("tool/md.py:7", "the docstring of tool.md.bold opens an HTML <b> element it never closes"),
    }
    (stray,) = [d for d in outcome.diagnostics if d.code == "DG612" and "Stray" in d.message]
    assert "``` on a line of its own" in (stray.hint or "")
    page = html.fromstring((root / "site/api/tool.parts/index.html").read_text("utf-8"))
    article = page.xpath("//article")[0]
    # Every member after the stray fence is a heading of its own, not text in a code block.
    assert article.xpath(".//h2/@id | .//h3/@id") == [
        "tool.parts.Stray",
        "tool.parts.Stray.after",
        "tool.parts.Div",
        "tool.parts.indented",
        "tool.parts.later",
    ]
    later = ("tool.parts.Stray.after", "tool.parts.Div", "tool.parts.indented", "tool.parts.later")
    for anchor in later:
        assert article.xpath(f".//*[@id='{anchor}'][self::h2 or self::h3]"), anchor
        assert not article.xpath(f".//code//*[@id='{anchor}'] | .//pre//*[@id='{anchor}']")
    text = article.text_content()
    assert "Still on the page." in text
    assert "An open <div> and an open" in text
    signatures = [c.text_content().strip() for c in article.xpath(".//pre/code")]
    assert "def after() -> None:" in signatures
    assert "still code" in text
    assert article.xpath(".//div[contains(@class, 'admonition')]/p[.='Noted.']")
    assert "def later() -> None:" in signatures
    md = html.fromstring((root / "site/api/tool.md/index.html").read_text("utf-8"))
    assert not md.xpath("//article//b")
    assert md.xpath("//article//i/text()") == ["italic"]
    assert "Not bold." in md.xpath("//article")[0].text_content()


def test_a_docstring_reference_is_reported_at_its_own_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "other/__init__.py": (
                'class Base:\n    """A base.\n\n    See [it][other.Nowhere].\n'
                '    Read [the models](../concepts/models.md), [mod](refs.mod.md).\n    """\n'
            ),
            "refs/__init__.py": '"""Refs."""\n',
            "refs/mod.py": (
                '"""Module.\n\nSee [a][refs.mod.Gone].\n"""\n\nimport other\n\n\n'
                'class Part:\n    """A part.\n\n    More text.\n\n'
                '    Made by [make][refs.mod.Unmade].\n    """\n\n\n'
                'LIMIT = 3\n"""The limit; see [b][refs.mod.Nope]."""\n\n\n'
                "class Child(other.Base):\n    pass\n\n\n"
                'def odd():\n    """Names [x][refs.mod.Far]."""\n'
            ),
        },
    )
    (tmp_path / "refs" / "mod.py").write_text(
        (tmp_path / "refs" / "mod.py")
        .read_text(encoding="utf-8")
        .replace("[x][refs.mod.Far]", "[x][refs.mod.Far]"),
        encoding="utf-8",
    )
    result = api.generate(make_config(tmp_path, packages=("refs",)))
    found = {d.message.split("'")[1]: d for d in result.diagnostics if d.code == "DG605"}
    lines = {label: d.location.line if d.location else None for label, d in found.items()}
    assert lines == {
        "refs.mod.Gone": 3,
        "refs.mod.Unmade": 14,
        "refs.mod.Nope": 19,
        "other.Nowhere": 22,
        "refs.mod.Far": 27,
    }
    markdown = next(p.markdown for p in result.pages if p.path == "api/refs.mod.md")
    # Inherited: a link that names no page becomes its text; one between pages stays.
    assert "Read the models, [mod](refs.mod.md)." in markdown
    inherited = found["other.Nowhere"]
    assert "the docstring refs.mod.Child inherits" in inherited.message
    assert "api.inventories" in (inherited.hint or "")


def test_a_reference_not_found_in_the_source_is_at_the_docstrings_first_line(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"m.py": '"""Doc\n\nwritten otherwise.\n"""\n'})
    config = make_config(tmp_path)
    for file in ("m.py", "missing.py"):
        found = api._unresolved(config, Reference("m", file, 1, "m.Gone", 4))
        assert found.location is not None
        assert (found.location.path, found.location.line) == (file, 1)


def test_includes_skip_unreadable_pages_and_a_missing_docs_folder(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert api._includes(config).pages == frozenset()
    write(tmp_path, {"docs/a.md": "# A\n\n::: pkg.mod.Name\n", "docs/sub/b.md": "# B\n"})
    (tmp_path / "docs" / "bad.md").write_bytes(b"::: pkg.Bad\n\xff\xfe")
    found = api._includes(config)
    assert found.pages == {"a.md", "bad.md", "sub/b.md"}
    assert dict(found.written_on) == {"pkg.mod.Name": "a.md"}
