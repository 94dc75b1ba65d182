"""Text from a repository shows as written wherever it lands, and never becomes markup.

The helpers of `docgen.escape` one by one; the renderers that use them (GitHub workflow
commands, JUnit, the step summary, the quality page); then one site built with every
stage on from a repository that plants `<script>alert(N)</script>` (and `"`, `'`, `]`,
`|`, `%0A`, newlines) through every source: no script element, no event handler, and each
planted string shown as text on its page.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown as python_markdown
import pytest
from conftest import write
from lxml import html as lxml_html

from docgen import escape
from docgen.diagnostics import (
    Diagnostic,
    Location,
    Severity,
    render_github,
    render_junit,
    render_summary,
)
from docgen.engines.mkdocs.nav import striptags as _striptags
from docgen.mkdocs_plugin import build_site
from docgen.model import StageResult
from docgen.report import build_report, quality_page

HOSTILE = "<script>alert(0)</script> </title> \" ' ] | %0A [x](y) *b* `c` & &amp; #h"


def test_html_escapes_text_and_quoted_attributes() -> None:
    out = escape.html(HOSTILE)
    assert "<" not in out
    assert '"' not in out
    assert "'" not in out
    assert lxml_html.fromstring(f'<p title="{out}">{out}</p>').text == HOSTILE
    assert lxml_html.fromstring(f'<p title="{out}">x</p>').get("title") == HOSTILE


def _rendered(markdown: str) -> str:
    return python_markdown.markdown(markdown, extensions=["tables", "attr_list"])


def test_markdown_is_one_line_of_text_in_prose_a_heading_or_a_cell() -> None:
    text = HOSTILE + "\nsecond line\r\nthird"
    out = escape.markdown(text)
    assert "\n" not in out
    expected = " ".join(text.split())
    for markdown in (out, f"# {out}", f"| a |\n|---|\n| {out} |"):
        page = lxml_html.fromstring(_rendered(markdown))
        assert page.xpath("//script") == []
        assert " ".join(page.text_content().split()).endswith(expected)
    cells = lxml_html.fromstring(_rendered(f"| a | b |\n|---|---|\n| {out} | z |"))
    assert [c.text_content() for c in cells.iter("td")] == [" ".join(text.split()), "z"]


def test_code_is_inline_code_anywhere() -> None:
    out = escape.code(HOSTILE)
    cells = lxml_html.fromstring(_rendered(f"| a | b |\n|---|---|\n| {out} | z |"))
    assert [c.text_content() for c in cells.iter("td")] == [HOSTILE, "z"]
    assert [c.text_content() for c in cells.iter("code")] == [HOSTILE]


def test_markdown_prose_keeps_formatting_and_shows_html_as_text() -> None:
    page = lxml_html.fromstring(_rendered(escape.markdown_prose("*keep* <script>x</script> &amp;")))
    assert page.xpath("//script") == []
    assert page.xpath("//em/text()") == ["keep"]
    assert page.text_content() == "keep <script>x</script> &amp;"


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x]( JavaScript:alert(1) 'title')",
        "![x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](<javascript:alert(1)>)",
        "[x](java&#9;script:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](\njavascript:alert(1))",
    ],
)
def test_markdown_prose_links_run_nothing(link: str) -> None:
    page = lxml_html.fromstring(f"<div>{_rendered(escape.markdown_prose(link))}</div>")
    urls = [u.strip() for e in page.iter("a", "img") for u in (e.get("href"), e.get("src")) if u]
    assert urls
    assert not [u for u in urls if re.match(r"[a-z][a-z0-9+.-]*:", u, re.I)]  # relative, all


def test_markdown_prose_keeps_web_and_mail_links() -> None:
    page = lxml_html.fromstring(
        _rendered(escape.markdown_prose("[a](https://x.org/a:b) [m](mailto:a@b.c) [r](../r.md)"))
    )
    assert [a.get("href") for a in page.iter("a")] == [
        "https://x.org/a:b",
        "mailto:a@b.c",
        "../r.md",
    ]


def test_mermaid_label_is_one_quoted_label() -> None:
    out = escape.mermaid_label('a"]-->b\n#c <d> `e` &f')
    assert out == '"a#quot;]--#gt;b #35;c #lt;d#gt; #96;e#96; #amp;f"'
    assert out.count('"') == 2


def _decode_github(data: str) -> str:
    return (
        data.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def test_github_commands_keep_one_line_and_the_text() -> None:
    message = "bad <b>\n::error::injected\r\n%0A, colon: 100%"
    path = "docs/a,b:c%0A.md"
    (line,) = render_github(
        [Diagnostic("DG301", Severity.ERROR, message, Location(path, 3), hint="fix %0A")]
    ).splitlines()
    command, props, data = re.fullmatch(r"::(\w+) (.*?)::(.*)", line).groups()  # type: ignore[union-attr]
    assert command == "error"
    assert _decode_github(data) == message + "\nfix %0A"
    file = dict(p.split("=", 1) for p in props.split(","))["file"]
    assert _decode_github(file) == path
    assert escape.github_property("a,b:c") == "a%2Cb%3Ac"


def test_junit_is_well_formed_xml_that_keeps_the_text() -> None:
    message = '<script>alert(1)</script> & "q" ]]> \x1b[31mred\x1b[0m \x00'
    found = Diagnostic(
        "DG501", Severity.ERROR, message, Location("docs/<a>.md", 2), stage="examples"
    )
    root = ET.fromstring(render_junit([found]))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    clean = message.replace("\x1b", "\ufffd").replace("\x00", "\ufffd")
    assert failure.get("message") == clean
    assert clean in (failure.text or "")
    assert root.find("testsuite/testcase").get("name") == "DG501 docs/<a>.md:2"  # type: ignore[union-attr]
    assert escape.xml("tab\tnew\nline\r") == "tab\tnew\nline\r"


def test_step_summary_and_quality_page_show_the_text() -> None:
    found = Diagnostic(
        "DG501",
        Severity.ERROR,
        HOSTILE + "\nline",
        Location("docs/`x`|<y>.md", 4),
        stage="examples",
    )
    summary = render_summary([found])
    report = build_report(
        [StageResult("examples")],
        diagnostics=[found],
        seconds=1.0,
        offline=True,
        strict=False,
        available=["examples"],
    )
    for markdown in (summary, quality_page(report)):
        page = lxml_html.fromstring(_rendered(markdown))
        assert page.xpath("//script") == []
        cells = [" ".join(c.text_content().split()) for c in page.iter("td")]
        assert "docs/`x`|<y>.md:4" in cells
        assert any(c.startswith(" ".join((HOSTILE + " line").split())) for c in cells)


def test_striptags_keeps_a_title_escaped() -> None:
    title = escape.html("a </title><script>alert(1)</script> & b")
    out = _striptags(title)
    assert "<" not in out
    shown = lxml_html.fromstring(f"<html><head><title>{out}</title></head></html>")
    assert shown.findtext(".//title") == "a </title><script>alert(1)</script> & b"
    assert str(_striptags("<b>bold</b> &amp; plain")) == "bold &amp; plain"


# -- every source, every sink: one site ---------------------------------------------------


def planted(n: int) -> str:
    """What each source plants: a script element, quotes, a bracket, a pipe, `%0A`."""
    return f"<script>alert({n})</script> </title> \" ' ] | %0A"


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


SOURCES = {
    "mkdocs.yml": """\
        site_name: Hostile
        theme: {name: material}
        plugins:
          - search
          - docgen:
              api: {packages: [hostile]}
              links: {external: false}
        """,
    "docs/index.md": "# Home\n\nWelcome.\n",
    "docs/front.md": (
        f"---\ntitle: {_yaml(planted(17))}\ndescription: {_yaml(planted(18))}\n---\n\nText.\n"
    ),
    "docs/examples.md": f"# Examples\n\n```python\nraise ValueError({planted(15)!r})\n```\n",
    ".github/workflows/hostile.yml": f"""\
        # {planted(7)}
        # [a link](javascript:alert(19))
        name: {_yaml(planted(1) + chr(10) + "second line")}
        on:
          workflow_dispatch:
            inputs:
              x:
                description: {_yaml(planted(4))}
                default: {_yaml(planted(5))}
        env:
          E: {_yaml(planted(6))}
        jobs:
          j:
            name: {_yaml(planted(2))}
            runs-on: ubuntu-latest
            steps:
              - name: {_yaml(planted(3))}
                run: echo hi
              - uses: ./.github/actions/hostile
        """,
    ".github/workflows/wf<img src=x onerror=alert(16)>.yml": """\
        name: Named by its file
        on: push
        jobs:
          j: {runs-on: ubuntu-latest, steps: [{run: echo}]}
        """,
    ".github/actions/hostile/action.yml": f"""\
        name: {_yaml(planted(8))}
        description: {_yaml(planted(9))}
        runs:
          using: composite
          steps: [{{run: echo, shell: bash}}]
        """,
    "diagrams/hostile.mmd": f"""\
        %% {planted(12)}
        %% {planted(13)}
        flowchart TB
            A["<script>alert(14)</script> ' ] | %0A"] --> B
        """,
    "hostile/__init__.py": f'''\
        """{planted(10)}"""

        __all__ = ["Hostile"]


        class Hostile:
            """{planted(11)}"""
        ''',
}


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_nothing_planted_in_a_repository_becomes_markup(tmp_path: Path) -> None:
    root = write(tmp_path / "project", SOURCES)
    outcome = build_site(root / "mkdocs.yml")
    site = root / "site"
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}
    assert len(pages) > 6

    for name, path in pages.items():
        page = lxml_html.fromstring(path.read_bytes())
        scripts = [s for s in page.iter("script") if "alert(" in (s.text or "")]
        handlers = [
            (e.tag, a)
            for e in page.iter()
            if isinstance(e.tag, str)
            for a, v in e.attrib.items()
            if (a.lower().startswith("on") and "alert(" in v)
            or (a in ("href", "src") and re.match(r"\s*(javascript|data|vbscript):", v, re.I))
        ]
        assert (name, scripts, handlers) == (name, [], [])

    def page(path: str) -> lxml_html.HtmlElement:
        return lxml_html.fromstring(pages[path].read_bytes())

    workflow = page("pipelines/hostile/index.html")
    assert _flat(planted(1) + " second line") in _text(workflow.find(".//title"))
    assert _flat(planted(1) + " second line") in _text(workflow.find(".//h1"))
    header = workflow.find_class("md-header__topic")[-1]
    assert _flat(planted(1)) in _text(header)
    body = _text(workflow.find_class("md-content")[0])
    for n in (2, 3, 4, 5, 6, 7):
        assert _flat(planted(n)) in body, n
    nav = _text(page("index.html").find_class("md-nav--primary")[0])
    assert _flat(planted(1)) in nav  # every page's nav names the workflow
    assert _flat(planted(8)) in nav

    action = _text(page("pipelines/action-hostile/index.html").find_class("md-content")[0])
    assert _flat(planted(8)) in action
    assert _flat(planted(9)) in action

    (named,) = [p for p in pages if p.startswith("pipelines/wf")]
    assert "wf<img src=x onerror=alert(16)>.yml" in _text(page(named))

    api = _text(page("api/hostile/index.html").find_class("md-content")[0])
    assert _flat(planted(10)) in api
    assert _flat(planted(11)) in api

    architecture = page("architecture/index.html")
    assert _flat(planted(12)) in _text(architecture.find(".//h2"))
    assert _flat(planted(13)) in _text(architecture.find_class("md-content")[0])
    (source,) = architecture.find_class("mermaid")
    assert "<script>alert(14)</script> ' ] | %0A" in source.text_content()

    front = page("front/index.html")
    assert _flat(planted(17)) in _text(front.find(".//title"))
    assert _flat(planted(17)) in _text(front.find(".//h1"))
    assert front.find(".//meta[@name='description']").get("content") == planted(18)

    quality = _text(page("quality/index.html").find_class("md-content")[0])
    assert _flat("ValueError: " + planted(15)) in quality

    # Machines get the text itself: JSON as data, XML and workflow commands escaped.
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    (failed,) = [d for d in report["diagnostics"] if d["code"] == "DG501"]
    assert failed["message"].startswith("ValueError: " + planted(15))
    (example,) = [d for d in outcome.diagnostics if d.code == "DG501"]
    junit = ET.fromstring(render_junit([example]))
    assert planted(15) in (junit.find("testsuite/testcase/failure").get("message") or "")  # type: ignore[union-attr]
    (command,) = render_github([example]).splitlines()
    assert _decode_github(command.split("::", 2)[2]).startswith(example.message)
