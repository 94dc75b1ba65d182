"""Find every Mermaid diagram: `.mmd` files, ```` ```mermaid ```` fences and file embeds.

Fences are found by `docgen.markdown`, the reader every stage shares: nested in
admonitions, tabs and lists as pymdownx.superfences nests them, never inside another
fence, and indented by at most three spaces elsewhere (four is indented code).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen import markdown as md
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


def fences(markdown: str) -> Iterator[Fence]:
    """Every Mermaid fence of a page's `markdown`, skipping fences shown inside other fences."""
    for fence in md.read(markdown).fences:
        if fence.language != "mermaid":
            continue
        body = fence.body.removesuffix("\n")
        # A list item's marker before the fence is indentation for the lines under it.
        indent = fence.indent if not fence.indent.strip() else " " * len(fence.indent)
        end = fence.end_line - 1 if fence.closed else fence.end_line
        yield Fence(fence.line - 1, end, indent, body, fence.attributes.get("file") or None)


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
