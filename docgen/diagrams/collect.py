"""Find every Mermaid diagram: `.mmd` files, ```` ```mermaid ```` fences and file embeds.

Fences are found line by line rather than with a CommonMark parser because the site's
Markdown (Python-Markdown + pymdownx.superfences) nests fences in indented blocks —
admonitions, tabs, lists — where CommonMark sees indented code instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.config import DocgenConfig
from docgen.model import Document

__all__ = [
    "Diagram",
    "Embed",
    "Fence",
    "describe",
    "diagram_files",
    "document_diagrams",
    "fences",
    "read_file",
    "resolve",
]

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_EMBED_FILE = re.compile(r"""\bfile\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")


@dataclass(frozen=True, slots=True)
class Diagram:
    """One diagram as the validator sees it.

    `source` is the user's file (relative to the project root); `line` is the file line of
    the diagram's first line, None when the diagram has no place in a user's file (it was
    generated from `source`); `text` is the Mermaid source; `origin` is `file`, `fence` or
    `generated`; `page` is the docs-relative page it is drawn on, None for a `.mmd` file.
    """

    source: str
    line: int | None
    text: str
    origin: str
    page: str | None = None

    def file_line(self, diagram_line: int | None) -> int | None:
        """The file line of the diagram's 1-based `diagram_line`."""
        if self.line is None:
            return None
        if diagram_line is None:
            return self.line
        return self.line + diagram_line - 1


@dataclass(frozen=True, slots=True)
class Fence:
    """A ```` ```mermaid ```` fence in a page: where its content starts, and the content.

    `start` and `end` are 0-based indices of the opening and closing fence lines (`end` is
    the line count when the fence is never closed); `indent` is the opening line's
    indentation, which `text` (the content) has been stripped of; `embed` is the
    `file="…"` value.
    """

    start: int
    end: int
    indent: str
    text: str
    embed: str | None


@dataclass(frozen=True, slots=True)
class Embed:
    """A `file="…"` fence resolved: the file it names, relative to the project root.

    `source` is the name as written in the `fence`; `path` is the file it resolves to, or
    None when that is missing or outside the project root.
    """

    fence: Fence
    path: Path | None
    source: str


def _strip_indent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def fences(markdown: str) -> Iterator[Fence]:
    """Every Mermaid fence of a page's `markdown`, skipping fences shown inside other fences."""
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if not opening or (opening["mark"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        mark, indent, info = opening["mark"], opening["indent"], opening["info"].strip()
        end = index + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped.startswith(mark) and stripped.strip(mark[0]) == "":
                break
            end += 1
        words = info.lstrip("{. ").split()
        if words and words[0].rstrip("}") == "mermaid":
            found = _EMBED_FILE.search(info)
            embed = found and (found["dq"] or found["sq"] or found["bare"])
            body = "\n".join(_strip_indent(line, indent) for line in lines[index + 1 : end])
            yield Fence(index, end, indent, body, embed or None)
        index = end + 1


def resolve(config: DocgenConfig, fence: Fence) -> Embed:
    """The file a `file="…"` fence embeds: relative to the project root, never outside it.

    The project root is `config.root`.
    """
    name = fence.embed or ""
    root = config.root.resolve()
    path = (root / name).resolve()
    inside = path.is_relative_to(root)
    return Embed(fence, path if inside and path.is_file() else None, name)


def diagram_files(folder: Path) -> list[Path]:
    """The `.mmd` files of the diagrams folder, sorted by name."""
    return sorted(folder.glob("*.mmd")) if folder.is_dir() else []


def read_file(config: DocgenConfig, path: Path) -> Diagram:
    """The `.mmd` file at `path` as a diagram whose first line is the file's line 1.

    Its source is named relative to the project root of `config`.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return Diagram(config.relative(path), 1, text, "file")


def describe(text: str, fallback: str) -> tuple[str, str]:
    """Title and description from a diagram's leading `%%` comment lines.

    The first comment line is the title; the next ones, up to the first line that is not a
    comment, are the description (an empty `%%` line starts a new paragraph). Directives
    (`%%{init: …}%%`) are not comments. Without comments, the title is made from
    `fallback` (the file's name), and the description is empty.

    Args:
        text: the diagram's Mermaid source.
        fallback: the file's name without its suffix.
    """
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("%%") or stripped.startswith("%%{"):
            break
        comments.append(stripped[2:].strip())
    if not comments or not comments[0]:
        return fallback.replace("-", " ").replace("_", " ").capitalize(), ""
    paragraphs = "\n".join(comments[1:]).split("\n\n")
    return comments[0], "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def document_diagrams(config: DocgenConfig, document: Document) -> Iterator[Diagram | Embed]:
    """The diagrams of one page: inline fences, and the files its embeds name.

    Args:
        config: the project's settings; embeds are resolved under its root.
        document: the page; a generated one's fences have no line in a user's file.
    """
    for fence in fences(document.markdown):
        if fence.embed is not None:
            yield resolve(config, fence)
        elif document.generated:
            yield Diagram(document.source, None, fence.text, "generated", document.path)
        else:
            yield Diagram(document.source, fence.start + 2, fence.text, "fence", document.path)
