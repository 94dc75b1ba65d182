"""`docgen bench record FILE...`: append a run of benchmark results to the history.

Without `--push` the run goes into the local history file (`benchmarks.history`). With
`--push` it goes into the Pages branch's `_benchmarks/` folder through the transaction
every `docgen deploy` runs (fetch, commit, compare-and-swap, push, start again when the
remote moved), so two jobs recording at once both land.

Findings go to stderr in the house format, what was recorded to stdout. Exit codes: 0
recorded, 1 a finding (a result file or the history cannot be read, nothing to record,
git failed), 2 the command cannot be done as asked (a bad `--date` or configuration).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity, plural, render_text
from docgen.init.cli import Commands

if TYPE_CHECKING:  # the history and the readers load when the command runs
    from docgen.benchmarks.model import Run
    from docgen.benchmarks.record import Recorded, Stamp

_STAGE = "benchmarks"  # the stage its diagnostics carry, as the history's

__all__ = ["COMMANDS", "add_parsers", "cmd_bench"]

EXAMPLES = """\
examples:
  docgen bench record results.json                  into .docgen/benchmarks.history
  docgen bench record out/*.json --push             onto the Pages branch (CI, main)
  docgen bench record bench.json --version 1.2.0 --push   a release's figures
"""


def add_parsers(commands: Commands) -> None:
    """Add `bench record` to the `docgen` command line's sub-`commands`."""
    bench = commands.add_parser("bench", help="work with benchmark results: record a run")
    actions = bench.add_subparsers(dest="action", metavar="ACTION", required=True)
    record = actions.add_parser(
        "record",
        help="append the results of a run to the benchmark history",
        description="Read result files (any format `docgen dump benchmarks` reads) and "
        "append them as one run to the history: the local file, or the Pages branch "
        "with --push.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    record.add_argument("files", metavar="FILE", nargs="+", help="result files of one run")
    record.add_argument(
        "--commit",
        metavar="SHA",
        help="the commit measured (default: the files', $GITHUB_SHA, git HEAD)",
    )
    record.add_argument("--version", metavar="V", help="the release measured, e.g. 1.2.0")
    record.add_argument("--machine", metavar="M", help="the machine or runner it ran on")
    record.add_argument(
        "--date", metavar="ISO", help="when it ran, ISO 8601 (default: the files', now)"
    )
    record.add_argument(
        "--push", action="store_true", help="record on the Pages branch and push it"
    )
    record.add_argument(
        "-f", "--config-file", type=Path, help="mkdocs.yml path (default: mkdocs.yml or .yaml)"
    )
    record.add_argument("--remote", help="the remote to fetch and push (default: deploy's)")
    record.add_argument("--branch", help="the Pages branch (default: deploy's, gh-pages)")
    record.add_argument(
        "--offline", action="store_true", help="with --push: do not fetch the branch first"
    )
    record.add_argument(
        "--squash-history",
        type=int,
        metavar="N",
        help="with --push: keep only the last N commits of the branch's history "
        "(default: deploy's squash_history)",
    )


def _problem(
    code: str, message: str, hint: str | None, where: Location | None = None
) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, where, hint, _STAGE)


def _config(args: argparse.Namespace) -> DocgenConfig | str:
    """mkdocs.yml's config, or docgen's defaults where there is none; a string says why
    the config cannot be loaded."""
    from docgen.engines import ConfigProblem  # noqa: PLC0415
    from docgen.engines.mkdocs.facade import load_or_defaults  # noqa: PLC0415

    try:
        return load_or_defaults(args.config_file, offline=args.offline)
    except ConfigProblem as problem:
        return str(problem)


def _head(root: Path) -> str | None:
    """The project's `git rev-parse HEAD`, or None outside git (or without git)."""
    from docgen.deploy.git import Git  # noqa: PLC0415 - only when no commit is given

    try:
        return Git(root).rev("HEAD")
    except OSError:
        return None


def _date(text: str | None) -> str | None:
    from docgen.benchmarks.model import utc  # noqa: PLC0415 - loaded when the command runs

    try:
        return utc(text) if text else None
    except ValueError:
        return None


def _first(runs: Sequence[Run], field: str) -> str | None:
    for run in runs:
        for series in run.series:
            for point in series.points:
                value = getattr(point, field)
                if isinstance(value, str) and value:
                    return value
    return None


def _stamp(
    args: argparse.Namespace, config: DocgenConfig, runs: Sequence[Run]
) -> Stamp | Diagnostic:
    """What the run is recorded as: the flags, else the files' own, else the defaults."""
    from docgen.benchmarks.record import Stamp  # noqa: PLC0415

    commit = args.commit or _first(runs, "commit") or os.environ.get("GITHUB_SHA") or None
    date = _date(args.date)
    if args.date and date is None:
        return _problem(
            "DG022",
            f"--date {args.date!r} is not an ISO 8601 date",
            "write it as 2026-12-03T14:59:36Z (a date without a zone is UTC)",
        )
    date = date or _date(_first(runs, "date"))  # a file's odd date: now, as without one
    return Stamp(
        date or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        commit or _head(config.root),
        args.version or _first(runs, "version"),
        args.machine or _first(runs, "machine"),
    )


def _retention(config: DocgenConfig, settings: BenchmarksConfig) -> Diagnostic | None:
    names = ("keep_runs", "keep_days", "keep_samples", "keep_releases")
    negative = [n for n in names if getattr(settings, n) < 0]
    if not negative:
        return None
    return _problem(
        "DG023",
        f"benchmarks: {negative[0]} is {getattr(settings, negative[0])}: it cannot be negative",
        "set it to 0 or more (keep_runs and keep_days: 0 means no limit)",
        Location(config.relative(config.site_config)),
    )


def _read(config: DocgenConfig, files: Sequence[str]) -> tuple[list[Run], list[Diagnostic]]:
    from docgen.benchmarks import results  # noqa: PLC0415 - the readers load when needed

    found = results.read(config, files)
    return list(found.runs), list(found.diagnostics)


def _count(runs: Sequence[Run]) -> int:
    return len({s.key for run in runs for s in run.series if s.points})


def _said(done: Recorded, stamp: Stamp, series: int) -> str:
    commit = stamp.commit[:10] if stamp.commit else "an unknown commit"
    version = f", version {stamp.version}" if stamp.version else ""
    machine = f", on {stamp.machine}" if stamp.machine else ""
    where = done.where
    if done.commit is not None:
        where += f"{' and pushed' if done.pushed else ''} ({done.commit[:10]})"
    return (
        f"docgen: recorded run {done.number} of {commit} ({stamp.date}{version}{machine}): "
        f"{series} series, into {where}; the history keeps {plural(len(done.history.runs), 'run')}"
    )


def cmd_bench(args: argparse.Namespace) -> int:
    """`docgen bench record FILE...`: append the files' results as one run to the history.

    `args` are the parsed command line; returns the exit code (0 recorded, 1 a finding, 2
    the command cannot be done as asked).
    """
    config = _config(args)
    if isinstance(config, str):
        print(f"docgen: error: {config}", file=sys.stderr)
        return 2
    settings = config.benchmarks or BenchmarksConfig()
    refused = _retention(config, settings)
    if refused is None and args.squash_history is not None:
        from docgen.deploy.retention import check_limits  # noqa: PLC0415

        refused = check_limits(None, args.squash_history, flag=True)  # as deploy says it
    if refused is not None:
        sys.stderr.write(render_text([refused]))
        return 2
    runs, found = _read(config, args.files)
    stamp = _stamp(args, config, runs)
    if isinstance(stamp, Diagnostic):
        sys.stderr.write(render_text([*found, stamp]))
        return 2
    if not _count(runs):
        found.append(
            _problem(
                "DG024",
                f"nothing to record: no result was read from {plural(len(args.files), 'file')}",
                "pass result files of a format `docgen dump benchmarks FILE` reads",
            )
        )
        sys.stderr.write(render_text(found))
        return 1
    from docgen.benchmarks.record import record_branch, record_file  # noqa: PLC0415

    if args.push:
        done = record_branch(
            config,
            runs,
            stamp,
            branch=args.branch,
            remote=args.remote,
            fetch=not args.offline,
            squash_history=args.squash_history,
        )
    else:
        done = record_file(config, runs, stamp)
    loud = [d for d in done.diagnostics if d.severity is not Severity.INFO or not done.ok]
    found += loud
    sys.stderr.write(render_text(found))
    if done.ok:
        print(_said(done, stamp, _count(runs)))
    errors = any(d.severity is Severity.ERROR for d in found)
    return 1 if errors or not done.ok else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"bench": cmd_bench}
"""Each command's name and the function that runs it, for `docgen.cli`."""
