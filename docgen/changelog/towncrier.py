"""Release notes from towncrier: its news file for the releases, its fragments for the
unreleased draft.

The configuration is `towncrier.toml`, else `[tool.towncrier]` of `pyproject.toml` (as
towncrier looks for it): `directory` (default `newsfragments`, or
`<package_dir>/<package>/newsfragments` with `package`), `filename` (default `NEWS.rst`),
the fragment types (`[[tool.towncrier.type]]`, `[tool.towncrier.fragment.X]`, or
towncrier's five defaults), `issue_format`, `orphan_prefix` and `ignore`.

A news file in Markdown (`.md`) is read as a changelog file (`docgen.changelog.file`); one
in reStructuredText is a note (DG046), and only the fragments are shown. A fragment is
`<issue>.<type>[.<counter>][.md]` (`123.feature.md`, `+orphan.bugfix.md`); each becomes an
entry of its type's section, with a link to its issue. Hidden files, `README` and
`template` files and the names of `ignore` are skipped; any other file that names no type
is a warning (DG050).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from docgen.changelog import file as changelog_file
from docgen.changelog.host import Host
from docgen.changelog.links import Rewriter
from docgen.changelog.model import Changelog, Entry, Release, Section
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["Settings", "find", "read", "settings"]

STAGE = "changelog"
_DEFAULT_TYPES = (
    ("feature", "Features", True),
    ("bugfix", "Bugfixes", True),
    ("doc", "Improved Documentation", True),
    ("removal", "Deprecations and Removals", True),
    ("misc", "Misc", False),
)
_EXTENSIONS = (".md", ".markdown", ".rst", ".txt")
_LINE = re.compile(r"line (\d+)")


@dataclass(frozen=True, slots=True)
class Settings:
    """What docgen reads of towncrier's configuration.

    Attributes:
        file: the configuration file, relative to the project root.
        directory: the fragments' folder, relative to the project root.
        filename: the news file, relative to the project root.
        types: each fragment type's folder name → (its section's title, show its text).
        issue_format: how an issue is written (`[#{issue}](https://…/{issue})`), or None.
        orphan_prefix: what starts the name of a fragment with no issue.
        ignore: file names (globs) in the fragments' folder that are no fragments.
    """

    file: str
    directory: str = "newsfragments"
    filename: str = "NEWS.rst"
    types: Mapping[str, tuple[str, bool]] | None = None
    issue_format: str | None = None
    orphan_prefix: str = "+"
    ignore: tuple[str, ...] = ()


def find(root: Path) -> Path | None:
    """towncrier's configuration file at `root`: `towncrier.toml`, else a `pyproject.toml`
    with a `[tool.towncrier]` table, else None."""
    if (root / "towncrier.toml").is_file():
        return root / "towncrier.toml"
    pyproject = root / "pyproject.toml"
    try:
        if pyproject.is_file() and "[tool.towncrier" in pyproject.read_text(encoding="utf-8"):
            return pyproject
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _problem(message: str, where: Location) -> Diagnostic:
    hint = "fix towncrier's configuration (`towncrier build --draft` says what it reads)"
    return Diagnostic("DG045", Severity.WARNING, message, where, hint, STAGE)


def settings(config: DocgenConfig, path: Path) -> tuple[Settings | None, list[Diagnostic]]:
    """towncrier's settings from `path`, or None and a warning (DG045) when they cannot
    be read.

    Args:
        config: the project's config (its root).
        path: `towncrier.toml` or `pyproject.toml`.
    """
    shown = config.relative(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        line = _LINE.search(str(error))
        where = Location(shown, int(line[1]) if line else None)
        return None, [_problem(f"towncrier's configuration cannot be read: {error}", where)]
    table = data.get("tool", {}).get("towncrier") if isinstance(data.get("tool"), dict) else None
    if not isinstance(table, dict):
        return None, [_problem("no [tool.towncrier] table", Location(shown))]
    strings = ("directory", "filename", "issue_format", "orphan_prefix", "package", "package_dir")
    for key in strings:
        if key in table and not isinstance(table[key], str):
            return None, [_problem(f"`{key}` is not a string", Location(shown))]
    types = _types(table)
    if types is None:
        return None, [_problem("the fragment types are not tables with a name", Location(shown))]
    directory = table.get("directory")
    if directory is None and table.get("package"):
        directory = f"{table.get('package_dir', '.')}/{table['package']}/newsfragments"
    ignore = table.get("ignore", [])
    return Settings(
        shown,
        directory=str(Path(directory or "newsfragments").as_posix()).rstrip("/"),
        filename=table.get("filename", "NEWS.rst"),
        types=types,
        issue_format=table.get("issue_format"),
        orphan_prefix=table.get("orphan_prefix", "+"),
        ignore=tuple(i for i in ignore if isinstance(i, str)) if isinstance(ignore, list) else (),
    ), []


def _types(table: Mapping[str, object]) -> dict[str, tuple[str, bool]] | None:
    fragment, listed = table.get("fragment"), table.get("type")
    if isinstance(fragment, dict) and fragment:
        found = {}
        for key in sorted(fragment):
            value = fragment[key] if isinstance(fragment[key], dict) else {}
            found[key] = (str(value.get("name", key.capitalize())), value.get("showcontent", True))
        return {k: (n, bool(s)) for k, (n, s) in found.items()}
    if isinstance(listed, list) and listed:
        if not all(isinstance(t, dict) and "directory" in t and "name" in t for t in listed):
            return None
        return {
            str(t["directory"]): (str(t["name"]), bool(t.get("showcontent", True))) for t in listed
        }
    return {key: (name, show) for key, name, show in _DEFAULT_TYPES}


def _fragment(name: str, types: Mapping[str, object]) -> tuple[str, str, int] | None:
    """(issue, type, counter) of a fragment's file name, or None when it is none."""
    stem = name
    for extension in _EXTENSIONS:
        stem = stem.removesuffix(extension)
    parts = stem.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] in types:
            counter = parts[index + 1] if index + 1 < len(parts) else "0"
            if index + 2 < len(parts) or not counter.isdigit():
                return None
            return ".".join(parts[:index]), parts[index], int(counter)
    return None


