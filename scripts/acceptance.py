#!/usr/bin/env python3
"""Acceptance run on real repositories (issue 14 §8): does a new user get a green build?

For each checkout given on the command line, in a temporary copy (the checkout itself is
never modified):

1. `mkdocs build` of the original configuration, timed (the yardstick);
2. `docgen init`, then a first `docgen build --offline --no-cache` (JSON), timed, its
   findings counted by severity and code;
3. `docgen baseline` (when docgen has the command), then a second build: expected green;
4. a broken anchor link and a failing Python example planted at the end of the home page,
   and the same failing example alone in a new page (an earlier slow or failing block of
   the home page must not hide it), a third build: each must be an error at its planted
   file:line. The example column reads `home / new page`.

One table row per repository is printed (Markdown). No network: the checkouts must exist.
Run each checkout with the interpreter of its own venv (docgen, the repository's docs
requirements and the repository itself installed there), e.g.:

    /work/venvs/uvicorn/bin/python scripts/acceptance.py /work/repos/uvicorn
    scripts/acceptance.py /work/repos/uvicorn=/work/venvs/uvicorn/bin/python \\
        /work/repos/griffe=/work/venvs/griffe/bin/python --out /work/notes/accept/run

The pinned commits of the phase-1 run (checkouts made from `fetch`ed mirrors):

| Repository          | Commit                                   | Venv notes                  |
|---------------------|------------------------------------------|-----------------------------|
| encode/uvicorn      | e6c7ce791fc634b6eedee40e0d0207faa8a9aefd | requirements.txt docs part, |
|                     |                                          | material 9.8 (not 9.6.13)   |
| mkdocstrings/griffe | b450abb0b372f594271a017153a297c75651531a | `docs` group; griffelib and |
|                     |                                          | griffecli `-e --no-deps`    |
| pypa/hatch          | ed8e30bebf98f2fe4d70c18a32a50a8160c391cb | hatch.toml docs env, but    |
|                     |                                          | material 9.8, mkdocstrings  |
|                     |                                          | 1.x, pymdown 13             |
| fastapi/sqlmodel    | a6469ef61bb903cbf7fd8749c70d8ceb8046c368 | `docs` group (zensical)     |
| astral-sh/uv        | 26a9dd4b2125bc271b47855e1fa0c49af3365db5 | `docs` group; uv itself not |
|                     |                                          | installed (a Rust build)    |

Offline, hatch's Material `social` plugin downloads fonts and crashes any build, with or
without docgen: `OFFLINE_EDITS` turns it off in the copy, for both builds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PINNED = {
    "uvicorn": "e6c7ce791fc634b6eedee40e0d0207faa8a9aefd",
    "griffe": "b450abb0b372f594271a017153a297c75651531a",
    "hatch": "ed8e30bebf98f2fe4d70c18a32a50a8160c391cb",
    "sqlmodel": "a6469ef61bb903cbf7fd8749c70d8ceb8046c368",
    "uv": "26a9dd4b2125bc271b47855e1fa0c49af3365db5",
}

# (text in mkdocs.yml, replacement): what an offline build needs that no config flag gives.
OFFLINE_EDITS = {
    "hatch": [
        (
            "  social:\n    cards_layout_options:",
            "  social:\n    enabled: false\n    cards_layout_options:",
        )
    ],
}

ANCHOR = "docgen-acceptance-no-such-anchor"
# {info} is the fence's info string: `python`, or `python exec="1"` where markdown-exec runs
# only the blocks it is asked to (docgen then does the same).
EXAMPLE = """
```{info}
raise RuntimeError("docgen acceptance: planted failing example")
```
"""
PLANTED = (
    "\n\n<!-- docgen acceptance: planted problems, both must fail at their line -->\n\n"
    "[planted broken anchor](#{anchor})\n" + EXAMPLE
)


def fence_info(root: Path) -> str:
    """How the project's docs mark a Python block that runs."""
    config = next((root / n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)
    text = config.read_text(encoding="utf-8") if config else ""
    uses_exec = "markdown_exec" in text or "markdown-exec" in text
    return 'python exec="1"' if uses_exec else "python"


@dataclass(slots=True)
class Run:
    """One command's outcome: exit code, seconds, and its JSON findings when it wrote some."""

    code: int
    seconds: float
    output: str
    findings: list[dict[str, object]] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """Findings counted by severity."""
        return Counter(str(f["severity"]) for f in self.findings)

    def codes(self, severity: str) -> Counter[str]:
        """Findings of one `severity` counted by code."""
        return Counter(str(f["code"]) for f in self.findings if f["severity"] == severity)


@dataclass(slots=True)
class Row:
    """What the table says about one repository."""

    name: str
    commit: str
    init: str = "-"
    first: Run | None = None
    mkdocs: Run | None = None
    baseline: str = "-"
    second: Run | None = None
    anchor: str = "-"
    example: str = "-"
    notes: list[str] = field(default_factory=list)


def run(cmd: list[str], cwd: Path, env: dict[str, str], json_out: Path | None = None) -> Run:
    """Run `cmd` in `cwd`, timed; read the findings from `json_out` when given."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    outcome = Run(done.returncode, time.perf_counter() - start, done.stdout + done.stderr)
    if json_out is not None and json_out.is_file():
        outcome.findings = json.loads(json_out.read_text(encoding="utf-8"))["diagnostics"]
    return outcome


def commit_of(checkout: Path) -> str:
    """The checkout's HEAD commit, or '?' when it is not a git repository."""
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else "?"


def docs_dir(root: Path) -> Path:
    """The `docs_dir` of `root/mkdocs.yml` (default `docs`), read without loading YAML tags."""
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^docs_dir:\s*['\"]?([^'\"#\s]+)", config, re.MULTILINE)
    return root / (found.group(1) if found else "docs")


def home_page(root: Path) -> Path:
    """The page the problems are planted in: the home page, else the first page."""
    docs = docs_dir(root)
    for name in ("index.md", "README.md"):
        if (docs / name).is_file():
            return docs / name
    return sorted(docs.rglob("*.md"))[0]


def add_plugin_by_hand(root: Path, init_output: str) -> bool:
    """When `docgen init` could not extend mkdocs.yml, add the lines it printed, as a user would.

    The docgen entry goes at the end of the last top-level `plugins:` list (MkDocs keeps the
    last of duplicate keys), or in a new `plugins: [search, docgen]` list.
    """
    lines = init_output.splitlines()
    if "plugins:" not in lines:
        return False
    entry: list[str] = []
    for line in lines[lines.index("plugins:") + 1 :]:
        if not line.startswith("  "):
            break
        if not line.lstrip().startswith("#"):
            entry.append(line)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(text) if re.match(r"plugins:\s*$", line)]
    if not starts:
        text += ["plugins:", "  - search", *entry]
    else:
        end = starts[-1] + 1
        while end < len(text) and (not text[end].strip() or text[end][0] in " -#"):
            end += 1
        while end > starts[-1] + 1 and not text[end - 1].strip():
            end -= 1
        text[end:end] = entry
    config.write_text("\n".join(text) + "\n", encoding="utf-8")
    return True


