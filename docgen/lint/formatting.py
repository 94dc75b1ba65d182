"""Formatting: pymarkdownlnt, configured from the project's own files, Material-aware.

Why pymarkdownlnt rather than mdformat + mdformat-mkdocs: it is a linter — each finding
has a rule and a line, as every docgen diagnostic needs — and `fix` rewrites only what a
rule found; mdformat re-prints the whole page and only says "not formatted" (it also
mangled front matter and footnotes without two more plugins). pymarkdownlnt is
CommonMark-exact, well kept, and reads `.pymarkdown.json`/`.yml` and
`[tool.pymarkdown]` in pyproject.toml.

Which rules run: by default only the *reader-facing* ones (`READER_FACING`): a violation
changes what readers see in MkDocs (Python-Markdown) or on GitHub, or breaks the page.
The *style* rules (blank lines around headings, list markers, trailing spaces, …) run
with `lint.style: true`, or when the project has its own pymarkdownlnt configuration
(that file is the project's choice of style); `lint.style: false` keeps them off even
then. A style rule named in `lint.rules` (`md022: warning`) runs on its own.

Configuration, lowest first: docgen's defaults (below) ← `[tool.pymarkdown]` in the
root's pyproject.toml ← the root's `.pymarkdown` / `.pymarkdown.json` / `.pymarkdown.yml`
← rules named in `lint.rules` (`md013: off`, `md022: warning`). Pragmas in a page work as
usual: `<!-- pyml disable-next-line md034 -->`.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pymarkdown.api import PyMarkdownApi

from docgen import markdown as md
from docgen.diagnostics import Diagnostic
from docgen.lint.rules import Rules
from docgen.pagecache import PageCache, reuse

__all__ = ["DEFAULTS", "READER_FACING", "Source", "fix", "scan", "settings", "style_in_force"]

DEFAULTS: Mapping[str, Any] = {
    "extensions": {
        "front-matter": {"enabled": True},  # MkDocs pages may start with YAML front matter
        "markdown-tables": {"enabled": True},  # the `tables` extension Material enables
    },
    "plugins": {
        "md013": {"enabled": False},  # line length: wrapping prose is the author's choice
        "md033": {"enabled": False},  # inline HTML: grids, buttons and md_in_html are Material
        "md046": {"enabled": False},  # admonitions and tabs indent by 4: not code blocks
        "md030": {"enabled": False},  # `-   item`: Material's 4-space list indentation
        "md007": {"indent": 4},  # Python-Markdown nests lists by four spaces
        # Checked by docgen's structure rules, with front matter titles and toc anchors:
        "md001": {"enabled": False},
        "md024": {"enabled": False},
        "md025": {"enabled": False},
        "md041": {"enabled": False},
        "md045": {"enabled": False},
        # Links and anchors are the links stage's job, with MkDocs' resolution.
        "md051": {"enabled": False},
        "md052": {"enabled": False},
        "md053": {"enabled": False},
        # Column padding of tables (`|---|` or `| --- |`) is taste, not correctness.
        "md060": {"enabled": False},
    },
}
"""docgen's pymarkdownlnt configuration, under the project's own.

Each default turns off a false alarm on Material for MkDocs pages, or a rule that
docgen's own structure rules check with MkDocs' meaning.
"""

READER_FACING: Mapping[str, str] = {
    "md011": "`(text)[url]` renders as literal brackets, not a link",
    "md018": "`#Heading` is a heading in MkDocs but text on GitHub",
    "md020": "`#Heading#` is a heading in MkDocs but text on GitHub",
    "md023": "an indented `# Heading` renders as text in Python-Markdown",
    "md032": "a list right after a paragraph line renders as text in Python-Markdown",
    "md034": "a bare URL is not a link in Python-Markdown (without magiclink)",
    "md037": "`* text *` renders literal asterisks, not emphasis",
    "md042": "an empty link `[text]()` goes nowhere",
    "md056": "a table row with extra cells loses them; missing cells render empty",
}
"""The pymarkdownlnt rules on by default, each with why a reader would notice.

