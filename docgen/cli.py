"""The `docgen` command: build, check, serve, dump, setup.

Exit codes: 0 clean, 1 problems found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import __version__, changelog_cli, report_cli, report_merge, shard
from docgen import run as runner
from docgen import stages as stage_registry
from docgen.api import diff_cli
from docgen.baseline import BASELINE_FILE, Baseline, load_baseline
from docgen.baseline import apply as apply_baseline
from docgen.baseline import record as record_baseline
from docgen.baseline import summary as baseline_summary
from docgen.baseline import write as write_baseline
from docgen.benchmarks import cli as bench_cli
from docgen.config import ENGINES, DocgenConfig, find_config_file
from docgen.deploy import cli as deploy_cli
from docgen.diagnostics import (
    Diagnostic,
    Severity,
    count,
    plural,
    render,
    render_summary,
    render_text,
    strict,
)
from docgen.engines import ConfigProblem
from docgen.init import cli as init_cli
from docgen.model import Context

if TYPE_CHECKING:
    from docgen.pipeline import BuildOptions, BuildOutcome

__all__ = ["main"]

EXAMPLES = """\
examples:
  docgen build --strict             build the site into site/, run every check
  docgen check --format github      check only (for pull requests), annotations on the diff
  docgen check --only pipelines,diagrams --offline
  docgen check --only links --site site/   check an already built site
  docgen serve                      live preview; generated pages follow their sources
  docgen dump pipelines             the pipelines model as JSON
  docgen setup                      install the pinned Mermaid into the user cache (once)
  docgen baseline                   accept today's findings; then only new ones fail
"""


class UsageError(Exception):
    """A mistake on the command line or in mkdocs.yml: exit 2 with one clear message."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen",
        description="Build, check and publish a project's documentation: API, pipelines, "
        "diagrams, examples and links.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"docgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-f",
            "--config-file",
            type=Path,
            help="mkdocs.yml path (default: mkdocs.yml, else mkdocs.yaml)",
        )
        sub.add_argument("--offline", action="store_true", help="never contact the network")

    def engine(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--engine",
            metavar="NAME",
            help=f"build with this engine ({', '.join(ENGINES)}), not the config's `engine:`",
        )

    def runs(sub: argparse.ArgumentParser) -> None:
        common(sub)
        sub.add_argument("-j", "--jobs", type=int, help="examples: pages run in parallel")
        sub.add_argument("--no-cache", action="store_true", help="ignore cached results")
        sub.add_argument(
            "--no-diagram-validation",
            action="store_true",
            help="do not validate Mermaid diagrams (the report says so)",
        )

    def checks(sub: argparse.ArgumentParser) -> None:
        runs(sub)
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument(
            "--format",
            choices=("text", "github", "json", "junit"),
            default="text",
            help="how to print the findings (default: text)",
        )
        sub.add_argument("-o", "--output", type=Path, help="write the findings to a file")
        sub.add_argument(
            "--no-baseline",
            action="store_true",
            help=f"ignore {BASELINE_FILE}: every finding counts",
        )

    build = commands.add_parser("build", help="build the site and run every check")
    checks(build)
    engine(build)
    check = commands.add_parser("check", help="run the checks without publishing anything")
    checks(check)
    engine(check)
    shard.add_argument(check)
    check.add_argument("--only", help="comma-separated stages, e.g. pipelines,links")
    check.add_argument("--site", type=Path, help="check this built site instead of building")
    check.add_argument("--update", action="store_true", help="examples: rewrite expected output")
    check.add_argument("--fix", action="store_true", help="lint: apply safe formatting fixes")
    serve = commands.add_parser("serve", help="live preview with mkdocs serve")
    common(serve)
    engine(serve)
    serve.add_argument("-a", "--dev-addr", help="address to serve on (default 127.0.0.1:8000)")
    dump = commands.add_parser("dump", help="print a stage's model as JSON")
    common(dump)
    dump.add_argument("stage", help="the stage: " + ", ".join(stage_registry.names()))
    dump.add_argument("args", nargs="*", help="stage arguments (paths, modules)")
    setup = commands.add_parser("setup", help="install what docgen needs (pinned Mermaid)")
    setup.add_argument("--offline", action="store_true", help="only check, never install")
    baseline = commands.add_parser(
        "baseline",
        help=f"accept today's findings in {BASELINE_FILE}; then only new ones fail",
        description=f"Run every check (as `docgen check`) and record its errors and "
        f"warnings in {BASELINE_FILE}, to commit. `build` and `check` then show them as "
        "known and fail only on new findings.",
    )
    runs(baseline)
    baseline.add_argument(
        "--update",
        dest="update_baseline",
        action="store_true",
        help="rewrite an existing baseline: fixed findings are dropped, new ones accepted",
    )
    deploy_cli.add_parsers(commands)
    diff_cli.add_parsers(commands)
    bench_cli.add_parsers(commands)
    changelog_cli.add_parsers(commands)
    init_cli.add_parsers(commands)
    report_cli.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the process arguments); return the exit code."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if "config_file" in args and args.config_file is None:
        args.config_file = find_config_file(Path())
    try:
        return int(_COMMANDS[args.command](args))
    except UsageError as exc:
        print(f"docgen: error: {exc}", file=sys.stderr)
        return 2


