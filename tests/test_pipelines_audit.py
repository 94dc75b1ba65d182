"""The pipelines stage on real repositories: the security audit (zizmor, or docgen's own
checks), paths outside the project, large job graphs, and `docgen dump` in any folder.

zizmor runs for real where it is installed (the `dev` extra installs it); "absent" is made
deterministic with `zizmor: PATH` pointing at no file, and failures with small scripts
that stand in for the command.
"""

from __future__ import annotations

import importlib
import json
import shutil
import stat
import textwrap
from pathlib import Path

import pytest

from docgen import mkdocs_plugin
from docgen.cli import main
from docgen.config import DocgenConfig, PipelinesConfig
from docgen.diagnostics import Severity
from docgen.pipelines import dump, generate, load_folder
from docgen.pipelines.audit import own_findings, read_zizmor, severity_of
from docgen.pipelines.extract import extract
from docgen.pipelines.model import Finding

REPO = Path(__file__).resolve().parents[1]
MEMORYSTREAMER = REPO / "tests" / "fixtures" / "memorystreamer" / ".github" / "workflows"
UV = REPO / "tests" / "fixtures" / "uv"
audit_module = importlib.import_module("docgen.pipelines.audit")  # the name is also a function
ZIZMOR = shutil.which("zizmor")
needs_zizmor = pytest.mark.skipif(ZIZMOR is None, reason="zizmor is not installed (dev extra)")
SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"

RISKY = """\
name: Risky
on:
  pull_request_target:
    types: [opened]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
  call:
    uses: octo/repo/.github/workflows/x.yml@main
    secrets: inherit
"""


def config_for(root: Path, **settings: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        pipelines=PipelinesConfig(**settings),  # type: ignore[arg-type]
    )


def write(root: Path, name: str, text: str) -> Path:
    path = root / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def command(tmp_path: Path, script: str) -> str:
    """A stand-in for zizmor: a shell script that does what `script` says."""
    path = tmp_path / "fake-zizmor"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def workflow_of(text: str, path: str = ".github/workflows/w.yml"):  # type: ignore[no-untyped-def]
    workflow, _ = extract(path, textwrap.dedent(text))
    assert workflow is not None
    return workflow


# -- docgen's own checks ---------------------------------------------------------------------


def test_own_checks_flag_each_pattern_at_its_job_and_step() -> None:
    findings = own_findings(workflow_of(RISKY))
    assert [(f.kind, f.severity, f.line, f.job, f.step, f.tool) for f in findings] == [
        ("excessive-permissions", "medium", 1, None, None, "docgen"),
        ("dangerous-triggers", "high", 9, "build", 1, "docgen"),
        ("unpinned-uses", "high", 9, "build", 1, "docgen"),
        ("secrets-inherit", "medium", 13, "call", None, "docgen"),
        ("unpinned-uses", "high", 13, "call", None, "docgen"),
    ]
    assert "actions/checkout@v4 is not pinned" in findings[2].message
    assert "@main can move" in findings[4].message


def test_own_checks_leave_pinned_local_and_safe_workflows_alone() -> None:
    safe = workflow_of(
        f"""\
        on: pull_request_target
        permissions: {{}}
        jobs:
          a:
            runs-on: x
            steps:
              - uses: actions/checkout@{SHA}
              - uses: ./.github/actions/local
              - uses: docker://alpine:3.20
              - uses: actions/checkout@{SHA}
                with: {{ref: main}}
        """
    )
    assert own_findings(safe) == ()


def test_own_checks_name_the_jobs_without_permissions_and_head_ref() -> None:
    workflow = workflow_of(
        """\
        on: pull_request_target
        jobs:
          a:
            runs-on: x
            permissions: {contents: read}
            steps:
              - uses: octo/act
          b:
            runs-on: x
            steps:
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.pull_request.head.ref }}
        """
    )
    assert [(f.kind, f.job, f.step) for f in own_findings(workflow)] == [
        ("unpinned-uses", "a", 1),
        ("excessive-permissions", "b", None),
        ("dangerous-triggers", "b", 1),
        ("unpinned-uses", "b", 1),
    ]
    assert "(no version can move)" in own_findings(workflow)[0].message


@pytest.mark.parametrize(
    ("severity", "highest", "expected"),
    [
        ("high", "warning", Severity.WARNING),
        ("high", "error", Severity.ERROR),
        ("medium", "error", Severity.WARNING),
        ("medium", "info", Severity.INFO),
        ("low", "error", Severity.INFO),
        ("informational", "warning", Severity.INFO),
        ("unknown", "warning", Severity.INFO),
    ],
)
def test_severity_follows_the_finding_up_to_audit_severity(
    severity: str, highest: str, expected: Severity
) -> None:
    assert severity_of(Finding("x", severity, "m", 1), highest) is expected


