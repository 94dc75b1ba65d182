"""One diagnostic model for every stage, and the styles it is rendered in.

A stage never prints and never exits: it returns `Diagnostic`s, and the caller picks a
renderer — `render_text` for people, `render_github` for workflow annotations,
`render_json` and `render_junit` for machines, `render_summary` for a step summary.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from xml.etree import ElementTree as ET

from docgen import codes, escape, jsonenc
from docgen.jsonenc import to_json

__all__ = [
    "Diagnostic",
    "Location",
    "Severity",
    "count",
    "plural",
    "render",
    "render_github",
    "render_json",
    "render_junit",
    "render_summary",
    "render_text",
    "sort_key",
    "strict",
]


class Severity(StrEnum):
    """How bad a diagnostic is: errors fail a check, warnings fail it under `--strict`."""

    ERROR = "error"
    """Something is wrong: the check fails."""
    WARNING = "warning"
    """Probably wrong: the check fails under `--strict`."""
    INFO = "info"
    """A note, such as work skipped offline; never fails a check."""


@dataclass(frozen=True, slots=True)
class Location:
    """A place in one of the user's files.

    Attributes:
        path: relative to the project root.
        line: 1-based, or None when only the file is known.
        end_line: the last line of a range, or None.
    """

    path: str
    line: int | None = None
    end_line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding.

    Attributes:
        code: stable, with a prefix per stage (`DG201`).
        severity: how bad it is.
        message: what is wrong, in one sentence.
        location: where, in the user's file; None when it is about no file.
        hint: how to fix or silence it, or None.
        stage: the stage that found it; empty for docgen itself.
        baseline: accepted in the project's baseline (`docgen baseline`): shown as known,
            never counted, never failing a check.
    """

    code: str
    severity: Severity
    message: str
    location: Location | None = field(
        default=None,
        metadata=jsonenc.key(flatten={"file": "path", "line": "line", "end_line": "end_line"}),
    )
    hint: str | None = None
    stage: str = ""
    baseline: bool = field(default=False, metadata=jsonenc.key(omit_empty=True))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape used by `report.json`, `docgen check --format json` and dumps:
        `code`, `severity`, `message`, `file`, `line`, `end_line`, `hint`, `stage`.

        `"baseline": true` is added to a finding the baseline accepts (absent otherwise).
        """
        shape: dict[str, object] = to_json(self)
        return shape


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, str]:
    """Order by file, then line, then code, so output is stable: the key of one `diagnostic`."""
    loc = diagnostic.location
    return (loc.path if loc else "", (loc.line or 0) if loc else 0, diagnostic.code)


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`--strict`: every warning in `diagnostics` becomes an error; infos stay infos."""
    return [
        replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
        for d in diagnostics
    ]


