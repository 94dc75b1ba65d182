"""The API reference: pdoc's model of Python packages as Markdown pages of the site.

`generate` finds the packages' modules on disk, documents each one in a worker process
(cached per module), and returns one page per module, `objects.inv`, coverage and
diagnostics; `transform` and `check` resolve `[text][pkg.mod.Symbol]` references in
hand-written pages; `dump` shows the model (`docgen dump api MODULE ...`).

Diagnostics: DG601 package not found (error); DG602 a module can't be imported — it
raises, exits, hangs or kills its worker, or a module of the package it needs is missing;
one error per cause, listing the modules it held back (error); DG603 a module prints on import
(warning); DG604 names of `__all__` that are not attributes, summarized per module
(info); DG605 a reference to no documented symbol (warning); DG606 an undocumented
symbol while coverage is below `api.min_coverage` (warning); DG607 another pdoc warning
(info); DG608 no source links, the commit is unknown (info); DG609 an inventory can't be
read (warning); DG610 an inventory skipped offline (info); DG611 `dump` of an unknown
module (error); DG612 a docstring opens a code fence or raw HTML it never closes, which
docgen closes where the docstring ends (warning); DG614 a deployed version's API model
on the Pages branch cannot be read (warning); DG615 the previous version has none, so
there is no API changes page (info); DG618 the Pages branch or its `versions.json`
cannot be read (warning). DG616 and DG617 are `docgen api-diff`'s (see `diff_cli`).

Each build ships the version's API model (`_docgen/api.json`, see `snapshot`); the
models of the versions deployed before it make the API changes page and the "Added in"
lines (`history`, `diff`, `changes`).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen import docsdir
from docgen.api.cache import Cache
from docgen.api.coverage import coverage, gaps
from docgen.api.discover import default_packages, find_modules, search_path
from docgen.api.model import Module
from docgen.config import ApiConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.model import Asset, Context, Document, StageResult, Symbol

if TYPE_CHECKING:
    from docgen.api.pages import Includes, Reference, Unclosed
    from docgen.api.xref import Index

__all__ = ["check", "default_packages", "dump", "generate", "transform"]

STAGE = "api"
_SHOWN = 10


def _cache_dir(config: DocgenConfig) -> Path:
    folder = config.cache_dir if config.cache_dir.is_absolute() else config.root / config.cache_dir
    return folder / "api"


def _diagnostic(
    code: str,
    severity: Severity,
    message: str,
    file: str | None = None,
    line: int | None = None,
    hint: str | None = None,
) -> Diagnostic:
    location = Location(file, line) if file else None
    return Diagnostic(code, severity, message, location, hint, STAGE)


def _relative(relative: Callable[[str], str], data: dict[str, Any]) -> dict[str, Any]:
    """The worker's absolute paths, made relative to the project root."""
    out = dict(data)
    if out.get("file"):
        out["file"] = relative(out["file"])
    if "members" in out:
        out["members"] = [_relative(relative, m) for m in out["members"]]
    return out


def _ancestors(name: str, sources: Mapping[str, Path]) -> list[Path]:
    parts = name.split(".")
    return [sources[p] for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p in sources]


def _extract(
    config: DocgenConfig, api: ApiConfig, packages: Sequence[str], sources: Mapping[str, Path]
) -> tuple[dict[str, dict[str, Any]], int]:
    """Every module's worker event, from the cache where valid; and how many were cached."""
    request = {
        "docformat": api.docstring_format,
        "show_private": api.show_private,
        "show_inherited": api.show_inherited,
        "packages": sorted({p.split(".")[0] for p in packages}),
        # 0 (or less) means no limit: a day stands for it, since the watchdog needs one.
        "timeout": api.timeout if api.timeout > 0 else 86_400.0,
    }
    where = search_path(config.root, api.paths)[: len(api.paths) + 2]
    cache = Cache(
        _cache_dir(config), {**request, "root": str(config.root), "paths": list(api.paths)}
    )
    events: dict[str, dict[str, Any]] = {}
    for name in sources if config.page_cache else ():  # `--no-cache` extracts every module
        found = cache.load(name)
        if found is not None:
            events[name] = found
    missing = {n: f for n, f in sources.items() if n not in events}
    for name, file in missing.items():  # hash before extracting: an edit meanwhile is stale
        for path in (file, *_ancestors(name, sources)):
            cache.digest(path)
    jobs = api.jobs or os.cpu_count() or 1
    from docgen.api import isolate  # noqa: PLC0415 - see `_run`

    fresh = isolate.extract(missing, request, isolate.worker_env(where), jobs)
    for name, event in fresh.items():
        read = event.get("model", {}).get("files", [])
        files = {Path(f) for f in read} | {sources[name], *_ancestors(name, sources)}
        cache.store(name, event, files)
        events[name] = event
    return {n: events[n] for n in sources}, len(sources) - len(missing)


