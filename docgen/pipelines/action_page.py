"""One local action's page (`action.yml`): how to use it, its inputs, outputs and steps."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from docgen.escape import code
from docgen.escape import markdown as escape
from docgen.pipelines.markup import SECTION, Sources, actions_table, line_link, prose, short
from docgen.pipelines.model import Action

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


def using(action: Action) -> str:
    """How the `action` runs, as Markdown: `composite (steps)`; JavaScript, Docker or the
    `runs.using` value, with the main file when given; `—` when `runs.using` is missing."""
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
            what = f"runs {code(short(step.run))}"
            what += f" in {code(step.shell)}" if step.shell else " (⚠️ no `shell`)"
        else:
            what = ""
        text = " — ".join(p for p in (title, what) if p) or "(empty step)"
        if step.if_:
            text += f" · only if {code(short(step.if_))}"
        out.append(f"{index}. {text}{line_link(sources, action.file, step.line)}")
    return [*out, ""]


def action_page(action: Action, sources: Sources) -> str:
    """One action's page: what it does, how to use it, inputs, outputs, steps, actions.

    `sources` says where the page's source links point.
    """
    file = sources.link(code(action.file), action.file)
    out = [f"# Action: {escape(action.name)}", "", f"Defined in {file}.", ""]
    if action.description:
        out += [prose(action.description), ""]
    facts = [f"Runs as: {using(action)}."]
    if action.author:
        facts.append(f"Author: {escape(action.author)}.")
    out += [" ".join(facts), ""]
    out += _usage(action, sources)
    out += _action_inputs(action, sources)
    out += _action_outputs(action)
    out += _action_steps(action, sources)
    out += actions_table(action.actions, "Used by step", "the action", escape)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
