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

Each page runs in a process of its own (forked from one warm interpreter, so Python's
start-up is paid once), pages in parallel (`-j N`, default: one per core). The blocks of a
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
import json
import os
import re
import signal
import time
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.examples import compare, names, policy, update
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
from docgen.examples.include import expand, expand_text
from docgen.examples.run import ForkServer, PageRun, Sandbox, run_pages
from docgen.model import Document, StageResult

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

STAGE = "examples"
_SKIP_HINT = 'or skip it with `<!-- docgen: skip reason="why" -->` before the fence'


@dataclass(slots=True)
class _Tally:
    """What happened to the examples, for the summary."""

    examples: int = 0
    run: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    not_reached: int = 0
    not_run: Counter[str] = field(default_factory=Counter)
    pages_run: int = 0
    pages_cached: int = 0
    updated: int = 0

    def summary(self, pages: int) -> dict[str, object]:
        return {
            "pages": pages,
            "examples": self.examples,
            "run": self.run,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "not_reached": self.not_reached,
            "not_run": dict(sorted(self.not_run.items())),
            "pages_run": self.pages_run,
            "pages_cached": self.pages_cached,
            "updated": self.updated,
        }


def _diagnostic(
    code: str,
    severity: Severity,
    message: str,
    path: str,
    line: int | None,
    hint: str | None = None,
) -> Diagnostic:
    return Diagnostic(code, severity, message, Location(path, line), hint, STAGE)


def _not_utf8(path: str, data: str | bytes) -> Diagnostic | None:
    """DG509 when a page is not UTF-8 (bytes, or text read with surrogateescape)."""
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
        else:
            return None
    else:
        bad = re.search("[\ud800-\udfff]", data)
        if bad is None:
            return None
        line = data[: bad.start()].count("\n") + 1
    return _diagnostic(
        "DG509",
        Severity.ERROR,
        "page is not valid UTF-8; its examples were not run",
        path,
        line,
        "save the file as UTF-8",
    )


def _excerpt(lines: Sequence[str], line: int, context: int = 2) -> str:
    start = max(1, line - context)
    shown = []
    for number in range(start, min(line, len(lines)) + 1):
        mark = ">" if number == line else " "
        shown.append(f"  {mark} {number:>4} | {lines[number - 1]}")
    return "\n".join(shown)


# A line that only says "more here": `...`, `# ...`, `// ...`, `…`, `...with more data...`.
_ELISION = re.compile(r"^\s*(?:#|//)?\s*(?:\.\.\.|…)")
# `<TARGET_NAME>`, `<YOUR-TOKEN>`: a value for the reader to fill in.
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_-]*>")


def placeholder(code: str) -> str | None:
    """The first `<UPPER_CASE>` placeholder of a data block's `code`, or None."""
    found = _PLACEHOLDER.search(code)
    return found.group(0) if found else None


def without_elisions(code: str) -> str:
    """A data block's `code` with its elision lines blanked, line numbers kept.

    A comma left dangling before a closing bracket by an elided last item goes too.
    """
    lines = code.split("\n")
    for number, text in enumerate(lines):
        if not _ELISION.match(text):
            continue
        lines[number] = ""
        before = next((i for i in range(number - 1, -1, -1) if lines[i].strip()), None)
        after = next((t.strip() for t in lines[number + 1 :] if t.strip()), "")
        if before is not None and lines[before].rstrip().endswith(",") and after[:1] in "]}":
            lines[before] = lines[before].rstrip()[:-1]
    return "\n".join(lines)


def _check_data(example: Example) -> Diagnostic | None:
    """DG507 for a YAML, JSON or TOML block that does not parse (elisions left out).

    A block with `<UPPER_CASE>` placeholders is read with each one as a plain word; if it
    still does not parse, the placeholder may stand for any value: one DG511 info.
    """
    code, origin = expand_text(example.code, example.includes)
    code = without_elisions(code)
    failure = _parse_error(example.language, code)
    if failure is not None and placeholder(code) is not None:
        plain = _PLACEHOLDER.sub(lambda found: found.group(0)[1:-1], code)
        if _parse_error(example.language, plain) is None:
            return None
        return _diagnostic(
            "DG511",
            Severity.INFO,
            f"{example.language} example not parsed: it has a placeholder "
            f"({placeholder(code)}) for the reader to fill in",
            example.path,
            example.line,
        )
    if failure is None:
        return None
    message, line = failure
    # Parsers point past the end for an unclosed bracket: keep the line inside the block.
    # A line of an included file is reported at its directive's line.
    offset = origin[min(line - 1, len(origin) - 1)] if line else 0
    where = min(example.code_line + offset, max(example.end_line - 1, 1))
    return _diagnostic(
        "DG507",
        Severity.ERROR,
        f"{example.language} example does not parse: {message}",
        example.path,
        where,
        f"fix the {example.language}, {_SKIP_HINT}",
    )


