"""`docgen.docsdir`: the one walk of the docs folder."""

from __future__ import annotations

from pathlib import Path

from docgen import docsdir
from docgen.config import DocgenConfig


def _tree(root: Path) -> Path:
    docs = root / "docs"
    for name, data in {
        "index.md": b"# Home\n",
        "guide/b.md": b"# B\n",
        "guide/a.md": b"# A\n",
        "img/logo.png": b"\x89PNG",
        ".hidden.md": b"# Hidden\n",
        ".git/config.md": b"# not a page\n",
        "site/index.md": b"# a site built inside the docs\n",
        "latin1.md": "caf\u00e9\n".encode("latin-1"),
    }.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_bytes(data)
    return docs


def test_files_are_sorted_without_hidden_ones_or_skipped_folders(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    found = docsdir.files(docs, skip=[docs / "site"])
    assert [path for path, _ in found] == [
        "guide/a.md",
        "guide/b.md",
        "img/logo.png",
        "index.md",
        "latin1.md",
    ]
    assert all(file == docs / path for path, file in found)


def test_markdown_files_include_what_exclude_docs_decides_about(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    names = [p.relative_to(docs).as_posix() for p in docsdir.markdown_files(docs)]
    assert names == sorted(names)
    assert ".hidden.md" in names
    assert "img/logo.png" not in names
    assert docsdir.markdown_files(tmp_path / "missing") == ()


def test_documents_leave_out_pages_that_are_not_utf8(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    config = DocgenConfig(root=tmp_path, docs_dir=docs, site_dir=tmp_path / "site")
    found = {d.path: d for d in docsdir.documents(config)}
    assert "latin1.md" not in found
    assert found["guide/a.md"].source == "docs/guide/a.md"
    assert found["guide/a.md"].markdown == "# A\n"
    assert not found["index.md"].generated
