"""The pipelines stage: loader, model, words, pages, diagnostics, generate and dump.

Run: `pytest tests/test_pipelines*.py -q -p no:cacheprovider`.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from html import unescape
from pathlib import Path

import pytest
import yaml

from docgen.config import DocgenConfig, PipelinesConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.pipelines import dump, generate, load_folder, source_ref
from docgen.pipelines.extract import check_links, combinations, extract, flow, leading_comment
from docgen.pipelines.load import LoadError, YamlList, YamlMap, load
from docgen.pipelines.model import Matrix, Schedule, Trigger, Workflow, to_json
from docgen.pipelines.pages import Sources, index_page, label, page_paths, workflow_page
from docgen.pipelines.words import code, cron, escape, trigger

CORPUS = Path(__file__).resolve().parent / "fixtures" / "workflows"


def one(text: str, path: str = ".github/workflows/ci.yml") -> tuple[Workflow, list[Diagnostic]]:
    workflow, diagnostics = extract(path, textwrap.dedent(text))
    assert workflow is not None, diagnostics
    return workflow, diagnostics


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def config_for(root: Path, **kwargs: object) -> DocgenConfig:
    kwargs.setdefault("pipelines", PipelinesConfig(audit=False))  # see test_pipelines_audit.py
    return DocgenConfig(root=root, docs_dir=root / "docs", site_dir=root / "site", **kwargs)  # type: ignore[arg-type]


def write(root: Path, name: str, text: str) -> Path:
    path = root / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- loader ------------------------------------------------------------------------------


def test_scalars_stay_as_written() -> None:
    doc = load("on: push\nv: 3.10\ny: yes\nn: off\nz:\nt: ~\nq: 'null'\ni: 010\n")
    assert isinstance(doc, YamlMap)
    assert doc == {"on": "push", "v": "3.10", "y": "yes", "n": "off", "z": None, "t": None,
                   "q": "null", "i": "010"}  # fmt: skip


def test_lines_of_keys_and_items() -> None:
    doc = load("a:\n  b: 1\nd:\n  - x: 1\n    y: 2\n  - z\n  - [1]\n")
    assert isinstance(doc, YamlMap)
    assert doc.lines == {"a": 1, "d": 3}
    items = doc["d"]
    assert isinstance(items, YamlList)
    assert items.lines == [4, 6, 7]
    assert doc.line_of("missing") == doc.line == 1


def test_anchors_aliases_redefinition_and_merge_keys() -> None:
    doc = load(
        "base: &b {p: 1, q: 2}\n"
        "over:\n  <<: *b\n  q: 3\n"
        "many:\n  <<: [*b, {z: 1, p: 9}]\n"
        "again: &b [x]\n"
        "later: *b\n"
        "'<<': quoted\n"
        "odd:\n  <<: scalar\n"
    )
    assert isinstance(doc, YamlMap)
    assert doc["over"] == {"q": "3", "p": "1"}
    assert doc["many"] == {"p": "1", "q": "2", "z": "1"}
    assert doc["later"] == ["x"]
    assert doc["<<"] == "quoted"
    assert doc["odd"] == {}


def test_recursive_alias_and_complex_key_do_not_break() -> None:
    doc = load("a: &a\n  - *a\n? [k]\n: v\n")
    assert isinstance(doc, YamlMap)
    assert flow(doc["a"]) == "[…]"
    assert "['k']" in doc


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: [\n", 2), ("a: *nope\n", 1), ("a: 1\n---\nb: 2\n", 2), ("a: b: c\n", 1)],
)
def test_load_errors_have_lines(text: str, line: int) -> None:
    with pytest.raises(LoadError) as error:
        load(text)
    assert error.value.line == line


def test_empty_and_comment_only_files_are_none() -> None:
    assert load("") is None
    assert load("# only a comment\n") is None


# -- triggers --------------------------------------------------------------------------


def test_on_as_string_list_and_map_with_nulls() -> None:
    assert [t.event for t in one("on: push\njobs: {}\n")[0].triggers] == ["push"]
    listed = one("on: [push, pull_request]\njobs: {}\n")[0]
    assert [(t.event, t.line) for t in listed.triggers] == [("push", 1), ("pull_request", 1)]
    mapped = one("on:\n  push:\n  workflow_dispatch:\njobs: {}\n")[0]
    assert [(t.event, t.line) for t in mapped.triggers] == [("push", 2), ("workflow_dispatch", 3)]


def test_filters_as_string_or_list_and_ignore_forms() -> None:
    workflow, diagnostics = one(
        """\
        on:
          push:
            branches: main
            tags: [v*.*.*, "!v0*"]
            paths-ignore:
              - docs/**
          pull_request:
            branches-ignore: [wip/**]
            paths: [src/**, "!src/gen/**"]
            types: [opened, synchronize]
        jobs: {}
        """
    )
    assert not diagnostics
    push, pull = workflow.triggers
    assert [(f.kind, f.patterns, f.line) for f in push.filters] == [
        ("branches", ("main",), 3),
        ("tags", ("v*.*.*", "!v0*"), 4),
        ("paths-ignore", ("docs/**",), 5),
    ]
    assert pull.types == ("opened", "synchronize")
    assert unescape(trigger(push)) == (
        "on push to <code>main</code> or of tags <code>v*.*.*</code> except of tags"
        " <code>v0*</code> unless only <code>docs/**</code> change"
    )
    assert unescape(trigger(pull)) == (
        "on pull requests (opened and synchronize) except into <code>wip/**</code> when"
        " <code>src/**</code> change (changes only in <code>src/gen/**</code> do not count)"
    )


@pytest.mark.parametrize(
    "event",
    ["branches: {a: b}", "paths: [[x]]", "tags: {}"],
)
def test_filter_of_wrong_type_is_dg206(event: str) -> None:
    _, diagnostics = one(f"on:\n  push:\n    {event}\njobs: {{}}\n")
    assert codes(diagnostics) == ["DG206"]
    assert diagnostics[0].location is not None
    assert diagnostics[0].location.line == 3
    assert diagnostics[0].severity is Severity.ERROR


def test_filter_an_event_does_not_take_is_dg206() -> None:
    _, diagnostics = one("on:\n  pull_request:\n    tags: [v*]\njobs: {}\n")
    assert codes(diagnostics) == ["DG206"]
    assert (
        diagnostics[0].hint
        == "`pull_request` takes: branches, branches-ignore, paths, paths-ignore"
    )


def test_filter_and_its_ignore_form_together_is_dg206() -> None:
    _, diagnostics = one("on:\n  push:\n    branches: [a]\n    branches-ignore: [b]\njobs: {}\n")
    assert codes(diagnostics) == ["DG206"]


def test_event_with_scalar_config_is_dg206() -> None:
    workflow, diagnostics = one("on:\n  push: main\njobs: {}\n")
    assert codes(diagnostics) == ["DG206"]
    assert workflow.triggers[0].event == "push"


def test_schedule_inputs_outputs_secrets_and_workflow_run() -> None:
    workflow, diagnostics = one(
        """\
        on:
          schedule:
            - cron: "0 2 * * *"
            - cron: "30 5 * * 1-5"
              timezone: Europe/Paris
          workflow_dispatch:
            inputs:
              level:
                type: choice
                options: [low, high]
                default: low
                required: true
                description: How loud
              flag:
          workflow_call:
            inputs:
              plan: {type: string}
            outputs:
              digest: {description: The digest, value: "${{ jobs.a.outputs.d }}"}
              bare: x
            secrets:
              token: {required: true, description: A token}
              other:
          workflow_run:
            workflows: [CI, "Build *"]
            types: [completed]
            branches: [main]
        jobs: {}
        """
    )
    assert not diagnostics
    schedule, dispatch, call, run = workflow.triggers
    assert schedule.schedules == (
        Schedule("0 2 * * *", None, 3),
        Schedule("30 5 * * 1-5", "Europe/Paris", 4),
    )
    assert unescape(trigger(schedule)) == (
        "every day at 02:00 UTC and every Monday to Friday at 05:30 Europe/Paris"
    )
    level, flag = dispatch.inputs
    assert (level.type, level.options, level.default, level.required) == (
        "choice", ("low", "high"), "low", "true"
    )  # fmt: skip
    assert flag.type is None
    assert (
        unescape(trigger(dispatch))
        == "manually with inputs <code>level</code> and <code>flag</code>"
    )
    assert [(o.name, o.value) for o in call.outputs] == [
        ("digest", "${{ jobs.a.outputs.d }}"),
        ("bare", "x"),
    ]
    assert [(s.name, s.required) for s in call.secrets] == [("token", "true"), ("other", None)]
    assert run.workflows == ("CI", "Build *")
    assert unescape(trigger(run)) == (
        "after <code>CI</code> and <code>Build *</code> completed on <code>main</code>"
    )


def test_bad_trigger_shapes_are_dg207() -> None:
    _, diagnostics = one("on: {schedule: nightly}\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one("on:\n  schedule:\n    - nightly\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one("on: [push, {a: b}]\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    workflow, diagnostics = one("on: {push: {types: {a: b}}}\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    assert workflow.triggers[0].types == ()
    _, diagnostics = one("jobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one("on:\n  - - push\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one("on: {push: {}}\njobs: {}\nname: [x]\n")
    assert codes(diagnostics) == []


def test_on_of_wrong_type_is_dg207() -> None:
    workflow, diagnostics = one("on: \nname: x\njobs: {}\n")
    assert codes(diagnostics) == ["DG207"]
    assert workflow.triggers == ()


# -- words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "zone", "words"),
    [
        ("0 2 * * *", None, "every day at 02:00 UTC"),
        ("*/15 * * * *", None, "every 15 minutes"),
        ("7 * * * *", None, "every hour at minute 7"),
        ("0 */6 * * *", None, "every 6 hours at minute 0"),
        ("0 5 * * 3", None, "every Wednesday at 05:00 UTC"),
        ("0 5 * * SUN,sat", None, "every Sunday and Saturday at 05:00 UTC"),
        ("0 5 * * 1,3,5", None, "every Monday, Wednesday and Friday at 05:00 UTC"),
        ("0 5 * * 7", None, "every Sunday at 05:00 UTC"),
        ("0 9 1 * *", "Asia/Tokyo", "on day 1 of every month at 09:00 Asia/Tokyo"),
        ("0 9 1 1,JUL *", None, "on day 1 of January and July at 09:00 UTC"),
        ("0 0,12 * * *", None, "every day at 00:00 and 12:00 UTC"),
        ("0 0 1,15 * *", None, "on the schedule <code>0 0 1,15 * *</code> (<code>UTC</code>)"),
        ("0 99 * * *", None, "on the schedule <code>0 99 * * *</code> (<code>UTC</code>)"),
        ("0 1 * * 9", None, "on the schedule <code>0 1 * * 9</code> (<code>UTC</code>)"),
        ("0 1 * * 1-X", None, "on the schedule <code>0 1 * * 1-X</code> (<code>UTC</code>)"),
        ("0 1 1 13 *", None, "on the schedule <code>0 1 1 13 *</code> (<code>UTC</code>)"),
        ("0 1 * 2 1", None, "on the schedule <code>0 1 * 2 1</code> (<code>UTC</code>)"),
        ("*/x 1 * * *", None, "on the schedule <code>*/x 1 * * *</code> (<code>UTC</code>)"),
        ("@daily", None, "on the schedule <code>@daily</code> (<code>UTC</code>)"),
    ],
)
def test_cron_in_words(expression: str, zone: str | None, words: str) -> None:
    assert unescape(cron(Schedule(expression, zone, 1))) == words


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (Trigger("schedule", 1), "on a schedule"),
        (Trigger("workflow_run", 1), "after another workflow completed"),
        (
            Trigger("issue_comment", 1, types=("created",)),
            "on issue and pull request comments (created)",
        ),
        (Trigger("image_version", 1), "on <code>image_version</code> events"),
        (Trigger("workflow_call", 1), "when another workflow calls it"),
    ],
)
def test_triggers_in_words(item: Trigger, words: str) -> None:
    assert unescape(trigger(item)) == words


