"""The benchmark history: every recorded run's points, per series, bounded by retention.

`load(config)` reads it: the local file (`benchmarks.history`, default
`.docgen/benchmarks.history`) when there is one, else the folder `_benchmarks/` of the
Pages branch (read with git, no checkout), else it is empty. `add()` appends a run and
applies retention; `docgen bench record` (`docgen.benchmarks.cli`) writes the result back.
How it is written is `docgen.benchmarks.storage`'s business.

Retention, per series: the newest `keep_runs` points, none older than `keep_days` before
the newest run; the newest run of each of the last `keep_releases` versions stays
whatever its age, with its samples. Samples (at most `MAX_SAMPLES` per point) are kept on
the newest `keep_samples` runs and those release runs only: that is what the regression
check compares with; older points keep their value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from docgen.benchmarks import storage
from docgen.benchmarks.model import Point, Run, Series, utc
from docgen.benchmarks.storage import FOLDER, RecordedRun, Unreadable, round_value
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = [
    "MAX_SAMPLES",
    "STAGE",
    "History",
    "RecordedRun",
    "add",
    "from_branch",
    "load",
    "problem",
    "read_file",
    "write_file",
]

STAGE = "benchmarks"
"""The stage name the history's diagnostics carry."""
MAX_SAMPLES = 20
"""At most this many samples are kept per point: evenly spaced ranks of the sorted samples."""
_Identity = tuple[str | None, str | None, str | None, str | None]
_HINT = "repair the file, or move it away to start a new history (its runs are then lost)"


@dataclass(frozen=True, slots=True)
class History:
    """The recorded runs, and each series' points over them.

    Attributes:
        series: one per benchmark and measure, sorted by key; each series' points are
            oldest first and carry their run's commit, date, version and machine.
        runs: the runs still referenced by a point, oldest first.
    """

    series: tuple[Series, ...] = ()
    runs: tuple[RecordedRun, ...] = ()

    def get(self, key: str) -> Series | None:
        """The series of `key` (`parse/small::time`), or None."""
        return next((s for s in self.series if s.key == key), None)

    def releases(self) -> dict[str, RecordedRun]:
        """The newest run of each version, by version, oldest version first."""
        found: dict[str, RecordedRun] = {}
        for run in self.runs:
            if run.version is not None:
                found.pop(run.version, None)
                found[run.version] = run
        return found


def _thin(samples: Sequence[float]) -> tuple[float, ...]:
    ordered = sorted(s for s in samples if math.isfinite(s))
    if len(ordered) <= MAX_SAMPLES:
        return tuple(ordered)
    step = (len(ordered) - 1) / (MAX_SAMPLES - 1)
    return tuple(ordered[round(i * step)] for i in range(MAX_SAMPLES))


def _kept_samples(value: float, samples: Sequence[float]) -> tuple[float, ...]:
    """`samples` as the history writes them: in thousandths of the value (none for 0)."""
    if not value:
        return ()
    return tuple(round_value(value * round(s / value * 1000) / 1000) for s in _thin(samples))


def _point(measured: Point, run: RecordedRun) -> Point:
    value = round_value(measured.value)
    return Point(
        value,
        _kept_samples(value, measured.samples),
        run.commit,
        run.date,
        run.version,
        run.machine,
    )


def _identity(point: Point) -> _Identity:
    return (point.date, point.commit, point.version, point.machine)


def _measured(runs: Sequence[Run]) -> dict[str, tuple[Series, Point]]:
    """Each series key of the result files, with its point; a later file wins."""
    found: dict[str, tuple[Series, Point]] = {}
    for run in runs:
        for series in run.series:
            if series.points and math.isfinite(series.points[-1].value):
                found[series.key] = (series, series.points[-1])
    return found


def _merge(old: Series | None, new: Series, point: Point, order: Mapping[_Identity, int]) -> Series:
    """`old`'s points (none when the unit changed) with `point`, in run order."""
    earlier = () if old is None or old.unit != new.unit else old.points
    points = [p for p in earlier if _identity(p) != _identity(point)]
    points.append(point)
    points.sort(key=lambda p: order[_identity(p)])
    base = old if old is not None and old.unit == new.unit else new
    return replace(base, direction=new.direction, group=new.group, points=tuple(points))


def add(
    history: History,
    runs: Sequence[Run],
    *,
    commit: str | None,
    version: str | None,
    date: str,
    machine: str | None,
    keep_runs: int,
    keep_days: int,
    keep_samples: int = 10,
    keep_releases: int = 10,
) -> History:
    """The history with one more run: the points of `runs` (the result files read), then
    retention applied. Pure: nothing is read or written.

    A series measured twice in `runs` keeps the later file's point. A run with the same
    date, commit, version and machine as one already recorded replaces its points. A
    series whose unit changed starts again.

    Args:
        history: the history so far.
        runs: the result files of this run, read.
        commit: the commit measured, when known.
        version: the release measured, when known.
        date: when it ran, ISO 8601 (see `docgen.benchmarks.model.utc`).
        machine: the machine or runner, when known.
        keep_runs: points kept per series, newest first; 0 keeps them all.
        keep_days: points older than this many days before the newest run are dropped;
            0 keeps them whatever their age.
        keep_samples: the newest runs whose points keep their samples.
        keep_releases: the newest run of each of this many versions stays, with samples.
    """
    when = utc(date)
    wanted = (when, commit, version, machine)
    same = next((r for r in history.runs if r.identity == wanted), None)
    number = same.number if same else max((r.number for r in history.runs), default=0) + 1
    run = RecordedRun(number, when, commit, version, machine)
    table = sorted([*(r for r in history.runs if r is not same), run], key=_run_order)
    order: dict[_Identity, int] = {r.identity: i for i, r in enumerate(table)}
    series = {s.key: s for s in history.series}
    for key, (measured, point) in _measured(runs).items():
        series[key] = _merge(series.get(key), measured, _point(point, run), order)
    return _retain(table, series.values(), keep_runs, keep_days, keep_samples, keep_releases)


