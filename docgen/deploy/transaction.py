"""The one transaction every change to the published branch runs: fetch, read the
branch, plan the change, write a commit with fast-import, move the branch with a
compare-and-swap, push; when the remote moved meanwhile, start again on top of it."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Sequence

from docgen.deploy import history, notice, site, sitemap
from docgen.deploy import versions as model
from docgen.deploy.git import Commit, Entry, Git, GitError
from docgen.deploy.outcome import (
    BATCH,
    PREVIEWS,
    Branch,
    Change,
    Outcome,
    Preview,
    Refused,
    Target,
    diagnostic,
)
from docgen.deploy.versions import Version
from docgen.diagnostics import Diagnostic, Severity, plural

# -- reading the branch ------------------------------------------------------------------


def read_branch(git: Git, commit: str | None) -> Branch:
    """The published branch as it is at `commit` (None: no branch yet), read with `git`.

    Raises:
        Refused: DG815 when the branch's `versions.json` cannot be read.
    """
    files = git.tree(commit)
    wanted = {p: files[p].sha for p in ("versions.json", "index.html") if p in files}
    blobs = git.blobs(wanted.values())
    published: tuple[Version, ...] = ()
    if "versions.json" in wanted:
        try:
            published = model.loads(blobs[wanted["versions.json"]].decode("utf-8"))
        except ValueError as error:
            raise Refused(
                diagnostic(
                    "DG815",
                    f"versions.json on the published branch cannot be read: {error}",
                    "repair or delete versions.json on the branch, then deploy again",
                )
            ) from None
    index = blobs.get(wanted["index.html"]) if "index.html" in wanted else None
    return Branch(commit, files, published, site.default_of(index))


def base_commit(git: Git, target: Target, ours: str | None, notes: list[Diagnostic]) -> str | None:
    """The commit to build on: the remote's head, unless the local branch is ahead of it.

    Args:
        git: the repository.
        target: the branch and remote; the remote is fetched first when `target.fetch`.
        ours: the commit this transaction made in an earlier attempt, or None.
        notes: the transaction's diagnostics so far; DG810 is added (once) when there is
            no remote to fetch from.

    Raises:
        Refused: DG806 when the local branch and the remote's have diverged.
    """
    ref = f"refs/heads/{target.branch}"
    local = git.rev(ref)
    remote_head = None
    synced = None
    if target.fetch and git.has_remote(target.remote):
        synced = git.rev(f"refs/remotes/{target.remote}/{target.branch}")
        remote_head = git.fetch(target.remote, target.branch)
    elif target.fetch and not any(d.code == "DG810" for d in notes):
        notes.append(
            diagnostic(
                "DG810",
                f"no remote {target.remote!r}: published to the local branch only",
                "add the remote (git remote add origin URL) to fetch and push",
                Severity.INFO,
            )
        )
    if remote_head is None or local == remote_head:
        return local
    # The local branch was where the remote was at the last fetch, so it holds nothing
    # unpushed, even when the remote's history has since been squashed (rewritten).
    if local is None or local in (ours, synced) or git.is_ancestor(local, remote_head):
        return remote_head
    if git.is_ancestor(remote_head, local):
        return local
    raise Refused(
        diagnostic(
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


def _site_url(git: Git, branch: Branch, change: Change) -> str | None:
    if change.site_url:
        return change.site_url
    entry = branch.files.get(sitemap.SITEMAP)
    if entry is None:
        return None
    return sitemap.site_url_of_index(git.blobs([entry.sha])[entry.sha])


def _recheck(branch: Branch, change: Change, touched: set[str]) -> set[str] | None:
    """The folders whose published pages must be processed again: None for all of them.

    A page's canonical link and notice depend on the default (its folder, its pages, its
    version's title) and on the page's own version (its title, whether it is hidden).
    """

    def looks(versions: Sequence[Version], default: str | None) -> tuple[object, ...]:
        owner = model.find(versions, default) if default else None
        return (default, owner and owner.name, owner and owner.title, owner and owner.aliases)

    default = change.default
    if (
        change.refresh
        or default != branch.default
        or default in touched
        or looks(change.versions, default) != looks(branch.versions, branch.default)
    ):
        return None
    before = {v.name: (v.title, model.is_hidden(v)) for v in branch.versions}
    return {
        folder
        for v in change.versions
        if before.get(v.name) != (v.title, model.is_hidden(v))
        for folder in v.folders
    } - touched


def _write(git: Git, branch: Branch, change: Change, notes: list[Diagnostic]) -> str:
    """Commit `change` on top of `branch` with fast-import; the new commit.

    Diagnostics about the branch as written (no site URL for the sitemap index) go to
    `notes`.
    """
    kept = {p: e for p, e in branch.files.items() if not _under(p, change.delete)}
    paths = set(kept) | set(change.files)
    default = change.default
    pages = {p.partition("/")[2] for p in paths if default and p.startswith(f"{default}/")}
    folders = [n for v in change.versions for n in v.folders]
    known = [*folders, *(f"{PREVIEWS}/{n}" for n in branch.previews)]
    known += [_folder_of(p)[0] for p in change.files if p.startswith(f"{PREVIEWS}/")]
    owners = {folder: v for v in change.versions for folder in v.folders}
    current = owners.get(default) if default else None
    site_url = _site_url(git, branch, change)

    def point(folder: str, page: str, content: bytes) -> bytes:
        if not page.endswith(".html"):
            return content
        own = _owner(change.versions, folder)
        goal = default if default is not None and page in pages else own
        version = owners.get(folder)
        preview = folder.startswith(PREVIEWS)
        hidden = preview or (version is not None and model.is_hidden(version))
        content = site.canonical(content, page, goal, known, noindex=hidden)
        if preview:
            return content
        shown = None
        if default and current is not None and version is not None and version is not current:
            titles = (version.title, current.title)
            shown = notice.Notice.for_page(page, default, exists=page in pages, titles=titles)
        return notice.outdated(content, shown)

    def fresh(folder: str, page: str, content: bytes) -> bytes:
        if site_url and page in (sitemap.SITEMAP, f"{sitemap.SITEMAP}.gz"):
            return sitemap.in_folder(content, site_url, folder)
        return point(folder, page, content)

    touched = set(change.delete) | {_folder_of(p)[0] for p in change.files}
    again = _recheck(branch, change, touched)
    with Commit(git, change.message, branch.commit) as commit:
        commit.delete(change.delete)
        for path, (content, _version) in sorted(change.files.items()):
            data = fresh(*_folder_of(path), content)  # an alias's copy: its own folder
            commit.put(path, commit.blob(data, hashlib.sha1(data).digest()))  # noqa: S324
        if again is None or again:
            _repoint(git, commit, kept, point, known if again is None else sorted(again))
        root = {
            "versions.json": model.dumps(change.versions).encode(),
            "404.html": site.not_found_html(default, folders),
            ".nojekyll": site.NOJEKYLL,
        }
        if default is not None:
            root["index.html"] = site.index_html(default)
        present = {_folder_of(p)[0] for p in paths if _folder_of(p)[1] == sitemap.SITEMAP}
        index = sitemap.index_xml(site_url, change.versions, default, present) if site_url else None
        if index is not None:
            root[sitemap.SITEMAP] = index
        elif sitemap.SITEMAP in kept:
            commit.delete([sitemap.SITEMAP])
        publishing = any(_folder_of(p)[0] in owners for p in change.files)
        if site_url is None and publishing and not any(d.code == "DG818" for d in notes):
            notes.append(
                diagnostic(
                    "DG818",
                    "the site has no site_url: no sitemap index was written at the branch's root",
                    "set site_url in mkdocs.yml (the address the site is published at)",
                    Severity.INFO,
                )
            )
        for path, data in root.items():
            commit.put(path, commit.blob(data, hashlib.sha1(data).digest()))  # noqa: S324
        return commit.finish()


def _repoint(
    git: Git,
    commit: Commit,
    kept: dict[str, Entry],
    point: Callable[[str, str, bytes], bytes],
    folders: Sequence[str],
) -> None:
    """Process the pages already published in `folders` again: their canonical links,
    notices and robots tags follow the default, the titles and the hidden versions."""
    wanted = set(folders)
    pages = {
        p: e
        for p, e in kept.items()
        if p.endswith(".html") and e.mode != "120000" and _folder_of(p)[0] in wanted
    }
    ordered = sorted(pages.items())
    for start in range(0, len(ordered), BATCH):  # a bounded number of pages in memory
        batch = ordered[start : start + BATCH]
        blobs = git.blobs(e.sha for _, e in batch)
        for path, entry in batch:
            folder, page = _folder_of(path)
            old = blobs[entry.sha]
            new = point(folder, page, old)
            if new != old:
                key = hashlib.sha1(new).digest()  # noqa: S324 - a dedup key, not security
                commit.put(path, commit.blob(new, key), entry.mode)


# -- the transaction ---------------------------------------------------------------------


def transact(target: Target, plan: Callable[[Branch], Change]) -> Outcome:
    """Fetch, plan, commit, move the branch, push; start again when the remote moved.

    Args:
        target: where to publish, and how many attempts to make.
        plan: the change to make on the branch as read; a `Refused` it raises ends the
            transaction with its diagnostic.
    """
    git = Git(target.repo)
    notes: list[Diagnostic] = []
    ref = f"refs/heads/{target.branch}"
    ours: str | None = None
    attempt = 0
    try:
        while attempt < target.attempts:
            attempt += 1
            local = git.rev(ref)
            base = base_commit(git, target, ours, notes)
            branch = read_branch(git, base)
            change = plan(branch)
            if base is None and not change.files:
                return _done(git, branch, change, None, False, attempt, notes)
            new = _write(git, branch, change, notes)
            if base is not None and git.same_tree(new, base):
                new = base
                notes.append(
                    diagnostic("DG812", "nothing changed on the branch", None, Severity.INFO)
                )
            lease = None
            if target.squash and new != base:
                lease = git.rev(f"refs/remotes/{target.remote}/{target.branch}") or ""
                new = _squash(git, new, target.squash, notes)
            if new != local and not git.update_ref(ref, new, local):
                continue  # another deploy moved the local branch meanwhile: start again
            ours = new
            pushed = target.push and git.push(target.remote, new, target.branch, lease)
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
            diagnostics=(*notes, diagnostic("DG804", str(error), "see what git said above")),
        )
    gave_up = diagnostic(
        "DG805",
        f"the branch {target.branch} kept moving: gave up after {attempt} attempts",
        "run the command again; deploys in CI should share one concurrency group",
    )
    return Outcome(False, attempts=attempt, diagnostics=(*notes, gave_up))


def _squash(git: Git, commit: str, keep: int, notes: list[Diagnostic]) -> str:
    squashed = history.squash(git, commit, keep)
    notes[:] = [d for d in notes if d.code != "DG823"]  # one note, from the last attempt
    if squashed != commit:
        notes.append(
            diagnostic(
                "DG823",
                f"the branch's history was squashed to its last {plural(keep, 'commit')}",
                None,
                Severity.INFO,
            )
        )
    return squashed


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
