"""Other projects' inventories (`api.inventories`), so references can link into their docs.

An entry is the URL of an `objects.inv` (its folder is the base of its links), or a base
URL and a local file separated by a space (`https://docs.python.org/3/ python.inv`).
Downloads are kept under the cache for a day; `--offline` reads the cache only.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen.api.inventory import read_inventory
from docgen.api.xref import Target
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["MAX_AGE", "External", "load"]

MAX_AGE = 86_400.0
"""Seconds a downloaded inventory is reused before it is fetched again."""


@dataclass(slots=True)
class External:
    """Other projects' symbols, what went wrong reading them, and what was skipped.

    Attributes:
        targets: each external symbol's dotted name and where it links to.
        diagnostics: one for each inventory that could not be read.
        skipped_offline: how many inventories were not downloaded because of `--offline`.
    """

    targets: dict[str, Target] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped_offline: int = 0


def _warn(message: str, hint: str) -> Diagnostic:
    return Diagnostic("DG609", Severity.WARNING, message, Location("mkdocs.yml"), hint, "api")


def _download(
    url: str, folder: Path, offline: bool, timeout: float, found: External
) -> bytes | None:
    cached = folder / f"{hashlib.sha256(url.encode()).hexdigest()[:24]}.inv"
    fresh = cached.is_file() and time.time() - cached.stat().st_mtime < MAX_AGE
    if offline or fresh:
        if cached.is_file():
            return cached.read_bytes()
        found.skipped_offline += 1
        found.diagnostics.append(
            Diagnostic(
                "DG610",
                Severity.INFO,
                f"inventory {url} not read: offline, and not in the cache",
                None,
                "build once without --offline to cache it",
                "api",
            )
        )
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 — the user's URL
            data: bytes = response.read()
    except (urllib.error.URLError, OSError, ValueError) as error:
        if cached.is_file():
            return cached.read_bytes()
        found.diagnostics.append(
            _warn(
                f"inventory {url} can't be downloaded: {error}",
                "check the URL in `api.inventories`",
            )
        )
        return None
    folder.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def load(
    entries: Sequence[str], root: Path, folder: Path, offline: bool, timeout: float = 10.0
) -> External:
    """Read every configured inventory; one diagnostic for each that can't be read.

    Args:
        entries: `api.inventories`: `URL/objects.inv`, or `BASE_URL path/to/objects.inv`.
        root: the project root, against which a local inventory's path is read.
        folder: the cache folder for downloaded inventories.
        offline: never download; use only cached or local inventories.
        timeout: seconds to wait for one download.
    """
    found = External()
    for entry in entries:
        base, _, local = entry.strip().partition(" ")
        if "://" not in base:
            found.diagnostics.append(
                _warn(
                    f"inventory '{entry}' has no base URL for its links",
                    "write `URL/objects.inv`, or `BASE_URL path/to/objects.inv`",
                )
            )
            continue
        if local.strip():
            path = root / local.strip()
            try:
                data: bytes | None = path.read_bytes()
            except OSError as error:
                found.diagnostics.append(
                    _warn(
                        f"inventory {local.strip()} can't be read: {error.strerror}",
                        "check the path",
                    )
                )
                continue
        else:
            data = _download(base, folder, offline, timeout, found)
            base = base.rsplit("/", 1)[0]
        if data is None:
            continue
        try:
            targets = read_inventory(data, base)
        except ValueError as error:
            found.diagnostics.append(
                _warn(
                    f"inventory '{entry}' can't be read: {error}",
                    "check that it is a Sphinx objects.inv",
                )
            )
            continue
        for name, target in targets.items():
            found.targets.setdefault(name, target)
    return found
