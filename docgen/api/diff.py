"""What changed in the API between two versions: pure functions over two `Snapshot`s.

`diff(old, new)` lists the names added, removed, changed (parameters added or removed,
defaults, annotations, parameter kinds, order, return type, kind) and newly deprecated.
A name under one that is itself added or removed (a class's methods, a module's
functions) is not listed again. `text(diff)` is the readable form `docgen api-diff`
prints; `Diff.to_json()` is its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from docgen import jsonenc
from docgen.api.model import Parameter
from docgen.api.snapshot import Deprecation, Entry, Snapshot
from docgen.jsonenc import to_json

__all__ = ["Change", "Changed", "Diff", "Listed", "diff", "signature", "text"]

_CALLABLE = frozenset({"function", "method"})


@dataclass(frozen=True, slots=True)
class Change:
    """One change to a member: `what` changed (`parameter added`, `default changed`,
    `return type changed`...) and `detail`, how, in a few words."""

    what: str
    detail: str


@dataclass(frozen=True, slots=True)
class Changed:
    """A member whose signature changed.

    Attributes:
        name: its dotted path.
        kind: its kind in the new version.
        changes: what changed, in signature order.
        old: its signature in the old version.
        new: its signature in the new version.
    """

    name: str
    kind: str
    changes: tuple[Change, ...]
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Listed:
    """A member added, removed or newly deprecated.

    Attributes:
        name: its dotted path.
        kind: its kind (in the version that has it).
        signature: its signature there.
        message: for a deprecation, since when and what to use instead; else empty.
    """

    name: str
    kind: str
    signature: str
    message: str = field(default="", metadata=jsonenc.key(omit_empty=True))


@dataclass(frozen=True, slots=True)
class Diff:
    """The API changes from version `old` to version `new`.

    Attributes:
        old: the older version's name (or git ref).
        new: the newer version's name (or git ref).
        added: names only the new version has.
        removed: names only the old version has.
        changed: names whose signature changed.
        deprecated: names deprecated in the new version and not in the old.
    """

    old: str
    new: str
    added: tuple[Listed, ...] = ()
    removed: tuple[Listed, ...] = ()
    changed: tuple[Changed, ...] = ()
    deprecated: tuple[Listed, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.removed or self.changed or self.deprecated)

    def to_json(self) -> dict[str, object]:
        """`{"old", "new", "added", "removed", "changed", "deprecated"}`: each listed
        member `{"name", "kind", "signature"}` (a deprecated one with `"message"` when
        it says since when or what to use instead), each
        changed one `{"name", "kind", "changes": [{"what", "detail"}], "old", "new"}`."""
        data: dict[str, object] = to_json(self)
        return data


def _param(param: Parameter) -> str:
    stars = {"var-positional": "*", "var-keyword": "**"}.get(param.kind, "")
    out = stars + param.name
    if param.annotation:
        out += f": {param.annotation}"
    if param.default is not None:
        out += f" = {param.default}" if param.annotation else f"={param.default}"
    return out


def _params(params: Sequence[Parameter]) -> str:
    parts: list[str] = []
    starred = False
    for i, param in enumerate(params):
        if param.kind == "keyword-only" and not starred:
            parts.append("*")
        starred = starred or param.kind in ("var-positional", "keyword-only")
        parts.append(_param(param))
        following = params[i + 1].kind if i + 1 < len(params) else None
        if param.kind == "positional-only" and following != "positional-only":
            parts.append("/")
    return ", ".join(parts)


def signature(entry: Entry) -> str:
    """`entry` as one line: `pkg.f(a, b=1) -> int`, `pkg.X: int`, `class pkg.C`."""
    if entry.kind in _CALLABLE:
        returns = f" -> {entry.returns}" if entry.returns else ""
        return f"{entry.name}({_params(entry.params)}){returns}"
    if entry.kind in ("class", "module"):
        return f"{entry.kind} {entry.name}"
    return f"{entry.name}: {entry.returns}" if entry.returns else entry.name


def _param_changes(old: Sequence[Parameter], new: Sequence[Parameter]) -> list[Change]:
    found: list[Change] = []
    before = {p.name: p for p in old}
    after = {p.name: p for p in new}
    for param in old:
        if param.name not in after:
            found.append(Change("parameter removed", _param(param)))
    for param in new:
        was = before.get(param.name)
        if was is None:
            found.append(Change("parameter added", _param(param)))
            continue
        if was.kind != param.kind:
            detail = f"{param.name}: {was.kind} → {param.kind}"
            found.append(Change("parameter kind changed", detail))
        if was.default != param.default:
            found.append(
                Change(
                    "default changed",
                    f"{param.name}: {was.default or '(none)'} → {param.default or '(none)'}",
                )
            )
        if was.annotation != param.annotation:
            found.append(
                Change(
                    "parameter type changed",
                    f"{param.name}: {was.annotation or '(none)'} → {param.annotation or '(none)'}",
                )
            )
    positional = ("positional-only", "positional-or-keyword")
    kept_old = [p.name for p in old if p.name in after and p.kind in positional]
    kept_new = [p.name for p in new if p.name in before and p.kind in positional]
    if set(kept_old) == set(kept_new) and kept_old != kept_new:
        detail = f"({', '.join(kept_old)}) → ({', '.join(kept_new)})"
        found.append(Change("parameters reordered", detail))
    return found


def _changes(old: Entry, new: Entry) -> list[Change]:
    if old.kind != new.kind:
        return [Change("kind changed", f"{old.kind} → {new.kind}")]
    found = _param_changes(old.params, new.params)
    if old.returns != new.returns:
        what = "return type changed" if new.kind in _CALLABLE else "type changed"
        found.append(Change(what, f"{old.returns or '(none)'} → {new.returns or '(none)'}"))
    return found


def _parent(name: str) -> str:
    return name.rpartition(".")[0]


def _outermost(names: Sequence[str]) -> list[str]:
    """`names` without those whose parent is listed too (a new class's methods)."""
    listed = set(names)
    return [n for n in names if not any(p in listed for p in _ancestors(n))]


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _deprecation(deprecated: Deprecation) -> str:
    since = f"since {deprecated.version}" if deprecated.version else ""
    return ": ".join(part for part in (since, deprecated.message) if part)


def diff(old: Snapshot, new: Snapshot, old_name: str = "", new_name: str = "") -> Diff:
    """The API changes from `old` to `new`.

    Args:
        old: the older version's model.
        new: the newer version's model.
        old_name: what to call the older version; empty takes its model's version.
        new_name: what to call the newer version; empty takes its model's version.
    """
    before: Mapping[str, Entry] = old.entries
    after: Mapping[str, Entry] = new.entries
    added = _outermost(sorted(n for n in after if n not in before))
    removed = _outermost(sorted(n for n in before if n not in after))
    changed: list[Changed] = []
    deprecated: list[Listed] = []
    for name in sorted(n for n in after if n in before):
        was, now = before[name], after[name]
        found = _changes(was, now)
        if found:
            changed.append(Changed(name, now.kind, tuple(found), signature(was), signature(now)))
        if now.deprecated is not None and was.deprecated is None:
            deprecated.append(Listed(name, now.kind, signature(now), _deprecation(now.deprecated)))
    return Diff(
        old_name or old.version or "old",
        new_name or new.version or "new",
        tuple(Listed(n, after[n].kind, signature(after[n])) for n in added),
        tuple(Listed(n, before[n].kind, signature(before[n])) for n in removed),
        tuple(changed),
        tuple(deprecated),
    )


def text(found: Diff) -> str:
    """`found` as a readable list, one member a line, changes indented under it."""
    if found.empty:
        return f"No API changes from {found.old} to {found.new}.\n"
    lines = [f"API changes from {found.old} to {found.new}:"]
    for title, mark, items in (
        ("Added", "+", found.added),
        ("Removed", "-", found.removed),
    ):
        if items:
            lines += ["", f"{title} ({len(items)}):"]
            lines += [f"  {mark} {item.signature}" for item in items]
    if found.changed:
        lines += ["", f"Changed ({len(found.changed)}):"]
        for item in found.changed:
            lines.append(f"  ~ {item.new}")
            lines += [f"      {c.what}: {c.detail}" for c in item.changes]
    if found.deprecated:
        lines += ["", f"Deprecated ({len(found.deprecated)}):"]
        for listed in found.deprecated:
            said = f" ({listed.message})" if listed.message else ""
            lines.append(f"  ! {listed.name}{said}")
    return "\n".join(lines) + "\n"
