"""The extraction cache: one JSON file per module under `cache_dir/api/`.

An entry is found by a key of the module's name, the interpreter, docgen's version and
the `api:` options that change extraction; it is valid while every source file it was
read from (its own, its parent packages', its base classes') has the same content. A
`pip install` into the interpreter's site-packages starts afresh, since it may change
what imports.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import docgen

__all__ = ["FORMAT", "Cache"]

FORMAT = 5  # 5: parameters, return annotations, deprecations and version directives
"""What an entry holds: raised when the worker's output changes for the same source
(2: set values in a stable order, and `sys.argv` the interactive interpreter's;
3: a package's re-exported names; 4: failures carry their frames, members their docstring
lines)."""


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _installed() -> list[tuple[str, int]]:
    """When packages were last installed: a `pip install` may mend a failed import."""
    found: list[tuple[str, int]] = []
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            try:
                found.append((entry, Path(entry).stat().st_mtime_ns))
            except OSError:
                continue
    return found


class Cache:
    """Cached worker events in `folder`, for extraction options `options`."""

    def __init__(self, folder: Path, options: Mapping[str, object]) -> None:
        """Entries live in `folder`; `options` (JSON-able) are part of every key."""
        self.folder = folder
        self._salt = json.dumps(
            [FORMAT, sys.version, sys.executable, docgen.__version__, dict(options), _installed()],
            sort_keys=True,
            default=str,
        )
        self._digests: dict[Path, str | None] = {}

    def _file(self, name: str) -> Path:
        key = hashlib.sha256(f"{self._salt}\0{name}".encode()).hexdigest()[:32]
        return self.folder / f"{name}-{key}.json"

    def digest(self, path: Path) -> str | None:
        """The content hash of the file at `path`, read once per cache object."""
        if path not in self._digests:
            self._digests[path] = _digest(path)
        return self._digests[path]

    def load(self, name: str) -> dict[str, Any] | None:
        """The cached event of module `name`, or None when absent or stale."""
        try:
            entry = json.loads(self._file(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        files: dict[str, str] = entry["files"]
        if any(self.digest(Path(f)) != h for f, h in files.items()):
            return None
        event: dict[str, Any] = entry["event"]
        return event

    def store(self, name: str, event: Mapping[str, Any], files: Iterable[Path]) -> None:
        """Keep module `name`'s event, valid while `files` keep their content."""
        hashes = {str(f): self.digest(f) for f in files}
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._file(name)
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps({"files": hashes, "event": event}), encoding="utf-8")
        partial.replace(target)
