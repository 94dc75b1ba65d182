"""The pipeline model: what a workflow file says, as frozen, JSON-dumpable dataclasses.

Values are kept as written (`"3.10"`, `"true"`, `${{ expressions }}`); every element that
came from the file has the 1-based `line` it starts on. `to_json` turns any of them into
plain JSON data for `docgen dump pipelines`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = [
    "Action",
    "ActionInput",
    "ActionStep",
    "ActionUse",
    "Cache",
    "Concurrency",
    "Dimension",
    "Filter",
    "Input",
    "Job",
    "Matrix",
    "Output",
    "Permissions",
    "Reference",
    "Schedule",
    "SecretSpec",
    "Setting",
    "Step",
    "Trigger",
    "Workflow",
    "to_json",
]


@dataclass(frozen=True, slots=True)
class Setting:
    """One `name: value` pair of `env`, `with`, `outputs`, `secrets` or `defaults`."""

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Filter:
    """A trigger filter: `branches`, `tags`, `paths` or their `-ignore` forms."""

    kind: str
    patterns: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Schedule:
    """One `schedule` entry: a cron expression and its optional timezone (UTC if none)."""

    cron: str
    timezone: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Input:
    """An input of `workflow_dispatch` or `workflow_call`."""

    name: str
    type: str | None
    description: str | None
    required: str | None
    default: str | None
    options: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Output:
    """An output of a `workflow_call` workflow."""

    name: str
    description: str | None
    value: str | None
    line: int


@dataclass(frozen=True, slots=True)
class SecretSpec:
    """A secret a `workflow_call` workflow accepts."""

    name: str
    description: str | None
    required: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Trigger:
    """One event under `on:`, with whatever its form allows."""

    event: str
    line: int
    types: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    inputs: tuple[Input, ...] = ()
    outputs: tuple[Output, ...] = ()
    secrets: tuple[SecretSpec, ...] = ()
    workflows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Permissions:
    """`permissions`: `read-all`, `write-all`, `none` (for `{}`), `custom` scopes, or an
    expression kept as written in `value`."""

    value: str
    scopes: tuple[Setting, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Concurrency:
    """`concurrency`: a group and whether a new run cancels the one in progress."""

    group: str
    cancel_in_progress: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Dimension:
    """One matrix dimension: its values, or the expression that makes them."""

    name: str
    values: tuple[str, ...]
    expression: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Matrix:
    """A job's `strategy.matrix`.

    `dimensions` map a name to its values (or to one expression); `include` and
    `exclude` rows are `Setting`s, or one expression each. `expression` is a
    whole-matrix expression kept as written. `combinations` is the number of jobs after
    include/exclude, None when it depends on an expression.
    """

    dimensions: tuple[Dimension, ...]
    include: tuple[tuple[Setting, ...], ...]
    exclude: tuple[tuple[Setting, ...], ...]
    expression: str | None
    combinations: int | None
    line: int
    include_expression: str | None = None
    exclude_expression: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One step: `uses` an action or `run`s a command (first line kept)."""

    name: str | None
    id: str | None
    uses: str | None
    run: str | None
    if_: str | None
    line: int
    with_: tuple[Setting, ...] = ()
    env: tuple[Setting, ...] = ()


@dataclass(frozen=True, slots=True)
class Job:
    """One job: a runner job with steps, or a call to a reusable workflow (`uses`)."""

    id: str
    name: str | None
    line: int
    needs: tuple[str, ...] = ()
    if_: str | None = None
    runs_on: str | None = None
    environment: str | None = None
    container: str | None = None
    services: tuple[Setting, ...] = ()
    outputs: tuple[Setting, ...] = ()
    timeout_minutes: str | None = None
    continue_on_error: str | None = None
    matrix: Matrix | None = None
    fail_fast: str | None = None
    max_parallel: str | None = None
    uses: str | None = None
    with_: tuple[Setting, ...] = ()
    secrets: tuple[Setting, ...] = ()
    secrets_inherit: bool = False
    permissions: Permissions | None = None
    concurrency: Concurrency | None = None
    env: tuple[Setting, ...] = ()
    defaults: tuple[Setting, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """A name the workflow reads (`secrets.X`, `vars.Y`), with the first line using it."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class ActionUse:
    """An action or reusable workflow a workflow uses, and how firmly it is pinned.

    `pin` is `sha` (a full commit SHA), `tag` (a version tag, which can move), `branch`
    (a moving branch such as `main`), `none` (no ref), `local` (`./path`) or `docker`.
    """

    uses: str
    name: str
    ref: str | None
    pin: str
    job: str
    line: int


@dataclass(frozen=True, slots=True)
class Cache:
    """A cache a job keeps between runs: the action, what it caches, and its key."""

    job: str
    action: str
    what: str
    key: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Workflow:
    """One workflow file, everything docgen knows about it."""

    file: str
    name: str
    description: str
    line: int
    run_name: str | None = None
    triggers: tuple[Trigger, ...] = ()
    env: tuple[Setting, ...] = ()
    defaults: tuple[Setting, ...] = ()
    permissions: Permissions | None = None
    concurrency: Concurrency | None = None
    jobs: tuple[Job, ...] = ()
    secrets: tuple[Reference, ...] = ()
    vars: tuple[Reference, ...] = ()
    actions: tuple[ActionUse, ...] = ()
    caches: tuple[Cache, ...] = ()


_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def to_json(value: object) -> object:
    """Plain JSON data: dataclasses become objects (`if_` is written `if`), tuples lists."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        # Field lists are looked up once per class: dumps walk thousands of objects.
        names = tuple((f.name, f.name.rstrip("_")) for f in dataclasses.fields(value))
        _FIELDS[kind] = names
    return {key: to_json(getattr(value, name)) for name, key in names}


@dataclass(frozen=True, slots=True)
class ActionInput:
    """An input of an action (`inputs:` in its metadata file)."""

    name: str
    description: str | None
    required: str | None
    default: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ActionStep:
    """One step of a composite action: `uses` (with its ref and pin) or `run` (first line)."""

    name: str | None
    id: str | None
    uses: str | None
    ref: str | None
    pin: str | None
    run: str | None
    if_: str | None
    shell: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Action:
    """One action metadata file (`action.yml`): what it takes, gives, and runs.

    `using` is `runs.using` as written (`composite`, `node20`, `docker`); `main` is the
    script a JavaScript action runs or the image a Docker action runs.
    """

    file: str
    name: str
    description: str | None
    author: str | None
    line: int
    using: str | None
    main: str | None = None
    inputs: tuple[ActionInput, ...] = ()
    outputs: tuple[Output, ...] = ()
    steps: tuple[ActionStep, ...] = ()
    actions: tuple[ActionUse, ...] = ()
