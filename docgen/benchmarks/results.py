"""Reading benchmark result files into the model: one `Run` per file (or criterion tree),
whatever its format, and one diagnostic per file that cannot be read.

`read(config)` reads what the `results:` globs match; `docgen dump benchmarks PATH...` and
`docgen bench record FILE...` pass their own paths. A folder is walked: a criterion tree
(`target/criterion`) is one run, any other file in it is read on its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from docgen import codes
from docgen.benchmarks import formats
from docgen.benchmarks.formats import criterion
from docgen.benchmarks.formats.base import Directions, Malformed, Source, json_line
from docgen.benchmarks.model import Run
from docgen.config import BenchmarksConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["STAGE", "Results", "read", "read_file"]

STAGE = "benchmarks"
"""The stage that reports the diagnostics of reading results."""


@dataclass(frozen=True, slots=True)
class Results:
    """The result files read, and what was wrong with those that could not be.

    Attributes:
        runs: a run per file (per tree for criterion), in the order of the paths given.
        diagnostics: one per file that could not be read, or path that matched nothing.
    """

    runs: tuple[Run, ...]
    diagnostics: tuple[Diagnostic, ...]


def read(config: DocgenConfig, paths: Sequence[str] = ()) -> Results:
    """Every result file of `paths`, or of the config's `results:` globs when there are none.

    Args:
        config: the project's config: its root, and the `benchmarks` section's `results`
            and `directions`.
        paths: files or folders, relative to the working folder or absolute; they replace
            the `results:` globs (which are relative to the project's root).
    """
    settings = config.benchmarks or BenchmarksConfig()
    root = config.root
    diagnostics = _check_directions(config, settings)
    directions = Directions(settings.directions)
    runs: list[Run] = []
    done: set[Path] = set()  # files and folders read, absolute
    for pattern, found in _targets(root, paths, settings.results):
        if not found:
            where = "the path" if paths else "the `results` glob"
            found_none = _diagnostic(
                "DG014",
                f"{where} {pattern!r} matches no file",
                _config_file(config) if not paths else pattern,
                None if paths else _config_line(config, pattern),
                "run the benchmarks first, or fix the path"
                if paths
                else "run the benchmarks first, or fix the glob in `benchmarks: {results: "
                "[...]}`; it is relative to the folder of mkdocs.yml",
            )
            # A configured glob matches nothing until the benchmarks have run (a writer's
            # build, a docs-only job): a note. A path given on the command line: a warning.
            diagnostics.append(found_none if paths else replace(found_none, severity=Severity.INFO))
        for path in found:
            if path.is_dir():
                found_runs, problems = _read_folder(path, root, directions, done)
                runs += found_runs
                diagnostics += problems
            elif _absolute(path) not in done:  # two globs may match one file
                done.add(_absolute(path))
                run, found_problems = read_file(path, root, directions)
                runs += [run] if run is not None else []
                diagnostics += found_problems
    return Results(tuple(runs), tuple(diagnostics))


def read_file(
    path: Path, root: Path, directions: Directions | Mapping[str, str] | None = None
) -> tuple[Run | None, tuple[Diagnostic, ...]]:
    """The run one result file holds, its format detected from its content; or None and
    the one diagnostic that says why not.

    Args:
        path: the file, or a criterion tree's folder.
        root: the project's root: the run's `file` and the diagnostics' paths are
            relative to it when inside it.
        directions: the config's `directions` (or `Directions` of them), for the formats
            that do not say which way is better.
    """
    chosen = directions if isinstance(directions, Directions) else Directions(directions or {})
    file = _shown(path, root)
    if path.is_dir():
        if criterion.roots(path) != [path]:
            hint = "name the files, or pass the folder to `docgen dump benchmarks`"
            message = "a folder that is not a criterion tree"
            return None, (_diagnostic("DG012", message, file, None, hint),)
        tree, malformed = criterion.read_tree(path, file, chosen)
        return tree, tuple(_malformed(p, None, criterion.TITLE, root) for p in malformed)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
        return None, (
            _diagnostic(
                "DG013",
                f"cannot read the result file: {reason}",
                file,
                None,
                "point `results` at the benchmark tool's output",
            ),
        )
    if not text.strip():
        message = "the result file is empty"
        return None, (_diagnostic("DG016", message, file, None, "run the benchmarks again"),)
    data: object = None
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            return None, (
                _diagnostic(
                    "DG010",
                    f"not valid JSON: {error.msg}",
                    file,
                    error.lineno,
                    "write the file again with the benchmark tool; a run cut short leaves "
                    "it truncated",
                ),
            )
    source = Source(path, file, text, data)
    found = formats.detect(source)
    if found is None:
        return None, (
            _diagnostic(
                "DG012",
                "not a result file docgen reads",
                file,
                None,
                f"docgen reads {', '.join(formats.NAMES)}",
            ),
        )
    try:
        run = found.read(source, chosen)
    except Malformed as error:
        return None, (_malformed(error, source, found.title, root),)
    if not run.series:
        return run, (
            _diagnostic(
                "DG016",
                f"the {found.title} file holds no benchmark",
                file,
                None,
                "check that the benchmarks ran, and that the file is the right one",
            ),
        )
    return run, ()


def _read_folder(
    folder: Path, root: Path, directions: Directions, done: set[Path]
) -> tuple[list[Run], list[Diagnostic]]:
    """A folder's runs: each criterion tree in it is one run; every other file is one, and
    a file that is not JSON and in no format is skipped quietly (READMEs, logs). What is
    in `done` is skipped, and what is read is added to it."""
    runs: list[Run] = []
    diagnostics: list[Diagnostic] = []
    here = _absolute(folder)
    if any(read == here or read in here.parents for read in done):
        return runs, diagnostics  # inside a folder read already (`results/**`)
    trees = criterion.roots(folder)
    for tree in trees:
        if _absolute(tree) in done:
            continue
        done.add(_absolute(tree))
        run, malformed = criterion.read_tree(tree, _shown(tree, root), directions)
        runs += [run] if run is not None else []
        diagnostics += [_malformed(p, None, criterion.TITLE, root) for p in malformed]
    inside = tuple(_absolute(t) for t in trees)
    for path in _walk(here):
        if path in done or any(t == path.parent or t in path.parents for t in inside):
            continue
        done.add(path)
        found, problems = read_file(path, root, directions)
        if problems and problems[0].code == "DG012" and not _looks_json(path):
            continue
        runs += [found] if found is not None else []
        diagnostics += problems
    done.add(here)
    return runs, diagnostics


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(current, name)


def _looks_json(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(64).lstrip()[:1] in (b"{", b"[")
    except OSError:
        return False


def _targets(
    root: Path, paths: Sequence[str], globs: Sequence[str]
) -> list[tuple[str, list[Path]]]:
    """Each path or glob with what it matches, in order."""
    if paths:
        return [(p, [Path(p)] if Path(p).exists() else []) for p in paths]
    targets: list[tuple[str, list[Path]]] = []
    for pattern in globs:
        path = Path(pattern)
        base, rest = (
            (Path(path.anchor), path.relative_to(path.anchor))
            if path.is_absolute()
            else (root, path)
        )
        matches = sorted(base.glob(str(rest))) if str(rest) != "." else [base]
        targets.append((pattern, matches))
    return targets


def _check_directions(config: DocgenConfig, settings: BenchmarksConfig) -> list[Diagnostic]:
    return [
        _diagnostic(
            "DG015",
            f"`directions` says {value!r} for {pattern!r}: neither `smaller` nor `bigger`",
            _config_file(config),
            _config_line(config, pattern),
            "say `smaller` (times, memory) or `bigger` (throughput) is better",
        )
        for pattern, value in settings.directions.items()
        if value not in ("smaller", "bigger")
    ]


def _malformed(error: Malformed, source: Source | None, title: str, root: Path) -> Diagnostic:
    """The diagnostic of a file that does not fit `title`, at the offending key's line."""
    file = _shown(error.file, root) if error.file is not None else (source.file if source else "")
    line: int | None
    if isinstance(error.where, int):
        line = error.where
    else:
        text = source.text if source is not None and error.file is None else _text(error.file)
        line = json_line(text, error.where) if text is not None else None
    hint = error.hint or f"write the file again with the tool; it is not {title} as it stands"
    return _diagnostic("DG011", f"{title}: {error.message}", file, line, hint)


def _text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _diagnostic(code: str, message: str, file: str, line: int | None, hint: str) -> Diagnostic:
    severity = Severity(codes.get(code).severity)
    return Diagnostic(code, severity, message, Location(file, line), hint, stage=STAGE)


def _shown(path: Path, root: Path) -> str:
    """`path` as the user sees it: relative to `root` when inside it."""
    try:  # without following links first: resolving costs a system call per folder
        return _absolute(path).relative_to(_absolute(root)).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _absolute(path: Path) -> Path:
    """`path` made absolute and normalised (`..` removed), links not followed."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() follows links, slowly


def _config_file(config: DocgenConfig) -> str:
    return _shown(config.site_config, config.root)


def _config_line(config: DocgenConfig, needle: str) -> int | None:
    """The line of mkdocs.yml that mentions `needle` (a glob, a pattern), if any."""
    text = _text(config.site_config)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None
