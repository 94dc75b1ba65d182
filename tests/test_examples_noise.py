"""What real documentation holds that is not a mistake: elisions, placeholders, includes,
fragments, modules not installed, markdown-exec's blocks; and the mistakes that stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import DocgenConfig, ExamplesConfig, MarkdownSetup
from docgen.diagnostics import Severity
from docgen.examples import check, without_elisions
from docgen.model import Document, StageResult


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    return tmp_path


def _config(root: Path, markdown: MarkdownSetup | None = None, **examples: object) -> DocgenConfig:
    settings = {"timeout": 5.0, "cache": False, **examples}
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        examples=ExamplesConfig(**settings),  # type: ignore[arg-type]
        markdown=markdown or MarkdownSetup(),
    )


def _check(root: Path, pages: dict[str, str], **options: object) -> StageResult:
    documents = []
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
        documents.append(Document(name, text, f"docs/{name}"))
    return check(_config(root, **options), documents)  # type: ignore[arg-type]


def _found(result: StageResult) -> list[tuple[str, Severity, int | None, str]]:
    return [
        (d.code, d.severity, d.location.line if d.location else None, d.message.split("\n")[0])
        for d in result.diagnostics
    ]


DATA = """\
```toml
[project]
...
dependencies = ["click"]
```
```json
{
  "members": [
    ...
  ],
  "a": 1,
  ...
}
```
```yaml
jobs:
  build:
    env:
      X: 1
    # ...
```
```json
{"heroes": [
    ...with infinite data here...
]}
```
```toml
[tool.hatch.build.targets.<TARGET_NAME>]
url = "https://<DOMAIN>.example.org"
```
```toml
[tool.hatch]
key = <VALUE>
```
```toml
[tool.hatch]
a = {"location": 1}
```
```json
{
  "a": 1,
}
```
```yaml
steps:
  - uses: x
    with:
    key: value
      other: 1
```
"""


def test_data_blocks_with_elisions_parse_and_real_errors_stay(project: Path) -> None:
    result = _check(project, {"data.md": DATA})
    assert _found(result) == [
        (
            "DG511",
            Severity.INFO,
            31,
            "toml example not parsed: it has a placeholder (<VALUE>) for the reader to fill in",
        ),
        (
            "DG507",
            Severity.ERROR,
            37,
            "toml example does not parse: Expected '=' after a key "
            "in a key/value pair (at line 2, column 16)",
        ),
        (
            "DG507",
            Severity.ERROR,
            42,
            "json example does not parse: Expecting property name enclosed in double quotes",
        ),
        (
            "DG507",
            Severity.ERROR,
            49,
            "yaml example does not parse: mapping values are not allowed here",
        ),
    ]
    assert (result.summary["passed"], result.summary["skipped"]) == (5, 1)


def test_data_elisions_keep_line_numbers() -> None:

    assert without_elisions("...\na = 1\n# ...") == "\na = 1\n"
    assert without_elisions('{"a": 1,\n  ...\n}') == '{"a": 1\n\n}'
    assert without_elisions('{"a": 1,\n  ...\n  "b": 2}') == '{"a": 1,\n\n  "b": 2}'


INCLUDES = {
    "snippets.md": (
        "# Credits\n\n"
        '```python exec="1"\n--8<-- "scripts/credits.py"\nprint(total)\n```\n'
        '```toml\n--8<-- "conf/ok.toml"\n```\n'
        '```toml\nname = "x"\n--8<-- "conf/bad.toml"\n```\n'
        '```python\n--8<-- "scripts/missing.py"\n```\n'
        '```pycon\n--8<-- "scripts/credits.py"\n```\n'
        "```python\n--8<--\nscripts/credits.py\n--8<--\n```\n"
    ),
    "mdx.md": "```python\n{!./src/app.py!}\n```\n\n```python\nhero.nmae\n```\n",
    "part.md": (
        "```python\n{!./src/app.py[ln:1-2]!}\n```\n"
        '```python\n--8<-- "src/app.py:5"\n```\n'
        "```python\n{!./src/app.py[ln:1-2,4-5]!}\n```\n"
    ),
    "preview.md": '```python\n--8<-- "src/app.py:5:5"\n```\n',
    "cut.md": "```python\n{!./src/app.py[ln:1-1]!}\n```\n",
}
FILES = {
    "scripts/credits.py": "total = 2 + 3\n",
    "conf/ok.toml": "[tool]\nname = 'x'\n",
    "conf/bad.toml": "[tool]\nname = \n",
    "src/app.py": "class Hero:\n    name = 'Rusty-Man'\n\n\nhero = Hero()\nhero.age\n",
}


def test_include_directives_run_their_files(project: Path) -> None:
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    setup = MarkdownSetup(snippets=(str(project),), includes=str(project / "docs" / ".."))
    result = _check(project, INCLUDES, markdown=setup)
    found = _found(result)
    assert found[:4] == [
        (
            "DG507",
            Severity.ERROR,
            12,
            "toml example does not parse: Invalid value (at line 3, column 8)",
        ),
        (
            "DG511",
            Severity.INFO,
            14,
            "python example skipped: it includes `scripts/missing.py`,"
            f" which is not found (looked in {project})",
        ),
        (
            "DG511",
            Severity.INFO,
            17,
            "pycon example skipped: it includes `scripts/credits.py`, "
            "which docgen runs only in Python blocks",
        ),
        (
            "DG511",
            Severity.INFO,
            20,
            "python example skipped: it includes a snippets block "
            f"(`--8<--` on a line of its own), which is not found (looked in {project})",
        ),
    ]
    assert found[4:5] == [
        (
            "DG511",
            Severity.INFO,
            7,
            "python example skipped: it includes "
            f"`./src/app.py[ln:1-2,4-5]`, which is not found (looked in {project}/docs/..)",
        ),
    ]
    # The included file's error is at the directive's line; its traceback at the file's.
    error, part = [d for d in result.diagnostics if d.code == "DG501"]
    assert (part.location.path, part.location.line) == ("docs/part.md", 5)  # type: ignore[union-attr]
    assert f'File "{project / "src" / "app.py"}", line 6' in part.message
    preview, cut = [d for d in result.diagnostics if d.code == "DG516"]
    assert preview.message.startswith("python example is a fragment: it uses `Hero`")
    assert (cut.location.path, cut.message) == (  # type: ignore[union-attr]
        "docs/cut.md",
        "python example is a fragment: it includes part of a file, which does not compile on "
        "its own",
    )
    assert (error.location.path, error.location.line) == ("docs/mdx.md", 2)  # type: ignore[union-attr]
    assert error.message.startswith("AttributeError: 'Hero' object has no attribute 'age'")
    assert f'File "{project / "src" / "app.py"}", line 6' in error.message
    assert "{!./src/app.py!}" in error.message
    assert result.summary["passed"] == 3  # the python snippet, ok.toml, part.md's first


def test_include_directives_are_code_without_their_extension(project: Path) -> None:
    page = '```python\n--8<-- "scripts/credits.py"\n```\n'
    result = _check(project, {"p.md": page})
    assert [(d.code, d.location.line) for d in result.diagnostics] == [("DG501", 2)]  # type: ignore[union-attr]


MARKDOWN_EXEC = """\
```python exec="1"
print("runs")
```
```python
this is a sketch
```
<!-- docgen: run -->
```python
x = 1
```
```pycon exec="on"
>>> 1 + 1
2
```
```yaml
a: [
```
"""


def test_with_markdown_exec_only_exec_blocks_run(project: Path) -> None:
    result = _check(
        project,
        {"a.md": MARKDOWN_EXEC, "b.md": "```python\nnope(\n```\n"},
        markdown=MarkdownSetup(markdown_exec=True),
    )
    assert _found(result) == [
        ("DG507", Severity.ERROR, 16, "yaml example does not parse: while parsing a flow node"),
        (
            "DG511",
            Severity.INFO,
            None,
            '2 examples on 2 pages not run: with markdown-exec, only blocks with `exec="1"` run',
        ),
    ]
    assert (result.summary["passed"], result.summary["skipped"]) == (3, 2)


FRAGMENTS = {
    # A name nothing on the page defines: a fragment, and what follows is not run.
    "fragment.md": "```python\nrows = database.query()\n```\n```python\nprint(rows)\n```\n",
    # Only a later block defines it: a preview of code shown in full further down.
    "order.md": "```python\nprint(total)\n```\n```python\ntotal = 1\n```\n",
    # The block defines it after using it: a mistake.
    "same.md": "```python\nprint(total)\ntotal = 1\n```\n",
    # A misspelling of a name the page defines, and of a builtin: mistakes.
    "typo.md": "```python\ndatabase = {}\n```\n```python\ndatabse.get(1)\n```\n",
    "builtin.md": "```python\nprnt('x')\n```\n",
    # In a session, and a name a `>>>` line binds.
    "session.md": "```pycon\n>>> client = 1\n>>> app.run()\n```\n",
    "unbound.md": "```python\ndef f():\n    x += 1\nf()\n```\n",
    # A module that is not installed: a warning; one the page writes (`title=`): an error.
    "module.md": "```python\nimport not_installed_pkg.sub\n```\n```python\nx = 1\n```\n",
    "local.md": '```python title="helpers.py"\nimport os\n```\n```python\nimport helpers.x\n```\n',
    "submodule.md": "```python\nimport json.nothing_here\n```\n",
    # A function's parameter, used at the top level: a fragment of the function's body.
    "param.md": (
        "```python\nasync def app(scope, receive, send):\n    [x for x in scope]\n```\n"
        "```python\nawait send({})\n```\n"
    ),
    "package.md": '```python tab="src/pkg/__init__.py"\n    from ._version import v\n```\n',
}


def test_fragments_and_missing_modules_are_not_errors(project: Path) -> None:
    result = _check(project, FRAGMENTS, setup="import json\nclient = None")
    found = sorted(
        (d.location.path, d.location.line, d.code, d.severity.value)  # type: ignore[union-attr]
        for d in result.diagnostics
    )
    assert found == [
        ("docs/builtin.md", 2, "DG501", "error"),
        ("docs/fragment.md", 2, "DG516", "info"),
        ("docs/fragment.md", 5, "DG514", "info"),
        ("docs/local.md", 5, "DG501", "error"),
        ("docs/module.md", 2, "DG517", "warning"),
        ("docs/module.md", 5, "DG514", "info"),
        ("docs/order.md", 2, "DG516", "info"),
        ("docs/order.md", 5, "DG514", "info"),
        ("docs/package.md", 2, "DG516", "info"),
        ("docs/param.md", 6, "DG516", "info"),
        ("docs/same.md", 2, "DG501", "error"),
        ("docs/session.md", 3, "DG516", "info"),
        ("docs/submodule.md", 2, "DG501", "error"),
        ("docs/typo.md", 5, "DG501", "error"),
        ("docs/unbound.md", 3, "DG501", "error"),
    ]
    by = {(d.location.path, d.code): d for d in result.diagnostics}  # type: ignore[union-attr]
    assert by["docs/fragment.md", "DG516"].message == (
        "python example is a fragment: it uses `database`, which no earlier example of the "
        "page defines"
    )
    assert by["docs/fragment.md", "DG514"].message == (
        "1 later example not run: the example at line 2 is a fragment"
    )
    assert by["docs/module.md", "DG517"].message == (
        "python example needs module `not_installed_pkg`, which is not installed"
    )
    assert "is not installed" in by["docs/module.md", "DG514"].message


def test_bound_names() -> None:
    from docgen.examples.collect import collect
    from docgen.examples.names import bound_names, fragment_name

    page = collect(
        "p.md",
        "```python\nimport a.b as c, d.e\nfrom f import g\nfor h, *i in []: pass\n"
        "class J:\n    def k(self, l, *m, n=1, **o): global p\n"
        "try:\n    pass\nexcept E as q:\n    pass\nmatch 1:\n    case [r, *s]: pass\n```\n"
        "```pycon\n>>> t = 1\n... u = 2\n>>>\n```\n```python\nbroken(\n```\n",
    )
    assert bound_names(page.examples, "v = 1") == set("cdghiqrstuv") | {"J"}
    assert fragment_name("database", {"x"})
    assert not fragment_name("databse", {"database"})
    assert not fragment_name("x", {"x"})
    assert not fragment_name("lenn", set())


def test_the_markdown_setup_is_read_from_mkdocs_yml(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from docgen.mkdocs_plugin import load_docgen_config, markdown_setup

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins: [docgen]\n"
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [docs/.snippets, /abs]\n",
        encoding="utf-8",
    )
    config = load_docgen_config(tmp_path / "mkdocs.yml")
    assert config.markdown == MarkdownSetup(snippets=(f"{tmp_path}/docs/.snippets", "/abs"))
    plain = SimpleNamespace(
        markdown_extensions=["pymdownx.snippets", "mdx_include", "pymdownx.superfences"],
        mdx_configs={
            "pymdownx.snippets": {"base_path": "."},
            "pymdownx.superfences": {"custom_fences": [{"format": "markdown_exec.formatter"}]},
        },
        plugins={},
    )
    assert markdown_setup(plain, tmp_path) == MarkdownSetup(  # type: ignore[arg-type]
        snippets=(str(tmp_path),), includes=str(tmp_path), markdown_exec=True
    )
    plugin = SimpleNamespace(markdown_extensions=[], mdx_configs=None, plugins={"markdown-exec": 1})
    assert markdown_setup(plugin, tmp_path) == MarkdownSetup(markdown_exec=True)  # type: ignore[arg-type]


def test_an_include_that_went_away_binds_nothing_and_keys_the_cache(tmp_path: Path) -> None:
    import dataclasses

    from docgen.examples.cache import page_key
    from docgen.examples.collect import collect
    from docgen.examples.names import bound_names

    (example,) = collect("p.md", "```python\n--8<-- 'gone.py'\nx = 1\n```\n").examples
    gone = dataclasses.replace(example, includes=((0, str(tmp_path / "gone.py"), 1, 0),))
    assert bound_names([gone]) == {"x"}
    (tmp_path / "here.py").write_text("y = 1\n", encoding="utf-8")
    here = dataclasses.replace(example, includes=((0, str(tmp_path / "here.py"), 1, 0),))
    before = page_key("env", "p.md", [here])
    assert page_key("env", "p.md", [gone]) != before
    (tmp_path / "here.py").write_text("y = 2\n", encoding="utf-8")
    assert page_key("env", "p.md", [here]) != before


# sqlmodel's pages: a model, then a whole program that declares it again (a registry of
# tables rejects the second declaration when both run in one process).
REGISTRY = """\
```python
TABLES = set()


class Table(type):
    def __init__(cls, name, bases, namespace):
        if name in TABLES:
            raise ValueError(f"Table {name!r} is already defined")
        TABLES.add(name)
        super().__init__(name, bases, namespace)


class Hero(metaclass=Table):
    pass
```

