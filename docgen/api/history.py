"""The API of the versions deployed on the Pages branch, read without a checkout.

`read(config)` finds the branch (the local `deploy.branch`, else `REMOTE/BRANCH`), reads
its `versions.json` and every listed version's `_docgen/api.json` in one
`git cat-file --batch`, and keeps those older than the version being built
(`config.version`; all of them for a build that is no deploy), oldest first. Hidden
versions (mike's `properties.hidden`) and previews are left out. What it read is cached
in the stage's cache folder under the branch's commit. No branch, no repository: an empty
history and no finding.

`notes(history, current)` then says, for each documented name, in which version it was
added and last changed, combined with its docstring's directives (which win).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.api.snapshot import ASSET, Deprecation, Snapshot, loads
from docgen.config import DocgenConfig
from docgen.deploy import versions as listing
from docgen.deploy.git import Git, GitError
from docgen.deploy.versions import InvalidName, Version
from docgen.diagnostics import Diagnostic, Severity

__all__ = [
    "History",
    "Note",
    "Published",
    "branch_commit",
    "hidden",
    "notes",
    "read",
    "read_files",
]

_STAGE = "api"


@dataclass(frozen=True, slots=True)
class Published:
    """A deployed version.

    Attributes:
        name: its folder on the branch.
        snapshot: its API model; None when it has none (deployed before docgen shipped
            one, or without the API stage) or it cannot be read.
    """

    name: str
    snapshot: Snapshot | None


@dataclass(frozen=True, slots=True)
class History:
    """The deployed versions older than the one being built.

    Attributes:
        older: those versions, oldest first, each with its model.
        unreleased: the build is no deploy (`config.version` is None): it shows the
            changes since the newest deployed version.
        diagnostics: what could not be read.
    """

    older: tuple[Published, ...] = ()
    unreleased: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def previous(self) -> Published | None:
        """The version the one being built is compared with: the newest older one."""
        return self.older[-1] if self.older else None


@dataclass(frozen=True, slots=True)
class Note:
    """What a member's API page says under its heading.

    Attributes:
        added: the version that added it; empty for "after the newest deployed version"
            (a build that is no deploy); None when unknown (it is in the oldest version).
        changed: the version that last changed its signature, same conventions.
        deprecated: its deprecation, or None.
        latest: the newest deployed version, which an empty `added`/`changed` is after.
    """

    added: str | None = None
    changed: str | None = None
    deprecated: Deprecation | None = None
    latest: str | None = None


def _diagnostic(code: str, severity: Severity, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, severity, message, None, hint, _STAGE)


def hidden(version: Version) -> bool:
    """Whether mike's `properties.hidden` hides `version` from the selector."""
    props = version.properties
    return isinstance(props, Mapping) and bool(props.get("hidden"))


def branch_commit(git: Git, branch: str, remote: str) -> str | None:
    """The Pages branch's commit: the local `branch`, else `remote`'s; None when neither.

    Args:
        git: the repository.
        branch: the Pages branch's name.
        remote: the remote whose copy of the branch is read when there is no local one.
    """
    return git.rev(f"refs/heads/{branch}") or git.rev(f"refs/remotes/{remote}/{branch}")


def read_files(git: Git, commit: str, paths: Iterable[str]) -> dict[str, bytes | None]:
    """The files `paths` of `commit` in one `git cat-file --batch`; None for a missing one."""
    wanted = list(dict.fromkeys(paths))
    if not wanted:
        return {}
    out = git.run(
        "cat-file", "--batch", stdin="".join(f"{commit}:{p}\n" for p in wanted).encode()
    ).stdout
    found: dict[str, bytes | None] = {}
    at = 0
    for path in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if len(header) != 3:  # "NAME missing", "NAME ambiguous": no content follows
            found[path] = None
            at = end + 1
            continue
        size = int(header[2])
        # A folder where a file was expected is no file either (its listing is skipped).
        found[path] = out[end + 1 : end + 1 + size] if header[1] == b"blob" else None
        at = end + 1 + size + 1
    return found


def _older(listed: Sequence[Version], version: str | None) -> list[Version]:
    """The listed versions older than `version` (all for None), newest first."""
    shown = [v for v in listed if not hidden(v)]
    if version is None:
        return shown
    try:
        ordered, _ = listing.add(shown, version, None, ())
    except InvalidName:
        return []  # the name is an alias of a listed version: no order to go by
    names = [v.name for v in ordered]
    at = names.index(version)
    return [v for v in ordered[at + 1 :] if v.name != version]


