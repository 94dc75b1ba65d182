"""Property tests of the pipelines stage: whatever the YAML, no exception escapes.

Run: `pytest tests/test_pipelines_props.py -q -p no:cacheprovider`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.pipelines.actions import extract_action
from docgen.pipelines.extract import check_links, extract
from docgen.pipelines.load import load
from docgen.pipelines.model import to_json
from docgen.pipelines.pages import (
    Sources,
    action_page,
    action_page_paths,
    index_page,
    label,
    page_paths,
    workflow_page,
)

CORPUS = Path(__file__).resolve().parent / "fixtures" / "workflows"
SEEDS = [(Path(__file__).resolve().parents[1] / "action.yml").read_text(encoding="utf-8")] + [
    (CORPUS / "actionlint-ok" / name).read_text(encoding="utf-8")
    for name in ("anchors.yaml", "filters_for_specific_events.yaml", "workflow_call_event.yaml",
                 "issue-249_matrix_exclude_filter_object_subset.yaml", "schedule_timezone.yaml")
]  # fmt: skip
KEYS = [
    "on", "name", "jobs", "needs", "runs-on", "steps", "uses", "run", "with", "env",
    "strategy", "matrix", "include", "exclude", "permissions", "concurrency", "push",
    "pull_request", "schedule", "cron", "branches", "tags-ignore", "paths", "types",
    "workflow_dispatch", "workflow_call", "workflow_run", "workflows", "inputs", "outputs",
    "secrets", "options", "defaults", "run", "if", "services", "container", "environment",
    "a", "b", "<<", "runs", "using", "composite", "shell", "description", "default",
    "required", "author", "main", "image",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["a", "b", "main", "inherit", "read-all", "${{ x }}", "0 2 * * 1-5",
                     "./.github/workflows/x.yml", "o/r@v1", "o/r@" + "a" * 40, "*", "3.10",
                     "./", "./.github/actions/x", "${{ inputs.a }}", "inputs.b", "composite"]),
    st.text(max_size=8),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=20,
)
WORKFLOWS = st.fixed_dictionaries(
    {"on": VALUES, "jobs": st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), VALUES)},
    optional={"name": VALUES, "permissions": VALUES, "env": VALUES, "concurrency": VALUES},
)


ACTIONS = st.fixed_dictionaries(
    {"runs": st.one_of(VALUES, st.fixed_dictionaries({"using": VALUES, "steps": VALUES}))},
    optional={"name": VALUES, "inputs": VALUES, "outputs": VALUES, "description": VALUES},
)


def _everything(texts: list[str]) -> None:
    actions = []
    for number, text in enumerate(texts):
        action, diagnostics = extract_action(f".github/actions/a{number}/action.yml", text)
        json.dumps([d.to_dict() for d in diagnostics])
        if action is not None:
            json.dumps(to_json(action))
            actions.append(action)
    workflows = []
    for number, text in enumerate(texts):
        workflow, diagnostics = extract(f".github/workflows/w{number}.yml", text)
        json.dumps([d.to_dict() for d in diagnostics])
        if workflow is not None:
            json.dumps(to_json(workflow))
            workflows.append(workflow)
    check_links(workflows)
    sources = Sources("https://github.com/o/r", "main")
    index_page(workflows, page_paths(workflows), sources, actions, action_page_paths(actions))
    for workflow in workflows:
        workflow_page(workflow, sources)
    for action in actions:
        action_page(action, sources)


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(WORKFLOWS, min_size=1, max_size=3))
def test_generated_workflows_never_raise(workflows: list[dict[str, object]]) -> None:
    _everything([yaml.safe_dump(w) for w in workflows])


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(ACTIONS, min_size=1, max_size=3))
def test_generated_actions_never_raise(actions: list[dict[str, object]]) -> None:
    _everything([yaml.safe_dump(a) for a in actions])


@settings(max_examples=80, deadline=None, database=None)
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.sampled_from(
            ["", ":", "- ", "  ", "\n", "{", "}", "[", "]", "&a ", "*a", "<<: *a\n", "'", '"',
             "#", "\t", "---\n", "? ", "!!str ", "needs: x\n", "on: ", "%"])),
        min_size=1,
        max_size=4,
    ),
)  # fmt: skip
def test_mutated_workflows_never_raise(seed: str, edits: list[tuple[int, int, str]]) -> None:
    text = seed
    for offset, length, insert in edits:
        at = offset % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    _everything([text, seed])


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=200))
def test_any_text_never_raises(text: str) -> None:
    _everything([text])


JSONISH = st.recursive(
    st.one_of(st.none(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None, database=None)
@given(JSONISH)
def test_loader_reads_back_what_yaml_wrote(data: object) -> None:
    assert load(yaml.safe_dump(data)) == data


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_mermaid_labels_are_one_quoted_string_without_markup(text: str) -> None:
    made = label(text)
    inner = made[1:-1]
    assert made[0] == made[-1] == '"'
    assert not set(inner) & set('"<>`\n\r')
    names = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}
    decoded = re.sub(r"#(\w+);", lambda m: names.get(m[1]) or chr(int(m[1])), inner)
    assert decoded == text.replace("\n", " ").replace("\r", " ")
