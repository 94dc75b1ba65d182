"""One workflow's page: when it runs, its jobs (and their graph), what it may access, its
findings, its actions and caches, then each job in detail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docgen.escape import code
from docgen.escape import markdown as escape
from docgen.escape import mermaid_label as label
from docgen.pipelines.markup import Sources, actions_table, job_title, line_link, prose, short
from docgen.pipelines.model import Finding, Input, Job, Matrix, Permissions, Setting, Step, Workflow
from docgen.pipelines.words import trigger


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
        out.append(f"- {trigger(t)}{line_link(sources, workflow.file, t.line)}")
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
    titles = {job.id: job_title(job) for job in workflow.jobs}
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
        title = sources.link(escape(job_title(job)), workflow.file, job.line)
        where = code(short(job.runs_on)) if job.runs_on else ""
        if job.uses:
            where = "calls " + code(job.uses)
        needs = ", ".join(code(n) for n in job.needs) or "—"
        condition = code(short(job.if_)) if job.if_ else "—"
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
        message = escape(short(f.message.replace("`", ""), 200))
        out.append(f"| {where} | {severity} | {kind}: {message} |")
    return [*out, ""]


def _settings_table(settings: Sequence[Setting], what: str) -> list[str]:
    rows = [f"| {what} | Value |", "|---|---|"]
    rows += [f"| {code(s.name)} | {code(short(s.value))} |" for s in settings]
    return [*rows, ""]


def _actions(workflow: Workflow) -> list[str]:
    return actions_table(workflow.actions, "Used by", "the workflow", code)


def _caches(workflow: Workflow) -> list[str]:
    if not workflow.caches:
        return []
    out = ["## Caching", ""]
    for cache in workflow.caches:
        key = f", key {code(short(cache.key))}" if cache.key else ""
        what = f": {code(short(cache.what))}" if cache.what else ""
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
        what = f"runs {code(short(step.run))}"
    else:
        what = ""
    text = " — ".join(p for p in (f"**{title}**" if title else "", what) if p) or "(empty step)"
    if step.if_:
        text += f" · only if {code(short(step.if_))}"
    if kinds:
        text += " · ⚠️ " + ", ".join(code(k) for k in dict.fromkeys(kinds))
    return f"{index}. {text}{line_link(sources, workflow.file, step.line)}"


def _job_details(workflow: Workflow, sources: Sources) -> list[str]:
    if not workflow.jobs:
        return []
    out = ["## Job details", ""]
    for job in workflow.jobs:
        heading = escape(job_title(job))
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
        out += [prose(description), ""]
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