def test_every_branch_is_said_in_words() -> None:
    workflow, _ = one("on:\n  push:\n    branches: ['**']\njobs: {}\n")
    assert trigger(workflow.triggers[0]) == "on push to any branch"


def test_long_pattern_lists_are_cut_with_a_limit() -> None:
    workflow, _ = one("on:\n  push:\n    paths: [a, b, c, d, e]\njobs: {}\n")
    assert unescape(trigger(workflow.triggers[0], limit=2)).endswith(
        "when <code>a</code>, <code>b</code> and 3 more change"
    )


def test_escaping_helpers() -> None:
    assert escape("<script>*a*|[x](y)") == "&lt;script&gt;\\*a\\*\\|\\[x\\]\\(y\\)"
    assert code("a|b<c>&`*_\n") == "<code>a&#124;b&#60;c&#62;&#38;&#96;&#42;&#95; </code>"
    assert label('a"]-->x') == '"a#quot;]--#gt;x"'
    assert label("<script>#1&`\n") == '"#lt;script#gt;#35;1#amp;#96; "'


# -- jobs, matrices, actions -------------------------------------------------------------


def test_jobs_with_every_field() -> None:
    workflow, diagnostics = one(
        """\
        # Builds things.
        name: Build
        run-name: Build ${{ github.ref }}
        on: push
        permissions: read-all
        concurrency: build-${{ github.ref }}
        env:
          A: "1"
        defaults:
          run:
            shell: bash
        jobs:
          build:
            name: Build it
            runs-on: [self-hosted, linux]
            environment: {name: prod, url: "https://x"}
            container: {image: "node:20"}
            services:
              redis: {image: "redis:7"}
              pg: postgres
            outputs:
              digest: ${{ steps.b.outputs.d }}
            timeout-minutes: 30
            continue-on-error: true
            permissions:
              contents: write
            concurrency: {group: g, cancel-in-progress: true}
            env: ${{ fromJSON(vars.ENV) }}
            defaults: {run: {working-directory: src}}
            steps:
              - uses: actions/checkout@v4
              - id: b
                name: Build
                run: |

                  make all
                  make check
                if: success()
                env: {TOKEN: "${{ secrets.TOKEN }}"}
              - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9
                with: {path: ~/.npm, key: "npm-${{ hashFiles('**/package-lock.json') }}"}
          deploy:
            needs: build
            if: github.ref == 'refs/heads/main'
            uses: org/repo/.github/workflows/deploy.yml@main
            with: {target: prod}
            secrets: inherit
          local:
            needs: [build, deploy]
            uses: ./.github/workflows/reuse.yml
            secrets:
              token: ${{ secrets['OTHER'] }}
            runs-on: {group: big, labels: [x]}
        """
    )
    assert not diagnostics
    assert codes(check_links([workflow])) == ["DG208"]
    assert workflow.name == "Build"
    assert workflow.description == "Builds things."
    assert workflow.run_name == "Build ${{ github.ref }}"
    assert workflow.permissions is not None
    assert workflow.permissions.value == "read-all"
    assert workflow.concurrency is not None
    assert workflow.concurrency.group == "build-${{ github.ref }}"
    assert [(s.name, s.value) for s in workflow.defaults] == [("shell", "bash")]
    build, deploy, local = workflow.jobs
    assert build.runs_on == "self-hosted, linux"
    assert (build.environment, build.container) == ("prod", "node:20")
    assert [(s.name, s.value) for s in build.services] == [("redis", "redis:7"), ("pg", "postgres")]
    assert build.permissions is not None
    assert build.permissions.value == "custom"
    assert build.concurrency is not None
    assert build.concurrency.cancel_in_progress == "true"
    assert [(s.name, s.value) for s in build.env] == [("*", "${{ fromJSON(vars.ENV) }}")]
    assert [(s.name, s.value) for s in build.defaults] == [("working-directory", "src")]
    assert build.steps[1].run == "make all"
    assert build.steps[1].line == 32
    assert deploy.needs == ("build",)
    assert deploy.secrets_inherit
    assert local.needs == ("build", "deploy")
    assert [(s.name, s.value) for s in local.secrets] == [("token", "${{ secrets['OTHER'] }}")]
    assert local.runs_on == "big, [x]"
    assert [(r.name, r.line) for r in workflow.secrets] == [("OTHER", 52), ("TOKEN", 39)]
    assert [r.name for r in workflow.vars] == ["ENV"]
    pins = {a.name: (a.ref, a.pin) for a in workflow.actions}
    assert pins == {
        "actions/checkout": ("v4", "tag"),
        "actions/cache": ("0c45773b623bea8c8e75f6c82b208c3cf94ea4f9", "sha"),
        "org/repo/.github/workflows/deploy.yml": ("main", "branch"),
        "./.github/workflows/reuse.yml": (None, "local"),
    }
    assert [(c.job, c.what) for c in workflow.caches] == [("build", "~/.npm")]
    dumped = json.loads(json.dumps(to_json(workflow)))
    assert dumped["jobs"][0]["steps"][1]["if"] == "success()"


