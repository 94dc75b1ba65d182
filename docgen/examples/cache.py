"""Remember the pages whose examples all passed, so an unchanged page is not run again.

A page's key covers everything its result depends on: its examples (code, language,
markers, order — not their line numbers, so editing prose around them keeps the cache),
the sandbox's limits, network and `examples.setup`, the interpreter, every installed
distribution (name and version), and the project's own Python sources and build files
(size and modification time), so an example that imports the project is re-run when the
project changes. Only clean results are kept: a failing page runs every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from docgen.examples.collect import Example
from docgen.examples.run import Sandbox

__all__ = ["ResultCache", "environment_key", "page_key"]

VERSION = "1"  # bump when what is cached, or how examples run, changes
_SKIP_DIRS = frozenset({"node_modules", "site", "__pycache__", "build", "dist"})
_PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"})
_MAX_FILES = 20_000


def _packages() -> list[str]:
    # The folder names of installed distributions carry name and version
    # (`PyYAML-6.0.3.dist-info`): listing them is ~100x faster than reading metadata.
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                found.update(
                    item.name for item in listing if item.name.endswith((".dist-info", ".egg-info"))
                )
        except OSError:
            continue
    return sorted(found)


def _project(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not (Path(folder) / d / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith(".py") or name in _PROJECT_FILES:
                path = Path(folder) / name
                stat = path.stat()
                found.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
                if len(found) >= _MAX_FILES:
                    return found
    return found


def environment_key(root: Path, sandbox: Sandbox) -> str:
    """What every page's result depends on besides its own examples.

    Args:
        root: the project root, whose Python sources and build files are part of the key.
        sandbox: the limits, network, setup and interpreter the examples run with.
    """
    parts = {
        "version": VERSION,
        "python": [sys.version, sandbox.python],
        "sandbox": [sandbox.timeout, sandbox.output_limit, sandbox.memory_limit],
        "network": sandbox.network,
        "setup": sandbox.setup,
        "packages": _packages(),
        "project": _project(root),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def page_key(environment: str, path: str, examples: Sequence[Example]) -> str:
    """The key of one page's run: the environment, the page and its examples' content.

    Args:
        environment: from `environment_key`.
        path: the page, relative to the project root.
        examples: the page's runnable examples; their line numbers are left out.
    """
    parts = [
        environment,
        path,
        [[e.language, e.code, e.title, sorted(e.markers.to_dict().items())] for e in examples],
        [_included(include[1]) for e in examples for include in e.includes],
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _included(path: str) -> str:
    """The content's hash of a file a block includes: a change runs the page again."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


class ResultCache:
    """Clean results on disk, one small file per page key.

    Attributes:
        folder: where the files are kept; created on the first write.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def passed(self, key: str) -> bool:
        """Did the page with this key pass before?"""
        return self._file(key).is_file()

    def remember(self, key: str, path: str, blocks: int) -> None:
        """Keep a clean result; a cache that cannot be written only costs a re-run.

        Args:
            key: from `page_key`.
            path: the page, kept in the file for whoever looks at the cache.
            blocks: how many blocks ran, also only for the reader.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self._file(key).with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"page": path, "blocks": blocks}), encoding="utf-8")
            temporary.replace(self._file(key))
        except OSError:
            pass
