"""`docgen init [PATH] [--dry-run]`: the command-line side of `docgen.init`.

`add_parsers(subparsers)` adds the command to docgen's parser; `COMMANDS` maps its name to
the function that runs it, as `docgen.cli` expects.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from docgen.diagnostics import Severity, render_text, sort_key

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
        if not manual:
            print(
                "next: `docgen setup` (once), then `docgen build --strict` or `docgen serve`",
                file=sys.stderr,
            )
    # A change left to the user is a problem found: scripts must not take init as done.
    return 1 if manual or any(d.severity is Severity.ERROR for d in diagnostics) else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"init": cmd_init}
"""Each command's name and the function that runs it, for `docgen.cli`."""
