"""The workflows' security audit: zizmor's findings, or docgen's own checks without it.

zizmor (https://docs.zizmor.sh) runs once, as a command, over every workflow file:
`zizmor --offline --format json FILE ...`. Its JSON is a list of findings; each has an
`ident` (the audit), `desc`, `url`, `determinations.severity` and `locations`, of which
the `Primary` one gives the file (`symbolic.key.Local.verbatim_path`), the place in the
workflow (`symbolic.route.route`: `jobs` → job id → `steps` → index) and the line
(`concrete.location.start_point.row`, 0-based). It exits 0 without findings and 10 to 14
with some (by their highest severity); anything else, or output that is not that JSON,
is one DG215 and docgen's own checks stand in.

docgen's own checks know four patterns and name them as zizmor does:

- `unpinned-uses`: an action or reusable workflow not pinned to a full commit SHA;
- `secrets-inherit`: a job passes all its secrets on (`secrets: inherit`);
- `dangerous-triggers`: a `pull_request_target` workflow checks out the pull request's
  head (`ref: ${{ github.event.pull_request.head.sha }}` or `head.ref`), running the
  fork's code with the base repository's secrets;
- `excessive-permissions`: no `permissions:` at the workflow or job level, so the token
  has the repository's default permissions (write-all on older repositories).

When zizmor ran, its findings replace docgen's: it knows all four (and more), and it
honours the project's zizmor configuration. docgen's own checks honour zizmor's
`# zizmor: ignore[…]` comments on the finding's line, so a finding a project has said it
intends stays quiet whichever auditor runs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from docgen.config import PipelinesConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.pipelines.model import Finding, Workflow

__all__ = ["audit", "own_findings", "read_zizmor", "severity_of"]

STAGE = "pipelines"
TIMEOUT = 120.0
_SEVERITIES = ("high", "medium", "low", "informational", "unknown")
_HEAD = re.compile(r"github\s*\.\s*event\s*\.\s*pull_request\s*\.\s*head\s*\.\s*(sha|ref)\b")
_CHECKOUT = "actions/checkout"
_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[([^\]]*)\]")
OWN = "docgen's own checks"
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class ZizmorError(Exception):
    """zizmor could not audit the workflows: why, in one line."""


def severity_of(finding: Finding, highest: str) -> Severity:
    """The diagnostic severity of `finding`: `high` gets `highest` (the `audit_severity`
    setting), `medium` at most a warning, anything less a note."""
    cap = Severity(highest)
    wanted = {"high": Severity.ERROR, "medium": Severity.WARNING}.get(
        finding.severity, Severity.INFO
    )
    return wanted if _RANK[wanted] <= _RANK[cap] else cap


# -- docgen's own checks -------------------------------------------------------------------


def own_findings(workflow: Workflow, text: str = "") -> tuple[Finding, ...]:
    """The findings docgen's model shows in `workflow` by itself (see the module), less
    those that `text` (the workflow file) ignores with a `# zizmor: ignore[kind]` comment
    on the finding's line."""
    found: list[Finding] = []
    steps = {
        (job.id, step.line): number
        for job in workflow.jobs
        for number, step in enumerate(job.steps, 1)
    }
    for action in workflow.actions:
        if action.pin in ("tag", "branch", "none"):
            pin = f"@{action.ref}" if action.ref else "no version"
            found.append(
                Finding(
                    "unpinned-uses",
                    "high",
                    f"{action.uses} is not pinned to a commit SHA ({pin} can move):"
                    " pin it to a full commit SHA, the tag in a comment",
                    action.line,
                    action.job,
                    steps.get((action.job, action.line)),
                )
            )
    for job in workflow.jobs:
        if job.secrets_inherit:
            found.append(
                Finding(
                    "secrets-inherit",
                    "medium",
                    "passes all the caller's secrets on (`secrets: inherit`): pass only"
                    " those the called workflow needs",
                    job.line,
                    job.id,
                )
            )
    if any(t.event == "pull_request_target" for t in workflow.triggers):
        for job in workflow.jobs:
            for number, step in enumerate(job.steps, 1):
                ref = next((s.value for s in step.with_ if s.name == "ref"), "")
                if (step.uses or "").partition("@")[0] == _CHECKOUT and _HEAD.search(ref):
                    found.append(
                        Finding(
                            "dangerous-triggers",
                            "high",
                            "a pull_request_target workflow checks out the pull request's"
                            " head: the fork's code runs with this repository's secrets and"
                            " token; use `pull_request`, or never run the checked-out code",
                            step.line,
                            job.id,
                            number,
                        )
                    )
    if workflow.permissions is None:
        bare = [job for job in workflow.jobs if job.permissions is None]
        default = (
            " has no `permissions:`: the token gets the repository's default permissions"
            " (write-all on older repositories); set `permissions: {}` or the scopes it needs"
        )
        if bare and len(bare) == len(workflow.jobs):
            found.append(
                Finding("excessive-permissions", "medium", "the workflow" + default, workflow.line)
            )
        else:
            found += [
                Finding("excessive-permissions", "medium", "the job" + default, j.line, j.id)
                for j in bare
            ]
    lines = text.splitlines()
    return tuple(
        sorted((f for f in found if not _ignored(f, lines)), key=lambda f: (f.line, f.kind))
    )


