"""Checking the links found on the pages: internal links and `#fragment`s exactly,
external URLs through `external` and its cache; each problem reported through the run."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from docgen.diagnostics import Diagnostic, Severity
from docgen.links import cache
from docgen.links.collect import PageLinks
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
    unversioned,
)
from docgen.links.run import STAGE, Occurrence, Run, cache_root

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


def check_pages(run: Run) -> None:
    """Check the links of every page in `run.pages`: internal links and `#fragment`s now,
    each problem reported through the `run`; external URLs are collected in
    `run.external` for `check_external`. Counts links by kind in `run.summary`."""
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


def _excluded(run: Run) -> list[re.Pattern[str]]:
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


def check_external(run: Run, progress: Progress | None) -> None:
    """Check the external URLs `check_pages` collected in `run.external`, through the cache.

    URLs matching `links.exclude` are recorded as excluded; offline, while serving, or with
    `links.external` false none is checked (one DG313 says so). Broken URLs (DG310),
    missing fragments (DG312) and permanent redirects (DG311) are reported through the
    `run`. `progress(done, total)` is called as URLs are checked, or not at all when None.
    """
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
    if run.split is not None:  # one shard per URL, wherever it is cited
        urls = {url: found for url, found in urls.items() if run.split.owns_url(url)}
    wanted = {
        url
        for url, occurrences in urls.items()
        if run.options.fragments_external and any(f and f != "top" for _, f in occurrences)
    }
    cache_file = cache_root(run.config) / "links" / "external.json"
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
    run: Run, occurrence: Occurrence, result: ExternalResult, fragment: str
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