# -- without zizmor --------------------------------------------------------------------------


def test_without_zizmor_docgen_checks_stand_in_and_say_so_once(tmp_path: Path) -> None:
    write(tmp_path, "risky.yml", RISKY)
    result = generate(config_for(tmp_path, zizmor=str(tmp_path / "no-such-zizmor")))
    codes = [(d.code, d.severity, d.location and d.location.path) for d in result.diagnostics]
    assert codes[0] == ("DG215", Severity.INFO, ".github/workflows")
    assert [c for c in codes if c[0] == "DG214"] == [
        ("DG214", Severity.WARNING, ".github/workflows/risky.yml")
    ] * 5
    problem = result.diagnostics[0]
    assert "no zizmor command" in problem.message
    assert problem.hint is not None
    assert "pip install zizmor" in problem.hint
    finding = next(d for d in result.diagnostics if "secrets-inherit" in d.message)
    assert finding.location is not None
    assert finding.location.line == 13
    assert finding.hint is not None
    assert "docgen's own checks" in finding.hint
    pages = {p.path: p.markdown for p in result.pages}
    page = pages["pipelines/risky.md"]
    assert "### Security findings" in page
    assert "5 found by docgen's own checks" in page
    assert "| job <code>call</code> (line 13) | medium | <code>secrets-inherit</code>" in page
    assert "| job <code>call</code> (line 13) | **high** | <code>unpinned-uses</code>" in page
    assert "(high): " not in page  # a count per kind only above 10 findings
    assert "⚠️ [2 security findings](#security-findings)" in page
    assert "· ⚠️ <code>dangerous-triggers</code>, <code>unpinned-uses</code>" in page
    assert "| [Risky](risky.md) |" in pages["pipelines/index.md"]
    assert "[5 (3 high, 2 medium)](risky.md#security-findings) |" in pages["pipelines/index.md"]


def test_asking_for_zizmor_by_name_warns_when_it_is_missing(tmp_path: Path) -> None:
    write(tmp_path, "risky.yml", RISKY)
    on = generate(config_for(tmp_path, audit=True, zizmor=str(tmp_path / "nope")))
    assert (on.diagnostics[0].code, on.diagnostics[0].severity) == ("DG215", Severity.INFO)
    result = generate(config_for(tmp_path, audit="zizmor", zizmor=str(tmp_path / "nope")))
    assert (result.diagnostics[0].code, result.diagnostics[0].severity) == (
        "DG215",
        Severity.WARNING,
    )


def test_audit_docgen_never_runs_zizmor_and_false_turns_it_off(tmp_path: Path) -> None:
    write(tmp_path, "risky.yml", RISKY)
    runs = command(tmp_path, f"touch {tmp_path / 'ran'}\necho '[]'\n")
    own = generate(config_for(tmp_path, audit="docgen", zizmor=runs, audit_severity="error"))
    assert not (tmp_path / "ran").exists()
    assert {d.severity for d in own.diagnostics if d.code == "DG214"} == {
        Severity.ERROR,
        Severity.WARNING,
    }
    off = generate(config_for(tmp_path, audit=False, zizmor=runs))
    assert off.diagnostics == ()
    assert off.model["workflows"][0]["findings"] is None  # type: ignore[index]
    assert "Security findings" not in off.pages[0].markdown
    assert "Security findings" not in off.pages[1].markdown


def test_a_clean_workflow_says_the_audit_found_nothing(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ok.yml",
        "on: push\npermissions: {}\njobs:\n  a: {runs-on: x, steps: [run: ls]}\n",
    )
    result = generate(config_for(tmp_path, audit="docgen"))
    pages = {p.path: p.markdown for p in result.pages}
    assert "The security audit found nothing to report." in pages["pipelines/ok.md"]
    assert "| none |" in pages["pipelines/index.md"]
    assert result.diagnostics == ()


