"""Data blocks (YAML, JSON, TOML): parsed, so a syntax error is reported (DG507)."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from docgen.diagnostics import Diagnostic, Severity
from docgen.examples.collect import Example
from docgen.examples.findings import SKIP_HINT, diagnostic
from docgen.examples.include import expand_text

__all__ = ["check_data", "placeholder", "without_elisions"]

_ELISION = re.compile(r"^\s*(?:#|//)?\s*(?:\.\.\.|…)")
# `<TARGET_NAME>`, `<YOUR-TOKEN>`: a value for the reader to fill in.
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_-]*>")


def placeholder(code: str) -> str | None:
    """The first `<UPPER_CASE>` placeholder of a data block's `code`, or None."""
    found = _PLACEHOLDER.search(code)
    return found.group(0) if found else None


def without_elisions(code: str) -> str:
    """A data block's `code` with its elision lines blanked, line numbers kept.

    A comma left dangling before a closing bracket by an elided last item goes too.
    """
    lines = code.split("\n")
    for number, text in enumerate(lines):
        if not _ELISION.match(text):
            continue
        lines[number] = ""
        before = next((i for i in range(number - 1, -1, -1) if lines[i].strip()), None)
        after = next((t.strip() for t in lines[number + 1 :] if t.strip()), "")
        if before is not None and lines[before].rstrip().endswith(",") and after[:1] in "]}":
            lines[before] = lines[before].rstrip()[:-1]
    return "\n".join(lines)


def check_data(example: Example) -> Diagnostic | None:
    """DG507 for a YAML, JSON or TOML block that does not parse (elisions left out).

    A block with `<UPPER_CASE>` placeholders is read with each one as a plain word; if it
    still does not parse, the placeholder may stand for any value: one DG511 info.

    Args:
        example: the data block, with its includes.
    """
    code, origin = expand_text(example.code, example.includes)
    code = without_elisions(code)
    failure = _parse_error(example.language, code)
    if failure is not None and placeholder(code) is not None:
        plain = _PLACEHOLDER.sub(lambda found: found.group(0)[1:-1], code)
        if _parse_error(example.language, plain) is None:
            return None
        return diagnostic(
            "DG511",
            Severity.INFO,
            f"{example.language} example not parsed: it has a placeholder "
            f"({placeholder(code)}) for the reader to fill in",
            example.path,
            example.line,
        )
    if failure is None:
        return None
    message, line = failure
    # Parsers point past the end for an unclosed bracket: keep the line inside the block.
    # A line of an included file is reported at its directive's line.
    offset = origin[min(line - 1, len(origin) - 1)] if line else 0
    where = min(example.code_line + offset, max(example.end_line - 1, 1))
    return diagnostic(
        "DG507",
        Severity.ERROR,
        f"{example.language} example does not parse: {message}",
        example.path,
        where,
        f"fix the {example.language}, {SKIP_HINT}",
    )


def _parse_error(language: str, code: str) -> tuple[str, int | None] | None:
    """Why `code` does not parse as `language` (yaml, json, toml), and at which line."""
    line: int | None
    try:
        if language == "json":
            json.loads(code)
        elif language == "toml":
            tomllib.loads(code)
        else:
            for _document in yaml.load_all(code, Loader=_YamlLoader):
                pass
    except json.JSONDecodeError as exc:
        message, line = exc.msg, exc.lineno
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"at line (\d+)", message)
        line = int(found.group(1)) if found else None
    except yaml.YAMLError as exc:
        message = str(exc).split("\n")[0]
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
    else:
        return None
    return message, line


class _YamlLoader(yaml.SafeLoader):
    """Safe, and tolerant of what real YAML examples hold: `on:` keys and custom tags."""


# GitHub's `on:` stays the string "on" (YAML 1.1 would read it as true).
_YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# `!ENV`, `!!python/name:` and friends are MkDocs' business, not a syntax error.
_YamlLoader.add_multi_constructor("", lambda loader, suffix, node: None)
