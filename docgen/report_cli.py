"""`docgen report merge`: a thin adapter over `docgen.report_merge`.

Exit codes: 0 no errors, 1 the merged findings hold errors, 2 the parts cannot be merged
(one is unreadable, one is missing or there twice, or they come from different runs).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from docgen.diagnostics import (
    Diagnostic,
    Severity,
    count,
    plural,
    render,
    render_summary,
    render_text,
)
from docgen.init.cli import Commands
from docgen.report import write_report
from docgen.report_merge import Merged, Part, merge_parts, read_parts

__all__ = ["COMMANDS", "add_parsers", "cmd_report"]

MERGE_EXAMPLES = """\
examples:
  docgen report merge parts/*.json -o report.json --quality-page quality.md
  docgen report merge parts/*.json --format github      annotations for the pull request
"""


def add_parsers(commands: Commands) -> None:
    """Add `report merge` to the `docgen` command line's sub-`commands`."""
    report = commands.add_parser("report", help="work with reports: merge a sharded check's parts")
    actions = report.add_subparsers(dest="action", metavar="ACTION", required=True)
    merging = actions.add_parser(
        "merge",
        help="join the parts of `docgen check --shard I/N` into one report",
        description="Join the N parts that `docgen check --shard I/N --format json -o FILE` "
        "wrote into one report: each finding once, the baseline applied to the whole, one "
        "quality page, one set of annotations. Refuses parts of different runs.",
        epilog=MERGE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    merging.add_argument("parts", metavar="PART", nargs="+", type=Path, help="the part files")
    merging.add_argument(
        "-o", "--output", type=Path, help="write the merged report.json (JSON) to this file"
    )
    merging.add_argument(
        "--format",
        choices=("text", "github", "json", "junit"),
        default="text",
        help="how to print the merged findings on stdout (default: text)",
    )
    merging.add_argument(
        "--quality-page", type=Path, metavar="PATH", help="write the quality page (Markdown)"
    )
    merging.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        help="mkdocs.yml path: its folder's baseline is applied to the merged findings",
    )


def _shown(merged: Merged, fmt: str) -> str:
    found = list(merged.diagnostics)
    if fmt not in ("json", "junit"):  # as `docgen check`: known findings and lone notes unsaid
        new = [d for d in found if not d.baseline]
        loud = [d for d in new if d.severity is not Severity.INFO or d.code == "DG111"]
        found = loud if any(d.severity is not Severity.INFO for d in loud) else new
    return render(found, fmt, merged.stages)


def cmd_report(args: argparse.Namespace) -> int:
    """`docgen report merge PART...`: print, and write, the merged report.

    `args` are the parsed command line: the part files, the config file (its folder's
    baseline is applied), the format, and where to write the report and quality page.
    Returns the exit code: 2 when the parts cannot be merged, 1 when errors outside the
    baseline are found, else 0.
    """
    parts = read_parts(args.parts)
    unusable = [p for p in parts if isinstance(p, Diagnostic)]
    if unusable:  # every file that cannot be used, not only the first
        sys.stderr.write(render_text(unusable))
        return 2
    merged = merge_parts(
        [p for p in parts if isinstance(p, Part)], args.config_file.resolve().parent
    )
    if not isinstance(merged, Merged):
        sys.stderr.write(render_text([merged]))
        return 2
    if args.output:
        write_report(args.output, merged.report)
    if args.quality_page:
        args.quality_page.parent.mkdir(parents=True, exist_ok=True)
        args.quality_page.write_text(merged.quality_page, encoding="utf-8")
    sys.stdout.write(_shown(merged, args.format))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as summary:
            summary.write(render_summary(list(merged.diagnostics), "docgen (merged)") + "\n")
    counts = count(merged.diagnostics)
    shards = merged.report["shards"]
    assert isinstance(shards, dict)
    print(
        f"docgen: report merge: {shards['count']} parts: "
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}",
        file=sys.stderr,
    )
    return 1 if counts["error"] else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}
"""Each command's name and the function that runs it, for `docgen.cli`."""
