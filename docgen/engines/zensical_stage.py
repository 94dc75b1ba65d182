"""Zensical's staging folder: the site's pages as docgen made them, and a derived config.

Zensical runs no plugins (it ignores `docgen` under `plugins:`), so docgen does what its
plugin does under MkDocs before Zensical starts: every hand-written page of `docs_dir`
goes through the pipeline's transforms, every stage's generated page and asset is added,
and the nav, scripts and styles get their generated entries. All of it is written into
`<root>/.cache/docgen/zensical/docs` (Zensical wants the docs folder inside the project,
and never `.`), with a config beside it (`mkdocs.yml` there) that points Zensical at it.

A file is written only when its text changed, so `zensical serve` rebuilds what an edit
touched; a file an earlier build staged and this one does not is removed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pathspec
import yaml

from docgen import docsdir, macros
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.engines.nav import default_nav, with_generated
from docgen.model import Document, StageResult

__all__ = [
    "PENDING_MARK",
    "QUALITY_PAGE",
    "Staged",
    "derived_config",
    "stage",
    "staging_root",
]

QUALITY_PAGE = "quality/index.md"
"""The quality page's docs path (as under MkDocs)."""
PENDING_MARK = "docgen-quality-pending"
"""The placeholder's one paragraph: `publish` puts the report's quality page in its place."""
_PENDING = f"# Documentation quality\n\n{PENDING_MARK}\n"
_PAGE_SUFFIXES = (".md", ".markdown")
# What generated pages need (headings with ids, tables, admonitions, Mermaid fences).
_FENCE = {
    "name": "mermaid",
    "class": "mermaid",
    "format": "pymdownx.superfences.fence_code_format",
}
_NEEDED: dict[str, dict[str, Any]] = {
    "attr_list": {},
    "tables": {},
    "admonition": {},
    "pymdownx.details": {},
    "toc": {"permalink": True},
}
_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n)", re.DOTALL)


def staging_root(config: DocgenConfig) -> Path:
    """`<root>/.cache/docgen/zensical`: inside the project, as Zensical requires.

    Args:
        config: docgen's config: its cache folder, unless that is outside the project.
    """
    cache = config.cache_dir if config.cache_dir.is_absolute() else config.root / config.cache_dir
    root = config.root.resolve()
    if not cache.resolve().is_relative_to(root) or cache.resolve() == root:
        cache = root / ".cache" / "docgen"
    return cache / "zensical"


@dataclass(frozen=True, slots=True)
class Staged:
    """What `stage` wrote.

    Attributes:
        config_file: the derived config Zensical builds with.
        docs_dir: the staged docs folder.
        site_dir: where Zensical writes the site (inside the staging folder).
        documents: every page as the checks see it (after the transforms).
        pages: the staged pages' docs paths.
        sources: docs path of a generated page → the user's file it was made from.
        lines: docs path of a generated page → heading anchor → line of its source.
        diagnostics: pages left out (not UTF-8) and generated pages that clash.
        watch: the files and folders whose change calls for staging again.
        use_directory_urls: the site's URL style (`a/b.md` → `a/b/index.html`).
        strict: mkdocs.yml says `strict: true` (left out of the derived config).
    """

    config_file: Path
    docs_dir: Path
    site_dir: Path
    documents: tuple[Document, ...]
    pages: tuple[str, ...]
    sources: Mapping[str, str]
    lines: Mapping[str, Mapping[str, int]]
    diagnostics: tuple[Diagnostic, ...]
    watch: tuple[Path, ...]
    use_directory_urls: bool
    strict: bool = False


