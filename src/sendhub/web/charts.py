"""Accessible line charts drawn as SVG on the server. Every chart is shown beside a table of its figures.

The SVG has role="img" with a title and a description that states the latest values, so a screen reader
user gets the point of the chart; the table beside it has every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colours from the GOV.UK palette with at least 3:1 contrast on white; series also differ by dash pattern
# and marker shape, so colour is never the only cue.
_STYLES = [
    ("#1d70b8", "", "circle"),
    ("#0b0c0c", "6 3", "square"),
    ("#d4351c", "2 3", "triangle"),
    ("#00703c", "8 3 2 3", "diamond"),
    ("#4c2c92", "1 2", "circle"),
]


@dataclass
class Series:
    name: str
    points: list[tuple[str, float | None]]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round-numbered gridlines (1, 2 or 5 times a power of ten) covering low..high."""
    span = high - low
    if span <= 0:
        span = abs(high) or 1.0
    raw = span / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 or len(ticks) < 2:  # a flat series still gets an axis with a height
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}" if unit == "percent" or value != int(value) else f"{int(value):,}"
    return text + ("%" if unit == "percent" else "")


def _axis(value: float, unit: str) -> str:
    text = f"{int(value):,}" if value == int(value) else f"{value:,.1f}"
    return text + ("%" if unit == "percent" else "")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    if shape == "diamond":
        points = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
        return f'<path d="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the SVG, and how categories and values map to points in it."""

    labels: list[str]
    low: float
    high: float
    width: int
    height: int
    left: int = 56
    right: int = 36
    top: int = 16
    bottom: int = 40  # room for the last x label

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def x_at(self, i: int) -> float:
        step = self.plot_w / max(1, len(self.labels) - 1)
        return self.left + (i * step if len(self.labels) > 1 else self.plot_w / 2)

    def y_at(self, v: float) -> float:
        return self.top + self.plot_h - (v - self.low) / (self.high - self.low) * self.plot_h


def line_chart(
    series: list[Series], *, title: str, unit: str = "count", chart_id: str, width: int = 640, height: int = 280
) -> SafeString:
    """An SVG line chart of one or more series over the same categories (years or months)."""
    labels: list[str] = []
    for s in series:
        for label, _ in s.points:
            if label not in labels:
                labels.append(label)
    values = [v for s in series for _, v in s.points if v is not None]
    legend_height = 22 * ((len(series) + 1) // 2) if len(series) > 1 else 0
    description = _description(series, unit) if labels and values else "No figures yet."
    parts = [
        f'<svg class="sendhub-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height + legend_height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false" font-family="arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if labels and values:
        ticks = nice_ticks(min(0.0, min(values)), max(values))
        if unit == "percent" and ticks[-1] > 100 and max(values) <= 100:
            ticks = [t for t in ticks if t <= 100] + ([100.0] if ticks[-1] != 100 else [])
        frame = _Frame(labels=labels, low=ticks[0], high=ticks[-1], width=width, height=height)
        parts += _axes(frame, ticks, unit)
        parts += _lines(frame, series)
        if len(series) > 1:
            parts += _legend(frame, series)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped in the parts  # nosec B308 B703


def _description(series: list[Series], unit: str) -> str:
    latest = [
        f"{s.name}: {_fmt(v, unit)} in {label}"
        for s in series
        for label, v in [next(((lb, val) for lb, val in reversed(s.points) if val is not None), (None, None))]
        if v is not None
    ]
    return "Latest: " + "; ".join(latest) + ". The table beside the chart has every figure."


def _axes(frame: _Frame, ticks: list[float], unit: str) -> list[str]:
    """Gridlines with the y labels, and the x labels (at most about twelve, always the last)."""
    parts = []
    for v in ticks:
        y = frame.y_at(v)
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{escape(_axis(v, unit))}</text>"
        )
    labels = frame.labels
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{frame.x_at(i):.1f}" y="{frame.height - frame.bottom + 18}" text-anchor="middle" '
                f'font-size="12" fill="#0b0c0c">{escape(label)}</text>'
            )
    return parts


def _lines(frame: _Frame, series: list[Series]) -> list[str]:
    """Each series as a line broken where a value is missing, with a marker at every point."""
    parts = []
    index = {label: i for i, label in enumerate(frame.labels)}
    for n, s in enumerate(series):
        colour, dash, shape = _STYLES[n % len(_STYLES)]
        segments: list[list[tuple[float, float]]] = [[]]
        for label, v in s.points:
            if v is None:
                segments.append([])
                continue
            segments[-1].append((frame.x_at(index[label]), frame.y_at(v)))
        for seg in segments:
            if len(seg) > 1:
                path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f} {y:.1f}" for j, (x, y) in enumerate(seg))
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="3"{dash_attr}/>')
            for x, y in seg:
                parts.append(_marker(shape, x, y, colour))
    return parts


def _legend(frame: _Frame, series: list[Series]) -> list[str]:
    """Two columns under the plot: each series' line style, marker and name."""
    parts = []
    for n, s in enumerate(series):
        colour, dash, shape = _STYLES[n % len(_STYLES)]
        lx = frame.left + (n % 2) * (frame.plot_w / 2)
        ly = frame.height + 4 + 22 * (n // 2)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx:.1f}" x2="{lx + 28:.1f}" y1="{ly + 8}" y2="{ly + 8}" stroke="{colour}" '
            f'stroke-width="3"{dash_attr}/>'
        )
        parts.append(_marker(shape, lx + 14, ly + 8, colour))
        parts.append(f'<text x="{lx + 36:.1f}" y="{ly + 12}" font-size="13" fill="#0b0c0c">{escape(s.name)}</text>')
    return parts


def indexed(series: list[Series]) -> list[Series]:
    """Each series as an index of its own first value (= 100), so series of very different sizes (an area's
    EHC plans and England's) share one axis without the small one lying flat at zero. The table beside the
    chart keeps the real figures. A series whose first value is missing or zero is left out of the chart."""
    result = []
    for s in series:
        base = next((v for _, v in s.points if v is not None), None)
        if not base:
            continue
        result.append(Series(s.name, [(label, None if v is None else round(v / base * 100, 1)) for label, v in
                                      s.points]))
    return result


def scaled_title(title: str, series: list[Series], unit: str) -> tuple[list[Series], str, str]:
    """(series, title, unit) to draw: counts compared across places are indexed (first year = 100); one series
    or percentages are drawn as they are."""
    if unit == "percent" or len([s for s in series if any(v is not None for _, v in s.points)]) < 2:
        return series, title, unit
    first = next((label for s in series for label, v in s.points if v is not None), "")
    return indexed(series), f"{title} (index: each place's {first} figure = 100)", "index"
