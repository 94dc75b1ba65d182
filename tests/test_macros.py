"""Generated pages under a Jinja macros renderer: the real mkdocs-macros-plugin, and a
Markdown extension that renders Jinja the way zensical's `macros` extension does."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from conftest import write

from docgen.macros import Jinja, jinja, shield
from docgen.mkdocs_plugin import build_site

WORKFLOW = """
name: CI
on: push
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest]
    if: ${{ github.event_name == 'push' && !cancelled() }}
    steps:
      - run: echo "${{ github.ref }}"
"""

# A Markdown preprocessor that renders the page as a Jinja template, as zensical's
# `zensical.extensions.macros` does (its name ends in `.macros` too).
EXTENSION = """
import jinja2
from markdown import Extension
from markdown.preprocessors import Preprocessor


class Render(Preprocessor):
    def run(self, lines):
        try:
            text = jinja2.Environment().from_string("\\n".join(lines)).render(name="World")
        except jinja2.TemplateError as error:
            text = f"Macro Syntax Error: {error}"
        return text.split("\\n")


class Macros(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Render(md), "macros", 35)


def makeExtension(**kwargs):
    return Macros(**kwargs)
"""

TOOL = {
    "tool/__init__.py": '"""The tool: `{% if x %}` and {{ name }} are text here."""\n',
    "tool/parts.py": (
        '"""Parts."""\n\n\nclass Part:\n    """A part."""\n\n'
        '    def __init__(self, size: int) -> None:\n        """Make one {#not a comment."""\n'
    ),
}


def project(tmp_path: Path, renderer: str) -> Path:
    return write(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: x\ntheme: {name: material}\n"
                f"{renderer}"
                "  - docgen:\n      api: {packages: [tool]}\n"
                "      pipelines: {workflows: .github/workflows}\n"
            ),
            "docs/index.md": "# Home\n\nHello {{ name }}.\n",
            ".github/workflows/ci.yml": WORKFLOW,
            **TOOL,
        },
    )


def check_site(root: Path, hello: str) -> None:
    site = root / "site"
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    assert not [p for p in pages if "Macro" in p and "Error" in p]
    api = (site / "api" / "tool.parts" / "index.html").read_text(encoding="utf-8")
    assert 'id="tool.parts.Part.__init__"' in api
    assert "{#not a comment." in api
    assert "{% if x %}" in (site / "api" / "tool" / "index.html").read_text(encoding="utf-8")
    ci = (site / "pipelines" / "ci" / "index.html").read_text(encoding="utf-8")
    assert "{{ github.ref }}" in ci
    assert "{% raw %}" not in ci
    assert "{% raw %}" not in api
    # The user's own pages still go through the renderer.
    assert hello in (site / "index.html").read_text(encoding="utf-8")
    quality = (site / "quality" / "index.html").read_text(encoding="utf-8")
    assert "{% raw %}" not in quality


@pytest.mark.slow
def test_pages_survive_mkdocs_macros_plugin(tmp_path: Path) -> None:
    root = project(tmp_path, "hooks: [hooks.py]\nplugins:\n  - macros\n")
    (root / "hooks.py").write_text("def on_config(config):\n    return config\n", "utf-8")
    (root / "main.py").write_text(
        "def define_env(env):\n    env.variables['name'] = 'World'\n", encoding="utf-8"
    )
    outcome = build_site(root / "mkdocs.yml")
    assert outcome.diagnostics is not None
    check_site(root, "Hello World.")


@pytest.mark.slow
def test_pages_survive_a_macros_markdown_extension(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "markdown_extensions:\n  - jinjamd.macros\nplugins:\n")
    write(tmp_path / "lib", {"jinjamd/__init__.py": "", "jinjamd/macros.py": EXTENSION})
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    build_site(root / "mkdocs.yml")
    check_site(root, "Hello World.")


@pytest.mark.parametrize(
    ("plugins", "extensions", "configs", "expected"),
    [
        ({"search": {}, "docgen": {}}, [], {}, None),
        ({"macros": {}}, [], {}, Jinja()),
        ({"macros": {"render_by_default": False}}, [], {}, None),
        (
            {"macros": {"j2_block_start_string": "[%", "j2_block_end_string": "%]"}},
            [],
            {},
            Jinja("[%", "%]"),
        ),
        (
            {"markdownextradata": {"jinja_options": {"block_start_string": "<%"}}},
            [],
            {},
            Jinja("<%"),
        ),
        ({}, ["toc", "zensical.extensions.macros"], {}, Jinja(in_markdown=True)),
        (
            {"macros": {}},
            ["zensical.extensions.macros"],
            {"zensical.extensions.macros": {"render_by_default": False}},
            Jinja(),
        ),
    ],
)
def test_the_renderer_is_found_in_plugins_or_extensions(
    plugins: dict[str, dict[str, object]],
    extensions: list[str],
    configs: dict[str, dict[str, object]],
    expected: Jinja | None,
) -> None:
    assert jinja(plugins, extensions, configs) == expected


@pytest.mark.parametrize(
    "text",
    [
        "# `m` { #m }\n\n${{ matrix.os }} {% if x %} {#c {{ y",
        "x {% endraw %} y {%- endraw -%} z {%+endraw%}",
        "",
    ],
)
def test_a_shielded_page_renders_as_written(text: str) -> None:
    rendered = jinja2.Environment(autoescape=True).from_string(shield(text, Jinja())).render()
    assert rendered.strip("\n") == text


def test_a_shielded_page_with_other_delimiters() -> None:
    env = jinja2.Environment(block_start_string="[%", block_end_string="%]", autoescape=True)
    text = "a [% endraw %] {% b"
    assert env.from_string(shield(text, Jinja("[%", "%]"))).render().strip("\n") == text
