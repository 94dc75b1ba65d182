"""External results kept across runs, so a rerun does not hit the same hosts again.

One JSON file under `cache_dir/links/`. Only good results are kept (a failure may be
transient and must be checked again), and each for at most `max_age` seconds.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path

from docgen.links.external import ExternalResult

__all__ = ["CACHE_VERSION", "load", "save"]

CACHE_VERSION = 1
"""Format of the cache file; a file with another version is ignored and rewritten."""


def _entry(data: object) -> ExternalResult | None:
    if not isinstance(data, dict):
        return None
    try:
        anchors = data.get("anchors")
        return ExternalResult(
            url=str(data["url"]),
            ok=bool(data["ok"]),
            status=int(data["status"]) if data.get("status") is not None else None,
            message=str(data.get("message", "")),
            final_url=data.get("final_url"),
            permanent_redirect=data.get("permanent_redirect"),
            anchors=tuple(anchors) if isinstance(anchors, list) else None,
            checked_at=float(data["checked_at"]),
            from_cache=True,
            page_read=bool(data.get("page_read", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def load(path: Path, max_age: float, now: float | None = None) -> dict[str, ExternalResult]:
    """Good results from the cache file at `path`, younger than `max_age` seconds.

    Empty when the file is absent, of another version or damaged. `now` is the current
    time in seconds since the epoch (default: the clock's), given by tests.
    """
    now = time.time() if now is None else now
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("results")
    found: dict[str, ExternalResult] = {}
    for url, raw in (entries if isinstance(entries, dict) else {}).items():
        result = _entry(raw)
        if result is not None and result.ok and 0 <= now - result.checked_at <= max_age:
            found[url] = result
    return found


def save(path: Path, results: Mapping[str, ExternalResult], max_age: float) -> None:
    """Merge the good `results` into the cache file at `path`.

    Entries older than `max_age` seconds are dropped.

    Written to a temporary file and renamed, so a run stopped halfway leaves the old cache.
    """
    kept = load(path, max_age)
    kept.update({url: r for url, r in results.items() if r.ok})
    payload = {
        "version": CACHE_VERSION,
        "results": {
            url: {
                k: v for k, v in asdict(replace(r, from_cache=False)).items() if k != "from_cache"
            }
            for url, r in sorted(kept.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    temporary.replace(path)
