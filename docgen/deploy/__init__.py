"""Versioned deploys to a GitHub Pages branch, compatible with mike.

`deploy()` checks and builds the site, then `publish()` commits it as a version folder
(plus one copied folder per alias) with mike's `versions.json`, a root redirect, a root
404 page and `.nojekyll`. Every change to the branch runs the same transaction: fetch,
read the branch, plan the change, write a commit with fast-import, move the branch with
a compare-and-swap, push; when the remote moved meanwhile, start again on top of it.
"""

from __future__ import annotations

import hashlib
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from docgen import __version__
from docgen.deploy import site
from docgen.deploy import versions as model
from docgen.deploy.git import Commit, Entry, Git, GitError
from docgen.deploy.versions import InvalidName, Version
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = [
    "Outcome",
    "Preview",
    "delete",
    "deploy",
    "list_versions",
    "prune_previews",
    "publish",
    "retitle",
    "set_default",
]

STAGE = "deploy"
# Codes that mean "the command cannot be done as asked": the CLI exits 2 for them.
USAGE_CODES = frozenset({"DG801", "DG802", "DG807", "DG808", "DG811"})
PREVIEWS = "previews"
_BATCH = 500


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
        """JSON shape."""
        return {"name": self.name, "updated": self.updated}


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
        """JSON shape: `versions` is exactly mike's `versions.json` list."""
        return {
            "ok": self.ok,
            "commit": self.commit,
            "versions": [v.to_json() for v in self.versions],
            "default": self.default,
            "previews": [p.to_dict() for p in self.previews],
            "pushed": self.pushed,
            "attempts": self.attempts,
            "removed": list(self.removed),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


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


def _diagnostic(
    code: str,
    message: str,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
    location: Location | None = None,
) -> Diagnostic:
    return Diagnostic(code, severity, message, location, hint, STAGE)


def _invalid(error: InvalidName) -> Refused:
    clash = "already" in str(error) or "itself" in str(error)
    return Refused(
        _diagnostic(
            "DG802" if clash else "DG801",
            str(error),
            "pick another name; see `docgen versions list` for the names in use"
            if clash
            else "use a name like 1.2, dev or latest",
        )
    )


def _unknown(identifier: str, branch: Branch) -> Refused:
    known = ", ".join(n for v in branch.versions for n in v.folders) or "none yet"
    return Refused(
        _diagnostic("DG807", f"no version or alias named {identifier!r}", f"known: {known}")
    )


# -- reading the branch ------------------------------------------------------------------


def _read(git: Git, commit: str | None) -> Branch:
    files = git.tree(commit)
    wanted = {p: files[p].sha for p in ("versions.json", "index.html") if p in files}
    blobs = git.blobs(wanted.values())
    published: tuple[Version, ...] = ()
    if "versions.json" in wanted:
        try:
            published = model.loads(blobs[wanted["versions.json"]].decode("utf-8"))
        except ValueError as error:
            raise Refused(
                _diagnostic(
                    "DG806",
                    f"versions.json on the published branch cannot be read: {error}",
                    "repair or delete versions.json on the branch, then deploy again",
                )
            ) from None
    index = blobs.get(wanted["index.html"]) if "index.html" in wanted else None
    return Branch(commit, files, published, site.default_of(index))


def _base(git: Git, target: Target, ours: str | None, notes: list[Diagnostic]) -> str | None:
    """The commit to build on: the remote's head, unless the local branch is ahead of it."""
    ref = f"refs/heads/{target.branch}"
    local = git.rev(ref)
    remote_head = None
    if target.fetch and git.has_remote(target.remote):
        remote_head = git.fetch(target.remote, target.branch)
    elif target.fetch and not any(d.code == "DG810" for d in notes):
        notes.append(
            _diagnostic(
                "DG810",
                f"no remote {target.remote!r}: published to the local branch only",
                "add the remote (git remote add origin URL) to fetch and push",
                Severity.INFO,
            )
        )
    if remote_head is None or local == remote_head:
        return local
    if local is None or local == ours or git.is_ancestor(local, remote_head):
        return remote_head
    if git.is_ancestor(remote_head, local):
        return local
    raise Refused(
        _diagnostic(
            "DG806",
            f"branch {target.branch} has diverged from {target.remote}/{target.branch}",
            f"push or drop the local commits: git branch -f {target.branch} "
            f"{target.remote}/{target.branch}",
        )
    )


# -- writing a commit --------------------------------------------------------------------


def _owner(versions: Sequence[Version], folder: str) -> str:
    for version in versions:
        if folder in version.folders:
            return version.name
    return folder


def _under(path: str, folders: Sequence[str]) -> bool:
    return any(path == f or path.startswith(f"{f}/") for f in folders)


def _folder_of(path: str) -> tuple[str, str]:
    """Split a branch path into its version folder (or `previews/NAME`) and the page."""
    head, _, rest = path.partition("/")
    if head == PREVIEWS and "/" in rest:
        name, _, page = rest.partition("/")
        return f"{PREVIEWS}/{name}", page
    return head, rest


def _write(git: Git, branch: Branch, change: Change) -> str:
    """Commit `change` on top of `branch` with fast-import; the new commit."""
    kept = {p: e for p, e in branch.files.items() if not _under(p, change.delete)}
    paths = set(kept) | set(change.files)
    default = change.default
    pages = {p.partition("/")[2] for p in paths if default and p.startswith(f"{default}/")}
    folders = [n for v in change.versions for n in v.folders]
    known = [*folders, *(f"{PREVIEWS}/{n}" for n in branch.previews)]
    known += [_folder_of(p)[0] for p in change.files if p.startswith(f"{PREVIEWS}/")]

    def point(folder: str, page: str, content: bytes) -> bytes:
        if not page.endswith(".html"):
            return content
        own = _owner(change.versions, folder)
        goal = default if default is not None and page in pages else own
        return site.canonical(content, page, goal, known, noindex=folder.startswith(PREVIEWS))

    touched = set(change.delete) | {_folder_of(p)[0] for p in change.files}
    recheck = default != branch.default or default in touched
    with Commit(git, change.message, branch.commit) as commit:
        commit.delete(change.delete)
        for path, (content, folder) in sorted(change.files.items()):
            data = point(folder, _folder_of(path)[1], content)
            commit.put(path, commit.blob(data, hashlib.sha1(data).digest()))  # noqa: S324
        if recheck:
            _repoint(git, commit, kept, change, point, known)
        root = {
            "versions.json": model.dumps(change.versions).encode(),
            "404.html": site.not_found_html(default, folders),
            ".nojekyll": site.NOJEKYLL,
        }
        if default is not None:
            root["index.html"] = site.index_html(default)
        for path, data in root.items():
            commit.put(path, commit.blob(data, hashlib.sha1(data).digest()))  # noqa: S324
        return commit.finish()


def _repoint(
    git: Git,
    commit: Commit,
    kept: dict[str, Entry],
    change: Change,
    point: Callable[[str, str, bytes], bytes],
    known: Sequence[str],
) -> None:
    """The default moved: re-point the canonical links of the pages already published."""
    pages = {
        p: e
        for p, e in kept.items()
        if p.endswith(".html") and e.mode != "120000" and _folder_of(p)[0] in known
    }
    ordered = sorted(pages.items())
    for start in range(0, len(ordered), _BATCH):  # a bounded number of pages in memory
        batch = ordered[start : start + _BATCH]
        blobs = git.blobs(e.sha for _, e in batch)
        for path, entry in batch:
            folder, page = _folder_of(path)
            old = blobs[entry.sha]
            new = point(folder, page, old)
            if new != old:
                key = hashlib.sha1(new).digest()  # noqa: S324 - a dedup key, not security
                commit.put(path, commit.blob(new, key), entry.mode)


# -- the transaction ---------------------------------------------------------------------


def _transact(target: Target, plan: Callable[[Branch], Change]) -> Outcome:
    """Fetch, plan, commit, move the branch, push; start again when the remote moved."""
    git = Git(target.repo)
    notes: list[Diagnostic] = []
    ref = f"refs/heads/{target.branch}"
    ours: str | None = None
    attempt = 0
    try:
        while attempt < target.attempts:
            attempt += 1
            local = git.rev(ref)
            base = _base(git, target, ours, notes)
            branch = _read(git, base)
            change = plan(branch)
            if base is None and not change.files:
                return _done(git, branch, change, None, False, attempt, notes)
            new = _write(git, branch, change)
            if base is not None and git.same_tree(new, base):
                new = base
                notes.append(
                    _diagnostic("DG812", "nothing changed on the branch", None, Severity.INFO)
                )
            if new != local and not git.update_ref(ref, new, local):
                continue  # another deploy moved the local branch meanwhile: start again
            ours = new
            pushed = target.push and git.push(target.remote, new, target.branch)
            if target.push and not pushed:
                time.sleep(random.uniform(0.05, 0.3) * attempt)  # noqa: S311 - jitter only
                continue
            return _done(git, branch, change, new, pushed, attempt, notes)
    except Refused as refused:
        return Outcome(False, attempts=attempt, diagnostics=(*notes, refused.diagnostic))
    except GitError as error:
        return Outcome(
            False,
            attempts=attempt,
            diagnostics=(*notes, _diagnostic("DG804", str(error), "see what git said above")),
        )
    gave_up = _diagnostic(
        "DG805",
        f"the branch {target.branch} kept moving: gave up after {attempt} attempts",
        "run the command again; deploys in CI should share one concurrency group",
    )
    return Outcome(False, attempts=attempt, diagnostics=(*notes, gave_up))


def _done(
    git: Git,
    branch: Branch,
    change: Change,
    commit: str | None,
    pushed: bool,
    attempt: int,
    notes: list[Diagnostic],
) -> Outcome:
    kept = {n for n in branch.previews if not _under(f"{PREVIEWS}/{n}", change.delete)}
    written = {_folder_of(p)[0].partition("/")[2] for p in change.files if p.startswith(PREVIEWS)}
    names = sorted(kept | written)
    previews = tuple(
        Preview(n, git.last_change(commit, f"{PREVIEWS}/{n}")) for n in names if commit
    )
    return Outcome(
        True,
        commit,
        change.versions,
        change.default,
        previews,
        pushed,
        attempt,
        change.removed,
        (*notes, *change.notes),
    )


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
    """
    early = publish_check(version, aliases, preview=preview, make_default=make_default)
    if early is not None:
        return early
    content = _files(site_dir)
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
                listed, _moved = model.add(branch.versions, version, title, aliases)
            except InvalidName as error:
                raise _invalid(error) from None
        default = branch.default
        if not preview and (make_default or default is None):
            if default is None and not make_default:
                notes.append(
                    _diagnostic(
                        "DG813",
                        f"{version} is the first version: it is now the default",
                        "change it with docgen versions set-default VERSION",
                        Severity.INFO,
                    )
                )
            default = version
        # Every alias of the version is a copy of it, not only those named this time.
        entry = model.find(listed, version)
        folders = entry.folders if entry is not None and not preview else (where,)
        files = {
            f"{folder}/{path}": (data, version if not preview else where)
            for folder in folders
            for path, data in content.items()
        }
        return Change(message, listed, default, folders, files, notes=tuple(notes))

    return _transact(
        Target(repo, branch, remote, push, attempts, fetch),
        plan,
    )


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
    """
    from docgen import mkdocs_plugin as engine  # noqa: PLC0415 - MkDocs loads only when needed

    early = publish_check(version, aliases, preview=preview, make_default=make_default)
    if early is not None:
        return early
    if offline:
        os.environ["DOCGEN_OFFLINE"] = "1"
    with tempfile.TemporaryDirectory(prefix="docgen-deploy-") as tmp:
        try:
            outcome = engine.build_site(config_file, strict=strict, site_dir=Path(tmp) / "site")
            config = engine.load_docgen_config(config_file, offline=offline)
        except engine.ConfigProblem as problem:
            return Outcome(False, diagnostics=(_diagnostic("DG808", str(problem)),))
        finally:
            os.environ.pop("DOCGEN_OFFLINE", None)
        found = list(outcome.diagnostics)
        errors = sum(d.severity is Severity.ERROR for d in found)
        where = Location(config.relative(config_file))
        if outcome.aborted:
            refusal = _diagnostic("DG803", f"the build failed: {outcome.aborted}", None)
            return Outcome(False, diagnostics=(*found, refusal))
        note = ""
        if errors and not allow_errors:
            refusal = _diagnostic(
                "DG803",
                f"not published: docgen check found {errors} error(s)",
                "fix them, or publish anyway with --allow-errors (the commit says so)",
                location=where,
            )
            return Outcome(False, diagnostics=(*found, refusal))
        if errors:
            note = f"Published with --allow-errors: docgen check found {errors} error(s)."
            found.append(_diagnostic("DG809", note, None, Severity.WARNING, where))
        home = outcome.site_dir / "index.html"
        if not preview and home.is_file() and site.selector_configured(home.read_bytes()) is False:
            found.append(
                _diagnostic(
                    "DG814",
                    "the Material theme's version selector is off: readers cannot switch versions",
                    "add to mkdocs.yml: extra: {version: {provider: mike, alias: true}}",
                    Severity.WARNING,
                    where,
                )
            )
        settings = config.deploy
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
        )
    return replace(result, diagnostics=(*found, *result.diagnostics))


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
        return Outcome(False, diagnostics=(_invalid(error).diagnostic,))
    if preview and (aliases or make_default):
        return Outcome(
            False,
            diagnostics=(
                _diagnostic(
                    "DG801",
                    "a preview has no aliases and cannot be the default",
                    "drop the aliases and --set-default, or drop --preview",
                ),
            ),
        )
    return None


