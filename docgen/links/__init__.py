"""Link checking on the built site: collect → internal check → external check → cache.

`check_site(config, site_dir)` reads every HTML page of the built site, checks every
internal link and `#fragment` exactly, checks external URLs (unless offline) politely and
with a cache, and reports each problem at the Markdown source line of the link.
`dump(config, args)` lists every link with its location and result.

Diagnostic codes:

- DG300 error: the site folder does not exist.
- DG301 error: a link to a page or file the site does not have.
- DG302 error: a `#fragment` that the target page does not define.
- DG303 error: a link that leaves the site (above its root, outside its `site_url` path).
- DG304 error: a malformed URL.
- DG305 error: a malformed `mailto:` or `tel:` URL.
- DG306 warning: a page that is not valid UTF-8 (nor its declared charset), or unreadable.
- DG307 error: an invalid `links.exclude` pattern.
- DG310 error: a broken external URL (status, timeout, connection, redirect loop).
- DG311 info: an external URL that moved permanently; the new URL is given.
- DG312 warning: an external `#fragment` missing from the page (`fragments_external`).
- DG313 info: external URLs not checked (`--offline` or `links.external: false`).
- DG314 info: several broken links lead to the same missing files: which, and how many.

Only pages are checked as pages: those MkDocs built (the plugin lists them in the cache
folder's `pages.json`; without it, as for `docgen check --site DIR` on a site built
elsewhere, every HTML file but hidden ones), so HTML another plugin leaves in the site
(mkdocs-coverage's `.coverage-tmp.html`) is not, though links to it resolve. Nor is HTML
that MkDocs copies from the docs folder as it is but that is a template (under the
theme's `custom_dir`, or with Jinja syntax). A page that `exclude_docs` leaves out of the
site is not checked, and a link to it is broken (DG301, saying so); a page in
`not_in_nav` is checked like any other.
"""

from __future__ import annotations

import json
import posixpath
import re
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.links import cache
from docgen.links.collect import HtmlLink, PageLinks, decode, ids_in_link_order, read_links
from docgen.links.external import ExternalResult, Progress, check_urls
from docgen.links.internal import (
    Kind,
    PlainResolver,
    check_fragment,
    check_mailto,
    check_tel,
    classify,
    find_file,
    folders,
    resolve,
    site_prefix,
    unversioned,
)
from docgen.links.parallel import map_chunks
from docgen.links.sources import (
    Source,
    SourceMap,
    read_lines_json,
    read_pages_json,
    read_sources_json,
)
from docgen.model import StageResult

__all__ = ["LinkRecord", "check_site", "dump"]

STAGE = "links"


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
class _Occurrence:
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
class _Run:
    config: DocgenConfig
    options: LinksConfig
    site_dir: Path
    sources: SourceMap
    prefix: str
    pages: dict[str, PageLinks]
    files: frozenset[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    records: list[LinkRecord] = field(default_factory=list)
    external: dict[str, list[tuple[_Occurrence, str]]] = field(default_factory=dict)
    summary: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    locate_all: bool = False
    ids: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    yml_lines: list[str] | None = None
    texts: dict[str, list[str]] = field(default_factory=dict)  # generated pages' sources
    # Reports of links in no page's Markdown, by problem: (occurrence, location, as written).
    unplaced: dict[tuple[str, Severity, str, str, str], list[tuple[_Occurrence, Location, str]]] = (
        field(default_factory=dict)
    )

    def occurrence(self, path: str, index: int) -> _Occurrence:
        """Link `index` of page `path`."""
        page = self.pages[path]
        return _Occurrence(page, page.link(index), index)

    def location(self, occurrence: _Occurrence, *, broken: bool) -> tuple[Location, str]:
        """Where the user wrote the link, and the target as they wrote it."""
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

    def missing_target(self, occurrence: _Occurrence, site_path: str) -> None:
        """Report a link to a page or file the site does not have (`site_path`), naming the
        missing file as the user meant it: a link to a Markdown file that MkDocs left as
        it is names a file of the docs folder."""
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
                text = (self.config.root / "mkdocs.yml").read_text(encoding="utf-8")
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
        occurrence: _Occurrence,
        code: str,
        severity: Severity,
        message: str,
        *,
        hint: str,
        result: str = "broken",
    ) -> None:
        """One diagnostic for a link; `{url}` in the message becomes the link as written.

        A link no page's Markdown holds (the theme's, or mkdocs.yml's) waits for `flush`,
        which says it once when it is on many pages.
        """
        location, written = self.location(occurrence, broken=result == "broken")
        if location.line is None:
            key = (code, severity, message, hint, result)
            self.unplaced.setdefault(key, []).append((occurrence, location, written))
            return
        self.say(
            occurrence, code, severity, message.replace("{url}", written), location, hint, result
        )

    def say(
        self,
        occurrence: _Occurrence,
        code: str,
        severity: Severity,
        message: str,
        location: Location,
        hint: str,
        result: str,
    ) -> None:
        self.diagnostics.append(Diagnostic(code, severity, message, location, hint, STAGE))
        self.record(occurrence, result, message, location)

    def flush(self) -> None:
        """Say the links `report` kept back: once at mkdocs.yml for a problem on many pages
        (a theme's Google Fonts, offline; a missing `extra_css` file), else each where it is.
        """
        config_file = Location(self.config.relative(self.config.root / "mkdocs.yml"))
        for (code, severity, message, hint, result), found in self.unplaced.items():
            pages = {occurrence.page.path for occurrence, _, _ in found}
            if len(pages) < _THEME_PAGES:
                for occurrence, location, written in found:
                    text = message.replace("{url}", written)
                    self.say(occurrence, code, severity, text, location, hint, result)
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

    def _yml_needles(self, occurrence: _Occurrence) -> list[str]:
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
        occurrence: _Occurrence,
        result: str,
        message: str = "",
        location: Location | None = None,
    ) -> None:
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


