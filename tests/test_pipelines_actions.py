"""Action metadata files (`action.yml`) in the pipelines stage: model, diagnostics, pages.

Run: `pytest tests/test_pipelines*.py -q -p no:cacheprovider`.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, PipelinesConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.pipelines import dump, generate, load_actions
from docgen.pipelines.actions import action_files, extract_action, local_action_dir
from docgen.pipelines.model import Action, to_json
from docgen.pipelines.pages import Sources, action_page, action_page_paths, index_page

REPO = Path(__file__).resolve().parents[1]
GITHUB = Sources("https://github.com/o/r", "main")


def config_for(root: Path) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        pipelines=PipelinesConfig(audit=False),  # see test_pipelines_audit.py
    )


def action(text: str, path: str = "action.yml") -> tuple[Action, list[Diagnostic]]:
    found, diagnostics = extract_action(path, textwrap.dedent(text))
    assert found is not None, diagnostics
    return found, diagnostics


def put(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_this_repositorys_action_loads_without_errors() -> None:
    found, diagnostics = extract_action("action.yml", (REPO / "action.yml").read_text())
    assert found is not None
    assert [d for d in diagnostics if d.severity is not Severity.INFO] == []
    assert found.using == "composite"
    assert found.name == "docgen documentation"
    assert {i.name for i in found.inputs} >= {"python-version", "config", "deploy"}
    assert all(i.required == "false" for i in found.inputs)
    assert found.steps
    assert all(s.shell == "bash" for s in found.steps if s.run)
    assert {a.pin for a in found.actions} == {"sha"}
    assert all(s.ref and len(s.ref) == 40 for s in found.steps if s.uses)
    json.dumps(to_json(found))


BAD = """\
    name: Set up
    description: d
    inputs:
      version:
        default: "3.11"
    runs:
      using: composite
      steps:
        - uses: actions/setup-python@v5
          with:
            python-version: ${{ inputs.version }}
            cache: ${{ inputs.verison }}
        - if: inputs.Editable == 'true' && inputs.VERSION
          run: |

            pip install -e .
        - shell: bash
          run: echo "${{ inputs['flavour'] }} ${{ inputs.verison }} inputs.not-an-expression"
        - 12
        - name: n
          colour: red
