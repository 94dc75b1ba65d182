"""The pipeline model → Markdown pages: an overview and one page per workflow.

Pages lead with what a reader asks first — what the pipeline is for, when it runs, what
it runs in which order — and leave the details (steps, actions, caches) for later
sections. Every user string is escaped for where it goes (`docgen.escape`): `escape` for
prose and table cells, `code` for names and values, `label` for Mermaid; Mermaid node ids
are generated (`j0`, `w1`), never taken from the user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from docgen.escape import code
from docgen.escape import markdown as escape
from docgen.escape import mermaid_label as label
from docgen.pipelines.action_page import action_page, action_page_paths, using
from docgen.pipelines.actions import local_action_dir
from docgen.pipelines.markup import SECTION, Sources
from docgen.pipelines.model import Action, Finding, Workflow
from docgen.pipelines.values import local_call
from docgen.pipelines.words import trigger
from docgen.pipelines.workflow_page import workflow_page

__all__ = [
    "Sources",
    "action_page",
    "action_page_paths",
    "index_page",
    "label",
    "page_paths",
    "workflow_page",
]


def page_paths(workflows: Sequence[Workflow], reserved: Sequence[str] = ()) -> dict[str, str]:
    """Each workflow file of `workflows` → its page, `pipelines/<stem>.md`, unique and
    never `index.md` nor one of the `reserved` paths (the actions' pages)."""
    paths: dict[str, str] = {}
    taken = {f"{SECTION}/index.md", *reserved}
    for workflow in workflows:
        file = PurePosixPath(workflow.file)
        path = f"{SECTION}/{file.stem}.md"
        if path in taken:
            path = f"{SECTION}/{file.stem}-{file.suffix.lstrip('.')}.md"
        number = 2
        while path in taken:
            path = f"{SECTION}/{file.stem}-{number}.md"
            number += 1
        taken.add(path)
        paths[workflow.file] = path
    return paths


def _runs(workflow: Workflow) -> str:
    return "; ".join(trigger(t, limit=3) for t in workflow.triggers) or "never (no `on:`)"


# -- overview ------------------------------------------------------------------------


def _action_dirs(actions: Sequence[Action]) -> dict[str, str]:
    """The folder `uses: ./folder` names → the action file in it (`` for the root)."""
    dirs = {}
    for action in actions:
        parent = PurePosixPath(action.file).parent.as_posix()
        dirs["" if parent == "." else parent] = action.file
    return dirs


def _links(
    workflows: Sequence[Workflow], actions: Sequence[Action] = ()
) -> list[tuple[str, str, str]]:
    """(from, to, how) between workflow files, or to a remote workflow's `uses`, or to
    one of this repository's actions."""
    by_file = {PurePosixPath(w.file).name: w.file for w in workflows}
    dirs = _action_dirs(actions)
    links: list[tuple[str, str, str]] = []
    for workflow in workflows:
        for job in workflow.jobs:
            for step in job.steps:
                folder = local_action_dir(step.uses)
                if folder is not None and folder.rstrip("/") in dirs:
                    links.append((workflow.file, dirs[folder.rstrip("/")], "uses"))
        for t in workflow.triggers:
            for pattern in t.workflows if t.event == "workflow_run" else ():
                links.extend(
                    (other.file, workflow.file, "then runs")
                    for other in workflows
                    if fnmatchcase(other.name, pattern)
                )
        for job in workflow.jobs:
            called = local_call(job.uses)
            if called is not None and called in by_file:
                links.append((workflow.file, by_file[called], "calls"))
            elif job.uses and called is None:
                links.append((workflow.file, job.uses, "calls"))
    return list(dict.fromkeys(links))


def index_page(
    workflows: Sequence[Workflow],
    paths: Mapping[str, str],
    sources: Sources,
    actions: Sequence[Action] = (),
    action_paths: Mapping[str, str] | None = None,
) -> str:
    """The overview: a graph of how workflows start each other and use this repository's
    actions, one row per workflow, and one row per action.

    Args:
        workflows: every workflow, in the order of the table.
        paths: each workflow file's page, from `page_paths`.
        sources: where source links point.
        actions: the repository's own actions.
        action_paths: each action file's page, from `action_page_paths`.
    """
    out = ["# Pipelines", ""]
    action_paths = action_paths or {}
    if not workflows and not actions:
        out += ["This project has no GitHub Actions workflows.", ""]
        return "\n".join(out)
    jobs = sum(len(w.jobs) for w in workflows)
    if workflows:
        out += [
            f"{len(workflows)} GitHub Actions workflows with {jobs} jobs. Each page tells when"
            " a workflow runs, what its jobs do and in which order, and what they may access.",
            "",
        ]
    else:
        out += ["This project has no GitHub Actions workflows.", ""]
    links = _links(workflows, actions)
    ids = {w.file: f"w{i}" for i, w in enumerate(workflows)}
    ids |= {a.file: f"a{i}" for i, a in enumerate(actions)}
    names = {w.file: w.name for w in workflows} | {a.file: f"Action: {a.name}" for a in actions}
    all_paths = {**paths, **action_paths}
    if links:
        graph = ["```mermaid", "flowchart LR"]
        graph += [f"  {ids[w.file]}[{label(w.name)}]" for w in workflows]
        used = {target for _, target, how in links if how == "uses"}
        graph += [f"  {ids[a.file]}([{label(a.name)}])" for a in actions if a.file in used]
        for source, target, how in links:
            if target not in ids:
                ids[target] = f"r{len(ids)}"
                graph.append(f"  {ids[target]}[[{label(target)}]]")
            arrow = f"-. {label(how)} .->" if how == "then runs" else f"-- {label(how)} -->"
            graph.append(f"  {ids[source]} {arrow} {ids[target]}")
        legend = (
            "Solid arrows are reusable-workflow calls; dotted ones start a workflow after"
            " another one finishes (`workflow_run`)."
        )
        if used:
            legend += " Rounded boxes are this repository's own actions (`uses: ./…`)."
        out += ["## How they connect", "", legend, "", *graph, "```", ""]
    elif workflows:
        out += ["None of these workflows calls another or waits for one to finish.", ""]
    audited = any(w.findings is not None for w in workflows)
    if workflows:
        out += [
            "## Workflows",
            "",
            "| Workflow | Runs | Jobs | Calls or waits for |"
            + (" Security findings |" if audited else ""),
            "|---|---|---|---|" + ("---|" if audited else ""),
        ]
    for workflow in workflows:
        page = PurePosixPath(paths[workflow.file]).name
        calls = [
            _name_link(target, names, all_paths)
            for source, target, how in links
            if source == workflow.file and how == "calls"
        ]
        uses = [
            _name_link(target, names, all_paths)
            for source, target, how in links
            if source == workflow.file and how == "uses"
        ]
        after = [
            _name_link(source, names, all_paths)
            for source, target, how in links
            if target == workflow.file and how == "then runs"
        ]
        related = (
            ([f"calls {', '.join(calls)}"] if calls else [])
            + ([f"uses {', '.join(uses)}"] if uses else [])
            + ([f"runs after {', '.join(after)}"] if after else [])
        )
        out.append(
            f"| [{escape(workflow.name)}]({page}) | {_runs(workflow)} | {len(workflow.jobs)}"
            f" | {'; '.join(related) or '—'} |"
            + (f" {_count(workflow.findings, page)} |" if audited else "")
        )
    if workflows:
        out.append("")
    if actions:
        out += _actions_overview(actions, action_paths, links, names, all_paths)
    return "\n".join(out)


def _count(findings: Sequence[Finding] | None, page: str) -> str:
    """A workflow's findings in the overview: how many, the worst first, linked."""
    if not findings:
        return "—" if findings is None else "none"
    worst = [
        f"{n} {grade}"
        for grade in ("high", "medium", "low")
        if (n := sum(f.severity == grade for f in findings))
    ]
    shown = f"{len(findings)}" + (f" ({', '.join(worst)})" if worst else "")
    return f"[{shown}]({page}#security-findings)"


def _actions_overview(
    actions: Sequence[Action],
    action_paths: Mapping[str, str],
    links: Sequence[tuple[str, str, str]],
    names: Mapping[str, str],
    all_paths: Mapping[str, str],
) -> list[str]:
    out = [
        "## Actions",
        "",
        "This repository's own actions, which workflows use with `uses: ./…` (and other"
        " repositories with `uses: owner/repo@ref`).",
        "",
        "| Action | File | Runs | Inputs | Used by |",
        "|---|---|---|---|---|",
    ]
    for action in actions:
        page = PurePosixPath(action_paths[action.file]).name
        users = [
            _name_link(source, names, all_paths)
            for source, target, how in links
            if target == action.file and how == "uses"
        ]
        out.append(
            f"| [{escape(action.name)}]({page}) | {code(action.file)} | {using(action)}"
            f" | {len(action.inputs)} | {', '.join(users) or '—'} |"
        )
    return [*out, ""]


def _name_link(file: str, names: Mapping[str, str], paths: Mapping[str, str]) -> str:
    if file in names:
        return f"[{escape(names[file])}]({PurePosixPath(paths[file]).name})"
    return code(file)