def _event_diagnostics(
    config: DocgenConfig, name: str, event: Mapping[str, Any]
) -> list[Diagnostic]:
    if "error" in event:
        return []  # import failures are grouped by their cause: see `_import_failures`
    file = event["model"]["file"]
    file = config.relative(Path(file)) if file else None
    found: list[Diagnostic] = []
    for problem in event["problems"]:
        if problem["kind"] == "unresolved-all":
            names: list[str] = problem["names"]
            shown = ", ".join(names[:_SHOWN]) + (
                f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
            )
            found.append(
                _diagnostic(
                    "DG604",
                    Severity.INFO,
                    f"{len(names)} names in {name}.__all__ are not attributes of the module "
                    f"when imported (loaded lazily?), so they are left out of its page: {shown}",
                    file,
                    None,
                    "they are documented in the modules that define them",
                )
            )
        elif problem["kind"] == "prints":
            found.append(
                _diagnostic(
                    "DG603",
                    Severity.WARNING,
                    f"module '{name}' prints when imported: {problem['message']!r}",
                    file,
                    None,
                    "importing a module should not print; move the output into a function",
                )
            )
        else:
            found.append(_diagnostic("DG607", Severity.INFO, f"{name}: {problem['message']}", file))
    return found


def _source_link(
    config: DocgenConfig, api: ApiConfig
) -> tuple[Callable[[str | None, int | None, int | None], str | None], list[Diagnostic]]:
    def none(file: str | None, line: int | None, end_line: int | None) -> str | None:
        return None

    if not config.repo_url:
        return none, []
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "HEAD"],
            cwd=config.root,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split()
        top, head = Path(out[0]), out[1]
    except (OSError, subprocess.SubprocessError, IndexError) as error:
        if not api.source_commit:
            detail = getattr(error, "stderr", "") or str(error)
            return none, [
                _diagnostic(
                    "DG608",
                    Severity.INFO,
                    f"no source links: the commit is unknown ({str(detail).strip()})",
                    hint="set `api.source_commit`, or build inside a git checkout",
                )
            ]
        top, head = config.root, ""
    sha = api.source_commit or head
    base = config.repo_url.rstrip("/").removesuffix(".git")
    prefix = config.root.resolve().relative_to(top.resolve()).as_posix()

    def link(file: str | None, line: int | None, end_line: int | None) -> str | None:
        if file is None or file.startswith("/"):
            return None
        path = file if prefix == "." else f"{prefix}/{file}"
        lines = (
            ""
            if not line
            else f"#L{line}" + (f"-L{end_line}" if end_line and end_line != line else "")
        )
        return f"{base}/blob/{sha}/{path}{lines}"

    return link, []


def generate(config: DocgenConfig) -> StageResult:
    """Document the configured packages: pages, `objects.inv`, coverage, diagnostics.

    The packages, paths and options come from the `api` section of `config`.
    """
    return _run(config)[0]


