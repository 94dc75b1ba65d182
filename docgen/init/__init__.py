"""`docgen init`: adopt docgen in a repository by writing only what it is missing.

`plan(root)` looks at the repository (`detect`) and says, file by file, what it would do;
`apply(plan)` does it. A file that exists is never overwritten: an existing `mkdocs.yml`
gets the docgen plugin added (every other line kept as written, see `extend`), or, when
that cannot be done safely, the lines are handed back for the user to add.

| File | Written when missing |
|------|----------------------|
| `mkdocs.yml` | Material (light/dark, search, version selector) and the docgen plugin |
| `docs/index.md` | a starter home page (kept when `index.md` or `README.md` exists) |
| `.github/workflows/docs.yml` | the docgen action: check PRs, deploy `dev` |

The workflow is `docgen.yml` when `docs.yml` exists, and is left out when a workflow
already runs docgen.

Diagnostics (stage `init`, locations relative to the repository):

| Code  | Severity | Meaning |
|-------|----------|---------|
| DG901 | info     | something was not found: no Python package, no (GitHub) git remote |
| DG902 | warning  | `pyproject.toml` cannot be read; packages are not filled in |
| DG903 | warning  | `mkdocs.yml` cannot be extended safely: the lines to add are shown |
| DG904 | info     | `mkdocs.yml` already has the docgen plugin |
| DG905 | error    | the path is not a folder |
| DG906 | error    | a file cannot be written (read-only, or a file where a folder should be) |
| DG907 | info     | the theme is not Material: its toggle and version selector are not there |
| DG908 | info     | `docs/` holds a Sphinx project |
| DG909 | error    | a file changed between the plan and the writing; nothing more was written |
| DG913 | warning  | `mkdocs.yml` sets a top-level key twice: MkDocs uses the last one |
| DG914 | info     | `mkdocs.yml` uses mkdocstrings: docgen's API stage is left off |
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docgen import jsonenc
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.init import templates
from docgen.init.detect import STAGE, Project, detect
from docgen.init.extend import Extension, extend_mkdocs, snippet
from docgen.jsonenc import to_json

__all__ = ["Change", "InitPlan", "InitResult", "apply", "plan"]

CREATE, EXTEND, KEEP, MANUAL = "create", "extend", "keep", "manual"


@dataclass(frozen=True, slots=True)
class Change:
    """One file of the plan.

    Attributes:
        path: relative to the repository.
        action: create, extend, keep or manual.
        reason: why, in a few words, for the user.
        content: the whole new file (create, extend) or the lines the user must add
            (manual).
        original: the text an extension was made from, checked again on writing.
    """

    path: str
    action: str
    reason: str
    content: str = ""
    original: str | None = field(default=None, metadata=jsonenc.key(skip=True))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `docgen init --format json`: every field but `original`."""
        data: dict[str, object] = to_json(self)
        return data


