"""`--update`: write the output examples really print back into the Markdown file.

Only the expected-output lines change; each one is checked against what was collected
first, so a file edited since the run is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Replacement", "apply"]


@dataclass(frozen=True, slots=True)
class Replacement:
    """Lines `start` .. `start + len(old) - 1` (1-based) of a file, to become `new`.

    `indent` is what precedes the block's code on each line (admonition, list, quote).
    """

    start: int
    old: tuple[str, ...]
    new: tuple[str, ...]
    indent: str = ""


def _same(line: str, expected: str) -> bool:
    return line.rstrip() == expected.rstrip() or (not expected.strip() and not line.strip())


def apply(path: Path, replacements: Sequence[Replacement]) -> list[Replacement]:
    """Rewrite `path` in place; returns the replacements that no longer fit the file."""
    raw = path.read_bytes().decode("utf-8")
    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.replace("\r\n", "\n").split("\n")
    stale: list[Replacement] = []
    for item in sorted(replacements, key=lambda r: r.start, reverse=True):
        first = item.start - 1
        current = lines[first : first + len(item.old)]
        if len(current) != len(item.old) or not all(
            _same(line, item.indent + old) for line, old in zip(current, item.old, strict=True)
        ):
            stale.append(item)
            continue
        lines[first : first + len(item.old)] = [(item.indent + new).rstrip() for new in item.new]
    path.write_bytes(newline.join(lines).encode("utf-8"))
    return stale
