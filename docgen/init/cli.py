"""`docgen init [PATH] [--dry-run]`: the command-line side of `docgen.init`.

`add_parsers(subparsers)` adds the command to docgen's parser; `COMMANDS` maps its name to
the function that runs it, as `docgen.cli` expects.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from docgen.config import find_config_file
from docgen.diagnostics import Diagnostic, Severity, count, plural, render_text, sort_key

if TYPE_CHECKING:
    from docgen.init import InitPlan

__all__ = ["COMMANDS", "Commands", "add_parsers", "cmd_init"]


class Commands(Protocol):
    """What `add_parsers` needs of `ArgumentParser.add_subparsers()`'s result.

    Only `add_parser` is used. Being a protocol, it is never built: its `__init__(*args,
    **kwargs)` is typing's.
    """

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """Add the sub-command `name`; `kwargs` go to its `ArgumentParser`."""
        ...  # pragma: no cover - a protocol


def add_parsers(subparsers: Commands) -> None:
    """Add `docgen init` to docgen's sub-commands (`subparsers`)."""
    init = subparsers.add_parser(
        "init",
        help="adopt docgen: write mkdocs.yml, docs/index.md and a workflow where missing",
        description="Write what the repository is missing to build its documentation with "
        "docgen: mkdocs.yml, docs/index.md, .github/workflows/docs.yml. Never overwrites a "
        "file: an existing mkdocs.yml gets the docgen plugin added, comments kept.",
    )
    init.add_argument("path", nargs="?", type=Path, default=Path(), help="the repository")
    init.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    init.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to show the plan"
    )
    init.add_argument(
        "--no-check",
        action="store_true",
        help="skip the first offline check that says what the docs need (text format only)",
    )


def _show(init: InitPlan, *, dry_run: bool) -> str:
    from docgen.init import EXTEND, MANUAL  # noqa: PLC0415 - see cmd_init

    lines = [
        f"docgen init: {init.root.resolve()}"
        + (" (dry run: nothing is written)" if dry_run else "")
    ]
    width = max((len(c.path) for c in init.changes), default=0)
    for change in init.changes:
        lines.append(f"  {change.action:<7} {change.path:<{width}}  {change.reason}")
    for change in init.changes:
        if change.action == EXTEND and dry_run:
            diff = difflib.unified_diff(
                (change.original or "").splitlines(keepends=True),
                change.content.splitlines(keepends=True),
                f"a/{change.path}",
                f"b/{change.path}",
            )
            lines += ["", *(line.rstrip("\n") for line in diff)]
        elif change.action == MANUAL:
            lines += ["", f"Add these lines to {change.path} yourself:", "", change.content]
    return "\n".join(lines).rstrip("\n") + "\n"


