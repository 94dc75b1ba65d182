"""Spread per-page work over the machine's cores, in the pool's forked workers.

A site of hundreds of pages repeats its navigation on every page, so parsing it is
CPU-bound work that holds the GIL: processes, not threads. Workers are forked
(`docgen.pool.run`), so that what they need reaches them without pickling; each task is
a chunk of page paths and returns compact data. Small sites, machines with one core and
platforms without `fork` take the serial path, which runs the very same function.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from docgen import pool

__all__ = ["MIN_PAGES", "map_chunks", "workers"]

Context = TypeVar("Context")
Result = TypeVar("Result")

MIN_PAGES = 64
"""Below this many pages a pool costs more (forking, pickling) than it saves."""
# Chunks per worker: enough to even out pages of unequal size, few enough to stay cheap.
_CHUNKS_PER_WORKER = 4


def workers() -> int:
    """How many worker processes to use: the cores this process may run on."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover - Windows has no fork
    return pool.cores()


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
    workers through the fork, and so do the chunks; only results are pickled. `processes` is
    the number of workers (default: `workers()`; below 2, no pool).
    """
    count = workers() if processes is None else processes
    if count < 2 or len(items) < MIN_PAGES:
        return [function(context, items)]
    task = functools.partial(function, context)
    outcomes = pool.run(task, _chunks(items, count * _CHUNKS_PER_WORKER), jobs=count)
    if not all(outcome.ok for outcome in outcomes):
        # A worker died (out of memory, killed) or none could start: do it all here.
        return [function(context, items)]
    return [cast("Result", outcome.value) for outcome in outcomes]
