"""Run each page's examples in its own sandboxed subprocess, pages in parallel.

The sandbox: a fresh temporary working directory, HOME and TMPDIR inside it, stdin
closed, credentials scrubbed from the environment, the network off unless allowed,
resource limits (CPU time, memory, file size, processes), each block's timeout enforced
by killing the page's whole process group; processes that left the group are ended by
the page (or, once it is killed, by the worker) that adopted them. Everything is removed
afterwards, whatever happened.

Pages run on `docgen.pool`'s started workers: `sandbox.jobs` warm interpreters
(runner_child as a server), each forking a fresh process per page and watching it
(runner_serve), a free worker taking the next page. The parent sends a page and reads
its result: one request and one answer per page.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import pool
from docgen.examples.collect import Example
from docgen.examples.runner_serve import GRACE, Records, remove, watch
from docgen.pool import Outcome, Workers

__all__ = [
    "SECRET_WORDS",
    "PageRun",
    "Sandbox",
    "environment",
    "make_job",
    "page_request",
    "run_page",
    "run_pages",
    "start_workers",
]

CHILD = Path(__file__).with_name("runner_child.py")
# Any variable whose name holds one of these is not passed to the examples.
SECRET_WORDS = ("TOKEN", "SECRET", "PASS", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE")
"""An environment variable whose name holds one of these (in any case) is withheld."""


@dataclass(frozen=True, slots=True)
class Sandbox:
    """How examples are run: limits that apply to every page.

    Attributes:
        timeout: seconds one block may run, unless its `timeout=` marker says otherwise.
        output_limit: bytes of output (stdout and stderr) one block may print.
        memory_limit: bytes of address space one page's process may use.
        jobs: how many pages run at the same time.
        python: the interpreter that runs the examples.
        fork_server: fork each page from a warm worker started once, rather than
            start a new interpreter per page.
        network: let the examples' Python code reach the network (off: every attempt is
            refused, and reported as needing the network).
        setup: Python code run in every page's namespace before its first block.
    """

    timeout: float = 10.0
    output_limit: int = 1_000_000
    memory_limit: int = 2 * 1024**3
    jobs: int = 1
    python: str = sys.executable
    fork_server: bool = True
    network: bool = False
    setup: str = ""


@dataclass(frozen=True, slots=True)
class PageRun:
    """What one page's subprocess reported: its `end` records, and how it ended.

    `timed_out` is the index of the block that ran out of time; `returncode` is the
    subprocess's (negative: killed by that signal); `unfinished` is the block that was
    running when the process ended without reporting it (`os._exit`, a crash); `setup` is
    the failure of `examples.setup` on this page, if it failed (then the page's Python
    blocks were not run).

    Attributes:
        path: the page, relative to the project root.
        output: the end of what the process printed since its last block started (at
            most 4000 characters), shown when the process crashed.
        seconds: wall-clock time of the run, start-up and clean-up included.
        error: why the process could not be started, or None when it was.
        blocks: the examples that were handed to the process, in order.
    """

    path: str
    records: tuple[Mapping[str, Any], ...] = ()
    returncode: int = 0
    timed_out: int | None = None
    unfinished: int | None = None
    output: str = ""
    seconds: float = 0.0
    error: str | None = None
    blocks: tuple[Example, ...] = field(default=(), repr=False)
    setup: Mapping[str, Any] | None = None


def environment(base: Mapping[str, str], home: Path, tmp: Path) -> dict[str, str]:
    """The examples' environment: no credentials, a temporary HOME, stable output.

    Args:
        base: the environment to start from, usually `os.environ`; variables named after
            `SECRET_WORDS` are left out.
        home: the folder HOME points to.
        tmp: the folder TMPDIR, TEMP and TMP point to.
    """
    env = {
        name: value
        for name, value in base.items()
        if not any(word in name.upper() for word in SECRET_WORDS)
        and name not in {"PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT"}
    }
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        TEMP=str(tmp),
        TMP=str(tmp),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
        COLUMNS="80",
    )
    return env


def _block(index: int, example: Example) -> dict[str, Any]:
    return {
        "index": index,
        "language": example.language,
        "code": example.code,
        "line": example.code_line,
        "raises": example.markers.raises,
        "exit": example.markers.exit,
        "output_ignore": example.markers.output_ignore,
        "title": example.title,
        "main": example.markers.main,
        "includes": [list(include) for include in example.includes],
    }


def _limits(sandbox: Sandbox, examples: Sequence[Example]) -> dict[str, int]:
    total = sum(example.markers.timeout or sandbox.timeout for example in examples)
    return {
        "cpu": int(total + 10),
        "as": sandbox.memory_limit,
        "fsize": max(64 * 1024**2, 4 * sandbox.output_limit),
        "nproc": 4096,
        "core": 0,
    }


def make_job(
    path: str, examples: Sequence[Example], sandbox: Sandbox, root: Path
) -> dict[str, Any]:
    """The job file's content for runner_child: the page's blocks, files and limits.

    Args:
        path: the page, relative to the project root; tracebacks name it.
        examples: the page's runnable examples, in order.
        sandbox: the limits to apply.
        root: the page's temporary folder, where the results and output files go.
    """
    results = root / "results.jsonl"
    results.touch()
    return {
        "path": path,
        "results": str(results),
        "output": str(root / "output"),
        "scratch": str(root / "scratch"),
        "output_limit": sandbox.output_limit,
        "network": sandbox.network,
        "setup": sandbox.setup,
        "limits": _limits(sandbox, examples),
        "blocks": [_block(index, example) for index, example in enumerate(examples)],
    }


def run_page(path: str, examples: Sequence[Example], sandbox: Sandbox) -> PageRun:
    """Run one page's runnable examples, in order, in a new sandboxed interpreter.

    The way without warm workers (`fork_server: false`): slower (Python starts once per
    page), for an interpreter that cannot fork. The job travels in a file.

    Args:
        path: the page, relative to the project root.
        examples: its runnable examples, in order.
        sandbox: the limits and interpreter to run them with.
    """
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="docgen-examples-"))
    try:
        folders = {name: root / name for name in ("work", "home", "tmp", "scratch")}
        for folder in folders.values():
            folder.mkdir()
        job = make_job(path, examples, sandbox, root)
        output = Path(job["output"])
        timeouts = [example.markers.timeout or sandbox.timeout for example in examples]
        records = Records(job["results"])
        env = environment(os.environ, folders["home"], folders["tmp"])
        env["PWD"] = str(folders["work"])
        env.pop("OLDPWD", None)
        try:
            job_file = root / "job.json"
            job_file.write_text(json.dumps(job), encoding="utf-8")
            with output.open("ab") as out:
                proc = subprocess.Popen(
                    [sandbox.python, "-P", str(CHILD), str(job_file)],
                    cwd=folders["work"],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                    start_new_session=True,
                )
            try:
                timed_out = watch(proc.pid, records, timeouts, max(timeouts, default=0) + 10)
            finally:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)  # and what the page left running
                returncode = proc.wait()
            records.read()
        except OSError as exc:
            return PageRun(path, error=str(exc), blocks=tuple(examples))
        finally:
            records.close()
        with output.open("rb") as file:
            tail = file.read(sandbox.output_limit).decode("utf-8", "replace")
        unfinished = records.running[0] if records.running and timed_out is None else None
        return PageRun(
            path,
            records=tuple(records.ended),
            returncode=returncode,
            timed_out=timed_out,
            unfinished=unfinished,
            output=tail[-4000:],
            seconds=time.monotonic() - started,
            blocks=tuple(examples),
            setup=records.setup,
        )
    finally:
        remove(str(root))


def page_request(path: str, examples: Sequence[Example], sandbox: Sandbox) -> dict[str, Any]:
    """What a warm worker needs to run one page (see runner_serve): its job and timeouts.

    The worker adds the paths of the page's folder to the job.

    Args:
        path: the page, relative to the project root.
        examples: its runnable examples, in order.
        sandbox: the limits to apply.
    """
    return {
        "job": {
            "path": path,
            "output_limit": sandbox.output_limit,
            "network": sandbox.network,
            "setup": sandbox.setup,
            "limits": _limits(sandbox, examples),
            "blocks": [_block(index, example) for index, example in enumerate(examples)],
        },
        "timeouts": [example.markers.timeout or sandbox.timeout for example in examples],
    }


def start_workers(sandbox: Sandbox, jobs: int | None = None) -> Workers:
    """The examples' warm workers (`sandbox.jobs` of them, or `jobs`), started now.

    Each is `sandbox.python` running runner_child as a server: pages are forked from it.
    Their start-up overlaps with what the caller does next (collecting the pages).
    """
    tmp = tempfile.gettempdir()
    offline = [] if sandbox.network else ["--offline"]
    return Workers(
        [sandbox.python, "-P", str(CHILD), "--serve", *offline],
        jobs or sandbox.jobs,
        env=environment(os.environ, Path(tmp), Path(tmp)),
        cwd=tmp,
        siblings=True,  # one interpreter starts; it forks the others once warm
    )


def _page_run(path: str, examples: Sequence[Example], outcome: Outcome[Any]) -> PageRun:
    if not outcome.ok or not isinstance(outcome.value, dict):
        return PageRun(path, error=outcome.error, blocks=tuple(examples))
    found = outcome.value
    return PageRun(
        path,
        records=tuple(found["records"]),
        returncode=found["returncode"],
        timed_out=found["timed_out"],
        unfinished=found["unfinished"],
        output=found["output"],
        seconds=found["seconds"],
        blocks=tuple(examples),
        setup=found["setup"],
    )


def run_pages(
    pages: Sequence[tuple[str, Sequence[Example]]],
    sandbox: Sandbox,
    workers: Workers | None = None,
) -> list[PageRun]:
    """Run pages in parallel (`sandbox.jobs` at a time); results in the pages' order.

    With `sandbox.fork_server` (the default), each page is forked from a warm worker
    (`workers`, started earlier by the caller, who closes them; or started here), and
    a free worker takes the next page. Without it, each page is a new interpreter
    (`run_page`), `sandbox.jobs` at a time in the pool's forked workers.
    """
    if not pages:
        return []
    jobs = max(1, min(sandbox.jobs, len(pages)))
    if not sandbox.fork_server:
        outcomes = pool.run(lambda page: run_page(page[0], page[1], sandbox), pages, jobs=jobs)
        return [
            outcome.value
            if outcome.value is not None
            else PageRun(path, error=outcome.error, blocks=tuple(examples))
            for (path, examples), outcome in zip(pages, outcomes, strict=True)
        ]
    own = workers is None
    started = start_workers(sandbox, jobs) if workers is None else workers
    try:
        requests = [page_request(path, examples, sandbox) for path, examples in pages]
        # A safety net: the worker itself ends a block at its timeout.
        limits = [sum(r["timeouts"]) + GRACE * len(r["timeouts"]) + 60 for r in requests]
        outcomes = started.map(requests, timeout=limits)
    finally:
        if own:
            started.close()
    return [
        _page_run(path, examples, outcome)
        for (path, examples), outcome in zip(pages, outcomes, strict=True)
    ]
