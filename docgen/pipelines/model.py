"""The pipeline model: what a workflow file says, as frozen, JSON-dumpable dataclasses.

Values are kept as written (`"3.10"`, `"true"`, `${{ expressions }}`); every element that
came from the file has the 1-based `line` it starts on. `to_json` (`docgen.jsonenc`'s) turns
any of them into plain JSON data for `docgen dump pipelines` (`if_` is written `if`).
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.jsonenc import to_json

__all__ = [
    "Action",
    "ActionInput",
    "ActionStep",
    "ActionUse",
    "Cache",
    "Concurrency",
    "Dimension",
    "Filter",
    "Finding",
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
    """One `name: value` pair of `env`, `with`, `outputs`, `secrets` or `defaults`.

    The value is kept as written; `line` is where the pair starts.
    """

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Filter:
    """A trigger filter: `branches`, `tags`, `paths` or their `-ignore` forms.

    Attributes:
        kind: the filter's key as written, e.g. `branches-ignore`.
        patterns: its glob patterns, in file order.
        line: where the filter starts.
    """

    kind: str
    patterns: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Schedule:
    """One `schedule` entry: a cron expression and its optional timezone (UTC if none).

    `line` is where the entry starts.
    """

    cron: str
    timezone: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Input:
    """An input of `workflow_dispatch` or `workflow_call`.

    Attributes:
        name: the input's key.
        type: `string`, `boolean`, `choice`, … or None when not given.
        description: as written, or None.
        required: as written (`true`, `false` or an expression), or None.
        default: as written, or None.
        options: the choices of a `choice` input.
        line: where the input starts.
    """

    name: str
    type: str | None
    description: str | None
    required: str | None
    default: str | None
    options: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Output:
    """An output of a `workflow_call` workflow.

    Attributes:
        name: the output's key.
        description: as written, or None.
        value: the expression it is set from, or None.
        line: where the output starts.
    """

    name: str
    description: str | None
    value: str | None
    line: int


@dataclass(frozen=True, slots=True)
class SecretSpec:
    """A secret a `workflow_call` workflow accepts.

    Attributes:
        name: the secret's key.
        description: as written, or None.
        required: as written (`true`, `false`), or None.
        line: where the secret starts.
    """

    name: str
    description: str | None
    required: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Trigger:
    """One event under `on:`, with whatever its form allows.

    Attributes:
        event: the event's name, e.g. `push`.
        line: where the event starts.
        types: its activity `types`.
        filters: branch, tag and path filters.
        schedules: the cron entries of `schedule`.
        inputs: the inputs of `workflow_dispatch` or `workflow_call`.
        outputs: the outputs of `workflow_call`.
        secrets: the secrets `workflow_call` accepts.
        workflows: the workflow names `workflow_run` listens to.
    """

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
    expression kept as written in `value`.

    `scopes` are the custom ones; `line` is where `permissions` starts.
    """

    value: str
    scopes: tuple[Setting, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Concurrency:
    """`concurrency`: a group and whether a new run cancels the one in progress.

    Attributes:
        group: the concurrency group, as written.
        cancel_in_progress: `cancel-in-progress` as written, or None.
        line: where `concurrency` starts.
    """

    group: str
    cancel_in_progress: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Dimension:
    """One matrix dimension: its values, or the expression that makes them.

    Attributes:
        name: the dimension's key, e.g. `python`.
        values: its values as written.
        expression: the expression that makes them, or None.
        line: where the dimension starts.
    """

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
    include/exclude, None when it depends on an expression. `line` is where the matrix
    starts; `include_expression` and `exclude_expression` hold an `include` or `exclude`
    given as one expression, else None.
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
    """One step: `uses` an action or `run`s a command (first line kept).

    Attributes:
        name: the step's `name`, or None.
        id: the step's `id`, or None.
        uses: the action it uses, or None.
        run: the first line of its command, or None.
        if_: its `if` condition, or None.
        line: where the step starts.
        with_: the action's `with` inputs.
        env: the step's `env`.
    """

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
    """One job: a runner job with steps, or a call to a reusable workflow (`uses`).

    Keys are kept as written; a key the job does not set is None or empty.

    Attributes:
        id: the job's key under `jobs`.
        name: its `name`, or None.
        line: where the job starts.
        needs: the jobs it waits for.
        if_: its `if` condition.
        runs_on: `runs-on`, flattened to one string.
        environment: the deployment environment's name.
        container: the container image.
        services: service containers, by name.
        outputs: the job's outputs.
        timeout_minutes: `timeout-minutes`.
        continue_on_error: `continue-on-error`.
        matrix: `strategy.matrix`.
        fail_fast: `strategy.fail-fast`.
        max_parallel: `strategy.max-parallel`.
        uses: the reusable workflow it calls.
        with_: the inputs it passes to that workflow.
        secrets: the secrets it passes to that workflow.
        secrets_inherit: True for `secrets: inherit`.
        permissions: the job's `permissions`.
        concurrency: the job's `concurrency`.
        env: the job's `env`.
        defaults: the job's `defaults.run` settings (`shell`, `working-directory`).
        steps: the job's steps, in order.
    """

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
    """A name the workflow reads (`secrets.X`, `vars.Y`), with the first line using it.

    `name` is the X or Y; `line` is the first line that reads it.
    """

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class ActionUse:
    """An action or reusable workflow a workflow uses, and how firmly it is pinned.

    `pin` is `sha` (a full commit SHA), `tag` (a version tag, which can move), `branch`
    (a moving branch such as `main`), `none` (no ref), `local` (`./path`) or `docker`.

    Attributes:
        uses: the reference as written, e.g. `actions/checkout@v4`.
        name: the action without its ref (the image for `docker://`).
        ref: the ref after `@` (a Docker image's tag), or None.
        pin: how firmly `ref` pins it (see above).
        job: the id of the job that uses it.
        line: where it is used.
    """

    uses: str
    name: str
    ref: str | None
    pin: str
    job: str
    line: int


@dataclass(frozen=True, slots=True)
class Cache:
    """A cache a job keeps between runs: the action, what it caches, and its key.

    `job` is the id of the job that keeps it and `line` the line of its step.
    """

    job: str
    action: str
    what: str
    key: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A security finding in a workflow: what, how bad, where, and which tool said it.

    Attributes:
        kind: the audit's id, zizmor's names (`unpinned-uses`, `secrets-inherit`, …);
            docgen's own checks use the same names where zizmor has one.
        severity: `high`, `medium`, `low`, `informational` or `unknown`, as zizmor grades.
        message: what is wrong, in a sentence.
        line: where, in the workflow file.
        job: the id of the job it is in, or None for the whole workflow.
        step: the 1-based number of the step it is in, or None.
        tool: `zizmor` or `docgen`.
        url: the audit's documentation, or None.
    """

    kind: str
    severity: str
    message: str
    line: int
    job: str | None = None
    step: int | None = None
    tool: str = "docgen"
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Workflow:
    """One workflow file, everything docgen knows about it.

    Attributes:
        file: the file's path, relative to the project root.
        name: its `name`, or the file's stem when it has none.
        description: the comment block at the top of the file, as Markdown.
        line: where the workflow's top-level mapping starts.
        run_name: `run-name`, or None.
        triggers: the events under `on:`.
        env: the workflow's `env`.
        defaults: the workflow's `defaults.run` settings.
        permissions: the workflow's `permissions`, or None.
        concurrency: the workflow's `concurrency`, or None.
        jobs: its jobs, in file order.
        secrets: the secrets it reads.
        vars: the configuration variables it reads.
        actions: the actions and reusable workflows it uses.
        caches: the caches its jobs keep.
        findings: its security findings, or None when it was not audited.
    """

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
    findings: tuple[Finding, ...] | None = None


@dataclass(frozen=True, slots=True)
class ActionInput:
    """An input of an action (`inputs:` in its metadata file).

    Attributes:
        name: the input's key.
        description: as written, or None.
        required: as written (`true`, `false`), or None.
        default: as written, or None.
        line: where the input starts.
    """

    name: str
    description: str | None
    required: str | None
    default: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ActionStep:
    """One step of a composite action: `uses` (with its ref and pin) or `run` (first line).

    `name`, `id`, `if_` (its `if` condition) and `shell` are as written, or None; `line`
    is where the step starts.
    """

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

    Attributes:
        file: the metadata file's path, relative to the project root.
        name: its `name`, or the file's stem when it has none.
        description: its `description`, else the comment at the top of the file, or None.
        author: its `author`, or None.
        line: where the file's top-level mapping starts.
        inputs: what it takes.
        outputs: what it gives.
        steps: a composite action's steps.
        actions: the actions those steps use.
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
