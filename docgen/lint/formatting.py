"""Formatting: pymarkdownlnt, configured from the project's own files, Material-aware.

Why pymarkdownlnt rather than mdformat + mdformat-mkdocs: it is a linter — each finding
has a rule and a line, as every docgen diagnostic needs — and `fix` rewrites only what a
rule found; mdformat re-prints the whole page and only says "not formatted" (it also
mangled front matter and footnotes without two more plugins). pymarkdownlnt is
CommonMark-exact, well kept, and reads `.pymarkdown.json`/`.yml` and
`[tool.pymarkdown]` in pyproject.toml.

Configuration, lowest first: docgen's defaults (below) ← `[tool.pymarkdown]` in the
root's pyproject.toml ← the root's `.pymarkdown` / `.pymarkdown.json` / `.pymarkdown.yml`
← rules turned `off` in `lint.rules` (`md013: off`). Pragmas in a page work as usual:
`<!-- pyml disable-next-line md034 -->`.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pymarkdown.api import PyMarkdownApi

from docgen.diagnostics import Diagnostic
from docgen.lint.rules import Rules
from docgen.pagecache import PageCache, reuse

__all__ = ["DEFAULTS", "Source", "fix", "scan", "settings"]

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
    text = file.read_text(encoding="utf-8")
    if file.name == "pyproject.toml":
        return tomllib.loads(text).get("tool", {}).get("pymarkdown", {})
    return json.loads(text) if file.suffix in ("", ".json") else yaml.safe_load(text)


def settings(root: Path, rules: Rules) -> tuple[dict[str, Any], list[tuple[str, str]], str]:
    """The pymarkdownlnt configuration in force, problems reading the project's files (file,
    message), and the file a configuration error should name (the last one read).

    Args:
        root: the project root, where pyproject.toml and `.pymarkdown*` files are read.
        rules: the severities in force; formatting rules set to `off` are disabled.
    """
    merged: dict[str, Any] = _merge({}, DEFAULTS)
    problems: list[tuple[str, str]] = []
    origin = "mkdocs.yml"
    for name in ("pyproject.toml", *_PROJECT_FILES):
        file = root / name
        if not file.is_file():
            continue
        try:
            layer = _read(file)
        except (ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append((name, f"{name} could not be read: {exc}"))
            continue
        if not isinstance(layer, Mapping):
            problems.append((name, f"{name}: the pymarkdownlnt configuration is not a mapping"))
            continue
        if layer:
            merged, origin = _merge(merged, layer), name
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
    """
    found: list[Diagnostic | None] = []
    merged, problems, origin = settings(root, rules)
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
            if _marked_fence(rule_id, source.markdown, line):
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


def fix(root: Path, markdown: str, rules: Rules) -> str:
    """The page with pymarkdownlnt's fixes applied (the same configuration as `scan`).

    `markdown` is the page as its file holds it; `root` and `rules` are as for `settings`.
    """
    merged, _, _ = settings(root, rules)
    # A blank line between a docgen marker comment and its fence would detach the marker.
    merged = _merge(merged, {"plugins": {"md031": {"enabled": False}}})
    with tempfile.TemporaryDirectory(prefix="docgen-lint-") as tmp:
        config_file = Path(tmp, "pymarkdown.json")
        config_file.write_text(json.dumps(merged), encoding="utf-8")
        result = _api(config_file).fix_string(markdown)
    return result.fixed_file if result.was_fixed else markdown
