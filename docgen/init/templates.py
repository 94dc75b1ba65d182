"""The files `docgen init` writes, as text made from what detection found.

Written as text, not dumped from data, so that the user gets comments that say why each
setting is there. Every value that came from the user's repository goes through `scalar`.
"""

from __future__ import annotations

import json
import re

from docgen.init.detect import Project

__all__ = ["ACTION", "index_md", "mkdocs_yml", "plugin_entry", "scalar", "workflow"]

# The repository of the docgen action; shown as it is so that a fork can change it.
ACTION = "docgen-dev/docgen@v0"
"""The GitHub Action the generated workflow uses."""
# actions/checkout pinned to a commit, as docgen's own workflows have it (zizmor's advice).
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1"
_PLAIN = re.compile(r"^(?:[A-Za-z0-9_./][A-Za-z0-9_ ./()+-]*|https?://[A-Za-z0-9_./~%+-]+)$")
_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})


def scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    if _PLAIN.match(value) and value.lower() not in _RESERVED and not value.endswith(" "):
        try:
            float(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


def _plugin_options(
    project: Project, mkdocstrings: bool = False, inventories: tuple[str, ...] = ()
) -> list[str]:
    """The `docgen:` options, one line each, relative to the plugin's indentation."""
    lines: list[str] = []
    packages = ", ".join(project.packages) or "mypackage"
    if mkdocstrings:
        lines.append(
            f"api: false  # mkdocstrings documents the API; `api: {{packages: [{packages}]}}` "
            "for docgen's"
        )
    elif project.packages:
        api = f"packages: [{packages}]"
        if project.package_paths:
            api += f", paths: [{', '.join(scalar(p) for p in project.package_paths)}]"
        if inventories:
            api += f", inventories: [{', '.join(scalar(i) for i in inventories)}]"
        lines.append(f"api: {{{api}}}  # the API reference, from the docstrings")
    else:
        lines.append("# api: {packages: [mypackage]}  # no Python package was found")
    lines.append("pipelines: {workflows: .github/workflows}  # a page per workflow")
    if project.diagrams:
        lines.append(f"diagrams: {{dir: {project.diagrams}}}  # Mermaid diagrams, validated")
    else:
        lines.append("# diagrams: {dir: diagrams}  # Mermaid diagrams (.mmd) to validate")
    if project.changelog and project.changelog_page:
        lines.append(
            f"# changelog: {{source: auto}}  # {project.changelog_page} already shows"
            f" {project.changelog}; this would add a page per version"
        )
    elif project.changelog:
        lines.append(f"changelog: {{source: auto}}  # release notes, from {project.changelog}")
    lines.append("links: {external: true}  # `docgen build --offline` skips external links")
    return lines


def plugin_entry(
    project: Project,
    prefix: str,
    indent: int,
    *,
    mkdocstrings: bool = False,
    inventories: tuple[str, ...] = (),
) -> str:
    """The docgen plugin, set up for `project`, as lines to add under `plugins:`.

    `prefix` is what comes before `docgen:` (`"  - "` in a list, spaces in a mapping);
    `indent` is the column of its options. With `mkdocstrings` (the site already documents
    the API with it) docgen's API stage is off; `inventories` are other projects'
    `objects.inv` URLs for its references.
    """
    options = [" " * indent + line for line in _plugin_options(project, mkdocstrings, inventories)]
    return "\n".join([f"{prefix}docgen:", *options]) + "\n"


def mkdocs_yml(project: Project) -> str:
    """A complete `mkdocs.yml` for `project`: Material and the docgen plugin.

    Material comes with light and dark schemes, search and the version selector.
    """
    docs_dir = project.docs_dir or "docs"
    site = [f"site_name: {scalar(project.name)}"]
    if project.description:
        site.append(f"site_description: {scalar(project.description)}")
    if project.remote is not None:
        if project.remote.site_url:
            site.append(f"site_url: {scalar(project.remote.site_url)}")
        site.append(f"repo_url: {scalar(project.remote.repo_url)}")
        if project.remote.repo_url.startswith("https://github.com/"):
            site.append(f"edit_uri: {scalar(f'edit/{project.branch}/{docs_dir}/')}")
    plugins = plugin_entry(project, "  - ", 6)
    return f"""\
# The documentation site, built and checked by docgen.
#   docgen serve            live preview
#   docgen build --strict   build site/ and run every check
{chr(10).join(site)}

theme:
  name: material
  features:
    - navigation.instant
    - navigation.sections
    - navigation.top
    - content.code.copy
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode

plugins:
  - search
{plugins}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - toc:
      permalink: true

extra:
  version:
    provider: mike  # the version selector; `docgen deploy` publishes versions
"""


def index_md(project: Project) -> str:
    """A starter home page that says what `project`'s site has and how to build it."""
    made = []
    if project.packages:
        names = ", ".join(f"`{p}`" for p in project.packages)
        made.append(f"- an API reference for {names}, from its docstrings;")
    made.append("- a page for each GitHub Actions workflow in `.github/workflows`;")
    if project.diagrams:
        made.append(f"- the Mermaid diagrams of `{project.diagrams}/`, validated;")
    about = f"\n{project.description}\n" if project.description else ""
    return f"""\
# {project.name}
{about}
## About these pages

The pages in `{project.docs_dir or "docs"}/` are written by hand. docgen adds:

{chr(10).join(made)}
- a quality page with the results of every check.

It also runs the code examples of every page and checks every link. Preview the site with
`docgen serve`; build and check it with `docgen build --strict`.
"""


def workflow(project: Project) -> str:
    """`.github/workflows/docs.yml` for `project`: check PRs, deploy the default branch."""
    install = "\n          install: ." if project.packages and project.installable else ""
    branch = scalar(project.branch)
    return f"""\
# Documentation
#
# Checks the documentation on every pull request with docgen (annotations on the diff,
# a step summary, the built site as an artifact), and deploys the "dev" version to
# GitHub Pages from {project.branch}. {ACTION.partition("@")[0]} is the docgen action: point it at
# the repository you install docgen from.
name: Documentation

on:
  pull_request:
  push:
    branches: [{branch}]
  workflow_dispatch:

permissions:
  contents: read

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false
      - uses: {ACTION}  # zizmor: ignore[unpinned-uses] pin it to a commit of your docgen
        with:
          python-version: "3.11"{install}

  deploy:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # the deploy pushes to the gh-pages branch
    concurrency:
      group: docs-deploy
      cancel-in-progress: false
    steps:
      - uses: {CHECKOUT}  # zizmor: ignore[artipacked] docgen deploy pushes
        with:
          fetch-depth: 0  # versions are kept on the gh-pages branch
      - uses: {ACTION}  # zizmor: ignore[unpinned-uses] pin it to a commit of your docgen
        with:
          python-version: "3.11"{install}
          deploy: true
          version: dev
"""
