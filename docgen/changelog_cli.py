"""`docgen changelog [VERSION]`: one release's notes as Markdown, for a release's page on
the repository host (`gh release create --notes-file`), from the same source as the site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from docgen.config import ChangelogConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity, render_text
from docgen.init.cli import Commands

__all__ = ["COMMANDS", "add_parsers", "cmd_changelog"]

EXAMPLES = """\
examples:
  docgen changelog                     the unreleased changes (or the newest release)
  docgen changelog 1.2.0 > notes.md    the notes of 1.2.0, or the unreleased ones named so
  gh release create v1.2.0 --notes-file notes.md
"""


def add_parsers(commands: Commands) -> None:
    """Add `changelog` to the `docgen` command line's sub-`commands`."""
    sub = commands.add_parser(
        "changelog",
        help="print one release's notes as Markdown",
        description="Print the notes of VERSION (without it: the unreleased changes, or "
        "the newest release) as Markdown, read as the release-notes pages read them.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("version", metavar="VERSION", nargs="?", help="e.g. 1.2.0 or v1.2.0")
    sub.add_argument(
        "--source",
        choices=("auto", "git", "file", "towncrier"),
        help="where the notes come from (default: the config's changelog.source, or auto)",
    )
    sub.add_argument(
        "-f", "--config-file", type=Path, help="mkdocs.yml path (default: mkdocs.yml or .yaml)"
    )


def _config(path: Path | None) -> DocgenConfig | Diagnostic:
    """mkdocs.yml's config, or docgen's defaults in a folder without one."""
    from docgen.config import find_config_file  # noqa: PLC0415
    from docgen.engines import ConfigProblem  # noqa: PLC0415
    from docgen.engines.mkdocs.facade import load_or_defaults  # noqa: PLC0415 - loads MkDocs

    file = path if path is not None else find_config_file(Path.cwd())
    try:
        return load_or_defaults(file)
    except ConfigProblem as problem:
        return Diagnostic(
            "DG051", Severity.ERROR, str(problem), Location(str(file)), stage="changelog"
        )


def cmd_changelog(args: argparse.Namespace) -> int:
    """`docgen changelog [VERSION] [--source S]`, as parsed in `args`."""
    from docgen.changelog import for_version, read  # noqa: PLC0415
    from docgen.changelog.host import host  # noqa: PLC0415
    from docgen.changelog.model import parse_version  # noqa: PLC0415
    from docgen.changelog.pages import release_page  # noqa: PLC0415

    config = _config(args.config_file)
    if isinstance(config, Diagnostic):
        sys.stderr.write(render_text([config]) + "\n")
        return 2
    settings = config.changelog or ChangelogConfig()
    if args.source:
        settings = replace(settings, source=args.source)
    notes = read(replace(config, changelog=settings))
    problems = [d for d in notes.diagnostics if d.severity is not Severity.INFO]
    if args.version:
        wanted = parse_version(args.version)
        notes = for_version(notes, args.version)
        release = next((r for r in notes.releases if r.version == wanted), None)
    else:
        release = notes.releases[0] if notes.releases else None
    if release is None:
        said = f"no release notes for {args.version}" if args.version else "no release notes"
        missing = Diagnostic(
            "DG051",
            Severity.ERROR,
            f"{said} in the {notes.source or settings.source} source",
            Location(config.relative(config.site_config)),
            "docgen dump changelog lists the versions it found",
            stage="changelog",
        )
        sys.stderr.write(render_text([*problems, missing]) + "\n")
        return 2
    page = release_page(release, notes, host(config.repo_url), ())
    body = page.markdown.split("\n", 1)[1].lstrip("\n")  # the page's title is the release's
    if problems:
        sys.stderr.write(render_text(problems) + "\n")
    sys.stdout.write(body if body.endswith("\n") else body + "\n")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"changelog": cmd_changelog}
"""The command's name and the function that runs it, for `docgen.cli`."""
