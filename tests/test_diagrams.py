"""The diagrams stage: collection, the Architecture page, embeds, and validation by Mermaid.

Validation runs the real Mermaid under the real Node: the session fixture installs it once
with `docgen setup`'s own function (real npm against the registry; idempotent after).
Regenerate the golden page with `DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_diagrams.py`.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import write
from pymdownx.superfences import fence_code_format  # type: ignore[import-untyped]

from docgen import stages
from docgen.config import DiagramsConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.diagrams import check, collect, dump, generate, markdown_extensions, setup, transform
from docgen.diagrams import validate as validator
from docgen.model import Document

GOLDEN = Path(__file__).parent / "golden" / "diagrams"
PIPELINE = Path(__file__).resolve().parents[1] / "diagrams" / "pipeline.mmd"


@pytest.fixture(scope="session")
def mermaid() -> Path:
    """The pinned Mermaid, installed in the user cache by `docgen setup`'s function."""
    result = setup.install()
    assert result.ok, result.message
    return result.path


def make_config(root: Path, **diagrams: object) -> DocgenConfig:
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",  # each test its own: a kept verdict would hide a problem
        diagrams=DiagramsConfig(**diagrams),  # type: ignore[arg-type]
    )


def page(path: str, markdown: str, *, generated: bool = False, source: str = "") -> Document:
    return Document(path, markdown, source or f"docs/{path}", generated)


def codes(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, str(d.location) if d.location else "") for d in diagnostics]


# --- collecting ---------------------------------------------------------------------------


def test_fences_found_in_containers_but_not_inside_other_fences() -> None:
    markdown = (
        "# Page\n"  # 1
        "\n"
        "```mermaid\n"  # 3
        "graph TD\n"
        "  A-->B\n"
        "```\n"
        "\n"
        '!!! note "In an admonition"\n'  # 8
        "\n"
        "    ~~~~ {.mermaid}\n"  # 10
        "    pie\n"
        '      "a": 1\n'
        "    ~~~~\n"
        "\n"
        "````markdown\n"  # 15
        "```mermaid\n"
        "not a diagram, an example of one\n"
        "```\n"
        "````\n"
        "```python\n"
        "print(1)\n"
        "```\n"
        '```mermaid file="diagrams/pipeline.mmd"\n'  # 23
        "```\n"
        "```` ``mermaid``\n"  # backticks in a backtick info string: not a fence
    )
    found = list(collect.fences(markdown))
    assert [(f.start, f.end, f.indent, f.embed) for f in found] == [
        (2, 5, "", None),
        (9, 12, "    ", None),
        (22, 23, "", "diagrams/pipeline.mmd"),
    ]
    assert found[1].text == 'pie\n  "a": 1'


def test_fences_follow_commonmark_indentation() -> None:
    # Four spaces at the top of a page is indented code (Python-Markdown shows it as code
    # too); in a list item, the fence belongs to the item.
    assert list(collect.fences("    ```mermaid\n    graph TD\n    ```\n")) == []
    (fence,) = collect.fences("- ```mermaid\n  graph TD\n  ```\n")
    assert (fence.start, fence.end, fence.indent, fence.text) == (0, 2, "  ", "graph TD")


def test_unclosed_fence_runs_to_the_end_of_the_page() -> None:
    (fence,) = collect.fences("```mermaid\ngraph TD\n  A-->B")
    assert (fence.end, fence.text) == (3, "graph TD\n  A-->B")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "%% The pipeline\n%% How it runs,\n%% step by step.\ngraph TD\n",
            ("The pipeline", "How it runs, step by step."),
        ),
        ("%% Title\n%% one\n%%\n%% two\ngraph TD\n", ("Title", "one\n\ntwo")),
        ("%% Only a title\ngraph TD\n", ("Only a title", "")),
        ("%%{init: {'theme': 'dark'}}%%\n%% Not a title\ngraph TD\n", ("Build steps", "")),
        ("graph TD\n%% later comments are not a description\n", ("Build steps", "")),
        ("%%\n%% Empty first comment\ngraph TD\n", ("Build steps", "")),
        ("%% Nothing but comments\n%% so far", ("Nothing but comments", "so far")),
    ],
)
def test_title_and_description_come_from_leading_comments(
    text: str, expected: tuple[str, str]
) -> None:
    assert collect.describe(text, "build_steps") == expected