def _parse_error(language: str, code: str) -> tuple[str, int | None] | None:
    """Why `code` does not parse as `language` (yaml, json, toml), and at which line."""
    line: int | None
    try:
        if language == "json":
            json.loads(code)
        elif language == "toml":
            tomllib.loads(code)
        else:
            for _document in yaml.load_all(code, Loader=_YamlLoader):
                pass
    except json.JSONDecodeError as exc:
        message, line = exc.msg, exc.lineno
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"at line (\d+)", message)
        line = int(found.group(1)) if found else None
    except yaml.YAMLError as exc:
        message = str(exc).split("\n")[0]
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
    else:
        return None
    return message, line


class _YamlLoader(yaml.SafeLoader):
    """Safe, and tolerant of what real YAML examples hold: `on:` keys and custom tags."""


# GitHub's `on:` stays the string "on" (YAML 1.1 would read it as true).
_YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# `!ENV`, `!!python/name:` and friends are MkDocs' business, not a syntax error.
_YamlLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _hint_for(message: str) -> str:
    if message.startswith("MemoryError"):
        return (
            "the examples' memory is limited (`examples.memory_limit` in mkdocs.yml): "
            f"use less, or raise the limit, {_SKIP_HINT}"
        )
    if "EOFError" in message:
        return f"stdin is closed while examples run; don't read input, {_SKIP_HINT}"
    if any(word in message for word in ("TOKEN", "SECRET", "KEY", "PASS")):
        return (
            f"credentials are removed from the examples' environment: don't read them, {_SKIP_HINT}"
        )
    return f"fix the example, or expect the error with `<!-- docgen: raises=NAME -->`, {_SKIP_HINT}"


_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


