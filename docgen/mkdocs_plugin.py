"""The MkDocs plugin `docgen`, where users' installs and older code import it from.

The plugin lives in `docgen.engines.mkdocs` now (schema, plugin, nav, render cache,
findings, facade); this module re-exports its public names, so
`docgen.mkdocs_plugin:DocgenPlugin` and `from docgen.mkdocs_plugin import build_site`
keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from docgen import pipeline
from docgen.config import DocgenConfig
from docgen.engines import ConfigProblem, PluginMissing
from docgen.engines.mkdocs.facade import load_docgen_config, serve_site
from docgen.engines.mkdocs.plugin import DocgenPlugin
from docgen.engines.mkdocs.schema import DocgenPluginConfig, markdown_setup, to_docgen_config
from docgen.pipeline import BuildOptions, BuildOutcome

__all__ = [
    "BuildOutcome",
    "ConfigProblem",
    "DocgenPlugin",
    "DocgenPluginConfig",
    "PluginMissing",
    "build_site",
    "load_docgen_config",
    "markdown_setup",
    "serve_site",
    "to_docgen_config",
]


def build_site(
    path: Path,
    *,
    strict: bool = False,
    site_dir: Path | None = None,
    only: Sequence[str] | None = None,
    adjust: Callable[[DocgenConfig], DocgenConfig] | None = None,
    baseline: bool = True,
) -> BuildOutcome:
    """Build the site of mkdocs.yml at `path` with docgen's pipeline (`docgen.pipeline.build`).

    Args:
        path: the project's `mkdocs.yml`.
        strict: turn all warnings into errors.
        site_dir: where to write the site, instead of the configured folder.
        only: the stages to check and report on; every stage still generates its pages.
        adjust: changes docgen's config before the build (the CLI's `--offline`, say).
        baseline: apply the project's baseline (`.docgen/baseline.json`) when it has one.
    """
    options = BuildOptions(
        path,
        strict=strict,
        site_dir=site_dir,
        only=tuple(only) if only is not None else None,
        adjust=adjust,
        baseline=baseline,
    )
    return pipeline.build(options)