def test_actions_of_every_kind_and_caches() -> None:
    workflow, _ = one(
        """\
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - uses: docker://alpine:3.19
              - uses: docker://ghcr.io/o/i@sha256:abc
              - uses: docker://alpine
              - uses: owner/action
              - uses: ./local-action
              - uses: Swatinem/rust-cache@v2
                with: {shared-key: k}
              - uses: actions/setup-python@v5
                with: {cache: pip}
              - uses: actions/setup-node@v4
              - uses: astral-sh/setup-uv@v6
                with: {enable-cache: "true"}
              - uses: astral-sh/setup-uv@v6
                with: {enable-cache: "false"}
              - run: echo
        """
    )
    assert [(a.name, a.ref, a.pin) for a in workflow.actions[:5]] == [
        ("alpine", "3.19", "docker"),
        ("ghcr.io/o/i", "sha256:abc", "docker"),
        ("alpine", None, "docker"),
        ("owner/action", None, "none"),
        ("./local-action", None, "local"),
    ]
    assert [(c.action, c.what, c.key) for c in workflow.caches] == [
        ("Swatinem/rust-cache", "Rust build outputs (target/, ~/.cargo)", "k"),
        ("actions/setup-python", "pip packages", None),
        ("astral-sh/setup-uv", "uv packages", None),
    ]


