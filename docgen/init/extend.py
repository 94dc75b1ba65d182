"""Add the docgen plugin to an existing `mkdocs.yml`, adding lines and changing none.

The file is read with ruamel.yaml's round-trip loader, which keeps MkDocs' tags (`!ENV`,
`!relative`, `!!python/name:…`) and knows where every node is; the plugin's lines are then
inserted as text at the end of `plugins:`, so comments, quotes, key order and indentation
stay exactly as the user wrote them. The result is read again and must equal the old
configuration plus the plugin, or the change is handed back to be applied by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from docgen.config import top_level_keys
from docgen.init.detect import Project
from docgen.init.templates import plugin_entry

__all__ = ["Duplicate", "Extension", "extend_mkdocs", "snippet"]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A top-level key set more than once in `mkdocs.yml`; MkDocs (PyYAML) keeps the last.

    Attributes:
        key: the key.
        lines: the lines (1-based) it is set on; MkDocs uses the last.
        ignored: for `plugins:`, the plugins of the lists MkDocs ignores.
    """

    key: str
    lines: tuple[int, ...]
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extension:
    """The outcome of extending a `mkdocs.yml`.

    Attributes:
        text: the extended file, or None when the `snippet` has to be added by hand.
        snippet: the lines to add by hand.
        present: True when the plugin is already there (nothing to do).
        reason: why the file could not be edited safely.
        line: where (1-based), when known.
        theme: the configured theme's name, or None when there is none.
        docs_dir: the configured docs folder.
        duplicates: top-level keys set more than once.
        mkdocstrings: the site already uses mkdocstrings: docgen's API stage is off.
        plugins_line: the line (1-based) of the `plugins:` MkDocs uses, when in this file.
    """

    text: str | None
    snippet: str
    present: bool = False
    reason: str = ""
    line: int | None = None
    theme: str | None = None
    docs_dir: str = "docs"
    duplicates: tuple[Duplicate, ...] = ()
    mkdocstrings: bool = False
    plugins_line: int | None = None


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def _plain(node: object) -> object:
    """A round-trip node as plain data that compares by value, tags included."""
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, TaggedScalar):
        return ("!tag", tag, node.value)
    if isinstance(node, dict):
        value: object = {str(k): _plain(v) for k, v in node.items()}
    elif isinstance(node, list):
        value = [_plain(v) for v in node]
    else:
        return node
    return ("!tag", tag, value) if tag else value


def _names(plugins: object) -> list[str]:
    """The plugins' names in a `plugins:` list or mapping."""
    if isinstance(plugins, dict):
        return [str(k) for k in plugins]
    if isinstance(plugins, list):
        return [
            str(next(iter(p))) if isinstance(p, dict) and p else str(p)
            for p in plugins
            if isinstance(p, str) or (isinstance(p, dict) and p)
        ]
    return []


def _options(plugins: object, name: str) -> object:
    """The options of the plugin `name` in a `plugins:` list or mapping, if it is there."""
    if isinstance(plugins, dict):
        return plugins.get(name)
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and name in entry:
            return entry[name]
    return None


def _has_docgen(plugins: object) -> bool:
    return "docgen" in _names(plugins)


def snippet(
    project: Project, *, mkdocstrings: bool = False, inventories: tuple[str, ...] = ()
) -> str:
    """The lines a user adds by hand: a `plugins:` list with the docgen plugin for `project`.

    With `mkdocstrings` (the site documents its API with it) docgen's API stage is off;
    `inventories` go to `api.inventories`.
    """
    entry = plugin_entry(project, "  - ", 6, mkdocstrings=mkdocstrings, inventories=inventories)
    return "plugins:\n" + entry


def _last_wins(text: str) -> tuple[str, tuple[Duplicate, ...], list[object]]:
    """`text` with all but the last of each duplicated top-level key turned into comments.

    That is what MkDocs reads (PyYAML keeps the last value); the line numbers stay. Also
    returns the duplicates and the `plugins:` values that were commented out.
    """
    found = top_level_keys(text)
    if found is None or text.lstrip().startswith("{"):  # a flow mapping: lines are shared
        return text, (), []
    keys = [(key, line - 1) for key, line in found]  # 0-based, as the lines below
    places: dict[str, list[int]] = {}
    for position, (key, _) in enumerate(keys):
        places.setdefault(key, []).append(position)
    repeated = {key: at for key, at in places.items() if len(at) > 1}
    starts = [line for _, line in keys]
    if not repeated or len(set(starts)) != len(starts):
        return text, (), []
    lines = text.splitlines(keepends=True)
    hidden: list[object] = []
    duplicates = []
    for key, positions in repeated.items():
        ignored: list[str] = []
        for position in positions[:-1]:
            first = starts[position]
            last = starts[position + 1] if position + 1 < len(starts) else len(lines)
            block = "".join(lines[first:last])
            for line in range(first, last):
                lines[line] = "#" + ("\r\n" if lines[line].endswith("\r\n") else "\n")
            if key == "plugins":
                try:
                    value = _plain(_yaml().load(block)["plugins"])
                except (YAMLError, TypeError, KeyError):
                    continue  # e.g. an alias to an anchor defined elsewhere
                hidden.append(value)
                ignored += _names(value)
        duplicates.append(Duplicate(key, tuple(starts[p] + 1 for p in positions), tuple(ignored)))
    return "".join(lines), tuple(duplicates), hidden


