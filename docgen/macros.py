"""Generated pages under a Jinja macros renderer: shown as they are written.

mkdocs-macros-plugin (`plugins: [macros]`), zensical's `zensical.extensions.macros` and the
markdownextradata plugin and extension render every page as a Jinja template. docgen's
pages hold text Jinja reads as its own — a workflow's `${{ matrix.os }}`, a docstring's
`{% if %}` — so under such a renderer each generated page is one `{% raw %}` block:
Jinja hands it back unchanged, whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Jinja", "jinja", "shield"]

_PLUGINS = frozenset({"macros", "markdownextradata"})
_EXTENSIONS = ("macros", "markdownextradata")


@dataclass(frozen=True, slots=True)
class Jinja:
    """A Jinja renderer of pages.

    Attributes:
        block_start: the delimiter that opens a block tag (`{%`, unless configured).
        block_end: the delimiter that closes one (`%}`).
        in_markdown: it renders in the Markdown conversion (an extension, which also
            renders pages converted after the build), not in a plugin's page hook.
    """

    block_start: str = "{%"
    block_end: str = "%}"
    in_markdown: bool = False


def _renderer(options: Mapping[str, Any], in_markdown: bool) -> Jinja | None:
    if options.get("render_by_default", True) is False:
        return None  # pages opt in with `render_macros: true`, which generated ones never do
    jinja = options.get("jinja_options") or {}
    start = options.get("j2_block_start_string") or jinja.get("block_start_string") or "{%"
    end = options.get("j2_block_end_string") or jinja.get("block_end_string") or "%}"
    return Jinja(str(start), str(end), in_markdown)


def jinja(
    plugins: Mapping[str, Mapping[str, Any]],
    extensions: Iterable[str],
    extension_configs: Mapping[str, Mapping[str, Any]],
) -> Jinja | None:
    """The Jinja renderer the site's pages go through, or None.

    Args:
        plugins: each configured plugin's name and options.
        extensions: the configured Markdown extensions' names.
        extension_configs: their options, by name.
    """
    for name in extensions:
        if name.rsplit(".", 1)[-1] in _EXTENSIONS:
            found = _renderer(extension_configs.get(name) or {}, in_markdown=True)
            if found is not None:
                return found
    for name, options in plugins.items():
        if name.rsplit("/", 1)[-1] in _PLUGINS:
            found = _renderer(options, in_markdown=False)
            if found is not None:
                return found
    return None


def shield(markdown: str, renderer: Jinja) -> str:
    """`markdown` as one raw block, which `renderer` gives back as written.

    An `endraw` tag in the text would end the block early: its delimiter is cut in two by
    an end and a new start of the block, so Jinja reads neither half as a tag.
    """
    start, end = renderer.block_start, renderer.block_end
    close, reopen = f"{start} endraw {end}", f"{start} raw {end}"
    tag = re.compile(re.escape(start) + r"[-+]?\s*endraw")
    cut = start[:1] + close + reopen
    text = tag.sub(lambda m: cut + m[0][1:], markdown)
    return f"{reopen}\n{text}\n{close}"
