"""A layout Chart as a PNG for Word: the same geometry as the SVG (render/chart.py), drawn
with Pillow (already installed with WeasyPrint) in the bundled Liberation Sans.

Drawn at twice the resolution it is saved at, then reduced, for smooth lines; the same Chart
always gives the same bytes (no timestamps or text chunks are written).
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..layout.document import Chart
from ..layout.theme import Theme
from .chart import STROKES, Drawing, colours, geometry, shape_points

PIXELS_PER_POINT = 4  # saved at 288 dpi: sharp when printed
OVERSAMPLE = 2
FONTS = Path(__file__).resolve().parent.parent / "templates" / "fonts"
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


@cache
def _font(size_px: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size_px)


def _dashed(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: str,
            width: int, dash: tuple[float, float]) -> None:
    """A dashed polyline: Pillow draws only solid ones."""
    on, off = dash
    phase = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        length = math.hypot(x2 - x1, y2 - y1)
        at = 0.0
        while at < length:
            period = on + off
            into = phase % period
            if into < on:
                end = min(length, at + on - into)
                draw.line([(x1 + (x2 - x1) * at / length, y1 + (y2 - y1) * at / length),
                           (x1 + (x2 - x1) * end / length, y1 + (y2 - y1) * end / length)],
                          fill=colour, width=width)
            else:
                end = min(length, at + period - into)
            phase += end - at
            at = end


def draw_png(drawing: Drawing, paint: dict[str, str]) -> Image.Image:
    k = PIXELS_PER_POINT * OVERSAMPLE
    image = Image.new("RGB", (round(drawing.width * k), round(drawing.height * k)), "#FFFFFF")
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * k, y * k)

    for line in drawing.lines:
        colour, stroke, dash = STROKES[line.role]
        points = [at(x, y) for x, y in line.points]
        width = max(1, round(stroke * k))
        if dash:
            on, off = (float(v) * k for v in dash.split())
            _dashed(draw, points, paint[colour], width, (on, off))
        else:
            draw.line(points, fill=paint[colour], width=width, joint="curve")
    for box in drawing.boxes:
        draw.rectangle([at(box.x, box.y), at(box.x + box.width, box.y + box.height)],
                       fill="#FFFFFF")
    for mark in drawing.marks:
        fill = mark.fill or paint["accent"]
        outline = paint["text"] if mark.current else None
        line_width = round(0.7 * k) if mark.current else 0
        corners = shape_points(mark.shape, mark.x, mark.y, mark.size)
        if corners:
            draw.polygon([at(x, y) for x, y in corners], fill=fill, outline=outline,
                         width=line_width)
        else:
            r = mark.size * (0.85 if mark.current else 1)
            draw.ellipse([at(mark.x - r, mark.y - r), at(mark.x + r, mark.y + r)], fill=fill,
                         outline=outline, width=line_width)
    for label in drawing.labels:
        colour = paint["muted"] if label.role in ("tick", "period", "unit") else paint["text"]
        font = _font(round(label.size * k), label.role == "current")
        draw.text(at(label.x, label.y), label.text, fill=colour, font=font,
                  anchor=ANCHORS[label.anchor])
    size = (round(drawing.width * PIXELS_PER_POINT), round(drawing.height * PIXELS_PER_POINT))
    return image.resize(size, Image.Resampling.BOX)  # the mean of each 2x2: cheap, smooth


def png(chart: Chart, theme: Theme) -> bytes:
    """The chart as PNG bytes."""
    image = draw_png(geometry(chart), colours(theme))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def size_points(chart: Chart) -> tuple[float, float]:
    """The chart's natural size in points."""
    drawing = geometry(chart)
    return drawing.width, drawing.height
