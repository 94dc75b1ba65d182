"""Spelling: typos vs codespell on the same prose, to count and classify their findings.

Both tools read exactly what docgen's spelling rule reads: the prose runs of every page
under DOCS (never code, inline code, URLs or HTML), one run a line. typos runs as docgen
runs it; codespell, when its command is installed (it is GPL-2.0 and no dependency of
docgen), runs as a separate command over the same lines with its default dictionaries.
Every finding is listed with the tools that made it, for a person to judge: a real typo
or a false alarm.

    python benchmarks/spelling_false_alarms.py docs/
    python benchmarks/spelling_false_alarms.py path/to/other/project/docs --json
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docgen.lint import spelling
from docgen.lint.page import parse
from docgen.lint.rules import Rules

_CODESPELL = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<word>\S+) ==> (?P<fixes>.*)$")


def prose(docs: Path) -> list[tuple[str, int, str]]:
    """(page, line, text) for each prose run of each page, as the lint stage reads it."""
    runs = []
    for file in sorted(docs.rglob("*.md")):
        page = parse(file.read_text(encoding="utf-8", errors="replace"))
        runs += [(file.relative_to(docs).as_posix(), run.line, run.text) for run in page.prose]
    return runs


def with_typos(docs: Path, runs: list[tuple[str, int, str]]) -> set[tuple[str, int, str]]:
    pages: dict[str, list[spelling.Prose]] = {}
    for page, line, text in runs:
        pages.setdefault(page, []).append(spelling.Prose(line, text))
    found = spelling.check(Rules({}), docs, [(p, tuple(r)) for p, r in pages.items()], frozenset())
    words = set()
    for diagnostic in found:
        assert diagnostic is not None
        assert diagnostic.location is not None
        if diagnostic.code != "DG714":
            sys.exit(f"typos: {diagnostic.message}")
        word = diagnostic.message.split("'")[1]
        words.add((diagnostic.location.path, diagnostic.location.line or 0, word))
    return words


def with_codespell(runs: list[tuple[str, int, str]]) -> set[tuple[str, int, str]] | None:
    command = shutil.which("codespell")
    if command is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp, "prose.txt")
        lines.write_text(
            "".join(spelling._line(text) + "\n" for _, _, text in runs), encoding="utf-8"
        )
        done = subprocess.run(
            [command, "--builtin", "clear,rare", str(lines)],
            capture_output=True,
            text=True,
            check=False,
        )
    words = set()
    for output in done.stdout.splitlines():
        match = _CODESPELL.match(output)
        if match:
            page, line, _ = runs[int(match["line"]) - 1]
            words.add((page, line, match["word"]))
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=Path, help="the docs folder (its *.md pages)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    args = parser.parse_args()
    runs = prose(args.docs)
    typos = with_typos(args.docs, runs)
    codespell = with_codespell(runs)
    both = sorted(typos | (codespell or set()))
    rows = [
        {
            "page": page,
            "line": line,
            "word": word,
            "typos": (page, line, word) in typos,
            "codespell": None if codespell is None else (page, line, word) in codespell,
        }
        for page, line, word in both
    ]
    if args.json:
        print(json.dumps({"prose_runs": len(runs), "findings": rows}, indent=2))
        return
    for row in rows:
        marks = ("typos " if row["typos"] else "      ") + ("codespell" if row["codespell"] else "")
        print(f"{row['page']}:{row['line']}: {row['word']!r:24} {marks}")
    counted = "not installed" if codespell is None else str(len(codespell))
    print(f"\n{len(runs)} prose runs; typos: {len(typos)} findings; codespell: {counted}")


if __name__ == "__main__":
    main()
