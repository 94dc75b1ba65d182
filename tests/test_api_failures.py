"""Modules that can't be imported: one finding per cause, with a hint that fits it.

A package written to a temp dir has modules that need uninstalled third-party modules
(one of them in the project's `standard` extra), a generated `_version.py` that is not
there, code that raises (imported by another module), an import of a name that does not
exist, and a command line parsed on import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from docgen import api
from docgen.api.failures import import_failures
from docgen.config import ApiConfig, DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.model import StageResult

PYPROJECT = """
[project]
name = "shop"
dynamic = ["version"]

[project.optional-dependencies]
standard = ["Fancy-Codec-Not-Here>=1; python_version >= '3'", "not a requirement ["]
docs = "not a list"

[tool.hatch.build.hooks.vcs]
version-file = "shop/_version.py"
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "shop/__init__.py": '"""The shop."""\n',
    "shop/workers.py": '"""Workers."""\n\nimport gunicorn_not_here.arbiter\n',
    "shop/ws.py": '"""Websockets."""\n\nimport os\nfrom gunicorn_not_here import x\n',
    "shop/codec.py": '"""Codec."""\n\nimport fancy_codec_not_here\n',
    "shop/cli/__init__.py": '"""CLI."""\nimport os\n\nfrom shop._version import version\n',
    "shop/cli/build.py": '"""Build."""\n',
    "shop/cli/clean.py": '"""Clean."""\n',
    "shop/broken.py": '"""Broken."""\n\nLIMIT = int("ten")\n',
    "shop/uses.py": '"""Uses broken."""\n\nfrom shop.broken import LIMIT\n',
    "shop/badname.py": '"""Bad name."""\n\nfrom os import no_such_name\n',
    "shop/cmd.py": (
        '"""Parses its command line on import."""\nimport argparse\n\n'
        "parser = argparse.ArgumentParser()\nparser.add_argument('--n', type=int)\n"
        "ARGS = parser.parse_args(['--n', 'x'])\n"
    ),
    "shop/cmd2.py": (
        '"""Sets up its command line on import."""\nimport argparse\n\n'
        "parser = argparse.ArgumentParser()\nparser.add_argument('--n', action='nope')\n"
    ),
}


def make_config(root: Path) -> DocgenConfig:
    api_config = ApiConfig(packages=("shop",), timeout=5.0, source_commit="abc")
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=Path(".cache"),
        api=api_config,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> StageResult:
    root = write(tmp_path_factory.mktemp("shop"), FILES)
    return api.generate(make_config(root))


def finding(result: StageResult, words: str) -> Diagnostic:
    (found,) = [d for d in result.diagnostics if words in d.message]
    return found


def test_a_missing_third_party_module_is_one_warning_for_all_that_need_it(
    built: StageResult,
) -> None:
    found = finding(built, "'gunicorn_not_here'")
    assert (found.code, found.severity) == ("DG613", "warning")
    assert found.message.startswith("2 modules need 'gunicorn_not_here', which is not installed")
    assert "shop.workers, shop.ws" in found.message
    assert found.location is not None
    assert (found.location.path, found.location.line) == ("shop/workers.py", 3)
    assert "install 'gunicorn_not_here' where docgen runs" in (found.hint or "")
    assert "`api: {exclude: [shop.workers, shop.ws]}`" in (found.hint or "")
    assert "__main__" not in (found.hint or "")


def test_the_hint_names_the_extra_that_provides_it(built: StageResult) -> None:
    found = finding(built, "'fancy_codec_not_here'")
    assert found.message.startswith("module 'shop.codec' needs 'fancy_codec_not_here'")
    assert "`pip install shop[standard]`" in (found.hint or "")


def test_a_generated_module_not_there_is_one_error_listing_what_it_held_back(
    built: StageResult,
) -> None:
    found = finding(built, "'shop._version'")
    assert (found.code, found.severity) == ("DG602", "error")
    assert found.message == (
        "3 modules can't be documented: they need 'shop._version', which is not in the "
        "source tree: shop.cli, shop.cli.build, shop.cli.clean"
    )
    assert found.location is not None
    assert (found.location.path, found.location.line) == ("shop/cli/__init__.py", 4)
    assert "pyproject.toml has the build write `shop/_version.py`" in (found.hint or "")