def test_diagram_lines_map_to_file_lines() -> None:
    in_file = collect.Diagram("docs/a.md", 10, "graph TD", "fence")
    assert (in_file.file_line(1), in_file.file_line(3), in_file.file_line(None)) == (10, 12, 10)
    generated = collect.Diagram(".github/workflows/ci.yml", None, "graph TD", "generated")
    assert generated.file_line(3) is None


def test_embeds_resolve_inside_the_project_only(tmp_path: Path) -> None:
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n", "outside.mmd": "graph TD\n"})
    config = make_config(tmp_path / "diagrams")  # the root is a folder below outside.mmd
    fence = collect.Fence(0, 1, "", "", "../outside.mmd")
    assert collect.resolve(config, fence).path is None
    config = make_config(tmp_path)
    assert collect.resolve(config, replace(fence, embed="diagrams/a.mmd")).path is not None
    assert collect.resolve(config, replace(fence, embed="diagrams/none.mmd")).path is None


# --- generate -----------------------------------------------------------------------------


def test_architecture_page_matches_golden(tmp_path: Path, mermaid: Path) -> None:
    write(
        tmp_path,
        {
            "diagrams/b-flow.mmd": "graph LR\n  A-->B\n",
            "diagrams/a.mmd": "%% Alpha\n%% The first one.\nsequenceDiagram\n  A->>B: hi\n",
            "diagrams/notes.txt": "not a diagram",
        },
    )
    shutil.copy(PIPELINE, tmp_path / "diagrams" / "pipeline.mmd")
    result = generate(make_config(tmp_path))
    (built,) = result.pages
    assert (built.path, built.title, built.nav, built.source) == (
        "architecture.md",
        "Architecture",
        (),
        "diagrams",
    )
    golden = GOLDEN / "architecture.md"
    if os.environ.get("DOCGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(built.markdown, encoding="utf-8")
    assert built.markdown == golden.read_text(encoding="utf-8"), (
        "golden differs: DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_diagrams.py"
    )
    assert [a.dest for a in result.assets] == ["js/mermaid.min.js", "js/docgen-mermaid.js"]
    assert all(a.source.is_file() for a in result.assets)
    assert result.extra_javascript == ("js/mermaid.min.js", "js/docgen-mermaid.js")
    assert result.watch == (tmp_path / "diagrams",)
    assert result.diagnostics == ()
    model = json.loads(json.dumps(result.model))
    assert model["mermaid"] == "11.17.2"
    assert model["diagrams"][0] == {
        "source": "diagrams/a.mmd",
        "title": "Alpha",
        "description": "The first one.",
    }


def test_architecture_page_steps_aside_for_a_hand_written_one(tmp_path: Path) -> None:
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n", "docs/architecture.md": "# Ours\n"})
    (built,) = generate(make_config(tmp_path)).pages
    assert (built.path, built.title, built.nav) == (
        "architecture/diagrams.md",
        "Diagrams",
        ("Architecture",),
    )


def test_no_diagrams_folder_means_no_page(tmp_path: Path) -> None:
    result = generate(make_config(tmp_path, dir="nowhere"))
    assert result.pages == ()
    assert result.model["diagrams"] == []


def test_markdown_extensions_use_materials_fence_format() -> None:
    (fence,) = markdown_extensions()["pymdownx.superfences"]["custom_fences"]  # type: ignore[misc]
    assert fence == {"name": "mermaid", "class": "mermaid", "format": fence_code_format}


def test_registered_after_pipelines() -> None:
    names = stages.names()
    assert "diagrams" in names
    assert names.index("diagrams") > names.index("pipelines")


# --- transform ----------------------------------------------------------------------------


def test_embed_is_replaced_by_the_file_keeping_the_indent(tmp_path: Path) -> None:
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n\n  A-->B\n"})
    markdown = (
        "# Page\n"
        '!!! note\n    ```mermaid file="diagrams/a.mmd"\n    ```\n'
        "after\n"
        "```mermaid file='diagrams/none.mmd'\n```\n"
        "```mermaid\ngraph LR\n```\n"
    )
    out = transform(make_config(tmp_path), page("p.md", markdown))
    assert out == (
        "# Page\n"
        "!!! note\n    ```mermaid\n    graph TD\n\n      A-->B\n    ```\n"
        "after\n"
        "**Missing diagram:** `diagrams/none.mmd`\n"
        "```mermaid\ngraph LR\n```\n"
    )


def test_an_unreadable_embed_is_shown_missing_and_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.mmd").write_bytes(b"graph TD\n  A[caf\xe9]\n")
    markdown = '# Page\n\n```mermaid file="bad.mmd"\n```\n'
    config = make_config(tmp_path, validate=False)
    assert transform(config, page("p.md", markdown)).endswith("**Missing diagram:** `bad.mmd`\n")
    assert codes(check(config, [page("p.md", markdown)]).diagnostics) == [
        ("DG408", "bad.mmd"),
        ("DG406", ""),
    ]


def test_embed_fence_grows_past_backticks_in_the_file(tmp_path: Path) -> None:
    write(tmp_path, {"d.mmd": 'graph TD\n  A["x"]\n```\n'})
    out = transform(make_config(tmp_path), page("p.md", '```mermaid file="d.mmd"\n```'))
    assert out.split("\n")[0] == "````mermaid"
    assert out.split("\n")[-1] == "````"


def test_pages_without_embeds_are_untouched(tmp_path: Path) -> None:
    for text in ("# file\n\n```mermaid\ngraph TD\n```\n", "# Plain\n\n```mermaid\ngraph TD\n```"):
        assert transform(make_config(tmp_path), page("p.md", text)) == text


# --- check: validation by Mermaid ---------------------------------------------------------

GOOD = {
    "flowchart": "flowchart LR\n  A[Start] --> B{Choice}\n  B -- yes --> C\n",
    "sequence": "sequenceDiagram\n  Alice->>Bob: hello\n  Bob-->>Alice: hi\n",
    "class": "classDiagram\n  Animal <|-- Duck\n",
    "state": "stateDiagram-v2\n  [*] --> Still\n",
    "er": "erDiagram\n  CUSTOMER ||--o{ ORDER : places\n",
    "gantt": "gantt\n  title Plan\n  section A\n  Task :a1, 2024-01-01, 3d\n",
    "pie": 'pie title Pets\n  "Dogs" : 3\n',
    "git": "gitGraph\n  commit\n  branch dev\n  commit\n",
    "mindmap": "mindmap\n  root\n    child\n",
    "front matter": "---\ntitle: Hello\n---\nflowchart TD\n  A-->B\n",
}

# (diagram, the 1-based diagram line Mermaid's error must be mapped to)
BAD = {
    "flowchart arrow": ("graph TD\n  A-->B\n  B-->>C\n", 3),
    "comments before the error": (
        "%% Title\n%% text\n\ngraph TD\n  A-->B\n  %% note\n  B-->>C\n",
        7,
    ),
    "front matter and directive": (
        "---\ntitle: x\n---\n%%{init: {'theme': 'forest'}}%%\ngraph TD\n%% c\n  A-->B\n  B-->>C\n",
        8,
    ),
    "sequence": ("sequenceDiagram\n  Alice->>>Bob: hi\n", 2),
    "pie (langium parser)": ('%% t\npie\n  "a" 1\n', 3),
    "git (langium parser)": ("%% t\ngitGraph\n  commit\n  comit\n", 4),
    "end of input": ("flowchart LR\n  A --> B\n  B -- z -->\n\n", 3),
}


def test_good_diagrams_of_every_kind_pass(tmp_path: Path, mermaid: Path) -> None:
    write(tmp_path, {f"diagrams/{name}.mmd": text for name, text in GOOD.items()})
    result = check(make_config(tmp_path), [])
    assert result.diagnostics == ()
    verdicts = {Path(str(d["source"])).stem: d for d in result.model["diagrams"]}  # type: ignore[union-attr]
    assert all(v["valid"] is True for v in verdicts.values())
    assert verdicts["pie"]["kind"] == "pie"
    assert verdicts["sequence"]["kind"] == "sequence"


def test_bad_diagrams_point_at_the_file_line(tmp_path: Path, mermaid: Path) -> None:
    write(tmp_path, {f"diagrams/{i:02}.mmd": text for i, (text, _) in enumerate(BAD.values())})
    result = check(make_config(tmp_path), [])
    expected = [
        ("DG401", f"diagrams/{i:02}.mmd:{line}") for i, (_, line) in enumerate(BAD.values())
    ]
    assert codes(result.diagnostics) == expected
    first = result.diagnostics[0]
    assert first.severity is Severity.ERROR
    assert first.message.startswith("Mermaid syntax error: Expecting ")
    assert "got 'TAGEND'" in first.message
    assert "Expecting token of type ':' but found `1`" in result.diagnostics[4].message
    assert result.summary == {
        "diagrams": len(BAD),
        "validation": "Mermaid 11.17.2",
        "invalid": len(BAD),
    }


def test_fences_in_pages_point_at_the_markdown_line(tmp_path: Path, mermaid: Path) -> None:
    write(
        tmp_path, {"diagrams/ok.mmd": "graph TD\n  A-->B\n", "shared.mmd": "graph TD\n  A-->>B\n"}
    )
    guide = (
        "# Guide\n"  # 1
        "\n"
        '!!! example "Flow"\n'  # 3
        "\n"
        "    ```mermaid\n"  # 5
        "    %% a comment line\n"  # 6
        "    graph TD\n"  # 7
        "      A-->B\n"  # 8
        "      B-->>C\n"  # 9
        "    ```\n"
        "\n"
        "```mermaid\n"  # 12
        "nonsense here\n"  # 13
        "```\n"
        "\n"
        "```mermaid\n"  # 16
        "%% only a comment\n"
        "```\n"
        '```mermaid file="diagrams/ok.mmd"\n```\n'  # validated once, as the file
        '```mermaid file="shared.mmd"\n```\n'  # 21: reported in shared.mmd
        '```mermaid file="missing.mmd"\n```\n'  # 23
    )
    generated = page(
        "pipelines/ci.md",
        '# CI\n\n```mermaid\ngraph TD\n  A-->B\n  x-->>y\n```\n```mermaid file="gone.mmd"\n```\n',
        generated=True,
        source=".github/workflows/ci.yml",
    )
    architecture = page(
        "architecture.md", "```mermaid\nbroken\n```\n", generated=True, source="diagrams"
    )
    result = check(make_config(tmp_path), [page("guide.md", guide), generated, architecture])
    assert sorted(codes(result.diagnostics)) == [
        ("DG401", ".github/workflows/ci.yml"),
        ("DG401", "docs/guide.md:9"),
        ("DG401", "shared.mmd:2"),
        ("DG402", "docs/guide.md:13"),
        ("DG403", "docs/guide.md:17"),
        ("DG407", ".github/workflows/ci.yml"),
        ("DG407", "docs/guide.md:23"),
    ]
    by_code = {d.code: d for d in result.diagnostics}
    assert by_code["DG402"].message == "unknown diagram type 'nonsense'"
    assert "flowchart" in (by_code["DG402"].hint or "")
    generated_error = next(
        d
        for d in result.diagnostics
        if d.code == "DG401" and d.location and d.location.path.endswith("ci.yml")
    )
    assert generated_error.message == (
        "Mermaid syntax error: Expecting 'AMP', 'COLON', 'PIPE', 'TESTSTR', 'DOWN', 'DEFAULT',"
        " 'NUM', 'COMMA', 'NODE_STRING', 'BRKT', 'MINUS', 'MULT', 'UNICODE_TEXT', got 'TAGEND'"
        " (line 3 of a diagram on generated page pipelines/ci.md)"
    )
    sources = [d["source"] for d in result.model["diagrams"]]  # type: ignore[union-attr]
    assert sources.count("diagrams/ok.mmd") == 1


def test_empty_oversized_and_unreadable_diagrams(tmp_path: Path, mermaid: Path) -> None:
    write(
        tmp_path,
        {
            "diagrams/empty.mmd": "%% Only a title\n\n",
            "diagrams/big.mmd": "graph TD\n" + "  A-->B\n" * 20,
            "diagrams/fine.mmd": "graph TD\n  A-->B\n",
        },
    )
    (tmp_path / "diagrams" / "latin1.mmd").write_bytes(b"graph TD\n  A[caf\xe9]\n")
    result = check(make_config(tmp_path, max_size=100), [])
    assert sorted(codes(result.diagnostics)) == [
        ("DG403", "diagrams/empty.mmd:1"),
        ("DG404", "diagrams/big.mmd:1"),
        ("DG408", "diagrams/latin1.mmd"),
    ]
    (big,) = (d for d in result.diagnostics if d.code == "DG404")
    assert "more than the limit of 100" in big.message
    assert [d["valid"] for d in result.model["diagrams"]] == [False, False, True]  # type: ignore[union-attr]
    assert [d.code for d in generate(make_config(tmp_path)).diagnostics] == ["DG408"]


def test_opting_out_skips_validation_and_says_so(tmp_path: Path, mermaid: Path) -> None:
    write(tmp_path, {"diagrams/bad.mmd": "graph TD\n  A-->>B\n", "diagrams/empty.mmd": ""})
    result = check(make_config(tmp_path, validate=False), [])
    assert codes(result.diagnostics) == [("DG403", "diagrams/empty.mmd:1"), ("DG406", "")]
    assert result.diagnostics[1].severity is Severity.INFO
    assert "1 diagrams were not checked" in result.diagnostics[1].message
    assert result.summary == {"diagrams": 2, "validation": "skipped: opted out", "invalid": 1}
    assert [d["valid"] for d in result.model["diagrams"]] == [None, False]  # type: ignore[union-attr]
    validator._stop_warm()
    served = generate(make_config(tmp_path, validate=False))
    assert served.extra_javascript == ("js/mermaid.min.js", "js/docgen-mermaid.js")
    assert validator._warm == {}  # no validator started for nothing


def test_no_mermaid_in_the_cache_names_the_setup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "empty-cache"))
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n  A-->B\n"})
    result = check(make_config(tmp_path), [])
    (problem,) = result.diagnostics
    assert (problem.code, problem.severity) == ("DG405", Severity.ERROR)
    assert "Mermaid is not installed in" in problem.message
    assert "`docgen setup`" in (problem.hint or "")
    assert str(result.summary["validation"]).startswith("failed: ")
    # generate serves nothing then; with validation on, check's DG405 is the one diagnostic
    assert generate(make_config(tmp_path)).assets == ()
    assert generate(make_config(tmp_path)).diagnostics == ()
    opted_out = generate(make_config(tmp_path, validate=False))
    assert [d.code for d in opted_out.diagnostics] == ["DG410"]


