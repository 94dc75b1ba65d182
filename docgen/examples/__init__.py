"""Run the docs' code examples: collect → run (sandboxed, parallel, cached) → diagnostics.

## Which blocks run

| Fence language | What docgen does |
|---|---|
| `python`, `py`, `python3`, `py3` | run; a page's blocks share one namespace, in order |
| `pycon` (or `python` starting with `>>>`) | a doctest session: output is compared |
| `console`, `shell-session` | when asked: `$ ` lines run in bash; the lines after are the output |
| `bash`, `sh`, `shell` | when asked: run with `set -euo pipefail`; a page shares one bash session |
| `yaml`, `json`, `toml` | parsed, so a syntax error is reported |
| anything else | counted as not run |

Fences inside Material admonitions (`!!! note`, `??? tip`) and content tabs (`=== "Tab"`)
are found too, and so are info strings with attributes (`python title="app.py"`,
`{.python .annotate}`). A block with a `title` that is a file name (`title="app.py"`,
`title="conf/settings.yaml"`) is also written to that file in the working directory
before it runs, so later blocks can `import app` or `$ python app.py`.

## Markers

Markers are HTML comments, invisible in the built site. One goes on the line(s) just
before the fence it is about; several can share a comment.

| Marker | Effect |
|---|---|
| `<!-- docgen: skip reason="needs network" -->` | the next block is skipped, with its reason |
| `<!-- docgen: skip-start reason="slow" -->` | every block up to `skip-end` is skipped |
| `<!-- docgen: skip-end -->` | ends a skipped range |
| `<!-- docgen: raises=ValueError -->` | the next Python block must raise this (or a subclass) |
| `<!-- docgen: timeout=30 -->` | the next block may run 30 s (default: `examples.timeout`) |
| `<!-- docgen: exit=2 -->` | the next bash block (or console command) must exit with 2 |
| `<!-- docgen: output=ignore -->` | the next console block's output is not compared |
| `<!-- docgen: run -->` | the next shell block runs although `examples.shell` is off |
| `<!-- docgen: allow=install,clone -->` | the next shell block may do these (see `policy`) |
| `<!-- docgen: main -->` | the next Python block runs with `__name__ == "__main__"` |

A hidden setup block runs, in order, but readers never see it:

````markdown
<!-- docgen: setup
```python
import json
data = {"name": "docgen"}
```
-->
````

## What runs, and what is said

Shell blocks run only when asked (`examples.shell`, or the `run` marker), and even then not
when they install, clone, use `sudo` or pipe a download into a shell, unless allowed
(`policy`). Pages matching `examples.skip` are left out, one info each. `examples.setup`
runs before every page; if it fails, that is one error at mkdocs.yml and the pages' Python
blocks are not run. After the first failure in a page's Python namespace (or its shell
session), the later blocks of that state are not run: one DG514 says how many. The network
is off unless `examples.network` (never under `--offline`): an example that tries gets one
DG515 info and counts as skipped.

## What real pages hold

Include directives in a fence (`--8<-- "file"` with pymdownx.snippets, `{!file!}` with
mdx_include) use the file (see `include`). With markdown-exec, only blocks with `exec="1"`
(or a `run` marker) run. A first failure that is a `NameError` for a name no earlier example
defines (nor a near-miss of one, nor a builtin), or a relative import, is a fragment (DG516,
info), and so is a block that fails declaring again a class an earlier block declared (a
program of its own); a module that is not installed is a warning (DG517). A block that compares
`__name__` with `"__main__"` runs with `__name__ == "__example__"` unless marked `main`.
Bodies indented as a whole are dedented. In data blocks, elision lines (`...`) are left
out and `<PLACEHOLDERS>` read as words. A `>>>` traceback is compared by its last
exception, and the examples' folder reads as `.` in a session's output. A timeout or a crash
says how many later examples were not run (DG514).

## How examples run

Each page runs in a process of its own (forked from a warm interpreter, so Python's
start-up is paid once per worker, not per page), pages in parallel (`-j N` workers,
default: one per core; a free worker takes the next page). The blocks of a
page share state in order; a bash block that exits as its `exit=` marker expects ends its
session, and the next shell block starts a new one.

The working directory is a fresh temporary folder, `HOME` and `TMPDIR` are inside it,
and all of it is removed afterwards; stdin is closed; variables whose name contains `TOKEN`,
`SECRET`, `PASS`, `KEY`, `CREDENTIAL`, `AUTH`, `PRIVATE` or `COOKIE` are removed;
`NO_COLOR=1` and `COLUMNS=80` keep output stable; memory (`examples.memory_limit`, 2 GiB),
CPU time, file size and processes are limited; output beyond `examples.output_limit`
bytes fails the block; a block past its timeout has its whole process group killed, and
so has whatever a page left running when it ends. It is not a security boundary: what it
does not protect against is listed in docs/user-guide/examples.md.

## Expected output

In a console block, a command followed by output lines has that output compared; a
command shown without output must succeed (exit status 0, or the `exit=` marker's).
Output is compared like doctest's: trailing spaces and blank lines never matter, colour
codes are dropped, and `...` stands for any text. A mismatch shows a diff;
`docgen check --only examples --update` writes the real output into the Markdown file,
touching only the expected-output lines.

## Cache

A page whose examples all passed is remembered under `.cache/docgen/examples/`, keyed by
its examples, the interpreter, the installed packages and the project's Python files; it
is not run again until one of them changes. `--no-cache` runs everything.

## Diagnostics

| Code | Severity | Meaning |
|---|---|---|
| DG501 | error | an example raised, or a command failed |
| DG502 | error | printed output differs from the shown output (diff included) |
| DG503 | error | a block ran out of time |
| DG504 | error | a block printed more than the output limit |
| DG505 | error | the page's process ended abruptly (`os._exit`, a signal, a crash) |
| DG506 | error | the expected exception (`raises=`) was not raised |
| DG507 | error | a YAML, JSON or TOML block does not parse |
| DG508 | error | a code fence is never closed |
| DG509 | error | the page is not valid UTF-8; it is skipped |
| DG510 | warning | a marker is malformed, unknown or not followed by a block |
| DG511 | info | a block was skipped (with the reason) |
| DG512 | info | expected output was rewritten by `--update` |
| DG513 | warning | `--update` could not rewrite: the file changed since it was read |
| DG514 | info | later examples not run: an earlier one in the same state failed or timed out |
| DG515 | info | an example (or `examples.setup`) needs the network, which is off |
| DG516 | info | a fragment: a name no earlier example defines, a relative import, a class again |
| DG517 | warning | an example needs a module that is not installed |
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence

from docgen import docsdir
from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.examples import policy
from docgen.examples.cache import ResultCache, environment_key, page_key
from docgen.examples.collect import (
    DATA_LANGUAGES,
    PYTHON_FAMILY,
    RUN_LANGUAGES,
    Example,
    PageExamples,
    collect,
    iter_runnable,
    language_of,
)
from docgen.examples.data import check_data, placeholder, without_elisions
from docgen.examples.findings import STAGE, Tally, diagnostic, network_hint, not_utf8
from docgen.examples.include import expand
from docgen.examples.page_report import PageReport, apply_updates, setup_failure
from docgen.examples.run import Sandbox, run_pages, start_workers
from docgen.model import Document, StageResult
from docgen.pool import Workers

__all__ = [
    "Example",
    "PageExamples",
    "check",
    "collect",
    "collect_folder",
    "dump",
    "placeholder",
    "without_elisions",
]


def _sandbox(settings: ExamplesConfig, *, offline: bool = False) -> Sandbox:
    jobs = settings.jobs or len(os.sched_getaffinity(0))
    return Sandbox(
        timeout=settings.timeout,
        output_limit=settings.output_limit,
        memory_limit=settings.memory_limit,
        jobs=jobs,
        network=settings.network and not offline,
        setup=settings.setup,
    )


def _check_pages(
    config: DocgenConfig,
    pages: Sequence[PageExamples],
    texts: Mapping[str, str],
    diagnostics: list[Diagnostic],
    started: float,
    workers: Workers | None,
) -> StageResult:
    settings = config.examples or ExamplesConfig()
    sandbox = _sandbox(settings, offline=config.offline)
    tally = Tally()
    to_run: list[tuple[str, list[Example]]] = []
    docs_dir = config.relative(config.docs_dir)
    not_exec: Counter[str] = Counter()  # markdown-exec: blocks it does not run, per page
    for page in pages:
        pattern = policy.page_skip(page.path, docs_dir, settings)
        if pattern is not None:
            _skip_page(page, pattern, tally, diagnostics)
            continue
        for problem in page.problems:
            diagnostics.append(
                diagnostic(
                    "DG510",
                    Severity.ERROR if problem.error else Severity.WARNING,
                    problem.message,
                    page.path,
                    problem.line,
                    problem.hint,
                )
            )
        held: set[int] = set()  # shell blocks not run, by their line
        expanded: list[Example] = []
        for original in page.examples:
            tally.examples += 1
            example, reason = expand(original, config.markdown)
            expanded.append(example)
            if reason is not None:
                held.add(example.line)  # its include cannot be read: not run
            reason = example.skip_reason or reason
            if config.markdown.markdown_exec and not _executed(example):
                held.add(example.line)
                not_exec[page.path] += 1
                tally.skipped += 1
                continue
            if reason is None and example.language in policy.SHELL_LANGUAGES and example.closed:
                if not policy.runs_shell(example, settings):
                    tally.not_run[example.language] += 1
                    held.add(example.line)
                    continue
                found = policy.risk(example, settings.allow)
                if found is not None:
                    reason = f"`{found.command}` {found.what}"
                    held.add(example.line)
                    diagnostics.append(
                        diagnostic(
                            "DG511",
                            Severity.INFO,
                            f"{example.language} example skipped: {reason}",
                            page.path,
                            found.line,
                            f"allow it with `<!-- docgen: allow={found.kind} -->` before the "
                            f"fence, or `examples.allow: [{found.kind}]` in mkdocs.yml",
                        )
                    )
                    tally.skipped += 1
                    continue
            if not example.closed:
                diagnostics.append(
                    diagnostic(
                        "DG508",
                        Severity.ERROR,
                        "code fence is never closed: the rest of the page is inside it",
                        page.path,
                        example.line,
                        "close it with the same fence (```) on a line of its own",
                    )
                )
                tally.failed += 1
            elif reason is not None:
                tally.skipped += 1
                if example.language in PYTHON_FAMILY | RUN_LANGUAGES | DATA_LANGUAGES:
                    diagnostics.append(
                        diagnostic(
                            "DG511",
                            Severity.INFO,
                            f"{example.language} example skipped: {reason}",
                            page.path,
                            example.line,
                        )
                    )
            elif example.language in DATA_LANGUAGES:
                parse_error = check_data(example)
                if parse_error is not None and parse_error.severity is Severity.INFO:
                    tally.skipped += 1  # a placeholder
                else:
                    tally.run += 1
                    tally.passed += parse_error is None
                    tally.failed += parse_error is not None
                if parse_error is not None:
                    diagnostics.append(parse_error)
            elif example.language in RUN_LANGUAGES:
                tally.run += 1
            else:
                tally.not_run[example.language or "(none)"] += 1
        # A shell block not run is still written to its file, if it names one.
        page = dataclasses.replace(page, examples=tuple(expanded))  # noqa: PLW2901
        runnable = [
            e if e.line not in held else dataclasses.replace(e, language="text")
            for e in iter_runnable(page)
            if e.line not in held or e.title is not None
        ]
        if any(example.language in RUN_LANGUAGES for example in runnable):
            to_run.append((page.path, runnable))
    if not_exec:
        count = sum(not_exec.values())
        diagnostics.append(
            diagnostic(
                "DG511",
                Severity.INFO,
                f"{count} example{'s' if count > 1 else ''} on {len(not_exec)} "
                f"page{'s' if len(not_exec) > 1 else ''} not run: with markdown-exec, only "
                'blocks with `exec="1"` run',
                "mkdocs.yml",
                None,
                "to run one all the same, put `<!-- docgen: run -->` before its fence",
            )
        )
    cache = ResultCache(config.cache_dir / "examples") if settings.cache else None
    keys: dict[str, str] = {}
    if cache is not None and to_run:
        environment = environment_key(config.root, sandbox)
        keys = {path: page_key(environment, path, examples) for path, examples in to_run}
        cached = [path for path, _ in to_run if cache.passed(keys[path])]
        for path, examples in to_run:
            if path in cached:
                tally.passed += sum(e.language in RUN_LANGUAGES for e in examples)
        tally.pages_cached = len(cached)
        to_run = [(path, examples) for path, examples in to_run if path not in cached]
    runs = run_pages(to_run, sandbox, workers if sandbox.fork_server else None)
    tally.pages_run = len(runs)
    results: list[PageReport] = []
    hint = network_hint(settings, offline=config.offline)
    diagnostics += setup_failure(runs, settings, offline=config.offline)
    for run in runs:
        lines = texts[run.path].replace("\r\n", "\n").split("\n")
        page_result = PageReport(run, lines, tally, sandbox, hint)
        before = tally.failed
        page_result.read()
        results.append(page_result)
        clean = not page_result.diagnostics and run.setup is None
        if cache is not None and tally.failed == before and clean:
            cache.remember(keys[run.path], run.path, len(run.blocks))
    if settings.update:
        diagnostics += apply_updates(config, results, tally)
    else:
        diagnostics += [d for page in results for d in page.diagnostics]
    return StageResult(
        STAGE,
        diagnostics=tuple(diagnostics),
        model={"examples": [e.to_dict() for page in pages for e in page.examples]},
        summary=tally.summary(len(pages)),
        seconds=time.perf_counter() - started,
    )


def _executed(example: Example) -> bool:
    """With markdown-exec: does this block run? Its `exec` option, or docgen's markers."""
    if example.language not in RUN_LANGUAGES or example.markers.run or example.markers.setup:
        return True
    _language, attributes = language_of(example.info)
    return attributes.get("exec", "").lower() in {"1", "true", "yes", "on"}


