"""`docgen init`: detection, the files it writes, extending mkdocs.yml, and never overwriting."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import write

from docgen.cli import main
from docgen.diagnostics import Severity
from docgen.init import apply, plan
from docgen.init.detect import Project, detect, parse_remote
from docgen.init.extend import extend_mkdocs
from docgen.init.templates import index_md, mkdocs_yml, scalar, workflow


def git_repo(root: Path, remote: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)
    return root


def codes(diagnostics: object) -> list[str]:
    assert isinstance(diagnostics, tuple | list)
    return [d.code for d in diagnostics]


def actions(root: Path) -> dict[str, str]:
    return {c.path: c.action for c in plan(root).changes}


# --- detection ---


@pytest.mark.parametrize(
    ("url", "repo_url", "site_url"),
    [
        ("https://github.com/Acme/Widget.git", "https://github.com/Acme/Widget", "https://acme.github.io/Widget/"),
        ("git@github.com:acme/widget.git", "https://github.com/acme/widget", "https://acme.github.io/widget/"),
        ("ssh://git@github.com/acme/widget", "https://github.com/acme/widget", "https://acme.github.io/widget/"),
        ("https://token@github.com/acme/widget/", "https://github.com/acme/widget", "https://acme.github.io/widget/"),
        ("https://github.com/Acme/acme.github.io", "https://github.com/Acme/acme.github.io", "https://acme.github.io/"),
        ("git@gitlab.com:acme/widget.git", "https://gitlab.com/acme/widget", None),
        ("https://user@example.org/git/widget.git", "https://example.org/git/widget", None),
    ],
)  # fmt: skip
def test_remote_urls_become_repo_and_pages_urls(
    url: str, repo_url: str, site_url: str | None
) -> None:
    remote = parse_remote(url)
    assert remote is not None
    assert (remote.repo_url, remote.site_url) == (repo_url, site_url)


def test_a_local_path_remote_is_no_url() -> None:
    assert parse_remote("/srv/git/widget.git") is None


@pytest.mark.parametrize(
    ("files", "packages", "paths"),
    [
        (
            {"pyproject.toml": '[project]\nname = "My-Lib"\n', "src/my_lib/__init__.py": ""},
            ("my_lib",),
            (),
        ),
        ({"pyproject.toml": '[project]\nname = "tool"\n', "tool.py": ""}, ("tool",), ()),
        (
            {
                "pyproject.toml": "[tool.setuptools.packages.find]\n"
                'where = ["lib"]\ninclude = ["core*"]\n',
                "lib/core/__init__.py": "",
            },
            ("core",),
            ("lib",),
        ),
        (
            {"pyproject.toml": '[tool.setuptools]\npackages = ["a", "a.b"]\n', "a/__init__.py": ""},
            ("a",),
            (),
        ),
        (
            {"pyproject.toml": '[tool.flit.module]\nname = "fm"\n', "src/fm/__init__.py": ""},
            ("fm",),
            (),
        ),
        (
            {
                "pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["python/hp"]\n',
                "python/hp/__init__.py": "",
            },
            ("hp",),
            ("python",),
        ),
        (
            {
                "pyproject.toml": '[tool.poetry]\nname = "pp"\n'
                'packages = [{include = "pq", from = "lib"}, "bad"]\n',
                "lib/pq/__init__.py": "",
                "pp/__init__.py": "",
            },
            ("pq", "pp"),
            ("lib",),
        ),
        (
            {"src/one/__init__.py": "", "src/_private/__init__.py": "", "src/notes.txt": ""},
            ("one",),
            (),
        ),
        ({"flat/__init__.py": "", "tests/__init__.py": "", "docs/__init__.py": ""}, ("flat",), ()),
        ({"pyproject.toml": '[project]\nname = "ghost"\n'}, (), ()),
        ({"pyproject.toml": '[tool.setuptools.packages.find]\ninclude = ["bad-name"]\n'}, (), ()),
        (
            {
                "pyproject.toml": '[project]\nname = "meta"\n'
                '[tool.uv]\nworkspace = {members = ["packages/*", "../out", "/abs", ""], '
                'exclude = ["packages/old"]}\n',
                "packages/lib/pyproject.toml": "[tool.hatch.build.targets.wheel]\n"
                'packages = ["src/core"]\n',
                "packages/lib/src/core/__init__.py": "",
                "packages/cli/pyproject.toml": '[project]\nname = "the-cli"\n',
                "packages/cli/the_cli.py": "",
                "packages/old/pyproject.toml": '[project]\nname = "old"\n',
                "packages/old/old/__init__.py": "",
                "packages/broken/pyproject.toml": "[project\n",
                "packages/broken/broken/__init__.py": "",
                "packages/nopyproject/x/__init__.py": "",
                "packages/same/pyproject.toml": '[project]\nname = "the-cli"\n',
                "packages/same/the_cli.py": "",
            },
            ("the_cli", "core"),
            ("packages/cli", "packages/lib/src"),
        ),
        (
            {
                "pyproject.toml": '[tool.uv.workspace]\nmembers = ["a**b"]\n',
                "packages/one/src/one/__init__.py": "",
                "packages/two/src/two/__init__.py": "",
                "packages/two/src/tests/__init__.py": "",
                "packages/zz/src/one/__init__.py": "",
            },
            ("one", "two"),
            ("packages/one/src", "packages/two/src"),
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "uv"\n[tool.maturin]\n'
                'python-source = "python"\nmodule-name = "fast._native"\n',
                "python/fast/__init__.py": "",
            },
            ("fast",),
            ("python",),
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "my-ext"\n[tool.maturin]\n'
                'python-source = "py/"\n',
                "py/my_ext/__init__.py": "",
            },
            ("my_ext",),
            ("py",),
        ),
        (
            {"pyproject.toml": '[tool.maturin]\npython-source = "python"\n'},
            (),
            (),
        ),
    ],
    ids=[
        "project-name-src",
        "single-module",
        "setuptools-where",
        "setuptools-list",
        "flit",
        "hatch",
        "poetry",
        "src-layout",
        "flat-layout",
        "name-without-package",
        "not-identifier",
        "uv-workspace",
        "packages-src-layout",
        "maturin-module-name",
        "maturin-project-name",
        "maturin-without-name",
    ],
)
def test_packages_are_found_the_way_build_backends_find_them(
    tmp_path: Path, files: dict[str, str], packages: tuple[str, ...], paths: tuple[str, ...]
) -> None:
    project, _ = detect(write(tmp_path, files))
    assert (project.packages, project.package_paths) == (packages, paths)


def test_detection_reads_name_description_folders_and_git(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo", "git@github.com:acme/widget.git")
    write(
        root,
        {
            "pyproject.toml": '[project]\nname = "widget"\ndescription = " Widgets. "\n',
            "src/widget/__init__.py": "",
            ".github/workflows/ci.yml": "on: push\n",
            ".github/workflows/notes.txt": "",
            "docs/conf.py": "",
            "diagrams/a.mmd": "graph TD\n",
        },
    )
    project, diagnostics = detect(root)
    assert project.to_dict() == {
        "root": root.as_posix(),
        "name": "widget",
        "description": "Widgets.",
        "packages": ["widget"],
        "package_paths": [],
        "installable": True,
        "workflows": ".github/workflows",
        "workflow_files": ["ci.yml"],
        "docs_dir": "docs",
        "mkdocs_file": None,
        "diagrams": "diagrams",
        "sphinx": True,
        "repo_url": "https://github.com/acme/widget",
        "site_url": "https://acme.github.io/widget/",
        "branch": "main",
        "git": True,
    }
    assert diagnostics == []


def test_the_remote_falls_back_to_pyproject_urls(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    write(
        root,
        {
            "pyproject.toml": '[project]\nname = "w"\n[project.urls]\n'
            'Docs = "https://github.com/acme/not-this"\nSource = "https://github.com/acme/w"\n'
        },
    )
    project, _ = detect(root)
    assert project.remote is not None
    assert project.remote.repo_url == "https://github.com/acme/w"


def test_an_empty_folder_says_what_it_lacks(tmp_path: Path) -> None:
    project, diagnostics = detect(tmp_path)
    assert project.name == tmp_path.name
    assert not project.git
    assert project.branch == "main"
    assert codes(diagnostics) == ["DG901", "DG901"]
    assert "no Python package" in diagnostics[0].message
    assert "no git remote" in diagnostics[1].message


def test_a_non_github_remote_says_there_is_no_pages_url(tmp_path: Path) -> None:
    project, diagnostics = detect(git_repo(tmp_path / "r", "https://gitlab.com/a/b.git"))
    assert project.remote is not None
    assert project.remote.site_url is None
    assert any("not on GitHub" in d.message for d in diagnostics)


def test_a_broken_pyproject_is_a_warning_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\nbroken = \n'})
    _, diagnostics = detect(tmp_path)
    broken = [d for d in diagnostics if d.code == "DG902"]
    assert len(broken) == 1
    assert broken[0].location is not None
    assert broken[0].location.line == 3


def test_the_default_branch_is_the_remotes_head(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "r", "https://github.com/a/b")
    head, trunk = "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk"
    subprocess.run(["git", "-C", str(root), "symbolic-ref", head, trunk], check=True)
    project, _ = detect(root)
    assert project.branch == "trunk"


# --- templates ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("widget", "widget"),
        ("My Widget (beta)", "My Widget (beta)"),
        ("https://acme.github.io/w/", "https://acme.github.io/w/"),
        ("yes", '"yes"'),
        ("1.5", '"1.5"'),
        ("a: b", '"a: b"'),
        ("#tag", '"#tag"'),
        ("trailing ", '"trailing "'),
        ("Ünïcode «quoted»", '"Ünïcode «quoted»"'),
    ],
)
def test_scalars_read_back_as_written(value: str, expected: str) -> None:
    assert scalar(value) == expected
    assert yaml.safe_load(f"key: {scalar(value)}") == {"key": value}


def test_the_templates_are_valid_yaml_with_what_was_found(tmp_path: Path) -> None:
    project = Project(
        root=tmp_path,
        name="Widget: the tool",
        description="Makes widgets.",
        packages=("widget", "helpers"),
        package_paths=("lib",),
        installable=True,
        diagrams="diagrams",
        remote=parse_remote("https://github.com/acme/widget"),
        branch="trunk",
    )
    config = yaml.safe_load(mkdocs_yml(project).replace("!!python", "python"))
    assert config["site_name"] == "Widget: the tool"
    assert config["site_url"] == "https://acme.github.io/widget/"
    assert config["edit_uri"] == "edit/trunk/docs/"
    docgen = config["plugins"][1]["docgen"]
    assert docgen["api"] == {"packages": ["widget", "helpers"], "paths": ["lib"]}
    assert docgen["diagrams"] == {"dir": "diagrams"}
    assert config["extra"]["version"]["provider"] == "mike"
    assert "content.code.copy" in config["theme"]["features"]
    assert [p["scheme"] for p in config["theme"]["palette"]] == ["default", "slate"]
    flow = yaml.safe_load(workflow(project))
    assert flow[True]["push"]["branches"] == ["trunk"]
    assert flow["jobs"]["check"]["steps"][1]["with"]["install"] == "."
    page = index_md(project)
    assert page.startswith("# Widget: the tool\n\nMakes widgets.\n")
    assert "`widget`, `helpers`" in page


def test_without_packages_the_api_is_a_comment_and_nothing_is_installed(tmp_path: Path) -> None:
    project = Project(root=tmp_path, name="bare")
    config = yaml.safe_load(mkdocs_yml(project))
    assert "api" not in config["plugins"][1]["docgen"]
    assert "repo_url" not in config
    assert "# api: {packages: [mypackage]}" in mkdocs_yml(project)
    assert "install" not in yaml.safe_load(workflow(project))["jobs"]["check"]["steps"][1]["with"]


# --- extending an existing mkdocs.yml ---

PROJECT = Project(root=Path(), name="w", packages=("w",))

CUSTOM = """\
# My site — hand-tuned.
site_name: Demo   # the name
site_url: !ENV [SITE_URL, "https://example.org/"]
theme:
  name: material
  custom_dir: overrides  # keep me
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - toc: {permalink: "#"}
plugins:
- search   # search!
- tags:
    tags_file: tags.md

