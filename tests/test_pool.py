"""The one worker pool: forked workers (`run`) and started workers (`Workers`).

Real processes throughout: tasks that sleep, raise, die, hang, and a caller interrupted
by Ctrl-C (SIGINT from a timer) while its workers run.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from docgen import pool
from docgen.pool import Outcome, Workers


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _raises(item: int) -> int:
    if item == 1:
        raise ValueError(f"bad item {item}")
    return item * 10


def _dies(item: int) -> int:
    if item == 1:
        os._exit(3)
    return item


def _hangs(item: int) -> int:
    if item == 1:
        time.sleep(60)
    return item


def test_outcomes_come_in_the_tasks_order_from_forked_workers() -> None:
    # The first task is the slowest: the other worker takes every later one meanwhile.
    outcomes = pool.run(_pid_after, [0.4, 0.0, 0.0, 0.0, 0.0], jobs=2)
    assert all(outcome.ok for outcome in outcomes)
    pids = [outcome.value for outcome in outcomes]
    assert os.getpid() not in pids
    assert len(set(pids)) == 2
    assert pids[1:] == [pids[1]] * 4  # work stealing: one worker did all the short ones


def test_a_task_that_raises_is_an_outcome_not_a_crash() -> None:
    for jobs in (1, 2):
        first, second, third = pool.run(_raises, [0, 1, 2], jobs=jobs)
        assert (first.value, third.value) == (0, 20)
        assert not second.ok
        assert second.error == "ValueError: bad item 1"
        assert "in _raises" in second.detail
        assert second.value is None


def test_a_worker_that_dies_is_replaced() -> None:
    outcomes = pool.run(_dies, [0, 1, 2, 3], jobs=2)
    assert [outcome.value for outcome in outcomes] == [0, None, 2, 3]
    assert outcomes[1].error == "its worker exited with status 3"


def test_a_task_past_its_timeout_ends_its_worker() -> None:
    started = time.monotonic()
    outcomes = pool.run(_hangs, [0, 1, 2, 3], jobs=2, timeout=0.5)
    assert time.monotonic() - started < 10
    assert [outcome.value for outcome in outcomes] == [0, None, 2, 3]
    assert outcomes[1] == Outcome(error="timed out after 0.5 s", timed_out=True)


def test_one_job_one_item_or_other_threads_run_here() -> None:
    here = os.getpid()
    assert [o.value for o in pool.run(_pid_after, [0.0, 0.0], jobs=1)] == [here, here]
    assert [o.value for o in pool.run(_pid_after, [0.0], jobs=4)] == [here]
    assert pool.run(_pid_after, [], jobs=2) == []
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # forking a process with threads is unsafe: done here instead
        assert [o.value for o in pool.run(_pid_after, [0.0, 0.0], jobs=2)] == [here, here]
    finally:
        stop.set()
        thread.join()


def test_big_and_unpicklable_values() -> None:
    big = pool.run(lambda n: "x" * n, [300_000, 5], jobs=2)
    assert [len(o.value or "") for o in big] == [300_000, 5]
    (lock, ok) = pool.run(lambda n: threading.Lock() if n else n, [1, 0], jobs=2)
    assert lock.error is not None
    assert lock.error.startswith("TypeError: cannot pickle")
    assert ok.value == 0


@pytest.fixture
def interrupt_after() -> Iterator[None]:
    """SIGINT (Ctrl-C) to this process 0.5 s after the test starts."""

    def handler(_signal: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _write_pid_and_hang(folder: Path) -> None:
    (folder / str(os.getpid())).touch()
    time.sleep(60)


@pytest.mark.usefixtures("interrupt_after")
def test_ctrl_c_ends_the_forked_workers(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.run(_write_pid_and_hang, [tmp_path, tmp_path, tmp_path], jobs=2)
    assert time.monotonic() - started < 10
    pids = [int(path.name) for path in tmp_path.iterdir()]
    assert len(pids) == 2
    assert not any(_alive(pid) for pid in pids)


WORKER = """\
import json, os, sys, time
for line in sys.stdin:
    request = json.loads(line)
    if request.get("sleep"):
        time.sleep(request["sleep"])
    if request.get("exit") is not None:
        os._exit(request["exit"])
    if request.get("fail"):
        answer = {"error": request["fail"], "detail": "why"}
    else:
        answer = {"value": [request.get("n"), os.getpid()]}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""


@pytest.fixture
def worker(tmp_path: Path) -> list[str]:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    return [sys.executable, str(script)]


