"""What the docgen CLI calls to reach MkDocs: load the config, render, publish, serve.

`MkDocsEngine` is the `mkdocs` engine of `docgen.engines`: it runs MkDocs' own build with
the plugin holding the pipeline's `RenderJob`, and explains a build MkDocs gave up on (a
theme template, another plugin or a hook of the project's) in one message.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.plugins import PluginCollection

from docgen import config as cfg
from docgen.engines import ConfigProblem, PluginMissing, Rendered, RenderJob, ServeJob
from docgen.engines.mkdocs.plugin import Build, DocgenPlugin, publish, rendered_of
from docgen.engines.mkdocs.schema import to_docgen_config

__all__ = ["MkDocsEngine", "load_docgen_config", "load_or_defaults", "serve_site"]


class MkDocsEngine:
    """The `mkdocs` engine: MkDocs 1.6 with the docgen plugin.

    Attributes:
        name: the engine's name, as the report gives it.
    """

    name = "mkdocs"

    def __init__(self) -> None:
        self._last: tuple[MkDocsConfig, Build] | None = None

    def render(self, job: RenderJob) -> Rendered:
        """Run `mkdocs build` on `job`'s config, the plugin rendering what the job holds;
        the site is whole when this returns (its `wait` returns at once)."""
        # No overlap with the page checks here, unlike Zensical's: MkDocs renders in this
        # process, and the pages are all known only once it has converted every page's
        # Markdown, after which only the themed pages remain to write. The checks would
        # then run in a thread (Python-bound like MkDocs: the GIL lets neither go faster)
        # or in a process forked in the middle of MkDocs' build; not worth it.
        overrides: dict[str, Any] = {"site_dir": str(job.site_dir)} if job.site_dir else {}
        config = _load(job.config_file, **overrides)
        plugin = _plugin(config, job.config_file)
        plugin.job = job
        plugin.build = None  # MkDocs keeps plugin objects: no state of an earlier build
        aborted = None
        crash = None  # what a crash said: MkDocs logs it too ("Error building page …")
        with _quiet():
            try:
                config.plugins.on_startup(command="build", dirty=False)
                mkdocs_build.build(config)
            except Abort as exc:
                aborted = str(exc)
            except jinja2.TemplateError as exc:  # the theme's templates, or the user's overrides
                aborted = (
                    f"a theme template failed{_template_line(exc, job.config_file.parent)}: {exc}"
                )
            except Exception as exc:
                # Another plugin's failure is the user's setup, not a bug to show as a traceback.
                aborted = _plugin_failed(exc, config, offline=job.config.offline)
                if aborted is None:
                    raise
                crash = str(exc).strip()
            finally:
                config.plugins.on_shutdown()
        site_dir = Path(config.site_dir)
        state = plugin.build
        if state is None:
            return Rendered(site_dir, aborted=aborted or "the build did not finish", complete=False)
        if not state.finished and state.mkdocs is not None:
            state.heard = state.mkdocs.detach()  # what was heard before MkDocs gave up
        # A crash is said once, as `aborted`: not again as what MkDocs logged of it.
        state.heard = [d for d in state.heard if not (crash and crash in d.message)]
        self._last = (config, state)
        rendered = rendered_of(state, site_dir, strict=bool(config.strict))
        stopped = None if state.finished else "the build did not finish"
        return replace(rendered, aborted=aborted or stopped)

    def publish(self, rendered: Rendered, report: Mapping[str, object]) -> None:
        """Write `report` into the `rendered` site: report.json and the quality page."""
        if self._last is None:
            return
        config, state = self._last
        with _quiet():
            publish(config, state, rendered.site_dir, report)

    def serve(self, job: ServeJob) -> None:
        """`mkdocs serve` of `job`'s config file, with the plugin (see `serve_site`)."""
        serve_site(job.config_file, dev_addr=job.dev_addr, offline=job.config.offline)


