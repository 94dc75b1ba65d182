"""Projects that already use mkdocs-mermaid2: where mkdocs.yml sets it up, and one warning.

mkdocs-mermaid2 1.2.3 adds its own Mermaid to every page with a diagram (10.4, from a
CDN by default) on top of the one docgen serves; given a local file it emits
`import mermaid from "js/…"`, a bare module specifier browsers refuse. So docgen does not
point it elsewhere: the adapter turns the plugin off for the build, draws its custom
fences (`format: !!python/name:mermaid2.fence_mermaid_custom` or `fence_mermaid`) as
docgen's own, drops a Mermaid library listed in `extra_javascript` the old mermaid2 way,
and `stand_down` says so once, at the line of mkdocs.yml to edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["Setup", "find", "is_fence", "is_library", "is_plugin", "stand_down"]

_PACKAGE = "mermaid2"
_INHERITED = 5  # INHERIT followed this deep at most: a file that inherits itself ends


def _module(thing: object) -> str:
    return str(getattr(thing, "__module__", "") or "")


def is_plugin(plugin: object) -> bool:
    """Whether `plugin` (an MkDocs plugin object) is mkdocs-mermaid2's."""
    return _module(type(plugin)).split(".")[0] == _PACKAGE


def is_fence(format: object) -> bool:
    """Whether a superfences custom fence's `format` is one of mkdocs-mermaid2's."""
    function = getattr(format, "func", format)  # fence_mermaid_custom is a partial
    return _module(function).split(".")[0] == _PACKAGE


def is_library(script: str, ours: Sequence[str]) -> bool:
    """Whether `script`, an `extra_javascript` entry, is a Mermaid library other than
    `ours`: one with 'mermaid' in its file name, as mkdocs-mermaid2 recognizes it."""
    return script not in ours and "mermaid" in PurePosixPath(script).stem.lower()


@dataclass(frozen=True, slots=True)
class Setup:
    """Where mkdocs.yml sets mkdocs-mermaid2 up (1-based lines; None where it does not).

    Attributes:
        file: the configuration file, relative to the project root.
        plugin: the line of `plugins:` that lists `mermaid2`.
        fences: the lines of superfences' custom fences whose `format` is mermaid2's.
    """

    file: str
    plugin: int | None = None
    fences: tuple[int, ...] = ()


def _key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _mapping(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {_key(k): (k, v) for k, v in node.value}


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _named(item: yaml.Node, name: str) -> yaml.Node | None:
    """The node of a list entry written `- name` or `- name: {…}`, else None."""
    if isinstance(item, yaml.ScalarNode):
        return item if item.value == name else None
    found = _mapping(item).get(name)
    return found[0] if found else None


def find(root: Path, file: str, depth: int = 0) -> Setup:
    """Where `file` (mkdocs.yml, relative to the project `root`) sets up mkdocs-mermaid2,
    or else the file it `INHERIT`s (`depth` of them have been followed).

    Reading it is only for line numbers: a file that can't be read yields an empty `Setup`
    (MkDocs has already said what is wrong with it).
    """
    try:
        node = yaml.compose((root / file).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Setup(file)
    top = _mapping(node)
    plugin = None
    for item in _items(top.get("plugins", (None, None))[1]):
        found = _named(item, _PACKAGE)
        if found is not None:
            plugin = found.start_mark.line + 1
            break
    fences: list[int] = []
    for item in _items(top.get("markdown_extensions", (None, None))[1]):
        superfences = _named(item, "pymdownx.superfences")
        options = _mapping(item).get("pymdownx.superfences", (None, None))[1]
        if superfences is None:
            continue
        for fence in _items(_mapping(options).get("custom_fences", (None, None))[1]):
            format_node = _mapping(fence).get("format")
            if format_node is None:
                continue
            key, value = format_node
            written = f"{value.tag} {value.value}" if isinstance(value, yaml.ScalarNode) else ""
            if f"{_PACKAGE}." in written:
                fences.append(key.start_mark.line + 1)
    inherit = top.get("INHERIT")
    parent = _key(inherit[1]) if inherit else ""
    if plugin is None and not fences and parent and depth < _INHERITED:
        inherited = find(root, (PurePosixPath(file).parent / parent).as_posix(), depth + 1)
        if inherited.plugin is not None or inherited.fences:
            return inherited
    return Setup(file, plugin, tuple(fences))


def _listed(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def stand_down(
    setup: Setup, libraries: Sequence[str] = (), *, turned_off: bool = False
) -> Diagnostic | None:
    """The one warning that docgen turned mkdocs-mermaid2 off, saying what to remove: the
    lines its `setup` names.

    `libraries` are the Mermaid scripts dropped from `extra_javascript`; `turned_off` says
    the plugin was, also when `setup` has no line for it (a configuration it `INHERIT`s
    lists it). None when mkdocs.yml sets up no part of mermaid2.
    """
    if not turned_off and setup.plugin is None and not setup.fences and not libraries:
        return None
    parts = []
    if setup.plugin is not None:
        parts.append(f"`mermaid2` from `plugins:` (line {setup.plugin})")
    elif turned_off:
        parts.append("`mermaid2` from `plugins:`")
    if setup.fences:
        lines = ", ".join(str(n) for n in setup.fences)
        plural = "s" if len(setup.fences) > 1 else ""
        parts.append(f"the custom fence whose format is mermaid2's (line{plural} {lines})")
    if libraries:
        parts.append(f"{', '.join(libraries)} from `extra_javascript:`")
    line = setup.plugin or (setup.fences[0] if setup.fences else None)
    return Diagnostic(
        "DG411",
        Severity.WARNING,
        "mkdocs-mermaid2 is set up, but docgen draws the diagrams with its own local "
        "Mermaid: mermaid2 is turned off for this build (it would add a second Mermaid "
        "to every page, by default 10.4 from a CDN)",
        Location(setup.file, line),
        f"remove {_listed(parts)}; docgen draws ```mermaid fences with no setup",
        stage="diagrams",
    )