# The next key.
extra:
  custom_key: [1, 2, 3]
  'quoted': "yes"
"""


def added_lines(old: str, new: str) -> list[str]:
    """The lines of `new` that are not in `old`, checking that every old line is kept in order."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    added: list[str] = []
    i = 0
    for line in new_lines:
        if i < len(old_lines) and line == old_lines[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old_lines), "an old line was changed or removed"
    return added


def test_extending_keeps_every_line_comment_tag_and_custom_key() -> None:
    extension = extend_mkdocs(CUSTOM, PROJECT)
    assert extension.text is not None
    added = added_lines(CUSTOM, extension.text)
    assert added[0] == "- docgen:"
    assert all(line.startswith("    ") for line in added[1:])
    # The plugin goes after the last plugin, before the blank line and the next key's comment.
    assert extension.text.index("- docgen:") < extension.text.index("# The next key.")


def test_extending_follows_the_files_indentation() -> None:
    text = (
        "site_name: x\nplugins:\n    -   search\n    -   tags:\n"
        "            handlers: {}\nnav:\n  - index.md\n"
    )
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert added_lines(text, extension.text)[0] == "    -   docgen:"
    assert yaml.safe_load(extension.text)["plugins"][2] == {
        "docgen": {
            "api": {"packages": ["w"]},
            "pipelines": {"workflows": ".github/workflows"},
            "links": {"external": True},
        }
    }


