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
from docgen.model import Document

__all__ = ["documents", "files", "markdown_files"]


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