def cmd_init(args: argparse.Namespace) -> int:
    """Plan, then (unless `--dry-run`) write; exit 2 when the folder cannot be used.

    `args` are the parsed command line: `path`, `dry_run` and `format`.
    """
    # Imported here: ruamel.yaml loads only for `docgen init`, not for every command.
    from docgen.init import MANUAL, apply, plan  # noqa: PLC0415

    init = plan(args.path)
    diagnostics = sorted(init.diagnostics, key=sort_key)
    if init.project is None:
        sys.stderr.write(render_text(diagnostics))
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(init.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(_show(init, dry_run=args.dry_run))
    if args.dry_run:
        sys.stderr.write(render_text(diagnostics))
        return 0
    result = apply(init)
    sys.stderr.write(render_text([*diagnostics, *result.diagnostics]))
    if not result.ok:
        return 2
    manual = any(c.action == MANUAL for c in init.changes)
    if args.format == "text":
        done = ", ".join(result.written) or "nothing"
        print(f"docgen init: wrote {done}", file=sys.stderr)
        # The first check needs the plugin in mkdocs.yml: not when it is left to the user.
        if not manual and (args.no_check or first_check(init.root, init.project.mkdocs_file)):
            print(
                "next: `docgen setup` (once), then `docgen build --strict` or `docgen serve`",
                file=sys.stderr,
            )
    # A change left to the user is a problem found: scripts must not take init as done.
    return 1 if manual or any(d.severity is Severity.ERROR for d in diagnostics) else 0


# The first check's summary: at most this many groups of findings, so that it fits a screen.
_GROUPS = 10
_WIDTH = 60


class _Logged(logging.Handler):
    """Keeps what other libraries log during the first check from being printed as it
    comes: the build hears every warning already (DG100, counted in the summary)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        """Drops the record: the build's own capture has it."""


def _short(text: str, width: int = _WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary(diagnostics: list[Diagnostic]) -> list[str]:
    """The findings by stage and code, the most frequent first, cut to `_GROUPS` lines."""
    from docgen.baseline import summary  # noqa: PLC0415 - see first_check

    lines = summary(diagnostics, _WIDTH)
    if len(lines) <= _GROUPS:
        return lines
    # The same groups, in the same order, as `summary` makes them.
    groups = Counter(
        (d.stage or "docgen", d.code)
        for d in diagnostics
        if not d.baseline and d.severity is not Severity.INFO
    )
    sizes = sorted(((-n, key) for key, n in groups.items()))
    rest = -sum(n for n, _ in sizes[_GROUPS - 1 :])
    return [
        *lines[: _GROUPS - 1],
        f"… {len(lines) - _GROUPS + 1} more codes, {rest} findings",
    ]


def _where(exc: Exception, root: Path) -> str:
    """` (in FILE:LINE)` when the exception was raised by the project's own code (a hook)."""
    base = root.resolve()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            return f" (in {path.relative_to(base).as_posix()}:{frame.lineno})"
    return ""


def first_check(root: Path, mkdocs_file: str | None) -> bool:
    """Run `docgen check --offline` once and say what it found, by stage and code.

    At most ten lines, the most frequent codes first, and what other libraries logged
    meanwhile in one line each; then the next step: fix them, or accept them with `docgen
    baseline`. A check that cannot run (a plugin of the project's that is not installed,
    say) is one line; init's own exit status never depends on it. Returns whether the
    usual next step (`docgen setup`, then build) is still to be said: not when findings
    were listed.

    Args:
        root: the repository.
        mkdocs_file: its MkDocs configuration's name, if it had one before init.
    """
    from docgen import pipeline  # noqa: PLC0415 - MkDocs loads only for the check

    config = root / mkdocs_file if mkdocs_file else find_config_file(root)
    logged = _Logged()
    top = logging.getLogger()
    handlers = top.handlers[:]
    top.handlers[:] = [logged]
    try:
        with tempfile.TemporaryDirectory(prefix="docgen-init-") as site:
            outcome = pipeline.build(
                pipeline.BuildOptions(config, site_dir=Path(site), offline=True)
            )
    except Exception as exc:  # whatever stops it, init itself is done
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(
            f"docgen init: the first check could not run: {reason}{_where(exc, root)}",
            file=sys.stderr,
        )
        return True
    finally:
        top.handlers[:] = handlers
    if outcome.aborted:
        print(f"docgen init: the first check could not finish: {outcome.aborted}", file=sys.stderr)
        return True
    counts = count(outcome.diagnostics)
    known = sum(d.baseline for d in outcome.diagnostics)
    known_text = f", {known} known (baseline)" if known else ""
    print(
        f"docgen init: first check (offline): {plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}{known_text}",
        file=sys.stderr,
    )
    lines = _summary(list(outcome.diagnostics))
    if not lines:
        return True
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    print(
        "next: fix them (`docgen check --offline` lists each with a hint),\n"
        "      or accept today's state with `docgen baseline`: then only new findings fail",
        file=sys.stderr,
    )
    return False


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"init": cmd_init}
"""Each command's name and the function that runs it, for `docgen.cli`."""