def test_bad_job_shapes_are_dg207_and_unknown_keys_dg205() -> None:
    _, diagnostics = one("on: push\njobs: [a]\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one("on: push\njobs:\n  a: x\n")
    assert codes(diagnostics) == ["DG207"]
    _, diagnostics = one(
        """\
        on: push
        colour: blue
        permissions: [x]
        concurrency: [x]
        defaults: x
        env: [x]
        jobs:
          a:
            runs-on: x
            steps: x
            needs: {a: b}
            strategy: {matrix: [x]}
            flavour: x
          b:
            steps: [x]
            defaults: {}
        """
    )
    assert sorted(codes(diagnostics)) == sorted(
        ["DG205", "DG207", "DG207", "DG207", "DG207", "DG205", "DG207", "DG207", "DG207", "DG207"]
    )
    warning = next(d for d in diagnostics if d.code == "DG205")
    assert warning.severity is Severity.WARNING
    assert warning.location is not None
    assert warning.location.line == 2


def test_permissions_forms() -> None:
    for text, value in [("{}", "none"), ("write-all", "write-all"), ("", "none"),
                        ("${{ x }}", "${{ x }}")]:  # fmt: skip
        workflow, _ = one(f"on: push\npermissions: {text}\njobs: {{}}\n")
        assert workflow.permissions is not None
        assert workflow.permissions.value == value


def test_missing_needs_and_cycles() -> None:
    _, diagnostics = one(
        "on: push\njobs:\n  a:\n    needs: [ghost]\n    runs-on: x\n  b:\n    runs-on: x\n"
    )
    assert codes(diagnostics) == ["DG202"]
    assert diagnostics[0].location is not None
    assert diagnostics[0].location.line == 4
    _, diagnostics = one(
        "on: push\njobs:\n  a: {needs: c, runs-on: x}\n  b: {needs: a, runs-on: x}\n"
        "  c: {needs: [b], runs-on: x}\n"
    )
    assert codes(diagnostics) == ["DG203"]
    assert "→" in diagnostics[0].message
    _, diagnostics = one(
        "on: push\njobs:\n  a: {needs: z, runs-on: x}\n"
        + "".join(f"  j{i}: {{runs-on: x}}\n" for i in range(9))
    )
    assert diagnostics[0].hint == "jobs here: a, j0, j1, j2, j3, j4, j5, j6 and 2 more"
    _, diagnostics = one("on: push\njobs:\n  a: {needs: a, runs-on: x}\n")
    assert codes(diagnostics) == ["DG203"]


def matrix_of(text: str) -> Matrix:
    workflow, diagnostics = one(
        "on: push\njobs:\n  t:\n    runs-on: x\n    strategy:\n      matrix:\n"
        + textwrap.indent(textwrap.dedent(text), "        ")
    )
    assert not diagnostics
    matrix = workflow.jobs[0].matrix
    assert matrix is not None
    return matrix


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("os: [a, b]\npy: ['3.10', '3.11', '3.12']\n", 6),
        ("os: [a, b]\npy: ['3.10', '3.11']\nexclude:\n  - {os: a, py: '3.10'}\n", 3),
        ("os: [a, b]\ninclude:\n  - {os: a, extra: 1}\n  - {os: c}\n  - {flag: x}\n", 3),
        ("os: [a]\nexclude:\n  - {os: a}\ninclude:\n  - {os: b}\n", 1),
        ("include:\n  - {os: a}\n  - {os: b}\n", 2),
        ("os: ['${{ x }}', b]\n", 2),
        ("os: ${{ fromJSON(x) }}\n", None),
        ("os: [a]\ninclude: ${{ fromJSON(x) }}\n", None),
        ("os: [a]\nexclude:\n  - {os: '${{ x }}'}\n", None),
        ("os: [a]\ninclude:\n  - ${{ x }}\n", None),
        ("os: [a]\nexclude:\n", 1),
    ],
)
def test_matrix_combinations(text: str, count: int | None) -> None:
    assert matrix_of(text).combinations == count


