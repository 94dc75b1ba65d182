"""Release notes: one page per version, plus "Unreleased", from git, a changelog file or
towncrier fragments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docgen.config import DocgenConfig
from docgen.model import StageResult

__all__ = ["dump", "generate"]


def generate(config: DocgenConfig) -> StageResult:
    """The release-notes pages."""
    return StageResult("changelog")


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """The releases and their notes, as JSON."""
    return {}
