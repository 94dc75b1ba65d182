"""The pipeline in one function: typed results travel in memory, engines behind one interface,
and the site's config found as mkdocs.yml or mkdocs.yaml."""

from __future__ import annotations

import json
import os
import shutil
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import write

from docgen import engines, pipeline, run
from docgen.cli import main
from docgen.config import DocgenConfig, find_config_file
from docgen.engines.mkdocs.facade import load_docgen_config
from docgen.model import Context, StageResult

SIDE_FILES = ("index.json", "sources.json", "lines.json", "pages.json")
TINY = {
    "docs/index.md": "# Home\n\nSee [f][tiny.f].\n",
    "tiny/__init__.py": '"""Tiny."""\n\n\ndef f():\n    """F."""\n',
}
MKDOCS = (
    "site_name: t\n"
    "plugins:\n"
    "  - docgen:\n"
    "      api: {packages: [tiny]}\n"
    "      diagrams: false\n"
    "      examples: false\n"
    "      pipelines: false\n"
)


def test_build_passes_what_stages_learn_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    seen: list[tuple[bool, Context]] = []
    checks = run.check_site

    def spy(
        config: DocgenConfig, context: Context, site_dir: Path, only: Sequence[str] | None = None
    ) -> list[StageResult]:
        seen.append(("DOCGEN_OFFLINE" in os.environ, context))
        # Caches are caches: with the cache folder gone, the site checks know as much.
        shutil.rmtree(config.cache_dir, ignore_errors=True)
        return checks(config, context, site_dir, only)

    monkeypatch.setattr(run, "check_site", spy)
    outcome = pipeline.build(pipeline.BuildOptions(root / "mkdocs.yml", offline=True))
    assert outcome.aborted is None
    ((environ, context),) = seen
    assert not environ
    assert context.offline
    assert context.engine == "mkdocs"
    assert context.api_index["tiny.f"] == ("api/tiny.md", "tiny.f", "function")
    assert context.sources["api/tiny.md"] == "tiny/__init__.py"
    assert context.pages is not None
    assert {"index.html", "api/tiny/index.html"} <= set(context.pages)
    assert outcome.context == context
    assert "DOCGEN_OFFLINE" not in os.environ
    assert not [p for p in root.rglob("*") if p.name in SIDE_FILES]
    # The API index reached the transform: the reference is a link.
    assert 'href="api/tiny/#tiny.f"' in (root / "site" / "index.html").read_text("utf-8")
    report = json.loads((root / "site" / "report.json").read_text("utf-8"))
    assert report["engine"] == "mkdocs"
    assert outcome.report["engine"] == "mkdocs"
    quality = (root / "site" / "quality" / "index.html").read_text("utf-8")
    assert "built with MkDocs" in quality


def test_plain_mkdocs_build_runs_the_same_steps(tmp_path: Path) -> None:
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    mkdocs_build.build(load_config(str(root / "mkdocs.yml")))
    report = json.loads((root / "site" / "report.json").read_text("utf-8"))
    assert report["engine"] == "mkdocs"
    assert report["offline"] is False
    assert 'href="api/tiny/#tiny.f"' in (root / "site" / "index.html").read_text("utf-8")
    assert not [p for p in root.rglob("*") if p.name in SIDE_FILES]


# --- engines -------------------------------------------------------------------------------


class _Engine:
    name = "properdocs"

    def render(self, job: engines.RenderJob) -> engines.Rendered:
        return engines.Rendered(job.site_dir or Path("site"))

    def publish(self, rendered: engines.Rendered, report: Mapping[str, object]) -> None:
        return None

    def serve(self, job: engines.ServeJob) -> None:
        return None


class _Writing:
    """A render whose site is still being written: `wait` finishes it."""

    def __init__(self, rendered: engines.Rendered, steps: list[str]) -> None:
        self.rendered, self.steps = rendered, steps
        self.documents = rendered.documents
        self.complete = True

    def wait(self) -> engines.Rendered:
        self.steps.append("wait")
        return self.rendered


