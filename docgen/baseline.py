"""The baseline: today's findings, accepted, so a project adopting docgen is held to new ones.

`docgen baseline` records the findings of a full check in `.docgen/baseline.json` (meant to
be committed); `build`, `check` and the plugin then `apply` it: a finding it holds is marked
`baseline` (shown as known, never failing), and the ones it holds that are gone are counted
as fixed, so the file shrinks with `docgen baseline --update`.

A finding is known by its code, its file and a fingerprint — a hash of its source line(s)
and of its message's first line with line numbers left out — never by its line number, so
an edit elsewhere in the file keeps it matched. Identical findings in one file are matched
by count.

| Code  | Severity | Meaning |
|-------|----------|---------|
| DG110 | error    | `.docgen/baseline.json` cannot be read or is not a docgen baseline |
| DG111 | info     | findings in the baseline are fixed: `docgen baseline --update` drops them |
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from docgen.diagnostics import Diagnostic, Location, Severity, sort_key
from docgen.jsonenc import to_json

__all__ = [
    "BASELINE_FILE",
    "Applied",
    "Baseline",
    "Known",
    "apply",
    "load_baseline",
    "record",
    "summary",
    "write",
]

BASELINE_FILE = ".docgen/baseline.json"
"""Where the baseline is kept, relative to the project root (the folder of mkdocs.yml)."""
FORMAT = 1
"""The version of the file's format; a newer one is refused, never misread."""
_UNBASELINED = frozenset({"DG001", "DG110", "DG111"})  # a docgen bug, the baseline itself
# Found only when the network is used: an offline run does not call them fixed.
_ONLINE_ONLY = frozenset({"DG310", "DG312"})
_SOURCE_LINES = 20  # a longer range is fingerprinted by its first lines
_LINE_REF = re.compile(r"\blines? \d+(?:\s*[-–]\s*\d+)?|(\.[A-Za-z0-9]{1,5}):\d+")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")


@dataclass(frozen=True, slots=True)
class Known:
    """One finding of the baseline (or several identical ones in one file).

    Attributes:
        code: the finding's code (`DG301`).
        file: its file, relative to the project root; empty when it names no file.
        fingerprint: a hash of its source text and message, stable when lines move.
        stage: the stage that found it.
        message: its message's first line, line numbers left out, for people reading diffs.
        count: how many identical findings the file has.
    """

    code: str
    file: str
    fingerprint: str
    stage: str
    message: str
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        """What matches a finding to this entry: code, file and fingerprint."""
        return (self.code, self.file, self.fingerprint)

    def to_dict(self) -> dict[str, object]:
        """The entry's JSON shape in `baseline.json`: one key per field."""
        data: dict[str, object] = to_json(self)
        return data


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings, sorted by file, code and fingerprint."""

    findings: tuple[Known, ...] = ()

    def __json__(self) -> dict[str, object]:
        """The JSON shape of `baseline.json`: a format version and the sorted findings."""
        return {"version": FORMAT, "findings": self.findings}

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `baseline.json` (see `__json__`), as JSON data."""
        data: dict[str, object] = to_json(self)
        return data

    @property
    def total(self) -> int:
        """How many findings it accepts, identical ones counted each."""
        return sum(k.count for k in self.findings)


@dataclass(frozen=True, slots=True)
class Applied:
    """The findings of a run with a baseline applied.

    Attributes:
        diagnostics: every finding; the baseline's are marked `baseline`, and a DG111 note
            says how many are fixed.
        known: how many findings the baseline held (and now marks).
        fixed: how many of the baseline's findings were not found any more.
    """

    diagnostics: tuple[Diagnostic, ...]
    known: int = 0
    fixed: int = 0


def _normalized(text: str) -> str:
    text = _LINE_REF.sub(lambda m: f"{m[1]}:N" if m[1] else "line N", text)
    return " ".join(_ADDRESS.sub("0x…", text).split())


def _message(diagnostic: Diagnostic) -> str:
    """The first line of the message, without line numbers or memory addresses."""
    first = diagnostic.message.strip().split("\n", 1)[0]
    return _normalized(first)