def _template_line(error: jinja2.TemplateError, root: Path) -> str:
    """` at FILE:LINE` of the template `error` is from, relative to `root` when inside."""
    where: list[tuple[str, int | None]]
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where = [(error.filename, error.lineno)]
    else:  # Jinja names the template and its line in the traceback's frames
        frames = traceback.extract_tb(error.__traceback__)
        where = [(f.filename, f.lineno) for f in frames if not f.filename.endswith(".py")]
    if not where:
        return ""
    file, line = where[-1]
    path = Path(file).resolve()
    shown = path.relative_to(root.resolve()) if path.is_relative_to(root.resolve()) else path
    return f" at {shown.as_posix()}:{line}"


def _load(path: Path, **overrides: Any) -> MkDocsConfig:
    if not path.is_file():
        raise ConfigProblem(
            f"{path}: no such file"
            + ("" if path.parent.is_dir() else f" (folder {path.parent} does not exist)")
        )
    try:
        with _quiet():
            return _load_config(str(path), **overrides)
    except (ConfigurationError, Abort) as exc:
        raise ConfigProblem(f"{path}: {' '.join(str(exc).split())}") from None
    except OSError as exc:
        raise ConfigProblem(f"{path}: cannot read: {exc.strerror}") from None


def _load_config(path: str, **overrides: Any) -> MkDocsConfig:
    from mkdocs.config import load_config  # noqa: PLC0415

    # MkDocs reports config errors through its logger and then raises Abort; collect the text.
    capture = _Errors()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(capture)
    try:
        return load_config(path, **overrides)
    except Abort as exc:
        raise Abort("; ".join(capture.messages) or str(exc)) from None
    finally:
        logger.removeHandler(capture)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _quiet:
    """Keep MkDocs' chatter (INFO and lower) and its last-resort handler off the terminal."""

    def __enter__(self) -> None:
        self.logger = logging.getLogger("mkdocs")
        self.saved = (self.logger.level, self.logger.propagate)
        self.null = logging.NullHandler()
        self.logger.addHandler(self.null)
        self.logger.propagate = False

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.null)
        self.logger.setLevel(self.saved[0])
        self.logger.propagate = self.saved[1]


def _plugin(config: MkDocsConfig, path: Path) -> DocgenPlugin:
    plugin = config.plugins.get("docgen")
    if not isinstance(plugin, DocgenPlugin):
        why = "add `- docgen` under `plugins:`"
        try:
            lines = [
                n
                for key, n in cfg.top_level_keys(path.read_text("utf-8")) or ()
                if key == "plugins"
            ]
        except (OSError, UnicodeDecodeError):
            lines = []
        if len(lines) > 1:  # docgen may be in a `plugins:` that YAML drops for the last one
            why = (
                f"`plugins:` is set {len(lines)} times (lines {', '.join(map(str, lines))}) and"
                f" MkDocs uses only line {lines[-1]}: merge them into one, with `- docgen`"
            )
        raise PluginMissing(f"{path}: the docgen plugin is not enabled; {why}")
    return plugin


def load_docgen_config(
    path: Path, *, offline: bool = False, site_dir: Path | None = None
) -> cfg.DocgenConfig:
    """Read the mkdocs.yml (or mkdocs.yaml) at `path`: docgen's config, as a build sees it.

    `offline` gives the config a build under `--offline` would have; `site_dir` replaces
    the configured site folder.
    """
    overrides: dict[str, Any] = {"site_dir": str(site_dir)} if site_dir else {}
    config = _load(path, **overrides)
    return to_docgen_config(config, _plugin(config, path).config, offline=offline)


def load_or_defaults(path: Path, *, offline: bool = False) -> cfg.DocgenConfig:
    """The config of `path` when it enables docgen; else docgen's defaults for its folder
    (`config.without_docgen`: a missing mkdocs.yml, or one without the plugin), so that
    commands such as `docgen dump` work in any repository.

    Args:
        path: the mkdocs.yml; when missing, the project is the current folder.
        offline: never contact the network.

    Raises:
        ConfigProblem: the file exists and enables docgen but cannot be used.
    """
    if path.is_file():
        try:
            return load_docgen_config(path, offline=offline)
        except PluginMissing:
            pass
    return cfg.without_docgen(path if path.is_file() else Path.cwd() / path.name, offline)


