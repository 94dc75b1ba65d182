"""`docgen deploy` and `docgen versions …`: thin adapters over `docgen.deploy`.

Findings go to stderr in the house format; `versions list` prints the versions on stdout
(`--json` for machines). Exit codes: 0 done, 1 failed, 2 the command cannot be done as
asked (a bad name, an unknown version, a refused confirmation).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen import deploy as deploying
from docgen.deploy import Outcome
from docgen.deploy.retention import check_limits
from docgen.deploy.versions import is_hidden, retain
from docgen.diagnostics import Diagnostic, Severity, render_text
from docgen.init.cli import Commands

__all__ = ["COMMANDS", "add_parsers"]

DEPLOY_EXAMPLES = """\
examples:
  docgen deploy dev --push                       main branch: the development version
  docgen deploy 1.2 latest --set-default --push  a release, its alias, the default
  docgen deploy pr-42 --preview --push           a pull request, in previews/pr-42/
"""


def _where(sub: argparse.ArgumentParser) -> None:
    # No default here: `docgen.cli.main` picks mkdocs.yml, else mkdocs.yaml.
    sub.add_argument(
        "-f", "--config-file", type=Path, help="mkdocs.yml path (default: mkdocs.yml or .yaml)"
    )
    sub.add_argument("--remote", help="the remote to fetch and push (default: origin)")
    sub.add_argument("--branch", help="the published branch (default: gh-pages)")


def _pushing(sub: argparse.ArgumentParser) -> None:
    _where(sub)
    sub.add_argument("--push", action="store_true", help="push the branch to the remote")
    sub.add_argument("--offline", action="store_true", help="do not fetch the remote branch first")
    sub.add_argument(
        "--squash-history",
        type=int,
        metavar="N",
        help="keep only the last N commits of the branch's history (force-pushed with a lease)",
    )


def add_parsers(commands: Commands) -> None:
    """Add `deploy` and `versions` to the `docgen` command line's sub-`commands`."""
    deploy = commands.add_parser(
        "deploy",
        help="check, build and publish a version to the GitHub Pages branch",
        description="Check and build the site, then publish it as VERSION (and copies "
        "as each ALIAS) on the gh-pages branch, mike-compatible.",
        epilog=DEPLOY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    deploy.add_argument("version", metavar="VERSION", help="the version folder, e.g. 1.2 or dev")
    deploy.add_argument("aliases", metavar="ALIAS", nargs="*", help="aliases, e.g. latest")
    deploy.add_argument("--title", help="the title in the version selector (default: VERSION)")
    deploy.add_argument(
        "--set-default", action="store_true", help="make VERSION the one / redirects to"
    )
    deploy.add_argument(
        "--preview", action="store_true", help="publish into previews/VERSION/, unlisted"
    )
    deploy.add_argument(
        "--allow-errors",
        action="store_true",
        help="publish even when docgen check finds errors (the commit message says so)",
    )
    deploy.add_argument("--strict", action="store_true", help="treat warnings as errors")
    deploy.add_argument(
        "--hidden",
        action="store_true",
        help="publish the version hidden: not in the selector, the sitemap, nor search engines",
    )
    _pushing(deploy)

    versions = commands.add_parser("versions", help="list and manage the published versions")
    actions = versions.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the versions, their aliases, the default")
    _where(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--offline", action="store_true", help="do not fetch first")
    remove = actions.add_parser("delete", help="delete versions or aliases")
    remove.add_argument("identifiers", metavar="VERSION", nargs="+")
    remove.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    _pushing(remove)
    default = actions.add_parser("set-default", help="make a version the default")
    default.add_argument("identifier", metavar="VERSION")
    _pushing(default)
    title = actions.add_parser("retitle", help="change the title of a version")
    title.add_argument("identifier", metavar="VERSION")
    title.add_argument("title", metavar="TITLE")
    _pushing(title)
    prune = actions.add_parser("prune-previews", help="remove old pull-request previews")
    prune.add_argument(
        "--older-than", type=float, metavar="DAYS", help="remove previews older than DAYS"
    )
    prune.add_argument(
        "--keep", nargs="+", default=[], metavar="NAME", help="remove every preview but these"
    )
    _pushing(prune)
    old = actions.add_parser("prune", help="remove all but the newest versions, and old previews")
    old.add_argument("--keep", type=int, metavar="N", help="keep the newest N versions")
    old.add_argument(
        "--previews-older-than", type=float, metavar="DAYS", help="remove previews older than DAYS"
    )
    old.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    _pushing(old)
    for action, says in (("hide", "hide"), ("unhide", "show again")):
        hiding = actions.add_parser(
            action, help=f"{says} a version in the selector, the sitemap and search engines"
        )
        hiding.add_argument("identifier", metavar="VERSION")
        _pushing(hiding)


@dataclass(frozen=True, slots=True)
class _Place:
    repo: Path
    branch: str
    remote: str


def _place(args: argparse.Namespace) -> _Place:
    """The repository and branch: flags, then `deploy:` in mkdocs.yml, then defaults."""
    branch, remote, repo = "gh-pages", "origin", Path.cwd()
    path: Path = args.config_file
    if path.is_file():
        from docgen import mkdocs_plugin as engine  # noqa: PLC0415 - MkDocs loads only when needed

        try:
            config = engine.load_docgen_config(path)
        except engine.ConfigProblem:
            config = None
        if config is not None:
            repo = config.root
            if config.deploy is not None:
                branch, remote = config.deploy.branch, config.deploy.remote
    return _Place(repo, args.branch or branch, args.remote or remote)


def _report(outcome: Outcome, done: str) -> int:
    loud = [d for d in outcome.diagnostics if d.severity is not Severity.INFO]
    shown: list[Diagnostic] = loud if loud and not outcome.ok else list(outcome.diagnostics)
    sys.stderr.write(render_text(shown))
    if outcome.ok:
        pushed = " and pushed" if outcome.pushed else ""
        sha = outcome.commit[:10] if outcome.commit else "nothing"
        print(f"docgen: {done}{pushed} ({sha})", file=sys.stderr)
    return outcome.exit_code


def cmd_deploy(args: argparse.Namespace) -> int:
    """`docgen deploy VERSION [ALIAS ...]`."""
    outcome = deploying.deploy(
        args.config_file,
        args.version,
        args.aliases,
        title=args.title,
        make_default=args.set_default,
        preview=args.preview,
        branch=args.branch,
        remote=args.remote,
        push=args.push,
        allow_errors=args.allow_errors,
        strict=args.strict,
        offline=args.offline,
        hidden=True if args.hidden else None,
        squash_history=args.squash_history,
    )
    where = f"previews/{args.version}" if args.preview else args.version
    return _report(outcome, f"deployed {where}")


def _list(args: argparse.Namespace, place: _Place) -> int:
    outcome = deploying.list_versions(
        place.repo, branch=place.branch, remote=place.remote, fetch=not args.offline
    )
    if not outcome.ok:
        return _report(outcome, "")
    if args.json:
        data = outcome.to_dict()
        json.dump({k: data[k] for k in ("versions", "default", "previews")}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for version in outcome.versions:
        title = "" if version.title == version.name else f' "{version.title}"'
        aliases = f" [{', '.join(version.aliases)}]" if version.aliases else ""
        default = " (default)" if outcome.default in version.folders else ""
        hidden = " (hidden)" if is_hidden(version) else ""
        print(f"{version.name}{title}{aliases}{default}{hidden}")
    for preview in outcome.previews:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(preview.updated))
        print(f"previews/{preview.name} (deployed {when})")
    return 0


def _confirmed(args: argparse.Namespace, place: _Place, what: str | None = None) -> int | None:
    """None when the delete may go on, else the exit code; `what` is what goes."""
    if args.yes:
        return None
    what = what or ", ".join(args.identifiers)
    if not sys.stdin.isatty():
        print(
            f"docgen: error[DG817]: not deleting {what} without confirmation\n"
            "  hint: pass --yes to delete without a question",
            file=sys.stderr,
        )
        return 2
    answer = input(f"Delete {what} from branch {place.branch}? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        print("docgen: nothing deleted", file=sys.stderr)
        return 2
    return None


def _prune(args: argparse.Namespace, place: _Place, common: dict[str, Any]) -> int:
    """`versions prune`: asks first, naming the versions that would go (as read now)."""
    asks = args.keep is not None or args.previews_older_than is not None
    if asks and not args.yes and (args.keep is None or args.keep >= 1):  # else: prune() refuses
        parts = []
        if args.keep is not None:
            found = deploying.list_versions(
                place.repo, branch=place.branch, remote=place.remote, fetch=not args.offline
            )
            if not found.ok:
                return _report(found, "")
            _, gone = retain(found.versions, args.keep, (found.default or "",))
            parts.append(", ".join(v.name for v in gone) or "no version")
        if args.previews_older_than is not None:
            parts.append(f"previews older than {args.previews_older_than:g} days")
        refused = _confirmed(args, place, " and ".join(parts))
        if refused is not None:
            return refused
    outcome = deploying.prune(
        place.repo, keep=args.keep, previews_older_than=args.previews_older_than, **common
    )
    return _report(outcome, f"removed {', '.join(outcome.removed) or 'nothing'}")


def _squash_flag(args: argparse.Namespace) -> int | None:
    """The exit code when `--squash-history` is given and below 1, else None."""
    if args.squash_history is None:
        return None
    problem = check_limits(None, args.squash_history, flag=True)
    if problem is None:
        return None
    sys.stderr.write(render_text([problem]))
    return 2


def cmd_versions(args: argparse.Namespace) -> int:
    """`docgen versions list|delete|set-default|retitle|prune-previews|prune|hide|unhide`."""
    place = _place(args)
    if args.action == "list":
        return _list(args, place)
    refused = _squash_flag(args)
    if refused is not None:
        return refused
    common: dict[str, Any] = {
        "branch": place.branch,
        "remote": place.remote,
        "push": args.push,
        "fetch": not args.offline,
        "squash_history": args.squash_history or 0,
    }
    if args.action == "prune":
        return _prune(args, place, common)
    if args.action in ("hide", "unhide"):
        hidden = args.action == "hide"
        outcome = deploying.hide(place.repo, args.identifier, hidden, **common)
        return _report(outcome, f"{args.identifier} is {'hidden' if hidden else 'shown'}")
    if args.action == "delete":
        refused = _confirmed(args, place)
        if refused is not None:
            return refused
        outcome = deploying.delete(place.repo, args.identifiers, **common)
        return _report(outcome, f"deleted {', '.join(outcome.removed)}")
    if args.action == "set-default":
        outcome = deploying.set_default(place.repo, args.identifier, **common)
        return _report(outcome, f"the default is now {args.identifier}")
    if args.action == "retitle":
        outcome = deploying.retitle(place.repo, args.identifier, args.title, **common)
        return _report(outcome, f"{args.identifier} is now titled {args.title!r}")
    outcome = deploying.prune_previews(
        place.repo, older_than_days=args.older_than, keep=args.keep, **common
    )
    return _report(outcome, f"removed {', '.join(outcome.removed) or 'no preview'}")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "deploy": cmd_deploy,
    "versions": cmd_versions,
}
"""Each command's name and the function that runs it, for `docgen.cli`."""