def test_the_page_checks_run_while_the_engine_writes_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    mkdocs = engines.get("mkdocs")
    steps: list[str] = []

    class Writing:
        name = "mkdocs"

        def render(self, job: engines.RenderJob) -> engines.Rendering:
            return _Writing(mkdocs.render(job), steps)

        def publish(self, rendered: engines.Rendered, report: Mapping[str, object]) -> None:
            mkdocs.publish(rendered, report)

        def serve(self, job: engines.ServeJob) -> None:
            return None

    def step(name: str, call: Callable[..., list[StageResult]]) -> Callable[..., object]:
        def spy(*args: object) -> list[StageResult]:
            steps.append(name)
            return call(*args)

        return spy

    monkeypatch.setattr(engines, "get", lambda name: Writing())
    monkeypatch.setattr(pipeline, "check_pages", step("check_pages", pipeline.check_pages))
    monkeypatch.setattr(pipeline, "check_site", step("check_site", pipeline.check_site))
    outcome = pipeline.build(pipeline.BuildOptions(root / "mkdocs.yml", offline=True))
    assert outcome.aborted is None
    assert steps == ["check_pages", "wait", "check_site"]
    assert outcome.context is not None
    assert outcome.context.pages  # completed from what `wait` gave


def test_an_unknown_engine_option_stops_before_anything_runs(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    options = pipeline.BuildOptions(root / "mkdocs.yml", engine="sphinx")
    with pytest.raises(engines.UnknownEngine, match="unknown engine 'sphinx'"):
        pipeline.build(options)
    assert not (root / "site").exists()


def test_get_finds_an_engine_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert engines.get("mkdocs").name == "mkdocs"
    with pytest.raises(engines.UnknownEngine, match="unknown engine 'nope'; engines: mkdocs"):
        engines.get("nope")
    module = types.ModuleType("docgen.engines.properdocs")
    monkeypatch.setitem(sys.modules, "docgen.engines.properdocs", module)
    with pytest.raises(engines.UnknownEngine, match="defines no engine"):
        engines.get("properdocs")
    module.ENGINE = _Engine()  # type: ignore[attr-defined]
    assert engines.get("properdocs") is module.ENGINE  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "docgen.engines.zensical", None)
    with pytest.raises(engines.UnknownEngine, match="'zensical' is not available"):
        engines.get("zensical")


def test_a_missing_library_of_an_engine_module_is_not_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("docgen.engines.zensical")

    def engine() -> engines.Engine:
        raise ModuleNotFoundError("No module named 'yaml2'", name="yaml2")

    module.engine = engine  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "docgen.engines.zensical", module)
    with pytest.raises(ModuleNotFoundError, match="yaml2"):
        engines.get("zensical")

    lacking = ["yaml2"]

    def broken(name: str) -> types.ModuleType:
        raise ModuleNotFoundError(f"No module named '{lacking[0]}'", name=lacking[0])

    monkeypatch.setattr(engines.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="yaml2"):  # a bug of the module: said as is
        engines.get("zensical")
    lacking[0] = "zensical"  # the engine's own library is not installed
    with pytest.raises(engines.UnknownEngine, match=r"not available .*\(zensical is missing\)"):
        engines.get("zensical")