def test_own_checks_honour_zizmor_ignore_comments_on_the_findings_line(tmp_path: Path) -> None:
    text = """\
        on: push
        permissions: {}
        jobs:
          a:
            runs-on: x
            steps:
              - uses: actions/checkout@v4  # zizmor: ignore[artipacked, unpinned-uses] why
                with: {persist-credentials: false}
              - uses: actions/setup-python@v5
                with:  # zizmor: ignore[artipacked] another kind
                  python-version: "3.12"
          b:
            uses: ./.github/workflows/r.yml
            secrets: inherit # zizmor: ignore[secrets-inherit]
        """
    workflow = workflow_of(text)
    assert [(f.kind, f.line) for f in own_findings(workflow)] == [
        ("unpinned-uses", 7),
        ("unpinned-uses", 9),
        ("secrets-inherit", 12),
    ]
    kept = own_findings(workflow, textwrap.dedent(text))
    assert [(f.kind, f.line) for f in kept] == [("unpinned-uses", 9)]
    write(tmp_path, "w.yml", text)
    result = generate(config_for(tmp_path, audit="docgen"))
    audit = [d for d in result.diagnostics if d.code == "DG214"]
    assert [d.location.line for d in audit] == [9]  # the line zizmor would report too


# -- zizmor failing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ("echo 'error: boom' >&2\nexit 1\n", "failed (exit 1): error: boom"),
        ("exit 1\n", "failed (exit 1): no message"),
        ("echo 'not json'\n", "zizmor's output is not its JSON"),
        ('echo \'[{"ident": "x"}]\'\n', "zizmor's output is not its JSON"),
        ("echo '{\"a\": 1}'\n", "zizmor's output is not its JSON"),
    ],
)
def test_zizmor_failing_is_one_warning_and_the_pages_still_build(
    tmp_path: Path, script: str, said: str
) -> None:
    write(tmp_path, "risky.yml", RISKY)
    result = generate(config_for(tmp_path, zizmor=command(tmp_path, script)))
    problems = [d for d in result.diagnostics if d.code == "DG215"]
    assert len(problems) == 1
    assert problems[0].severity is Severity.WARNING
    assert said in problems[0].message
    assert "docgen's own checks" in problems[0].message
    assert sum(d.code == "DG214" for d in result.diagnostics) == 5
    assert [p.path for p in result.pages] == ["pipelines/index.md", "pipelines/risky.md"]


def test_zizmor_that_hangs_or_cannot_start_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "risky.yml", RISKY)
    monkeypatch.setattr(audit_module, "TIMEOUT", 0.2)
    slow = generate(config_for(tmp_path, zizmor=command(tmp_path, "sleep 5\n")))
    assert "did not finish in 0 s" in slow.diagnostics[0].message
    broken = tmp_path / "broken-zizmor"
    broken.write_text("#!/no/such/interpreter\n", encoding="utf-8")
    broken.chmod(0o755)
    result = generate(config_for(tmp_path, zizmor=str(broken)))
    assert "cannot run" in result.diagnostics[0].message


def test_read_zizmor_skips_ignored_and_foreign_findings(tmp_path: Path) -> None:
    mine = tmp_path / "w.yml"
    location = {
        "symbolic": {
            "key": {"Local": {"verbatim_path": str(mine)}},
            "route": {"route": [{"Key": "on"}]},
            "kind": "Related",
        },
        "concrete": {"location": {"start_point": {"row": 2}}},
    }
    foreign = json.loads(json.dumps(location))
    foreign["symbolic"]["key"]["Local"]["verbatim_path"] = str(tmp_path / "action.yml")
    remote = {**location, "symbolic": {**location["symbolic"], "key": {"Remote": {}}}}
    found = {"ident": "odd", "desc": "d", "determinations": {"severity": "Weird"}}
    output = json.dumps(
        [
            {**found, "locations": [location]},
            {**found, "locations": [location], "ignored": True},
            {**found, "locations": [foreign]},
            {**found, "locations": [remote]},
        ]
    )
    assert read_zizmor(output, {mine: "w.yml"}) == {
        "w.yml": [Finding("odd", "unknown", "d", 3, None, None, "zizmor", None)]
    }
    assert read_zizmor("", {}) == {}


# -- with zizmor ---------------------------------------------------------------------------


@needs_zizmor
def test_zizmor_findings_replace_docgen_checks_at_their_jobs(tmp_path: Path) -> None:
    write(tmp_path, "risky.yml", RISKY)
    result = generate(config_for(tmp_path, audit="zizmor"))
    assert not [d for d in result.diagnostics if d.code == "DG215"]
    findings = result.model["workflows"][0]["findings"]  # type: ignore[index]
    assert {f["tool"] for f in findings} == {"zizmor"}
    where = {(f["kind"], f["job"], f["step"]) for f in findings}
    assert ("dangerous-triggers", None, None) in where
    assert ("unpinned-uses", "build", 1) in where
    assert ("secrets-inherit", "call", None) in where
    # one finding per place and kind: docgen's own do not come on top of zizmor's
    assert len(where) == len(findings)
    finding = next(d for d in result.diagnostics if "secrets-inherit" in d.message)
    assert finding.hint is not None
    assert finding.hint.startswith("found by zizmor 1.")
    assert "https://docs.zizmor.sh/audits/#secrets-inherit" in finding.hint
    page = next(p.markdown for p in result.pages if p.path == "pipelines/risky.md")
    assert "found by zizmor" in page
    assert "[<code>secrets-inherit</code>](https://docs.zizmor.sh/audits/#secrets-inherit)" in page


