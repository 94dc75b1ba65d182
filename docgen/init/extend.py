"""Add the docgen plugin to an existing `mkdocs.yml`, adding lines and changing none.

The file is read with ruamel.yaml's round-trip loader, which keeps MkDocs' tags (`!ENV`,
`!relative`, `!!python/name:…`) and knows where every node is; the plugin's lines are then
inserted as text at the end of `plugins:`, so comments, quotes, key order and indentation
stay exactly as the user wrote them. The result is read again and must equal the old
configuration plus the plugin, or the change is handed back to be applied by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from docgen.init.detect import Project
from docgen.init.templates import plugin_entry

__all__ = ["Extension", "extend_mkdocs", "snippet"]


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
    """

    text: str | None
    snippet: str
    present: bool = False
    reason: str = ""
    line: int | None = None
    theme: str | None = None
    docs_dir: str = "docs"


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


def _has_docgen(plugins: object) -> bool:
    if isinstance(plugins, dict):
        return "docgen" in plugins
    if isinstance(plugins, list):
        return any(p == "docgen" or (isinstance(p, dict) and "docgen" in p) for p in plugins)
    return False


def snippet(project: Project) -> str:
    """The lines a user adds by hand: a `plugins:` list with the docgen plugin for `project`."""
    return "plugins:\n" + plugin_entry(project, "  - ", 6)


def extend_mkdocs(text: str, project: Project) -> Extension:
    """Add the docgen plugin to `text` (a mkdocs.yml), or say why it has to be done by hand.

    The plugin's options come from what was found in the `project`.
    """
    snippet_ = snippet(project)
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Extension(
            None,
            snippet_,
            reason=f"it is not valid YAML ({exc.problem or exc.context})",
            line=mark.line + 1 if mark is not None else None,
        )
    except YAMLError as exc:
        return Extension(None, snippet_, reason=f"it is not valid YAML ({exc})")
    if not isinstance(data, CommentedMap):
        return Extension(None, snippet_, reason="it is not a mapping of settings")
    theme = data.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    docs_dir = data.get("docs_dir")
    found = Extension(
        None,
        snippet_,
        theme=theme_name if isinstance(theme_name, str) else None,
        docs_dir=docs_dir if isinstance(docs_dir, str) else "docs",
    )

    def manual(reason: str, line: int | None = None) -> Extension:
        return Extension(None, snippet_, False, reason, line, found.theme, found.docs_dir)

    plugins = data.get("plugins")
    if _has_docgen(plugins):
        return Extension(None, "", True, "", None, found.theme, found.docs_dir)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    expect: Callable[[object], object]
    if "plugins" not in data:
        if "INHERIT" in data:
            # A new list would replace the parent file's plugins instead of adding to them.
            return manual("it inherits its plugins from another file (INHERIT)")
        added = "\nplugins:\n  - search\n" + plugin_entry(project, "  - ", 6)
        at = len(lines)
        entry = _entry(project)

        def expect(old: object) -> object:
            assert isinstance(old, dict)
            return {**old, "plugins": ["search", entry]}

    else:
        key_line = data.lc.key("plugins")[0]
        placed = _placement(lines, plugins, key_line, project)
        if isinstance(placed, str):
            return manual(placed, key_line + 1)
        at, added, expect = placed
    added = added.replace("\n", newline)  # the file's own line endings
    new_text = "".join([*lines[:at], added, *lines[at:]])
    try:
        new_data = _yaml().load(new_text)
    except YAMLError:
        return manual("the plugin's lines could not be placed in it")
    if _plain(new_data) != expect(_plain(data)):
        return manual("the plugin's lines could not be placed in it")
    return Extension(new_text, snippet_, False, "", None, found.theme, found.docs_dir)


def _entry(project: Project) -> object:
    """The plugin entry as plain data, read from the very lines that are inserted."""
    parsed = _yaml().load(plugin_entry(project, "- ", 4))
    return _plain(parsed[0])


def _placement(
    lines: list[str], plugins: object, key_line: int, project: Project
) -> tuple[int, str, Callable[[object], object]] | str:
    """Where the plugin goes in an existing `plugins:` and what it reads as; or why not."""
    if plugins is None:
        if not lines[key_line].split("#", 1)[0].rstrip().endswith(":"):
            return "its `plugins:` is not a list"
        entry = _entry(project)
        added = plugin_entry(project, "  - ", 6)

        def expect_new(old: object) -> object:
            assert isinstance(old, dict)
            return {**old, "plugins": [entry]}

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
    added = plugin_entry(project, prefix, first_col + step)
    parsed_entry = _entry(project)

    def expect(old: object) -> object:
        assert isinstance(old, dict)
        current = old["plugins"]
        if isinstance(current, list):
            return {**old, "plugins": [*current, parsed_entry]}
        assert isinstance(current, dict)
        assert isinstance(parsed_entry, dict)
        return {**old, "plugins": {**current, **parsed_entry}}

    return end, added, expect
