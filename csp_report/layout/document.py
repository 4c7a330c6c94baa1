"""The format-neutral document: what a pack contains, decided once for every output format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .theme import Theme


def _default_theme() -> Theme:
    from .theme import Theme  # theme.py draws on this module's types

    return Theme()


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text; `style` names its role (title, detail, commentary, ...).

    `label` is a lead-in printed in bold before the text ("Action: ..."), for labelled
    narrative blocks.
    """

    text: str
    style: str = "body"
    label: str | None = None

    @property
    def plain(self) -> str:
        """The paragraph as a reader gets it, label included."""
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass(frozen=True)
class Bullets:
    """A bulleted list inside a cell (from "- " lines in a text field); each item plain text."""

    items: tuple[str, ...]
    style: str = "body"

    @property
    def plain(self) -> str:
        return "\n".join(self.items)


# A chart's drawing size in points (width, height, font size): it is drawn as wide as its
# cell (or half the text width in a chart block), keeping this shape.
CHART_SIZES = {"small": (160.0, 66.0, 6.5), "large": (360.0, 130.0, 8.0)}


@dataclass(frozen=True)
class ChartPoint:
    """One period of a trend chart: its axis label, its figure (None: no data) as drawn and
    as printed, and the comparator drawn for it (None: none that period)."""

    label: str
    value: float | None
    text: str
    target: float | None = None
    target_text: str = ""


@dataclass(frozen=True)
class Chart:
    """A trend chart, decided here for every format: the points oldest first, the comparator
    line, the current (last) point's status as a word and a marker shape (never colour
    alone), the axis labels and the text alternative stating the figures. Renderers only draw
    it (render/chart.py)."""

    title: str
    series: str | None  # the series' label, for a measure of several series
    points: tuple[ChartPoint, ...]
    unit: str  # the value axis label, e.g. "crimes per quarter"
    against: str | None  # what the dashed line is, e.g. "Target (pro-rata)"
    status: str | None  # the current point's status word
    marker: str  # circle | triangle | diamond | square | none: the current point's shape
    fill: str  # the current point's marker colour (#rrggbb), with the word beside it
    low: float  # the value axis runs from low to high
    high: float
    low_text: str
    high_text: str
    alt: str
    size: str = "small"  # small (a table cell) | large (a section's chart block)
    style: str = "chart"

    @property
    def plain(self) -> str:
        """A chart has no text of its own in the cell's flow: its figures are its alt text."""
        return ""


Content = Text | Bullets | Chart


@dataclass(frozen=True)
class Cell:
    """A table cell: typed content (paragraphs, lists), spans, whether it is a header, its
    classes (status...) and, where the layout gives one, its fill and the text colour on it."""

    paragraphs: tuple[Content, ...]
    header: bool = False
    scope: str | None = None  # "col" or "row" for header cells
    colspan: int = 1
    rowspan: int = 1
    classes: tuple[str, ...] = ()
    fill: str | None = None  # background colour as #rrggbb, decided here for both formats
    color: str | None = None  # text colour on that fill, chosen for contrast by the layout
    vertical: bool = False  # text read bottom to top (the tracker's side label)

    @property
    def text(self) -> str:
        """The cell's text as a reader gets it, paragraphs and list items joined by newlines."""
        return "\n".join(p.plain for p in self.paragraphs)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = "body"  # banner | outcome | header | body
    # Rows are kept whole on one page, except one too tall for a page, which the layout lets
    # split (kept whole, it would leave a page empty and lose the repeated header rows).
    splittable: bool = False


@dataclass(frozen=True)
class Table:
    """A table: header rows repeat on every page; rows are never split across pages."""

    id: str
    caption: str
    description: str
    widths: tuple[int, ...]  # column widths in per cent of the text width
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    style: str  # activity | tracker | summary | key


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    id: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"


@dataclass(frozen=True)
class ContentsEntry:
    text: str
    target: str  # the id of the heading it points at


@dataclass(frozen=True)
class Contents:
    """The contents list; each format fills in page numbers its own way."""

    entries: tuple[ContentsEntry, ...]


@dataclass(frozen=True)
class Charts:
    """A section's chart block: a heading line, each chart with its title, then the table of
    the figures the charts draw (their data as text, in every format)."""

    id: str
    caption: str
    charts: tuple[Chart, ...]
    data: Table


Block = Heading | Paragraph | Table | Contents | Charts


@dataclass(frozen=True)
class Page:
    """Blocks that start on a new page."""

    blocks: tuple[Block, ...]
    style: str = "body"  # cover | body


@dataclass(frozen=True)
class Document:
    """A whole pack, ready to be drawn as HTML/PDF or DOCX."""

    title: str
    subject: str
    language: str
    author: str
    date: str  # ISO date of the data, used for document metadata
    footer: str
    pages: tuple[Page, ...] = field(default_factory=tuple)
    theme: Theme = field(default_factory=_default_theme)

    def tables(self) -> list[Table]:
        """Every table, a chart block's table of figures included, in order."""
        return [t for page in self.pages for b in page.blocks
                for t in ((b,) if isinstance(b, Table) else (b.data,) if isinstance(b, Charts)
                          else ())]

    def charts(self) -> list[Chart]:
        """Every chart, in table cells and chart blocks, in reading order."""
        found: list[Chart] = []
        for page in self.pages:
            for block in page.blocks:
                if isinstance(block, Charts):
                    found += block.charts
                elif isinstance(block, Table):
                    found += [part for row in (*block.head, *block.body) for cell in row.cells
                              for part in cell.paragraphs if isinstance(part, Chart)]
        return found