def stage(
    config: DocgenConfig,
    config_file: Path,
    results: Sequence[StageResult],
    transform: Callable[[Document], str],
) -> Staged:
    """Write the pages, assets and derived config Zensical builds from; see the module.

    Args:
        config: docgen's config (the project's root and docs folder).
        config_file: the project's mkdocs.yml.
        results: every stage's generated pages, assets, scripts and styles.
        transform: the pipeline's per-page transform.
    """
    root = staging_root(config)
    docs = root / "docs"
    site = config.site_dir.resolve()
    skip = {root.resolve(), site}
    user = _load_yaml(config_file)
    jinja = _jinja(user)
    found: list[Diagnostic] = []
    documents: list[Document] = []
    written: set[Path] = set()
    user_pages: list[str] = []
    excluded = _excluded(user.get("exclude_docs"))
    for path, file in docsdir.files(config.docs_dir, skip=skip):
        if excluded.match_file(path):
            continue
        target = docs / path
        if not path.endswith(_PAGE_SUFFIXES):
            _copy(file, target)
            written.add(target)
            continue
        text = docsdir.read_page(config, file, "zensical")
        if isinstance(text, Diagnostic):
            found.append(text)
            continue
        head = _front_matter(text)
        pad = head.count("\n")
        document = Document(path, "\n" * pad + text[len(head) :], config.relative(file))
        documents.append(document)
        user_pages.append(path)
        _write(target, head + transform(document)[pad:])
        written.add(target)
    taken = set(user_pages)
    generated: list[tuple[str, tuple[str, ...], str]] = []
    sources: dict[str, str] = {}
    lines: dict[str, dict[str, int]] = {}
    scripts: list[str] = []
    styles: list[str] = []
    for result in results:
        for page in result.pages:
            if page.path in taken:
                found.append(docsdir.clash(config, page.path, result.stage))
                continue
            taken.add(page.path)
            source = page.source or f"(generated by {result.stage})"
            document = Document(page.path, page.markdown, source, generated=True)
            documents.append(document)
            text = transform(document)
            # Zensical's macros extension renders every page: a generated one is shown as written.
            _write(docs / page.path, macros.shield(text, jinja) if jinja else text)
            written.add(docs / page.path)
            generated.append((page.path, page.nav, page.title))
            if page.source:
                sources[page.path] = page.source
            if page.lines:
                lines[page.path] = dict(page.lines)
        for asset in result.assets:
            _copy(asset.source, docs / asset.dest)
            written.add(docs / asset.dest)
        scripts += [s for s in result.extra_javascript if s not in scripts]
        styles += [s for s in result.extra_css if s not in styles]
    if config.quality_page and QUALITY_PAGE not in taken:
        _write(docs / QUALITY_PAGE, _PENDING)
        written.add(docs / QUALITY_PAGE)
        generated.append((QUALITY_PAGE, (), "Documentation quality"))
        taken.add(QUALITY_PAGE)
    _remove_stale(docs, written)
    derived = derived_config(user, config, user_pages, generated, scripts, styles)
    _write(root / "mkdocs.yml", yaml.dump(derived, Dumper=_Dumper, sort_keys=False))
    watch = {config.docs_dir, config_file, *(p for r in results for p in r.watch)}
    return Staged(
        config_file=root / "mkdocs.yml",
        docs_dir=docs,
        site_dir=root / "site",
        documents=tuple(documents),
        pages=tuple(sorted(taken)),
        sources=sources,
        lines=lines,
        diagnostics=tuple(found),
        watch=tuple(sorted(watch)),
        use_directory_urls=user.get("use_directory_urls", True) is not False,
        strict=user.get("strict") is True,
    )


def derived_config(
    user: dict[str, Any],
    config: DocgenConfig,
    pages: Sequence[str],
    generated: Sequence[tuple[str, tuple[str, ...], str]],
    scripts: Sequence[str],
    styles: Sequence[str],
) -> dict[str, Any]:
    """The user's mkdocs.yml as Zensical should read it from the staging folder.

    Args:
        user: mkdocs.yml as loaded (tags kept for Zensical to resolve).
        config: docgen's config (where relative paths of mkdocs.yml start).
        pages: the hand-written pages' docs paths.
        generated: each generated page's docs path, nav section and title.
        scripts: the stages' `extra_javascript`.
        styles: the stages' `extra_css`.
    """
    derived = dict(user)
    derived.pop("strict", None)  # Zensical would stop at its first warning: see `Staged`
    derived["docs_dir"] = "docs"
    derived["site_dir"] = "site"
    if "INHERIT" in derived:
        derived["INHERIT"] = str(config.root / str(derived["INHERIT"]))
    theme = derived.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        derived["theme"] = {**theme, "custom_dir": str(config.root / theme["custom_dir"])}
    if isinstance(derived.get("watch"), list):
        derived["watch"] = [str(config.root / str(w)) for w in derived["watch"]]
    if not derived.get("edit_uri") and _repo_host(derived.get("repo_url")):
        # Zensical would point "edit" at the staging folder: MkDocs' default, the docs folder.
        derived["edit_uri"] = f"edit/master/{config.relative(config.docs_dir)}/"
    plugins = derived.get("plugins")
    if isinstance(plugins, list):
        derived["plugins"] = [p for p in plugins if _plugin_name(p) != "docgen"]
    elif isinstance(plugins, dict):
        derived["plugins"] = {k: v for k, v in plugins.items() if k != "docgen"}
    for key, extra in (("extra_javascript", scripts), ("extra_css", styles)):
        mine = list(derived.get(key) or [])
        derived[key] = mine + [e for e in extra if e not in mine]
    if "markdown_extensions" in derived:
        derived["markdown_extensions"] = _extensions(derived["markdown_extensions"])
    nav = derived.get("nav")
    derived["nav"] = with_generated(
        nav if isinstance(nav, list) else default_nav(sorted(pages, key=_sort_key)), generated
    )
    return derived