class _Page:
    """Turns one page's run into diagnostics, counts and `--update` replacements."""

    def __init__(
        self,
        run: PageRun,
        lines: Sequence[str],
        tally: _Tally,
        sandbox: Sandbox,
        network_hint: str = "",
    ):
        self.run = run
        self.lines = lines
        self.tally = tally
        self.sandbox = sandbox
        self.network_hint = network_hint
        self.diagnostics: list[Diagnostic] = []
        self.replacements: list[tuple[Diagnostic, update.Replacement]] = []
        # The lines of failures that are not errors (a fragment, a missing package): why.
        self.causes: dict[int, str] = {}

    def info(self, code: str, message: str, line: int | None, hint: str | None = None) -> None:
        self.diagnostics.append(
            _diagnostic(code, Severity.INFO, message, self.run.path, line, hint)
        )

    def error(self, code: str, message: str, line: int | None, hint: str) -> None:
        if line is not None:
            message = f"{message}\n{_excerpt(self.lines, line)}"
        self.diagnostics.append(
            _diagnostic(code, Severity.ERROR, message, self.run.path, line, hint)
        )

    def read(self) -> None:
        blocks = self.run.blocks
        reported = {record["block"] for record in self.run.records}
        blocked: dict[tuple[int, str], list[int]] = {}
        for record in self.run.records:
            example = blocks[record["block"]]
            if record["status"] == "blocked":
                blocked.setdefault((record["cause"], record["why"]), []).append(record["line"])
                self.tally.not_reached += 1
            elif record["status"] == "network":
                self.needs_network(example, record)
            elif self.excused(example, record):
                self.tally.skipped += 1
            else:
                ok = self.record(example, record)
                self.tally.passed += ok
                self.tally.failed += not ok
        for (cause, why), lines in blocked.items():
            if cause == 0:
                continue  # examples.setup failed: said once for every page, at mkdocs.yml
            count = len(lines)
            why = self.causes.get(cause, why)  # noqa: PLW2901
            self.info(
                "DG514",
                f"{count} later example{'s' if count > 1 else ''} not run: "
                f"the example at line {cause} {why}",
                lines[0],
                "they share its state (the page's Python namespace, or its shell session): "
                + (
                    "they run once it does"
                    if why == "needs the network" or cause in self.causes
                    else "fix that example, and they run again"
                ),
            )
        # Blocks that are only written to their file (`text title="x.txt"`) report nothing.
        unreported = [
            i
            for i in range(len(blocks))
            if i not in reported and blocks[i].language in RUN_LANGUAGES
        ]
        if self.run.error is not None:
            self.error(
                "DG505",
                f"could not start the examples' process: {self.run.error}",
                None,
                "check that the Python interpreter and bash are installed",
            )
        elif self.run.timed_out is not None:
            index = self.run.timed_out
            if index >= 0:
                example = blocks[index]
                seconds = example.markers.timeout or self.sandbox.timeout
                self.error(
                    "DG503",
                    f"{example.language} example did not finish within {seconds:g} s",
                    example.code_line,
                    "make it faster, allow more with `<!-- docgen: timeout=SECONDS -->`, "
                    + _SKIP_HINT,
                )
            else:
                self.error(
                    "DG503",
                    "the examples' process hung between two blocks",
                    None,
                    "a Python block may have left a thread or handler behind",
                )
        elif self.run.unfinished is not None or self.run.returncode != 0:
            running = self.run.unfinished
            how = (
                f"was killed by signal {-self.run.returncode}"
                if self.run.returncode < 0
                else f"exited with status {self.run.returncode}"
            )
            if self.run.returncode == -signal.SIGXCPU:
                how += " (its CPU time limit)"
            output = "\n".join(f"    {o}" for o in compare.normalize(self.run.output)[-10:])
            where = " while this example ran" if running is not None else ""
            self.error(
                "DG505",
                f"the page's process {how}{where}" + (f"\n  output:\n{output}" if output else ""),
                blocks[running].code_line if running is not None else None,
                "an example must not end the interpreter (os._exit, os.kill, exec), " + _SKIP_HINT,
            )
        ended = {self.run.timed_out, self.run.unfinished}
        self.tally.failed += sum(i in ended for i in unreported)
        later = [i for i in unreported if i not in ended]
        self.tally.not_reached += len(later)
        stopper = next((i for i in ended if i is not None and i >= 0), None)
        if later and stopper is not None:
            # The page's process is gone: every later block of either state is not run.
            how = "timed out" if stopper == self.run.timed_out else "ended the page's process"
            self.info(
                "DG514",
                f"{len(later)} later example{'s' if len(later) > 1 else ''} not run: "
                f"the example at line {blocks[stopper].code_line} {how}",
                blocks[later[0]].line,
                "the page's examples run in one process, which ended there: fix that example, "
                "and they run again",
            )

    def excused(self, example: Example, record: Mapping[str, Any]) -> bool:
        """A failure that is no mistake of the page's: a fragment (DG516, info) or a module
        that is not installed (DG517, warning). True when it was one, and said so."""
        if record["status"] != "error" or record.get("mismatches"):
            return False
        line = int(record.get("line") or example.code_line)
        name, module = record.get("name"), record.get("module")
        partial = any(first > 1 or last for _offset, _path, first, last in example.includes)
        syntax = str(record.get("message", "")).startswith(_SYNTAX_ERRORS)
        if partial and syntax:
            self.info(
                "DG516",
                f"{example.language} example is a fragment: it includes part of a file, which "
                "does not compile on its own",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence',
            )
            self.causes[line] = "is a fragment"
            return True
        if record.get("relative"):
            self.info(
                "DG516",
                f"{example.language} example is a fragment: a module of a package (it imports "
                "relatively), not code to run on its own",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence',
            )
            self.causes[line] = "is a fragment"
            return True
        statement = int(record.get("statement") or line)
        earlier = self.run.blocks[: int(record["block"])]
        again = names.redeclared_class(example, statement, earlier)
        if again:
            self.info(
                "DG516",
                f"{example.language} example is a program of its own: it declares `{again}` "
                "again, which an earlier example of the page declared, and the page's examples "
                "share one process",
                statement,
                'mark the later program `<!-- docgen: skip reason="a program of its own" -->`, '
                "or give it a page of its own",
            )
            self.causes[statement] = "is a program of its own"
            return True
        if name:
            # What the page defined so far: a name only a later block defines is a preview.
            done = self.run.blocks[: int(record["block"]) + 1]
            if not names.fragment_name(str(name), names.bound_names(done, self.sandbox.setup)):
                return False
            self.info(
                "DG516",
                f"{example.language} example is a fragment: it uses `{name}`, which no "
                "earlier example of the page defines",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence; if it is '
                f"meant to run, define `{name}` in an earlier block or in `examples.setup`",
            )
            self.causes[line] = "is a fragment"
            return True
        titled = {Path(e.title).parts[0].removesuffix(".py") for e in self.run.blocks if e.title}
        if not module or module in titled:
            return False
        self.diagnostics.append(
            _diagnostic(
                "DG517",
                Severity.WARNING,
                f"{example.language} example needs module `{module}`, which is not installed",
                self.run.path,
                line,
                f"install it where docgen runs (the docs' requirements), import a stand-in in "
                f"`examples.setup`, {_SKIP_HINT}",
            )
        )
        self.causes[line] = f"needs module `{module}`, which is not installed"
        return True

    def needs_network(self, example: Example, record: Mapping[str, Any]) -> None:
        """DG515: the example tried to reach the network; it counts as skipped."""
        self.tally.skipped += 1
        self.info(
            "DG515",
            f"{example.language} example {record['message']}",
            int(record.get("line") or example.code_line),
            self.network_hint,
        )

    def record(self, example: Example, record: Mapping[str, Any]) -> bool:
        status = record["status"]
        line = int(record.get("line") or example.code_line)
        ok = True
        if status == "error":
            detail = str(record.get("detail") or record.get("output") or "").rstrip()
            tail = "\n".join(f"    {t}" for t in detail.splitlines()[-12:])
            message = str(record.get("message") or "example failed")
            self.error(
                "DG501",
                message + (f"\n{tail}" if tail else ""),
                line,
                _hint_for(message + detail[-400:]),
            )
            ok = False
        elif status == "not_raised":
            self.error(
                "DG506",
                str(record["message"]),
                line,
                "check the exception's name in `raises=`, or remove the marker",
            )
            ok = False
        elif status == "output_limit":
            self.error(
                "DG504",
                f"example printed more than {self.sandbox.output_limit} bytes: its output "
                "was truncated there and the block stopped",
                line,
                "print less, or raise `examples.output_limit` in mkdocs.yml",
            )
            ok = False
        for mismatch in record.get("mismatches", ()):
            ok = self.mismatch(example, mismatch, pycon=True) and ok
        for command in record.get("commands", ()):
            ok = self.command(example, command) and ok
        return ok

    def mismatch(self, example: Example, found: Mapping[str, Any], *, pycon: bool) -> bool:
        got = compare.normalize(found["got"])
        if pycon:
            got = [g or "<BLANKLINE>" for g in got]
        diff = compare.diff(found["expected"], got)
        self.error(
            "DG502",
            f"output differs from the example's expected output\n{diff}",
            int(found["line"]),
            "fix the example or its output, or run `docgen check --only examples --update`",
        )
        indent = example.indent + str(found.get("indent", ""))
        replacement = update.Replacement(
            int(found["start"]), tuple(found["expected"]), tuple(got), indent
        )
        self.replacements.append((self.diagnostics[-1], replacement))
        return False

    def command(self, example: Example, command: Mapping[str, Any]) -> bool:
        expected: list[str] = list(command["expected"])
        status = int(command["status"])
        if expected and not example.markers.output_ignore:
            if compare.matches(expected, command["got"]):
                return True
            return self.mismatch(example, command, pycon=False)
        if status == (example.markers.exit or 0):
            return True
        output = "\n".join(f"    {o}" for o in compare.normalize(command["got"])[-12:])
        self.error(
            "DG501",
            f"command exited with status {status}" + (f"\n{output}" if output else ""),
            int(command["line"]),
            "fix the command, show its output after it (then only the output is compared), "
            + _SKIP_HINT,
        )
        return False


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


