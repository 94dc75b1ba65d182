"""`docgen init` reads an existing mkdocs.yml the way MkDocs does: duplicate keys, INHERIT,
mkdocstrings and its inventories."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import write

from docgen.cli import main
from docgen.diagnostics import Severity
from docgen.init import plan
from docgen.init.detect import Project
from docgen.init.extend import extend_mkdocs

PROJECT = Project(root=Path(), name="w", packages=("w",))

TWO_PLUGINS = """\
site_name: x
plugins:
  - search
  - mkdocstrings:
      handlers:
        python:
          import:
            - url: https://docs.python.org/3/objects.inv

plugins:
  - search
  - llmstxt:
      full_output: llms-full.txt

hooks:
  - main.py
"""


class Loader(yaml.SafeLoader):
    """PyYAML, as MkDocs reads with it (the last key wins), MkDocs' tags read as None."""


Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def docgen_options(text: str) -> dict[str, object]:
    """The docgen plugin's options in `text`, read as MkDocs reads it."""
    plugins = yaml.load(text, Loader)["plugins"]  # noqa: S506 - a SafeLoader
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) for p in plugins if isinstance(p, dict)
    )  # fmt: skip
    return next(value for key, value in entries if key == "docgen")


# --- a key set twice ---


def test_docgen_goes_into_the_plugins_mkdocs_uses_and_the_first_stays() -> None:
    extension = extend_mkdocs(TWO_PLUGINS, PROJECT)
    assert extension.text is not None
    # Every old line is kept, in order; only the plugin's lines are new.
    assert [line for line in extension.text.splitlines() if line in TWO_PLUGINS.splitlines()] == (
        TWO_PLUGINS.splitlines()
    )
    assert extension.text.index("- docgen:") > extension.text.index("llms-full.txt")
    assert extension.text.index("- docgen:") < extension.text.index("hooks:")
    [duplicate] = extension.duplicates
    assert (duplicate.key, duplicate.lines, duplicate.ignored) == (
        "plugins",
        (2, 10),
        ("search", "mkdocstrings"),
    )
    # The mkdocstrings MkDocs ignores does not turn the API off, its inventory is kept.
    assert not extension.mkdocstrings
    assert docgen_options(extension.text)["api"] == {
        "packages": ["w"],
        "inventories": ["https://docs.python.org/3/objects.inv"],
    }


def test_a_duplicate_key_is_one_short_warning_at_the_first(tmp_path: Path) -> None:
    write(tmp_path, {"mkdocs.yml": TWO_PLUGINS, "w/__init__.py": ""})
    init = plan(tmp_path)
    [warning] = [d for d in init.diagnostics if d.code == "DG913"]
    assert warning.severity is Severity.WARNING
    assert warning.location is not None
    assert (warning.location.path, warning.location.line) == ("mkdocs.yml", 2)
    assert warning.message == (
        "`plugins:` is set twice (line 2 and 10): MkDocs uses line 10 and ignores line 2 "
        "(search, mkdocstrings)"
    )
    assert "docgen was added to the one MkDocs uses" in warning.hint
    assert len(warning.message) + len(warning.hint) < 250
    assert {c.path: c.action for c in init.changes}["mkdocs.yml"] == "extend"


def test_other_keys_set_twice_or_thrice_are_said_too(tmp_path: Path) -> None:
    text = "nav:\n  - a.md\nsite_name: x\nnav:\n  - b.md\nnav: [c.md]\n"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert yaml.safe_load(extension.text)["nav"] == ["c.md"]
    assert [(d.key, d.lines, d.ignored) for d in extension.duplicates] == [("nav", (1, 4, 6), ())]
    write(tmp_path, {"mkdocs.yml": text})
    [warning] = [d for d in plan(tmp_path).diagnostics if d.code == "DG913"]
    assert warning.message.startswith("`nav:` is set twice (lines 1, 4 and 6)")
    assert warning.hint == "merge them into one"


def test_the_ignored_plugins_are_named_even_when_they_cannot_be_read() -> None:
    # The first list uses an anchor defined before it: read alone, it is no YAML.
    text = "x: &p search\nplugins:\n  - *p\nplugins:\n  - search\n"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert [(d.key, d.lines, d.ignored) for d in extension.duplicates] == [("plugins", (2, 4), ())]