def _ignored(finding: Finding, lines: Sequence[str]) -> bool:
    """Whether the finding's YAML node (its line, and the lines indented under it) carries
    a `# zizmor: ignore[…]` comment naming its kind, as zizmor reads a finding's span."""
    if not 0 < finding.line <= len(lines):
        return False
    first = lines[finding.line - 1]
    depth = len(first) - len(first.lstrip(" "))
    span = [first]
    for line in lines[finding.line :]:
        if line.strip() and len(line) - len(line.lstrip(" ")) <= depth:
            break
        span.append(line)
    return any(
        finding.kind in (kind.strip() for kind in match.group(1).split(","))
        for line in span
        for match in _IGNORE.finditer(line)
    )


# -- zizmor ----------------------------------------------------------------------------------


_UNREADABLE = re.compile(r"failed to load file://(.+?) as ")
_CAUSE = re.compile(r"^\s*\d+: (.+)$", re.MULTILINE)


def _run_all(command: str, files: Sequence[Path]) -> tuple[str, str | None, dict[Path, str]]:
    """zizmor's JSON output over `files`, its version, and the files it could not read
    (with why). zizmor stops at the first file its schema rejects, so that file is set
    aside and the rest audited again; raises `ZizmorError` for any other failure."""
    left = list(files)
    unread: dict[Path, str] = {}
    while True:
        try:
            output, version = _run(command, left)
        except ZizmorError as error:
            stderr = str(error.args[1]) if len(error.args) > 1 else ""
            bad = _UNREADABLE.search(stderr)
            path = Path(bad[1]) if bad else None
            if path not in left:
                raise
            causes = _CAUSE.findall(stderr.partition("Caused by:")[2].split("Stack backtrace")[0])
            unread[path] = causes[-1].strip() if causes else "not a workflow to zizmor"
            left.remove(path)
            if not left:
                return "[]", None, unread
            continue
        return output, version, unread


