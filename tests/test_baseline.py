"""The baseline: recording, matching by fingerprint, reading a bad file, and how known
findings are rendered and reported."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import write

from docgen.baseline import (
    BASELINE_FILE,
    Baseline,
    Known,
    apply,
    load_baseline,
    record,
    summary,
)
from docgen.baseline import write as write_baseline
from docgen.diagnostics import (
    Diagnostic,
    Location,
    Severity,
    count,
    render_github,
    render_json,
    render_junit,
    render_summary,
    strict,
)
from docgen.report import build_report, quality_page

GUIDE = "# Guide\n\nSee [setup](setup.md).\n\nAgain [setup](setup.md).\n"


def broken(line: int, path: str = "docs/guide.md", code: str = "DG301") -> Diagnostic:
    return Diagnostic(
        code,
        Severity.ERROR,
        "broken link to 'setup.md' (no such page or file: setup.md)",
        Location(path, line),
        hint="fix the link's path",
        stage="links",
    )


def test_a_finding_stays_known_when_lines_above_it_move(tmp_path: Path) -> None:
    write(tmp_path, {"docs/guide.md": GUIDE})
    accepted = record([broken(3)], tmp_path)
    assert [(k.code, k.file, k.count) for k in accepted.findings] == [("DG301", "docs/guide.md", 1)]
    write(tmp_path, {"docs/guide.md": "# Guide\n\nA new paragraph.\n\n" + GUIDE[9:]})
    applied = apply([broken(5)], accepted, tmp_path)
    assert [d.baseline for d in applied.diagnostics] == [True]
    assert (applied.known, applied.fixed) == (1, 0)
    assert count(applied.diagnostics)["error"] == 0


def test_identical_findings_in_one_file_are_matched_by_count(tmp_path: Path) -> None:
    same = "# Guide\n\nSee [setup](setup.md).\n\nSee [setup](setup.md).\n"
    write(tmp_path, {"docs/guide.md": same})
    accepted = record([broken(3), broken(5)], tmp_path)
    assert [k.count for k in accepted.findings] == [2]
    # a third identical one is new; the first two (in file order) are the known ones
    write(tmp_path, {"docs/guide.md": same + "\nSee [setup](setup.md).\n"})
    applied = apply([broken(7), broken(5), broken(3)], accepted, tmp_path)
    assert [(d.location.line, d.baseline) for d in applied.diagnostics if d.location] == [
        (3, True),
        (5, True),
        (7, False),
    ]
    # one of them fixed: said once, as a note at the baseline file
    applied = apply([broken(3)], accepted, tmp_path)
    assert applied.fixed == 1
    note = applied.diagnostics[-1]
    assert (note.code, note.severity, str(note.location)) == ("DG111", Severity.INFO, BASELINE_FILE)
    assert note.message == "1 baselined finding is fixed: run `docgen baseline --update`"
    assert apply([], accepted, tmp_path).diagnostics[-1].message.startswith("2 baselined findings")


def test_a_changed_line_or_message_is_a_new_finding(tmp_path: Path) -> None:
    write(tmp_path, {"docs/guide.md": GUIDE})
    accepted = record([broken(3)], tmp_path)
    write(tmp_path, {"docs/guide.md": GUIDE.replace("See [setup]", "Read [setup]")})
    assert not apply([broken(3)], accepted, tmp_path).known
    write(tmp_path, {"docs/guide.md": GUIDE})
    other = Diagnostic("DG301", Severity.ERROR, "broken link to 'x'", Location("docs/guide.md", 3))
    assert not apply([other], accepted, tmp_path).known
    assert not apply([broken(3, code="DG302")], accepted, tmp_path).known


def test_line_numbers_and_addresses_in_messages_do_not_count(tmp_path: Path) -> None:
    def finding(message: str) -> Diagnostic:
        return Diagnostic("DG402", Severity.WARNING, message, Location("diagrams/a.mmd"))

    accepted = record([finding("bad arrow on line 3 (see diagrams/a.mmd:3) at 0x7f3a")], tmp_path)
    assert accepted.findings[0].message == "bad arrow on line N (see diagrams/a.mmd:N) at 0x…"
    applied = apply(
        [finding("bad arrow on line 9 (see diagrams/a.mmd:9) at 0x1")], accepted, tmp_path
    )
    assert applied.known == 1
    # only the message's first line counts: a traceback below it may vary
    first = record([finding("ValueError\n  File x, in y")], tmp_path)
    assert apply([finding("ValueError\n  File z, in w")], first, tmp_path).known == 1


def test_findings_without_a_file_or_line_and_long_ranges(tmp_path: Path) -> None:
    write(tmp_path, {"docs/long.md": "".join(f"line {n}\n" for n in range(1, 40))})
    whole = Diagnostic("DG100", Severity.WARNING, "a nav entry is missing", None, stage="mkdocs")
    folder = Diagnostic("DG201", Severity.ERROR, "bad", Location("docs", 2))
    long = Diagnostic("DG501", Severity.ERROR, "fails", Location("docs/long.md", 2, 38))
    accepted = record([whole, folder, long], tmp_path)
    assert [k.file for k in accepted.findings] == ["", "docs", "docs/long.md"]
    # a long range is fingerprinted by its first lines: the end may change
    write(tmp_path, {"docs/long.md": "".join(f"line {n}\n" for n in range(1, 40)) + "tail\n"})
    assert apply([whole, folder, long], accepted, tmp_path).known == 3


def test_notes_and_docgen_crashes_are_never_accepted(tmp_path: Path) -> None:
    note = Diagnostic("DG313", Severity.INFO, "2 external links not checked", stage="links")
    crash = Diagnostic("DG001", Severity.ERROR, "internal error", stage="api")
    assert record([note, crash], tmp_path) == Baseline()


def test_fixed_counts_only_stages_that_checked(tmp_path: Path) -> None:
    write(tmp_path, {"docs/guide.md": GUIDE})
    online = Diagnostic(
        "DG310", Severity.ERROR, "broken external link", Location("docs/guide.md", 3), stage="links"
    )
    lint = Diagnostic(
        "DG701", Severity.WARNING, "style", Location("docs/guide.md", 1), stage="lint"
    )
    accepted = record([broken(3), online, lint], tmp_path)
    # --only links: the lint finding is not looked for, so it is not fixed
    assert apply([broken(3), online], accepted, tmp_path, checked=["links"]).fixed == 0
    # offline: external links were not checked
    assert apply([broken(3)], accepted, tmp_path, checked=["links"], offline=True).fixed == 0
    assert apply([broken(3)], accepted, tmp_path, checked=["links"]).fixed == 1
    # a stage that crashed found nothing: its findings are not fixed either
    crash = Diagnostic("DG001", Severity.ERROR, "internal error", stage="lint")
    assert apply([broken(3), online, crash], accepted, tmp_path).fixed == 0


def test_the_file_is_sorted_versioned_and_reads_back(tmp_path: Path) -> None:
    write(tmp_path, {"docs/guide.md": GUIDE, "docs/a.md": "x\n"})
    accepted = record([broken(5), broken(1, "docs/a.md"), broken(3)], tmp_path)
    path = write_baseline(tmp_path, accepted)
    assert path == tmp_path / BASELINE_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [f["file"] for f in data["findings"]] == ["docs/a.md", "docs/guide.md", "docs/guide.md"]
    assert list(data["findings"][0]) == ["code", "file", "fingerprint", "stage", "message", "count"]
    assert load_baseline(tmp_path) == accepted
    assert accepted.total == 3
    # the same findings in another order: the same bytes
    again = record([broken(3), broken(1, "docs/a.md"), broken(5)], tmp_path)
    assert json.dumps(again.to_dict()) == json.dumps(accepted.to_dict())


def test_no_file_is_no_baseline(tmp_path: Path) -> None:
    assert load_baseline(tmp_path) is None


GOOD = {"code": "DG301", "file": "a.md", "fingerprint": "f", "stage": "links", "message": "m"}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"version": 1,\n "findings": [}', "the baseline is not valid JSON: Expecting value", 2),
        ("[]", "not a docgen baseline: expected an object with `version` and `findings`", None),
        ('{"findings": []}', "expected `version: 1`, got null", None),
        ('{"version": true, "findings": []}', "expected `version: 1`, got true", None),
        ('{"version": 7, "findings": []}', "format version 7 is newer than this docgen's", None),
        ('{"version": 1, "findings": {}}', "`findings` must be a list", None),
        ('{"version": 1, "findings": [1]}', "finding 1 must have exactly code, file", None),
        (json.dumps({"version": 1, "findings": [GOOD]}), "finding 1 must have exactly", None),
        (
            json.dumps({"version": 1, "findings": [{**GOOD, "count": "2"}]}),
            "finding 1: `count` must be a int",
            None,
        ),
        (
            json.dumps({"version": 1, "findings": [{**GOOD, "count": True}]}),
            "finding 1: `count` must be a int",
            None,
        ),
        (
            json.dumps({"version": 1, "findings": [{**GOOD, "count": 0}]}),
            "finding 1: `count` must be at least 1",
            None,
        ),
    ],
)
def test_a_bad_baseline_is_one_diagnostic_at_the_file(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    write(tmp_path, {BASELINE_FILE: text})
    found = load_baseline(tmp_path)
    assert isinstance(found, Diagnostic)
    assert (found.code, found.severity) == ("DG110", Severity.ERROR)
    assert message in found.message
    assert found.location == Location(BASELINE_FILE, line)
    assert found.hint is not None
    assert "docgen baseline --update" in found.hint


def test_an_unreadable_baseline_is_one_diagnostic(tmp_path: Path) -> None:
    (tmp_path / BASELINE_FILE).mkdir(parents=True)
    found = load_baseline(tmp_path)
    assert isinstance(found, Diagnostic)
    assert found.message.startswith("cannot read the baseline: ")
    (tmp_path / BASELINE_FILE).rmdir()
    (tmp_path / BASELINE_FILE).write_bytes(b'{"version": 1, "findings": ["\xff"]}')
    found = load_baseline(tmp_path)
    assert isinstance(found, Diagnostic)
    assert found.message == "cannot read the baseline: it is not UTF-8 text"


def test_summary_by_stage_and_code(tmp_path: Path) -> None:
    lint = Diagnostic(
        "DG701", Severity.WARNING, "x" * 80, Location("docs/guide.md", 1), stage="lint"
    )
    note = Diagnostic("DG313", Severity.INFO, "not checked", stage="links")
    known = Diagnostic("DG999", Severity.ERROR, "known", baseline=True, stage="lint")
    lines = summary([lint, broken(3), broken(5), note, known])
    assert lines == [
        "links  DG301 ×2  broken link to 'setup.md' (no such page or file: setup.md)",
        f"lint   DG701 ×1  {'x' * 59}…",
    ]
    assert summary([]) == []


# --- rendering and reporting known findings ---


def _known_and_new() -> list[Diagnostic]:
    return [
        Diagnostic(
            "DG301", Severity.ERROR, "old", Location("a.md", 1), stage="links", baseline=True
        ),
        Diagnostic("DG302", Severity.WARNING, "new", Location("a.md", 2), stage="links"),
    ]


def test_known_findings_are_not_counted_nor_annotated() -> None:
    found = strict(_known_and_new())
    assert found[0].baseline  # --strict keeps the mark
    assert count(found) == {"error": 1, "warning": 0, "info": 0}
    assert render_github(found).count("::error") == 1
    assert "title=DG302" in render_github(found)
    data = json.loads(render_json(found))
    assert data["diagnostics"][0]["baseline"] is True
    assert "baseline" not in data["diagnostics"][1]
    assert "1 known (baseline)" in render_summary(found)
    assert "DG301" not in render_summary(found)


def test_junit_skips_known_findings() -> None:
    root = ET.fromstring(render_junit(_known_and_new()))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped"), suite.get("tests")) == ("0", "1", "2")
    cases = suite.findall("testcase")
    assert cases[0].find("skipped") is not None
    assert cases[1].find("skipped") is None


def test_the_report_counts_known_findings_and_the_page_lists_them() -> None:
    found = _known_and_new()
    report = build_report(
        [],
        diagnostics=found,
        seconds=1.0,
        offline=True,
        strict=False,
        available=[],
        baseline={"file": BASELINE_FILE, "known": 1, "fixed": 0},
    )
    assert report["baseline"] == {"file": BASELINE_FILE, "known": 1, "fixed": 0}
    page = quality_page(report)
    assert "0 errors, 1 warning, 0 notes, 1 known" in page
    findings, known = page.split("## Known findings")
    assert "DG302" in findings
    assert "DG301" not in findings
    assert "DG301" in known
    assert f"<code>{BASELINE_FILE}</code>" in known
    plain = build_report([], diagnostics=[], seconds=1.0, offline=True, strict=False, available=[])
    assert plain["baseline"] == {"file": None, "known": 0, "fixed": 0}
    assert "Known findings" not in quality_page(plain)


def test_known_is_a_plain_record() -> None:
    entry = Known("DG301", "a.md", "f", "links", "m", 2)
    assert entry.key == ("DG301", "a.md", "f")
    assert entry.to_dict()["count"] == 2
