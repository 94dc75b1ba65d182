"""The Markdown reader, case by case: fixture files in markdown-it-py's style.

Each case in `tests/fixtures/markdown/*.md` is a title line, `.`, the Markdown, `.`, what
`docgen.markdown.read` returns as one line a part (see `render`), `.`. The test id is the
case's line in its file. To see what the reader makes of a new case, print `render` of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from docgen import markdown
from docgen.markdown import Page, front_matter, info_string, read

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def _q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def render(page: Page) -> str:
    """One line a part of the page: front matter, headings, links, fences (and their
    bodies, `|`-prefixed), code spans, HTML, containers, footnotes, terms, indented code."""
    out: list[str] = []
    matter = page.front_matter
    if matter.lines or matter.data or matter.error:
        error = f" error={_q(matter.error.split(':')[0])}" if matter.error else ""
        out.append(f"front_matter lines={matter.lines} data={_q(dict(matter.data))}{error}")
    for h in page.headings:
        extra = (f" #{h.anchor}" if h.anchor else "") + "".join(f" .{c}" for c in h.classes)
        out.append(f"heading {h.level} {_q(h.text)} line={h.line}{extra}")
    for link in page.links:
        out.append(f"{link.kind} {_q(link.target)} {_q(link.text)} line={link.line}")
    for f in page.fences:
        attrs = "".join(f" {k}={_q(v)}" for k, v in f.attributes.items())
        out.append(
            f"fence {f.line}-{f.end_line} body={f.body_line} {f.markup} info={_q(f.info)} "
            f"language={_q(f.language)}{attrs} indent={_q(f.indent)} in={f.container} "
            f"closed={f.closed}"
        )
        out += [f"| {line}".rstrip() for line in f.body.split("\n")[:-1]]
    for s in page.code_spans:
        out.append(f"code {_q(s.text)} {s.line}:{s.column}-{s.end_line}:{s.end_column} {s.markup}")
    for h in page.html:
        out.append(f"html {'block' if h.block else 'inline'} {h.line}-{h.end_line} {_q(h.text)}")
    for c in page.containers:
        out.append(f"container {c.kind} {_q(c.type)} {_q(c.title)} {c.line}-{c.end_line}")
    for note in page.footnotes:
        out.append(f"footnote {_q(note.label)} line={note.line}")
    for block in page.blocks:
        if block.kind in ("term", "code"):
            out.append(f"{block.kind} {block.line}-{block.end_line}")
    return "".join(f"{line}\n" for line in out)


CASES = [
    pytest.param(file, title, text, expected, id=f"{file.stem}:{line}")
    for file in sorted(FIXTURES.glob("*.md"))
    for line, title, text, expected in read_fixture_file(file)
]


@pytest.mark.parametrize(("file", "title", "text", "expected"), CASES)
def test_fixture(file: Path, title: str, text: str, expected: str) -> None:
    assert render(read(text)) == expected, f"{file.name}: {title}"


def test_every_fixture_file_has_cases() -> None:
    files = sorted(FIXTURES.glob("*.md"))
    assert {f.stem for f in files} >= {"blocks", "code_spans", "fences", "front_matter"}
    assert all(read_fixture_file(f) for f in files)


def test_a_page_is_parsed_once_per_text() -> None:
    text = "# Once\n\n```py\nx = 1\n```\n"
    assert read(text) is read(text)
    assert read(text) is not read(text + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02# \x00heading\n\n```\x00\n\x00\n",
        "\ufffd\ufffd[\x00](\x00)\n`\x07`\n<a href='\x00'>",
        "---\n\x00: [\n---\n" + "`" * 5000 + "\n" + "[" * 2000 + "\n" + "!!! " * 500,
        "\r\n".join(["!!! note", "    ```py", "    x", "    ```", "", "after"]),
        "=== \n===\n!!!\n???+\n=== no quotes\n",
    ],
)
def test_bad_input_never_raises(text: str) -> None:
    page = read(text)
    assert all(h.line >= 1 for h in page.headings)
    assert all(1 <= f.line <= f.end_line for f in page.fences)


def test_line_endings_do_not_move_lines() -> None:
    crlf = read("---\r\ntitle: A\r\n---\r\n# H\r\n\r\n```py\r\nx\r\n```\r\n")
    assert crlf.front_matter.data == {"title": "A"}
    assert (crlf.headings[0].line, crlf.fences[0].line, crlf.fences[0].body) == (4, 6, "x\n")


def test_front_matter_function() -> None:
    assert front_matter("---\ntitle: A\n---\n# A\n") == ({"title": "A"}, 3)
    assert front_matter("# A\n") == ({}, 0)
    assert front_matter("---\ntitle: [A\n---\n") == ({}, 3)
    assert front_matter("---\n- a\n---") == ({}, 3)
    assert front_matter("---\r\n1: one\r\n...\r\n") == ({"1": "one"}, 3)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("python", ("python", ())),
        ('py title="app.py" hl_lines="1 2"', ("py", (("title", "app.py"), ("hl_lines", "1 2")))),
        ('{.python .annotate title="a.py"}', ("python", (("title", "a.py"),))),
        ('bash "unbalanced', ("bash", ())),
        ("", ("", ())),
    ],
)
def test_info_string(info: str, expected: tuple[str, tuple[tuple[str, str], ...]]) -> None:
    assert info_string(info) == expected


def test_public_api_is_documented() -> None:
    for name in markdown.__all__:
        assert getattr(markdown, name).__doc__, name