def test_extending_a_plugins_mapping_adds_a_key() -> None:
    text = "site_name: x\nplugins:\n  search: {}\n  tags:\n    x: 1\n"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert list(yaml.safe_load(extension.text)["plugins"]) == ["search", "tags", "docgen"]


def test_without_plugins_search_is_kept_and_docgen_added() -> None:
    text = "site_name: x  # no newline at the end"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    plugins = yaml.safe_load(extension.text)["plugins"]
    assert plugins[0] == "search"
    assert "docgen" in plugins[1]


def test_an_empty_plugins_key_gets_docgen_only() -> None:
    text = "site_name: x\nplugins:  # none yet\nnav: []\n"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert [next(iter(p)) for p in yaml.safe_load(extension.text)["plugins"]] == ["docgen"]


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("site_name: x\nplugins: [search]\n", "inline", 2),
        ("site_name: x\nplugins: []\n", "inline", 2),
        ("site_name: x\nplugins: !ENV [PLUGINS]\n", "neither a list nor a mapping", 2),
        ("site_name: x\nplugins: search\n", "neither a list nor a mapping", 2),
        ("site_name: x\nplugins: {\n  search: {}}\n", "inline", 2),
        ("site_name: x\nplugins: &p\n", "not a list", 2),
        ("INHERIT: base.yml\nsite_name: x\n", "INHERIT", None),
        ("site_name: [x\n", "not valid YAML", 2),
        ("a: 1\n---\nb: 2\n", "not valid YAML", 2),
        ("- just\n- a list\n", "not a mapping", None),
        ("site_name: x\nplugins:\n- search\n- &a x\n- *b\n", "not valid YAML", 5),
    ],
    ids=["flow-list", "empty-flow", "tagged", "scalar", "flow-map", "anchor-only", "inherit",
         "broken", "two-documents", "not-a-mapping", "undefined-alias"],
)  # fmt: skip
def test_what_cannot_be_edited_safely_is_handed_to_the_user(
    text: str, reason: str, line: int | None
) -> None:
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is None
    assert reason in extension.reason
    assert extension.line == line
    assert extension.snippet.startswith("plugins:\n  - docgen:\n      api: {packages: [w]}")
    assert yaml.safe_load(extension.snippet)["plugins"][0]["docgen"]["api"] == {"packages": ["w"]}