def _target(repo: Path, branch: str, remote: str, push: bool, fetch: bool) -> Target:
    return Target(repo, branch, remote, push, fetch=fetch)


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
        base = _base(git, _target(repo, branch, remote, False, fetch), None, notes)
        state = _read(git, base)
        previews = tuple(
            Preview(n, git.last_change(base, f"{PREVIEWS}/{n}"))
            for n in state.previews
            if base is not None
        )
    except Refused as refused:
        return Outcome(False, diagnostics=(*notes, refused.diagnostic))
    except GitError as error:
        return Outcome(False, diagnostics=(*notes, _diagnostic("DG804", str(error))))
    return Outcome(True, base, state.versions, state.default, previews, diagnostics=tuple(notes))


def delete(
    repo: Path,
    identifiers: Sequence[str],
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
) -> Outcome:
    """Delete versions (with their aliases) or single aliases; never the default.

    Args:
        repo: the local git repository.
        identifiers: versions or aliases, by name.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
    """

    def plan(state: Branch) -> Change:
        listed = state.versions
        gone: list[str] = []
        for identifier in identifiers:
            try:
                listed, folders = model.remove(listed, identifier)
            except KeyError:
                raise _unknown(identifier, state) from None
            gone += folders
        if state.default in gone:
            raise Refused(
                _diagnostic(
                    "DG811",
                    f"{state.default!r} is the default version: not deleted",
                    "make another version the default first: docgen versions set-default VERSION",
                )
            )
        message = f"Deleted {', '.join(identifiers)} with docgen {__version__}"
        return Change(message, listed, state.default, tuple(gone), removed=tuple(gone))

    return _transact(_target(repo, branch, remote, push, fetch), plan)


