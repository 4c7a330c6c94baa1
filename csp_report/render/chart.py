"""Drawing a layout Chart: its geometry once (lines, markers, labels in points), then as inline
SVG for the HTML and PDF (render/html.py) and as a PNG for Word (render/chart_png.py).

Our own small code rather than a plotting library: a chart here is a handful of lines and
labels decided by the layout, the output must be byte-identical between builds and its text
real text in the pack's font, and pygal/leather would add a dependency (and, for pygal, its
own CSS and scripts) to draw what fits in this file. Coordinates are rounded to two places so
the output does not depend on float noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import markupsafe

from ..layout.document import CHART_SIZES, Chart
from ..layout.theme import Theme

SIZES = CHART_SIZES  # (width, height, font size) in points for each chart size
CHAR_WIDTH = 0.6  # a little over Liberation Sans' average advance of a character, in ems
SERIES_WIDTH = 1.2
POINT_RADIUS = 1.4
CURRENT_SIZE = 3.4


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    role: str  # series | target | axis | grid | legend


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    shape: str  # circle | triangle | diamond | square
    size: float  # radius of the shape's circumscribed circle
    fill: str | None  # None: the series colour
    current: bool


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # baseline
    text: str
    anchor: str  # start | middle | end
    size: float
    role: str  # unit | tick | period | legend | current


@dataclass(frozen=True)
class Box:
    """A background behind a label, so it reads over the lines it crosses."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    lines: tuple[Line, ...]
    marks: tuple[Mark, ...]
    labels: tuple[Label, ...]
    boxes: tuple[Box, ...] = ()


def text_width(text: str, size: float) -> float:
    """An estimate of a label's width, enough to keep labels apart."""
    return len(text) * size * CHAR_WIDTH


def geometry(chart: Chart) -> Drawing:
    """Where everything of `chart` goes, in points from the top left."""
    width, height, fs = SIZES.get(chart.size, SIZES["small"])
    large = chart.size == "large"
    lines: list[Line] = []
    marks: list[Mark] = []
    heading = f"{chart.series}: {chart.unit}" if chart.series else chart.unit
    labels: list[Label] = [Label(0, fs, heading, "start", fs, "unit")]
    if chart.against:
        end = width - 1 - text_width(chart.against, fs) - 3
        lines.append(Line(((end - 9, fs * 0.65), (end, fs * 0.65)), "legend"))
        labels.append(Label(width - 1, fs, chart.against, "end", fs, "legend"))
    left = max(text_width(chart.low_text, fs), text_width(chart.high_text, fs)) + 3
    last = chart.points[-1].label.split(" ")
    right = width - (max(4.0, max(text_width(w, fs) for w in last) / 2 - 3) if large else 4)
    top = fs + 7
    bottom = height - (2 * fs + 6 if large else fs + 5)
    span = (chart.high - chart.low) or 1.0

    def y(value: float) -> float:
        return bottom - (value - chart.low) / span * (bottom - top)

    count = len(chart.points)
    step = (right - left - 8) / (count - 1) if count > 1 else 0.0

    def x(index: int) -> float:
        return left + 4 + index * step if count > 1 else (left + right) / 2

    lines.append(Line(((left, top), (right, top)), "grid"))
    lines.append(Line(((left, bottom), (right, bottom)), "axis"))
    labels.append(Label(left - 2, top + fs * 0.35, chart.high_text, "end", fs, "tick"))
    labels.append(Label(left - 2, bottom + fs * 0.35, chart.low_text, "end", fs, "tick"))
    lines += _target_lines(chart, x, y, step, left, right)
    run: list[tuple[float, float]] = []
    for index, point in enumerate(chart.points):
        if point.value is None:
            if len(run) > 1:
                lines.append(Line(tuple(run), "series"))
            run = []
            continue
        run.append((x(index), y(point.value)))
        if index < count - 1:
            marks.append(Mark(x(index), y(point.value), "circle", POINT_RADIUS, None, False))
    if len(run) > 1:
        lines.append(Line(tuple(run), "series"))
    labels += _period_labels(chart, x, height, fs, large)
    labels += _current(chart, marks, x(count - 1), y, top, bottom, fs)
    boxes = tuple(Box(label.x - text_width(label.text, fs) - 1, label.y - fs * 0.85,
                      text_width(label.text, fs) + 2, fs * 1.1)
                  for label in labels if label.role == "current")
    return Drawing(width, height, tuple(lines), tuple(marks), tuple(labels), boxes)


Scale = Callable[[float], float]
Place = Callable[[int], float]


def _target_lines(chart: Chart, x: Place, y: Scale, step: float, left: float,
                  right: float) -> list[Line]:
    """The comparator as a stepped line: level across each period's slot, a step where it
    changes (a new year's target)."""
    lines: list[Line] = []
    run: list[tuple[float, float]] = []
    last: float | None = None
    for index, point in enumerate(chart.points):
        if point.target is None:
            if run:
                lines.append(Line(tuple(run), "target"))
            run, last = [], None
            continue
        start = max(left, x(index) - step / 2) if step else left
        end = min(right, x(index) + step / 2) if step else right
        level = y(point.target)
        if not run or (last is not None and level != last):
            run.append((start, level))
        run.append((end, level))
        last = level
    if run:
        lines.append(Line(tuple(run), "target"))
    return lines