def _network_hint(settings: ExamplesConfig, *, offline: bool) -> str:
    if offline:
        return f"the build is --offline: it runs when the network is allowed, {_SKIP_HINT}"
    if settings.network:
        return f"the network is allowed but could not be reached, {_SKIP_HINT}"
    return f"allow the network with `examples.network: true` in mkdocs.yml, {_SKIP_HINT}"


def _setup_failure(
    runs: Sequence[PageRun], settings: ExamplesConfig, *, offline: bool
) -> list[Diagnostic]:
    """`examples.setup` failed: one finding at mkdocs.yml for every page it failed on."""
    failed = [run for run in runs if run.setup is not None]
    if not failed:
        return []
    first = failed[0].setup
    assert first is not None
    blocked = sum(1 for run in failed for record in run.records if record["status"] == "blocked")
    pages = f"{len(failed)} page{'s' if len(failed) > 1 else ''}"
    where = f"{blocked} Python example{'s' if blocked != 1 else ''} on {pages} not run"
    if first["status"] == "network":
        return [
            _diagnostic(
                "DG515",
                Severity.INFO,
                f"examples.setup {first['message']}; {where}",
                "mkdocs.yml",
                None,
                _network_hint(settings, offline=offline),
            )
        ]
    detail = "\n".join(f"    {t}" for t in str(first.get("detail", "")).splitlines()[-12:])
    return [
        _diagnostic(
            "DG501",
            Severity.ERROR,
            f"examples.setup failed: {first['message']}; {where}\n{detail}".rstrip(),
            "mkdocs.yml",
            None,
            "fix the `examples.setup` code in mkdocs.yml (it runs before every page)",
        )
    ]


