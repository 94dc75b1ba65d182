"""docgen among other plugins: their messages, their pages, their crashes, mkdocs.yml's keys."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.contrib.search import SearchPlugin

from docgen import config as cfg
from docgen import mkdocs_plugin
from docgen.cli import main
from docgen.config import DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.engines.mkdocs import facade, findings, plugin, schema
from docgen.mkdocs_plugin import BuildOutcome, build_site
from docgen.model import Context

Project = Callable[..., Path]

# Only lint runs: the other stages have nothing to do with other plugins.
ONLY_LINT = (
    "site_name: x\n"
    "plugins:\n"
    "  - search\n"
    "  - docgen: {api: false, pipelines: false, diagrams: false, examples: false,"
    " links: false, quality_page: false}\n"
    "hooks: [hooks.py]\n"
)


def build(root: Path, *, offline: bool = False) -> BuildOutcome:
    if not offline:
        return build_site(root / "mkdocs.yml")
    return build_site(root / "mkdocs.yml", adjust=lambda c: replace(c, offline=True))


def found(outcome: BuildOutcome, code: str) -> list[tuple[str, str, str]]:
    return [
        (str(d.location), d.severity.value, d.message)
        for d in outcome.diagnostics
        if d.code == code
    ]


LOGGING_HOOK = """
import logging

def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != "guide.md":
        return markdown
    root = config.config_file_path.rsplit("/", 1)[0]
    autorefs = logging.getLogger("mkdocs.plugins.mkdocs_autorefs")
    autorefs.warning("mkdocs_autorefs: guide.md: Could not find cross-reference target 'ast.AST'")
    autorefs.warning(
        f"mkdocs_autorefs: guide.md: from {root}/pkg/mod.py:21: (pkg) Could not find"
        " cross-reference target 'ast'"
    )
    logging.getLogger("macros").warning("guide.md:2: undefined variable 'x'")
    logging.getLogger("mkdocs.plugins.other").warning("other: the page 'guide.md' is odd")
    logging.getLogger("markdown_exec").warning(
        "Execution of console code block 'check' exited with code 127"
    )
    logging.getLogger("markdown_exec").warning("Execution of code block 'unknown' failed")
    logging.getLogger("mkdocs.plugins.redirects").warning("Redirect target 'gone/page.md' is gone")
    logging.getLogger("llmstxt").warning("Page URI 'nowhere.md' not found")
    logging.getLogger("somewhere").error("somewhere: said its name itself")
    logging.getLogger("somewhere").error("nothing to locate here")
    logging.getLogger("somewhere").info("chatter is not a finding")
    logging.getLogger("docgen.anything").warning("docgen's own loggers are not captured")
    logging.getLogger("mkdocs.plugins.mkdocstrings").error(
        "mkdocstrings: Couldn't load inventory https://docs.python.org/3/objects.inv"
        " through handler 'python': <urlopen error [Errno -2] Name or service not known>"
    )
    return markdown
