"""The page cache: a page whose inputs did not change is not rendered again.

Each page's two renderings (Markdown → HTML, HTML → themed page) are kept in
`cache_dir/pages` (`docgen.pagecache`) under a digest of everything they read; helpers
forked from a cold build render pages ahead of MkDocs into that cache. MkDocs has no
public hook to skip a page's rendering, so this module reaches into MkDocs' page class
and the theme's template class (see the architecture page).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import AnchorLink, get_toc

from docgen import config as cfg
from docgen.pagecache import PageCache

# The plugin uses the rest; `Renders` is what a build keeps of the cache.
__all__ = ["Renders"]

QUALITY_PAGE = "quality/index.md"
"""The docs path of the quality page: rendered again once the checks are done."""

# Plugins known not to feed templates anything a page's key would miss; with any other
# plugin (or MkDocs hook), pages are rendered every time.
_CACHE_SAFE_PLUGINS = frozenset({"docgen", "search", "material/search"})
# Markdown extensions that read other files while rendering: their pages are not reused.
_READS_FILES = frozenset({"pymdownx.snippets", "markdown_include.include", "mdx_include"})
_VERSIONED = (
    "docgen",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "jinja2",
)


@dataclass(slots=True)
class Renders:
    """One build's page cache and the parts of its keys that every page shares.

    `versions` are those of the packages that render (part of both keys);
    `markdown` digests what every Markdown rendering reads besides the page (extensions,
    the site's files); `template` what every theme rendering reads besides the page (nav,
    config, theme files); None until known. `markdown_too` is false when an extension
    reads other files. `reused` counts pages kept from earlier builds, `rendered` pages
    rendered by this one, `ahead` those of them its helpers rendered (None without
    helpers); `started` is when the build began.
    """

    cache: PageCache
    markdown_too: bool
    versions: dict[str, str]
    markdown: str | None = None
    template: str | None = None
    reused: int = 0
    rendered: int = 0
    helpers: Helpers | None = None
    ahead: int | None = None
    started: float = field(default_factory=time.time)


def renders_for(config: MkDocsConfig, docgen: cfg.DocgenConfig) -> Renders | None:
    if not docgen.page_cache or not set(config.plugins) <= _CACHE_SAFE_PLUGINS:
        return None
    reads_files = _READS_FILES.intersection(map(str, config.markdown_extensions))
    return Renders(
        PageCache(docgen.cache_dir / "pages"), markdown_too=not reads_files, versions=_versions()
    )


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in _VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def nav_signature(items: Sequence[Any]) -> list[object]:
    out: list[object] = []
    for item in items:
        if isinstance(item, Section):
            out.append(["section", item.title, nav_signature(item.children)])
        elif isinstance(item, MkPage | Link):
            out.append([type(item).__name__, item.title, item.url])
    return out


def config_signature(config: MkDocsConfig) -> dict[str, object]:
    # site_dir is left out: `mkdocs serve` builds into a new temporary folder each time.
    signature: dict[str, object] = {
        k: v for k, v in config.items() if k not in ("plugins", "site_dir")
    }
    signature["plugins"] = {name: dict(p.config) for name, p in config.plugins.items()}
    return signature


def theme_files(config: MkDocsConfig) -> list[tuple[str, int, int]]:
    """Every template of the theme (icons aside), by size and time: overrides count."""
    found: list[tuple[str, int, int]] = []
    for folder in config.theme.dirs:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in (".icons", "__pycache__"))
            for path in sorted(Path(root) / name for name in names):
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return found


def _toc(items: Sequence[AnchorLink]) -> list[object]:
    return [[i.title, i.id, i.level, _toc(i.children)] for i in items]


def _page_signature(page: MkPage) -> dict[str, object]:
    """What the theme reads of `page` (the nav and the site are in the build's key)."""
    return {
        "url": page.url,
        "src": page.file.src_uri,
        "title": page.title,
        "content": page.content,
        "toc": _toc(list(page.toc)),
        "meta": page.meta,
        "edit": page.edit_url,
        "canonical": page.canonical_url,
        "near": [(p.url, p.title) if p else None for p in (page.previous_page, page.next_page)],
    }


def template_class(renders: Renders) -> type[jinja2.Template]:
    """Templates that reuse a page's last output when nothing they read changed."""

    class Template(jinja2.Template):
        def render(self, *args: Any, **kwargs: Any) -> str:
            page = dict(*args, **kwargs).get("page")
            if (
                not isinstance(page, MkPage)
                or renders.template is None
                or page.file.src_uri == QUALITY_PAGE
            ):
                return super().render(*args, **kwargs)
            if renders.helpers is not None:
                renders.helpers.reached(page)
            key = renders.cache.key("page", renders.template, self.name, _page_signature(page))
            saved = renders.cache.get(key)
            if isinstance(saved, str):
                if renders.ahead is not None and renders.cache.made_since(key, renders.started):
                    renders.ahead += 1  # a helper rendered it in this build
                    renders.rendered += 1
                else:
                    renders.reused += 1
                return saved
            output = super().render(*args, **kwargs)
            renders.cache.put(key, output)
            renders.rendered += 1
            return output

    return Template


class _Recorder(logging.Handler):
    """Keeps what is logged while a page renders, to say it again when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: dict[int, tuple[str, int, str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.records[id(record)] = (record.name, record.levelno, record.getMessage())

    def __enter__(self) -> _Recorder:
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.removeHandler(self)


class Helpers:
    """Processes that render pages ahead of MkDocs, into the page cache, on the other cores.

    MkDocs renders one page after another on one core. Each helper is a fork of the build
    that renders every n-th page from the end (n = the helpers), as MkDocs would, while
    MkDocs walks from the start; MkDocs then finds those pages in the page cache. A helper
    stops where it meets MkDocs (shared memory holds how far MkDocs got). It is silent: what
    its renderings log is kept with them and said by the build that reuses them.
    """

    def __init__(self, index: dict[int, int], progress: Any, pids: list[int]) -> None:
        self.index = index
        self.progress = progress
        self.pids = pids

    @classmethod
    def start(cls, pages: Sequence[MkPage], render: Callable[[MkPage], object]) -> Helpers | None:
        """Fork helpers for `pages`, each page made with `render`; None when forking is
        not safe or not worth it (one core, few pages, threads running)."""
        count = min((os.cpu_count() or 1) - 1, 3)
        if count < 1 or len(pages) < 20 or not hasattr(os, "fork"):
            return None
        if threading.active_count() > 1:  # a fork copies only this thread: no locks held
            return None
        progress = multiprocessing.RawValue("i", -1)
        pids: list[int] = []
        for helper in range(count):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                _helper_run(pages, render, progress, helper, count)
            pids.append(pid)
        return cls({id(p): n for n, p in enumerate(pages)}, progress, pids)

    def reached(self, page: MkPage) -> None:
        """MkDocs is at `page`: helpers stop before it."""
        number = self.index.get(id(page))
        if number is not None and number > self.progress.value:
            self.progress.value = number

    def stop(self) -> None:
        """End every helper (they are done, or about to meet MkDocs)."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pids = []


def _helper_run(  # pragma: no cover - runs in a forked child
    pages: Sequence[MkPage],
    render: Callable[[MkPage], object],
    progress: Any,
    helper: int,
    count: int,
) -> None:
    try:
        # Not a file of the parent's: a pipe left open here would keep a process the
        # parent talks to (the Mermaid validator) from ever seeing the end of its input.
        os.closerange(3, 65536)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        for logger in (logging.getLogger(), *logging.Logger.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger):
                logger.handlers = []
                logger.propagate = logger.name != "mkdocs" and logger.propagate
        for number in range(len(pages) - 1 - helper, -1, -count):
            if number <= progress.value + 1:
                break
            render(pages[number])
    finally:
        os._exit(0)


class CachedPage(MkPage):
    """A page that reuses its last Markdown rendering when nothing it reads changed."""

    renders: Renders

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Render the Markdown as MkDocs does, or restore what that rendering made."""
        renders = self.renders
        if not renders.markdown_too or renders.markdown is None or self.markdown is None:
            super().render(config, files)
            return
        file = self.file
        key = renders.cache.key("markdown", renders.markdown, file.src_uri, self.markdown)
        saved = renders.cache.get(key)
        if isinstance(saved, dict) and self._restore(saved, files):
            for name, level, message in saved["logs"]:
                logging.getLogger(name).log(level, "%s", message)
            return
        with _Recorder() as recorder:
            super().render(config, files)
        links = self.links_to_anchors
        renders.cache.put(
            key,
            {
                "content": self.content,
                "toc": _toc_tokens(list(self.toc)),
                "title": self._title_from_render,
                # MkDocs lists an id of None for some headings: no link can name it.
                "anchors": sorted(a for a in self.present_anchor_ids or () if a is not None),
                "links": None if links is None else {f.src_uri: v for f, v in links.items()},
                "logs": list(recorder.records.values()),
            },
        )

    def _restore(self, saved: dict[str, Any], files: Files) -> bool:
        try:
            self.content = saved["content"]
            self.toc = get_toc(saved["toc"])
            self._title_from_render = saved["title"]
            self.present_anchor_ids = set(saved["anchors"])
            links = saved["links"]
        except (KeyError, TypeError):
            return False
        if links is not None:
            found = {src: files.get_file_from_path(src) for src in links}
            self.links_to_anchors = {f: links[s] for s, f in found.items() if f is not None}
        return True


def _toc_tokens(items: Sequence[AnchorLink]) -> list[dict[str, object]]:
    """The TOC as the tokens `get_toc` reads back."""
    return [
        {"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)}
        for i in items
    ]
