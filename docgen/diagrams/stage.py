"""The diagrams stage's entry points: generate, transform, check, dump (see the package doc)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from docgen import docsdir, escape, jsonenc
from docgen.config import DiagramsConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.diagrams import collect, setup, validate
from docgen.diagrams.collect import Diagram, Embed
from docgen.jsonenc import to_json
from docgen.model import Asset, Document, Page, StageResult

__all__ = ["check", "dump", "generate", "markdown_extensions", "transform"]

STAGE = "diagrams"
MERMAID_JS = "js/mermaid.min.js"
DOCGEN_JS = "js/docgen-mermaid.js"
_SETUP_HINT = (
    f"run `{setup.SETUP_COMMAND}` once (it needs Node.js 20.19+ and npm), or skip validation"
    " explicitly with `--no-diagram-validation` (diagrams: validate: false)"
)
_TYPES_HINT = (
    "start the diagram with a type Mermaid knows: flowchart, sequenceDiagram, classDiagram,"
    " stateDiagram-v2, erDiagram, gantt, pie, mindmap, gitGraph, timeline, …"
)


def markdown_extensions() -> dict[str, dict[str, object]]:
    """The Markdown extensions that turn ```` ```mermaid ```` fences into diagrams.

    Material for MkDocs renders `<pre class="mermaid">` with the global `mermaid` that
    `generate` serves; `format` must be the function itself in MkDocs' config.
    """
    # Imported by name: pymdown-extensions ships no type information.
    superfences = import_module("pymdownx.superfences")
    fence = {"name": "mermaid", "class": "mermaid", "format": superfences.fence_code_format}
    return {"pymdownx.superfences": {"custom_fences": [fence]}}


def _settings(config: DocgenConfig) -> DiagramsConfig:
    return config.diagrams or DiagramsConfig()


def page_path(config: DocgenConfig) -> str:
    """Where the Architecture page goes: beside a hand-written `architecture.md`, if any."""
    if (config.docs_dir / "architecture.md").exists():
        return "architecture/diagrams.md"
    return "architecture.md"


def _fence_for(text: str) -> str:
    longest = max((len(run) for run in text.split("\n") if set(run.strip()) == {"`"}), default=0)
    return "`" * max(3, longest + 1)


def _architecture_page(config: DocgenConfig, diagrams: Sequence[Diagram]) -> Page:
    folder = _settings(config).dir
    path = page_path(config)
    title = "Architecture" if path == "architecture.md" else "Diagrams"
    parts = [
        f"# {title}",
        "",
        f"The project's diagrams, drawn from the Mermaid files in {escape.code(folder + '/')}.",
        "",
    ]
    for diagram in diagrams:
        heading, description = collect.describe(diagram.text, Path(diagram.source).stem)
        fence = _fence_for(diagram.text)
        parts += [f"## {escape.markdown(heading)}", ""]
        # Comment lines are text, not Markdown: a `<script>` in one shows as written.
        parts += [f"{escape.markdown(p)}\n" for p in description.split("\n\n") if p]
        parts += [f"{fence}mermaid", diagram.text.rstrip("\n"), fence, ""]
        parts += [f"Source: {escape.code(diagram.source)}", ""]
    nav = () if path == "architecture.md" else ("Architecture",)
    return Page(path, title, "\n".join(parts), nav, folder)


def _read(config: DocgenConfig, path: Path) -> Diagram | Diagnostic:
    try:
        return collect.read_file(config, path)
    except (OSError, UnicodeDecodeError) as error:
        return Diagnostic(
            "DG408",
            Severity.ERROR,
            f"cannot read diagram: {error}",
            Location(config.relative(path)),
            hint="save the file as UTF-8 text",
            stage=STAGE,
        )


def generate(config: DocgenConfig) -> StageResult:
    """The Architecture page from the diagrams folder, and the Mermaid the site serves.

    The folder and options come from the `diagrams` section of `config`.
    """
    settings = _settings(config)
    read = [
        _read(config, path) for path in collect.diagram_files(config.root / _settings(config).dir)
    ]
    files = [d for d in read if isinstance(d, Diagram)]
    diagnostics = [d for d in read if isinstance(d, Diagnostic)]
    pages = (_architecture_page(config, files),) if files else ()
    assets: tuple[Asset, ...] = ()
    scripts: tuple[str, ...] = ()
    if setup.installed():
        if settings.validate:
            validate.prewarm()
        assets = (
            Asset(MERMAID_JS, setup.mermaid_js()),
            Asset(DOCGEN_JS, setup.PACKAGE_DIR / "docgen-mermaid.js"),
        )
        scripts = (MERMAID_JS, DOCGEN_JS)
    elif not settings.validate:
        # With validation on, check's DG405 already says this; one problem, one diagnostic.
        diagnostics.append(
            Diagnostic(
                "DG410",
                Severity.WARNING,
                "Mermaid is not installed, so the site cannot serve it and diagrams will not"
                " render offline",
                hint=f"run `{setup.SETUP_COMMAND}` once",
                stage=STAGE,
            )
        )
    model = {
        "diagrams": [
            dict(
                zip(
                    ("source", "title", "description"),
                    (d.source, *collect.describe(d.text, Path(d.source).stem)),
                    strict=True,
                )
            )
            for d in files
        ],
        "page": pages[0].path if pages else None,
        "mermaid": setup.mermaid_version(),
    }
    return StageResult(
        STAGE,
        pages=pages,
        assets=assets,
        diagnostics=tuple(diagnostics),
        watch=(config.root / settings.dir,),
        model=model,
        summary={"diagram files": len(files)},
        extra_javascript=scripts,
    )