"""


def logging_project(project: Project) -> Path:
    return project(
        {
            "hooks.py": LOGGING_HOOK,
            "docs/guide.md": "# Guide\n\nText.\n\nSee [ast.AST][].\n",
            "docs/run.md": "# Run\n\n```console exec='1' id='check'\nx\n```\n",
        },
        mkdocs=ONLY_LINT + "extra:\n  moved: gone/page.md\n",
    )


def test_every_loggers_warnings_are_findings_at_the_file_they_name(project: Project) -> None:
    root = logging_project(project)
    outcome = build(root)
    shown = [(w, s, m.replace(str(root), "{root}")) for w, s, m in found(outcome, "DG100")]
    assert sorted(shown) == sorted(
        [
            (
                "docs/guide.md:5",
                "warning",
                "mkdocs_autorefs: guide.md: Could not find cross-reference target 'ast.AST'",
            ),
            ("docs/guide.md:2", "warning", "macros: guide.md:2: undefined variable 'x'"),
            ("docs/guide.md", "warning", "other: the page 'guide.md' is odd"),
            (
                "None",
                "error",
                "mkdocstrings: Couldn't load inventory https://docs.python.org/3/objects.inv"
                " through handler 'python': <urlopen error [Errno -2] Name or service not known>",
            ),
            ("None", "error", "somewhere: nothing to locate here"),
            ("mkdocs.yml:7", "warning", "Redirect target 'gone/page.md' is gone"),
            ("None", "warning", "llmstxt: Page URI 'nowhere.md' not found"),
            ("None", "error", "somewhere: said its name itself"),
            (
                "docs/run.md:3",
                "warning",
                "markdown_exec: Execution of console code block 'check' exited with code 127",
            ),
            ("None", "warning", "markdown_exec: Execution of code block 'unknown' failed"),
            (
                "pkg/mod.py:21",
                "warning",
                "mkdocs_autorefs: guide.md: from {root}/pkg/mod.py:21: (pkg) Could not find"
                " cross-reference target 'ast'",
            ),
        ]
    )


def test_offline_inventories_and_the_references_they_hold_are_one_info_each(
    project: Project,
) -> None:
    outcome = build(logging_project(project), offline=True)
    messages = {(s, m) for _, s, m in found(outcome, "DG100")}
    assert ("info", "offline: 1 inventories not loaded") in messages
    assert (
        "info",
        "2 cross-references not checked offline"
        " (their targets may be in the inventories not loaded)",
    ) in messages
    assert not any("Could not find" in m or "Couldn't load" in m for _, m in messages)
    assert ("warning", "macros: guide.md:2: undefined variable 'x'") in messages


def test_a_nav_entry_docgen_reports_is_not_said_again(project: Project) -> None:
    root = project(
        {"hooks.py": "", "docs/a.md": "# A\n\nText.\n"},
        mkdocs=ONLY_LINT + "nav: [index.md, a.md, gone.md]\n",
    )
    outcome = build(root)
    assert [m for _, _, m in found(outcome, "DG710")] == [
        "the nav lists 'gone.md', but there is no such page"
    ]
    assert not any("gone.md" in m for _, _, m in found(outcome, "DG100"))


def test_mkdocs_findings_keep_what_docgen_does_not_say() -> None:
    nav = "A reference to 'x.md' is included in the 'nav' configuration, which is not found"
    heard = [
        Diagnostic("DG100", Severity.WARNING, nav, None, stage="mkdocs"),
        Diagnostic("DG100", Severity.WARNING, nav.replace("x.md", "y.md"), None, stage="mkdocs"),
        Diagnostic("DG100", Severity.WARNING, "Could not find cross-reference target 'a'"),
    ]
    ours = [
        Diagnostic("DG710", Severity.ERROR, "the nav lists 'x.md', but there is no such page"),
        Diagnostic("DG301", Severity.ERROR, "broken link"),
    ]
    kept = findings.fold(heard, ours, offline=True)
    # Offline, but no inventory failed: a missing target is a finding as ever.
    assert [d.message for d in kept] == [heard[1].message, heard[2].message]
    inventory = Diagnostic("DG100", Severity.ERROR, "x: Couldn't load inventory https://a/b")
    kept = findings.fold([inventory, heard[1]], ours, offline=True)
    assert [(d.severity.value, d.message) for d in kept] == [
        ("warning", heard[1].message),
        ("info", "offline: 1 inventories not loaded"),
    ]
    assert findings.fold([inventory], ours, offline=False) == [inventory]


def test_plain_mkdocs_hears_each_message_once(project: Project) -> None:
    root = logging_project(project)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build.build(config)
    finally:
        config.plugins.on_shutdown()
    plugin = config.plugins["docgen"]
    assert isinstance(plugin, mkdocs_plugin.DocgenPlugin)
    assert plugin.build is not None
    heard = [d.message for d in plugin.build.final if d.code == "DG100"]
    assert len(heard) == len(set(heard)) == 11


GENERATING_HOOK = """
import tempfile
from pathlib import Path
from mkdocs.structure.files import File

