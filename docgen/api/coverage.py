"""Documentation coverage: how much of the public API has a docstring, per module.

Counted: modules, classes, functions, methods, attributes (module variables and class
attributes; an attribute described by name in its class's docstring counts), and
parameters (a parameter counts when its callable's docstring names it). Inherited
members are counted once, in the class that defines them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from docgen.api.model import Module
from docgen.jsonenc import to_json

__all__ = ["KINDS", "Coverage", "Gap", "coverage", "gaps"]

KINDS = ("modules", "classes", "functions", "methods", "attributes", "parameters")
"""What is counted, in the order reports show it."""
_KIND = {
    "class": "classes",
    "function": "functions",
    "method": "methods",
    "variable": "attributes",
    "attribute": "attributes",
}


@dataclass(frozen=True, slots=True)
class Gap:
    """An undocumented public symbol (or parameter `symbol(name)`), and where it is.

    Attributes:
        symbol: the dotted name, with `(name)` appended for a parameter.
        kind: one of `KINDS`.
        file: the source file, relative to the project root when under it; None if unknown.
        line: 1-based line of the definition, or None if unknown.
    """

    symbol: str
    kind: str
    file: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """Documented and total counts by kind (see `KINDS`).

    Attributes:
        documented: how many of each kind are documented.
        total: how many of each kind are counted.
    """

    documented: dict[str, int]
    total: dict[str, int]

    @property
    def percent(self) -> float:
        """The share of every counted thing that is documented, 100 when there is none."""
        total = sum(self.total.values())
        return 100.0 if total == 0 else round(100.0 * sum(self.documented.values()) / total, 1)

    @property
    def docstrings(self) -> float:
        """The share of modules, classes, functions and methods with a docstring."""
        kinds = ("modules", "classes", "functions", "methods")
        total = sum(self.total[k] for k in kinds)
        done = sum(self.documented[k] for k in kinds)
        return 100.0 if total == 0 else round(100.0 * done / total, 1)

    def __json__(self) -> dict[str, object]:
        """`{"percent": …, "docstrings": …, "modules": {"documented": …, "total": …}, …}`:
        the two shares, then the counts of each kind."""
        counts = {k: {"documented": self.documented[k], "total": self.total[k]} for k in KINDS}
        return {"percent": self.percent, "docstrings": self.docstrings, **counts}

    def to_dict(self) -> dict[str, object]:
        """The JSON shape (see `__json__`), as JSON data."""
        data: dict[str, object] = to_json(self)
        return data


def gaps(module: Module) -> Iterator[Gap]:
    """Everything in `module` that counts and is not documented."""
    if not module.documented:
        yield Gap(module.name, "modules", module.file, 1)
    for member in module.walk():
        if not member.documented:
            yield Gap(member.fullname, _KIND[member.kind], member.file, member.line)
        for name in member.parameters:
            if name not in member.documented_parameters:
                yield Gap(f"{member.fullname}({name})", "parameters", member.file, member.line)


def _counts(module: Module) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    counts["modules"] = 1
    for member in module.walk():
        counts[_KIND[member.kind]] += 1
        counts["parameters"] += len(member.parameters)
    return counts


def coverage(modules: Iterable[Module]) -> Coverage:
    """The coverage of `modules` together (one module for a per-module figure)."""
    total = dict.fromkeys(KINDS, 0)
    missing = dict.fromkeys(KINDS, 0)
    for module in modules:
        for kind, n in _counts(module).items():
            total[kind] += n
        for gap in gaps(module):
            missing[gap.kind] += 1
    return Coverage({k: total[k] - missing[k] for k in KINDS}, total)
