"""The configuration guide lists every option of every section, and nothing else."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from conftest import REPO

from docgen.engines.mkdocs import schema

GUIDE = REPO / "docs" / "user-guide" / "configuration.md"


def documented(section: str) -> set[str]:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"^## `{section}`\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"{GUIDE.name} has no `## \\`{section}\\`` section"
    return set(re.findall(r"^\| `(\w+)` \|", match.group(1), re.MULTILINE))


@pytest.mark.parametrize("section", sorted(schema.SECTIONS))
def test_every_option_is_in_the_guide(section: str) -> None:
    options = {f.name for f in fields(schema.SECTIONS[section])}
    assert documented(section) == options