def count(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """The `diagnostics` counted by severity, every severity present (zero when none).

    Findings accepted in the baseline are not counted: they never fail a check.
    """
    counts = Counter(str(d.severity) for d in diagnostics if not d.baseline)
    return {str(s): counts.get(str(s), 0) for s in Severity}


def plural(number: int, noun: str) -> str:
    """`1 error`, `2 errors`: `number` and `noun`, which gets an `s` unless there is one."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    """The `diagnostics` for people, one per line, as `path:line: error[DG201]: message`.

    An indented hint line follows when there is one.
    """
    lines: list[str] = []
    for d in diagnostics:
        where = f"{d.location}: " if d.location else ""
        lines.append(f"{where}{d.severity}[{d.code}]: {d.message}")
        if d.hint:
            lines.append(f"  hint: {d.hint}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """The `diagnostics` as GitHub Actions workflow commands.

    One per line: `::error file=…,line=…,title=DG201::message`. Findings accepted in the
    baseline get none: a pull request is annotated with its new problems only.
    """
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out: list[str] = []
    for d in diagnostics:
        if d.baseline:
            continue
        props: list[str] = []
        if d.location:
            props.append(f"file={escape.github_property(d.location.path)}")
            if d.location.line is not None:
                props.append(f"line={d.location.line}")
            if d.location.end_line is not None:
                props.append(f"endLine={d.location.end_line}")
        props.append(f"title={escape.github_property(d.code)}")
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        out.append(f"::{level[d.severity]} {','.join(props)}::{escape.github_data(message)}")
    return "\n".join(out) + ("\n" if out else "")


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """`{"diagnostics": [...], "counts": {...}}`, indented."""
    payload = {"diagnostics": [to_json(d) for d in diagnostics], "counts": count(diagnostics)}
    return json.dumps(payload, indent=2) + "\n"


def render_junit(diagnostics: Sequence[Diagnostic], stages: Sequence[str] = ()) -> str:
    """JUnit XML: one test suite per stage, one failing test case per error or warning.

    A finding accepted in the baseline is a skipped test case, so dashboards show it as
    known without failing.

    Args:
        diagnostics: the findings; infos are left out.
        stages: stage names that get a suite even without findings. Such a stage shows
            one passing case, so CI dashboards count it.
    """
    names = list(dict.fromkeys([*stages, *(d.stage or "docgen" for d in diagnostics)]))
    root = ET.Element("testsuites", name="docgen")
    for name in names:
        found = [
            d
            for d in diagnostics
            if (d.stage or "docgen") == name and d.severity is not Severity.INFO
        ]
        failures = sum(d.severity is Severity.ERROR and not d.baseline for d in found)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(max(len(found), 1)),
            failures=str(failures),
            errors="0",
        )
        known = sum(d.baseline for d in found)
        if known:
            suite.set("skipped", str(known))
        if not found:
            ET.SubElement(suite, "testcase", classname=name, name=f"{name}: no problems")
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=name,
                name=escape.xml(f"{d.code} {d.location or ''}".strip()),
            )
            tag = "failure" if d.severity is Severity.ERROR else "system-out"
            if d.baseline:
                ET.SubElement(case, "skipped", message="known: accepted in the baseline")
                tag = "system-out"
            element = ET.SubElement(case, tag)
            if tag == "failure":
                element.set("message", escape.xml(d.message))
                element.set("type", d.code)
            element.text = escape.xml(render_text([d]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def render_summary(diagnostics: Sequence[Diagnostic], title: str = "docgen") -> str:
    """A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts, then a table of findings.

    Each code of docgen's links to the page of its docs that explains it.

    Args:
        diagnostics: the findings; infos are counted but not listed, nor are the ones
            accepted in the baseline.
        title: the summary's heading.
    """
    counts = count(diagnostics)
    known = sum(d.baseline for d in diagnostics)
    lines = [
        f"## {title}",
        "",
        ", ".join(
            f"**{n}** {plural(n, noun).split(' ', 1)[1]}"
            for n, noun in (
                (counts["error"], "error"),
                (counts["warning"], "warning"),
                (counts["info"], "note"),
            )
        )
        + (f", {known} known (baseline)." if known else "."),
        "",
    ]
    shown = [d for d in diagnostics if d.severity is not Severity.INFO and not d.baseline]
    if shown:
        lines += ["| Severity | Where | Code | Message |", "|---|---|---|---|"]
        lines += [
            f"| {d.severity} | {escape.code(str(d.location or '-'))} | {_code_link(d.code)} "
            f"| {escape.markdown(d.message)} |"
            for d in shown
        ]
        lines.append("")
    return "\n".join(lines)


def _code_link(code: str) -> str:
    """A registered code linked to its row in docgen's docs; any other as it is."""
    url = codes.url(code)
    return f"[{code}]({url})" if url else code


FORMATS = {"text": render_text, "github": render_github, "json": render_json}


def render(diagnostics: Sequence[Diagnostic], fmt: str, stages: Sequence[str] = ()) -> str:
    """Render in one of the CLI's formats.

    Args:
        diagnostics: the findings, in the order to show them.
        fmt: `text`, `github`, `json` or `junit`.
        stages: stage names that get a JUnit suite even without findings.
    """
    if fmt == "junit":
        return render_junit(diagnostics, stages)
    return FORMATS[fmt](diagnostics)
