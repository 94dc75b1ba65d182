"""The MkDocs plugin `docgen`: MkDocs 1.6 events call the steps of docgen's pipeline.

    on_config      mkdocs.yml's `docgen:` section → a frozen `DocgenConfig`
    on_files       stages generate pages (virtual files) and assets
    on_nav/on_page_markdown   generated sections in the nav; stage transforms; pages recorded
    on_env         checks over every page's Markdown
    on_post_build  checks over the built site; report.json; the quality page
    on_serve       `mkdocs serve` watches every stage's sources

Under plain `mkdocs build` and `mkdocs serve` the hooks run every step of
`docgen.pipeline` themselves. Under the docgen CLI the pipeline hands the plugin a
`RenderJob` (`DocgenPlugin.job`): the hooks then only render — the stages' results are the
job's, each page goes through the job's transform — and the pipeline checks, reports and
publishes once MkDocs is done.
"""

from __future__ import annotations

import logging
import sys
import time
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.base import ConfigErrors, ConfigWarnings, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage

from docgen import config as cfg
from docgen import escape, macros, pipeline, run, stages
from docgen import report as reporting
from docgen.config import duplicate_keys
from docgen.diagnostics import Diagnostic, Severity, render_text
from docgen.docsdir import clash, read_page
from docgen.engines import Rendered, RenderJob
from docgen.engines.mkdocs.findings import Capture
from docgen.engines.mkdocs.nav import (
    front_matter_lines,
    jinja,
    made_by_plugin,
    markdown_extensions,
    merged,
    striptags,
    unescape,
    with_generated,
)
from docgen.engines.mkdocs.render_cache import (
    QUALITY_PAGE,
    CachedPage,
    Helpers,
    Renders,
    config_signature,
    nav_signature,
    renders_for,
    template_class,
    theme_files,
)
from docgen.engines.mkdocs.schema import DocgenPluginConfig, to_docgen_config
from docgen.model import Context, Document, StageResult
from docgen.pagecache import PageCache

# `Build` is the hooks' own state.
__all__ = ["DocgenPlugin", "publish", "rendered_of"]

log = logging.getLogger("mkdocs.plugins.docgen")

_LEVEL = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: 10}
_PENDING = "# Documentation quality\n\nThe checks have not run yet.\n"


@dataclass(slots=True)
class Build:
    """Per-build state: reset in on_config.

    `job` is the CLI's render job (None under plain MkDocs); `context` what the pipeline's
    steps read; `heard` what MkDocs and other plugins logged; `finished` is set once MkDocs
    has written every page.
    """

    config: cfg.DocgenConfig
    context: Context
    job: RenderJob | None = None
    results: list[StageResult] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    page_sources: dict[str, str] = field(default_factory=dict)
    page_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    pages: list[str] | None = None  # the site paths of the pages MkDocs builds
    extra: list[Diagnostic] = field(default_factory=list)
    heard: list[Diagnostic] = field(default_factory=list)
    nav: Navigation | None = None
    env: Any = None
    started: float = field(default_factory=time.perf_counter)
    report: dict[str, object] = field(default_factory=dict)
    final: list[Diagnostic] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    mkdocs: Capture | None = None
    renders: Renders | None = None
    site_config: str | None = None
    jinja: macros.Jinja | None = None
    finished: bool = False


def _engine_name() -> str:
    """`properdocs` when ProperDocs runs the plugin (its alias makes `mkdocs` its module),
    else `mkdocs`: a process that merely imported properdocs still runs MkDocs."""
    mkdocs = sys.modules.get("mkdocs")
    return (
        "properdocs" if mkdocs is not None and mkdocs is sys.modules.get("properdocs") else "mkdocs"
    )


