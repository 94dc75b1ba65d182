"""The ONE module that touches MkDocs: it adapts docgen's stages to MkDocs 1.6 events.

    on_config      mkdocs.yml's `docgen:` section → a frozen `DocgenConfig`
    on_files       stages generate pages (virtual files) and assets
    on_nav/on_page_markdown   generated sections in the nav; stage transforms; pages recorded
    on_env         checks over every page's Markdown
    on_post_build  checks over the built site; report.json; the quality page
    on_serve       `mkdocs serve` watches every stage's sources

Its findings (DG1xx): DG100 what MkDocs or another plugin logged (at the file it names;
offline inventory failures folded into notes), DG101 a generated page clashing with a
hand-written one, DG102 a page that is not UTF-8, DG103 a top-level key of mkdocs.yml set
twice. Another plugin's exception stops the build with one message, not a traceback.

Moving to another engine means rewriting this module (and `build_site`/`serve_site`), not
the stages. The CLI reaches MkDocs only through the functions at the bottom.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import jinja2
import markupsafe
from jinja2.filters import do_striptags
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import config_options as c
from mkdocs.config.base import (
    BaseConfigOption,
    Config,
    ConfigErrors,
    ConfigWarnings,
    LegacyConfig,
    ValidationError,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, PluginCollection, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils import nest_paths

from docgen import config as cfg
from docgen import diagnostics, escape, macros, run, stages
from docgen import report as reporting
from docgen.baseline import BASELINE_FILE, load_baseline
from docgen.baseline import apply as apply_baseline
from docgen.diagnostics import Diagnostic, Location, Severity, render_text, strict
from docgen.model import Document, StageResult
from docgen.pagecache import PageCache

__all__ = ["BuildOutcome", "DocgenPlugin", "build_site", "load_docgen_config", "serve_site"]

log = logging.getLogger("mkdocs.plugins.docgen")

QUALITY_PAGE = "quality/index.md"
_SECTIONS: dict[str, type[Any]] = {
    "api": cfg.ApiConfig,
    "pipelines": cfg.PipelinesConfig,
    "diagrams": cfg.DiagramsConfig,
    "examples": cfg.ExamplesConfig,
    "links": cfg.LinksConfig,
    "lint": cfg.LintConfig,
    "deploy": cfg.DeployConfig,
}


# --- config: the schema is derived from docgen's dataclasses, validated by MkDocs' options ---


def _option(hint: object, default: object) -> BaseConfigOption[Any]:
    """The MkDocs option type for a dataclass field's type hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return c.Choice(args, default=default)
    if origin in (dict, Mapping):
        return c.DictOfItems(_option(args[1], None), default={})
    if origin is tuple:
        return c.ListOfItems(_option(args[0], None), default=list(typing.cast(tuple[Any], default)))
    if type(None) in args:  # X | None
        (inner,) = (a for a in args if a is not type(None))
        return c.Optional(_option(inner, None))
    kinds: type | tuple[type, ...] = (int, float) if hint is float else typing.cast(type, hint)
    if default is None:
        return _Type(kinds)
    return _Type(kinds, default=default)


class _Type(c.Type[Any]):
    """MkDocs' `Type`, except that `true` is not a number (bool is an int in Python)."""

    def run_validation(self, value: object) -> Any:
        if isinstance(value, bool) and bool not in (
            self._type if isinstance(self._type, tuple) else (self._type,)
        ):
            raise ValidationError(f"Expected a number but received a boolean: {value}")
        return super().run_validation(value)


def _default(spec: Field[Any]) -> object:
    if spec.default is not MISSING:
        return spec.default
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return None


def _schema(section: type[Any]) -> tuple[tuple[str, BaseConfigOption[Any]], ...]:
    hints = typing.get_type_hints(section)
    # A schema as data, not class attributes: a key such as `validate` must not shadow a method.
    return tuple(
        (f.name, _option(hints[f.name], None if f.default is MISSING else f.default))
        for f in fields(section)
    )


class _Section(BaseConfigOption[object]):
    """A stage's section: a mapping of its options, `true`/absent for defaults, `false` for off.

    Validated by MkDocs' option types; an unknown key is an error naming it (MkDocs itself
    would only warn, and a typo must not pass silently).
    """

    def __init__(self, section: type[Any]) -> None:
        super().__init__()
        self.schema = _schema(section)
        self.default = None
        self._config_file_path: str | None = None

    def pre_validation(self, config: Config, key_name: str) -> None:
        self._config_file_path = config.config_file_path

    def run_validation(self, value: object) -> object:
        if value is False:
            return False
        if value is None or value is True:
            value = {}
        if not isinstance(value, dict):
            raise ValidationError(
                f"expected a mapping of options, true or false, got {type(value).__name__}"
            )
        section = LegacyConfig(self.schema, config_file_path=self._config_file_path)
        section.load_dict(value)
        failed, warnings = section.validate()
        for key, message in warnings:
            if "Unrecognised configuration name" in str(message):
                failed.append((key, ValidationError(f"unknown option {key!r}")))
            else:
                self.warnings.append(f"Sub-option {key!r}: {message}")
        if failed:
            key, error = failed[0]
            raise ValidationError(f"Sub-option {key!r}: {error}")
        return section


class DocgenPluginConfig(Config):  # type: ignore[no-untyped-call]
    """The `docgen:` plugin section of mkdocs.yml (see the configuration guide)."""

    api = _Section(cfg.ApiConfig)
    pipelines = _Section(cfg.PipelinesConfig)
    diagrams = _Section(cfg.DiagramsConfig)
    examples = _Section(cfg.ExamplesConfig)
    links = _Section(cfg.LinksConfig)
    lint = _Section(cfg.LintConfig)
    deploy = _Section(cfg.DeployConfig)
    quality_page = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/docgen")
    page_cache = c.Type(bool, default=True)


def _section(section: type[Any], value: object) -> object | None:
    if value is False:
        return None
    if value is None:
        return typing.cast(object, section())
    assert isinstance(value, LegacyConfig)
    hints = typing.get_type_hints(section)
    kwargs = {
        f.name: _value(hints[f.name], value[f.name])
        for f in fields(section)
        if value[f.name] is not None or f.default is None
    }
    return typing.cast(object, section(**kwargs))


def _value(hint: object, value: Any) -> object:
    """A validated option as the dataclass field wants it: lists become tuples, ints floats."""
    if typing.get_origin(hint) is tuple:
        return tuple(value)
    if hint is float:
        return float(value)
    return value


def _default_packages(root: Path) -> tuple[str, ...]:
    api = next((s for s in stages.STAGES if s.name == "api"), None)
    if api is None:
        return ()
    from docgen.api import default_packages  # noqa: PLC0415 - only when the API stage exists

    return default_packages(root)


