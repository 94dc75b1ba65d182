"""Internal links: resolve a URL found in a built page to a file of the site, then check it.

Works on the built site only, so every kind of link is checked the same way whoever wrote
it: the user's Markdown, raw HTML, a generated page or the theme.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit

__all__ = [
    "Kind",
    "PlainResolver",
    "Target",
    "check_fragment",
    "check_mailto",
    "check_tel",
    "classify",
    "find_file",
    "folders",
    "resolve",
    "site_prefix",
    "unversioned",
]

_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._~%!$&'()*+,;=-]*))$")
_EMAIL = re.compile(
    r"^[^@\s,;<>()\[\]\\\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_PHONE = re.compile(r"^\+?[0-9][0-9().\-]*[0-9]$")


class Kind(StrEnum):
    """What a URL points at, which decides how it is checked.

    Attributes:
        INTERNAL: a page or file of this site: checked against the built site.
        EXTERNAL: an `http(s)://` URL elsewhere: fetched, unless offline.
        MAILTO: a `mailto:` URL: its addresses' syntax is checked.
        TEL: a `tel:` URL: its number's syntax is checked.
        IGNORED: any other scheme (`javascript:`, `data:`, ...): not checked.
        MALFORMED: a URL that cannot be parsed, or has white space or no valid host.
    """

    INTERNAL = "internal"
    EXTERNAL = "external"
    MAILTO = "mailto"
    TEL = "tel"
    IGNORED = "ignored"
    MALFORMED = "malformed"


class Target(NamedTuple):
    """A URL resolved inside the site: a path relative to the site root, and a fragment.

    `path` is None with `problem` set when the URL leaves the site. A named tuple: one is
    made for every link of the site, and a frozen dataclass is several times slower.
    """

    path: str | None
    fragment: str
    problem: str | None = None


def site_prefix(site_url: str | None) -> str:
    """The path the site is served under, from its `site_url`.

    `/project/` for `https://x.io/project/`; `/` when there is no `site_url`.
    """
    path = urlsplit(site_url).path if site_url else "/"
    return path if path.endswith("/") else path + "/"


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return None
    return parts


# A site repeats the same URLs on every page (navigation, assets): cache the pure parts.
@functools.lru_cache(maxsize=65_536)
def classify(url: str, site_url: str | None = None) -> tuple[Kind, str | None]:
    """The kind of a `url`, and for a malformed one why.

    An absolute URL under `site_url` is internal: it names a page of this site.
    """
    parts = _split(url)
    if parts is None:
        return Kind.MALFORMED, "cannot be parsed as a URL"
    scheme = parts.scheme.lower()
    if scheme in {"http", "https"} or (not scheme and url.startswith("//")):
        if any(ch.isspace() for ch in url):
            return Kind.MALFORMED, "contains white space; encode it as %20"
        if not parts.netloc or not parts.hostname or not _HOST.match(parts.hostname):
            return Kind.MALFORMED, "has no valid host name"
        if site_url and _under(url, site_url):
            return Kind.INTERNAL, None
        return Kind.EXTERNAL, None
    if scheme == "mailto":
        return Kind.MAILTO, None
    if scheme == "tel":
        return Kind.TEL, None
    if scheme:
        return Kind.IGNORED, None
    return Kind.INTERNAL, None


def _under(url: str, site_url: str) -> bool:
    own, parts = urlsplit(site_url), urlsplit(url)
    path = parts.path.rstrip("/") + "/"
    return parts.netloc.lower() == own.netloc.lower() and path.startswith(site_prefix(site_url))


@dataclass(frozen=True, slots=True)
class _Parsed:
    """The page-independent part of resolving a URL: cached, since sites repeat URLs."""

    ups: int  # leading `..` segments; -1 for the page itself
    rest: str
    fragment: str
    directory: bool
    root: bool
    problem: str | None = None


@functools.lru_cache(maxsize=65_536)
def _parse(url: str, prefix: str) -> _Parsed:
    parts = urlsplit(url)
    fragment = unquote(parts.fragment)
    raw = unquote(parts.path)
    if parts.netloc:  # an absolute URL already known to be under the site's URL
        raw = "/" + raw.lstrip("/")
    if not raw:
        return _Parsed(-1, "", fragment, False, False)
    root = raw.startswith("/")
    if root:
        if not (raw if raw.endswith("/") else raw + "/").startswith(prefix):
            return _Parsed(0, "", fragment, False, True, f"is outside the site's path {prefix}")
        raw = raw[len(prefix) :]
    directory = raw in {"", ".", ".."} or raw.endswith(("/", "/.", "/.."))
    normal = posixpath.normpath(raw).lstrip("/") if raw else ""
    ups = 0
    while normal == ".." or normal.startswith("../"):
        ups, normal = ups + 1, normal[3:]
    if root and ups:
        return _Parsed(0, "", fragment, False, True, "goes above the site's root folder")
    return _Parsed(ups, "" if normal == "." else normal, fragment, directory, root)


def resolve(page: str, url: str, prefix: str = "/") -> Target:
    """Resolve `url`, found in the page at site path `page`, to a site path and fragment.

    Relative URLs are resolved against the page's folder, root-relative ones against the
    site's path `prefix`; percent-encoding is undone on both path and fragment.
    """
    parsed = _parse(url, prefix)
    if parsed.problem is not None:
        return Target(None, parsed.fragment, parsed.problem)
    if parsed.ups < 0:
        return Target(page, parsed.fragment)
    base = "" if parsed.root else page.rpartition("/")[0]
    for _ in range(parsed.ups):
        if not base:
            return Target(None, parsed.fragment, "goes above the site's root folder")
        base = base.rpartition("/")[0]
    rest = parsed.rest
    joined = f"{base}/{rest}" if base and rest else base or rest
    if parsed.directory or not joined:
        return Target(f"{joined}/index.html" if joined else "index.html", parsed.fragment)
    return Target(joined, parsed.fragment)


def folders(page: str) -> list[str]:
    """The folder of a site page and each folder above it, up to the root `""`."""
    folder = page.rpartition("/")[0]
    chain = [folder]
    while folder:
        folder = folder.rpartition("/")[0]
        chain.append(folder)
    return chain


class PlainResolver:
    """`resolve` for the plain links of a whole site, several times faster.

    A plain link has a path and no fragment, and stays in the site: nearly every link of
    a site (its navigation, repeated on every page). `path()` returns None for any other
    link, which the caller then hands to `resolve`. `prefix` is the site's path, as
    `site_prefix` gives it.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._parsed: dict[str, _Parsed] = {}

    def path(self, chain: list[str], url: str) -> str | None:
        """The site path of `url` on a page whose `folders()` are `chain`, when plain."""
        parsed = self._parsed.get(url)
        if parsed is None:
            parsed = self._parsed[url] = _parse(url, self._prefix)
        ups = parsed.ups
        if parsed.fragment or parsed.problem is not None or ups < 0 or ups >= len(chain):
            return None
        base = "" if parsed.root else chain[ups]
        rest = parsed.rest
        joined = f"{base}/{rest}" if base and rest else base or rest
        if parsed.directory or not joined:
            return f"{joined}/index.html" if joined else "index.html"
        return joined


