"""Keep the published branch's history short: only its last N commits (`--squash-history`).

Every deploy adds a commit holding a whole site, and git keeps every version of every file
forever: a branch deployed on each push to main grows without bound. Squashing rewrites
the branch so that only the newest N commits stay, the oldest of them becoming a root
commit with its whole tree; the files are untouched, only history is dropped, and the
remote's `git gc` can then free the old objects. The rewritten commits keep their
messages, authors and dates (a signature, which would no longer match, is dropped).

The new branch is not a fast-forward of the old one: it is pushed with
`--force-with-lease` on the head the transaction read, so a deploy that landed meanwhile
is never overwritten — the transaction starts again on top of it instead.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from docgen.deploy.git import Git, GitError

__all__ = ["squash"]


def _without_parents(raw: bytes, parent: str | None) -> bytes:
    """A commit object's `raw` bytes with `parent` (or none) instead of its parents."""
    header, _, message = raw.partition(b"\n\n")
    lines: list[bytes] = []
    skipping = False
    for line in header.split(b"\n"):
        if skipping and line.startswith(b" "):
            continue  # the rest of a multi-line signature
        skipping = line.startswith((b"gpgsig", b"mergetag"))
        if skipping or line.startswith(b"parent "):
            continue
        lines.append(line)
        if line.startswith(b"tree ") and parent is not None:
            lines.append(b"parent " + parent.encode())
    return b"\n".join(lines) + b"\n\n" + message


def squash(git: Git, commit: str, keep: int) -> str:
    """`commit` with only its newest `keep` first-parent commits; `commit` itself when
    its history is no longer than that.

    Args:
        git: the repository.
        commit: the branch's new head.
        keep: how many commits to keep, at least 1.
    """
    found = git.text("rev-list", "--first-parent", f"--max-count={keep + 1}", commit).split()
    if len(found) <= keep:
        return commit
    kept = found[:keep]
    raw = git.blobs(kept)  # `cat-file --batch` reads any object, commits too
    # Each commit names its parent's sha: compute them here, then write all in one git call.
    parent: str | None = None
    objects: list[bytes] = []
    for sha in reversed(kept):
        body = _without_parents(raw[sha], parent)
        objects.append(body)
        parent = hashlib.sha1(b"commit %d\0%s" % (len(body), body)).hexdigest()  # noqa: S324
    with tempfile.TemporaryDirectory(prefix="docgen-squash-") as tmp:
        paths = []
        for n, body in enumerate(objects):
            path = Path(tmp) / str(n)
            path.write_bytes(body)
            paths.append(str(path))
        written = git.text(
            "hash-object",
            "-t",
            "commit",
            "-w",
            "--no-filters",
            "--stdin-paths",
            stdin="".join(f"{p}\n" for p in paths).encode(),
            what="cannot rewrite the branch's history",
        ).split()
    if parent is None or written[-1:] != [parent]:  # pragma: no cover - git hashes differently
        raise GitError("the rewritten history does not match what git wrote")
    return parent
