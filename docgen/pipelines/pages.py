"""The pipeline model → Markdown pages: an overview and one page per workflow.

Pages lead with what a reader asks first — what the pipeline is for, when it runs, what
it runs in which order — and leave the details (steps, actions, caches) for later
sections. Every user string is escaped for where it goes (`docgen.escape`): `escape` for
prose and table cells, `code` for names and values, `label` for Mermaid; Mermaid node ids
are generated (`j0`, `w1`), never taken from the user.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from urllib.parse import quote

from docgen.escape import code, markdown_prose
from docgen.escape import markdown as escape
from docgen.escape import mermaid_label as label
from docgen.pipelines.actions import local_action_dir
from docgen.pipelines.extract import local_call
from docgen.pipelines.model import (
    Action,
    ActionUse,
    Finding,
    Input,
    Job,
    Matrix,
    Permissions,
    Setting,
    Step,
    Workflow,
)
from docgen.pipelines.words import trigger

__all__ = [
    "Sources",
    "action_page",
    "action_page_paths",
    "index_page",
    "label",
    "page_paths",
    "workflow_page",
]

SECTION = "pipelines"
_CELL_LIMIT = 80


@dataclass(frozen=True, slots=True)
class Sources:
    """Where source links point: `{repo_url}/blob/{ref}/{path}#L{line}`, or nowhere."""

    repo_url: str | None
    ref: str

    def url(self, path: str, line: int | None = None) -> str | None:
        """The URL of the file at `path` (and its `line`) on the repository host, when
        `repo_url` is set."""
        if not self.repo_url:
            return None
        anchor = f"#L{line}" if line else ""
        # Quoted: a file name may hold `<`, `)` or spaces, which would end the link.
        return f"{self.repo_url.rstrip('/')}/blob/{self.ref}/{quote(path)}{anchor}"

    def link(self, text: str, path: str, line: int | None = None) -> str:
        """`text` (already Markdown) linked to its source, or left as it is.

        The source is the file at `path`, relative to the project root, and its `line`.
        """
        url = self.url(path, line)
        return f"[{text}]({url})" if url else text


def _short(text: str, limit: int = _CELL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LIST_ITEM = re.compile(r"\s*(\d+[.)]|[-*+])\s")


def _prose(text: str) -> str:
    """A comment block as Markdown: formatting kept, raw HTML and headings neutralised.

    Comments are often written as plain text, with a list straight after a sentence;
    Markdown needs a blank line there, so one is added.
    """
    lines: list[str] = []
    in_list = False
    for raw in markdown_prose(text).splitlines():
        if raw.lstrip().startswith("#"):
            lines.append("\\" + raw.lstrip())
        elif re.fullmatch(r"\s*(=+|-{3,})\s*", raw):
            lines.append("")
        else:
            item = _LIST_ITEM.match(raw)
            starts = item and not in_list
            ends = in_list and not item and raw.strip() and not raw[0].isspace()
            if (starts or ends) and lines and lines[-1]:
                lines.append("")
            lines.append(raw)
        in_list = bool(_LIST_ITEM.match(raw)) or (in_list and raw[:1].isspace())
    return "\n".join(lines).strip()


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


def _line_link(sources: Sources, path: str, line: int) -> str:
    """` (line 12)` linked to the source, or nothing without a repository URL."""
    url = sources.url(path, line)
    return f" ([line {line}]({url}))" if url else ""


def _job_title(job: Job) -> str:
    return job.name or job.id


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
            f"| [{escape(action.name)}]({page}) | {code(action.file)} | {_using(action)}"
            f" | {len(action.inputs)} | {', '.join(users) or '—'} |"
        )
    return [*out, ""]


def _name_link(file: str, names: Mapping[str, str], paths: Mapping[str, str]) -> str:
    if file in names:
        return f"[{escape(names[file])}]({PurePosixPath(paths[file]).name})"
    return code(file)


# -- one workflow ----------------------------------------------------------------------


def _inputs_table(inputs: Sequence[Input]) -> list[str]:
    rows = ["| Input | Type | Default | Description |", "|---|---|---|---|"]
    for item in inputs:
        kind = escape(item.type or "string")
        if item.options:
            kind += ": " + ", ".join(code(o) for o in item.options)
        if item.required == "true":
            kind += ", **required**"
        default = code(item.default) if item.default is not None else "—"
        rows.append(
            f"| {code(item.name)} | {kind} | {default} | {escape(item.description or '')} |"
        )
    return [*rows, ""]


def _when(workflow: Workflow, sources: Sources) -> list[str]:
    out = ["## When it runs", ""]
    if not workflow.triggers:
        return [*out, "Never: the workflow has no `on:` events.", ""]
    for t in workflow.triggers:
        out.append(f"- {trigger(t)}{_line_link(sources, workflow.file, t.line)}")
    out.append("")
    if workflow.run_name:
        out += [f"Each run is titled {code(workflow.run_name)}.", ""]
    for t in workflow.triggers:
        if t.inputs:
            who = "Run by hand" if t.event == "workflow_dispatch" else "Called"
            out += [f"{who} with these inputs:", "", *_inputs_table(t.inputs)]
        if t.outputs:
            out += ["It gives its caller these outputs:", ""]
            out += [
                f"- {code(o.name)}" + (f": {escape(o.description)}" if o.description else "")
                for o in t.outputs
            ]
            out.append("")
        if t.secrets:
            out += ["Its caller may pass these secrets:", ""]
            out += [
                f"- {code(s.name)}"
                + (" (required)" if s.required == "true" else "")
                + (f": {escape(s.description)}" if s.description else "")
                for s in t.secrets
            ]
            out.append("")
    return out


_GROUP_FROM = 30  # jobs in a workflow from which jobs that run alike share a box
_GROUP_MIN = 3  # jobs that make a shared box
# Closer ranks and boxes, so a big graph fits a page's width without shrinking its labels.
_COMPACT = '%%{init: {"flowchart": {"rankSpacing": 30, "nodeSpacing": 20, "wrappingWidth": 140}}}%%'


def _boxes(workflow: Workflow) -> list[tuple[Job, ...]]:
    """The job graph's boxes, in file order: one per job; in a workflow of 30 or more
    jobs, one for all the jobs (3 or more) that need the same jobs and are needed by the
    same jobs, so the graph stays exact and its labels stay readable."""
    followers: dict[str, set[str]] = {job.id: set() for job in workflow.jobs}
    for job in workflow.jobs:
        for need in job.needs:
            followers.get(need, set()).add(job.id)
    alike: dict[tuple[frozenset[str], frozenset[str]], list[Job]] = {}
    for job in workflow.jobs:
        alike.setdefault((frozenset(job.needs), frozenset(followers[job.id])), []).append(job)
    boxes: list[tuple[Job, ...]] = []
    for job in workflow.jobs:
        same = alike[(frozenset(job.needs), frozenset(followers[job.id]))]
        if len(workflow.jobs) < _GROUP_FROM or len(same) < _GROUP_MIN:
            boxes.append((job,))
        elif same[0] is job:
            boxes.append(tuple(same))
    return boxes


def _box_title(jobs: Sequence[Job], titles: Mapping[str, str]) -> str:
    needs = [titles.get(n, n) for n in jobs[0].needs]
    if not needs:
        return f"{len(jobs)} jobs that need none"
    after = ", ".join(needs[:2]) + (f" and {len(needs) - 2} more" if len(needs) > 2 else "")
    return f"{len(jobs)} jobs after {after}"


def _job_graph(workflow: Workflow) -> list[str]:
    boxes = _boxes(workflow)
    titles = {job.id: _job_title(job) for job in workflow.jobs}
    ids = {job.id: f"j{i}" for i, box in enumerate(boxes) for job in box}
    lines = ["```mermaid", "flowchart LR"]
    if len(boxes) < len(workflow.jobs):
        lines.insert(1, _COMPACT)
    shared: list[str] = []
    for box in boxes:
        job = box[0]
        if len(box) > 1:
            text = _box_title(box, titles)
            lines.append(f"  {ids[job.id]}[{label(text)}]")
            names = ", ".join(escape(titles[j.id]) for j in box)
            shared.append(f"- **{escape(text)}**: {names}.")
            continue
        text = titles[job.id]
        if job.matrix is not None:
            count = job.matrix.combinations
            text += f" ×{count}" if count is not None else " ×matrix"
        if job.uses:
            lines.append(f"  {ids[job.id]}[[{label(text + ' → ' + job.uses)}]]")
        else:
            lines.append(f"  {ids[job.id]}[{label(text)}]")
    edges = [
        f"  {ids[need]} --> {ids[job.id]}"
        for job in workflow.jobs
        for need in job.needs
        if need in ids
    ]
    lines += dict.fromkeys(edges)
    if shared:
        shared = [
            "Boxes that hold several jobs stand for jobs that need the same jobs and"
            " are needed by the same jobs:",
            "",
            *shared,
            "",
        ]
    return [*lines, "```", "", *shared]


def _jobs(workflow: Workflow, sources: Sources) -> list[str]:
    out = ["## Jobs", ""]
    if not workflow.jobs:
        return [*out, "This workflow has no jobs.", ""]
    out += [
        "Arrows show `needs`: a job starts when the jobs pointing at it succeed."
        " Double-edged boxes call a reusable workflow.",
        "",
        *_job_graph(workflow),
        "| Job | Runs on | Needs | Only if |",
        "|---|---|---|---|",
    ]
    for job in workflow.jobs:
        title = sources.link(escape(_job_title(job)), workflow.file, job.line)
        where = code(_short(job.runs_on)) if job.runs_on else ""
        if job.uses:
            where = "calls " + code(job.uses)
        needs = ", ".join(code(n) for n in job.needs) or "—"
        condition = code(_short(job.if_)) if job.if_ else "—"
        out.append(f"| {title} | {where} | {needs} | {condition} |")
    return [*out, ""]


def _permissions_text(permissions: Permissions | None) -> str:
    if permissions is None:
        return "the repository's default token permissions"
    if permissions.value == "none":
        return "no token permissions at all (`{}`)"
    if permissions.value == "custom":
        return ", ".join(f"{code(s.name)}: {code(s.value)}" for s in permissions.scopes)
    return code(permissions.value)


def _access(workflow: Workflow, sources: Sources) -> list[str]:
    out = ["## What it may access", ""]
    text = _permissions_text(workflow.permissions)
    if workflow.permissions is not None:
        text = sources.link("Token permissions", workflow.file, workflow.permissions.line) + (
            f": {text}."
        )
    else:
        text = f"Token permissions: {text}."
    out += [f"- {text}"]
    out += [
        f"- Job {code(job.id)} has {_permissions_text(job.permissions)}."
        for job in workflow.jobs
        if job.permissions is not None
    ]
    if workflow.secrets:
        out.append("- Secrets: " + ", ".join(code(r.name) for r in workflow.secrets) + ".")
    if workflow.vars:
        out.append("- Variables: " + ", ".join(code(r.name) for r in workflow.vars) + ".")
    inherit = [job.id for job in workflow.jobs if job.secrets_inherit]
    if inherit:
        out.append(
            "- Passes **all** its secrets on (`secrets: inherit`) in "
            + ", ".join(code(j) for j in inherit)
            + "."
        )
    environments = sorted({job.environment for job in workflow.jobs if job.environment})
    if environments:
        out.append("- Deployment environments: " + ", ".join(code(e) for e in environments) + ".")
    if workflow.concurrency is not None:
        cancel = workflow.concurrency.cancel_in_progress
        extra = "; a new run cancels the one in progress" if cancel == "true" else ""
        if cancel not in (None, "true", "false"):
            extra = f"; cancels the run in progress if {code(cancel)}"
        out.append(f"- One run at a time per {code(workflow.concurrency.group)}{extra}.")
    return [*out, "", *_findings(workflow, sources)]


_SEVERITY_MARK = {"high": "**high**"}
_GRADES = {grade: rank for rank, grade in enumerate(("high", "medium", "low", "informational"))}
_SUMMARY_FROM = 10  # findings from which the table is preceded by a count per kind


def _where(finding: Finding) -> str:
    if finding.job is None:
        return "the workflow"
    step = f", step {finding.step}" if finding.step is not None else ""
    return f"job {code(finding.job)}{step}"


def _findings(workflow: Workflow, sources: Sources) -> list[str]:
    """The security findings of the audit, where they are; nothing when not audited."""
    findings = workflow.findings
    if findings is None:
        return []
    tools = sorted({"docgen's own checks" if f.tool == "docgen" else f.tool for f in findings})
    out = ["### Security findings", ""]
    if not findings:
        return [*out, "The security audit found nothing to report.", ""]
    out += [f"{len(findings)} found by {' and '.join(tools)}.", ""]
    if len(findings) > _SUMMARY_FROM:
        kinds: dict[tuple[str, str], int] = {}
        for f in findings:
            kinds[f.kind, f.severity] = kinds.get((f.kind, f.severity), 0) + 1
        ranked = sorted(kinds.items(), key=lambda k: (_GRADES.get(k[0][1], 9), -k[1], k[0][0]))
        out += [f"- {code(kind)} ({grade}): {n}" for (kind, grade), n in ranked]
        out.append("")
    out += ["| Where | Severity | Finding |", "|---|---|---|"]
    for f in findings:
        kind = f"[{code(f.kind)}]({f.url})" if f.url else code(f.kind)
        url = sources.url(workflow.file, f.line)
        where = _where(f) + (f" ([line {f.line}]({url}))" if url else f" (line {f.line})")
        severity = _SEVERITY_MARK.get(f.severity, f.severity)
        message = escape(_short(f.message.replace("`", ""), 200))
        out.append(f"| {where} | {severity} | {kind}: {message} |")
    return [*out, ""]


def _settings_table(settings: Sequence[Setting], what: str) -> list[str]:
    rows = [f"| {what} | Value |", "|---|---|"]
    rows += [f"| {code(s.name)} | {code(_short(s.value))} |" for s in settings]
    return [*rows, ""]


def _pin_text(action: ActionUse) -> str:
    return {
        "sha": "pinned to a commit",
        "tag": "⚠️ tag, can move",
        "branch": "⚠️ branch, moves",
        "none": "⚠️ no version",
        "local": "in this repository",
    }.get(action.pin, "container image")


def _actions(workflow: Workflow) -> list[str]:
    return _actions_table(workflow.actions, "Used by", "the workflow", code)


def _actions_table(
    actions: Sequence[ActionUse], users_title: str, owner: str, show: Callable[[str], str]
) -> list[str]:
    if not actions:
        return []
    grouped: dict[tuple[str, str | None, str], list[str]] = {}
    for action in actions:
        users = grouped.setdefault((action.name, action.ref, action.pin), [])
        if action.job not in users:
            users.append(action.job)
    out = [
        "## Actions used",
        "",
        f"Actions pinned to a full commit SHA cannot change under {owner}; tags and branches can.",
        "",
        f"| Action | Version | Pinned | {users_title} |",
        "|---|---|---|---|",
    ]
    pins = {(a.name, a.ref, a.pin): a for a in actions}
    for key, users in sorted(grouped.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        name, ref, _ = key
        version = code(ref[:12] if pins[key].pin == "sha" and ref else ref) if ref else "—"
        out.append(
            f"| {code(name)} | {version} | {_pin_text(pins[key])}"
            f" | {', '.join(show(u) for u in users)} |"
        )
    return [*out, ""]


def _caches(workflow: Workflow) -> list[str]:
    if not workflow.caches:
        return []
    out = ["## Caching", ""]
    for cache in workflow.caches:
        key = f", key {code(_short(cache.key))}" if cache.key else ""
        what = f": {code(_short(cache.what))}" if cache.what else ""
        out.append(f"- Job {code(cache.job)} caches with {code(cache.action)}{what}{key}.")
    return [*out, ""]


def _matrix(matrix: Matrix) -> list[str]:
    if matrix.expression is not None:
        return [f"Matrix computed at run time: {code(matrix.expression)}.", ""]
    count = matrix.combinations
    head = f"Matrix of **{count}** jobs" if count is not None else "Matrix (size known at run time)"
    out = [f"{head}:", ""]
    for d in matrix.dimensions:
        values = (
            ", ".join(code(v) for v in d.values) if d.expression is None else code(d.expression)
        )
        out.append(f"- {code(d.name)}: {values}")
    for kind, rows, expression in (
        ("include", matrix.include, matrix.include_expression),
        ("exclude", matrix.exclude, matrix.exclude_expression),
    ):
        if expression is not None:
            out.append(f"- {kind}: {code(expression)}")
        for row in rows:
            out.append(f"- {kind}: " + ", ".join(f"{code(s.name)}={code(s.value)}" for s in row))
    return [*out, ""]


def _job_facts(job: Job) -> list[str]:
    facts = []
    if job.uses:
        facts.append(f"calls {code(job.uses)}")
    if job.runs_on:
        facts.append(f"runs on {code(job.runs_on)}")
    if job.needs:
        facts.append("needs " + ", ".join(code(n) for n in job.needs))
    if job.if_:
        facts.append(f"only if {code(job.if_)}")
    if job.environment:
        facts.append(f"environment {code(job.environment)}")
    if job.container:
        facts.append(f"in container {code(job.container)}")
    if job.services:
        facts.append(
            "services " + ", ".join(f"{code(s.name)} ({code(s.value)})" for s in job.services)
        )
    if job.timeout_minutes:
        facts.append(f"times out after {code(job.timeout_minutes)} min")
    if job.continue_on_error:
        facts.append(f"continue on error: {code(job.continue_on_error)}")
    if job.secrets_inherit:
        facts.append("passes all secrets")
    return facts


def _step(
    index: int, step: Step, workflow: Workflow, sources: Sources, kinds: Sequence[str] = ()
) -> str:
    title = escape(step.name) if step.name else ""
    if step.uses:
        what = f"uses {code(step.uses)}"
    elif step.run:
        what = f"runs {code(_short(step.run))}"
    else:
        what = ""
    text = " — ".join(p for p in (f"**{title}**" if title else "", what) if p) or "(empty step)"
    if step.if_:
        text += f" · only if {code(_short(step.if_))}"
    if kinds:
        text += " · ⚠️ " + ", ".join(code(k) for k in dict.fromkeys(kinds))
    return f"{index}. {text}{_line_link(sources, workflow.file, step.line)}"


def _job_details(workflow: Workflow, sources: Sources) -> list[str]:
    if not workflow.jobs:
        return []
    out = ["## Job details", ""]
    for job in workflow.jobs:
        heading = escape(_job_title(job))
        if job.name and job.name != job.id:
            heading += f" ({escape(job.id)})"
        out += [f"### {heading}", ""]
        facts = _job_facts(job)
        mine = [f for f in workflow.findings or () if f.job == job.id]
        if mine:
            many = "s" if len(mine) > 1 else ""
            facts.append(f"⚠️ [{len(mine)} security finding{many}](#security-findings)")
        source = sources.url(workflow.file, job.line)
        if source:
            facts.append(f"[source]({source})")
        if facts:
            sentence = " · ".join(facts)
            out += [sentence[:1].upper() + sentence[1:] + ".", ""]
        if job.matrix is not None:
            out += _matrix(job.matrix)
        if job.with_:
            out += ["With:", "", *_settings_table(job.with_, "Input")]
        if job.secrets:
            out += ["Secrets passed: " + ", ".join(code(s.name) for s in job.secrets) + ".", ""]
        if job.outputs:
            out += ["Outputs: " + ", ".join(code(s.name) for s in job.outputs) + ".", ""]
        if job.env:
            out += ["Environment:", "", *_settings_table(job.env, "Variable")]
        if job.steps:
            out += [
                _step(i, s, workflow, sources, [f.kind for f in mine if f.step == i])
                for i, s in enumerate(job.steps, 1)
            ]
            out.append("")
    return out


def workflow_page(workflow: Workflow, sources: Sources) -> str:
    """One workflow's page: purpose, triggers, job graph, access, actions, jobs' steps.

    `sources` says where the page's source links point.
    """
    file = sources.link(code(workflow.file), workflow.file)
    out = [f"# {escape(workflow.name)}", "", f"Defined in {file}.", ""]
    description = workflow.description
    first, _, rest = description.partition("\n")
    if first.strip().rstrip(".:").casefold() == workflow.name.casefold():
        description = rest.strip("\n")  # a title line repeating the page's own title
    if description:
        out += [_prose(description), ""]
    out += _when(workflow, sources)
    out += _jobs(workflow, sources)
    out += _access(workflow, sources)
    if workflow.env:
        out += ["## Environment", "", *_settings_table(workflow.env, "Variable")]
    if workflow.defaults:
        out += [
            "Default `run` settings: "
            + ", ".join(f"{code(s.name)}={code(s.value)}" for s in workflow.defaults)
            + ".",
            "",
        ]
    out += _actions(workflow)
    out += _caches(workflow)
    out += _job_details(workflow, sources)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# -- actions -------------------------------------------------------------------------------

_GITHUB = re.compile(r"https?://github\.com/([^/\s]+/[^/\s]+?)(?:\.git)?/?")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def action_page_paths(actions: Sequence[Action]) -> dict[str, str]:
    """Each action file of `actions` → its page: `pipelines/action.md` for the root
    action, `pipelines/action-<folder>.md` for the others; unique."""
    paths: dict[str, str] = {}
    taken = {f"{SECTION}/index.md"}
    for action in actions:
        folder = PurePosixPath(action.file).parent
        slug = _SLUG.sub("-", folder.name).strip("-.") if folder.name else ""
        if folder.name and not slug:
            slug = "x"
        path = f"{SECTION}/action-{slug}.md" if folder.name else f"{SECTION}/action.md"
        number = 2
        while path in taken:
            path = f"{SECTION}/action-{slug or 'root'}-{number}.md"
            number += 1
        taken.add(path)
        paths[action.file] = path
    return paths


def _using(action: Action) -> str:
    if action.using == "composite":
        return "composite (steps)"
    if action.using is None:
        return "—"
    if action.using.startswith("node"):
        kind = f"JavaScript ({code(action.using)})"
    elif action.using == "docker":
        kind = "Docker"
    else:
        kind = code(action.using)
    return kind + (f", {code(action.main)}" if action.main else "")


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so it cannot end early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _yaml_scalar(text: str, plain: str = r"[A-Za-z_][A-Za-z0-9_-]*") -> str:
    """`text` as YAML: plain when it matches `plain`, else double-quoted (JSON is YAML)."""
    return text if re.fullmatch(plain, text) else json.dumps(text, ensure_ascii=False)


def _usage(action: Action, sources: Sources) -> list[str]:
    folder = PurePosixPath(action.file).parent.as_posix()
    local = "./" if folder == "." else f"./{folder}"
    match = _GITHUB.fullmatch(sources.repo_url or "")
    remote = None
    if match:
        remote = match[1] + ("" if folder == "." else f"/{folder}") + "@<ref>"
    lines = ["- uses: " + _yaml_scalar(remote or local, r"[\w.][\w./@<>-]*")]
    if action.inputs:
        lines.append("  with:")
    for item in action.inputs:
        key = _yaml_scalar(item.name)
        if item.required == "true" and item.default is None:
            lines.append(f'    {key}: ""  # required')
        else:
            default = json.dumps(item.default or "", ensure_ascii=False)
            lines.append(f"    # {key}: {default}")
    snippet = "\n".join(lines)
    fence = _fence(snippet)
    out = ["## How to use it", ""]
    if remote:
        out += [
            "In a job's `steps:`; replace `<ref>` with a release's commit SHA (or tag)."
            f" This repository's own workflows can write {code('uses: ' + local)}.",
            "",
        ]
    else:
        out += ["In a job's `steps:` in this repository:", ""]
    out += [f"{fence}yaml", snippet, fence, ""]
    return out


def _action_inputs(action: Action, sources: Sources) -> list[str]:
    out = ["## Inputs", ""]
    if not action.inputs:
        return [*out, "This action takes no inputs.", ""]
    out += ["| Input | Required | Default | Description |", "|---|---|---|---|"]
    for item in action.inputs:
        name = sources.link(code(item.name), action.file, item.line)
        required = "**yes**" if item.required == "true" else "no"
        if item.required not in (None, "true", "false"):
            required = code(item.required)
        default = code(item.default) if item.default else "—"
        if item.default == "":
            default = "(empty)"
        out.append(f"| {name} | {required} | {default} | {escape(item.description or '')} |")
    return [*out, ""]


def _action_outputs(action: Action) -> list[str]:
    if not action.outputs:
        return []
    out = ["## Outputs", "", "| Output | Description |", "|---|---|"]
    out += [f"| {code(o.name)} | {escape(o.description or '')} |" for o in action.outputs]
    return [*out, ""]


def _action_steps(action: Action, sources: Sources) -> list[str]:
    if action.using != "composite":
        return []
    out = ["## Steps", ""]
    if not action.steps:
        return [*out, "This composite action has no steps.", ""]
    for index, step in enumerate(action.steps, 1):
        title = f"**{escape(step.name)}**" if step.name else ""
        if step.uses:
            what = f"uses {code(step.uses)}"
        elif step.run:
            what = f"runs {code(_short(step.run))}"
            what += f" in {code(step.shell)}" if step.shell else " (⚠️ no `shell`)"
        else:
            what = ""
        text = " — ".join(p for p in (title, what) if p) or "(empty step)"
        if step.if_:
            text += f" · only if {code(_short(step.if_))}"
        out.append(f"{index}. {text}{_line_link(sources, action.file, step.line)}")
    return [*out, ""]


def action_page(action: Action, sources: Sources) -> str:
    """One action's page: what it does, how to use it, inputs, outputs, steps, actions.

    `sources` says where the page's source links point.
    """
    file = sources.link(code(action.file), action.file)
    out = [f"# Action: {escape(action.name)}", "", f"Defined in {file}.", ""]
    if action.description:
        out += [_prose(action.description), ""]
    facts = [f"Runs as: {_using(action)}."]
    if action.author:
        facts.append(f"Author: {escape(action.author)}.")
    out += [" ".join(facts), ""]
    out += _usage(action, sources)
    out += _action_inputs(action, sources)
    out += _action_outputs(action)
    out += _action_steps(action, sources)
    out += _actions_table(action.actions, "Used by step", "the action", escape)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
