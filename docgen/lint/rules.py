"""The lint rules: one stable code, name, default severity and fix hint each.

A rule's severity comes from `lint.rules` in `mkdocs.yml` (`error`, `warning`, `info` or
`off`), else its default. Formatting findings come from pymarkdownlnt and share DG701;
they are configured all at once as `format`, or one by one by their pymarkdownlnt id
(`md009`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = ["RULES", "STAGE", "Rule", "Rules"]

STAGE = "lint"
"""The stage name every lint diagnostic carries."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One check: its `code` (`DG7xx`), the name users configure it by, its default
    severity, and a hint that says how to fix a finding."""

    code: str
    name: str
    severity: Severity
    hint: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("DG701", "format", _W, "run `docgen check --only lint --fix`, or fix it by hand"),
        Rule("DG702", "multiple-titles", _W, "keep one `# ` title; make the others `## `"),
        Rule("DG703", "missing-title", _W, "start the page with a `# Title` (or `title:`)"),
        Rule("DG704", "heading-skip", _W, "use the next heading level, one step at a time"),
        Rule(
            "DG705",
            "duplicate-heading",
            _W,
            "reword one heading, or give it its own anchor: `## Setup { #setup-linux }`",
        ),
        Rule("DG706", "missing-alt", _W, "describe the image: `![What it shows](img.png)`"),
        Rule("DG707", "empty-page", _W, "write the page, or remove it"),
        Rule("DG708", "unclosed-html", _E, "close the tag, or remove the stray end tag"),
        Rule(
            "DG709",
            "not-in-nav",
            _W,
            "add the page to `nav:` in mkdocs.yml, or list it under `not_in_nav:`",
        ),
        Rule("DG710", "missing-nav-page", _E, "create the page, or fix the path in `nav:`"),
        Rule("DG711", "missing-required-page", _E, "write the page, or change `required_pages`"),
        Rule("DG712", "todo-marker", _W, "finish the text, or track the work in an issue"),
        Rule("DG713", "title-only", _W, "write the page's content under its title"),
        Rule(
            "DG714",
            "spelling",
            _W,
            "fix the word, or add it to the project word list (`lint.wordlist`)",
        ),
        Rule("DG715", "fixed", _I, "review the changes with `git diff`"),
        Rule(
            "DG716",
            "tool-error",
            _W,
            "check the pymarkdownlnt configuration (.pymarkdown.json, [tool.pymarkdown])",
        ),
        Rule(
            "DG717",
            "config",
            _W,
            "use a rule name (`heading-skip`), `format` or a pymarkdownlnt id (`md013`), "
            "set to error, warning, info or off",
        ),
    )
}
"""Every lint rule, by the name users configure it by in `lint.rules`."""

_SEVERITIES = {"error": _E, "warning": _W, "info": _I}
_FORMAT_ID = re.compile(r"^(md|pml)\d{3}$")


class Rules:
    """The severities in force: the defaults, overridden by `lint.rules`.

    Args:
        configured: `lint.rules` as written, rule name or pymarkdownlnt id to severity.

    Attributes:
        configured: the same, lower-cased.
        problems: what is wrong in it (an unknown rule, a bad severity), for DG717.
    """

    def __init__(self, configured: Mapping[str, str]) -> None:
        self.configured = {k.lower(): v.lower() for k, v in configured.items()}
        self.problems: list[str] = []
        for name, value in self.configured.items():
            if name not in RULES and not _FORMAT_ID.match(name):
                self.problems.append(f"unknown lint rule {name!r} in lint.rules")
            if value not in _SEVERITIES and value != "off":
                self.problems.append(
                    f"lint.rules.{name}: {value!r} is not error, warning, info or off"
                )

    def severity(self, name: str, tool_id: str | None = None) -> Severity | None:
        """The severity of rule `name` (or of a formatting rule `tool_id`); None when off."""
        value = self.configured.get(tool_id.lower()) if tool_id else None
        if value is None:
            value = self.configured.get(name)
        if value == "off":
            return None
        return _SEVERITIES.get(value or "", RULES[name].severity)

    def on_tool_ids(self) -> list[str]:
        """The formatting rules given a severity one by one (`md022: warning`): they run
        even when docgen's defaults or the project's configuration leave them off."""
        return sorted(k for k, v in self.configured.items() if _FORMAT_ID.match(k) and v != "off")

    def off_tool_ids(self) -> list[str]:
        """The formatting rules switched off one by one (`md013: off`)."""
        return sorted(k for k, v in self.configured.items() if _FORMAT_ID.match(k) and v == "off")

    def finding(
        self,
        name: str,
        message: str,
        path: str,
        line: int | None,
        *,
        tool_id: str | None = None,
        hint: str | None = None,
    ) -> Diagnostic | None:
        """A diagnostic for rule `name`, at its configured severity; None when it is off.

        Args:
            name: the rule's name in `RULES`.
            message: what is wrong.
            path: the page, relative to the project root.
            line: 1-based, or None for the whole page.
            tool_id: the pymarkdownlnt id of a formatting finding, configurable on its own.
            hint: how to fix it, instead of the rule's own hint.
        """
        severity = self.severity(name, tool_id)
        if severity is None:
            return None
        rule = RULES[name]
        return Diagnostic(
            rule.code, severity, message, Location(path, line), hint or rule.hint, STAGE
        )
