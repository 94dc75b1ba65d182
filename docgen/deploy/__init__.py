"""Versioned deploys to a GitHub Pages branch, compatible with mike.

`deploy()` checks and builds the site, then `publish()` commits it as a version folder
(plus one copied folder per alias) with mike's `versions.json`, a root redirect, a root
404 page and `.nojekyll`. Every change to the branch runs the same transaction: fetch,
read the branch, plan the change, write a commit with fast-import, move the branch with
a compare-and-swap, push; when the remote moved meanwhile, start again on top of it.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from docgen import __version__
from docgen.config import DocgenConfig
from docgen.deploy import site, sitemap
from docgen.deploy import versions as model
from docgen.deploy.git import Git, GitError
from docgen.deploy.outcome import PREVIEWS as PREVIEWS
from docgen.deploy.outcome import STAGE as STAGE
from docgen.deploy.outcome import USAGE_CODES as USAGE_CODES
from docgen.deploy.outcome import (
    Branch,
    Change,
    Outcome,
    Preview,
    Refused,
    Target,
    diagnostic,
    invalid,
    unknown,
)
from docgen.deploy.retention import (
    check_limits,
    hide,
    old_previews,
    prune,
    pruned_note,
    refuse_hidden,
)
from docgen.deploy.transaction import base_commit, read_branch, transact
from docgen.deploy.versions import InvalidName, Version
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = [
    "Outcome",
    "Preview",
    "delete",
    "deploy",
    "hide",
    "list_versions",
    "prune",
    "prune_previews",
    "publish",
    "retitle",
    "set_default",
]


# -- the commands ------------------------------------------------------------------------


def _files(site_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site_dir).as_posix(): p.read_bytes()
        for p in sorted(site_dir.rglob("*"))
        if p.is_file()
    }


def publish(
    site_dir: Path,
    version: str,
    aliases: Sequence[str] = (),
    *,
    repo: Path,
    title: str | None = None,
    make_default: bool = False,
    preview: bool = False,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    note: str = "",
    attempts: int = 5,
    hidden: bool | None = None,
    keep: int = 0,
    squash_history: int = 0,
    site_url: str | None = None,
) -> Outcome:
    """Publish a built site as `version` (and copies as `aliases`) on the branch.

    Args:
        site_dir: the built site.
        version: the version's folder name (`1.2`, `dev`), or the preview's.
        aliases: other names for the version (`latest`); each is a copy of its folder.
        repo: the local git repository.
        title: what the version selector shows; None keeps it, or uses `version`.
        make_default: make the site's root redirect to this version.
        preview: publish under `previews/` instead, outside `versions.json`.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        note: a paragraph added to the commit message.
        attempts: how many times to start again when the remote moved meanwhile.
        hidden: hide the version from the selector and search engines (True), show it
            (False), or keep it as it is (None).
        keep: keep only the newest `keep` versions, removing older ones in the same
            commit (never the default, nor this version); 0 keeps all.
        squash_history: keep only this many commits of the branch's history (0: all).
        site_url: the site's address, for the sitemaps; None reads it from the site's
            home page (its canonical link, which MkDocs writes from `site_url`).
    """
    early = publish_check(version, aliases, preview=preview, make_default=make_default)
    limits = check_limits(keep, squash_history)
    if preview and hidden is not None:
        limits = diagnostic(
            "DG822", "a preview is always hidden: it has no hidden setting", "drop --hidden"
        )
    if early is not None or limits is not None:
        return early or Outcome(False, diagnostics=(limits,) if limits else ())
    content = _files(site_dir)
    url = site_url or sitemap.site_url_of_page(content.get("index.html"))
    if url and not url.endswith("/"):
        url += "/"
    git = Git(repo)
    source = git.describe_head()
    where = f"{PREVIEWS}/{version}" if preview else version
    message = f"Deployed {source} to {where}"
    if aliases:
        message += f" (aliases: {', '.join(aliases)})"
    message += f" with docgen {__version__}"
    if note:
        message += f"\n\n{note}"

    def plan(branch: Branch) -> Change:
        notes: list[Diagnostic] = []
        if preview:
            listed = branch.versions
        else:
            try:
                listed, _moved = model.add(branch.versions, version, title, aliases, hidden)
            except InvalidName as error:
                raise invalid(error) from None
            except ValueError as error:  # properties that `hidden` cannot be added to
                why = f"cannot be hidden: {error}"
                raise refuse_hidden(Version(version, version), why) from None

        default = branch.default
        if not preview and (make_default or default is None):
            if default is None and not make_default:
                notes.append(
                    diagnostic(
                        "DG813",
                        f"{version} is the first version: it is now the default",
                        "change it with docgen versions set-default VERSION",
                        Severity.INFO,
                    )
                )
            default = version
        current = model.find(listed, default) if default else None
        if not preview and current is not None and model.is_hidden(current):
            raise refuse_hidden(current, "is hidden: it cannot be the default version")
        gone: tuple[Version, ...] = ()
        if keep and not preview:
            listed, gone = model.retain(listed, keep, (default or "", version))
            if gone:
                notes.append(pruned_note(gone, keep))
        old = tuple(f for v in gone for f in v.folders)
        # Every alias of the version is a copy of it, not only those named this time.
        entry = model.find(listed, version)
        folders = entry.folders if entry is not None and not preview else (where,)
        files = {
            f"{folder}/{path}": (data, version if not preview else where)
            for folder in folders
            for path, data in content.items()
        }
        return Change(
            message,
            listed,
            default,
            (*folders, *old),
            files,
            removed=old,
            notes=tuple(notes),
            site_url=url,
        )

    return transact(Target(repo, branch, remote, push, attempts, fetch, squash_history), plan)


def deploy(
    config_file: Path,
    version: str,
    aliases: Sequence[str] = (),
    *,
    title: str | None = None,
    make_default: bool = False,
    preview: bool = False,
    branch: str | None = None,
    remote: str | None = None,
    push: bool = False,
    allow_errors: bool = False,
    strict: bool = False,
    offline: bool = False,
    attempts: int = 5,
    hidden: bool | None = None,
    squash_history: int | None = None,
) -> Outcome:
    """Check and build the site of `config_file`, then publish it (see `publish`).

    A site with errors is not published unless `allow_errors`, which the commit message
    then says. Names are validated before anything is built.

    Args:
        config_file: the project's `mkdocs.yml`.
        version: the version's folder name (`1.2`, `dev`), or the preview's.
        aliases: other names for the version (`latest`).
        title: what the version selector shows; None keeps it, or uses `version`.
        make_default: make the site's root redirect to this version.
        preview: publish under `previews/` instead, outside `versions.json`.
        branch: the published branch; None takes the config's `deploy` section.
        remote: the remote to fetch and push; None takes the config's `deploy` section.
        push: push the new commit; without it only the local branch moves.
        allow_errors: publish even when the check finds errors.
        strict: warnings count as errors.
        offline: build and publish without touching the network (no fetch).
        attempts: how many times to start again when the remote moved meanwhile.
        hidden: hide the version from the selector and search engines (True), show it
            (False), or keep it as it is (None).
        squash_history: keep only this many commits of the branch's history; None takes
            the config's `deploy.squash_history` (0: all).
    """
    from docgen import pipeline  # noqa: PLC0415 - MkDocs loads only when needed
    from docgen.engines import ConfigProblem  # noqa: PLC0415

    early = publish_check(version, aliases, preview=preview, make_default=make_default)
    flagged = None if squash_history is None else check_limits(None, squash_history, flag=True)
    if early is not None or flagged is not None:
        return early or Outcome(False, diagnostics=(flagged,) if flagged else ())
    with tempfile.TemporaryDirectory(prefix="docgen-deploy-") as tmp:
        options = pipeline.BuildOptions(
            config_file,
            strict=strict,
            site_dir=Path(tmp) / "site",
            offline=offline,
            # The stages learn which version they build (release notes, API changes).
            adjust=None if preview else partial(_as_version, version=version),
        )
        try:
            config = pipeline.load_config(replace(options, site_dir=None))
            settings = config.deploy
            keep = settings.keep if settings else 0
            squash = squash_history
            if squash is None:
                squash = settings.squash_history if settings else 0
            key = "keep" if keep < 0 else "squash_history"
            limits = check_limits(keep, squash, _key_location(config, config_file, key))
            if limits is not None:
                return Outcome(False, diagnostics=(limits,))
            if not offline:  # the build reads the branch: earlier versions' API, benchmarks
                _refresh(
                    config.root,
                    branch or (settings.branch if settings else "gh-pages"),
                    remote or (settings.remote if settings else "origin"),
                )
            outcome = pipeline.build(options)
        except ConfigProblem as problem:
            return Outcome(False, diagnostics=(diagnostic("DG808", str(problem)),))
        found = list(outcome.diagnostics)
        errors = sum(d.severity is Severity.ERROR for d in found)
        where = Location(config.relative(config_file))
        if outcome.aborted:
            refusal = diagnostic("DG803", f"the build failed: {outcome.aborted}", None)
            return Outcome(False, diagnostics=(*found, refusal))
        note = ""
        if errors and not allow_errors:
            refusal = diagnostic(
                "DG803",
                f"not published: docgen check found {errors} error(s)",
                "fix them, or publish anyway with --allow-errors (the commit says so)",
                location=where,
            )
            return Outcome(False, diagnostics=(*found, refusal))
        if errors:
            note = f"Published with --allow-errors: docgen check found {errors} error(s)."
            found.append(diagnostic("DG809", note, None, Severity.WARNING, where))
        home = outcome.site_dir / "index.html"
        if not preview and home.is_file() and site.selector_configured(home.read_bytes()) is False:
            found.append(
                diagnostic(
                    "DG814",
                    "the Material theme's version selector is off: readers cannot switch versions",
                    "add to mkdocs.yml: extra: {version: {provider: mike, alias: true}}",
                    Severity.WARNING,
                    where,
                )
            )
        result = publish(
            outcome.site_dir,
            version,
            aliases,
            repo=config.root,
            title=title,
            make_default=make_default,
            preview=preview,
            branch=branch or (settings.branch if settings else "gh-pages"),
            remote=remote or (settings.remote if settings else "origin"),
            push=push,
            fetch=not offline,
            note=note,
            attempts=attempts,
            hidden=hidden,
            keep=keep,
            squash_history=squash,
            site_url=config.site_url,
        )
    return replace(result, diagnostics=(*found, *result.diagnostics))


def _key_location(config: DocgenConfig, config_file: Path, key: str) -> Location:
    """Where `key:` is set in the config file (its first line that sets it), for a finding."""
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    setting = re.compile(rf"(^|[\s{{,]){key}\s*:")
    line = next((n for n, text in enumerate(lines, 1) if setting.search(text)), None)
    return Location(config.relative(config_file), line)


def _refresh(repo: Path, branch: str, remote: str) -> None:
    """Fetch the published branch before the build, which reads earlier versions from it
    (their API models, the benchmark history); the publish fetches again anyway, so a
    failure here is left to it to report."""
    git = Git(repo)
    if git.has_remote(remote):
        with contextlib.suppress(GitError):
            git.fetch(remote, branch)


def _as_version(config: DocgenConfig, *, version: str) -> DocgenConfig:
    return replace(config, version=version)


def publish_check(
    version: str, aliases: Sequence[str], *, preview: bool, make_default: bool
) -> Outcome | None:
    """The names' problems, before anything is built; None when they are fine."""
    try:
        model.check_name(version, "preview" if preview else "version")
        for alias in aliases:
            model.check_name(alias, "alias")
        if version in aliases:
            raise InvalidName(f"alias {version!r} is the version itself")
    except InvalidName as error:
        return Outcome(False, diagnostics=(invalid(error).diagnostic,))
    if preview and (aliases or make_default):
        return Outcome(
            False,
            diagnostics=(
                diagnostic(
                    "DG801",
                    "a preview has no aliases and cannot be the default",
                    "drop the aliases and --set-default, or drop --preview",
                ),
            ),
        )
    return None


