"""The `docgen` command end to end, in-process, over real projects on disk."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import FakeStage

from docgen import __version__
from docgen.cli import main
from docgen.diagnostics import Diagnostic, Location, Severity

Project = Callable[..., Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_help_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"docgen {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "docgen check --format github" in capsys.readouterr().out
    code, out, _ = run(capsys)
    assert code == 2
    assert "COMMAND" in out


def test_build_writes_site_report_and_quality_page(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"sources/thing.txt": "hello", "docs/guide.md": "# Guide\n\n{{fake}}\n"})
    code, out, err = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 0, out + err
    site = root / "site"
    assert "Source says: hello" in (site / "fake" / "index.html").read_text()
    assert "transformed" in (site / "guide" / "index.html").read_text()
    assert (site / "js" / "fake.js").read_text() == "window.fake = 1;\n"
    assert 'src="../js/fake.js"' in (site / "guide" / "index.html").read_text()
    report = json.loads((site / "report.json").read_text())
    assert report["stages"]["pipelines"]["summary"] == {"pages": 2, "checked": 4, "html": 6}
    assert report["counts"] == {"error": 0, "warning": 0, "info": 0}
    quality = (site / "quality" / "index.html").read_text()
    assert "All checks passed" in quality
    assert "pipelines" in quality
    assert "0 errors, 0 warnings" in err
    assert fake_stage.calls == ["generate", "check", "check_site"]
    assert fake_stage.site_dirs == [site]
    # the generated pages and the quality page are virtual: nothing was written into docs/
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["guide.md", "index.md"]


def test_findings_exit_1_in_every_format(
    project: Project,
    fake_stage: FakeStage,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = project({"docs/todo.md": "# Todo\n\nline\nFIXME here\n"})
    config = str(root / "mkdocs.yml")
    code, out, _ = run(capsys, "check", "-f", config)
    assert code == 0  # a warning alone does not fail...
    assert out == "docs/todo.md:4: warning[DG999]: page mentions FIXME\n  hint: write the page\n"
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(capsys, "check", "-f", config, "--strict", "--format", "github")
    assert code == 1  # ...unless --strict
    assert out.startswith("::error file=docs/todo.md,line=4,title=DG999::page mentions FIXME")
    assert "| error | <code>docs/todo.md&#58;4</code> | DG999 |" in summary.read_text()
    code, out, _ = run(capsys, "check", "-f", config, "--format", "json")
    assert json.loads(out)["diagnostics"][0]["line"] == 4
    junit = tmp_path / "out" / "junit.xml"
    code, out, _ = run(capsys, "check", "-f", config, "--format", "junit", "-o", str(junit))
    assert out == ""
    assert ET.parse(junit).getroot().find("testsuite").get("name") == "pipelines"
    # check builds into a temporary folder: the project's site/ is untouched
    assert not (root / "site").exists()


def test_strict_build_fails_on_mkdocs_own_warnings(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"docs/bad.md": "# Bad\n\n[gone](missing.md)\n"})
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 0
    assert "docs/bad.md: warning[DG100]: Doc file 'bad.md' contains a link 'missing.md'" in out
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"), "--strict")
    assert code == 1
    assert "error[DG100]" in out
    report = json.loads((root / "site" / "report.json").read_text())
    assert report["counts"]["error"] == 1
    quality = (root / "site" / "quality" / "index.html").read_text()
    assert "Problems found" in quality
    assert "DG100" in quality


@pytest.mark.parametrize(
    ("files", "argv", "message"),
    [
        ({}, ["build", "-f", "nowhere/mkdocs.yml"], "folder nowhere does not exist"),
        ({}, ["build", "-f", "missing.yml"], "missing.yml: no such file"),
        (
            {"mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      pipelines: {workflow: x}\n"},
            ["build"],
            "unknown option 'workflow'",
        ),
        (
            {"mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      pipeline: {}\n"},
            ["check"],
            "pipeline",
        ),
        (
            {"mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      links: {retries: true}\n"},
            ["build"],
            "Expected a number but received a boolean",
        ),
        (
            {"mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      links: [1]\n"},
            ["build"],
            "expected a mapping of options, true or false, got list",
        ),
        ({"mkdocs.yml": "site_name: x\ndocs_dir: nope\nplugins: [docgen]\n"}, ["build"], "nope"),
        (
            {
                "mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      cache_dir: blocked\n",
                "blocked": "a file where the cache folder goes\n",
            },
            ["build"],
            "option 'cache_dir': 'blocked' is a file; docgen keeps its results in a folder there",
        ),
        (
            {"mkdocs.yml": "site_name: x\nplugins:\n  - docgen:\n      page_cache: maybe\n"},
            ["build"],
            "option 'page_cache': Expected type: <class 'bool'>",
        ),
        ({"mkdocs.yml": "site_name: x\nplugins: [search]\n"}, ["build"], "plugin is not enabled"),
        (
            {"mkdocs.yml": "site_name: x\nplugins: [docgen]\nplugins: [search]\n"},
            ["build"],
            "`plugins:` is set 2 times (lines 2, 3) and MkDocs uses only line 3",
        ),
        ({"mkdocs.yml": "site_name: [unclosed\n"}, ["build"], "mkdocs.yml"),
        ({}, ["check", "--only", "pipelines,nope"], "unknown stage 'nope' in --only"),
        ({}, ["dump", "nope"], "no dump for stage 'nope'"),
        ({}, ["check", "--site", "no-such-site"], "--site no-such-site: no such folder"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(
    project: Project,
    fake_stage: FakeStage,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    root = project(files)
    monkeypatch.chdir(root)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("docgen: error: ")
    assert message in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_non_utf8_config_is_a_clear_error(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project()
    (root / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\nplugins: [docgen]\n")
    code, _, err = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 2
    assert "mkdocs.yml" in err


def test_sections_can_be_turned_off(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        mkdocs="site_name: x\nplugins:\n  - docgen:\n"
        "      pipelines: false\n      quality_page: false\n"
    )
    code, _, err = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 0, err
    assert fake_stage.calls == []
    assert not (root / "site" / "quality").exists()
    report = json.loads((root / "site" / "report.json").read_text())
    assert "pipelines" in report["disabled"]
    assert report["stages"] == {}


def test_dump_and_only(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(mkdocs="site_name: x\nplugins:\n  - docgen:\n      pipelines: false\n")
    code, out, _ = run(capsys, "dump", "pipelines", "a", "b", "-f", str(root / "mkdocs.yml"))
    assert code == 0
    assert json.loads(out) == {"args": ["a", "b"], "root": "project"}
    root2 = project()
    code, _, _ = run(capsys, "check", "--only", "pipelines", "-f", str(root2 / "mkdocs.yml"))
    assert code == 0
    assert fake_stage.calls == ["generate", "check", "check_site"]


def test_check_site_only_checks_an_existing_site(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project()
    (root / "built").mkdir()
    (root / "built" / "index.html").write_text("<p>hi</p>")
    code, _out, _ = run(
        capsys, "check", "--site", str(root / "built"), "-f", str(root / "mkdocs.yml"), "--offline"
    )
    assert code == 0
    assert fake_stage.calls == ["check_site"]
    assert fake_stage.site_dirs == [(root / "built").resolve()]


def test_offline_flag_reaches_the_stages(
    project: Project,
    fake_stage: FakeStage,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    original = fake_stage.generate

    def spy(config):  # type: ignore[no-untyped-def]
        seen.append(config.offline)
        return original(config)

    monkeypatch.setattr(fake_stage, "generate", spy)
    from docgen import stages

    monkeypatch.setattr(stages, "STAGES", (stages.Stage("pipelines", generate=spy),))
    root = project()
    run(
        capsys,
        "build",
        "--offline",
        "-f",
        str(root / "mkdocs.yml"),
        "-j",
        "1",
        "--no-cache",
        "--no-diagram-validation",
    )
    run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert seen == [True, False]
    assert "DOCGEN_OFFLINE" not in os.environ


def test_stage_crash_is_one_diagnostic_and_other_work_goes_on(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_stage.fail = True
    root = project()
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 1
    assert "error[DG001]: internal error in the pipelines stage: RuntimeError: boom" in out
    assert "Traceback" not in out
    assert (root / "site" / "index.html").exists()
    assert fake_stage.calls == ["generate", "check", "check_site"]


def test_generated_page_never_replaces_a_hand_written_one(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"docs/fake/index.md": "# Mine\n"})
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert "docs/fake/index.md: warning[DG101]" in out
    assert "Mine" in (root / "site" / "fake" / "index.html").read_text()
    assert code == 0


def test_diagnostics_of_generated_pages_name_their_source(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    from docgen.model import Page

    fake_stage.pages = (
        Page("fake/x.md", "X", "# X\n\nFIXME\n[a](nowhere.md)\n", ("Fake",), "sources/thing.txt"),
    )
    root = project()
    _code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert "sources/thing.txt:3: warning[DG999]" in out
    assert "sources/thing.txt: warning[DG100]: Doc file 'fake/x.md'" in out
    generated = [d for d in fake_stage.documents if d.generated]
    assert [d.path for d in generated] == ["fake/x.md"]


def test_unused_diagnostic_fields(fake_stage: FakeStage) -> None:
    fake_stage.diagnostics = [Diagnostic("DG1", Severity.INFO, "x", Location("a"))]
    assert fake_stage.diagnostics[0].location == Location("a")


def test_only_limits_checks_and_findings_but_the_site_stays_whole(
    project: Project,
    fake_stage: FakeStage,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docgen import stages
    from docgen.model import StageResult

    checked: list[str] = []

    def examples_check(config, context, documents):  # type: ignore[no-untyped-def]
        checked.append("examples")
        found = Diagnostic("DG501", Severity.ERROR, "failed", Location("docs/index.md", 1))
        return StageResult("examples", diagnostics=(found,))

    monkeypatch.setattr(
        stages, "STAGES", (*stages.STAGES, stages.Stage("examples", check=examples_check))
    )
    root = project({"docs/bad.md": "# Bad\n\n[gone](missing.md) [f](fake/index.md)\n"})
    config = str(root / "mkdocs.yml")
    code, out, _ = run(capsys, "check", "--only", "pipelines", "-f", config)
    assert (code, out) == (0, "")  # neither the examples error nor MkDocs' warning
    assert checked == []
    assert fake_stage.calls == ["generate", "check", "check_site"]
    code, out, _ = run(capsys, "check", "-f", config)
    assert code == 1
    assert "error[DG501]: failed" in out
    assert "missing.md" in out
    assert "fake/index.md" not in out  # generated pages exist in every run


def test_lines_count_from_the_top_of_the_file_despite_front_matter(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        {"docs/meta.md": "---\ntitle: Meta\ntags: [a]\n---\n\n# Meta\n\n{{fake}} FIXME\n"}
    )
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 0
    assert out.startswith("docs/meta.md:8: warning[DG999]")
    assert "transformed" in (root / "site" / "meta" / "index.html").read_text()


def test_a_page_that_is_not_utf8_is_one_error_and_the_rest_builds(
    project: Project, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project()
    (root / "docs" / "latin1.md").write_bytes(b"# Title\n\nCaf\xe9\n")
    code, out, err = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 1
    assert out.startswith("docs/latin1.md:3: error[DG102]: not UTF-8 text (byte 0xe9)")
    assert "Traceback" not in out + err
    assert (root / "site" / "index.html").exists()
    assert not (root / "site" / "latin1").exists()


def test_a_broken_link_is_reported_once_by_the_links_stage(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        {"docs/bad.md": "# Bad\n\n[gone](missing.md)\n"},
        mkdocs=(
            "site_name: x\nplugins:\n  - docgen:\n      diagrams: false\n      examples: false\n"
            "      lint: false\n      pipelines: false\n      links: {external: false}\n"
        ),
    )
    code, out, _ = run(capsys, "build", "-f", str(root / "mkdocs.yml"))
    assert code == 1
    assert "DG100" not in out  # MkDocs' own check of the same link is not repeated
    assert out.count("docs/bad.md:3: error[DG301]: broken link to 'missing.md'") == 1


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            '{% extends "base.html" %}\n{% block content %}{{ nope() }}{% endblock %}\n',
            "a theme template failed at overrides/main.html:2: 'nope' is undefined",
        ),
        (
            '{% extends "base.html" %}\n{% block content %}\n{% if %}{% endblock %}\n',
            "a theme template failed at overrides/main.html:3: Expected an expression",
        ),
    ],
)
def test_a_broken_theme_template_is_one_message(
    project: Project, capsys: pytest.CaptureFixture[str], template: str, message: str
) -> None:
    root = project(
        {"overrides/main.html": template},
        mkdocs="site_name: x\ntheme: {name: material, custom_dir: overrides}\nplugins: [docgen]\n",
    )
    code, out, err = run(capsys, "build", "-f", str(root / "mkdocs.yml"), "--offline")
    assert code == 1
    assert f"docgen: {message}" in err
    assert "Traceback" not in out + err