def transform(config: DocgenConfig, document: Document) -> str:
    """The page with every `file="…"` fence's body replaced by the file it names.

    Args:
        config: the project's settings; embedded files are read under its root.
        document: the page whose Markdown is returned, changed or not.
    """
    if "file" not in document.markdown:
        return document.markdown
    lines = document.markdown.split("\n")
    for fence in reversed(list(collect.fences(document.markdown))):
        if fence.embed is None:
            continue
        embed = collect.resolve(config, fence)
        opening = lines[fence.start].lstrip(" \t")
        mark = opening[: len(opening) - len(opening.lstrip(opening[0]))]
        read = _read(config, embed.path) if embed.path is not None else None
        if not isinstance(read, Diagram):  # check reports it (DG407, DG408)
            body = [f"{fence.indent}**Missing diagram:** `{embed.source}`"]
        else:
            text = read.text.rstrip("\n")
            mark = max(mark, mark[0] * len(_fence_for(text)), key=len)
            inner = [f"{fence.indent}{line}" if line else "" for line in text.split("\n")]
            body = [f"{fence.indent}{mark}mermaid", *inner, f"{fence.indent}{mark}"]
        lines[fence.start : fence.end + 1] = body
    return "\n".join(lines)


_DIAGRAM_KEYS = (
    "source",
    "line",
    "origin",
    "page",
)  # what a dump shows of a diagram (not its text)


@dataclass(frozen=True, slots=True)
class _Found:
    """A diagram and what became of it, for diagnostics and `docgen dump diagrams`."""

    diagram: Diagram = field(metadata=jsonenc.key(flatten={k: k for k in _DIAGRAM_KEYS}))
    kind: str | None = None
    valid: bool | None = None
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = to_json(self)
        return data


def _content_line(text: str) -> int:
    """The 1-based line of a diagram's first line that is not blank or a `%%` comment."""
    lines = [line.strip() for line in text.split("\n")]
    meaningful = (n for n, s in enumerate(lines, 1) if s and not _is_comment(s))
    return next(meaningful, 1)


def _is_comment(line: str) -> bool:
    """A `%%` comment line (stripped), not a `%%{…}%%` directive."""
    return line.startswith("%%") and not line.startswith("%%{")


def _collect(
    config: DocgenConfig, documents: Sequence[Document]
) -> tuple[list[Diagram], list[Diagnostic]]:
    diagrams: list[Diagram] = []
    diagnostics: list[Diagnostic] = []
    seen: set[str] = set()

    def add_file(path: Path) -> None:
        source = config.relative(path)
        if source in seen:
            return
        seen.add(source)
        read = _read(config, path)
        if isinstance(read, Diagram):
            diagrams.append(read)
        else:
            diagnostics.append(read)

    for path in collect.diagram_files(config.root / _settings(config).dir):
        add_file(path)
    architecture = page_path(config)
    for document in documents:
        if document.generated and document.path == architecture:
            continue  # made from the diagrams folder, which is checked file by file
        for found in collect.document_diagrams(config, document):
            if isinstance(found, Diagram):
                diagrams.append(found)
            elif found.path is not None:
                add_file(found.path)
            else:
                diagnostics.append(_missing_embed(document, found))
    return diagrams, diagnostics


def _missing_embed(document: Document, embed: Embed) -> Diagnostic:
    line = None if document.generated else embed.fence.start + 1
    return Diagnostic(
        "DG407",
        Severity.ERROR,
        f"diagram file '{embed.source}' does not exist (paths are relative to the project root)",
        Location(document.source, line),
        hint='fix the file="…" path of the mermaid fence, or add the .mmd file',
        stage=STAGE,
    )


def _shape(settings: DiagramsConfig, diagram: Diagram) -> Diagnostic | None:
    """Problems found without Mermaid: an empty or oversized diagram."""
    if not any(s and not _is_comment(s) for s in map(str.strip, diagram.text.split("\n"))):
        return Diagnostic(
            "DG403",
            Severity.ERROR,
            "empty diagram: it has no Mermaid code",
            Location(diagram.source, diagram.file_line(1)),
            hint="write the diagram, or remove the empty file or fence",
            stage=STAGE,
        )
    if len(diagram.text) > settings.max_size:
        return Diagnostic(
            "DG404",
            Severity.ERROR,
            f"diagram has {len(diagram.text):,} characters, more than the limit of"
            f" {settings.max_size:,} (Mermaid would show an error instead)",
            Location(diagram.source, diagram.file_line(1)),
            hint="split the diagram, or raise diagrams: max_size in mkdocs.yml",
            stage=STAGE,
        )
    return None


