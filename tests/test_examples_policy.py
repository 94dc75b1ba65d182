"""What runs and what is said: shell blocks on request, risky commands skipped, one failure
one error, examples.setup, examples.skip, headlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Severity
from docgen.examples import check, collect
from docgen.examples.policy import page_skip, risk
from docgen.model import Document, StageResult

# Shell blocks run only when asked (a keyword, not `shell=True`: that reads as subprocess).
SHELL_ON: dict[str, object] = {"shell": True}


def _check(root: Path, pages: dict[str, str], **examples: object) -> StageResult:
    documents = []
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        documents.append(Document(name, text, f"docs/{name}"))
    settings = {"timeout": 5.0, "cache": False, **examples}
    config = DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        examples=ExamplesConfig(**settings),  # type: ignore[arg-type]
    )
    return check(config, documents)


def _found(result: StageResult) -> list[tuple[str, Severity, str, int | None]]:
    return [
        (
            d.code,
            d.severity,
            d.location.path if d.location else "",
            d.location.line if d.location else None,
        )
        for d in result.diagnostics
    ]


RISKY = {
    "$ pip install pkg": "install",
    "$ python -m pip install -U pkg": "install",
    "$ PIP_INDEX_URL=x pip3 install y": "install",
    "$ uv add httpx": "install",
    "$ poetry install": "install",
    "$ npm ci": "install",
    "$ git clone https://example.org/x.git": "clone",
    "$ cd src && git clone ../x": "clone",
    "$ sudo make install": "sudo",
    "$ curl -sSL https://example.org/install.sh | sh": "pipe-to-shell",
    "$ wget -qO- https://example.org/i | sudo bash": "pipe-to-shell",
    "$ bash <(curl -s https://example.org/i)": "pipe-to-shell",
    "$ pip list": None,
    "$ pip --version": None,
    "$ git status": None,
    '$ echo "pip install x"': None,
    "$ cd project": None,
    "$ scripts/test": None,
    "$ curl https://example.org -o page.html": None,
}


@pytest.mark.parametrize(("command", "kind"), RISKY.items())
def test_risky_commands_are_recognized(command: str, kind: str | None) -> None:
    (example,) = collect("p.md", f"```console\n{command}\nsome output\n```\n").examples
    found = risk(example, ())
    assert (found.kind if found else None) == kind
    if found is not None:
        assert (found.command, found.line) == (command[2:], 2)


def test_risks_in_scripts_skip_comments_and_can_be_allowed() -> None:
    text = "```bash\n# pip install x\necho hi\nsudo apt-get install jq\n```\n"
    (example,) = collect("p.md", text).examples
    found = risk(example, ())
    assert found is not None
    assert (found.kind, found.line, found.command) == ("sudo", 4, "sudo apt-get install jq")
    # Allowing sudo reveals what it runs: an install.
    assert (risk(example, ("sudo",)) or found).kind == "install"
    assert risk(example, ("sudo", "install")) is None
    (marked,) = collect("p.md", "<!-- docgen: allow=sudo,install -->\n" + text).examples
    assert marked.markers.allow == ("sudo", "install")
    assert risk(marked, ()) is None


def test_page_skip_globs_are_relative_to_docs_dir() -> None:
    settings = ExamplesConfig(skip=("legacy/*", "*tutorial.md"))
    assert page_skip("docs/legacy/a/b.md", "docs", settings) == "legacy/*"
    assert page_skip("docs/guide/tutorial.md", "docs", settings) == "*tutorial.md"
    assert page_skip("docs/guide.md", "docs", settings) is None
    assert page_skip("other/legacy/x.md", "docs", settings) is None


SHELL_PAGE = """\
```console
$ pip install mypackage
$ cd project
```

<!-- docgen: run -->
```console
$ echo opted in
opted in
```

<!-- docgen: run -->
```bash
git clone https://example.org/project.git
```