def _skip_page(
    page: PageExamples, pattern: str, tally: Tally, diagnostics: list[Diagnostic]
) -> None:
    """A page `examples.skip` leaves out: one note for all its examples."""
    count = sum(e.language in PYTHON_FAMILY | RUN_LANGUAGES | DATA_LANGUAGES for e in page.examples)
    tally.examples += len(page.examples)
    tally.skipped += count
    tally.not_run.update(
        e.language or "(none)"
        for e in page.examples
        if e.language not in PYTHON_FAMILY | RUN_LANGUAGES | DATA_LANGUAGES
    )
    if count:
        diagnostics.append(
            diagnostic(
                "DG511",
                Severity.INFO,
                f"{count} example{'s' if count > 1 else ''} skipped: the page matches "
                f"examples.skip {pattern!r}",
                page.path,
                None,
            )
        )


def check(config: DocgenConfig, documents: Sequence[Document]) -> StageResult:
    """Run the examples of every hand-written page; one diagnostic per problem.

    Args:
        config: the `examples:` settings (timeout, limits, cache, `--update`) and the paths.
        documents: every page's Markdown; generated pages are left out.
    """
    started = time.perf_counter()
    workers = _early_workers(config, documents)
    try:
        diagnostics: list[Diagnostic] = []
        pages: list[PageExamples] = []
        texts: dict[str, str] = {}
        for document in documents:
            if document.generated:
                continue
            bad = not_utf8(document.source, document.markdown)
            if bad is not None:
                diagnostics.append(bad)
                continue
            pages.append(collect(document.source, document.markdown))
            texts[document.source] = document.markdown
        result = _check_pages(config, pages, texts, diagnostics, started, workers)
    finally:
        if workers is not None:
            workers.close()
    return result


