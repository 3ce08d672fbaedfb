"""Charts as plain geometry for server-rendered SVG (no script, no library): stacked columns, lines, bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PALETTE = (
    "#2f6fb3",
    "#e08a2c",
    "#3a9a5b",
    "#c2413b",
    "#7b5ea7",
    "#8c6d46",
    "#d16aa6",
    "#6f7f8f",
    "#b5a33a",
    "#2fa3a8",
    "#5a5a9e",
    "#9e5a5a",
)
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 46


@dataclass(frozen=True)
class Rect:
    """A bar, with the tooltip it shows."""

    x: float
    y: float
    w: float
    h: float
    color: str
    title: str


@dataclass(frozen=True)
class Text:
    """A label on the chart."""

    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Line:
    """A series drawn as a polyline, with its points for tooltips."""

    path: str
    color: str
    points: list[tuple[float, float, str]]


@dataclass
class Chart:
    """Everything the SVG macro draws."""

    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    empty: bool = False


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value * 1.1


def _axes(chart: Chart, top_value: float, percent: bool) -> None:
    plot_h = chart.height - TOP - BOTTOM
    for i in range(5):
        y = TOP + plot_h * i / 4
        value = top_value * (4 - i) / 4
        chart.grid.append((LEFT, y, chart.width - RIGHT, y))
        chart.texts.append(Text(LEFT - 6, y + 4, f"{value * 100:.0f}%" if percent else f"{value:g}", "end"))


def _x_labels(chart: Chart, categories: Sequence[str], slot: float) -> None:
    every = max(1, -(-len(categories) // 12))  # at most about 12 labels under the axis
    for i, category in enumerate(categories):
        if i % every == 0:
            chart.texts.append(Text(LEFT + slot * (i + 0.5), chart.height - BOTTOM + 16, category[-5:]))


def stacked_columns(
    categories: Sequence[str], series: Mapping[str, Sequence[int]], names: Mapping[str, str]
) -> Chart:
    """One column per category, stacked by series (e.g. inquiries per day, by department)."""
    chart = Chart()
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    if not categories or not any(totals):
        chart.empty = True
        return chart
    top = _nice_max(max(totals))
    _axes(chart, top, percent=False)
    plot_w, plot_h = chart.width - LEFT - RIGHT, chart.height - TOP - BOTTOM
    slot = plot_w / len(categories)
    bar = max(2.0, slot * 0.7)
    colors = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(series)}
    for i, category in enumerate(categories):
        base = 0.0
        for key, values in series.items():
            if not values[i]:
                continue
            h = plot_h * values[i] / top
            y = TOP + plot_h - base - h
            chart.rects.append(
                Rect(
                    LEFT + slot * i + (slot - bar) / 2,
                    y,
                    bar,
                    h,
                    colors[key],
                    f"{category} {names.get(key, key)}：{values[i]}",
                )
            )
            base += h
    _x_labels(chart, categories, slot)
    chart.legend = [(names.get(key, key), colors[key]) for key in series]
    return chart


def lines(
    categories: Sequence[str], series: Mapping[str, Sequence[float | None]], names: Mapping[str, str]
) -> Chart:
    """Rates (0..1) over time, one polyline per series; gaps where a period has no figure."""
    chart = Chart()
    if not categories or all(v is None for values in series.values() for v in values):
        chart.empty = True
        return chart
    _axes(chart, 1.0, percent=True)
    plot_w, plot_h = chart.width - LEFT - RIGHT, chart.height - TOP - BOTTOM
    slot = plot_w / len(categories)
    for n, (key, values) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        commands: list[str] = []
        points: list[tuple[float, float, str]] = []
        pen_down = False
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            x, y = LEFT + slot * (i + 0.5), TOP + plot_h * (1 - value)
            commands.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            points.append(
                (round(x, 1), round(y, 1), f"{categories[i]} {names.get(key, key)}：{value * 100:.1f}%")
            )
            pen_down = True
        chart.lines.append(Line(" ".join(commands), color, points))
        chart.legend.append((names.get(key, key), color))
    _x_labels(chart, categories, slot)
    return chart


def bars(rows: Sequence[tuple[str, float | None, str]], percent: bool = True) -> Chart:
    """Horizontal bars, one per row of (label, value, text); rates 0..1 when percent."""
    chart = Chart(height=max(80, 26 * len(rows) + 20))
    values = [v for _, v, _ in rows if v is not None]
    if not rows or not values:
        chart.empty = True
        return chart
    top = 1.0 if percent else _nice_max(max(values))
    label_w, plot_w = 150, chart.width - 150 - 120
    for i, (label, value, text) in enumerate(rows):
        y = 10 + i * 26
        chart.texts.append(Text(label_w - 8, y + 14, label, "end"))
        w = plot_w * (value or 0) / top
        chart.rects.append(
            Rect(
                label_w,
                y,
                max(w, 1.0),
                18,
                PALETTE[i % len(PALETTE)]
                if not percent
                else ("#3a9a5b" if (value or 0) >= 0.9 else "#e08a2c" if (value or 0) >= 0.7 else "#c2413b"),
                f"{label}：{text}",
            )
        )
        chart.texts.append(Text(label_w + w + 6, y + 14, text, "start"))
    return chart


def columns(rows: Sequence[tuple[str, int]], colors: Sequence[str] = PALETTE) -> Chart:
    """Vertical columns of counts (e.g. callbacks per satisfaction level)."""
    chart = Chart()
    if not rows or not any(v for _, v in rows):
        chart.empty = True
        return chart
    top = _nice_max(max(v for _, v in rows))
    _axes(chart, top, percent=False)
    plot_w, plot_h = chart.width - LEFT - RIGHT, chart.height - TOP - BOTTOM
    slot = plot_w / len(rows)
    for i, (label, value) in enumerate(rows):
        h = plot_h * value / top
        x = LEFT + slot * i + slot * 0.2
        chart.rects.append(
            Rect(x, TOP + plot_h - h, slot * 0.6, max(h, 0.5), colors[i % len(colors)], f"{label}：{value}")
        )
        chart.texts.append(Text(x + slot * 0.3, chart.height - BOTTOM + 16, label))
        chart.texts.append(Text(x + slot * 0.3, TOP + plot_h - h - 4, str(value)))
    return chart