def _run_order(run: RecordedRun) -> tuple[str, int]:
    return (run.date, run.number)


def _retain(
    table: Sequence[RecordedRun],
    all_series: Iterable[Series],
    keep_runs: int,
    keep_days: int,
    keep_samples: int,
    keep_releases: int,
) -> History:
    releases = list(History(runs=tuple(table)).releases().values())
    newest = releases[max(len(releases) - keep_releases, 0) :] if keep_releases > 0 else []
    protected = {r.identity for r in newest}
    sampled = {r.identity for r in table[max(len(table) - keep_samples, 0) :]} | protected
    cutoff = None
    if keep_days > 0 and table:
        last = datetime.fromisoformat(table[-1].date)
        cutoff = (last - timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    kept: list[Series] = []
    for one in all_series:
        first = len(one.points) - keep_runs if keep_runs > 0 else 0
        chosen = []
        for index, point in enumerate(one.points):
            identity = _identity(point)
            young = cutoff is None or (point.date or "") >= cutoff
            if identity in protected or (index >= first and young):
                strip = point.samples and identity not in sampled
                chosen.append(replace(point, samples=()) if strip else point)
        if chosen:
            kept.append(replace(one, points=tuple(chosen)))
    used = {_identity(p) for s in kept for p in s.points}
    runs = tuple(r for r in table if r.identity in used)
    return History(tuple(sorted(kept, key=lambda s: s.key)), runs)


# -- reading and writing -----------------------------------------------------------------


def problem(error: Unreadable) -> Diagnostic:
    """The diagnostic of a history that cannot be read (DG020, or DG021 when it is not
    docgen's), at its file and line; `error` says where and what."""
    if error.foreign:
        return Diagnostic(
            "DG021",
            Severity.ERROR,
            f"the benchmark history is not docgen's: {error}",
            Location(error.path, error.line),
            "point `benchmarks: history:` at another file, or move this one away; "
            "docgen starts a new history then",
            STAGE,
        )
    return Diagnostic(
        "DG020",
        Severity.ERROR,
        f"the benchmark history cannot be read: {error}",
        Location(error.path, error.line),
        _HINT,
        STAGE,
    )


def _history(runs: Sequence[RecordedRun], series: Sequence[Series]) -> History:
    return History(tuple(sorted(series, key=lambda s: s.key)), tuple(runs))


def read_file(path: Path, shown: str) -> History:
    """The history in the local file `path` (`shown` is how errors name it).

    Raises:
        Unreadable: the file cannot be read, or is not a docgen history.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text", shown, None) from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error), shown, None) from None
    return _history(*storage.loads(text, shown))


def write_file(path: Path, history: History) -> None:
    """Write `history` to the local file `path`, replacing it whole (never half-written).

    Raises:
        OSError: the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(storage.dumps(history.runs, history.series), encoding="utf-8")
    partial.replace(path)


def from_branch(files: Mapping[str, bytes], where: str) -> History:
    """The history held by the Pages branch's `FOLDER` files (`files`, by path inside it);
    `where` names the folder in errors (`gh-pages:_benchmarks`).

    Raises:
        Unreadable: a file is malformed or not docgen's.
    """
    if not files:
        return History()
    return _history(*storage.from_branch_files(files, where))


def _branch_history(config: DocgenConfig) -> History:
    """The history on the Pages branch: the local branch, or the remote's when newer."""
    from docgen.deploy.git import Git  # noqa: PLC0415 - git runs only without a local file

    if config.deploy is None or not config.root.is_dir():
        return History()
    branch, remote = config.deploy.branch, config.deploy.remote
    git = Git(config.root)
    local = git.rev(f"refs/heads/{branch}")
    tracking = git.rev(f"refs/remotes/{remote}/{branch}")
    commit, name = local, branch
    if tracking is not None and (local is None or git.is_ancestor(local, tracking)):
        commit, name = tracking, f"{remote}/{branch}"
    if commit is None:
        return History()
    tree = git.tree(commit)
    entries = {p[len(FOLDER) + 1 :]: e.sha for p, e in tree.items() if p.startswith(f"{FOLDER}/")}
    blobs = git.blobs(entries.values())
    return from_branch({p: blobs[sha] for p, sha in entries.items()}, f"{name}:{FOLDER}")


def load(config: DocgenConfig) -> tuple[History, tuple[Diagnostic, ...]]:
    """The project's history: its local file when it exists, else the Pages branch's
    (local branch, or `<remote>/<branch>` when that is newer), else an empty one.

    A history that cannot be read is one diagnostic (DG020/DG021) and an empty history.

    Args:
        config: the project's config (`benchmarks.history`, `deploy.branch`, `root`).
    """
    from docgen.deploy.git import GitError  # noqa: PLC0415

    settings = config.benchmarks
    local = config.root / (settings.history if settings else ".docgen/benchmarks.history")
    try:
        if local.is_file():
            return read_file(local, config.relative(local)), ()
        return _branch_history(config), ()
    except Unreadable as error:
        return History(), (problem(error),)
    except GitError as error:
        found = Diagnostic(
            "DG020",
            Severity.ERROR,
            f"the benchmark history cannot be read from the Pages branch: {error}",
            None,
            "check that git works in the project (git status)",
            STAGE,
        )
        return History(), (found,)