def _early_workers(config: DocgenConfig, documents: Sequence[Document]) -> Workers | None:
    """The warm workers, started before the pages are collected when they will surely run.

    Their start-up then overlaps with the collection. Not when the cache may hold pages
    (they may not run at all), nor when no page has a code fence. One per page with a
    fence, at most `-j`.
    """
    settings = config.examples or ExamplesConfig()
    cache_may_hold = settings.cache and (config.cache_dir / "examples").is_dir()
    fenced = sum(
        not d.generated and ("```" in d.markdown or "~~~" in d.markdown) for d in documents
    )
    sandbox = _sandbox(settings, offline=config.offline)
    if cache_may_hold or not fenced or not sandbox.fork_server:
        return None
    return start_workers(sandbox, min(sandbox.jobs, fenced))


def collect_folder(config: DocgenConfig) -> tuple[list[PageExamples], list[Diagnostic]]:
    """Every `*.md` page under `docs_dir`, collected; undecodable pages are diagnostics.

    `config` gives `docs_dir` and the root that the pages' paths are relative to.
    """
    pages: list[PageExamples] = []
    diagnostics: list[Diagnostic] = []
    for file in docsdir.markdown_files(config.docs_dir):
        path = config.relative(file)
        data = file.read_bytes()
        undecodable = not_utf8(path, data)
        if undecodable is not None:
            diagnostics.append(undecodable)
            continue
        pages.append(collect(path, data.decode("utf-8")))
    return pages, diagnostics


def dump(config: DocgenConfig, args: Sequence[str]) -> dict[str, object]:
    """`docgen dump examples [FILE...]`: the collected examples, as JSON.

    `config` says where the pages are. With `args`, only pages whose path ends with one
    of them.
    """
    pages, diagnostics = collect_folder(config)
    if args:
        pages = [page for page in pages if any(page.path.endswith(arg) for arg in args)]
    return {
        "examples": [example.to_dict() for page in pages for example in page.examples],
        "problems": [
            {"file": page.path, "line": p.line, "message": p.message}
            for page in pages
            for p in page.problems
        ],
        "diagnostics": [d.to_dict() for d in diagnostics],
    }
