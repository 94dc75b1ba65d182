"""`objects.inv`: the Sphinx inventory (version 2) of the documented symbols.

Other projects' Sphinx (intersphinx) and mkdocstrings read it to link into this site.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

from docgen.api.xref import Target

__all__ = ["ROLES", "inventory", "read_inventory"]

_ENTRY = re.compile(
    r"^(?P<name>\S+)\s+(?P<role>\S+:\S+)\s+-?\d+\s+(?P<uri>\S*)(?:\s+(?P<display>.*))?$"
)

ROLES = {
    "module": "py:module",
    "class": "py:class",
    "function": "py:function",
    "method": "py:method",
    "variable": "py:data",
    "attribute": "py:attribute",
}
"""The Sphinx role written for each kind of symbol."""


def _url(page: str, anchor: str, name: str, directory_urls: bool) -> str:
    base = page.removesuffix(".md")
    url = f"{base}/" if directory_urls else f"{base}.html"
    # Sphinx's shorthand: `$` in a URL stands for the entry's name.
    return f"{url}#$" if anchor == name else f"{url}#{anchor}"


def inventory(
    targets: Mapping[str, Target], project: str, version: str, directory_urls: bool
) -> bytes:
    """The inventory file's bytes: a plain header, then zlib-compressed entries.

    Args:
        targets: every documented symbol by dotted name; external ones are left out.
        project: the project name for the header.
        version: the project version for the header.
        directory_urls: MkDocs' setting of the same name, which decides the page URLs.
    """
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = [
        f"{name} {ROLES[target.kind]} 1 {_url(target.page, target.anchor, name, directory_urls)} -"
        for name, target in sorted(targets.items())
        if target.anchor == name and not target.external
    ]
    body = "".join(f"{line}\n" for line in lines)
    return header.encode() + zlib.compress(body.encode())


def read_inventory(data: bytes, base: str) -> dict[str, Target]:
    """The Python symbols of another project's inventory, as targets at absolute URLs.

    `base` is the URL the inventory's relative URIs start from (its folder); raises
    ValueError when `data` is not a version 2 inventory.
    """
    lines = data.split(b"\n", 4)
    if len(lines) < 5 or not lines[0].startswith(b"# Sphinx inventory version 2"):
        raise ValueError("not a Sphinx inventory (version 2)")
    try:
        body = zlib.decompress(lines[4]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise ValueError(f"its compressed part can't be read ({error})") from error
    kinds = {role: kind for kind, role in ROLES.items()}
    kinds.update({"py:exception": "class", "py:property": "attribute"})
    targets: dict[str, Target] = {}
    base = base if base.endswith("/") else base + "/"
    for line in body.splitlines():
        match = _ENTRY.match(line.rstrip())
        if match is None or match["role"] not in kinds:
            continue
        name, uri = match["name"], match["uri"]
        if uri.endswith("$"):
            uri = uri[:-1] + name
        page, _, anchor = uri.partition("#")
        targets.setdefault(name, Target(base + page, anchor, kinds[match["role"]]))
    return targets
