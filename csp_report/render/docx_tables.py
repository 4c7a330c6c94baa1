"""Layout tables as native Word tables, built row by row with real horizontal/vertical merges."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field, replace

from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.shared import Length, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle, _TableStyle
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from ..layout.document import Bullets, Cell, Chart, Table, Text
from ..layout.grid import Placed, grid
from ..layout.theme import Theme, twips
from .docx_charts import add_chart
from .docx_xml import TBLPR_ORDER, TCPR_ORDER, TRPR_ORDER, element, put, styled, xml_text

# Word's names for a cell spanning rows: its first part, and the parts below it.
RESTART, CONTINUE = "restart", "continue"

BULLET_PREFIX = "\u2022 "  # a list item's bullet when its style has no numbering definition

StyleFor = Callable[[str], ParagraphStyle]


@dataclass(frozen=True)
class BulletStyle:
    """The paragraph style of a list item, and whether it numbers its paragraphs with a bullet
    (a numbering definition) or the renderer writes the bullet as text."""

    style: ParagraphStyle
    numbered: bool


def text_width(theme: Theme) -> int:
    """The width between the page's side margins, in twips."""
    return twips(theme.text_width_mm)


@dataclass
class _Builder:
    """Draws one layout Table into one Word table from its grid (layout/grid.py)."""

    word_table: WordTable
    table: Table
    style_for: StyleFor
    theme: Theme
    bullets: BulletStyle | None = None
    widths: list[int] = field(default_factory=list)  # each grid column's width in twips
    first: dict[int, CT_Tc] = field(default_factory=dict)  # column -> w:tc a merge starts in

    def row(self, row: tuple[Placed, ...], head: bool, splittable: bool = False) -> None:
        """Add one grid row: cells starting here, and continuations of merges from above."""
        word_row = self.word_table.add_row()
        _row_properties(word_row, head, splittable)
        tcs = list(word_row._tr.tc_lst)
        for placed in row:
            tc = tcs[placed.column]
            _merge_across(tc, tcs[placed.column + 1:placed.column + placed.columns])
            if placed.continued:
                self._continue(tc, self.first[placed.column])
            else:
                if placed.cell.rowspan > 1:
                    tc.vMerge = RESTART
                    self.first[placed.column] = tc
                self.fill(tc, placed.cell, sum(self.widths[placed.column:placed.column
                                                            + placed.columns]))

    @staticmethod
    def _continue(tc: CT_Tc, first: CT_Tc) -> None:
        """Continue a vertical merge: each part of a merged cell keeps its own shading and
        direction in Word and LibreOffice, so this part copies the first's."""
        tc.vMerge = CONTINUE
        tcpr = tc.get_or_add_tcPr()
        for tag in ("w:shd", "w:textDirection", "w:vAlign"):
            for node in first.get_or_add_tcPr().findall(qn(tag)):
                put(tcpr, deepcopy(node), TCPR_ORDER)

    def fill(self, tc: CT_Tc, cell: Cell, width: int = 0) -> None:
        """Write a cell's content, with the fill and text colour the layout gave it; `width`
        is the cell's in twips (a chart is drawn no wider)."""
        word_cell = _Cell(tc, self.word_table)
        if cell.fill:
            put(tc.get_or_add_tcPr(), element("w:shd", val="clear", color="auto",
                                              fill=_hex(cell.fill)), TCPR_ORDER)
        if cell.vertical:
            # Read bottom to top down the first column, as on the printed tracker.
            put(tc.get_or_add_tcPr(), element("w:textDirection", val="btLr"), TCPR_ORDER)
            word_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        size = self.theme.table_size(self.table.style)
        look = _Look(bold=cell.header, colour=cell.color, size=Pt(size) if size else None)
        first = True
        charted: WordParagraph | None = None  # the paragraph the last part's chart went in
        for part in cell.paragraphs:
            if isinstance(part, Chart):
                if charted is None:
                    charted = word_cell.paragraphs[0] if first else word_cell.add_paragraph()
                    styled(charted, self.style_for(part.style))
                first = False
                add_chart(charted, part, self.theme, width)
                continue
            charted = None
            items: tuple[Text | str, ...] = part.items if isinstance(part, Bullets) else (part,)
            for item in items:
                paragraph = word_cell.paragraphs[0] if first else word_cell.add_paragraph()
                first = False
                if isinstance(item, Text):
                    styled(paragraph, self.style_for(item.style))
                    if item.label:
                        _write(paragraph, item.label, replace(look, bold=True))
                        _write(paragraph, " " + item.text if item.text else "", look)
                    else:
                        _write(paragraph, item.text, look)
                else:
                    self._bullet(paragraph, item, look)

    def _bullet(self, paragraph: WordParagraph, item: str, look: _Look) -> None:
        """One list item: the bullet style, numbered with a bullet (or a bullet run when the
        style has no numbering definition)."""
        bullets = self.bullets
        if bullets is not None:
            styled(paragraph, bullets.style)
        if bullets is None or not bullets.numbered:
            _write(paragraph, BULLET_PREFIX, look)
        _write(paragraph, item, look)