def _verdict(diagram: Diagram, outcome: validate.Outcome) -> tuple[_Found, Diagnostic | None]:
    if outcome.ok:
        return _Found(diagram, outcome.kind, True), None
    if outcome.error == "unknown":
        line = _content_line(diagram.text)
        first = diagram.text.split("\n")[line - 1].strip().split()[0]
        message = f"unknown diagram type '{first}'"
        code, where, hint = "DG402", diagram.file_line(line), _TYPES_HINT
    else:
        message = f"Mermaid syntax error: {outcome.message}"
        code, where = "DG401", diagram.file_line(outcome.line)
        hint = "fix the diagram; https://mermaid.js.org/intro/syntax-reference.html has the syntax"
    if diagram.line is None and outcome.line is not None:
        message += f" (line {outcome.line} of a diagram on generated page {diagram.page})"
    found = _Found(diagram, None, False, message)
    return found, Diagnostic(
        code, Severity.ERROR, message, Location(diagram.source, where), hint, STAGE
    )


def _survey(
    config: DocgenConfig, documents: Sequence[Document]
) -> tuple[list[_Found], list[Diagnostic], dict[str, object]]:
    settings = _settings(config)
    diagrams, diagnostics = _collect(config, documents)
    # One verdict per diagram, in the order found; None until Mermaid has seen it.
    verdicts: list[_Found | None] = []
    to_parse: list[int] = []
    for diagram in diagrams:
        problem = _shape(settings, diagram)
        if problem is None:
            to_parse.append(len(verdicts))
            verdicts.append(None)
        else:
            diagnostics.append(problem)
            verdicts.append(_Found(diagram, None, False, problem.message))
    summary: dict[str, object] = {"diagrams": len(diagrams)}
    if not settings.validate:
        summary["validation"] = "skipped: opted out"
        diagnostics.append(
            Diagnostic(
                "DG406",
                Severity.INFO,
                f"validation skipped: opted out; {len(to_parse)} diagrams were not checked",
                hint="drop --no-diagram-validation (diagrams: validate: false) to check them",
                stage=STAGE,
            )
        )
    else:
        try:
            cache = config.cache_dir / "diagrams" if config.page_cache else None
            outcomes = validate.parse([diagrams[i].text for i in to_parse], cache=cache)
        except validate.ValidatorError as error:
            missing = not setup.installed() or "Node.js is not installed" in str(error)
            diagnostics.append(
                Diagnostic(
                    "DG405" if missing else "DG409",
                    Severity.ERROR,
                    f"cannot validate {len(to_parse)} diagrams: {error}",
                    hint=_SETUP_HINT if missing else "report this with the message above",
                    stage=STAGE,
                )
            )
            summary["validation"] = f"failed: {error}"
        else:
            for index, outcome in zip(to_parse, outcomes, strict=True):
                verdicts[index], problem = _verdict(diagrams[index], outcome)
                if problem is not None:
                    diagnostics.append(problem)
            summary["validation"] = f"Mermaid {setup.mermaid_version()}"
    found = [v or _Found(d) for v, d in zip(verdicts, diagrams, strict=True)]
    summary["invalid"] = sum(f.valid is False for f in found)
    return found, diagnostics, summary


def check(config: DocgenConfig, documents: Sequence[Document]) -> StageResult:
    """Validate every diagram: the folder's files, and each page's fences and embeds.

    Args:
        config: the project's settings (the diagrams folder, whether to validate).
        documents: every page's Markdown, hand-written and generated.
    """
    found, diagnostics, summary = _survey(config, documents)
    return StageResult(
        STAGE,
        diagnostics=tuple(diagnostics),
        model={"diagrams": [f.to_dict() for f in found]},
        summary=summary,
    )


def _hand_written(config: DocgenConfig) -> list[Document]:
    return docsdir.documents(config)


def dump(config: DocgenConfig, args: Sequence[str]) -> Mapping[str, object]:
    """`docgen dump diagrams`: every diagram of the folder and the docs, validated.

    The pages are the hand-written ones in the docs folder of `config`. `args` may name
    pages or `.mmd` files (as shown in `source`) to keep only theirs.
    """
    found, diagnostics, summary = _survey(config, _hand_written(config))
    wanted = set(args)
    return {
        "diagrams": [f.to_dict() for f in found if not wanted or f.diagram.source in wanted],
        "diagnostics": [d.to_dict() for d in diagnostics],
        "summary": summary,
    }