@needs_zizmor
def test_a_workflow_zizmor_cannot_read_gets_docgen_checks(tmp_path: Path) -> None:
    write(tmp_path, "odd.yml", "on: push\njobs:\n  a: {runs-on: x}\n")  # no steps: zizmor stops
    write(tmp_path, "risky.yml", RISKY)
    result = generate(config_for(tmp_path))
    problems = [d for d in result.diagnostics if d.code == "DG215"]
    assert len(problems) == 1
    assert problems[0].severity is Severity.INFO
    assert problems[0].location is not None
    assert problems[0].location.path == ".github/workflows/odd.yml"
    odd, risky = result.model["workflows"]  # type: ignore[misc]
    assert {f["tool"] for f in odd["findings"]} == {"docgen"}
    assert {f["tool"] for f in risky["findings"]} == {"zizmor"}
    (tmp_path / ".github" / "workflows" / "risky.yml").unlink()
    alone = generate(config_for(tmp_path))
    assert [d.code for d in alone.diagnostics if d.code == "DG215"] == ["DG215"]


@needs_zizmor
def test_memorystreamer_findings_land_on_their_jobs(tmp_path: Path) -> None:
    shutil.copytree(MEMORYSTREAMER, tmp_path / ".github" / "workflows")
    result = generate(config_for(tmp_path, audit="zizmor"))
    assert not [d for d in result.diagnostics if d.code == "DG215"]
    release = next(w for w in result.model["workflows"] if w["file"].endswith("release.yml"))  # type: ignore[union-attr]
    where = {(f["kind"], f["job"], f["step"]) for f in release["findings"]}
    assert ("secrets-inherit", "security", None) in where
    assert ("artipacked", "post-release", 1) in where
    assert ("cache-poisoning", "build", 3) in where
    page = next(p.markdown for p in result.pages if p.path == "pipelines/release.md")
    details = page.split("### Validate security (security)")[1].split("###")[0]
    assert "⚠️ [" in details
    assert "security finding" in details
    index = next(p.markdown for p in result.pages if p.path == "pipelines/index.md")
    assert "release.md#security-findings" in index


# -- paths, large graphs, dump -----------------------------------------------------------------


def test_a_workflows_folder_outside_the_project_shows_repository_paths(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write(tmp_path / "other", "ci.yml", "on: push\njobs:\n  a: {runs-on: x}\n")
    (tmp_path / "other" / ".github" / "workflows" / "notes.txt").write_text("x")
    config = config_for(project, workflows="../other/.github/workflows", audit="docgen")
    result = generate(config)
    assert result.pages[0].source == ".github/workflows"
    assert result.pages[1].source == ".github/workflows/ci.yml"
    text = json.dumps(result.model) + "".join(p.markdown for p in result.pages)
    assert str(tmp_path) not in text
    assert {d.location.path for d in result.diagnostics if d.location} == {
        ".github/workflows/ci.yml",
        ".github/workflows/notes.txt",
    }


def test_other_folders_outside_are_shown_from_their_repository_or_themselves(
    tmp_path: Path,
) -> None:
    config = config_for(tmp_path / "project", audit=False)
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "ci" / "flows").mkdir(parents=True)
    (repository / "ci" / "flows" / "a.yml").write_text("on: push\njobs: {}\n")
    workflows, _ = load_folder(config, repository / "ci" / "flows")
    assert [w.file for w in workflows] == ["ci/flows/a.yml"]
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "b.yml").write_text("on: push\njobs: {}\n")
    workflows, _ = load_folder(config, loose)
    assert [w.file for w in workflows] == ["b.yml"]
    _, missing = load_folder(config, tmp_path / "gone")
    assert missing[0].location is not None
    assert missing[0].location.path == "../gone"