def on_files(files, config):
    files.append(File.generated(config, "made/report.md", content="# Report\\n"))
    folder = tempfile.mkdtemp()
    Path(folder, "archive").mkdir()
    Path(folder, "archive", "2022.md").write_text("# 2022\\n")
    files.append(File("archive/2022.md", folder, config.site_dir, config.use_directory_urls))
    return files
"""


def test_pages_other_plugins_make_exist_but_are_not_linted(project: Project) -> None:
    root = project(
        {"hooks.py": GENERATING_HOOK, "docs/a.md": "# A\n\nText.\n"},
        mkdocs=ONLY_LINT + "nav: [index.md, a.md, made/report.md]\n",
    )
    outcome = build(root)
    assert outcome.aborted is None
    # No DG710 for the nav's made/report.md, no DG709/DG713 for either generated page.
    assert [(str(d.location), d.code) for d in outcome.diagnostics] == []


def test_a_plugin_that_needs_the_network_offline_is_one_message(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def offline_fonts(self: SearchPlugin, context: object, **kwargs: object) -> None:
        try:
            raise OSError("[Errno -2] Name or service not known")
        except OSError as exc:
            raise ValueError("Failed to resolve 'fonts.google.com'\nmore detail") from exc

    monkeypatch.setattr(SearchPlugin, "on_page_context", offline_fonts)
    root = project({"hooks.py": ""}, mkdocs=ONLY_LINT)
    monkeypatch.chdir(root)
    assert main(["build", "--offline"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "DG100" not in err  # MkDocs' "Error building page" is the same failure
    assert (
        "docgen: the 'search' plugin failed: ValueError: Failed to resolve 'fonts.google.com'\n"
        "  hint: the plugin needs the network: turn it off for offline builds, e.g."
        " `plugins: - search: {enabled: !ENV [CI, false]}`"
    ) in err
    assert "DOCGEN_OFFLINE" not in os.environ


def test_a_plugin_crash_online_asks_to_check_its_options(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: SearchPlugin, config: object) -> None:
        raise KeyError

    monkeypatch.setattr(SearchPlugin, "on_post_build", broken)
    outcome = build(project({"hooks.py": ""}, mkdocs=ONLY_LINT))
    assert outcome.aborted == (
        "the 'search' plugin failed: KeyError\n"
        "  hint: check the plugin's options in mkdocs.yml, or turn it off"
        " (`- search: {enabled: false}`)"
    )


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        ("raise OSError('no network')", "the hook needs the network: remove it from `hooks:`"),
        ("raise ValueError('bad')", "fix the hook, or remove it from `hooks:`"),
    ],
)
def test_a_hook_crash_is_one_message(
    project: Project, monkeypatch: pytest.MonkeyPatch, error: str, hint: str
) -> None:
    hook = f"def on_post_build(config):\n    {error}\n"
    root = project({"hooks.py": hook}, mkdocs=ONLY_LINT)
    outcome = build(root, offline=True)
    assert outcome.aborted is not None
    assert outcome.aborted.startswith("the hook 'hooks.py' failed at hooks.py:2: ")
    assert outcome.aborted.endswith(f"hint: {hint}")


def test_docgens_own_crash_keeps_its_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(self: object, *, config: object) -> None:
        raise RuntimeError("a bug in docgen")

    monkeypatch.setattr(mkdocs_plugin.DocgenPlugin, "on_post_build", bug)
    with pytest.raises(RuntimeError, match="a bug in docgen"):
        build(project({"hooks.py": ""}, mkdocs=ONLY_LINT))


def test_a_top_level_key_set_twice_is_a_warning_at_the_repeat(project: Project) -> None:
    mkdocs = (
        "site_name: x\n"
        "plugins:\n"
        "  - search\n"
        "theme: mkdocs\n"
        "plugins:\n"
        "  - docgen: {api: false, pipelines: false, diagrams: false, examples: false,"
        " links: false, quality_page: false}\n"
        "plugins: [search, docgen]\n"
    )
    outcome = build(project(mkdocs=mkdocs))
    assert found(outcome, "DG103") == [
        (
            "mkdocs.yml:5",
            "warning",
            "'plugins' is set again (first on line 2); MkDocs uses only the last"
            " 'plugins:' (line 7) and ignores the others",
        ),
        (
            "mkdocs.yml:7",
            "warning",
            "'plugins' is set again (first on line 2); MkDocs uses only the last"
            " 'plugins:' (line 7) and ignores the others",
        ),
    ]
    assert next(d.hint for d in outcome.diagnostics if d.code == "DG103") == (
        "merge the 'plugins:' sections into one"
    )


@pytest.mark.parametrize(
    "text", ["- a list\n", "key: [unclosed\n", "\xff", "? [a, b]\n: 1\nx: 1\n"]
)
def test_duplicate_keys_leave_other_files_to_mkdocs(tmp_path: Path, text: str) -> None:
    file = tmp_path / "mkdocs.yml"
    file.write_bytes(text.encode("latin-1"))
    config = DocgenConfig(root=tmp_path, docs_dir=tmp_path / "docs", site_dir=tmp_path / "site")
    assert cfg.duplicate_keys(config, file) == []


def test_a_location_is_never_a_page_made_by_a_plugin(project: Project) -> None:
    state = plugin.Build(
        DocgenConfig(root=Path("/p"), docs_dir=Path("/p/docs"), site_dir=Path("/p/site")),
        Context(),
    )
    state.page_sources["made.md"] = "(generated by the x plugin)"
    state.page_sources["api/x.md"] = "src/x.py"
    assert findings.locate(state, "Doc file 'made.md' contains a link") is None
    assert findings.locate(state, "Doc file 'api/x.md' has it") == Location("src/x.py")
    assert findings.locate(state, "x.md: Could not find cross-reference target 'a'") == (
        Location("docs/x.md")
    )
    state.site_config = "/p/no-such-mkdocs.yml"
    assert findings.locate(state, "Redirect target 'y.md' is gone") is None


def test_the_projects_own_extension_failing_is_one_message_at_its_line(
    project: Project,
) -> None:
    hook = (
        "from markdown.preprocessors import Preprocessor\n"
        "from markdown.extensions import Extension\n"
        "class Version(Preprocessor):\n"
        "    def run(self, lines):\n"
        "        raise FileNotFoundError(2, 'No such file or directory', 'hatch')\n"
        "class Inject(Extension):\n"
        "    def extendMarkdown(self, md):\n"
        "        md.preprocessors.register(Version(md), 'version', 0)\n"
        "def on_config(config):\n"
        "    config.markdown_extensions.append(Inject())\n"
    )
    outcome = build(project({"hooks.py": hook}, mkdocs=ONLY_LINT))
    assert outcome.aborted == (
        "hooks.py:5: FileNotFoundError: [Errno 2] No such file or directory: 'hatch'\n"
        "  hint: the project's own code failed while building"
    )


def test_an_error_in_no_plugin_and_no_project_code_keeps_its_traceback(tmp_path: Path) -> None:
    try:
        raise ValueError("somewhere else")
    except ValueError as exc:
        error = exc
    frames = list(traceback.walk_tb(error.__traceback__))

    class Site:
        config_file_path = str(tmp_path / "mkdocs.yml")

    assert facade._project_code_failed(frames, Site(), "ValueError") is None  # type: ignore[arg-type]
    # docgen's own code in the project (docgen's own docs) is a bug: its traceback stays.
    Site.config_file_path = str(Path(mkdocs_plugin.__file__).parents[1] / "mkdocs.yml")
    with pytest.raises(ValueError, match="not a number") as raised:
        schema._value(float, "not a number")
    frames = list(traceback.walk_tb(raised.value.__traceback__))
    assert facade._project_code_failed(frames, Site(), "ValueError") is None  # type: ignore[arg-type]