def to_docgen_config(mkdocs: MkDocsConfig, plugin: DocgenPluginConfig) -> cfg.DocgenConfig:
    """Build docgen's frozen config from MkDocs' validated config and the plugin section."""
    root = Path(mkdocs.config_file_path or "mkdocs.yml").resolve().parent
    sections = {name: _section(kind, plugin[name]) for name, kind in _SECTIONS.items()}
    api = sections["api"]
    if isinstance(api, cfg.ApiConfig):
        # objects.inv holds page URLs: they follow MkDocs' own setting, not a second key.
        api = replace(api, use_directory_urls=mkdocs.use_directory_urls)
        packages = api.packages or _default_packages(root)
        sections["api"] = replace(api, packages=packages) if packages else None
    return cfg.DocgenConfig(
        root=root,
        docs_dir=Path(mkdocs.docs_dir),
        site_dir=Path(mkdocs.site_dir),
        site_name=mkdocs.site_name,
        repo_url=(mkdocs.repo_url or "").rstrip("/") or None,
        site_url=mkdocs.site_url,
        edit_uri=mkdocs.edit_uri,
        theme_dir=Path(mkdocs.theme.custom_dir).resolve() if mkdocs.theme.custom_dir else None,
        offline=os.environ.get("DOCGEN_OFFLINE", "") not in ("", "0"),
        cache_dir=root / plugin.cache_dir,
        quality_page=plugin.quality_page,
        page_cache=plugin.page_cache,
        markdown=markdown_setup(mkdocs, root),
        **sections,  # type: ignore[arg-type]
    )


def markdown_setup(mkdocs: MkDocsConfig, root: Path) -> cfg.MarkdownSetup:
    """What the Markdown extensions and plugins of `mkdocs` do to code blocks.

    Relative base paths are relative to `root`, where MkDocs runs.
    """
    extensions = [str(name) for name in mkdocs.markdown_extensions]
    options: dict[str, Any] = dict(mkdocs.mdx_configs or {})
    snippets: tuple[str, ...] | None = None
    if "pymdownx.snippets" in extensions:
        base = options.get("pymdownx.snippets", {}).get("base_path", ["."])
        folders = [base] if isinstance(base, str) else list(base)
        snippets = tuple(str(root / str(folder)) for folder in folders)
    includes: str | None = None
    if "mdx_include" in extensions:
        includes = str(root / str(options.get("mdx_include", {}).get("base_path", ".")))
    fences = options.get("pymdownx.superfences", {}).get("custom_fences", [])
    markdown_exec = "markdown-exec" in mkdocs.plugins or "markdown_exec" in repr(fences)
    return cfg.MarkdownSetup(snippets, includes, markdown_exec)


# --- the plugin ---


@dataclass(slots=True)
class RunOptions:
    """What the CLI asks of one build (plain `mkdocs build` uses the defaults)."""

    only: Sequence[str] | None = None
    adjust: Callable[[cfg.DocgenConfig], cfg.DocgenConfig] | None = None
    log_diagnostics: bool = True
    strict: bool = False
    baseline: bool = True


@dataclass(slots=True)
class _Build:
    """Per-build state: reset in on_config."""

    config: cfg.DocgenConfig
    results: list[StageResult] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    page_sources: dict[str, str] = field(default_factory=dict)
    page_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    pages: list[str] | None = None  # the site paths of the pages MkDocs builds
    extra: list[Diagnostic] = field(default_factory=list)
    nav: Navigation | None = None
    env: Any = None
    started: float = field(default_factory=time.perf_counter)
    report: dict[str, object] = field(default_factory=dict)
    final: list[Diagnostic] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    mkdocs: _Capture | None = None
    renders: _Renders | None = None
    site_config: str | None = None
    jinja: macros.Jinja | None = None


