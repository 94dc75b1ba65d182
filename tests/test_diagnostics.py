"""The diagnostic model and each of its renderers."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from docgen.diagnostics import (
    Diagnostic,
    Location,
    Severity,
    count,
    render,
    render_github,
    render_summary,
    render_text,
    sort_key,
    strict,
)

ERROR = Diagnostic(
    "DG301",
    Severity.ERROR,
    "broken link to 'setup.md#instal' (no such anchor)",
    Location("docs/guide.md", 42),
    hint="did you mean '#install'?",
    stage="links",
)
WARNING = Diagnostic(
    "DG205", Severity.WARNING, "unknown key 'job'", Location("ci.yml"), stage="pipelines"
)
NOTE = Diagnostic(
    "DG200", Severity.INFO, "skipped README.md: not a workflow", None, stage="pipelines"
)


def test_text_has_location_code_and_hint() -> None:
    assert render_text([ERROR, NOTE]) == (
        "docs/guide.md:42: error[DG301]: broken link to 'setup.md#instal' (no such anchor)\n"
        "  hint: did you mean '#install'?\n"
        "info[DG200]: skipped README.md: not a workflow\n"
    )
    assert render_text([]) == ""


def test_github_annotations_escape_properties_and_data() -> None:
    odd = Diagnostic(
        "DG1", Severity.WARNING, "50% done\nnext", Location("a,b:c.md", 3, 5), hint="h"
    )
    lines = render_github([ERROR, odd, NOTE]).splitlines()
    assert lines[0] == (
        "::error file=docs/guide.md,line=42,title=DG301::broken link to 'setup.md#instal' "
        "(no such anchor)%0Adid you mean '#install'?"
    )
    assert (
        lines[1] == "::warning file=a%2Cb%3Ac.md,line=3,endLine=5,title=DG1::50%25 done%0Anext%0Ah"
    )
    assert lines[2] == "::notice title=DG200::skipped README.md: not a workflow"


def test_json_round_trips_every_field() -> None:
    payload = json.loads(render([ERROR, WARNING], "json"))
    assert payload["counts"] == {"error": 1, "warning": 1, "info": 0}
    assert payload["diagnostics"][0] == {
        "code": "DG301",
        "severity": "error",
        "message": "broken link to 'setup.md#instal' (no such anchor)",
        "file": "docs/guide.md",
        "line": 42,
        "end_line": None,
        "hint": "did you mean '#install'?",
        "stage": "links",
    }
    assert payload["diagnostics"][1]["line"] is None


def test_junit_one_suite_per_stage_and_a_passing_case_for_clean_stages() -> None:
    xml = render([ERROR, WARNING, NOTE], "junit", stages=["api", "links", "pipelines"])
    root = ET.fromstring(xml.split("\n", 1)[1])
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["api", "links", "pipelines"]
    assert suites["api"].get("failures") == "0"
    assert suites["api"].find("testcase").get("name") == "api: no problems"
    assert suites["links"].get("failures") == "1"
    failure = suites["links"].find("testcase/failure")
    assert failure.get("type") == "DG301"
    assert "docs/guide.md:42" in failure.text
    # a warning is reported but does not fail the suite; a note is not a test case
    assert suites["pipelines"].get("failures") == "0"
    assert suites["pipelines"].find("testcase/system-out") is not None


def test_strict_turns_warnings_into_errors_only() -> None:
    assert [d.severity for d in strict([ERROR, WARNING, NOTE])] == [
        Severity.ERROR,
        Severity.ERROR,
        Severity.INFO,
    ]
    assert count(strict([WARNING])) == {"error": 1, "warning": 0, "info": 0}


def test_summary_table_and_sorting() -> None:
    summary = render_summary([ERROR, NOTE])
    assert "**1** error, **0** warnings, **1** note." in summary
    row = "| error | <code>docs/guide.md&#58;42</code> | "
    assert row + "[DG301](https://docgen.example.org/reference/diagnostics/#dg301) |" in summary
    assert "DG200" not in summary
    assert "|---|" not in render_summary([NOTE])
    assert sorted([ERROR, NOTE, WARNING], key=sort_key) == [NOTE, WARNING, ERROR]
    assert str(Location("a.md")) == "a.md"
