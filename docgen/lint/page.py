"""One hand-written page, read once for every rule: front matter, headings, prose, HTML.

Material's block containers — admonitions (`!!! note`, `??? tip`) and content tabs
(`=== "Tab"`) — hold their content indented by four spaces, which CommonMark would read as
a code block. The page is first *unwrapped*: each container's marker line is blanked and
its content dedented, so that headings, prose and HTML inside containers are seen as
readers see them, and every line keeps its number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["Heading", "Image", "Link", "ParsedPage", "Prose", "parse"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# `!!! note "Title"`, `???+ tip`, `=== "Tab"`, `===! "Tab"`: a title in quotes is prose.
_CONTAINER = re.compile(
    r"^(?P<indent>[ ]*)(?:"
    r'(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w. -]*)?(?:[ \t]+"(?P<title>[^"]*)")?'
    r'|===[!+]?[ \t]+"(?P<tab>[^"]*)"'  # a tab always has a title; a bare `===` is setext
    r")[ \t]*$"
)
_FENCE = re.compile(r"^[ ]*(`{3,}|~{3,})")
# A heading's trailing attribute list: `## Setup { #setup .class }`.
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?([^{}]*)\}[ \t]*$")
_ID = re.compile(r"(?:^|\s)#([\w:.-]+)")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: level, text as rendered, its anchor, and its 1-based line.

    `explicit` is whether the anchor was set with `{ #id }` rather than made from the text.
    """

    level: int
    text: str
    anchor: str
    line: int
    explicit: bool = False


@dataclass(frozen=True, slots=True)
class Image:
    """An image in Markdown syntax, with its alt text.

    `src` is the image's address as written and `line` the 1-based line it is on.
    """

    src: str
    alt: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link in Markdown syntax: its `href` as written, on its 1-based `line`."""

    href: str
    line: int


@dataclass(frozen=True, slots=True)
class Prose:
    """A run of prose text on one line: what spelling and marker rules read."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything the rules need from one page.

    Attributes:
        title: the front matter `title:`, or None.
        headings: every heading, in page order.
        images: every Markdown image, in page order.
        prose: the prose runs, without code.
        html: (first line, HTML source) of each HTML block or inline tag, in page order.
        content: whether the page has anything besides headings and comments.
        blank: whether the page has nothing at all besides front matter and comments.
        links: every Markdown link (inline or by reference), in page order.
    """

    title: str | None
    headings: tuple[Heading, ...]
    images: tuple[Image, ...]
    prose: tuple[Prose, ...]
    html: tuple[tuple[int, str], ...]
    content: bool
    blank: bool
    links: tuple[Link, ...] = ()


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def front_matter(markdown: str) -> tuple[dict[str, object], int]:
    """The YAML front matter as a mapping ({} when absent or broken), and its line count."""
    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return {}, 0
    lines = match.group(0).count("\n")
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), lines


def unwrap(lines: list[str]) -> Iterator[tuple[str, str | None]]:
    """Each line with Material containers unwrapped, and the container title it opened."""
    depth_indents: list[int] = []  # the content indent of each open container
    fence: str | None = None
    for raw in lines:
        line = raw
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            while depth_indents and indent < depth_indents[-1]:
                depth_indents.pop()
            line = line[4 * len(depth_indents) :] if depth_indents else line
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced.group(1)[0] == fence[0] and len(fenced.group(1)) >= len(fence):
                fence = None
            yield line, None
            continue
        if fenced:
            fence = fenced.group(1)
            yield line, None
            continue
        opener = _CONTAINER.match(line)
        if opener:
            depth_indents.append(4 * len(depth_indents) + len(opener["indent"]) + 4)
            yield "", opener["title"] or opener["tab"] or None
            continue
        yield line, None


def slugify(text: str) -> str:
    """Python-Markdown's `toc` anchor for a heading (its default slugify)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def _inline(token: Token, first_line: int) -> Iterator[tuple[int, Token]]:
    """The children of an inline token with the 1-based line each one is on."""
    line = first_line
    for child in token.children or []:
        yield line, child
        if child.type in ("softbreak", "hardbreak"):
            line += 1


def parse(markdown: str) -> ParsedPage:
    """Read a page's `markdown` once; line numbers are the file's own."""
    meta, skipped = front_matter(markdown)
    title = meta.get("title")
    lines = markdown.splitlines()
    unwrapped: list[str] = []
    prose: list[Prose] = []
    for number, (text, container_title) in enumerate(unwrap(lines), start=1):
        unwrapped.append("" if number <= skipped else text)
        if container_title:
            prose.append(Prose(number, container_title))
    tokens = _parser().parse("\n".join(unwrapped))
    headings: list[Heading] = []
    images: list[Image] = []
    links: list[Link] = []
    html: list[tuple[int, str]] = []
    content = seen = False
    level = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            continue
        if token.type == "html_block":
            html.append(((token.map or [0])[0] + 1, token.content))
            if not token.content.lstrip().startswith("<!--"):
                content = seen = True
            continue
        if token.type in ("fence", "code_block", "hr"):
            content = seen = True
            continue
        if token.type != "inline":
            continue
        first = (token.map or [0])[0] + 1
        text_parts: list[str] = []
        for line, child in _inline(token, first):
            if child.type == "text":
                prose.append(Prose(line, child.content))
                text_parts.append(child.content)
            elif child.type == "code_inline":
                text_parts.append(child.content)
            elif child.type == "link_open":
                links.append(Link(str(child.attrs.get("href", "")), line))
            elif child.type == "html_inline":
                html.append((line, child.content))
            elif child.type == "image":
                images.append(Image(str(child.attrs.get("src", "")), child.content, line))
                prose.append(Prose(line, child.content))  # alt text is read out to readers
            elif child.type in ("softbreak", "hardbreak"):
                text_parts.append(" ")
        if tokens[index - 1].type == "heading_open":
            headings.append(_heading(level, "".join(text_parts), first))
            seen = True
            # `# ::: package.Name`: mkdocstrings renders the object's documentation there.
            content = content or headings[-1].text.startswith(":::")
        else:
            content = seen = True
    return ParsedPage(
        title=str(title) if title is not None else None,
        headings=tuple(headings),
        images=tuple(images),
        prose=tuple(sorted(prose, key=lambda run: run.line)),
        html=tuple(html),
        content=content,
        blank=not seen and title is None,
        links=tuple(links),
    )


def _heading(level: int, text: str, line: int) -> Heading:
    anchor = None
    attrs = _HEADING_ATTRS.search(text)
    if attrs is not None:
        text = text[: attrs.start()]
        found = _ID.search(attrs.group(1))
        anchor = found.group(1) if found else None
    text = text.strip()
    return Heading(level, text, anchor or slugify(text), line, anchor is not None)