def _run(command: str, files: Sequence[Path]) -> tuple[str, str | None]:
    """zizmor's JSON output over `files`, and its version; raises `ZizmorError`."""
    try:
        done = subprocess.run(
            [command, "--offline", "--format", "json", "--no-progress", *map(str, files)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ZizmorError(f"{command} did not finish in {TIMEOUT:.0f} s") from None
    except OSError as error:
        raise ZizmorError(f"{command} cannot run: {error.strerror or error}") from None
    if done.returncode not in (0, 10, 11, 12, 13, 14):
        lines = [ln for ln in done.stderr.splitlines() if ln.strip() and " INFO " not in ln]
        said = "; ".join(lines[:3]) or "no message"
        raise ZizmorError(f"{command} failed (exit {done.returncode}): {said}", done.stderr)
    version = re.search(r"zizmor v?(\d+(?:\.\d+)+)", done.stderr)
    return done.stdout, version[1] if version else None


def _primary(finding: Mapping[str, Any]) -> Mapping[str, Any]:
    locations = finding["locations"]
    return next((x for x in locations if x["symbolic"]["kind"] == "Primary"), locations[0])


def read_zizmor(output: str, files: Mapping[Path, str]) -> dict[str, list[Finding]]:
    """zizmor's JSON `output` → findings by workflow file (as `files` maps each real path
    to the path shown); raises `ZizmorError` when the output is not zizmor's JSON."""
    try:
        data = json.loads(output or "[]")
        found: dict[str, list[Finding]] = {}
        for item in data:
            if item.get("ignored"):
                continue
            where = _primary(item)
            local = where["symbolic"]["key"].get("Local")
            path = Path(local["verbatim_path"]).resolve() if local else None
            if path is None or path not in files:
                continue  # an input zizmor found beside the workflows (an action, say)
            route = [next(iter(step.values())) for step in where["symbolic"]["route"]["route"]]
            job = str(route[1]) if len(route) > 1 and route[0] == "jobs" else None
            step = route[3] + 1 if len(route) > 3 and route[2] == "steps" else None
            severity = str(item["determinations"]["severity"]).lower()
            annotation = where["symbolic"].get("annotation")
            found.setdefault(files[path], []).append(
                Finding(
                    str(item["ident"]),
                    severity if severity in _SEVERITIES else "unknown",
                    str(item["desc"]) + (f": {annotation}" if annotation else ""),
                    int(where["concrete"]["location"]["start_point"]["row"]) + 1,
                    job,
                    int(step) if step is not None else None,
                    "zizmor",
                    item.get("url"),
                )
            )
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, StopIteration) as error:
        head = " ".join(output.split())[:80]
        raise ZizmorError(f"zizmor's output is not its JSON ({error!r}): {head!r}") from None
    return found


def _text(path: Path | None) -> str:
    """A workflow file's text, for its ignore comments; empty when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _problem(message: str, where: str, severity: Severity, hint: str) -> Diagnostic:
    return Diagnostic("DG215", severity, message, Location(where), hint, STAGE)


def audit(
    settings: PipelinesConfig,
    workflows: Sequence[Workflow],
    files: Mapping[Path, str],
    where: str,
) -> tuple[list[Workflow], list[Diagnostic]]:
    """`workflows` with their findings, and a DG214 per finding (and a DG215 when zizmor
    was wanted and could not run).

    Args:
        settings: the `pipelines` section: `audit`, `audit_severity`, `zizmor`.
        workflows: the workflows to audit.
        files: each workflow file's real path → its `file` as shown.
        where: the workflows folder as shown, where a DG215 points.
    """
    mode = "auto" if settings.audit is True else settings.audit
    if mode is False or not workflows:
        return list(workflows), []
    diagnostics: list[Diagnostic] = []
    by_file: dict[str, list[Finding]] | None = None
    own: set[str] = set()  # files zizmor could not read
    tool = OWN
    if mode != "docgen":
        command = shutil.which(settings.zizmor)
        fallback = "docgen's own checks (4 patterns) stand in"
        if command is None:
            quiet = mode == "auto"
            diagnostics.append(
                _problem(
                    f"no zizmor command ({settings.zizmor!r}): {fallback}",
                    where,
                    Severity.INFO if quiet else Severity.WARNING,
                    "`pip install zizmor` for the full audit, or set `pipelines: {audit:"
                    " docgen}` (or `zizmor: PATH`)",
                )
            )
        else:
            try:
                output, version, unread = _run_all(command, list(files))
                by_file = read_zizmor(output, files)
                tool = f"zizmor {version}" if version else "zizmor"
                for path, why in unread.items():
                    by_file.pop(files[path], None)
                    own.add(files[path])
                    diagnostics.append(
                        Diagnostic(
                            "DG215",
                            Severity.INFO,
                            f"zizmor cannot read this workflow ({why}): docgen's own checks"
                            " stand in for it",
                            Location(files[path]),
                            "fix what docgen or zizmor reports about it",
                            STAGE,
                        )
                    )
            except ZizmorError as error:
                diagnostics.append(
                    _problem(
                        f"{error}; {fallback}",
                        where,
                        Severity.WARNING,
                        "run the same zizmor command by hand to see why, or set"
                        " `pipelines: {audit: docgen}`",
                    )
                )
    shown = {file: path for path, file in files.items()}
    audited = []
    for workflow in workflows:
        findings = (
            own_findings(workflow, _text(shown.get(workflow.file)))
            if by_file is None or workflow.file in own
            else tuple(sorted(by_file.get(workflow.file, ()), key=lambda f: (f.line, f.kind)))
        )
        audited.append(replace(workflow, findings=findings))
        diagnostics += [
            Diagnostic(
                "DG214",
                severity_of(f, settings.audit_severity),
                f"[{f.kind}] {f.message}" + (f" (job {f.job!r})" if f.job else ""),
                Location(workflow.file, f.line),
                f"found by {tool if f.tool == 'zizmor' else OWN};"
                f" {f.url or 'the workflow page'} explains it. Change `pipelines:"
                " {audit_severity: …}` to grade these, `audit: false` to hide them",
                STAGE,
            )
            for f in findings
        ]
    return audited, diagnostics
