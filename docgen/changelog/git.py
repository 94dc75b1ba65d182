"""Release notes from git: version tags, and the conventional commits between them.

git is run five times whatever the history's size: three small `rev-parse` calls (is
this a repository, is it shallow, where is HEAD), `for-each-ref` (the tags) and one `log`
of HEAD and every version tag.
Each commit then belongs to the oldest version whose tag reaches it, or to the unreleased
notes when only HEAD does: what `git log v1.0.0..v1.1.0` would say for each pair of tags,
computed in one walk.

A tag is a version when its whole name is one (`v1.2.0`, `1.2.0`, `2.0.0rc1`); other tags
(`latest`, `pkg-1.0`) are ignored. Commits are read as conventional commits
(`feat(scope)!: text`, a `BREAKING CHANGE:` footer); merges and any other commit go in
"Other changes".
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen import escape
from docgen.changelog.host import Host
from docgen.changelog.model import Changelog, Entry, Release, Section, parse_version, version_key
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["Commit", "entry", "inline", "read", "sections"]

STAGE = "changelog"
SECTIONS = (
    ("breaking", "Breaking changes"),
    ("feat", "Features"),
    ("fix", "Bug fixes"),
    ("perf", "Performance"),
    ("docs", "Documentation"),
    ("other", "Other changes"),
)
_KINDS = {"feat": "feat", "feature": "feat", "fix": "fix", "perf": "perf", "docs": "docs"}
_HEADER = re.compile(
    r"^(?P<kind>[A-Za-z][\w-]*)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:[ \t]+(?P<text>\S.*)$"
)
_BREAKING = re.compile(r"^BREAKING[ -]CHANGE:[ \t]*(?P<note>.*)$")
_FOOTER = re.compile(r"^(?:[\w-]+|BREAKING CHANGE)(?::[ \t]| #)")
# In a subject: a code span (kept as written), an issue `#12` or a GitLab merge request `!12`.
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))|(?P<ref>(?<![\w&/])[#!]\d+\b)"
)
_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as `git log` gives it.

    Attributes:
        sha: its full hash.
        parents: its parents' hashes.
        message: its whole message (subject, body and footers).
    """

    sha: str
    parents: tuple[str, ...]
    message: str

    @property
    def subject(self) -> str:
        """The message's first line."""
        return self.message.split("\n", 1)[0].strip()


def _info(message: str, hint: str, path: str = ".") -> Diagnostic:
    return Diagnostic("DG040", Severity.INFO, message, Location(path), hint, STAGE)


def _git(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
        cwd=root,
        input=None if stdin is None else stdin.encode(),
        capture_output=True,
        timeout=_TIMEOUT,
        check=False,
    )


def inline(text: str, host: Host | None) -> tuple[str, tuple[str, ...]]:
    """A commit subject as Markdown that shows it as written, and the issues it names.

    Code spans stay code; `#12` links to the issue (and `!12` to a GitLab merge request)
    when the host is known; everything else is escaped (`escape.markdown`).

    Args:
        text: the subject (or a footer's text), one line.
        host: the repository's host, or None: references stay plain text.
    """
    out: list[str] = []
    refs: list[str] = []
    at = 0
    for match in _INLINE.finditer(text):
        out.append(escape.markdown(text[at : match.start()]))
        at = match.end()
        if match["code"]:
            out.append(match["code"])
            continue
        mark, number = match["ref"][0], match["ref"][1:]
        refs.append(number)
        if host is None or (mark == "!" and host.kind != "gitlab"):
            out.append(escape.markdown(match["ref"]))
        else:
            url = host.merge_request(number) if mark == "!" else host.issue(number)
            out.append(f"[{escape.markdown(match['ref'])}]({url})")
    out.append(escape.markdown(text[at:]))
    return "".join(out), tuple(refs)


def _breaking_note(message: str) -> str | None:
    """What a `BREAKING CHANGE:` footer says ("" when it says nothing), or None without one."""
    lines = message.split("\n")[1:]
    for index, line in enumerate(lines):
        found = _BREAKING.match(line)
        if found is None:
            continue
        note = [found["note"].strip()]
        for more in lines[index + 1 :]:
            if not more.strip() or _FOOTER.match(more):
                break
            note.append(more.strip())
        return " ".join(n for n in note if n)
    return None


def entry(commit: Commit, host: Host | None) -> Entry:
    """A commit as a change: its conventional-commit type, scope and breaking flag read
    from its subject and footers; a merge or a commit of no known form has no type.

    Args:
        commit: the commit.
        host: the repository's host, for links to issues; None for plain text.
    """
    subject = commit.subject
    header = None if len(commit.parents) > 1 else _HEADER.match(subject)
    if header is None:
        text, refs = inline(subject, host)
        return Entry(text, commit=commit.sha, refs=refs)
    note = _breaking_note(commit.message)
    text, refs = inline(header["text"].strip(), host)
    scope = (header["scope"] or "").strip() or None
    return Entry(
        text,
        scope=scope,
        breaking=bool(header["bang"]) or note is not None,
        commit=commit.sha,
        refs=refs,
        kind=header["kind"].lower(),
        note=inline(note, host)[0] if note else "",
    )


def sections(entries: Sequence[Entry]) -> tuple[Section, ...]:
    """Changes grouped for readers: breaking changes first, then features, fixes,
    performance, documentation and the others; groups with no change are left out.

    Args:
        entries: the changes of one release, in the order they are listed.
    """
    groups: dict[str, list[Entry]] = {key: [] for key, _ in SECTIONS}
    for change in entries:
        key = "breaking" if change.breaking else _KINDS.get(change.kind or "", "other")
        groups[key].append(change)
    return tuple(Section(title, tuple(groups[key])) for key, title in SECTIONS if groups[key])


