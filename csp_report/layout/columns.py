"""The column registry: for each column kind, its default header and width, its header cells
and the cells of one measure's row. A pack's table is a list of these, from report.yaml."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..compute.measures import ComputedMeasure, ComputedPack
from ..compute.numbers import figure
from ..model.columns import Column, column_width
from ..model.periods import Period
from ..model.report import Section
from ..sentences import Sentences
from .cells import measure_paragraphs, status_cell, target_paragraphs, update_paragraphs
from .charts import measure_charts
from .common import cell, header
from .document import Cell, Content, Text
from .text import rich_text


@dataclass(frozen=True)
class TableContext:
    """What a column needs to draw one section's table."""

    computed: ComputedPack
    sentences: Sentences
    section_id: str
    section: Section
    columns: tuple[Column, ...]
    measures: list[ComputedMeasure]

    def has(self, kind: str, field: str | None = None) -> bool:
        return any(c.kind == kind and (field is None or c.field == field) for c in self.columns)

    def label_style(self, column: Column) -> str:
        return (column.label or self.section.period_label or self.computed.pack.period_label)

    def narrative_label(self, field: str) -> str:
        return self.computed.project.report.narratives.get(field, "Commentary")


@dataclass(frozen=True)
class Kind:
    """One column kind: its default header, and how it draws cells (its default width share
    is the model's, model.columns.DEFAULT_WIDTHS, which validation reads too)."""

    header: Callable[[TableContext, Column], list[str]]
    cells: Callable[[TableContext, Column, ComputedMeasure, int], list[Cell]]


def _fixed(text: str) -> Callable[[TableContext, Column], list[str]]:
    return lambda ctx, col: [col.header or text]