def test_the_last_plugins_written_inline_is_handed_to_the_user(tmp_path: Path) -> None:
    text = "plugins:\n  - search\nplugins: [search]\n"
    write(tmp_path, {"mkdocs.yml": text})
    init = plan(tmp_path)
    assert {c.path: c.action for c in init.changes}["mkdocs.yml"] == "manual"
    [warning] = [d for d in init.diagnostics if d.code == "DG913"]
    assert warning.hint == "merge them into one"


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("theme:\n  name: material\n  name: mkdocs\n", "`name` is set twice", 3),
        ("{plugins: [a], plugins: [b]}\n", "`plugins` is set twice", 1),
    ],
    ids=["nested", "flow-mapping"],
)
def test_a_key_set_twice_where_mkdocs_users_rarely_look_is_left_to_the_user(
    text: str, reason: str, line: int
) -> None:
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is None
    assert extension.reason.startswith(reason)
    assert extension.line == line
    assert len(extension.reason) < 80


def test_a_windows_file_with_a_key_set_twice_keeps_its_line_endings() -> None:
    text = TWO_PLUGINS.replace("\n", "\r\n").rstrip("\r\n")
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert "\n" not in extension.text.replace("\r\n", "")


def test_init_on_a_key_set_twice_writes_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"mkdocs.yml": TWO_PLUGINS, "w/__init__.py": "", "docs/index.md": "# W\n"})
    assert main(["init", str(tmp_path), "--no-check"]) == 0
    err = capsys.readouterr().err
    assert "warning[DG913]" in err
    assert "original value" not in err  # not ruamel's dump of both values
    assert docgen_options((tmp_path / "mkdocs.yml").read_text())["api"] == {
        "packages": ["w"],
        "inventories": ["https://docs.python.org/3/objects.inv"],
    }


# --- INHERIT ---


@pytest.mark.parametrize(
    ("child", "parent", "plugins"),
    [
        ("INHERIT: base.yml\nsite_name: x\n", "markdown_extensions: [toc]\n", ["search", "docgen"]),
        (
            "INHERIT: base.yml\nplugins:\n  - search\n",
            "markdown_extensions: [toc]\n",
            ["search", "docgen"],
        ),
        (
            "INHERIT: base.yml\nplugins:\n  - tags\n",
            "plugins:\n  - search\n  - blog\n",
            ["tags", "docgen"],
        ),
        (
            "INHERIT: sub/mid.yml\nsite_name: x\n",
            "INHERIT: ../base.yml\n",
            ["search", "docgen"],
        ),
    ],
    ids=["parent-without-plugins", "child-list", "child-list-replaces", "chain"],
)
def test_an_inherited_file_without_plugins_is_extended(
    tmp_path: Path, child: str, parent: str, plugins: list[str]
) -> None:
    files = {"mkdocs.yml": child, "base.yml": parent}
    if "sub/mid.yml" in child:
        files = {"mkdocs.yml": child, "sub/mid.yml": parent, "base.yml": "theme: material\n"}
    write(tmp_path, files)
    extension = extend_mkdocs(child, PROJECT, tmp_path)
    assert extension.text is not None, extension.reason
    names = [
        p if isinstance(p, str) else next(iter(p))
        for p in yaml.safe_load(extension.text)["plugins"]
    ]
    assert names == plugins


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (
            {"base.yml": "plugins:\n  - search\n  - blog\n"},
            "inherits its plugins from base.yml (INHERIT): add docgen there",
        ),
        (
            {"base.yml": "INHERIT: base2.yml\n", "base2.yml": "plugins: [search]\n"},
            "inherits its plugins from base2.yml",
        ),
        ({}, "base.yml (INHERIT), which cannot be read"),
        ({"base.yml": "site_name: [x\n"}, "base.yml (INHERIT), which cannot be read"),
        ({"base.yml": "- a list\n"}, "which is not a mapping"),
        ({"base.yml": "INHERIT: mkdocs.yml\n"}, "INHERIT chain loops back"),
    ],
    ids=["parent-plugins", "grandparent-plugins", "missing", "broken", "not-a-mapping", "loop"],
)  # fmt: skip
def test_an_inherited_plugins_list_or_an_unreadable_parent_is_left_to_the_user(
    tmp_path: Path, files: dict[str, str], reason: str
) -> None:
    child = "INHERIT: base.yml\nsite_name: x\n"
    write(tmp_path, {"mkdocs.yml": child, **files})
    extension = extend_mkdocs(child, PROJECT, tmp_path)
    assert extension.text is None
    assert reason in extension.reason
    assert extension.snippet.startswith("plugins:\n  - docgen:")


