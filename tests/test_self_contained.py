"""A clone with nothing beside it passes: tests and benchmarks read nothing above the repository.

The check follows, in each Python file under `tests/` and `benchmarks/`, every path built
from `__file__` (or from a relative literal, which is read from the repository's root): its
`.parent`, `.parents[n]`, `os.path.dirname`, `/ ".."` and `os.path.join` steps, through module
names (`REPO = ...`, then `REPO.parent`) and `from conftest import REPO`. A path that climbs
above the repository's root is a failure at its file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCANNED = ("tests", "benchmarks")
# Path-building calls that keep their first argument's place: Path(x), x.resolve(), ...
SAME_PLACE = {"Path", "PurePath", "PosixPath", "resolve", "absolute", "abspath", "realpath"}
# A text scan for what no tool should name, in any file (shell scripts included).
# (Spelled in two parts, so that this file does not name them itself.)
_SIBLING = "sha" + "red"  # the workspace's folder beside the clone
OUTSIDE_NAMES = ("../" + _SIBLING, _SIBLING + "/corpus")


@dataclass(frozen=True, slots=True)
class Escape:
    """A path at `line` that climbs `above` folders over the repository's root."""

    line: int
    above: int


def _literal_height(text: str, height: int) -> tuple[int, int]:
    """Walk the segments of a literal path from `height`; return (height after, highest)."""
    highest = height
    for part in text.replace("\\", "/").split("/"):
        if part == "..":
            height += 1
        elif part not in ("", "."):
            height -= 1
        highest = max(highest, height)
    return height, highest


class _Climbs(ast.NodeVisitor):
    """Heights of file-based paths, in folders above the scanned file's own folder.

    `__file__` is at -1 (inside its folder), `.parent` adds one, `/ "sub"` takes one away.
    A height above `limit` (the file's folder's depth below the root) is outside the repo.
    """

    def __init__(self, limit: int, names: dict[str, int]) -> None:
        self.limit = limit
        self.names = dict(names)
        self.escapes: list[Escape] = []

    def height(self, node: ast.expr) -> int | None:
        result = self._height(node)
        if result is not None and result > self.limit:
            self.escapes.append(Escape(node.lineno, result - self.limit))
        return result

    def _height(self, node: ast.expr) -> int | None:
        match node:
            case ast.Name(id="__file__"):
                return -1
            case ast.Name(id=name):
                return self.names.get(name)
            case ast.Attribute(value=value, attr="parent"):
                base = self.height(value)
                return None if base is None else base + 1
            case ast.Subscript(
                value=ast.Attribute(value=value, attr="parents"), slice=ast.Constant(value=int(n))
            ):
                base = self.height(value)
                return None if base is None else base + n + 1
            case ast.BinOp(left=left, op=ast.Div(), right=right):
                return self._join(self.height(left), [right])
            case ast.BinOp(left=left, op=ast.Add(), right=ast.Constant(value=str(text)) as right):
                piece = ast.Constant(text.lstrip("/"), lineno=right.lineno)
                return self._join(self.height(left), [piece])
            case ast.Call(func=func, args=[first, *rest]):
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == "dirname":
                    base = self.height(first)
                    return None if base is None else base + 1
                if called == "join" and isinstance(func, ast.Attribute):
                    return self._join(self._start(first), rest)
                if called in SAME_PLACE | {"open"} and not rest:
                    return self._start(first)
            case ast.Call(func=ast.Attribute(value=value, attr=attr)) if attr in SAME_PLACE:
                return self.height(value)
        return None

    def _start(self, node: ast.expr) -> int | None:
        """A path's first piece: a literal is relative to the root, where the tests run."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("/"):
                return None
            return self._join(self.limit, [node])
        return self.height(node)

    def _join(self, base: int | None, parts: list[ast.expr]) -> int | None:
        for part in parts:
            if base is None:
                return None
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                base, highest = _literal_height(part.value, base)
                if highest > self.limit:
                    self.escapes.append(Escape(part.lineno, highest - self.limit))
            else:
                self.height(part)
                base -= 1  # a computed name: one piece, never known to be ".."
        return base

    def visit_Assign(self, node: ast.Assign) -> None:
        height = self.height(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and height is not None:
                self.names[target.id] = height
        self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.expr):
            self.height(node)
        super().generic_visit(node)


def climbs(source: str, depth: int, imported: dict[str, int] | None = None) -> list[Escape]:
    """The paths in `source` (a file `depth` folders below the root) that leave the repo."""
    visitor = _Climbs(depth, imported or {})
    visitor.visit(ast.parse(source))
    highest: dict[int, int] = {}
    for escape in visitor.escapes:
        highest[escape.line] = max(escape.above, highest.get(escape.line, 0))
    return [Escape(line, above) for line, above in sorted(highest.items())]


def _names(source: str, depth: int) -> dict[str, int]:
    visitor = _Climbs(depth, {})
    visitor.visit(ast.parse(source))
    return visitor.names


def _imports(source: str, folder: Path) -> dict[str, int]:
    """Heights of names imported from a sibling module (`from conftest import REPO`)."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            sibling = folder / f"{node.module}.py"
            if sibling.is_file():
                depth = len(sibling.parent.relative_to(REPO).parts)
                names = _names(sibling.read_text(encoding="utf-8"), depth)
                for alias in node.names:
                    if alias.name in names:
                        found[alias.asname or alias.name] = names[alias.name]
    return found


