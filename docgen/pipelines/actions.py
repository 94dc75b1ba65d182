"""Action metadata files (`action.yml`) → the action model, with diagnostics.

GitHub reads an action from `action.yml` or `action.yaml` in the folder that `uses:`
names: the repository root (`uses: ./`, or `owner/repo@ref` from elsewhere) and, by
convention, `.github/actions/<name>/`. These are loaded like workflows (text kept as
written, lines kept); a file that is not an action yields one diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.pipelines.extractor import _Extractor
from docgen.pipelines.load import LoadError, Value, YamlList, YamlMap, load
from docgen.pipelines.model import Action, ActionInput, ActionStep, ActionUse, Output, Workflow
from docgen.pipelines.values import _action, _walk, flow, leading_comment

__all__ = [
    "ACTION_NAMES",
    "action_files",
    "check_local_uses",
    "extract_action",
    "local_action_dir",
    "read_action",
]

ACTION_NAMES = ("action.yml", "action.yaml")
"""The names of an action metadata file, in the order GitHub prefers them."""
ACTION_KEYS = frozenset({"name", "author", "description", "inputs", "outputs", "runs", "branding"})
_STEP_KEYS = frozenset(
    {"name", "id", "if", "uses", "run", "shell", "with", "env", "working-directory",
     "continue-on-error", "timeout-minutes"}
)  # fmt: skip
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_INPUT = re.compile(r"\binputs\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])")
_HINT = "see https://docs.github.com/actions/reference/metadata-syntax-for-github-actions"


def action_files(root: Path) -> list[Path]:
    """The action metadata files of a project: at its root and in `.github/actions/*/`.

    When a folder holds both names GitHub reads `action.yml`, so only that one is taken.
    """
    folders = [root]
    actions = root / ".github" / "actions"
    if actions.is_dir():
        folders += sorted(p for p in actions.iterdir() if p.is_dir())
    found = []
    for folder in folders:
        file = next((folder / n for n in ACTION_NAMES if (folder / n).is_file()), None)
        if file is not None:
            found.append(file)
    return found


def local_action_dir(uses: str | None) -> str | None:
    """The folder a local action step names, relative to the root (`./` → ``).

    `uses` is the step's `uses` as written; None when it is not a local action.
    """
    if uses is None or not uses.startswith("./") or "@" in uses:
        return None
    path = PurePosixPath(uses).as_posix()
    return "" if path == "." else path


def _text(value: Value) -> str | None:
    return None if value is None else flow(value)


def _inputs_read(step: YamlMap) -> Iterator[tuple[str, int]]:
    """Every `inputs.X` a step reads in an expression (its `if` is one as a whole)."""
    for key, value in step.items():
        for text, line in _walk(value, step.line_of(key), set(), keys=False):
            parts = [m[1] for m in _EXPRESSION.finditer(text)]
            if key == "if" and not parts:
                parts = [text]
            for part in parts:
                for match in _INPUT.finditer(part):
                    yield match[1] or match[2], line


class _ActionExtractor(_Extractor):
    """Reads one parsed action metadata file."""

    def invalid(self, message: str, line: int | None) -> None:
        self.report("DG210", Severity.ERROR, message, line, _HINT)

    def action(self, doc: YamlMap, stem: str, comment: str) -> Action:
        self.unknown_keys(doc, ACTION_KEYS, "the action")
        name = doc.get("name")
        runs = doc.get("runs")
        using: str | None = None
        main: str | None = None
        steps: tuple[ActionStep, ...] = ()
        uses: list[ActionUse] = []
        if not isinstance(runs, YamlMap):
            self.invalid("the action has no `runs:` mapping: GitHub cannot run it", doc.line)
        else:
            using = _text(runs.get("using"))
            if using is None:
                self.invalid("`runs.using` is missing", runs.line)
            main = _text(runs.get("main") if "main" in runs else runs.get("image"))
            if using == "composite":
                steps = self.action_steps(runs.get("steps"), runs.line_of("steps"))
                uses = [
                    _action(s.uses, s.name or s.id or f"step {i}", s.line)
                    for i, s in enumerate(steps, 1)
                    if s.uses
                ]
        inputs = self.action_inputs(doc.get("inputs"), doc.line_of("inputs"))
        if isinstance(runs, YamlMap) and using == "composite":
            self.check_inputs(runs.get("steps"), {i.name.casefold() for i in inputs})
        description = doc.get("description")
        if not isinstance(description, str):
            description = comment or None
        return Action(
            file=self.path,
            name=name if isinstance(name, str) and name.strip() else stem,
            description=description,
            author=_text(doc.get("author")),
            line=doc.line,
            using=using,
            main=main,
            inputs=inputs,
            outputs=self.action_outputs(doc.get("outputs"), doc.line_of("outputs")),
            steps=steps,
            actions=tuple(uses),
        )

    def action_inputs(self, value: Value, line: int) -> tuple[ActionInput, ...]:
        if value is None:
            return ()
        if not isinstance(value, YamlMap):
            self.invalid("`inputs` must be a mapping of input ids to inputs", line)
            return ()
        out = []
        for name, spec in value.items():
            spec_map = spec if isinstance(spec, YamlMap) else YamlMap(value.line_of(name))
            out.append(
                ActionInput(
                    name=name,
                    description=_text(spec_map.get("description")),
                    required=_text(spec_map.get("required")),
                    default=_text(spec_map.get("default")),
                    line=value.line_of(name),
                )
            )
        return tuple(out)

    def action_outputs(self, value: Value, line: int) -> tuple[Output, ...]:
        if value is not None and not isinstance(value, YamlMap):
            self.invalid("`outputs` must be a mapping of output ids to outputs", line)
        return self.outputs(value)

    def action_steps(self, value: Value, line: int) -> tuple[ActionStep, ...]:
        if not isinstance(value, YamlList):
            self.invalid("a composite action needs `runs.steps`, a list of steps", line)
            return ()
        out = []
        for index, spec in enumerate(value):
            where = value.lines[index]
            if not isinstance(spec, YamlMap):
                self.wrong_type(f"step {index + 1} of the action", "a mapping", where)
                continue
            self.unknown_keys(spec, _STEP_KEYS, f"step {index + 1} of the action")
            run = _text(spec.get("run"))
            if run is not None and "shell" not in spec:
                self.report(
                    "DG212",
                    Severity.ERROR,
                    f"step {index + 1} of a composite action has `run` but no `shell`",
                    where,
                    "GitHub requires `shell:` on every `run` step of a composite action;"
                    " add e.g. `shell: bash`",
                )
            first = next((ln.strip() for ln in (run or "").splitlines() if ln.strip()), run)
            uses = _text(spec.get("uses"))
            used = _action(uses, "", where) if uses else None
            out.append(
                ActionStep(
                    name=_text(spec.get("name")),
                    id=_text(spec.get("id")),
                    uses=uses,
                    ref=used.ref if used else None,
                    pin=used.pin if used else None,
                    run=first,
                    if_=_text(spec.get("if")),
                    shell=_text(spec.get("shell")),
                    line=where,
                )
            )
        return tuple(out)

    def check_inputs(self, steps: Value, declared: set[str]) -> None:
        if not isinstance(steps, YamlList):
            return
        reported: set[str] = set()
        for spec in steps:
            if not isinstance(spec, YamlMap):
                continue
            for name, line in _inputs_read(spec):
                if name.casefold() in declared or name in reported:
                    continue
                reported.add(name)
                self.report(
                    "DG211",
                    Severity.WARNING,
                    f"the action reads `inputs.{name}`, which it does not declare",
                    line,
                    f"declare `{name}` under `inputs:` or fix the name; declared: "
                    + (", ".join(sorted(declared)) or "none"),
                )


def extract_action(path: str, text: str) -> tuple[Action | None, list[Diagnostic]]:
    """One action metadata file's model, or None when it is not an action; and diagnostics.

    `path` is the file relative to the project root, as diagnostics show it; `text` is
    its content.
    """
    extractor = _ActionExtractor(path)
    try:
        doc = load(text)
    except LoadError as error:
        extractor.report(
            "DG201", Severity.ERROR, f"YAML syntax error: {error.message}", error.line, _HINT
        )
        return None, extractor.diagnostics
    if not isinstance(doc, YamlMap):
        extractor.invalid("not an action: the file must be a mapping with `runs:`", None)
        return None, extractor.diagnostics
    stem = PurePosixPath(path).parent.name or "action"
    return extractor.action(doc, stem, leading_comment(text)), extractor.diagnostics


def read_action(root_relative: str, path: Path) -> tuple[Action | None, list[Diagnostic]]:
    """Read and extract one action file; an unreadable file is one DG209 diagnostic.

    `path` is where to read it and `root_relative` the same file relative to the project
    root, as diagnostics show it.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return None, [
            Diagnostic(
                "DG209",
                Severity.ERROR,
                f"cannot read the action: {error}",
                Location(root_relative),
                "save it as UTF-8 text",
                "pipelines",
            )
        ]
    return extract_action(root_relative, text)


def check_local_uses(
    workflows: Sequence[Workflow], actions: Sequence[Action], root: Path
) -> list[Diagnostic]:
    """A DG213 warning for each step `uses: ./folder` with no action file in that folder.

    `workflows` are checked against the `actions` docgen read. Actions outside the folders
    docgen reads (`./tools/x`) are looked for on disk under `root`, so a valid one is never
    reported.
    """
    known = {PurePosixPath(a.file).parent.as_posix() for a in actions}
    found = []
    for workflow in workflows:
        for job in workflow.jobs:
            for step in job.steps:
                folder = local_action_dir(step.uses)
                if folder is None:
                    continue
                folder = folder.rstrip("/") or "."
                if folder in known or any((root / folder / n).is_file() for n in ACTION_NAMES):
                    continue
                found.append(
                    Diagnostic(
                        "DG213",
                        Severity.WARNING,
                        f"job {job.id!r} uses {step.uses!r}, which holds no action.yml",
                        Location(workflow.file, step.line),
                        "fix the path in `uses:`; a local action is a folder with an"
                        " action.yml, relative to the repository root",
                        "pipelines",
                    )
                )
    return found
