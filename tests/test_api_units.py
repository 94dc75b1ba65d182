"""The API stage's parts on small inputs: discovery, the worker in-process, references,
inventory, coverage, the cache and source links."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from markdown import markdown as to_html

from docgen import api
from docgen.api import isolate, sourcemap, worker
from docgen.api.cache import Cache
from docgen.api.coverage import Coverage, coverage
from docgen.api.discover import default_packages, find_modules, search_path
from docgen.api.inventory import inventory, read_inventory
from docgen.api.model import Member, Module
from docgen.api.pages import _prose, module_page
from docgen.api.xref import Index, Target
from docgen.config import ApiConfig, DocgenConfig

REQUEST = {
    "docformat": "google",
    "show_private": False,
    "show_inherited": True,
    "packages": ["unitpkg"],
    "timeout": 5,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


UNITPKG = {
    "unitpkg/__init__.py": '''
        """A package with lazy names in `__all__`."""

        __all__ = ["Lazy", "Eager", "Other"]


        class Eager:
            """Defined here."""

            def __init__(self, size: int) -> None:
                """Make one of `size`."""

            def __repr__(self) -> str:
                return "Eager()"


        def __getattr__(name):
            if name in ("Lazy", "Other"):
                return Eager
            raise AttributeError(name)
    ''',
    "unitpkg/odd.py": '''
        """Odd members."""

        from typing import TypeVar

        T = TypeVar("T")


        class BadRepr:
            """Its repr raises."""

            def __repr__(self):
                raise RuntimeError("no repr")


        VALUE = BadRepr()
        """A value pdoc can't show."""


        def hidden():
            """@private"""


        def _shown():
            """@public Shown although private."""


        class Tool:
            """A tool."""

            @staticmethod
            def make(kind: str) -> "Tool":
                """Make a `kind` of tool."""
                return Tool()

            @property
            def name(self) -> str:
                """Its name."""
                return "tool"

            class Inner:
                """Nested."""

                def deep(self) -> None:
                    """Deep down."""
    ''',
    "unitpkg/_private.py": '"""Private."""\n',
    "unitpkg/sub/__init__.py": '"""Sub."""\n',
    "unitpkg/sub/leaf.py": '"""Leaf."""\n',
    "unitpkg/notpkg/stray.py": '"""Not in a package."""\n',
    "unitpkg/bad-name.py": "",
}


@pytest.fixture
def unitpkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    write(tmp_path, UNITPKG)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n == "unitpkg" or n.startswith("unitpkg.")]:
        del sys.modules[name]


def config_for(root: Path, **options: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        api=ApiConfig(**options),  # type: ignore[arg-type]
    )


# Discovery


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "pyproject.toml": '[tool.setuptools.packages.find]\ninclude = ["mypkg*"]\n',
                "mypkg/__init__.py": "",
            },
            ("mypkg",),
        ),
        (
            {"pyproject.toml": '[project]\nname = "My-Pkg"\n', "src/my_pkg/__init__.py": ""},
            ("my_pkg",),
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "other"\n',
                "src/a/__init__.py": "",
                "src/b/__init__.py": "",
                "src/c.txt": "",
            },
            ("a", "b"),
        ),
        ({"pyproject.toml": "not [valid", "single.py": ""}, ()),
        ({}, ()),
    ],
)
def test_default_packages(tmp_path: Path, files: dict[str, str], expected: tuple[str, ...]) -> None:
    assert default_packages(write(tmp_path, files)) == expected


def test_find_modules(unitpkg: Path) -> None:
    where = search_path(unitpkg)
    names = [s.name for s in find_modules("unitpkg", where, (), False) or []]
    assert names == ["unitpkg", "unitpkg.odd", "unitpkg.sub", "unitpkg.sub.leaf"]
    private = [s.name for s in find_modules("unitpkg", where, ("!unitpkg.sub",), True) or []]
    assert private == ["unitpkg", "unitpkg._private", "unitpkg.odd"]
    single = find_modules("unitpkg.odd", where, (), False)
    assert single is not None
    assert [s.name for s in single] == ["unitpkg.odd"]
    assert find_modules("absent_pkg_xyz", where, (), False) is None


# The worker, in this process


def test_worker_documents_odd_members(unitpkg: Path) -> None:
    sourcemap.install()
    event = worker.document("unitpkg.odd", REQUEST)
    members = {m["qualname"]: m for m in event["model"]["members"]}
    assert "T" not in members
    assert "hidden" not in members
    assert "_shown" in members
    tool = {m["qualname"]: m for m in members["Tool"]["members"]}
    assert (
        tool["Tool.make"]["signature"] == "@staticmethod\ndef make(kind: str) -> unitpkg.odd.Tool:"
    )
    assert tool["Tool.make"]["parameters"] == ["kind"]
    assert tool["Tool.name"]["kind"] == "attribute"
    inner = {m["qualname"]: m for m in tool["Tool.Inner"]["members"]}
    assert inner["Tool.Inner.deep"]["line"] is not None
    assert any(p["kind"] == "warning" and "no repr" in p["message"] for p in event["problems"])


def test_worker_drops_lazy_names_of_all(unitpkg: Path) -> None:
    event = worker.document("unitpkg", REQUEST)
    names = [m["name"] for m in event["model"]["members"]]
    assert names == ["Eager"]
    eager = event["model"]["members"][0]
    assert [m["name"] for m in eager["members"]] == ["__init__"]
    (lazy,) = [p for p in event["problems"] if p["kind"] == "unresolved-all"]
    assert lazy["names"] == ["Lazy", "Other"]


def test_worker_reports_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        {
            "failing/__init__.py": "",
            "failing/raises.py": '"""Doc."""\n\n\nraise KeyError("k")\n',
            "failing/deep.py": "import failing.helper\n",
            "failing/helper.py": "x = 1\n\n1 / 0\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        raised = worker.document("failing.raises", REQUEST)
        assert raised["error"] == "KeyError: 'k'"
        assert raised["line"] == 4
        deep = worker.document("failing.deep", REQUEST)
        assert deep["file"].endswith("helper.py")
        assert deep["line"] == 3
    finally:
        for name in [n for n in sys.modules if n.startswith("failing")]:
            del sys.modules[name]


def test_a_worker_that_cannot_start_fails_every_module(tmp_path: Path) -> None:
    files = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    broken = {k: v for k, v in REQUEST.items() if k != "docformat"}
    events = isolate.extract(files, broken, isolate.worker_env([]), 1)
    assert set(events) == {"a", "b"}
    assert all("exit code 1" in e["error"] for e in events.values())
    assert isolate.extract({}, REQUEST, {}, 2) == {}


# The whole stage on the unit package


def test_generate_summarizes_lazy_all_and_pdoc_warnings(unitpkg: Path) -> None:
    result = api.generate(config_for(unitpkg, packages=("unitpkg",), show_private=True, jobs=1))
    codes = {d.code: d for d in result.diagnostics}
    assert "2 names in unitpkg.__all__" in codes["DG604"].message
    assert codes["DG604"].severity == "info"
    assert "no repr" in codes["DG607"].message
    markdown = next(p.markdown for p in result.pages if p.path == "api/unitpkg.odd.md")
    assert "#### `Tool.Inner.deep` { #unitpkg.odd.Tool.Inner.deep }" in markdown
    assert "## `_shown`" in markdown
    assert "Make a `kind` of tool." in markdown
    package = next(p.markdown for p in result.pages if p.path == "api/unitpkg.md")
    html = to_html(package, extensions=["attr_list", "toc", "fenced_code"])
    # Underscores are escaped in the anchor, so `__init__` stays itself.
    assert '<h3 id="unitpkg.Eager.__init__"><code>Eager.__init__</code></h3>' in html
    pages = {p.path: p.nav for p in result.pages}
    assert pages["api/unitpkg.sub.md"] == ("API reference", "unitpkg", "unitpkg.sub")
    assert pages["api/unitpkg.sub.leaf.md"] == ("API reference", "unitpkg", "unitpkg.sub")


def test_default_packages_are_used_when_none_configured(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "tiny"\n', "src/tiny/__init__.py": '"""Tiny."""\n'},
    )
    # (timeout 0: no limit.)
    result = api.generate(config_for(tmp_path, timeout=0))
    assert [p.path for p in result.pages] == ["api/tiny.md"]
    assert result.model["packages"] == ["tiny"]


# Source links


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def test_source_links_use_head_and_the_repository_path(tmp_path: Path) -> None:
    project = write(
        tmp_path / "docs-project",
        {"src/tiny/__init__.py": '"""Tiny."""\n\n\ndef f():\n    """F."""\n'},
    )
    git(tmp_path, "init", "-q")
    git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@e",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    sha = git(tmp_path, "rev-parse", "HEAD").strip()
    config = DocgenConfig(
        root=project,
        docs_dir=project / "docs",
        site_dir=project / "site",
        cache_dir=project / ".cache",
        repo_url="https://github.com/o/r/",
        api=ApiConfig(packages=("tiny",)),
    )
    markdown = api.generate(config).pages[0].markdown
    assert (
        f"(https://github.com/o/r/blob/{sha}/docs-project/src/tiny/__init__.py#L4-L5)" in markdown
    )


def test_no_commit_means_no_source_links_and_an_info(tmp_path: Path) -> None:
    write(tmp_path, {"tiny/__init__.py": '"""Tiny."""\n'})
    config = DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=tmp_path / "site",
        cache_dir=tmp_path / ".cache",
        repo_url="https://github.com/o/r",
        api=ApiConfig(packages=("tiny",)),
    )
    result = api.generate(config)
    assert [d.code for d in result.diagnostics] == ["DG608"]
    assert "Source" not in result.pages[0].markdown


# References, inventory, coverage, cache


def index() -> Index:
    return Index(
        {
            "pkg": Target("api/pkg.md", "pkg", "module"),
            "pkg.mod": Target("api/pkg.mod.md", "pkg.mod", "module"),
            "pkg.mod.f": Target("api/pkg.mod.md", "pkg.mod.f", "function"),
            "pkg.mod.C": Target("api/pkg.mod.md", "pkg.mod.C", "class"),
            "pkg.C": Target("api/pkg.mod.md", "pkg.mod.C", "class"),
        }
    )


def test_rewrite_skips_fences_definitions_and_plain_labels() -> None:
    text = "~~~\n[a][pkg.mod.f]\n~~~~\n[a][pkg.mod.f] [b][plain] [`f()`][] [`nope`][]\n[plain]: x"
    out, missing = index().rewrite(text, "index.md", ["pkg.mod"])
    assert out.splitlines()[1] == "[a][pkg.mod.f]"
    assert (
        out.splitlines()[3]
        == "[a](api/pkg.mod.md#pkg.mod.f) [b][plain] [`f()`](api/pkg.mod.md#pkg.mod.f) [`nope`][]"
    )
    assert [(m.line, m.label) for m in missing] == [(4, "nope")]


def test_references_skip_all_code_the_markdown_reader_finds() -> None:
    # Indented code, and a code span over two lines, as docgen.markdown reads them.
    text = "    [a][pkg.mod.f]\n\nSee ``a\n[b][pkg.mod.f]`` and [c][pkg.mod.f]"
    out, missing = index().rewrite(text, "index.md")
    assert out == (
        "    [a][pkg.mod.f]\n\nSee ``a\n[b][pkg.mod.f]`` and [c](api/pkg.mod.md#pkg.mod.f)"
    )
    assert missing == []
    # A single-backtick name inside a literal double-backtick span stays as written.
    text = "``x `C` y`` and `C`"
    assert index().link_code(text, "api/pkg.mod.md", ["pkg.mod"]) == (
        "``x `C` y`` and [`C`](#pkg.mod.C)"
    )
    assert index().link_code("no code", "api/pkg.mod.md", []) == "no code"


def test_link_code_skips_fences() -> None:
    text = "`C` and `pkg.mod.f()`\n```\n`C`\n```\n`unknown`"
    out = index().link_code(text, "api/pkg.mod.md", ["pkg.mod"])
    assert out == "[`C`](#pkg.mod.C) and [`pkg.mod.f()`](#pkg.mod.f)\n```\n`C`\n```\n`unknown`"
    assert index().url("pkg.mod.C", "guide/deep/page.md") == "../../api/pkg.mod.md#pkg.mod.C"


def test_inventory_lists_each_symbol_once() -> None:
    raw = inventory(index().targets, "P", "1.0", directory_urls=True)
    header, _, body = raw.partition(b"zlib.\n")
    assert b"# Version: 1.0" in header
    lines = zlib.decompress(body).decode().splitlines()
    assert "pkg.mod.C py:class 1 api/pkg.mod/#$ -" in lines
    assert not any(line.startswith("pkg.C ") for line in lines)


def test_coverage_of_nothing_is_full() -> None:
    empty = coverage([])
    assert empty.percent == 100.0
    assert isinstance(empty, Coverage)
    module = Module("m", None, False, "google", "", False, ())
    assert coverage([module]).to_dict()["modules"] == {"documented": 0, "total": 1}
    page, missing = module_page(module, Index.of([module]), lambda *_: None)
    assert page.markdown == "# `m` { #m }\n"
    assert missing == []


def test_cache_ignores_unreadable_entries(tmp_path: Path) -> None:
    cache = Cache(tmp_path, {"a": 1})
    source = tmp_path / "m.py"
    source.write_text("x = 1\n")
    cache.store("m", {"module": "m"}, [source])
    assert cache.load("m") == {"module": "m"}
    assert Cache(tmp_path, {"a": 2}).load("m") is None
    source.unlink()
    assert Cache(tmp_path, {"a": 1}).load("m") is None
    for entry in tmp_path.glob("m-*.json"):
        entry.write_text("{not json")
    assert cache.load("m") is None


def test_transform_reads_the_index_of_its_context_never_a_file(tmp_path: Path) -> None:
    write(tmp_path, {"tiny/__init__.py": '"""Tiny."""\n\n\ndef f():\n    """F."""\n'})
    config = config_for(tmp_path, packages=("tiny",))
    from docgen.model import Context, Document

    known = Context(api_index=api.generate(config).symbols)
    assert not list(tmp_path.rglob("index.json"))  # the index passes in memory only
    out = api.transform(config, known, Document("index.md", "[f][tiny.f]", "docs/index.md"))
    assert out == "[f](api/tiny.md#tiny.f)"
    generated = Document("api/tiny.md", "[f][tiny.f]", "tiny/__init__.py", generated=True)
    assert api.transform(config, known, generated) == "[f][tiny.f]"
    # With no API index (no API stage ran), a reference stays as written.
    document = Document("index.md", "[f][tiny.f]", "docs/index.md")
    assert api.transform(config, Context(), document) == "[f][tiny.f]"


def test_a_thread_left_running_does_not_hold_up_the_build(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "threaded/__init__.py": '''
                """Starts a thread that never ends."""
                import threading
                import time

                threading.Thread(target=lambda: time.sleep(3600)).start()
            ''',
        },
    )
    started = time.perf_counter()
    result = api.generate(config_for(tmp_path, packages=("threaded",)))
    assert [p.path for p in result.pages] == ["api/threaded.md"]
    # Without the kill the worker would be waited for: timeout (60 s) + grace.
    assert time.perf_counter() - started < 30


def test_a_worker_that_escapes_its_watchdog_is_killed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "stubborn/__init__.py": '"""Fine."""\n',
            "stubborn/spins.py": '''
                """Turns the worker's watchdog off, then spins."""
                import faulthandler

                faulthandler.cancel_dump_traceback_later()
                while True:
                    pass
            ''',
            "stubborn/zafter.py": '"""Still documented."""\n',
        },
    )
    result = api.generate(config_for(tmp_path, packages=("stubborn",), timeout=1.0, jobs=1))
    (error,) = result.diagnostics
    assert error.code == "DG602"
    assert "hangs on import" in error.message
    assert error.location is not None
    assert error.location.path == "stubborn/spins.py"
    assert sorted(p.path for p in result.pages) == ["api/stubborn.md", "api/stubborn.zafter.md"]


# Other projects' inventories


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A folder served over HTTP on 127.0.0.1, for inventories to download."""
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def other_project() -> bytes:
    targets = {"other.Thing": Target("api/other.md", "other.Thing", "class")}
    return inventory(targets, "Other", "2.0", directory_urls=True)


def test_inventories_link_to_other_projects(tmp_path: Path, served: tuple[str, Path]) -> None:
    url, folder = served
    (folder / "objects.inv").write_bytes(other_project())
    write(
        tmp_path,
        {
            "uses/__init__.py": '''
                """Uses `other.Thing`."""

                def make(thing: "other.Thing") -> None:
                    """Make from [a thing][other.Thing]."""
            ''',
            "local.inv": "",
        },
    )
    (tmp_path / "local.inv").write_bytes(other_project())
    entries = (
        f"{url}/objects.inv",
        "https://other.example/docs/ local.inv",
        "nobase.inv",
        f"{url}/missing.inv",
        "https://x.example/ absent.inv",
        "https://x.example/ uses/__init__.py",
    )
    config = config_for(tmp_path, packages=("uses",), inventories=entries)
    result = api.generate(config)
    markdown = result.pages[0].markdown
    thing = f"{url}/api/other/#other.Thing"
    assert f"Uses [`other.Thing`]({thing})." in markdown
    assert f"Make from [a thing]({thing})." in markdown
    assert result.summary["external_symbols"] == 1
    warnings = sorted(d.message.split(":")[0] for d in result.diagnostics if d.code == "DG609")
    assert len(warnings) == 4
    # Offline, the downloaded inventory comes from the cache; an unknown one is skipped.
    (folder / "objects.inv").unlink()
    offline = replace(
        config,
        offline=True,
        api=replace(config.api, inventories=(f"{url}/objects.inv", f"{url}/never.inv")),
    )  # type: ignore[type-var]
    again = api.generate(offline)
    assert thing in again.pages[0].markdown
    assert again.summary["inventories_skipped_offline"] == 1
    # (DG607: pdoc can't evaluate the string annotation of a type it can't import.)
    assert sorted(d.code for d in again.diagnostics) == ["DG607", "DG610"]
    # Our own objects.inv does not list the other project's symbols.
    assert b"other.Thing" not in zlib.decompress(
        again.assets[0].source.read_bytes().split(b"zlib.\n", 1)[1]
    )


def test_worker_lists_inherited_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "fixtures" / "api"))
    try:
        event = worker.document("sample.core", {**REQUEST, "packages": ["sample"]})
        child = next(m for m in event["model"]["members"] if m["name"] == "Child")
        assert child["inherited"] == [{"base": "sample.core.Base", "names": ["size", "run"]}]
        private = worker.document(
            "sample.core", {**REQUEST, "packages": ["sample"], "show_private": True}
        )
        names = {m["name"] for m in private["model"]["members"]}
        assert "_SECRET" in names
        hidden = worker.document("sample.core", {**REQUEST, "packages": ["other"]})
        child = next(m for m in hidden["model"]["members"] if m["name"] == "Child")
        assert child["inherited"] == []
    finally:
        for name in [n for n in sys.modules if n == "sample" or n.startswith("sample.")]:
            del sys.modules[name]


def test_source_map_falls_back_where_it_knows_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken_syntax.py"
    broken.write_text("def (:\n")
    assert sourcemap.spans(str(broken)) == {}
    assert sourcemap.where("no_such_module_xyz", "f") is None
    assert sourcemap._located(len) is None
    assert sourcemap._located(lambda: None) is None
    assert sourcemap._located(sourcemap.spans.__wrapped__) is not None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"# not an inventory\n", "not a Sphinx inventory"),
        (b"# Sphinx inventory version 2\n# P\n# V\n# zlib\nnot compressed", "compressed part"),
    ],
)
def test_read_inventory_rejects_other_files(data: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        read_inventory(data, "https://x.example/")


def test_read_inventory_expands_names_and_skips_other_domains() -> None:
    body = (
        "a.b py:function 1 api/a/#$ -\nc std:label -1 c.html#c C\n"
        "d py:exception 1 d.html -\nbad line\n"
    )
    data = b"# Sphinx inventory version 2\n# Project: P\n# Version: 1\n# zlib\n" + zlib.compress(
        body.encode()
    )
    found = read_inventory(data, "https://x.example/docs")
    assert found == {
        "a.b": Target("https://x.example/docs/api/a/", "a.b", "function"),
        "d": Target("https://x.example/docs/d.html", "", "class"),
    }
    assert Index(found).url("d", "index.md") == "https://x.example/docs/d.html"


HTML_DOCSTRING = """For MXML markup. Nested AS3 in <script> tags is highlighted; see `<style>`,
<https://example.org> and <main>.

.. note:: Mind the <b>

   A body with <textarea>.

Example::

    <html><script>kept as code</script></html>
"""

MD_EXTENSIONS = ["attr_list", "admonition", "toc", "fenced_code"]


@pytest.mark.parametrize("docformat", ["restructuredtext", "google", "numpy"])
def test_raw_html_in_docstrings_is_text(docformat: str) -> None:
    import pdoc.docstrings
    from lxml import html

    converted = pdoc.docstrings.convert(HTML_DOCSTRING, docformat, None)
    after = Member(
        "After", "After", "m.After", "class", "class After:", "", False, None, 9, 9, "m.After"
    )
    lexer = Member(
        "Lexer",
        "Lexer",
        "m.Lexer",
        "class",
        "class Lexer:",
        converted,
        True,
        None,
        1,
        8,
        "m.Lexer",
    )
    module = Module("m", None, False, docformat, "", True, (lexer, after))
    page, _ = module_page(module, Index.of([module]), lambda *_: None)
    root = html.fromstring(to_html(page.markdown, extensions=MD_EXTENSIONS))
    # Nothing opened by the docstring swallows what follows: the next class's heading is there.
    assert root.xpath("//h2/@id") == ["m.Lexer", "m.After"]
    assert not root.xpath("//script|//main|//textarea|//style|//b")
    text = root.text_content()
    assert "Nested AS3 in <script> tags" in text
    assert "A body with <textarea>." in text
    # Code spans and reST literal blocks keep their text; autolinks stay links.
    assert root.xpath("//p/code/text()") == ["<style>"]
    code = [c.strip() for c in root.xpath("//pre/code/text()")]
    assert "<html><script>kept as code</script></html>" in code
    assert root.xpath("//a[@href='https://example.org']")
    # The reST admonition is a Material admonition, titled; "Example::" ends with one colon.
    (note,) = root.xpath("//div[contains(@class, 'admonition')]")
    assert note.get("class") == "admonition note"
    assert note.xpath("p[@class='admonition-title']/text()") == ["Mind the <b>"]
    assert "Example:" in text
    assert "Example::" not in text


def test_markdown_docstrings_keep_inline_html_only() -> None:
    from docgen.api.pages import _prose

    assert _prose("a <b>bold</b> word<br> and <kbd>Ctrl</kbd>", "markdown") == (
        "a <b>bold</b> word<br> and <kbd>Ctrl</kbd>"
    )
    assert _prose("a <script>x</script> and <div>", "markdown") == (
        "a &lt;script>x&lt;/script> and &lt;div>"
    )
    # Indented code after a blank line is code; indented text in a list is prose.
    assert _prose("text\n\n    <div>\n\n- item\n\n    more <div>", "google") == (
        "text\n\n    <div>\n\n- item\n\n    more &lt;div>"
    )


def test_section_titles_are_bold_and_open_no_fence() -> None:
    from docgen.api.pages import _prose

    docstring = (
        "Pygments\n~~~~~~~~\n\nText.\n\n=======\nOverall\n=======\n\nSetext\n---\n\n"
        "```\nA\n---\n```\n\n~~~\ncode\n~~~\n\nAfter.\n"
    )
    assert _prose(docstring, "restructuredtext") == (
        "**Pygments**\n\nText.\n\n**Overall**\n\n**Setext**\n\n```\nA\n---\n```\n\n"
        "~~~\ncode\n~~~\n\nAfter."
    )
    module = Module("m", None, True, "restructuredtext", docstring, True, ())
    page, _ = module_page(module, Index.of([module]), lambda *_: None)
    html = to_html(page.markdown, extensions=MD_EXTENSIONS)
    assert html.count("<h") == 1  # the module's own title, nothing from its docstring
    assert html.count("<pre>") == 2  # the two real code blocks
    assert "<p>After.</p>" in html


def test_double_backticks_are_literal_not_links() -> None:
    target = Member(
        "lexer", "lexer", "m.lexer", "variable", "lexer = 1", "", True, None, 1, 1, "m.lexer"
    )
    module = Module("m", None, False, "restructuredtext", "", True, (target,))
    index = Index.of([module])
    text = "With ``lexer`` and `lexer`."
    assert index.link_code(text, "api/m.md", ["m"]) == ("With ``lexer`` and [`lexer`](#m.lexer).")


def test_rest_fields_pdoc_leaves_become_a_list() -> None:
    from docgen.api.pages import _prose

    docstring = (
        "Intro.\n:copyright: 2006 by\n    the team.\n:license: BSD.\n:meta private:\n\nAfter."
    )
    assert _prose(docstring, "restructuredtext") == (
        "Intro.\n\n- **Copyright:** 2006 by\n    the team.\n- **License:** BSD.\n\nAfter."
    )
    assert _prose(docstring, "markdown") == docstring  # Markdown docstrings mean what they say


def test_a_parameter_named_like_a_module_is_not_linked() -> None:
    lex = Member(
        "lex",
        "lex",
        "m.lex",
        "function",
        "def lex(lexer):",
        "Use `lexer` and `m.lexer`.",
        True,
        None,
        1,
        2,
        "m.lex",
        parameters=("lexer",),
    )
    lexer = Member(
        "lexer", "lexer", "m.lexer", "variable", "lexer = 1", "", True, None, 3, 3, "m.lexer"
    )
    module = Module("m", None, False, "google", "", True, (lex, lexer))
    page, _ = module_page(module, Index.of([module]), lambda *_: None)
    assert "Use `lexer` and [`m.lexer`](#m.lexer)." in page.markdown


def test_sphinx_roles_and_short_references_read_well() -> None:
    from docgen.api.pages import _prose

    text = "See :doc:`/concepts`, :ref:`the intro <intro>`, :pep:`8` and :envvar:`HOME`."
    assert _prose(text, "restructuredtext") == "See concepts, the intro, PEP 8 and `HOME`."
    assert _prose(text, "markdown") == text
    signer = Member(
        "Signer", "Signer", "m.Signer", "class", "class Signer:", "", True, None, 1, 1, "m.Signer"
    )
    index = Index.of([Module("m", None, False, "restructuredtext", "", True, (signer,))])
    assert index.link_code("A `~m.Signer`, `~x.Y` and `m.Signer()`.", "api/m.md", ["m"]) == (
        "A [`Signer`](#m.Signer), `Y` and [`m.Signer()`](#m.Signer)."
    )


@pytest.mark.parametrize("docformat", ["google", "numpy", "restructuredtext", "markdown"])
def test_doctest_sessions_are_code_not_quotes(docformat: str) -> None:
    import pdoc.docstrings
    from lxml import html

    docstring = (
        "Add.\n\n>>> add(1, 2)\n3\n>>> add(\n...     2, 3)\n5\n\nMore, with >>> inline.\n\n"
        ".. note::\n\n   >>> x = 1\n"
    )
    converted = pdoc.docstrings.convert(docstring, docformat, None)
    root = html.fromstring(
        to_html(_prose(converted, docformat), extensions=["pymdownx.superfences", "admonition"])
    )
    assert not root.xpath("//blockquote")
    sessions = [c.text_content() for c in root.xpath("//pre/code")]
    assert sessions[0] == ">>> add(1, 2)\n3\n>>> add(\n...     2, 3)\n5\n"
    assert "More, with >>> inline." in root.text_content()
    if docformat != "markdown":  # reST's note: the session inside it is code too
        assert sessions[1] == ">>> x = 1\n"


@pytest.mark.parametrize(
    ("markdown", "closed", "found"),
    [
        ("a\n\n```", "a\n\n```\n```", [("a code fence", "```", 1)]),
        (
            "```\nx\n```\n\n~~~~py\ny",
            "```\nx\n```\n\n~~~~py\ny\n~~~~",
            [("a code fence", "~~~~py", 1)],
        ),
        # In a list item the closing fence is indented like the opening one.
        (
            "- i\n\n  ```\n  x\n\nafter",
            "- i\n\n  ```\n  x\n\n  ```\nafter",
            [("a code fence", "```", 1)],
        ),
        ("<!-- note\nmore", "&lt;!-- note\nmore", [("an HTML comment", "<!--", 1)]),
        ("<!-- closed -->\n", "<!-- closed -->\n", []),
        ("<?php echo", "&lt;?php echo", [("an HTML processing instruction", "<?", 1)]),
        ("<![CDATA[ x", "&lt;![CDATA[ x", [("an HTML CDATA section", "<![CDATA[", 1)]),
        ("<!DOCTYPE html>", "<!DOCTYPE html>", []),
        ("<script>x", "&lt;script>x", [("an HTML <script> element", "<script", 1)]),
        ("<style>x</style>", "<style>x</style>", []),
        ("<div>\nx", "<div>\nx", []),  # ends at a blank line: it cannot reach the page
        (
            "<b>a</b> <b>b <i>c</i>\nd <br> <span/> e</i>",
            "<b>a</b> &lt;b>b <i>c</i>\nd <br> <span/> e</i>",
            [("an HTML <b> element", "<b>", 1)],
        ),
        ("`<b>` is <b>bold", "`<b>` is &lt;b>bold", [("an HTML <b> element", "<b>", 1)]),
        (
            "x <b>one\n\n<b>two",
            "x &lt;b>one\n\n&lt;b>two",
            [("an HTML <b> element", "<b>", 1), ("an HTML <b> element", "<b>", 2)],
        ),
    ],
)
def test_a_docstring_closes_what_it_opens(
    markdown: str, closed: str, found: list[tuple[str, str, int]]
) -> None:
    from docgen.api.pages import _close

    assert _close(markdown) == (closed, found)


def test_escape_nth_leaves_lines_without_the_text() -> None:
    from docgen.api.pages import _escape_nth

    lines = ["a <b>", "no tag"]
    assert _escape_nth(lines, 1, 2, "<b>", 1) == 1
    assert lines == ["a <b>", "no tag"]


def test_an_unclosed_fence_falls_back_to_the_members_line(tmp_path: Path) -> None:
    from docgen.api import _unclosed
    from docgen.api.pages import Unclosed

    write(tmp_path, {"m.py": 'def f():\n    """Text."""\n'})
    config = config_for(tmp_path)
    moved = _unclosed(config, Unclosed("m.f", "m.py", 1, "a code fence", "~~~", 1))
    assert (str(moved.location), moved.code) == ("m.py:1", "DG612")
    assert moved.hint is not None
    assert moved.hint.startswith("close it in the docstring: ~~~ on a line of its own")
    gone = _unclosed(config, Unclosed("m.g", "gone.py", 3, "an HTML comment", "<!--", 1))
    assert str(gone.location) == "gone.py:3"
    assert gone.hint is not None
    assert "write it as `code`" in gone.hint
    nowhere = _unclosed(config, Unclosed("m.h", None, None, "a code fence", "```", 1))
    assert nowhere.location is None


def test_a_docstring_with_nothing_to_close_is_kept_as_it_is() -> None:
    from docgen.api.pages import _close

    text = "Plain *text*,\n\n- a list\n\n    indented code\n"
    assert _close(text) == (text, [])


def test_links_written_for_mkdocstrings_pages_link_to_the_symbol() -> None:
    index = Index(
        {
            "pkg.mod.Name": Target("api/pkg.mod.md", "pkg.mod.Name", "class"),
            "pkg.x": Target("api/pkg.x.md", "pkg.x", "module"),
        }
    )
    text = (
        "See [it](reference.md#pkg.mod.Name), [`x`](#pkg.x) and [u](../u.md#pkg.mod.Other);\n"
        "`[c](a.md#pkg.mod.Name)` [w](https://e.org/a.md#pkg.mod.Name) [p](a.md#plain)\n"
        "```\n[it](reference.md#pkg.mod.Name)\n```"
    )
    assert index.retarget(text, "api/pkg.x.md") == (
        "See [it](pkg.mod.md#pkg.mod.Name), [`x`](#pkg.x) and [u](../u.md#pkg.mod.Other);\n"
        "`[c](a.md#pkg.mod.Name)` [w](https://e.org/a.md#pkg.mod.Name) [p](a.md#plain)\n"
        "```\n[it](reference.md#pkg.mod.Name)\n```"
    )
    assert index.retarget("no anchors", "api/pkg.x.md") == "no anchors"


def test_links_written_for_the_page_that_includes_the_object_are_rebased() -> None:
    pages = {"config.md", "plugins/env/reference.md", "api/pkg.md"}
    text = (
        "[a](../../config.md#x) [`b`](reference.md) [c](../../nowhere.md) [d](#here)\n"
        "`[e](../../config.md)` [f](https://e.org/x.md) [g](../../api/pkg.md)\n"
        "```\n[h](../../config.md)\n```\nno links here"
    )
    assert Index.rebase(text, "plugins/env/reference.md", "api/pkg.md", pages) == (
        "[a](../config.md#x) [`b`](../plugins/env/reference.md) [c](../../nowhere.md) [d](#here)\n"
        "`[e](../../config.md)` [f](https://e.org/x.md) [g](../../api/pkg.md)\n"
        "```\n[h](../../config.md)\n```\nno links here"
    )
    assert Index.rebase("plain", "a.md", "api/pkg.md", pages) == "plain"
