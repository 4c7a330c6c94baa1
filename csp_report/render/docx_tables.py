"""Layout tables as native Word tables, built row by row with real horizontal/vertical merges."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field

from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.shared import Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle, _TableStyle
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from ..errors import BuildError
from ..layout.colours import BANNER_TEXT, HEADER_FILL, HEADER_TEXT, contrast
from ..layout.document import Bullets, Cell, Content, Row, Table
from .docx_xml import TBLPR_ORDER, TCPR_ORDER, TRPR_ORDER, element, put, styled, xml_text

TEXT_WIDTH = 15477  # twips: 273mm, A4 landscape less the 12mm side margins
# Tables the stylesheet draws narrower than the text width (pack.css: table.key 60%).
TABLE_PERCENT = {"key": 60}
SMALL_TABLES = {"tracker": Pt(8)}  # pack.css: table.tracker { font-size: 8pt }
# Header cells the stylesheet shades although the layout gives them no fill of their own:
# `thead tr.header th`, `tr.outcome th` and `th.side-label`.
SHADED_ROWS = ("header", "outcome")

StyleFor = Callable[[str], ParagraphStyle]


@dataclass
class _Span:
    """A cell still covering rows below the one it starts in."""

    first: CT_Tc  # the w:tc holding the content, whose look the continuations copy
    columns: int
    rows_left: int


@dataclass
class _Builder:
    """Draws one layout Table into one Word table, carrying row spans from row to row."""

    word_table: WordTable
    table: Table
    style_for: StyleFor
    carried: dict[int, _Span] = field(default_factory=dict)

    def row(self, row: Row, head: bool) -> None:
        """Add `row`: its own cells, plus merge continuations of cells spanning from above."""
        word_row = self.word_table.add_row()
        _row_properties(word_row, head)
        tcs = list(word_row._tr.tc_lst)
        cells = iter(row.cells)
        column, carried, self.carried = 0, self.carried, {}
        while column < len(tcs):
            span = carried.get(column)
            if span is not None:
                column += self._continue(tcs, column, span)
                continue
            cell = next(cells, None)
            if cell is None:
                break  # a short row: the remaining grid cells stay empty
            column += self._start(tcs, column, cell, row)
        if next(cells, None) is not None:
            raise BuildError(f"table {self.table.id}: a row has more cells than columns")

    def _continue(self, tcs: list[CT_Tc], column: int, span: _Span) -> int:
        """Continue a vertical merge in this row; returns the grid columns it covers."""
        tc = tcs[column]
        _merge_across(tc, tcs[column + 1:column + span.columns])
        tc.vMerge = "continue"
        # Each part of a merged cell keeps its own shading and direction in Word and LibreOffice.
        tcpr = tc.get_or_add_tcPr()
        for tag in ("w:shd", "w:textDirection", "w:vAlign"):
            for node in span.first.tcPr.findall(qn(tag)):
                put(tcpr, deepcopy(node), TCPR_ORDER)
        if span.rows_left > 1:
            self.carried[column] = _Span(span.first, span.columns, span.rows_left - 1)
        return span.columns

    def _start(self, tcs: list[CT_Tc], column: int, cell: Cell, row: Row) -> int:
        """Draw a layout cell from this grid column; returns the grid columns it covers."""
        width = max(1, min(cell.colspan, len(tcs) - column))
        tc = tcs[column]
        _merge_across(tc, tcs[column + 1:column + width])
        if cell.rowspan > 1:
            tc.vMerge = "restart"
            self.carried[column] = _Span(tc, width, cell.rowspan - 1)
        self.fill(tc, cell, row)
        return width

    def fill(self, tc: CT_Tc, cell: Cell, row: Row) -> None:
        """Write a cell's paragraphs, shading and text direction."""
        word_cell = _Cell(tc, self.word_table)
        fill = cell.fill or (HEADER_FILL if _shaded(cell, row) else None)
        colour = _text_colour(cell, fill) if fill else None
        if fill:
            put(tc.get_or_add_tcPr(), element("w:shd", val="clear", color="auto",
                                              fill=fill.lstrip("#").upper()), TCPR_ORDER)
        if "side-label" in cell.classes:
            # Read bottom to top down the first column, as on the printed tracker.
            put(tc.get_or_add_tcPr(), element("w:textDirection", val="btLr"), TCPR_ORDER)
            word_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        size = SMALL_TABLES.get(self.table.style)
        lines = [line for content in cell.paragraphs for line in _lines(content)]
        for index, (style, label, text, bullet) in enumerate(lines):
            paragraph = word_cell.paragraphs[0] if index == 0 else word_cell.add_paragraph()
            styled(paragraph, self.style_for(style))
            if bullet:
                _write(paragraph, "\u2022 ", bold=cell.header, colour=colour, size=size)
            if label:
                _write(paragraph, label + " ", bold=True, colour=colour, size=size)
            _write(paragraph, text, bold=cell.header, colour=colour, size=size)


