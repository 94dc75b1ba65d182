"""The state of one link check, and how it reports: each finding at the line of the
Markdown source where the user wrote the link, or once at mkdocs.yml for a link the theme
puts on every page."""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.links.collect import HtmlLink, PageLinks, decode, ids_in_link_order
from docgen.links.internal import (
    Kind,
    classify,
    resolve,
)
from docgen.links.sources import (
    Source,
    SourceMap,
)

if TYPE_CHECKING:
    from docgen.shard import Split

STAGE = "links"
"""The stage name every link diagnostic carries."""


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One link of the site as `docgen dump links` shows it.

    Attributes:
        page: the HTML page that holds the link, relative to the site folder.
        url: the link's target exactly as the HTML has it.
        tag: the element that carries the link (`a`, `img`, `script`, ...).
        attr: the attribute that holds the URL (`href`, `src`, `srcset`, ...).
        kind: `internal`, `external`, `mailto`, `tel`, `ignored` or `malformed`.
        file: where the user wrote the link, relative to the project root (the Markdown
            source when known, else the HTML page).
        line: 1-based line in `file`, or None when only the file is known.
        result: `ok`, `broken`, `excluded`, `skipped` or `ignored`.
        message: what was wrong or worth knowing, or empty.
    """

    page: str
    url: str
    tag: str
    attr: str
    kind: str
    file: str
    line: int | None
    result: str
    message: str = ""


@dataclass(slots=True)
class Occurrence:
    """One link where it occurs: on `page`, the `link` at position `index` of its links."""

    page: PageLinks
    link: HtmlLink
    index: int


def _ids(file: Path) -> list[tuple[int, str]]:
    try:
        text, _ = decode(file.read_bytes())
    except OSError:
        return []
    return ids_in_link_order(text)


_MISSING = re.compile(r"\(no such page or file: (.+?)\)")
_THEME_PAGES = 3  # a problem on this many pages, in no page's Markdown: the theme's


@dataclass(slots=True)
class Run:
    """One link check of a built site: what it knows, what it found, and how it reports.

    Attributes:
        config: the configuration.
        options: its `links` options.
        site_dir: the built site's folder.
        sources: where each page's links were written.
        prefix: the path the site is served under (see `site_prefix`).
        pages: the pages read, by path in the site folder.
        files: every file of the site, relative to its folder.
        diagnostics: what was found.
        records: the links recorded for `docgen dump links`: every link with
            `locate_all`, else those reported.
        external: each external URL (without its `#fragment`) → where it occurs, and
            the fragment each occurrence asks for.
        summary: counts by name, for the stage's summary.
        locate_all: record every link with where it was written, not only those reported.
        split: with `--shard`, this job's share: each external URL is checked by one job;
            None when unsharded.
        ids: per page with a finding, the ids of its elements, each with the number of
            links before it (read when first needed).
        yml_lines: the lines of mkdocs.yml, once read.
        texts: the lines of generated pages' source files, by path, once read.
        unplaced: the reports of links in no page's Markdown that wait for `flush`, by
            problem (code, severity, message, hint, result): each occurrence, its
            location, and the link as written.
    """

    config: DocgenConfig
    options: LinksConfig
    site_dir: Path
    sources: SourceMap
    prefix: str
    pages: dict[str, PageLinks]
    files: frozenset[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    records: list[LinkRecord] = field(default_factory=list)
    external: dict[str, list[tuple[Occurrence, str]]] = field(default_factory=dict)
    summary: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    locate_all: bool = False
    split: Split | None = None  # `--shard`: each external URL is checked by one job
    ids: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    yml_lines: list[str] | None = None
    texts: dict[str, list[str]] = field(default_factory=dict)  # generated pages' sources
    # Reports of links in no page's Markdown, by problem: (occurrence, location, as written).
    unplaced: dict[tuple[str, Severity, str, str, str], list[tuple[Occurrence, Location, str]]] = (
        field(default_factory=dict)
    )

    def occurrence(self, path: str, index: int) -> Occurrence:
        """Link `index` of page `path`."""
        page = self.pages[path]
        return Occurrence(page, page.link(index), index)

    def location(self, occurrence: Occurrence, *, broken: bool) -> tuple[Location, str]:
        """Where the user wrote the link of `occurrence`, and the target as they wrote it.

        A `broken` link outside the alignment of the page's links with its Markdown takes
        the first line that has the same target.
        """
        page, link = occurrence.page, occurrence.link
        source = self.sources.source(page.path)
        if source is None:
            return Location(self.config.relative(self.site_dir / page.path)), link.url
        urls = page.urls
        found = self.sources.locate(page.path, urls, occurrence.index, fallback=broken)
        if found is None:
            line = self._part_line(page.path, source, occurrence.index)
            return Location(source.path, self._line_in_part(source, line, link.url)), link.url
        return Location(source.path, found[0]), found[1]

    def _part_line(self, path: str, source: Source, index: int) -> int | None:
        """On a generated page, the source line of the part holding link `index`: that of
        the last heading before the link (in document order) whose anchor the page's
        `lines` know."""
        if not source.lines:
            return None
        ids = self.ids.get(path)
        if ids is None:  # read again only for a page with a finding
            ids = self.ids[path] = _ids(self.site_dir / path)
        line = None
        for links_before, anchor in ids:
            if links_before > index:
                break
            line = source.lines.get(anchor, line)
        return line

    def _line_in_part(self, source: Source, start: int | None, url: str) -> int | None:
        """The line of the part starting at line `start` of `source` that holds `url` as
        written (a docstring's link), else `start`."""
        if start is None or not source.lines or len(url) < 2:
            return start
        text = self.texts.get(source.path)
        if text is None:
            try:
                file = self.config.root / source.path
                text = self.texts[source.path] = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                text = self.texts[source.path] = []
        end = min((n for n in source.lines.values() if n > start), default=len(text) + 1)
        for number in range(start, min(end, len(text) + 1)):
            if url in text[number - 1]:
                return number
        return start

    def missing_target(self, occurrence: Occurrence, site_path: str) -> None:
        """Report the link of `occurrence` to a page or file the site does not have
        (`site_path`), naming the missing file as the user meant it: a link to a Markdown
        file that MkDocs left as it is names a file of the docs folder."""
        location, written = self.location(occurrence, broken=True)
        docs_path = self._missing_markdown(occurrence.page.path, written, site_path, location)
        hint = "fix the link's path, or add the missing page"
        name = site_path
        if docs_path is not None:
            name = self.config.relative(self.config.docs_dir / docs_path)
            listed = self.yml_line(docs_path)
            if listed is not None:
                also = " (its nav entry is reported as DG710)" if self.in_nav(listed) else ""
                hint += (
                    f"; mkdocs.yml:{listed} names it too{also}: one missing file, to add or "
                    "to generate before the build"
                )
        self.report(
            occurrence,
            "DG301",
            Severity.ERROR,
            f"broken link to '{{url}}' (no such page or file: {name})",
            hint=hint,
        )

    def _missing_markdown(
        self, page: str, written: str, site_path: str, location: Location
    ) -> str | None:
        """The Markdown file, relative to the docs folder, that a broken link names, or None
        when it names no Markdown file (then the site path the browser asks for is best).

        MkDocs leaves a link to a missing Markdown file as written, so the browser resolves
        it against the page's folder; the user wrote it relative to the Markdown file. A
        link in no page's Markdown (the theme's nav) names the site path as a docs file.
        """
        if location.line is None:  # the theme's (its nav) or mkdocs.yml's
            return site_path if site_path.endswith(".md") else None
        source = self.sources.source(page)
        if source is None or source.markdown is None:
            return None  # a generated page: its links were written for other pages
        parts = urlsplit(written)
        path = unquote(parts.path)
        if parts.scheme or parts.netloc or path.startswith("/"):
            return site_path if site_path.endswith(".md") else None
        if not path.endswith(".md"):
            return None
        folder = source.markdown.parent.relative_to(self.config.docs_dir).as_posix()
        found = posixpath.normpath(posixpath.join(folder, path))
        return None if found.startswith("../") else found

    def yml_line(self, *needles: str) -> int | None:
        """The first line of mkdocs.yml that holds one of the `needles` (as a whole value or
        path: not inside a longer name), looking in its `nav` first; None when none does."""
        if self.yml_lines is None:
            try:
                text = self.config.site_config.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self.yml_lines = text.splitlines()
        numbered = list(enumerate(self.yml_lines, start=1))
        numbered.sort(key=lambda item: not self.in_nav(item[0]))
        for needle in needles:
            pattern = re.compile(r"(?<![\w./-])" + re.escape(needle) + r"(?![\w.-])")
            for number, line in numbered:
                value = "" if line.lstrip().startswith("#") else line.partition(" #")[0]
                if pattern.search(value):
                    return number
        return None

    def in_nav(self, number: int) -> bool:
        """Whether line `number` of mkdocs.yml is in its top-level `nav:`."""
        lines = self.yml_lines or []
        for index in range(number - 1, -1, -1):
            line = lines[index]
            if line[:1] not in {"", " ", "\t", "#", "-"}:
                return line.startswith("nav:")
        return False

    def report(
        self,
        occurrence: Occurrence,
        code: str,
        severity: Severity,
        message: str,
        *,
        hint: str,
        result: str = "broken",
    ) -> None:
        """One diagnostic for the link of `occurrence`; `{url}` in the `message` becomes
        the link as written.

        A link no page's Markdown holds (the theme's, or mkdocs.yml's) waits for `flush`,
        which says it once when it is on many pages.

        Args:
            occurrence: the link.
            code: the diagnostic's code.
            severity: the diagnostic's severity.
            message: what is wrong, with `{url}` for the link.
            hint: how to fix it.
            result: the link's result in `records` (`broken`, `ok`).
        """
        location, written = self.location(occurrence, broken=result == "broken")
        if location.line is None:
            key = (code, severity, message, hint, result)
            self.unplaced.setdefault(key, []).append((occurrence, location, written))
            return
        self._say(
            occurrence, code, severity, message.replace("{url}", written), location, hint, result
        )

    def _say(
        self,
        occurrence: Occurrence,
        code: str,
        severity: Severity,
        message: str,
        location: Location,
        hint: str,
        result: str,
    ) -> None:
        """Add the diagnostic at `location`, and record the link with it."""
        self.diagnostics.append(Diagnostic(code, severity, message, location, hint, STAGE))
        self.record(occurrence, result, message, location)

    def flush(self) -> None:
        """Say the links `report` kept back: once at mkdocs.yml for a problem on many pages
        (a theme's Google Fonts, offline; a missing `extra_css` file), else each where it is.
        """
        config_file = Location(self.config.relative(self.config.site_config))
        for (code, severity, message, hint, result), found in self.unplaced.items():
            pages = {occurrence.page.path for occurrence, _, _ in found}
            if len(pages) < _THEME_PAGES:
                for occurrence, location, written in found:
                    text = message.replace("{url}", written)
                    self._say(occurrence, code, severity, text, location, hint, result)
                continue
            text = message.replace("{url}", found[0][2]) + (
                f"; on {len(pages)} pages, from the theme or mkdocs.yml, not from any page's "
                "Markdown"
            )
            first = found[0][0]
            where = Location(config_file.path, self.yml_line(*self._yml_needles(first)))
            theirs = (
                "fix it where the theme or mkdocs.yml adds it (Material loads Google Fonts "
                "unless `theme: {font: false}`)"
                if where.line is None
                else f"fix it at mkdocs.yml:{where.line}, which adds it to every page"
            )
            self.diagnostics.append(
                Diagnostic(code, severity, text, where, f"{theirs}; {hint}", STAGE)
            )
            for occurrence, _, _ in found:
                self.record(occurrence, result, text, where)
        self.unplaced.clear()

    def _yml_needles(self, occurrence: Occurrence) -> list[str]:
        """How mkdocs.yml may spell a link the theme put on every page: as in the HTML,
        as a path in the site, or as the Markdown file of that page (a `nav` entry)."""
        url = occurrence.link.url
        needles = [url, url.partition("#")[0]]
        if classify(url, self.config.site_url)[0] is Kind.INTERNAL:
            path = resolve(occurrence.page.path, url, self.prefix).path
            page = (path or "").removesuffix("index.html").rstrip("/")
            if page:
                needles += [page, f"{page}.md", f"{page}/"]
        return [needle for needle in needles if needle]

    def summarise_missing(self) -> None:
        """One info when several findings name the same missing files: what to add."""
        named = Counter(
            found.group(1)
            for d in dict.fromkeys(self.diagnostics)
            if d.code == "DG301" and (found := _MISSING.search(d.message))
        )
        if sum(named.values()) <= len(named):
            return
        files = ", ".join(f"{name} ({count})" for name, count in named.most_common())
        self.diagnostics.append(
            Diagnostic(
                "DG314",
                Severity.INFO,
                f"{sum(named.values())} broken links name {len(named)} missing "
                f"file{'s' * (len(named) > 1)}: {files}",
                None,
                "add each missing file (or generate it before the build), or fix the links; "
                "each link is also reported at its own line",
                STAGE,
            )
        )

    def record(
        self,
        occurrence: Occurrence,
        result: str,
        message: str = "",
        location: Location | None = None,
    ) -> None:
        """Record the link of `occurrence` in `records` with its `result` and `message`.

        Kept only with a `location` (a reported link) or with `locate_all`; without a
        `location`, it is where the user wrote the link.
        """
        if not self.locate_all and location is None:
            return
        location = location or self.location(occurrence, broken=False)[0]
        link = occurrence.link
        kind, _ = classify(link.url, self.config.site_url)
        self.records.append(
            LinkRecord(
                occurrence.page.path,
                link.url,
                link.tag,
                link.attr,
                str(kind),
                location.path,
                location.line,
                result,
                message,
            )
        )


def cache_root(config: DocgenConfig) -> Path:
    """The `config`'s `cache_dir`, under the project root when it is relative."""
    folder = config.cache_dir
    return folder if folder.is_absolute() else config.root / folder