def test_no_node_names_the_setup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mermaid: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n  A-->B\n"})
    validator._stop_warm()
    assert generate(make_config(tmp_path)).diagnostics == ()  # prewarming fails quietly
    (problem,) = check(make_config(tmp_path), []).diagnostics
    assert problem.code == "DG405"
    assert "Node.js is not installed" in problem.message


def test_a_broken_install_is_reported_with_nodes_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    broken = setup.install_dir()  # looks installed, but jsdom is missing
    write(broken, {".docgen-installed": "", "node_modules/mermaid/dist/mermaid.min.js": ""})
    write(tmp_path, {"diagrams/a.mmd": "graph TD\n  A-->B\n"})
    (problem,) = check(make_config(tmp_path), []).diagnostics
    assert problem.code == "DG409"
    assert "the Mermaid validator stopped (exit 3)" in problem.message
    assert problem.message.endswith("Cannot find module 'jsdom'")


def test_parse_of_nothing_starts_no_process(tmp_path: Path) -> None:
    assert validator.parse([], tmp_path / "not-installed") == []


def test_a_prewarmed_validator_serves_the_next_parse_or_ends_at_exit(mermaid: Path) -> None:
    validator._stop_warm()
    validator.prewarm()
    validator.prewarm()  # one is enough
    (process,) = validator._warm.values()
    assert [o.kind for o in validator.parse(["graph TD\n  A-->B"])] == ["flowchart-v2"]
    assert process.returncode == 0
    assert validator._warm == {}
    validator.prewarm()
    (process,) = validator._warm.values()
    validator._stop_warm()  # what the interpreter runs at exit
    assert process.returncode == 0