def test_an_inherit_that_is_not_a_file_name_is_left_to_the_user(tmp_path: Path) -> None:
    extension = extend_mkdocs("INHERIT: [a, b]\n", PROJECT, tmp_path)
    assert extension.text is None
    assert "INHERIT" in extension.reason


def test_the_plugin_inherited_is_enough(tmp_path: Path) -> None:
    write(tmp_path, {"base.yml": "plugins:\n  - docgen\n"})
    assert extend_mkdocs("INHERIT: base.yml\n", PROJECT, tmp_path).present


def test_a_child_mapping_merges_with_the_parents_mkdocstrings(tmp_path: Path) -> None:
    write(tmp_path, {"base.yml": "plugins:\n  mkdocstrings: {}\n"})
    child = "INHERIT: base.yml\nplugins:\n  search: {}\n"
    extension = extend_mkdocs(child, PROJECT, tmp_path)
    assert extension.mkdocstrings
    assert extension.text is not None
    assert docgen_options(extension.text)["api"] is False


# --- mkdocstrings ---


@pytest.mark.parametrize(
    "plugins",
    [
        "plugins:\n  - search\n  - mkdocstrings\n",
        "plugins:\n  - mkdocstrings:\n      enabled: !ENV [MKDOCSTRINGS, true]\n",
        "plugins:\n  search: {}\n  mkdocstrings:\n    handlers: {}\n",
    ],
    ids=["name", "options", "mapping"],
)
def test_mkdocstrings_in_use_turns_docgens_api_off_with_one_note(
    tmp_path: Path, plugins: str
) -> None:
    write(tmp_path, {"mkdocs.yml": f"site_name: x\n{plugins}", "w/__init__.py": ""})
    init = plan(tmp_path)
    change = {c.path: c for c in init.changes}["mkdocs.yml"]
    assert change.action == "extend"
    assert docgen_options(change.content)["api"] is False
    assert "`api: {packages: [w]}` for docgen's" in change.content
    [note] = [d for d in init.diagnostics if d.code == "DG914"]
    assert note.severity is Severity.INFO
    assert note.message == "api: off — mkdocstrings already documents the API"
    assert note.hint == "`api: {packages: [w]}` in the docgen plugin to use docgen's instead"
    assert note.location is not None
    assert note.location.line == 2


def test_mkdocstrings_without_a_package_found_still_turns_the_api_off() -> None:
    text = "plugins:\n  - mkdocstrings\n"
    extension = extend_mkdocs(text, Project(root=Path(), name="w"))
    assert extension.text is not None
    assert docgen_options(extension.text)["api"] is False
    assert "`api: {packages: [mypackage]}`" in extension.text


def test_mkdocstrings_inherited_turns_the_api_off_too(tmp_path: Path) -> None:
    write(tmp_path, {"base.yml": "plugins:\n  - mkdocstrings\n"})
    extension = extend_mkdocs("INHERIT: base.yml\n", PROJECT, tmp_path)
    assert extension.mkdocstrings
    assert extension.text is None  # a list here would replace the parent's
    assert "api: false" in extension.snippet
    assert extension.plugins_line is None


def test_inventories_of_an_unused_mkdocstrings_are_carried_to_the_api(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.yml": "plugins:\n  - mkdocstrings:\n      handlers:\n        python:\n"
            "          inventories:\n"
            "            - https://docs.pydantic.dev/latest/objects.inv\n"
            "            - url: docs/local.inv\n              base_url: https://local.example/\n"
            "            - url: other/no-base.inv\n"
            "            - {domains: [py]}\n"
            "            - https://docs.python.org/3/objects.inv\n"
            "          import: not-a-list\n",
        },
    )
    # The child's list replaces the parent's: mkdocstrings is not in use, its inventories are.
    child = "INHERIT: base.yml\nplugins:\n  - search\n"
    extension = extend_mkdocs(child, PROJECT, tmp_path)
    assert extension.text is not None
    assert not extension.mkdocstrings
    assert docgen_options(extension.text)["api"] == {
        "packages": ["w"],
        "inventories": [
            "https://docs.pydantic.dev/latest/objects.inv",
            "https://local.example/ docs/local.inv",
            "https://docs.python.org/3/objects.inv",
        ],
    }
