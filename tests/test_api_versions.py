"""API changes between versions: the model each version ships, the diff of two models, the
"API changes" page and the "Added in / Changed in" lines, and `docgen api-diff`.

Real git repositories and real packages in temp dirs: `mypkg` 1.0.0 has `f`, `g` and
`h(a)`; 1.1.0 adds `new_func`, removes `g`, changes `h(a)` to `h(a, b=1)` and deprecates
`f` (a `deprecated` decorator). Pure functions are tested on hand-made models.

Goldens: `DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_api_versions.py` rewrites
tests/golden/api_versions/.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from test_deploy_helpers import IDENTITY, git

from docgen import api, deploy
from docgen.api import history
from docgen.api.changes import changes_page, note_markdown
from docgen.api.diff import Diff, diff, signature, text
from docgen.api.history import History, Note, Published
from docgen.api.model import Parameter
from docgen.api.snapshot import ASSET, Deprecation, Entry, Snapshot, dumps, loads
from docgen.api.xref import Index, Target
from docgen.cli import main
from docgen.config import ApiConfig, DeployConfig, DocgenConfig
from docgen.deploy.git import Commit, Git
from docgen.deploy.versions import Version
from docgen.model import StageResult

GOLDEN = Path(__file__).parent / "golden" / "api_versions"


def _golden(name: str, markdown: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("DOCGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(markdown, encoding="utf-8")
    assert markdown == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is intended: DOCGEN_UPDATE_GOLDEN=1 pytest {__file__}"
    )


# -- hand-made models ----------------------------------------------------------------------


def _p(name: str, default: str | None = None, annotation: str | None = None) -> Parameter:
    return Parameter(name, "positional-or-keyword", default, annotation)


def _fn(name: str, *params: Parameter, returns: str | None = None, **more: object) -> Entry:
    return Entry(name, "function", tuple(params), returns, **more)  # type: ignore[arg-type]


def _model(version: str | None, *entries: Entry) -> Snapshot:
    found = {"pkg": Entry("pkg", "module"), **{e.name: e for e in entries}}
    return Snapshot(version, dict(sorted(found.items())), "0.1.0")


OLD = _model("1.0.0", _fn("pkg.f", _p("x")), _fn("pkg.g"), _fn("pkg.h", _p("a")))
NEW = _model(
    "1.1.0",
    _fn("pkg.f", _p("x"), deprecated=Deprecation("", "use new_func")),
    _fn("pkg.h", _p("a"), _p("b", "1")),
    _fn("pkg.new_func", _p("y", annotation="int"), returns="str"),
)


def test_the_diff_lists_added_removed_changed_and_deprecated() -> None:
    found = diff(OLD, NEW)
    assert found.to_json() == {
        "old": "1.0.0",
        "new": "1.1.0",
        "added": [
            {"name": "pkg.new_func", "kind": "function", "signature": "pkg.new_func(y: int) -> str"}
        ],
        "removed": [{"name": "pkg.g", "kind": "function", "signature": "pkg.g()"}],
        "changed": [
            {
                "name": "pkg.h",
                "kind": "function",
                "changes": [{"what": "parameter added", "detail": "b=1"}],
                "old": "pkg.h(a)",
                "new": "pkg.h(a, b=1)",
            }
        ],
        "deprecated": [
            {
                "name": "pkg.f",
                "kind": "function",
                "signature": "pkg.f(x)",
                "message": "use new_func",
            }
        ],
    }
    assert not found.empty


def test_the_text_form_reads_as_a_list() -> None:
    assert text(diff(OLD, NEW, "v1", "v2")) == textwrap.dedent(
        """\
        API changes from v1 to v2:

        Added (1):
          + pkg.new_func(y: int) -> str

        Removed (1):
          - pkg.g()

        Changed (1):
          ~ pkg.h(a, b=1)
              parameter added: b=1

        Deprecated (1):
          ! pkg.f (use new_func)
        """
    )
    same = diff(OLD, OLD)
    assert same.empty
    assert text(same) == "No API changes from 1.0.0 to 1.0.0.\n"


@pytest.mark.parametrize(
    ("old", "new", "changes"),
    [
        (_fn("pkg.h", _p("a"), _p("b")), _fn("pkg.h", _p("a")), [("parameter removed", "b")]),
        (
            _fn("pkg.h", _p("a", "1")),
            _fn("pkg.h", _p("a", "2")),
            [("default changed", "a: 1 → 2")],
        ),
        (
            _fn("pkg.h", _p("a")),
            _fn("pkg.h", _p("a", "None")),
            [("default changed", "a: (none) → None")],
        ),
        (
            _fn("pkg.h", _p("a", annotation="int")),
            _fn("pkg.h", _p("a", annotation="str")),
            [("parameter type changed", "a: int → str")],
        ),
        (
            _fn("pkg.h", _p("a")),
            _fn("pkg.h", Parameter("a", "keyword-only")),
            [("parameter kind changed", "a: positional-or-keyword → keyword-only")],
        ),
        (
            _fn("pkg.h", _p("a"), _p("b")),
            _fn("pkg.h", _p("b"), _p("a")),
            [("parameters reordered", "(a, b) → (b, a)")],
        ),
        (
            _fn("pkg.h", returns="int"),
            _fn("pkg.h", returns="int | None"),
            [("return type changed", "int → int | None")],
        ),
        (_fn("pkg.h"), _fn("pkg.h", returns="int"), [("return type changed", "(none) → int")]),
        (
            Entry("pkg.h", "variable", returns="int"),
            Entry("pkg.h", "variable", returns="str"),
            [("type changed", "int → str")],
        ),
        (_fn("pkg.h", _p("a")), Entry("pkg.h", "class"), [("kind changed", "function → class")]),
        # Only a signature counts: a new docstring directive is no change.
        (_fn("pkg.h"), _fn("pkg.h", added="1.0"), []),
    ],
)
def test_each_kind_of_signature_change(
    old: Entry, new: Entry, changes: list[tuple[str, str]]
) -> None:
    found = diff(_model("1", old), _model("2", new))
    listed = [(c.what, c.detail) for item in found.changed for c in item.changes]
    assert listed == changes


def test_a_new_class_is_listed_once_not_with_each_method() -> None:
    old = _model("1")
    new = _model(
        "2",
        Entry("pkg.C", "class"),
        Entry("pkg.C.run", "method"),
        Entry("pkg.sub", "module"),
        _fn("pkg.sub.f"),
    )
    assert [a.name for a in diff(old, new).added] == ["pkg.C", "pkg.sub"]
    assert [r.name for r in diff(new, old).removed] == ["pkg.C", "pkg.sub"]


def test_a_deprecation_is_listed_once_when_new() -> None:
    dep = Deprecation("1.0", "use g")
    old = _model("1", _fn("pkg.f", deprecated=dep))
    new = _model("2", _fn("pkg.f", deprecated=dep))
    assert diff(old, new).deprecated == ()
    found = diff(_model("1", _fn("pkg.f")), new)
    assert [(d.name, d.message) for d in found.deprecated] == [("pkg.f", "since 1.0: use g")]


def test_signatures_show_kinds_of_parameters() -> None:
    params = (
        Parameter("a", "positional-only"),
        Parameter("b", "positional-or-keyword", "1", "int"),
        Parameter("args", "var-positional"),
        Parameter("c", "keyword-only", "None"),
        Parameter("kw", "var-keyword", annotation="str"),
    )
    entry = Entry("pkg.f", "function", params, "None")
    assert signature(entry) == "pkg.f(a, /, b: int = 1, *args, c=None, **kw: str) -> None"
    bare = Entry("pkg.g", "method", (Parameter("x", "keyword-only"),))
    assert signature(bare) == "pkg.g(*, x)"
    assert signature(Entry("pkg.C", "class")) == "class pkg.C"
    assert signature(Entry("pkg.X", "variable", returns="int")) == "pkg.X: int"


# -- the stored model ----------------------------------------------------------------------


def test_the_model_reads_back_as_written() -> None:
    written = dumps(NEW)
    assert written.endswith("}\n")
    assert "\n" not in written[:-1]  # one line, keys sorted
    data = json.loads(written)
    assert list(data) == sorted(data)
    assert data["format"] == 1
    assert data["members"]["pkg.new_func"] == {
        "kind": "function",
        "params": [{"annotation": "int", "name": "y"}],  # the usual kind is unsaid
        "returns": "str",
    }
    assert loads(written) == NEW


@pytest.mark.parametrize(
    ("text_", "says"),
    [
        ("{not json", "Expecting property name"),
        ("[]", "not a JSON object"),
        ('{"members": {}}', "no format number"),
        ('{"format": 99, "members": {}}', "written by a newer docgen"),
        ('{"format": 1, "members": []}', "members are not an object"),
        ('{"format": 1, "members": {"a": {"kind": "lambda"}}}', "unknown kind"),
        ('{"format": 1, "members": {"a": {"kind": "function", "params": {}}}}', "not a list"),
        (
            '{"format": 1, "members": {"a": {"kind": "function", "params": [{"name": 1}]}}}',
            "not a string",
        ),
        (
            '{"format": 1, "members": {"a": {"kind": "function", "deprecated": "yes"}}}',
            "not an object",
        ),
        (
            '{"format": 1, "members": {"a": {"kind": "function", "changed": [1]}}}',
            "not a list of text",
        ),
    ],
)
def test_a_broken_model_says_why(text_: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        loads(text_)


# -- history: added in, changed in ---------------------------------------------------------


def _history(*models: Snapshot | None, unreleased: bool = False) -> History:
    older = tuple(Published(m.version or "" if m else f"0.{i}", m) for i, m in enumerate(models))
    return History(older, unreleased)


def test_added_in_and_changed_in_come_from_the_deployed_versions() -> None:
    v1 = _model("1.0", _fn("pkg.f", _p("x")), _fn("pkg.h", _p("a")))
    v2 = _model("1.1", _fn("pkg.f", _p("x")), _fn("pkg.h", _p("a"), _p("b", "1")), _fn("pkg.n"))
    v3 = _model(
        "1.2",
        _fn("pkg.f", _p("x")),
        _fn("pkg.h", _p("a"), _p("b", "1")),
        _fn("pkg.n", _p("z")),
        _fn("pkg.newest"),
    )
    notes = history.notes(_history(v1, v2), v3)
    assert notes == {
        "pkg.h": Note(None, "1.1", None, "1.1"),
        "pkg.n": Note("1.1", "1.2", None, "1.1"),
        "pkg.newest": Note("1.2", None, None, "1.1"),
    }
    # Unreleased: "after" the newest deployed version.
    notes = history.notes(_history(v1, v2, unreleased=True), replace(v3, version=None))
    assert notes["pkg.newest"] == Note("", None, None, "1.1")
    assert note_markdown(notes["pkg.newest"]) == "*Added after 1.1*"
    assert note_markdown(notes["pkg.n"]) == "*Added in 1.1 · Changed after 1.1*"


def test_removed_then_added_again_counts_from_its_return() -> None:
    v1 = _model("1", _fn("pkg.f"))
    v2 = _model("2")
    v3 = _model("3", _fn("pkg.f"))
    assert history.notes(_history(v1, v2), v3)["pkg.f"].added == "3"


def test_docstring_directives_win_and_nothing_to_say_says_nothing() -> None:
    current = _model(
        "2",
        _fn("pkg.f", added="0.9", changed=("1.5", "1.8")),
        _fn("pkg.g", deprecated=Deprecation("1.9", "use f")),
        _fn("pkg.quiet"),
    )
    notes = history.notes(_history(_model("1", _fn("pkg.quiet"))), current)
    assert notes["pkg.f"] == Note("0.9", "1.8", None, "1")
    assert "pkg.quiet" not in notes
    assert note_markdown(notes["pkg.g"]) == textwrap.dedent(
        """\
        *Added in 2*

        !!! warning "Deprecated since 1.9"

            use f"""
    )
    # No deployed version: only the docstrings speak.
    assert set(history.notes(History(), current)) == {"pkg.f", "pkg.g"}


def test_a_version_without_a_model_breaks_the_chain() -> None:
    v3 = _model("3", _fn("pkg.f"))
    notes = history.notes(_history(_model("1"), None), v3)
    assert "pkg.f" not in notes  # what came before the gap is unknown


def test_hidden_versions_are_mikes_hidden_property() -> None:
    assert history.hidden(Version("1.0", "1.0", (), {"hidden": True}))
    assert not history.hidden(Version("1.0", "1.0", (), {"other": 1}))
    assert not history.hidden(Version("1.0", "1.0"))


def test_the_changes_page_links_what_still_has_a_heading() -> None:
    index = Index({"pkg.h": Target("api/pkg.md", "pkg.h", "function")})
    page = changes_page(diff(OLD, NEW), index)
    assert page.path == "api/changes.md"
    assert page.nav == ("API reference",)
    assert page.title == "API changes"
    assert page.markdown.startswith(
        "# API changes in 1.1.0\n\nWhat changed in the API since 1.0.0."
    )
    assert "- [`pkg.h`](pkg.md#pkg.h) (function)\n    - parameter added: `b=1`" in page.markdown
    assert "## Removed\n\n- `pkg.g` (function)" in page.markdown
    assert "- `pkg.f` (function): use new_func" in page.markdown
    empty = changes_page(Diff("1", "2"), index, unreleased=True)
    assert empty.markdown.startswith("# Unreleased API changes")
    assert "No name was added or removed" in empty.markdown


# -- real packages, real git ---------------------------------------------------------------

V1 = '''\
"""My package."""


def f(x):
    """Do f."""


def g():
    """Do g."""


def h(a):
    """Do h."""
'''

V2 = '''\
"""My package."""

from typing_extensions import deprecated


@deprecated("use new_func")
def f(x):
    """Do f."""


def h(a, b=1):
    """Do h.

    .. versionchanged:: 1.1.0
       `b` was added.
    """


def new_func(y: int) -> str:
    """Do the new thing."""


def old_style():
    """Still here.

    Deprecated:
        Use new_func.
    """
'''

MKDOCS = """\
site_name: mypkg
theme: {name: material}
plugins:
  - docgen:
      api: {packages: [mypkg], timeout: 30}
      pipelines: false
      diagrams: false
      examples: false
      links: {external: false}  # the changes page links to anchors of the API pages
      lint: false
