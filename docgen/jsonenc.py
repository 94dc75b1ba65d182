"""One JSON encoder for docgen's models: `to_json(obj)` turns them into plain JSON data.

Frozen dataclasses become objects, one key per field in field order; enums their value;
paths their POSIX string; tuples, lists and sets lists (sets sorted); mappings objects
with string keys; `None`, strings, numbers and booleans stay as they are. A field whose
name ends in `_` (a Python keyword: `if_`, `with_`) is written without it.

Where a JSON shape differs from the fields, the field says so in its metadata,
`field(metadata=jsonenc.key(...))`:

- `key(name="version")`: written under another key;
- `key(skip=True)`: never written;
- `key(omit_empty=True)`: written only when truthy (`"baseline": true`, never `false`);
- `key(flatten={"file": "path", "line": "line"})`: the value's attributes, each under
  its own key, in its place (all `None` when the value is `None`).

A shape that is no field-by-field map (counts pivoted by kind, a format version) comes
from the object's `__json__()` method, whose result is encoded in turn.

This is how `report.json`, `docgen check --format json`, `docgen dump` and the other JSON
outputs are made; their shapes are contracts, which the tests hold byte for byte.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

__all__ = ["Key", "key", "to_json"]

_META = "docgen.json"


@dataclasses.dataclass(frozen=True, slots=True)
class Key:
    """How one dataclass field is written (see the module's docs).

    Attributes:
        name: the key to write it under; None for the field's name.
        skip: never write it.
        omit_empty: write it only when it is truthy.
        flatten: key → attribute of the value, written in the field's place.
    """

    name: str | None = None
    skip: bool = False
    omit_empty: bool = False
    flatten: Mapping[str, str] | None = None


def key(
    *,
    name: str | None = None,
    skip: bool = False,
    omit_empty: bool = False,
    flatten: Mapping[str, str] | None = None,
) -> dict[str, Key]:
    """Field metadata saying how the field is written: `field(metadata=key(name="x"))`.

    Args:
        name: the key to write it under; None for the field's name.
        skip: never write it.
        omit_empty: write it only when it is truthy.
        flatten: key → attribute of the value, each written in the field's place.
    """
    return {_META: Key(name, skip, omit_empty, flatten)}


# Per class: (attribute, key, how) for each field written; looked up once per class, as
# dumps walk thousands of objects.
_Plan = tuple[tuple[str, str, Key | None], ...]
_PLANS: dict[type, _Plan] = {}


def _plan(kind: type) -> _Plan:
    plan = _PLANS.get(kind)
    if plan is None:
        steps = []
        for field in dataclasses.fields(kind):
            how = field.metadata.get(_META)
            if how is not None and how.skip:
                continue
            name = how.name if how is not None and how.name else field.name.rstrip("_")
            steps.append((field.name, name, how))
        plan = _PLANS[kind] = tuple(steps)
    return plan


def to_json(obj: object) -> Any:
    """`obj` as plain JSON data (dicts, lists, strings, numbers, booleans, None).

    Anything else (an object of no kind above) is returned as it is.
    """
    if isinstance(obj, enum.Enum):  # before str and int: a StrEnum is a str too
        return to_json(obj.value)
    if obj is None or isinstance(obj, str | int | float):  # bool is an int
        return obj
    if isinstance(obj, tuple | list):
        return [to_json(item) for item in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, PurePath):
        return obj.as_posix()
    if isinstance(obj, set | frozenset):
        return [to_json(item) for item in sorted(obj)]
    hook = getattr(obj, "__json__", None)
    if hook is not None:
        return to_json(hook())
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    out: dict[str, Any] = {}
    for attr, name, how in _plan(type(obj)):
        value = getattr(obj, attr)
        if how is None:
            out[name] = to_json(value)
        elif how.flatten is not None:
            for flat, inner in how.flatten.items():
                out[flat] = None if value is None else to_json(getattr(value, inner))
        elif not how.omit_empty or value:
            out[name] = to_json(value)
    return out
