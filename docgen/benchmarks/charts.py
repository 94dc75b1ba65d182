"""Benchmark charts as static SVG, made at build time: no script, no network, no library.

Each chart is inline SVG the page holds as raw HTML. Its colours are the theme's: text
and grid take `currentColor` and Material's custom properties
(`var(--md-default-fg-color--light)` for text and the target, `var(--md-typeset-a-color)`
for the line, `var(--md-default-fg-color)` for step markers: the line's colour is the
palette's primary or accent, so a marker in either would hardly show against it), each
with a fallback, so one SVG follows
the light and the dark palette and still reads on a theme without them. A tooltip is an
SVG `<title>`: the reader hovers over a run (or, on a long history, a band of runs) to see
its commit, date, version and value.

Values are shown in a unit that suits them: a time in seconds as s, ms, µs or ns, bytes as
B, KB, MB or GB (powers of 1,000; B/s likewise), a rate (`ops/s`), a count, or any figure
of 10,000 or more with K, M or G; `scale` picks one per chart from the values' median.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from docgen.benchmarks.model import Point
from docgen.benchmarks.steps import Step
from docgen.escape import html, xml

__all__ = ["Scale", "chart", "release_chart", "scale", "show", "sparkline"]

_WIDTH, _HEIGHT = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 68, 36, 28, 34
_BANDS = 120  # hover targets at most: one per run, or per band of runs on a long history
_NEAR = 3.0  # a target this many times the values' level, or closer, is drawn as a line
_SPAN = 0.2  # a chart's y range is at least this fraction of its values' middle
_SPARK = 50  # points of a sparkline at most: a longer history is thinned to band medians
_DOTS = 60  # runs drawn as dots at most; a longer history is a line only

_LINE = "stroke:var(--md-typeset-a-color,currentColor)"
_DOT = "fill:var(--md-typeset-a-color,currentColor)"
_GRID = "stroke:var(--md-default-fg-color--lightest,rgba(128,128,128,.25))"
_TEXT = "fill:var(--md-default-fg-color--light,currentColor)"
_MARK = "stroke:var(--md-default-fg-color,currentColor)"
_MARK_TEXT = "fill:var(--md-default-fg-color,currentColor)"
_TARGET = "stroke:var(--md-default-fg-color--light,currentColor)"


@dataclass(frozen=True, slots=True)
class Scale:
    """How a chart shows its values: divided by `factor`, followed by `unit`.

    Attributes:
        unit: the unit shown (`ms`, `MB`, `K ops/s`), or `""`.
        factor: what a shown 1 is in the series' own unit (`0.001` for ms of seconds).
    """

    unit: str
    factor: float


_TIME = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))
_BYTES = ((1e9, "GB"), (1e6, "MB"), (1e3, "KB"), (1.0, "B"))
_COUNT = ((1e9, "G"), (1e6, "M"), (1e3, "K"), (1.0, ""))
_COUNTS = frozenset({"", "ops", "allocations", "iterations", "instructions", "cycles", "count"})


def scale(unit: str, values: Sequence[float]) -> Scale:
    """The scale that shows `values` (in `unit`) with the fewest digits: their median
    is at least 1 in the unit chosen, where the unit allows (s, B, a rate, a count).

    Args:
        unit: the series' unit (`s`, `B`, `ops/s`, or any other, shown as it is).
        values: the values to show; those that are not finite are ignored.
    """
    finite = sorted(abs(v) for v in values if math.isfinite(v) and v)
    if not finite:
        return Scale(unit, 1.0)
    reference = finite[len(finite) // 2]
    table: tuple[tuple[float, str], ...]
    if unit == "s":
        table = _TIME
    elif unit in ("B", "B/s"):
        table = tuple((f, name + unit[1:]) for f, name in _BYTES)
    elif unit.endswith("/s") or unit in _COUNTS or reference >= 1e4:
        table = tuple((f, f"{p} {unit}".strip() if p else unit) for f, p in _COUNT)
    else:
        return Scale(unit, 1.0)
    for factor, name in table:
        if reference >= factor:
            return Scale(name, factor)
    return Scale(table[-1][1], table[-1][0])


def _number(value: float, digits: int = 3) -> str:
    """`value` with `digits` significant digits, thousands separated (`1,234`, `0.0123`)."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def show(value: float, unit: str, chosen: Scale | None = None) -> str:
    """`value` (in `unit`) as a reader reads it: `1.23 ms`, `45.6 MB`, `1.20 M ops/s`.

    Args:
        value: the value, in the series' unit.
        unit: the series' unit.
        chosen: the scale to use (a table's or a chart's); by default the value's own.
    """
    if not math.isfinite(value):
        return "n/a"
    chosen = chosen or scale(unit, [value])
    text = _number(value / chosen.factor)
    return f"{text} {chosen.unit}" if chosen.unit else text


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from `low` to `high`, about `count` of them (1, 2, 2.5 or 5 × 10ⁿ apart)."""
    span = high - low
    raw = span / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _range(values: Sequence[float]) -> tuple[float, float]:
    """The y range: the values' own, a little wider, and at least `_SPAN` of their
    middle wide, so that a few per cent of noise looks like the little it is."""
    low, high = min(values), max(values)
    middle = (low + high) / 2
    least = _SPAN * abs(middle)
    if high - low < least:
        low, high = middle - least / 2, middle + least / 2
    pad = (high - low) * 0.08 or 1.0
    return low - pad, high + pad


def _tick_label(value: float, step: float) -> str:
    """A tick's value with as many decimals as the ticks' spacing needs (0.25 → 2)."""
    decimals = next((d for d in range(10) if abs(round(step, d) - step) < step * 1e-6), 10)
    return f"{value:,.{decimals}f}"


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where values land in the SVG: x by position (0..count-1, `pad` slots more on each
    side), y by value."""

    count: int
    low: float
    high: float
    pad: float = 0.0

    def x(self, index: float) -> float:
        inner = _WIDTH - _LEFT - _RIGHT
        if self.count <= 1:
            return _LEFT + inner / 2
        return _LEFT + inner * (index + self.pad) / (self.count - 1 + 2 * self.pad)

    def y(self, value: float) -> float:
        inner = _HEIGHT - _TOP - _BOTTOM
        return _TOP + inner * (self.high - value) / (self.high - self.low)


