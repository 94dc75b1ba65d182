"""The pipeline model → Markdown pages: an overview and one page per workflow.

Pages lead with what a reader asks first — what the pipeline is for, when it runs, what
it runs in which order — and leave the details (steps, actions, caches) for later
sections. Every user string is escaped for where it goes: `words.escape` for prose and
table cells, `words.code` for names and values, `label` for Mermaid; Mermaid node ids
are generated (`j0`, `w1`), never taken from the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from docgen.pipelines.extract import local_call
from docgen.pipelines.model import (
    ActionUse,
    Input,
    Job,
    Matrix,
    Permissions,
    Setting,
    Step,
    Workflow,
)
from docgen.pipelines.words import code, escape, trigger

__all__ = ["Sources", "index_page", "label", "page_paths", "workflow_page"]

SECTION = "pipelines"
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}
_CELL_LIMIT = 80


@dataclass(frozen=True, slots=True)
class Sources:
    """Where source links point: `{repo_url}/blob/{ref}/{path}#L{line}`, or nowhere."""

    repo_url: str | None
    ref: str

    def url(self, path: str, line: int | None = None) -> str | None:
        """The URL of a file (and line) on the repository host, when `repo_url` is set."""
        if not self.repo_url:
            return None
        anchor = f"#L{line}" if line else ""
        return f"{self.repo_url.rstrip('/')}/blob/{self.ref}/{path}{anchor}"

    def link(self, text: str, path: str, line: int | None = None) -> str:
        """`text` (already Markdown) linked to its source, or left as it is."""
        url = self.url(path, line)
        return f"[{text}]({url})" if url else text


def label(text: str) -> str:
    """A quoted Mermaid label that shows `text` as written and cannot break the diagram."""
    return '"' + "".join(_MERMAID_ENTITIES.get(c, c) for c in text) + '"'


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
    for raw in text.replace("&", "&amp;").replace("<", "&lt;").splitlines():
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


def page_paths(workflows: Sequence[Workflow]) -> dict[str, str]:
    """Each workflow file → its page, `pipelines/<stem>.md`, unique and never `index.md`."""
    paths: dict[str, str] = {}
    taken = {f"{SECTION}/index.md"}
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


def _links(workflows: Sequence[Workflow]) -> list[tuple[str, str, str]]:
    """(from, to, how) between workflow files, or to a remote workflow's `uses`."""
    by_file = {PurePosixPath(w.file).name: w.file for w in workflows}
    links: list[tuple[str, str, str]] = []
    for workflow in workflows:
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


def index_page(workflows: Sequence[Workflow], paths: Mapping[str, str], sources: Sources) -> str:
    """The overview: a graph of how workflows start each other, and one row per workflow."""
    out = ["# Pipelines", ""]
    if not workflows:
        out += ["This project has no GitHub Actions workflows.", ""]
        return "\n".join(out)
    jobs = sum(len(w.jobs) for w in workflows)
    out += [
        f"{len(workflows)} GitHub Actions workflows with {jobs} jobs. Each page tells when a"
        " workflow runs, what its jobs do and in which order, and what they may access.",
        "",
    ]
    links = _links(workflows)
    ids = {w.file: f"w{i}" for i, w in enumerate(workflows)}
    names = {w.file: w.name for w in workflows}
    if links:
        graph = ["```mermaid", "flowchart LR"]
        graph += [f"  {ids[w.file]}[{label(w.name)}]" for w in workflows]
        for source, target, how in links:
            if target not in ids:
                ids[target] = f"r{len(ids)}"
                graph.append(f"  {ids[target]}[[{label(target)}]]")
            arrow = f"-. {label(how)} .->" if how == "then runs" else f"-- {label(how)} -->"
            graph.append(f"  {ids[source]} {arrow} {ids[target]}")
        out += [
            "## How they connect",
            "",
            "Solid arrows are reusable-workflow calls; dotted ones start a workflow after"
            " another one finishes (`workflow_run`).",
            "",
            *graph,
            "```",
            "",
        ]
    else:
        out += ["None of these workflows calls another or waits for one to finish.", ""]
    out += [
        "## Workflows",
        "",
        "| Workflow | Runs | Jobs | Calls or waits for |",
        "|---|---|---|---|",
    ]
    for workflow in workflows:
        page = PurePosixPath(paths[workflow.file]).name
        calls = [
            _name_link(target, names, paths)
            for source, target, how in links
            if source == workflow.file and how == "calls"
        ]
        after = [
            _name_link(source, names, paths)
            for source, target, how in links
            if target == workflow.file and how == "then runs"
        ]
        related = ([f"calls {', '.join(calls)}"] if calls else []) + (
            [f"runs after {', '.join(after)}"] if after else []
        )
        out.append(
            f"| [{escape(workflow.name)}]({page}) | {_runs(workflow)} | {len(workflow.jobs)}"
            f" | {'; '.join(related) or '—'} |"
        )
    out.append("")
    return "\n".join(out)


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


def _job_graph(workflow: Workflow) -> list[str]:
    ids = {job.id: f"j{i}" for i, job in enumerate(workflow.jobs)}
    lines = ["```mermaid", "flowchart LR"]
    for job in workflow.jobs:
        text = _job_title(job)
        if job.matrix is not None:
            count = job.matrix.combinations
            text += f" ×{count}" if count is not None else " ×matrix"
        if job.uses:
            lines.append(f"  {ids[job.id]}[[{label(text + ' → ' + job.uses)}]]")
        else:
            lines.append(f"  {ids[job.id]}[{label(text)}]")
    lines += [
        f"  {ids[need]} --> {ids[job.id]}"
        for job in workflow.jobs
        for need in job.needs
        if need in ids
    ]
    return [*lines, "```", ""]


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
    if not workflow.actions:
        return []
    grouped: dict[tuple[str, str | None, str], list[str]] = {}
    for action in workflow.actions:
        users = grouped.setdefault((action.name, action.ref, action.pin), [])
        if action.job not in users:
            users.append(action.job)
    out = [
        "## Actions used",
        "",
        "Actions pinned to a full commit SHA cannot change under the workflow; tags and"
        " branches can.",
        "",
        "| Action | Version | Pinned | Used by |",
        "|---|---|---|---|",
    ]
    pins = {(a.name, a.ref, a.pin): a for a in workflow.actions}
    for key, users in sorted(grouped.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        name, ref, _ = key
        version = code(ref[:12] if pins[key].pin == "sha" and ref else ref) if ref else "—"
        out.append(
            f"| {code(name)} | {version} | {_pin_text(pins[key])}"
            f" | {', '.join(code(u) for u in users)} |"
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


def _step(index: int, step: Step, workflow: Workflow, sources: Sources) -> str:
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
            out += [_step(i, s, workflow, sources) for i, s in enumerate(job.steps, 1)]
            out.append("")
    return out


def workflow_page(workflow: Workflow, sources: Sources) -> str:
    """One workflow's page: purpose, triggers, job graph, access, actions, jobs' steps."""
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
