"""The names a page's examples bind: what tells an illustrative fragment from a mistake.

A block that uses a name no earlier example of the page defines in the page's namespace
(`database`, `session`, a function's parameter `send`) was written to be read, not run: it
is a fragment. A name the page does define, one close to
it (a misspelling: `databse`), or a builtin's, is a mistake, and stays an error.
"""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Iterable

from docgen.examples.collect import Example
from docgen.examples.include import read_part

__all__ = ["bound_names", "fragment_name", "redeclared_class"]


def _source(example: Example) -> str:
    """The Python code of a block: a session's `>>>` and `...` lines, without prompts."""
    if example.language != "pycon":
        return example.code
    lines = []
    for line in example.code.split("\n"):
        stripped = line.strip()
        if stripped.startswith((">>>", "...")):
            lines.append(stripped[4:] if len(stripped) > 3 else "")
    return "\n".join(lines)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _bound(tree: ast.AST) -> set[str]:
    """The names `tree` binds in its module's namespace: not a function's parameters and
    locals, not a class's attributes, not a comprehension's variables."""
    names: set[str] = set()
    todo = [tree]
    while todo:
        for node in ast.iter_child_nodes(todo.pop()):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            if isinstance(node, _SCOPES + _COMPREHENSIONS):
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.partition(".")[0])
            elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
                names.add(node.name)
            todo.append(node)
    return names


def bound_names(examples: Iterable[Example], setup: str = "") -> set[str]:
    """Every name the Python code of `examples` (and their included files) and `setup` bind.

    A block that does not parse binds nothing.
    """
    sources = [setup]
    for example in examples:
        if example.language in {"python", "pycon"}:
            sources.append(_source(example))
            for _offset, path, first, last in example.includes:
                try:
                    sources.append(read_part(path, first, last))
                except OSError:
                    continue
    names: set[str] = set()
    for source in sources:
        try:
            names |= _bound(ast.parse(source))
        except (SyntaxError, ValueError):
            continue
    return names


def fragment_name(name: str, bound: set[str]) -> bool:
    """Whether a `NameError` for `name` is a fragment's: a name of nothing on the page.

    `bound` is what the page's examples bind (`bound_names`). A name they bind (used before
    it is defined), a builtin's, or one close to either of them (a misspelling) is not.
    """
    known = bound | set(dir(builtins))
    if name in known:
        return False
    return not difflib.get_close_matches(name, known, n=1, cutoff=0.8)


def redeclared_class(example: Example, line: int, earlier: Iterable[Example]) -> str | None:
    """The class `example` declares again at `line` (a Markdown line) that an `earlier`
    Python block of the page declared too, or None.

    A page that shows one whole program, then another that declares the same class, reads
    as two programs; run in one process, a registry of the first (an ORM's tables) rejects
    the second declaration. That failure is the page's layout, not a mistake in it. A line
    that is an include directive stands for the classes of the file it includes.
    """
    if example.language != "python":
        return None
    offset = line - example.code_line  # 0-based, in the block's own lines
    included = [part for part in example.includes if part[0] == offset]
    sources = [_read(path, first, last) for _offset, path, first, last in included]
    here = set().union(*(_classes(source) for source in sources))
    if not included:
        here = {
            name
            for name, (start, end) in _class_spans(example.code).items()
            if start <= offset + 1 <= end
        }
    if not here:
        return None
    for block in earlier:
        if block.language != "python":
            continue
        declared = _classes(block.code).union(
            *(_classes(_read(path, first, last)) for _offset, path, first, last in block.includes)
        )
        found = sorted(here & declared)
        if found:
            return found[0]
    return None


def _read(path: str, first: int, last: int) -> str:
    try:
        return read_part(path, first, last)
    except OSError:
        return ""


def _class_spans(source: str) -> dict[str, tuple[int, int]]:
    """The top-level classes of `source` and their first and last lines (1-based)."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return {}
    return {
        node.name: (node.lineno, node.end_lineno or node.lineno)
        for node in body
        if isinstance(node, ast.ClassDef)
    }


def _classes(source: str) -> set[str]:
    return set(_class_spans(source))
