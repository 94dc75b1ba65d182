"""The notice on every version but the default: "this is version X; the current one is Y".

Material for MkDocs leaves an empty, hidden `<div data-md-component="outdated">` on every
page of a versioned site (`extra: {version: …}`) for a theme override to fill. docgen
fills it when it publishes, so no override is needed: the notice links to the same page
in the default version when that version has it, else to its home page. Other themes
(and Material without `extra.version`) get the notice as a banner right after `<body>`.

The notice sits between two markers, so a later deploy (the default moved, a version was
retitled) replaces it, and the default version's pages lose it again. An `outdated` block
the project wrote itself (a theme override) is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen import escape
from docgen.deploy.site import page_url

__all__ = ["Notice", "outdated"]

START = b"<!-- docgen:outdated -->"
"""Opens the notice docgen wrote, in a page."""
END = b"<!-- /docgen:outdated -->"
"""Closes it."""

_MATERIAL = re.compile(rb"<div\b[^>]*\bdata-md-component=[\"']?outdated\b[\"']?[^>]*>", re.I)
_SHOWN = b" data-docgen-shown"
_HIDDEN = re.compile(rb"\s+hidden(?=[\s>/])")
_OURS = re.compile(re.escape(START) + rb".*?" + re.escape(END), re.S)
_BODY = re.compile(rb"<body\b[^>]*>", re.I)
_BANNER_STYLE = (
    "margin:0;padding:.6em 1em;background:#fff3cd;color:#5c4400;"
    "border-bottom:1px solid #e0c46c;font:15px/1.5 system-ui,sans-serif;text-align:center"
)


@dataclass(frozen=True, slots=True)
class Notice:
    """What the notice of one page says.

    Attributes:
        version: the title of the page's version (`1.0`).
        default: the title of the default version (`2.0`).
        href: the link to the same page in the default version, relative to the page.
        same_page: True when `href` is that page; False when the default version lacks
            it and `href` is its home page.
    """

    version: str
    default: str
    href: str
    same_page: bool

    @classmethod
    def for_page(
        cls, page: str, default_folder: str, *, exists: bool, titles: tuple[str, str]
    ) -> Notice:
        """The notice of `page` (its path in its version's folder), pointing into
        `default_folder`; `exists` when that folder has the page; `titles` are the page's
        version's title and the default's."""
        up = "../" * (page.count("/") + 1)  # out of the page's folder, then its version's
        target = page_url(page) if exists else ""
        return cls(titles[0], titles[1], f"{up}{default_folder}/{target}", exists)

    def html(self) -> str:
        """The notice's inner HTML (escaped)."""
        where = "read this page there" if self.same_page else "go to its home page"
        return (
            f"You are reading the documentation of version <strong>{escape.html(self.version)}"
            f"</strong>. The current version is <strong>{escape.html(self.default)}</strong>: "
            f'<a href="{escape.html(self.href)}">{where}</a>.'
        )


def _strip(page_html: bytes) -> bytes:
    """The page without a notice docgen wrote earlier, Material's element hidden again."""
    page_html = _OURS.sub(b"", page_html)
    found = _MATERIAL.search(page_html)
    if found is not None and _SHOWN in found.group(0):
        tag = found.group(0).replace(_SHOWN, b" hidden")
        page_html = page_html[: found.start()] + tag + page_html[found.end() :]
    return page_html


def outdated(page_html: bytes, notice: Notice | None) -> bytes:
    """`page_html` with `notice` shown in it, or with docgen's earlier notice removed (None).

    Idempotent: a page given the same notice twice is unchanged the second time.
    """
    page_html = _strip(page_html)
    if notice is None:
        return page_html
    found = _MATERIAL.search(page_html)
    if found is not None:
        close = page_html.find(b"</div>", found.end())
        if close < 0 or page_html[found.end() : close].strip():
            return page_html  # the project's own `outdated` block: Material's script shows it
        inner = (
            f'<aside class="md-banner md-banner--warning"><div class="md-banner__inner '
            f'md-grid md-typeset">{notice.html()}</div></aside>'
        ).encode()
        tag = _HIDDEN.sub(b"", found.group(0), count=1)[:-1] + _SHOWN + b">"
        return page_html[: found.start()] + tag + START + inner + END + page_html[found.end() :]
    body = _BODY.search(page_html)
    if body is None:
        return page_html
    banner = f'<div role="note" style="{_BANNER_STYLE}">{notice.html()}</div>'.encode()
    return page_html[: body.end()] + START + banner + END + page_html[body.end() :]
