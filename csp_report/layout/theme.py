"""The look of a pack as one typed value both renderers draw from, and the layout step that
gives every table cell its fill and the text colour on it.

The stylesheet gets the theme as CSS custom properties (render/html.py), the Word styles get it
as style properties (render/docx_styles.py): neither renderer decides a colour, a size or a
margin of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..errors import BuildError
from ..model.theme import MIN_CONTRAST, PAPER_MM, ThemeConfig, contrast, luminance
from .document import Cell, Charts, Document, Page, Row, Table

__all__ = ["MIN_CONTRAST", "Theme", "contrast", "luminance", "paint"]

MM_PER_INCH = 25.4
TWIPS_PER_INCH = 1440
PAGE_SIZES = PAPER_MM  # (short side, long side), mm

_DEFAULT = ThemeConfig()


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


def _unpickle_theme(values: dict[str, object]) -> Theme:
    frozen = {name: _frozen(values[name])  # type: ignore[arg-type]
              for name in ("table_font_size", "table_width")}
    return Theme(**{**values, **frozen})  # type: ignore[arg-type]


def twips(mm: float) -> int:
    """Millimetres in Word's twentieths of a point, rounded."""
    return round(mm * TWIPS_PER_INCH / MM_PER_INCH)


@dataclass(frozen=True)
class Theme:
    """Colours (#RRGGBB), font families, sizes in points, lengths in millimetres."""

    text: str = _DEFAULT.text
    muted: str = _DEFAULT.muted
    accent: str = _DEFAULT.accent
    banner_fill: str = _DEFAULT.banner_fill
    banner_text: str = _DEFAULT.banner_text
    header_fill: str = _DEFAULT.header_fill
    header_text: str = _DEFAULT.header_text
    light_text: str = _DEFAULT.light_text
    border: str = _DEFAULT.border
    border_width: float = float(_DEFAULT.border_width)
    pdf_font: str = _DEFAULT.pdf_font
    word_font: str = _DEFAULT.word_font
    size_body: float = float(_DEFAULT.size_body)
    size_small: float = float(_DEFAULT.size_small)
    size_banner: float = float(_DEFAULT.size_banner)
    size_title: float = float(_DEFAULT.size_title)
    size_h2: float = float(_DEFAULT.size_h2)
    size_h3: float = float(_DEFAULT.size_h3)
    size_cover: float = float(_DEFAULT.size_cover)
    size_cover_plan: float = float(_DEFAULT.size_cover_plan)
    size_cover_note: float = float(_DEFAULT.size_cover_note)
    table_font_size: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {k: float(v) for k, v in _DEFAULT.table_font_size.items()}))
    table_width: Mapping[str, float] = field(default_factory=lambda: _frozen(
        _DEFAULT.table_width))
    paragraph_gap: float = float(_DEFAULT.paragraph_gap)
    cell_padding: float = float(_DEFAULT.cell_padding)
    table_gap: float = float(_DEFAULT.table_gap)
    cover_top: float = float(_DEFAULT.cover_top)
    contents_width: float = float(_DEFAULT.contents_width)
    page_size: str = _DEFAULT.page_size
    orientation: str = _DEFAULT.orientation
    margin_top: float = float(_DEFAULT.margin_top)
    margin_right: float = float(_DEFAULT.margin_right)
    margin_bottom: float = float(_DEFAULT.margin_bottom)
    margin_left: float = float(_DEFAULT.margin_left)
    footer_distance: float = float(_DEFAULT.footer_distance)

    def __reduce__(self) -> tuple[object, tuple[dict[str, object]]]:
        # Pickled whole for the render workers (render/split.py); a read-only mapping is not
        # picklable, so the tables' sizes travel as plain dicts and are frozen again.
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["table_font_size"] = dict(self.table_font_size)
        values["table_width"] = dict(self.table_width)
        return _unpickle_theme, (values,)

    @classmethod
    def from_config(cls, config: ThemeConfig) -> Theme:
        """The theme a project's report.yaml `theme:` describes."""
        return cls._from(dict(config))

    @classmethod
    def _from(cls, values: dict[str, object]) -> Theme:
        converted: dict[str, object] = {}
        for name, value in values.items():
            if isinstance(value, dict):
                converted[name] = _frozen({k: float(v) for k, v in value.items()})
            elif isinstance(value, str):
                converted[name] = value
            else:
                converted[name] = float(value)  # type: ignore[arg-type]
        return cls(**converted)  # type: ignore[arg-type]

    # --- derived geometry ---------------------------------------------------------------

    @property
    def page_mm(self) -> tuple[float, float]:
        """Page width and height in mm, in the theme's orientation."""
        short, long = PAGE_SIZES[self.page_size]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def text_width_mm(self) -> float:
        """The width between the side margins."""
        return self.page_mm[0] - self.margin_left - self.margin_right

    def table_percent(self, style: str) -> float:
        """How wide a table of `style` is, per cent of the text width."""
        return self.table_width.get(style, 100)

    def table_size(self, style: str) -> float | None:
        """The text size of a table of `style`, if the theme sets one."""
        return self.table_font_size.get(style)

    # --- colours ------------------------------------------------------------------------

    def text_on(self, fill: str) -> str:
        """The text colour to print on `fill`: the body text or the light text, whichever
        contrasts more (the theme's fill pairs are checked on load; a status fill is checked
        where its scheme is)."""
        return max((self.text, self.light_text), key=lambda colour: contrast(colour, fill))


# --- painting: the layout decides every cell's fill and text colour --------------------------

SHADED_ROWS = ("header", "outcome")  # header cells in these rows take the header fill


def _painted(cell: Cell, row: Row, theme: Theme, table: Table) -> Cell:
    """The cell with its fill and text colour decided (the banner and header fills of the
    theme, or a status fill the layout already gave it, each with readable text) and, for a
    side label, its direction."""
    side_label = "side-label" in cell.classes
    fill: str | None
    color: str | None
    if cell.header and row.kind == "banner":
        fill, color = theme.banner_fill, theme.banner_text
    elif cell.header and (row.kind in SHADED_ROWS or side_label):
        fill, color = theme.header_fill, theme.header_text
    elif cell.fill:
        fill, color = cell.fill, cell.color or theme.text_on(cell.fill)
        if contrast(color, fill) < MIN_CONTRAST:
            raise BuildError(f"table {table.id}: no text colour of the theme reads on the fill "
                             f"{fill} (best {contrast(color, fill):.1f}:1, at least "
                             f"{MIN_CONTRAST}:1 needed)")
    else:
        fill, color = cell.fill, cell.color
    vertical = cell.vertical or side_label
    if (fill, color, vertical) == (cell.fill, cell.color, cell.vertical):
        return cell
    return replace(cell, fill=fill, color=color, vertical=vertical)


def _paint_table(table: Table, theme: Theme) -> Table:
    def rows(kind: tuple[Row, ...]) -> tuple[Row, ...]:
        return tuple(replace(row, cells=tuple(_painted(c, row, theme, table)
                                              for c in row.cells))
                     for row in kind)
    return replace(table, head=rows(table.head), body=rows(table.body))


def paint(doc: Document) -> Document:
    """`doc` with every table cell's fill and text colour decided from `doc.theme`."""
    def painted(block: object) -> object:
        if isinstance(block, Table):
            return _paint_table(block, doc.theme)
        if isinstance(block, Charts):
            return replace(block, data=_paint_table(block.data, doc.theme))
        return block
    pages = tuple(Page(tuple(painted(b) for b in page.blocks), page.style)  # type: ignore[misc]
                  for page in doc.pages)
    return replace(doc, pages=pages)
