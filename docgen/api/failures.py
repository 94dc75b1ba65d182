"""Modules that can't be imported: one finding per cause, with a hint that fits it.

- A third-party module that is not installed (an optional dependency: `gunicorn` for
  `uvicorn.workers`) is a DG613 warning per missing module, listing the modules that
  need it, with the project's extra that provides it when `pyproject.toml` has one.
- A module of the package itself that is missing (a file the build generates, such as
  hatch's `_version.py`) is one DG602 error listing the modules it held back.
- An exception raised by the package's own code is one DG602 error at the line that
  raised it, for the module and every module that failed because it imports it. The
  hint says to guard the code with `if __name__ == "__main__":` only when the traceback
  shows a program run on import (a command line parsed, input read, an exit, a hang).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["import_failures"]

_SHOWN = 10
_GUARD = (
    "importing a module must not run the program: guard that code with "
    "`if __name__ == '__main__':`, or leave the module out with `api.exclude`"
)


def _listed(names: Sequence[str]) -> str:
    more = f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def _exclude(names: Sequence[str]) -> str:
    return f"`api: {{exclude: [{_listed(names)}]}}`"


def _origin(event: Mapping[str, Any], files: Mapping[Path, str]) -> tuple[str | None, int | None]:
    """The innermost frame in a documented module's file, else the event's own line."""
    for file, line in reversed(event.get("frames") or []):
        if Path(file) in files:
            return file, line
    return event.get("file"), event.get("line")


def _cause(
    name: str, event: Mapping[str, Any], packages: set[str], files: Mapping[Path, str]
) -> tuple[str, ...]:
    missing = event.get("missing")
    if missing:
        own = missing.split(".")[0] in packages
        return ("own-missing" if own else "not-installed", missing)
    if event["error"].startswith(("hangs", "stopped")):
        return ("module", name)
    file, line = _origin(event, files)
    return ("raised", event["error"], str(file), str(line))


def _project(root: Path) -> tuple[str, dict[str, list[str]], str]:
    """The project's name, its extras' requirements, and pyproject.toml's text."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
        project = tomllib.loads(text).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", {}, ""
    extras = project.get("optional-dependencies", {})
    if not isinstance(extras, dict):
        extras = {}
    return str(project.get("name", "")), extras, text


def _extra(module: str, extras: Mapping[str, Any]) -> str | None:
    """The extra that requires the distribution named like `module`, if any."""
    wanted = canonicalize_name(module.split(".", maxsplit=1)[0])
    for extra, requirements in extras.items():
        for text in requirements if isinstance(requirements, list) else ():
            try:
                if canonicalize_name(Requirement(str(text)).name) == wanted:
                    return str(extra)
            except InvalidRequirement:
                continue
    return None


def import_failures(
    config: DocgenConfig, events: Mapping[str, Mapping[str, Any]], sources: Mapping[str, Path]
) -> list[Diagnostic]:
    """The findings for the modules whose worker `events` are failures, one per cause.

    Args:
        config: the project's settings (its root, for `pyproject.toml` and paths).
        events: each failed module's worker event, by module name.
        sources: every documented module's source file, by module name.
    """
    files = {Path(f): n for n, f in sources.items()}
    packages = {n.split(".")[0] for n in sources}
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in sorted(events):
        groups.setdefault(_cause(name, events[name], packages, files), []).append(name)
    if not groups:
        return []
    project = _project(config.root)
    return [
        _finding(config, key, names, events, files, sources, project)
        for key, names in groups.items()
    ]


def _finding(
    config: DocgenConfig,
    key: tuple[str, ...],
    names: list[str],
    events: Mapping[str, Mapping[str, Any]],
    files: Mapping[Path, str],
    sources: Mapping[str, Path],
    project: tuple[str, dict[str, list[str]], str],
) -> Diagnostic:
    first = events[names[0]]
    file, line = _origin(first, files)
    where = Location(config.relative(Path(file)), line) if file else None
    kind = key[0]
    if kind == "not-installed":
        missing = key[1]
        message = (
            f"module '{names[0]}' needs '{missing}', which is not installed, so it is not "
            "documented"
            if len(names) == 1
            else f"{len(names)} modules need '{missing}', which is not installed, so they "
            f"are not documented: {_listed(names)}"
        )
        name, extras, _ = project
        extra = _extra(missing, extras)
        install = (
            f"it comes with the project's `{extra}` extra: `pip install {name}[{extra}]` "
            "where docgen runs"
            if extra and name
            else f"install '{missing.split('.')[0]}' where docgen runs"
        )
        hint = f"{install}, or leave the modules out with {_exclude(names)}"
        return Diagnostic("DG613", Severity.WARNING, message, where, hint, "api")
    if kind == "own-missing":
        return _own_missing(config, key[1], names, where, sources, project[2])
    message = f"importing it raised {first['error']}"
    if first["error"].startswith(("hangs", "stopped", "calls")):
        message = f"it {first['error']}"
    raising = files.get(Path(file)) if file else None
    if len(names) == 1:
        text = f"module '{names[0]}' can't be documented: {message}"
    elif raising in names:
        others = [n for n in names if n != raising]
        text = (
            f"module '{raising}' can't be documented: {message}; nor can the "
            + ("module that imports" if len(others) == 1 else "modules that import")
            + f" it: {_listed(others)}"
        )
    else:
        text = (
            f"{len(names)} modules can't be documented: importing them raised "
            f"{first['error']}: {_listed(names)}"
        )
    return Diagnostic("DG602", Severity.ERROR, text, where, _hint(first, names), "api")


def _hint(event: Mapping[str, Any], names: Sequence[str]) -> str:
    error: str = event["error"]
    if event.get("runs") or error.startswith(("hangs", "stopped", "calls")):
        return _GUARD
    if error.startswith("ImportError"):
        return (
            "the import names something the imported module does not define (another "
            f"version of it?): fix the import, or leave the modules out with {_exclude(names)}"
        )
    return (
        "importing a module runs its top-level code, and this line raised: fix it, or "
        f"leave the modules out with {_exclude(names)}"
    )


def _own_missing(
    config: DocgenConfig,
    missing: str,
    names: list[str],
    where: Location | None,
    sources: Mapping[str, Path],
    pyproject: str,
) -> Diagnostic:
    top, _, rest = missing.partition(".")
    package = sources.get(top)
    expected = None
    if package is not None and package.name == "__init__.py" and rest:
        expected = config.relative(package.parent.joinpath(*rest.split(".")).with_suffix(".py"))
    absent = missing not in sources
    held = (
        f"module '{names[0]}' can't be documented: it needs '{missing}'"
        if len(names) == 1
        else f"{len(names)} modules can't be documented: they need '{missing}'"
    )
    text = held + (", which is not in the source tree" if absent else ", which can't be found")
    if len(names) > 1:
        text += f": {_listed(names)}"
    if expected and expected in pyproject:
        hint = (
            f"pyproject.toml has the build write `{expected}`: install the project "
            "(`pip install -e .`) or build it once before the docs"
        )
    else:
        hint = (
            f"create `{expected or missing}` or fix the import; until then, leave the modules "
            f"out with {_exclude(names)}"
        )
    return Diagnostic("DG602", Severity.ERROR, text, where, hint, "api")