class DocgenPlugin(BasePlugin[DocgenPluginConfig]):  # type: ignore[no-untyped-call]
    """MkDocs plugin `docgen`: runs docgen's stages inside `mkdocs build` and `mkdocs serve`.

    The `on_*` methods are MkDocs' event hooks, called with the arguments MkDocs documents:
    `config` is the whole `mkdocs.yml` as loaded, `files` every file of the site, `page` the
    page being rendered.

    Attributes:
        options: what the CLI asks of the next build; the defaults for plain MkDocs.
        cache: each stage's last generated result, kept across `serve` rebuilds.
        build: the current build's state, None before `on_config`.
        command: the MkDocs command running (`build`, `serve`).
        stood_down: the warning that mkdocs-mermaid2 was turned off for this build, if it was.
        config_scheme: the plugin section's options, as MkDocs validates them.
    """

    def __init__(self) -> None:
        self.options = RunOptions()
        self.cache = run.StageCache()
        self.build: _Build | None = None
        self.command = "build"
        self.stood_down: Diagnostic | None = None

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """Validate the section; unknown keys are errors that name the key, not warnings.

        `options` is the plugin's section of `mkdocs.yml`, found at `config_file_path`.
        A `cache_dir` that is a file is an error here, before any stage writes into it.
        """
        errors, warnings = super().load_config(options, config_file_path)
        unknown = [(k, m) for k, m in warnings if "Unrecognised configuration name" in m]
        errors = [*errors, *((k, ValidationError(m)) for k, m in unknown)]
        cache_dir = self.config.get("cache_dir")
        folder = Path(config_file_path or "mkdocs.yml").resolve().parent / str(cache_dir)
        if isinstance(cache_dir, str) and folder.exists() and not folder.is_dir():
            problem = f"'{cache_dir}' is a file; docgen keeps its results in a folder there"
            errors.append(("cache_dir", ValidationError(problem)))
        return errors, [w for w in warnings if w not in unknown]

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Present so MkDocs keeps this plugin (and its stage cache) across `serve` rebuilds.

        `command` is `build`, `gh-deploy` or `serve`; `dirty` is MkDocs' `--dirty`.
        """
        self.command = command

    def on_shutdown(self) -> None:
        """MkDocs keeps plugin objects for the process: the CLI's options end with its build."""
        self.options = RunOptions()

    @event_priority(100)  # before any other plugin's on_config: mermaid2's asks a CDN
    def _stand_down_mermaid2(self, config: MkDocsConfig) -> None:
        """Turn mkdocs-mermaid2 off when docgen draws the diagrams: one Mermaid, no CDN.

        Its page hooks leave `config`'s plugins, as does a Mermaid library it loads through
        `extra_javascript`; its custom fences draw as docgen's own (see `_merged`).
        """
        self.stood_down = None
        if self.config["diagrams"] is False or not any(s.name == "diagrams" for s in stages.STAGES):
            return
        from docgen.diagrams import mermaid2  # noqa: PLC0415 - only with the diagrams stage
        from docgen.diagrams.stage import DOCGEN_JS, MERMAID_JS  # noqa: PLC0415

        theirs = [name for name, plugin in config.plugins.items() if mermaid2.is_plugin(plugin)]
        libraries: list[str] = []
        for name in theirs:
            plugin = config.plugins.pop(name)
            for handlers in config.plugins.events.values():
                # In place, and only later handlers: MkDocs is iterating this very list.
                handlers[:] = [h for h in handlers if getattr(h, "__self__", None) is not plugin]
        if theirs:
            libraries = [
                str(js)
                for js in config.extra_javascript
                if mermaid2.is_library(str(js), (MERMAID_JS, DOCGEN_JS))
            ]
            config.extra_javascript[:] = [
                js for js in config.extra_javascript if str(js) not in libraries
            ]
        file = Path(config.config_file_path or "mkdocs.yml").resolve()
        setup = mermaid2.find(file.parent, file.name)
        self.stood_down = mermaid2.stand_down(setup, libraries, turned_off=bool(theirs))

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        docgen = to_docgen_config(config, self.config)
        if self.command == "serve":
            docgen = replace(docgen, serving=True)
        if self.options.adjust is not None:
            docgen = self.options.adjust(docgen)
        self.build = _Build(docgen)
        if config.config_file_path:
            self.build.extra += _duplicate_keys(docgen, Path(config.config_file_path))
            self.build.site_config = config.config_file_path
        if self.stood_down is not None:
            self.build.extra.append(self.stood_down)
        if docgen.links is not None and any(s.name == "links" for s in stages.STAGES):
            # The links stage checks the same links, at their Markdown line: say it once.
            config.validation.links.not_found = logging.INFO
            config.validation.links.anchors = logging.INFO
        for name, options in _markdown_extensions(docgen).items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            config.mdx_configs[name] = _merged(config.mdx_configs.get(name), options)
        self.build.renders = _renders(config, docgen)
        return config

    on_config = CombinedEvent(_stand_down_mermaid2, _on_config)
    """Turn the plugin section of `config` into a `DocgenConfig`; add the Markdown we need.

    First of all plugins, turn mkdocs-mermaid2 off when docgen draws the diagrams.
    """

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Listen to MkDocs' own warnings: they belong in the report and the quality page.

        `config` is unused: the plugin kept what it needs in `on_config`.
        """
        state = self._state
        state.mkdocs = _Capture(state)
        state.mkdocs.attach()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop listening, and any helper, when MkDocs gives up with `error`."""
        self._stop_listening()
        renders = self.build.renders if self.build is not None else None
        if renders is not None and renders.helpers is not None:
            renders.helpers.stop()

    def _stop_listening(self) -> list[Diagnostic]:
        state = self._state
        if state.mkdocs is None:
            return []
        return state.mkdocs.detach()

    @property
    def _state(self) -> _Build:
        assert self.build is not None, "on_config runs first"
        return self.build

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add every stage's generated pages and assets to `files` as virtual files.

        Their nav entries go into `config`'s nav, and their scripts and styles into its
        `extra_javascript` and `extra_css`.
        """
        state = self._state
        for doc_file in list(files.documentation_pages()):
            if doc_file.abs_src_path is None:
                continue
            text = _read_page(state.config, doc_file.abs_src_path)
            if isinstance(text, str):  # kept: it tells how many lines the front matter took
                state.texts[doc_file.abs_src_path] = text
            else:  # MkDocs would stop with a traceback: leave the page out
                state.extra.append(text)
                files.remove(doc_file)
        # Every stage generates (cached), so the site is whole; `only` limits the checks.
        state.results = run.generate(state.config, None, self.cache)
        state.jinja = _jinja(config)
        generated: list[tuple[str, tuple[str, ...], str]] = []
        for result in state.results:
            for page in result.pages:
                if files.get_file_from_path(page.path) is not None:
                    state.extra.append(_clash(state.config, page.path, result.stage))
                    continue
                content = (
                    macros.shield(page.markdown, state.jinja) if state.jinja else page.markdown
                )
                files.append(File.generated(config, page.path, content=content))
                generated.append((page.path, page.nav, page.title))
                state.page_sources[page.path] = page.source or f"(generated by {result.stage})"
                if page.lines:
                    state.page_lines[page.path] = dict(page.lines)
            for asset in result.assets:
                existing = files.get_file_from_path(asset.dest)
                if existing is not None:
                    files.remove(existing)
                files.append(File.generated(config, asset.dest, abs_src_path=str(asset.source)))
            config.extra_javascript.extend(
                js for js in result.extra_javascript if js not in config.extra_javascript
            )
            config.extra_css.extend(css for css in result.extra_css if css not in config.extra_css)
        if state.config.quality_page and files.get_file_from_path(QUALITY_PAGE) is None:
            files.append(File.generated(config, QUALITY_PAGE, content=_PENDING))
            generated.append((QUALITY_PAGE, (), "Documentation quality"))
            state.page_sources[QUALITY_PAGE] = "(generated by docgen)"
        config.nav = _with_generated(config.nav, files, generated)
        if state.renders is not None:
            state.renders.markdown = PageCache.key(
                state.renders.versions,
                config.markdown_extensions,
                config.mdx_configs,
                config.validation,
                config.use_directory_urls,
                [(f.src_uri, f.dest_uri, f.url) for f in files],
            )
        return files

    def on_pre_page(self, page: MkPage, *, config: MkDocsConfig, files: Files) -> MkPage:
        """Let `page` reuse its last Markdown rendering when nothing it reads changed, and
        tell the helpers MkDocs has reached it.

        `config` and `files` are MkDocs' hook arguments, unused here.
        """
        renders = self._state.renders
        if renders is not None and type(page) is MkPage and page.file.src_uri != QUALITY_PAGE:
            page.__class__ = _CachedPage
            typing.cast(_CachedPage, page).renders = renders
        if renders is not None and renders.helpers is not None:
            renders.helpers.reached(page)
        return page

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Remember the navigation (`nav`): the quality page is rendered again after the checks.

        Then start helpers that render the Markdown of `files`' pages ahead of MkDocs
        (see `_Helpers`); `config` is what they render with.
        """
        state = self._state
        state.nav = nav
        if state.renders is not None and self.command != "serve":
            pages = [f.page for f in files.documentation_pages() if f.page is not None]
            state.renders.helpers = _Helpers.start(
                pages, lambda page: mkdocs_build._populate_page(page, config, files)
            )
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        """Record each page as a `Document` and apply the stages' transforms to its `markdown`.

        `config` and `files` are MkDocs' hook arguments, unused here.
        """
        state = self._state
        path = page.file.src_uri
        for key in ("title", "description", "author"):  # Material writes these as they are
            if isinstance(value := page.meta.get(key), str):
                page.meta[key] = escape.html(value)
        if path == QUALITY_PAGE and path in state.page_sources:
            return markdown
        theirs = _made_by_plugin(state.config, page.file)
        if theirs is not None and path not in state.page_sources:
            # Another plugin's page (a blog archive, a coverage report): it counts as
            # existing, but is not the user's to lint, and its temporary path is no location.
            state.page_sources[path] = f"(generated by {theirs})"
        generated = path in state.page_sources
        source = (
            state.page_sources[path]
            if generated
            else state.config.relative(Path(page.file.abs_src_path or path))
        )
        # MkDocs has cut the front matter off: pad it back as blank lines, so that every
        # stage's line numbers are the file's own.
        raw = state.texts.get(page.file.abs_src_path or "")
        pad = 0 if generated else _front_matter_lines(raw, markdown)
        document = Document(path, "\n" * pad + markdown, source, generated)
        state.documents[path] = document
        return run.transform(state.config, document)[pad:]

    def on_page_content(
        self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        """Fix MkDocs' list of a page's anchors: it keeps `\\_` escapes as placeholders.

        `{ #pkg.mod.__init__ }` must be written `{ #pkg.mod.\\_\\_init\\_\\_ }` or Markdown reads
        emphasis; MkDocs 1.6 collects ids before Markdown restores the escapes, so its anchor
        validation would call every such anchor missing. `html` is returned as it is;
        `config` and `files` are MkDocs' hook arguments, unused here.
        """
        if page.present_anchor_ids:
            page.present_anchor_ids = {
                _unescape(a) if isinstance(a, str) else a for a in page.present_anchor_ids
            }
        return html

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page's Markdown is known now: run the page checks.

        `env` is the theme's Jinja environment, kept for rendering the quality page again;
        its templates now reuse a page's last output when nothing they read changed, and
        helpers render `files`' pages ahead of MkDocs. `config` is the site's.
        """
        state = self._state
        state.env = env
        # What MkDocs writes as pages: the links stage checks these, not any other HTML
        # a plugin leaves in the site (mkdocs-coverage's report, temporary files).
        state.pages = sorted(
            {f.dest_uri for f in [*files.documentation_pages(), *files.static_pages()]}
            | {t for t in config.theme.static_templates if t.endswith((".html", ".htm"))}
        )
        if isinstance(env, jinja2.Environment):
            env.filters["striptags"] = _striptags
        if state.renders is not None and state.renders.helpers is not None:
            state.renders.helpers.stop()
        state.results += run.check(state.config, list(state.documents.values()), self.options.only)
        if state.renders is not None and isinstance(env, jinja2.Environment):
            navigation = state.nav
            items = navigation.items if navigation is not None else []
            state.renders.template = PageCache.key(
                state.renders.versions,
                _nav_signature(items),
                _config_signature(config),
                _theme_files(config),
            )
            env.template_class = _template_class(state.renders)
            if self.command != "serve" and navigation is not None:
                docs = files.documentation_pages()
                state.renders.helpers = _Helpers.start(
                    [f.page for f in docs if f.page is not None and f.src_uri != QUALITY_PAGE],
                    lambda page: mkdocs_build._build_page(page, config, docs, navigation, env),
                )
                if state.renders.helpers is not None:
                    state.renders.ahead = 0
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Check the built site, write report.json, and render the quality page for real.

        `config` says where the site was written and whether MkDocs ran strict.
        """
        state = self._state
        if state.renders is not None and state.renders.helpers is not None:
            state.renders.helpers.stop()  # MkDocs wrote every page: nothing left for them
        site_dir = Path(config.site_dir)
        state.config.cache_dir.mkdir(parents=True, exist_ok=True)
        # Site checks map a generated page back to what it was made from (a workflow file).
        sources = {p: s for p, s in state.page_sources.items() if not s.startswith("(")}
        (state.config.cache_dir / "sources.json").write_text(json.dumps(sources), "utf-8")
        lines = json.dumps(state.page_lines)
        (state.config.cache_dir / "lines.json").write_text(lines, "utf-8")
        if state.pages is not None:
            built = {"site_dir": str(site_dir.resolve()), "pages": state.pages}
            (state.config.cache_dir / "pages.json").write_text(json.dumps(built), "utf-8")
        state.results += run.check_site(state.config, site_dir, self.options.only)
        found = [d for r in state.results for d in r.diagnostics] + state.extra
        found += _mkdocs_findings(self._stop_listening(), found, state.config.offline)
        if self.options.only:
            found = [d for d in found if d.stage in self.options.only]
        found, accepted = _with_baseline(state.config, found, self.options)
        final = state.final = strict(found) if self.options.strict else found
        state.report = reporting.build_report(
            state.results,
            diagnostics=final,
            seconds=time.perf_counter() - state.started,
            offline=state.config.offline,
            strict=self.options.strict or bool(config.strict),
            available=stages.names(),
            disabled=[n for n in stages.names() if getattr(state.config, n, None) is None],
            baseline=accepted,
        )
        if state.renders is not None:
            state.renders.cache.prune()
            pages = {"reused": state.renders.reused, "rendered": state.renders.rendered}
            if state.renders.ahead is not None:
                pages["ahead"] = state.renders.ahead
            state.report["pages"] = pages
        reporting.write_report(site_dir / "report.json", state.report)
        _rerender(config, state, QUALITY_PAGE, reporting.quality_page(state.report))
        if self.options.log_diagnostics:  # MkDocs has logged its own findings (DG100) already
            # Known findings are not logged: `mkdocs build --strict` fails on new ones only.
            for diagnostic in (d for d in final if d.code != "DG100" and not d.baseline):
                level = logging.INFO if diagnostic.code == "DG111" else _LEVEL[diagnostic.severity]
                log.log(level, render_text([diagnostic]).rstrip())
            if accepted and accepted["known"]:
                log.info(f"{accepted['known']} known findings in {accepted['file']} not shown")

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """Watch every stage's sources, so generated pages follow edits live.

        `server` is the live-reload server, returned with the new watches; `config` and
        `builder` are MkDocs' hook arguments, unused here.
        """
        for path in sorted({p for r in self._state.results for p in r.watch}):
            if path.exists():
                server.watch(str(path))
        return server


def _with_baseline(
    config: cfg.DocgenConfig, found: list[Diagnostic], options: RunOptions
) -> tuple[list[Diagnostic], dict[str, object] | None]:
    """The findings with the project's baseline applied, and what it did for the report.

    Args:
        config: the project's config: its root holds the baseline.
        found: the build's findings.
        options: the CLI's `--no-baseline` and `--only`.
    """
    if not options.baseline:
        return found, None
    accepted = load_baseline(config.root)
    if accepted is None:
        return found, None
    if isinstance(accepted, Diagnostic):  # one error at the file; the build goes on
        return [*found, accepted], None
    applied = apply_baseline(
        found, accepted, config.root, checked=options.only, offline=config.offline
    )
    counts = {"file": BASELINE_FILE, "known": applied.known, "fixed": applied.fixed}
    return list(applied.diagnostics), counts


_LEVEL = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: 10}
_PENDING = "# Documentation quality\n\nThe checks have not run yet.\n"