def plant(page: Path, info: str) -> tuple[int, int]:
    """Append a broken anchor and a failing example to `page`; their lines (1-based)."""
    text = page.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    before = text.count("\n")
    addition = PLANTED.format(anchor=ANCHOR, info=info)
    page.write_text(text + addition, encoding="utf-8")
    added = addition.split("\n")
    anchor_line = before + next(i for i, t in enumerate(added) if ANCHOR in t) + 1
    fence_line = before + next(i for i, t in enumerate(added) if t.startswith("```python")) + 1
    return anchor_line, fence_line


def found_at(findings: list[dict[str, object]], path: str, lines: set[int], prefix: str) -> str:
    """`ok` when an error of a code starting with `prefix` is at `path`:one of `lines`."""
    here = [
        f
        for f in findings
        if f["severity"] == "error" and f["file"] == path and str(f["code"]).startswith(prefix)
    ]
    if any(f["line"] in lines for f in here):
        return "ok"
    if here:
        return "line " + ",".join(str(f["line"]) for f in here)
    return "missed"


def accept(checkout: Path, python: str, out: Path) -> Row:
    """The whole acceptance run for one `checkout`, with the venv of `python`."""
    name = checkout.name.removesuffix("-orig")
    row = Row(name, commit_of(checkout))
    if row.commit != PINNED.get(name, row.commit):
        row.notes.append(f"not the pinned commit {PINNED[name][:12]}")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": str(Path(python).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    docgen = [python, "-m", "docgen"]
    with tempfile.TemporaryDirectory(prefix=f"docgen-accept-{name}-") as tmp:
        root = Path(tmp) / name
        shutil.copytree(checkout, root, symlinks=True, ignore=shutil.ignore_patterns("site"))
        shutil.rmtree(root / ".cache" / "docgen", ignore_errors=True)
        config = root / "mkdocs.yml"
        for old, new in OFFLINE_EDITS.get(name, []):
            config.write_text(config.read_text(encoding="utf-8").replace(old, new), "utf-8")

        row.mkdocs = run([python, "-m", "mkdocs", "build", "-d", f"{tmp}/plain"], root, env)
        init = run([*docgen, "init"], root, env)
        row.init = "ok" if init.code == 0 else f"exit {init.code}"
        if init.code != 0:
            row.init += ", added by hand" if add_plugin_by_hand(root, init.output) else ""
        (out / f"{name}-init.txt").write_text(init.output, encoding="utf-8")

        build = [*docgen, "build", "--offline", "--format", "json", "-o"]
        row.first = run([*build, str(out / f"{name}-first.json"), "--no-cache"], root, env,
                        out / f"{name}-first.json")  # fmt: skip

        commands = run([*docgen, "--help"], root, env).output
        if re.search(r"\bbaseline\b", commands):
            options = run([*docgen, "baseline", "--help"], root, env).output
            offline = ["--offline"] if "--offline" in options else []
            made = run([*docgen, "baseline", *offline], root, env)
            row.baseline = "ok" if made.code == 0 else f"exit {made.code}"
            (out / f"{name}-baseline.txt").write_text(made.output, encoding="utf-8")
        else:
            row.baseline = "no command"
        row.second = run([*build, str(out / f"{name}-second.json")], root, env,
                         out / f"{name}-second.json")  # fmt: skip

        page = home_page(root)
        info = fence_info(root)
        anchor_line, fence_line = plant(page, info)
        alone = page.parent / "docgen-acceptance.md"
        alone.write_text("# Planted\n" + EXAMPLE.format(info=info), encoding="utf-8")
        alone_fence = EXAMPLE.split("\n").index("```{info}") + 2
        third = run([*build, str(out / f"{name}-planted.json")], root, env,
                    out / f"{name}-planted.json")  # fmt: skip
        where = page.relative_to(root).as_posix()
        row.anchor = f"{found_at(third.findings, where, {anchor_line}, 'DG30')} ({anchor_line})"
        home = found_at(third.findings, where, {fence_line, fence_line + 1}, "DG50")
        new_page = found_at(
            third.findings,
            alone.relative_to(root).as_posix(),
            {alone_fence, alone_fence + 1},
            "DG50",
        )
        row.example = f"{home} ({fence_line + 1}) / {new_page}"
        if third.code != 1:
            row.notes.append(f"planted build exited {third.code}")
    return row


