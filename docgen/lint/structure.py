"""Structure: one title, no skipped heading level, no clashing anchors, alt text, HTML.

Anchors are compared the way Python-Markdown's `toc` makes them (an explicit
`{ #id }` wins). `toc` makes repeated anchors unique (`#fixed`, `#fixed_1`, …), so a
repeated heading is only a problem where a reader or a link cannot tell the two apart:

- the same anchor under the same parent heading (the nearest heading above it of a
  higher level): two sections of one part with one name, and a link to the second one
  lands on the first;
- one explicit id on two headings: `toc` never renames an explicit id, so the page holds
  that id twice.

The same heading under different parents is fine: release notes' `### Fixed` under each
`## 1.2.0` is the usual case. Until a link in the site points at it: `changelog.md#fixed`
lands on the first one, whichever the author meant, and that link is the finding.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from urllib.parse import unquote

from docgen.diagnostics import Diagnostic
from docgen.lint.page import Heading, ParsedPage
from docgen.lint.rules import Rules

__all__ = ["check_links", "check_page"]

# Elements that never have an end tag, and those whose end tag HTML lets you omit.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_OPTIONAL_END = frozenset(
    {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody"}
    | {"tfoot", "colgroup", "rt", "rp"}
)


def check_page(
    rules: Rules, path: str, page: ParsedPage, titled: bool = False
) -> Iterator[Diagnostic | None]:
    """Every structure finding on one page (None for a rule that is off).

    The `page` is parsed already; findings follow the `rules` and name `path`, the
    page's file relative to the project root. `titled` says that the theme shows the
    page's title as its level-1 heading when the page has none (Material, with the title
    `nav:` gives the page).
    """
    if page.blank:
        yield rules.finding("empty-page", "the page is empty", path, 1)
        return
    titles = [h for h in page.headings if h.level == 1]
    if not titles and page.title is None and not titled:
        yield rules.finding("missing-title", "the page has no `# ` title", path, _first_line(page))
    for extra in titles[1:]:
        yield rules.finding(
            "multiple-titles",
            f"second `# ` title {extra.text!r} (the first is on line {titles[0].line})",
            path,
            extra.line,
        )
    yield from _skips(rules, path, page, titled)
    yield from _clashes(rules, path, page)
    for image in page.images:
        if not image.alt.strip():
            yield rules.finding(
                "missing-alt", f"image '{image.src}' has no alt text", path, image.line
            )
    yield from _html(rules, path, page)


def _clashes(rules: Rules, path: str, page: ParsedPage) -> Iterator[Diagnostic | None]:
    """Headings that share an anchor with one of the same parent, or an explicit id."""
    seen: dict[tuple[str, int | None], int] = {}  # (anchor, parent's line) → first line
    explicit: dict[str, int] = {}
    parents: list[Heading] = []  # the open headings, outermost first
    for heading in page.headings:
        while parents and parents[-1].level >= heading.level:
            parents.pop()
        parent = parents[-1].line if parents else None
        parents.append(heading)
        first = seen.setdefault((heading.anchor, parent), heading.line)
        if heading.explicit:
            first = min(first, explicit.setdefault(heading.anchor, heading.line))
        if first != heading.line:
            yield rules.finding(
                "duplicate-heading",
                f"heading {heading.text!r} has the anchor #{heading.anchor}, "
                f"like the heading on line {first}",
                path,
                heading.line,
            )


def _repeated(page: ParsedPage) -> dict[str, list[int]]:
    """Anchors more than one heading asks for, with their lines; one explicit id among
    them is no repeat: `toc` keeps the id and renames the others."""
    headings: dict[str, list[Heading]] = {}
    for heading in page.headings:
        headings.setdefault(heading.anchor, []).append(heading)
    return {
        anchor: [h.line for h in same]
        for anchor, same in headings.items()
        if len(same) > 1 and sum(h.explicit for h in same) != 1
    }


def check_links(
    rules: Rules, pages: Sequence[tuple[str, str, ParsedPage]]
) -> Iterator[Diagnostic | None]:
    """A finding for each link to an anchor that several headings of its page have.

    Args:
        rules: the severities in force.
        pages: each hand-written page's path under the docs folder, its file relative to
            the project root, and the page as parsed.
    """
    repeated = {path: (source, r) for path, source, page in pages if (r := _repeated(page))}
    for path, source, page in pages:
        for link in page.links:
            target, _, fragment = link.href.partition("#")
            if not fragment or (target and not target.endswith(".md")) or "://" in target:
                continue
            where = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(target)))
            file, anchors = repeated.get(where if target else path, ("", {}))
            lines = anchors.get(fragment)
            if lines is None:
                continue
            yield rules.finding(
                "duplicate-heading",
                f"the link to {link.href!r} is ambiguous: the headings on lines "
                f"{', '.join(map(str, lines))} of {file} all have the anchor #{fragment}; "
                f"it lands on line {lines[0]}",
                source,
                link.line,
                hint=f"link to the one you mean (`#{fragment}_1` is the second), or give it "
                f"an id of its own: `### Heading {{ #{fragment}-2 }}`",
            )


def _first_line(page: ParsedPage) -> int:
    return page.headings[0].line if page.headings else 1


def _skips(rules: Rules, path: str, page: ParsedPage, titled: bool) -> Iterator[Diagnostic | None]:
    previous = 1 if page.title is not None or titled else None
    for heading in page.headings:
        if previous is not None and heading.level > previous + 1:
            yield rules.finding(
                "heading-skip",
                f"heading level {heading.level} after level {previous}: "
                f"level {previous + 1} is skipped",
                path,
                heading.line,
            )
        previous = heading.level


class _TagTracker(HTMLParser):
    """Tracks open elements over every HTML fragment of a page, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.stray: list[tuple[str, int]] = []
        self.unclosed: list[tuple[str, int]] = []
        self.no_alt: list[tuple[str, int]] = []
        self.base = 0  # the page line of the current fragment's first line

    def feed_at(self, line: int, html: str) -> None:
        self.base = line - self.getpos()[0]
        self.feed(html if html.endswith("\n") else html + "\n")

    def _line(self) -> int:
        return self.base + self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not dict(attrs).get("alt"):
            self.no_alt.append((str(dict(attrs).get("src") or ""), self._line()))
        if tag not in _VOID:
            self.open.append((tag, self._line()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not dict(attrs).get("alt"):
            self.no_alt.append((str(dict(attrs).get("src") or ""), self._line()))

    def handle_endtag(self, tag: str) -> None:
        names = [name for name, _ in self.open]
        if tag not in names:
            if tag not in _VOID:
                self.stray.append((tag, self._line()))
            return
        depth = len(names) - 1 - names[::-1].index(tag)
        self.unclosed += [(n, line) for n, line in self.open[depth + 1 :] if n not in _OPTIONAL_END]
        del self.open[depth:]


def _html(rules: Rules, path: str, page: ParsedPage) -> Iterator[Diagnostic | None]:
    tracker = _TagTracker()
    for line, fragment in page.html:
        tracker.feed_at(line, fragment)
    tracker.close()
    for src, line in tracker.no_alt:
        yield rules.finding("missing-alt", f"<img src='{src}'> has no alt text", path, line)
    unclosed = tracker.unclosed + [(t, n) for t, n in tracker.open if t not in _OPTIONAL_END]
    for tag, line in sorted(unclosed, key=lambda found: found[1]):
        yield rules.finding(
            "unclosed-html", f"<{tag}> is never closed: what follows ends up inside it", path, line
        )
    for tag, line in tracker.stray:
        yield rules.finding("unclosed-html", f"</{tag}> closes no open element", path, line)
