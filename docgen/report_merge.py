"""`docgen report merge`: the parts of a sharded check (`docgen check --shard I/N`) as one.

A part is what `docgen check --shard I/N --format json -o part-I.json` writes: the
shard's findings and counts (the shape of `--format json`), plus which shard it is, what
it checked, the docgen version and config it ran with, and its build report. The merge
refuses parts that do not fit together (another N, a shard missing or there twice,
another docgen or config, pages split another way) and otherwise gives one report:

- each finding once: a finding every shard makes (of generation, or about no file)
  counts once, as in an unsharded run; the most times any one part has it;
- the project's baseline applied again to the whole (a shard cannot tell which of the
  baseline's findings are fixed: others' look gone);
- one `report.json`, one quality page (`docgen.report.quality_page`), one set of
  annotations, exit code 1 when there are errors.

Diagnostic codes:

- DG120 error: a part file cannot be read, is not JSON or is not a docgen part.
- DG121 error: the parts do not fit together: which shard is missing, twice, or differs.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from docgen import __version__
from docgen.baseline import Baseline, load_baseline
from docgen.baseline import apply as apply_baseline
from docgen.diagnostics import Diagnostic, Location, Severity, count, sort_key
from docgen.report import quality_page
from docgen.shard import SPLIT_INPUT, Split

__all__ = [
    "FORMAT",
    "Merged",
    "Part",
    "config_key",
    "dumps_part",
    "from_dict",
    "merge",
    "merge_parts",
    "part",
    "read_part",
    "read_parts",
]

FORMAT = 1
"""The version of the part format; a part of another version is refused."""

_SUMMED = {"links": frozenset({"external_cached", "external_checked"})}
"""Summary counts split between shards (beside `SPLIT_INPUT` stages'): the merge adds them."""


def config_key(
    config_file: Path, *, offline: bool, strict: bool, only: Sequence[str] | None, baseline: bool
) -> dict[str, object]:
    """What must be equal in every part: the config file's hash and the options that change
    the findings.

    Args:
        config_file: the site's config file (its name and content are compared).
        offline: `--offline` was given.
        strict: `--strict` was given.
        only: the checks `--only` named, or None for all.
        baseline: the project's baseline was applied (no `--no-baseline`).
    """
    try:
        digest = hashlib.sha256(config_file.read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {
        "file": config_file.name,
        "sha256": digest,
        "offline": offline,
        "strict": strict,
        "only": sorted(only) if only else None,
        "baseline": baseline,
    }


def part(
    split: Split,
    diagnostics: Sequence[Diagnostic],
    *,
    config: Mapping[str, object],
    report: Mapping[str, object] | None,
    stages: Sequence[str] = (),
) -> dict[str, object]:
    """A shard's part of the report, as `docgen check --shard I/N --format json` writes it.

    Args:
        split: the shard and its plan (which pages it checked).
        diagnostics: the shard's findings, as it reports them.
        config: `config_key`'s answer for the run.
        report: the build's report (`docgen.report.build_report`), None for `--site`.
        stages: the stages that ran.
    """
    owner = dict(sorted(split.owner.items()))
    plan = hashlib.sha256(json.dumps(owner).encode()).hexdigest()
    shown = {k: v for k, v in (report or {}).items() if k != "diagnostics"}
    stage_reports = shown.get("stages")
    if isinstance(stage_reports, Mapping):
        shown["stages"] = {
            name: {k: v for k, v in stage.items() if k != "diagnostics"}
            for name, stage in stage_reports.items()
            if isinstance(stage, Mapping)
        }
    return {
        "diagnostics": [d.to_dict() for d in diagnostics],
        "counts": count(diagnostics),
        "format": FORMAT,
        "docgen": __version__,
        "shard": {
            "index": split.shard.index,
            "count": split.shard.count,
            "pages": sum(i == split.shard.index for i in owner.values()),
            "of": len(owner),
            "plan": plan,
        },
        "config": dict(config),
        "stages": list(stages),
        "report": shown or None,
    }


def dumps_part(
    split: Split,
    diagnostics: Sequence[Diagnostic],
    *,
    config: Mapping[str, object],
    report: Mapping[str, object] | None,
    stages: Sequence[str] = (),
) -> str:
    """`part`'s answer as the JSON text of a part file.

    `split`, `diagnostics`, `config`, `report` and `stages` are as `part` takes them.
    """
    shape = part(split, diagnostics, config=config, report=report, stages=stages)
    return json.dumps(shape, indent=2) + "\n"


def from_dict(shape: Mapping[str, object]) -> Diagnostic:
    """A `Diagnostic` from its JSON shape (`Diagnostic.to_dict`); KeyError/ValueError if not one."""
    file, line, end = shape.get("file"), shape.get("line"), shape.get("end_line")
    location = None
    if file is not None:
        if not isinstance(file, str) or not all(v is None or type(v) is int for v in (line, end)):
            raise ValueError("a finding's file must be text and its lines numbers")
        location = Location(
            file, line if isinstance(line, int) else None, end if isinstance(end, int) else None
        )
    hint = shape.get("hint")
    return Diagnostic(
        str(shape["code"]),
        Severity(str(shape["severity"])),
        str(shape["message"]),
        location,
        None if hint is None else str(hint),
        str(shape.get("stage") or ""),
        bool(shape.get("baseline", False)),
    )


@dataclass(frozen=True, slots=True)
class Part:
    """One part, read: its file, shard, what must match, findings and build report.

    Attributes:
        path: the part file.
        index: its shard's number, from 1.
        count: how many shards the check was split into.
        docgen: the docgen version that wrote it.
        config: `config_key`'s answer for its run.
        plan: a hash of how the pages were split, the same in every part of one check.
        pages: how many pages its shard checked.
        diagnostics: its findings.
        stages: the stages that ran.
        report: its build report, without findings; empty when it has none.
    """

    path: Path
    index: int
    count: int
    docgen: str
    config: Mapping[str, object]
    plan: str
    pages: int
    diagnostics: tuple[Diagnostic, ...]
    stages: tuple[str, ...]
    report: Mapping[str, object]


def _problem(
    code: str, message: str, path: Path | None, hint: str, line: int | None = None
) -> Diagnostic:
    location = Location(path.as_posix(), line) if path is not None else None
    return Diagnostic(code, Severity.ERROR, message, location, hint, "report")


def read_part(path: Path) -> Part | Diagnostic:
    """The part in the file at `path`, or one DG120 diagnostic saying why it cannot be used."""
    hint = "pass the files `docgen check --shard I/N --format json -o FILE` wrote"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return _problem("DG120", f"report part cannot be read: {exc.strerror or exc}", path, hint)
    except UnicodeDecodeError:
        return _problem("DG120", "report part is not UTF-8 text", path, hint)
    except json.JSONDecodeError as exc:
        return _problem("DG120", f"report part is not JSON: {exc.msg}", path, hint, exc.lineno)
    try:
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("format") != FORMAT:
            raise ValueError(f"not a docgen report part of format {FORMAT}")
        shard, config = data["shard"], data["config"]
        if not isinstance(shard, dict) or not isinstance(config, dict):
            raise ValueError("'shard' and 'config' must be objects")
        index, total = shard["index"], shard["count"]
        if type(index) is not int or type(total) is not int or not 1 <= index <= total:
            raise ValueError("'shard' must say an index between 1 and its count")
        found = data["diagnostics"]
        if not isinstance(found, list) or not all(isinstance(d, dict) for d in found):
            raise ValueError("'diagnostics' must be a list of findings")
        diagnostics = tuple(from_dict(d) for d in found)
        report, stages = data.get("report", {}), data.get("stages", [])
        report = {} if report is None else report
        if not isinstance(report, dict) or not isinstance(stages, list):
            raise ValueError("'report' must be an object and 'stages' a list")
    except (KeyError, ValueError, TypeError) as exc:
        what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        return _problem("DG120", f"not a docgen report part: {what}", path, hint)
    return Part(
        path,
        index,
        total,
        str(data.get("docgen")),
        config,
        str(shard.get("plan")),
        int(shard.get("pages") or 0),
        diagnostics,
        tuple(str(s) for s in stages),
        report,
    )


def _fit(parts: Sequence[Part]) -> Diagnostic | None:
    """DG121 when the parts are not the N parts of one sharded check."""
    hint = "merge the parts of one run: `docgen check --shard I/N` for each I from 1 to N"
    first = parts[0]
    for other in parts[1:]:
        if other.count != first.count:
            return _problem(
                "DG121",
                f"part of shard {other.index}/{other.count} does not fit {first.path.as_posix()}'s "
                f"{first.index}/{first.count}: N differs",
                other.path,
                hint,
            )
        if other.docgen != first.docgen:
            return _problem(
                "DG121",
                f"part made by docgen {other.docgen}, {first.path.as_posix()} by docgen "
                f"{first.docgen}",
                other.path,
                "run every shard with the same docgen version",
            )
        differs = sorted(
            k for k in {*first.config, *other.config} if first.config.get(k) != other.config.get(k)
        )
        if differs:
            return _problem(
                "DG121",
                f"part made with another config than {first.path.as_posix()} "
                f"({', '.join(differs)} differ)",
                other.path,
                "run every shard on the same commit with the same options",
            )
    seen: dict[int, Part] = {}
    for each in parts:
        if each.index in seen:
            return _problem(
                "DG121",
                f"shard {each.index}/{each.count} twice: {seen[each.index].path.as_posix()} and "
                f"{each.path.as_posix()}",
                each.path,
                hint,
            )
        seen[each.index] = each
    missing = [i for i in range(1, first.count + 1) if i not in seen]
    if missing:
        names = ", ".join(f"{i}/{first.count}" for i in missing)
        return _problem(
            "DG121",
            f"shard{'s' * (len(missing) > 1)} {names} missing: {len(parts)} of {first.count} "
            f"parts given",
            None,
            hint + "; a failed job must still upload its part (`if: always()`)",
        )
    plans = {p.plan for p in parts}
    if len(plans) > 1:
        return _problem(
            "DG121",
            "the shards split the pages differently: their sites were not the same",
            None,
            "generated pages must not differ between jobs (same commit, same tools)",
        )
    return None


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _key(diagnostic: Diagnostic) -> str:
    return json.dumps(diagnostic.to_dict(), sort_keys=True)


def _findings(parts: Sequence[Part]) -> list[Diagnostic]:
    """Each finding as many times as the part that has it most: what every shard says
    (generation, no file) counts once; each check's own findings are one shard's only."""
    most: dict[str, tuple[int, Diagnostic]] = {}
    for each in parts:
        here = Counter(_key(d) for d in each.diagnostics)
        for diagnostic in each.diagnostics:
            key = _key(diagnostic)
            if key not in most or most[key][0] < here[key]:
                most[key] = (here[key], diagnostic)
    return [d for times, d in most.values() for _ in range(times)]


def _summary(stage: str, summaries: Sequence[Mapping[str, object]]) -> dict[str, object]:
    merged: dict[str, object] = {}
    summed = _SUMMED.get(stage, frozenset())
    for summary in summaries:
        for key, value in summary.items():
            if key == "shard":
                continue
            before = merged.get(key)
            split = stage in SPLIT_INPUT or key in summed
            if (
                split
                and isinstance(before, int | float)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                merged[key] = before + value
            elif key not in merged:
                merged[key] = value
    return merged


@dataclass(frozen=True, slots=True)
class Merged:
    """The merge: the report (`report.json`'s shape), its findings, and the quality page.

    Attributes:
        report: the merged report, in `report.json`'s shape.
        diagnostics: each finding of the merged report, the baseline applied anew.
        stages: the stages any part ran.
        quality_page: the quality page's Markdown.
    """

    report: dict[str, object]
    diagnostics: tuple[Diagnostic, ...]
    stages: tuple[str, ...]
    quality_page: str


def _rebaselined(
    found: list[Diagnostic], parts: Sequence[Part], root: Path
) -> tuple[list[Diagnostic], dict[str, object] | None]:
    """The findings with the project's baseline applied anew, if the shards applied one."""
    fresh = [d for d in found if d.code != "DG111"]
    fresh = [replace(d, baseline=False) for d in fresh]
    applied = parts[0].report.get("baseline")
    if not isinstance(applied, Mapping) or applied.get("file") is None:
        return fresh, None
    accepted = load_baseline(root)
    if not isinstance(accepted, Baseline):
        problem = [accepted] if isinstance(accepted, Diagnostic) else []
        return fresh + problem, {"file": None, "known": 0, "fixed": 0}
    only = parts[0].config.get("only")
    result = apply_baseline(
        fresh,
        accepted,
        root,
        checked=[str(s) for s in only] if isinstance(only, list) else None,
        offline=bool(parts[0].report.get("offline")),
    )
    info = {"file": applied["file"], "known": result.known, "fixed": result.fixed}
    return list(result.diagnostics), info


def merge(paths: Sequence[Path], root: Path) -> Merged | Diagnostic:
    """Merge the parts in `paths` into one report, or say why they cannot be merged.

    Args:
        paths: the part files, in any order.
        root: the project root, whose baseline is applied again to the merged findings.
    """
    read = read_parts(paths)
    if read and isinstance(read[0], Diagnostic):
        return read[0]
    return merge_parts([p for p in read if isinstance(p, Part)], root)


def read_parts(paths: Sequence[Path]) -> list[Part] | list[Diagnostic]:
    """The parts in `paths`, or one DG120 for each that cannot be used (all of them said).

    Args:
        paths: the part files, in any order.
    """
    read = [read_part(path) for path in paths]
    unusable = [r for r in read if isinstance(r, Diagnostic)]
    return unusable or [r for r in read if isinstance(r, Part)]


def merge_parts(parts: list[Part], root: Path) -> Merged | Diagnostic:
    """Merge the parts read from their files into one report, or say why they do not fit.

    Args:
        parts: the parts, in any order.
        root: the project root, whose baseline is applied again to the merged findings.
    """
    if not parts:
        return _problem("DG121", "no parts to merge", None, "pass the N part files")
    misfit = _fit(parts)
    if misfit is not None:
        return misfit
    parts.sort(key=lambda p: p.index)
    found, baseline = _rebaselined(_findings(parts), parts, root)
    found.sort(key=sort_key)
    first = parts[0].report
    stages = list(dict.fromkeys(s for p in parts for s in p.stages))
    reports: dict[str, list[Mapping[str, object]]] = {}
    for each in parts:
        theirs = each.report.get("stages")
        for name, stage in theirs.items() if isinstance(theirs, Mapping) else ():
            if isinstance(stage, Mapping):
                reports.setdefault(str(name), []).append(stage)
    stage_names = list(dict.fromkeys([*reports, *stages, *(d.stage for d in found if d.stage)]))
    merged_stages: dict[str, object] = {}
    for name in stage_names:
        own = [d for d in found if d.stage == name]
        theirs_list = reports.get(name, [])
        seconds = [s.get("seconds") for s in theirs_list]
        pages = [s.get("pages") for s in theirs_list]
        merged_stages[name] = {
            "seconds": max((float(s) for s in seconds if isinstance(s, int | float)), default=0.0),
            "pages": next((p for p in pages if isinstance(p, int)), 0),
            "summary": _summary(name, [_mapping(s.get("summary")) for s in theirs_list]),
            "counts": count(own),
            "known": sum(d.baseline for d in own),
            "diagnostics": [d.to_dict() for d in own],
        }
    count_shards = parts[0].count
    report: dict[str, object] = {
        "docgen": parts[0].docgen,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": max(
            (float(s) for p in parts if isinstance(s := p.report.get("seconds"), int | float)),
            default=0.0,
        ),
        "offline": bool(first.get("offline", parts[0].config.get("offline"))),
        "strict": bool(first.get("strict", parts[0].config.get("strict"))),
        "stages": merged_stages,
        "disabled": _names(first.get("disabled")),
        "not_available": _names(first.get("not_available")),
        "counts": count(found),
        "baseline": baseline or {"file": None, "known": 0, "fixed": 0},
        "diagnostics": [d.to_dict() for d in found],
        "shards": {
            "count": count_shards,
            "pages": [p.pages for p in parts],
        },
    }
    page = quality_page(report).rstrip("\n") + (
        f"\n\nChecked in {count_shards} shards (`docgen check --shard I/{count_shards}`), "
        "merged by `docgen report merge`.\n"
    )
    return Merged(report, tuple(found), tuple(stages), page)
