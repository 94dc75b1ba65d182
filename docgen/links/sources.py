"""Map a built page back to the file it came from, and a link in it to its Markdown line.

`foo/bar/index.html` was built from `docs/foo/bar.md` or `docs/foo/bar/index.md` (or
`foo/bar.html` from `docs/foo/bar.md` without directory URLs). Generated pages have no file
in the docs folder: the build's `Context.sources` maps each to its source file, in memory.
The line of a link is found by parsing the Markdown with markdown-it-py and matching the
link's target: inline and reference links, autolinks, images, and raw HTML
`href`/`src`/`srcset`/`poster`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import unquote, urlsplit

from docgen import docsdir, markdown
from docgen.config import DocgenConfig
from docgen.links.internal import Kind, classify, find_file, resolve

__all__ = [
    "LinkKey",
    "Source",
    "SourceMap",
    "html_key",
    "markdown_links",
]

LinkKey = tuple[str, str, str]
"""What a link points at, to match HTML links with Markdown ones: (kind, target, fragment).

Either `("site", "guide/index.html", "setup")`, a path in the site, or `("raw", "x.md", "")`,
the URL as written when it does not resolve inside the site.
"""
# Per page: HTML link position → (line, target as written); and target → the same.
_Written = tuple[dict[int, tuple[int, str]], dict[LinkKey, list[tuple[int, str]]]]
_INDEX_NAMES = ("index.md", "README.md", "readme.md")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a built page came from: a file relative to the project root.

    `markdown` is the Markdown file in the docs folder when there is one (lines can be
    found in it); a generated page has only its `path` (a workflow, a module), and may
    have `lines`: its heading anchors with the line of `path` each part was made from.
    """

    path: str
    markdown: Path | None = None
    lines: Mapping[str, int] | None = None


def page_paths(markdown: str) -> tuple[str, str]:
    """The two site paths a docs Markdown file can be built to: directory URL, then flat."""
    folder, name = posixpath.split(markdown)
    stem = name.rsplit(".", 1)[0]
    if name in _INDEX_NAMES:
        page = posixpath.join(folder, "index.html")
        return page, page
    return posixpath.join(folder, stem, "index.html"), posixpath.join(folder, stem + ".html")


