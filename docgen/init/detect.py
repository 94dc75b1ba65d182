"""What a repository already has: its Python packages, workflows, docs, diagrams and remote.

Detection only reads: files, and `git config`/`git symbolic-ref` for the remote and the
default branch. Whatever cannot be read is a diagnostic, and detection goes on.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docgen import jsonenc
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.jsonenc import to_json

__all__ = ["Project", "Remote", "detect", "parse_remote", "python_packages"]

STAGE = "init"
MKDOCS_NAMES = ("mkdocs.yml", "mkdocs.yaml")
# Top-level folders of a flat layout that are never the project's own package.
_NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "tools",
     "benchmarks", "build", "dist", "site", "venv", "env", "node_modules"}
)  # fmt: skip
_GITHUB = re.compile(
    r"^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)
_URL = re.compile(r"^(?:https?://|git@|ssh://)")


@dataclass(frozen=True, slots=True)
class Remote:
    """Where the repository lives.

    Attributes:
        repo_url: its web page (`https://github.com/owner/repo`).
        site_url: its GitHub Pages site, or None off GitHub.
    """

    repo_url: str
    site_url: str | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """What `docgen init` found in a repository; paths are relative to its root.

    Attributes:
        root: the repository.
        name: from `[project].name`, else the folder's name.
        description: from `[project].description`, or empty.
        packages: the top-level Python packages to document.
        package_paths: folders the packages are imported from besides the root and `src/`
            (setuptools `where`).
        installable: True when a `pyproject.toml` or `setup.py` lets CI `pip install .`.
        workflows: `.github/workflows` when it exists, else None.
        workflow_files: the workflow files in it, by name.
        docs_dir: `docs` when it exists, else None.
        mkdocs_file: `mkdocs.yml` or `mkdocs.yaml` when one exists, else None.
        diagrams: `diagrams` when that folder exists, else None.
        sphinx: True when `docs/` holds a Sphinx project (`conf.py`).
        remote: where the repository lives, or None without a usable git remote.
        branch: the default branch; `main` when git cannot say.
        git: True when the folder is a git repository.
        changelog: where the release notes come from, when a source of the changelog
            stage's `auto` is there: towncrier's configuration file, or a changelog in
            Keep a Changelog form (`CHANGELOG.md`); else None.
        changelog_page: the docs page that already shows the changelog file (includes it
            with `--8<--`, or is the same file or a copy), or None: the release notes are
            then left off, or the site would show them twice.
    """

    root: Path
    name: str
    description: str = ""
    packages: tuple[str, ...] = ()
    package_paths: tuple[str, ...] = ()
    installable: bool = False
    workflows: str | None = None
    workflow_files: tuple[str, ...] = ()
    docs_dir: str | None = None
    mkdocs_file: str | None = None
    diagrams: str | None = None
    sphinx: bool = False
    remote: Remote | None = field(
        default=None, metadata=jsonenc.key(flatten={"repo_url": "repo_url", "site_url": "site_url"})
    )
    branch: str = "main"
    git: bool = False
    changelog: str | None = field(default=None, metadata=jsonenc.key(omit_empty=True))
    changelog_page: str | None = field(default=None, metadata=jsonenc.key(omit_empty=True))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape shown by `docgen init --dry-run --format json`: one key per
        field, `remote` as `repo_url` and `site_url`."""
        data: dict[str, object] = to_json(self)
        return data


def _info(message: str, path: str, hint: str) -> Diagnostic:
    return Diagnostic("DG901", Severity.INFO, message, Location(path), hint, STAGE)