markdown_extensions: [admonition, attr_list, {toc: {permalink: true}}]
"""


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


def _release(work: Path, source: str, tag: str) -> None:
    (work / "mypkg").mkdir(exist_ok=True)
    (work / "mypkg" / "__init__.py").write_text(source, encoding="utf-8")
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", f"release {tag}")
    git(work, "tag", tag)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A repository with mypkg tagged v1.0.0 and v1.1.0; the work tree holds 1.1.0."""
    root = tmp_path / "work"
    root.mkdir()
    git(root, "init", "--quiet", "-b", "main")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    _release(root, V1, "v1.0.0")
    _release(root, V2, "v1.1.0")
    return root


def _config(root: Path, version: str | None) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=Path(".cache"),
        api=ApiConfig(packages=("mypkg",), timeout=30.0),
        deploy=DeployConfig(),
        version=version,
    )


def _generate(work: Path, version: str | None, source: str | None = None) -> StageResult:
    if source is not None:
        (work / "mypkg" / "__init__.py").write_text(source, encoding="utf-8")
    return api.generate(_config(work, version))


def _publish(work: Path, tmp: Path, version: str, model: bytes | None) -> None:
    """Publish a small site as `version`; with `model` as its `_docgen/api.json`."""
    site = tmp / f"site-{version}"
    site.mkdir()
    (site / "index.html").write_text(f"<p>{version}</p>\n", encoding="utf-8")
    if model is not None:
        (site / "_docgen").mkdir()
        (site / ASSET).write_bytes(model)
    outcome = deploy.publish(site, version, repo=work, fetch=False)
    assert outcome.ok, outcome.diagnostics