class _Sources:
    """The user's files, read once each, as lines."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: dict[str, list[str]] = {}

    def text(self, location: Location | None) -> str:
        if location is None or location.line is None:
            return ""
        if location.path not in self.lines:
            try:
                raw = (self.root / location.path).read_text(encoding="utf-8", errors="replace")
            except OSError:  # a generated page, a folder: the message alone must do
                raw = ""
            self.lines[location.path] = raw.splitlines()
        lines = self.lines[location.path]
        end = max(location.end_line or location.line, location.line)
        end = min(end, location.line + _SOURCE_LINES - 1)
        return "\n".join(" ".join(line.split()) for line in lines[location.line - 1 : end])


def _key(diagnostic: Diagnostic, sources: _Sources) -> tuple[str, str, str]:
    digest = hashlib.sha256()
    digest.update(sources.text(diagnostic.location).encode())
    digest.update(b"\0")
    digest.update(_message(diagnostic).encode())
    file = diagnostic.location.path if diagnostic.location else ""
    return (diagnostic.code, file, digest.hexdigest()[:16])


def _eligible(diagnostic: Diagnostic) -> bool:
    return diagnostic.severity is not Severity.INFO and diagnostic.code not in _UNBASELINED


def record(diagnostics: Iterable[Diagnostic], root: Path) -> Baseline:
    """A baseline that accepts every error and warning in `diagnostics`.

    Args:
        diagnostics: the findings of a full check; notes are never recorded.
        root: the project root, where the findings' files are read for their fingerprints.
    """
    sources = _Sources(root)
    counts: Counter[tuple[str, str, str]] = Counter()
    first: dict[tuple[str, str, str], Diagnostic] = {}
    for diagnostic in sorted(filter(_eligible, diagnostics), key=sort_key):
        key = _key(diagnostic, sources)
        counts[key] += 1
        first.setdefault(key, diagnostic)
    return Baseline(
        tuple(
            Known(*key, stage=first[key].stage, message=_message(first[key]), count=n)
            for key, n in sorted(counts.items(), key=lambda item: (item[0][1], *item[0]))
        )
    )


def apply(
    diagnostics: Sequence[Diagnostic],
    baseline: Baseline,
    root: Path,
    *,
    checked: Collection[str] | None = None,
    offline: bool = False,
) -> Applied:
    """Mark the findings `baseline` accepts; count the ones it holds that are gone.

    Args:
        diagnostics: the run's findings.
        baseline: the accepted findings.
        root: the project root, where the findings' files are read for their fingerprints.
        checked: the stages that ran their checks (`--only`); None for all. A finding of
            another stage, or of a stage that crashed, is not called fixed.
        offline: the run stayed off the network: external-link findings are not fixed.
    """
    sources = _Sources(root)
    left = {k.key: k.count for k in baseline.findings}
    marked: list[Diagnostic] = []
    known = 0
    # In file order, so that of identical findings the first ones are the known ones.
    for diagnostic in sorted(diagnostics, key=sort_key):
        key = _key(diagnostic, sources) if _eligible(diagnostic) else None
        if key is not None and left.get(key, 0) > 0:
            left[key] -= 1
            known += 1
            marked.append(replace(diagnostic, baseline=True))
        else:
            marked.append(diagnostic)
    crashed = {d.stage for d in diagnostics if d.code == "DG001"}
    fixed = sum(
        left[k.key]
        for k in baseline.findings
        if (checked is None or k.stage in checked)
        and k.stage not in crashed
        and not (offline and k.code in _ONLINE_ONLY)
    )
    if fixed:
        marked.append(
            Diagnostic(
                "DG111",
                Severity.INFO,
                f"{fixed} baselined finding{'s are' if fixed > 1 else ' is'} fixed: "
                "run `docgen baseline --update`",
                Location(BASELINE_FILE),
                hint="`docgen baseline --update` drops them from the baseline, so they "
                "cannot come back unnoticed",
            )
        )
    return Applied(tuple(marked), known=known, fixed=fixed)


def load_baseline(root: Path) -> Baseline | Diagnostic | None:
    """The baseline of the project at `root`; None when it has none.

    A file that cannot be read, is not JSON or not a docgen baseline is one DG110
    diagnostic at the file (and line, for JSON syntax).
    """
    path = root / BASELINE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        return _broken(f"cannot read the baseline: {reason}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _broken(f"the baseline is not valid JSON: {exc.msg}", exc.lineno)
    problem = _problem(data)
    if problem is not None:
        return _broken(f"not a docgen baseline: {problem}")
    return Baseline(tuple(Known(**entry) for entry in data["findings"]))


def _broken(message: str, line: int | None = None) -> Diagnostic:
    return Diagnostic(
        "DG110",
        Severity.ERROR,
        message,
        Location(BASELINE_FILE, line),
        hint="run `docgen baseline --update` to write it again from today's findings, "
        "or `--no-baseline` to check without it",
    )


_FIELDS: Mapping[str, type] = {
    "code": str,
    "file": str,
    "fingerprint": str,
    "stage": str,
    "message": str,
    "count": int,
}


def _problem(data: object) -> str | None:
    """What makes `data` (parsed JSON) not a baseline docgen can read, or None."""
    if not isinstance(data, dict):
        return "expected an object with `version` and `findings`"
    version = data.get("version")
    if type(version) is not int or version != FORMAT:  # `true` is not 1 here
        newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT
        return (
            f"format version {version} is newer than this docgen's ({FORMAT}); upgrade docgen"
            if newer
            else f"expected `version: {FORMAT}`, got {json.dumps(version)}"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        return "`findings` must be a list"
    for number, entry in enumerate(findings, 1):
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
            return f"finding {number} must have exactly {', '.join(_FIELDS)}"
        for name, kind in _FIELDS.items():
            value = entry[name]
            if not isinstance(value, kind) or isinstance(value, bool):
                return f"finding {number}: `{name}` must be a {kind.__name__}"
        if entry["count"] < 1:
            return f"finding {number}: `count` must be at least 1"
    return None


def write(root: Path, baseline: Baseline) -> Path:
    """Write `baseline` into the project at `root`, sorted and indented; return its path."""
    path = root / BASELINE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path


def summary(diagnostics: Iterable[Diagnostic], width: int = 60) -> list[str]:
    """The errors and warnings of `diagnostics` by stage and code, most frequent first.

    One line each: `links     DG301 ×7  broken link to 'setup.md' (…)`, with the first
    finding's message cut to `width` characters. Known findings (the baseline's) are left
    out.
    """
    groups: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in sorted(diagnostics, key=sort_key):
        if not diagnostic.baseline and diagnostic.severity is not Severity.INFO:
            groups[(diagnostic.stage or "docgen", diagnostic.code)].append(diagnostic)
    order = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    stage_width = max((len(stage) for stage, _ in groups), default=0)
    count_width = max((len(str(len(found))) for found in groups.values()), default=0)
    lines = []
    for (stage, code), found in order:
        message = _message(found[0])
        if len(message) > width:
            message = message[: width - 1] + "…"
        lines.append(f"{stage:<{stage_width}}  {code} ×{len(found):<{count_width}}  {message}")
    return lines
