"""`docgen api-diff OLD NEW`: the API changes between two versions, as text or JSON.

OLD and NEW are versions (or aliases) deployed on the Pages branch, whose API models
(`VERSION/_docgen/api.json`) are read with git, no checkout; or git refs (tags, branches,
commits), whose tree is exported (`git archive`) into a temporary folder and documented
in worker processes as the API stage does, with the project's `api:` settings.

Exit codes: 0 done (changes or not), 1 with `--exit-code` when there are changes (as
`git diff --exit-code`), 2 a version or ref is unknown or cannot be documented.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.config import ApiConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Severity, render_text
from docgen.init.cli import Commands

if TYPE_CHECKING:  # the command's modules load when it runs: `docgen --version` stays light
    from docgen.api.snapshot import Snapshot
    from docgen.deploy.git import Git

__all__ = ["COMMANDS", "add_parsers", "cmd_api_diff"]

EXAMPLES = """\
examples:
  docgen api-diff 1.0 1.1                 two versions deployed on the Pages branch
  docgen api-diff v1.0.0 HEAD --format json
  docgen api-diff latest main --exit-code    fail (exit 1) when the API changed
"""


def add_parsers(commands: Commands) -> None:
    """Add `api-diff` to the `docgen` command line's sub-`commands`."""
    sub = commands.add_parser(
        "api-diff",
        help="the API changes between two versions or git refs",
        description="List the names added, removed, changed (parameters, defaults, "
        "annotations, return types, kinds) and newly deprecated between OLD and NEW: "
        "versions deployed on the Pages branch, or git refs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("old", metavar="OLD", help="a deployed version or alias, or a git ref")
    sub.add_argument("new", metavar="NEW", help="a deployed version or alias, or a git ref")
    sub.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    sub.add_argument("--branch", help="the Pages branch (default: deploy.branch, gh-pages)")
    sub.add_argument("--remote", help="its remote (default: deploy.remote, origin)")
    sub.add_argument(
        "--exit-code", action="store_true", help="exit 1 when there are changes (as git diff)"
    )
    sub.add_argument(
        "-f", "--config-file", type=Path, help="mkdocs.yml path (default: mkdocs.yml or .yaml)"
    )


@dataclass(frozen=True, slots=True)
class _Place:
    config: DocgenConfig
    git: Git
    branch: str
    remote: str


class _Refused(Exception):
    """The command cannot be done as asked: one diagnostic, exit 2."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _refused(code: str, message: str, hint: str) -> _Refused:
    return _Refused(Diagnostic(code, Severity.ERROR, message, None, hint, "api"))


def _config(path: Path | None) -> DocgenConfig:
    """mkdocs.yml's config, or docgen's defaults in a folder without one."""
    from docgen.engines import ConfigProblem  # noqa: PLC0415
    from docgen.engines.mkdocs.facade import load_or_defaults  # noqa: PLC0415 - loads MkDocs

    try:
        return load_or_defaults(path if path is not None else Path("mkdocs.yml"))
    except ConfigProblem as problem:
        raise _refused("DG617", f"{path}: {problem}", "fix the config file") from None


def _deployed(place: _Place, name: str) -> Snapshot | None:
    """The model of version (or alias) `name` on the Pages branch; None when not deployed."""
    from docgen.api import history  # noqa: PLC0415
    from docgen.api.snapshot import ASSET, loads  # noqa: PLC0415
    from docgen.deploy import versions as listing  # noqa: PLC0415

    commit = history.branch_commit(place.git, place.branch, place.remote)
    if commit is None:
        return None
    head = history.read_files(place.git, commit, ["versions.json"])["versions.json"]
    try:
        found = listing.find(listing.loads((head or b"[]").decode("utf-8", "replace")), name)
    except ValueError:
        return None  # not readable as versions: the name may still be a git ref
    if found is None:
        return None
    path = f"{found.name}/{ASSET}"
    data = history.read_files(place.git, commit, [path])[path]
    if data is None:
        raise _refused(
            "DG617",
            f"version {found.name} on branch {place.branch} has no API model ({path})",
            "it was deployed before docgen wrote one, or without the API stage: "
            "compare git tags instead (docgen api-diff v1.0 v1.1)",
        )
    try:
        return replace(loads(data), version=found.name)
    except ValueError as error:
        raise _refused(
            "DG614",
            f"the API model of version {found.name} ({place.branch}:{path}) cannot be read: "
            f"{error}",
            f"deploy {found.name} again, or compare git tags instead",
        ) from None


def _export(git: Git, commit: str, into: Path) -> None:
    """The tree of `commit` written into `into` (`git archive`, no checkout)."""
    archive = git.run("archive", "--format=tar", commit, what=f"cannot export {commit}").stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def _at_ref(place: _Place, ref: str) -> Snapshot:
    """The API of git ref `ref`, documented from its exported tree."""
    from docgen.api import _document  # noqa: PLC0415 - the stage's own extraction
    from docgen.api.snapshot import of  # noqa: PLC0415

    commit = place.git.rev(ref)
    if commit is None:
        raise _refused(
            "DG616",
            f"{ref!r} is neither a version deployed on branch {place.branch} nor a git ref",
            "name a deployed version or alias (docgen versions list), a tag, a branch or a commit",
        )
    top = Path(place.git.text("rev-parse", "--show-toplevel"))
    inside = place.config.root.resolve().relative_to(top.resolve())
    with tempfile.TemporaryDirectory(prefix="docgen-api-diff-") as tmp:
        _export(place.git, commit, Path(tmp))
        root = Path(tmp) / inside
        config = replace(
            place.config,
            root=root,
            docs_dir=root / "docs",
            site_dir=root / "site",
            cache_dir=Path(tmp) / ".cache",
            page_cache=False,
            api=_packages(place.config.api, root),
        )
        modules, _models, found, _watch, _sources, _cached = _document(config)
        # A package missing from the ref would be found installed instead: not the ref's.
        outside = sorted({m.name for m in modules if m.file and Path(m.file).is_absolute()})
        errors = [d for d in found if d.severity is Severity.ERROR]
        if outside or not modules or errors:
            said = errors[0].message if errors else f"{', '.join(outside) or 'nothing'} "
            raise _refused(
                "DG617",
                f"the API of {ref} cannot be documented: "
                + (said if errors else f"{said}is not in its tree"),
                "check that the ref has the packages `api.packages` names "
                "(`docgen dump api` at that ref shows every error)",
            )
        return of(modules, ref)


def _packages(api: ApiConfig | None, root: Path) -> ApiConfig:
    """The `api:` settings to document the tree at `root` with: the project's; when they
    name no package (`api: false`, as beside mkdocstrings), the packages `docgen init`
    finds in that tree (griffe's `packages/*/src/` workspace members)."""
    from docgen.init.detect import python_packages  # noqa: PLC0415 - only for this case

    settings = api or ApiConfig()
    if settings.packages:
        return settings
    try:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pyproject = {}
    packages, paths = python_packages(root, pyproject)
    return replace(settings, packages=packages, paths=settings.paths + paths)


def _load(place: _Place, name: str) -> Snapshot:
    """The API model of `name`: a version deployed on the Pages branch, else a git ref."""
    found = _deployed(place, name)
    return found if found is not None else _at_ref(place, name)


def cmd_api_diff(args: argparse.Namespace) -> int:
    """`docgen api-diff OLD NEW [--format text|json] [--exit-code]`, as parsed in `args`."""
    from docgen.api.diff import diff, text  # noqa: PLC0415
    from docgen.deploy.git import Git, GitError  # noqa: PLC0415

    try:
        config = _config(args.config_file)
        deploy = config.deploy
        place = _Place(
            config,
            Git(config.root),
            args.branch or (deploy.branch if deploy else "gh-pages"),
            args.remote or (deploy.remote if deploy else "origin"),
        )
        old, new = _load(place, args.old), _load(place, args.new)
    except _Refused as refused:
        sys.stderr.write(render_text([refused.diagnostic]))
        return 2
    except GitError as error:
        found = Diagnostic("DG616", Severity.ERROR, str(error), None, None, "api")
        sys.stderr.write(render_text([found]))
        return 2
    changes = diff(old, new, args.old, args.new)
    if args.format == "json":
        sys.stdout.write(json.dumps(changes.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(text(changes))
    return 1 if args.exit_code and not changes.empty else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"api-diff": cmd_api_diff}
"""The command's name and the function that runs it, for `docgen.cli`."""