def _ignored(name: str, ignore: tuple[str, ...]) -> bool:
    """Files of the fragments' folder that are not fragments: hidden files, a README or
    template (as towncrier has them), and the names of towncrier's `ignore`."""
    stem = name.split(".", 1)[0].lower()
    return (
        name.startswith(".")
        or stem in ("readme", "template")
        or any(fnmatch.fnmatch(name, g) for g in ignore)
    )


def _issue(issue: str, found: Settings, host: Host | None) -> str:
    if found.issue_format:
        try:
            return found.issue_format.format(issue=issue)
        except (KeyError, IndexError, ValueError):  # a format towncrier would reject too
            pass
    if issue.isdigit() and host is not None:
        return f"[#{issue}]({host.issue(issue)})"
    return f"#{issue}" if issue.isdigit() else issue


def _draft(
    config: DocgenConfig, found: Settings, host: Host | None
) -> tuple[Release | None, list[Diagnostic]]:
    """The unreleased notes from the fragments, or None when there are none."""
    folder = config.root / found.directory
    if not folder.is_dir():
        return None, []
    types = found.types or {}
    news = config.root / found.filename
    rewriter = Rewriter(config, news.parent, host, changelog=news)
    diagnostics: list[Diagnostic] = []
    made: dict[str, list[tuple[tuple[int, str, int], Entry]]] = {kind: [] for kind in types}
    files: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        shown = config.relative(path)
        if _ignored(path.name, found.ignore):
            continue
        parsed = _fragment(path.name, types)
        if parsed is None:
            diagnostics.append(
                Diagnostic(
                    "DG050",
                    Severity.WARNING,
                    f"not a news fragment: '{path.name}' names no fragment type"
                    f" ({', '.join(types)})",
                    Location(shown),
                    "name it ISSUE.TYPE.md, or list it in towncrier's `ignore`",
                    STAGE,
                )
            )
            continue
        issue, kind, counter = parsed
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error
            diagnostics.append(
                Diagnostic(
                    "DG041",
                    Severity.ERROR,
                    f"the news fragment cannot be read: {reason}",
                    Location(shown),
                    "save it as UTF-8 text",
                    STAGE,
                )
            )
            continue
        text, problems = rewriter.text(text, shown)
        diagnostics += problems
        orphan = issue.startswith(found.orphan_prefix) or not issue
        refs = () if orphan else (issue,)
        title, show = types[kind]
        parts = [text if show else ""] + ([f"({_issue(issue, found, host)})"] if refs else [])
        shown_text = " ".join(p for p in parts if p).strip() or title
        order = (0, f"{int(issue):020d}", counter) if issue.isdigit() else (1, issue, counter)
        made[kind].append((order, Entry(shown_text, refs=refs, kind=kind, file=shown, line=1)))
        files.append(shown)
    sections = tuple(
        Section(types[kind][0], tuple(e for _, e in sorted(made[kind], key=lambda x: x[0])))
        for kind in types
        if made[kind]
    )
    if not sections:
        return None, diagnostics
    where = files[0] if len(files) == 1 else config.relative(folder)
    return Release(None, None, sections, file=where), diagnostics


def read(config: DocgenConfig, path: Path, host: Host | None) -> Changelog:
    """The releases of towncrier's news file, and the fragments as the unreleased notes.

    Args:
        config: the project's config.
        path: towncrier's configuration file (`find`).
        host: the repository's host, for links; None if unknown.
    """
    found, diagnostics = settings(config, path)
    if found is None:
        return Changelog(
            "towncrier", file=config.relative(path), diagnostics=tuple(diagnostics), watch=(path,)
        )
    news = config.root / found.filename
    watch = (path, news, config.root / found.directory)
    released = Changelog("towncrier")
    if news.suffix.lower() in (".md", ".markdown") and news.is_file():
        released = changelog_file.read(config, news, host, source="towncrier")
    elif news.is_file():
        diagnostics.append(
            Diagnostic(
                "DG046",
                Severity.INFO,
                f"the news file {found.filename} is not Markdown: only the unreleased"
                " fragments are shown",
                Location(found.filename),
                "set towncrier's `filename` to a `.md` file to show the releases too",
                "changelog",
            )
        )
    draft, problems = _draft(config, found, host)
    releases = [r for r in released.releases if r.version is not None or draft is None]
    if draft is not None:
        releases.insert(0, draft)
    return Changelog(
        "towncrier",
        tuple(releases),
        intro=released.intro,
        references=released.references,
        file=released.file or found.file,
        diagnostics=(*diagnostics, *released.diagnostics, *problems),
        watch=watch,
    )
