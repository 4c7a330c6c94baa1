"""A layout Chart in Word: a PNG picture (render/chart_png.py) with the chart's text
alternative on wp:docPr/@descr, where Word and LibreOffice read a picture's alt text.

Why a picture and not a native chart part: see docs/charts.md (issue 14).
"""

from __future__ import annotations

import io

from docx.shared import Emu
from docx.text.paragraph import Paragraph

from ..layout.document import Chart
from ..layout.theme import Theme, twips
from .chart_png import png, size_points
from .docx_xml import xml_text

EMU_PER_TWIP = 635
EMU_PER_POINT = 12700


def add_chart(paragraph: Paragraph, chart: Chart, theme: Theme, cell_width: int) -> None:
    """The chart as an inline picture at the end of `paragraph`, no wider than its cell
    (`cell_width` twips, less the cell's padding), at its own size when it fits."""
    width_pt, height_pt = size_points(chart)
    room = (cell_width - 2 * twips(theme.cell_padding)) * EMU_PER_TWIP if cell_width else 0
    width = Emu(round(width_pt * EMU_PER_POINT))
    if room and width > room:
        # At least a point wide: a cell narrower than its padding left no room at all, and
        # a negative width was python-docx's ValueError (validation refuses such a column).
        width = Emu(max(room, EMU_PER_POINT))
    height = Emu(round(width * height_pt / width_pt))
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png(chart, theme)), width=width, height=height)
    for inline in run._r.xpath(".//wp:inline"):
        # Without these LibreOffice keeps text 3 mm away on each side, and the picture
        # overflows its cell.
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")
    for doc_pr in run._r.xpath(".//wp:docPr"):
        doc_pr.set("descr", xml_text(chart.alt))
        doc_pr.set("title", xml_text(chart.title))
