"""Completeness: the nav and the pages agree, required pages exist, no page is unfinished.

The nav is read from `mkdocs.yml` (or `mkdocs.yaml`) at the project root (`config.root`),
by YAML composition only: tags such as `!ENV` or `!!python/name:` are kept as text and
never run, and every entry keeps its line for the diagnostic. Generated pages count as
existing. Without a `nav:`, MkDocs lists every page, so the nav rules have nothing to do.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from docgen.diagnostics import Diagnostic
from docgen.lint.page import ParsedPage, Prose
from docgen.lint.rules import Rules
from docgen.model import Document

__all__ = [
    "NavEntry",
    "SiteConfig",
    "blog_index",
    "check_markers",
    "check_page",
    "check_site",
    "read_site_config",
]

_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# What docgen's stages promise, for `required_pages`: met by the stage's folder of pages
# (`api/`), or by its section in the config when nothing was generated at all
# (`docgen check --only lint` runs no other stage).
_PROMISED = {"api": ("api reference", "api"), "pipelines": ("pipelines",)}


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A page in `nav:`: its path under the docs folder, its title if given, its line."""

    path: str
    title: str | None
    line: int


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What the lint rules read from mkdocs.yml.

    Attributes:
        file: `mkdocs.yml` or `mkdocs.yaml`, whichever the project has.
        nav: the pages in `nav:`, or None when no nav is given.
        sections: the nav's section titles.
        not_in_nav: the `not_in_nav` patterns.
        required_line: the line where `required_pages` is set, or None.
        problem: why the file could not be read, or None.
        extensions: the names in `markdown_extensions`.
        theme: the theme's name (`theme: material` or `theme: {name: material}`), or None.
        blog: Material's blog plugin, when on: its folder and its posts' folder, under the
            docs folder. The plugin lists posts in its own index, never in `nav:`, and
            fills the index page itself.
    """

    file: str
    nav: tuple[NavEntry, ...] | None = None
    sections: tuple[str, ...] = ()
    not_in_nav: tuple[str, ...] = ()
    required_line: int | None = None
    problem: str | None = None
    extensions: tuple[str, ...] = ()
    theme: str | None = None
    blog: tuple[str, str] | None = None


def read_site_config(root: Path, file: str | None = None) -> SiteConfig:
    """The nav, `not_in_nav` patterns and the line of `required_pages`, from mkdocs.yml
    (or mkdocs.yaml) at the project `root`.

    `file` names the configuration file instead, relative to `root`.
    """
    if file is None:
        file = "mkdocs.yaml" if (root / "mkdocs.yaml").is_file() else "mkdocs.yml"
    try:
        node = yaml.compose((root / file).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except FileNotFoundError:
        return SiteConfig(file)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return SiteConfig(file, problem=f"{file} could not be read: {exc}")
    if not isinstance(node, yaml.MappingNode):
        return SiteConfig(file)
    top = {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}
    nav: list[NavEntry] = []
    sections: list[str] = []
    given = "nav" in top and isinstance(top["nav"], yaml.SequenceNode)
    if given:
        _walk_nav(top["nav"], None, nav, sections)
    patterns = top.get("not_in_nav")
    return SiteConfig(
        file,
        nav=tuple(nav) if given else None,
        sections=tuple(sections),
        not_in_nav=tuple(
            line.strip()
            for line in (
                patterns.value if isinstance(patterns, yaml.ScalarNode) else ""
            ).splitlines()
            if line.strip() and not line.strip().startswith("#")
        ),
        required_line=_find_key(node, "required_pages"),
        extensions=_extensions(top.get("markdown_extensions")),
        theme=_theme(top.get("theme")),
        blog=_blog(top.get("plugins")),
    )


def blog_index(site: SiteConfig) -> str | None:
    """The blog's index page under the docs folder, which the blog plugin fills.

    Args:
        site: what mkdocs.yml says of the site; None is returned without a blog plugin.
    """
    return None if site.blog is None else posixpath.normpath(f"{site.blog[0]}/index.md")


def _blog(node: yaml.Node | None) -> tuple[str, str] | None:
    """The blog plugin's `blog_dir` and `post_dir`: `- blog`, `- material/blog: {...}`, or
    `plugins:` as a mapping (`material/blog: {...}`)."""
    entries: list[tuple[yaml.Node, yaml.Node | None]] = []
    if isinstance(node, yaml.MappingNode):
        entries = list(node.value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            pair = item.value[0] if isinstance(item, yaml.MappingNode) and item.value else None
            entries.append(pair or (item, None))
    for name, value in entries:
        if not isinstance(name, yaml.ScalarNode) or name.value not in ("blog", "material/blog"):
            continue
        options = {
            str(k.value): str(v.value)
            for k, v in (value.value if isinstance(value, yaml.MappingNode) else [])
            if isinstance(v, yaml.ScalarNode)
        }
        if options.get("enabled", "true").lower() == "false":
            return None
        folder = posixpath.normpath(options.get("blog_dir", "blog"))
        posts = options.get("post_dir", "{blog}/posts").replace("{blog}", folder)
        return folder, posixpath.normpath(posts)
    return None


def _theme(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.MappingNode):
        node = next((value for key, value in node.value if key.value == "name"), None)
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _extensions(node: yaml.Node | None) -> tuple[str, ...]:
    """The extension names of `markdown_extensions` (`- toc` or `- toc: {permalink: true}`)."""
    if not isinstance(node, yaml.SequenceNode):
        return ()
    names = []
    for item in node.value:
        name = item.value[0][0] if isinstance(item, yaml.MappingNode) and item.value else item
        if isinstance(name, yaml.ScalarNode):
            names.append(str(name.value))
    return tuple(names)


def _walk_nav(node: yaml.Node, title: str | None, nav: list[NavEntry], sections: list[str]) -> None:
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        if not _URL.match(value):
            nav.append(NavEntry(posixpath.normpath(value), title, node.start_mark.line + 1))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk_nav(item, None, nav, sections)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            if isinstance(value, yaml.SequenceNode):
                sections.append(name)
            _walk_nav(value, name, nav, sections)


def _find_key(node: yaml.Node, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                return int(name.start_mark.line) + 1
            found = _find_key(value, key)
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _find_key(item, key)
            if found is not None:
                return found
    return None


def _matches(path: str, patterns: Sequence[str]) -> bool:
    """gitignore-style `not_in_nav` patterns, as MkDocs reads them."""
    import pathspec  # noqa: PLC0415 - a dependency of MkDocs; only nav checks need it

    return bool(patterns) and pathspec.GitIgnoreSpec.from_lines(patterns).match_file(path)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[-_/\s]+", " ", text).lower().split())


def check_site(
    rules: Rules,
    site: SiteConfig,
    documents: Sequence[Document],
    titles: dict[str, str],
    required: Sequence[str],
    configured: Sequence[str],
) -> Iterator[Diagnostic | None]:
    """Nav against pages, and the required pages.

    Args:
        rules: the severities in force.
        site: what mkdocs.yml says.
        documents: every page, generated ones included.
        titles: each page's title, by its path under the docs folder.
        required: `lint.required_pages`.
        configured: the generating stages whose sections are on.
    """
    paths = {posixpath.normpath(d.path) for d in documents}
    if site.problem is not None:
        yield rules.finding("config", site.problem, site.file, None)
    if site.nav is not None:
        listed = {entry.path for entry in site.nav}
        for document in documents:
            path = posixpath.normpath(document.path)
            if document.generated or path in listed or _matches(path, site.not_in_nav):
                continue
            if site.blog is not None and path.startswith(f"{site.blog[1]}/"):
                continue  # the blog plugin lists its posts
            yield rules.finding(
                "not-in-nav", f"page '{document.path}' is not in the nav", document.source, 1
            )
        for entry in site.nav:
            if entry.path not in paths:
                yield rules.finding(
                    "missing-nav-page",
                    f"the nav lists '{entry.path}', but there is no such page",
                    site.file,
                    entry.line,
                )
    names: set[str] = set()
    for document in documents:
        stem = posixpath.splitext(document.path)[0]
        names |= {_words(stem), _words(posixpath.basename(stem))}
        if posixpath.basename(stem) in ("index", "README"):
            names.add(_words(posixpath.dirname(stem)))
        if document.path in titles:
            names.add(_words(titles[document.path]))
    names |= {_words(e.title) for e in site.nav or () if e.title}
    names |= {_words(s) for s in site.sections}
    folders = {part for d in documents for part in posixpath.dirname(d.path).split("/")}
    skipped = not any(d.generated for d in documents)
    for stage in configured:
        if stage in folders or skipped:
            names.update(_PROMISED.get(stage, ()))
    for wanted in required:
        if _words(wanted) not in names:
            yield rules.finding(
                "missing-required-page",
                f"the docs have no {wanted!r} page (required by lint.required_pages)",
                site.file,
                site.required_line,
            )


def check_page(
    rules: Rules, path: str, page: ParsedPage, markers: Sequence[str], filled: bool = False
) -> Iterator[Diagnostic | None]:
    """Unfinished work on one page: markers in prose, a title with nothing under it.

    Args:
        rules: the severities in force.
        path: the page's file, relative to the project root.
        page: the parsed page.
        markers: the words that mark unfinished text (`lint.markers`).
        filled: a plugin fills the page when it builds (the blog's index): a title alone
            is not unfinished.
    """
    yield from check_markers(rules, path, page.prose, markers)
    if not page.content and not page.blank and not filled:
        line = page.headings[0].line if page.headings else 1
        yield rules.finding("title-only", "the page has a title but no content", path, line)


def check_markers(
    rules: Rules, path: str, prose: Sequence[Prose], markers: Sequence[str]
) -> Iterator[Diagnostic | None]:
    """`TODO`, `FIXME`, `TBD` (or `lint.markers`) in prose; code is not prose.

    Findings follow the `rules`, at the `path` of the page (relative to the project root)
    the `prose` runs come from.
    """
    if not markers:
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(m) for m in markers) + r")\b")
    for run in prose:
        for match in pattern.finditer(run.text):
            yield rules.finding(
                "todo-marker", f"{match.group(1)} marker left in the text", path, run.line
            )