class SourceMap:
    """Built page → source, and Markdown link → line, for one site.

    Made from the `config` (its `docs_dir` and `root`), the `site_files` (paths relative
    to the site folder), the `generated` pages (docs path → source file, as in
    `Context.sources`), their `lines` (docs path → heading anchor → source line, as in
    `Context.lines`) and the site's path `prefix` (see `site_prefix`).
    """

    def __init__(
        self,
        config: DocgenConfig,
        site_files: Collection[str],
        generated: Mapping[str, str] | None = None,
        prefix: str = "/",
        lines: Mapping[str, Mapping[str, int]] | None = None,
    ) -> None:
        self._config = config
        self._prefix = prefix
        self._files = site_files
        self._pages: dict[str, Source] = {}
        self._md_to_page: dict[str, str] = {}
        self._written: dict[str, _Written] = {}
        docs = config.docs_dir
        markdown_files = docsdir.markdown_files(docs)
        self.left_out: dict[str, str] = {}
        """Site path → source file of each Markdown file that has no page (`exclude_docs`)."""
        self._left_out_md: set[str] = set()
        for file in markdown_files:
            docs_path = file.relative_to(docs).as_posix()
            self._add(docs_path, Source(config.relative(file), file))
            if docs_path not in self._md_to_page:
                self._left_out_md.add(docs_path)
                self.left_out.update(dict.fromkeys(page_paths(docs_path), config.relative(file)))
        for docs_path, source in (generated or {}).items():
            source_path = Path(source)
            if not source_path.is_absolute():
                source_path = config.root / source_path
            anchors = (lines or {}).get(docs_path)
            self._add(docs_path, Source(config.relative(source_path), lines=anchors))

    def _add(self, docs_path: str, source: Source) -> None:
        for page in page_paths(docs_path):
            if page in self._files and page not in self._pages:
                self._pages[page] = source
                self._md_to_page[docs_path] = page
                return

    def source(self, page: str) -> Source | None:
        """The source of a built page, or None for a page that none made (a theme's 404)."""
        return self._pages.get(page)

    def locate(
        self, page: str, urls: Sequence[str], position: int, *, fallback: bool = False
    ) -> tuple[int, str] | None:
        """The Markdown line, and the target as written, of link `position` of `page`.

        `urls` are all the page's links in HTML order. They are aligned with the Markdown's
        links in source order, so the theme's own links (navigation, header, footer) match
        no line. With `fallback`, a link outside the alignment takes the first Markdown
        line with the same target: right for a broken link, which is rarely the theme's.
        """
        source = self._pages.get(page)
        if source is None or source.markdown is None:
            return None
        written = self._written.get(page)
        if written is None:
            written = self._written[page] = self._align(source.markdown, page, urls)
        aligned, by_key = written
        if position in aligned:
            return aligned[position]
        if fallback:
            lines = by_key.get(self._html_key(page, urls[position]))
            return lines[0] if lines else None
        return None

    def _align(self, markdown: Path, page: str, urls: Sequence[str]) -> _Written:
        try:
            text = markdown.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return {}, {}
        docs_path = markdown.relative_to(self._config.docs_dir).as_posix()
        links = list(markdown_links(text))
        written = [(line, unquote(url)) for url, line in links]
        md_keys = [self._markdown_key(docs_path, page, url) for url, _ in links]
        html = [self._html_key(page, url) for url in urls]
        aligned: dict[int, tuple[int, str]] = {}
        matcher = SequenceMatcher(None, html, md_keys, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                aligned[block.a + k] = written[block.b + k]
        by_key: dict[LinkKey, list[tuple[int, str]]] = {}
        for key, found in zip(md_keys, written, strict=True):
            by_key.setdefault(key, []).append(found)
        return aligned, by_key

    def _markdown_key(self, docs_path: str, page: str, url: str) -> LinkKey:
        # MkDocs rewrites a link to a file of the docs folder into a URL relative to the
        # page, and leaves any other link as written (so the browser resolves it as is).
        parts = urlsplit(url)
        kind, _ = classify(url)
        path = unquote(parts.path)
        if kind is Kind.INTERNAL and not parts.netloc and path and not path.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(docs_path), path))
            built = self._md_to_page.get(target) or find_file(target, self._files)
            if built is not None:
                return ("site", built, unquote(parts.fragment))
            if target in self._left_out_md:
                return ("left out", self.left_out[page_paths(target)[0]], "")
        return html_key(page, url, self._prefix)

    def _html_key(self, page: str, url: str) -> LinkKey:
        """`html_key`, where a link to a page left out of the site matches its Markdown."""
        key = html_key(page, url, self._prefix)
        left_out = self.left_out.get(key[1]) if key[0] == "site" else None
        return ("left out", left_out, "") if left_out else key


def html_key(page: str, url: str, prefix: str = "/") -> LinkKey:
    """What a link's `url` in the built `page` points at: a site path and fragment, else
    the URL. `prefix` is the site's path (see `site_prefix`).
    """
    kind, _ = classify(url)
    if kind is Kind.INTERNAL and not urlsplit(url).netloc:
        target = resolve(page, url, prefix)
        if target.path is not None:
            return ("site", target.path, target.fragment)
    head, _, fragment = url.partition("#")
    return ("raw", unquote(head), unquote(fragment))


def markdown_links(text: str) -> Iterator[tuple[str, int]]:
    """Every link target in Markdown text with its 1-based line, in document order.

    Read by `docgen.markdown`: inline and reference links, autolinks, images and raw HTML
    URLs; admonitions and content tabs are read as their content, every line its own.
    """
    for link in markdown.read(text).links:
        yield link.target, link.line
