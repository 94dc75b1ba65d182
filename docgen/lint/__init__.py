"""Lint the hand-written pages: formatting, structure, completeness and spelling.

`check(config, documents)` reads every page of the site; generated pages are never
linted (their sources are checked by their own stages) but count as existing for the nav
and required-page rules. `dump(config, args)` lints the files under `docs_dir`.

## Rules

Each rule is configured by name in `lint.rules` (`error`, `warning`, `info` or `off`):

| Code | Rule | Default | Finds |
|---|---|---|---|
| DG701 | `format` | warning | a pymarkdownlnt finding (`md011`, … set one rule by its id) |
| DG702 | `multiple-titles` | warning | more than one `# ` title |
| DG703 | `missing-title` | warning | no `# ` title, front matter `title:` or Material nav title |
| DG704 | `heading-skip` | warning | a heading level skipped (`#` then `###`) |
| DG705 | `duplicate-heading` | warning | an anchor twice under one parent, or linked to |
| DG706 | `missing-alt` | warning | an image without alt text (Markdown or `<img>`) |
| DG707 | `empty-page` | warning | a page with nothing in it |
| DG708 | `unclosed-html` | error | an HTML element never closed, or an end tag closing nothing |
| DG709 | `not-in-nav` | warning | a page missing from `nav:` (unless in `not_in_nav:`) |
| DG710 | `missing-nav-page` | error | a `nav:` entry with no page |
| DG711 | `missing-required-page` | error | a page of `lint.required_pages` is missing |
| DG712 | `todo-marker` | warning | `TODO`, `FIXME`, `TBD` (`lint.markers`) in prose |
| DG713 | `title-only` | warning | a page with a title and nothing else (`# ::: name` is content) |
| DG714 | `spelling` | warning | a word typos knows as a misspelling, in prose |
| DG715 | `fixed` | info | `--fix` rewrote the page |
| DG716 | `tool-error` | warning | pymarkdownlnt or typos could not run or read its configuration |
| DG717 | `config` | warning | an unknown rule or severity in `lint.rules`; a broken mkdocs.yml |

With Material's `blog` plugin, its posts are never DG709 (it lists them) and its index
page, which it fills, is never DG713.

Prose is what readers read: never code blocks, inline code, URLs or HTML. Material's
admonitions and content tabs are read as their content, not as indented code.

Formatting runs only pymarkdownlnt's reader-facing rules by default (a violation changes
what readers see, or breaks the page: `formatting.READER_FACING`); its style rules run
with `style: true`, or when the project configures pymarkdownlnt itself.

## Options

`required_pages` (titles or paths, case-insensitive: `quick start` matches
`user-guide/quick-start.md` or a page titled "Quick start"); `wordlist` (default
`.docgen-words.txt` at the project root, one word a line); `markers`; `fix` (set by
`docgen check --fix`: apply pymarkdownlnt's fixes to the files, in place); `style`
(true: pymarkdownlnt's style rules too; false: never; unset: when the project has its own
pymarkdownlnt configuration).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from docgen import docsdir, markdown
from docgen.config import DocgenConfig, LintConfig
from docgen.diagnostics import Diagnostic, sort_key
from docgen.lint import completeness, formatting, spelling, structure
from docgen.lint import rules as _rules
from docgen.lint.page import parse
from docgen.lint.rules import STAGE, Rule, Rules
from docgen.model import Document, StageResult

__all__ = ["RULES", "check", "dump", "read_docs"]

RULES: dict[str, Rule] = _rules.RULES
"""Every lint rule by name: its code, default severity and hint (see the table above)."""

_GENERATING_STAGES = ("api", "pipelines")


def check(config: DocgenConfig, documents: Sequence[Document]) -> StageResult:
    """Lint every hand-written page; generated pages only count as existing.

    Args:
        config: the project's docgen configuration; `lint` sets the rules, markers,
            word list, required pages and whether to fix formatting in place.
        documents: every page of the site, hand-written and generated.
    """
    start = time.perf_counter()
    lint = config.lint or LintConfig()
    rules = Rules(lint.rules)
    found: list[Diagnostic | None] = [
        rules.finding("config", p, "mkdocs.yml", None) for p in rules.problems
    ]
    pages = [_as_written(config, d) for d in documents if not d.generated]
    fixed = 0
    if lint.fix:
        pages, fixed_found = _fix(config, pages, rules, lint.style)
        found += fixed_found
        fixed = len(fixed_found)
    words = spelling.read_wordlist(config.root / lint.wordlist)
    site = completeness.read_site_config(config.root)
    # Material shows a page's nav title as its heading when the page has no `# ` title.
    nav_titled = {e.path for e in site.nav or () if e.title} if site.theme == "material" else set()
    titles = {d.path: t for d in documents if d.generated and (t := _first_title(d.markdown))}
    prose: list[spelling.PageProse] = []
    parsed = []
    for document in pages:
        page = parse(document.markdown)
        parsed.append((document.path, document.source, page))
        title = page.title or next((h.text for h in page.headings if h.level == 1), None)
        if title is not None:
            titles[document.path] = title
        found += structure.check_page(rules, document.source, page, document.path in nav_titled)
        filled = document.path == completeness.blog_index(site)
        found += completeness.check_page(rules, document.source, page, lint.markers, filled)
        prose.append((document.source, page.prose))
    found += spelling.check(rules, config.root, prose, words)
    found += structure.check_links(rules, parsed)
    configured = [s for s in _GENERATING_STAGES if getattr(config, s, None) is not None]
    found += completeness.check_site(
        rules, site, documents, titles, lint.required_pages, configured
    )
    with tempfile.TemporaryDirectory(prefix="docgen-lint-") as tmp:
        sources = [formatting.Source(d.path, d.source, d.markdown) for d in pages]
        cache = config.cache_dir / "lint" if config.page_cache else None
        autolinks = "pymdownx.magiclink" in site.extensions
        found += formatting.scan(
            config.root, sources, rules, Path(tmp), cache, lint.style, autolinks
        )
    diagnostics = sorted(_present(found), key=sort_key)
    return StageResult(
        STAGE,
        diagnostics=tuple(diagnostics),
        summary={"pages": len(pages), "findings": len(diagnostics), "fixed": fixed},
        seconds=time.perf_counter() - start,
    )


def _present(found: Iterable[Diagnostic | None]) -> list[Diagnostic]:
    return [d for d in found if d is not None]


def _first_title(text: str) -> str | None:
    return next((h.text for h in markdown.read(text).headings if h.level == 1), None)


def _as_written(config: DocgenConfig, document: Document) -> Document:
    """The page as its file holds it: MkDocs hands plugins the Markdown without its front
    matter, and a finding's line must be the file's own."""
    try:
        text = (config.root / document.source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return document
    return replace(document, markdown=text)


def _fix(
    config: DocgenConfig, pages: list[Document], rules: Rules, style: bool | None
) -> tuple[list[Document], list[Diagnostic | None]]:
    """Apply pymarkdownlnt's fixes to each page's file, in place."""
    result: list[Document] = []
    found: list[Diagnostic | None] = []
    for document in pages:
        file = config.root / document.source
        fixed = formatting.fix(config.root, document.markdown, rules, style)
        if fixed == document.markdown or not file.is_file():
            result.append(document)
            continue
        file.write_text(fixed, encoding="utf-8")
        result.append(replace(document, markdown=fixed))
        found.append(rules.finding("fixed", "formatting fixed in place", document.source, 1))
    return result, found


def read_docs(config: DocgenConfig) -> list[Document]:
    """The hand-written pages under the `config`'s `docs_dir`, as the plugin would pass them."""
    return docsdir.documents(config)


def dump(config: DocgenConfig, args: Sequence[str]) -> dict[str, object]:
    """`docgen dump lint [FILE...]`: the findings on the docs folder's pages, as JSON.

    `config` is the project's docgen configuration. With `args`, only findings in files
    whose path ends with one of them.
    """
    documents = read_docs(config)
    result = check(config, documents)
    findings = [
        d.to_dict()
        for d in result.diagnostics
        if not args or (d.location is not None and d.location.path.endswith(tuple(args)))
    ]
    return {"findings": findings, "pages": len(documents)}
