"""Relative links of a changelog file, rewritten for the pages made from it.

A CHANGELOG at the repository's root links to `docs/guide.md` or `src/pkg/mod.py`
relative to itself; its pages live in the site's `changelog/` folder, where those links
go nowhere. Each relative link (inline, image or reference definition; never inside code)
becomes:

- a page or file of the docs folder: a link relative to `changelog/`, which the engine
  and the links stage check as any other;
- another file of the repository: its web page on the host (`repo_url`);
- the changelog itself (`CHANGELOG.md#110---2026-01-02`): the page of that release;
- a link that lands nowhere from the file's folder but does from the docs folder (the
  file is written for a docs page that includes it, `--8<-- "CHANGELOG.md"`): that page;
- nothing that exists, outside the project, or no known host: its text only, and one
  warning (DG043) at the changelog's line.

Absolute URLs, site-absolute paths (`/x`) and links within the page (`#x`, unless it
names a release) stay as written.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from docgen import markdown
from docgen.changelog.host import Host
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["FOLDER", "Rewriter"]

FOLDER = "changelog"
"""The docs folder of the generated pages, relative to the docs folder."""
STAGE = "changelog"
_TEXT = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_INLINE = re.compile(
    rf"(?P<bang>!?)\[(?P<text>{_TEXT})\]\(\s*(?P<target><[^<>\n]*>|[^\s()]+(?:\([^\s()]*\))?)"
    r"(?P<title>\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_DEFINITION = re.compile(
    r"^(?P<lead> {0,3}\[(?P<label>[^\]]+)\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)(?P<rest>.*)$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Rewriter:
    """Rewrites the relative links of text written beside one changelog file.

    Args:
        config: the project's config (root, docs folder).
        base: the folder links are relative to (the changelog file's), absolute.
        host: the repository's host, for files outside the docs; None when unknown.
        changelog: the changelog file (absolute), whose own links go to its pages.
        releases: a release heading's anchor in the changelog → its page's file name.
    """

    def __init__(
        self,
        config: DocgenConfig,
        base: Path,
        host: Host | None,
        changelog: Path | None = None,
        releases: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.root = config.root.resolve()
        self.base = os.path.relpath(base.resolve(), self.root).replace(os.sep, "/")
        self.docs = os.path.relpath(config.docs_dir.resolve(), self.root).replace(os.sep, "/")
        self.host = host
        self.changelog = (
            None
            if changelog is None
            else os.path.relpath(changelog.resolve(), self.root).replace(os.sep, "/")
        )
        self.releases = dict(releases or {})

    def text(self, text: str, file: str, first_line: int = 1) -> tuple[str, list[Diagnostic]]:
        """`text` with its relative links rewritten, line for line (no line added or
        removed), and a warning for each link that cannot be.

        Args:
            text: Markdown.
            file: where `text` was written, relative to the root, for the warnings.
            first_line: the line of `file` that `text` starts on.
        """
        page = markdown.read(text)
        fenced = {n for f in page.fences for n in range(f.line, f.end_line + 1)}
        code: dict[int, list[tuple[int, int]]] = {}
        for span in page.code_spans:
            if span.line == span.end_line:
                code.setdefault(span.line, []).append((span.column, span.end_column))
        out: list[str] = []
        found: list[Diagnostic] = []
        for number, line in enumerate(text.split("\n"), 1):
            if number in fenced or ("](" not in line and "]:" not in line):
                out.append(line)
                continue
            where = Location(file, first_line + number - 1)
            out.append(self._line(line, code.get(number, []), where, found))
        return "\n".join(out), found

    def _line(
        self, line: str, code: list[tuple[int, int]], where: Location, found: list[Diagnostic]
    ) -> str:
        definition = _DEFINITION.match(line)
        if definition and not code:
            target = self._target(definition["target"], where, found)
            return "" if target is None else f"{definition['lead']}{target}{definition['rest']}"

        def replace(match: re.Match[str]) -> str:
            if any(start < match.end() and match.start() < end for start, end in code):
                return match[0]
            target = self._target(match["target"], where, found)
            if target is None:
                return match["text"]
            return f"{match['bang']}[{match['text']}]({target}{match['title'] or ''})"

        return _INLINE.sub(replace, line)

    def _target(self, written: str, where: Location, found: list[Diagnostic]) -> str | None:
        """The link's new target; the old one when it stays; None when it cannot be made."""
        raw = written[1:-1] if written.startswith("<") else written
        if not raw or _SCHEME.match(raw) or raw.startswith("/"):
            return written
        path, _, fragment = raw.partition("#")
        if not path:  # a link within the changelog
            return self.releases.get(fragment, written)
        path = path.split("?", 1)[0]
        resolved = posixpath.normpath(posixpath.join(self.base, unquote(path)))
        problem = self._problem(resolved)
        if problem is not None and self.base != self.docs:
            # Written for the docs page that includes the file (`--8<-- "CHANGELOG.md"` in
            # docs/changelog.md): relative to the docs folder, the link may land.
            in_docs = posixpath.normpath(posixpath.join(self.docs, unquote(path)))
            if _inside(in_docs, self.docs) and (self.root / in_docs).exists():
                resolved, problem = in_docs, None
        if problem is None:
            made = self._resolve(resolved, fragment)
            if made is not None:
                return made
            problem = "it is outside the docs folder and the repository's host is unknown"
        found.append(
            Diagnostic(
                "DG043",
                Severity.WARNING,
                f"the link to '{raw}' cannot be kept in the release notes: {problem}",
                where,
                "link to an existing file of the repository, or set `repo_url` in mkdocs.yml"
                " for files outside the docs folder",
                STAGE,
            )
        )
        return None

    def _problem(self, resolved: str) -> str | None:
        if resolved == ".." or resolved.startswith("../"):
            return "it points outside the project"
        if _inside(resolved, self.docs):  # maybe a generated page: the links stage checks it
            return None
        if not (self.root / resolved).exists():
            return "no such file"
        return None

    def _resolve(self, resolved: str, fragment: str) -> str | None:
        suffix = f"#{fragment}" if fragment else ""
        if resolved == self.changelog:
            page = self.releases.get(fragment)
            return page if page is not None else "index.md" + suffix
        if _inside(resolved, self.docs):
            inside = posixpath.relpath(resolved, self.docs)
            if (self.config.docs_dir / inside).is_dir():
                inside = posixpath.join(inside, "index.md")
            return posixpath.relpath(inside, FOLDER) + suffix
        if self.host is None:
            return None
        return self.host.file(resolved) + suffix


def _inside(path: str, folder: str) -> bool:
    return folder in (".", path) or path.startswith(folder.rstrip("/") + "/")