@pytest.mark.parametrize(
    "text",
    [
        # `|+` keeps trailing blank lines: the plugin placed before them would drop them.
        "plugins:\n  - search\n  - x: |+\n      text\n\nnav: []\n",
        # A flow list continued at column 0: the plugin placed inside it breaks the YAML.
        "plugins:\n  - search\n  - x: [a,\nb]\nnav: []\n",
    ],
    ids=["reads-differently", "breaks-the-yaml"],
)
def test_an_insertion_that_does_not_read_back_is_refused(text: str) -> None:
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is None
    assert "could not be placed" in extension.reason


def test_a_long_plain_scalar_item_is_kept_whole() -> None:
    text = "plugins:\n  - search\n  - long\n    name\nnav: []\n"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert yaml.safe_load(extension.text)["plugins"][1] == "long name"


def test_windows_line_endings_are_kept() -> None:
    text = "site_name: x\r\nplugins:\r\n  - search\r\nnav: []"
    extension = extend_mkdocs(text, PROJECT)
    assert extension.text is not None
    assert extension.text.startswith(text.rsplit("nav", 1)[0])
    assert "\n" not in extension.text.replace("\r\n", "")
    assert extension.text.endswith("nav: []\r\n")


def test_a_file_with_the_plugin_is_left_alone() -> None:
    for text in (
        "plugins:\n  - docgen\n",
        "plugins:\n  - docgen: {api: false}\n",
        "plugins:\n  docgen: {}\n",
    ):
        extension = extend_mkdocs(text, PROJECT)
        assert extension.present
        assert extension.text is None


