"""What the examples stage says: its diagnostics, hints and the summary's counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from docgen.config import ExamplesConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = [
    "SKIP_HINT",
    "STAGE",
    "Tally",
    "diagnostic",
    "excerpt",
    "hint_for",
    "network_hint",
    "not_utf8",
]

STAGE = "examples"
"""The stage's name, as its diagnostics give it."""
SKIP_HINT = 'or skip it with `<!-- docgen: skip reason="why" -->` before the fence'
"""The end of every hint about an example that fails: how to skip it instead."""


@dataclass(slots=True)
class Tally:
    """What happened to the examples, for the summary.

    Attributes:
        examples: examples found on the pages.
        run: examples run, or parsed for a data block.
        passed: examples that passed, on a cached page too.
        failed: examples that failed.
        skipped: examples skipped: by a marker, or as a fragment, a missing module or the
            network.
        not_reached: examples not run: an earlier one they depend on failed, or the page's
            process ended before them.
        not_run: examples of no language that runs, or shell blocks the settings keep
            from running: by language.
        pages_run: pages whose examples ran.
        pages_cached: pages whose examples passed before and did not change: not run again.
        updated: expected outputs rewritten by `--update`.
    """

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
        """The counts as the stage's summary shows them.

        Args:
            pages: how many pages were read for examples.
        """
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


def diagnostic(
    code: str,
    severity: Severity,
    message: str,
    path: str,
    line: int | None,
    hint: str | None = None,
) -> Diagnostic:
    """A finding of the examples stage.

    Args:
        code: the diagnostic code (`DG501`).
        severity: how bad it is.
        message: what is wrong.
        path: the file, relative to the project root.
        line: its 1-based line, or None for the whole file.
        hint: how to fix it, if there is a hint.
    """
    return Diagnostic(code, severity, message, Location(path, line), hint, STAGE)


def not_utf8(path: str, data: str | bytes) -> Diagnostic | None:
    """DG509 when a page is not UTF-8 (bytes, or text read with surrogateescape).

    Args:
        path: the page, as the finding names it.
        data: the page's content.
    """
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
    return diagnostic(
        "DG509",
        Severity.ERROR,
        "page is not valid UTF-8; its examples were not run",
        path,
        line,
        "save the file as UTF-8",
    )


def excerpt(lines: Sequence[str], line: int, context: int = 2) -> str:
    """The page's lines up to `line`, numbered, that line marked `>`: for an error message.

    Args:
        lines: the page's lines.
        line: the 1-based line to show.
        context: how many lines before it to show too.
    """
    start = max(1, line - context)
    shown = []
    for number in range(start, min(line, len(lines)) + 1):
        mark = ">" if number == line else " "
        shown.append(f"  {mark} {number:>4} | {lines[number - 1]}")
    return "\n".join(shown)


# A line that only says "more here": `...`, `# ...`, `// ...`, `…`, `...with more data...`.


def hint_for(message: str) -> str:
    """The hint for an example that raised: what the sandbox takes away, or how to fix it.

    Args:
        message: the exception's line, with the end of its traceback.
    """
    if message.startswith("MemoryError"):
        return (
            "the examples' memory is limited (`examples.memory_limit` in mkdocs.yml): "
            f"use less, or raise the limit, {SKIP_HINT}"
        )
    if "EOFError" in message:
        return f"stdin is closed while examples run; don't read input, {SKIP_HINT}"
    if any(word in message for word in ("TOKEN", "SECRET", "KEY", "PASS")):
        return (
            f"credentials are removed from the examples' environment: don't read them, {SKIP_HINT}"
        )
    return f"fix the example, or expect the error with `<!-- docgen: raises=NAME -->`, {SKIP_HINT}"


def network_hint(settings: ExamplesConfig, *, offline: bool) -> str:
    """The hint for an example that needs the network: why it could not reach it.

    Args:
        settings: the `examples` settings (is the network allowed?).
        offline: the build runs with `--offline`.
    """
    if offline:
        return f"the build is --offline: it runs when the network is allowed, {SKIP_HINT}"
    if settings.network:
        return f"the network is allowed but could not be reached, {SKIP_HINT}"
    return f"allow the network with `examples.network: true` in mkdocs.yml, {SKIP_HINT}"