class DocgenPlugin(BasePlugin[DocgenPluginConfig]):  # type: ignore[no-untyped-call]
    """MkDocs plugin `docgen`: runs docgen's stages inside `mkdocs build` and `mkdocs serve`.

    The `on_*` methods are MkDocs' event hooks, called with the arguments MkDocs documents:
    `config` is the whole `mkdocs.yml` as loaded, `files` every file of the site, `page` the
    page being rendered.

    Attributes:
        job: what the docgen CLI asks of the next build (its pipeline generates, checks
            and reports); None under plain `mkdocs build`, where the hooks run every step.
        offline: `docgen serve --offline`: never touch the network.
        cache: each stage's last generated result, kept across `serve` rebuilds.
        build: the current build's state, None before `on_config`.
        command: the MkDocs command running (`build`, `serve`).
        stood_down: the warning that mkdocs-mermaid2 was turned off for this build, if it was.
        config_scheme: the plugin section's options, as MkDocs validates them.
    """

    def __init__(self) -> None:
        self.job: RenderJob | None = None
        self.offline = False
        self.cache = run.StageCache()
        self.build: Build | None = None
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
        """MkDocs keeps plugin objects for the process: the CLI's job ends with its build."""
        self.job = None
        self.offline = False

    @event_priority(100)  # before any other plugin's on_config: mermaid2's asks a CDN
    def _stand_down_mermaid2(self, config: MkDocsConfig) -> None:
        """Turn mkdocs-mermaid2 off when docgen draws the diagrams: one Mermaid, no CDN.

        Its page hooks leave `config`'s plugins, as does a Mermaid library it loads through
        `extra_javascript`; its custom fences draw as docgen's own (see `nav.merged`).
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
        if self.job is not None:  # the CLI's pipeline loaded (and adjusted) the config
            docgen = self.job.config
        else:
            docgen = to_docgen_config(config, self.config, offline=self.offline)
            if self.command == "serve":
                docgen = replace(docgen, serving=True)
        self.build = Build(docgen, Context(docgen.offline, engine=_engine_name()), self.job)
        if config.config_file_path:
            self.build.extra += duplicate_keys(docgen, Path(config.config_file_path))
            self.build.site_config = config.config_file_path
        if self.stood_down is not None:
            self.build.extra.append(self.stood_down)
        if docgen.links is not None and any(s.name == "links" for s in stages.STAGES):
            # The links stage checks the same links, at their Markdown line: say it once.
            config.validation.links.not_found = logging.INFO
            config.validation.links.anchors = logging.INFO
        for name, options in markdown_extensions(docgen).items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            config.mdx_configs[name] = merged(config.mdx_configs.get(name), options)
        self.build.renders = renders_for(config, docgen)
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
        state.mkdocs = Capture(state)
        state.mkdocs.attach()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop listening, and any helper, when MkDocs gives up with `error`."""
        if self.build is None:  # it gave up before docgen's on_config
            return
        self.build.heard = self._stop_listening()
        renders = self.build.renders
        if renders is not None and renders.helpers is not None:
            renders.helpers.stop()

    def _stop_listening(self) -> list[Diagnostic]:
        state = self._state
        if state.mkdocs is None:
            return []
        return state.mkdocs.detach()

    @property
    def _state(self) -> Build:
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
            text = read_page(state.config, Path(doc_file.abs_src_path), "mkdocs")
            if isinstance(text, str):  # kept: it tells how many lines the front matter took
                state.texts[doc_file.abs_src_path] = text
            else:  # MkDocs would stop with a traceback: leave the page out
                state.extra.append(text)
                files.remove(doc_file)
        # Every stage generates (cached), so the site is whole; `only` limits the checks.
        if state.job is not None:
            state.results = list(state.job.results)
        else:
            state.results = pipeline.generate(state.config, self.cache)
        state.context = pipeline.context(state.config, state.results, state.context.engine)
        state.jinja = jinja(config)
        generated: list[tuple[str, tuple[str, ...], str]] = []
        # What each address is published from: `changelog.md` and a generated
        # `changelog/index.md` would both be `changelog/index.html`, the one hiding the other.
        addresses = {f.dest_uri: f.src_uri for f in files}
        for result in state.results:
            for page in result.pages:
                content = (
                    macros.shield(page.markdown, state.jinja) if state.jinja else page.markdown
                )
                made = File.generated(config, page.path, content=content)
                written = addresses.get(made.dest_uri)
                if files.get_file_from_path(page.path) is not None or written is not None:
                    state.extra.append(clash(state.config, page.path, result.stage, written))
                    continue
                files.append(made)
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
        config.nav = with_generated(config.nav, files, generated)
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
            page.__class__ = CachedPage
            typing.cast(CachedPage, page).renders = renders
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
            state.renders.helpers = Helpers.start(
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
        theirs = made_by_plugin(state.config, page.file)
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
        pad = 0 if generated else front_matter_lines(raw, markdown)
        document = Document(path, "\n" * pad + markdown, source, generated)
        state.documents[path] = document
        if state.job is not None:
            return state.job.transform(document)[pad:]
        return pipeline.transform(state.config, state.context, document)[pad:]

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
                unescape(a) if isinstance(a, str) else a for a in page.present_anchor_ids
            }
        return html

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page's Markdown is known now: run the page checks (the CLI's pipeline runs
        them itself, after the build).

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
            env.filters["striptags"] = striptags
        if state.renders is not None and state.renders.helpers is not None:
            state.renders.helpers.stop()
        if state.job is None:
            documents = list(state.documents.values())
            state.results += pipeline.check_pages(state.config, state.context, documents)
        if state.renders is not None and isinstance(env, jinja2.Environment):
            navigation = state.nav
            items = navigation.items if navigation is not None else []
            state.renders.template = PageCache.key(
                state.renders.versions,
                nav_signature(items),
                config_signature(config),
                theme_files(config),
            )
            env.template_class = template_class(state.renders)
            if self.command != "serve" and navigation is not None:
                docs = files.documentation_pages()
                state.renders.helpers = Helpers.start(
                    [f.page for f in docs if f.page is not None and f.src_uri != QUALITY_PAGE],
                    lambda page: mkdocs_build._build_page(page, config, docs, navigation, env),
                )
                if state.renders.helpers is not None:
                    state.renders.ahead = 0
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Check the built site, write report.json, and render the quality page for real.

        Under the docgen CLI, only say the site is whole: its pipeline does the rest.
        `config` says where the site was written and whether MkDocs ran strict.
        """
        state = self._state
        if state.renders is not None and state.renders.helpers is not None:
            state.renders.helpers.stop()  # MkDocs wrote every page: nothing left for them
        state.heard = self._stop_listening()
        state.finished = True
        if state.renders is not None:
            state.renders.cache.prune()
        if state.job is not None:
            return
        site_dir = Path(config.site_dir)
        rendered = rendered_of(state, site_dir, strict=bool(config.strict))
        context = pipeline.complete(state.context, rendered)
        state.results += pipeline.check_site(state.config, context, site_dir)
        found = pipeline.findings(state.config, state.results, rendered.diagnostics)
        found, accepted = pipeline.with_baseline(state.config, found)
        state.final = found
        state.report = pipeline.report(
            state.config,
            context,
            state.results,
            found,
            started=state.started,
            strict=rendered.strict,
            baseline=accepted,
            summary=rendered.summary,
        )
        publish(config, state, site_dir, state.report)
        # MkDocs has logged its own findings (DG100) already. Known findings are not
        # logged: `mkdocs build --strict` fails on new ones only.
        for diagnostic in (d for d in found if d.code != "DG100" and not d.baseline):
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


def rendered_of(state: Build, site_dir: Path, *, strict: bool) -> Rendered:
    """What MkDocs rendered in the build `state` describes, as the pipeline reads it.

    Args:
        state: the build, after MkDocs wrote the site (or gave up).
        site_dir: where the site was written.
        strict: mkdocs.yml's `strict: true`.
    """
    summary: dict[str, object] = {}
    renders = state.renders
    if renders is not None:
        pages = {"reused": renders.reused, "rendered": renders.rendered}
        if renders.ahead is not None:
            pages["ahead"] = renders.ahead
        summary["pages"] = pages
    return Rendered(
        site_dir=site_dir,
        documents=tuple(state.documents.values()),
        pages=tuple(state.pages or ()),
        diagnostics=(*state.extra, *state.heard),
        # Site checks map a generated page back to what it was made from (a workflow file).
        sources={p: s for p, s in state.page_sources.items() if not s.startswith("(")},
        lines=dict(state.page_lines),
        complete=state.finished,
        strict=strict,
        summary=summary,
    )


def publish(
    config: MkDocsConfig, state: Build, site_dir: Path, report: Mapping[str, object]
) -> None:
    """Write `report` as `site_dir/report.json` and render the quality page with it.

    Args:
        config: MkDocs' config of the build.
        state: the build: its nav and theme environment render the page again.
        site_dir: where the site was written.
        report: the finished report.
    """
    reporting.write_report(site_dir / "report.json", report)
    _rerender(config, state, QUALITY_PAGE, reporting.quality_page(report))


def _rerender(config: MkDocsConfig, state: Build, path: str, markdown: str) -> None:
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
