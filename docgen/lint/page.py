"""One hand-written page, as lint's rules read it: title, headings, prose, HTML.

The page is read by `docgen.markdown` (one reader for every stage): Material's
admonitions and content tabs are read as their content, and every line is the file's own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen import markdown

__all__ = ["Heading", "Image", "Link", "ParsedPage", "Prose", "parse", "slugify"]

_LINK_KINDS = ("link", "autolink")


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


def slugify(text: str) -> str:
    """Python-Markdown's `toc` anchor for a heading's `text` (its default slugify)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def parse(text: str) -> ParsedPage:
    """Read a page's Markdown `text` once; line numbers are the file's own."""
    page = markdown.read(text)
    title = page.front_matter.data.get("title")
    prose = [Prose(run.line, run.text) for run in page.texts]
    prose += [Prose(c.line, c.title) for c in page.containers if c.title]
    prose += [Prose(link.line, link.text) for link in page.links if link.kind == "image"]
    content = seen = False
    for block in page.blocks:
        if block.kind == "html":
            continue  # comments are no content; other HTML is, below
        seen = True
        content = content or block.kind != "heading"
    for html in page.html:
        if html.block and not html.text.lstrip().startswith("<!--"):
            content = seen = True
    headings = tuple(
        Heading(h.level, h.text, h.anchor or slugify(h.text), h.line, h.anchor is not None)
        for h in page.headings
    )
    # `# ::: package.Name`: mkdocstrings renders the object's documentation there.
    content = content or any(h.text.startswith(":::") for h in headings)
    return ParsedPage(
        title=str(title) if title is not None else None,
        headings=headings,
        images=tuple(
            Image(link.target, link.text, link.line) for link in page.links if link.kind == "image"
        ),
        prose=tuple(sorted(prose, key=lambda run: run.line)),
        html=tuple((h.line, h.text) for h in page.html),
        content=content,
        blank=not seen and title is None,
        links=tuple(
            Link(link.target, link.line) for link in page.links if link.kind in _LINK_KINDS
        ),
    )
