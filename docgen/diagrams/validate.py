"""Validate diagrams with Mermaid's own parser: one Node process for a whole build.

Every diagram goes to `validate.js` as a JSON line on stdin and comes back as a JSON line
on stdout; Node and Mermaid start once (about a second), not once per diagram, and
`prewarm` starts them early, while the build renders pages. The parser
is the installed copy of the Mermaid the site serves, so what passes here renders there.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from docgen.diagrams import setup
from docgen.pagecache import PageCache, reuse

__all__ = ["SCRIPT", "Outcome", "ValidatorError", "parse", "prewarm"]

SCRIPT = Path(__file__).with_name("validate.js")
"""The Node script that parses diagrams with Mermaid, one JSON line in and out each."""
_STARTUP_SECONDS = 60.0
_SECONDS_PER_DIAGRAM = 2.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """Mermaid's verdict on one diagram.

    `ok` is true when the diagram parsed. `kind` is Mermaid's diagram type
    (`flowchart-v2`) when it parsed; otherwise `error` is
    `syntax` or `unknown`, `message` is Mermaid's, and `line` is the 1-based line of the
    diagram text (comments counted) where Mermaid saw the problem, when it said.
    """

    ok: bool
    kind: str | None = None
    error: str | None = None
    message: str = ""
    line: int | None = None


_FIELDS = {f.name for f in fields(Outcome)}


class ValidatorError(Exception):
    """Node or the validator script could not run; the message says why."""


def _start(folder: Path) -> subprocess.Popen[str]:
    node = shutil.which("node")
    if node is None:
        raise ValidatorError("Node.js is not installed (no `node` on PATH)")
    if not setup.installed(folder):
        raise ValidatorError(f"Mermaid is not installed in {folder}")
    return subprocess.Popen(
        [node, str(SCRIPT), str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


# Validators started ahead of need, by install folder: Node and Mermaid load (about a
# second of CPU) on the second core while MkDocs renders pages on the first.
_warm: dict[Path, subprocess.Popen[str]] = {}


def prewarm(folder: Path | None = None) -> None:
    """Start the validator for the next `parse`, if it can start; never raises.

    `folder` is where Mermaid is installed, by default the install folder.
    """
    folder = folder or setup.install_dir()
    if folder in _warm:
        return
    try:
        _warm[folder] = _start(folder)
    except (ValidatorError, OSError):
        return  # `parse` reports it, where a diagnostic can be made


@atexit.register
def _stop_warm() -> None:
    """Validators nobody asked to parse: end them with the interpreter (EOF, then wait)."""
    while _warm:
        _, process = _warm.popitem()
        process.communicate(timeout=_STARTUP_SECONDS)


def parse(
    texts: Sequence[str], folder: Path | None = None, cache: Path | None = None
) -> list[Outcome]:
    """Parse every text in one Node process; outcomes are in the order of `texts`.

    `folder` is where Mermaid is installed, by default the install folder. With a `cache`
    folder, each verdict is kept there by the diagram's text, Mermaid's install folder and
    this script, so an unchanged diagram is not parsed again (and when none changed, Node
    does not start); verdicts no longer asked for are dropped.
    """
    folder = folder or setup.install_dir()
    setup_key = PageCache.key(str(folder), SCRIPT.read_text(encoding="utf-8"))

    def make(todo: list[int]) -> tuple[list[dict[str, object]], bool]:
        return [asdict(o) for o in _parse([texts[i] for i in todo], folder)], True

    verdicts = reuse(
        cache,
        [PageCache.key("mermaid", setup_key, text) for text in texts],
        make,
        lambda saved: isinstance(saved, dict) and set(saved) == _FIELDS,
    )
    return [Outcome(**verdict) for verdict in verdicts]


def _parse(texts: Sequence[str], folder: Path) -> list[Outcome]:
    if not texts:
        return []
    process = _warm.pop(folder, None) or _start(folder)
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    timeout = _STARTUP_SECONDS + _SECONDS_PER_DIAGRAM * len(texts)
    try:
        stdout, stderr = process.communicate(lines, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise ValidatorError(f"the Mermaid validator timed out after {timeout:.0f} s") from None
    found: dict[int, Outcome] = {}
    for line in stdout.splitlines():
        answer = json.loads(line)
        found[answer["id"]] = Outcome(
            ok=bool(answer["ok"]),
            kind=answer.get("type"),
            error=answer.get("error"),
            message=answer.get("message", ""),
            line=answer.get("line"),
        )
    if process.returncode != 0 or len(found) != len(texts):
        detail = stderr.strip().splitlines()
        tail = detail[-1] if detail else "no error output"
        raise ValidatorError(f"the Mermaid validator stopped (exit {process.returncode}): {tail}")
    return [found[i] for i in range(len(texts))]
