"""Mermaid diagrams: collected from files and pages, validated by Mermaid, served locally.

Sources:

- every `*.mmd` file in the diagrams folder (`diagrams:` → `dir`, default `diagrams/`) is
  shown on a generated "Architecture" page (`architecture.md`, or
  `architecture/diagrams.md` when the docs already have an `architecture.md`). A file's
  leading `%%` comment lines give its title (the first) and description (the rest);
- ```` ```mermaid ```` fences in any page, hand-written or generated, also inside
  admonitions, tabs and lists;
- a file embedded in any page with an empty fence that names it, relative to the project
  root:

      ```mermaid file="diagrams/pipeline.mmd"
      ```

  `transform` replaces the fence's body with the file; a problem in the diagram is
  reported at the `.mmd` file's line, a missing file at the page's line.

Validation parses every diagram with Mermaid's own parser — the version the site serves —
in one Node process per build (`validate.py`), after `docgen setup` installed it
(`setup.py`).

Rendering is Material for MkDocs' own Mermaid support (`markdown_extensions()`) given the
local Mermaid, not mkdocs-mermaid2 1.2.3, which was measured to fail the requirements:
by default it loads Mermaid 10.4 from a CDN, and an offline `--strict` build aborts on its
"Cannot check URL, no Internet access?" warning; a local `javascript:` must be a file in
the user's `docs/` ("Cannot find Mermaid library" otherwise), while docgen serves Mermaid
from the user cache; and an ES module path is emitted as `import mermaid from "js/…"` on
the home page, a bare specifier that browsers refuse. With its custom fence, Material
renders the diagrams anyway. A project that already uses mermaid2 gets it turned off for
the build, with one warning (`mermaid2.py`).

Diagnostics (DG4xx):

| code | severity | meaning |
|---|---|---|
| DG401 | error | Mermaid syntax error |
| DG402 | error | unknown diagram type |
| DG403 | error | empty diagram |
| DG404 | error | diagram larger than `max_size` characters |
| DG405 | error | Node or the installed Mermaid is missing: run `docgen setup` |
| DG406 | info | validation skipped: opted out (`validate: false`, `--no-diagram-validation`) |
| DG407 | error | an embed names a file that does not exist (or is outside the project) |
| DG408 | error | a `.mmd` file cannot be read |
| DG409 | error | the validator itself failed (Mermaid's message included) |
| DG410 | warning | Mermaid is not installed, so the site cannot serve it |
| DG411 | warning | mkdocs-mermaid2 is set up: turned off for the build, with what to remove |
"""

from __future__ import annotations

from docgen.diagrams.stage import check, dump, generate, markdown_extensions, transform

__all__ = ["check", "dump", "generate", "markdown_extensions", "transform"]
