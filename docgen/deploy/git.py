"""The one module that runs git: read the published branch, commit to it, fetch, push.

Commits are written with `git fast-import` onto a private ref, never by checking the
branch out (mike's approach), and the branch is then moved with a compare-and-swap
`git update-ref`: a deploy killed at any point leaves the branch where it was.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import textwrap
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["ZERO", "Commit", "Entry", "Git", "GitError"]

ZERO = "0" * 40
"""The all-zero sha git uses for "no commit": a compare-and-swap that expects no branch."""
_MOVED = (b"[rejected]", b"cannot lock ref", b"failed to update ref", b"failed to lock")


class GitError(Exception):
    """A git command failed; the message ends with what git said on stderr (as mike does)."""

    def __init__(self, message: str, stderr: str | bytes | None = None) -> None:
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        said = (stderr or "").strip()
        if "\n" in said:
            message += ":\n" + textwrap.indent(said, "  ")
        elif said:
            message += f': "{said}"'
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Entry:
    """A file of a commit's tree.

    Attributes:
        mode: its git mode (`100644`, `120000` for a symlink).
        sha: its blob's sha.
    """

    mode: str
    sha: str


class Git:
    """git, run in `cwd` (anywhere inside the repository)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def run(
        self, *args: str, stdin: bytes | None = None, check: bool = True, what: str = ""
    ) -> subprocess.CompletedProcess[bytes]:
        """Run `git ARGS`; raise GitError with git's stderr unless `check` is False.

        Args:
            args: git's arguments, the sub-command first.
            stdin: bytes to feed git, or None.
            check: raise when git fails.
            what: the error's message, instead of `git SUBCOMMAND failed`.
        """
        done = subprocess.run(
            ["git", *args], cwd=self.cwd, input=stdin, capture_output=True, check=False
        )
        if check and done.returncode != 0:
            raise GitError(what or f"git {args[0]} failed", done.stderr)
        return done

    def text(self, *args: str, stdin: bytes | None = None, what: str = "") -> str:
        """stdout of `git ARGS` (`args`, fed `stdin`), stripped; `what` is the error's
        message if it fails."""
        return self.run(*args, stdin=stdin, what=what).stdout.decode("utf-8", "replace").strip()

    def rev(self, ref: str) -> str | None:
        """The commit `ref` names, or None when there is none."""
        done = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if done.returncode != 0:
            return None
        return done.stdout.decode().strip() or None

    def has_remote(self, remote: str) -> bool:
        """Whether `remote` is configured in this repository."""
        return self.run("remote", "get-url", "--", remote, check=False).returncode == 0

    def fetch(self, remote: str, branch: str) -> str | None:
        """Fetch `branch` from `remote`; its head there, or None when the remote has none."""
        tracking = f"refs/remotes/{remote}/{branch}"
        done = self.run(
            "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}", check=False
        )
        if done.returncode != 0:
            if b"couldn't find remote ref" in done.stderr:
                return None
            raise GitError(f"cannot fetch branch {branch} from {remote}", done.stderr)
        return self.rev(tracking)

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether commit `older` is in the history of `newer`."""
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def tree(self, commit: str | None) -> dict[str, Entry]:
        """Every file of `commit` (none for no commit), by path."""
        if commit is None:
            return {}
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, what="cannot list files")
        files: dict[str, Entry] = {}
        for record in out.stdout.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, _kind, sha = meta.decode().split(" ")
                files[path.decode("utf-8", "surrogateescape")] = Entry(mode, sha)
        return files

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs, by their `shas`, in one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self.run(
            "cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode()
        ).stdout
        found: dict[str, bytes] = {}
        at = 0
        for sha in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split(b" ")
            if header[-1] == b"missing":
                raise GitError(f"blob {sha} is missing")
            size = int(header[2])
            found[sha] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return found

    def last_change(self, commit: str, path: str) -> int:
        """When `path` last changed in the history of `commit` (Unix time)."""
        stamp = self.text("log", "-1", "--format=%ct", commit, "--", path)
        return int(stamp) if stamp else 0

    def update_ref(self, ref: str, new: str, old: str | None) -> bool:
        """Move `ref` to `new` only if it is still at `old` (None: only if it does not exist)."""
        done = self.run("update-ref", ref, new, old or ZERO, check=False)
        return done.returncode == 0

    def delete_ref(self, ref: str) -> None:
        """Remove `ref` (a private working ref)."""
        self.run("update-ref", "-d", ref, check=False)

    def push(self, remote: str, commit: str, branch: str, lease: str | None = None) -> bool:
        """Push `commit` as `branch`; False when the remote moved meanwhile (not a fast-forward).

        With a `lease` (the remote head the commit was built on; `""`: no branch yet) the
        push may rewrite history, but only while the remote is still at that head.
        """
        force = () if lease is None else (f"--force-with-lease=refs/heads/{branch}:{lease}",)
        done = self.run(
            "push",
            "--porcelain",
            *force,
            "--",
            remote,
            f"{commit}:refs/heads/{branch}",
            check=False,
        )
        if done.returncode == 0:
            return True
        said = done.stdout + done.stderr
        # Retry only a race: our base is stale, or another push held the ref. A hook or a
        # protected branch refusing the push is an error that retrying cannot fix.
        if any(sign in said for sign in _MOVED):
            return False
        raise GitError(f"cannot push branch {branch} to {remote}", done.stderr or done.stdout)

    def ident(self) -> str:
        """Who commits and when: `Name <email> 1700000000 +0000`, as git itself would."""
        return self.text(
            "var",
            "GIT_COMMITTER_IDENT",
            what="git does not know who commits: set user.name and user.email "
            "(git config user.name NAME; git config user.email EMAIL)",
        )

    def describe_head(self) -> str:
        """The source commit being published (short), or `a working tree` outside git."""
        done = self.run("rev-parse", "--short", "HEAD", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else "a working tree"

    def same_tree(self, one: str, other: str) -> bool:
        """Whether two commits, `one` and `other`, hold exactly the same files."""
        return self.text("rev-parse", f"{one}^{{tree}}") == self.text(
            "rev-parse", f"{other}^{{tree}}"
        )


def _quote(path: str) -> str:
    # fast-import reads a path to the end of the line; quote only what would break that.
    if any(c in path for c in '\n"\\') or path.startswith('"'):
        escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return path


class Commit:
    """One commit, with `message`, written by `git fast-import` on top of `parent`.

    No checkout is needed.

    Objects are streamed as they come; the commit exists only once `finish()` has sent
    `done` and fast-import exited cleanly, so an interrupted commit changes no ref.
    """

    def __init__(self, git: Git, message: str, parent: str | None) -> None:
        self.git = git
        self.ref = f"refs/docgen/deploy/{uuid.uuid4().hex}"
        ident = git.ident()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish/abort
        self._process = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done", "--date-format=raw"],
            cwd=git.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        self._marks = 0
        self._blobs: dict[bytes, str] = {}
        self._commands: list[bytes] = [
            f"commit {self.ref}\ncommitter {ident}\n".encode(),
            self._data(message.encode()),
        ]
        if parent:
            self._commands.append(f"from {parent}\n".encode())
        self.done = False

    @property
    def pid(self) -> int:
        """The fast-import process (tests kill it half-way)."""
        return self._process.pid

    @staticmethod
    def _data(data: bytes) -> bytes:
        return b"data %d\n%s\n" % (len(data), data)

    def _send(self, chunk: bytes) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(chunk)
        except BrokenPipeError:
            raise self._failure("git fast-import stopped") from None

    def _failure(self, message: str) -> GitError:
        self._process.wait()
        self._stderr.seek(0)
        return GitError(message, self._stderr.read())

    def blob(self, data: bytes, key: bytes) -> str:
        """Stream a blob's `data` once (by `key`, e.g. its hash); the mark to refer to it."""
        mark = self._blobs.get(key)
        if mark is None:
            self._marks += 1
            mark = self._blobs[key] = f":{self._marks}"
            self._send(b"blob\nmark %s\n%s" % (mark.encode(), self._data(data)))
        return mark

    def put(self, path: str, blob: str, mode: str = "100644") -> None:
        """Add or replace the file `path` with a blob (a mark from `blob()`, or a sha).

        `mode` is the file's git mode: `100644`, `100755`, or `120000` for a symlink.
        """
        self._commands.append(f"M {mode} {blob} {_quote(path)}\n".encode())

    def delete(self, paths: Sequence[str]) -> None:
        """Remove files or whole folders, by their `paths`."""
        self._commands += [f"D {_quote(p)}\n".encode() for p in paths]

    def finish(self) -> str:
        """Write the commit; its sha. The private ref it was written on is removed."""
        self.done = True
        try:
            self._send(b"".join(self._commands) + b"\ndone\n")
            assert self._process.stdin is not None
            try:
                self._process.stdin.close()
            except BrokenPipeError:
                raise self._failure("git fast-import stopped") from None
            if self._process.wait() != 0:
                raise self._failure("git fast-import could not write the commit")
            commit = self.git.rev(self.ref)
            if commit is None:  # pragma: no cover - fast-import exited 0 without the ref
                raise GitError("git fast-import wrote no commit")
            return commit
        finally:
            self.git.delete_ref(self.ref)
            self._stderr.close()

    def abort(self) -> None:
        """Stop without committing: fast-import ends before `done`, and writes no ref."""
        if self.done:
            return
        self.done = True
        self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):  # buffered data nobody reads now
                self._process.stdin.close()
        self._stderr.close()
        self.git.delete_ref(self.ref)

    def __enter__(self) -> Commit:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abort()