def _target(
    repo: Path, branch: str, remote: str, push: bool, fetch: bool, squash: int = 0
) -> Target:
    return Target(repo, branch, remote, push, fetch=fetch, squash=squash)


def list_versions(
    repo: Path, *, branch: str = "gh-pages", remote: str = "origin", fetch: bool = True
) -> Outcome:
    """The published versions, the default and the previews (after fetching the branch).

    Args:
        repo: the local git repository.
        branch: the published branch.
        remote: the remote it is fetched from.
        fetch: fetch the branch first; off for `--offline`.
    """
    git = Git(repo)
    notes: list[Diagnostic] = []
    try:
        base = base_commit(git, _target(repo, branch, remote, False, fetch), None, notes)
        state = read_branch(git, base)
        previews = tuple(
            Preview(n, git.last_change(base, f"{PREVIEWS}/{n}"))
            for n in state.previews
            if base is not None
        )
    except Refused as refused:
        return Outcome(False, diagnostics=(*notes, refused.diagnostic))
    except GitError as error:
        return Outcome(False, diagnostics=(*notes, diagnostic("DG804", str(error))))
    return Outcome(True, base, state.versions, state.default, previews, diagnostics=tuple(notes))


def delete(
    repo: Path,
    identifiers: Sequence[str],
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Delete versions (with their aliases) or single aliases; never the default.

    Args:
        repo: the local git repository.
        identifiers: versions or aliases, by name.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """

    def plan(state: Branch) -> Change:
        listed = state.versions
        gone: list[str] = []
        for identifier in identifiers:
            try:
                listed, folders = model.remove(listed, identifier)
            except KeyError:
                raise unknown(identifier, state) from None
            gone += folders
        if state.default in gone:
            raise Refused(
                diagnostic(
                    "DG811",
                    f"{state.default!r} is the default version: not deleted",
                    "make another version the default first: docgen versions set-default VERSION",
                )
            )
        message = f"Deleted {', '.join(identifiers)} with docgen {__version__}"
        return Change(message, listed, state.default, tuple(gone), removed=tuple(gone))

    return transact(_target(repo, branch, remote, push, fetch, squash_history), plan)


def set_default(
    repo: Path,
    identifier: str,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Make a version (or an alias, which then follows its version) the default.

    Args:
        repo: the local git repository.
        identifier: the version or alias.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """

    def plan(state: Branch) -> Change:
        target = model.find(state.versions, identifier)
        if target is None:
            raise unknown(identifier, state)
        if model.is_hidden(target):
            raise refuse_hidden(target, "is hidden: it cannot be the default version")
        message = f"Set default version to {identifier} with docgen {__version__}"
        # Every page is processed again: pages published before docgen wrote notices get one.
        return Change(message, state.versions, identifier, refresh=True)

    return transact(_target(repo, branch, remote, push, fetch, squash_history), plan)


def retitle(
    repo: Path,
    identifier: str,
    title: str,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Change the title the version selector shows for a version.

    Args:
        repo: the local git repository.
        identifier: the version, or one of its aliases.
        title: the new title.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """

    def plan(state: Branch) -> Change:
        try:
            listed = model.retitle(state.versions, identifier, title)
        except KeyError:
            raise unknown(identifier, state) from None
        message = f"Set title of {identifier} to {title!r} with docgen {__version__}"
        return Change(message, listed, state.default)

    return transact(_target(repo, branch, remote, push, fetch, squash_history), plan)


def prune_previews(
    repo: Path,
    *,
    older_than_days: float | None = None,
    keep: Sequence[str] = (),
    now: float | None = None,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Remove previews: those not deployed for `older_than_days`, and/or all but `keep`.

    With both, a preview goes when it is old and not kept.

    Args:
        repo: the local git repository.
        older_than_days: the age, since its last deploy, at which a preview goes.
        keep: names of previews to keep.
        now: the time to measure ages from, in seconds since the epoch; None for now.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """
    if older_than_days is None and not keep:
        return Outcome(
            False,
            diagnostics=(
                diagnostic(
                    "DG816",
                    "say which previews to remove",
                    "pass --older-than DAYS, --keep NAME ..., or both",
                ),
            ),
        )
    git = Git(repo)
    moment = time.time() if now is None else now

    def plan(state: Branch) -> Change:
        gone = old_previews(git, state, older_than_days, moment, keep)
        message = f"Pruned previews {', '.join(gone) or '(none)'} with docgen {__version__}"
        return Change(message, state.versions, state.default, tuple(gone), removed=tuple(gone))

    return transact(_target(repo, branch, remote, push, fetch, squash_history), plan)
