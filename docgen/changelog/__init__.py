"""Release notes: one page per version, plus "Unreleased", from git, a changelog file or
towncrier fragments.

`generate(config)` reads the notes from `changelog.source`:

- `git`: version tags and the conventional commits between them (`docgen.changelog.git`);
- `file`: a Keep a Changelog file, `changelog.file` (`docgen.changelog.file`);
- `towncrier`: its news file and fragments (`docgen.changelog.towncrier`);
- `auto`: towncrier when it is configured, else the changelog file when it exists, else
  git when the repository has version tags.

It makes `changelog/index.md`, a page per version and `changelog/unreleased.md` under the
nav section `changelog.section` (`docgen.changelog.pages`). Under `docgen deploy VERSION`
(`config.version`), each deployed version carries the notes up to itself: newer versions
are left out, and the unreleased notes become VERSION's when no release has it yet.
`dump(config, args)` returns the releases as JSON (`docgen dump changelog [SOURCE]`).

Diagnostics (stage `changelog`; its range is DG040 to DG050 and the codes after it):

| Code  | Severity | Meaning |
|-------|----------|---------|
| DG040 | info     | no release notes: no source found, not a git repository, or no commits |
| DG041 | error    | the changelog file or a news fragment cannot be read |
| DG042 | warning  | a release heading without a version, with a bad date, or no space after `#` |
| DG043 | warning  | a relative link of the changelog that cannot be rewritten for the site |
| DG044 | warning  | the changelog file has no release heading |
| DG045 | warning  | towncrier's configuration cannot be read |
| DG046 | info     | towncrier's news file is not Markdown: only the fragments are shown |
| DG047 | info     | a shallow clone: the notes see only part of the history |
| DG048 | warning  | `git log` failed |
| DG049 | warning  | a version has notes twice in the file |
| DG050 | warning  | a file in the fragments folder is not a news fragment |
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

from docgen import jsonenc
from docgen.changelog import file, git, towncrier
from docgen.changelog.host import Host, host
from docgen.changelog.model import Changelog, parse_version, version_key
from docgen.changelog.pages import pages
from docgen.config import ChangelogConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import StageResult

__all__ = ["dump", "for_version", "generate", "read"]

SOURCES = ("auto", "git", "file", "towncrier")


def _nothing(settings: ChangelogConfig) -> Diagnostic:
    return Diagnostic(
        "DG040",
        Severity.INFO,
        f"no release notes: no towncrier configuration, no {settings.file} and no version tags",
        Location("."),
        "write a CHANGELOG.md, tag releases (`git tag v1.0.0`), or remove `changelog:`",
        "changelog",
    )


def read(config: DocgenConfig, source: str | None = None) -> Changelog:
    """The project's release notes, newest first, from `source` (default: the config's).

    Args:
        config: the project's config; without a `changelog` section its defaults apply.
        source: `auto`, `git`, `file` or `towncrier`, instead of the configured one.
    """
    settings = config.changelog or ChangelogConfig()
    source = source or settings.source
    notes = _without_empty_draft(_read(config, settings, source))
    if notes.releases or notes.diagnostics:
        return notes
    empty = Diagnostic(
        "DG040",
        Severity.INFO,
        f"no release notes: {notes.file or notes.source} lists no release and no unreleased change",
        Location(notes.file or "."),
        "write the first notes, or remove `changelog:`",
        "changelog",
    )
    return dataclasses.replace(notes, diagnostics=(empty,))


def _without_empty_draft(notes: Changelog) -> Changelog:
    """The notes without an "Unreleased" part that lists nothing (`## [Unreleased]` with
    empty sections): no page says there is nothing."""
    releases = tuple(r for r in notes.releases if r.version or r.count or r.intro)
    return notes if releases == notes.releases else dataclasses.replace(notes, releases=releases)


def _read(config: DocgenConfig, settings: ChangelogConfig, source: str) -> Changelog:
    where = host(config.repo_url)
    path = config.root / settings.file
    if source == "towncrier" or (source == "auto" and towncrier.find(config.root)):
        found = towncrier.find(config.root)
        if found is not None:
            return towncrier.read(config, found, where)
        problem = Diagnostic(
            "DG045",
            Severity.WARNING,
            "no towncrier configuration: no towncrier.toml, no [tool.towncrier] in pyproject.toml",
            Location("."),
            "configure towncrier, or set `changelog: {source: ...}` to another source",
            "changelog",
        )
        return Changelog("towncrier", diagnostics=(problem,))
    if source == "file" or (source == "auto" and path.is_file()):
        return file.read(config, path, where)
    notes = git.read(config, where)
    if source == "auto" and not any(r.tag for r in notes.releases):
        return Changelog(None, diagnostics=(_nothing(settings),))
    return notes


def for_version(changelog: Changelog, version: str | None) -> Changelog:
    """The notes a site built for `version` carries: those up to it, the unreleased ones
    named after it when it is newer than every release; all of them when `version` is None or no
    version at all (`dev`, `latest`).

    Args:
        changelog: every release, newest first.
        version: the version being built (`config.version`).
    """
    wanted = parse_version(version) if version else None
    if wanted is None:
        return changelog
    key = version_key(wanted)
    released = [r for r in changelog.releases if r.version is not None]
    kept = [r for r in released if version_key(r.version or "") <= key]
    newest = max((version_key(r.version or "") for r in released), default=None)
    if newest is None or key > newest:  # the draft is the next release's, not an old one's
        draft = next((r for r in changelog.releases if r.version is None), None)
        if draft is not None:
            kept.insert(0, dataclasses.replace(draft, version=wanted))
    return dataclasses.replace(changelog, releases=tuple(kept))


def generate(config: DocgenConfig) -> StageResult:
    """The release-notes pages: an index, one page per version, and "Unreleased".

    Args:
        config: the project's config: its `changelog` section, `repo_url` for links, and
            `version` under `docgen deploy`.
    """
    started = time.perf_counter()
    settings = config.changelog or ChangelogConfig()
    notes = for_version(read(config), config.version)
    where: Host | None = host(config.repo_url)
    made = pages(notes, where, settings.section)
    return StageResult(
        "changelog",
        pages=tuple(made),
        diagnostics=notes.diagnostics,
        watch=notes.watch,
        model=_model(notes),
        summary={
            "source": notes.source or "none",
            "releases": sum(1 for r in notes.releases if r.version is not None),
            "unreleased changes": sum(r.count for r in notes.releases if r.version is None),
            "pages": len(made),
        },
        seconds=time.perf_counter() - started,
    )


def _model(notes: Changelog) -> dict[str, object]:
    data: dict[str, object] = jsonenc.to_json(notes)
    return data


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """The releases and their notes, as JSON: `source`, `releases` (newest first, each
    with its `sections` of `entries`), `intro`, `file`, `diagnostics`.

    `args` may name the source to read (`git`, `file`, `towncrier`, `auto`) instead of
    the configured one; with `config.version` set, only the notes that version carries.
    """
    source = next((a for a in args if a in SOURCES), None)
    notes = for_version(read(config, source), config.version)
    return _model(notes)
