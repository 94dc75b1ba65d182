"""The docgen GitHub Action and pre-commit hooks: valid metadata, and wired to real commands.

action.yml is checked against the rules of GitHub's action metadata syntax (required keys,
a composite's steps, input ids, every `inputs.X` it reads declared); the workflow that
`docgen init` writes must only pass inputs the action declares.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import write

from docgen import stages
from docgen.cli import _parser, main
from docgen.init.detect import Project
from docgen.init.templates import ACTION, workflow

ROOT = Path(__file__).resolve().parents[1]
INPUT_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
INPUT_REF = re.compile(r"\binputs\.([A-Za-z0-9_-]+)")
STEP_KEYS = {"id", "if", "name", "uses", "run", "shell", "with", "env", "working-directory",
             "continue-on-error"}  # fmt: skip
SHELLS = {"bash", "pwsh", "python", "sh", "cmd", "powershell"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def metadata_problems(action: Any) -> list[str]:
    """What GitHub's action metadata rules say is wrong with `action` (a composite action)."""
    problems: list[str] = []
    if not isinstance(action, dict):
        return ["the action is not a mapping"]
    for key in ("name", "description", "runs"):
        if not isinstance(action.get(key), str if key != "runs" else dict) or not action[key]:
            problems.append(f"missing or empty {key!r}")
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not INPUT_ID.match(name):
            problems.append(f"input id {name!r} is not valid")
        if not isinstance(spec, dict) or not spec.get("description"):
            problems.append(f"input {name!r} has no description")
        elif "default" in spec and not isinstance(spec["default"], str):
            problems.append(f"input {name!r}: a default is a string")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        problems.append("runs.using is not 'composite'")
    steps = runs.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("runs.steps is empty")
        steps = []
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            problems.append(f"step {number} is not a mapping")
            continue
        if ("run" in step) == ("uses" in step):
            problems.append(f"step {number} needs exactly one of run and uses")
        if "run" in step and step.get("shell") not in SHELLS:
            problems.append(f"step {number} runs a command without a valid shell")
        if "uses" in step and ("shell" in step or "working-directory" in step):
            problems.append(f"step {number}: shell and working-directory are for run steps")
        problems += [f"step {number}: unknown key {k!r}" for k in step if k not in STEP_KEYS]
    text = yaml.safe_dump(action)
    used = set(INPUT_REF.findall(" ".join(EXPRESSION.findall(text))))
    used |= {
        ref
        for step in steps
        if isinstance(step, dict) and isinstance(step.get("if"), str)
        for ref in INPUT_REF.findall(step["if"])
    }
    problems += [f"inputs.{name} is read but not declared" for name in sorted(used - set(inputs))]
    problems += [
        f"input {name!r} is declared but never read" for name in sorted(set(inputs) - used)
    ]
    return problems


def test_action_metadata_is_valid() -> None:
    assert metadata_problems(load(ROOT / "action.yml")) == []


def test_the_action_has_the_promised_inputs_and_steps() -> None:
    action = load(ROOT / "action.yml")
    assert {"python-version", "config", "checks", "offline", "deploy", "version", "aliases",
            "working-directory"} <= set(action["inputs"])  # fmt: skip
    steps = action["runs"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/setup-python", "actions/setup-node", "actions/upload-artifact"]
    # Third-party actions are pinned to a commit, with the version in a comment.
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert len(re.findall(r"uses: \S+@[0-9a-f]{40} # v\d", text)) == len(uses)
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "docgen check" in runs
    assert "--format github" in runs
    assert "docgen deploy" in runs
    # The user's inputs reach the shell through the environment, never spliced into the script.
    assert not any("${{" in s.get("run", "") for s in steps)


def test_the_actions_docgen_commands_parse() -> None:
    """Every docgen command line the action runs is one docgen's own parser accepts."""
    steps = load(ROOT / "action.yml")["runs"]["steps"]
    commands = {
        "check": ["check", "--config-file", "mkdocs.yml", "--format", "github", "--only",
                  "pipelines,links", "--offline"],
        "build": ["build", "--config-file", "mkdocs.yml", "--offline", "--output", "x.txt"],
        "setup": ["setup"],
        "deploy": ["deploy", "dev", "latest", "stable", "--push", "--config-file", "mkdocs.yml"],
    }  # fmt: skip
    runs = "\n".join(s.get("run", "") for s in steps)
    for name, argv in commands.items():
        assert f"docgen {name}" in runs
        _parser().parse_args(argv)


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ([], "not a mapping"),
        ({"name": "x", "description": "d", "runs": {"using": "node20"}}, "not 'composite'"),
        ({"name": "x", "runs": {"using": "composite", "steps": [{"run": "a"}]}}, "'description'"),
        ({"name": "x", "description": "d", "runs": {"using": "composite"}}, "steps is empty"),
        (
            {"name": "x", "description": "d",
             "runs": {"using": "composite", "steps": [{"run": "a"}]}},
            "without a valid shell",
        ),
        (
            {"name": "x", "description": "d",
             "runs": {"using": "composite", "steps": [{"run": "a", "uses": "b", "shell": "bash"}]}},
            "exactly one of run and uses",
        ),
        (
            {"name": "x", "description": "d",
             "runs": {"using": "composite", "steps": [{"uses": "b", "shell": "bash"}, "x"]}},
            "are for run steps",
        ),
        (
            {"name": "x", "description": "d",
             "runs": {"using": "composite", "steps": [{"uses": "b", "timeout-minutes": 1}]}},
            "unknown key 'timeout-minutes'",
        ),
        (
            {"name": "x", "description": "d", "inputs": {"1bad": {"description": "d"}},
             "runs": {"using": "composite",
                      "steps": [{"uses": "b", "with": {"a": "${{ inputs.1bad }}"}}]}},
            "input id '1bad'",
        ),
        (
            {"name": "x", "description": "d", "inputs": {"a": {"default": 1}},
             "runs": {"using": "composite", "steps": [{"uses": "b", "if": "inputs.a"}]}},
            "has no description",
        ),
        (
            {"name": "x", "description": "d", "inputs": {"a": {"description": "d", "default": 1}},
             "runs": {"using": "composite", "steps": [{"uses": "b", "if": "inputs.a"}]}},
            "a default is a string",
        ),
        (
            {"name": "x", "description": "d",
             "runs": {"using": "composite",
                      "steps": [{"uses": "b", "with": {"v": "${{ inputs.nope }}"}}]}},
            "inputs.nope is read but not declared",
        ),
        (
            {"name": "x", "description": "d", "inputs": {"unused": {"description": "d"}},
             "runs": {"using": "composite", "steps": [{"uses": "b"}]}},
            "'unused' is declared but never read",
        ),
    ],
)  # fmt: skip
def test_the_metadata_check_catches_each_mistake(action: Any, problem: str) -> None:
    assert any(problem in p for p in metadata_problems(action)), metadata_problems(action)


