"""Read the built site: every HTML page's links (with their HTML line) and anchors.

Parsed with lxml: it never raises on broken markup, keeps the line of every element, and
is some twenty times faster than the standard library's `html.parser` on MkDocs pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

__all__ = ["HtmlLink", "HtmlPage", "decode", "parse_page", "parse_srcset"]

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
    """The URLs of a `srcset` (`a.png 1x, b.png 2x`), without their size descriptors."""
    return [parts[0] for candidate in value.split(",") if (parts := candidate.split())]


_ANCHORS = etree.XPath("//@id|//a/@name", smart_strings=False)


def _root(text: str) -> etree._Element | None:
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(text, parser)
    except ValueError:  # a str that carries an XML encoding declaration
        return etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))


def decode(data: bytes) -> tuple[str, str | None]:
    """Page bytes as text: UTF-8, else the charset the page declares; else a problem.

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


def parse_page(path: str, text: str, encoding_problem: str | None = None) -> HtmlPage:
    """Links and anchors of one page's HTML text.

    Parsed with lxml (libxml2's forgiving HTML parser): fast enough for sites whose every
    page repeats a navigation of hundreds of links, and it keeps each element's line.
    """
    root = _root(text)
    if root is None:  # an empty document
        return HtmlPage(path, (), frozenset(), encoding_problem)
    found = _ANCHORS(root)
    anchors = {str(a) for a in found} if isinstance(found, list) else set()
    links: list[HtmlLink] = []
    for element in root.iter(*URL_ATTRIBUTES):
        get = element.get  # the hot loop of the whole stage: attribute lookups kept cheap
        tag = str(element.tag)
        if tag == "link" and _ORIGIN_ONLY_RELS.intersection((get("rel") or "").lower().split()):
            continue
        # lxml-stubs mistype `sourceline`; it is an int, or None for a made-up element.
        line = int(getattr(element, "sourceline", None) or 0)
        for attr in URL_ATTRIBUTES[tag]:
            value = get(attr)
            if value is None:
                continue
            if attr == "srcset":
                links.extend(HtmlLink(url, tag, attr, line) for url in parse_srcset(value))
            else:
                links.append(HtmlLink(value.strip(), tag, attr, line))
    return HtmlPage(
        path=path, links=tuple(links), anchors=frozenset(anchors), encoding_problem=encoding_problem
    )
