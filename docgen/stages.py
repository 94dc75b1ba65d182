"""The registry of stages: what each one contributes to a build, in pipeline order.

A stage is a handful of plain functions over plain data; any may be missing:

- `generate(config)` makes pages, assets and a model from the stage's sources;
- `transform(config, context, document)` rewrites a page's Markdown before it is rendered;
- `check(config, context, documents)` reads every page of the site (hand-written and
  generated);
- `check_site(config, context, site_dir)` reads the built site;
- `dump(config, args)` returns the stage's JSON model for `docgen dump STAGE`.

`context` (`docgen.model.Context`) is what earlier steps learned: the API's symbols, where
each generated page came from, the pages the engine built. A stage module whose function
does not read it is registered with `_stage(..., reads=())`: its function keeps the
shorter signature and the registry drops the context for it.

A stage runs when its config section is not None (`pipelines: false` turns it off).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.config import DocgenConfig
from docgen.model import Context, Document, StageResult

__all__ = ["STAGES", "Stage", "enabled", "names"]


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage's entry points (see the module docstring); a missing one is None.

    Attributes:
        name: the stage's name, also the name of its config section.
        generate: makes pages, assets and a model from the stage's sources.
        transform: rewrites one page's Markdown before it is rendered.
        check: reads every page of the site.
        check_site: reads the built site.
        dump: returns the stage's JSON model for `docgen dump`.
    """

    name: str
    generate: Callable[[DocgenConfig], StageResult] | None = None
    transform: Callable[[DocgenConfig, Context, Document], str] | None = None
    check: Callable[[DocgenConfig, Context, Sequence[Document]], StageResult] | None = None
    check_site: Callable[[DocgenConfig, Context, Path], StageResult] | None = None
    dump: Callable[[DocgenConfig, Sequence[str]], Mapping[str, object]] | None = None


_WITH_CONTEXT = ("transform", "check", "check_site")


def _entry(module: str, name: str, context: bool) -> Callable[..., Any]:
    """A stage function imported on first call: `docgen --version` loads no stage at all.

    With `context` False the function does not take the pipeline's context: the call
    drops it (the context is the second argument of `transform` and the checks).
    """

    def call(*args: Any) -> Any:
        function = getattr(importlib.import_module(module), name)
        if name in _WITH_CONTEXT and not context:
            args = (args[0], *args[2:])
        return function(*args)

    call.__name__ = call.__qualname__ = f"{module}.{name}"
    return call


def _stage(name: str, *entries: str, reads: Sequence[str] = _WITH_CONTEXT) -> Stage:
    """Stage `name` of module `docgen.NAME`; `reads` are its entries that take the context."""
    module = f"docgen.{name}"
    return Stage(name, **{entry: _entry(module, entry, entry in reads) for entry in entries})


STAGES: tuple[Stage, ...] = (
    _stage("pipelines", "generate", "dump"),
    _stage("api", "generate", "transform", "check", "dump"),
    _stage("diagrams", "generate", "transform", "check", "dump", reads=()),
    _stage("examples", "check", "dump", reads=()),
    _stage("lint", "check", "dump", reads=()),
    _stage("changelog", "generate", "dump"),
    _stage("benchmarks", "generate", "check", "dump"),
    # Last: it checks the site every other stage has contributed to.
    _stage("links", "check_site", "dump"),
)
"""Every stage docgen has, in pipeline order; each entry imports its module on first call."""


def names() -> list[str]:
    """The names of every stage this docgen has, in pipeline order."""
    return [stage.name for stage in STAGES]


def enabled(config: DocgenConfig, only: Sequence[str] | None = None) -> list[Stage]:
    """The stages to run: set up in `config` (section not None) and, if given, named in `only`."""
    return [
        stage
        for stage in STAGES
        if getattr(config, stage.name, None) is not None and (not only or stage.name in only)
    ]
