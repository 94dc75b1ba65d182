"""What the plugin adds to MkDocs' config and nav: generated pages in their sections, the
Markdown extensions generated pages need, and fixes for text MkDocs' themes read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import markupsafe
from jinja2.filters import do_striptags
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from docgen import config as cfg
from docgen import macros, stages
from docgen.engines.nav import NavItem, default_nav
from docgen.engines.nav import with_generated as add_generated

# Helpers of the plugin's; documented here, for the plugin only.
__all__ = ["front_matter_lines", "merged"]

_ESCAPED = re.compile("\x02(\\d+)\x03")


def unescape(text: str) -> str:
    """Python-Markdown's placeholders for backslash escapes, turned back into characters."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text)


def merged(user: dict[str, Any] | None, ours: dict[str, Any]) -> dict[str, Any]:
    """The user's extension options win, but our custom fences (Mermaid) are added to theirs,
    and theirs from mkdocs-mermaid2 draw as ours."""
    merged = {**ours, **(user or {})}
    fences = list((user or {}).get("custom_fences", []))
    drawn = ours.get("custom_fences", [])
    if drawn:
        from docgen.diagrams.mermaid2 import is_fence  # noqa: PLC0415 - a diagrams fence

        own = {k: drawn[0][k] for k in ("class", "format") if k in drawn[0]}
        fences = [
            {**f, **own} if isinstance(f, dict) and is_fence(f.get("format")) else f for f in fences
        ]
    names = {f.get("name") for f in fences if isinstance(f, dict)}
    fences += [f for f in ours.get("custom_fences", []) if f.get("name") not in names]
    if fences:
        merged["custom_fences"] = fences
    return merged


def made_by_plugin(config: cfg.DocgenConfig, file: File) -> str | None:
    """The plugin that made `file`, when it is not one of the user's pages under `docs_dir`.

    MkDocs names the plugin of a `File.generated` page; a plugin that writes its pages to a
    temporary folder (Material's blog archive) is found by the folder.
    """
    if file.generated_by is not None:
        return f"the {file.generated_by} plugin"
    written = file.abs_src_path
    if written is None or not Path(written).resolve().is_relative_to(config.docs_dir.resolve()):
        return "a plugin"
    return None


def front_matter_lines(raw: str | None, markdown: str) -> int:
    """How many lines of the file come before `markdown` (front matter MkDocs removed).

    Args:
        raw: the page's file as read, or None for a page with no file.
        markdown: the page as MkDocs hands it to plugins.
    """
    if raw is None:
        return 0
    raw, body = raw.rstrip(), markdown.rstrip()
    if raw == body or not body or not raw.endswith(body):
        return 0
    return raw[: len(raw) - len(body)].count("\n")


def markdown_extensions(config: cfg.DocgenConfig) -> dict[str, dict[str, Any]]:
    """The Markdown extensions generated pages rely on (headings with ids, tables, fences)."""
    extensions: dict[str, dict[str, Any]] = {
        "attr_list": {},
        "tables": {},
        "admonition": {},
        "pymdownx.details": {},
        "toc": {"permalink": True},
    }
    if config.diagrams is not None and any(s.name == "diagrams" for s in stages.STAGES):
        from docgen.diagrams import markdown_extensions  # noqa: PLC0415

        extensions.update(markdown_extensions())
    else:
        extensions["pymdownx.superfences"] = {}
    return extensions


def jinja(config: MkDocsConfig) -> macros.Jinja | None:
    """The Jinja renderer (a macros plugin or extension) pages go through, if any."""
    # MkDocs lists `hooks:` modules among the plugins too: they have no `config`.
    plugins = {n: dict(getattr(p, "config", None) or {}) for n, p in config.plugins.items()}
    return macros.jinja(plugins, map(str, config.markdown_extensions), config.mdx_configs)


def with_generated(
    nav: list[NavItem] | None, files: Files, generated: Sequence[tuple[str, tuple[str, ...], str]]
) -> list[NavItem]:
    """The nav with each generated page in its section (MkDocs' default nav when none is set).

    Args:
        nav: the site's nav, or None for MkDocs' default (every page, by folder).
        files: the site's files: the default nav lists their pages.
        generated: each generated page's docs path, section and title.
    """
    paths = {p for p, _, _ in generated}
    if nav is None:
        user = [f.src_uri for f in files.documentation_pages() if f.src_uri not in paths]
        nav = default_nav(user)
    return add_generated(nav, generated)


def striptags(value: object) -> markupsafe.Markup:
    """Jinja's `striptags`, but what it returns stays escaped.

    Jinja's unescapes the text after stripping the tags, and themes write the result into
    `<title>` as it is: a page titled `&lt;/title&gt;&lt;script&gt;` would close the title
    and run the script. Escaped (as Markup, so `| e` after it changes nothing) it shows as
    written.
    """
    return markupsafe.escape(do_striptags(value))  # type: ignore[arg-type]
