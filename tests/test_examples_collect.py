"""Collecting examples: languages, containers, markers, exact lines; comparing; updating."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.config import DocgenConfig
from docgen.examples import collect, collect_folder, compare, dump, update
from docgen.examples.collect import Example, iter_runnable, language_of


def _one(text: str) -> Example:
    page = collect("docs/p.md", text)
    assert len(page.examples) == 1, page
    return page.examples[0]


@pytest.mark.parametrize(
    ("info", "language", "attributes"),
    [
        ("python", "python", {}),
        ("py", "python", {}),
        ("Python3", "python", {}),
        ('python title="app.py" linenums="1"', "python", {"title": "app.py", "linenums": "1"}),
        ("{.python .annotate}", "python", {}),
        ('{ .py title="x y.py" }', "python", {"title": "x y.py"}),
        ("pycon", "pycon", {}),
        ("shell-session", "console", {}),
        ("sh", "bash", {}),
        ("yml", "yaml", {}),
        ("mermaid", "mermaid", {}),
        ("", "", {}),
        ('python title="unbalanced', "python", {"title": '"unbalanced'}),
    ],
)
def test_language_of_reads_info_strings(
    info: str, language: str, attributes: dict[str, str]
) -> None:
    assert language_of(info) == (language, attributes)


def test_lines_are_exact_and_code_is_kept() -> None:
    text = "# Title\n\nText.\n\n```python\nx = 1\ny = 2\n```\n"
    example = _one(text)
    assert (example.line, example.code_line, example.end_line) == (5, 6, 8)
    assert example.code == "x = 1\ny = 2\n"
    assert example.closed
    assert example.indent == ""


def test_fences_in_admonitions_and_tabs_keep_their_lines() -> None:
    text = (
        "!!! note\n"  # 1
        "    Some text.\n"  # 2
        "\n"  # 3
        "    ```python\n"  # 4
        "    a = 1\n"  # 5
        "    ```\n"  # 6
        "\n"  # 7
        '=== "Tab one"\n'  # 8
        "\n"  # 9
        "    ??? tip\n"  # 10
        "        ```bash\n"  # 11
        "        echo hi\n"  # 12
        "        ```\n"  # 13
        '=== "Tab two"\n'  # 14
        "    ```console\n"  # 15
        "    $ echo x\n"  # 16
        "    x\n"  # 17
        "    ```\n"  # 18
        "```python\n"  # 19
        "top = 1\n"  # 20
        "```\n"  # 21
    )
    page = collect("docs/p.md", text)
    found = [(e.language, e.line, e.code_line, e.indent, e.code) for e in page.examples]
    assert found == [
        ("python", 4, 5, "    ", "a = 1\n"),
        ("bash", 11, 12, "        ", "echo hi\n"),
        ("console", 15, 16, "    ", "$ echo x\nx\n"),
        ("python", 19, 20, "", "top = 1\n"),
    ]


def test_admonition_syntax_inside_a_fence_is_left_alone() -> None:
    text = "```markdown\n!!! note\n    ```python\n    x\n    ```\n```\n"
    (example,) = collect("docs/p.md", text).examples
    assert example.language == "markdown"
    assert example.code == "!!! note\n    ```python\n    x\n    ```\n"


def test_lists_and_quotes_give_the_prefix_to_write_back() -> None:
    text = "- item\n\n    ```console\n    $ echo a\n    a\n    ```\n\n> ```py\n> x = 1\n> ```\n"
    page = collect("docs/p.md", text)
    assert [(e.language, e.indent) for e in page.examples] == [
        ("console", "    "),
        ("python", "> "),
    ]


def test_python_block_that_is_a_session_is_run_as_pycon() -> None:
    assert _one("```python\n>>> 1 + 1\n2\n```\n").language == "pycon"


def test_markers_attach_to_the_next_block() -> None:
    text = (
        '<!-- docgen: skip reason="needs network" -->\n'
        "```python\nimport requests\n```\n"
        "<!-- docgen: raises=ValueError timeout=30 -->\n"
        "```python\nraise ValueError\n```\n"
        "<!-- docgen: exit=2 -->\n```bash\nexit 2\n```\n"
        "<!-- docgen: output=ignore -->\n```console\n$ date\nMonday\n```\n"
        "<!-- docgen: skip -->\n```python\nx\n```\n"
    )
    page = collect("docs/p.md", text)
    markers = [e.markers.to_dict() for e in page.examples]
    assert markers == [
        {"skip": "needs network"},
        {"raises": "ValueError", "timeout": 30.0},
        {"exit": 2},
        {"output": "ignore"},
        {"skip": "skipped by a marker"},
    ]
    assert page.problems == ()
    assert [e.line for e in iter_runnable(page)] == [6, 10, 14]


def test_skip_ranges() -> None:
    text = (
        '<!-- docgen: skip-start reason="slow" -->\n'
        "```python\na\n```\n```bash\nb\n```\n"
        "<!-- docgen: skip-end -->\n"
        "```python\nc\n```\n"
    )
    page = collect("docs/p.md", text)
    assert [e.skip_reason for e in page.examples] == ["slow", "slow", None]


def test_setup_block_is_hidden_and_keeps_its_lines() -> None:
    text = (
        "Intro\n\n"  # 1-2
        "<!-- docgen: setup\n"  # 3
        "```python\n"  # 4
        "import json\n"  # 5
        "```\n"  # 6
        "-->\n"  # 7
        "```python\nprint(json)\n```\n"  # 8-10
    )
    page = collect("docs/p.md", text)
    first, second = page.examples
    assert (first.line, first.code_line, first.markers.setup) == (4, 5, True)
    assert first.code == "import json\n"
    assert (second.line, second.markers.setup) == (8, False)
    assert first.to_dict()["markers"] == {"setup": True}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- docgen: skipp -->\n```python\nx\n```\n", "unknown marker `skipp`"),
        ('<!-- docgen: skip reason="x -->\n```python\nx\n```\n', "unbalanced quotes"),
        ("<!-- docgen: timeout=soon -->\n```python\nx\n```\n", "not a positive number"),
        ("<!-- docgen: timeout=-1 -->\n```python\nx\n```\n", "not a positive number"),
        ("<!-- docgen: exit=two -->\n```bash\nx\n```\n", "not a whole number"),
        ("<!-- docgen: exit=2 -->\n```python\nx\n```\n", "exit= applies to bash"),
        ("<!-- docgen: raises=E -->\n```bash\nx\n```\n", "raises= applies to python"),
        ("<!-- docgen: output=sorted -->\n```console\n$ x\n```\n", "output=sorted"),
        ("<!-- docgen: skip -->\n\nNo block follows.\n", "not followed by a code block"),
        ("<!-- docgen: skip-end -->\n", "skip-end without skip-start"),
        (
            "<!-- docgen: skip-start -->\n<!-- docgen: skip-start -->\n",
            "skip-start inside a skipped range",
        ),
        ("<!-- docgen: setup\nno fence here\n-->\n", "holds no fenced code block"),
    ],
)
def test_bad_markers_are_reported_at_their_line(text: str, message: str) -> None:
    page = collect("docs/p.md", text)
    assert len(page.problems) == 1, page.problems
    problem = page.problems[0]
    assert message in problem.message
    assert problem.line in (1, 2)
    assert problem.hint


def test_unclosed_fence_is_found() -> None:
    page = collect("docs/p.md", "# T\n\n```python\nx = 1\n\nMore prose\n")
    (example,) = page.examples
    assert not example.closed
    assert example.line == 3
    assert list(iter_runnable(page)) == []


def test_fence_closed_by_its_list_item_is_not_unclosed() -> None:
    page = collect("docs/p.md", "- ```python\n  x = 1\n\nAfter the list.\n")
    assert page.examples[0].closed


def test_titles_that_are_file_names_are_kept() -> None:
    page = collect(
        "docs/p.md",
        '```python title="pkg/app.py"\nx\n```\n'
        '```python title="An example"\nx\n```\n'
        '```yaml title="../escape.yaml"\nx: 1\n```\n'
        '```text title="input.txt"\nhello\n```\n',
    )
    assert [e.title for e in page.examples] == ["pkg/app.py", None, None, "input.txt"]
    assert [e.language for e in iter_runnable(page)] == ["python", "python", "text"]


def test_pyi_blocks_are_skipped_with_a_reason() -> None:
    assert _one("```pyi\ndef f() -> int: ...\n```\n").skip_reason == (
        "type stubs (pyi) are not executed"
    )


def test_windows_newlines_keep_line_numbers() -> None:
    example = _one("a\r\n\r\n```python\r\nx = 1\r\n```\r\n")
    assert (example.line, example.code) == (3, "x = 1\n")


# -- compare -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "got", "same"),
    [
        (["a", "b"], "a\nb\n", True),
        (["a  ", "", ""], "a", True),
        (["\x1b[31mred\x1b[0m"], "red", True),
        (["Installed ... packages"], "Installed 12 packages", True),
        (["start", "...", "end"], "start\nx\ny\nend", True),
        (["...end"], "the end", True),
        (["start..."], "starting", True),
        (["a...b...c"], "a-b-c", True),
        (["a...b...c"], "a-c-b", False),
        (["x...y"], "xy-x", False),
        (["ab...ba"], "aba", False),
        (["a"], "b", False),
        (["start..."], "nope", False),
    ],
)
def test_matches_like_doctest(expected: list[str], got: str, same: bool) -> None:
    assert compare.matches(expected, got) is same


def test_diff_is_unified() -> None:
    assert compare.diff(["a", "b"], "a\nc\n") == (
        "--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n a\n-b\n+c"
    )


# -- update ------------------------------------------------------------------------


def test_update_rewrites_only_the_output_lines(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"!!! note\r\n    ```console\r\n    $ echo a\r\n    b\r\n    ```\r\nend\r\n")
    stale = update.apply(page, [update.Replacement(4, ("b",), ("a", "", "c"), "    ")])
    assert stale == []
    assert page.read_bytes() == (
        b"!!! note\r\n    ```console\r\n    $ echo a\r\n    a\r\n\r\n    c\r\n    ```\r\nend\r\n"
    )


def test_update_leaves_a_changed_file_alone(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("```console\n$ echo a\nsomething else\n```\n", encoding="utf-8")
    item = update.Replacement(3, ("b",), ("a",))
    assert update.apply(page, [item]) == [item]
    gone = update.Replacement(9, ("b",), ("a",))
    assert update.apply(page, [gone]) == [gone]
    assert page.read_text(encoding="utf-8") == "```console\n$ echo a\nsomething else\n```\n"


# -- dump --------------------------------------------------------------------------


def test_dump_lists_examples_and_reports_non_utf8_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "index.md").write_text(
        "<!-- docgen: timeout=5 -->\n```python\nx = 1\n```\n<!-- docgen: nope -->\n",
        encoding="utf-8",
    )
    (docs / "sub" / "other.md").write_text("```yaml\na: 1\n```\n", encoding="utf-8")
    (docs / "latin1.md").write_bytes("ok\n\ncaf\xe9\n".encode("latin-1"))
    config = DocgenConfig(root=tmp_path, docs_dir=docs, site_dir=tmp_path / "site")
    result = dump(config, [])
    json.dumps(result)
    assert result["examples"] == [
        {
            "file": "docs/index.md",
            "line": 2,
            "end_line": 4,
            "language": "python",
            "info": "python",
            "markers": {"timeout": 5.0},
            "title": None,
            "lines": 1,
        },
        {
            "file": "docs/sub/other.md",
            "line": 1,
            "end_line": 3,
            "language": "yaml",
            "info": "yaml",
            "markers": {},
            "title": None,
            "lines": 1,
        },
    ]
    assert result["problems"] == [
        {"file": "docs/index.md", "line": 5, "message": "unknown marker `nope`"}
    ]
    (diagnostic,) = result["diagnostics"]  # type: ignore[misc]
    assert (diagnostic["code"], diagnostic["file"], diagnostic["line"]) == (
        "DG509",
        "docs/latin1.md",
        3,
    )
    only = dump(config, ["other.md"])
    assert [e["file"] for e in only["examples"]] == ["docs/sub/other.md"]  # type: ignore[attr-defined]
    pages, diagnostics = collect_folder(config)
    assert [p.path for p in pages] == ["docs/index.md", "docs/sub/other.md"]
    assert len(diagnostics) == 1
