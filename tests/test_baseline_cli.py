"""`docgen baseline`, and `build`, `check`, the plugin and `docgen init` with a baseline,
over real projects on disk (a stand-in stage, except for the one end-to-end test)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FakeStage, write
from mkdocs.commands.build import build
from mkdocs.config import load_config

from docgen.baseline import BASELINE_FILE
from docgen.cli import main

Project = Callable[..., Path]

TODO = "# Todo\n\nSome text.\n\nFIXME here\n"
BROKEN = '{% extends "base.html" %}\n{% block content %}{{ nope() }}{% endblock %}\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_accepted_findings_never_fail_and_new_ones_do(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"docs/todo.md": TODO})
    config = str(root / "mkdocs.yml")
    assert run(capsys, "check", "-f", config, "--strict")[0] == 1
    code, out, err = run(capsys, "baseline", "-f", config)
    assert code == 0, err
    assert out == "  pipelines  DG999 ×1  page mentions FIXME\n"
    assert "1 findings accepted in" in err
    assert (root / BASELINE_FILE).is_file()
    # accepted: not shown, not failing, even with --strict; counted on the summary line
    code, out, err = run(capsys, "check", "-f", config, "--strict")
    assert (code, out) == (0, "")
    assert "0 errors, 0 warnings, 1 known" in err
    code, out, _ = run(capsys, "check", "-f", config, "--strict", "--format", "json")
    (finding,) = json.loads(out)["diagnostics"]
    assert (finding["code"], finding["baseline"]) == ("DG999", True)
    code, out, _ = run(capsys, "check", "-f", config, "--format", "github")
    assert (code, out) == (0, "")
    # lines above it move: still known; a new one fails alone
    write(root, {"docs/todo.md": "# Todo\n\nMore.\n\n" + TODO[8:], "docs/new.md": "# New\nFIXME\n"})
    code, out, _ = run(capsys, "check", "-f", config, "--strict", "--format", "github")
    assert code == 1
    assert (
        out == "::error file=docs/new.md,line=2,title=DG999::page mentions FIXME%0Awrite the page\n"
    )
    # --no-baseline: everything, as before
    code, out, _ = run(capsys, "check", "-f", config, "--strict", "--no-baseline")
    assert code == 1
    assert "docs/todo.md:7: error[DG999]" in out
    assert "docs/new.md:2: error[DG999]" in out


def test_fixed_findings_are_said_and_update_drops_them(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"docs/todo.md": TODO, "docs/other.md": "# Other\n\nFIXME too\n"})
    config = str(root / "mkdocs.yml")
    assert run(capsys, "baseline", "-f", config)[0] == 0
    write(root, {"docs/todo.md": "# Todo\n\nDone.\n"})
    code, out, err = run(capsys, "build", "-f", config)
    assert code == 0
    assert out == (
        f"{BASELINE_FILE}: info[DG111]: 1 baselined finding is fixed: run `docgen baseline "
        "--update`\n  hint: `docgen baseline --update` drops them from the baseline, so they "
        "cannot come back unnoticed\n"
    )
    assert "1 known, 1 fixed" in err
    report = json.loads((root / "site" / "report.json").read_text())
    assert report["baseline"] == {"file": BASELINE_FILE, "known": 1, "fixed": 1}
    assert report["stages"]["pipelines"]["known"] == 1
    quality = (root / "site" / "quality" / "index.html").read_text()
    assert "Known findings" in quality
    assert "1 known" in quality
    # a new finding beside the fixed one: the fixed one is still said
    write(root, {"docs/new.md": "# New\n\nFIXME\n"})
    code, out, _ = run(capsys, "check", "-f", config)
    assert "docs/new.md:3: warning[DG999]" in out
    assert "info[DG111]" in out
    # plain `docgen baseline` never accepts new findings by accident
    code, _, err = run(capsys, "baseline", "-f", config)
    assert code == 2
    assert "exists; `docgen baseline --update` rewrites it" in err
    code, _, err = run(capsys, "baseline", "-f", config, "--update")
    assert code == 0
    assert "2 findings accepted in" in err
    assert "(1 new, 1 fixed and dropped)" in err
    code, out, err = run(capsys, "check", "-f", config, "--strict")
    assert (code, out) == (0, "")


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_corrupt_baseline_is_one_error_and_exit_2(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    root = project({BASELINE_FILE: '{"version": 1, "findings": [\n'})
    config = str(root / "mkdocs.yml")
    code, out, err = run(capsys, command, "-f", config)
    assert code == 2
    assert err.startswith(f"{BASELINE_FILE}:2: error[DG110]: the baseline is not valid JSON")
    assert "hint: run `docgen baseline --update`" in err
    assert "Traceback" not in out + err
    assert fake_stage.calls == []  # said before any build
    assert run(capsys, command, "-f", config, "--no-baseline")[0] == 0


def test_update_replaces_a_corrupt_baseline(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"docs/todo.md": TODO, BASELINE_FILE: "not json"})
    config = str(root / "mkdocs.yml")
    assert run(capsys, "baseline", "-f", config)[0] == 2
    code, _, err = run(capsys, "baseline", "-f", config, "--update")
    assert code == 0
    assert "(the unreadable baseline was replaced)" in err
    assert run(capsys, "check", "-f", config, "--strict")[0] == 0


def test_nothing_to_accept_writes_nothing(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project()
    code, _, err = run(capsys, "baseline", "-f", str(root / "mkdocs.yml"))
    assert code == 0
    assert "no errors nor warnings: no baseline needed" in err
    assert not (root / ".docgen").exists()


def test_no_baseline_is_written_when_a_stage_crashed(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_stage.fail = True
    root = project({"docs/todo.md": TODO})
    code, _, err = run(capsys, "baseline", "-f", str(root / "mkdocs.yml"))
    assert code == 1
    assert "error[DG001]" in err
    assert "baseline not written: a stage crashed, its findings are unknown" in err
    assert not (root / BASELINE_FILE).exists()


def test_no_baseline_is_written_when_the_build_stops(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        {"overrides/main.html": BROKEN},
        mkdocs="site_name: x\ntheme: {name: material, custom_dir: overrides}\nplugins: [docgen]\n",
    )
    code, _, err = run(capsys, "baseline", "-f", str(root / "mkdocs.yml"))
    assert code == 1
    assert "baseline not written: a theme template failed" in err
    assert not (root / BASELINE_FILE).exists()


def test_check_site_applies_the_baseline(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_stage.diagnostics = ()
    root = project({"docs/todo.md": TODO})
    config = str(root / "mkdocs.yml")
    write(root, {"built/index.html": "<html></html>"})
    site = str(root / "built")
    # the site checks of the stand-in stage find nothing: a baseline of one is all fixed
    assert run(capsys, "baseline", "-f", config)[0] == 0
    code, out, _ = run(capsys, "check", "--site", site, "-f", config, "--format", "json")
    assert code == 0
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["DG111"]
    code, out, _ = run(capsys, "check", "--site", site, "-f", config, "--no-baseline")
    assert (code, out) == (0, "")
    write(root, {BASELINE_FILE: "[]"})
    code, _, err = run(capsys, "check", "--site", site, "-f", config)
    assert code == 2
    assert "error[DG110]: not a docgen baseline" in err


def _mkdocs_build(root: Path, **options: object) -> None:
    config = load_config(str(root / "mkdocs.yml"), **options)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def test_plain_mkdocs_build_strict_passes_with_a_baseline(
    project: Project,
    fake_stage: FakeStage,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = project({"docs/todo.md": TODO, "docs/more.md": "# More\n\nFIXME\n"})
    assert run(capsys, "baseline", "-f", str(root / "mkdocs.yml"))[0] == 0
    write(root, {"docs/more.md": "# More\n"})
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        _mkdocs_build(root, strict=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.docgen"]
    assert messages[0].startswith(f"{BASELINE_FILE}: info[DG111]: 1 baselined finding is fixed")
    assert messages[1] == f"1 known findings in {BASELINE_FILE} not shown"
    # a corrupt baseline: one error through MkDocs, every finding counts again
    write(root, {BASELINE_FILE: "{"})
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        _mkdocs_build(root)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(f"{BASELINE_FILE}:1: error[DG110]" in m for m in errors)
    assert any("warning[DG999]" in r.getMessage() for r in caplog.records)


# --- docgen init's first check ---


def test_init_lists_the_findings_and_suggests_a_baseline(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"docs/index.md": "# Home\n\nFIXME one\n", "docs/b.md": "# B\n\nFIXME\n"})
    code, _, err = run(capsys, "init", str(tmp_path))
    assert code == 0
    assert "docgen init: first check (offline): 0 errors, 2 warnings\n" in err
    assert "  pipelines  DG999 ×2  page mentions FIXME\n" in err
    assert "or accept today's state with `docgen baseline`" in err
    assert "next: `docgen setup`" not in err
    assert not (tmp_path / "site").exists()
    # after `docgen baseline`, the first check of another init says they are known
    assert run(capsys, "baseline", "-f", str(tmp_path / "mkdocs.yml"))[0] == 0
    code, _, err = run(capsys, "init", str(tmp_path))
    assert "first check (offline): 0 errors, 0 warnings, 2 known (baseline)\n" in err
    assert "next: `docgen setup`" in err


def test_init_without_the_check(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "init", str(tmp_path), "--no-check")
    assert code == 0
    assert "first check" not in err
    assert "next: `docgen setup`" in err
    assert fake_stage.calls == []


def test_init_says_in_one_line_when_the_check_cannot_run(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    # a plugin of the project's that is not installed: MkDocs cannot load the config
    write(tmp_path, {"mkdocs.yml": "site_name: x\nplugins:\n  - no-such-plugin\n"})
    code, _, err = run(capsys, "init", str(tmp_path))
    assert code == 0  # init did its part
    (line,) = [line for line in err.splitlines() if "first check" in line]
    assert line.startswith("docgen init: the first check could not run: ")
    assert "no-such-plugin" in line
    assert "Traceback" not in err
    assert "next: `docgen setup`" in err


def test_init_says_when_the_check_cannot_finish(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\ntheme: {name: material, custom_dir: overrides}\n",
            "overrides/main.html": BROKEN,
        },
    )
    code, _, err = run(capsys, "init", str(tmp_path))
    assert code == 0
    assert "docgen init: the first check could not finish: a theme template failed" in err


# --- end to end, with docgen's real stages ---

GUIDE = """\
# Guide