def _site_files(site_dir: Path) -> frozenset[str]:
    return frozenset(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())


def _read_chunk(site_dir: Path, paths: Sequence[str]) -> list[PageLinks]:
    """Read and parse some pages of the site (in a worker process, or in this one)."""
    pages = []
    for path in paths:
        try:
            text, problem = decode((site_dir / path).read_bytes())
        except OSError as error:
            problem, text = f"cannot be read: {error.strerror or error}", ""
        pages.append(read_links(path, text, problem))
    return pages


# Jinja syntax: an HTML file of the docs folder holding it is a template, not a page.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _templates(config: DocgenConfig, paths: Sequence[str]) -> set[str]:
    """The site's HTML files that MkDocs copied from the docs folder as they are, but that
    are templates: all under the theme's `custom_dir`, and any with Jinja syntax."""
    docs = config.docs_dir.resolve()
    overrides = config.theme_dir.resolve() if config.theme_dir else None
    found = set()
    for path in paths:
        file = docs / path
        if overrides is not None and file.is_relative_to(overrides):
            found.add(path)
            continue
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:  # no such file in the docs folder: a page MkDocs built
            continue
        if _JINJA.search(text):
            found.add(path)
    return found


def _built_pages(run: _Run) -> list[str]:
    """The site's pages: those MkDocs built (the plugin lists them in `pages.json`), else
    every HTML file but hidden ones (`.coverage-tmp.html`). Other HTML a plugin leaves in
    the site is no page: its links are not checked, though links to it resolve."""
    paths = sorted(p for p in run.files if p.endswith((".html", ".htm")))
    built = read_pages_json(_cache_root(run.config) / "pages.json", run.site_dir)
    if built is None:
        pages = [p for p in paths if not any(part.startswith(".") for part in p.split("/"))]
    else:
        pages = [p for p in paths if p in built]
    if len(pages) < len(paths):
        run.summary["non_pages_skipped"] = len(paths) - len(pages)
    return pages


def _read_pages(run: _Run, processes: int | None) -> None:
    paths = _built_pages(run)
    templates = _templates(run.config, paths)
    if templates:
        run.summary["templates_skipped"] = len(templates)
        paths = [p for p in paths if p not in templates]
    for chunk in map_chunks(_read_chunk, run.site_dir, paths, processes=processes):
        for page in chunk:
            run.pages[page.path] = page
            if page.encoding_problem:
                _report_encoding(run, page.path, page.encoding_problem)


def _report_encoding(run: _Run, path: str, problem: str) -> None:
    source = run.sources.source(path)
    where = source.path if source else run.config.relative(run.site_dir / path)
    run.diagnostics.append(
        Diagnostic(
            "DG306",
            Severity.WARNING,
            f"page {path} {problem}",
            Location(where),
            "save the page as UTF-8, or declare its charset with <meta charset>",
            STAGE,
        )
    )


_Problem = tuple[str, str, str]  # code, message ({url}: the link as written), hint


