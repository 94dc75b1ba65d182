"""Recording a run: into the local history file, or onto the Pages branch.

`record_file` appends the run to `benchmarks.history`; `record_branch` appends it to the
Pages branch's `_benchmarks/` folder through the transaction every `docgen deploy` runs
(fetch, commit, compare-and-swap, push, start again when the remote moved): the history
is read again from the branch on every attempt, so two jobs recording at once both land.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from docgen import __version__
from docgen.benchmarks import history as recorded
from docgen.benchmarks.history import STAGE, History
from docgen.benchmarks.model import Run, utc
from docgen.benchmarks.storage import FOLDER, Unreadable, branch_files
from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["Recorded", "Stamp", "record_branch", "record_file"]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a run is recorded as.

    Attributes:
        date: when it ran, ISO 8601.
        commit: the commit measured, when known.
        version: the release measured, when known.
        machine: the machine or runner it ran on, when known.
    """

    date: str
    commit: str | None = None
    version: str | None = None
    machine: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording did.

    Attributes:
        ok: True when the run was recorded.
        where: the history's file, relative to the root, or `branch:_benchmarks`.
        history: the history afterwards (empty when nothing was recorded).
        number: the recorded run's number in the history, or None.
        commit: the Pages branch's commit afterwards, for `record_branch`.
        pushed: True when that commit was pushed.
        diagnostics: what was found on the way.
    """

    ok: bool
    where: str
    history: History = field(default_factory=History)
    number: int | None = None
    commit: str | None = None
    pushed: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()


def _settings(config: DocgenConfig) -> BenchmarksConfig:
    return config.benchmarks or BenchmarksConfig()


def _add(
    history: History, runs: Sequence[Run], stamp: Stamp, settings: BenchmarksConfig
) -> History:
    return recorded.add(
        history,
        runs,
        commit=stamp.commit,
        version=stamp.version,
        date=stamp.date,
        machine=stamp.machine,
        keep_runs=settings.keep_runs,
        keep_days=settings.keep_days,
        keep_samples=settings.keep_samples,
        keep_releases=settings.keep_releases,
    )


def _number(history: History, stamp: Stamp) -> int | None:
    wanted = (utc(stamp.date), stamp.commit, stamp.version, stamp.machine)
    return next((r.number for r in history.runs if r.identity == wanted), None)


def record_file(config: DocgenConfig, runs: Sequence[Run], stamp: Stamp) -> Recorded:
    """Append `runs` (the result files of one run, read) as one run to the local history
    file, stamped with `stamp`; `config` gives the file and the retention.

    A history that cannot be read is never overwritten: DG020/DG021, nothing written.
    """
    settings = _settings(config)
    path = config.root / settings.history
    shown = config.relative(path)
    before, problems = recorded.load(config)
    if problems:
        return Recorded(False, shown, diagnostics=problems)
    after = _add(before, runs, stamp, settings)
    try:
        recorded.write_file(path, after)
    except OSError as error:
        problem = Diagnostic(
            "DG025",
            Severity.ERROR,
            f"the benchmark history cannot be written: {error.strerror or error}",
            Location(shown),
            "check that the folder can be written to, or set `benchmarks: history:`",
            STAGE,
        )
        return Recorded(False, shown, diagnostics=(problem,))
    return Recorded(True, shown, after, _number(after, stamp))


def record_branch(
    config: DocgenConfig,
    runs: Sequence[Run],
    stamp: Stamp,
    *,
    branch: str | None = None,
    remote: str | None = None,
    push: bool = True,
    fetch: bool = True,
    attempts: int = 10,
    squash_history: int | None = None,
) -> Recorded:
    """Append `runs` as one run, stamped with `stamp`, to the Pages branch's history, with
    the deploy transaction: versions, the default and every other file stay as they are.

    Args:
        config: the project (its root is the git repository; `deploy` gives the defaults).
        runs: the result files of one run, read.
        stamp: what the run is recorded as.
        branch: the Pages branch; None takes `deploy.branch`.
        remote: the remote; None takes `deploy.remote`.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first.
        attempts: how many times to start again when the remote moved meanwhile.
        squash_history: keep only this many commits of the branch's history, as `docgen
            deploy --squash-history` does (0: all); None takes `deploy.squash_history`.
    """
    from docgen.deploy.git import Git  # noqa: PLC0415 - git loads only when recording there
    from docgen.deploy.outcome import Branch, Change, Refused, Target  # noqa: PLC0415
    from docgen.deploy.transaction import transact  # noqa: PLC0415

    deploy = config.deploy
    name = branch or (deploy.branch if deploy else "gh-pages")
    source = remote or (deploy.remote if deploy else "origin")
    settings = _settings(config)
    git = Git(config.root)
    written: list[History] = []
    short = stamp.commit[:10] if stamp.commit else "an unknown commit"
    count = len({s.key for run in runs for s in run.series if s.points})

    def plan(state: Branch) -> Change:
        ours = {p: e.sha for p, e in state.files.items() if p.startswith(f"{FOLDER}/")}
        blobs = git.blobs(ours.values())
        files = {p[len(FOLDER) + 1 :]: blobs[sha] for p, sha in ours.items()}
        try:
            before = recorded.from_branch(files, f"{name}:{FOLDER}")
        except Unreadable as error:
            raise Refused(recorded.problem(error)) from None
        after = _add(before, runs, stamp, settings)
        written.append(after)
        content = branch_files(after.runs, after.series)
        return Change(
            f"Recorded benchmarks of {short} ({count} series) with docgen {__version__}",
            state.versions,
            state.default,
            (FOLDER,),
            {f"{FOLDER}/{p}": (data, FOLDER) for p, data in content.items()},
        )

    squash = (
        squash_history if squash_history is not None else (deploy.squash_history if deploy else 0)
    )
    target = Target(config.root, name, source, push, attempts, fetch, squash)
    outcome = transact(target, plan)
    where = f"{name}:{FOLDER}"
    if not outcome.ok or not written:
        return Recorded(False, where, diagnostics=outcome.diagnostics)
    return Recorded(
        True,
        where,
        written[-1],
        _number(written[-1], stamp),
        outcome.commit,
        outcome.pushed,
        outcome.diagnostics,
    )
