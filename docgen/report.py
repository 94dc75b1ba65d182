"""The documentation quality report: `report.json` for machines, a page for people.

Only stages that ran appear: a stage this docgen does not have, or that the user turned
off, is listed as such and never shown as passing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from docgen import __version__, escape
from docgen.diagnostics import Diagnostic, Severity, count, plural, sort_key
from docgen.model import StageResult

__all__ = ["build_report", "merge", "quality_page", "write_report"]


def merge(results: Sequence[StageResult]) -> list[StageResult]:
    """One result per stage, in first-seen order: a stage's generate and check results joined."""
    merged: dict[str, StageResult] = {}
    for result in results:
        before = merged.get(result.stage)
        if before is None:
            merged[result.stage] = result
            continue
        merged[result.stage] = StageResult(
            result.stage,
            pages=before.pages + result.pages,
            assets=before.assets + result.assets,
            diagnostics=before.diagnostics + result.diagnostics,
            watch=before.watch + result.watch,
            model={**before.model, **result.model},
            summary={**before.summary, **result.summary},
            seconds=before.seconds + result.seconds,
            extra_javascript=before.extra_javascript + result.extra_javascript,
            extra_css=before.extra_css + result.extra_css,
            symbols={**before.symbols, **result.symbols},
        )
    return list(merged.values())


def build_report(
    results: Sequence[StageResult],
    *,
    diagnostics: Sequence[Diagnostic],
    seconds: float,
    offline: bool,
    strict: bool,
    available: Sequence[str],
    disabled: Sequence[str] = (),
    baseline: Mapping[str, object] | None = None,
    engine: str = "mkdocs",
) -> dict[str, object]:
    """The JSON report: stages (seconds, summary, counts, diagnostics), totals, run options.

    Args:
        results: every stage's results; a stage's generate and check results are merged.
        diagnostics: the final list (after `--strict`), including ones from outside any stage.
        seconds: how long the whole run took.
        offline: whether the run stayed off the network.
        strict: whether `--strict` turned warnings into errors.
        available: every stage this docgen has; those that did not run and are not
            `disabled` are listed as not available.
        disabled: stages the user turned off in the config.
        baseline: the baseline applied: its `file`, how many findings it marked `known`
            and how many of its findings are `fixed`; None when none was.
        engine: the engine that built the site (`mkdocs`, `properdocs`, `zensical`).
    """
    stages: dict[str, object] = {}
    for result in merge(results):
        own = [d for d in diagnostics if d.stage == result.stage]
        stages[result.stage] = {
            "seconds": round(result.seconds, 3),
            "pages": len(result.pages),
            "summary": dict(result.summary),
            "counts": count(own),
            "known": sum(d.baseline for d in own),
            "diagnostics": [d.to_dict() for d in sorted(own, key=sort_key)],
        }
    return {
        "docgen": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "engine": engine,
        "offline": offline,
        "strict": strict,
        "stages": stages,
        "disabled": list(disabled),
        "not_available": [
            name for name in available if name not in stages and name not in disabled
        ],
        "counts": count(diagnostics),
        "baseline": dict(baseline or {"file": None, "known": 0, "fixed": 0}),
        "diagnostics": [d.to_dict() for d in sorted(diagnostics, key=sort_key)],
    }


def write_report(path: Path, report: Mapping[str, object]) -> None:
    """Write the `report` as JSON to `path` (`report.json`), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _md(text: object) -> str:
    """Escape a value for a Markdown table cell."""
    return escape.markdown(str(text))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if value % 1 else str(int(value))
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


_CELL = 60
_ICON = {"error": "✗", "warning": "!", "info": "i"}


def _findings(diagnostics: Sequence[Mapping[str, object]]) -> list[str]:
    """A table of findings (as in report.json) for the quality page."""
    lines = ["| | Where | Code | Message |", "|---|---|---|---|"]
    for d in diagnostics:
        where = f"{d['file']}" + (f":{d['line']}" if d["line"] else "") if d["file"] else "—"
        message = f"{d['message']}" + (f" — {d['hint']}" if d["hint"] else "")
        severity = str(d["severity"])
        lines.append(
            f"| {_ICON[severity]} {severity} | {escape.code(where)} | {d['code']} "
            f"| {_md(message)} |"
        )
    return lines


_ENGINES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}


def _built_by(report: Mapping[str, object]) -> str:
    """`, built with MkDocs`: the engine of the report, when it names one."""
    engine = report.get("engine")
    if not isinstance(engine, str):
        return ""
    return f", built with {_ENGINES.get(engine, _md(engine))}"


def quality_page(report: Mapping[str, object]) -> str:
    """The "Documentation quality" page, in Markdown, from a report made by `build_report`."""
    counts = report["counts"]
    stages = report["stages"]
    assert isinstance(counts, Mapping)
    assert isinstance(stages, Mapping)
    verdict = (
        "Problems found"
        if counts["error"]
        else ("Passed with warnings" if counts["warning"] else "All checks passed")
    )
    baseline = report.get("baseline")
    known = baseline.get("known", 0) if isinstance(baseline, Mapping) else 0
    lines = [
        "# Documentation quality",
        "",
        f"**{verdict}** — {plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}, {plural(counts['info'], 'note')}"
        f"{f', {known} known' if known else ''}, "
        f"from docgen {report['docgen']}{_built_by(report)} "
        f"({'offline' if report['offline'] else 'online'}"
        f"{', strict' if report['strict'] else ''}).",
        "",
        "| Stage | Result | Errors | Warnings | Time | Details |",
        "|---|---|---:|---:|---:|---|",
    ]
    for name, stage in stages.items():
        assert isinstance(stage, Mapping)
        stage_counts = stage["counts"]
        assert isinstance(stage_counts, Mapping)
        result = "failed" if stage_counts["error"] else "passed"
        summary = stage["summary"]
        assert isinstance(summary, Mapping)
        # Scalars and short lists only: a per-module table belongs in report.json, not a cell.
        details = "; ".join(f"{k}: {_fmt(v)}" for k, v in summary.items() if len(_fmt(v)) <= _CELL)
        lines.append(
            f"| {name} | {result} | {stage_counts['error']} | {stage_counts['warning']} "
            f"| {float(stage['seconds']):.2f} s | {_md(details)} |"
        )
    pages = report.get("pages")
    if isinstance(pages, Mapping):
        ahead = f" ({pages['ahead']} by helpers ahead of MkDocs)" if pages.get("ahead") else ""
        lines += [
            "",
            f"Pages: {pages['reused']} reused from the last build, "
            f"{pages['rendered']} rendered{ahead}.",
        ]
    for label, key in (("Turned off", "disabled"), ("Not in this docgen version", "not_available")):
        names = report.get(key)
        if isinstance(names, list) and names:
            lines += ["", f"{label}: {', '.join(f'`{n}`' for n in names)}."]
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list)
    shown = [d for d in diagnostics if d["severity"] != str(Severity.INFO)]
    new = [d for d in shown if not d.get("baseline")]
    if new:
        lines += ["", "## Findings", "", *_findings(new)]
    old = [d for d in shown if d.get("baseline")]
    if old:
        assert isinstance(baseline, Mapping)
        lines += [
            "",
            "## Known findings",
            "",
            f"Accepted in {escape.code(str(baseline['file']))} (`docgen baseline`): they do not "
            "fail the checks. Fix them, then `docgen baseline --update` drops them.",
            "",
            *_findings(old),
        ]
    lines += [
        "",
        'The same data is in <a href="../report.json"><code>report.json</code></a>; '
        "`docgen check --format json|junit|github` gives it to CI.",
        "",
    ]
    return "\n".join(lines)
