"""The engines that turn docgen's pages into a site, behind one small interface.

docgen's pipeline (`docgen.pipeline`) never imports an engine's library: it asks
`get(name)` for an `Engine` and hands it a `RenderJob`. An engine

- `render`s the site: every hand-written page and every stage's generated page, each
  passed through the job's `transform`, plus the stages' assets, scripts and styles;
  it returns as soon as the pages are known (`Rendering`): the pipeline checks them while
  an engine that writes the site in another process (Zensical) is still at it, then
  `wait`s for the whole site (`Rendered`);
- `publish`es the report: `report.json` and the final quality page, into that site;
- `serve`s a live preview.

Engines: `mkdocs` (`docgen.engines.mkdocs`), `properdocs` and `zensical`. Each is a module
`docgen.engines.NAME` with a factory `engine() -> Engine` (or an `ENGINE` instance),
imported on first use, so `docgen --version` loads none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from docgen.config import ENGINES, DocgenConfig
from docgen.diagnostics import Diagnostic
from docgen.model import Document, StageResult

__all__ = [
    "ConfigProblem",
    "Engine",
    "PluginMissing",
    "RenderJob",
    "Rendered",
    "Rendering",
    "ServeJob",
    "UnknownEngine",
    "get",
]


class ConfigProblem(Exception):
    """The site's config cannot be used: missing, unreadable, invalid, or without the plugin."""


class PluginMissing(ConfigProblem):
    """The config is valid but does not enable docgen (`docgen dump` then uses defaults)."""


class UnknownEngine(ConfigProblem):
    """An engine docgen does not know, or whose module this docgen does not have."""


@dataclass(frozen=True, slots=True)
class RenderJob:
    """What the pipeline asks an engine to render.

    Attributes:
        config: docgen's config (`config.engine` names the engine).
        config_file: the site's `mkdocs.yml` or `mkdocs.yaml`.
        results: every stage's `generate` output: pages, assets, scripts and styles.
        transform: the pipeline's per-page transform (its context bound): a page's
            Markdown after every stage's `transform`.
        site_dir: where to write the site, instead of the configured folder.
        strict: the run is `--strict`.
    """

    config: DocgenConfig
    config_file: Path
    results: tuple[StageResult, ...]
    transform: Callable[[Document], str]
    site_dir: Path | None = None
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Rendered:
    """What an engine rendered.

    Attributes:
        site_dir: the folder the site was written into.
        documents: every page as the checks see it (after the transforms).
        pages: site paths (HTML files) of the pages the engine built.
        diagnostics: the engine's own findings (MkDocs' warnings, DG100...).
        sources: docs path of a generated page → the user's file it was made from.
        lines: docs path of a generated page → heading anchor → line of its source.
        aborted: why the engine stopped, or None.
        complete: False when it stopped before the site was whole: nothing is checked.
        strict: the engine's own config asks for strict builds (MkDocs' `strict: true`).
        summary: what the engine adds to the report (MkDocs: the page cache's counts).
    """

    site_dir: Path
    documents: tuple[Document, ...] = ()
    pages: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    aborted: str | None = None
    complete: bool = True
    strict: bool = False
    summary: Mapping[str, object] = field(default_factory=dict)

    def wait(self) -> Rendered:
        """This render, finished already: a `Rendered` is a `Rendering` with nothing to wait for."""
        return self


class Rendering(Protocol):
    """A render under way: its pages are known, the site may still be being written.

    What `Engine.render` returns. An engine that renders in this process (MkDocs) returns
    its `Rendered`, finished; one that runs a command (Zensical) returns once the pages
    are staged, and the pipeline checks them while the command writes the site.
    Being a protocol, it is never built: its `__init__(*args, **kwargs)` is typing's.
    """

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every page as the checks see it (after the transforms)."""

    @property
    def complete(self) -> bool:
        """False when the engine stopped already: nothing is to be checked (`wait` says why)."""

    def wait(self) -> Rendered:
        """The finished render, once the site is whole (or why it is not); the same each call."""


@dataclass(frozen=True, slots=True)
class ServeJob:
    """What `docgen serve` asks of an engine.

    Attributes:
        config: docgen's config (`config.offline`: never touch the network).
        config_file: the site's `mkdocs.yml` or `mkdocs.yaml`.
        dev_addr: the `host:port` to serve on, or None for the engine's default.
    """

    config: DocgenConfig
    config_file: Path
    dev_addr: str | None = None


@runtime_checkable
class Engine(Protocol):
    """An engine: renders a site, publishes the report into it, serves a preview.

    Attributes:
        name: the engine's name (`mkdocs`, `properdocs`, `zensical`), as the report says it.
    """

    name: str

    def __init__(self) -> None:
        """Engines take no arguments: `get` makes a new one for each build."""

    def render(self, job: RenderJob) -> Rendering:
        """Write the site that `job` describes; return as soon as its pages are known, the
        site possibly still being written (`Rendering.wait` waits for it)."""

    def publish(self, rendered: Rendered, report: Mapping[str, object]) -> None:
        """Write `report.json` and the final quality page into the `rendered` site."""

    def serve(self, job: ServeJob) -> None:
        """Serve a live preview of `job`'s site until interrupted; generated pages follow
        their sources."""


def get(name: str) -> Engine:
    """The engine called `name`, its module imported now.

    Raises:
        UnknownEngine: `name` is no engine, or this install lacks its module.
    """
    if name not in ENGINES:
        raise UnknownEngine(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{__name__}.{name}", name):
            raise
        raise UnknownEngine(
            f"engine {name!r} is not available in this docgen install ({exc.name} is missing)"
        ) from None
    factory = getattr(module, "engine", None)
    made = factory() if callable(factory) else getattr(module, "ENGINE", None)
    if not isinstance(made, Engine):
        raise UnknownEngine(f"docgen.engines.{name} defines no engine() nor ENGINE")
    return made
