"""Include directives inside code blocks: pymdownx.snippets' and mdx_include's.

A fence whose body is `--8<-- "scripts/gen_credits.py"` (pymdownx.snippets) or
`{!./docs_src/tutorial/app.py!}` (mdx_include) shows that file's content on the site. Such a
line is not code: when the extension is configured in mkdocs.yml, the file is looked up in
the extension's base path and used instead.

- In a Python block, the directive's line runs the file's code in the page's namespace;
  a finding is at the directive's line, and the traceback shows the file's own lines.
- In a YAML, JSON or TOML block, the file's text is parsed in its place; a parse error in
  it is reported at the directive's line.
- A block whose included file is not found, or that includes in another language (`pycon`,
  a shell session) or in a form docgen does not read (snippets' block form, a URL, a part
  of a file), is skipped with one info.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from docgen.config import MarkdownSetup
from docgen.examples.collect import DATA_LANGUAGES, Example

__all__ = ["expand", "expand_text"]

_SNIPPET = re.compile(r"^\s*-{1,}8<-{1,}\s+(?P<q>[\"'])(?P<file>[^\"']+)(?P=q)\s*$")
_SNIPPET_BLOCK = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
_MDX_INCLUDE = re.compile(r"^\s*\{!\s*(?P<file>[^!{}|]+?)\s*!\}\s*$")


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


def _resolve(name: str, folders: tuple[str, ...]) -> Path | None:
    if not name or "://" in name:
        return None
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate.resolve()
    return None


def expand(example: Example, setup: MarkdownSetup) -> tuple[Example, str | None]:
    """The block with its include directives resolved, or why it is skipped.

    Returns the block with `includes` set (the directives' offsets and files) and None;
    or the block unchanged and the reason it cannot run, for one info.
    """
    directives = _directives(example, setup)
    if not directives:
        return example, None
    includes: list[tuple[int, str]] = []
    for offset, name, folders in directives:
        path = _resolve(name, folders)
        if path is None:
            what = f"`{name}`" if name else "a snippets block (`--8<--` on a line of its own)"
            where = ", ".join(folders)
            return example, f"it includes {what}, which is not found (looked in {where})"
        includes.append((offset, str(path)))
    if example.language == "python" or example.language in DATA_LANGUAGES:
        return dataclasses.replace(example, includes=tuple(includes)), None
    return example, f"it includes `{directives[0][1]}`, which docgen runs only in Python blocks"


def expand_text(code: str, includes: tuple[tuple[int, str], ...]) -> tuple[str, list[int]]:
    """`code` with each directive line replaced by its file's text, and for each line of
    the result, the block's line (0-based) it stands for."""
    by_offset = dict(includes)
    out: list[str] = []
    origin: list[int] = []
    for offset, line in enumerate(code.split("\n")):
        if offset in by_offset:
            text = Path(by_offset[offset]).read_text(encoding="utf-8", errors="replace")
            indent = line[: len(line) - len(line.lstrip())]
            added = [indent + part if part else part for part in text.rstrip("\n").split("\n")]
        else:
            added = [line]
        out += added
        origin += [offset] * len(added)
    return "\n".join(out), origin
