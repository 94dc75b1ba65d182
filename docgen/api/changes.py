"""API changes as Markdown: the "API changes" page, and the line under a member's heading.

The page lists what changed since the previous deployed version (`docgen.api.diff`),
each name linked to its heading on the API pages when it still has one. The line under
a heading reads "Added in 1.1 · Changed in 1.2"; a deprecated member gets a warning
admonition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen.api import history, snapshot
from docgen.api.diff import Diff, Listed, diff
from docgen.api.history import Note
from docgen.api.model import Module
from docgen.api.pages import SECTION
from docgen.api.xref import Index, page_path
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.model import Page

__all__ = ["PAGE", "TITLE", "Versioned", "changes_page", "note_markdown", "versioned"]

PAGE = "api/changes.md"
"""The page's path, relative to the docs folder (another when a module takes it)."""
TITLE = "API changes"
"""Its title in the nav."""


def _code(text: str) -> str:
    """`text` as a code span, whatever backticks it holds."""
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _name(name: str, index: Index, page: str) -> str:
    if name in index.targets and not index.targets[name].external:
        return f"[{_code(name)}]({index.url(name, page)})"
    return _code(name)


def _section(title: str, items: Iterable[str]) -> list[str]:
    lines = list(items)
    return [f"## {title}", "", *lines, ""] if lines else []


def _listed(items: Iterable[Listed], index: Index, page: str, link: bool = True) -> list[str]:
    out = []
    for item in items:
        name = _name(item.name, index, page) if link else _code(item.name)
        said = f": {item.message.replace('<', '&lt;')}" if item.message else ""
        out.append(f"- {name} ({item.kind}){said}")
    return out


def changes_page(found: Diff, index: Index, path: str = PAGE, unreleased: bool = False) -> Page:
    """The page of the API changes `found`, linked through `index` from `path`.

    Args:
        found: the changes from the previous deployed version to the one being built.
        index: every documented symbol, for links to the API pages.
        path: the page's path, relative to the docs folder.
        unreleased: the build is no deploy: its changes are not released yet.
    """
    title = "Unreleased API changes" if unreleased else f"API changes in {found.new}"
    since = f"the newest deployed version, {found.old}" if unreleased else f"{found.old}"
    lines = [f"# {title}", "", f"What changed in the API since {since}.", ""]
    if found.empty:
        lines += ["No name was added or removed, and no signature changed.", ""]
    lines += _section("Added", _listed(found.added, index, path))
    lines += _section("Removed", _listed(found.removed, index, path, link=False))
    changed: list[str] = []
    for item in found.changed:
        changed.append(f"- {_name(item.name, index, path)} ({item.kind})")
        changed += [f"    - {c.what}: {_code(c.detail)}" for c in item.changes]
    lines += _section("Changed", changed)
    lines += _section("Deprecated", _listed(found.deprecated, index, path))
    return Page(
        path=path,
        title=TITLE,
        markdown="\n".join(lines).rstrip() + "\n",
        nav=(SECTION,),
    )


def _when(version: str | None, latest: str | None) -> str | None:
    if version is None:
        return None
    return f"in {version}" if version else f"after {latest}"


def note_markdown(note: Note) -> str:
    """The Markdown under a member's heading, for its `note`: "*Added in 1.1 · Changed in
    1.2*", and a warning admonition when it is deprecated; empty when there is nothing to
    say."""
    parts = []
    if (added := _when(note.added, note.latest)) is not None:
        parts.append(f"Added {added}")
    if (changed := _when(note.changed, note.latest)) is not None:
        parts.append(f"Changed {changed}")
    lines = [f"*{' · '.join(parts)}*", ""] if parts else []
    if note.deprecated is not None:
        since = f" since {note.deprecated.version}" if note.deprecated.version else ""
        # The user's text: raw HTML in it must not open an element that runs on.
        message = note.deprecated.message.replace("\n", " ").replace("<", "&lt;").strip()
        lines += [f'!!! warning "Deprecated{since}"', "", f"    {message or 'Deprecated.'}", ""]
    return "\n".join(lines).rstrip("\n")


@dataclass(frozen=True, slots=True)
class Versioned:
    """What the deployed versions add to the API pages.

    Attributes:
        model: the API model of the version being built (the site's `_docgen/api.json`).
        notes: Markdown under members' headings, by dotted name.
        page: the API changes page, or None (no earlier version with a model).
        diagnostics: what could not be read on the Pages branch.
        previous: the version compared with, or None.
    """

    model: snapshot.Snapshot
    notes: Mapping[str, str] = field(default_factory=dict)
    page: Page | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    previous: str | None = None


def versioned(
    config: DocgenConfig, folder: Path, modules: Sequence[Module], index: Index
) -> Versioned:
    """The model of `modules`, and what the versions on the Pages branch say of them.

    Args:
        config: the project's settings (`version`, `deploy.branch`, `deploy.remote`).
        folder: the stage's cache folder.
        modules: the modules documented in this build.
        index: every documented symbol, for links.
    """
    model = snapshot.of(modules, config.version)
    past = history.read(config, folder)
    found = list(past.diagnostics)
    notes = {name: note_markdown(note) for name, note in history.notes(past, model).items()}
    previous = past.previous
    if previous is None:
        return Versioned(model, notes, None, tuple(found))
    if previous.snapshot is None:
        if not any(d.code == "DG614" for d in found):
            found.append(
                Diagnostic(
                    "DG615",
                    Severity.INFO,
                    f"no API changes page: version {previous.name} on the Pages branch has "
                    f"no API model ({previous.name}/{snapshot.ASSET})",
                    None,
                    f"it was deployed before docgen wrote one, or without the API stage: "
                    f"deploy {previous.name} again to add it",
                    "api",
                )
            )
        return Versioned(model, notes, None, tuple(found), previous.name)
    taken = {page_path(m.name) for m in modules}
    path = PAGE if PAGE not in taken else "api/api-changes.md"
    changes = diff(previous.snapshot, model, previous.name, config.version or "unreleased")
    page = changes_page(changes, index, path, unreleased=past.unreleased)
    return Versioned(model, notes, page, tuple(found), previous.name)
