"""Where generated pages go in a site's nav: the same on every engine."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from mkdocs.utils import nest_paths

from docgen import escape

__all__ = ["NavItem", "default_nav", "nav_paths", "with_generated"]

NavItem = str | dict[str, Any]
"""One entry of a nav: a page's path, or {title: path or a list of entries}."""


def with_generated(
    nav: list[NavItem], generated: Sequence[tuple[str, tuple[str, ...], str]]
) -> list[NavItem]:
    """The nav with each generated page in its section (created when missing), by its title.

    A section the user wrote as one page (`- Pipelines: pipelines.md`) becomes a list with
    it. Titles are escaped: a nav title is HTML to the themes, a stage's title is text.

    Args:
        nav: the site's nav (not changed: a new list is returned).
        generated: each generated page's docs path, section and title.
    """
    nav = list(nav)
    listed = set(nav_paths(nav))
    for path, section, title in generated:
        if path in listed:
            continue
        level = nav
        for name in section:
            found = next((i for i in level if isinstance(i, dict) and name in i), None)
            if found is None:
                found = {name: []}
                level.append(found)
            elif not isinstance(found[name], list):
                found[name] = [found[name]]
            level = found[name]
        level.append({escape.html(title): path})
    return nav


def nav_paths(nav: Sequence[Any]) -> Iterator[str]:
    """Every page path the nav lists, at any depth."""
    for item in nav:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from nav_paths(value)


def default_nav(paths: Sequence[str]) -> list[NavItem]:
    """MkDocs' nav when `mkdocs.yml` sets none (Zensical's too): pages by folder, each
    folder a section titled from its name.

    Args:
        paths: the pages' docs paths, in the order the nav lists them.
    """
    return typing.cast(Callable[[Sequence[str]], list[NavItem]], nest_paths)(paths)