def _f(number: float) -> str:
    """A coordinate, to a tenth of a pixel, without a trailing `.0`."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(text: str) -> str:
    return html(xml(text))


def _open(label: str, css: str = "docgen-chart") -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {_WIDTH} {_HEIGHT}"'
        f' width="100%" role="img" aria-label="{_text(label)}" font-size="12">',
        f"<title>{_text(label)}</title>",
    ]


def _y_axis(frame: _Frame, chosen: Scale) -> list[str]:
    """The horizontal grid lines, each labelled with its value, and the unit on top."""
    ticks = _ticks(frame.low / chosen.factor, frame.high / chosen.factor)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    grid = [f'<g style="{_GRID}" stroke-width="1">']
    labels = [f'<g style="{_TEXT}" text-anchor="end">']
    for tick in ticks:
        y = _f(frame.y(tick * chosen.factor))
        grid.append(f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y}" y2="{y}"/>')
        labels.append(f'<text x="{_LEFT - 6}" y="{y}" dy="4">{_tick_label(tick, step)}</text>')
    unit = _text(chosen.unit)
    # The unit over the axis, from the left edge: a long one (`M elements/s`) still fits.
    labels.append(f'<text x="4" y="{_TOP - 12}" text-anchor="start">{unit}</text>' if unit else "")
    return [*grid, "</g>", *[line for line in labels if line], "</g>"]


def _x_labels(frame: _Frame, names: Sequence[str], most: int = 7) -> list[str]:
    """Labels under the x axis: every name when few, else `most` of them, evenly spread."""
    count = len(names)
    if count == 0:
        return []
    picks = (
        range(count)
        if count <= most
        else sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})
    )
    out = [f'<g style="{_TEXT}" text-anchor="middle">']
    for index in picks:
        x = _f(frame.x(index))
        y = _HEIGHT - _BOTTOM + 18
        out.append(f'<text x="{x}" y="{y}">{_text(names[index])}</text>')
    return [*out, "</g>"]


def _path(frame: _Frame, values: Sequence[float]) -> str:
    """The line through the finite values; a run that is not finite leaves a gap."""
    parts: list[str] = []
    pen_down = False
    for index, value in enumerate(values):
        if not math.isfinite(value):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_f(frame.x(index))} {_f(frame.y(value))}")
        pen_down = True
    if not parts:
        return ""
    return f'<path d="{"".join(parts)}" fill="none" style="{_LINE}" stroke-width="2"/>'


def _about(index: int, point: Point) -> str:
    """A run, for a tooltip: `run 12 · abc1234 · 2026-12-01 · v1.2.0`."""
    facts = [f"run {index + 1}"]
    if point.commit:
        facts.append(point.commit[:7])
    if point.date:
        facts.append(point.date[:10])
    if point.version:
        facts.append(point.version)
    return " · ".join(facts)


def _hover(frame: _Frame, points: Sequence[Point], unit: str, chosen: Scale) -> list[str]:
    """Columns to hover over, each with a tooltip: a run each, or a band of runs each."""
    count = len(points)
    if count == 0:
        return []
    bands = min(count, _BANDS)
    out = ['<g class="docgen-hit" fill="currentColor" fill-opacity="0">']
    for band in range(bands):
        first, last = band * count // bands, (band + 1) * count // bands - 1
        left = max(_LEFT, frame.x(first - 0.5)) if count > 1 else _LEFT
        right = min(_WIDTH - _RIGHT, frame.x(last + 0.5)) if count > 1 else _WIDTH - _RIGHT
        values = [p.value for p in points[first : last + 1] if math.isfinite(p.value)]
        if first == last:
            tip = f"{_about(first, points[first])}\n{show(points[first].value, unit, chosen)}"
        else:
            shown = (
                f"{show(min(values), unit, chosen)} to {show(max(values), unit, chosen)}"
                if values
                else "n/a"
            )
            tip = f"{_about(first, points[first])}\nto {_about(last, points[last])}\n{shown}"
        out.append(
            f'<rect x="{_f(left)}" y="{_TOP}" width="{_f(max(right - left, 0.5))}"'
            f' height="{_HEIGHT - _TOP - _BOTTOM}"><title>{_text(tip)}</title></rect>'
        )
    return [*out, "</g>"]


def _dots(frame: _Frame, values: Sequence[float]) -> list[str]:
    if len(values) > _DOTS:
        return []
    dots = [
        f'<circle cx="{_f(frame.x(i))}" cy="{_f(frame.y(v))}" r="3"/>'
        for i, v in enumerate(values)
        if math.isfinite(v)
    ]
    return [f'<g style="{_DOT}">', *dots, "</g>"] if dots else []


def _target(frame: _Frame, target: float, unit: str, chosen: Scale) -> list[str]:
    """A dashed line at `target`; for a target off the chart, its value at the edge it is
    beyond, with an arrow."""
    label = f"target {_text(show(target, unit, chosen))}"
    right = _WIDTH - _RIGHT
    edge = f'x="{right}" text-anchor="end" style="{_TEXT}"'
    if target > frame.high:
        return [f'<text {edge} y="{_TOP + 4}">{label} ↑</text>']
    if target < frame.low:
        return [f'<text {edge} y="{_HEIGHT - _BOTTOM - 6}">{label} ↓</text>']
    y = _f(frame.y(target))
    return [
        f'<line x1="{_LEFT}" x2="{right}" y1="{y}" y2="{y}" style="{_TARGET}"'
        ' stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{right}" y="{y}" dy="-5" text-anchor="end" style="{_TEXT}">{label}</text>',
    ]


def _steps(frame: _Frame, steps: Sequence[Step]) -> list[str]:
    """A vertical marker between the last run before each step and the first after it,
    labelled with the change and the commit."""
    out: list[str] = []
    for number, step in enumerate(steps):
        x = frame.x(step.index - 0.5)
        label = f"{step.change * 100:+.0f} %".replace("-", "\u2212")
        label += f" {step.commit[:7]}" if step.commit else ""
        anchor = "end" if x > _WIDTH * 0.7 else "start"
        dx = -4 if anchor == "end" else 4
        y = _TOP - 14 + (number % 2) * 12  # alternate heights: two close steps stay legible
        out += [
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_TOP - 16 + (number % 2) * 12}"'
            f' y2="{_HEIGHT - _BOTTOM}" style="{_MARK}" stroke-width="1.5"'
            ' stroke-dasharray="3 3"/>',
            f'<text x="{_f(x)}" y="{y}" dx="{dx}" dy="4" text-anchor="{anchor}"'
            f' style="{_MARK_TEXT}">{_text(label)}</text>',
        ]
    return out


def _frame(values: Sequence[float], target: float | None, pad: float = 0.0) -> _Frame:
    """The chart's frame: the values' range, and the target's when it is near them (within
    a factor of `_NEAR` of their middle); a target further off would flatten the line."""
    finite = [v for v in values if math.isfinite(v)]
    middle = (min(finite) + max(finite)) / 2 if finite else 0.0
    if target is not None and math.isfinite(target) and finite:
        ratio = target / middle if middle else math.inf
        if 1 / _NEAR <= ratio <= _NEAR:
            finite.append(target)
    low, high = _range(finite or [0.0, 1.0])
    return _Frame(len(values), low, high, pad)


def _x_names(points: Sequence[Point]) -> list[str]:
    """What names each run under the x axis: its day; its commit when several runs share
    a day; its time (to the minute, else the second) when they share commits too; else
    its number."""
    dates = [p.date or "" for p in points]
    start = 11 if len({d[:10] for d in dates}) == 1 else 5  # the time alone within one day
    for names in (
        [d[:10] for d in dates],
        [(p.commit or "")[:7] for p in points],
        [d[start:16].replace("T", " ") for d in dates],
        [d[start:19].replace("T", " ") for d in dates],
    ):
        if all(names) and len(set(names)) == len(names):
            return names
    return [f"run {i + 1}" for i in range(len(points))]


def chart(
    points: Sequence[Point],
    unit: str,
    label: str,
    steps: Sequence[Step] = (),
    target: float | None = None,
) -> str:
    """A line chart of `points` over runs (x: run order, oldest left), as one SVG element.

    Args:
        points: the series' points, oldest first.
        unit: their unit (`s`, `B`, `ops/s`, ...).
        label: what the chart shows, for screen readers and the tooltip of the whole.
        steps: step changes to mark, each with a vertical line and its change.
        target: a value to draw as a dashed line, in `unit`.
    """
    values = [p.value for p in points]
    frame = _frame(values, target)
    chosen = scale(unit, [*values, *([target] if target is not None else [])])
    out = _open(label)
    out += _y_axis(frame, chosen)
    out += _x_labels(frame, _x_names(points))
    if target is not None and math.isfinite(target):
        out += _target(frame, target, unit, chosen)
    out += _steps(frame, steps)
    out.append(_path(frame, values))
    out += _dots(frame, values)
    out += _hover(frame, points, unit, chosen)
    out.append("</svg>")
    return "\n".join(line for line in out if line)


def release_chart(
    releases: Sequence[tuple[str, Point]],
    unit: str,
    label: str,
    target: float | None = None,
) -> str:
    """A chart of one value per release (x: releases, oldest left), as one SVG element.

    Args:
        releases: each release's name and the point measured for it, oldest first.
        unit: the values' unit.
        label: what the chart shows.
        target: a value to draw as a dashed line, in `unit`.
    """
    points = [p for _, p in releases]
    values = [p.value for p in points]
    frame = _frame(values, target, pad=0.5)
    chosen = scale(unit, [*values, *([target] if target is not None else [])])
    out = _open(label)
    out += _y_axis(frame, chosen)
    out += _x_labels(frame, [name for name, _ in releases], most=10)
    if target is not None and math.isfinite(target):
        out += _target(frame, target, unit, chosen)
    out.append(_path(frame, values))
    out += _dots(frame, values)
    out += _hover(frame, points, unit, chosen)
    out.append("</svg>")
    return "\n".join(line for line in out if line)


def _thin(values: Sequence[float], most: int) -> list[float]:
    """At most `most` values: the median of each of `most` equal bands of runs."""
    if len(values) <= most:
        return list(values)
    out = []
    for band in range(most):
        chunk = values[band * len(values) // most : (band + 1) * len(values) // most]
        finite = sorted(v for v in chunk if math.isfinite(v))
        out.append(finite[len(finite) // 2] if finite else math.nan)
    return out


def sparkline(values: Sequence[float], width: int = 100, height: int = 22) -> str:
    """A small trend line for a table cell: one line, no text, no `|`, no tooltip.

    Args:
        values: the values, oldest first; the last one is marked with a dot.
        width: its width in pixels.
        height: its height in pixels.
    """
    runs = len(values)
    values = _thin(values, _SPARK)
    finite = [(i, v) for i, v in enumerate(values) if math.isfinite(v)]
    box = f'viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="docgen-spark" {box}'
        f' role="img" aria-label="trend over {runs} runs">'
    )
    if not finite:
        return head + "</svg>"
    low, high = _range([v for _, v in finite])
    span = high - low
    count = max(1, len(values) - 1)

    def at(index: int, value: float) -> str:
        x = 2 + (width - 4) * index / count
        y = 2 + (height - 4) * (high - value) / span
        return f"{_f(x)} {_f(y)}"

    line = "M" + "L".join(at(i, v) for i, v in finite)
    last = at(*finite[-1]).split()
    return (
        f'{head}<path d="{line}" fill="none" style="{_LINE}" stroke-width="1.5"/>'
        f'<circle cx="{last[0]}" cy="{last[1]}" r="2" style="{_DOT}"/></svg>'
    )
