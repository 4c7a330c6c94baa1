"""A pack's section tables, built from its columns: heading, optional banner and Outcome rows,
the header row, then one row per measure."""

from __future__ import annotations

import math
from dataclasses import replace

from ..compute.measures import ComputedPack
from ..model.columns import PRESETS, ChartBlock, table_columns
from ..model.report import Section
from ..sentences import Sentences
from .charts import chart_block
from .colours import BANNER_FILL
from .columns import TableContext, column_headers, column_width, row_cells
from .common import cell, header
from .document import CHART_SIZES, Cell, Chart, Charts, Heading, Row, Table, Text
from .grid import Placed, place_rows
from .theme import Theme


def section_heading(sentences: Sentences, section: Section) -> str:
    return sentences.wording("section-heading", heading=section.heading, title=section.title)


def section_tables(computed: ComputedPack, sentences: Sentences,
                   theme: Theme) -> list[Heading | Table | Charts]:
    """Per section: a group heading when it starts one, its heading, and its table."""
    blocks: list[Heading | Table | Charts] = []
    pack = computed.pack
    outcomes = any(s.outcome for s in pack.sections.values())
    banner = pack.banner if pack.banner is not None else pack.layout == "activity"
    for section_id, section in computed.sections():
        if section.group:
            blocks.append(Heading(section.group, 2, f"group-{section_id}"))
        heading = section_heading(sentences, section)
        blocks.append(Heading(heading, 2, f"section-{section_id}"))
        columns = table_columns(pack, section)
        ctx = TableContext(computed, sentences, section_id, section, columns,
                           computed.in_section(section_id))
        headers: list[str] = []
        shares: list[int] = []
        for column in columns:
            texts = column_headers(ctx, column)
            headers += texts
            shares += [column_width(column)] * len(texts)
        head: list[Row] = []
        if banner:
            outcome = sentences.wording("pack-words", part="outcome")
            head += _banner_rows(section, len(headers), outcomes, outcome)
        head.append(Row(tuple(header(text) for text in headers), "header"))
        widths = percentages(shares)
        rows = tuple(Row(tuple(c for column in columns
                               for c in row_cells(ctx, column, measure, index)))
                     for index, measure in enumerate(ctx.measures))
        body = [replace(row, splittable=_too_tall(placed, widths, theme, pack.layout))
                for row, placed in zip(rows, place_rows(rows, len(widths)), strict=True)]
        own = columns == PRESETS[pack.layout]
        blocks.append(Table(
            id=f"table-section-{section_id}",
            caption=section.label or heading,
            description=sentences.wording(
                "table-intro", preset=pack.layout if own else "custom",
                heading=section.heading, title=section.title, headers=headers,
                period=computed.period.range_label, year=computed.period.year.label,
                scheme=computed.scheme.name if computed.scheme else None),
            widths=widths, head=tuple(head), body=tuple(body),
            style=pack.layout))
        options = pack.charts if section.charts is not False else None
        if options is None and section.charts:
            options = ChartBlock()
        if options is not None:
            charts = chart_block(computed, sentences, section_id, heading, ctx.measures,
                                 options)
            if charts is not None:
                blocks.append(charts)
    return blocks


def _banner_rows(section: Section, width: int, outcomes: bool, outcome: str) -> list[Row]:
    """The activity layout's banner (heading | title) and Outcome rows."""
    banner = [Cell((Text(section.title, "banner"),), header=True,
                   scope="colgroup", colspan=width, fill=BANNER_FILL, classes=("banner",))]
    if section.heading and width > 1:
        banner = [Cell((Text(section.heading, "banner"),), header=True, scope="col",
                       fill=BANNER_FILL, classes=("banner",)),
                  Cell((Text(section.title, "banner"),), header=True, scope="colgroup",
                       colspan=width - 1, fill=BANNER_FILL, classes=("banner",))]
    rows = [Row(tuple(banner), "banner")]
    if outcomes and width > 1:
        rows.append(Row((Cell((Text(outcome, "header"),), header=True, scope="row"),
                         cell(Text(section.outcome or "", "outcome"), colspan=width - 1)),
                        "outcome"))
    return rows


# Liberation Sans averages about half an em a character; a line is 1.25 em; each paragraph
# adds its 2pt gap; the table's header rows and the cell padding take about 25 mm of a page.
EM_MM = 0.3528  # a point in millimetres
AVERAGE_CHARACTER_EM = 0.5
LINE_EM = 1.25
RESERVED_MM = 25


def _too_tall(cells: tuple[Placed, ...], widths: tuple[int, ...], theme: Theme,
              style: str) -> bool:
    """Whether a row will not fit on one page, so must be allowed to split.

    An estimate from the text, the column widths and the theme's sizes (the layout cannot
    measure type): a row kept whole that is taller than a page leaves the page before it
    empty and loses the repeated header rows. It errs towards keeping rows whole.
    """
    size = theme.table_size(style) or theme.size_body
    line_mm = size * LINE_EM * EM_MM
    page_mm = theme.page_mm[1] - theme.margin_top - theme.margin_bottom - RESERVED_MM
    for placed in cells:
        if placed.continued or placed.cell.rowspan > 1:
            continue  # a label spanning rows is as tall as they are
        share = sum(widths[placed.column:placed.column + placed.columns])
        width_mm = theme.text_width_mm * share / 100 - 4  # less the cell's padding
        per_line = max(1.0, width_mm / (size * AVERAGE_CHARACTER_EM * EM_MM))
        lines = placed.cell.text.splitlines() or [""]
        height = sum(max(1, math.ceil(len(line) / per_line)) * line_mm + 2 * EM_MM
                     for line in lines)
        for part in placed.cell.paragraphs:  # a chart is as wide as its cell
            if isinstance(part, Chart):
                chart_width, chart_height, _ = CHART_SIZES[part.size]
                height += width_mm * chart_height / chart_width + 1.5
        if height > page_mm:
            return True
    return False


def percentages(shares: list[int]) -> tuple[int, ...]:
    """Width shares as whole per cents summing to 100 (largest remainders round up)."""
    total = sum(shares) or 1
    widths = [share * 100 // total for share in shares]
    order = sorted(range(len(shares)), key=lambda i: -(shares[i] * 100 % total))
    for i in order[: 100 - sum(widths)]:
        widths[i] += 1
    return tuple(widths)
