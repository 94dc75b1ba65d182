"""The published versions, as mike's `versions.json` holds them, and the rules for names.

The file is mike's, byte for byte: a JSON list, indented by two, newest first (versions
that do not start with a digit, like `dev`, count as newer than releases), each entry
`{"version", "title", "aliases"}` and mike's optional `properties`. Material's version
selector reads it, so does `mike list`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from verspec.loose import LooseVersion  # type: ignore[import-untyped]

from docgen import jsonenc
from docgen.jsonenc import to_json

__all__ = [
    "InvalidName",
    "Version",
    "add",
    "check_name",
    "dumps",
    "find",
    "is_hidden",
    "loads",
    "remove",
    "retain",
    "retitle",
    "with_hidden",
]

# Folders of the published branch that a version or an alias must never take over.
RESERVED = frozenset({"previews", "versions.json", "index.html", "404.html"})
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")


class InvalidName(ValueError):
    """A version or alias name that cannot be published, or that clashes with another."""


@dataclass(frozen=True, slots=True)
class Version:
    """One published version: its folder `name`, the `title` shown, and its `aliases`.

    `properties` is mike's free-form field, kept as read (None when absent).
    """

    name: str = field(metadata=jsonenc.key(name="version"))
    title: str
    aliases: tuple[str, ...] = ()
    properties: object = field(default=None, metadata=jsonenc.key(omit_empty=True))

    def to_json(self) -> dict[str, object]:
        """mike's shape, `{"version", "title", "aliases"}`: `properties` only when there
        are some."""
        data: dict[str, object] = to_json(self)
        return data

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders this version is published in: its own, then one per alias."""
        return (self.name, *self.aliases)


def check_name(name: str, kind: str = "version") -> None:
    """Raise `InvalidName` unless `name` is safe as a folder of the published branch.

    `kind` (version, alias, preview) is how the error names it.

    Stricter than mike on purpose: a name ends up in URLs, HTML and a redirect script.
    """
    if not name:
        raise InvalidName(f"the {kind} name is empty")
    if ".." in name or "/" in name or "\\" in name:
        raise InvalidName(f"{kind} {name!r} must not contain '..', '/' or '\\'")
    if any(c.isspace() for c in name):
        raise InvalidName(f"{kind} {name!r} must not contain spaces")
    if name in RESERVED:
        raise InvalidName(f"{kind} {name!r} is a reserved name of the published branch")
    if not _SAFE.fullmatch(name):
        raise InvalidName(
            f"{kind} {name!r} may only use letters, digits, '.', '_', '+' and '-', "
            "and must start with a letter or a digit"
        )


def _order(version: Version) -> tuple[int, LooseVersion]:
    # mike's order: development versions (no leading digit) are newer than releases.
    return (0 if re.match(r"v?\d", version.name) else 1, LooseVersion(version.name))


def _sorted(versions: Iterable[Version]) -> tuple[Version, ...]:
    return tuple(sorted(versions, key=_order, reverse=True))