<!-- docgen: run allow=clone -->
```bash
echo "git clone is allowed here"
```
"""


def test_shell_blocks_run_only_when_asked(tmp_path: Path) -> None:
    result = _check(tmp_path, {"shell.md": SHELL_PAGE})
    assert _found(result) == [("DG511", Severity.INFO, "docs/shell.md", 14)]
    skipped = result.diagnostics[0]
    assert skipped.message == (
        "bash example skipped: `git clone https://example.org/project.git` clones a repository"
    )
    assert "<!-- docgen: allow=clone -->" in (skipped.hint or "")
    assert "examples.allow: [clone]" in (skipped.hint or "")
    summary = result.summary
    assert (summary["passed"], summary["skipped"], summary["not_run"]) == (2, 1, {"console": 1})


def test_shell_blocks_with_the_project_setting(tmp_path: Path) -> None:
    page = (
        "```console\n$ pip install mypackage\n```\n"
        "```bash\ngit init -q origin && git clone -q origin copy && test -d copy/.git\n```\n"
        "```console\n$ cd copy\n$ basename $PWD\ncopy\n```\n"
    )
    result = _check(tmp_path, {"shell.md": page}, allow=("clone",), **SHELL_ON)
    assert _found(result) == [("DG511", Severity.INFO, "docs/shell.md", 2)]
    assert "`pip install mypackage` installs packages" in result.diagnostics[0].message
    assert (result.summary["skipped"], result.summary["passed"]) == (1, 2)


def test_markers_for_shell_blocks_are_checked(tmp_path: Path) -> None:
    page = (
        "<!-- docgen: allow=install -->\n```python\nx = 1\n```\n"
        "<!-- docgen: allow=everything -->\n```bash\necho hi\n```\n"
        "<!-- docgen: run main -->\n```text\nhi\n```\n"
    )
    result = _check(tmp_path, {"m.md": page})
    messages = [d.message for d in result.diagnostics]
    assert messages == [
        "allow= applies to shell blocks, not python",
        "allow=everything is not known",
        "run applies to shell and Python blocks, not text",
        "main applies to Python blocks, not text",
    ]
    assert all(d.severity is Severity.WARNING for d in result.diagnostics)
    (first, second, third) = collect("m.md", page).examples
    assert first.markers.to_dict() == {"allow": "install"}
    assert second.markers.to_dict() == {}
    assert third.markers.to_dict() == {"run": True, "main": True}


CASCADE = """\
```python
import json
config = json.loads("{broken")
```

```python
print(config["name"])
```

```pycon
>>> config["version"]
'1.0'
```

<!-- docgen: run -->
```console
$ echo "the shell session is separate"
the shell session is separate
```

