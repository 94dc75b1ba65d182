"""The release-notes pages: an index of every version, and one page per version.

    changelog/index.md        every version, newest first, each linking to its page
    changelog/unreleased.md   what no release has yet (when there is something)
    changelog/<version>.md    one release's notes

Pages made from a file name it as their source, with the line of each heading, so a
finding on the page names the user's line.
"""

from __future__ import annotations

from collections.abc import Sequence

from docgen import escape
from docgen.changelog.host import Host
from docgen.changelog.links import FOLDER
from docgen.changelog.model import Changelog, Entry, Release, page_file
from docgen.lint.page import slugify
from docgen.model import Page

__all__ = ["NAV_RELEASES", "OLDER", "entry_markdown", "index_page", "pages", "release_page"]


def _indent(text: str) -> str:
    """A list item's text: its first line after the marker, the others indented by four
    spaces (what Python-Markdown wants for a nested block)."""
    first, *rest = text.split("\n")
    return "\n".join([first, *("    " + line if line.strip() else "" for line in rest)])


def entry_markdown(entry: Entry, host: Host | None, *, kind: bool = False) -> str:
    """One change as a Markdown list item.

    Args:
        entry: the change.
        host: the repository's host, for the commit's link; None for plain text.
        kind: name the conventional-commit type too (`refactor: …`), for the groups
            that hold several ("Breaking changes", "Other changes").
    """
    if entry.block:  # a paragraph or a fence between the items, as written
        return entry.text
    parts = []
    if kind and entry.kind:
        parts.append(f"{escape.markdown(entry.kind)}:")
    if entry.scope:
        parts.append(f"**{escape.markdown(entry.scope)}:**")
    parts.append(entry.text)
    if entry.commit:
        short = entry.commit[:7]
        parts.append(f"([`{short}`]({host.commit(entry.commit)}))" if host else f"(`{short}`)")
    item = "- " + _indent(" ".join(parts))
    if entry.note:
        item += "\n\n    " + entry.note
    return item


def _summary(release: Release) -> str:
    if len(release.sections) == 1 and not release.sections[0].title:
        count = release.count
        return f"{count} change" + ("" if count == 1 else "s")
    return " · ".join(
        f"{escape.markdown(s.title)} {sum(not e.block for e in s.entries)}"
        for s in release.sections
    )


def index_page(changelog: Changelog, title: str, nav: tuple[str, ...]) -> Page:
    """The index of every release, newest first, each linking to its page.

    Args:
        changelog: the releases.
        title: the page's title (the nav section's name).
        nav: the nav section of the pages.
    """
    lines = [f"# {escape.markdown(title)}", ""]
    if changelog.intro:
        lines += [changelog.intro, ""]
    lines += ["| Version | Date | Changes |", "|---|---|---|"]
    for release in changelog.releases:
        link = f"[{escape.markdown(release.title)}]({page_file(release.version)})"
        lines.append(f"| {link} | {release.date or ''} | {_summary(release)} |")
    if changelog.references:
        lines += ["", changelog.references]
    return Page(
        f"{FOLDER}/index.md",
        title,
        "\n".join(lines) + "\n",
        nav,
        source=changelog.file,
        lines=((slugify(title), 1),) if changelog.file else (),
    )


def release_page(
    release: Release, changelog: Changelog, host: Host | None, nav: tuple[str, ...]
) -> Page:
    """One release's page: its date, a link to its changes, its sections of changes.

    Args:
        release: the release.
        changelog: all the releases (their shared link definitions).
        host: the repository's host, for commit links; None for plain text.
        nav: the nav section of the pages.
    """
    lines = [f"# {escape.markdown(release.title)}", ""]
    said = []
    if release.version is None:
        said.append("Not released yet.")
    elif release.date:
        said.append(f"Released {release.date}.")
    if release.tag:
        said.append(f"Tag `{release.tag}`.")
    if release.compare:
        since = "the last release" if release.version is None else "the previous version"
        said.append(f"[Compare with {since}]({release.compare}).")
    if said:
        lines += [" ".join(said), ""]
    if release.intro:
        lines += [release.intro, ""]
    anchors: list[tuple[str, int]] = []
    if release.line is not None:
        anchors.append((slugify(release.title), release.line))
    for section in release.sections:
        if section.title:
            lines += [f"## {escape.markdown(section.title)}", ""]
            if section.line is not None:
                anchors.append((slugify(section.title), section.line))
        typed = section.title in ("Breaking changes", "Other changes")  # of several kinds
        for change in section.entries:
            item = entry_markdown(change, host, kind=typed)
            if change.block:  # a paragraph or a fence stands apart from the list around it
                lines += ["", item, ""] if lines[-1] else [item, ""]
                continue
            # A blank line after an item of several lines: Python-Markdown would otherwise
            # put the next item in the item's nested list.
            lines += [item, ""] if "\n" in item else [item]
        if lines[-1]:
            lines.append("")
    if changelog.references:
        lines += [changelog.references, ""]
    return Page(
        f"{FOLDER}/{page_file(release.version)}",
        release.title,
        "\n".join(lines).rstrip("\n") + "\n",
        nav,
        source=release.file,
        lines=tuple(anchors),
    )


NAV_RELEASES = 10
"""How many releases the nav lists in the section itself, newest first."""
OLDER = "Older releases"
"""The nav sub-section of the other releases."""


def pages(changelog: Changelog, host: Host | None, section: str) -> list[Page]:
    """Every page of the release notes; none when there is no release.

    Args:
        changelog: the releases, newest first.
        host: the repository's host, for commit links; None for plain text.
        section: the nav section (`changelog.section`), also the index's title.
    """
    releases: Sequence[Release] = changelog.releases
    if not releases:
        return []
    nav = (section,)
    made = [index_page(changelog, section, nav)]
    # The newest releases in the section; the others folded into one sub-section, so a
    # project of 150 releases keeps a short nav (the index lists them all).
    listed = sum(r.version is None for r in releases[:1]) + NAV_RELEASES
    older = (*nav, OLDER)
    made += [
        release_page(r, changelog, host, nav if n < listed else older)
        for n, r in enumerate(releases)
    ]
    return made
