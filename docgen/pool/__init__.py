"""One worker pool: tasks on up to N worker processes, one outcome per task, in order.

Every stage that works in parallel goes through here: the examples (a page per task),
API extraction (a batch of modules per task) and the links stage (a chunk of pages per
task). The pool gives them the same guarantees:

- outcomes come back in the tasks' order, whichever worker finished first;
- a task that raises, or whose worker dies, is an `Outcome` with an `error`, never a
  crash of the caller; a dead worker is replaced and the other tasks go on;
- a task past its `timeout` has its worker ended (its whole process group) and is an
  `Outcome` with `timed_out`;
- idle workers take the next task as soon as they are free (no chunking ahead of time),
  so one slow task does not hold a worker's share of the others;
- Ctrl-C (or any exception in the caller) ends every worker before it propagates.

Workers come in two kinds, because the work does:

- **forked** (`run`): a copy of this process that runs `function(item)` on data it
  already holds, inherited through the fork and never pickled. For CPU-bound Python
  (reading a site's HTML pages). Forking a worker costs ~2 ms; starting an interpreter
  that imports docgen.links instead cost 325-490 ms per worker on the 2-core machine of
  the benchmarks, loaded (a bare interpreter: 40-50 ms). With `jobs` < 2, one item, no
  `fork`, or other threads running (forking them is unsafe), the tasks run here, one
  after another, and `timeout` is not enforced.
- **started** (`Workers`): prestarted interpreters, each running a command that reads
  one JSON request per line on stdin and answers one JSON line on stdout,
  `{"value": ...}` or `{"error": "..."}`. For work that must not inherit this process:
  an example's sandbox forks from a clean, import-light interpreter, not from docgen. A
  page forked from the examples' warm worker starts with 124 modules and 13 MB; one forked
  from docgen with MkDocs loaded would start with 517 modules and 40 MB (3x the memory to
  map at every fork), and with `sys.modules` that is not the reader's. The workers are
  started once and stay warm across `map` calls until `close`.
"""

from docgen.pool.core import Outcome, cores
from docgen.pool.forked import run
from docgen.pool.started import Workers

__all__ = ["Outcome", "Workers", "cores", "run"]