@pytest.mark.parametrize("packages", [(), ("widget",)])
def test_the_init_workflow_passes_only_declared_inputs(packages: tuple[str, ...]) -> None:
    declared = set(load(ROOT / "action.yml")["inputs"])
    project = Project(root=ROOT, name="w", packages=packages, installable=True)
    flow = yaml.safe_load(workflow(project))
    calls = [
        step
        for job in flow["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith(ACTION.partition("@")[0])
    ]
    assert len(calls) == 2
    for step in calls:
        assert set(step.get("with", {})) <= declared
    assert calls[1]["with"]["deploy"] is True  # YAML true reaches the action as "true"


# --- pre-commit ---

HOOK_KEYS = {"id", "name", "entry", "language", "files", "pass_filenames", "description",
             "types", "types_or", "exclude", "stages", "always_run", "require_serial",
             "additional_dependencies", "args", "minimum_pre_commit_version",
             "verbose"}  # fmt: skip


def test_pre_commit_hooks_have_the_required_shape() -> None:
    hooks = load(ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list)
    assert [h["id"] for h in hooks] == [
        "docgen-examples", "docgen-links", "docgen-diagrams", "docgen-pipelines", "docgen-lint"
    ]  # fmt: skip
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook), hook["id"]
        assert set(hook) <= HOOK_KEYS, hook["id"]
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        re.compile(hook["files"])


@pytest.mark.parametrize(
    ("hook", "changed", "runs"),
    [
        ("docgen-examples", "docs/guide/usage.md", True),
        ("docgen-examples", "src/pkg/mod.py", False),
        ("docgen-links", "docs/img/logo.png", True),
        ("docgen-diagrams", "diagrams/flow.mmd", True),
        ("docgen-diagrams", "diagrams/notes.txt", False),
        ("docgen-pipelines", ".github/workflows/ci.yml", True),
        ("docgen-pipelines", ".github/dependabot.yml", False),
        ("docgen-lint", "mkdocs.yml", True),
        ("docgen-lint", "README.rst", False),
    ],
)
def test_pre_commit_hooks_run_on_the_right_changes(hook: str, changed: str, runs: bool) -> None:
    spec = next(h for h in load(ROOT / ".pre-commit-hooks.yaml") if h["id"] == hook)
    assert bool(re.search(spec["files"], changed)) is runs


def test_pre_commit_entries_are_offline_docgen_checks_of_known_stages() -> None:
    known = stages.names()
    for hook in load(ROOT / ".pre-commit-hooks.yaml"):
        argv = shlex.split(hook["entry"])
        assert argv[0] == "docgen"
        args = _parser().parse_args(argv[1:])
        assert args.command == "check"
        assert args.offline
        assert args.only in known, hook["id"]


def test_every_run_script_of_the_action_is_valid_bash() -> None:
    for step in load(ROOT / "action.yml")["runs"]["steps"]:
        if "run" in step:
            done = subprocess.run(
                ["bash", "-n"], input=step["run"], text=True, capture_output=True, check=False
            )
            assert done.returncode == 0, (step["name"], done.stderr)


@pytest.mark.slow
def test_the_actions_check_step_annotates_and_summarises(tmp_path: Path) -> None:
    """The check step's own script, run by bash as the runner would, on an initialised repo."""
    step = next(
        s for s in load(ROOT / "action.yml")["runs"]["steps"] if s["name"] == "docgen check"
    )
    write(
        tmp_path,
        {".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    needs: missing\n    runs-on: x\n"},
    )
    assert main(["init", str(tmp_path), "--no-check"]) == 0  # the step below is the check
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "CONFIG": "mkdocs.yml",
        "CHECKS": "pipelines",
        "OFFLINE": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "::error file=.github/workflows/ci.yml" in done.stdout
    assert "DG202" in done.stdout
    assert "DG202" in summary.read_text(encoding="utf-8")