def _run(config: DocgenConfig) -> tuple[StageResult, list[Module]]:
    # Imported here: `docgen api-diff` is in this package, and the command line's start-up
    # must not load Markdown parsers and HTTP clients it does not use.
    from docgen.api import snapshot  # noqa: PLC0415
    from docgen.api.changes import versioned  # noqa: PLC0415
    from docgen.api.external import load as load_inventories  # noqa: PLC0415
    from docgen.api.inventory import inventory  # noqa: PLC0415
    from docgen.api.pages import Includes, Unclosed, module_page  # noqa: PLC0415
    from docgen.api.xref import Index, page_path  # noqa: PLC0415

    started = time.perf_counter()
    api = config.api or ApiConfig()
    packages = api.packages or default_packages(config.root)
    modules, models, diagnostics, watch, sources, cached = _document(config)
    index = Index.of(modules)
    documented = len(index.targets)
    external = load_inventories(
        api.inventories, config.root, _cache_dir(config) / "inventories", config.offline
    )
    index = index.with_external(external.targets)
    diagnostics += external.diagnostics
    link, found_link = _source_link(config, api)
    diagnostics += found_link
    folder = _cache_dir(config)
    # The version's model ships with the site; earlier versions' models, on the Pages
    # branch, make the API changes page and the "Added in" lines.
    versions = versioned(config, folder, modules, index)
    diagnostics += versions.diagnostics
    pages = [versions.page] if versions.page is not None else []
    mkdocstrings = _includes(config)
    # The API pages are pages too: links between them stay links.
    includes = Includes(
        mkdocstrings.pages | {page_path(m.name) for m in modules}, mkdocstrings.written_on
    )
    for module in modules:
        page, problems = module_page(module, index, link, includes, versions.notes)
        pages.append(page)
        for ref in problems:
            if isinstance(ref, Unclosed):
                diagnostics.append(_unclosed(config, ref))
                continue
            diagnostics.append(_unresolved(config, ref))
    total = coverage(modules)
    if total.percent < api.min_coverage:
        for module in modules:
            for gap in gaps(module):
                diagnostics.append(
                    _diagnostic(
                        "DG606",
                        Severity.WARNING,
                        f"{gap.symbol} has no documentation ({gap.kind}; coverage "
                        f"{total.percent} % < api.min_coverage {api.min_coverage} %)",
                        gap.file,
                        gap.line,
                        "write a docstring for it, or lower `api.min_coverage`",
                    )
                )
    folder.mkdir(parents=True, exist_ok=True)
    inv = folder / "objects.inv"
    inv.write_bytes(
        inventory(
            index.targets, config.site_name or ", ".join(packages), "", api.use_directory_urls
        )
    )
    model_file = folder / "api.json"
    model_file.write_text(snapshot.dumps(versions.model), encoding="utf-8")
    by_module = {m.name: coverage([m]).to_dict() for m in modules}
    result = StageResult(
        stage=STAGE,
        pages=tuple(pages),
        assets=(Asset("objects.inv", inv), Asset(snapshot.ASSET, model_file)),
        diagnostics=tuple(diagnostics),
        watch=tuple(watch),
        model={
            "packages": list(packages),
            "modules": models,
            "coverage": {"total": total.to_dict(), "modules": by_module},
        },
        summary={
            "modules": len(sources),
            "pages": len(pages),
            "compared_with": versions.previous,
            "cached": cached,
            "extracted": len(sources) - cached,
            "failed": len(sources) - len(modules),
            "symbols": documented,
            "external_symbols": len(index.targets) - documented,
            "inventories_skipped_offline": external.skipped_offline,
            "docstrings": total.docstrings,
            "coverage": total.percent,
            "coverage_by_module": {n: c["percent"] for n, c in by_module.items()},
        },
        seconds=time.perf_counter() - started,
        symbols={n: (t.page, t.anchor, t.kind) for n, t in index.targets.items()},
    )
    return result, modules


_Documented = tuple[
    list[Module], list[dict[str, Any]], list[Diagnostic], list[Path], dict[str, Path], int
]


