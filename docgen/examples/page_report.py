"""One page's run, read: diagnostics, counts, and the `--update` replacements."""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.examples import compare, names, update
from docgen.examples.collect import RUN_LANGUAGES, Example
from docgen.examples.findings import (
    SKIP_HINT,
    STAGE,
    Tally,
    diagnostic,
    excerpt,
    hint_for,
    network_hint,
)
from docgen.examples.run import PageRun, Sandbox

__all__ = ["PageReport", "apply_updates", "setup_failure"]

_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


class PageReport:
    """Turns one page's run into diagnostics, counts and `--update` replacements.

    Attributes:
        run: the page's run: its blocks, their records and how its process ended.
        lines: the page's lines, for the excerpt an error shows.
        tally: the stage's counts, which `read` adds the page's to.
        sandbox: the limits the page ran with (its timeout and output limit).
        network_hint: the hint for an example that needed the network.
        diagnostics: the page's findings, once `read`.
        replacements: for each DG502 mismatch, the expected output `--update` writes.
    """

    def __init__(
        self,
        run: PageRun,
        lines: Sequence[str],
        tally: Tally,
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
        self._causes: dict[int, str] = {}

    def _info(self, code: str, message: str, line: int | None, hint: str | None = None) -> None:
        self.diagnostics.append(diagnostic(code, Severity.INFO, message, self.run.path, line, hint))

    def _error(self, code: str, message: str, line: int | None, hint: str) -> None:
        if line is not None:
            message = f"{message}\n{excerpt(self.lines, line)}"
        self.diagnostics.append(
            diagnostic(code, Severity.ERROR, message, self.run.path, line, hint)
        )

    def read(self) -> None:
        """Read the run's records: the page's diagnostics, replacements and counts."""
        blocks = self.run.blocks
        reported = {record["block"] for record in self.run.records}
        blocked: dict[tuple[int, str], list[int]] = {}
        for record in self.run.records:
            example = blocks[record["block"]]
            if record["status"] == "blocked":
                blocked.setdefault((record["cause"], record["why"]), []).append(record["line"])
                self.tally.not_reached += 1
            elif record["status"] == "network":
                self._needs_network(example, record)
            elif self._excused(example, record):
                self.tally.skipped += 1
            else:
                ok = self._record(example, record)
                self.tally.passed += ok
                self.tally.failed += not ok
        for (cause, why), lines in blocked.items():
            if cause == 0:
                continue  # examples.setup failed: said once for every page, at mkdocs.yml
            count = len(lines)
            why = self._causes.get(cause, why)  # noqa: PLW2901
            self._info(
                "DG514",
                f"{count} later example{'s' if count > 1 else ''} not run: "
                f"the example at line {cause} {why}",
                lines[0],
                "they share its state (the page's Python namespace, or its shell session): "
                + (
                    "they run once it does"
                    if why == "needs the network" or cause in self._causes
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
            self._error(
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
                self._error(
                    "DG503",
                    f"{example.language} example did not finish within {seconds:g} s",
                    example.code_line,
                    "make it faster, allow more with `<!-- docgen: timeout=SECONDS -->`, "
                    + SKIP_HINT,
                )
            else:
                self._error(
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
            self._error(
                "DG505",
                f"the page's process {how}{where}" + (f"\n  output:\n{output}" if output else ""),
                blocks[running].code_line if running is not None else None,
                "an example must not end the interpreter (os._exit, os.kill, exec), " + SKIP_HINT,
            )
        ended = {self.run.timed_out, self.run.unfinished}
        self.tally.failed += sum(i in ended for i in unreported)
        later = [i for i in unreported if i not in ended]
        self.tally.not_reached += len(later)
        stopper = next((i for i in ended if i is not None and i >= 0), None)
        if later and stopper is not None:
            # The page's process is gone: every later block of either state is not run.
            how = "timed out" if stopper == self.run.timed_out else "ended the page's process"
            self._info(
                "DG514",
                f"{len(later)} later example{'s' if len(later) > 1 else ''} not run: "
                f"the example at line {blocks[stopper].code_line} {how}",
                blocks[later[0]].line,
                "the page's examples run in one process, which ended there: fix that example, "
                "and they run again",
            )

    def _excused(self, example: Example, record: Mapping[str, Any]) -> bool:
        """A failure that is no mistake of the page's: a fragment (DG516, info) or a module
        that is not installed (DG517, warning). True when it was one, and said so."""
        if record["status"] != "error" or record.get("mismatches"):
            return False
        line = int(record.get("line") or example.code_line)
        name, module = record.get("name"), record.get("module")
        partial = any(first > 1 or last for _offset, _path, first, last in example.includes)
        syntax = str(record.get("message", "")).startswith(_SYNTAX_ERRORS)
        if partial and syntax:
            self._info(
                "DG516",
                f"{example.language} example is a fragment: it includes part of a file, which "
                "does not compile on its own",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence',
            )
            self._causes[line] = "is a fragment"
            return True
        if record.get("relative"):
            self._info(
                "DG516",
                f"{example.language} example is a fragment: a module of a package (it imports "
                "relatively), not code to run on its own",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence',
            )
            self._causes[line] = "is a fragment"
            return True
        statement = int(record.get("statement") or line)
        earlier = self.run.blocks[: int(record["block"])]
        again = names.redeclared_class(example, statement, earlier)
        if again:
            self._info(
                "DG516",
                f"{example.language} example is a program of its own: it declares `{again}` "
                "again, which an earlier example of the page declared, and the page's examples "
                "share one process",
                statement,
                'mark the later program `<!-- docgen: skip reason="a program of its own" -->`, '
                "or give it a page of its own",
            )
            self._causes[statement] = "is a program of its own"
            return True
        if name:
            # What the page defined so far: a name only a later block defines is a preview.
            done = self.run.blocks[: int(record["block"]) + 1]
            if not names.fragment_name(str(name), names.bound_names(done, self.sandbox.setup)):
                return False
            self._info(
                "DG516",
                f"{example.language} example is a fragment: it uses `{name}`, which no "
                "earlier example of the page defines",
                line,
                'mark it `<!-- docgen: skip reason="fragment" -->` before the fence; if it is '
                f"meant to run, define `{name}` in an earlier block or in `examples.setup`",
            )
            self._causes[line] = "is a fragment"
            return True
        titled = {Path(e.title).parts[0].removesuffix(".py") for e in self.run.blocks if e.title}
        if not module or module in titled:
            return False
        self.diagnostics.append(
            diagnostic(
                "DG517",
                Severity.WARNING,
                f"{example.language} example needs module `{module}`, which is not installed",
                self.run.path,
                line,
                f"install it where docgen runs (the docs' requirements), import a stand-in in "
                f"`examples.setup`, {SKIP_HINT}",
            )
        )
        self._causes[line] = f"needs module `{module}`, which is not installed"
        return True

    def _needs_network(self, example: Example, record: Mapping[str, Any]) -> None:
        """DG515: the example tried to reach the network; it counts as skipped."""
        self.tally.skipped += 1
        self._info(
            "DG515",
            f"{example.language} example {record['message']}",
            int(record.get("line") or example.code_line),
            self.network_hint,
        )

    def _record(self, example: Example, record: Mapping[str, Any]) -> bool:
        status = record["status"]
        line = int(record.get("line") or example.code_line)
        ok = True
        if status == "error":
            detail = str(record.get("detail") or record.get("output") or "").rstrip()
            tail = "\n".join(f"    {t}" for t in detail.splitlines()[-12:])
            message = str(record.get("message") or "example failed")
            self._error(
                "DG501",
                message + (f"\n{tail}" if tail else ""),
                line,
                hint_for(message + detail[-400:]),
            )
            ok = False
        elif status == "not_raised":
            self._error(
                "DG506",
                str(record["message"]),
                line,
                "check the exception's name in `raises=`, or remove the marker",
            )
            ok = False
        elif status == "output_limit":
            self._error(
                "DG504",
                f"example printed more than {self.sandbox.output_limit} bytes: its output "
                "was truncated there and the block stopped",
                line,
                "print less, or raise `examples.output_limit` in mkdocs.yml",
            )
            ok = False
        for mismatch in record.get("mismatches", ()):
            ok = self._mismatch(example, mismatch, pycon=True) and ok
        for command in record.get("commands", ()):
            ok = self._command(example, command) and ok
        return ok

    def _mismatch(self, example: Example, found: Mapping[str, Any], *, pycon: bool) -> bool:
        got = compare.normalize(found["got"])
        if pycon:
            got = [g or "<BLANKLINE>" for g in got]
        diff = compare.diff(found["expected"], got)
        self._error(
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

    def _command(self, example: Example, command: Mapping[str, Any]) -> bool:
        expected: list[str] = list(command["expected"])
        status = int(command["status"])
        if expected and not example.markers.output_ignore:
            if compare.matches(expected, command["got"]):
                return True
            return self._mismatch(example, command, pycon=False)
        if status == (example.markers.exit or 0):
            return True
        output = "\n".join(f"    {o}" for o in compare.normalize(command["got"])[-12:])
        self._error(
            "DG501",
            f"command exited with status {status}" + (f"\n{output}" if output else ""),
            int(command["line"]),
            "fix the command, show its output after it (then only the output is compared), "
            + SKIP_HINT,
        )
        return False


def setup_failure(
    runs: Sequence[PageRun], settings: ExamplesConfig, *, offline: bool
) -> list[Diagnostic]:
    """`examples.setup` failed: one finding at mkdocs.yml for every page it failed on.

    Args:
        runs: every page's run.
        settings: the `examples` settings, for the network hint.
        offline: the build runs with `--offline`.
    """
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
            diagnostic(
                "DG515",
                Severity.INFO,
                f"examples.setup {first['message']}; {where}",
                "mkdocs.yml",
                None,
                network_hint(settings, offline=offline),
            )
        ]
    detail = "\n".join(f"    {t}" for t in str(first.get("detail", "")).splitlines()[-12:])
    return [
        diagnostic(
            "DG501",
            Severity.ERROR,
            f"examples.setup failed: {first['message']}; {where}\n{detail}".rstrip(),
            "mkdocs.yml",
            None,
            "fix the `examples.setup` code in mkdocs.yml (it runs before every page)",
        )
    ]


def apply_updates(
    config: DocgenConfig, pages: Sequence[PageReport], tally: Tally
) -> list[Diagnostic]:
    """`--update`: rewrite expected output; the fixed mismatches become notes.

    Args:
        config: the project's configuration (its root, where the pages are).
        pages: every page's report, with its replacements.
        tally: the stage's counts; each output rewritten counts as updated.
    """
    replaced: dict[int, Diagnostic] = {}
    for page in pages:
        if not page.replacements:
            continue
        stale = update.apply(config.root / page.run.path, [r for _, r in page.replacements])
        for found, replacement in page.replacements:
            if replacement in stale:
                replaced[id(found)] = Diagnostic(
                    "DG513",
                    Severity.WARNING,
                    "could not update the expected output: the file changed since it was read",
                    found.location,
                    "run the check again",
                    STAGE,
                )
            else:
                tally.updated += 1
                replaced[id(found)] = Diagnostic(
                    "DG512",
                    Severity.INFO,
                    "expected output updated",
                    found.location,
                    None,
                    STAGE,
                )
    out: list[Diagnostic] = []
    for page in pages:
        out += [replaced.get(id(d), d) for d in page.diagnostics]
    return out
