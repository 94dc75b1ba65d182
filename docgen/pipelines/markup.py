"""What every pipelines page shares: source links, table cells, prose, job titles, the table
of actions a workflow or action uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from docgen.escape import code, markdown_prose
from docgen.pipelines.model import ActionUse, Job

SECTION = "pipelines"
"""The docs folder of the pipelines pages."""
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


def short(text: str, limit: int = _CELL_LIMIT) -> str:
    """`text` cut to at most `limit` characters for a table cell, ending in `…` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LIST_ITEM = re.compile(r"\s*(\d+[.)]|[-*+])\s")


def prose(text: str) -> str:
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


def line_link(sources: Sources, path: str, line: int) -> str:
    """` (line 12)` linked to `line` of the file at `path`, or nothing when `sources`
    have no repository URL."""
    url = sources.url(path, line)
    return f" ([line {line}]({url}))" if url else ""


def job_title(job: Job) -> str:
    """What a page calls the `job`: its `name`, else its id."""
    return job.name or job.id


def _pin_text(action: ActionUse) -> str:
    return {
        "sha": "pinned to a commit",
        "tag": "⚠️ tag, can move",
        "branch": "⚠️ branch, moves",
        "none": "⚠️ no version",
        "local": "in this repository",
    }.get(action.pin, "container image")


def actions_table(
    actions: Sequence[ActionUse], users_title: str, owner: str, show: Callable[[str], str]
) -> list[str]:
    """The "Actions used" section: one row per action and ref, with how firmly it is
    pinned and who uses it; its Markdown lines, or none without `actions`.

    Args:
        actions: the actions used, as extracted.
        users_title: the heading of the last column, which lists who uses each action.
        owner: what the pins protect, in the section's first sentence (`the workflow`).
        show: how one user (a job id, or an action's step) is written in the cell.
    """
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