def _only(value: str | None) -> list[str] | None:
    if not value:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    known = stage_registry.names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown stage {unknown[0]!r} in --only; stages: {', '.join(known)}")
    return names


def _adjust(args: argparse.Namespace) -> Callable[[DocgenConfig], DocgenConfig]:
    def adjust(config: DocgenConfig) -> DocgenConfig:
        config = replace(config, offline=config.offline or args.offline)
        if args.no_cache:
            config = replace(config, page_cache=False)
        if config.examples is not None:
            examples = config.examples
            if args.jobs is not None:
                examples = replace(examples, jobs=args.jobs)
            if args.no_cache:
                examples = replace(examples, cache=False)
            if getattr(args, "update", False):
                examples = replace(examples, update=True)
            config = replace(config, examples=examples)
        if getattr(args, "fix", False) and config.lint is not None:
            config = replace(config, lint=replace(config.lint, fix=True))
        if args.no_diagram_validation and config.diagrams is not None:
            config = replace(config, diagrams=replace(config.diagrams, validate=False))
        return config

    return adjust


def _emit(
    args: argparse.Namespace,
    diagnostics: list[Diagnostic],
    stages: Sequence[str],
    report: Mapping[str, object] | None = None,
    split: shard.Split | None = None,
) -> int:
    """Print or write the findings in the chosen format; return the exit code they mean.

    Under `--shard I/N`, `--format json` writes this job's part for `docgen report merge`.
    """
    if args.strict:
        diagnostics = strict(diagnostics)
    shown = diagnostics if args.format in ("json", "junit") else _visible(diagnostics)
    text = render(shown, args.format, stages)
    if split is not None and args.format == "json":
        key = report_merge.config_key(
            args.config_file,
            offline=args.offline,
            strict=args.strict,
            only=_only(args.only),
            baseline=not args.no_baseline,
        )
        text = report_merge.dumps_part(split, diagnostics, config=key, report=report, stages=stages)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    elif text:
        sys.stdout.write(text)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as summary:
            summary.write(render_summary(diagnostics) + "\n")
    return 1 if count(diagnostics)["error"] else 0