_ESCAPED = re.compile("\x02(\\d+)\x03")


def _unescape(text: str) -> str:
    """Python-Markdown's placeholders for backslash escapes, turned back into characters."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text)


def _merged(user: dict[str, Any] | None, ours: dict[str, Any]) -> dict[str, Any]:
    """The user's extension options win, but our custom fences (Mermaid) are added to theirs,
    and theirs from mkdocs-mermaid2 draw as ours."""
    merged = {**ours, **(user or {})}
    fences = list((user or {}).get("custom_fences", []))
    drawn = ours.get("custom_fences", [])
    if drawn:
        from docgen.diagrams.mermaid2 import is_fence  # noqa: PLC0415 - a diagrams fence

        own = {k: drawn[0][k] for k in ("class", "format") if k in drawn[0]}
        fences = [
            {**f, **own} if isinstance(f, dict) and is_fence(f.get("format")) else f for f in fences
        ]
    names = {f.get("name") for f in fences if isinstance(f, dict)}
    fences += [f for f in ours.get("custom_fences", []) if f.get("name") not in names]
    if fences:
        merged["custom_fences"] = fences
    return merged


def _read_page(config: cfg.DocgenConfig, abs_src_path: str) -> str | Diagnostic:
    """A page's text, or a diagnostic when it is not UTF-8 text (at the first bad byte's line).

    Args:
        config: docgen's configuration, for the location's path.
        abs_src_path: the page's file.
    """
    line = None
    try:
        data = Path(abs_src_path).read_bytes()
    except OSError as exc:
        message = f"cannot read this page: {exc.strerror}"
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = f"not UTF-8 text (byte 0x{data[exc.start]:02x}): the page was left out"
    return Diagnostic(
        "DG102",
        Severity.ERROR,
        message,
        Location(config.relative(Path(abs_src_path)), line),
        hint="save the file as UTF-8",
        stage="mkdocs",
    )


def _duplicate_keys(config: cfg.DocgenConfig, file: Path) -> list[Diagnostic]:
    """A top-level key written twice in mkdocs.yml: YAML keeps the last, silently.

    Two `plugins:` keys drop every plugin of the first (uvicorn's mkdocstrings). One
    warning (DG103) at each repeat; a file YAML cannot read is MkDocs' to report.
    """
    try:
        keys = cfg.top_level_keys(file.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError):
        return []
    lines: dict[str, list[int]] = {}
    for key, line in keys:
        lines.setdefault(key, []).append(line)
    return [
        Diagnostic(
            "DG103",
            Severity.WARNING,
            f"'{name}' is set again (first on line {at[0]}); MkDocs uses only the last"
            f" '{name}:' (line {at[-1]}) and ignores the others",
            Location(config.relative(file), line),
            hint=f"merge the '{name}:' sections into one",
            stage="mkdocs",
        )
        for name, at in lines.items()
        for line in at[1:]
    ]


def _made_by_plugin(config: cfg.DocgenConfig, file: File) -> str | None:
    """The plugin that made `file`, when it is not one of the user's pages under `docs_dir`.

    MkDocs names the plugin of a `File.generated` page; a plugin that writes its pages to a
    temporary folder (Material's blog archive) is found by the folder.
    """
    if file.generated_by is not None:
        return f"the {file.generated_by} plugin"
    written = file.abs_src_path
    if written is None or not Path(written).resolve().is_relative_to(config.docs_dir.resolve()):
        return "a plugin"
    return None


def _front_matter_lines(raw: str | None, markdown: str) -> int:
    """How many lines of the file come before `markdown` (front matter MkDocs removed).

    Args:
        raw: the page's file as read, or None for a page with no file.
        markdown: the page as MkDocs hands it to plugins.
    """
    if raw is None:
        return 0
    raw, body = raw.rstrip(), markdown.rstrip()
    if raw == body or not body or not raw.endswith(body):
        return 0
    return raw[: len(raw) - len(body)].count("\n")


def _markdown_extensions(config: cfg.DocgenConfig) -> dict[str, dict[str, Any]]:
    """The Markdown extensions generated pages rely on (headings with ids, tables, fences)."""
    extensions: dict[str, dict[str, Any]] = {
        "attr_list": {},
        "tables": {},
        "admonition": {},
        "pymdownx.details": {},
        "toc": {"permalink": True},
    }
    if config.diagrams is not None and any(s.name == "diagrams" for s in stages.STAGES):
        from docgen.diagrams import markdown_extensions  # noqa: PLC0415

        extensions.update(markdown_extensions())
    else:
        extensions["pymdownx.superfences"] = {}
    return extensions


def _jinja(config: MkDocsConfig) -> macros.Jinja | None:
    """The Jinja renderer (a macros plugin or extension) pages go through, if any."""
    # MkDocs lists `hooks:` modules among the plugins too: they have no `config`.
    plugins = {n: dict(getattr(p, "config", None) or {}) for n, p in config.plugins.items()}
    return macros.jinja(plugins, map(str, config.markdown_extensions), config.mdx_configs)


def _clash(config: cfg.DocgenConfig, path: str, stage: str) -> Diagnostic:
    return Diagnostic(
        "DG101",
        Severity.WARNING,
        f"the {stage} stage generates '{path}', but the docs already have that page;"
        " the hand-written page is kept",
        Location(config.relative(config.docs_dir / path)),
        hint="rename or remove the hand-written page to see the generated one",
        stage=stage,
    )


NavItem = str | dict[str, Any]


def _nav_paths(nav: Sequence[NavItem]) -> Iterator[str]:
    for item in nav:
        if isinstance(item, str):
            yield item
        else:
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from _nav_paths(value)


def _with_generated(
    nav: list[NavItem] | None, files: Files, generated: Sequence[tuple[str, tuple[str, ...], str]]
) -> list[NavItem]:
    """The nav with each generated page in its section (MkDocs' default nav when none is set)."""
    paths = {p for p, _, _ in generated}
    if nav is None:
        user = [f.src_uri for f in files.documentation_pages() if f.src_uri not in paths]
        nav = list(typing.cast(Callable[[list[str]], list[NavItem]], nest_paths)(user))
    listed = set(_nav_paths(nav))
    for path, section, title in generated:
        if path in listed:
            continue
        level = nav
        for name in section:
            found = next((i for i in level if isinstance(i, dict) and name in i), None)
            if found is None:
                found = {name: []}
                level.append(found)
            level = found[name]
        # A nav title is HTML to MkDocs' themes; a stage's title is text (a workflow's name).
        level.append({escape.html(title): path})
    return nav


def _striptags(value: object) -> markupsafe.Markup:
    """Jinja's `striptags`, but what it returns stays escaped.

    Jinja's unescapes the text after stripping the tags, and themes write the result into
    `<title>` as it is: a page titled `&lt;/title&gt;&lt;script&gt;` would close the title
    and run the script. Escaped (as Markup, so `| e` after it changes nothing) it shows as
    written.
    """
    return markupsafe.escape(do_striptags(value))  # type: ignore[arg-type]


def _rerender(config: MkDocsConfig, state: _Build, path: str, markdown: str) -> None:
    """Render one page again, after the build, with new Markdown (the quality page)."""
    if state.nav is None:
        return
    page = next((p for p in state.nav.pages if p.file.src_uri == path), None)
    if page is None or path not in state.page_sources:
        return
    # A macros extension renders this Markdown too; a plugin's page hook is not run again.
    page.markdown = (
        macros.shield(markdown, state.jinja)
        if state.jinja and state.jinja.in_markdown
        else markdown
    )
    files = Files([p.file for p in state.nav.pages])
    page.render(config, files)
    # MkDocs is pinned to 1.6.1, so its page writer is a stable thing to call.
    mkdocs_build._build_page(page, config, [p.file for p in state.nav.pages], state.nav, state.env)


# --- the page cache: a page whose inputs did not change is not rendered again ---

# Plugins known not to feed templates anything a page's key would miss; with any other
# plugin (or MkDocs hook), pages are rendered every time.
_CACHE_SAFE_PLUGINS = frozenset({"docgen", "search", "material/search"})
# Markdown extensions that read other files while rendering: their pages are not reused.
_READS_FILES = frozenset({"pymdownx.snippets", "markdown_include.include", "mdx_include"})
_VERSIONED = (
    "docgen",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "jinja2",
)


@dataclass(slots=True)
class _Renders:
    """One build's page cache and the parts of its keys that every page shares.

    `versions` are those of the packages that render (part of both keys);
    `markdown` digests what every Markdown rendering reads besides the page (extensions,
    the site's files); `template` what every theme rendering reads besides the page (nav,
    config, theme files); None until known. `markdown_too` is false when an extension
    reads other files. `reused` counts pages kept from earlier builds, `rendered` pages
    rendered by this one, `ahead` those of them its helpers rendered (None without
    helpers); `started` is when the build began.
    """

    cache: PageCache
    markdown_too: bool
    versions: dict[str, str]
    markdown: str | None = None
    template: str | None = None
    reused: int = 0
    rendered: int = 0
    helpers: _Helpers | None = None
    ahead: int | None = None
    started: float = field(default_factory=time.time)


def _renders(config: MkDocsConfig, docgen: cfg.DocgenConfig) -> _Renders | None:
    if not docgen.page_cache or not set(config.plugins) <= _CACHE_SAFE_PLUGINS:
        return None
    reads_files = _READS_FILES.intersection(map(str, config.markdown_extensions))
    return _Renders(
        PageCache(docgen.cache_dir / "pages"), markdown_too=not reads_files, versions=_versions()
    )


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in _VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _nav_signature(items: Sequence[Any]) -> list[object]:
    out: list[object] = []
    for item in items:
        if isinstance(item, Section):
            out.append(["section", item.title, _nav_signature(item.children)])
        elif isinstance(item, MkPage | Link):
            out.append([type(item).__name__, item.title, item.url])
    return out


def _config_signature(config: MkDocsConfig) -> dict[str, object]:
    # site_dir is left out: `mkdocs serve` builds into a new temporary folder each time.
    signature: dict[str, object] = {
        k: v for k, v in config.items() if k not in ("plugins", "site_dir")
    }
    signature["plugins"] = {name: dict(p.config) for name, p in config.plugins.items()}
    return signature


def _theme_files(config: MkDocsConfig) -> list[tuple[str, int, int]]:
    """Every template of the theme (icons aside), by size and time: overrides count."""
    found: list[tuple[str, int, int]] = []
    for folder in config.theme.dirs:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in (".icons", "__pycache__"))
            for path in sorted(Path(root) / name for name in names):
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return found


def _toc(items: Sequence[AnchorLink]) -> list[object]:
    return [[i.title, i.id, i.level, _toc(i.children)] for i in items]


def _page_signature(page: MkPage) -> dict[str, object]:
    """What the theme reads of `page` (the nav and the site are in the build's key)."""
    return {
        "url": page.url,
        "src": page.file.src_uri,
        "title": page.title,
        "content": page.content,
        "toc": _toc(list(page.toc)),
        "meta": page.meta,
        "edit": page.edit_url,
        "canonical": page.canonical_url,
        "near": [(p.url, p.title) if p else None for p in (page.previous_page, page.next_page)],
    }


def _template_class(renders: _Renders) -> type[jinja2.Template]:
    """Templates that reuse a page's last output when nothing they read changed."""

    class Template(jinja2.Template):
        def render(self, *args: Any, **kwargs: Any) -> str:
            page = dict(*args, **kwargs).get("page")
            if (
                not isinstance(page, MkPage)
                or renders.template is None
                or page.file.src_uri == QUALITY_PAGE
            ):
                return super().render(*args, **kwargs)
            if renders.helpers is not None:
                renders.helpers.reached(page)
            key = renders.cache.key("page", renders.template, self.name, _page_signature(page))
            saved = renders.cache.get(key)
            if isinstance(saved, str):
                if renders.ahead is not None and renders.cache.made_since(key, renders.started):
                    renders.ahead += 1  # a helper rendered it in this build
                    renders.rendered += 1
                else:
                    renders.reused += 1
                return saved
            output = super().render(*args, **kwargs)
            renders.cache.put(key, output)
            renders.rendered += 1
            return output

    return Template


class _Recorder(logging.Handler):
    """Keeps what is logged while a page renders, to say it again when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: dict[int, tuple[str, int, str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.records[id(record)] = (record.name, record.levelno, record.getMessage())

    def __enter__(self) -> _Recorder:
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.removeHandler(self)


class _Helpers:
    """Processes that render pages ahead of MkDocs, into the page cache, on the other cores.

    MkDocs renders one page after another on one core. Each helper is a fork of the build
    that renders every n-th page from the end (n = the helpers), as MkDocs would, while
    MkDocs walks from the start; MkDocs then finds those pages in the page cache. A helper
    stops where it meets MkDocs (shared memory holds how far MkDocs got). It is silent: what
    its renderings log is kept with them and said by the build that reuses them.
    """

    def __init__(self, index: dict[int, int], progress: Any, pids: list[int]) -> None:
        self.index = index
        self.progress = progress
        self.pids = pids

    @classmethod
    def start(cls, pages: Sequence[MkPage], render: Callable[[MkPage], object]) -> _Helpers | None:
        """Fork helpers for `pages`, each page made with `render`; None when forking is
        not safe or not worth it (one core, few pages, threads running)."""
        count = min((os.cpu_count() or 1) - 1, 3)
        if count < 1 or len(pages) < 20 or not hasattr(os, "fork"):
            return None
        if threading.active_count() > 1:  # a fork copies only this thread: no locks held
            return None
        progress = multiprocessing.RawValue("i", -1)
        pids: list[int] = []
        for helper in range(count):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                _helper_run(pages, render, progress, helper, count)
            pids.append(pid)
        return cls({id(p): n for n, p in enumerate(pages)}, progress, pids)

    def reached(self, page: MkPage) -> None:
        """MkDocs is at `page`: helpers stop before it."""
        number = self.index.get(id(page))
        if number is not None and number > self.progress.value:
            self.progress.value = number

    def stop(self) -> None:
        """End every helper (they are done, or about to meet MkDocs)."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pids = []


def _helper_run(  # pragma: no cover - runs in a forked child
    pages: Sequence[MkPage],
    render: Callable[[MkPage], object],
    progress: Any,
    helper: int,
    count: int,
) -> None:
    try:
        # Not a file of the parent's: a pipe left open here would keep a process the
        # parent talks to (the Mermaid validator) from ever seeing the end of its input.
        os.closerange(3, 65536)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        for logger in (logging.getLogger(), *logging.Logger.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger):
                logger.handlers = []
                logger.propagate = logger.name != "mkdocs" and logger.propagate
        for number in range(len(pages) - 1 - helper, -1, -count):
            if number <= progress.value + 1:
                break
            render(pages[number])
    finally:
        os._exit(0)


class _CachedPage(MkPage):
    """A page that reuses its last Markdown rendering when nothing it reads changed."""

    renders: _Renders

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Render the Markdown as MkDocs does, or restore what that rendering made."""
        renders = self.renders
        if not renders.markdown_too or renders.markdown is None or self.markdown is None:
            super().render(config, files)
            return
        file = self.file
        key = renders.cache.key("markdown", renders.markdown, file.src_uri, self.markdown)
        saved = renders.cache.get(key)
        if isinstance(saved, dict) and self._restore(saved, files):
            for name, level, message in saved["logs"]:
                logging.getLogger(name).log(level, "%s", message)
            return
        with _Recorder() as recorder:
            super().render(config, files)
        links = self.links_to_anchors
        renders.cache.put(
            key,
            {
                "content": self.content,
                "toc": _toc_tokens(list(self.toc)),
                "title": self._title_from_render,
                # MkDocs lists an id of None for some headings: no link can name it.
                "anchors": sorted(a for a in self.present_anchor_ids or () if a is not None),
                "links": None if links is None else {f.src_uri: v for f, v in links.items()},
                "logs": list(recorder.records.values()),
            },
        )

    def _restore(self, saved: dict[str, Any], files: Files) -> bool:
        try:
            self.content = saved["content"]
            self.toc = get_toc(saved["toc"])
            self._title_from_render = saved["title"]
            self.present_anchor_ids = set(saved["anchors"])
            links = saved["links"]
        except (KeyError, TypeError):
            return False
        if links is not None:
            found = {src: files.get_file_from_path(src) for src in links}
            self.links_to_anchors = {f: links[s] for s, f in found.items() if f is not None}
        return True


def _toc_tokens(items: Sequence[AnchorLink]) -> list[dict[str, object]]:
    """The TOC as the tokens `get_toc` reads back."""
    return [
        {"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)}
        for i in items
    ]


# --- what the CLI calls: MkDocs stays behind these functions ---


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


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """A finished build.

    Attributes:
        report: the JSON report (`report.json`); empty when the build stopped early.
        diagnostics: the final findings, after `--strict`.
        stages: the names of the stages that ran.
        site_dir: where the site was written.
        aborted: why MkDocs stopped, or None when the build finished.
    """

    report: dict[str, object]
    diagnostics: tuple[Diagnostic, ...]
    stages: tuple[str, ...]
    site_dir: Path
    aborted: str | None = None


class ConfigProblem(Exception):
    """mkdocs.yml cannot be used: missing, unreadable, invalid, or without the plugin."""


class PluginMissing(ConfigProblem):
    """mkdocs.yml is valid but does not enable docgen (`docgen dump` then uses defaults)."""


# Where MkDocs and its plugins say a message is: a docstring's `file.py:12` (autorefs), MkDocs'
# `Doc file 'x.md'`, a leading `x.md:` (autorefs), `in 'x.md'`, or any `x.md:12`.
_WHERE = (
    re.compile(r"from (?P<file>[^\s:]+\.py):(?P<line>\d+):"),
    re.compile(r"Doc file '(?P<page>[^']+)'"),
    re.compile(r"^(?:[\w.-]+: )?(?P<page>[^\s:'\"]+\.md)(?::(?P<line>\d+))?: "),
    re.compile(r"\b(?:in|page|file) '(?P<page>[^']+\.md)'"),
    re.compile(r"(?P<page>[\w./-]+\.md):(?P<line>\d+)"),
)
_QUOTED_PAGE = re.compile(r"(?<=')[^'\s]+\.md(?=')")
_BLOCK = re.compile(r"code block '(?P<id>[^']+)'")
_TARGET = re.compile(r"[Cc]ould not find cross-reference target '(?P<target>[^']+)'")
_INVENTORY = re.compile(r"[Cc]ouldn't load inventory")
_NAV_MISSING = re.compile(
    r"A reference to '(?P<page>[^']+)' is included in the 'nav' configuration"
)


class _Capture(logging.Handler):
    """Turns MkDocs' and every plugin's warnings and errors into docgen diagnostics (DG100).

    Added to the `mkdocs` logger and to the root logger, so plugins that log under their own
    names are heard too; a record that reaches both is kept once.
    """

    def __init__(self, state: _Build) -> None:
        super().__init__(logging.WARNING)
        self.state = state
        self.found: list[Diagnostic] = []
        self.last = threading.local()  # a record reaches both loggers' handlers in one thread

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.last, "record", None) is record:
            return
        self.last.record = record
        if record.name.startswith(("mkdocs.plugins.docgen", "docgen")):
            return
        message = record.getMessage().strip()
        said = record.name.rpartition(".")[2]
        if not record.name.startswith("mkdocs") and not message.startswith(f"{said}: "):
            message = f"{record.name}: {message}"  # MkDocs prefixes its plugins' loggers itself
        severity = Severity.ERROR if record.levelno >= logging.ERROR else Severity.WARNING
        location = _locate(self.state, message)
        self.found.append(Diagnostic("DG100", severity, message, location, stage="mkdocs"))

    def attach(self) -> None:
        for name in ("mkdocs", None):
            logging.getLogger(name).addHandler(self)

    def detach(self) -> list[Diagnostic]:
        for name in ("mkdocs", None):
            logging.getLogger(name).removeHandler(self)
        return self.found


def _locate(state: _Build, message: str) -> Location | None:
    """The user's file and line a MkDocs or plugin message names, if it names one.

    A page's line is found for a missing cross-reference: the first line that holds it.
    """
    config = state.config
    for pattern in _WHERE:
        where = pattern.search(message)
        if where is None:
            continue
        line = (
            int(where.group("line"))
            if "line" in pattern.groupindex and where.group("line")
            else None
        )
        if "file" in pattern.groupindex:
            return Location(config.relative(Path(where.group("file"))), line)
        page = where.group("page")
        source = state.page_sources.get(page)
        if source is not None and source.startswith("("):
            return None  # a page made by a plugin or a stage has no file of the user's
        file = config.docs_dir / page
        target = _TARGET.search(message)
        if line is None and source is None and target is not None:
            line = _line_of(state.texts.get(str(file)), f"[{target.group('target')}]")
        return Location(source or config.relative(file), line)
    named = _QUOTED_PAGE.search(message)
    if named is not None and state.site_config is not None:
        # A page that mkdocs.yml names (nav, redirects, llmstxt sections) and no file has.
        line = _line_of(_text(state.site_config), named.group(0))
        if line is not None:
            return Location(config.relative(Path(state.site_config)), line)
    block = _BLOCK.search(message)
    if block is not None:  # markdown-exec names the block by its id, not its page
        for written, text in state.texts.items():
            for quote in "\"'":
                line = _line_of(text, f"id={quote}{block.group('id')}{quote}")
                if line is not None:
                    return Location(config.relative(Path(written)), line)
    return None


def _text(file: str) -> str | None:
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _line_of(text: str | None, needle: str) -> int | None:
    if text is None:
        return None
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line), None)


def _mkdocs_findings(
    heard: list[Diagnostic], ours: Sequence[Diagnostic], offline: bool
) -> list[Diagnostic]:
    """What MkDocs and the plugins said, less what docgen says itself, folded when offline.

    A nav entry with no page is docgen's DG710 already. Under `--offline`, inventories
    fail to download (one info for all), and every cross-reference they would have
    resolved is missing: when any failed, autorefs' missing targets become one info too,
    since docgen cannot tell which targets those inventories hold.

    Args:
        heard: the DG100 findings captured during the build.
        ours: docgen's own findings.
        offline: the build ran with `--offline`.
    """
    listed = {
        m.group(1)
        for d in ours
        if d.code == "DG710"
        for m in [re.search(r"'([^']+)'", d.message)]
        if m
    }
    kept = [
        d
        for d in heard
        if not ((m := _NAV_MISSING.search(d.message)) and m.group("page") in listed)
    ]
    if not offline:
        return kept
    inventories = [d for d in kept if _INVENTORY.search(d.message)]
    if not inventories:
        return kept
    targets = [d for d in kept if _TARGET.search(d.message)]
    rest = [d for d in kept if d not in inventories and d not in targets]
    rest.append(
        Diagnostic(
            "DG100",
            Severity.INFO,
            f"offline: {len(inventories)} inventories not loaded",
            hint="build without --offline to load them",
            stage="mkdocs",
        )
    )
    if targets:
        rest.append(
            Diagnostic(
                "DG100",
                Severity.INFO,
                f"{len(targets)} cross-references not checked offline"
                " (their targets may be in the inventories not loaded)",
                hint="build without --offline to check them",
                stage="mkdocs",
            )
        )
    return rest


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


def load_docgen_config(path: Path, *, offline: bool = False) -> cfg.DocgenConfig:
    """Read the mkdocs.yml at `path` and return docgen's config, as a build would see it.

    `offline` gives the config a build under `--offline` would have.
    """
    config = _load(path)
    if offline:
        os.environ["DOCGEN_OFFLINE"] = "1"
    try:
        return to_docgen_config(config, _plugin(config, path).config)
    finally:
        if offline:
            del os.environ["DOCGEN_OFFLINE"]


def build_site(
    path: Path,
    *,
    strict: bool = False,
    site_dir: Path | None = None,
    only: Sequence[str] | None = None,
    adjust: Callable[[cfg.DocgenConfig], cfg.DocgenConfig] | None = None,
    baseline: bool = True,
) -> BuildOutcome:
    """Build the site of mkdocs.yml at `path` with docgen's stages, collecting every finding.

    MkDocs' own warnings become diagnostics too.

    Args:
        path: the project's `mkdocs.yml`.
        strict: turn all warnings into errors.
        site_dir: where to write the site, instead of the configured folder.
        only: the stages to check and report on; every stage still generates its pages.
        adjust: changes docgen's config before the build (the CLI's `--offline`, say).
        baseline: apply the project's baseline (`.docgen/baseline.json`) when it has one.
    """
    overrides: dict[str, Any] = {"site_dir": str(site_dir)} if site_dir else {}
    config = _load(path, **overrides)
    plugin = _plugin(config, path)
    plugin.options = RunOptions(
        only=only, adjust=adjust, log_diagnostics=False, strict=strict, baseline=baseline
    )
    aborted = None
    crash = None  # what a crash said: MkDocs logs it too ("Error building page …")
    with _quiet():
        try:
            config.plugins.on_startup(command="build", dirty=False)
            mkdocs_build.build(config)
        except Abort as exc:
            aborted = str(exc)
        except jinja2.TemplateError as exc:  # the theme's templates, or the user's overrides
            aborted = f"a theme template failed{_template_line(exc, path.parent)}: {exc}"
        except Exception as exc:
            # Another plugin's failure is the user's setup, not a bug to show as a traceback.
            aborted = _plugin_failed(exc, config)
            if aborted is None:
                raise
            crash = str(exc).strip()
        finally:
            config.plugins.on_shutdown()
    state = plugin.build
    if state is None or not state.report:  # stopped before the report: say what MkDocs said
        found = (
            _mkdocs_findings(state.mkdocs.found, [], state.config.offline)
            if state is not None and state.mkdocs is not None
            else []
        )
        found = [d for d in found if not (crash and d.code == "DG100" and crash in d.message)]
        aborted = aborted or "the build did not finish"
        found = diagnostics.strict(found) if strict else found
        return BuildOutcome({}, tuple(found), (), Path(config.site_dir), aborted)
    ran = tuple(r.stage for r in reporting.merge(state.results))
    final = tuple(sorted(state.final, key=diagnostics.sort_key))
    return BuildOutcome(state.report, final, ran, Path(config.site_dir), aborted)


def _plugin_failed(error: BaseException, config: MkDocsConfig) -> str | None:
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
    network = os.environ.get("DOCGEN_OFFLINE", "") not in ("", "0") and _network(error)
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

    if offline:
        os.environ["DOCGEN_OFFLINE"] = "1"
    _load(path)  # a clear config error before the server starts
    kwargs: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    serve(str(path), livereload=True, **kwargs)
