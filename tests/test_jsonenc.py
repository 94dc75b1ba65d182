"""`docgen.jsonenc.to_json`: every kind of value, the field overrides, and the JSON shapes
of the models, which must stay exactly what they were when each had its own `to_dict`."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import pytest

from docgen import jsonenc
from docgen.api.coverage import KINDS, Coverage
from docgen.baseline import FORMAT, Baseline, Known
from docgen.deploy import Outcome, Preview
from docgen.deploy.versions import Version, dumps
from docgen.diagnostics import Diagnostic, Location, Severity, render_json
from docgen.diagrams.collect import Diagram
from docgen.diagrams.stage import _Found
from docgen.init import Change, InitPlan
from docgen.init.detect import Project, Remote
from docgen.jsonenc import to_json


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


@dataclass(frozen=True, slots=True)
class Inner:
    a: int
    b: str = "b"


@dataclass(frozen=True, slots=True)
class Outer:
    name: str = field(metadata=jsonenc.key(name="title"))
    if_: str | None = None
    secret: str = field(default="s", metadata=jsonenc.key(skip=True))
    inner: Inner | None = field(default=None, metadata=jsonenc.key(flatten={"x": "a", "y": "b"}))
    flag: bool = field(default=False, metadata=jsonenc.key(omit_empty=True))
    items: tuple[Inner, ...] = ()


class Hooked:
    def __json__(self) -> object:
        return {"path": Path("a/b"), "n": (1, 2)}


def test_scalars_enums_paths_and_containers() -> None:
    assert to_json(None) is None
    assert to_json(True) is True
    assert to_json(3) == 3
    assert to_json(1.5) == 1.5
    assert to_json("s") == "s"
    assert to_json(Severity.ERROR) == "error"
    assert type(to_json(Severity.ERROR)) is str
    assert to_json(Colour.RED) == "red"
    assert to_json(Size.BIG) == 3
    assert type(to_json(Size.BIG)) is int
    assert to_json(PurePosixPath("a/b")) == "a/b"
    assert to_json(Path("x") / "y.md") == "x/y.md"
    assert to_json((1, [2, (3,)])) == [1, [2, [3]]]
    assert to_json({1: (Colour.RED,)}) == {"1": ["red"]}
    assert to_json(MappingProxyType({"k": Path("p")})) == {"k": "p"}
    assert to_json(frozenset({"b", "a"})) == ["a", "b"]
    assert to_json({3, 1}) == [1, 3]
    assert to_json(Hooked()) == {"path": "a/b", "n": [1, 2]}
    thing = object()
    assert to_json(thing) is thing
    assert to_json(Inner) is Inner  # a dataclass type is no model


def test_field_overrides() -> None:
    plain = Outer("n")
    assert to_json(plain) == {"title": "n", "if": None, "x": None, "y": None, "items": []}
    full = Outer("n", "cond", "hidden", Inner(1, "z"), True, (Inner(2),))
    assert to_json(full) == {
        "title": "n",
        "if": "cond",
        "x": 1,
        "y": "z",
        "flag": True,
        "items": [{"a": 2, "b": "b"}],
    }
    assert list(to_json(full)) == ["title", "if", "x", "y", "flag", "items"]  # field order
    assert to_json(full) == to_json(full)  # the per-class plan is reused
    assert jsonenc.key(name="n") == {"docgen.json": jsonenc.Key(name="n")}


# The models' shapes, written out as their `to_dict`s wrote them before the encoder.


def old_diagnostic(d: Diagnostic) -> dict[str, object]:
    loc = d.location
    shape: dict[str, object] = {
        "code": d.code,
        "severity": str(d.severity),
        "message": d.message,
        "file": loc.path if loc else None,
        "line": loc.line if loc else None,
        "end_line": loc.end_line if loc else None,
        "hint": d.hint,
        "stage": d.stage,
    }
    if d.baseline:
        shape["baseline"] = True
    return shape


DIAGNOSTICS = [
    Diagnostic("DG301", Severity.ERROR, "broken", Location("docs/a.md", 3, 5), "fix", "links"),
    Diagnostic("DG313", Severity.INFO, "offline"),
    Diagnostic("DG705", Severity.WARNING, "twice", Location("b.md"), None, "lint", True),
]


def same(new: object, old: object) -> None:
    assert json.dumps(new, indent=2) == json.dumps(old, indent=2)


def test_diagnostics_keep_their_shape() -> None:
    for d in DIAGNOSTICS:
        same(d.to_dict(), old_diagnostic(d))
        same(to_json(d), old_diagnostic(d))
    payload = json.loads(render_json(DIAGNOSTICS))
    assert payload["diagnostics"] == [old_diagnostic(d) for d in DIAGNOSTICS]


def test_deploy_shapes() -> None:
    versions = (Version("2.0", "Two", ("latest",)), Version("1.0", "1.0", (), {"x": [1]}))
    mike = [
        {"version": "2.0", "title": "Two", "aliases": ["latest"]},
        {"version": "1.0", "title": "1.0", "aliases": [], "properties": {"x": [1]}},
    ]
    same([v.to_json() for v in versions], mike)
    assert dumps(versions) == json.dumps(mike, indent=2) + "\n"
    assert Version("v", "t", (), {}).to_json() == {"version": "v", "title": "t", "aliases": []}
    outcome = Outcome(
        True, "abc", versions, "2.0", (Preview("pr-1", 7),), True, 2, ("old",), (DIAGNOSTICS[0],)
    )
    same(
        outcome.to_dict(),
        {
            "ok": True,
            "commit": "abc",
            "versions": mike,
            "default": "2.0",
            "previews": [{"name": "pr-1", "updated": 7}],
            "pushed": True,
            "attempts": 2,
            "removed": ["old"],
            "diagnostics": [old_diagnostic(DIAGNOSTICS[0])],
        },
    )
    same(Preview("p", 1).to_dict(), {"name": "p", "updated": 1})


def test_init_shapes(tmp_path: Path) -> None:
    bare = Project(tmp_path, "n")
    full = Project(
        tmp_path,
        "n",
        "d",
        ("pkg",),
        ("src/pkg",),
        True,
        ".github/workflows",
        ("ci.yml",),
        "docs",
        "mkdocs.yml",
        "diagrams",
        True,
        Remote("https://github.com/o/r", "https://o.github.io/r/"),
        "trunk",
        True,
    )
    for project in (bare, full):
        same(
            project.to_dict(),
            {
                "root": project.root.as_posix(),
                "name": project.name,
                "description": project.description,
                "packages": list(project.packages),
                "package_paths": list(project.package_paths),
                "installable": project.installable,
                "workflows": project.workflows,
                "workflow_files": list(project.workflow_files),
                "docs_dir": project.docs_dir,
                "mkdocs_file": project.mkdocs_file,
                "diagrams": project.diagrams,
                "sphinx": project.sphinx,
                "repo_url": project.remote.repo_url if project.remote else None,
                "site_url": project.remote.site_url if project.remote else None,
                "branch": project.branch,
                "git": project.git,
            },
        )
    change = Change("mkdocs.yml", "extend", "why", "text", original="old text")
    old_change = {"path": "mkdocs.yml", "action": "extend", "reason": "why", "content": "text"}
    same(change.to_dict(), old_change)
    for project in (full, None):
        plan = InitPlan(tmp_path, project, (change,), (DIAGNOSTICS[1],))
        same(
            plan.to_dict(),
            {
                "root": tmp_path.as_posix(),
                "project": project.to_dict() if project else None,
                "changes": [old_change],
                "diagnostics": [old_diagnostic(DIAGNOSTICS[1])],
            },
        )


def test_baseline_coverage_and_diagram_shapes() -> None:
    known = Known("DG301", "a.md", "f", "links", "m", 2)
    old_known = {
        "code": "DG301",
        "file": "a.md",
        "fingerprint": "f",
        "stage": "links",
        "message": "m",
        "count": 2,
    }
    same(known.to_dict(), old_known)
    same(Baseline((known,)).to_dict(), {"version": FORMAT, "findings": [old_known]})
    same(Baseline().to_dict(), {"version": FORMAT, "findings": []})
    documented = dict.fromkeys(KINDS, 1)
    total = dict.fromkeys(KINDS, 2)
    coverage = Coverage(documented, total)
    old: dict[str, object] = {"percent": coverage.percent, "docstrings": coverage.docstrings}
    for kind in KINDS:
        old[kind] = {"documented": 1, "total": 2}
    same(coverage.to_dict(), old)
    diagram = Diagram("docs/a.md", 4, "graph TD", "fence", "a.md")
    found = _Found(diagram, "flowchart-v2", True, "")
    same(
        found.to_dict(),
        {
            "source": "docs/a.md",
            "line": 4,
            "origin": "fence",
            "page": "a.md",
            "kind": "flowchart-v2",
            "valid": True,
            "message": "",
        },
    )


@pytest.mark.parametrize("value", [float("nan"), 10**30, "é\n"])
def test_values_json_knows_pass_through(value: object) -> None:
    assert to_json(value) is value
