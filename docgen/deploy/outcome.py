"""What deploy commands return (`Outcome`, `Preview`), what they plan (`Change`) on
which branch (`Target`, `Branch`), and the diagnostics they refuse with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.deploy.git import Entry
from docgen.deploy.versions import InvalidName, Version
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.jsonenc import to_json

STAGE = "deploy"
"""The stage name every deploy diagnostic carries."""
USAGE_CODES = frozenset(
    {"DG801", "DG802", "DG807", "DG808", "DG811", "DG816", "DG817"}
    | {"DG819", "DG820", "DG822", "DG824"}
)
"""Codes that mean "the command cannot be done as asked": the CLI exits 2 for them."""
PREVIEWS = "previews"
"""The branch's folder of pull-request previews."""
BATCH = 500
"""How many pages are read from git at a time when the canonical links are re-pointed."""


@dataclass(frozen=True, slots=True)
class Preview:
    """A pull-request preview in `previews/NAME/`.

    Attributes:
        name: the preview's folder name (`pr-42`).
        updated: when it was last deployed, in seconds since the epoch.
    """

    name: str
    updated: int

    def to_dict(self) -> dict[str, object]:
        """JSON shape: `{"name", "updated"}`."""
        data: dict[str, object] = to_json(self)
        return data


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a deploy or a versions command did: the branch after it, and what was found.

    Attributes:
        ok: True when the command did what was asked.
        commit: the branch's commit afterwards, or None when there is no branch.
        versions: the published versions, as in mike's `versions.json`.
        default: the version the site's root redirects to, or None.
        previews: the pull-request previews on the branch.
        pushed: True when the new commit was pushed to the remote.
        attempts: how many transactions it took (the remote may move meanwhile).
        removed: the folders deleted from the branch.
        diagnostics: what was found on the way.
    """

    ok: bool
    commit: str | None = None
    versions: tuple[Version, ...] = ()
    default: str | None = None
    previews: tuple[Preview, ...] = ()
    pushed: bool = False
    attempts: int = 0
    removed: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 done (even with `--allow-errors`), 1 failed, 2 cannot be done as asked."""
        if any(d.code in USAGE_CODES for d in self.diagnostics):
            return 2
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, object]:
        """JSON shape: one key per field; `versions` is exactly mike's `versions.json` list."""
        data: dict[str, object] = to_json(self)
        return data


@dataclass(frozen=True, slots=True)
class Target:
    """Where to publish: the repository, the branch, the remote, and whether to push.

    Attributes:
        repo: the local git repository.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        attempts: how many times to start again when the remote moved meanwhile.
        fetch: fetch the branch first; off for `--offline`.
        squash: keep only this many commits of the branch's history (0: keep all); the
            oldest one kept becomes a root commit with its whole tree.
    """

    repo: Path
    branch: str = "gh-pages"
    remote: str = "origin"
    push: bool = False
    attempts: int = 5
    fetch: bool = True
    squash: int = 0


@dataclass(frozen=True, slots=True)
class Branch:
    """The published branch as read at one commit.

    Attributes:
        commit: that commit, or None when the branch does not exist yet.
        files: every file of the commit's tree, by its path on the branch.
        versions: the published versions, as its `versions.json` lists them.
        default: the version its root `index.html` redirects to, or None.
    """

    commit: str | None
    files: dict[str, Entry]
    versions: tuple[Version, ...]
    default: str | None

    @property
    def previews(self) -> tuple[str, ...]:
        """Names of the previews on the branch."""
        found = {p.split("/")[1] for p in self.files if p.startswith(f"{PREVIEWS}/")}
        return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Change:
    """A planned commit: the versions and default after it, folders removed, files written.

    Attributes:
        message: the commit message.
        versions: the published versions after the commit, for `versions.json`.
        default: the version the site's root redirects to after the commit, or None.
        delete: the folders deleted from the branch before `files` are written (a
            version's folder is deleted, then written again).
        files: a path on the branch → its content and the folder whose version the
            content belongs to (aliases are copies of their version).
        removed: the folders the outcome reports as removed.
        notes: diagnostics to add to the outcome.
        site_url: the site's address (`https://example.org/p/`), for the sitemaps; None
            keeps the one the branch's root sitemap index has.
        refresh: process every published page again (canonical links, notices, robots
            tags), not only those whose version or default changed.
    """

    message: str
    versions: tuple[Version, ...]
    default: str | None
    delete: tuple[str, ...] = ()
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    notes: tuple[Diagnostic, ...] = ()
    site_url: str | None = None
    refresh: bool = False


class Refused(Exception):
    """The change cannot be planned: carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def diagnostic(
    code: str,
    message: str,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
    location: Location | None = None,
) -> Diagnostic:
    """A diagnostic of the deploy stage.

    Args:
        code: its code, e.g. `DG801`.
        message: what is wrong.
        hint: how to fix it, or None.
        severity: an error unless said otherwise.
        location: where it is, or None.
    """
    return Diagnostic(code, severity, message, location, hint, STAGE)


def invalid(error: InvalidName) -> Refused:
    """The refusal of a bad version or alias name: DG802 when it clashes with a name in
    use (or is the version itself), else DG801; `error` says what is wrong."""
    clash = "already" in str(error) or "itself" in str(error)
    return Refused(
        diagnostic(
            "DG802" if clash else "DG801",
            str(error),
            "pick another name; see `docgen versions list` for the names in use"
            if clash
            else "use a name like 1.2, dev or latest",
        )
    )


def unknown(identifier: str, branch: Branch) -> Refused:
    """The refusal (DG807) of an `identifier` that is no version or alias on the
    `branch`; the hint lists those it has."""
    known = ", ".join(n for v in branch.versions for n in v.folders) or "none yet"
    return Refused(
        diagnostic("DG807", f"no version or alias named {identifier!r}", f"known: {known}")
    )
