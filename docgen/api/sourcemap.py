"""Where each class, function and variable of a file is: one `ast.parse` per file.

Python 3.11's `inspect.getsourcelines` re-parses a whole module to find each class and
tokenizes to find each block's end; on a package like pygments that is most of the cost
of extraction. The worker reads lines and decorators from this map instead, and lets
pdoc's own source lookups use it too (`install`).
"""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["Span", "install", "spans", "where"]


@dataclass(frozen=True, slots=True)
class Span:
    """A definition's lines and its decorators' source.

    `line` (the first decorator's, if any) and `end_line` are 1-based and inclusive;
    `doc_line` and `doc_end_line` are its docstring's (a variable's is the string after
    it), None when the source has none.
    """

    line: int
    end_line: int
    decorators: tuple[str, ...] = ()
    doc_line: int | None = None
    doc_end_line: int | None = None


def _docstring(node: ast.stmt | None) -> tuple[int | None, int | None]:
    """The lines of `node` if it is a string on its own (a docstring), else (None, None)."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ):
        return node.lineno, node.end_lineno
    return None, None


def _targets(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    return []


# Syntax trees already parsed, by the exact source text pdoc will ask to parse.
_TREES: dict[str, ast.Module] = {}


def _walk(body: list[ast.stmt], prefix: str, found: dict[str, Span], lines: list[str]) -> None:
    for number, node in enumerate(body):
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            qualname = f"{prefix}{node.name}"
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            decorators = tuple(f"@{ast.unparse(d)}" for d in node.decorator_list)
            end = node.end_lineno or node.lineno
            found[qualname] = Span(first, end, decorators, *_docstring(node.body[0]))
            if isinstance(node, ast.ClassDef):
                _TREES["".join(lines[first - 1 : end])] = ast.Module([node], [])
                _walk(node.body, f"{qualname}.", found, lines)
        elif isinstance(node, ast.If | ast.Try):
            # Definitions under `if TYPE_CHECKING:` or `try: import …` are still members.
            _walk(node.body, prefix, found, lines)
            _walk(node.orelse, prefix, found, lines)
        else:
            after = body[number + 1] if number + 1 < len(body) else None
            for name in _targets(node):
                found.setdefault(
                    f"{prefix}{name}",
                    Span(node.lineno, node.end_lineno or node.lineno, (), *_docstring(after)),
                )


@cache
def spans(file: str) -> dict[str, Span]:
    """Every definition of `file` by qualified name (`Class.method`), and the module under
    the empty name; empty if unreadable."""
    found: dict[str, Span] = {}
    lines = linecache.getlines(file)
    source = "".join(lines)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return found
    _TREES[source] = tree
    _walk(tree.body, "", found, lines)
    # The module itself, under the empty name: its docstring's lines.
    found[""] = Span(1, len(lines), (), *_docstring(tree.body[0] if tree.body else None))
    return found


def where(module: str, qualname: str) -> tuple[str, Span] | None:
    """The file and span of `qualname` defined in `module` (an imported module's name)."""
    file = getattr(sys.modules.get(module), "__file__", None)
    if not file:
        return None
    span = spans(file).get(qualname)
    return (file, span) if span else None


def _located(obj: Any) -> tuple[list[str], int] | None:
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        return None
    found = where(module, qualname)
    if found is None:
        return None
    file, span = found
    code = getattr(obj, "__code__", None)
    if code is not None and code.co_filename != file:
        return None
    lines = linecache.getlines(file)
    return lines[span.line - 1 : span.end_line], span.line


def install() -> None:
    """Make `inspect.getsourcelines` and pdoc's parser use the map (in the worker only).

    Both are looked up as module attributes when called, so replacing those is enough;
    whatever the map does not know falls through to the originals.
    """
    import pdoc.doc_ast  # noqa: PLC0415 — the worker's dependency, not the parent's

    original_lines = inspect.getsourcelines
    original_parse = pdoc.doc_ast._parse

    # Named `object` like inspect's own parameter, so the signatures match.
    def getsourcelines(object: Any) -> tuple[list[str], int]:
        return _located(object) or original_lines(object)

    def parse(source: str) -> ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef:
        known = _TREES.get(source)
        return known if known is not None else original_parse(source)

    inspect.getsourcelines = getsourcelines
    pdoc.doc_ast._parse = parse