def _document(config: DocgenConfig) -> _Documented:
    """The configured packages documented, no pages: modules, their JSON models, the
    diagnostics, the folders to watch, each module's file and how many were cached."""
    api = config.api or ApiConfig()
    packages = api.packages or default_packages(config.root)
    diagnostics: list[Diagnostic] = []
    where = search_path(config.root, api.paths)
    sources: dict[str, Path] = {}
    watch: list[Path] = []
    for package in packages:
        found = find_modules(package, where, api.exclude, api.show_private)
        if found is None:
            diagnostics.append(
                _diagnostic(
                    "DG601",
                    Severity.ERROR,
                    f"package '{package}' not found (looked in "
                    f"{', '.join(config.relative(p) for p in where[:3])} and sys.path)",
                    hint="check `api.packages`, or add its folder to `api.paths`",
                )
            )
            continue
        sources.update((s.name, s.file) for s in found)
        if found:
            top = found[0].file
            watch.append(top.parent if top.name == "__init__.py" else top)
    events, cached = _extract(config, api, packages, sources)
    modules: list[Module] = []
    models: list[dict[str, Any]] = []
    # A few files hold thousands of members: resolve each path once.
    relative = functools.cache(lambda file: config.relative(Path(file)))
    from docgen.api.failures import import_failures  # noqa: PLC0415 - see `_run`

    diagnostics += import_failures(
        config, {n: e for n, e in events.items() if "error" in e}, sources
    )
    for name, event in events.items():
        diagnostics += _event_diagnostics(config, name, event)
        if "model" in event:
            model = _relative(relative, event["model"])
            model.pop("files", None)
            models.append(model)
            modules.append(Module.from_json(model))
    return modules, models, diagnostics, watch, sources, cached


_INCLUDE = re.compile(r"^ {0,3}(?:#+[ \t]*)?:::[ \t]*(?P<name>[A-Za-z_][\w.]*)[ \t]*$", re.M)


def _includes(config: DocgenConfig) -> Includes:
    """The project's pages, and which of them include which objects with mkdocstrings."""
    from docgen.api.pages import Includes  # noqa: PLC0415 - see `_run`

    docs = config.docs_dir if config.docs_dir.is_absolute() else config.root / config.docs_dir
    pages: set[str] = set()
    written_on: dict[str, str] = {}
    for file in docsdir.markdown_files(docs):
        page = file.relative_to(docs).as_posix()
        pages.add(page)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if ":::" in text:
            for match in _INCLUDE.finditer(text):
                written_on.setdefault(match["name"], page)
    return Includes(frozenset(pages), written_on)


def _unresolved(config: DocgenConfig, ref: Reference) -> Diagnostic:
    """DG605 at the docstring's line that holds the reference (else its first line)."""
    line = ref.line
    if ref.file and ref.line and ref.end_line and not ref.inherited:
        try:
            text = (config.root / ref.file).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            text = []
        lines = range(ref.line, min(ref.end_line, len(text)) + 1)
        for written in (f"][{ref.label}]", f"[{ref.label}]", ref.label):
            found = next((n for n in lines if written in text[n - 1]), None)
            if found is not None:
                line = found
                break
    if ref.inherited:
        return _diagnostic(
            "DG605",
            Severity.WARNING,
            f"reference to '{ref.label}' in the docstring {ref.symbol} inherits (its source "
            "has none of its own) names no documented symbol",
            ref.file,
            line,
            "the docstring is a base class's: add that project's objects.inv to "
            "`api.inventories`, or write a docstring for it",
        )
    return _diagnostic(
        "DG605",
        Severity.WARNING,
        f"reference to '{ref.label}' in the docstring of {ref.symbol} names no documented symbol",
        ref.file,
        line,
        "write the full dotted path of a documented symbol",
    )