def test_whole_matrix_expression_is_kept() -> None:
    workflow, _ = one(
        "on: push\njobs:\n  t:\n    runs-on: x\n    strategy:\n"
        "      matrix: ${{ fromJson(needs.plan.outputs.val) }}\n      fail-fast: false\n"
    )
    job = workflow.jobs[0]
    assert job.matrix is not None
    assert job.matrix.expression == "${{ fromJson(needs.plan.outputs.val) }}"
    assert combinations(job.matrix) is None
    assert job.fail_fast == "false"
    workflow, _ = one("on: push\njobs:\n  t:\n    strategy:\n      matrix:\n")
    assert workflow.jobs[0].matrix is None


def test_leading_comment_block() -> None:
    text = (
        "# yaml-language-server: $schema=x\n#!\n# Title\n#\n#   indented\n\n# more\n---\n"
        "on: push\n# not this\n"
    )
    assert leading_comment(text) == "Title\n\n  indented\n\nmore"
    assert leading_comment("on: push\n# late\n") == ""
    assert leading_comment("\ufeff# With a BOM\r\non: push\r\n") == "With a BOM"


def test_not_a_workflow_and_syntax_errors() -> None:
    workflow, diagnostics = extract("x.yml", "- a\n")
    assert workflow is None
    assert codes(diagnostics) == ["DG200"]
    assert diagnostics[0].severity is Severity.INFO
    workflow, diagnostics = extract("x.yml", "on: [push\n")
    assert workflow is None
    assert codes(diagnostics) == ["DG201"]
    assert diagnostics[0].location is not None
    assert diagnostics[0].location.line == 2