def test_a_47_job_workflow_draws_jobs_that_run_alike_as_one_box(tmp_path: Path) -> None:
    shutil.copytree(UV / ".github", tmp_path / ".github")
    result = generate(config_for(tmp_path, audit="docgen"))
    page = next(p.markdown for p in result.pages if p.path == "pipelines/ci.md")
    graph = page.split("```mermaid")[1].split("```")[0]
    boxes = [ln for ln in graph.splitlines() if ln.strip().startswith("j") and "-->" not in ln]
    assert len(boxes) == 12  # 47 jobs
    assert '  j7["17 jobs after build binary | linux"]' in graph
    assert '  j1["4 jobs that need none"]' in graph
    assert "  j3 --> j7" in graph
    assert graph.count("j3 --> j7") == 1
    assert "- **17 jobs after build binary \\| linux**: ecosystem test" in page
    assert page.count("| <code>ubuntu-latest</code> |") > 20  # the table still lists every job
    uv = next(w for w in result.model["workflows"])  # type: ignore[call-overload]
    assert len(uv["jobs"]) == 47
    assert len(uv["findings"]) > 40
    assert uv["findings"][0]["kind"] == "excessive-permissions"
    # drawn closer, so the boxes fit the page's width with labels at body-text size
    assert graph.splitlines()[1].startswith('%%{init: {"flowchart": {"rankSpacing"')
    assert "- <code>unpinned-uses</code> (high): " in page


def test_a_box_of_jobs_after_many_names_two_and_counts_the_rest(tmp_path: Path) -> None:
    jobs = "".join(f"  p{i}: {{runs-on: x}}\n" for i in range(3))
    jobs += "".join(f"  c{i}: {{runs-on: x, needs: [p0, p1, p2]}}\n" for i in range(27))
    write(tmp_path, "big.yml", "on: push\npermissions: {}\njobs:\n" + jobs)
    page = generate(config_for(tmp_path, audit=False)).pages[1].markdown
    assert '["27 jobs after p0, p1 and 1 more"]' in page
    # p0, p1 and p2 need nothing and are needed by the same 27: one box, one arrow
    assert '  j0["3 jobs that need none"]' in page
    assert page.count("-->") == 1


def test_dump_works_in_a_folder_without_mkdocs_yml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "repo", "ci.yml", RISKY)
    monkeypatch.chdir(tmp_path)
    assert main(["dump", "pipelines", "repo"]) == 0
    model = json.loads(capsys.readouterr().out)
    assert [w["file"] for w in model["workflows"]] == ["repo/.github/workflows/ci.yml"]
    assert str(tmp_path) not in json.dumps(model)
    monkeypatch.chdir(tmp_path / "repo")
    (tmp_path / "repo" / "docs").mkdir()
    (tmp_path / "repo" / "mkdocs.yml").write_text("site_name: x\n")  # MkDocs, without docgen
    assert main(["dump", "pipelines", "--offline"]) == 0
    model = json.loads(capsys.readouterr().out)
    assert model["workflows"][0]["findings"]
    (tmp_path / "repo" / "mkdocs.yml").write_text("site_name: [\n")
    assert main(["dump", "pipelines"]) == 2
    assert "mkdocs.yml" in capsys.readouterr().err


def test_the_audit_settings_are_validated_in_mkdocs_yml(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    (tmp_path / "docs").mkdir()
    path.write_text(
        "site_name: x\nplugins:\n  - docgen:\n      pipelines:\n"
        "        audit: zizmor\n        audit_severity: error\n        zizmor: /opt/zizmor\n"
    )
    settings = mkdocs_plugin.load_docgen_config(path).pipelines
    assert settings == PipelinesConfig(audit="zizmor", audit_severity="error", zizmor="/opt/zizmor")
    path.write_text("site_name: x\nplugins:\n  - docgen:\n      pipelines: {audit: always}\n")
    with pytest.raises(mkdocs_plugin.ConfigProblem, match="audit"):
        mkdocs_plugin.load_docgen_config(path)


def test_dump_of_several_folders_audits_them_in_one_run(tmp_path: Path) -> None:
    write(tmp_path / "a", "one.yml", RISKY)
    write(tmp_path / "b", "two.yml", RISKY)
    config = config_for(tmp_path, audit="docgen")
    model = dump(config, [str(tmp_path / "a"), str(tmp_path / "b")])
    files = [d["file"] for d in model["diagnostics"] if d["code"] == "DG214"]  # type: ignore[index, union-attr]
    assert sorted(set(files)) == ["a/.github/workflows/one.yml", "b/.github/workflows/two.yml"]
    assert dump(config, [str(tmp_path / "nothing")])["workflows"] == []