@dataclass(frozen=True, slots=True)
class InitPlan:
    """What `docgen init` found and would do.

    Attributes:
        root: the repository.
        project: what was found there, or None when `root` is unusable.
        changes: one per file docgen init looks at, in the order they are written.
        diagnostics: what was missing or could not be read.
    """

    root: Path
    project: Project | None
    changes: tuple[Change, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def writes(self) -> tuple[Change, ...]:
        """The changes that write a file."""
        return tuple(c for c in self.changes if c.action in (CREATE, EXTEND))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `docgen init --format json`: one key per field."""
        data: dict[str, object] = to_json(self)
        return data


@dataclass(frozen=True, slots=True)
class InitResult:
    """What `apply` did.

    Attributes:
        written: the paths written, relative to the repository.
        diagnostics: what stopped it, if anything.
    """

    written: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _diagnostic(
    code: str, severity: Severity, message: str, path: str, hint: str, line: int | None = None
) -> Diagnostic:
    return Diagnostic(code, severity, message, Location(path, line), hint, STAGE)


def plan(root: Path) -> InitPlan:
    """Look at the repository at `root` and say what `docgen init` would write there."""
    if not root.is_dir():
        what = "a file" if root.exists() else "missing"
        problem = _diagnostic(
            "DG905",
            Severity.ERROR,
            f"{root} is {what}, not a folder",
            root.as_posix(),
            "run `docgen init` in the repository's folder, or give its path",
        )
        return InitPlan(root, None, (), (problem,))
    project, diagnostics = detect(root)
    changes: list[Change] = []
    docs_dir = _mkdocs(project, changes, diagnostics)
    _index(project, docs_dir, changes, diagnostics)
    _workflow(project, changes)
    # Trying the examples loads the examples stage: only `docgen init` pays for it.
    from docgen.init.examples import propose as propose_examples  # noqa: PLC0415

    diagnostics += propose_examples(project, docs_dir)
    return InitPlan(root, project, tuple(changes), tuple(diagnostics))


def _mkdocs(project: Project, changes: list[Change], diagnostics: list[Diagnostic]) -> str:
    """Plan mkdocs.yml; return the docs folder it names."""
    if project.mkdocs_file is None:
        changes.append(
            Change(
                "mkdocs.yml",
                CREATE,
                "Material (light/dark, search, versions) and the docgen plugin",
                templates.mkdocs_yml(project),
            )
        )
        return project.docs_dir or "docs"
    name = project.mkdocs_file
    text = _read(project.root / name)
    if text is None:
        extension = Extension(None, snippet(project), reason="it cannot be read as UTF-8 text")
    else:
        extension = extend_mkdocs(text, project, (project.root / name).parent)
    diagnostics += _read_as_mkdocs_does(name, extension, project)
    if extension.theme not in (None, "material"):
        diagnostics.append(
            _diagnostic(
                "DG907",
                Severity.INFO,
                f"the theme is {extension.theme!r}: docgen's pages work with it, but the "
                "light/dark toggle and the version selector are Material's",
                name,
                "set `theme: {name: material}` for them",
            )
        )
    if extension.present:
        changes.append(Change(name, KEEP, "already has the docgen plugin"))
        diagnostics.append(
            _diagnostic(
                "DG904",
                Severity.INFO,
                f"{name} already has the docgen plugin",
                name,
                "nothing to do",
            )
        )
    elif extension.text is not None:
        changes.append(Change(name, EXTEND, "adds the docgen plugin", extension.text, text))
    else:
        changes.append(
            Change(name, MANUAL, f"cannot be extended: {extension.reason}", extension.snippet)
        )
        diagnostics.append(
            _diagnostic(
                "DG903",
                Severity.WARNING,
                f"{name} cannot be extended safely: {extension.reason}",
                name,
                "add the docgen plugin under `plugins:` yourself (the lines are shown)",
                extension.line,
            )
        )
    return extension.docs_dir


def _read_as_mkdocs_does(name: str, extension: Extension, project: Project) -> list[Diagnostic]:
    """What init read differently from the way the user may think MkDocs reads it."""
    found = []
    for duplicate in extension.duplicates:
        *ignored, used = duplicate.lines
        where = ("lines " if len(ignored) > 1 else "line ") + ", ".join(map(str, ignored))
        plugins = f" ({', '.join(duplicate.ignored)})" if duplicate.ignored else ""
        added = duplicate.key == "plugins" and extension.text is not None
        found.append(
            _diagnostic(
                "DG913",
                Severity.WARNING,
                f"`{duplicate.key}:` is set twice ({where} and {used}): MkDocs uses line "
                f"{used} and ignores {where}{plugins}",
                name,
                "merge them into one"
                + ("; docgen was added to the one MkDocs uses" if added else ""),
                duplicate.lines[0],
            )
        )
    if extension.mkdocstrings:
        packages = ", ".join(project.packages) or "mypackage"
        found.append(
            _diagnostic(
                "DG914",
                Severity.INFO,
                "api: off — mkdocstrings already documents the API",
                name,
                f"`api: {{packages: [{packages}]}}` in the docgen plugin to use docgen's instead",
                extension.plugins_line,
            )
        )
    return found


def _index(
    project: Project, docs_dir: str, changes: list[Change], diagnostics: list[Diagnostic]
) -> None:
    folder = project.root / docs_dir
    if project.sphinx and docs_dir == "docs":
        diagnostics.append(
            _diagnostic(
                "DG908",
                Severity.INFO,
                "docs/ holds a Sphinx project (conf.py): MkDocs copies its .rst files as they "
                "are and builds only the Markdown pages",
                "docs/conf.py",
                "move the pages to Markdown, or set `docs_dir` to another folder",
            )
        )
    existing = next((n for n in ("index.md", "README.md") if (folder / n).is_file()), None)
    if existing is not None:
        changes.append(Change(f"{docs_dir}/{existing}", KEEP, "the home page is there"))
    else:
        changes.append(
            Change(
                f"{docs_dir}/index.md", CREATE, "a starter home page", templates.index_md(project)
            )
        )


def _workflow(project: Project, changes: list[Change]) -> None:
    folder = project.root / ".github" / "workflows"
    for name in project.workflow_files:
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "docgen" in text:
            changes.append(Change(f".github/workflows/{name}", KEEP, "already runs docgen"))
            return
    name = "docgen.yml" if "docs.yml" in project.workflow_files else "docs.yml"
    changes.append(
        Change(
            f".github/workflows/{name}",
            CREATE,
            f"checks pull requests, deploys `dev` from {project.branch}",
            templates.workflow(project),
        )
    )


def _unwritable(root: Path, relative: str) -> str | None:
    """Why `relative` cannot be written under `root`, or None when it can."""
    target = root / relative
    for parent in reversed(target.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file, not a folder"
    existing = target.parent
    while not existing.exists():
        existing = existing.parent
    # os.access also says no on a read-only file system, which root is bound by too.
    if not os.access(existing, os.W_OK):
        return f"{existing} is read-only"
    return None


def apply(init: InitPlan) -> InitResult:
    """Write the `init` plan's new and extended files; never overwrite a file it did not read.

    Every file is checked first, so that a read-only folder writes nothing and says so once.
    """
    problems = [
        (change.path, why)
        for change in init.writes
        if (why := _unwritable(init.root, change.path)) is not None
    ]
    if problems:
        path, why = problems[0]
        return InitResult(
            (),
            (
                _diagnostic(
                    "DG906",
                    Severity.ERROR,
                    f"cannot write {path}: {why}",
                    path,
                    "run `docgen init` where you can write, or `docgen init --dry-run` to see "
                    "the plan",
                ),
            ),
        )
    written: list[str] = []
    for change in init.writes:
        target = init.root / change.path
        try:
            if change.action == CREATE:
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("x", encoding="utf-8", newline="") as out:
                    out.write(change.content)
            else:
                if target.read_bytes() != (change.original or "").encode("utf-8"):
                    raise FileExistsError(change.path)
                _replace(target, change.content)
        except FileExistsError:
            problem = _diagnostic(
                "DG909",
                Severity.ERROR,
                f"{change.path} changed after docgen init looked at it; it was not written",
                change.path,
                "run `docgen init` again",
            )
            return InitResult(tuple(written), (problem,))
        except OSError as exc:
            problem = _diagnostic(
                "DG906",
                Severity.ERROR,
                f"cannot write {change.path}: {exc.strerror or exc}",
                change.path,
                "run `docgen init` where you can write",
            )
            return InitResult(tuple(written), (problem,))
        written.append(change.path)
    return InitResult(tuple(written), ())


def _read(path: Path) -> str | None:
    """The file's text exactly as it is (line endings kept); None if it is not UTF-8 text."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _replace(target: Path, text: str) -> None:
    """Write `text` over `target` at once, keeping its permissions: never a half-written file."""
    mode = target.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        Path(temporary).chmod(mode)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
