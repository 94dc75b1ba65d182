"""Compare an example's shown output with what it printed, the way doctest does.

Trailing spaces and trailing blank lines never matter, colour codes are dropped, and
`...` stands for any text (doctest's ELLIPSIS), so changing details can be elided.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

__all__ = ["diff", "matches", "normalize"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def normalize(text: str | Sequence[str]) -> list[str]:
    """Lines without colour codes, trailing spaces or trailing blank lines.

    `text` is either one string, split on newlines, or its lines already split.
    """
    lines = text.split("\n") if isinstance(text, str) else list(text)
    cleaned = [_ANSI.sub("", line).rstrip() for line in lines]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def _ellipsis_match(want: str, got: str) -> bool:
    # doctest's algorithm: the pieces between `...` must appear in order.
    pieces = want.split("...")
    if len(pieces) == 1:
        return want == got
    start, end = 0, len(got)
    if not got.startswith(pieces[0]):
        return False
    start = len(pieces[0])
    if not got.endswith(pieces[-1]):
        return False
    end -= len(pieces[-1])
    for piece in pieces[1:-1]:
        found = got.find(piece, start, end)
        if found < 0:
            return False
        start = found + len(piece)
    return start <= end


def matches(expected: Sequence[str], got: str | Sequence[str]) -> bool:
    """Does the output printed match the output shown?

    Args:
        expected: the lines shown in the page; `...` in them stands for any text.
        got: what the example printed, as one string or as lines.
    """
    return _ellipsis_match("\n".join(normalize(expected)), "\n".join(normalize(got)))


def diff(expected: Sequence[str], got: str | Sequence[str]) -> str:
    """A unified diff from the shown output to the printed one.

    Args:
        expected: the lines shown in the page (the diff's `expected` side).
        got: what the example printed (the `actual` side), as one string or as lines.
    """
    lines = difflib.unified_diff(
        normalize(expected), normalize(got), "expected", "actual", lineterm="", n=2
    )
    return "\n".join(lines)