```python
class Hero(metaclass=Table):
    name = "again"
```
"""


def test_a_class_declared_again_is_a_program_of_its_own(project: Path) -> None:
    mistake = REGISTRY.replace(
        'class Hero(metaclass=Table):\n    name = "again"',
        "class Villain(metaclass=Table):\n    name = 1 / 0",
    )
    result = _check(project, {"again.md": REGISTRY, "mistake.md": mistake})
    found = sorted(
        (d.location.path, d.location.line, d.code, d.severity.value)  # type: ignore[union-attr]
        for d in result.diagnostics
    )
    assert found == [
        ("docs/again.md", 18, "DG516", "info"),
        ("docs/mistake.md", 19, "DG501", "error"),
    ]
    [again] = [d for d in result.diagnostics if d.code == "DG516"]
    assert "declares `Hero` again" in again.message


def test_a_class_declared_again_in_an_included_program(project: Path) -> None:
    # sqlmodel: `{!./docs_src/tutorial/insert/tutorial003_py310.py!}`, a whole program
    (project / "src").mkdir()
    (project / "src" / "again.py").write_text(
        'import os\n\n\nclass Hero(metaclass=Table):\n    name = "again"\n', encoding="utf-8"
    )
    page = REGISTRY.replace(
        'class Hero(metaclass=Table):\n    name = "again"', "{!./src/again.py!}"
    )
    setup = MarkdownSetup(includes=str(project))
    result = _check(project, {"inc.md": page}, markdown=setup)
    found = [(d.location.line, d.code) for d in result.diagnostics]  # type: ignore[union-attr]
    assert found == [(18, "DG516")]