def _unclosed(config: DocgenConfig, found: Unclosed) -> Diagnostic:
    """DG612 at the source line that opens what the docstring never closes (else the
    member's line)."""
    line = found.line
    if found.file and found.line:
        try:
            text = (config.root / found.file).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            text = []
        holding = [n for n in range(found.line, len(text) + 1) if found.opener in text[n - 1]]
        if len(holding) >= found.nth:
            line = holding[found.nth - 1]
    fence = found.opener[: len(found.opener) - len(found.opener.lstrip("`~"))]
    closing = (
        f"close it in the docstring: {fence} on a line of its own"
        if found.what == "a code fence"
        else "close it in the docstring, or write it as `code`"
    )
    return _diagnostic(
        "DG612",
        Severity.WARNING,
        f"the docstring of {found.symbol} opens {found.what} it never closes",
        found.file,
        line,
        f"{closing}; docgen ended it where the docstring ends, so the rest of the page "
        "reads as written",
    )


_LAST: list[tuple[Mapping[str, Symbol], Index]] = []


def _index(context: Context) -> Index:
    """The symbol index of `context` (the API stage's `symbols`), made once per build."""
    if _LAST and _LAST[0][0] is context.api_index:
        return _LAST[0][1]
    from docgen.api.xref import Index, Target  # noqa: PLC0415 - see `_run`

    index = Index({n: Target(*t) for n, t in context.api_index.items()})
    # The mapping is kept with its index: `is` then never matches a new mapping at its address.
    _LAST[:] = [(context.api_index, index)]
    return index


def _hand_written(document: Document) -> bool:
    return not (document.generated and document.path.startswith("api/"))


def transform(config: DocgenConfig, context: Context, document: Document) -> str:
    """A page's Markdown with `[text][pkg.mod.Symbol]` references turned into links.

    Args:
        config: the project's settings.
        context: the build's context: its `api_index` is what `generate` documented.
        document: the page; generated API pages are returned as they are.
    """
    if not _hand_written(document) or "][" not in document.markdown:
        return document.markdown
    return _index(context).rewrite(document.markdown, document.path)[0]


def check(config: DocgenConfig, context: Context, documents: Sequence[Document]) -> StageResult:
    """Warn about each reference to a symbol that is not documented, where it is written.

    Args:
        config: the project's settings.
        context: the build's context: its `api_index` is what `generate` documented.
        documents: every page's Markdown; generated API pages are skipped.
    """
    started = time.perf_counter()
    diagnostics: list[Diagnostic] = []
    checked = 0
    for document in documents:
        if not _hand_written(document) or "][" not in document.markdown:
            continue
        checked += 1
        for ref in _index(context).rewrite(document.markdown, document.path)[1]:
            diagnostics.append(
                _diagnostic(
                    "DG605",
                    Severity.WARNING,
                    f"reference to '{ref.label}' names no documented symbol",
                    document.source,
                    None if document.generated else ref.line,
                    "write the full dotted path of a documented symbol (see `docgen dump api`)",
                )
            )
    return StageResult(
        stage=STAGE,
        diagnostics=tuple(diagnostics),
        summary={"pages_with_references": checked},
        seconds=time.perf_counter() - started,
    )


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """`docgen dump api [MODULE ...]`: the modules (all, or those named), coverage, diagnostics.

    Args:
        config: the project's settings.
        args: module names to show (a package takes its submodules along); none shows all.
    """
    result, modules = _run(config)
    unknown = [
        _diagnostic(
            "DG611",
            Severity.ERROR,
            f"no documented module is named '{name}'",
            hint="`docgen dump api` with no name lists every module",
        ).to_dict()
        for name in args
        if not any(m.name == name or m.name.startswith(name + ".") for m in modules)
    ]
    chosen = [
        m
        for m in modules
        if not args or any(m.name == a or m.name.startswith(a + ".") for a in args)
    ]
    return {
        "modules": [
            {
                "name": m.name,
                "file": m.file,
                "members": [
                    {"name": x.qualname, "kind": x.kind, "documented": x.documented, "line": x.line}
                    for x in m.walk()
                ],
                "reexports": [{"name": n, "defined_as": d} for n, d in m.reexports],
            }
            for m in chosen
        ],
        "coverage": {
            "total": coverage(chosen).to_dict(),
            "modules": {m.name: coverage([m]).to_dict() for m in chosen},
        },
        "diagnostics": [d.to_dict() for d in result.diagnostics] + unknown,
    }
