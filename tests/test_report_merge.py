"""`docgen report merge`: parts of a sharded check into one report, and parts it refuses."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from docgen import __version__, report_cli
from docgen.baseline import record, write
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.report_merge import Merged, config_key, dumps_part, from_dict, merge, part, read_part
from docgen.shard import Shard, Split

KEY = {"file": "mkdocs.yml", "sha256": "abc", "offline": False, "strict": False}


def _d(code: str, path: str | None, line: int | None = 1, stage: str = "lint") -> Diagnostic:
    severity = (
        Severity.INFO
        if code == "DG313"
        else Severity.WARNING
        if code.startswith("DG7")
        else Severity.ERROR
    )
    where = Location(path, line) if path else None
    return Diagnostic(code, severity, f"{code} here", where, "fix it", stage)


SHARED = _d("DG214", ".github/workflows/ci.yml", 4, "pipelines")  # generation: in every part


def _report(
    stages: dict[str, dict[str, object]], *, baseline: str | None = None
) -> dict[str, object]:
    return {
        "docgen": __version__,
        "seconds": 2.5,
        "offline": False,
        "strict": False,
        "stages": {
            name: {"seconds": 1.0, "pages": 0, "summary": summary, "counts": {}, "known": 0}
            for name, summary in stages.items()
        },
        "disabled": ["api"],
        "not_available": [],
        "counts": {},
        "baseline": {"file": baseline, "known": 0, "fixed": 0},
    }


def _write(
    folder: Path,
    index: int,
    count: int,
    found: Sequence[Diagnostic],
    *,
    owner: dict[str, int] | None = None,
    key: dict[str, object] | None = None,
    report: dict[str, object] | None = None,
) -> Path:
    split = Split(Shard(index, count), owner if owner is not None else {"docs/a.md": 1})
    text = dumps_part(
        split,
        found,
        config=key or KEY,
        report=report,
        stages=["pipelines", "examples", "lint", "links"],
    )
    path = folder / f"part-{index}.json"
    path.write_text(text, encoding="utf-8")
    return path


def _parts(tmp_path: Path) -> list[Path]:
    one = [SHARED, _d("DG501", "docs/a.md", 7, "examples"), _d("DG712", "docs/a.md", 3)]
    two = [SHARED, _d("DG712", "docs/b.md", 3), _d("DG712", "docs/b.md", 3), _d("DG313", None)]
    three = [SHARED, _d("DG313", None), _d("DG310", "docs/a.md", 9, "links")]
    summaries = [
        {"examples": {"pages": 2, "examples": 5}, "links": {"pages": 9, "external_checked": 1}},
        {"examples": {"pages": 1, "examples": 5}, "links": {"pages": 9, "external_checked": 1}},
        {"examples": {"pages": 2, "examples": 1}, "links": {"pages": 9, "external_checked": 3}},
    ]
    return [
        _write(tmp_path, i + 1, 3, found, report=_report(summaries[i] | {"pipelines": {"n": 1}}))
        for i, found in enumerate((one, two, three))
    ]


def test_merge_counts_each_finding_once_and_adds_the_split_work(tmp_path: Path) -> None:
    merged = merge(list(reversed(_parts(tmp_path))), tmp_path)
    assert isinstance(merged, Merged)
    codes = [(d.code, d.location.path if d.location else None) for d in merged.diagnostics]
    # sorted by file; a finding every shard has (SHARED, DG313) once; one part's twice, twice
    assert codes == [
        ("DG313", None),
        ("DG214", ".github/workflows/ci.yml"),
        ("DG712", "docs/a.md"),
        ("DG501", "docs/a.md"),
        ("DG310", "docs/a.md"),
        ("DG712", "docs/b.md"),
        ("DG712", "docs/b.md"),
    ]
    report = merged.report
    assert report["counts"] == {"error": 3, "warning": 3, "info": 1}
    stages = report["stages"]
    assert isinstance(stages, dict)
    assert stages["examples"]["summary"] == {"pages": 5, "examples": 11}  # split: summed
    assert stages["links"]["summary"] == {"pages": 9, "external_checked": 5}  # each read all
    assert stages["pipelines"]["summary"] == {"n": 1}
    assert stages["lint"]["counts"] == {"error": 0, "warning": 3, "info": 1}
    assert report["shards"] == {"count": 3, "pages": [1, 0, 0]}  # pages each shard checked
    assert report["disabled"] == ["api"]
    assert report["seconds"] == 2.5
    assert merged.stages == ("pipelines", "examples", "lint", "links")
    page = merged.quality_page
    assert page.startswith("# Documentation quality\n\n**Problems found** — 3 errors, 3 warnings")
    assert "| examples | failed | 1 | 0 |" in page
    assert page.endswith("Checked in 3 shards (`docgen check --shard I/3`), merged by "
                         "`docgen report merge`.\n")  # fmt: skip


def _problem(paths: Sequence[Path], root: Path) -> Diagnostic:
    merged = merge(paths, root)
    assert isinstance(merged, Diagnostic)
    return merged


def test_merge_refuses_parts_that_do_not_fit(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    missing = _problem([parts[0], parts[2]], tmp_path)
    assert (missing.code, missing.location) == ("DG121", None)
    assert missing.message == "shard 2/3 missing: 2 of 3 parts given"
    assert "if: always()" in (missing.hint or "")
    assert _problem([parts[0]], tmp_path).message == "shards 2/3, 3/3 missing: 1 of 3 parts given"
    other = tmp_path / "other"
    other.mkdir()
    twice = _write(other, 2, 3, [])
    found = _problem([*parts, twice], tmp_path)
    assert found.message == f"shard 2/3 twice: {parts[1].as_posix()} and {twice.as_posix()}"
    bigger = _write(other, 1, 4, [])
    found = _problem([parts[0], bigger], tmp_path)
    assert found.message.endswith("does not fit " + parts[0].as_posix() + "'s 1/3: N differs")
    assert found.location == Location(bigger.as_posix())
    changed = _write(other, 3, 3, [], key=KEY | {"sha256": "def", "strict": True})
    found = _problem([*parts[:2], changed], tmp_path)
    assert found.message.endswith("(sha256, strict differ)")
    split_differently = _write(other, 3, 3, [], owner={"docs/a.md": 2})
    found = _problem([*parts[:2], split_differently], tmp_path)
    assert found.message == "the shards split the pages differently: their sites were not the same"
    assert _problem([], tmp_path).message == "no parts to merge"


def test_merge_refuses_parts_of_another_docgen(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    data = json.loads(parts[2].read_text())
    data["docgen"] = "0.0.1"
    parts[2].write_text(json.dumps(data))
    found = _problem(parts, tmp_path)
    assert (
        found.message == f"part made by docgen 0.0.1, {parts[0].as_posix()} by docgen {__version__}"
    )


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('{"shard":\n  oops}', "report part is not JSON: Expecting value", 2),
        ("[1, 2]", "not a docgen report part: not a JSON object", None),
        ('{"format": 9}', "not a docgen report part: not a docgen report part of format 1", None),
        ('{"format": 1}', "not a docgen report part: no 'shard'", None),
        ('{"format": 1, "shard": [], "config": {}}', "'shard' and 'config' must be objects", None),
        (
            '{"format": 1, "shard": {"index": 4, "count": 3}, "config": {}}',
            "'shard' must say an index between 1 and its count",
            None,
        ),
        (
            '{"format": 1, "shard": {"index": 1, "count": 1}, "config": {}, "diagnostics": {}}',
            "'diagnostics' must be a list of findings",
            None,
        ),
        (
            '{"format": 1, "shard": {"index": 1, "count": 1}, "config": {}, '
            '"diagnostics": [{"code": "DG1", "severity": "bad", "message": "m"}]}',
            "'bad' is not a valid Severity",
            None,
        ),
        (
            '{"format": 1, "shard": {"index": 1, "count": 1}, "config": {}, '
            '"diagnostics": [{"code": "DG1", "severity": "error", "message": "m", "file": 3}]}',
            "a finding's file must be text and its lines numbers",
            None,
        ),
        (
            '{"format": 1, "shard": {"index": 1, "count": 1}, "config": {}, '
            '"diagnostics": [], "report": []}',
            "'report' must be an object and 'stages' a list",
            None,
        ),
    ],
)
def test_a_malformed_part_is_one_diagnostic_naming_it(
    tmp_path: Path, content: str, message: str, line: int | None
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    found = read_part(bad)
    assert isinstance(found, Diagnostic)
    assert (found.code, found.severity, found.location) == (
        "DG120",
        Severity.ERROR,
        Location(bad.as_posix(), line),
    )
    assert message in found.message
    assert _problem([bad, *_parts(tmp_path)], tmp_path) == found


def test_an_unreadable_part_is_one_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "part.json"
    folder.mkdir()
    found = read_part(folder)
    assert isinstance(found, Diagnostic)
    assert found.message.startswith("report part cannot be read: ")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{")
    found = read_part(binary)
    assert isinstance(found, Diagnostic)
    assert found.message == "report part is not UTF-8 text"


def test_from_dict_reads_what_to_dict_wrote() -> None:
    full = Diagnostic("DG301", Severity.ERROR, "m", Location("a.md", 3, 4), "h", "links", True)
    assert from_dict(full.to_dict()) == full
    bare = Diagnostic("DG313", Severity.INFO, "m")
    assert from_dict(bare.to_dict()) == bare


def test_config_key_holds_what_changes_the_findings(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n")
    key = config_key(config, offline=True, strict=False, only=["lint", "links"], baseline=True)
    assert key["only"] == ["links", "lint"]
    assert key["offline"] is True
    assert isinstance(key["sha256"], str)
    assert len(key["sha256"]) == 64
    nothing = config_key(
        tmp_path / "no.yml", offline=False, strict=False, only=None, baseline=False
    )
    assert nothing["sha256"] is None


def test_part_says_which_shard_and_what_it_checked() -> None:
    split = Split(Shard(2, 3), {"docs/a.md": 2, "docs/b.md": 1, "docs/c.md": 2})
    found = [_d("DG712", "docs/a.md")]
    report = _report({"lint": {"pages": 3}}) | {"diagnostics": [found[0].to_dict()]}
    shape = part(split, found, config=KEY, report=report, stages=["lint"])
    assert shape["shard"] == {
        "index": 2,
        "count": 3,
        "pages": 2,
        "of": 3,
        "plan": shape["shard"]["plan"],  # type: ignore[index]
    }
    assert shape["counts"] == {"error": 0, "warning": 1, "info": 0}
    assert shape["diagnostics"] == [found[0].to_dict()]
    kept = shape["report"]
    assert isinstance(kept, dict)
    assert "diagnostics" not in kept
    assert kept["stages"] == {"lint": dict(report["stages"]["lint"].items())}  # type: ignore[index]
    assert part(split, [], config=KEY, report=None)["report"] is None


def test_merge_applies_the_baseline_to_the_whole(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for name in ("a", "b"):
        (tmp_path / "docs" / f"{name}.md").write_text("# Page\n\nTODO\n", encoding="utf-8")
    known = _d("DG712", "docs/a.md", 3)
    fixed = _d("DG712", "docs/c.md", 3)
    (tmp_path / "docs" / "c.md").write_text("# Page\n\nTODO\n", encoding="utf-8")
    write(tmp_path, record([known, fixed], tmp_path))
    (tmp_path / "docs" / "c.md").unlink()
    report = _report({"lint": {}}, baseline=".docgen/baseline.json")
    # Each shard marked what it could and called the rest fixed (DG111): the merge redoes it.
    marked = replace(known, baseline=True)
    dg111 = Diagnostic("DG111", Severity.INFO, "2 baselined findings are fixed", Location("x"))
    one = _write(tmp_path, 1, 2, [marked, dg111], report=report)
    two = _write(tmp_path, 2, 2, [_d("DG712", "docs/b.md", 3), dg111], report=report)
    merged = merge([one, two], tmp_path)
    assert isinstance(merged, Merged)
    assert [(d.code, d.baseline) for d in merged.diagnostics] == [
        ("DG111", False),
        ("DG712", True),
        ("DG712", False),
    ]
    assert merged.diagnostics[0].message.startswith("1 baselined finding is fixed")
    assert merged.report["baseline"] == {"file": ".docgen/baseline.json", "known": 1, "fixed": 1}
    # a baseline the merge cannot read is said, once
    (tmp_path / ".docgen" / "baseline.json").write_text("{", encoding="utf-8")
    merged = merge([one, two], tmp_path)
    assert isinstance(merged, Merged)
    assert [d.code for d in merged.diagnostics].count("DG110") == 1
    assert merged.report["baseline"] == {"file": None, "known": 0, "fixed": 0}


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="docgen")
    report_cli.add_parsers(parser.add_subparsers(dest="command"))
    return report_cli.COMMANDS["report"](parser.parse_args(list(argv)))


def test_cli_writes_report_quality_page_and_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [str(p) for p in _parts(tmp_path)]
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out_file, page = tmp_path / "out" / "report.json", tmp_path / "site" / "quality.md"
    code = _cli("report", "merge", *parts, "-o", str(out_file), "--quality-page", str(page),
                "--format", "github", "-f", str(tmp_path / "mkdocs.yml"))  # fmt: skip
    assert code == 1
    out, err = capsys.readouterr()
    assert out.count("::error ") == 3
    assert out.count("::warning ") == 3
    assert "::error file=docs/a.md,line=7,title=DG501::DG501 here" in out
    assert "DG313" not in out  # a lone note is not annotated when there are problems
    assert err == "docgen: report merge: 3 parts: 3 errors, 3 warnings\n"
    report = json.loads(out_file.read_text())
    assert report["counts"] == {"error": 3, "warning": 3, "info": 1}
    assert len(report["diagnostics"]) == 7
    assert page.read_text().startswith("# Documentation quality")
    assert summary.read_text().startswith("## docgen (merged)\n")
    assert _cli("report", "merge", *parts, "--format", "junit") == 1
    assert capsys.readouterr().out.count("<testsuite ") == 4
    assert _cli("report", "merge", *parts, "--format", "json") == 1
    assert len(json.loads(capsys.readouterr().out)["diagnostics"]) == 7


def test_cli_exit_0_when_clean_and_2_when_parts_do_not_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = [str(_write(tmp_path, i, 2, [_d("DG313", None)])) for i in (1, 2)]
    assert _cli("report", "merge", *clean) == 0
    out, err = capsys.readouterr()
    assert out.startswith("info[DG313]")
    assert "0 errors" in err
    assert _cli("report", "merge", clean[0]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error[DG121]: shard 2/2 missing: 1 of 2 parts given\n  hint: ")
    missing = tmp_path / "nope.json"
    assert _cli("report", "merge", *clean, str(missing)) == 2
    assert capsys.readouterr().err.startswith(f"{missing.as_posix()}: error[DG120]: report part")


def test_cli_says_every_part_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "part-1.json"
    broken.write_text('{"diagnostics": [],}\n', encoding="utf-8")
    missing = tmp_path / "part-2.json"
    assert _cli("report", "merge", str(broken), str(missing)) == 2
    err = capsys.readouterr().err
    assert f"{broken.as_posix()}:1: error[DG120]: report part is not JSON" in err
    assert f"{missing.as_posix()}: error[DG120]: report part cannot be read" in err
    assert "Traceback" not in err
