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
# Codes that mean "the command cannot be done as asked": the CLI exits 2 for them.
USAGE_CODES = frozenset({"DG801", "DG802", "DG807", "DG808", "DG811", "DG816", "DG817"})
PREVIEWS = "previews"
BATCH = 500


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
    """Where to publish: the repository, the branch, the remote, and whether to push."""

    repo: Path
    branch: str = "gh-pages"
    remote: str = "origin"
    push: bool = False
    attempts: int = 5
    fetch: bool = True


@dataclass(frozen=True, slots=True)
class Branch:
    """The published branch as read at one commit."""

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

    `files` maps a path on the branch to its content and the folder whose version the
    content belongs to (aliases are copies of their version).
    """

    message: str
    versions: tuple[Version, ...]
    default: str | None
    delete: tuple[str, ...] = ()
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    notes: tuple[Diagnostic, ...] = ()


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
    return Diagnostic(code, severity, message, location, hint, STAGE)


def invalid(error: InvalidName) -> Refused:
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
    known = ", ".join(n for v in branch.versions for n in v.folders) or "none yet"
    return Refused(
        diagnostic("DG807", f"no version or alias named {identifier!r}", f"known: {known}")
    )
