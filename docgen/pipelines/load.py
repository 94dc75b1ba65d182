"""Load a workflow file into plain values that keep the text as written and its lines.

GitHub reads workflows as YAML 1.2, where `on` is a key and `3.10`, `yes` or `off` are
text; PyYAML's constructors follow YAML 1.1 and would turn them into `True`, `3.1` and
booleans. So docgen builds values straight from libyaml's events: every scalar stays a
string (a plain `null`, `~` or empty value is None), aliases give the anchored value, an
anchor may be defined again further down (GitHub allows it, PyYAML's composer does not),
and merge keys (`<<`) are applied. Mappings and sequences remember the line of each key
and item, so every element of the model can point at its source line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import yaml

__all__ = ["LoadError", "Value", "YamlList", "YamlMap", "load"]

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class YamlMap(dict[str, "Value"]):
    """A YAML mapping: keys as written, `line` where it starts, `lines[key]` per key."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.lines.get(key, self.line)


class YamlList(list["Value"]):
    """A YAML sequence: `line` where it starts, `lines[i]` for each item."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


Value: TypeAlias = "str | YamlMap | YamlList | None"
"""A loaded YAML value: scalars stay strings as written, null is None."""


@dataclass(frozen=True, slots=True)
class LoadError(Exception):
    """The file is not valid YAML (or holds more than one document): what, and where.

    `message` is the YAML parser's reason; `line` is 1-based, or None when unknown.
    """

    message: str
    line: int | None


class _Frame:
    """An open mapping or sequence while events stream in."""

    __slots__ = ("container", "key", "key_line", "merges", "merging")

    def __init__(self, container: YamlMap | YamlList) -> None:
        self.container = container
        self.key: str | None = None
        self.key_line = 0
        self.merges: list[Value] = []
        self.merging = False


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _key_text(value: Value) -> str:
    # A complex key (a mapping or sequence used as a key) is legal YAML but never a
    # workflow key; its text only has to be stable.
    return value if isinstance(value, str) else repr(value)


def _merge(target: YamlMap, merges: list[Value]) -> None:
    """Apply `<<` values: explicit keys win, then earlier merged mappings win."""
    for merged in merges:
        sources = merged if isinstance(merged, YamlList) else [merged]
        for source in sources:
            if not isinstance(source, YamlMap):
                continue
            for key, value in source.items():
                if key not in target:
                    target[key] = value
                    target.lines[key] = source.line_of(key)


def load(text: str) -> Value:
    """The single document of `text` as plain values; None for an empty file.

    Raises `LoadError` for a syntax error, an undefined alias or a second document.
    """
    parser = _Loader(text)
    anchors: dict[str, Value] = {}
    stack: list[_Frame] = []
    root: Value = None
    documents = 0
    try:
        while True:
            # libyaml's events are untyped; each branch reads the fields its kind has.
            event: Any = parser.get_event()
            kind = event.__class__
            value: Value
            line = _line(event)
            if kind is yaml.ScalarEvent:
                value = None if event.implicit[0] and event.value in _NULLS else event.value
                if event.anchor is not None:
                    anchors[event.anchor] = value
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                container: YamlMap | YamlList = (
                    YamlMap(line) if kind is yaml.MappingStartEvent else YamlList(line)
                )
                if event.anchor is not None:
                    anchors[event.anchor] = container
                stack.append(_Frame(container))
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.merges and isinstance(frame.container, YamlMap):
                    _merge(frame.container, frame.merges)
                value = frame.container
                # A mapping or sequence ends where the next item starts: use its start.
                line = frame.container.line
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise LoadError(f"alias *{event.anchor} names no anchor", line)
                value = anchors[event.anchor]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LoadError("more than one YAML document in a workflow", line)
                continue
            elif kind is yaml.StreamEndEvent:
                return root
            else:
                continue
            if not stack:
                root = value
                continue
            top = stack[-1]
            parent = top.container
            if isinstance(parent, YamlList):
                parent.append(value)
                parent.lines.append(line)
            elif top.key is None:
                top.key = _key_text(value)
                top.key_line = line
                top.merging = kind is yaml.ScalarEvent and event.implicit[0] and value == "<<"
            else:
                if top.merging:
                    top.merges.append(value)
                else:
                    parent[top.key] = value
                    parent.lines[top.key] = top.key_line
                top.key = None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise LoadError(message or "invalid YAML", mark.line + 1 if mark else None) from error
    except yaml.YAMLError as error:  # pragma: no cover - libyaml reports marks for all
        raise LoadError(str(error), None) from error
    finally:
        parser.dispose()
