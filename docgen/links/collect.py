"""Read the built site: every HTML page's links (with their HTML line) and anchors.

Parsed with lxml: it never raises on broken markup, keeps the line of every element, and
is some twenty times faster than the standard library's `html.parser` on MkDocs pages.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

__all__ = [
    "HtmlLink",
    "HtmlPage",
    "PageLinks",
    "decode",
    "ids_in_link_order",
    "parse_page",
    "parse_srcset",
    "read_links",
]

# Which attributes of which elements hold a URL the reader's browser will fetch or follow.
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "link": ("href",),
    "script": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
}
# A link's element and attribute as one byte: its index in ELEMENTS.
ELEMENTS = [(tag, attr) for tag, attrs in URL_ATTRIBUTES.items() for attr in attrs]
_TAG_CODES = {
    tag: [(attr, ELEMENTS.index((tag, attr))) for attr in attrs]
    for tag, attrs in URL_ATTRIBUTES.items()
}
_A_HREF = ELEMENTS.index(("a", "href"))
# `<link rel=preconnect href=https://fonts.gstatic.com>` names an origin, not a document.
_ORIGIN_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class HtmlLink(NamedTuple):
    """One URL in a page: the element and attribute it sits in, and its line in the HTML.

    A named tuple, not a frozen dataclass: a site has hundreds of thousands of links
    (every page repeats the navigation) and a tuple is made several times faster.
    """

    url: str
    tag: str
    attr: str
    line: int


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """One built page: its path in the site, its links, the anchors it defines.

    `encoding_problem` is set when the bytes were neither UTF-8 nor the declared charset,
    so the page was read with replacement characters.
    """

    path: str
    links: tuple[HtmlLink, ...]
    anchors: frozenset[str]
    encoding_problem: str | None = None


def parse_srcset(value: str) -> list[str]:
    """The URLs of a `srcset` attribute's value (`a.png 1x, b.png 2x`), without their size
    descriptors."""
    return [parts[0] for candidate in value.split(",") if (parts := candidate.split())]


_ANCHORS = etree.XPath("//@id|//a/@name", smart_strings=False)


def _root(text: str) -> etree._Element | None:
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(text, parser)
    except ValueError:  # a str that carries an XML encoding declaration
        return etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))


def decode(data: bytes) -> tuple[str, str | None]:
    """A page's bytes (`data`) as text: UTF-8, else the charset the page declares.

    Returns the text and, when neither worked, a sentence saying how it was read.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        first_error = error
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        charset = declared.group(1).decode("ascii")
        try:
            return data.decode(charset), None
        except (LookupError, UnicodeDecodeError):
            pass
    problem = (
        f"is not valid UTF-8 (byte {first_error.start}) and "
        + (f"not valid {charset}" if declared else "no charset declared")
        + "; read with replacement characters"
    )
    return data.decode("utf-8", errors="replace"), problem


@dataclass(frozen=True, slots=True)
class PageLinks:
    """A page's links in a compact form, for sites of hundreds of thousands of links.

    The URLs, one byte per link naming its (tag, attribute) in `ELEMENTS`, and the HTML
    lines: several times cheaper to make, and to pickle between processes, than one
    `HtmlLink` per link. `page()` gives the `HtmlPage`.

    Attributes:
        path: the page's path in the site folder, with `/` separators.
        urls: every link's URL, in the order of the HTML.
        elements: per link, the index in `ELEMENTS` of its (tag, attribute).
        lines: per link, its 1-based line in the HTML (0 when unknown).
        anchors: the ids (and `<a name>`s) the page defines, for `#fragment` checks.
        encoding_problem: how the page was read when it was neither UTF-8 nor its declared
            charset, else None.
    """

    path: str
    urls: list[str]
    elements: bytes
    lines: Sequence[int]  # an array('I') in practice: four bytes a link
    anchors: frozenset[str]
    encoding_problem: str | None = None

    def link(self, index: int) -> HtmlLink:
        """Link `index` of the page."""
        tag, attr = ELEMENTS[self.elements[index]]
        return HtmlLink(self.urls[index], tag, attr, self.lines[index])

    def page(self) -> HtmlPage:
        """The same page with one `HtmlLink` per link."""
        elements = ELEMENTS
        links = tuple(
            HtmlLink(url, *elements[code], line)
            for url, code, line in zip(self.urls, self.elements, self.lines, strict=True)
        )
        return HtmlPage(self.path, links, self.anchors, self.encoding_problem)


