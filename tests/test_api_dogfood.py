"""Dogfood: docgen's own API, documented by its own API stage, has every public module,
class, function and method documented.

Attributes and parameters are counted in the coverage figures but not required here:
dataclass fields are described in their class's docstring, where the heuristic that
finds them is only a heuristic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import api
from docgen.api.coverage import Gap, gaps
from docgen.api.model import Module
from docgen.config import ApiConfig, DocgenConfig

REPO = Path(__file__).resolve().parents[1]
REQUIRED = {"modules", "classes", "functions", "methods"}


@pytest.fixture(scope="module")
def documented(tmp_path_factory: pytest.TempPathFactory) -> list[Module]:
    site = tmp_path_factory.mktemp("dogfood")
    config = DocgenConfig(
        root=REPO,
        docs_dir=REPO / "docs",
        site_dir=site / "site",
        cache_dir=site / "cache",
        api=ApiConfig(packages=("docgen",)),
    )
    result = api.generate(config)
    listed = result.model["modules"]
    assert isinstance(listed, list)
    modules = [Module.from_json(m) for m in listed]
    failed = [str(d.message) for d in result.diagnostics if d.code == "DG602"]
    assert not failed, failed
    return modules


def missing(modules: list[Module]) -> list[tuple[str, Gap]]:
    return [
        (module.name, gap) for module in modules for gap in gaps(module) if gap.kind in REQUIRED
    ]


def describe(found: list[tuple[str, Gap]]) -> str:
    return "\n".join(sorted(f"{g.symbol} ({g.kind}) at {g.file}:{g.line}" for _, g in found))


def test_every_module_is_documented(documented: list[Module]) -> None:
    names = {m.name for m in documented}
    assert {"docgen", "docgen.api", "docgen.config", "docgen.api.worker"} <= names


def test_docgen_public_api_has_docstrings(documented: list[Module]) -> None:
    found = missing(documented)
    assert not found, "public symbols without a docstring:\n" + describe(found)