@dataclass(frozen=True, slots=True)
class _Site:
    """What checking a page's links needs."""

    pages: Mapping[str, PageLinks]
    files: frozenset[str]
    prefix: str
    site_url: str | None
    locate_all: bool
    left_out: Mapping[str, str] = field(default_factory=dict)
    versions: frozenset[str] | None = None  # a versioned site's version names, else None


def _versions(site_dir: Path) -> frozenset[str] | None:
    """The version names of a site versioned with mike (or `docgen deploy`): those of a
    `versions.json` in the site, if any; None when the site is not versioned (its home
    page shows no mike version selector, and there is no `versions.json`)."""
    names: set[str] = set()
    try:
        listed = json.loads((site_dir / "versions.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = None
    for entry in listed if isinstance(listed, list) else ():
        if isinstance(entry, dict):
            aliases = entry.get("aliases")
            names.update(
                str(n) for n in [entry.get("version"), *(aliases or ())] if isinstance(n, str)
            )
    try:
        home = (site_dir / "index.html").read_bytes()
    except OSError:
        home = b""
    from docgen.deploy import site  # noqa: PLC0415 - the deploy package, only for this

    mike = site.selector_configured(home) is True
    return frozenset(names) if mike or listed is not None else None


# What checking found about one link, by its index in the page: (index, action, a, b, c)
# with action "report" (a code, b message, c hint), "missing" (a the site path that does
# not exist), "external" (a URL, b fragment) or "record" (a result, b message). Plain
# tuples: cheap to make for the few links with news.
_Finding = tuple[int, str, str, str, str]
_Checked = tuple[list[tuple[str, list[_Finding]]], Counter[str]]


def _rooted(url: str) -> bool:
    """Whether `url` names its path from the site's root: `/x/`, `//host/x`, `https://…`."""
    return url.startswith("/") or "://" in url.partition("#")[0].partition("?")[0]


def _internal_problem(site: _Site, page: str, url: str) -> _Problem | None:
    target = resolve(page, url, site.prefix)
    if target.path is not None and target.path in site.files and not target.fragment:
        return None  # the common case, decided without a lookup of anchors
    if target.path is None:
        return (
            "DG303",
            f"link to '{{url}}' {target.problem}",
            "link to a page inside the site, or use a full https:// URL",
        )
    path = target.path
    found = find_file(path, site.files)
    if found is None and site.versions is not None and _rooted(url):
        # `https://x.io/latest/page/` in a site versioned with mike: this build's `page/`.
        stripped = unversioned(path, site.versions)
        if stripped is not None:
            path, found = stripped, find_file(stripped, site.files)
    left_out = site.left_out.get(path) if found is None else None
    if left_out is not None:
        return (
            "DG301",
            f"broken link to '{{url}}' ({left_out} is not in the site: `exclude_docs` in "
            "mkdocs.yml leaves it out)",
            "link to a page the site has, or take the page out of `exclude_docs`",
        )
    if found is None:
        return ("missing", path, "")
    anchors = site.pages[found].anchors if found in site.pages else None
    if anchors is not None and not check_fragment(target.fragment, anchors):
        where = "on this page" if found == page else f"in {found}"
        return (
            "DG302",
            f"broken link to '{{url}}' (no anchor '#{target.fragment}' {where})",
            "link to a heading's id as shown in the table of contents, or add the anchor",
        )
    return None


def _check_links(site: _Site, paths: Sequence[str]) -> _Checked:
    """Check the links of these pages, without reporting yet.

    Returns only what the parent must act on: problems, external URLs, and (for `dump`)
    the result of every link. OK internal links, nearly all of a site's, return nothing.
    """
    checked: list[tuple[str, list[_Finding]]] = []
    counts: Counter[str] = Counter()
    kinds: dict[str, tuple[Kind, str | None]] = {}
    plain = PlainResolver(site.prefix)
    for path in paths:
        findings = _check_page(site, site.pages[path], counts, kinds, plain)
        if findings:
            checked.append((path, findings))
    return checked, counts


def _check_page(
    site: _Site,
    page: PageLinks,
    counts: Counter[str],
    kinds: dict[str, tuple[Kind, str | None]],
    plain: PlainResolver,
) -> list[_Finding]:
    findings: list[_Finding] = []
    site_url, locate_all, path, files = site.site_url, site.locate_all, page.path, site.files
    chain = folders(path)
    for index, url in enumerate(page.urls):
        known = kinds.get(url)
        if known is None:
            known = kinds[url] = classify(url, site_url)
        kind, why = known
        counts[kind] += 1
        if kind is Kind.INTERNAL:
            if plain.path(chain, url) in files:  # most links: fine, known without `resolve`
                if locate_all:
                    findings.append((index, "record", "ok", "", ""))
                continue
            problem = _internal_problem(site, path, url)
            if problem is not None and problem[0] == "missing":
                findings.append((index, "missing", problem[1], "", ""))
            elif problem is not None:
                findings.append((index, "report", *problem))
            elif locate_all:
                findings.append((index, "record", "ok", "", ""))
        elif kind is Kind.EXTERNAL:
            base, _, fragment = url.partition("#")
            base = "https:" + base if base.startswith("//") else base
            findings.append((index, "external", base, unquote(fragment), ""))
        elif kind is Kind.MALFORMED:
            findings.append(
                (
                    index,
                    "report",
                    "DG304",
                    f"malformed URL '{url}': {why}",
                    "write the URL as scheme://host/path, percent-encoding special characters",
                )
            )
        elif kind in {Kind.MAILTO, Kind.TEL}:
            problem_text = check_mailto(url) if kind is Kind.MAILTO else check_tel(url)
            if problem_text:
                findings.append(
                    (
                        index,
                        "report",
                        "DG305",
                        f"'{url}' {problem_text}",
                        "write mailto:name@example.org or tel:+15551234567",
                    )
                )
            elif locate_all:
                findings.append((index, "record", "ok", "syntax only", ""))
        elif locate_all:
            findings.append((index, "record", "ignored", "", ""))
    return findings


def _check_pages(run: _Run) -> None:
    site = _Site(
        run.pages,
        run.files,
        run.prefix,
        run.config.site_url,
        run.locate_all,
        run.sources.left_out,
        _versions(run.site_dir),
    )
    checked, counts = _check_links(site, list(run.pages))
    for path, findings in checked:
        for index, action, a, b, c in findings:
            occurrence = run.occurrence(path, index)
            if action == "report":
                run.report(occurrence, a, Severity.ERROR, b, hint=c)
            elif action == "missing":
                run.missing_target(occurrence, a)
            elif action == "external":
                run.external.setdefault(a, []).append((occurrence, b))
            else:
                run.record(occurrence, a, b)
    run.summary["links"] = sum(counts.values())
    run.summary.update({str(kind): counts[kind] for kind in counts})


def _excluded(run: _Run) -> list[re.Pattern[str]]:
    patterns = []
    for pattern in run.options.exclude:
        try:
            patterns.append(re.compile(pattern))
        except re.error as error:
            run.diagnostics.append(
                Diagnostic(
                    "DG307",
                    Severity.ERROR,
                    f"links.exclude pattern {pattern!r} is not a valid regular expression: {error}",
                    None,
                    "fix the pattern in mkdocs.yml (Python regular expression syntax)",
                    STAGE,
                )
            )
    return patterns


def _cache_root(config: DocgenConfig) -> Path:
    folder = config.cache_dir
    return folder if folder.is_absolute() else config.root / folder


def _check_external(run: _Run, progress: Progress | None) -> None:
    patterns = _excluded(run)
    urls = {}
    for url, occurrences in run.external.items():
        if any(p.search(url) for p in patterns):
            run.summary["external_excluded"] += 1
            for occurrence, _ in occurrences:
                run.record(occurrence, "excluded")
        else:
            urls[url] = occurrences
    run.summary["external_urls"] = len(urls)
    if not urls:
        return
    if run.config.offline or run.config.serving or not run.options.external:
        why, hint = (
            ("--offline", "run without --offline to check them")
            if run.config.offline
            else ("while serving", "`docgen build` and `docgen check` check them")
            if run.config.serving
            else (
                "links.external is false",
                "set `links: {external: true}` in mkdocs.yml to check them",
            )
        )
        run.summary["external_skipped"] = len(urls)
        run.diagnostics.append(
            Diagnostic(
                "DG313",
                Severity.INFO,
                f"{len(urls)} external links not checked ({why})",
                None,
                hint,
                STAGE,
            )
        )
        for occurrences in urls.values():
            for occurrence, _ in occurrences:
                run.record(occurrence, "skipped", why)
        return
    wanted = {
        url
        for url, occurrences in urls.items()
        if run.options.fragments_external and any(f and f != "top" for _, f in occurrences)
    }
    cache_file = _cache_root(run.config) / "links" / "external.json"
    known = cache.load(cache_file, run.options.cache_max_age)
    cached = {
        url: known[url]
        for url in urls
        if url in known and (url not in wanted or known[url].page_read)
    }
    fresh = check_urls(
        [url for url in urls if url not in cached], run.options, fragments=wanted, progress=progress
    )
    if fresh:
        cache.save(cache_file, fresh, run.options.cache_max_age)
    run.summary["external_cached"] = len(cached)
    run.summary["external_checked"] = len(fresh)
    results = {**cached, **fresh}
    for url, occurrences in urls.items():
        result = results.get(url) or ExternalResult(url, False, None, "not checked")
        for occurrence, fragment in occurrences:
            _report_external(run, occurrence, result, fragment)


def _report_external(
    run: _Run, occurrence: _Occurrence, result: ExternalResult, fragment: str
) -> None:
    url = result.url
    if not result.ok:
        run.report(
            occurrence,
            "DG310",
            Severity.ERROR,
            f"broken external link to '{url}': {result.message}",
            hint="fix or remove the link; to skip a URL, add a pattern to links.exclude",
        )
        return
    if result.anchors is not None and fragment and not check_fragment(fragment, result.anchors):
        run.report(
            occurrence,
            "DG312",
            Severity.WARNING,
            f"external link to '{url}#{fragment}': the page has no anchor '#{fragment}'",
            hint="link to an anchor the page has, or drop the fragment",
        )
        return
    if result.permanent_redirect:
        run.report(
            occurrence,
            "DG311",
            Severity.INFO,
            f"'{url}' moved permanently to '{result.permanent_redirect}'",
            hint="link to the new URL",
            result="ok",
        )
        return
    run.record(occurrence, "ok", "cached" if result.from_cache else "")


def _run(
    config: DocgenConfig,
    site_dir: Path,
    *,
    sources: Mapping[str, str] | None,
    progress: Progress | None,
    locate_all: bool,
    processes: int | None = None,
) -> tuple[_Run, float]:
    start = time.perf_counter()
    options = config.links or LinksConfig()
    files = _site_files(site_dir)
    prefix = site_prefix(config.site_url)
    lines = None
    if sources is None:
        sources = read_sources_json(_cache_root(config) / "sources.json")
        lines = read_lines_json(_cache_root(config) / "lines.json")
    run = _Run(
        config=config,
        options=options,
        site_dir=site_dir,
        sources=SourceMap(config, files, sources, prefix, lines),
        prefix=prefix,
        pages={},
        files=files,
        locate_all=locate_all,
    )
    _read_pages(run, processes)
    run.summary["pages"] = len(run.pages)
    _check_pages(run)
    _check_external(run, progress)
    run.flush()
    run.summarise_missing()
    return run, time.perf_counter() - start


def check_site(
    config: DocgenConfig,
    site_dir: Path,
    *,
    sources: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
) -> StageResult:
    """Check every link of the built site at `site_dir`.

    The `config` gives the `links` options, `site_url`, `cache_dir` and `offline`.
    `sources` maps generated pages (docs path → source file); by default it is read from
    `cache_dir/sources.json` when the plugin wrote one. `progress(done, total)` is called
    as external URLs are checked, from worker threads. Pages are read in
    `processes` forked workers (default: one per core; 1 reads them in this process).
    """
    if not site_dir.is_dir():
        return StageResult(
            stage=STAGE,
            diagnostics=(
                Diagnostic(
                    "DG300",
                    Severity.ERROR,
                    f"site folder {config.relative(site_dir)} does not exist",
                    None,
                    "build the site first (docgen build), or pass --site DIR",
                    STAGE,
                ),
            ),
        )
    run, seconds = _run(
        config, site_dir, sources=sources, progress=progress, locate_all=False, processes=processes
    )
    unique = list(dict.fromkeys(run.diagnostics))
    run.summary["errors"] = sum(d.severity is Severity.ERROR for d in unique)
    return StageResult(
        stage=STAGE, diagnostics=tuple(unique), summary=dict(run.summary), seconds=seconds
    )


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """Every link of the built site with its source location and result.

    `args` may name the site folder, alone or after `--site` (default: the `config`'s
    `site_dir`).
    """
    folder = [arg for arg in args if arg != "--site"]
    site_dir = Path(folder[0]) if folder else config.site_dir
    if not site_dir.is_dir():
        return {"site": str(site_dir), "links": [], "error": "site folder does not exist"}
    run, seconds = _run(config, site_dir, sources=None, progress=None, locate_all=True)
    return {
        "site": config.relative(site_dir),
        "summary": dict(run.summary),
        "seconds": round(seconds, 3),
        "links": [asdict(record) for record in run.records],
        "diagnostics": [d.to_dict() for d in dict.fromkeys(run.diagnostics)],
    }
