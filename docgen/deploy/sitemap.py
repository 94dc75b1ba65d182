"""Sitemaps of a versioned site: each version's own, and the index at the branch's root.

MkDocs writes `sitemap.xml` (and `sitemap.xml.gz`) with the site's URL and no version in
it: published in `1.0/`, its `https://example.org/p/guide/` is a page that does not exist.
docgen puts the folder into every address when it publishes a version. The root
`sitemap.xml` is a sitemap index of the versions search engines should read: the default
first, then every other version listed in `versions.json` that is not hidden (an alias
is a copy, so only its version's folder is listed); previews never.
"""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Collection, Sequence

from docgen import escape
from docgen.deploy import versions as model
from docgen.deploy.versions import Version

__all__ = ["SITEMAP", "in_folder", "index_xml", "site_url_of_index", "site_url_of_page"]

SITEMAP = "sitemap.xml"
"""The sitemap's file name, in each version's folder and at the root."""

_LOC = re.compile(rb"<loc>\s*([^<]*?)\s*</loc>")
_CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]*)"')
_INDEX_LOC = re.compile(r"<loc>([^<]*/)[^/<]+/sitemap\.xml</loc>")


def site_url_of_page(home: bytes | None) -> str | None:
    """The site's URL from a freshly built home page's canonical link (`site_url`)."""
    found = _CANONICAL.search(home or b"")
    if found is None:
        return None
    url = found.group(1).decode("utf-8", "replace")
    return url if url.startswith(("http://", "https://")) and url.endswith("/") else None


def site_url_of_index(index: bytes | None) -> str | None:
    """The site's URL from the root sitemap index docgen wrote before, if there is one."""
    found = _INDEX_LOC.search((index or b"").decode("utf-8", "replace"))
    return html.unescape(found.group(1)) if found else None


def in_folder(sitemap: bytes, site_url: str, folder: str) -> bytes:
    """A version's sitemap (`sitemap.xml`, or gzip-compressed) with `folder` in its addresses.

    `sitemap` is the sitemap as MkDocs built it for `site_url`; only addresses under
    `site_url` change: `https://example.org/p/guide/` → `https://example.org/p/1.0/guide/`.
    """
    packed = sitemap[:2] == b"\x1f\x8b"
    text = gzip.decompress(sitemap) if packed else sitemap
    base = site_url.encode()

    def move(found: re.Match[bytes]) -> bytes:
        url = found.group(1)
        if not url.startswith(base):
            return found.group(0)
        return b"<loc>" + base + folder.encode() + b"/" + url[len(base) :] + b"</loc>"

    text = _LOC.sub(move, text)
    return gzip.compress(text, mtime=0) if packed else text


def index_xml(
    site_url: str, versions: Sequence[Version], default: str | None, present: Collection[str]
) -> bytes | None:
    """The root sitemap index, or None when no version has a sitemap.

    Args:
        site_url: the site's address, ending in `/`.
        versions: the published versions (hidden ones are left out).
        default: the default version or alias, listed first.
        present: the folders that have a `sitemap.xml` on the branch.
    """
    owner = model.find(versions, default) if default else None
    folders = [default] if default and owner is not None and not model.is_hidden(owner) else []
    folders += [v.name for v in versions if v is not owner and not model.is_hidden(v)]
    listed = [f for f in folders if f in present]
    if not listed:
        return None
    entries = "".join(
        f"  <sitemap>\n    <loc>{escape.html(site_url + f)}/{SITEMAP}</loc>\n  </sitemap>\n"
        for f in listed
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    ).encode()