def test_started_workers_answer_in_order_and_stay_warm(worker: list[str]) -> None:
    with Workers(worker, 2) as workers:
        pids = set(workers.pids)
        assert len(pids) == 2
        requests = [{"n": 0, "sleep": 0.4}] + [{"n": n} for n in range(1, 6)]
        outcomes = workers.map(requests)
        assert [o.value[0] for o in outcomes if o.value] == [0, 1, 2, 3, 4, 5]
        assert {o.value[1] for o in outcomes if o.value} == pids
        again = workers.map([{"n": 9}])
        assert again[0].value is not None
        assert again[0].value[1] in pids  # the same processes, still running
    assert workers.pids == []


def test_started_workers_errors_deaths_and_timeouts(worker: list[str]) -> None:
    with Workers(worker, 2, cwd="/", env=dict(os.environ)) as workers:
        first = workers.pids
        failed, died, hung, fine = workers.map(
            [{"fail": "no good"}, {"exit": 4}, {"sleep": 60}, {"n": 1}], timeout=[None, 5, 0.5, 5]
        )
        assert failed == Outcome(error="no good", detail="why")
        assert died.error == "its worker exited with status 4"
        assert hung.timed_out
        assert hung.error == "timed out after 0.5 s"
        assert fine.value is not None
        assert fine.value[0] == 1
        assert len(workers.pids) == 2  # the dead and the hung one were replaced
        assert set(workers.pids) != set(first)


def test_unused_started_workers_are_ended_at_once(worker: list[str]) -> None:
    workers = Workers([*worker, "--never-read"], 2)
    pids = workers.pids
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < 2
    assert not any(_alive(pid) for pid in pids)


def test_a_command_that_cannot_start_is_an_error_per_request() -> None:
    workers = Workers(["/nonexistent/worker"], 2)
    assert workers.pids == []
    outcomes = workers.map([{"n": 1}, {"n": 2}])
    assert [o.error for o in outcomes] == [
        "could not start a worker: [Errno 2] No such file or directory: '/nonexistent/worker'"
    ] * 2
    workers.close()


@pytest.mark.usefixtures("interrupt_after")
def test_ctrl_c_ends_the_started_workers(worker: list[str]) -> None:
    workers = Workers(worker, 2)
    pids = workers.pids
    with pytest.raises(KeyboardInterrupt), workers:
        workers.map([{"sleep": 60}, {"sleep": 60}])
    assert workers.pids == []
    assert not any(_alive(pid) for pid in pids)


def test_cores() -> None:
    assert 1 <= pool.cores() <= (os.cpu_count() or 1)


SIBLINGS = (
    """\
import json, os, sys, time
pairs = sys.argv[sys.argv.index("--siblings") + 1].split(",") if "--siblings" in sys.argv else []
for pair in pairs:  # once warm, fork the other workers onto the pipes they were given
    read, write = (int(fd) for fd in pair.split(":"))
    if os.fork() == 0:
        os.dup2(read, 0)
        os.dup2(write, 1)
        sys.stdout.write(json.dumps({"pid": os.getpid()}) + "\\n")
        sys.stdout.flush()
        break
for fd in [int(fd) for pair in pairs for fd in pair.split(":")]:
    os.close(fd)  # only the worker that uses a pipe keeps it: the others see its end
"""
    + WORKER
)


def test_siblings_are_forked_by_the_first_worker(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(SIBLINGS, encoding="utf-8")
    with Workers([sys.executable, str(script)], 3, siblings=True) as workers:
        assert workers.pids[1:] == [0, 0]  # not known until they say
        outcomes = workers.map([{"n": 0, "sleep": 0.3}] + [{"n": n} for n in range(1, 9)])
        assert [o.value[0] for o in outcomes if o.value] == list(range(9))
        assert len({o.value[1] for o in outcomes if o.value}) == 3
        hung, died = workers.map([{"sleep": 60}, {"exit": 0}], timeout=0.5)
        assert hung.timed_out
        assert died.error in {"its worker ended", "its worker exited with status 0"}
        assert len(workers.pids) == 3
    assert workers.pids == []


def test_a_sibling_that_never_says_its_pid_is_still_ended(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")  # ignores --siblings: nobody answers
    workers = Workers([sys.executable, str(script)], 2, siblings=True)
    started = time.monotonic()
    workers.kill()
    assert time.monotonic() - started < 10
    assert workers.pids == []
