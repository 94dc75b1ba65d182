"""docgen: a documentation pipeline for software repositories.

Sources (Python packages, GitHub Actions workflows, Mermaid diagrams, the docs' own pages)
become a checked, versioned MkDocs site: `docgen build`, `docgen check`, `docgen serve`.
"""

from __future__ import annotations

from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Asset, Context, Document, Page, StageResult

__all__ = [
    "Asset",
    "Context",
    "Diagnostic",
    "DocgenConfig",
    "Document",
    "Location",
    "Page",
    "Severity",
    "StageResult",
    "__version__",
]

__version__ = "0.1.0"
"""docgen's version, as `docgen --version` prints it."""