# A version's folder in a site versioned with mike (or `docgen deploy`): `1.2`, `v1.2.3`,
# `2.x`, or a usual alias.
_VERSION = re.compile(r"^(?:latest|stable|dev|v?\d+(?:\.\d+)*(?:\.x)?)$")


def unversioned(path: str, names: Collection[str] = ()) -> str | None:
    """A site `path` without its first folder when that folder is a version or alias
    (`latest/config/index.html` → `config/index.html`), else None.

    `names` are the published versions and aliases (from `versions.json`), which count
    besides the usual forms: `1.2`, `v1.2.3`, `2.x`, `latest`, `stable`, `dev`.
    """
    head, _, rest = path.partition("/")
    if head not in names and not _VERSION.match(head):
        return None
    return rest or "index.html"


def find_file(path: str, files: Collection[str]) -> str | None:
    """The site file a resolved `path` is served from: itself, or its folder's index.html.

    `files` are the site's files, relative to the site folder; None when neither is one.
    """
    if path in files:
        return path
    index = f"{path}/index.html"
    return index if index in files else None


def check_fragment(fragment: str, anchors: Collection[str]) -> bool:
    """Whether a page whose ids are `anchors` has the `fragment`.

    `#` alone and `#top` always do: browsers scroll to the top for them.
    """
    return fragment in {"", "top"} or fragment in anchors


def check_mailto(url: str) -> str | None:
    """Why a `mailto:` `url` is malformed, or None when its addresses are well formed."""
    parts = urlsplit(url)
    addresses = [unquote(a).strip() for a in parts.path.split(",") if a.strip()]
    if not addresses and "to=" not in parts.query:
        return "has no address"
    for address in addresses:
        if not _EMAIL.match(address):
            return f"has a malformed address {address!r}"
    return None


def check_tel(url: str) -> str | None:
    """Why a `tel:` `url` is malformed, or None when its number is well formed."""
    number = unquote(urlsplit(url).path).split(";")[0].replace(" ", "")
    return None if _PHONE.match(number) else f"has a malformed number {number!r}"