def _inherited(value: object, folder: Path | None) -> tuple[list[tuple[str, object]], str]:
    """The `plugins:` of the files `INHERIT:` names, nearest first, each with the file's name
    as written; or why they can't be read.

    MkDocs reads `INHERIT` relative to the file that has it, and merges the files: mappings
    key by key, while a list in the child replaces the parent's.
    """
    found: list[tuple[str, object]] = []
    seen: set[Path] = set()
    while value is not None:
        if folder is None or not isinstance(value, str):
            return found, "it inherits from another file (INHERIT) that cannot be read"
        path = (folder / value).resolve()
        if path in seen:
            return found, f"its INHERIT chain loops back to {value}"
        seen.add(path)
        try:
            view, _, _ = _last_wins(path.read_text(encoding="utf-8"))
            data = _yaml().load(view)
        except (OSError, UnicodeDecodeError, YAMLError):
            return found, f"it inherits from {value} (INHERIT), which cannot be read"
        if not isinstance(data, dict):
            return found, f"it inherits from {value} (INHERIT), which is not a mapping"
        if "plugins" in data:
            found.append((value, _plain(data["plugins"])))
        value, folder = data.get("INHERIT"), path.parent
    return found, ""


def _inventories(plugins: list[object]) -> tuple[str, ...]:
    """The objects.inv of mkdocstrings' Python handler (`import` or `inventories`) in `plugins`.

    As `api.inventories` takes them: a URL, or `BASE_URL path` for a local file.
    """
    found: list[str] = []
    for value in plugins:
        python = _options(_options(_options(value, "mkdocstrings"), "handlers"), "python")
        python = python if isinstance(python, dict) else {}
        for key in ("import", "inventories"):
            entries = python.get(key)
            for entry in entries if isinstance(entries, list) else []:
                url = entry.get("url") if isinstance(entry, dict) else entry
                base = entry.get("base_url") if isinstance(entry, dict) else None
                if not isinstance(url, str) or not url.strip():
                    continue
                if "://" in url:
                    found.append(url.strip())
                elif isinstance(base, str) and "://" in base:
                    found.append(f"{base.strip()} {url.strip()}")
    return tuple(dict.fromkeys(found))