def detect(root: Path) -> tuple[Project, list[Diagnostic]]:
    """Look at the repository at `root` (an existing folder) and say what it has."""
    diagnostics: list[Diagnostic] = []
    pyproject = _read_pyproject(root, diagnostics)
    meta = pyproject.get("project")
    meta = meta if isinstance(meta, dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else None
    description = meta.get("description")
    packages, paths = python_packages(root, pyproject)
    if not packages:
        diagnostics.append(
            _info(
                "no Python package found: the API reference is left out",
                "pyproject.toml" if (root / "pyproject.toml").is_file() else ".",
                "list yours in mkdocs.yml: `docgen: {api: {packages: [NAME]}}`",
            )
        )
    workflows_dir = root / ".github" / "workflows"
    workflow_files: tuple[str, ...] = ()
    if workflows_dir.is_dir():
        workflow_files = tuple(
            sorted(p.name for p in workflows_dir.iterdir() if p.suffix in (".yml", ".yaml"))
        )
    docs = root / "docs"
    git = (root / ".git").exists()
    remote = _remote(root, meta, diagnostics, git=git)
    return (
        Project(
            root=root,
            name=name or root.resolve().name,
            description=description.strip() if isinstance(description, str) else "",
            packages=packages,
            package_paths=paths,
            installable=(root / "pyproject.toml").is_file() or (root / "setup.py").is_file(),
            workflows=".github/workflows" if workflows_dir.is_dir() else None,
            workflow_files=workflow_files,
            docs_dir="docs" if docs.is_dir() else None,
            mkdocs_file=next((n for n in MKDOCS_NAMES if (root / n).is_file()), None),
            diagrams="diagrams" if (root / "diagrams").is_dir() else None,
            sphinx=(docs / "conf.py").is_file(),
            remote=remote,
            branch=_branch(root) if git else "main",
            git=git,
            changelog=_changelog(root),
            changelog_page=_changelog_page(root, docs),
        ),
        diagnostics,
    )


# A release heading of a Keep a Changelog file: `## [1.2.0] - 2026-01-02`, `## [Unreleased]`.
_RELEASE_HEADING = re.compile(
    r"^#{1,3} +\[?(?:v?\d+\.\d+|unreleased\b)", re.IGNORECASE | re.MULTILINE
)


def _changelog(root: Path) -> str | None:
    """The file the changelog stage's `auto` reads first, when there is one: towncrier's
    configuration, else a `CHANGELOG.md` with release headings (git tags alone are not
    reason enough to turn release notes on)."""
    if (root / "towncrier.toml").is_file():
        return "towncrier.toml"
    for name, wanted in (("pyproject.toml", "[tool.towncrier"), ("CHANGELOG.md", None)):
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if wanted in text if wanted else _RELEASE_HEADING.search(text):
            return name
    return None


def _changelog_page(root: Path, docs: Path) -> str | None:
    """The docs page that already shows `CHANGELOG.md`: one that includes it (a snippet,
    `--8<-- "CHANGELOG.md"`, or `{!CHANGELOG.md!}`), or the same file (a symlink either
    way) or a copy of it; None when no page does (or there is no such file)."""
    changelog = root / "CHANGELOG.md"
    try:
        text = changelog.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    target = changelog.resolve()
    for page in sorted(docs.rglob("*.md"))[:2000] if docs.is_dir() else ():
        try:
            shown = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if page.resolve() == target or shown == text or _INCLUDE.search(shown):
            return page.relative_to(root).as_posix()
    return None


# A page that includes the changelog: `--8<-- "CHANGELOG.md"`, `{!CHANGELOG.md!}`,
# `{% include-markdown "../CHANGELOG.md" %}`.
_INCLUDE = re.compile(r"""(?:--8<--|\{!|include-markdown)\s*["']?[^"'\n]*CHANGELOG\.md""")


def _read_pyproject(root: Path, diagnostics: list[Diagnostic]) -> dict[str, object]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        line = re.search(r"at line (\d+)", str(exc))
        diagnostics.append(
            Diagnostic(
                "DG902",
                Severity.WARNING,
                f"pyproject.toml cannot be read: {exc}",
                Location("pyproject.toml", int(line.group(1)) if line else None),
                "fix the file, then run `docgen init` again to fill in the packages",
                STAGE,
            )
        )
        return {}


def _table(data: object, *keys: str) -> dict[str, object]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def python_packages(
    root: Path, pyproject: dict[str, object]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The project's top-level packages and the extra folders they import from.

    `root` is the repository and `pyproject` its parsed `pyproject.toml` (empty without one).

    Read in the order a build backend would: setuptools' `packages`/`packages.find`, flit's
    module, hatch's wheel packages, poetry's packages, maturin's `python-source`,
    `[project].name`; then the members of a uv workspace (`[tool.uv.workspace] members`),
    each read the same way. Without any of those, the layout: every package in `src/`, else
    every package at the root that is not tests or docs, else `packages/*/src/`.
    """
    packages: list[str] = []
    paths: list[str] = []
    found = _declared(root, pyproject)
    for member in _workspace_members(root, pyproject):
        found += [
            (name, (member / where).as_posix())
            for name, where in _declared(root / member, _member_pyproject(root / member))
        ]
    for name, where in found:
        if name not in packages:
            packages.append(name)
            if where not in ("", ".", "src") and where not in paths:
                paths.append(where)
    if packages:
        return tuple(packages), tuple(paths)
    for base in (root / "src", root):
        layout = _layout(base)
        if layout:
            return tuple(layout), ()
    # A monorepo without a workspace table: packages/NAME/src/PACKAGE.
    for base in sorted((root / "packages").glob("*/src")):
        for name in _layout(base):
            if name not in packages:
                packages.append(name)
                paths.append(base.relative_to(root).as_posix())
    return tuple(packages), tuple(paths)


def _layout(base: Path) -> list[str]:
    """The packages in the folder `base` that are not tests, docs or private."""
    if not base.is_dir():
        return []
    return sorted(
        p.name
        for p in base.iterdir()
        if (p / "__init__.py").is_file()
        and p.name.isidentifier()
        and not p.name.startswith("_")
        and p.name not in _NOT_PACKAGES
    )


def _declared(root: Path, pyproject: dict[str, object]) -> list[tuple[str, str]]:
    """The packages `pyproject` declares that exist under `root`, with their folder."""
    setuptools = _table(pyproject, "tool", "setuptools")
    found: list[tuple[str, str]] = []  # (name, folder it imports from, "" for the root)
    find = _table(setuptools, "packages", "find")
    wheres = _strings(find.get("where")) or ["."]
    for pattern in _strings(find.get("include")):
        name = pattern.rstrip("*").rstrip(".")
        found += [(name, w) for w in wheres if name and "." not in name]
    found += [(n, "") for n in _strings(setuptools.get("packages")) if "." not in n]
    flit = _table(pyproject, "tool", "flit", "module").get("name")
    if isinstance(flit, str):
        found.append((flit, ""))
    for entry in _strings(
        _table(pyproject, "tool", "hatch", "build", "targets", "wheel").get("packages")
    ):
        folder, _, name = entry.rstrip("/").rpartition("/")
        found.append((name, folder))
    poetry = _table(pyproject, "tool", "poetry")
    listed = poetry.get("packages")
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            from_ = entry.get("from")
            found.append((entry["include"], from_ if isinstance(from_, str) else ""))
    project_name = _table(pyproject, "project").get("name") or poetry.get("name")
    normalized = (
        re.sub(r"[-.]+", "_", project_name).lower() if isinstance(project_name, str) else None
    )
    maturin = _table(pyproject, "tool", "maturin")
    source = maturin.get("python-source")
    if isinstance(source, str):
        # A mixed Rust/Python project: the Python package sits in `python-source`.
        module = maturin.get("module-name")
        native = module.partition(".")[0] if isinstance(module, str) else normalized
        if native:
            found.append((native, source.strip("/")))
    if normalized:
        found.append((normalized, ""))
    located = []
    for name, folder in found:
        where = _where(root, name, folder)
        if where is not None:
            located.append((name, where))
    return located


def _workspace_members(root: Path, pyproject: dict[str, object]) -> list[Path]:
    """The member folders of a uv workspace (`[tool.uv.workspace]`), relative to `root`."""
    workspace = _table(pyproject, "tool", "uv", "workspace")
    excluded = {
        path.relative_to(root)
        for pattern in _strings(workspace.get("exclude"))
        for path in _glob(root, pattern)
    }
    members: list[Path] = []
    for pattern in _strings(workspace.get("members")):
        for path in _glob(root, pattern):
            member = path.relative_to(root)
            if (path / "pyproject.toml").is_file() and member not in excluded:
                members.append(member)
    return list(dict.fromkeys(members))


def _glob(root: Path, pattern: str) -> list[Path]:
    """The folders under `root` that `pattern` names; none for a pattern that leaves it."""
    if not pattern or pattern.startswith("/") or ".." in Path(pattern).parts:
        return []
    try:
        return sorted(p for p in root.glob(pattern) if p.is_dir())
    except ValueError:  # a pattern pathlib refuses (e.g. `**` inside a name)
        return []


def _member_pyproject(member: Path) -> dict[str, object]:
    """A workspace member's pyproject.toml, or nothing when it cannot be read."""
    try:
        return tomllib.loads((member / "pyproject.toml").read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return {}


def _where(root: Path, name: str, folder: str) -> str | None:
    """The folder (relative to the root) the package `name` imports from, if it exists."""
    if not name.isidentifier():
        return None
    for base in dict.fromkeys((folder, "src", "")):
        here = root / base if base else root
        if (here / name / "__init__.py").is_file() or (here / f"{name}.py").is_file():
            return base.strip("/")
    return None


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def _remote(
    root: Path, meta: dict[str, object], diagnostics: list[Diagnostic], *, git: bool
) -> Remote | None:
    url = None
    if git:
        remotes = (_git(root, "remote") or "").split()
        name = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
        url = _git(root, "config", "--get", f"remote.{name}.url") if name else None
    if url is None:
        # A project without a remote yet may still name its repository in pyproject.toml.
        urls = _table(meta, "urls")
        url = next(
            (
                v
                for k, v in urls.items()
                if isinstance(v, str) and _GITHUB.match(v) and k.lower() in _SOURCE_KEYS
            ),
            None,
        )
    remote = parse_remote(url) if url else None
    if remote is None or remote.site_url is None:
        diagnostics.append(
            _info(
                f"the git remote {url!r} is not on GitHub: no GitHub Pages site_url"
                if url
                else "no git remote: repo_url and site_url are left out",
                ".git/config" if git else ".",
                "set `repo_url` and `site_url` in mkdocs.yml when the repository is published",
            )
        )
    return remote


_SOURCE_KEYS = frozenset({"source", "repository", "source code", "code", "homepage", "github"})


def parse_remote(url: str) -> Remote | None:
    """`repo_url` and the GitHub Pages `site_url` for a git remote `url` (https or ssh)."""
    url = url.strip()
    match = _GITHUB.match(url)
    if match:
        owner, repo = match["owner"], match["repo"]
        pages = f"https://{owner.lower()}.github.io/"
        site = pages if repo.lower() == f"{owner.lower()}.github.io" else f"{pages}{repo}/"
        return Remote(f"https://github.com/{owner}/{repo}", site)
    if not _URL.match(url):
        return None  # a local path: nothing to link to
    web = re.sub(r"^(?:ssh://)?git@([^:/]+)[:/]", r"https://\1/", url)
    web = re.sub(r"^(https?://)[^@/]+@", r"\1", web)
    return Remote(web.removesuffix("/").removesuffix(".git"))


def _branch(root: Path) -> str:
    """The default branch: the remote's HEAD, else the current branch, else `main`."""
    head = _git(root, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    if head:
        return head.split("/", 1)[-1]
    return _git(root, "symbolic-ref", "--short", "HEAD") or "main"
