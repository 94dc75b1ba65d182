"""Pipelines stage: every GitHub Actions workflow and action → a model, pages, diagnostics.

`generate(config)` reads `config.pipelines.workflows` (default `.github/workflows`) and
the project's action metadata files (`action.yml` or `action.yaml` at `config.root` and
in `.github/actions/*/`: what `uses: ./` and `uses: ./.github/actions/x` run), and
returns a page per workflow (`pipelines/<stem>.md`), a page per action
(`pipelines/action.md` for the root one, `pipelines/action-<folder>.md` for the others)
and an overview, under the "Pipelines" nav section; `dump(config, args)` returns the
JSON model (`workflows`, `actions`, `diagnostics`) for `docgen dump pipelines [PATH ...]`.

The steps: `load` (YAML → values with lines, text kept as written) → `extract` and
`actions` (values → `model` + diagnostics) → `audit` (zizmor's security findings, or
docgen's own checks, on each workflow, job and step) → `pages` (model → Markdown; `words`
says triggers and crons in plain English).

Diagnostics (stage `pipelines`, locations relative to the project root; for a workflows
folder outside it, to that folder's repository, never absolute):

| Code  | Severity | Meaning |
|-------|----------|---------|
| DG200 | info     | a file was skipped: not YAML, or YAML that is not a workflow; or no folder |
| DG201 | error    | YAML syntax error (or an undefined alias, or several documents) |
| DG202 | error    | `needs` names a job the workflow does not have |
| DG203 | error    | jobs `needs` each other in a cycle |
| DG204 | warning  | `workflow_run` names no known workflow (names and globs are matched) |
| DG205 | warning  | unknown key at the workflow, job or trigger level |
| DG206 | error    | a trigger filter of the wrong type, or `x` with `x-ignore` |
| DG207 | error    | a key of the wrong type (`jobs` not a mapping, `on` missing, …) |
| DG208 | warning  | a local reusable workflow (`uses: ./…`) that is not in the folder |
| DG209 | error    | a workflow or action file that cannot be read (I/O or encoding error) |
| DG210 | error    | not valid action metadata: see below |
| DG211 | warning  | a composite action's step reads `inputs.X`, which is not declared |
| DG212 | error    | a composite action's step has `run` but no `shell` (GitHub requires it) |
| DG213 | warning  | a workflow step `uses: ./folder`, and the folder holds no action.yml |
| DG214 | set by `audit_severity` | a security finding in a workflow (zizmor's, or docgen's own) |
| DG215 | warning  | zizmor could not audit: not found, failed, timed out or said no JSON |

DG214's severity follows the finding's: `high` → `audit_severity` (default `warning`),
`medium` → at most a warning, `low` and `informational` → info. DG215 is info when
`audit: auto` (the default) finds no zizmor command; docgen's own checks then stand in
(see `docgen.pipelines.audit`).

DG210 means: the file is not a mapping, has no `runs:` or no `runs.using`, a composite
action has no `steps` list, or `inputs`/`outputs` are not mappings. DG211 looks in
`${{ }}` expressions and in a step's whole `if:`. Action files also reuse DG201 (YAML
syntax), DG205 (unknown key at the action or step level) and DG207 (a step that is not a
mapping).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from docgen.config import DocgenConfig, PipelinesConfig
from docgen.diagnostics import Diagnostic, Location, Severity, sort_key
from docgen.model import Page, StageResult
from docgen.pipelines.actions import action_files, check_local_uses, read_action
from docgen.pipelines.audit import audit
from docgen.pipelines.extract import check_links, extract
from docgen.pipelines.model import Action, Workflow, to_json
from docgen.pipelines.pages import (
    Sources,
    action_page,
    action_page_paths,
    index_page,
    page_paths,
    workflow_page,
)

__all__ = ["dump", "generate", "load_actions", "load_folder", "source_ref"]

STAGE = "pipelines"
_SUFFIXES = (".yml", ".yaml")


def _info(message: str, path: str, hint: str) -> Diagnostic:
    return Diagnostic("DG200", Severity.INFO, message, Location(path), hint, STAGE)


def _shown_from(root: Path, folder: Path) -> Callable[[Path], str]:
    """How paths under `folder` are shown: relative to the project `root` when `folder` is
    in it; else to the repository it is in (`<repository>/.github/workflows`, or the
    nearest folder above holding `.git`); else to `folder` itself. Never absolute: pages,
    dumps and annotations must not carry the machine's paths."""
    real, project = folder.resolve(), root.resolve()
    base = real
    if real.is_relative_to(project):
        base = project
    elif real.parts[-2:] == (".github", "workflows"):
        base = real.parent.parent
    else:
        base = next((p for p in real.parents if (p / ".git").exists()), real)

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:  # pragma: no cover - every path shown is under the folder
            return path.name

    return shown


def load_folder(config: DocgenConfig, folder: Path) -> tuple[list[Workflow], list[Diagnostic]]:
    """Every workflow in `folder` (not its subfolders: GitHub reads none), and diagnostics.

    `config` is the project's docgen configuration; paths are shown relative to its root,
    or, for a folder outside it, to the folder's own repository.
    """
    if not folder.is_dir():
        shown = Path(os.path.relpath(folder.resolve(), config.root.resolve())).as_posix()
        return [], [
            _info(
                f"no workflows folder at {shown}: no pipeline pages",
                shown,
                "set `pipelines: {workflows: PATH}` in mkdocs.yml, or `pipelines: false`",
            )
        ]
    relative_to = _shown_from(config.root, folder)
    workflows: list[Workflow] = []
    diagnostics: list[Diagnostic] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        relative = relative_to(path)
        if path.suffix not in _SUFFIXES:
            diagnostics.append(
                _info(
                    "skipped: not a workflow (GitHub reads only .yml and .yaml files)",
                    relative,
                    "keep only workflows in the workflows folder to silence this",
                )
            )
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            diagnostics.append(
                Diagnostic(
                    "DG209",
                    Severity.ERROR,
                    f"cannot read the workflow: {error}",
                    Location(relative),
                    "save it as UTF-8 text",
                    STAGE,
                )
            )
            continue
        workflow, found = extract(relative, text)
        diagnostics += found
        if workflow is not None:
            workflows.append(workflow)
    diagnostics += check_links(workflows)
    return workflows, diagnostics