def extend_mkdocs(text: str, project: Project, folder: Path | None = None) -> Extension:
    """Add the docgen plugin to `text` (a mkdocs.yml), or say why it has to be done by hand.

    The plugin's options come from what was found in the `project` and in the file: the API
    stage is off when the file already uses mkdocstrings, and mkdocstrings' inventories are
    carried over otherwise. `folder` is the file's folder, where `INHERIT:` is read from.
    A top-level key set twice is read the way MkDocs does: the last one counts.
    """
    try:
        view, duplicates, hidden = _last_wins(text)
        data = _yaml().load(view)
    except DuplicateKeyError as exc:
        key = re.search(r'duplicate key "([^"]*)"', exc.problem or "")
        mark = exc.problem_mark
        return Extension(
            None,
            snippet(project),
            reason=f"`{key.group(1) if key else '?'}` is set twice in the same mapping",
            line=mark.line + 1 if mark is not None else None,
        )
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Extension(
            None,
            snippet(project),
            reason=f"it is not valid YAML ({exc.problem or exc.context})",
            line=mark.line + 1 if mark is not None else None,
        )
    except YAMLError as exc:
        return Extension(None, snippet(project), reason=f"it is not valid YAML ({exc})")
    if not isinstance(data, CommentedMap):
        return Extension(None, snippet(project), reason="it is not a mapping of settings")
    theme = data.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    docs_dir = data.get("docs_dir")
    parents, unreadable = _inherited(data.get("INHERIT"), folder)
    inherited = [plugins for _, plugins in parents]
    own = _plain(data["plugins"]) if "plugins" in data else None
    used = [own] if own is not None else inherited[:1]
    if isinstance(own, dict):
        # Mappings merge with the parent's: its plugins count as long as the child's do.
        used += [p for p in inherited[:1] if isinstance(p, dict)]
    mkdocstrings = any("mkdocstrings" in _names(p) for p in used)
    inventories = () if mkdocstrings else _inventories([*used, *hidden, *inherited])
    snippet_ = snippet(project, mkdocstrings=mkdocstrings, inventories=inventories)
    found = Extension(
        None,
        snippet_,
        theme=theme_name if isinstance(theme_name, str) else None,
        docs_dir=docs_dir if isinstance(docs_dir, str) else "docs",
        duplicates=duplicates,
        mkdocstrings=mkdocstrings,
        plugins_line=data.lc.key("plugins")[0] + 1 if "plugins" in data else None,
    )

    def manual(reason: str, line: int | None = None) -> Extension:
        return replace(found, reason=reason, line=line)

    def entry(prefix: str, indent: int) -> str:
        return plugin_entry(
            project, prefix, indent, mkdocstrings=mkdocstrings, inventories=inventories
        )

    if _has_docgen(own if own is not None else (inherited or [None])[0]):
        return replace(found, snippet="", present=True)
    if unreadable:
        return manual(unreadable)
    lines = view.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    expect: Callable[[object], object]
    if own is None and "plugins" not in data:
        if inherited:
            # A list here would replace the parent file's plugins instead of adding to them.
            return manual(
                f"it inherits its plugins from {parents[0][0]} (INHERIT): add docgen there, "
                "as a `plugins:` here would replace them"
            )
        added = "\nplugins:\n  - search\n" + entry("  - ", 6)
        at = len(lines)
        new_entry = _entry(entry)

        def expect(old: object) -> object:
            assert isinstance(old, dict)
            return {**old, "plugins": ["search", new_entry]}

    else:
        key_line = data.lc.key("plugins")[0]
        placed = _placement(lines, data.get("plugins"), key_line, entry)
        if isinstance(placed, str):
            return manual(placed, key_line + 1)
        at, added, expect = placed
    added = added.replace("\n", newline)  # the file's own line endings
    new_view = "".join([*lines[:at], added, *lines[at:]])
    try:
        new_data = _yaml().load(new_view)
    except YAMLError:
        return manual("the plugin's lines could not be placed in it")
    if _plain(new_data) != expect(_plain(data)):
        return manual("the plugin's lines could not be placed in it")
    original = text.splitlines(keepends=True)
    if original and not original[-1].endswith("\n"):
        original[-1] += newline
    return replace(found, text="".join([*original[:at], added, *original[at:]]))


def _entry(entry: Callable[[str, int], str]) -> object:
    """The plugin entry as plain data, read from the very lines that are inserted."""
    parsed = _yaml().load(entry("- ", 4))
    return _plain(parsed[0])


def _placement(
    lines: list[str], plugins: object, key_line: int, entry: Callable[[str, int], str]
) -> tuple[int, str, Callable[[object], object]] | str:
    """Where the plugin goes in an existing `plugins:` and what it reads as; or why not."""
    if plugins is None:
        if not lines[key_line].split("#", 1)[0].rstrip().endswith(":"):
            return "its `plugins:` is not a list"
        new_entry = _entry(entry)
        added = entry("  - ", 6)

        def expect_new(old: object) -> object:
            assert isinstance(old, dict)
            return {**old, "plugins": [new_entry]}

        return key_line + 1, added, expect_new
    is_list = isinstance(plugins, CommentedSeq)
    if not (is_list or isinstance(plugins, CommentedMap)) or getattr(
        getattr(plugins, "tag", None), "value", None
    ):
        return "its `plugins:` is neither a list nor a mapping it can add to"
    assert isinstance(plugins, CommentedSeq | CommentedMap)
    if plugins.fa.flow_style() or not plugins:
        return "its `plugins:` is written inline (flow style)"
    if is_list:
        first_line, first_col = plugins.lc.item(0)
        last_line = plugins.lc.item(len(plugins) - 1)[0]
        column = lines[first_line].rfind("-", 0, first_col)
        prefix = lines[first_line][:first_col]
    else:
        keys = list(plugins)
        first_line, column = plugins.lc.key(keys[0])
        last_line = plugins.lc.key(keys[-1])[0]
        first_col = column
        prefix = " " * column
    if first_line <= key_line or column < 0:
        return "its `plugins:` starts on the line of its key"
    # The last entry ends before the next line indented no deeper than the entries.
    end = last_line + 1
    while end < len(lines):
        stripped = lines[end].strip()
        indent = len(lines[end]) - len(lines[end].lstrip(" "))
        if stripped and not stripped.startswith("#") and indent <= column:
            break
        end += 1
    while end > last_line + 1 and (
        not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
    ):
        end -= 1
    step = max(2, first_col - column) if is_list else 2
    added = entry(prefix, first_col + step)
    parsed_entry = _entry(entry)

    def expect(old: object) -> object:
        assert isinstance(old, dict)
        current = old["plugins"]
        if isinstance(current, list):
            return {**old, "plugins": [*current, parsed_entry]}
        assert isinstance(current, dict)
        assert isinstance(parsed_entry, dict)
        return {**old, "plugins": {**current, **parsed_entry}}

    return end, added, expect