def test_an_error_in_the_packages_code_is_one_error_where_it_is_raised(
    built: StageResult,
) -> None:
    found = finding(built, "invalid literal")
    assert found.code == "DG602"
    assert found.message.startswith("module 'shop.broken' can't be documented: importing it")
    assert found.message.endswith("nor can the module that imports it: shop.uses")
    assert found.location is not None
    assert (found.location.path, found.location.line) == ("shop/broken.py", 3)
    assert "this line raised: fix it" in (found.hint or "")
    assert "__main__" not in (found.hint or "")


def test_an_import_of_a_name_that_is_not_there(built: StageResult) -> None:
    found = finding(built, "no_such_name")
    assert "fix the import" in (found.hint or "")
    assert found.location is not None
    assert (found.location.path, found.location.line) == ("shop/badname.py", 3)


def test_only_a_program_run_on_import_is_told_to_guard_with_main(built: StageResult) -> None:
    found = finding(built, "'shop.cmd'")
    assert "sys.exit(2)" in found.message
    assert "if __name__ == '__main__':" in (found.hint or "")
    raised = finding(built, 'unknown action "nope"')
    assert "if __name__ == '__main__':" in (raised.hint or "")
    assert raised.location is not None
    assert (raised.location.path, raised.location.line) == ("shop/cmd2.py", 5)
    assert built.summary["failed"] == 11


def test_a_cached_event_without_frames_and_a_project_without_pyproject(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    sources = {"a": tmp_path / "a" / "__init__.py", "a.b": tmp_path / "a" / "b.py"}
    events = {
        "a.b": {"module": "a.b", "error": "ValueError: x", "file": str(sources["a.b"]), "line": 2},
        "a.c": {"module": "a.c", "error": "ValueError: x", "file": None, "line": None},
        "a.d": {
            "module": "a.d",
            "error": "ModuleNotFoundError: No module named 'a.gen'",
            "file": str(sources["a"]),
            "line": 1,
            "missing": "a.gen",
        },
        "a.e": {
            "module": "a.e",
            "error": "ModuleNotFoundError: No module named 'a.b'",
            "file": None,
            "line": None,
            "missing": "a.b",
            "frames": [["/elsewhere.py", 3]],
        },
    }
    found = {d.message: d for d in import_failures(config, events, sources)}
    assert "module 'a.b' can't be documented: importing it raised ValueError: x" in found
    assert "module 'a.c' can't be documented: importing it raised ValueError: x" in found
    gen = found[
        "module 'a.d' can't be documented: it needs 'a.gen', which is not in the source tree"
    ]
    assert gen.hint is not None
    assert gen.hint.startswith("create `a/gen.py` or fix the import")
    there = found["module 'a.e' can't be documented: it needs 'a.b', which can't be found"]
    assert there.location is None
    assert import_failures(config, {}, sources) == []
    for broken in ("[project\n", "[project]\noptional-dependencies = 'x'\n"):
        (tmp_path / "pyproject.toml").write_text(broken, encoding="utf-8")
        assert len(import_failures(config, events, sources)) == 4


def test_a_group_raised_outside_the_documented_modules(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    sources = {"a.x": tmp_path / "a" / "x.py", "a.y": tmp_path / "a" / "y.py"}
    helper = str(tmp_path / "helper.py")
    events = {
        name: {
            "module": name,
            "error": "KeyError: 'k'",
            "file": helper,
            "line": 7,
            "frames": [[helper, 7]],
        }
        for name in sources
    }
    (found,) = import_failures(config, events, sources)
    assert (
        found.message
        == "2 modules can't be documented: importing them raised KeyError: 'k': a.x, a.y"
    )
    assert found.location is not None
    assert found.location.path == "helper.py"
