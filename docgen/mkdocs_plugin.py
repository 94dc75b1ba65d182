"""The MkDocs plugin `docgen`, where users' installs and older code import it from.

The plugin lives in `docgen.engines.mkdocs` now (schema, plugin, nav, render cache,
findings, facade); this module re-exports its public names, so
`docgen.mkdocs_plugin:DocgenPlugin` and `from docgen.mkdocs_plugin import build_site`
keep working.
"""

from __future__ import annotations

from docgen.engines import ConfigProblem, PluginMissing
from docgen.engines.mkdocs.facade import build_site, load_docgen_config, serve_site
from docgen.engines.mkdocs.plugin import DocgenPlugin
from docgen.engines.mkdocs.schema import DocgenPluginConfig, markdown_setup, to_docgen_config
from docgen.pipeline import BuildOutcome

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
