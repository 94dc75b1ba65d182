"""The walk of one workflow file's YAML into the model: workflow, triggers, jobs, steps,
matrix; each mistake found is one diagnostic at its line, and the walk goes on."""

from __future__ import annotations

import graphlib
import re
from collections.abc import Sequence

from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.pipelines.load import Value, YamlList, YamlMap
from docgen.pipelines.model import (
    ActionUse,
    Concurrency,
    Dimension,
    Filter,
    Input,
    Job,
    Matrix,
    Output,
    Permissions,
    Reference,
    Schedule,
    SecretSpec,
    Setting,
    Step,
    Trigger,
    Workflow,
)
from docgen.pipelines.values import _action, _cache, _some, _text, _walk, combinations, flow

_WORKFLOW_KEYS = frozenset(
    {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
)
_JOB_KEYS = frozenset(
    {
        "name", "permissions", "needs", "if", "runs-on", "snapshot", "environment",
        "concurrency", "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy",
        "continue-on-error", "container", "services", "uses", "with", "secrets",
    }
)  # fmt: skip
_FILTER_KINDS = ("branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore")
_BRANCHES = ("branches", "branches-ignore")
_FILTERS_OF = {
    "push": _FILTER_KINDS,
    "pull_request": (*_BRANCHES, "paths", "paths-ignore"),
    "pull_request_target": (*_BRANCHES, "paths", "paths-ignore"),
    "merge_group": _BRANCHES,
    "workflow_run": _BRANCHES,
}
_EVENT_KEYS = frozenset(
    {*_FILTER_KINDS, "types", "inputs", "outputs", "secrets", "workflows", "names", "versions"}
)
_REFERENCE = re.compile(
    r"\b(secrets|vars)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])"
)


class _Extractor:
    """Reads one parsed workflow; collects diagnostics as it goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def report(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int | None,
        hint: str | None = None,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(code, severity, message, Location(self.path, line), hint, "pipelines")
        )

    def wrong_type(self, what: str, expected: str, line: int) -> None:
        self.report(
            "DG207",
            Severity.ERROR,
            f"{what} must be {expected}",
            line,
            "see https://docs.github.com/actions/reference/workflow-syntax-for-github-actions",
        )

    def strings(self, value: Value, what: str, line: int) -> tuple[str, ...]:
        """A string or a list of strings; anything else is reported."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, YamlList) and all(isinstance(v, str) for v in value):
            return tuple(v for v in value if isinstance(v, str))
        self.wrong_type(what, "a string or a list of strings", line)
        return ()

    def settings(self, value: Value, what: str, line: int) -> tuple[Setting, ...]:
        if value is None:
            return ()
        if not isinstance(value, YamlMap):
            if isinstance(value, str):  # an expression: `env: ${{ fromJSON(...) }}`
                return (Setting("*", value, line),)
            self.wrong_type(what, "a mapping", line)
            return ()
        return tuple(Setting(k, flow(v), value.line_of(k)) for k, v in value.items())

    def unknown_keys(self, mapping: YamlMap, known: frozenset[str], where: str) -> None:
        for key in mapping:
            if key not in known:
                self.report(
                    "DG205",
                    Severity.WARNING,
                    f"unknown key {key!r} in {where}",
                    mapping.line_of(key),
                    f"GitHub accepts: {', '.join(sorted(known))}",
                )

    # -- workflow level ---------------------------------------------------------------

    def workflow(self, doc: YamlMap, stem: str, description: str) -> Workflow:
        self.unknown_keys(doc, _WORKFLOW_KEYS, "the workflow")
        name = doc.get("name")
        jobs = self.jobs(doc)
        actions: list[ActionUse] = []
        for job in jobs:
            if job.uses:  # a reusable workflow is "used" like an action, and pinned alike
                actions.append(_action(job.uses, job.id, job.line))
            actions += [_action(s.uses, job.id, s.line) for s in job.steps if s.uses]
        caches = [c for job in jobs for s in job.steps if (c := _cache(s, job.id))]
        secrets, variables = self.references(doc)
        run_name = doc.get("run-name")
        return Workflow(
            file=self.path,
            name=name if isinstance(name, str) and name.strip() else stem,
            description=description,
            line=doc.line,
            run_name=run_name if isinstance(run_name, str) else None,
            triggers=self.triggers(doc),
            env=self.settings(doc.get("env"), "env", doc.line_of("env")),
            defaults=self.defaults(doc.get("defaults"), doc.line_of("defaults")),
            permissions=self.permissions(doc, "permissions"),
            concurrency=self.concurrency(doc),
            jobs=jobs,
            secrets=secrets,
            vars=variables,
            actions=tuple(actions),
            caches=tuple(caches),
        )

    def references(self, doc: YamlMap) -> tuple[tuple[Reference, ...], tuple[Reference, ...]]:
        found: dict[str, dict[str, int]] = {"secrets": {}, "vars": {}}
        for text, line in _walk(doc, doc.line, set()):
            if "secrets" not in text and "vars" not in text:
                continue
            for match in _REFERENCE.finditer(text):
                found[match[1]].setdefault(match[2] or match[3], line)
        secrets, variables = (
            tuple(Reference(n, line) for n, line in sorted(found[kind].items()))
            for kind in ("secrets", "vars")
        )
        return secrets, variables

    def defaults(self, value: Value, line: int) -> tuple[Setting, ...]:
        if value is None:
            return ()
        run = value.get("run") if isinstance(value, YamlMap) else None
        if isinstance(run, YamlMap):
            return self.settings(run, "defaults.run", run.line)
        if isinstance(value, YamlMap) and set(value) <= {"run"} and run is None:
            return ()
        self.wrong_type("defaults", "a mapping with `run:` settings", line)
        return ()

    def permissions(self, owner: YamlMap, key: str) -> Permissions | None:
        if key not in owner:
            return None
        value, line = owner[key], owner.line_of(key)
        if isinstance(value, str):
            return Permissions(value, (), line)
        if isinstance(value, YamlMap):
            scopes = self.settings(value, "permissions", line)
            return Permissions("custom" if scopes else "none", scopes, line)
        if value is None:
            return Permissions("none", (), line)
        self.wrong_type("permissions", "read-all, write-all or a mapping", line)
        return None

    def concurrency(self, owner: YamlMap) -> Concurrency | None:
        value, line = owner.get("concurrency"), owner.line_of("concurrency")
        if value is None:
            return None
        if isinstance(value, str):
            return Concurrency(value, None, line)
        if isinstance(value, YamlMap):
            return Concurrency(
                flow(value.get("group")), _text(value.get("cancel-in-progress")), line
            )
        self.wrong_type("concurrency", "a string or a mapping", line)
        return None

    # -- triggers ---------------------------------------------------------------------

    def triggers(self, doc: YamlMap) -> tuple[Trigger, ...]:
        if "on" not in doc:  # reported once, by `extract`
            return ()
        on, line = doc.get("on"), doc.line_of("on")
        if isinstance(on, str):
            return (Trigger(on, line),)
        if isinstance(on, YamlList):
            out = []
            for index, event in enumerate(on):
                if isinstance(event, str):
                    out.append(Trigger(event, on.lines[index]))
                else:
                    self.wrong_type("each event in the `on:` list", "a string", on.lines[index])
            return tuple(out)
        if isinstance(on, YamlMap):
            return tuple(
                t for event in on if (t := self.trigger(event, on[event], on.line_of(event)))
            )
        self.wrong_type("`on:`", "an event, a list of events or a mapping", line)
        return ()

    def trigger(self, event: str, config: Value, line: int) -> Trigger | None:
        if config is None:
            return Trigger(event, line)
        if event == "schedule":
            return Trigger(event, line, schedules=self.schedules(config, line))
        if not isinstance(config, YamlMap):
            self.report(
                "DG206",
                Severity.ERROR,
                f"`{event}:` must be empty or a mapping of filters, not {flow(config)!r}",
                line,
                "write the filter under a key, e.g. `branches: [main]`",
            )
            return Trigger(event, line)
        self.unknown_keys(config, _EVENT_KEYS, f"the {event} trigger")
        filters = []
        allowed = _FILTERS_OF.get(event, _FILTER_KINDS)
        for kind in _FILTER_KINDS:
            if kind in config:
                where = config.line_of(kind)
                value = config[kind]
                if kind not in allowed:
                    self.report(
                        "DG206",
                        Severity.ERROR,
                        f"`{event}` cannot be filtered by `{kind}`",
                        where,
                        f"`{event}` takes: {', '.join(allowed)}",
                    )
                elif isinstance(value, str):
                    filters.append(Filter(kind, (value,), where))
                elif isinstance(value, YamlList) and all(isinstance(v, str) for v in value):
                    filters.append(
                        Filter(kind, tuple(v for v in value if isinstance(v, str)), where)
                    )
                else:
                    self.report(
                        "DG206",
                        Severity.ERROR,
                        f"`{kind}` of `{event}` must be a pattern or a list of patterns",
                        where,
                        f"write e.g. `{kind}: [main, 'releases/**']`",
                    )
        for kind in ("branches", "tags", "paths"):
            if kind in config and f"{kind}-ignore" in config:
                self.report(
                    "DG206",
                    Severity.ERROR,
                    f"`{event}` has both `{kind}` and `{kind}-ignore`",
                    config.line_of(f"{kind}-ignore"),
                    f"keep one; negate patterns with `!` inside `{kind}`",
                )
        return Trigger(
            event,
            line,
            types=self.strings(config.get("types"), "`types`", config.line_of("types")),
            filters=tuple(filters),
            inputs=self.inputs(config.get("inputs")),
            outputs=self.outputs(config.get("outputs")),
            secrets=self.secret_specs(config.get("secrets")),
            workflows=self.strings(
                config.get("workflows"), "`workflows`", config.line_of("workflows")
            ),
        )

    def schedules(self, value: Value, line: int) -> tuple[Schedule, ...]:
        if not isinstance(value, YamlList):
            self.wrong_type("`schedule`", "a list of `- cron:` entries", line)
            return ()
        out = []
        for index, entry in enumerate(value):
            cron = entry.get("cron") if isinstance(entry, YamlMap) else None
            if isinstance(entry, YamlMap) and isinstance(cron, str):
                zone = entry.get("timezone")
                out.append(
                    Schedule(cron, zone if isinstance(zone, str) else None, value.lines[index])
                )
            else:
                self.wrong_type(
                    "each `schedule` entry", "a mapping with `cron:`", value.lines[index]
                )
        return tuple(out)

    def inputs(self, value: Value) -> tuple[Input, ...]:
        if not isinstance(value, YamlMap):
            return ()
        out = []
        for name, spec in value.items():
            spec_map = spec if isinstance(spec, YamlMap) else YamlMap(value.line_of(name))
            options = spec_map.get("options")
            out.append(
                Input(
                    name=name,
                    type=_text(spec_map.get("type")),
                    description=_text(spec_map.get("description")),
                    required=_text(spec_map.get("required")),
                    default=_text(spec_map.get("default")),
                    options=tuple(flow(o) for o in options)
                    if isinstance(options, YamlList)
                    else (),
                    line=value.line_of(name),
                )
            )
        return tuple(out)

    def outputs(self, value: Value) -> tuple[Output, ...]:
        if not isinstance(value, YamlMap):
            return ()
        return tuple(
            Output(
                name,
                _text(spec.get("description")) if isinstance(spec, YamlMap) else None,
                _text(spec.get("value")) if isinstance(spec, YamlMap) else _text(spec),
                value.line_of(name),
            )
            for name, spec in value.items()
        )

    def secret_specs(self, value: Value) -> tuple[SecretSpec, ...]:
        if not isinstance(value, YamlMap):
            return ()
        return tuple(
            SecretSpec(
                name,
                _text(spec.get("description")) if isinstance(spec, YamlMap) else None,
                _text(spec.get("required")) if isinstance(spec, YamlMap) else None,
                value.line_of(name),
            )
            for name, spec in value.items()
        )

    # -- jobs ---------------------------------------------------------------------------

    def jobs(self, doc: YamlMap) -> tuple[Job, ...]:
        value = doc.get("jobs")
        if not isinstance(value, YamlMap):
            self.wrong_type("`jobs:`", "a mapping of job ids to jobs", doc.line_of("jobs"))
            return ()
        jobs = []
        for job_id, spec in value.items():
            if isinstance(spec, YamlMap):
                jobs.append(self.job(job_id, spec, value.line_of(job_id)))
            else:
                self.wrong_type(f"job {job_id!r}", "a mapping", value.line_of(job_id))
        self.check_needs(jobs, value)
        return tuple(jobs)

    def job(self, job_id: str, spec: YamlMap, line: int) -> Job:
        self.unknown_keys(spec, _JOB_KEYS, f"job {job_id!r}")
        environment = spec.get("environment")
        if isinstance(environment, YamlMap):
            environment = environment.get("name")
        container = spec.get("container")
        if isinstance(container, YamlMap):
            container = container.get("image")
        services = spec.get("services")
        secrets = spec.get("secrets")
        strategy = spec.get("strategy")
        strategy_map = strategy if isinstance(strategy, YamlMap) else YamlMap(line)
        steps = spec.get("steps")
        name = spec.get("name")
        return Job(
            id=job_id,
            name=name if isinstance(name, str) else None,
            line=line,
            needs=self.strings(
                spec.get("needs"), f"`needs` of job {job_id!r}", spec.line_of("needs")
            ),
            if_=_text(spec.get("if")),
            runs_on=self.runs_on(spec.get("runs-on")),
            environment=_text(environment),
            container=_text(container),
            services=tuple(
                Setting(
                    k,
                    flow(v.get("image") if isinstance(v, YamlMap) else v),
                    services.line_of(k),
                )
                for k, v in services.items()
            )
            if isinstance(services, YamlMap)
            else (),
            outputs=self.settings(spec.get("outputs"), "outputs", spec.line_of("outputs")),
            timeout_minutes=_text(spec.get("timeout-minutes")),
            continue_on_error=_text(spec.get("continue-on-error")),
            matrix=self.matrix(strategy_map.get("matrix"), strategy_map.line_of("matrix"))
            if "matrix" in strategy_map
            else None,
            fail_fast=_text(strategy_map.get("fail-fast")),
            max_parallel=_text(strategy_map.get("max-parallel")),
            uses=_text(spec.get("uses")),
            with_=self.settings(spec.get("with"), "with", spec.line_of("with")),
            secrets=self.settings(secrets, "secrets", spec.line_of("secrets"))
            if secrets != "inherit"
            else (),
            secrets_inherit=secrets == "inherit",
            permissions=self.permissions(spec, "permissions"),
            concurrency=self.concurrency(spec),
            env=self.settings(spec.get("env"), "env", spec.line_of("env")),
            defaults=self.defaults(spec.get("defaults"), spec.line_of("defaults")),
            steps=self.steps(steps, job_id, spec.line_of("steps")),
        )

    @staticmethod
    def runs_on(value: Value) -> str | None:
        if isinstance(value, YamlList):
            return ", ".join(flow(v) for v in value)
        if isinstance(value, YamlMap):
            parts = [flow(value[k]) for k in ("group", "labels") if k in value]
            return ", ".join(parts) if parts else flow(value)
        return value

    def steps(self, value: Value, job_id: str, line: int) -> tuple[Step, ...]:
        if value is None:
            return ()
        if not isinstance(value, YamlList):
            self.wrong_type(f"`steps` of job {job_id!r}", "a list", line)
            return ()
        out = []
        for index, spec in enumerate(value):
            if not isinstance(spec, YamlMap):
                self.wrong_type(
                    f"step {index + 1} of job {job_id!r}", "a mapping", value.lines[index]
                )
                continue
            run = _text(spec.get("run"))
            first = next((ln.strip() for ln in (run or "").splitlines() if ln.strip()), run)
            out.append(
                Step(
                    name=_text(spec.get("name")),
                    id=_text(spec.get("id")),
                    uses=_text(spec.get("uses")),
                    run=first,
                    if_=_text(spec.get("if")),
                    line=value.lines[index],
                    with_=self.settings(spec.get("with"), "with", spec.line_of("with")),
                    env=self.settings(spec.get("env"), "env", spec.line_of("env")),
                )
            )
        return tuple(out)

    def matrix(self, value: Value, line: int) -> Matrix | None:
        if value is None:
            return None
        if isinstance(value, str):
            return Matrix((), (), (), value, None, line)
        if not isinstance(value, YamlMap):
            self.wrong_type("`strategy.matrix`", "a mapping or an expression", line)
            return None
        dimensions = []
        rows: dict[str, tuple[tuple[Setting, ...], ...]] = {"include": (), "exclude": ()}
        expressions: dict[str, str | None] = {"include": None, "exclude": None}
        for key, item in value.items():
            where = value.line_of(key)
            if key in rows:
                if isinstance(item, YamlList):
                    rows[key] = tuple(
                        self.settings(r, f"a matrix {key} row", item.lines[i])
                        for i, r in enumerate(item)
                    )
                elif item is not None:
                    expressions[key] = flow(item)
            elif isinstance(item, YamlList):
                dimensions.append(Dimension(key, tuple(flow(v) for v in item), None, where))
            else:
                dimensions.append(Dimension(key, (), _text(item), where))
        matrix = Matrix(
            tuple(dimensions),
            rows["include"],
            rows["exclude"],
            None,
            None,
            line,
            expressions["include"],
            expressions["exclude"],
        )
        return Matrix(
            matrix.dimensions,
            matrix.include,
            matrix.exclude,
            None,
            combinations(matrix),
            line,
            matrix.include_expression,
            matrix.exclude_expression,
        )

    def check_needs(self, jobs: Sequence[Job], spec: YamlMap) -> None:
        ids = {job.id for job in jobs}
        graph: dict[str, list[str]] = {}
        for job in jobs:
            job_spec = spec.get(job.id)
            where = job_spec.line_of("needs") if isinstance(job_spec, YamlMap) else job.line
            graph[job.id] = []
            for need in job.needs:
                if need in ids:
                    graph[job.id].append(need)
                else:
                    self.report(
                        "DG202",
                        Severity.ERROR,
                        f"job {job.id!r} needs {need!r}, which is not a job of this workflow",
                        where,
                        f"jobs here: {_some(list(ids))}",
                    )
        try:
            graphlib.TopologicalSorter(graph).prepare()
        except graphlib.CycleError as error:
            cycle = [str(j) for j in error.args[1]]
            first = min(cycle[:-1] or cycle)
            job_spec = spec.get(first)
            self.report(
                "DG203",
                Severity.ERROR,
                f"jobs need each other in a cycle: {' → '.join(cycle)}",
                job_spec.line_of("needs") if isinstance(job_spec, YamlMap) else spec.line,
                "remove one of these `needs` so the jobs can run in order",
            )