@dataclass(frozen=True)
class _Look:
    """How the runs of one cell look: header cells bold, text in the layout's colour."""

    bold: bool
    colour: str | None
    size: Pt | None


def _hex(colour: str) -> str:
    """#rrggbb as Word writes it: RRGGBB."""
    return colour.lstrip("#").upper()


def _write(paragraph: WordParagraph, text: str, look: _Look) -> None:
    """One run of text."""
    if not text:
        return
    run = paragraph.add_run(xml_text(text))  # python-docx turns \n into w:br and \t into w:tab
    if look.bold:
        run.bold = True
    if look.colour:
        run.font.color.rgb = RGBColor.from_string(_hex(look.colour))
    if look.size is not None:
        run.font.size = look.size


def _merge_across(tc: CT_Tc, absorbed: list[CT_Tc]) -> None:
    """Make `tc` span its own grid column and those of `absorbed`, which are removed."""
    if not absorbed:
        return
    width = tc.width or 0
    for other in absorbed:
        width += other.width or 0
        other.getparent().remove(other)
    tc.grid_span = len(absorbed) + 1
    tc.width = Length(width)


def _row_properties(word_row: _Row, head: bool, splittable: bool = False) -> None:
    """Rows do not split across pages (unless the layout says one is too tall for a page);
    header rows repeat at the top of every page."""
    trpr = word_row._tr.get_or_add_trPr()
    if not splittable:
        put(trpr, element("w:cantSplit"), TRPR_ORDER)
    if head:
        put(trpr, element("w:tblHeader"), TRPR_ORDER)


def column_widths(table: Table, theme: Theme | None = None) -> list[int]:
    """Column widths in twips from the layout's percentages, summing exactly to the table."""
    theme = theme or Theme()
    total = int(text_width(theme) * theme.table_percent(table.style) // 100)
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
              table_style: _TableStyle, theme: Theme | None = None,
              bullets: BulletStyle | None = None) -> WordTable:
    """Draw `table` at the end of the document; head rows first, each marked as a header."""
    theme = theme or Theme()
    widths = column_widths(table, theme)
    word_table = word.add_table(rows=0, cols=len(widths))
    word_table.style = table_style
    for column, width in zip(word_table.columns, widths, strict=True):
        column.width = Twips(width)
    _table_properties(word_table._tbl, table, sum(widths))
    builder = _Builder(word_table, table, style_for, theme, bullets, widths)
    placed = grid(table)
    for row in placed.head:
        builder.row(row, head=True)
    for row, layout_row in zip(placed.body, table.body, strict=True):
        builder.row(row, head=False, splittable=layout_row.splittable)
    return word_table