def read_links(path: str, text: str, encoding_problem: str | None = None) -> PageLinks:
    """Links and anchors of one page's HTML `text`, in compact form.

    `path` is the page's path in the site folder; `encoding_problem` is what `decode`
    said about its bytes, kept on the result.

    Parsed with lxml (libxml2's forgiving HTML parser): fast enough for sites whose every
    page repeats a navigation of hundreds of links, and it keeps each element's line.
    """
    urls: list[str] = []
    codes = bytearray()
    lines = array("l")
    root = _root(text)
    if root is None:  # an empty document
        return PageLinks(path, urls, bytes(codes), lines, frozenset(), encoding_problem)
    found = _ANCHORS(root)
    anchors = frozenset(str(a) for a in found) if isinstance(found, list) else frozenset()
    # The hot loop of the whole stage: `<a href>` (nearly every link) takes a short path.
    add_url, add_code, add_line = urls.append, codes.append, lines.append
    for element in root.iter(*URL_ATTRIBUTES):
        tag = element.tag
        # lxml-stubs mistype `sourceline`; it is an int, or None for a made-up element.
        line: int = element.sourceline or 0  # type: ignore[assignment]
        if tag == "a":
            value = element.get("href")
            if value is not None:
                add_url(value.strip())
                add_code(_A_HREF)
                add_line(line)
            continue
        for url, code in _other_urls(element):
            add_url(url)
            add_code(code)
            add_line(line)
    return PageLinks(path, urls, bytes(codes), lines, anchors, encoding_problem)


def _other_urls(element: etree._Element) -> Iterator[tuple[str, int]]:
    """The URLs of an element other than `<a>`, each with its code in `ELEMENTS`."""
    get = element.get
    if element.tag == "link" and _ORIGIN_ONLY_RELS.intersection((get("rel") or "").lower().split()):
        return
    for attr, code in _TAG_CODES[str(element.tag)]:
        value = get(attr)
        if value is not None:
            for url in parse_srcset(value) if attr == "srcset" else (value.strip(),):
                yield url, code


def _link_count(element: etree._Element) -> int:
    """How many links `read_links` finds on this one element."""
    tag = element.tag
    if tag == "a":
        return int(element.get("href") is not None)
    if tag in URL_ATTRIBUTES:
        return sum(1 for _ in _other_urls(element))
    return 0


def ids_in_link_order(text: str) -> list[tuple[int, str]]:
    """Every element's `id` in the HTML `text`, with the number of links (as `read_links`
    counts them) that come before it in document order.

    Document order, not lines: a minified page holds a whole section on one line, so a
    link and the heading after it share their line.
    """
    root = _root(text)
    if root is None:
        return []
    found: list[tuple[int, str]] = []
    links = 0
    for element in root.iter(etree.Element):
        value = element.get("id")
        if value is not None:
            found.append((links, str(value)))
        links += _link_count(element)
    return found


def element_ids(text: str) -> list[tuple[int, str]]:
    """Every element's `id` in the HTML `text`, with its line, in document order."""
    root = _root(text)
    if root is None:
        return []
    found: list[tuple[int, str]] = []
    for element in root.iter(etree.Element):
        value = element.get("id")
        if value is not None:
            # lxml-stubs mistype `sourceline`; it is an int, or None for a made-up element.
            line: int = element.sourceline or 0  # type: ignore[assignment]
            found.append((line, str(value)))
    return found


def parse_page(path: str, text: str, encoding_problem: str | None = None) -> HtmlPage:
    """Links and anchors of one page's HTML `text`, one `HtmlLink` per link.

    `path` and `encoding_problem` are as in `read_links`.
    """
    return read_links(path, text, encoding_problem).page()