def set_default(
    repo: Path,
    identifier: str,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
) -> Outcome:
    """Make a version (or an alias, which then follows its version) the default.

    Args:
        repo: the local git repository.
        identifier: the version or alias.
        branch: the published branch.
        remote: the remote it is fetched from and pushed to.
        push: push the new commit; without it only the local branch moves.
        fetch: fetch the branch first; off for `--offline`.
    """

    def plan(state: Branch) -> Change:
        if model.find(state.versions, identifier) is None:
            raise _unknown(identifier, state)
        message = f"Set default version to {identifier} with docgen {__version__}"
        return Change(message, state.versions, identifier)

    return _transact(_target(repo, branch, remote, push, fetch), plan)


def retitle(
    repo: Path,
    identifier: str,
    title: str,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    push: bool = False,
    fetch: bool = True,
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
    """

    def plan(state: Branch) -> Change:
        try:
            listed = model.retitle(state.versions, identifier, title)
        except KeyError:
            raise _unknown(identifier, state) from None
        message = f"Set title of {identifier} to {title!r} with docgen {__version__}"
        return Change(message, listed, state.default)

    return _transact(_target(repo, branch, remote, push, fetch), plan)


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
    """
    if older_than_days is None and not keep:
        return Outcome(
            False,
            diagnostics=(
                _diagnostic(
                    "DG808",
                    "say which previews to remove",
                    "pass --older-than DAYS, --keep NAME ..., or both",
                ),
            ),
        )
    git = Git(repo)
    moment = time.time() if now is None else now

    def plan(state: Branch) -> Change:
        gone: list[str] = []
        for name in state.previews:
            if keep and name in keep:
                continue
            if older_than_days is not None and state.commit is not None:
                age = moment - git.last_change(state.commit, f"{PREVIEWS}/{name}")
                if age < older_than_days * 86_400:
                    continue
            gone.append(f"{PREVIEWS}/{name}")
        message = f"Pruned previews {', '.join(gone) or '(none)'} with docgen {__version__}"
        return Change(message, state.versions, state.default, tuple(gone), removed=tuple(gone))

    return _transact(_target(repo, branch, remote, push, fetch), plan)