def _period_labels(chart: Chart, x: Place, height: float, fs: float,
                   large: bool) -> list[Label]:
    """The period axis: every period in two lines (Q1 / 16/17) on a large chart; the first and
    the last on a small one."""
    count = len(chart.points)
    if large:
        labels = []
        for index, point in enumerate(chart.points):
            first, _, second = point.label.partition(" ")
            labels.append(Label(x(index), height - fs - 2, first, "middle", fs, "period"))
            labels.append(Label(x(index), height - 1, second, "middle", fs, "period"))
        return labels
    labels = [Label(x(0) - 3, height - 1, chart.points[0].label, "start", fs, "period")]
    if count > 1:
        labels.append(Label(x(count - 1) + 3, height - 1, chart.points[-1].label, "end", fs,
                            "period"))
    return labels


def _current(chart: Chart, marks: list[Mark], at: float, y: Scale, top: float,
             bottom: float, fs: float) -> list[Label]:
    """The current period: its marker in the status' shape and colour, and beside it the
    figure and the status word."""
    point = chart.points[-1]
    words = ", ".join(w for w in (point.text, chart.status) if w)
    if point.value is None:
        level = top + fs
        marks.append(Mark(at, level - fs * 0.35, chart.marker, CURRENT_SIZE, chart.fill, True))
        return [Label(at - CURRENT_SIZE - 2, level, words, "end", fs, "current")]
    level = y(point.value)
    marks.append(Mark(at, level, chart.marker, CURRENT_SIZE, chart.fill, True))
    below = level < (top + bottom) / 2
    baseline = level + CURRENT_SIZE + fs if below else level - CURRENT_SIZE - 1.5
    return [Label(at - 2, baseline, words, "end", fs, "current")]


# --- SVG -------------------------------------------------------------------------------------

def _n(value: float) -> str:
    """A coordinate as SVG writes it: two places at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def shape_points(shape: str, x: float, y: float, r: float) -> tuple[tuple[float, float], ...]:
    """The corners of a marker shape around (x, y); a circle has none."""
    if shape == "triangle":
        return ((x, y - r), (x + r * 0.95, y + r * 0.7), (x - r * 0.95, y + r * 0.7))
    if shape == "diamond":
        return ((x, y - r), (x + r, y), (x, y + r), (x - r, y))
    if shape == "square":
        s = r * 0.8
        return ((x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s))
    return ()


def _path(points: tuple[tuple[float, float], ...], closed: bool = False) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'}{_n(px)},{_n(py)}"
                 for i, (px, py) in enumerate(points))
    return d + (" Z" if closed else "")


STROKES = {"series": ("accent", SERIES_WIDTH, None), "target": ("text", 0.8, "3 2"),
           "legend": ("text", 0.8, "3 2"), "axis": ("muted", 0.6, None),
           "grid": ("border-light", 0.4, "1 2")}


def colours(theme: Theme) -> dict[str, str]:
    return {"accent": theme.accent, "text": theme.text, "muted": theme.muted,
            "border-light": theme.muted}


def svg(chart: Chart, theme: Theme) -> markupsafe.Markup:
    """The chart as inline SVG: a Figure in the tagged PDF, its <title> the alt text."""
    drawing = geometry(chart)
    paint = colours(theme)
    esc = markupsafe.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart {chart.size}" '
             f'viewBox="0 0 {_n(drawing.width)} {_n(drawing.height)}" '
             f'width="{_n(drawing.width)}pt" height="{_n(drawing.height)}pt" '
             f'font-family="{esc(theme.pdf_font)}">',
             f"<title>{esc(chart.alt)}</title>"]
    for line in drawing.lines:
        colour, stroke, dash = STROKES[line.role]
        parts.append(f'<path class="{line.role}" d="{_path(line.points)}" fill="none" '
                     f'stroke="{paint[colour]}" stroke-width="{_n(stroke)}"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    for box in drawing.boxes:
        parts.append(f'<rect class="backing" x="{_n(box.x)}" y="{_n(box.y)}" '
                     f'width="{_n(box.width)}" height="{_n(box.height)}" fill="#FFFFFF" '
                     f'fill-opacity="0.85"/>')
    for mark in drawing.marks:
        fill = mark.fill or paint["accent"]
        outline = (f' stroke="{paint["text"]}" stroke-width="0.7"' if mark.current else "")
        role = "current" if mark.current else "point"
        corners = shape_points(mark.shape, mark.x, mark.y, mark.size)
        if corners:
            parts.append(f'<path class="{role} {mark.shape}" d="{_path(corners, True)}" '
                         f'fill="{fill}"{outline}/>')
        else:
            parts.append(f'<circle class="{role} circle" cx="{_n(mark.x)}" cy="{_n(mark.y)}" '
                         f'r="{_n(mark.size * (0.85 if mark.current else 1))}" '
                         f'fill="{fill}"{outline}/>')
    for label in drawing.labels:
        colour = paint["muted"] if label.role in ("tick", "period", "unit") else paint["text"]
        weight = ' font-weight="bold"' if label.role == "current" else ""
        parts.append(f'<text class="{label.role}" x="{_n(label.x)}" y="{_n(label.y)}" '
                     f'font-size="{_n(label.size)}" text-anchor="{label.anchor}" '
                     f'fill="{colour}"{weight}>{esc(label.text)}</text>')
    parts.append("</svg>")
    return markupsafe.Markup("".join(parts))