def _lines(content: Content) -> list[tuple[str, str | None, str, bool]]:
    """(style, bold label, text, is a bullet) for each Word paragraph of a cell's content."""
    if isinstance(content, Bullets):
        return [(content.style, None, item, True) for item in content.items]
    return [(content.style, content.label, content.text, False)]


def _write(paragraph: WordParagraph, text: str, *, bold: bool, colour: str | None,
           size: Pt | None) -> None:
    """One run of text; header cells bold, text on a fill in the fill's text colour."""
    if not text:
        return
    run = paragraph.add_run(xml_text(text))  # python-docx turns \n into w:br and \t into w:tab
    if bold:
        run.bold = True
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    if size is not None:
        run.font.size = size


def _shaded(cell: Cell, row: Row) -> bool:
    """Whether the stylesheet gives this header cell the light header fill."""
    return cell.header and (row.kind in SHADED_ROWS or "side-label" in cell.classes)


def _text_colour(cell: Cell, fill: str) -> str:
    """The text colour on a fill: the layout's, the banner pairing, else whichever reads
    better."""
    if cell.color:
        return cell.color
    for name in cell.classes:
        if name == "banner":
            return BANNER_TEXT
    if fill.upper() == HEADER_FILL.upper():
        return HEADER_TEXT
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast(text, fill))


def _merge_across(tc: CT_Tc, absorbed: list[CT_Tc]) -> None:
    """Make `tc` span its own grid column and those of `absorbed`, which are removed."""
    if not absorbed:
        return
    width = tc.width or 0
    for other in absorbed:
        width += other.width or 0
        other.getparent().remove(other)
    tc.grid_span = len(absorbed) + 1
    tc.width = width


def _row_properties(word_row: _Row, head: bool) -> None:
    """Rows never split across pages; header rows repeat at the top of every page."""
    trpr = word_row._tr.get_or_add_trPr()
    put(trpr, element("w:cantSplit"), TRPR_ORDER)
    if head:
        put(trpr, element("w:tblHeader"), TRPR_ORDER)


def column_widths(table: Table) -> list[int]:
    """Column widths in twips from the layout's percentages, summing exactly to the table."""
    total = TEXT_WIDTH * TABLE_PERCENT.get(table.style, 100) // 100
    shares = table.widths or (1,)
    whole = sum(shares)
    widths = [total * share // whole for share in shares]
    # Largest remainders get the twips lost to rounding down, so the grid fits exactly.
    order = sorted(range(len(shares)), key=lambda i: -(total * shares[i] % whole))
    for i in order[: total - sum(widths)]:
        widths[i] += 1
    return widths


def _table_properties(tbl: CT_Tbl, table: Table, total: int) -> None:
    """Fixed width and layout, and the alt text screen readers announce."""
    tblpr = tbl.tblPr
    put(tblpr, element("w:tblW", w=str(total), type="dxa"), TBLPR_ORDER)
    put(tblpr, element("w:tblLayout", type="fixed"), TBLPR_ORDER)
    put(tblpr, element("w:tblCaption", val=xml_text(table.caption)), TBLPR_ORDER)
    put(tblpr, element("w:tblDescription", val=xml_text(table.description)), TBLPR_ORDER)


def add_table(word: WordDocument, table: Table, style_for: StyleFor,
              table_style: _TableStyle) -> WordTable:
    """Draw `table` at the end of the document; head rows first, each marked as a header."""
    widths = column_widths(table)
    word_table = word.add_table(rows=0, cols=len(widths))
    word_table.style = table_style
    for column, width in zip(word_table.columns, widths, strict=True):
        column.width = Twips(width)
    _table_properties(word_table._tbl, table, sum(widths))
    builder = _Builder(word_table, table, style_for)
    for row in table.head:
        builder.row(row, head=True)
    for row in table.body:
        builder.row(row, head=False)
    return word_table