See [the setup](setup.md).

```python
assert 1 + 1 == 3
```
"""


@pytest.mark.slow
def test_a_real_project_adopts_a_baseline(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        {"docs/guide.md": GUIDE},
        mkdocs="site_name: x\ntheme: {name: material}\nplugins:\n  - docgen:\n"
        "      diagrams: false\n      pipelines: false\n",
    )
    config = str(root / "mkdocs.yml")
    code, out, _ = run(capsys, "baseline", "-f", config, "--offline")
    assert code == 0
    assert "links     DG301 ×1  broken link to 'setup.md'" in out
    assert "examples  DG501 ×1  AssertionError" in out
    code, out, _ = run(capsys, "check", "-f", config, "--offline", "--format", "json")
    assert code == 0
    found = {d["code"]: d for d in json.loads(out)["diagnostics"]}
    assert found["DG301"]["baseline"] is True
    assert found["DG501"]["baseline"] is True
    # lines above move, a new broken link: only it fails, only it is annotated
    write(root, {"docs/guide.md": "# Guide\n\nIntro.\n\n" + GUIDE[9:] + "\n[new](gone.md)\n"})
    code, out, _ = run(capsys, "check", "-f", config, "--offline", "--format", "github")
    assert code == 1
    assert out.count("::error") == 1
    assert "file=docs/guide.md,line=11,title=DG301::broken link to 'gone.md'" in out
    # the old link fixed: said, and --update drops it
    write(root, {"docs/setup.md": "# Setup\n\nInstall it.\n"})
    code, out, _ = run(capsys, "check", "-f", config, "--offline")
    assert "info[DG111]: 1 baselined finding is fixed" in out
    assert "docs/guide.md:11: error[DG301]: broken link to 'gone.md'" in out
    code, _, err = run(capsys, "baseline", "-f", config, "--offline", "--update")
    assert code == 0
    assert "(1 new, 1 fixed and dropped)" in err
    data = json.loads((root / BASELINE_FILE).read_text())
    assert sorted((f["code"], f["message"][:24]) for f in data["findings"]) == [
        ("DG301", "broken link to 'gone.md'"),
        ("DG501", "AssertionError"),
    ]
    code, out, _ = run(capsys, "check", "-f", config, "--offline", "--strict")
    assert code == 0
    assert "error" not in out
    code, out, _ = run(capsys, "check", "-f", config, "--offline", "--no-baseline")
    assert code == 1
    assert "error[DG301]" in out
    assert "error[DG501]" in out
