"""Release notes from a Markdown changelog: Keep a Changelog, or towncrier's news file.

    # Changelog
    ## [Unreleased]
    ### Added
    - a change
    ## [1.1.0] - 2026-01-02
    ...
    [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0

The level of the first heading that names a version (or "Unreleased") is the release
level: towncrier's default template puts releases at `#`, Keep a Changelog at `##`.
Every later heading of that level starts a release; deeper headings start its sections
(`### Added`); each top-level list item of a section is one entry. A heading of the
release level that names no version is one warning (DG042), and its part is left out.

Relative links are rewritten first (`docgen.changelog.links`), line for line, so every
entry keeps its line in the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path

from docgen import markdown
from docgen.changelog.host import Host
from docgen.changelog.links import Rewriter
from docgen.changelog.model import Changelog, Entry, Release, Section, page_file, parse_version
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.lint.page import slugify

__all__ = ["entries", "read", "read_text", "release_heading"]

STAGE = "changelog"
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)"
# `June 28, 2025` (uvicorn's headings) and `28 June 2025`, English month names.
_WORDS_DATE = re.compile(
    rf"(?<![\w.]){_MONTH} +(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? +(?P<year>\d{{4}})(?!\d)"
    rf"|(?<![\w.])(?P<day2>\d{{1,2}}) +{_MONTH.replace('month', 'month2')},?"
    r" +(?P<year2>\d{4})(?!\d)",
    re.IGNORECASE,
)
# A release's date said under its heading (uv): `Released on 2026-08-14.`
_RELEASED = re.compile(r"^\s*Released(?: on)? (\d{4})-(\d{1,2})-(\d{1,2})\.?\s*$", re.IGNORECASE)
_VERSION_IN = re.compile(
    r"(?<![\w.])[vV]?\d+(?:\.\d+)+(?:[-+.]?[0-9A-Za-z][0-9A-Za-z.+-]*)?(?![\w])"
)
_UNRELEASED = re.compile(r"^\W*unreleased\b", re.IGNORECASE)
_NO_SPACE = re.compile(r"^ {0,3}#{1,6}[^#\s]")
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?P<url><[^<>\n]*>|\S+)")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_HINT = "write release headings as `## [1.2.0] - 2026-01-02` (or `## [Unreleased]`)"


def release_heading(text: str) -> tuple[str | None, str | None, bool] | None:
    """What a heading's text names: (version or None for "Unreleased", date, date
    malformed); None when it names neither a version nor "Unreleased".

    Args:
        text: the heading's text (`[1.1.0] - 2026-01-02`, `Unreleased`,
            `project 1.1.0 (2026-01-02)`).
    """
    date = None
    bad_date = False
    found = _DATE.search(text)
    words = None if found is not None else _WORDS_DATE.search(text)
    either = found or words
    if either is not None:
        try:
            date = _date(found, words)
        except ValueError:
            bad_date = True
        text = text[: either.start()] + " " + text[either.end() :]
    if _UNRELEASED.match(text):
        return None, date, bad_date
    version = _VERSION_IN.search(text)
    if version is None:
        return None
    return parse_version(version[0]), date, bad_date


def _date(iso: re.Match[str] | None, words: re.Match[str] | None) -> str:
    """The date as `YYYY-MM-DD`; ValueError when there is no such day (or month)."""
    if iso is not None:
        return datetime.date(*map(int, iso.groups())).isoformat()
    assert words is not None
    month = (words["month"] or words["month2"]).rstrip(".").lower()
    number = next((i for i, m in enumerate(_MONTHS, 1) if m.startswith(month)), None)
    if number is None:  # `Junk 2, 2026`
        raise ValueError(month)
    day, year = words["day"] or words["day2"], words["year"] or words["year2"]
    return datetime.date(int(year), number, int(day)).isoformat()


def _github_anchor(text: str) -> str:
    """The anchor GitHub gives a heading (`[1.1.0] - 2026-01-02` → `110---2026-01-02`):
    what links inside a CHANGELOG read on GitHub use."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _warning(code: str, message: str, where: Location, hint: str = _HINT) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, where, hint, STAGE)


