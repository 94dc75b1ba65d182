"""A version's API model, as the built site ships it in `_docgen/api.json`.

`of(modules, version)` takes what the API stage documented and keeps what a later version
compares against: each module, class, function, method and variable by dotted name, its
kind, parameters (with defaults and annotations), return annotation, deprecation and the
`versionadded`/`versionchanged` directives of its docstring. No docstrings: the file stays
small. `dumps` writes it with sorted keys, `loads` reads it back and raises ValueError on
anything that is not one.

`docgen deploy` publishes the built site as a version folder, so each version's model
lands beside it on the Pages branch (`1.1.0/_docgen/api.json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docgen import __version__, jsonenc
from docgen.api.model import Directive, Member, Module, Parameter

__all__ = ["ASSET", "FORMAT", "Deprecation", "Entry", "Snapshot", "dumps", "loads", "of"]

ASSET = "_docgen/api.json"
"""Where the model is in a built site, relative to its root."""
FORMAT = 1
"""The file's format number: raised when its shape changes; a newer one is not read."""
_KINDS = frozenset({"module", "class", "function", "method", "variable", "attribute"})
# Most parameters are of this kind: the file leaves it unsaid.
_USUAL = "positional-or-keyword"


def _member_json(entry: Entry) -> dict[str, object]:
    data: dict[str, object] = jsonenc.to_json(entry)
    for param in data.get("params", ()):  # type: ignore[attr-defined]
        if param["kind"] == _USUAL:
            del param["kind"]
    return data


@dataclass(frozen=True, slots=True)
class Deprecation:
    """That a member is deprecated: `version` since when (empty when unsaid) and
    `message`, what to use instead (maybe empty)."""

    version: str = field(default="", metadata=jsonenc.key(omit_empty=True))
    message: str = field(default="", metadata=jsonenc.key(omit_empty=True))


@dataclass(frozen=True, slots=True)
class Entry:
    """One documented name of a version's API.

    Attributes:
        name: its dotted path (`pkg.mod.Class.method`).
        kind: module, class, function, method, variable or attribute.
        params: a callable's parameters.
        returns: a callable's return annotation, or a variable's annotation.
        deprecated: its deprecation, from its docstring or a `deprecated` decorator.
        added: the version its docstring's `versionadded` names, else empty.
        changed: the versions its docstring's `versionchanged` directives name.
    """

    name: str = field(metadata=jsonenc.key(skip=True))
    kind: str
    params: tuple[Parameter, ...] = field(default=(), metadata=jsonenc.key(omit_empty=True))
    returns: str | None = field(default=None, metadata=jsonenc.key(omit_empty=True))
    deprecated: Deprecation | None = field(default=None, metadata=jsonenc.key(omit_empty=True))
    added: str = field(default="", metadata=jsonenc.key(omit_empty=True))
    changed: tuple[str, ...] = field(default=(), metadata=jsonenc.key(omit_empty=True))

    @property
    def shape(self) -> tuple[str, tuple[Parameter, ...], str | None]:
        """What a change of signature changes: kind, parameters, return annotation."""
        return (self.kind, self.params, self.returns)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A version's API: its `entries` by dotted name.

    Attributes:
        version: the version it was built as (None for a build that was no deploy).
        entries: every documented name, by dotted path.
        docgen: the docgen version that wrote it.
    """

    version: str | None
    entries: Mapping[str, Entry]
    docgen: str = __version__


def _deprecation(directives: Sequence[Directive], decorator: str | None) -> Deprecation | None:
    said = [d for d in directives if d.kind == "deprecated"]
    if decorator is None and not said:
        return None
    version = next((d.version for d in said if d.version), "")
    message = decorator or next((d.text for d in said if d.text), "")
    return Deprecation(version, message)


def _entry(name: str, kind: str, directives: Sequence[Directive], member: Member | None) -> Entry:
    added = next((d.version for d in directives if d.kind == "versionadded" and d.version), "")
    changed = tuple(d.version for d in directives if d.kind == "versionchanged" and d.version)
    return Entry(
        name,
        kind,
        member.params if member else (),
        member.returns if member else None,
        _deprecation(directives, member.deprecated if member else None),
        added,
        changed,
    )


def of(modules: Iterable[Module], version: str | None) -> Snapshot:
    """The API model of the documented `modules`, built as `version` (None: no deploy)."""
    entries: dict[str, Entry] = {}
    for module in modules:
        entries[module.name] = _entry(module.name, "module", module.directives, None)
        for member in module.walk():
            entries[member.fullname] = _entry(
                member.fullname, member.kind, member.directives, member
            )
    return Snapshot(version, dict(sorted(entries.items())))


def dumps(snapshot: Snapshot) -> str:
    """The model `snapshot` as `_docgen/api.json` holds it: compact, keys sorted, one
    line; a parameter's kind is left out when it is positional-or-keyword."""
    data = {
        "format": FORMAT,
        "docgen": snapshot.docgen,
        "version": snapshot.version,
        "members": {name: _member_json(e) for name, e in snapshot.entries.items()},
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a string")
    return value


def _read_entry(name: str, data: object) -> Entry:
    if not isinstance(data, dict):
        raise ValueError(f"member {name!r} is not an object")
    kind = _text(data.get("kind"), f"the kind of {name!r}")
    if kind not in _KINDS:
        raise ValueError(f"member {name!r} has an unknown kind {kind!r}")
    params = data.get("params", [])
    if not isinstance(params, list) or not all(isinstance(p, dict) for p in params):
        raise ValueError(f"the parameters of {name!r} are not a list of objects")
    read: list[Parameter] = []
    for param in params:
        default, annotation = param.get("default"), param.get("annotation")
        if not all(isinstance(v, str | None) for v in (default, annotation)):
            raise ValueError(f"a parameter of {name!r} has a default or annotation not text")
        where = f"a parameter of {name!r}"
        named = _text(param.get("name"), where)
        how = _text(param.get("kind", _USUAL), where)
        read.append(Parameter(named, how, default, annotation))
    returns = data.get("returns")
    if returns is not None:
        _text(returns, f"the return annotation of {name!r}")
    deprecated = data.get("deprecated")
    deprecation = None
    if deprecated is not None:
        if not isinstance(deprecated, dict):
            raise ValueError(f"the deprecation of {name!r} is not an object")
        deprecation = Deprecation(
            _text(deprecated.get("version", ""), f"the deprecation of {name!r}"),
            _text(deprecated.get("message", ""), f"the deprecation of {name!r}"),
        )
    changed = data.get("changed", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise ValueError(f"the changed versions of {name!r} are not a list of text")
    added = _text(data.get("added", ""), f"the added version of {name!r}")
    return Entry(name, kind, tuple(read), returns, deprecation, added, tuple(changed))


def loads(text: str | bytes) -> Snapshot:
    """Read `_docgen/api.json`'s `text`; raise ValueError (saying why) when it is not one."""
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    found = data.get("format")
    if not isinstance(found, int):
        raise ValueError("it has no format number")
    if found > FORMAT:
        raise ValueError(
            f"it is format {found}, written by a newer docgen (this one reads {FORMAT})"
        )
    members = data.get("members")
    if not isinstance(members, dict):
        raise ValueError("its members are not an object")
    version = data.get("version")
    if version is not None:
        _text(version, "its version")
    entries = {name: _read_entry(name, value) for name, value in sorted(members.items())}
    return Snapshot(version, entries, _text(data.get("docgen", ""), "its docgen version"))