@dataclass(frozen=True, slots=True)
class _Tag:
    name: str
    version: str
    commit: str
    date: str | None


def _tags(root: Path) -> list[_Tag]:
    """The version tags of commits, oldest version first; one per version (the first name
    git lists)."""
    fields = "%(refname:strip=2) %(objectname) %(objecttype) %(*objectname) %(*objecttype)"
    done = _git(
        root,
        "for-each-ref",
        "--format=" + fields.replace(" ", "%00") + "%00%(creatordate:short)",
        "refs/tags",
    )
    found: dict[str, _Tag] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        name, sha, kind, peeled, peeled_kind, date = [*line.split("\0"), *[""] * 6][:6]
        version = parse_version(name)
        if (peeled_kind or kind) != "commit":  # a tag of a tree or a blob: no release
            continue
        if version is not None and version not in found:
            found[version] = _Tag(name, version, peeled or sha, date or None)
    return sorted(found.values(), key=lambda t: version_key(t.version))


def _log(root: Path, starts: Sequence[str]) -> tuple[list[Commit], str | None]:
    """Every commit reachable from `starts`, newest first, or why git could not say."""
    done = _git(root, "log", "-z", "--format=%H%x1f%P%x1f%B", "--stdin", stdin="\n".join(starts))
    if done.returncode != 0:
        return [], done.stderr.decode("utf-8", "replace").strip()
    commits = []
    for record in done.stdout.decode("utf-8", "replace").split("\0"):
        sha, _, rest = record.strip("\n").partition("\x1f")
        parents, _, message = rest.partition("\x1f")
        if sha:
            commits.append(Commit(sha, tuple(parents.split()), message.strip()))
    return commits, None


def _assign(commits: Sequence[Commit], starts: Sequence[str]) -> dict[str, int]:
    """Commit → index of the first of `starts` whose history holds it (oldest tag first)."""
    parents = {c.sha: c.parents for c in commits}
    owner: dict[str, int] = {}
    for index, start in enumerate(starts):
        todo = [start]
        while todo:
            sha = todo.pop()
            if sha in owner or sha not in parents:
                continue
            owner[sha] = index
            todo.extend(parents[sha])
    return owner


def _failed(message: str) -> Diagnostic:
    return Diagnostic(
        "DG048",
        Severity.WARNING,
        message,
        Location("."),
        "run `git log` in the project to see what is wrong with the repository",
        STAGE,
    )


def read(config: DocgenConfig, host: Host | None) -> Changelog:
    """The releases of the git repository at the project's root, newest first.

    Not a repository, no commits or no git: one note (DG040) and no releases.

    Args:
        config: the project's config (its root).
        host: the repository's host for links, or None.
    """
    root = config.root
    hint = "tag releases (`git tag v1.0.0`), or set `changelog: {source: file}`"
    try:
        probe = _git(root, "rev-parse", "--absolute-git-dir", "--git-common-dir")
    except (OSError, subprocess.SubprocessError) as error:
        return Changelog(
            "git", diagnostics=(_info(f"no release notes: git cannot run ({error})", hint),)
        )
    if probe.returncode != 0:
        said = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0] if said else "git failed"
        return Changelog(
            "git",
            diagnostics=(_info(f"no release notes: not a git repository ({reason})", hint),),
        )
    git_dir, common = [*probe.stdout.decode("utf-8", "replace").splitlines(), "", ""][:2]
    shared = root / common  # git names it relative to where it runs, unless absolute
    watch = (Path(git_dir, "HEAD"), shared / "refs", shared / "packed-refs")
    try:
        return _history(root, host, hint, watch)
    except (OSError, subprocess.SubprocessError) as error:
        return Changelog("git", diagnostics=(_failed(f"git failed: {error}"),), watch=watch)


def _history(root: Path, host: Host | None, hint: str, watch: tuple[Path, ...]) -> Changelog:
    diagnostics: list[Diagnostic] = []
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.decode().strip() == "true":
        diagnostics.append(
            Diagnostic(
                "DG047",
                Severity.INFO,
                "a shallow clone: the release notes see only the commits it has",
                Location("."),
                "fetch the whole history (actions/checkout: `fetch-depth: 0`)",
                STAGE,
            )
        )
    tags = _tags(root)
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    head_sha = head.stdout.decode().strip() if head.returncode == 0 else None
    starts = [t.commit for t in tags] + ([head_sha] if head_sha else [])
    if not starts:
        diagnostics.append(_info("no release notes: the repository has no commits", hint))
        return Changelog("git", diagnostics=tuple(diagnostics), watch=watch)
    commits, failed = _log(root, starts)
    if failed is not None:
        diagnostics.append(_failed(f"git log failed: {failed}"))
        return Changelog("git", diagnostics=tuple(diagnostics), watch=watch)
    owner = _assign(commits, starts)
    changes: dict[int, list[Entry]] = {}
    for commit in commits:
        changes.setdefault(owner.get(commit.sha, -1), []).append(entry(commit, host))
    releases: list[Release] = []
    for index, tag in enumerate(tags):
        before = tags[index - 1].name if index else None
        compare = host.compare(before, tag.name) if host and before else None
        notes = sections(changes.get(index, []))
        releases.append(Release(tag.version, tag.date, notes, tag=tag.name, compare=compare))
    unreleased = changes.get(len(tags), []) if head_sha else []
    if unreleased:
        compare = host.compare(tags[-1].name, "HEAD") if host and tags else None
        releases.append(Release(None, None, sections(unreleased), compare=compare))
    return Changelog("git", tuple(reversed(releases)), diagnostics=tuple(diagnostics), watch=watch)