def _apply_updates(config: DocgenConfig, pages: Sequence[_Page], tally: _Tally) -> list[Diagnostic]:
    """`--update`: rewrite expected output; the fixed mismatches become notes."""
    replaced: dict[int, Diagnostic] = {}
    for page in pages:
        if not page.replacements:
            continue
        stale = update.apply(config.root / page.run.path, [r for _, r in page.replacements])
        for diagnostic, replacement in page.replacements:
            if replacement in stale:
                replaced[id(diagnostic)] = Diagnostic(
                    "DG513",
                    Severity.WARNING,
                    "could not update the expected output: the file changed since it was read",
                    diagnostic.location,
                    "run the check again",
                    STAGE,
                )
            else:
                tally.updated += 1
                replaced[id(diagnostic)] = Diagnostic(
                    "DG512",
                    Severity.INFO,
                    "expected output updated",
                    diagnostic.location,
                    None,
                    STAGE,
                )
    out: list[Diagnostic] = []
    for page in pages:
        out += [replaced.get(id(d), d) for d in page.diagnostics]
    return out


def _check_pages(
    config: DocgenConfig,
    pages: Sequence[PageExamples],
    texts: Mapping[str, str],
    diagnostics: list[Diagnostic],
    started: float,
    server: ForkServer | None,
) -> StageResult:
    settings = config.examples or ExamplesConfig()
    sandbox = _sandbox(settings, offline=config.offline)
    tally = _Tally()
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
                _diagnostic(
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
                        _diagnostic(
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
                    _diagnostic(
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
                        _diagnostic(
                            "DG511",
                            Severity.INFO,
                            f"{example.language} example skipped: {reason}",
                            page.path,
                            example.line,
                        )
                    )
            elif example.language in DATA_LANGUAGES:
                parse_error = _check_data(example)
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
            _diagnostic(
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
    runs = run_pages(to_run, sandbox, server)
    tally.pages_run = len(runs)
    results: list[_Page] = []
    hint = _network_hint(settings, offline=config.offline)
    diagnostics += _setup_failure(runs, settings, offline=config.offline)
    for run in runs:
        lines = texts[run.path].replace("\r\n", "\n").split("\n")
        page_result = _Page(run, lines, tally, sandbox, hint)
        before = tally.failed
        page_result.read()
        results.append(page_result)
        clean = not page_result.diagnostics and run.setup is None
        if cache is not None and tally.failed == before and clean:
            cache.remember(keys[run.path], run.path, len(run.blocks))
    if settings.update:
        diagnostics += _apply_updates(config, results, tally)
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
    page: PageExamples, pattern: str, tally: _Tally, diagnostics: list[Diagnostic]
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
            _diagnostic(
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
    server = _early_server(config, documents)
    try:
        diagnostics: list[Diagnostic] = []
        pages: list[PageExamples] = []
        texts: dict[str, str] = {}
        for document in documents:
            if document.generated:
                continue
            bad = _not_utf8(document.source, document.markdown)
            if bad is not None:
                diagnostics.append(bad)
                continue
            pages.append(collect(document.source, document.markdown))
            texts[document.source] = document.markdown
        result = _check_pages(config, pages, texts, diagnostics, started, server)
    finally:
        if server is not None:
            server.close(unused=server.unused)
    return result


def _early_server(config: DocgenConfig, documents: Sequence[Document]) -> ForkServer | None:
    """The fork server, started before the pages are collected when they will surely run.

    Its start-up then overlaps with the collection. Not when the cache may hold pages (they
    may not run at all), nor when no page has a code fence.
    """
    settings = config.examples or ExamplesConfig()
    cache_may_hold = settings.cache and (config.cache_dir / "examples").is_dir()
    fenced = any(
        not d.generated and ("```" in d.markdown or "~~~" in d.markdown) for d in documents
    )
    if cache_may_hold or not fenced:
        return None
    return ForkServer(_sandbox(settings, offline=config.offline).python)


def collect_folder(config: DocgenConfig) -> tuple[list[PageExamples], list[Diagnostic]]:
    """Every `*.md` page under `docs_dir`, collected; undecodable pages are diagnostics.

    `config` gives `docs_dir` and the root that the pages' paths are relative to.
    """
    pages: list[PageExamples] = []
    diagnostics: list[Diagnostic] = []
    for file in sorted(config.docs_dir.rglob("*.md")):
        path = config.relative(file)
        data = file.read_bytes()
        undecodable = _not_utf8(path, data)
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