def _section_label(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    if row > 0:
        return []  # covered by the first row's label
    label = ctx.section.label or ctx.section.title
    return [Cell((Text(label, "side-label"),), header=True, scope="rowgroup",
                 rowspan=len(ctx.measures), classes=("side-label",))]


def _ref(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    return [Cell((Text(m.entry.measure.ref or "", "ref"),), header=True, scope="row")]


def _naming(ctx: TableContext, content: tuple[Content, ...]) -> Cell:
    """The cell naming the measure: the row's header for screen readers when the table has
    no ref column to be it."""
    if ctx.has("ref"):
        return cell(*content)
    return Cell(content, header=True, scope="row", classes=("row-header",))


def _measure(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    parts = col.show if col.show is not None else ["title", "detail"]
    return [_naming(ctx, measure_paragraphs(m, ctx.sentences, parts))]


def _part(part: str) -> Callable[[TableContext, Column, ComputedMeasure, int], list[Cell]]:
    def draw(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
        content = measure_paragraphs(m, ctx.sentences, [part])
        return [_naming(ctx, content) if part == "title" else cell(*content)]
    return draw


def _target(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    return [cell(*target_paragraphs(m, ctx.sentences, lead=False))]


def _owner(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    owner = m.entry.measure.owner
    name = ctx.computed.project.report.owners.get(owner, "") if owner else ""
    return [cell(Text(name, "owner"))]


def _period_headers(ctx: TableContext, col: Column) -> list[str]:
    if col.header and len(ctx.computed.shown) == 1:
        return [col.header]
    return [p.label(ctx.label_style(col)) for p in ctx.computed.shown]


def _periods(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    if col.brief:
        return [_brief_cell(ctx, m, period) for period in ctx.computed.shown]
    return [_period_cell(ctx, m, period) for period in ctx.computed.shown]


def _brief_cell(ctx: TableContext, m: ComputedMeasure, period: Period) -> Cell:
    """A period's figure alone, per series; why it is missing where it is."""
    quarter = m.quarter(period)
    if quarter is None:
        return cell(Text("", "future"))
    if quarter.annual or not quarter.reported or quarter.missing:
        return cell(*update_paragraphs(quarter, ctx.sentences))
    lines = []
    for figures in quarter.series:
        text = ctx.sentences.bare(figures, "value")
        if text:
            lines.append(Text(f"{figures.spec.label}: {text}" if figures.spec.label else text,
                              "figure"))
    return cell(*lines) if lines else cell(Text("", "figure"))


def _period_cell(ctx: TableContext, m: ComputedMeasure, period: Period) -> Cell:
    """A period's update; a period after the pack's own is still to come (empty)."""
    quarter = m.quarter(period)
    if quarter is None:
        return cell(Text("", "future"))
    content = list(update_paragraphs(quarter, ctx.sentences,
                                     commentary=not ctx.has("narrative", "commentary")))
    if quarter.reported and not quarter.missing:
        content += _narrative_blocks(ctx, m, period)
    return cell(*content)


def _narrative_blocks(ctx: TableContext, m: ComputedMeasure, period: Period) -> list[Content]:
    """Narratives without a column of their own, as labelled blocks of the period's cell."""
    raw = m.entry.measure.quarters.get(period.id)
    if raw is None:
        return []
    blocks: list[Content] = []
    for field, text in raw.narratives.items():
        if text and not ctx.has("narrative", field):
            blocks += rich_text(text, "commentary", f"{ctx.narrative_label(field)}:")
    return blocks


def _figure(name: str) -> Callable[[TableContext, Column, ComputedMeasure, int], list[Cell]]:
    """A bare figure of the pack's period (this period, last year, the change) per series."""
    def draw(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
        lines = []
        for figures in m.current.series:
            text = ctx.sentences.bare(figures, name)
            if text:
                lines.append(Text(f"{figures.spec.label}: {text}" if figures.spec.label
                                  else text, "figure"))
        return [cell(*lines) if lines else cell(Text("", "figure"))]
    return draw


def _ytd(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    if m.current.annual or not m.current.started:
        return [cell(*update_paragraphs(m.current, ctx.sentences))]
    return [cell(*(Text(line, "figure") for line in ctx.sentences.year_to_date(m.current)))]


def _year_result(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    year = ctx.computed.period.year
    result = next((r for r in m.years if r.year == year), None)
    if result is None:
        return [cell(Text("", "history"))]
    return [cell(Text(ctx.sentences.year(result, m.specs[0]), "history"))]


def _status_header(ctx: TableContext, col: Column) -> list[str]:
    scheme = ctx.computed.scheme
    return [col.header or (scheme.name if scheme else "Status")]


def _status(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    return [status_cell(ctx.computed.scheme, m, travel=col.travel)]


def _travel(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    if m.travel is None:
        return [cell(Text("", "travel"))]
    return [cell(Text(f"{m.travel.arrow} {m.travel.label}", "travel"))]


def _narrative_header(ctx: TableContext, col: Column) -> list[str]:
    return [col.header or ctx.narrative_label(col.field or "commentary")]


def _narrative(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    raw = m.entry.measure.quarters.get(ctx.computed.period.id)
    field = col.field or "commentary"
    text = "" if raw is None else (raw.commentary if field == "commentary"
                                   else raw.narratives.get(field, ""))
    label = f"{ctx.narrative_label(field)}:" if col.labelled else None
    return [cell(*rich_text(text, "commentary", label))]


def _field_header(ctx: TableContext, col: Column) -> list[str]:
    spec = ctx.computed.project.report.fields.get(col.field or "")
    return [col.header or (spec.label if spec else col.field or "")]


def _field(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    """A declared field: this period's value if given, else the measure's."""
    field = col.field or ""
    raw = m.entry.measure.quarters.get(ctx.computed.period.id)
    value = raw.fields.get(field) if raw is not None else None
    if value is None:
        value = m.entry.measure.fields.get(field)
    if value is None:
        return [cell(Text("", "field"))]
    text = value if isinstance(value, str) else figure(value)
    return [cell(*rich_text(text, "field"))]


def _chart(ctx: TableContext, col: Column, m: ComputedMeasure, row: int) -> list[Cell]:
    """Each series' trend, oldest period first, with its comparator and current status."""
    charts = measure_charts(ctx.sentences, ctx.computed.scheme, m, col.periods or 8,
                            col.size or "small")
    return [cell(*charts) if charts else cell(Text("", "chart"))]


KINDS: dict[str, Kind] = {
    "section-label": Kind(_fixed("Section"), _section_label),
    "ref": Kind(_fixed("Ref"), _ref),
    "measure": Kind(_fixed("Measure"), _measure),
    "title": Kind(_fixed("Measure"), _part("title")),
    "detail": Kind(_fixed("Detail"), _part("detail")),
    "owner": Kind(_fixed("Data owner"), _owner),
    "baseline": Kind(_fixed("Baseline"), _part("baseline")),
    "target": Kind(_fixed("Target"), _target),
    "periods": Kind(_period_headers, _periods),
    "value": Kind(_fixed("This period"), _figure("value")),
    "previous": Kind(_fixed("Same period last year"), _figure("previous")),
    "change": Kind(_fixed("Change"), _figure("change")),
    "ytd": Kind(_fixed("Year to date"), _ytd),
    "year-result": Kind(_fixed("Year result"), _year_result),
    "status": Kind(_status_header, _status),
    "travel": Kind(_fixed("Direction of travel"), _travel),
    "narrative": Kind(_narrative_header, _narrative),
    "field": Kind(_field_header, _field),
    "chart": Kind(_fixed("Trend"), _chart),
}


def column_headers(ctx: TableContext, column: Column) -> list[str]:
    """The header text of each table column this column makes (periods make several)."""
    return KINDS[column.kind].header(ctx, column)


def row_cells(ctx: TableContext, column: Column, measure: ComputedMeasure, row: int) -> list[Cell]:
    return KINDS[column.kind].cells(ctx, column, measure, row)


__all__ = ["KINDS", "TableContext", "column_headers", "column_width", "header", "row_cells"]
