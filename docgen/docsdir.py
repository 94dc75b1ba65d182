"""The one walk of the docs folder: which files it has, and its pages as `Document`s.

Every stage and engine that reads the docs folder itself (outside a build, for `docgen dump`;
to stage pages for an engine without plugins; to map a site back to its sources) asks here,
so that they all see the same files in the same order.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Document

__all__ = ["clash", "documents", "files", "markdown_files", "read_page"]


def files(docs_dir: Path, *, skip: Collection[Path] = ()) -> tuple[tuple[str, Path], ...]:
    """Every file of the docs folder as (docs path, file), sorted by docs path.

    Hidden files and folders (`.name`) are left out, as MkDocs leaves them out, and so are
    the folders in `skip` (resolved paths: a site or staging folder inside the docs).

    Args:
        docs_dir: the docs folder.
        skip: folders inside it to leave out.
    """
    found: list[tuple[str, Path]] = []
    skipped = {Path(p).resolve() for p in skip}
    for folder, dirs, names in os.walk(docs_dir):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and (here / d).resolve() not in skipped]
        found += [
            ((here / name).relative_to(docs_dir).as_posix(), here / name)
            for name in names
            if not name.startswith(".")
        ]
    return tuple(sorted(found))


def markdown_files(docs_dir: Path) -> tuple[Path, ...]:
    """Every Markdown page (`*.md`) of the docs folder, hidden ones too, sorted by path.

    The list MkDocs' `exclude_docs` is applied to: what it leaves out is still the user's
    page (a link to it is "left out", not "missing").

    Args:
        docs_dir: the docs folder; none there, no pages.
    """
    if not docs_dir.is_dir():
        return ()
    return tuple(sorted(docs_dir.rglob("*.md")))


def documents(config: DocgenConfig) -> list[Document]:
    """The hand-written pages of `config`'s docs folder, as a build hands them to the checks.

    A page that cannot be read as UTF-8 is left out: the build itself says so (DG102).
    """
    found: list[Document] = []
    for file in markdown_files(config.docs_dir):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found.append(
            Document(file.relative_to(config.docs_dir).as_posix(), text, config.relative(file))
        )
    return found


def read_page(config: DocgenConfig, file: Path, stage: str) -> str | Diagnostic:
    """A page's text, or a diagnostic when it is not UTF-8 text (at the first bad byte's line).

    Args:
        config: docgen's configuration, for the location's path.
        file: the page's file.
        stage: who reads it (the engine), named in the diagnostic.
    """
    line = None
    try:
        data = file.read_bytes()
    except OSError as exc:
        message = f"cannot read this page: {exc.strerror}"
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = f"not UTF-8 text (byte 0x{data[exc.start]:02x}): the page was left out"
    return Diagnostic(
        "DG102",
        Severity.ERROR,
        message,
        Location(config.relative(file), line),
        hint="save the file as UTF-8",
        stage=stage,
    )


def clash(config: DocgenConfig, path: str, stage: str, written: str | None = None) -> Diagnostic:
    """A stage generates the page at docs path `path`, which the docs folder already has.

    Args:
        config: docgen's configuration: the hand-written page is in its docs folder.
        path: the page's docs path.
        stage: the stage that generates it.
        written: the hand-written page's docs path when it is another file published at
            the same address (`changelog.md` and `changelog/index.md`); None when it is `path`.
    """
    same = "that page" if written in (None, path) else f"'{written}' at the same address"
    return Diagnostic(
        "DG101",
        Severity.WARNING,
        f"the {stage} stage generates '{path}', but the docs already have {same};"
        " the hand-written page is kept",
        Location(config.relative(config.docs_dir / (written or path))),
        hint="rename or remove the hand-written page to see the generated one",
        stage=stage,
    )