"""


def test_undeclared_inputs_and_run_without_shell_are_reported_at_their_lines() -> None:
    found, diagnostics = action(BAD)
    got = sorted(
        (d.location.line or 0 if d.location else 0, d.code, d.severity) for d in diagnostics
    )
    got = [(code, severity, line) for line, code, severity in got]
    assert got == [
        ("DG211", Severity.WARNING, 12),
        ("DG211", Severity.WARNING, 13),
        ("DG212", Severity.ERROR, 13),
        ("DG211", Severity.WARNING, 18),
        ("DG207", Severity.ERROR, 19),
        ("DG205", Severity.WARNING, 21),
    ]
    unknown = [d.message for d in diagnostics if d.code == "DG211"]
    assert ["inputs.verison" in unknown[0], "inputs.Editable" in unknown[1]] == [True, True]
    assert "inputs.flavour" in unknown[2]  # reported once each, `verison` on line 12 only
    step = found.steps[1]
    assert (step.run, step.shell, step.if_) == ("pip install -e .", None, found.steps[1].if_)
    assert (found.steps[0].ref, found.steps[0].pin) == ("v5", "tag")
    assert [a.job for a in found.actions] == ["step 1"]
    page = action_page(found, GITHUB)
    assert "(⚠️ no `shell`)" in page
    assert "⚠️ tag, can move" in page


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("- a\n", "DG210", None),
        ("name: x\n", "DG210", 1),
        ("name: x\nruns: {main: x.js}\n", "DG210", 2),
        ("runs: {using: composite}\n", "DG210", 1),
        ("runs: {using: composite, steps: {}}\n", "DG210", 1),
        ("inputs: [a]\nruns: {using: node20, main: a.js}\n", "DG210", 1),
        ("outputs: x\nruns: {using: node20, main: a.js}\n", "DG210", 1),
        ("colour: red\nruns: {using: node20, main: a.js}\n", "DG205", 1),
    ],
)
def test_invalid_action_metadata_is_one_diagnostic(text: str, code: str, line: int | None) -> None:
    _, diagnostics = extract_action("action.yml", text)
    assert [(d.code, d.location.line if d.location else None) for d in diagnostics] == [
        (code, line)
    ]


def test_yaml_errors_and_empty_files_are_not_actions() -> None:
    found, diagnostics = extract_action("action.yml", "runs: [\n")
    assert found is None
    assert [d.code for d in diagnostics] == ["DG201"]
    found, diagnostics = extract_action("action.yml", "")
    assert found is None
    assert [d.code for d in diagnostics] == ["DG210"]


def test_name_and_description_fall_back_to_folder_and_comment() -> None:
    found, _ = action(
        "# Does things.\nruns: {using: docker, image: Dockerfile}\n", "a/b/action.yml"
    )
    assert (found.name, found.description, found.main) == ("b", "Does things.", "Dockerfile")
    found, _ = action("runs: {using: node20, main: i.js}\n")
    assert (found.name, found.description) == ("action", None)
    assert "Runs as: JavaScript" in action_page(found, Sources(None, "main"))


def test_local_action_dirs() -> None:
    assert local_action_dir("./") == ""
    assert local_action_dir("./.github/actions/x/") == ".github/actions/x"
    assert local_action_dir("o/r@v1") is None
    assert local_action_dir(None) is None


def test_files_found_at_the_root_and_in_github_actions(tmp_path: Path) -> None:
    put(tmp_path, "action.yaml", "runs: {using: node20, main: a.js}\n")
    put(tmp_path, ".github/actions/a/action.yml", "runs: {using: node20, main: a.js}\n")
    put(tmp_path, ".github/actions/a/action.yaml", "not read: GitHub prefers .yml\n")
    put(tmp_path, ".github/actions/b/README.md", "no action here\n")
    put(tmp_path, ".github/actions/notes.txt", "a file, not a folder\n")
    assert [p.relative_to(tmp_path).as_posix() for p in action_files(tmp_path)] == [
        "action.yaml",
        ".github/actions/a/action.yml",
    ]
    bad = put(tmp_path, ".github/actions/c/action.yml", "")
    bad.write_bytes(b"name: \xff\n")
    actions, diagnostics = load_actions(config_for(tmp_path), tmp_path)
    assert [a.file for a in actions] == ["action.yaml", ".github/actions/a/action.yml"]
    assert [(d.code, d.location.path if d.location else "") for d in diagnostics] == [
        ("DG209", ".github/actions/c/action.yml")
    ]


def test_generate_with_actions_only_and_a_workflow_called_action(tmp_path: Path) -> None:
    result = generate(config_for(tmp_path))
    assert result.pages == ()
    put(tmp_path, "action.yml", "name: Root\nruns: {using: node20, main: a.js}\n")
    result = generate(config_for(tmp_path))
    assert [p.path for p in result.pages] == ["pipelines/index.md", "pipelines/action.md"]
    assert result.pages[1].title == "Action: Root"
    assert result.pages[1].source == "action.yml"
    assert result.pages[1].nav == ("Pipelines",)
    assert "This project has no GitHub Actions workflows." in result.pages[0].markdown
    assert "[Root](action.md)" in result.pages[0].markdown
    assert result.summary["actions"] == 1
    assert tmp_path / "action.yml" in result.watch
    put(tmp_path, ".github/workflows/action.yml", "on: push\njobs: {a: {runs-on: x}}\n")
    put(tmp_path, ".github/actions/x/action.yml", "runs: {using: node20, main: a.js}\n")
    result = generate(config_for(tmp_path))
    assert [p.path for p in result.pages] == [
        "pipelines/index.md",
        "pipelines/action-yml.md",
        "pipelines/action.md",
        "pipelines/action-x.md",
    ]
    assert tmp_path / ".github" / "actions" in result.watch
    index = result.pages[0].markdown
    assert "None of these workflows calls another" in index
    model = result.model
    assert isinstance(model, dict)
    assert [a["file"] for a in model["actions"]] == ["action.yml", ".github/actions/x/action.yml"]


def test_action_page_paths_are_unique() -> None:
    made = [
        Action(f, "n", None, None, 1, "node20")
        for f in (
            "action.yml",
            ".github/actions/a b/action.yml",
            "x/a-b/action.yml",
            ".github/actions/!!/action.yml",
            "sub/action.yml",
            "other/sub/action.yml",
        )
    ]
    assert list(action_page_paths(made).values()) == [
        "pipelines/action.md",
        "pipelines/action-a-b.md",
        "pipelines/action-a-b-2.md",
        "pipelines/action-x.md",
        "pipelines/action-sub.md",
        "pipelines/action-sub-2.md",
    ]


def test_dump_has_actions_for_roots_and_folders(tmp_path: Path) -> None:
    put(tmp_path, "action.yml", "runs: {using: composite, steps: [{run: x}]}\n")
    only = tmp_path / "only-actions"
    put(only, ".github/actions/a/action.yml", "runs: {using: node20, main: a.js}\n")
    folder = tmp_path / "folder"
    put(folder, "w.yml", "on: push\njobs: {}\n")
    config = config_for(tmp_path)
    default = dump(config, [])
    assert json.loads(json.dumps(default)) == default
    assert [a["file"] for a in default["actions"]] == ["action.yml"]  # type: ignore[index]
    assert [d["code"] for d in default["diagnostics"]] == ["DG200", "DG212"]  # type: ignore[index]
    both = dump(config, [str(only), str(folder)])
    assert [a["file"] for a in both["actions"]] == [  # type: ignore[index]
        "only-actions/.github/actions/a/action.yml"
    ]
    assert [w["file"] for w in both["workflows"]] == ["folder/w.yml"]  # type: ignore[index]
    root = dump(config, [str(tmp_path)])
    assert [a["file"] for a in root["actions"]] == ["action.yml"]  # type: ignore[index]
    assert root["workflows"] == []


HOSTILE = """\
    name: '<script>alert(1)</script> | [x](y) "]-->z'
    description: '<img src=x onerror=alert(1)> *hi*'
    author: '<b>me</b>'
    inputs:
      '<i>n</i>':
        description: '| <script> |'
        default: '``` <b>'
        required: '<u>maybe</u>'
      "a\\"b":
        required: true
    outputs:
      '<o>':
        description: '<script>'
    runs:
      using: composite
      steps:
        - name: '<script>s</script>'
          shell: '<sh>'
          if: '<if>'
          run: '<run>'
        - uses: '<x>@<y>'
