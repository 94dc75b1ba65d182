"""Spread per-page work over the machine's cores, in forked worker processes.

A site of hundreds of pages repeats its navigation on every page, so parsing it is
CPU-bound work that holds the GIL: processes, not threads. Workers are forked, so that
what they need reaches them without pickling; each task is a chunk of page paths and
returns compact data. Small sites, machines with one core and platforms without `fork`
take the serial path, which runs the very same function.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["MIN_PAGES", "map_chunks", "workers"]

Context = TypeVar("Context")
Result = TypeVar("Result")

MIN_PAGES = 64
"""Below this many pages a pool costs more (forking, pickling) than it saves."""
# Chunks per worker: enough to even out pages of unequal size, few enough to stay cheap.
_CHUNKS_PER_WORKER = 4

# What a forked worker runs: set in the parent just before the pool forks.
_TASK: dict[str, tuple[Callable[[Any, Sequence[str]], Any], Any]] = {}


def workers() -> int:
    """How many worker processes to use: the cores this process may run on."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover - Windows has no fork
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _call(chunk: Sequence[str]) -> Any:
    function, context = _TASK["task"]
    return function(context, chunk)


def _chunks(items: Sequence[str], count: int) -> list[Sequence[str]]:
    size = -(-len(items) // count)
    return [items[start : start + size] for start in range(0, len(items), size)]


def map_chunks(
    function: Callable[[Context, Sequence[str]], Result],
    context: Context,
    items: Sequence[str],
    *,
    processes: int | None = None,
) -> list[Result]:
    """`function(context, chunk)` for consecutive chunks of `items`, results in order.

    Runs in forked workers when there are several cores and at least `MIN_PAGES` items,
    else once in this process over all of `items`. `function` and `context` reach the
    workers through the fork, never pickled; only chunks and results are. `processes` is
    the number of workers (default: `workers()`; below 2, no pool).
    """
    count = workers() if processes is None else processes
    if count < 2 or len(items) < MIN_PAGES:
        return [function(context, items)]
    _TASK["task"] = (function, context)
    try:
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
        with pool:
            return list(pool.map(_call, _chunks(items, count * _CHUNKS_PER_WORKER)))
    except (BrokenProcessPool, OSError):
        # A worker died (out of memory, killed) or none could start: do it all here.
        return [function(context, items)]
    finally:
        _TASK.clear()
