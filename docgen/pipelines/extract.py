"""Workflow files → the pipeline model, with a diagnostic for each mistake found.

One bad file, job or key yields one diagnostic and the rest is still documented.
The codes are listed in `docgen.pipelines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.pipelines.extractor import _Extractor
from docgen.pipelines.load import LoadError, YamlMap, load
from docgen.pipelines.model import Workflow
from docgen.pipelines.values import _some, combinations, flow, leading_comment, local_call

__all__ = [
    "check_links",
    "combinations",
    "extract",
    "flow",
    "leading_comment",
    "local_call",
]


def extract(path: str, text: str) -> tuple[Workflow | None, list[Diagnostic]]:
    """One workflow file's model, or None when it is not a workflow; and diagnostics.

    `path` is the file relative to the project root, as diagnostics show it; `text` is
    its content.
    """
    extractor = _Extractor(path)
    stem = PurePosixPath(path).stem
    try:
        doc = load(text)
    except LoadError as error:
        extractor.report(
            "DG201",
            Severity.ERROR,
            f"YAML syntax error: {error.message}",
            error.line,
            "fix the YAML; `python -c 'import yaml,sys; yaml.safe_load(open(sys.argv[1]))' FILE`"
            " shows the same error",
        )
        return None, extractor.diagnostics
    if not isinstance(doc, YamlMap) or ("on" not in doc and "jobs" not in doc):
        extractor.report(
            "DG200",
            Severity.INFO,
            "skipped: not a workflow (no `on:` and no `jobs:`)",
            None,
            "move files that are not workflows out of the workflows folder to silence this",
        )
        return None, extractor.diagnostics
    if "on" not in doc:
        extractor.report(
            "DG207",
            Severity.ERROR,
            "workflow has no `on:`: GitHub never runs it",
            doc.line,
            "add the events that start it, e.g. `on: [push]`",
        )
    return extractor.workflow(doc, stem, leading_comment(text)), extractor.diagnostics


def _named(pattern: str, names: Sequence[str]) -> bool:
    return any(fnmatchcase(name, pattern) for name in names)


def check_links(workflows: Sequence[Workflow]) -> list[Diagnostic]:
    """Links between workflows: `workflow_run` names and local reusable workflows."""
    names = [w.name for w in workflows]
    files = {PurePosixPath(w.file).name for w in workflows}
    found: list[Diagnostic] = []
    for workflow in workflows:
        for trigger in workflow.triggers:
            for pattern in trigger.workflows if trigger.event == "workflow_run" else ():
                if not _named(pattern, names):
                    found.append(
                        Diagnostic(
                            "DG204",
                            Severity.WARNING,
                            f"workflow_run waits for {pattern!r}, which is no workflow's name",
                            Location(workflow.file, trigger.line),
                            "`workflows:` lists workflow names (their `name:`), not files;"
                            f" known: {_some(names)}",
                            "pipelines",
                        )
                    )
        for job in workflow.jobs:
            called = local_call(job.uses)
            if called is not None and called not in files:
                found.append(
                    Diagnostic(
                        "DG208",
                        Severity.WARNING,
                        f"job {job.id!r} calls {job.uses!r}, which is not in the workflows folder",
                        Location(workflow.file, job.line),
                        "fix the path in `uses:`; local reusable workflows live in"
                        " .github/workflows/",
                    )
                )
    return found