"""


def test_hostile_action_strings_render_as_text() -> None:
    found, _ = action(HOSTILE, ".github/actions/<a>/action.yml")
    page = action_page(found, GITHUB)
    body = page.split("````")
    outside = body[0] + body[-1]
    for raw in ("<script>", "<img", "<b>", "<i>", "<u>", "<o>", "<sh>", "<if>", "<run>", "<x>"):
        assert raw not in outside
    assert "# Action: &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\[x\\]\\(y\\)" in page
    assert "\n````yaml\n- uses: o/r/.github/actions/<a>@<ref>\n" in page  # a longer fence
    assert "/blob/main/.github/actions/%3Ca%3E/action.yml#L17)" in page
    assert '    # "<i>n</i>": "``` <b>"' in page
    assert '    "a\\"b": ""  # required' in page
    assert "<code>&#60;u&#62;maybe&#60;/u&#62;</code>" in page
    index = index_page([], {}, GITHUB, [found], action_page_paths([found]))
    assert "<script>" not in index
    assert "[&lt;script&gt;" in index


def test_usage_without_a_github_repository_is_local() -> None:
    found, _ = action("runs: {using: composite, steps: []}\n", ".github/actions/x/action.yml")
    page = action_page(found, Sources(None, "main"))
    assert "```yaml\n- uses: ./.github/actions/x\n```" in page
    assert "This composite action has no steps." in page
    assert "This action takes no inputs." in page
    found, _ = action("runs: {using: weird}\ninputs: {a: {default: ''}, b: }\n")
    page = action_page(found, Sources("https://gitlab.com/o/r", "main"))
    assert "- uses: ./\n" in page
    assert "Runs as: <code>weird</code>." in page
    assert "| (empty) |" in page


def test_workflow_graph_links_local_actions(tmp_path: Path) -> None:
    put(
        tmp_path,
        ".github/workflows/ci.yml",
        """\
        name: CI
        on: push
        jobs:
          a:
            runs-on: x
            steps:
              - uses: ./
              - uses: ./.github/actions/setup/
              - uses: ./.github/actions/missing
              - uses: ./tools/elsewhere
              - run: echo
        """,
    )
    put(tmp_path, "tools/elsewhere/action.yaml", "not read by docgen, but there\n")
    put(tmp_path, "action.yml", "name: Root\nruns: {using: node20, main: a.js}\n")
    put(
        tmp_path, ".github/actions/setup/action.yml", "name: Set\nruns: {using: docker, image: x}\n"
    )
    put(tmp_path, ".github/actions/unused/action.yml", "name: U\nruns: {using: docker, image: x}\n")
    result = generate(config_for(tmp_path))
    assert [(d.code, d.location.line if d.location else 0) for d in result.diagnostics] == [
        ("DG213", 9)
    ]
    assert "'./.github/actions/missing'" in result.diagnostics[0].message
    index = result.pages[0].markdown
    assert '  a0(["Root"])' in index
    assert '  a1(["Set"])' in index
    assert "a2(" not in index  # unused actions are not drawn
    assert '  w0 -- "uses" --> a0' in index
    assert '  w0 -- "uses" --> a1' in index
    assert "uses [Action: Root](action.md), [Action: Set](action-setup.md)" in index
    assert "| [U](action-unused.md) |" in index
    assert "| 0 | — |" in index


def test_inputs_in_lists_and_recursive_aliases_and_an_action_without_using() -> None:
    _, diagnostics = action(
        """\
        runs:
          using: composite
          steps:
            - uses: o/r@v1
              with: &w
                args: ["${{ inputs.listed }}", {deep: "${{ inputs.deeper }}"}]
                again: *w
        """
    )
    assert [(d.code, d.location.line if d.location else 0) for d in diagnostics] == [
        ("DG211", 6),
        ("DG211", 6),
    ]
    found, diagnostics = action("name: x\nruns: {main: x.js}\n")
    assert [d.code for d in diagnostics] == ["DG210"]
    index = index_page([], {}, GITHUB, [found], action_page_paths([found]))
    assert "| [x](action.md) | <code>action.yml</code> | — | 0 | — |" in index
