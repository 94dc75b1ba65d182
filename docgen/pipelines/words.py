"""Triggers and cron schedules in plain English: "every day at 02:00 UTC".

Every user string comes back already escaped for Markdown (`code` spans for patterns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docgen.escape import code
from docgen.escape import markdown as escape
from docgen.pipelines.model import Filter, Schedule, Trigger

__all__ = ["cron", "trigger"]

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_DAY_NAMES = {name[:3].upper(): index for index, name in enumerate(_DAYS)}
_MONTH_NAMES = {name[:3].upper(): index + 1 for index, name in enumerate(_MONTHS)}
_EVENTS = {
    "push": "on push",
    "pull_request": "on pull requests",
    "pull_request_target": "on pull requests (in the base repository's context)",
    "merge_group": "when a merge queue group is checked",
    "workflow_dispatch": "manually",
    "workflow_call": "when another workflow calls it",
    "release": "on releases",
    "issues": "on issues",
    "issue_comment": "on issue and pull request comments",
    "repository_dispatch": "on a repository_dispatch API call",
    "page_build": "after a GitHub Pages build",
    "create": "when a branch or tag is created",
    "delete": "when a branch or tag is deleted",
}


def _number(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text.upper())


def _day(text: str) -> str | None:
    number = _number(text, _DAY_NAMES)
    return None if number is None or number > 7 else _DAYS[number % 7]


def _list(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _field(text: str, single: Callable[[str], str | None]) -> str | None:
    """A day or month field: `1`, `1-5`, `1,3,5`, in words; None if it is anything else."""
    parts = []
    for part in text.split(","):
        low, dash, high = part.partition("-")
        first, last = single(low), single(high) if dash else None
        if first is None or (dash and last is None):
            return None
        parts.append(f"{first} to {last}" if dash else first)
    return _list(parts)


def _month(text: str) -> str | None:
    number = _number(text, _MONTH_NAMES)
    return None if number is None or not 1 <= number <= 12 else _MONTHS[number - 1]


def _time(minute: str, hour: str) -> str | None:
    if minute.isdigit() and hour.isdigit() and int(minute) < 60 and int(hour) < 24:
        return f"{int(hour):02d}:{int(minute):02d}"
    if minute.isdigit() and hour.isdigit():
        return None
    if minute.isdigit() and "," in hour and all(h.isdigit() for h in hour.split(",")):
        return _list([f"{int(h):02d}:{int(minute):02d}" for h in hour.split(",")])
    return None


def cron(schedule: Schedule) -> str:
    """A cron schedule in words; the cron itself, as code, when it is too unusual to say."""
    zone = schedule.timezone or "UTC"
    fields = schedule.cron.split()
    fallback = f"on the schedule {code(schedule.cron)} ({code(zone)})"
    if len(fields) != 5:
        return fallback
    minute, hour, day, month, weekday = fields
    if day == month == weekday == "*":
        if minute.startswith("*/") and hour == "*" and minute[2:].isdigit():
            return f"every {int(minute[2:])} minutes"
        if minute.isdigit() and hour == "*":
            return f"every hour at minute {int(minute)}"
        if minute.isdigit() and hour.startswith("*/") and hour[2:].isdigit():
            return f"every {int(hour[2:])} hours at minute {int(minute)}"
    at = _time(minute, hour)
    if at is None:
        return fallback
    at = f"{at} {escape(zone)}"
    if day == month == "*":
        if weekday == "*":
            return f"every day at {at}"
        days = _field(weekday, _day)
        return f"every {days} at {at}" if days else fallback
    if weekday == "*" and day.isdigit():
        months = "every month" if month == "*" else _field(month, _month)
        return f"on day {int(day)} of {months} at {at}" if months else fallback
    return fallback


def _patterns(patterns: Sequence[str], limit: int | None) -> str:
    shown = [code(p) for p in patterns]
    if limit is not None and len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    return _list(shown) if shown else "(none)"


def _filters(event: str, filters: Sequence[Filter], limit: int | None) -> list[str]:
    by_kind = {f.kind: f.patterns for f in filters}
    parts = []
    noun = {"push": "to", "merge_group": "to", "workflow_run": "on"}.get(event, "into")
    refs = []
    for kind, what in (("branches", noun), ("tags", "of tags")):
        patterns = by_kind.get(kind, ())
        wanted = [p for p in patterns if not p.startswith("!")]
        if kind == "branches" and wanted in (["*"], ["**"]):
            refs.append(f"{what} any branch")
        elif wanted:
            refs.append(f"{what} {_patterns(wanted, limit)}")
    if refs:
        parts.append(" or ".join(refs))
    for kind, what in (("branches", noun), ("tags", "of tags")):
        patterns = by_kind.get(kind, ())
        unwanted = [p[1:] for p in patterns if p.startswith("!")]
        unwanted += by_kind.get(f"{kind}-ignore", ())
        if unwanted:
            parts.append(f"except {what} {_patterns(unwanted, limit)}")
    paths = by_kind.get("paths", ())
    wanted = [p for p in paths if not p.startswith("!")]
    if wanted:
        parts.append(f"when {_patterns(wanted, limit)} change")
    unwanted = [p[1:] for p in paths if p.startswith("!")]
    if unwanted:
        parts.append(f"(changes only in {_patterns(unwanted, limit)} do not count)")
    if "paths-ignore" in by_kind:
        parts.append(f"unless only {_patterns(by_kind['paths-ignore'], limit)} change")
    return parts


def trigger(item: Trigger, limit: int | None = None) -> str:
    """One trigger as a sentence fragment: "on push to `main` when `src/**` change".

    `item` is the trigger; with a `limit`, long pattern lists are cut short
    ("…, and 12 more").
    """
    if item.event == "schedule":
        if not item.schedules:
            return "on a schedule"
        return _list([cron(s) for s in item.schedules])
    if item.event == "workflow_run":
        names = _list([code(w) for w in item.workflows]) or "another workflow"
        types = item.types or ("completed",)
        text = f"after {names} {_list([escape(t) for t in types])}"
    else:
        text = _EVENTS.get(item.event, f"on {code(item.event)} events")
        if item.types:
            text += f" ({_list([escape(t) for t in item.types])})"
    parts = [text, *_filters(item.event, item.filters, limit)]
    if item.inputs:
        parts.append(f"with inputs {_list([code(i.name) for i in item.inputs])}")
    return " ".join(parts)