def _plugin_failed(error: BaseException, config: MkDocsConfig, *, offline: bool) -> str | None:
    """What to say when another plugin raised `error`, or None when it was not a plugin's
    (docgen's own exceptions are bugs, and keep their traceback).

    The plugin is the one whose event MkDocs was running: every plugin runs in an event.
    """
    frames = list(traceback.walk_tb(error.__traceback__))
    name: str | None = None
    for frame, _ in frames:  # outermost first: the innermost event call wins
        collection, method = frame.f_locals.get("self"), frame.f_locals.get("method")
        if (
            frame.f_code.co_name == "run_event"
            and isinstance(collection, PluginCollection)
            and callable(method)
        ):
            name = collection._event_origins.get(method) or name
    first = (str(error).strip().splitlines() or [""])[0]
    problem = f"{type(error).__name__}: {first}" if first else type(error).__name__
    if name is None:
        return _project_code_failed(frames, config, problem)
    if name == "docgen":
        return None
    network = offline and _network(error)
    if name.endswith(".py"):  # a hook of `hooks:`
        hint = "the hook needs the network: " if network else "fix the hook, or "
        lines = [n for f, n in frames if Path(f.f_code.co_filename).as_posix().endswith(name)]
        at = f" at {name}:{lines[-1]}" if lines else ""
        return f"the hook '{name}' failed{at}: {problem}\n  hint: {hint}remove it from `hooks:`"
    if network:
        hint = (
            f"the plugin needs the network: turn it off for offline builds, e.g."
            f" `plugins: - {name}: {{enabled: !ENV [CI, false]}}`"
        )
    else:
        hint = (
            "check the plugin's options in mkdocs.yml, or turn it off"
            f" (`- {name}: {{enabled: false}}`)"
        )
    return f"the '{name}' plugin failed: {problem}\n  hint: {hint}"


def _project_code_failed(
    frames: list[tuple[Any, int]], config: MkDocsConfig, problem: str
) -> str | None:
    """The project's own code raised (a Markdown extension of a hook): its file and line.

    Args:
        frames: the traceback's frames, outermost first, with their lines.
        config: the site's config: the project is the folder of its mkdocs.yml.
        problem: what was raised, in one line.
    """
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    for frame, line in reversed(frames):
        if str(frame.f_globals.get("__name__", "")).split(".")[0] == "docgen":
            return None  # docgen's own bug, even when building docgen's own docs
        file = Path(frame.f_code.co_filename).resolve()
        if file.is_relative_to(root) and "site-packages" not in file.parts:
            shown = file.relative_to(root).as_posix()
            return (
                f"{shown}:{line}: {problem}\n  hint: the project's own code failed while building"
            )
    return None


def _network(error: BaseException | None) -> bool:
    """The error, or one it came from, is a failed connection (requests' are OSErrors)."""
    while error is not None:
        if isinstance(error, OSError):
            return True
        error = error.__cause__ or error.__context__
    return False


def serve_site(path: Path, *, dev_addr: str | None = None, offline: bool = False) -> None:
    """`mkdocs serve` with the plugin: generated pages follow their sources live.

    Args:
        path: the project's `mkdocs.yml`.
        dev_addr: the `host:port` to serve on, or None for MkDocs' default.
        offline: never touch the network while serving.
    """
    from mkdocs.commands.serve import serve  # noqa: PLC0415

    config = _load(path)  # a clear config error before the server starts
    # MkDocs keeps one plugin object for the process: serve's own loads find this one.
    plugin = _plugin(config, path)
    plugin.offline = offline
    kwargs: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        serve(str(path), livereload=True, **kwargs)
    finally:
        plugin.offline = False