def _cached(folder: Path, commit: str) -> dict[str, str | None] | None:
    try:
        data = json.loads((folder / "history.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("commit") != commit:
        return None
    files = data.get("files")
    return files if isinstance(files, dict) else None


def _texts(git: Git, commit: str, folder: Path) -> dict[str, str | None]:
    """`versions.json` and every listed version's model on the branch, by path."""
    found = _cached(folder, commit)
    if found is not None:
        return found
    head = read_files(git, commit, ["versions.json"])["versions.json"]
    texts: dict[str, str | None] = {
        "versions.json": head.decode("utf-8", "replace") if head is not None else None
    }
    try:
        names = [v.name for v in listing.loads(texts["versions.json"] or "[]")]
    except ValueError:
        names = []
    blobs = read_files(git, commit, [f"{n}/{ASSET}" for n in names])
    for path, blob in blobs.items():
        texts[path] = blob.decode("utf-8", "replace") if blob is not None else None
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / "history.tmp"
    partial.write_text(json.dumps({"commit": commit, "files": texts}), encoding="utf-8")
    partial.replace(folder / "history.json")
    return texts


def read(config: DocgenConfig, folder: Path) -> History:
    """The deployed versions older than `config.version`, with their API models.

    Args:
        config: the project's settings: its root's repository, `deploy.branch` and
            `deploy.remote`, and the version being built.
        folder: the stage's cache folder, where what was read is kept by commit.
    """
    branch = config.deploy.branch if config.deploy else "gh-pages"
    remote = config.deploy.remote if config.deploy else "origin"
    git = Git(config.root)
    unreleased = config.version is None
    try:
        commit = branch_commit(git, branch, remote)
        if commit is None:
            return History(unreleased=unreleased)
        texts = _texts(git, commit, folder)
    except (GitError, OSError) as error:
        return History(
            unreleased=unreleased,
            diagnostics=(
                _diagnostic(
                    "DG618",
                    Severity.WARNING,
                    f"the Pages branch {branch} cannot be read: {error}",
                    "the API pages say nothing of earlier versions; check the branch with "
                    f"git log {branch}",
                ),
            ),
        )
    try:
        listed = listing.loads(texts.get("versions.json") or "[]")
    except ValueError as error:
        return History(
            unreleased=unreleased,
            diagnostics=(
                _diagnostic(
                    "DG618",
                    Severity.WARNING,
                    f"versions.json on the Pages branch {branch} cannot be read: {error}",
                    "repair it (docgen versions list shows what deploy reads), or delete it",
                ),
            ),
        )
    found: list[Published] = []
    problems: list[Diagnostic] = []
    for version in reversed(_older(listed, config.version)):
        text = texts.get(f"{version.name}/{ASSET}")
        snapshot = None
        if text is not None:
            try:
                snapshot = loads(text)
            except ValueError as error:
                problems.append(
                    _diagnostic(
                        "DG614",
                        Severity.WARNING,
                        f"the API model of version {version.name} on the Pages branch "
                        f"({branch}:{version.name}/{ASSET}) cannot be read: {error}",
                        f"deploy {version.name} again to rewrite it, or delete the file from "
                        "the branch; the API pages leave that version out",
                    )
                )
        found.append(Published(version.name, snapshot))
    return History(tuple(found), unreleased, tuple(problems))


def _run_of(name: str, models: Sequence[Snapshot | None]) -> int:
    """The index of the first model of the run of models holding `name` that ends last."""
    at = len(models) - 1
    while at > 0 and (previous := models[at - 1]) is not None and name in previous.entries:
        at -= 1
    return at


def notes(history: History, current: Snapshot) -> dict[str, Note]:
    """Each documented name of `current` that has something to say: added in, changed in,
    deprecated. Names that were there in the oldest deployed version and never changed
    have nothing (nor does any name when no version is deployed), unless their docstring
    says so.

    Args:
        history: the deployed versions older than the one being built.
        current: the model of the version being built.
    """
    names = [p.name for p in history.older]
    models = [p.snapshot for p in history.older]
    # A version without a model breaks the chain: nothing before it is known.
    start = max((i + 1 for i, m in enumerate(models) if m is None), default=0)
    names, models = names[start:], models[start:]
    label = "" if history.unreleased else (current.version or "")
    latest = history.older[-1].name if history.older else None
    chain: list[Snapshot | None] = [*models, current]
    labels = [*names, label]
    out: dict[str, Note] = {}
    for name, entry in current.entries.items():
        added = changed = None
        if models:
            first = _run_of(name, chain)
            if first > 0:
                added = labels[first]
            for at in range(first + 1, len(chain)):
                before, after = chain[at - 1], chain[at]
                assert before is not None
                assert after is not None
                if before.entries[name].shape != after.entries[name].shape:
                    changed = labels[at]
        if entry.added:
            added = entry.added
        if entry.changed:
            changed = entry.changed[-1]
        if added is not None or changed is not None or entry.deprecated is not None:
            out[name] = Note(added, changed, entry.deprecated, latest)
    return out