def test_verdicts_are_kept_so_unchanged_diagrams_start_no_node(
    tmp_path: Path, mermaid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator._stop_warm()
    cache = tmp_path / "verdicts"
    good, bad = "graph TD\n  A-->B", "graph TD\n  A-->>B"
    first = validator.parse([good, bad], cache=cache)
    assert [o.ok for o in first] == [True, False]
    started: list[Path] = []
    real = validator._start

    def start(folder: Path) -> Any:
        started.append(folder)
        return real(folder)

    monkeypatch.setattr(validator, "_start", start)
    assert validator.parse([bad, good], cache=cache) == [first[1], first[0]]
    assert started == []  # every verdict was known
    third = "sequenceDiagram\n  A->>B: hi"
    assert [o.kind for o in validator.parse([good, third], cache=cache)] == [
        "flowchart-v2",
        "sequence",
    ]
    assert len(started) == 1
    assert len(list(cache.iterdir())) == 2  # the bad diagram's verdict was dropped
    for path in cache.iterdir():  # a damaged entry is parsed again
        path.write_text("{}")
    assert [o.ok for o in validator.parse([good], cache=cache)] == [True]
    assert len(started) == 2


# --- dump ---------------------------------------------------------------------------------


def test_dump_lists_every_diagram_with_its_verdict(tmp_path: Path, mermaid: Path) -> None:
    write(
        tmp_path,
        {
            "diagrams/a.mmd": "graph TD\n  A-->B\n",
            "docs/index.md": "# Home\n\n```mermaid\ngraph TD\n  A-->>B\n```\n",
        },
    )
    (tmp_path / "docs" / "bad.md").write_bytes(b"\xff\xfe not UTF-8")
    config = make_config(tmp_path)
    everything = json.loads(json.dumps(dump(config, [])))
    assert everything["diagrams"] == [
        {
            "source": "diagrams/a.mmd",
            "line": 1,
            "origin": "file",
            "page": None,
            "kind": "flowchart-v2",
            "valid": True,
            "message": "",
        },
        {
            "source": "docs/index.md",
            "line": 4,
            "origin": "fence",
            "page": "index.md",
            "kind": None,
            "valid": False,
            "message": everything["diagrams"][1]["message"],
        },
    ]
    assert [(d["code"], d["file"], d["line"]) for d in everything["diagnostics"]] == [
        ("DG401", "docs/index.md", 5)
    ]
    only = dump(make_config(tmp_path, validate=False), ["diagrams/a.mmd"])
    assert [d["source"] for d in only["diagrams"]] == ["diagrams/a.mmd"]  # type: ignore[attr-defined]
    no_docs = make_config(tmp_path / "diagrams")
    assert dump(no_docs, [])["diagrams"] == []