# --- plan and apply ---


def test_an_empty_git_repo_gets_all_three_files(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo", "https://github.com/acme/w.git")
    init = plan(root)
    assert [(c.path, c.action) for c in init.changes] == [
        ("mkdocs.yml", "create"),
        ("docs/index.md", "create"),
        (".github/workflows/docs.yml", "create"),
    ]
    result = apply(init)
    assert result.ok
    assert result.written == ("mkdocs.yml", "docs/index.md", ".github/workflows/docs.yml")
    assert "repo_url: https://github.com/acme/w" in (root / "mkdocs.yml").read_text()
    assert (
        json.loads(json.dumps(init.to_dict()))["project"]["site_url"] == "https://acme.github.io/w/"
    )
    # A second run finds everything in place and writes nothing.
    again = plan(root)
    assert [c.action for c in again.changes] == ["keep", "keep", "keep"]
    assert codes(again.diagnostics).count("DG904") == 1
    assert apply(again).written == ()


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"docs/README.md": "# Mine\n", ".github/workflows/docs.yml": "on: push\njobs: {}\n"},
    )
    assert actions(tmp_path) == {
        "mkdocs.yml": "create",
        "docs/README.md": "keep",
        ".github/workflows/docgen.yml": "create",
    }
    apply(plan(tmp_path))
    assert (tmp_path / "docs/README.md").read_text() == "# Mine\n"
    assert (tmp_path / ".github/workflows/docs.yml").read_text() == "on: push\njobs: {}\n"
    assert not (tmp_path / "docs/index.md").exists()


