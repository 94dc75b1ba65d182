"""Find the modules to document on disk, without importing anything.

Importing is the worker's job: discovery reads folders only, so the list of modules, the
source files to hash for the cache and the folders to watch are known before any of the
user's code runs.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Source", "default_packages", "find_modules", "search_path"]


@dataclass(frozen=True, slots=True)
class Source:
    """A module found on disk: its dotted `name` and its file."""

    name: str
    file: Path


def search_path(root: Path, paths: Sequence[str] = ()) -> list[Path]:
    """Where packages are looked for: configured `paths`, `src/`, the root, then sys.path."""
    first = [root / p for p in paths] + [root / "src", root]
    return [*first, *(Path(p) for p in sys.path if p)]


def default_packages(root: Path) -> tuple[str, ...]:
    """The project's own top-level packages, read from `pyproject.toml` and the layout.

    `[tool.setuptools.packages.find] include` wins, then `[project].name` when a package
    of that name exists (in `src/` or the root), then every package in `src/`.
    """
    project: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            project = {}
    tool = project.get("tool")
    setuptools = tool.get("setuptools", {}) if isinstance(tool, dict) else {}
    packages = setuptools.get("packages", {}) if isinstance(setuptools, dict) else {}
    find = packages.get("find", {}) if isinstance(packages, dict) else {}
    include = find.get("include", []) if isinstance(find, dict) else []
    names = [p.rstrip("*").rstrip(".") for p in include if isinstance(p, str)]
    found = tuple(n for n in names if n and "." not in n and _exists(root, n))
    if found:
        return found
    meta = project.get("project")
    name = meta.get("name") if isinstance(meta, dict) else None
    if isinstance(name, str):
        module = name.replace("-", "_").lower()
        if _exists(root, module):
            return (module,)
    src = root / "src"
    if src.is_dir():
        return tuple(sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file()))
    return ()


def _exists(root: Path, name: str) -> bool:
    return any(
        (base / name / "__init__.py").is_file() or (base / f"{name}.py").is_file()
        for base in (root / "src", root)
    )


def _locate(name: str, where: Sequence[Path]) -> Path | None:
    parts = name.split(".")
    for base in where:
        folder = base.joinpath(*parts)
        if (folder / "__init__.py").is_file():
            return folder / "__init__.py"
        single = base.joinpath(*parts[:-1], f"{parts[-1]}.py")
        if single.is_file():
            return single
    return None


def _excluded(name: str, exclude: Sequence[str]) -> bool:
    return any(name == e or name.startswith(e + ".") for e in (x.lstrip("!") for x in exclude))


def find_modules(
    package: str, where: Sequence[Path], exclude: Sequence[str], show_private: bool
) -> list[Source] | None:
    """Every module of `package` (itself first, then submodules by name); None if not found.

    The package is looked for in each folder of `where` in turn; modules named in `exclude`
    (with their submodules) are left out. Private modules (`_name`) are skipped unless
    `show_private`; `__main__` always is, since importing it runs the program.
    """
    top = _locate(package, where)
    if top is None:
        return None
    found = [Source(package, top)]
    if top.name == "__init__.py":
        for file in sorted(top.parent.rglob("*.py")):
            relative = file.relative_to(top.parent).with_suffix("")
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            if not parts or not all(p.isidentifier() for p in parts):
                continue
            if not (file.parent / "__init__.py").is_file() or not _is_package_chain(top, file):
                continue
            if parts[-1] == "__main__" or (
                not show_private and any(p.startswith("_") for p in parts)
            ):
                continue
            found.append(Source(".".join([package, *parts]), file))
    return sorted(
        (s for s in found if not _excluded(s.name, exclude)), key=lambda s: s.name.split(".")
    )


def _is_package_chain(top: Path, file: Path) -> bool:
    # A folder without __init__.py breaks the chain: its files are not submodules.
    folder = file.parent
    while folder != top.parent:
        if not (folder / "__init__.py").is_file():
            return False
        folder = folder.parent
    return True
