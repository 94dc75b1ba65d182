"""Reading a workflow's YAML values: as one line of text, every string with its line, the
leading comment; what an action reference pins; what a step caches; how many jobs a
matrix makes; whether a `uses:` is local."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath

from docgen.pipelines.load import Value, YamlList, YamlMap
from docgen.pipelines.model import ActionUse, Cache, Matrix, Step

_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION_TAG = re.compile(r"v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]*)?")
_CACHE_DIRECT = ("actions/cache", "actions/cache/restore", "actions/cache/save")


def flow(value: Value) -> str:
    """A value as one line of text, nested mappings and sequences in YAML flow style."""
    return _flow(value, set())


def _flow(value: Value, seen: set[int]) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if id(value) in seen:  # a recursive alias: legal YAML, never a real workflow
        return "…"
    seen = seen | {id(value)}
    if isinstance(value, YamlMap):
        return "{" + ", ".join(f"{k}: {_flow(v, seen)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_flow(v, seen) for v in value) + "]"


def _text(value: Value) -> str | None:
    return None if value is None else flow(value)


def leading_comment(text: str) -> str:
    """The comment block at the top of a file, without the `#`s, as Markdown text.

    Editor modelines (`# yaml-language-server: …`) and `---` are skipped; the block ends
    at the first line that is neither a comment nor blank.
    """
    lines: list[str] = []
    for raw in text.removeprefix("\ufeff").splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            body = stripped[1:]
            body = body.removeprefix(" ")
            if not lines and body.startswith(("yaml-language-server:", "!", "-*-")):
                continue
            lines.append(body.rstrip())
        elif stripped in ("", "---"):
            if lines:
                lines.append("")
        else:
            break
    return "\n".join(lines).strip("\n")


def _walk(
    value: Value, line: int, seen: set[int], *, keys: bool = True
) -> Iterator[tuple[str, int]]:
    """Every string in a value (keys too, unless `keys` is off) with the line it is on.

    Args:
        value: the YAML value to walk.
        line: the line of `value` itself.
        seen: ids of mappings and lists already walked, so a recursive alias stops.
        keys: also yield the keys of mappings.
    """
    if isinstance(value, str):
        yield value, line
    elif isinstance(value, YamlMap | YamlList) and id(value) not in seen:
        seen.add(id(value))
        if isinstance(value, YamlMap):
            for key, item in value.items():
                if keys:
                    yield key, value.line_of(key)
                yield from _walk(item, value.line_of(key), seen, keys=keys)
        else:
            for index, item in enumerate(value):
                yield from _walk(item, value.lines[index], seen, keys=keys)


def _pin(ref: str | None) -> str:
    if ref is None:
        return "none"
    if _SHA.fullmatch(ref):
        return "sha"
    if _VERSION_TAG.fullmatch(ref):
        return "tag"
    return "branch"


def _action(uses: str, job: str, line: int) -> ActionUse:
    if _is_local(uses):
        return ActionUse(uses, uses, None, "local", job, line)
    if uses.startswith("docker://"):
        image = uses.removeprefix("docker://")
        name, _, tag = image.partition("@") if "@" in image else image.rpartition(":")
        if not name:
            name, tag = tag, ""
        return ActionUse(uses, name, tag or None, "docker", job, line)
    name, at, ref = uses.partition("@")
    return ActionUse(uses, name, ref if at else None, _pin(ref if at else None), job, line)


def _cache(step: Step, job: str) -> Cache | None:
    if step.uses is None:
        return None
    action = step.uses.partition("@")[0]
    given = {s.name: s.value for s in step.with_}
    if action in _CACHE_DIRECT:
        return Cache(job, action, given.get("path", ""), given.get("key"), step.line)
    if action == "Swatinem/rust-cache":
        key = given.get("key") or given.get("shared-key") or given.get("prefix-key")
        return Cache(job, action, "Rust build outputs (target/, ~/.cargo)", key, step.line)
    if action.startswith("actions/setup-") and given.get("cache"):
        return Cache(job, action, f"{given['cache']} packages", None, step.line)
    if action == "astral-sh/setup-uv" and given.get("enable-cache") not in (None, "false"):
        return Cache(job, action, "uv packages", given.get("cache-suffix"), step.line)
    return None


def _matches(combo: dict[str, str], row: dict[str, str]) -> bool:
    return all(combo.get(k) == v for k, v in row.items())


def combinations(matrix: Matrix) -> int | None:
    """How many jobs a matrix makes, following GitHub's include/exclude rules.

    None when an expression decides it (a dimension, include, exclude or value
    computed at run time).
    """
    if matrix.expression or matrix.include_expression or matrix.exclude_expression:
        return None
    if any(d.expression is not None for d in matrix.dimensions):
        return None
    rows = [*matrix.include, *matrix.exclude]
    if any("${{" in s.value or s.name == "*" for row in rows for s in row):
        return None
    names = [d.name for d in matrix.dimensions]
    base = [
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(d.values for d in matrix.dimensions))
    ]
    if not names:
        base = []
    for row in matrix.exclude:
        wanted = {s.name: s.value for s in row}
        base = [combo for combo in base if not _matches(combo, wanted)]
    extra = 0
    for row in matrix.include:
        original = {s.name: s.value for s in row if s.name in names}
        # An include row extends every combination it does not contradict; one that
        # extends none is a job of its own.
        if not any(_matches(combo, original) for combo in base):
            extra += 1
    return len(base) + extra


def _some(names: Sequence[str], limit: int = 8) -> str:
    shown = sorted(set(names))
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def local_call(uses: str | None) -> str | None:
    """The file name a local reusable call names (`./.github/workflows/x.yml` → `x.yml`).

    None when `uses` is None or names no workflow of this repository.
    """
    if uses is None or not _is_local(uses):
        return None
    return PurePosixPath(uses.partition("@")[0]).name


def _is_local(uses: str) -> bool:
    # A remote reusable workflow always has `@ref`; a path into .github/workflows without
    # one can only mean this repository, whatever its prefix (dist writes `$/`).
    return uses.startswith("./") or ("@" not in uses and "/.github/workflows/" in uses)