def test_a_workflow_that_runs_docgen_is_enough(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/site.yml": "jobs: {b: {steps: [{run: docgen build}]}}\n"})
    assert actions(tmp_path)[".github/workflows/site.yml"] == "keep"


def test_the_mkdocs_docs_dir_is_where_the_home_page_goes(tmp_path: Path) -> None:
    write(tmp_path, {"mkdocs.yml": "site_name: x\ndocs_dir: pages\ntheme: readthedocs\n"})
    init = plan(tmp_path)
    assert {c.path: c.action for c in init.changes}["pages/index.md"] == "create"
    assert {c.path: c.action for c in init.changes}["mkdocs.yml"] == "extend"
    assert "DG907" in codes(init.diagnostics)
    assert apply(init).written[0] == "mkdocs.yml"
    assert "- docgen:" in (tmp_path / "mkdocs.yml").read_text()


def test_a_mkdocs_yml_that_is_not_utf8_is_left_to_the_user(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    init = plan(tmp_path)
    change = next(c for c in init.changes if c.path == "mkdocs.yml")
    assert change.action == "manual"
    assert "UTF-8" in change.reason
    assert "DG903" in codes(init.diagnostics)
    apply(init)
    assert (tmp_path / "mkdocs.yml").read_bytes() == b"site_name: caf\xe9\n"


def test_a_sphinx_docs_folder_is_said(tmp_path: Path) -> None:
    write(tmp_path, {"docs/conf.py": "", "docs/index.rst": "Title\n=====\n"})
    init = plan(tmp_path)
    assert "DG908" in codes(init.diagnostics)
    assert {c.path: c.action for c in init.changes}["docs/index.md"] == "create"


def test_a_path_that_is_not_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    for path in (tmp_path / "file", tmp_path / "missing"):
        init = plan(path)
        assert init.project is None
        assert codes(init.diagnostics) == ["DG905"]
        assert init.diagnostics[0].severity is Severity.ERROR


def test_a_file_where_the_docs_folder_should_be_writes_nothing(tmp_path: Path) -> None:
    """Not a read-only folder (root writes anywhere): a write that fails, reported once."""
    write(tmp_path, {"docs": "not a folder\n"})
    result = apply(plan(tmp_path))
    assert not result.ok
    assert codes(result.diagnostics) == ["DG906"]
    assert "is a file, not a folder" in result.diagnostics[0].message
    assert not (tmp_path / "mkdocs.yml").exists()


def test_a_file_changed_since_the_plan_is_not_written(tmp_path: Path) -> None:
    write(tmp_path, {"mkdocs.yml": "site_name: x\n"})
    init = plan(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: changed\n")
    result = apply(init)
    assert codes(result.diagnostics) == ["DG909"]
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: changed\n"


def test_a_file_created_since_the_plan_is_not_overwritten(tmp_path: Path) -> None:
    init = plan(tmp_path)
    write(tmp_path, {"docs/index.md": "# Mine\n"})
    result = apply(init)
    assert result.written == ("mkdocs.yml",)
    assert codes(result.diagnostics) == ["DG909"]
    assert (tmp_path / "docs/index.md").read_text() == "# Mine\n"


def test_an_extended_file_keeps_its_permissions(tmp_path: Path) -> None:
    write(tmp_path, {"mkdocs.yml": "site_name: x\n"})
    (tmp_path / "mkdocs.yml").chmod(0o640)
    apply(plan(tmp_path))
    assert (tmp_path / "mkdocs.yml").stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mkdocs.yml.")]


def test_a_write_error_after_the_checks_is_reported(tmp_path: Path) -> None:
    """mkdocs.yml replaced by a folder between the plan and the writing: an I/O error."""
    write(tmp_path, {"mkdocs.yml": "site_name: x\n"})
    init = plan(tmp_path)
    (tmp_path / "mkdocs.yml").unlink()
    (tmp_path / "mkdocs.yml").mkdir()
    result = apply(init)
    assert result.written == ()
    assert codes(result.diagnostics) == ["DG906"]
    assert "cannot write mkdocs.yml" in result.diagnostics[0].message


# --- the command ---


def test_dry_run_writes_nothing_and_shows_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"mkdocs.yml": "site_name: x\nplugins:\n  - search\n"})
    assert main(["init", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(dry run: nothing is written)" in out
    assert "  extend  mkdocs.yml" in out
    assert "+  - docgen:" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]


def test_init_writes_and_says_what_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The first check's findings are tested in test_baseline_cli.py, with a stand-in stage.
    assert main(["init", str(tmp_path), "--no-check"]) == 0
    err = capsys.readouterr().err
    assert "wrote mkdocs.yml, docs/index.md, .github/workflows/docs.yml" in err
    assert "next: `docgen setup`" in err


def test_the_plan_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "--dry-run", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["action"] for c in data["changes"]] == ["create", "create", "create"]
    assert data["diagnostics"][0]["code"] == "DG901"


def test_a_manual_change_is_shown_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"mkdocs.yml": "site_name: x\nplugins: [search]\n"})
    assert main(["init", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "Add these lines to mkdocs.yml yourself:" in captured.out
    assert "warning[DG903]" in captured.err
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: x\nplugins: [search]\n"


def test_not_a_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "nope")]) == 2
    assert "error[DG905]" in capsys.readouterr().err


def test_a_failed_write_exits_2_with_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {".github": ""})
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("error[DG906]") == 1


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare"
)
def test_a_read_only_folder_is_one_clear_error_and_exit_2(tmp_path: Path) -> None:
    """A real read-only folder: a read-only bind mount in a private mount namespace."""
    root = git_repo(tmp_path / "repo")
    script = f'mount --bind -o ro "$1" "$1" && exec "{sys.executable}" -m docgen init "$1"'
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$1" "$1"', "sh", str(root)],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"no read-only bind mount here: {probe.stderr.decode().strip()}")
    out = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(root)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 2, out.stderr
    errors = [line for line in out.stderr.splitlines() if "error[" in line]
    assert len(errors) == 1
    assert "error[DG906]: cannot write mkdocs.yml" in errors[0]
    assert "is read-only" in errors[0]
    assert sorted(p.name for p in root.iterdir()) == [".git"]


def test_a_workflow_entry_that_cannot_be_read_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows" / "odd.yml").mkdir(parents=True)
    assert actions(tmp_path)[".github/workflows/docs.yml"] == "create"


def test_without_git_on_the_path_there_is_no_remote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = git_repo(tmp_path / "repo", "https://github.com/a/b")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    project, diagnostics = detect(root)
    assert project.remote is None
    assert project.branch == "main"
    assert "no git remote" in diagnostics[-1].message