def _sort_key(path: str) -> tuple[tuple[str, ...], bool, str]:
    """MkDocs' order: a folder's index first, subfolders after its pages."""
    parts = PurePosixPath(path).parts
    return (parts[:-1], PurePosixPath(path).stem not in ("index", "README"), parts[-1])


def _extensions(value: object) -> object:
    """The user's Markdown extensions, plus what generated pages need and Mermaid's fence."""
    if not isinstance(value, list):
        return value
    names = [next(iter(e)) if isinstance(e, dict) and len(e) == 1 else e for e in value]
    out = list(value)
    for name, options in _NEEDED.items():
        if name not in names:
            out.append({name: options} if options else name)
    fences = "pymdownx.superfences"
    if fences not in names:
        return [*out, {fences: {"custom_fences": [_FENCE]}}]
    at = names.index(fences)
    entry = out[at]
    options = dict(entry[fences] or {}) if isinstance(entry, dict) else {}
    custom = list(options.get("custom_fences") or [])
    if not any(isinstance(f, dict) and f.get("name") == "mermaid" for f in custom):
        custom.append(_FENCE)
    out[at] = {fences: {**options, "custom_fences": custom}}
    return out


def _named(value: object) -> dict[str, dict[str, Any]]:
    """A `plugins:` or `markdown_extensions:` list (or mapping) as name → options."""
    items = value.items() if isinstance(value, dict) else value if isinstance(value, list) else []
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, tuple):
            name, options = item
        elif isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
        else:
            name, options = item, {}
        out[str(name)] = dict(options) if isinstance(options, dict) else {}
    return out


def _jinja(user: Mapping[str, Any]) -> macros.Jinja | None:
    """The Jinja renderer (Zensical's macros shim or extension) pages go through, if any."""
    extensions = _named(user.get("markdown_extensions"))
    return macros.jinja(_named(user.get("plugins")), extensions, extensions)


def _plugin_name(item: object) -> object:
    return next(iter(item)) if isinstance(item, dict) and len(item) == 1 else item


def _repo_host(url: object) -> bool:
    return isinstance(url, str) and any(
        h in url for h in ("github.com", "gitlab.com", "bitbucket.org")
    )


def _excluded(patterns: object) -> pathspec.GitIgnoreSpec:
    """MkDocs' `exclude_docs` (gitignore patterns) with its defaults: hidden files, /templates/."""
    lines = [".*", "/templates/"]
    if isinstance(patterns, str):
        lines += patterns.splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _front_matter(text: str) -> str:
    match = _FRONT_MATTER.match(text)
    return match.group(1) if match else ""


def _write(target: Path, text: str) -> None:
    """Write `text` unless the file holds it already (Zensical rebuilds what changed)."""
    try:
        if target.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    try:
        theirs, mine = source.stat(), target.stat()
        if (theirs.st_size, theirs.st_mtime_ns) == (mine.st_size, mine.st_mtime_ns):
            return
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _remove_stale(docs: Path, written: set[Path]) -> None:
    """Remove what an earlier build staged and this one did not, and emptied folders."""
    for folder, dirs, files in os.walk(docs, topdown=False):
        here = Path(folder)
        for name in files:
            if here / name not in written:
                (here / name).unlink()
        for name in dirs:
            with _ignored(OSError):
                (here / name).rmdir()  # only when empty


class _ignored:
    def __init__(self, *kinds: type[BaseException]) -> None:
        self.kinds = kinds

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> bool:
        return kind is not None and issubclass(kind, self.kinds)


# --- mkdocs.yml, read and written with its tags (`!ENV`, `!!python/name:`) kept as written ---


@dataclass(frozen=True, slots=True)
class _Tagged:
    """A value under a tag Zensical resolves itself when it reads the derived config."""

    tag: str
    value: object


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node, prefix: str = "") -> _Tagged:
    value: object
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return _Tagged(prefix + suffix, value)


def _represent(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Loader.add_multi_constructor("!", lambda lo, s, n: _tagged(lo, s, n, "!"))
_PYTHON = "tag:yaml.org,2002:python/"
_Loader.add_multi_constructor(_PYTHON, lambda lo, s, n: _tagged(lo, s, n, _PYTHON))
_Dumper.add_representer(_Tagged, _represent)


def _load_yaml(path: Path) -> dict[str, Any]:
    """mkdocs.yml as a mapping; its tags are kept for Zensical (`_Tagged`)."""
    try:
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe
    except yaml.YAMLError as exc:  # the pipeline read it first: only a file changed since
        raise ValueError(f"{path.name}: {' '.join(str(exc).split())}") from None
    return dict(loaded) if isinstance(loaded, dict) else {}
