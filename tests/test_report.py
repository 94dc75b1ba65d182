"""The quality report: JSON for machines, and the page people read."""

from __future__ import annotations

from pathlib import Path

from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Page, StageResult
from docgen.report import build_report, merge, quality_page

FOUND = [
    Diagnostic(
        "DG201", Severity.ERROR, "bad | pipe <x>", Location("ci.yml", 3), "fix it", "pipelines"
    ),
    Diagnostic("DG313", Severity.INFO, "9 links not checked", None, None, "links"),
    Diagnostic("DG100", Severity.WARNING, "MkDocs said so", None, None, "mkdocs"),
]


def report(**options: object) -> dict[str, object]:
    results = [
        StageResult(
            "pipelines", pages=(Page("p.md", "P", "# P"),), seconds=0.25, summary={"jobs": 3}
        ),
        StageResult(
            "links", seconds=1.5, summary={"ratio": 0.5, "hosts": ["a", "b"], "by": {"x": 1.0}}
        ),
        StageResult("pipelines", seconds=0.25, summary={"workflows": 2}),
    ]
    defaults: dict[str, object] = {
        "diagnostics": FOUND,
        "seconds": 2.0,
        "offline": True,
        "strict": False,
        "available": ["api", "pipelines", "links", "examples"],
        "disabled": ["examples"],
    }
    return build_report(results, **{**defaults, **options})  # type: ignore[arg-type]


def test_report_merges_a_stage_s_results_and_counts() -> None:
    data = report()
    stages = data["stages"]
    assert isinstance(stages, dict)
    assert list(stages) == ["pipelines", "links"]
    assert stages["pipelines"]["seconds"] == 0.5
    assert stages["pipelines"]["pages"] == 1
    assert stages["pipelines"]["summary"] == {"jobs": 3, "workflows": 2}
    assert stages["pipelines"]["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["counts"] == {"error": 1, "warning": 1, "info": 1}
    assert data["not_available"] == ["api"]
    assert data["disabled"] == ["examples"]
    assert [d["code"] for d in data["diagnostics"]] == ["DG100", "DG313", "DG201"]


def test_quality_page_says_what_failed_and_escapes_messages() -> None:
    page = quality_page(report())
    assert page.startswith("# Documentation quality\n\n**Problems found** — 1 error, 1 warning")
    assert "(offline)" in page
    assert "| pipelines | failed | 1 | 0 | 0.50 s | jobs: 3; workflows: 2 |" in page
    assert "| links | passed | 0 | 0 | 1.50 s | ratio: 0.5; hosts: a, b; by: x: 1 |" in page
    assert "Turned off: `examples`." in page
    assert "Not in this docgen version: `api`." in page
    assert (
        "| ✗ error | <code>ci.yml&#58;3</code> | DG201 | bad \\| pipe &lt;x&gt; — fix it |" in page
    )
    assert "| ! warning | <code>—</code> | DG100 | MkDocs said so |" in page
    assert "9 links not checked" not in page  # notes stay in report.json


def test_quality_page_verdicts() -> None:
    clean = quality_page(report(diagnostics=[], strict=True))
    assert "**All checks passed**" in clean
    assert "strict" in clean
    assert "## Findings" not in clean
    warned = quality_page(report(diagnostics=[FOUND[2]]))
    assert "**Passed with warnings**" in warned


def test_merge_keeps_everything(tmp_path: Path) -> None:
    one = StageResult("a", watch=(tmp_path,), extra_javascript=("x.js",), model={"k": 1})
    two = StageResult("a", extra_css=("y.css",), model={"m": 2})
    (merged,) = merge([one, two])
    assert merged.watch == (tmp_path,)
    assert merged.extra_javascript == ("x.js",)
    assert merged.extra_css == ("y.css",)
    assert merged.model == {"k": 1, "m": 2}