def test_engine_option_is_checked_and_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ("build", "check", "serve"):
        assert main([command, "--engine", "nope"]) == 2
        err = capsys.readouterr().err
        assert err == (
            "docgen: error: unknown engine 'nope' in --engine; engines: mkdocs, properdocs,"
            " zensical\n"
        )
    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    monkeypatch.setitem(sys.modules, "docgen.engines.zensical", None)
    config = str(root / "mkdocs.yml")
    for argv in (["check", "-f", config, "--offline"], ["serve", "-f", config]):
        assert main([*argv, "--engine", "zensical"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("docgen: error: engine 'zensical' is not available")
        assert err.count("\n") == 1


def test_engine_of_the_config_and_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    yml = MKDOCS + "      engine: zensical\n"
    root = write(tmp_path / "p", {"mkdocs.yml": yml, **TINY})
    assert load_docgen_config(root / "mkdocs.yml").engine == "zensical"
    monkeypatch.setitem(sys.modules, "docgen.engines.zensical", None)
    config = str(root / "mkdocs.yml")
    assert main(["build", "-f", config, "--offline"]) == 2
    assert "'zensical' is not available" in capsys.readouterr().err
    assert main(["build", "-f", config, "--offline", "--engine", "mkdocs"]) == 0
    report = json.loads((root / "site" / "report.json").read_text("utf-8"))
    assert report["engine"] == "mkdocs"
    (root / "mkdocs.yml").write_text(MKDOCS + "      engine: sphinx\n", encoding="utf-8")
    assert main(["check", "-f", config, "--offline"]) == 2
    err = capsys.readouterr().err
    assert "engine" in err
    assert "sphinx" in err


# --- mkdocs.yml or mkdocs.yaml ---------------------------------------------------------------


def test_find_config_file(tmp_path: Path) -> None:
    config = DocgenConfig(tmp_path, tmp_path / "docs", tmp_path / "site")
    assert find_config_file(tmp_path) == tmp_path / "mkdocs.yml"  # none: the usual name
    (tmp_path / "mkdocs.yaml").write_text("site_name: x\n")
    assert find_config_file(tmp_path) == tmp_path / "mkdocs.yaml"
    assert config.site_config == tmp_path / "mkdocs.yaml"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert find_config_file(tmp_path) == tmp_path / "mkdocs.yml"
    chosen = tmp_path / "site.yml"
    assert replace(config, config_file=chosen).site_config == chosen


def test_a_mkdocs_yaml_is_where_links_say_a_theme_problem_is(tmp_path: Path) -> None:
    yml = MKDOCS.replace("      pipelines: false\n", "      pipelines: false\n      lint: false\n")
    yml += "extra_css: [gone.css]\n"
    root = write(tmp_path / "p", {"mkdocs.yaml": yml, **TINY})
    assert load_docgen_config(root / "mkdocs.yaml").config_file == (root / "mkdocs.yaml").resolve()
    outcome = pipeline.build(pipeline.BuildOptions(root / "mkdocs.yaml", offline=True))
    gone = [d for d in outcome.diagnostics if "gone.css" in d.message and d.code == "DG301"]
    assert gone
    assert {str(d.location) for d in gone} == {"mkdocs.yaml:9"}


@pytest.mark.parametrize("name", ["mkdocs.yml", "mkdocs.yaml"])
def test_the_cli_finds_either_config_file(
    tmp_path: Path,
    name: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = write(tmp_path / "p", {name: MKDOCS, **TINY})
    monkeypatch.chdir(root)
    assert main(["build", "--offline"]) == 0
    assert (root / "site" / "report.json").is_file()
    capsys.readouterr()
    assert main(["dump", "api"]) == 0  # the config's `api: {packages: [tiny]}` is read
    assert '"name": "tiny"' in capsys.readouterr().out
    assert main(["check", "--only", "links", "--site", "site", "--offline"]) == 0


def test_a_build_stopped_before_docgen_started_says_so(tmp_path: Path) -> None:
    hook = (
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(50)\n"
        "def on_config(config):\n"
        "    raise ValueError('bad hook')\n"
    )
    yml = MKDOCS + "hooks: [hooks.py]\n"
    root = write(tmp_path / "p", {"mkdocs.yml": yml, "hooks.py": hook, **TINY})
    outcome = pipeline.build(pipeline.BuildOptions(root / "mkdocs.yml", offline=True))
    assert outcome.aborted is not None
    assert outcome.aborted.startswith("the hook 'hooks.py' failed at hooks.py:6: ValueError")
    assert outcome.context is None
    assert outcome.report == {}
    engine = engines.get("mkdocs")
    engine.publish(engines.Rendered(root / "site"), {})  # nothing rendered: nothing to write
    assert not (root / "site" / "report.json").exists()


def test_serve_hands_offline_to_the_plugin_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.config import load_config

    from docgen.engines.mkdocs.plugin import DocgenPlugin

    root = write(tmp_path / "p", {"mkdocs.yml": MKDOCS, **TINY})
    seen: list[tuple[DocgenConfig, bool, dict[str, object]]] = []

    def serve(config_file: str, livereload: bool, **kwargs: object) -> None:
        config = load_config(config_file)  # as `mkdocs serve` does, for each rebuild
        config.plugins.on_startup(command="serve", dirty=False)
        config = config.plugins.on_config(config)
        plugin = config.plugins["docgen"]
        assert isinstance(plugin, DocgenPlugin)
        assert plugin.build is not None
        seen.append((plugin.build.config, "DOCGEN_OFFLINE" in os.environ, kwargs))

    monkeypatch.setattr(mkdocs_serve, "serve", serve)
    config = str(root / "mkdocs.yml")
    assert main(["serve", "-f", config, "--offline", "-a", "127.0.0.1:1"]) == 0
    ((served, environ, kwargs),) = seen
    assert served.offline
    assert served.serving
    assert not environ
    assert kwargs == {"dev_addr": "127.0.0.1:1"}
    plugin = load_config(config).plugins["docgen"]
    assert isinstance(plugin, DocgenPlugin)
    assert not plugin.offline  # the next run of this process starts online


def test_a_report_without_an_engine_says_none() -> None:
    from docgen import report

    made = report.build_report(
        [], diagnostics=[], seconds=0, offline=True, strict=False, available=[], engine="zensical"
    )
    assert made["engine"] == "zensical"
    assert "built with Zensical" in report.quality_page(made)
    del made["engine"]  # a report of an older docgen
    assert "built with" not in report.quality_page(made)