Every other rule is style: the page renders the same whichever way it is written. The
configuration guide has the whole classification, rule by rule.
"""

# md032 is reported wherever a list has no blank line around it; only a paragraph line
# right above matters to readers (Python-Markdown then reads the list as that paragraph).
_BREAKS_AFTER_PARAGRAPH = frozenset({"md032"})
_ANCHOR = re.compile(r"\[\]\(\)\{:?[^{}]*#[^{}]*\}")
_EMPTY_LINK = re.compile(r"\[[^\]]*\]\([ \t]*\)")
# Not after `]`: `[a](x)[b](y)` is two links side by side, whose middle reads `(x)[b]`.
_REVERSED_LINK = re.compile(r"(?<!\])\([^()]*\)\[[^\]]*\]")
_NOT_PARAGRAPH = re.compile(
    r"^\s*(?:$|#|[-*+]\s|\d+[.)]\s|\||>|<|```|~~~|!!!|\?\?\?|===|[-=_*]{3,}\s*$)"
)

# The stage reports pymarkdownlnt's errors as diagnostics; its log would print them again,
# with a traceback, on the user's terminal.
logging.getLogger("pymarkdown").addHandler(logging.NullHandler())
logging.getLogger("pymarkdown").propagate = False

_PROJECT_FILES = (".pymarkdown", ".pymarkdown.json", ".pymarkdown.yml", ".pymarkdown.yaml")


@dataclass(frozen=True, slots=True)
class Source:
    """A page to scan.

    Attributes:
        path: its path under the docs folder.
        source: the file findings name, relative to the project root.
        markdown: its Markdown, as the file holds it.
    """

    path: str
    source: str
    markdown: str


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        both = isinstance(old, Mapping) and isinstance(value, Mapping)
        merged[key] = _merge(old, value) if both else value  # type: ignore[arg-type]
    return merged


def _read(file: Path) -> object:
    """The pymarkdownlnt configuration `file` holds; None for a pyproject.toml without one."""
    text = file.read_text(encoding="utf-8")
    if file.name == "pyproject.toml":
        return tomllib.loads(text).get("tool", {}).get("pymarkdown")
    return json.loads(text) if file.suffix in ("", ".json") else yaml.safe_load(text)


def _project_layers(
    root: Path,
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[tuple[str, str]]]:
    """The project's pymarkdownlnt configuration files (name, settings), lowest first, and
    problems reading them (file, message)."""
    layers: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[tuple[str, str]] = []
    for name in ("pyproject.toml", *_PROJECT_FILES):
        file = root / name
        if not file.is_file():
            continue
        try:
            layer = _read(file)
        except (ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append((name, f"{name} could not be read: {exc}"))
            continue
        if layer is None and name == "pyproject.toml":
            continue
        if not isinstance(layer, Mapping):
            problems.append((name, f"{name}: the pymarkdownlnt configuration is not a mapping"))
            continue
        layers.append((name, layer))
    return layers, problems


def style_in_force(root: Path, style: bool | None) -> bool:
    """Whether the style rules run: `style` as set in `lint.style`, or, when it is not set
    (None), whether the project at `root` has a pymarkdownlnt configuration of its own."""
    return style if style is not None else bool(_project_layers(root)[0])


def settings(
    root: Path, rules: Rules, style: bool | None = None, autolinks: bool = False
) -> tuple[dict[str, Any], list[tuple[str, str]], str]:
    """The pymarkdownlnt configuration in force, problems reading the project's files (file,
    message), and the file a configuration error should name (the last one read).

    Args:
        root: the project root, where pyproject.toml and `.pymarkdown*` files are read.
        rules: the severities in force; formatting rules set to `off` are disabled, those
            set to a severity are enabled.
        style: `lint.style`: run the style rules too (True), only the reader-facing ones
            (False), or decide by whether the project configures pymarkdownlnt (None).
        autolinks: the site links bare URLs (`pymdownx.magiclink`): md034 shows readers
            nothing wrong, and is left to the style rules.
    """
    layers, problems = _project_layers(root)
    merged: dict[str, Any] = _merge({}, DEFAULTS)
    if not (style if style is not None else bool(layers)):
        only = {
            rule_id: {"enabled": True}
            for rule_id in READER_FACING
            if not (autolinks and rule_id == "md034")
        }
        merged = _merge(merged, {"plugins": {"selectively_enable_rules": True, **only}})
    origin = "mkdocs.yml"
    for name, layer in layers:
        if layer:
            merged, origin = _merge(merged, layer), name
    for rule_id in rules.on_tool_ids():
        merged = _merge(merged, {"plugins": {rule_id: {"enabled": True}}})
    for rule_id in rules.off_tool_ids():
        merged = _merge(merged, {"plugins": {rule_id: {"enabled": False}}})
    return merged, problems, origin


def _api(config_file: Path) -> PyMarkdownApi:
    return PyMarkdownApi().configuration_file_path(str(config_file)).enable_continue_on_error()


def scan(
    root: Path,
    sources: Sequence[Source],
    rules: Rules,
    work: Path,
    cache: Path | None = None,
    style: bool | None = None,
    autolinks: bool = False,
) -> list[Diagnostic | None]:
    """pymarkdownlnt's findings on every page, in one run over copies in `work`.

    Args:
        root: the project root, where its pymarkdownlnt configuration is read.
        sources: the pages to scan.
        rules: the severities in force.
        work: an empty scratch folder.
        cache: where each page's findings are kept, by its text and the configuration, so
            that only changed pages are scanned again (pymarkdownlnt takes about 0.25 s a
            page); None scans every page.
        style: `lint.style`, as for `settings`.
        autolinks: whether the site links bare URLs, as for `settings`.
    """
    found: list[Diagnostic | None] = []
    merged, problems, origin = settings(root, rules, style, autolinks)
    # Reader-facing md032 keeps only what breaks; named in lint.rules, all of it.
    only_breaks = set() if style_in_force(root, style) else _BREAKS_AFTER_PARAGRAPH
    only_breaks -= set(rules.configured)
    found += [rules.finding("tool-error", message, file, None) for file, message in problems]
    if not sources or rules.severity("format") is None:
        return found
    setup = PageCache.key(merged, importlib.metadata.version("pymarkdownlnt"))
    critical: list[str] = []

    def make(todo: list[int]) -> tuple[list[list[list[Any]]], bool]:
        fresh, critical[:] = _scan(work, merged, {n: sources[n] for n in todo})
        return [fresh[n] for n in todo], not critical  # a broken run's findings are not kept

    records = reuse(
        cache,
        [PageCache.key("lint", setup, source.markdown) for source in sources],
        make,
        lambda saved: isinstance(saved, list),
    )
    seen: set[tuple[str, int, str]] = set()
    for number, source in enumerate(sources):
        for kind, line, *rest in records[number]:
            if kind == "pragma":
                message = f"pymarkdownlnt pragma: {rest[0]}"
                found.append(rules.finding("format", message, source.source, line))
                continue
            rule_id, name, description, detail = rest
            if _marked_fence(rule_id, source.markdown, line) or _false_alarm(rule_id, source, line):
                continue
            if rule_id.lower() in only_breaks and not _after_paragraph(source.markdown, line):
                continue
            if (source.source, line, rule_id) in seen:
                continue  # one finding a rule and line: a table row is not ten findings
            seen.add((source.source, line, rule_id))
            found.append(
                rules.finding(
                    "format",
                    f"{rule_id.upper()} {name}: {description}" + (f" {detail}" if detail else ""),
                    source.source,
                    line,
                    tool_id=rule_id,
                )
            )
    for message in critical:
        found.append(rules.finding("tool-error", f"pymarkdownlnt: {message}", origin, None))
    return found


def _scan(
    work: Path, merged: Mapping[str, Any], sources: Mapping[int, Source]
) -> tuple[dict[int, list[list[Any]]], list[str]]:
    """One pymarkdownlnt run over `sources` (by number): each page's findings as records
    (`["failure", line, rule id, name, description, detail]` or `["pragma", line, text]`),
    and the run's critical errors."""
    config_file = work / "pymarkdown.json"
    config_file.write_text(json.dumps(merged), encoding="utf-8")
    pages = work / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, int] = {}
    for number, source in sources.items():
        # One numbered file a page: names stay short and never clash.
        file = pages / f"{number}.md"
        file.write_text(source.markdown, encoding="utf-8")
        by_file[str(file)] = number
    # With continue-on-error, pymarkdownlnt reports its failures (a bad configuration value,
    # a plugin that will not load) as critical errors rather than raising.
    result = _api(config_file).scan_path(str(pages), recurse_if_directory=True)
    records: dict[int, list[list[Any]]] = {number: [] for number in sources}
    for failure in result.scan_failures:
        detail = (failure.extra_error_information or "").strip()
        records[by_file[str(Path(failure.scan_file))]].append(
            [
                "failure",
                failure.line_number,
                failure.rule_id,
                failure.rule_name.split(",")[0],
                failure.rule_description,
                detail,
            ]
        )
    for error in result.pragma_errors:
        records[by_file[str(Path(error.file_path))]].append(
            ["pragma", error.line_number, error.pragma_error]
        )
    return records, [" ".join(c.split()) for c in result.critical_errors or []]