def _visible(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Text and annotations show errors and warnings; notes only when nothing else is said.

    Known findings (the baseline's) are not shown; that some of them are fixed always is.
    """
    new = [d for d in diagnostics if not d.baseline]
    loud = [d for d in new if d.severity is not Severity.INFO or d.code == "DG111"]
    return loud if any(d.severity is not Severity.INFO for d in loud) else new


def _options(args: argparse.Namespace, site_dir: Path | None, *, baseline: bool) -> BuildOptions:
    """The pipeline's options from the command line."""
    from docgen.pipeline import BuildOptions  # noqa: PLC0415 - the pipeline loads when needed

    return BuildOptions(
        args.config_file,
        strict=getattr(args, "strict", False),
        site_dir=site_dir,
        only=tuple(only) if (only := _only(getattr(args, "only", None))) else None,
        adjust=_adjust(args) if "jobs" in args else None,
        baseline=baseline,
        offline=args.offline,
        engine=_engine(args),
        shard=getattr(args, "shard", None),
    )


def _engine(args: argparse.Namespace) -> str | None:
    """`--engine`, checked: an unknown name is a usage error before anything loads."""
    name: str | None = getattr(args, "engine", None)
    if name is not None and name not in ENGINES:
        raise UsageError(f"unknown engine {name!r} in --engine; engines: {', '.join(ENGINES)}")
    return name


def _run(args: argparse.Namespace, site_dir: Path | None, *, baseline: bool) -> BuildOutcome:
    """Build the site with the command line's options; the findings are the caller's to say."""
    from docgen import pipeline  # noqa: PLC0415 - MkDocs loads only when needed

    try:
        return pipeline.build(_options(args, site_dir, baseline=baseline))
    except ConfigProblem as exc:
        raise UsageError(str(exc)) from None


def _unusable_baseline(args: argparse.Namespace) -> bool:
    """Say so when the project's baseline cannot be used (exit 2, before any build)."""
    if args.no_baseline:
        return False
    found = load_baseline(args.config_file.resolve().parent)
    if not isinstance(found, Diagnostic):
        return False
    sys.stderr.write(render_text([found]))
    return True


def _known(report: Mapping[str, object]) -> str:
    """`, 12 known, 3 fixed` for the summary line: what the baseline did, if anything."""
    applied = report.get("baseline")
    if not isinstance(applied, Mapping) or applied.get("file") is None:
        return ""
    fixed = f", {applied['fixed']} fixed" if applied.get("fixed") else ""
    return f", {applied['known']} known{fixed}"


def _build(args: argparse.Namespace, site_dir: Path | None = None) -> int:
    start = time.perf_counter()
    if _unusable_baseline(args):
        return 2
    outcome = _run(args, site_dir, baseline=not args.no_baseline)
    split = outcome.context.split if outcome.context is not None else None
    code = _emit(args, list(outcome.diagnostics), outcome.stages, outcome.report, split)
    counts = count(strict(outcome.diagnostics) if args.strict else outcome.diagnostics)
    where = f" into {outcome.site_dir}" if args.command == "build" else ""
    if outcome.aborted:
        print(f"docgen: {outcome.aborted}", file=sys.stderr)
        code = 1
    pages = outcome.report.get("pages")
    reused = (
        f", {pages['reused']} of {pages['reused'] + pages['rendered']} pages reused"
        if isinstance(pages, dict) and pages.get("reused")
        else ""
    )
    print(
        f"docgen: {args.command}{where}: "
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}"
        f"{_known(outcome.report)} "
        f"({time.perf_counter() - start:.1f} s{reused})",
        file=sys.stderr,
    )
    return code


def cmd_build(args: argparse.Namespace) -> int:
    """`docgen build`: generate, build the site, run the checks, write the report."""
    return _build(args)


def cmd_check(args: argparse.Namespace) -> int:
    """`docgen check`: the same checks, into a temporary site (or on `--site DIR`)."""
    if args.site is not None:
        return _check_site(args)
    with tempfile.TemporaryDirectory(prefix="docgen-check-") as tmp:
        return _build(args, site_dir=Path(tmp))


def _check_site(args: argparse.Namespace) -> int:
    if not args.site.is_dir():
        raise UsageError(f"--site {args.site}: no such folder")
    config = _config(args)
    only = _only(args.only)
    if _unusable_baseline(args):
        return 2
    # A site built elsewhere: which pages it has, and where they came from, is not known.
    split = shard.Split(args.shard) if args.shard else None  # no pages known: by hash
    known = Context(offline=config.offline, engine=config.engine, split=split)
    results = runner.check_site(config, known, args.site.resolve(), only)
    diagnostics = [d for r in results for d in r.diagnostics]
    accepted = None if args.no_baseline else load_baseline(config.root)
    if isinstance(accepted, Baseline):
        checked = only or [r.stage for r in results]
        applied = apply_baseline(
            diagnostics, accepted, config.root, checked=checked, offline=config.offline
        )
        diagnostics = list(applied.diagnostics)
    return _emit(args, diagnostics, [r.stage for r in results], split=split)


def _config(args: argparse.Namespace) -> DocgenConfig:
    from docgen import pipeline  # noqa: PLC0415

    try:
        return pipeline.load_config(_options(args, None, baseline=False))
    except ConfigProblem as exc:
        raise UsageError(str(exc)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """`docgen serve`: a live preview by the config's engine (`mkdocs serve` with the plugin)."""
    from docgen import engines  # noqa: PLC0415

    config = _config(args)
    try:
        engines.get(config.engine).serve(
            engines.ServeJob(config, args.config_file, dev_addr=args.dev_addr)
        )
    except ConfigProblem as exc:
        raise UsageError(str(exc)) from None
    return 0


def _dump_config(args: argparse.Namespace) -> DocgenConfig:
    """mkdocs.yml's config; docgen's defaults in a folder without one, or whose mkdocs.yml
    does not enable docgen: a dump works in any repository."""
    from docgen.engines.mkdocs.facade import load_or_defaults  # noqa: PLC0415

    try:
        return load_or_defaults(args.config_file, offline=args.offline)
    except ConfigProblem as exc:
        raise UsageError(str(exc)) from None


def cmd_dump(args: argparse.Namespace) -> int:
    """`docgen dump STAGE [ARGS]`: the stage's JSON model on stdout."""
    stage = next((s for s in stage_registry.STAGES if s.name == args.stage), None)
    if stage is None or stage.dump is None:
        can = [s.name for s in stage_registry.STAGES if s.dump is not None]
        raise UsageError(f"no dump for stage {args.stage!r}; stages with one: {', '.join(can)}")
    config = _dump_config(args)
    if getattr(config, stage.name, None) is None:  # turned off in mkdocs.yml: dump defaults
        from docgen.engines.mkdocs.schema import SECTIONS  # noqa: PLC0415

        config = replace(config, **{stage.name: SECTIONS[stage.name]()})
    json.dump(stage.dump(config, args.args), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    """`docgen baseline [--update]`: record today's findings as accepted (see `docgen.baseline`).

    A baseline that exists is rewritten only with `--update`: plain `docgen baseline` must
    not accept new findings by accident.
    """
    root = args.config_file.resolve().parent
    before = load_baseline(root)
    if before is not None and not args.update_baseline:
        raise UsageError(
            f"{_shown(root / BASELINE_FILE)} exists; `docgen baseline --update` rewrites it "
            "(drops the fixed findings, accepts the new ones)"
        )
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="docgen-baseline-") as tmp:
        outcome = _run(args, Path(tmp), baseline=False)
    crashed = [d for d in outcome.diagnostics if d.code == "DG001"]
    if outcome.aborted or crashed:
        sys.stderr.write(render_text(crashed))
        why = outcome.aborted or "a stage crashed, its findings are unknown"
        print(f"docgen: baseline not written: {why}", file=sys.stderr)
        return 1
    recorded = record_baseline(outcome.diagnostics, root)
    if before is None and not recorded.findings:
        print("docgen: no errors nor warnings: no baseline needed", file=sys.stderr)
        return 0
    path = write_baseline(root, recorded)
    for line in baseline_summary(outcome.diagnostics):
        print(f"  {line}")
    change = ""
    if isinstance(before, Baseline):
        old = {k.key: k.count for k in before.findings}
        new = {k.key: k.count for k in recorded.findings}
        added = sum(max(n - old.get(key, 0), 0) for key, n in new.items())
        dropped = sum(max(n - new.get(key, 0), 0) for key, n in old.items())
        change = f" ({added} new, {dropped} fixed and dropped)"
    elif before is not None:
        change = " (the unreadable baseline was replaced)"
    print(
        f"docgen: {recorded.total} findings accepted in {_shown(path)}{change} "
        f"({time.perf_counter() - start:.1f} s); commit it: `build` and `check` now fail "
        "only on new findings",
        file=sys.stderr,
    )
    return 0


def _shown(path: Path) -> str:
    """`path` relative to the current folder when inside it, as the user would type it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def cmd_setup(args: argparse.Namespace) -> int:
    """`docgen setup`: install the pinned Mermaid (and anything else docgen needs) once."""
    if "diagrams" not in stage_registry.names():
        print("docgen: nothing to set up", file=sys.stderr)
        return 0
    from docgen.diagrams import setup  # noqa: PLC0415

    result = setup.install(offline=args.offline)
    print(f"docgen: {result.message}", file=sys.stderr)
    return 0 if result.ok else 1


_COMMANDS = {
    "build": cmd_build,
    "check": cmd_check,
    "serve": cmd_serve,
    "dump": cmd_dump,
    "setup": cmd_setup,
    "baseline": cmd_baseline,
    **deploy_cli.COMMANDS,
    **diff_cli.COMMANDS,
    **bench_cli.COMMANDS,
    **changelog_cli.COMMANDS,
    **init_cli.COMMANDS,
    **report_cli.COMMANDS,
}