def load_actions(config: DocgenConfig, root: Path) -> tuple[list[Action], list[Diagnostic]]:
    """The action metadata files at `root` and in `root/.github/actions/*/`, and diagnostics.

    `config` is the project's docgen configuration; paths are shown relative to its root,
    or to `root` when that is another repository.
    """
    actions: list[Action] = []
    diagnostics: list[Diagnostic] = []
    relative_to = _shown_from(config.root, root)
    for path in action_files(root):
        action, found = read_action(relative_to(path), path)
        diagnostics += found
        if action is not None:
            actions.append(action)
    return actions, diagnostics


def _audit(
    config: DocgenConfig, folders: Sequence[tuple[Path, list[Workflow]]]
) -> tuple[list[Workflow], list[Diagnostic]]:
    """The workflows of each folder with their security findings (one zizmor run for all)."""
    files = {
        (folder / PurePosixPath(w.file).name).resolve(): w.file
        for folder, workflows in folders
        for w in workflows
    }
    workflows = [w for _, found in folders for w in found]
    if not workflows:
        return workflows, []
    where = _shown_from(config.root, folders[0][0])(folders[0][0]) or "."
    return audit(_settings(config), workflows, files, where)


def source_ref(root: Path) -> str:
    """The commit source links point at: HEAD of the git repository at `root`, else `main`."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "main"
    sha = done.stdout.strip()
    return sha if done.returncode == 0 and sha else "main"


def _settings(config: DocgenConfig) -> PipelinesConfig:
    return config.pipelines or PipelinesConfig()


def _model(
    workflows: Sequence[Workflow], actions: Sequence[Action], diagnostics: Sequence[Diagnostic]
) -> dict[str, object]:
    return {
        "workflows": [to_json(w) for w in workflows],
        "actions": [to_json(a) for a in actions],
        "diagnostics": [to_json(d) for d in sorted(diagnostics, key=sort_key)],
    }


def generate(config: DocgenConfig) -> StageResult:
    """The pipeline pages: `pipelines/index.md` and `pipelines/<workflow>.md` each.

    `config` is the project's docgen configuration; its `pipelines` section names the
    workflows folder.
    """
    started = time.perf_counter()
    folder = config.root / _settings(config).workflows
    workflows, diagnostics = load_folder(config, folder)
    workflows, findings = _audit(config, [(folder, workflows)])
    actions, problems = load_actions(config, config.root)
    diagnostics += findings + problems + check_local_uses(workflows, actions, config.root)
    pages: list[Page] = []
    if workflows or actions:
        sources = Sources(config.repo_url, source_ref(config.root) if config.repo_url else "main")
        action_paths = action_page_paths(actions)
        paths = page_paths(workflows, tuple(action_paths.values()))
        pages.append(
            Page(
                "pipelines/index.md",
                "Pipelines",
                index_page(workflows, paths, sources, actions, action_paths),
                ("Pipelines",),
                _shown_from(config.root, folder)(folder) or ".",
            )
        )
        pages += [
            Page(paths[w.file], w.name, workflow_page(w, sources), ("Pipelines",), w.file)
            for w in workflows
        ]
        pages += [
            Page(
                action_paths[a.file],
                f"Action: {a.name}",
                action_page(a, sources),
                ("Pipelines",),
                a.file,
            )
            for a in actions
        ]
    # The root itself is not watched (it holds the docs and the site): its action files are.
    watch = [folder, *(config.root / a.file for a in actions)]
    if (config.root / ".github" / "actions").is_dir():
        watch.append(config.root / ".github" / "actions")
    return StageResult(
        stage=STAGE,
        pages=tuple(pages),
        diagnostics=tuple(sorted(diagnostics, key=sort_key)),
        watch=tuple(watch),
        model=_model(workflows, actions, diagnostics),
        summary={
            "workflows": len(workflows),
            "actions": len(actions),
            "jobs": sum(len(w.jobs) for w in workflows),
            "pages": len(pages),
        },
        seconds=time.perf_counter() - started,
    )


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """The JSON model of the workflows in each PATH of `args` (a workflows folder or a
    repository root, which means `<root>/.github/workflows` and the root's actions); the
    folder `config` names and the project's actions by default."""
    if not args:
        folder = config.root / _settings(config).workflows
        found, diagnostics = load_folder(config, folder)
        workflows, findings = _audit(config, [(folder, found)])
        actions, problems = load_actions(config, config.root)
        return _model(workflows, actions, diagnostics + findings + problems)
    folders: list[tuple[Path, list[Workflow]]] = []
    actions, diagnostics = [], []
    for path in map(Path, args):
        nested = path / ".github" / "workflows"
        if nested.is_dir() or action_files(path):  # a repository root
            found_actions, problems = load_actions(config, path)
            actions += found_actions
            diagnostics += problems
            if not nested.is_dir():
                continue
        folder = nested if nested.is_dir() else path
        found, problems = load_folder(config, folder)
        folders.append((folder, found))
        diagnostics += problems
    workflows, findings = _audit(config, folders)
    return _model(workflows, actions, diagnostics + findings)