def _marked_fence(rule_id: str, markdown: str, line: int) -> bool:
    """MD031 on a fence right under an HTML comment: docgen's examples markers go there."""
    if rule_id.lower() != "md031" or line < 2:
        return False
    lines = markdown.splitlines()
    above = lines[line - 2].strip() if line - 2 < len(lines) else ""
    return above.startswith("<!--") and above.endswith("-->")


def _false_alarm(rule_id: str, source: Source, line: int) -> bool:
    """pymarkdownlnt's findings that are not what they say: MD042 on `[](){#id}`, an
    anchor (mkdocs-autorefs' syntax), not an empty link; MD011 on `(text)[url]` inside
    inline code, which shows as written, or on two links side by side (`[a](x)[b](y)`)."""
    lines = source.markdown.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if rule_id.lower() == "md042":
        rest = _ANCHOR.sub("", text)
        return rest != text and not _EMPTY_LINK.search(rest)  # anchors, and no empty link
    if rule_id.lower() == "md011":
        return not _REVERSED_LINK.search(_without_code(source.markdown, line, text))
    return False


def _without_code(markdown: str, line: int, text: str) -> str:
    """Line `line` (its `text`) of the page with its code spans blanked out."""
    for span in md.read(markdown).code_spans:
        if span.line <= line <= span.end_line:
            start = span.column if span.line == line else 0
            end = span.end_column if span.end_line == line else len(text)
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def _after_paragraph(markdown: str, line: int) -> bool:
    """Whether the line above `line` (1-based) is a paragraph's: a block there without a
    blank line between is read by Python-Markdown as more of that paragraph."""
    lines = markdown.splitlines()
    if line < 2 or line - 2 >= len(lines):
        return False
    return not _NOT_PARAGRAPH.match(lines[line - 2])


def fix(root: Path, markdown: str, rules: Rules, style: bool | None = None) -> str:
    """The page with pymarkdownlnt's fixes applied (the same configuration as `scan`).

    `markdown` is the page as its file holds it; `root`, `rules` and `style` are as for
    `settings`.
    """
    merged, _, _ = settings(root, rules, style)
    # A blank line between a docgen marker comment and its fence would detach the marker.
    merged = _merge(merged, {"plugins": {"md031": {"enabled": False}}})
    with tempfile.TemporaryDirectory(prefix="docgen-lint-") as tmp:
        config_file = Path(tmp, "pymarkdown.json")
        config_file.write_text(json.dumps(merged), encoding="utf-8")
        result = _api(config_file).fix_string(markdown)
    return result.fixed_file if result.was_fixed else markdown