def loads(text: str) -> tuple[Version, ...]:
    """Read `versions.json`'s `text` (mike's or docgen's); raise ValueError when it is not one."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("versions.json is not a list")
    found: list[Version] = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            raise ValueError(f"versions.json entry without a version: {entry!r}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"versions.json aliases of {entry['version']!r} are not names")
        name = entry["version"]
        title = entry.get("title")
        found.append(
            Version(
                name,
                title if isinstance(title, str) else name,
                tuple(aliases),
                entry.get("properties"),
            )
        )
    return _sorted(found)


def dumps(versions: Sequence[Version]) -> str:
    """Write `versions.json` exactly as mike does: indent 2, a final newline."""
    return json.dumps([v.to_json() for v in _sorted(versions)], indent=2) + "\n"


def find(versions: Sequence[Version], identifier: str) -> Version | None:
    """The version of `versions` named `identifier`, or the one that has it as an alias."""
    for version in versions:
        if version.name == identifier:
            return version
    for version in versions:
        if identifier in version.aliases:
            return version
    return None


def add(
    versions: Sequence[Version],
    name: str,
    title: str | None,
    aliases: Sequence[str],
    hidden: bool | None = None,
) -> tuple[tuple[Version, ...], tuple[str, ...]]:
    """Add or update version `name` in `versions`; `aliases` move here from any other version.

    `title` is the title to show; None keeps the version's, or uses `name` for a new one.
    `hidden` hides the version from the selector (True), shows it (False), or keeps it as
    it is (None; a new version is shown).

    Returns the new versions and the aliases that moved from another version. Raises
    `InvalidName` for a bad name, or a clash between a version and an alias.
    """
    check_name(name)
    wanted = tuple(dict.fromkeys(aliases))
    for alias in wanted:
        check_name(alias, "alias")
        if alias == name:
            raise InvalidName(f"alias {alias!r} is the version itself")
    for version in versions:
        if version.name != name and name in version.aliases:
            raise InvalidName(f"version {name!r} is already an alias of version {version.name!r}")
        if version.name in wanted:
            raise InvalidName(f"alias {version.name!r} is already a version")
    moved: list[str] = []
    out: list[Version] = []
    current = None
    for version in versions:
        if version.name == name:
            current = version
            continue
        keep = tuple(a for a in version.aliases if a not in wanted)
        moved += [a for a in version.aliases if a in wanted]
        out.append(replace(version, aliases=keep) if keep != version.aliases else version)
    if current is None:
        current = Version(name, title if title is not None else name, wanted)
    else:
        merged = tuple(dict.fromkeys((*current.aliases, *wanted)))
        current = replace(current, title=current.title if title is None else title, aliases=merged)
    out.append(current if hidden is None else with_hidden(current, hidden))
    return _sorted(out), tuple(moved)


def remove(
    versions: Sequence[Version], identifier: str
) -> tuple[tuple[Version, ...], tuple[str, ...]]:
    """Remove a version (with its aliases) or just one alias; return the folders to delete.

    `identifier` names the version or alias to remove from `versions`.
    """
    target = find(versions, identifier)
    if target is None:
        raise KeyError(identifier)
    if target.name == identifier:
        return tuple(v for v in versions if v is not target), target.folders
    kept = replace(target, aliases=tuple(a for a in target.aliases if a != identifier))
    return tuple(kept if v is target else v for v in versions), (identifier,)


def retitle(versions: Sequence[Version], identifier: str, title: str) -> tuple[Version, ...]:
    """Give a version of `versions` (`identifier`: its name or an alias) a new `title`."""
    target = find(versions, identifier)
    if target is None:
        raise KeyError(identifier)
    return tuple(replace(v, title=title) if v is target else v for v in versions)


def is_hidden(version: Version) -> bool:
    """Whether mike's `properties: {"hidden": true}` hides `version` from the selector.

    Material for MkDocs 9.x drops such versions from its version selector: its bundle
    filters the list with `e.filter(n => !n.properties?.hidden)` (`Wn()` in
    `material/templates/assets/javascripts/bundle.a5f9d56c.min.js`, Material 9.8.2).
    """
    properties = version.properties
    return isinstance(properties, dict) and properties.get("hidden") is True


def with_hidden(version: Version, hidden: bool) -> Version:
    """`version` hidden from the selector (`hidden`), or shown; its other properties kept.

    Raises ValueError when its `properties` are not a JSON object (mike allows any value),
    which a `hidden` key cannot be added to without losing them.
    """
    properties = version.properties
    if properties is not None and not isinstance(properties, dict):
        raise ValueError(
            f"version {version.name!r} has properties that are not an object: {properties!r}"
        )
    merged = {k: v for k, v in (properties or {}).items() if k != "hidden"}
    if hidden:
        merged["hidden"] = True
    return replace(version, properties=merged or None)


def retain(
    versions: Sequence[Version], keep: int, protected: Iterable[str] = ()
) -> tuple[tuple[Version, ...], tuple[Version, ...]]:
    """The newest `keep` of `versions` (in mike's order), and the older ones to remove.

    A version named in `protected` (by its name or an alias: the default, the version
    being deployed) is kept whatever its age, on top of the `keep` newest.
    """
    spared = set(protected)
    ordered = _sorted(versions)
    kept = tuple(v for n, v in enumerate(ordered) if n < keep or spared.intersection(v.folders))
    return kept, tuple(v for v in ordered if v not in kept)
