"""The API model: frozen, JSON-dumpable records of modules and their members.

The worker sends plain JSON; `Module.from_json` turns it into these records, which the
pages, cross-references, inventory and coverage read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from docgen import jsonenc

__all__ = ["Directive", "Inherited", "Member", "Module", "Parameter"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of a function or method.

    Attributes:
        name: its name.
        kind: `positional-only`, `positional-or-keyword`, `var-positional`,
            `keyword-only` or `var-keyword`.
        default: its default value as written by `repr`, or None when it has none.
        annotation: its annotation as text, or None when it has none.
    """

    name: str
    kind: str
    default: str | None = field(default=None, metadata=jsonenc.key(omit_empty=True))
    annotation: str | None = field(default=None, metadata=jsonenc.key(omit_empty=True))


@dataclass(frozen=True, slots=True)
class Directive:
    """A `versionadded`, `versionchanged` or `deprecated` directive of a docstring.

    Attributes:
        kind: `versionadded`, `versionchanged` or `deprecated`.
        version: the version it names, empty when it names none (a Google
            `Deprecated:` section).
        text: what it says after the version, maybe empty.
    """

    kind: str
    version: str
    text: str = ""


def _parameters(data: Mapping[str, Any]) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(p["name"], p["kind"], p.get("default"), p.get("annotation"))
        for p in data.get("params", ())
    )


def _directives(data: Mapping[str, Any]) -> tuple[Directive, ...]:
    return tuple(Directive(*d) for d in data.get("directives", ()))


@dataclass(frozen=True, slots=True)
class Inherited:
    """Members a class inherits from `base` (a dotted path), listed by name in `names`."""

    base: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Member:
    """A documented class, function, method, variable or attribute.

    `name` is its own short name; `fullname` is its dotted path and its anchor; `qualname`
    is the path inside its module; `kind` is one of class, function, method, variable,
    attribute; `signature` is its `def`/`class` line (with decorators), or for a variable
    its name, annotation and value;
    `docstring` is Markdown; `file` is relative to the project root when inside it,
    `line`/`end_line` are 1-based; `taken_from` is where it is defined (differs for
    re-exports); a class's `members` are its own public members and `inherited` those it
    inherits, by base; `parameters` and `documented_parameters` are the callable's
    parameter names; `doc_line`/`doc_end_line` are the lines of its docstring in `file`
    (None when the source has none), and `doc_inherited` says the docstring is a base
    class's, not written for it. `params` and `returns` are a callable's parameters
    and return annotation (`returns` is a variable's annotation); `deprecated` is the
    message of its `warnings.deprecated` decorator; `directives` are its docstring's
    version directives.
    """

    name: str
    qualname: str
    fullname: str
    kind: str
    signature: str
    docstring: str
    documented: bool
    file: str | None
    line: int | None
    end_line: int | None
    taken_from: str
    members: tuple[Member, ...] = ()
    inherited: tuple[Inherited, ...] = ()
    parameters: tuple[str, ...] = ()
    documented_parameters: tuple[str, ...] = ()
    doc_line: int | None = None
    doc_end_line: int | None = None
    doc_inherited: bool = False
    params: tuple[Parameter, ...] = ()
    returns: str | None = None
    deprecated: str | None = None
    directives: tuple[Directive, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Member:
        """Read a member from the worker's JSON `data`."""
        return cls(
            name=data["name"],
            qualname=data["qualname"],
            fullname=data["fullname"],
            kind=data["kind"],
            signature=data["signature"],
            docstring=data["docstring"],
            documented=data["documented"],
            file=data["file"],
            line=data["line"],
            end_line=data["end_line"],
            taken_from=data["taken_from"],
            members=tuple(cls.from_json(m) for m in data["members"]),
            inherited=tuple(Inherited(i["base"], tuple(i["names"])) for i in data["inherited"]),
            parameters=tuple(data["parameters"]),
            documented_parameters=tuple(data["documented_parameters"]),
            doc_line=data.get("doc_line"),
            doc_end_line=data.get("doc_end_line"),
            doc_inherited=data.get("doc_inherited", False),
            params=_parameters(data),
            returns=data.get("returns"),
            deprecated=data.get("deprecated"),
            directives=_directives(data),
        )

    def walk(self) -> Iterator[Member]:
        """This member, then its members, recursively."""
        yield self
        for member in self.members:
            yield from member.walk()


@dataclass(frozen=True, slots=True)
class Module:
    """A documented module: its dotted `name`, source `file`, docstring and members.

    `is_package` is true for a package's `__init__`; `docformat` is the docstring format
    its docstrings were read in (its `__docformat__`, else the configured one);
    `reexports` are the names a package without `__all__` imports from its submodules,
    each with the dotted path where it is defined; `doc_line`/`doc_end_line` are the
    lines of its docstring; `directives` its docstring's version directives.
    """

    name: str
    file: str | None
    is_package: bool
    docformat: str
    docstring: str
    documented: bool
    members: tuple[Member, ...]
    reexports: tuple[tuple[str, str], ...] = ()
    doc_line: int | None = None
    doc_end_line: int | None = None
    directives: tuple[Directive, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Module:
        """Read a module from the worker's JSON `data`."""
        return cls(
            name=data["name"],
            file=data["file"],
            is_package=data["is_package"],
            docformat=data["docformat"],
            docstring=data["docstring"],
            documented=data["documented"],
            members=tuple(Member.from_json(m) for m in data["members"]),
            reexports=tuple((r["name"], r["target"]) for r in data.get("reexports", ())),
            doc_line=data.get("doc_line"),
            doc_end_line=data.get("doc_end_line"),
            directives=_directives(data),
        )

    def walk(self) -> Iterator[Member]:
        """Every member of the module, classes' members included, in page order."""
        for member in self.members:
            yield from member.walk()