def read(config: DocgenConfig, path: Path, host: Host | None, source: str = "file") -> Changelog:
    """The releases a Markdown changelog file lists, newest first as written.

    A file that cannot be read is one error (DG041) and no releases.

    Args:
        config: the project's config.
        path: the changelog file, absolute.
        host: the repository's host, for links to files outside the docs; None if unknown.
        source: the source to name in the result (`file`, or `towncrier` for its news file).
    """
    shown = config.relative(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
        problem = Diagnostic(
            "DG041",
            Severity.ERROR,
            f"the changelog cannot be read: {reason or error}",
            Location(shown),
            "save it as UTF-8 text, or set `changelog: {file: PATH}` to the right file",
            STAGE,
        )
        return Changelog(source, file=shown, diagnostics=(problem,), watch=(path,))
    return read_text(config, text, shown, path, host, source)


def read_text(
    config: DocgenConfig, text: str, shown: str, path: Path, host: Host | None, source: str
) -> Changelog:
    """`read` for the file's `text`, already read.

    Args:
        config: the project's config.
        text: the file's text.
        shown: its path as users see it, relative to the project root.
        path: the file, absolute (its folder is what its links are relative to).
        host: the repository's host, for links to files outside the docs; None if unknown.
        source: the source to name in the result.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page = markdown.read(text)
    diagnostics: list[Diagnostic] = []
    fenced = {n for f in page.fences for n in range(f.line, f.end_line + 1)}
    parsed = [(h, release_heading(h.text)) for h in page.headings]
    first = next((i for i, (_, r) in enumerate(parsed) if r is not None), None)
    if first is None:
        diagnostics.append(
            _warning("DG044", "the changelog has no release heading", Location(shown, 1))
        )
        return Changelog(source, file=shown, diagnostics=tuple(diagnostics), watch=(path,))
    level = parsed[first][0].level
    anchors = {
        anchor: page_file(r[0])
        for h, r in parsed[first:]
        if r is not None and h.level == level
        for anchor in (h.anchor or slugify(h.text), _github_anchor(h.text))
    }
    rewriter = Rewriter(config, path.parent, host, changelog=path, releases=anchors)
    rewritten, problems = rewriter.text(text, shown)
    diagnostics += problems
    lines = rewritten.split("\n")
    setext = {h.line for h in page.headings if not lines[h.line - 1].lstrip().startswith("#")}
    definitions = {
        n for n, line in enumerate(lines, 1) if n not in fenced and _DEFINITION.match(line)
    }
    references = {
        m["label"].strip().lower(): m["url"].strip("<>")
        for n in sorted(definitions)
        if (m := _DEFINITION.match(lines[n - 1]))
    }
    for number, line in enumerate(lines, 1):
        if number not in fenced and _NO_SPACE.match(line) and release_heading(line.lstrip("# ")):
            diagnostics.append(
                _warning(
                    "DG042",
                    "not a heading: a space must follow the `#`",
                    Location(shown, number),
                )
            )
    # Where each part ends: the next heading of the release level or above, or the end.
    bounds = [h.line for h, _ in parsed[first:] if h.level <= level] + [len(lines) + 1]
    releases: list[Release] = []
    seen: dict[str | None, int] = {}
    for index, (heading, release) in enumerate(h for h in parsed[first:] if h[0].level <= level):
        end = bounds[index + 1]
        where = Location(shown, heading.line)
        if heading.level < level:
            continue
        if release is None:
            diagnostics.append(
                _warning(
                    "DG042",
                    f"a release heading without a version: '{heading.text}' (its notes are"
                    " left out)",
                    where,
                )
            )
            continue
        version, date, bad_date = release
        if bad_date:
            diagnostics.append(
                _warning("DG042", f"not a date in '{heading.text}' (year-month-day)", where)
            )
        if version in seen:
            diagnostics.append(
                _warning(
                    "DG049",
                    f"{version or 'Unreleased'} has notes twice (first on line {seen[version]}):"
                    " these are left out",
                    where,
                    "merge the two parts into one",
                )
            )
            continue
        seen[version] = heading.line
        body = [
            (n, lines[n - 1])
            for n in range(heading.line + 1, end)
            if n not in definitions
            and not _COMMENT.match(lines[n - 1])
            and not (n - 1 in setext and _UNDERLINE.match(lines[n - 1]))
        ]
        subheadings = [h for h in page.headings if heading.line < h.line < end]
        compare = None
        for label in (version or "unreleased", f"v{version}"):
            compare = compare or references.get(label.lower())
        releases.append(
            _release(version, date, body, subheadings, fenced, shown, heading.line, compare)
        )
    titles = {h.line for h, _ in parsed[:first] if h.level == 1}
    intro = [
        lines[n - 1]
        for n in range(1, parsed[first][0].line)
        if n not in definitions | titles and not _COMMENT.match(lines[n - 1])
    ]
    return Changelog(
        source,
        tuple(releases),
        intro="\n".join(intro).strip("\n"),
        references="\n".join(lines[n - 1] for n in sorted(definitions)),
        file=shown,
        diagnostics=tuple(diagnostics),
        watch=(path,),
    )


def _release(
    version: str | None,
    date: str | None,
    body: list[tuple[int, str]],
    headings: Sequence[markdown.Heading],
    fenced: set[int],
    shown: str,
    line: int,
    compare: str | None,
) -> Release:
    starts = {h.line: h for h in headings}
    intro: list[str] = []
    sections: list[Section] = []
    part: list[tuple[int, str]] = []
    title: markdown.Heading | None = None

    def close() -> None:
        if title is not None:
            found = entries(part, fenced, shown)
            sections.append(Section(title.text, tuple(found), title.line))

    for number, text in body:
        if number in starts:
            close()
            title, part = starts[number], []
        elif title is None:
            intro.append(text)
        else:
            part.append((number, text))
    close()
    listed = any(_ITEM.match(t) for n, t in body if n not in fenced)
    if not starts and listed:  # a release that lists its changes without sections
        sections, intro = [Section("", tuple(entries(body, fenced, shown)))], []
    said = next((t for t in intro if t.strip()), "")
    released = _RELEASED.match(said) if date is None else None
    if released is not None:  # uv's `Released on 2026-08-14.`: the page says it already
        try:
            date = datetime.date(*map(int, released.groups())).isoformat()
            intro.remove(said)
        except ValueError:
            pass
    return Release(
        version,
        date,
        tuple(s for s in sections if s.entries),
        intro="\n".join(intro).strip("\n"),
        compare=compare,
        file=shown,
        line=line,
    )


def entries(lines: Sequence[tuple[int, str]], fenced: set[int], file: str) -> list[Entry]:
    """The entries of a section: each top-level list item (its nested lines included,
    dedented), and each other block (a paragraph, a fence) as written.

    Args:
        lines: the section's lines, each with its line number in `file`.
        fenced: the line numbers inside fenced code blocks.
        file: the file, relative to the project root, named in each entry.
    """
    found: list[Entry] = []
    current: list[str] = []
    start = 0
    width = 0  # the content column of the current list item; 0 for a paragraph
    blank = False
    block = False  # the current entry is a paragraph or a fence, not a list item

    def close() -> None:
        while current and not current[-1].strip():
            current.pop()
        if current:
            found.append(Entry("\n".join(current), block=block, file=file, line=start))
        current.clear()

    for number, text in lines:
        inside = bool(width) and not text[:width].strip()
        if number in fenced and current and (number - 1 in fenced or inside):
            current.append(text[width:] if inside else text)  # a fence goes on
            blank = False
            continue
        item = None if current and inside else _ITEM.match(text)
        if item is not None and (item[3] or text.strip() != item[2]):
            close()
            spaces = len(item[3])
            width = len(item[0]) if 0 < spaces <= 4 else len(item[1]) + len(item[2]) + 1
            current.append(text[width:])
            start, blank, block = number, False, False
        elif not text.strip():
            if current and not width:
                close()  # a blank line ends a paragraph
            elif current:
                current.append("")
            blank = True
        elif current and inside:
            current.append(text[width:])
            blank = False
        elif current and not blank:  # a lazy continuation line
            current.append(text.strip() if width else text)
        else:
            close()
            current.append(text)
            start, width, blank, block = number, 0, False, True
    close()
    return found
