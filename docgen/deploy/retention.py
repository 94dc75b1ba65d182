"""Keeping the published branch small and its selector tidy: prune old versions and
previews, hide versions from the selector and from search engines.

Each command is one transaction (see `docgen.deploy.transaction`), like every other
change to the branch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from docgen import __version__
from docgen.deploy import versions as model
from docgen.deploy.git import Git
from docgen.deploy.outcome import (
    PREVIEWS,
    Branch,
    Change,
    Outcome,
    Refused,
    Target,
    diagnostic,
    unknown,
)
from docgen.deploy.transaction import transact
from docgen.deploy.versions import Version
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["check_limits", "hide", "old_previews", "prune", "pruned_note", "refuse_hidden"]


def check_limits(
    keep: int | None,
    squash_history: int | None,
    location: Location | None = None,
    *,
    flag: bool = False,
) -> Diagnostic | None:
    """The diagnostic for a retention count or a history length that makes no sense.

    Args:
        keep: how many versions to keep (None: not asked); at least 1 when asked, or 0
            for "keep all" when it comes from the configuration.
        squash_history: how many commits to keep (None: not asked); 0 is off.
        location: where the value was set (`mkdocs.yml`), or None for the command line.
        flag: the values come from command-line flags, where 0 is not allowed either.
    """
    least = 1 if flag else 0
    if keep is not None and keep < least:
        return diagnostic(
            "DG819",
            f"cannot keep {keep} versions: keep at least 1",
            "pass --keep N with N >= 1" if flag else "set deploy: {keep: N}, N >= 1 (0 keeps all)",
            location=location,
        )
    if squash_history is not None and squash_history < least:
        return diagnostic(
            "DG820",
            f"cannot squash the history to {squash_history} commits: keep at least 1",
            "pass --squash-history N with N >= 1"
            if flag
            else "set deploy: {squash_history: N}, N >= 1 (0 keeps the whole history)",
            location=location,
        )
    return None


def refuse_hidden(version: Version, why: str) -> Refused:
    """The refusal (DG822) to hide `version`, or to make a hidden version the default;
    `why` is the reason shown."""
    return Refused(
        diagnostic(
            "DG822",
            f"version {version.name!r} {why}",
            "show it first (docgen versions unhide VERSION), or make another version the "
            "default (docgen versions set-default VERSION)",
        )
    )


def pruned_note(gone: tuple[Version, ...], keep: int) -> Diagnostic:
    """The note (DG821) that says which versions a retention of `keep` removed (`gone`)."""
    names = ", ".join(v.name for v in gone)
    return diagnostic(
        "DG821", f"kept the newest {keep} version(s): removed {names}", None, Severity.INFO
    )


def hide(
    repo: Path,
    identifier: str,
    hidden: bool = True,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Hide a version from the version selector and search engines, or show it again.

    A hidden version stays published at its address; its pages get
    `<meta name="robots" content="noindex">` and it leaves the root sitemap index.

    Args:
        repo: the local git repository.
        identifier: the version, or one of its aliases.
        hidden: True hides it, False shows it again.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """
    early = check_limits(None, squash_history)
    if early is not None:
        return Outcome(False, diagnostics=(early,))

    def plan(state: Branch) -> Change:
        target = model.find(state.versions, identifier)
        if target is None:
            raise unknown(identifier, state)
        if hidden and state.default in target.folders:
            raise refuse_hidden(target, "is the default version: it cannot be hidden")
        try:
            changed = model.with_hidden(target, hidden)
        except ValueError as error:
            raise refuse_hidden(target, f"cannot be hidden: {error}") from None
        listed = tuple(changed if v is target else v for v in state.versions)
        verb = "Hid" if hidden else "Showed"
        return Change(f"{verb} {target.name} with docgen {__version__}", listed, state.default)

    target = Target(repo, branch, remote, push, fetch=fetch, squash=squash_history)
    return transact(target, plan)


def old_previews(
    git: Git, state: Branch, older_than_days: float | None, now: float, keep: Sequence[str] = ()
) -> list[str]:
    """The folders of the previews on `state` to remove: not deployed for `older_than_days`
    (None: whatever their age) and not named in `keep`.

    Args:
        git: the repository.
        state: the branch as read.
        older_than_days: the age, since its last deploy, at which a preview goes.
        now: the time to measure ages from, in seconds since the epoch.
        keep: names of previews to keep.
    """
    gone: list[str] = []
    for name in state.previews:
        if name in keep:
            continue
        if older_than_days is not None and state.commit is not None:
            age = now - git.last_change(state.commit, f"{PREVIEWS}/{name}")
            if age < older_than_days * 86_400:
                continue
        gone.append(f"{PREVIEWS}/{name}")
    return gone


def prune(
    repo: Path,
    *,
    keep: int | None = None,
    previews_older_than: float | None = None,
    now: float | None = None,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
    squash_history: int = 0,
) -> Outcome:
    """Remove all but the newest `keep` versions, and/or previews older than some days.

    The default version (and the version an alias that is the default belongs to) is
    never removed, whatever its age; it is kept on top of the `keep` newest. Versions are
    ordered as mike and the selector order them: development versions like `dev` count as
    newer than releases.

    Args:
        repo: the local git repository.
        keep: how many of the newest versions to keep, at least 1; None keeps them all.
        previews_older_than: remove previews not deployed for this many days.
        now: the time to measure ages from, in seconds since the epoch; None for now.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
        squash_history: keep only this many commits of the branch's history (0: all).
    """
    if keep is None and previews_older_than is None:
        asked = diagnostic(
            "DG824",
            "say what to prune",
            "pass --keep N (versions), --previews-older-than DAYS, or both",
        )
        return Outcome(False, diagnostics=(asked,))
    early = check_limits(keep, None, flag=True) or check_limits(None, squash_history)
    if early is not None:
        return Outcome(False, diagnostics=(early,))
    git = Git(repo)
    moment = time.time() if now is None else now

    def plan(state: Branch) -> Change:
        listed, gone = state.versions, tuple[Version, ...]()
        if keep is not None:
            listed, gone = model.retain(state.versions, keep, (state.default or "",))
        folders: list[str] = [f for v in gone for f in v.folders]
        if previews_older_than is not None:
            folders += old_previews(git, state, previews_older_than, moment)
        message = f"Pruned {', '.join(folders) or 'nothing'} with docgen {__version__}"
        notes = (pruned_note(gone, keep),) if gone and keep is not None else ()
        removed = tuple(folders)
        return Change(message, listed, state.default, removed, removed=removed, notes=notes)

    target = Target(repo, branch, remote, push, fetch=fetch, squash=squash_history)
    return transact(target, plan)