def _asset(result: StageResult) -> bytes:
    found = next(a for a in result.assets if a.dest == ASSET)
    return found.source.read_bytes()


def _page(result: StageResult, path: str) -> str:
    return next(p.markdown for p in result.pages if p.path == path)


def _codes(result: StageResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_the_stage_ships_the_model_and_writes_the_changes_page(work: Path, tmp_path: Path) -> None:
    first = _generate(work, "1.0.0", V1)
    model = loads(_asset(first))
    assert model.version == "1.0.0"
    assert set(model.entries) == {"mypkg", "mypkg.f", "mypkg.g", "mypkg.h"}
    assert "api/changes.md" not in {p.path for p in first.pages}  # no branch: no page
    assert _codes(first) == []
    _publish(work, tmp_path, "1.0.0", _asset(first))

    second = _generate(work, "1.1.0", V2)
    shipped = loads(_asset(second))
    assert shipped.entries["mypkg.h"].params[1] == Parameter("b", "positional-or-keyword", "1")
    assert shipped.entries["mypkg.new_func"].returns == "str"
    assert shipped.entries["mypkg.f"].deprecated == Deprecation("", "use new_func")
    assert shipped.entries["mypkg.old_style"].deprecated == Deprecation("", "Use new_func.")
    assert shipped.entries["mypkg.h"].changed == ("1.1.0",)
    changes = _page(second, "api/changes.md")
    assert changes.startswith("# API changes in 1.1.0\n")
    assert "[`mypkg.new_func`](mypkg.md#mypkg.new_func) (function)" in changes
    assert "## Removed\n\n- `mypkg.g` (function)" in changes
    assert "- [`mypkg.h`](mypkg.md#mypkg.h) (function)\n    - parameter added: `b=1`" in changes
    assert "[`mypkg.f`](mypkg.md#mypkg.f) (function): use new_func" in changes
    assert second.summary["compared_with"] == "1.0.0"
    _golden("changes.md", changes)
    page = _page(second, "api/mypkg.md")
    _golden("mypkg.md", page)
    assert "## `new_func` { #mypkg.new\\_func }\n\n*Added in 1.1.0*\n" in page
    assert "## `h` { #mypkg.h }\n\n*Changed in 1.1.0*\n" in page
    assert '## `f` { #mypkg.f }\n\n!!! warning "Deprecated"\n\n    use new_func\n' in page

    # A build that is no deploy: the changes since the newest deployed version.
    unreleased = _generate(work, None)
    assert _page(unreleased, "api/changes.md").startswith("# Unreleased API changes\n")
    assert "*Added after 1.0.0*" in _page(unreleased, "api/mypkg.md")


def test_an_older_version_rebuilt_compares_with_its_own_predecessor(
    work: Path, tmp_path: Path
) -> None:
    _publish(work, tmp_path, "1.0.0", _asset(_generate(work, "1.0.0", V1)))
    _publish(work, tmp_path, "1.1.0", _asset(_generate(work, "1.1.0", V2)))
    again = _generate(work, "1.0.0", V1)  # a rebuild of 1.0.0 knows nothing of 1.1.0
    assert "api/changes.md" not in {p.path for p in again.pages}
    assert _codes(again) == []
    assert "Added in" not in _page(again, "api/mypkg.md")


def test_a_corrupt_model_on_the_branch_is_one_warning_and_no_page(
    work: Path, tmp_path: Path
) -> None:
    _publish(work, tmp_path, "1.0.0", b"{not json")
    result = _generate(work, "1.1.0")
    assert _codes(result) == ["DG614"]
    (found,) = result.diagnostics
    assert "version 1.0.0" in found.message
    assert "gh-pages:1.0.0/_docgen/api.json" in found.message
    assert "api/changes.md" not in {p.path for p in result.pages}


def test_a_previous_version_without_a_model_is_a_note(work: Path, tmp_path: Path) -> None:
    _publish(work, tmp_path, "1.0.0", None)
    result = _generate(work, "1.1.0")
    assert _codes(result) == ["DG615"]
    assert "api/changes.md" not in {p.path for p in result.pages}


def test_hidden_versions_are_not_compared_with(work: Path, tmp_path: Path) -> None:
    _publish(work, tmp_path, "1.0.0", _asset(_generate(work, "1.0.0", V1)))
    _publish(work, tmp_path, "1.0.5", _asset(_generate(work, "1.0.5", V2)))
    # Hide 1.0.5 as mike does, in versions.json's `properties`.
    repo = Git(work)
    listed = json.loads(git(work, "show", "gh-pages:versions.json"))
    for entry in listed:
        if entry["version"] == "1.0.5":
            entry["properties"] = {"hidden": True}
    data = json.dumps(listed).encode()
    with Commit(repo, "hide 1.0.5", repo.rev("refs/heads/gh-pages")) as commit:
        commit.put("versions.json", commit.blob(data, b"versions"))
        new = commit.finish()
    assert repo.update_ref("refs/heads/gh-pages", new, repo.rev("refs/heads/gh-pages"))
    result = _generate(work, "1.1.0", V2)
    assert result.summary["compared_with"] == "1.0.0"


def test_the_cache_is_keyed_by_the_branch_commit(work: Path, tmp_path: Path) -> None:
    _publish(work, tmp_path, "1.0.0", _asset(_generate(work, "1.0.0", V1)))
    config = _config(work, "1.1.0")
    folder = tmp_path / "cache"
    first = history.read(config, folder)
    cached = json.loads((folder / "history.json").read_text(encoding="utf-8"))
    assert cached["commit"] == git(work, "rev-parse", "gh-pages")
    assert history.read(config, folder) == first
    _publish(work, tmp_path, "1.0.1", None)  # the branch moves: read again
    assert [p.name for p in history.read(config, folder).older] == ["1.0.0", "1.0.1"]


def test_no_repository_no_branch_no_finding(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "mypkg").mkdir(parents=True)
    (root / "mypkg" / "__init__.py").write_text(V1, encoding="utf-8")
    result = api.generate(_config(root, "1.0.0"))
    assert _codes(result) == []
    assert result.summary["compared_with"] is None


def test_a_broken_versions_json_is_one_warning(work: Path, tmp_path: Path) -> None:
    _publish(work, tmp_path, "1.0.0", None)
    repo = Git(work)
    with Commit(repo, "break", repo.rev("refs/heads/gh-pages")) as commit:
        commit.put("versions.json", commit.blob(b"{}", b"broken"))
        new = commit.finish()
    assert repo.update_ref("refs/heads/gh-pages", new, repo.rev("refs/heads/gh-pages"))
    result = _generate(work, "1.1.0")
    assert _codes(result) == ["DG618"]


# -- docgen api-diff -----------------------------------------------------------------------


def _api_diff(work: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["api-diff", *args, "-f", str(work / "mkdocs.yml")])
    out, err = capsys.readouterr()
    return code, out, err


EXPECTED = {
    "old": "v1.0.0",
    "new": "v1.1.0",
    "added": [
        {
            "name": "mypkg.new_func",
            "kind": "function",
            "signature": "mypkg.new_func(y: int) -> str",
        },
        {"name": "mypkg.old_style", "kind": "function", "signature": "mypkg.old_style()"},
    ],
    "removed": [{"name": "mypkg.g", "kind": "function", "signature": "mypkg.g()"}],
    "changed": [
        {
            "name": "mypkg.h",
            "kind": "function",
            "changes": [{"what": "parameter added", "detail": "b=1"}],
            "old": "mypkg.h(a)",
            "new": "mypkg.h(a, b=1)",
        }
    ],
    "deprecated": [
        {
            "name": "mypkg.f",
            "kind": "function",
            "signature": "mypkg.f(x)",
            "message": "use new_func",
        }
    ],
}


def test_api_diff_of_two_tags(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _api_diff(work, capsys, "v1.0.0", "v1.1.0", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == EXPECTED
    code, out, _ = _api_diff(work, capsys, "v1.0.0", "v1.1.0")
    assert code == 0
    assert out.startswith("API changes from v1.0.0 to v1.1.0:\n\nAdded (2):\n")
    assert "  ~ mypkg.h(a, b=1)\n      parameter added: b=1\n" in out
    assert _api_diff(work, capsys, "v1.0.0", "v1.1.0", "--exit-code")[0] == 1
    same = _api_diff(work, capsys, "v1.1.0", "HEAD", "--exit-code")
    assert same[:2] == (0, "No API changes from v1.1.0 to HEAD.\n")


def test_api_diff_with_the_api_stage_off_compares_the_packages_it_finds(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # griffe's site documents its API with mkdocstrings: `api: false`, no packages named.
    mkdocs = MKDOCS.replace("api: {packages: [mypkg], timeout: 30}", "api: false")
    (work / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    code, out, err = _api_diff(work, capsys, "v1.0.0", "v1.1.0", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == EXPECTED


def test_api_diff_of_a_deployed_version_and_a_tag(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _publish(work, tmp_path, "1.0.0", _asset(_generate(work, "1.0.0", V1)))
    (work / "mypkg" / "__init__.py").write_text(V2, encoding="utf-8")
    code, out, err = _api_diff(work, capsys, "1.0.0", "v1.1.0", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {**EXPECTED, "old": "1.0.0"}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("v1.0.0", "v9.9"), "DG616"),
        (("no-such-version", "v1.1.0"), "DG616"),
    ],
)
def test_api_diff_of_an_unknown_ref_is_one_error(
    work: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, str], code: str
) -> None:
    status, out, err = _api_diff(work, capsys, *args)
    assert status == 2
    assert out == ""
    assert err.count("error[") == 1
    assert f"error[{code}]" in err
    assert "neither a version deployed on branch gh-pages nor a git ref" in err


def test_api_diff_of_a_version_without_a_model_or_a_ref_without_the_package(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _publish(work, tmp_path, "0.9", None)
    status, _, err = _api_diff(work, capsys, "0.9", "v1.1.0")
    assert status == 2
    assert "error[DG617]" in err
    assert "has no API model" in err
    shutil.rmtree(work / "mypkg")
    git(work, "commit", "--quiet", "-am", "drop the package")
    status, _, err = _api_diff(work, capsys, "v1.0.0", "HEAD")
    assert status == 2
    assert "error[DG617]" in err
    assert "cannot be documented" in err


# -- end to end: two deploys ---------------------------------------------------------------


@pytest.mark.slow
def test_two_deploys_ship_their_models_and_the_second_its_changes(work: Path) -> None:
    git(work, "checkout", "--quiet", "v1.0.0")
    first = deploy.deploy(work / "mkdocs.yml", "1.0.0", strict=True, offline=True)
    assert first.ok, first.diagnostics
    git(work, "checkout", "--quiet", "main")
    second = deploy.deploy(work / "mkdocs.yml", "1.1.0", strict=True, offline=True)
    assert second.ok, second.diagnostics
    assert loads(git(work, "show", f"gh-pages:1.0.0/{ASSET}")).version == "1.0.0"
    assert loads(git(work, "show", f"gh-pages:1.1.0/{ASSET}")).version == "1.1.0"
    changes = git(work, "show", "gh-pages:1.1.0/api/changes/index.html")
    assert "API changes in 1.1.0" in changes
    assert 'href="../mypkg/#mypkg.new_func"' in changes
    assert "parameter added" in changes
    page = git(work, "show", "gh-pages:1.1.0/api/mypkg/index.html")
    assert "Added in 1.1.0" in page
    assert "Changed in 1.1.0" in page
    assert 'class="admonition warning"' in page
    # The first version has no page of changes: there was nothing before it.
    assert "1.0.0/api/changes/index.html" not in git(
        work, "ls-tree", "-r", "--name-only", "gh-pages"
    )


def test_reading_the_branch_skips_missing_files_and_folders(work: Path, tmp_path: Path) -> None:
    _publish(work, tmp_path, "1.0.0", b"{}")
    repo = Git(work)
    commit = git(work, "rev-parse", "gh-pages")
    found = history.read_files(repo, commit, ["nothing", "1.0.0/_docgen", f"1.0.0/{ASSET}"])
    assert found == {"nothing": None, "1.0.0/_docgen": None, f"1.0.0/{ASSET}": b"{}"}
    assert history.read_files(repo, commit, []) == {}


@pytest.mark.parametrize(
    ("docstring", "found"),
    [
        ("Do.\n\n.. versionadded:: 1.1\n", [["versionadded", "1.1", ""]]),
        (".. versionchanged:: 1.2: `b` added.", [["versionchanged", "1.2", "`b` added."]]),
        ("    .. deprecated:: 2.0 Use g.", [["deprecated", "2.0", "Use g."]]),
        ("Do.\n\nDeprecated:\n    Use g instead.\n", [["deprecated", "", "Use g instead."]]),
        ("Deprecated: use g.", [["deprecated", "", "use g."]]),
        ("Nothing to say about versions.", []),
    ],
)
def test_version_directives_are_read_from_the_raw_docstring(
    docstring: str, found: list[list[str]]
) -> None:
    from docgen.api.extract import _directives

    assert _directives(docstring) == found


def test_only_the_decorated_class_is_deprecated() -> None:
    from typing_extensions import deprecated

    from docgen.api.extract import _deprecated

    @deprecated("use New")
    class Old:
        pass

    with pytest.warns(DeprecationWarning, match="use New"):  # subclassing warns

        class Child(Old):
            pass

    @deprecated("use g")
    def f() -> None:
        pass

    assert _deprecated(Old) == "use New"
    assert _deprecated(Child) is None
    assert _deprecated(f) == "use g"
    assert _deprecated(len) is None