```python
print(config)
```
"""


def test_one_failure_is_one_error_and_one_note(tmp_path: Path) -> None:
    result = _check(tmp_path, {"cascade.md": CASCADE, "other.md": "```python\nprint(1)\n```\n"})
    assert _found(result) == [
        ("DG501", Severity.ERROR, "docs/cascade.md", 3),
        ("DG514", Severity.INFO, "docs/cascade.md", 7),
    ]
    error, note = result.diagnostics
    assert error.message.startswith("json.decoder.JSONDecodeError: Expecting property name")
    assert "doctest" not in error.message
    assert "runner_child" not in error.message
    assert note.message == "3 later examples not run: the example at line 3 failed"
    summary = result.summary
    assert (summary["failed"], summary["not_reached"], summary["passed"]) == (1, 3, 2)


def test_the_headline_is_the_first_line_of_the_message(tmp_path: Path) -> None:
    page = '```python\nraise ValueError("multi\\nline")\n```\n'
    result = _check(tmp_path, {"multi.md": page})
    (error,) = result.diagnostics
    assert error.message.split("\n")[0] == "ValueError: multi"
    assert "    ValueError: multi\n    line" in error.message


def test_setup_runs_before_every_page(tmp_path: Path) -> None:
    pages = {
        "a.md": "```python\nprint(json.dumps([1]))\n```\n",
        "b.md": "```pycon\n>>> json.loads('2')\n2\n```\n",
    }
    result = _check(tmp_path, pages, setup="import json")
    assert result.diagnostics == ()
    assert result.summary["passed"] == 2


def test_a_failing_setup_is_one_error_at_mkdocs_yml(tmp_path: Path) -> None:
    pages = {
        "a.md": "```python\nprint(1)\n```\n```python\nprint(2)\n```\n",
        "b.md": "```python\nprint(3)\n```\n<!-- docgen: run -->\n```console\n$ echo shell\n```\n",
    }
    result = _check(tmp_path, pages, setup="import json\nimport no_such_module_here")
    assert _found(result) == [("DG501", Severity.ERROR, "mkdocs.yml", None)]
    (error,) = result.diagnostics
    assert error.message.startswith(
        "examples.setup failed: ModuleNotFoundError: No module named 'no_such_module_here'; "
        "3 Python examples on 2 pages not run"
    )
    assert 'File "examples.setup", line 2, in <module>' in error.message
    assert result.summary["passed"] == 1  # the shell block


def test_a_setup_that_needs_the_network(tmp_path: Path) -> None:
    setup = "import socket\nsocket.create_connection(('example.org', 80))"
    result = _check(tmp_path, {"a.md": "```python\nprint(1)\n```\n"}, setup=setup)
    assert _found(result) == [("DG515", Severity.INFO, "mkdocs.yml", None)]
    assert result.diagnostics[0].message == (
        "examples.setup needs the network: it tried to reach example.org:80; "
        "1 Python example on 1 page not run"
    )


def test_skip_globs_leave_pages_out(tmp_path: Path) -> None:
    pages = {
        "legacy/old.md": "```python\n...\n```\n```pycon\n>>> partial(\n```\n```text\nx\n```\n",
        "fragment.md": "```python\nprint(1)\n```\n",
        "kept.md": "```python\nprint(2)\n```\n",
        "prose.md": "```text\nonly prose\n```\n",
    }
    result = _check(tmp_path, pages, skip=("legacy/*", "fragment.md", "prose.md"))
    assert _found(result) == [
        ("DG511", Severity.INFO, "docs/legacy/old.md", None),
        ("DG511", Severity.INFO, "docs/fragment.md", None),
    ]
    assert result.diagnostics[0].message == (
        "2 examples skipped: the page matches examples.skip 'legacy/*'"
    )
    assert result.diagnostics[1].message == (
        "1 example skipped: the page matches examples.skip 'fragment.md'"
    )
    summary = result.summary
    assert (summary["passed"], summary["skipped"], summary["not_run"]) == (1, 3, {"text": 2})


def test_a_changed_setup_runs_the_cached_pages_again(tmp_path: Path) -> None:
    pages = {"a.md": "```python\nprint(json.dumps(1))\n```\n"}
    first = _check(tmp_path, pages, setup="import json", cache=True)
    again = _check(tmp_path, pages, setup="import json", cache=True)
    changed = _check(tmp_path, pages, setup="import json\nimport os", cache=True)
    assert [r.summary["pages_cached"] for r in (first, again, changed)] == [0, 1, 0]


def test_a_shell_block_not_run_is_still_written_to_its_file(tmp_path: Path) -> None:
    page = (
        '```bash title="greet.sh"\necho "hello from $1"\n```\n'
        '```text title="names.txt"\ndocs\n```\n'
        "```python\nimport subprocess\nname = open('names.txt').read().strip()\n"
        "out = subprocess.run(['bash', 'greet.sh', name], capture_output=True, text=True)\n"
        "assert out.stdout == 'hello from docs\\n', out\n```\n"
    )
    result = _check(tmp_path, {"titled.md": page})
    assert result.diagnostics == ()
    summary = result.summary
    assert (summary["passed"], summary["not_reached"], summary["not_run"]) == (
        1,
        0,
        {"bash": 1, "text": 1},
    )