# -- the corpus ----------------------------------------------------------------------------


class _AnyAnchors(yaml.SafeLoader):
    """An independent reader for the expected counts: PyYAML, anchors may be redefined."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
            event: yaml.NodeEvent = self.peek_event()  # type: ignore[no-untyped-call]
            if event.anchor is not None:
                self.anchors.pop(event.anchor, None)
        return super().compose_node(parent, index)


def _expected(path: Path) -> dict[str, list[str]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyAnchors)  # noqa: S506
    jobs = data["jobs"]
    out = {}
    for job_id, spec in jobs.items():
        needs = spec.get("needs", [])
        out[str(job_id)] = [needs] if isinstance(needs, str) else [str(n) for n in needs]
    return out


@pytest.mark.parametrize("corpus", ["actionlint-ok", "ruff"])
def test_corpus_loads_without_errors_and_keeps_every_job_and_edge(
    tmp_path: Path, corpus: str
) -> None:
    folder = CORPUS / corpus
    config = config_for(tmp_path)
    workflows, diagnostics = load_folder(config, folder)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
    assert len(workflows) == len(files) > 10
    for workflow, path in zip(workflows, files, strict=True):
        assert Path(workflow.file).name == path.name
        got = {job.id: list(job.needs) for job in workflow.jobs}
        assert got == _expected(path), path.name
    skipped = [d for d in diagnostics if d.code == "DG200"]
    assert len(skipped) == 1  # the licence file


def test_ruff_release_calls_are_local_and_inherit_secrets(tmp_path: Path) -> None:
    workflows, _ = load_folder(config_for(tmp_path), CORPUS / "ruff")
    release = next(w for w in workflows if w.file.endswith("release.yml"))
    assert release.permissions is not None
    assert release.permissions.value == "none"
    calls = [j for j in release.jobs if j.uses]
    assert len(calls) == 11
    assert all(j.secrets_inherit for j in calls)
    assert {a.pin for a in release.actions if a.name.endswith(".yml")} == {"local"}


# -- pages ------------------------------------------------------------------------------


def test_hostile_names_render_as_text_and_keep_the_graph_valid(tmp_path: Path) -> None:
    workflow, _ = one(
        """\
        # <script>alert(1)</script> *purpose*
        # ## not a heading
        # ===
        name: '<b>x</b> | [y](z)'
        on: push
        jobs:
          evil:
            name: 'a"]-->x'
            runs-on: "<script>"
            steps:
              - name: "`tick` <img src=x>"
                run: echo "|"
          next:
            name: "#quot; & <x>"
            needs: evil
            runs-on: x
        """
    )
    page = workflow_page(workflow, Sources(None, "main"))
    assert "<script>" not in page
    assert "<b>" not in page
    assert "<img" not in page
    assert '["a#quot;]--#gt;x"]' in page
    assert '["#35;quot; #amp; #lt;x#gt;"]' in page
    assert "  j0 --> j1" in page
    assert "# &lt;b&gt;x&lt;/b&gt; \\| \\[y\\]\\(z\\)" in page
    assert "&lt;script&gt;alert\\(1\\)" not in page  # prose keeps Markdown, escapes HTML
    assert "&lt;script>alert(1)&lt;/script> *purpose*" in page
    assert "\\## not a heading" in page
    assert "\n===\n" not in page


def test_page_paths_are_unique_and_never_the_index() -> None:
    files = ("w/index.yml", "w/a.yml", "w/a.yaml", "x/a.yml", "y/a.yml")
    made = [Workflow(f, "n", "", 1) for f in files]
    assert list(page_paths(made).values()) == [
        "pipelines/index-yml.md",
        "pipelines/a.md",
        "pipelines/a-yaml.md",
        "pipelines/a-yml.md",
        "pipelines/a-2.md",
    ]


def test_source_links(tmp_path: Path) -> None:
    sources = Sources("https://github.com/o/r/", "abc")
    assert sources.url("f.yml", 3) == "https://github.com/o/r/blob/abc/f.yml#L3"
    assert sources.link("x", "f.yml") == "[x](https://github.com/o/r/blob/abc/f.yml)"
    assert Sources(None, "main").link("x", "f.yml", 3) == "x"


def test_source_ref_is_head_of_a_git_repo_else_main(tmp_path: Path) -> None:
    assert source_ref(tmp_path) == "main"
    assert source_ref(tmp_path / "missing") == "main"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    assert source_ref(tmp_path) == "main"  # no commit yet
    (tmp_path / "f").write_text("x")
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    assert source_ref(tmp_path) == head.stdout.strip()


# -- generate and dump ---------------------------------------------------------------------


def test_generate_makes_pages_diagnostics_and_model(tmp_path: Path) -> None:
    write(tmp_path, "ci.yml", "name: CI\non: push\njobs:\n  a: {runs-on: x, needs: [b]}\n")
    write(tmp_path, "after.yaml", "on:\n  workflow_run:\n    workflows: [C*, Nope]\njobs: {}\n")
    write(tmp_path, "broken.yml", "on: [\n")
    write(tmp_path, "README.md", "# not a workflow\n")
    (tmp_path / ".github" / "workflows" / "sub").mkdir()
    result = generate(config_for(tmp_path, repo_url="https://github.com/o/r"))
    assert result.stage == "pipelines"
    assert [p.path for p in result.pages] == [
        "pipelines/index.md",
        "pipelines/after.md",
        "pipelines/ci.md",
    ]
    assert all(p.nav == ("Pipelines",) for p in result.pages)
    assert [p.source for p in result.pages] == [
        ".github/workflows",
        ".github/workflows/after.yaml",
        ".github/workflows/ci.yml",
    ]
    assert [(d.code, d.location.path if d.location else None) for d in result.diagnostics] == [
        ("DG200", ".github/workflows/README.md"),
        ("DG204", ".github/workflows/after.yaml"),
        ("DG201", ".github/workflows/broken.yml"),
        ("DG202", ".github/workflows/ci.yml"),
    ]
    assert result.summary == {"workflows": 2, "actions": 0, "jobs": 1, "pages": 3}
    assert result.watch == (tmp_path / ".github" / "workflows",)
    json.dumps(result.model)
    index = result.pages[0].markdown
    assert "w1 -. " in index  # CI then runs the waiting workflow
    assert "runs after [CI](ci.md)" in index


def test_generate_without_a_folder_or_with_an_unreadable_file(tmp_path: Path) -> None:
    result = generate(config_for(tmp_path))
    assert result.pages == ()
    assert [d.code for d in result.diagnostics] == ["DG200"]
    path = write(tmp_path, "bad.yml", "")
    path.write_bytes(b"on: \xff\n")
    result = generate(config_for(tmp_path, pipelines=PipelinesConfig(".github/workflows")))
    assert [d.code for d in result.diagnostics] == ["DG209"]
    result = generate(config_for(tmp_path, pipelines=None))
    assert [d.code for d in result.diagnostics] == ["DG209"]


def test_dump_reads_folders_and_repository_roots(tmp_path: Path) -> None:
    write(tmp_path, "ci.yml", "on: push\njobs:\n  a: {runs-on: x}\n  b: {runs-on: x, needs: a}\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "w.yml").write_text("on: pull_request\njobs: {}\n")
    config = config_for(tmp_path)
    default = dump(config, [])
    assert json.loads(json.dumps(default)) == default
    workflows = default["workflows"]
    assert isinstance(workflows, list)
    assert workflows[0]["file"] == ".github/workflows/ci.yml"
    assert workflows[0]["triggers"][0]["event"] == "push"
    assert [(j["id"], j["needs"]) for j in workflows[0]["jobs"]] == [("a", []), ("b", ["a"])]
    both = dump(config, [str(tmp_path), str(other)])
    names = [w["file"] for w in both["workflows"]]  # type: ignore[attr-defined]
    assert names == [".github/workflows/ci.yml", "other/w.yml"]
    assert both["diagnostics"] == []


def test_registered_first_in_the_stage_registry(tmp_path: Path) -> None:
    from docgen import stages

    first = stages.STAGES[0]
    assert first.name == "pipelines"
    assert first.generate is not None
    assert first.dump is not None
    write(tmp_path, "ci.yml", "on: push\njobs:\n  a: {runs-on: x}\n")
    config = config_for(tmp_path)
    assert first.dump(config, []) == dump(config, [])
    assert [p.path for p in first.generate(config).pages] == [
        "pipelines/index.md",
        "pipelines/ci.md",
    ]


def test_page_corner_cases() -> None:
    workflow, _ = one(
        """\
        on: push
        jobs:
          plan:
            permissions: write-all
            strategy:
              matrix: ${{ fromJSON(needs.x.outputs.m) }}
            steps:
              - {}
              - uses: owner/action
          grid:
            runs-on: x
            strategy:
              matrix:
                os: [a]
                include: ${{ fromJSON(vars.MORE) }}
                exclude: ${{ fromJSON(vars.LESS) }}
        """
    )
    page = workflow_page(workflow, Sources(None, "main"))
    text = unescape(page)
    assert "Matrix computed at run time: <code>${{ fromJSON(needs.x.outputs.m) }}</code>." in text
    assert "Matrix (size known at run time):" in text
    assert "- include: <code>${{ fromJSON(vars.MORE) }}</code>" in text
    assert "- exclude: <code>${{ fromJSON(vars.LESS) }}</code>" in text
    assert "1. (empty step)\n2. uses <code>owner/action</code>" in text
    assert "| <code>owner/action</code> | — | ⚠️ no version | <code>plan</code> |" in text
    assert "### plan\n\nMatrix computed" in text  # no facts line for a job with none
    assert "- Job <code>plan</code> has <code>write-all</code>." in text
    assert "[source]" not in page


def test_leading_comment_of_a_comment_only_text_and_json_of_mappings() -> None:
    assert leading_comment("\n# a\n#\n# b") == "a\n\nb"
    assert flow(load("[a, ~, {k: [v]}]")) == "[a, null, {k: [v]}]"
    assert to_json({"k": (1, None)}) == {"k": [1, None]}
    assert to_json(Path("x")) == "x"
    thing = object()
    assert to_json(thing) is thing  # no JSON kind: as it is


def test_comment_lists_get_the_blank_lines_markdown_needs() -> None:
    workflow, _ = one(
        "# Intro text\n#   1. one\n#      more\n#   2. two\n# after\n#\n# - a\n# - b\non: push\n"
        "jobs: {}\n"
    )
    page = workflow_page(workflow, Sources(None, "main"))
    assert "Intro text\n\n  1. one\n     more\n  2. two\n\nafter\n\n- a\n- b\n" in page


def test_anchors_aliases_and_merge_keys_in_a_workflow() -> None:
    workflow, diagnostics = one(
        """\
        on:
          push: &filters
            branches: [main]
          pull_request: *filters
        jobs:
          base: &job
            runs-on: &os ubuntu-latest
            env: {OS: *os}
            steps:
              - &checkout
                uses: actions/checkout@v4
          copy: *job
          merged:
            <<: *job
            needs: [base, copy]
            runs-on: windows-latest
            steps: [*checkout, {run: make}]
        """
    )
    assert not diagnostics
    assert [(t.event, t.filters[0].patterns) for t in workflow.triggers] == [
        ("push", ("main",)),
        ("pull_request", ("main",)),
    ]
    base, copy, merged = workflow.jobs
    assert (copy.runs_on, copy.line, copy.steps[0].uses) == (
        "ubuntu-latest",
        12,
        "actions/checkout@v4",
    )
    assert merged.runs_on == "windows-latest"
    assert merged.env == base.env
    assert merged.needs == ("base", "copy")
    assert [s.uses or s.run for s in merged.steps] == ["actions/checkout@v4", "make"]


def test_index_says_when_workflows_are_unconnected_and_pages_show_run_names() -> None:
    workflow, _ = one("name: A\nrun-name: Deploy ${{ inputs.env }}\non: push\njobs: {}\n")
    index = index_page([workflow], page_paths([workflow]), Sources(None, "main"))
    assert "None of these workflows calls another" in index
    assert "```mermaid" not in index
    page = unescape(workflow_page(workflow, Sources(None, "main")))
    assert "Each run is titled <code>Deploy ${{ inputs.env }}</code>." in page
    assert "This workflow has no jobs." in page
