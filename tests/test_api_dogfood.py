"""Dogfood: docgen's own API, documented by its own API stage, is 100 % covered.

Every public module, class, function, method, attribute and parameter is documented, by
the same rules the coverage figures use (a dataclass field or a parameter counts when its
class's or callable's docstring names it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import api
from docgen.api.coverage import KINDS, Gap, coverage, gaps
from docgen.api.model import Module
from docgen.config import ApiConfig, DocgenConfig

REPO = Path(__file__).resolve().parents[1]
REQUIRED = set(KINDS)


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
    assert not found, "public symbols without documentation:\n" + describe(found)
    assert coverage(documented).percent == 100.0
