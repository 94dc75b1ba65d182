"""The `mkdocs` engine: MkDocs 1.6 and the docgen plugin, the one place that imports MkDocs.

    schema        the `docgen:` section of mkdocs.yml → `DocgenConfig`
    plugin        the plugin's hooks: they call the steps of `docgen.pipeline`
    nav           generated pages in the nav; Markdown extensions; theme text fixes
    render_cache  a page whose inputs did not change is not rendered again
    findings      what MkDocs and other plugins log → diagnostics (DG100-DG103)
    facade        what the CLI calls: load the config, render, publish, serve

This module itself imports no MkDocs: `docgen.engines.get("mkdocs")` does, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.engines import Engine

__all__ = ["engine"]


def engine() -> Engine:
    """A new `mkdocs` engine (it keeps one build's state, for `publish`)."""
    from docgen.engines.mkdocs.facade import MkDocsEngine  # noqa: PLC0415 - MkDocs loads here

    return MkDocsEngine()