HEADER = (
    "| repo | commit | init | 1st build: errors / warnings | top codes (errors; warnings) "
    "| docgen s | mkdocs s | × | baseline | 2nd build | planted anchor | planted example "
    "| notes |\n|" + "---|" * 13
)


def table_row(row: Row) -> str:
    """One Markdown table row for `row`."""
    first, plain, second = row.first, row.mkdocs, row.second
    counts = first.counts() if first else Counter[str]()

    def top(severity: str) -> str:
        codes = first.codes(severity) if first else Counter[str]()
        return " ".join(f"{c}×{n}" for c, n in codes.most_common(4)) or "-"

    ratio = f"{first.seconds / plain.seconds:.1f}" if first and plain and plain.seconds else "-"
    if plain and plain.code:
        row.notes.append(f"mkdocs build exited {plain.code}")
    green = "-"
    if second:
        left = second.counts()
        green = "green" if second.code == 0 else f"exit {second.code}"
        green += f" ({left['error']} E, {left['warning']} W)"
    cells = [
        row.name,
        row.commit[:12],
        row.init,
        f"{counts['error']} / {counts['warning']}" if first else "-",
        f"{top('error')}; {top('warning')}",
        f"{first.seconds:.0f}" if first else "-",
        f"{plain.seconds:.0f}" if plain else "-",
        ratio,
        row.baseline,
        green,
        row.anchor,
        row.example,
        "; ".join(row.notes) or "",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    """Run the acceptance for each checkout; print the table; exit 1 unless all pass."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "checkouts", nargs="+", help="CHECKOUT or CHECKOUT=PYTHON (default: this interpreter)"
    )
    parser.add_argument("--out", type=Path, help="keep the JSON findings and logs here")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="docgen-accept-out-"))
    out.mkdir(parents=True, exist_ok=True)
    print(HEADER, flush=True)
    passed = True
    for spec in args.checkouts:
        path, _, python = spec.partition("=")
        row = accept(Path(path).resolve(), python or sys.executable, out)
        print(table_row(row), flush=True)
        second_green = row.second is not None and row.second.code == 0
        planted = row.anchor.startswith("ok") and row.example.count("ok") == 2
        passed &= second_green and planted
    print(f"\nfindings and logs: {out}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
