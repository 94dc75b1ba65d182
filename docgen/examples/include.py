"""Include directives inside code blocks: pymdownx.snippets' and mdx_include's.

A fence whose body is `--8<-- "scripts/gen_credits.py"` (pymdownx.snippets) or
`{!./docs_src/tutorial/app.py!}` (mdx_include) shows that file's content on the site. Such a
line is not code: when the extension is configured in mkdocs.yml, the file is looked up in
the extension's base path and used instead.

- In a Python block, the directive's line runs the file's code in the page's namespace;
  a finding is at the directive's line, and the traceback shows the file's own lines.
- In a YAML, JSON or TOML block, the file's text is parsed in its place; a parse error in
  it is reported at the directive's line.
- Part of a file (snippets' `"file.py:3:5"`, mdx_include's `{!file.py[ln:3-5]!}`) keeps the
  file's line numbers.
- A block whose included file is not found, or that includes in another language (`pycon`,
  a shell session) or in a form docgen does not read (snippets' block form, a URL, several
  parts of a file), is skipped with one info.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from docgen.config import MarkdownSetup
from docgen.examples.collect import DATA_LANGUAGES, Example

__all__ = ["Include", "expand", "expand_text", "read_part"]

_SNIPPET = re.compile(r"^\s*-{1,}8<-{1,}\s+(?P<q>[\"'])(?P<file>[^\"']+)(?P=q)\s*$")
_SNIPPET_BLOCK = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
_MDX_INCLUDE = re.compile(r"^\s*\{!\s*(?P<file>[^!{}|]+?)\s*!\}\s*$")
# Part of a file: snippets' `file.py:3:5` (or `:3`), mdx_include's `file.py[ln:3-5]`.
_SNIPPET_LINES = re.compile(r"^(?P<file>.+?):(?P<first>\d+)(?::(?P<last>\d+))?$")
_MDX_LINES = re.compile(r"^(?P<file>.+?)\s*\[ln:(?P<first>\d+)(?:-(?P<last>\d*))?\]$")

Include = tuple[int, str, int, int]
"""One directive: its offset in the block, the file's absolute path, and the file's first
and last lines to use (1-based; last 0: to the end)."""


def _directives(example: Example, setup: MarkdownSetup) -> list[tuple[int, str, tuple[str, ...]]]:
    """(offset in the block, file as written, folders to look in) for each directive line."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for offset, line in enumerate(example.code.split("\n")):
        if setup.snippets is not None:
            snippet = _SNIPPET.match(line)
            if snippet is not None:
                found.append((offset, snippet.group("file"), setup.snippets))
            elif _SNIPPET_BLOCK.match(line):
                found.append((offset, "", setup.snippets))
        if setup.includes is not None and (include := _MDX_INCLUDE.match(line)) is not None:
            found.append((offset, include.group("file"), (setup.includes,)))
    return found


def _resolve(name: str, folders: tuple[str, ...]) -> tuple[Path, int, int] | None:
    """The file `name` stands for in `folders`, and the part of it: first and last line."""
    if not name or "://" in name:
        return None
    for pattern in (_SNIPPET_LINES, _MDX_LINES):
        part = pattern.match(name)
        if part is not None and _resolve(part.group("file"), folders) is not None:
            whole = _resolve(part.group("file"), folders)
            assert whole is not None
            return whole[0], int(part.group("first")), int(part.group("last") or 0)
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate.resolve(), 1, 0
    return None


def read_part(path: str, first: int = 1, last: int = 0) -> str:
    """Lines `first` to `last` (0: to the end) of the file at `path`, 1-based."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").split("\n")
    return "\n".join(lines[first - 1 : last or None])


def expand(example: Example, setup: MarkdownSetup) -> tuple[Example, str | None]:
    """The block with its include directives resolved, or why it is skipped.

    Returns the block with `includes` set (the directives' offsets and files) and None;
    or the block unchanged and the reason it cannot run, for one info.

    Args:
        example: the block, as collected.
        setup: which include extensions mkdocs.yml configures, and their base paths.
    """
    directives = _directives(example, setup)
    if not directives:
        return example, None
    includes: list[Include] = []
    for offset, name, folders in directives:
        found = _resolve(name, folders)
        if found is None:
            what = f"`{name}`" if name else "a snippets block (`--8<--` on a line of its own)"
            where = ", ".join(folders)
            return example, f"it includes {what}, which is not found (looked in {where})"
        includes.append((offset, str(found[0]), found[1], found[2]))
    if example.language == "python" or example.language in DATA_LANGUAGES:
        return dataclasses.replace(example, includes=tuple(includes)), None
    return example, f"it includes `{directives[0][1]}`, which docgen runs only in Python blocks"


def expand_text(code: str, includes: tuple[Include, ...]) -> tuple[str, list[int]]:
    """`code` with each directive line replaced by its file's text, and for each line of
    the result, the block's line (0-based) it stands for.

    Args:
        code: the block's code, directives included.
        includes: the block's directives (`Example.includes`).
    """
    by_offset = {include[0]: include for include in includes}
    out: list[str] = []
    origin: list[int] = []
    for offset, line in enumerate(code.split("\n")):
        if offset in by_offset:
            _offset, path, first, last = by_offset[offset]
            text = read_part(path, first, last)
            indent = line[: len(line) - len(line.lstrip())]
            added = [indent + part if part else part for part in text.rstrip("\n").split("\n")]
        else:
            added = [line]
        out += added
        origin += [offset] * len(added)
    return "\n".join(out), origin
