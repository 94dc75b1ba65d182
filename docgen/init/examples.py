"""`docgen init`'s proposals for the docs' code examples, tried before they are proposed.

| Code  | Severity | Meaning |
|-------|----------|---------|
| DG910 | info     | pages use the package without importing it: `examples.setup` is proposed |
| DG911 | info     | every example of a page fails: skipping it is proposed (over 3 pages: once) |
| DG912 | info     | the examples could not be tried: the package does not import here |

The pages' Python examples are run once, sandboxed as in a build (no network, shell blocks
left alone), with the proposed setup, so that a page is only proposed for skipping when its
examples fail with the setup too.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from docgen import docsdir
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.examples.collect import Example, PageExamples, collect, iter_runnable
from docgen.examples.run import PageRun, Sandbox, run_pages
from docgen.init.detect import STAGE, Project

__all__ = ["propose"]

# What an example that is a fragment ends with: it fails, or follows one that did.
_FAILED = frozenset({"error", "blocked", "not_raised", "output_limit"})
# Up to this many pages to skip are proposed one by one, more in one proposal.
_ONE_BY_ONE = 3


def _pages(folder: Path, root: Path) -> list[PageExamples]:
    pages = []
    for file in docsdir.markdown_files(folder):
        try:
            text = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the build says so; init only proposes
        pages.append(collect(file.relative_to(root).as_posix(), text))
    return pages


def _python(page: PageExamples) -> list[Example]:
    return [e for e in iter_runnable(page) if e.language in {"python", "pycon"}]


def _unimported(page: PageExamples, package: str) -> int | None:
    """The line where the page's Python examples use `package` without importing it."""
    examples = [e for e in page.examples if e.language in {"python", "pycon"}]
    code = "\n".join(e.code for e in examples)
    imported = re.compile(rf"^[\s>.]*(?:import|from)\s+{re.escape(package)}\b", re.MULTILINE)
    if imported.search(code):
        return None
    used = re.compile(rf"(?<![\w.]){re.escape(package)}\s*\.\s*\w")
    for example in examples:
        found = used.search(example.code)
        if found is not None:
            return example.code_line + example.code[: found.start()].count("\n")
    return None


def _setup(project: Project, pages: list[PageExamples]) -> tuple[str, list[Diagnostic]]:
    """The proposed `examples.setup` (empty when none is needed) and its proposal."""
    users: dict[str, list[tuple[str, int]]] = {}
    for package in project.packages:
        for page in pages:
            line = _unimported(page, package)
            if line is not None:
                users.setdefault(package, []).append((page.path, line))
    if not users:
        return "", []
    code = "\n".join(f"import {package}" for package in users)
    where = sorted({place for places in users.values() for place in places})
    count = len({path for path, _ in where})
    names = ", ".join(f"`{package}`" for package in users)
    yaml = "\\n".join(code.split("\n"))
    return code, [
        Diagnostic(
            "DG910",
            Severity.INFO,
            f"{count} page{'s' if count > 1 else ''} use{'' if count > 1 else 's'} {names} "
            f"without importing it: {', '.join(path for path, _ in where[:5])}"
            + (", …" if len(where) > 5 else ""),
            Location(*where[0]),
            f'add `examples: {{setup: "{yaml}"}}` to the docgen plugin in mkdocs.yml: it runs '
            "before every page's examples",
            STAGE,
        )
    ]


def _all_failed(run: PageRun) -> bool:
    statuses = [str(record["status"]) for record in run.records]
    statuses += ["error"] * (len(run.blocks) - len(statuses))  # a crash, a timeout
    return bool(statuses) and all(status in _FAILED for status in statuses)


def propose(project: Project, docs_dir: str) -> list[Diagnostic]:
    """What `docgen init` proposes for the examples of the pages in `docs_dir`.

    `project` gives the repository and its packages: a page that uses one without
    importing it gets `examples.setup` proposed (DG910); a page whose every example fails,
    with that setup, gets a skip proposed (DG911). When the packages do not import, the
    examples are not judged (DG912).
    """
    folder = project.root / docs_dir
    pages = _pages(folder, project.root) if folder.is_dir() else []
    setup, diagnostics = _setup(project, pages)
    to_run = [(page.path, examples) for page in pages if (examples := _python(page))]
    if not to_run:
        return diagnostics
    imports = "\n".join(f"import {package}" for package in project.packages)
    sandbox = Sandbox(timeout=5.0, jobs=len(os.sched_getaffinity(0)), setup=imports or setup)
    runs = run_pages(to_run, sandbox)
    failed_setup = next((run.setup for run in runs if run.setup is not None), None)
    if failed_setup is not None:
        diagnostics.append(
            Diagnostic(
                "DG912",
                Severity.INFO,
                f"the examples were not tried: `{imports}` fails here ({failed_setup['message']})",
                Location("pyproject.toml"),
                "install the project (`pip install -e .`), then run `docgen init` again for "
                "proposals about its examples",
                STAGE,
            )
        )
        return diagnostics
    failed = [run for run in runs if _all_failed(run)]
    if len(failed) > _ONE_BY_ONE:
        # One proposal for them all: a page each would flood init's output.
        skipped = [Path(run.path).relative_to(docs_dir).as_posix() for run in failed]
        listed = ", ".join(json.dumps(page) for page in skipped)
        diagnostics.append(
            Diagnostic(
                "DG911",
                Severity.INFO,
                f"every example fails on {len(failed)} pages: "
                f"{', '.join(skipped[:3])}, …: if they are illustrative fragments, say so",
                Location(failed[0].path, failed[0].blocks[0].line),
                f"add `examples: {{skip: [{listed}]}}` to the docgen plugin in mkdocs.yml, or "
                '`<!-- docgen: skip-start reason="fragments" -->` at the top of each page',
                STAGE,
            )
        )
        failed = []
    for run in failed:
        relative = Path(run.path).relative_to(docs_dir).as_posix()
        diagnostics.append(
            Diagnostic(
                "DG911",
                Severity.INFO,
                f"every example of this page fails ({len(run.blocks)}): if they are "
                "illustrative fragments, say so",
                Location(run.path, run.blocks[0].line),
                f'add `examples: {{skip: ["{relative}"]}}` to the docgen plugin in '
                'mkdocs.yml, or `<!-- docgen: skip-start reason="fragments" -->` at the '
                "top of the page",
                STAGE,
            )
        )
    return diagnostics
