"""Rendered pages kept between builds, so an unchanged page is not rendered again.

Rendering a page twice (its Markdown to HTML, then the HTML into the theme) costs most of
a warm build of a large site: pygments' 307 API pages take 12 s to render and under 1 s to
reuse. Each rendering is stored under a key made from everything it reads (see
`PageCache.key`); a build reuses what matches and prunes what it did not use. The engine
adapter decides what goes into the keys; this module only stores them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PageCache", "reuse", "stable"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable(value: object) -> object:
    """`value` as JSON can hold it, the same in every process (a `json.dumps` default).

    Mappings become dicts, sets sorted lists, functions and classes their dotted names;
    anything else its `repr` without memory addresses.
    """
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(map(repr, value))
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    name = getattr(value, "__qualname__", None)
    if callable(value) and isinstance(name, str):
        return f"{getattr(value, '__module__', '')}.{name}"
    return _ADDRESS.sub("", repr(value))


@dataclass
class PageCache:
    """Renderings kept under `folder`, one file each, named by key.

    Attributes:
        folder: where the renderings are kept.
        used: the keys looked up or stored by this build; `prune` keeps only these.
    """

    folder: Path
    used: set[str] = field(default_factory=set)

    @staticmethod
    def key(*parts: object) -> str:
        """A digest of `parts` (anything `stable` can turn into JSON)."""
        text = json.dumps(parts, default=stable, sort_keys=True, ensure_ascii=False)
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def _path(self, key: str) -> Path:
        self.used.add(key)
        return self.folder / key

    def get(self, key: str) -> Any | None:
        """The JSON value stored under `key`, or None (also when the file is unreadable)."""
        try:
            value = json.loads(zlib.decompress(self._path(key).read_bytes()))
        except (OSError, ValueError, zlib.error):
            return None
        return value

    def made_since(self, key: str, when: float) -> bool:
        """Whether the value under `key` was stored at `when` (a `time.time()`) or later."""
        try:
            return (self.folder / key).stat().st_mtime >= when
        except OSError:
            return False

    def put(self, key: str, value: object) -> None:
        """Store the JSON `value` under `key`; a cache that can't be written is no cache."""
        try:
            text = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written aside, then renamed: another build never reads half a file.
            partial = self.folder / f".{key}.{os.getpid()}"
            partial.write_bytes(zlib.compress(text, 1))
            partial.replace(self._path(key))
        except (OSError, TypeError, ValueError):
            pass

    def prune(self) -> None:
        """Delete every rendering this build did not use."""
        try:
            stale = [p for p in self.folder.iterdir() if p.name not in self.used]
        except OSError:
            return
        for path in stale:
            path.unlink(missing_ok=True)


def reuse(
    folder: Path | None,
    keys: Sequence[str],
    make: Callable[[list[int]], tuple[Sequence[Any], bool]],
    valid: Callable[[Any], bool],
) -> list[Any]:
    """One JSON value for each of `keys`, in order: those kept in `folder` that are `valid`
    are reused; the others come from one call of `make` with their positions, which
    returns them and whether they may be kept. What this call did not use is pruned.
    Without a folder, everything is made.
    """
    store = PageCache(folder) if folder is not None else None
    found: dict[int, Any] = {}
    if store is not None:
        for number, key in enumerate(keys):
            saved = store.get(key)
            if valid(saved):
                found[number] = saved
    todo = [number for number in range(len(keys)) if number not in found]
    if todo:
        made, keep = make(todo)
        for number, value in zip(todo, made, strict=True):
            found[number] = value
            if store is not None and keep:
                store.put(keys[number], value)
    if store is not None:
        store.prune()
    return [found[number] for number in range(len(keys))]
