"""Run extraction workers: a subprocess per batch of modules, a timeout, restarts.

A module that hangs or kills its worker costs one diagnostic: the worker is replaced and
the modules after it are still documented. Batches run in parallel, one per core, on the
pool's forked workers (`docgen.pool.run`), each driving its batch's subprocesses.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import docgen
from docgen import pool

__all__ = ["extract", "worker_env"]

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
# Time for a worker to start Python and import pdoc, then for it to report a module on
# top of the per-module timeout (short timeouts get a shorter grace: tests stay quick).
_STARTUP = 30.0
_GRACE = 10.0
# How long a worker that has sent every module may take to exit before it is killed.
_EXIT = 2.0


def worker_env(path: Sequence[Path]) -> dict[str, str]:
    """The workers' environment: the user's folders, then docgen's own, on PYTHONPATH.

    `path` is the user's folders, in the order modules are looked for in them.
    """
    env = dict(os.environ)
    ours = str(Path(docgen.__file__).resolve().parent.parent)
    parts = [str(p) for p in path] + [ours]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    # A set's order follows string hashes: one seed, so a set's value reads the same in
    # every build (and pages, the page cache and deploys don't change for nothing).
    env["PYTHONHASHSEED"] = "0"
    return env


def _read(stream: IO[str], events: queue.Queue[str | None]) -> None:
    for line in stream:
        events.put(line)
    events.put(None)


def _stopped(
    name: str, files: Mapping[str, Path], stderr: str, returncode: int | None
) -> dict[str, Any]:
    """The event for the module a worker was on when it hung or died."""
    own = str(files[name]) if name in files else None
    frames = [(m["file"], int(m["line"])) for m in _FRAME.finditer(stderr)]
    ours = str(Path(docgen.__file__).resolve().parent)
    where = next((f for f in frames if f[0] == own), None) or next(
        (f for f in frames if not f[0].startswith((ours, "<"))), None
    )
    if returncode is None or "Timeout (" in stderr:
        message = "hangs on import (stopped after the timeout)"
    else:
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        message = f"stopped the Python process on import (exit code {returncode}): {tail[0]}"
    return {
        "module": name,
        "error": message,
        "file": where[0] if where else own,
        "line": where[1] if where else None,
    }


def _one_worker(
    names: list[str],
    request: Mapping[str, Any],
    env: Mapping[str, str],
    files: Mapping[str, Path],
    results: dict[str, dict[str, Any]],
) -> None:
    timeout = float(request["timeout"])
    with tempfile.TemporaryDirectory(prefix="docgen-api-") as tmp:
        request_file = Path(tmp) / "request.json"
        request_file.write_text(json.dumps({**request, "modules": names}), encoding="utf-8")
        stderr_file = Path(tmp) / "stderr.txt"
        with stderr_file.open("w+", encoding="utf-8", errors="replace") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "docgen.api.worker", str(request_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=dict(env),
                cwd=tmp,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
            assert proc.stdout is not None
            events: queue.Queue[str | None] = queue.Queue()
            reader = threading.Thread(target=_read, args=(proc.stdout, events), daemon=True)
            reader.start()
            current: str | None = None
            hung = False
            left = len(names)
            while left:
                try:
                    # Starting Python and pdoc may take a while on a busy machine; after
                    # that the worker's own watchdog ends a module at `timeout`.
                    first = current is None and left == len(names)
                    grace = _STARTUP if first else min(_GRACE, max(2.0, timeout))
                    line = events.get(timeout=timeout + grace)
                except queue.Empty:
                    hung = True
                    break
                if line is None:
                    break
                event = json.loads(line)
                if "start" in event:
                    current = event["start"]
                else:
                    results[event["module"]] = event
                    current = None
                    left -= 1
            try:
                # A thread the user's code started may keep a finished worker alive.
                returncode: int | None = proc.wait(timeout=0 if hung else _EXIT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                returncode = None
            reader.join()
            proc.stdout.close()
            stderr.seek(0)
            output = stderr.read()
    if current is not None:
        results[current] = _stopped(current, files, output, returncode)
    elif names[0] not in results:
        # The worker died before its first module: every module of the batch says why.
        for name in names:
            results.setdefault(name, _stopped(name, files, output, returncode))


def _batch(
    names: list[str],
    request: Mapping[str, Any],
    env: Mapping[str, str],
    files: Mapping[str, Path],
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    pending = list(names)
    while pending:
        _one_worker(pending, request, env, files, results)
        pending = [n for n in pending if n not in results]
    return results


def extract(
    files: Mapping[str, Path],
    request: Mapping[str, Any],
    env: Mapping[str, str],
    jobs: int,
) -> dict[str, dict[str, Any]]:
    """Document the modules named in `files` in up to `jobs` workers; an event per module.

    Args:
        files: each module's dotted name and its source file.
        request: the options sent to every worker (docstring format, private, inherited).
        env: the workers' environment, from `worker_env`.
        jobs: the most workers to run at once.
    """
    names = list(files)
    if not names:
        return {}
    jobs = max(1, min(jobs, len(names)))
    # Round robin: neighbouring modules are often alike in cost, so batches even out.
    batches = [names[i::jobs] for i in range(jobs)]
    results: dict[str, dict[str, Any]] = {}
    outcomes = pool.run(lambda batch: _batch(batch, request, env, files), batches, jobs=jobs)
    for batch, outcome in zip(batches, outcomes, strict=True):
        if outcome.value is not None:
            results.update(outcome.value)
            continue
        for name in batch:  # its driver died (out of memory, killed): each module says so
            results[name] = {
                "module": name,
                "error": f"could not be documented: {outcome.error}",
                "file": str(files[name]),
                "line": None,
            }
    return {name: results[name] for name in names}