def _scanned(suffix: str | None = None) -> list[Path]:
    files = [p for top in SCANNED for p in sorted((REPO / top).rglob("*")) if p.is_file()]
    return [p for p in files if suffix is None or p.suffix == suffix]


@pytest.mark.parametrize(
    "path", _scanned(".py"), ids=lambda p: p.relative_to(REPO).as_posix() if p else ""
)
def test_no_python_file_reaches_above_the_repository(path: Path) -> None:
    depth = len(path.parent.relative_to(REPO).parts)
    source = path.read_text(encoding="utf-8")
    escapes = climbs(source, depth, _imports(source, path.parent))
    where = [f"{path.relative_to(REPO)}:{e.line} ({e.above} above the root)" for e in escapes]
    assert where == [], "vendor what the test needs under tests/fixtures/ instead"


def test_no_file_names_the_shared_folder() -> None:
    this = Path(__file__).resolve()
    found = []
    for path in _scanned():
        if path == this or path.suffix in (".png", ".gif", ".ico", ".woff2"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(REPO)}: {name}" for name in OUTSIDE_NAMES if name in text]
    assert found == []


# -- the check itself: it catches what the old tests did --------------------------------


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ('C = Path(__file__).resolve().parents[1].parent / "sibling" / "corpus"', [1]),
        ('REPO = Path(__file__).resolve().parents[1]\nC = REPO.parent / "sibling"', [2]),
        ("X = Path(__file__).parents[2]", [1]),
        ("X = Path(__file__).parent.parent.parent", [1]),
        ('X = Path(__file__).parent / ".." / ".." / "sibling"', [1]),
        ('X = Path(__file__).parent / "../../sibling/corpus"', [1]),
        ('X = os.path.join(os.path.dirname(__file__), "..", "..", "x")', [1]),
        ('X = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\nY = X + "/.."', [2]),
        ('X = Path("../sibling/corpus/workflows")', [1]),
        ('X = open("../outside.txt")', [1]),
        ('def f():\n    return Path(__file__).resolve().parents[3] / "x"', [2]),
        # Inside the repository: fine.
        ('X = Path(__file__).resolve().parents[1] / "action.yml"', []),
        ('R = Path(__file__).resolve().parent.parent\nX = R / "tests" / ".." / "docs"', []),
        ('X = Path(__file__).parent / "fixtures" / "../golden"', []),
        ('X = Path("tests/fixtures")', []),
        ('X = tmp_path / ".." / ".."', []),  # not the repository: a temporary folder
        ('X = main(["deploy", "../x"])', []),  # a string that is not a path of this machine
    ],
)
def test_the_check_finds_paths_above_the_root(source: str, lines: list[int]) -> None:
    """Each source is a file in tests/ (one folder below the root)."""
    got = [e.line for e in climbs(source, 1)]
    assert sorted(set(got)) == lines


def test_the_check_follows_names_imported_from_conftest() -> None:
    imported = {"REPO": 1}  # conftest.py's REPO: one folder above tests/, the root
    assert [e.line for e in climbs('S = REPO.parent / "sibling"', 1, imported)] == [1]
    assert climbs('S = REPO / "tests"', 1, imported) == []
    assert _imports("from conftest import REPO as R\n", REPO / "tests") == {"R": 1}
