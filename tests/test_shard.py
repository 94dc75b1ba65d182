"""`docgen.shard`: `I/N`, which shard owns a page, a file or a URL, and what a shard keeps."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from docgen import shard
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Document, StageResult
from docgen.shard import Shard, Split


@pytest.mark.parametrize(
    ("text", "expected"), [("1/1", Shard(1, 1)), ("2/3", Shard(2, 3)), (" 3/3 ", Shard(3, 3))]
)
def test_parse_takes_i_of_n(text: str, expected: Shard) -> None:
    assert shard.parse(text) == expected
    assert str(expected) == text.strip()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0/3", "I must be between 1 and 3"),
        ("4/3", "I must be between 1 and 3"),
        ("x", "is not I/N"),
        ("1/0", "N must be at least 1"),
        ("-1/3", "is not I/N"),
        ("1/", "is not I/N"),
        ("1.5/3", "is not I/N"),
    ],
)
def test_parse_refuses_bad_input_saying_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as caught:
        shard.parse(text)
    assert "--shard takes I/N" in str(caught.value)


def test_add_argument_is_a_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="docgen check")
    shard.add_argument(parser)
    assert parser.parse_args(["--shard", "2/3"]).shard == Shard(2, 3)
    assert parser.parse_args([]).shard is None
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["--shard", "4/3"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --shard: '4/3': I must be between 1 and 3" in err
    assert err.count("error:") == 1


def test_bucket_is_a_stable_hash() -> None:
    # sha256 of the name: the same on every machine, every run, every Python.
    assert [shard.bucket(k, 3) for k in ("docs/index.md", "docs/guide.md")] == [2, 3]
    assert shard.bucket("https://example.org/", 3) == 2
    assert {shard.bucket(f"p{n}", 4) for n in range(50)} == {1, 2, 3, 4}
    assert shard.bucket("anything", 1) == 1


def test_plan_is_heaviest_first_to_the_lightest_with_ties_by_name() -> None:
    assert shard.plan({"a": 5, "b": 3, "c": 3, "d": 1}, 2) == {"a": 1, "b": 2, "c": 2, "d": 1}
    # The order keys come in does not matter.
    assert shard.plan({"d": 1, "c": 3, "b": 3, "a": 5}, 2) == shard.plan(
        {"a": 5, "b": 3, "c": 3, "d": 1}, 2
    )
    weights = {f"page{n}": 1 + n % 7 for n in range(60)}
    loads = [0, 0, 0]
    for key, owner in shard.plan(weights, 3).items():
        loads[owner - 1] += weights[key]
    assert max(loads) - min(loads) <= 1
    assert shard.plan({"zero": 0}, 2) == {"zero": 1}


def test_pick_splits_paths_into_disjoint_shares_in_their_order() -> None:
    paths = [f"docs/p{n}.md" for n in range(10)]
    for weights in (None, {p: len(p) + n for n, p in enumerate(paths)}):
        shares = [shard.pick(paths, i, 3, weights) for i in (1, 2, 3)]
        assert sorted(p for share in shares for p in share) == sorted(paths)
        assert all(share == [p for p in paths if p in share] for share in shares)
    # a path the weights lack goes by its hash
    assert shard.pick(["x"], shard.bucket("x", 2), 2, {"y": 1}) == ["x"]
    assert shard.pick(paths, 1, 1) == paths


def test_weight_is_the_page_and_its_code_blocks() -> None:
    assert shard.weight("# Title\n\nProse only.\n") == 1
    assert shard.weight("```python\nx = 1\n```\n\n  ~~~yaml\n  a: 1\n  ~~~\n") == 3


def _doc(path: str, markdown: str = "# Page\n", *, generated: bool = False) -> Document:
    return Document(path, markdown, f"docs/{path}", generated)


def test_split_of_balances_page_sources_and_owns_the_rest_by_hash() -> None:
    pages = [_doc("a.md", "```python\n```\n" * 3), _doc("b.md"), _doc("c.md"), _doc("d.md")]
    one, two = Split.of(Shard(1, 2), pages), Split.of(Shard(2, 2), pages)
    assert (
        one.owner
        == two.owner
        == {
            "docs/a.md": 1,
            "docs/b.md": 2,
            "docs/c.md": 2,
            "docs/d.md": 2,
        }
    )
    assert one.owns("docs/a.md")
    assert not two.owns("docs/a.md")
    assert one.owns("mkdocs.yml") != two.owns("mkdocs.yml")
    assert one.owns_url("https://example.org/") != two.owns_url("https://example.org/")
    # pages made from one source go together, their weights summed
    same = [Document("x/1.md", "", "wf.yml", True), Document("x/2.md", "", "wf.yml", True)]
    assert Split.of(Shard(1, 2), same).owner == {"wf.yml": 1}


def test_documents_splits_only_the_examples_pages() -> None:
    pages = [_doc(f"p{n}.md") for n in range(6)]
    split = Split.of(Shard(1, 2), pages)
    mine = shard.documents(split, "examples", pages)
    assert 0 < len(mine) < len(pages)
    assert all(split.owns(d.source) for d in mine)
    assert shard.documents(split, "lint", pages) == pages
    assert shard.documents(None, "examples", pages) == pages


def _finding(code: str, path: str | None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, "m", Location(path, 3) if path else None, None, "")


def test_keep_holds_the_findings_in_the_shards_files() -> None:
    pages = [_doc(f"p{n}.md") for n in range(6)]
    split = Split.of(Shard(2, 2), pages)
    mine = next(d.source for d in pages if split.owns(d.source))
    theirs = next(d.source for d in pages if not split.owns(d.source))
    found = (
        _finding("DG712", mine),
        _finding("DG712", theirs),
        _finding("DG711", None),
    )
    lint = shard.keep(split, StageResult("lint", diagnostics=found, summary={"pages": 6}))
    assert lint.diagnostics == (found[0], found[2])
    assert lint.summary == {"pages": 6, "shard": "2/2"}
    # examples ran on the shard's pages only: all it found is the shard's
    examples = shard.keep(split, StageResult("examples", diagnostics=found))
    assert examples.diagnostics == found
    # links: a finding about an external URL belongs to the shard that checked the URL
    links = (_finding("DG310", theirs), _finding("DG301", theirs), _finding("DG301", mine))
    kept = shard.keep(split, StageResult("links", diagnostics=links)).diagnostics
    assert kept == (links[0], links[2])
    unsharded = StageResult("lint", diagnostics=found)
    assert shard.keep(None, unsharded) is unsharded


def test_the_pipeline_plans_a_shard_once_from_the_pages_the_engine_rendered(
    tmp_path: Path,
) -> None:
    from docgen import engines, pipeline
    from docgen.model import Context

    pages = tuple(_doc(f"p{n}.md") for n in range(4))
    rendered = engines.Rendered(tmp_path, pages, (), (), {}, {})
    unsharded = pipeline.complete(Context(), rendered)
    assert unsharded.split is None
    known = pipeline.complete(pipeline.split(Context(), pages, Shard(1, 2)), rendered)
    assert known.split == Split.of(Shard(1, 2), pages)
    assert known.split is not None
    assert set(known.split.owner) == {p.source for p in pages}
