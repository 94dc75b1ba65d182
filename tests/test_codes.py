"""The registry of diagnostic codes, the source that reports them and the docs that explain
them agree: every code is unique, registered, used and documented under its anchor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen import codes
from docgen.codes import CODES, Code
from docgen.diagnostics import Diagnostic, Location, Severity, render_summary
from docgen.lint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docgen"
PAGE = ROOT / "docs" / codes.DOCS_PAGE
CODE = re.compile(r"\bDG\d{3}\b")
RANGES = {
    # A stage owns the codes whose digits start with its prefix; DG0xx is shared out.
    "docgen": "00",
    "benchmarks": "0[1-3]",
    "changelog": "0[4-5]",
    "build": "1",
    "baseline": "1",
    "report": "1",
    "pipelines": "2",
    "links": "3",
    "diagrams": "4",
    "examples": "5",
    "api": "6",
    "lint": "7",
    "deploy": "8",
    "init": "9",
}


def used_in_source() -> dict[str, list[str]]:
    """Every code written anywhere in docgen's source (code, messages, docstrings), but the
    registry itself."""
    found: dict[str, list[str]] = {}
    for file in sorted(SOURCE.rglob("*.py")):
        if file == SOURCE / "codes.py":
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            for code in CODE.findall(line):
                found.setdefault(code, []).append(f"{file.relative_to(ROOT)}:{number}")
    return found


def test_codes_are_unique_well_formed_and_in_their_stage_range() -> None:
    table = codes._TABLE
    assert len({row[0] for row in table}) == len(table)
    assert len({row[2] for row in table}) == len(table), "two codes with one title"
    assert list(CODES) == sorted(CODES)
    for code in CODES.values():
        assert re.fullmatch(r"DG\d{3}", code.code)
        assert re.match(RANGES[code.stage], code.code[2:]), code
        assert code.severity in {"error", "warning", "info"}
        assert code.title == code.title.strip()
        assert code.anchor == code.code.lower()
        assert code.docs == f"reference/diagnostics.md#{code.anchor}"


def test_every_code_in_the_source_is_registered() -> None:
    unknown = {c: where for c, where in used_in_source().items() if c not in CODES}
    assert unknown == {}


def test_every_registered_code_is_reported_somewhere() -> None:
    used = used_in_source()
    assert [code for code in CODES if code not in used] == []


def test_each_code_has_its_row_and_anchor_in_the_docs() -> None:
    page = PAGE.read_text(encoding="utf-8")
    row = re.compile(r'^\| <span id="(dg\d{3})">(DG\d{3})</span> \| ([^|]+) \| (.+) \|$', re.M)
    rows = row.findall(page)
    assert [code for _, code, _, _ in rows] == list(CODES)
    for anchor, code, severity, title in rows:
        entry = CODES[code]
        assert anchor == entry.anchor
        assert severity.strip() == entry.severity + (" (varies)" if entry.varies else "")
        assert title == entry.title
    assert set(re.findall(r'id="(dg\d{3})"', page)) == {c.anchor for c in CODES.values()}


def test_codes_named_in_the_docs_are_registered() -> None:
    named = {
        code
        for file in (ROOT / "docs").rglob("*.md")
        for code in CODE.findall(file.read_text(encoding="utf-8"))
    }
    assert named - set(CODES) == set()


def test_the_docs_page_is_in_the_nav() -> None:
    assert f": {codes.DOCS_PAGE}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_lint_rules_match_the_registry() -> None:
    for rule in RULES.values():
        assert rule.code in CODES
        assert CODES[rule.code].stage == "lint"
        assert str(rule.severity) == CODES[rule.code].severity, rule


def test_reused_codes_were_split() -> None:
    # Each of these used to share a code with another meaning (docgen 0.1).
    assert "diverged" in CODES["DG806"].title
    assert "versions.json" in CODES["DG815"].title
    assert "configuration" in CODES["DG808"].title
    assert "previews" in CODES["DG816"].title
    assert "confirmation" in CODES["DG817"].title


def test_lookups() -> None:
    assert codes.is_registered("DG301")
    assert not codes.is_registered("DG999")
    assert codes.get("DG301") == Code("DG301", "error", CODES["DG301"].title, "links")
    with pytest.raises(KeyError):
        codes.get("DG999")
    assert codes.url("DG301") == "https://docgen.example.org/reference/diagnostics/#dg301"
    assert codes.url("DG301", "../reference/diagnostics/") == "../reference/diagnostics/#dg301"
    assert codes.url("DG999") is None
    assert codes.url("") is None
    assert CODES["DG100"].varies
    assert not CODES["DG301"].varies


def test_the_step_summary_links_known_codes_only() -> None:
    where = Location("docs/a.md", 3)
    summary = render_summary(
        [
            Diagnostic("DG302", Severity.ERROR, "no anchor", where),
            Diagnostic("XY1", Severity.WARNING, "a plugin's own", where),
        ]
    )
    assert "| [DG302](https://docgen.example.org/reference/diagnostics/#dg302) |" in summary
    assert "| XY1 |" in summary
