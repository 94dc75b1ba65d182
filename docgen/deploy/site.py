"""The files at the root of the published branch, and the canonical links of its pages.

GitHub Pages serves the branch as it is: `.nojekyll` stops Jekyll from hiding folders
that start with `_`; `index.html` sends `/` to the default version; `404.html` sends an
unknown path to the same page of the default version when it has one (a link from an
older version, or from before the docs were versioned) and to its home page otherwise.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Collection, Sequence

from docgen import escape

__all__ = [
    "NOJEKYLL",
    "canonical",
    "default_of",
    "index_html",
    "not_found_html",
    "page_url",
    "selector_configured",
]

NOJEKYLL = b""
"""The content of `.nojekyll`: empty; its presence stops GitHub Pages running Jekyll."""

_INDEX = """\
<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <meta name="docgen:default" content="{attr}">
  <title>Redirecting</title>
  <link rel="canonical" href="{attr}/">
  <noscript>
    <meta http-equiv="refresh" content="0; url={attr}/">
  </noscript>
  <script>
    window.location.replace({js} + "/" + window.location.search + window.location.hash);
  </script>
</head>
<body>
  Redirecting to <a href="{attr}/">{text}</a>…
</body>
</html>
"""

_NOT_FOUND = """\
<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <meta name="robots" content="noindex">
  <title>Page not found</title>
  <script>
    // Written by docgen deploy: send a missing page to the default version.
    (async function () {
      var site = %(site)s;
      if (!site.default) return;
      var parts = location.pathname.split("/");
      var at = -1;
      for (var i = 1; i < parts.length; i++) {
        if (site.folders.indexOf(parts[i]) >= 0 || parts[i] === "previews") { at = i; break; }
      }
      var root, rest;
      if (at >= 0) {
        root = parts.slice(0, at).join("/") + "/";
        rest = parts.slice(parts[at] === "previews" ? at + 2 : at + 1).join("/");
        // The default version itself lacks the page: only its home page is left.
        if (parts[at] === site.default) {
          if (!rest) return;
          location.replace(root + site.default + "/");
          return;
        }
      } else {
        // No version in the path: find the site's root by its versions.json.
        for (var n = parts.length - 1; n >= 1 && root === undefined; n--) {
          var prefix = parts.slice(0, n).join("/") + "/";
          try {
            var found = await fetch(prefix + "versions.json", {cache: "no-store"});
            if (found.ok) { await found.json(); root = prefix; }
          } catch (error) { /* not here: try a shorter prefix */ }
        }
        if (root === undefined) return;
        rest = location.pathname.slice(root.length);
      }
      var home = root + site.default + "/";
      var target = home + rest;
      try {
        var page = await fetch(target, {method: "HEAD", cache: "no-store"});
        if (!page.ok) target = home;
      } catch (error) {
        target = home;
      }
      location.replace(target + (target === home ? "" : location.search + location.hash));
    })();
  </script>
</head>
<body>
  <h1>Page not found</h1>
  <p>This page does not exist. Looking for it in the default version of the documentation…</p>
</body>
</html>
"""


def index_html(default: str) -> bytes:
    """The root page: a redirect to the default version, keeping query and fragment."""
    return _INDEX.format(
        attr=escape.html(default), js=_js(default), text=escape.html(default)
    ).encode()


def _js(value: object) -> str:
    # JSON is valid JavaScript; `</` must not close the script element early.
    return json.dumps(value).replace("</", "<\\/")


def not_found_html(default: str | None, folders: Sequence[str]) -> bytes:
    """The root 404 page: its script knows the `default` version and every version and alias.

    `folders` are those versions' and aliases' folders.
    """
    return (_NOT_FOUND % {"site": _js({"default": default, "folders": list(folders)})}).encode()


_DEFAULT_DOCGEN = re.compile(rb'<meta name="docgen:default" content="([^"]+)"')
_DEFAULT_MIKE = re.compile(rb'window\.location\.replace\(\s*"([^"/]+)/"')


def default_of(index: bytes | None) -> str | None:
    """The default version a root `index.html` redirects to (docgen's or mike's), if any."""
    if index is None:
        return None
    found = _DEFAULT_DOCGEN.search(index) or _DEFAULT_MIKE.search(index)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None


def page_url(page: str) -> str:
    """The URL of a page file inside a version, as MkDocs links it: `a/index.html` → `a/`."""
    if page == "index.html":
        return ""
    if page.endswith("/index.html"):
        return page[: -len("index.html")]
    return page


_CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]*)"\s*/?>')
_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)
_NOINDEX = b'<meta name="robots" content="noindex">'


def canonical(
    page_html: bytes,
    page: str,
    folder: str,
    folders: Collection[str],
    *,
    noindex: bool | None = False,
) -> bytes:
    """Point a page's canonical link at its copy in `folder` (normally the default version).

    `page_html` is the page as built; `page` is the file's path inside its version;
    `folders` are every version, alias and `previews/NAME`, so a link already rewritten by
    an earlier deploy is recognised.
    `noindex` True also asks search engines to skip the page (previews, hidden versions);
    False takes back the tag docgen added right after `<head>` (a version shown again);
    None leaves the page's robots tags as they are.
    """
    if noindex and _NOINDEX not in page_html:
        page_html = _HEAD.sub(lambda m: m.group(0) + _NOINDEX, page_html, count=1)
    elif noindex is False:
        head = _HEAD.search(page_html)
        if head is not None and page_html.startswith(_NOINDEX, head.end()):
            page_html = page_html[: head.end()] + page_html[head.end() + len(_NOINDEX) :]
    found = _CANONICAL.search(page_html)
    if found is None:
        return page_html
    href = found.group(1).decode("utf-8", "replace")
    url = page_url(page)
    if not href.endswith(url):
        return page_html
    base = href[: len(href) - len(url)]
    for known in sorted(folders, key=len, reverse=True):
        if base.endswith(f"/{known}/"):
            base = base[: -len(known) - 1]
            break
    new = f"{base}{folder}/{url}".encode()
    return page_html[: found.start(1)] + new + page_html[found.end(1) :]


# Material's page configuration; a minified page leaves the attributes unquoted.
_MATERIAL_CONFIG = re.compile(rb"<script id=[\"']?__config[\"']?[^>]*>(.*?)</script>", re.S)


def selector_configured(home: bytes) -> bool | None:
    """Whether a built Material page shows mike's version selector; None when not Material.

    `home` is the page's HTML, normally the site's `index.html`.
    """
    found = _MATERIAL_CONFIG.search(home)
    if found is None:
        return None
    try:
        config = json.loads(found.group(1))
    except ValueError:
        return None
    version = config.get("version") if isinstance(config, dict) else None
    return isinstance(version, dict) and version.get("provider") == "mike"
