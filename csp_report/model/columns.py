"""A pack's table as data: the column kinds, which periods it shows, and the presets."""

from __future__ import annotations

from typing import Annotated, Literal, Protocol

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from .types import Identifier, Strict, Text

ColumnKind = Literal[
    "section-label",  # the section's label spanning its rows (the tracker's vertical label)
    "ref", "measure", "title", "detail", "owner", "baseline", "target",
    "periods",  # one column per period the pack shows
    "value", "previous", "change",  # the period's figure, last year's, the change: numbers only
    "ytd",  # the year to date at the pack's period
    "year-result",  # the year's result against its target (ACHIEVED / NOT ACHIEVED)
    "status", "travel",
    "narrative",  # a named narrative field of the pack's period (commentary, action, ...)
    "field",  # a field the project declares (page reference, lead member, frequency, ...)
    "chart",  # each series' trend over the last periods against its target (issue 14)
]
# Each kind's width share when a column gives none (shares are scaled to the table's width).
DEFAULT_WIDTHS: dict[str, int] = {
    "section-label": 5, "ref": 6, "measure": 30, "title": 25, "detail": 25, "owner": 14,
    "baseline": 12, "target": 12, "periods": 20, "value": 10, "previous": 10, "change": 10,
    "ytd": 16, "year-result": 16, "status": 9, "travel": 9, "narrative": 30, "field": 10,
    "chart": 18,
}
MeasurePart = Literal["title", "detail", "baseline", "years", "target"]
ChartSize = Literal["small", "large"]
LabelStyle = Literal["quarter", "quarter-update", "range", "short-range", "period-id"]


class Column(Strict):
    """One column of a pack's tables: a kind from the registry and how it is headed."""

    kind: ColumnKind
    header: Text | None = Field(None, description="Column header; each kind has a default")
    width: int | None = Field(
        None, ge=1, le=100, description="Width share; shares are scaled to the table width")
    show: list[MeasurePart] | None = Field(
        None, description="measure column: which parts it prints, in order")
    field: Identifier | None = Field(
        None, description="narrative or field column: which field it prints")
    label: LabelStyle | None = Field(
        None, description="periods column: how each period is headed")
    labelled: bool = Field(
        False, description="narrative column: lead each text with its field's label")
    travel: bool = Field(
        False, description="status column: print the direction of travel under the status")
    brief: bool = Field(
        False, description="periods column: each period's figure alone (510), without the "
        "sentence and commentary")

    periods: int | None = Field(
        None, ge=2, le=24, description="chart column: how many periods it draws, up to the "
        "pack's, across financial years (default 8)")
    size: ChartSize | None = Field(
        None, description="chart column: small (default) or large")

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Column:
        if self.kind in ("narrative", "field") and self.field is None:
            raise PydanticCustomError(
                "column_field", "a {kind} column needs 'field': which field it prints",
                {"kind": self.kind})
        if self.field is not None and self.kind not in ("narrative", "field"):
            raise PydanticCustomError(
                "column_option", "'field' is for narrative and field columns, not {kind}",
                {"kind": self.kind})
        if self.show is not None and self.kind != "measure":
            raise PydanticCustomError("column_option", "'show' is for the measure column")
        if self.label is not None and self.kind != "periods":
            raise PydanticCustomError("column_option", "'label' is for the periods column")
        if (self.periods is not None or self.size is not None) and self.kind != "chart":
            raise PydanticCustomError("column_option",
                                      "'periods' and 'size' are for the chart column")
        if self.travel and self.kind != "status":
            raise PydanticCustomError("column_option", "'travel' is for the status column")
        if self.brief and self.kind != "periods":
            raise PydanticCustomError("column_option", "'brief' is for the periods column")
        return self


class ChartBlock(Strict):
    """A block of larger trend charts after each section's table, one per measure series,
    with a table of the figures they draw."""

    periods: int = Field(8, ge=2, le=24, description="How many periods each chart draws")
    size: ChartSize = Field("large", description="small or large (default)")


PeriodChoice = Literal["current", "year", "year-so-far"]


class LastPeriods(Strict):
    """The last N quarters up to the pack's period, across financial years."""

    last: int = Field(ge=1, le=12)


class ChosenQuarters(Strict):
    """Only these quarters of the pack's financial year, e.g. [2, 3]."""

    quarters: list[int] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _in_range(self) -> ChosenQuarters:
        if any(not 1 <= q <= 4 for q in self.quarters) or self.quarters != sorted(
                set(self.quarters)):
            raise PydanticCustomError(
                "quarters", "quarters are numbers 1 to 4, each once, in order")
        return self


Periods = PeriodChoice | LastPeriods | ChosenQuarters


def _kind_alone(value: object) -> object:
    """A column given as its kind alone (- ref) is that kind with its defaults."""
    return {"kind": value} if isinstance(value, str) else value


# In report.yaml a column is a kind alone or a mapping with options; either way a Column,
# so that a problem is reported on the column's own field.
ColumnEntry = Annotated[Column, BeforeValidator(_kind_alone)]


def column(kind: ColumnKind, **options: object) -> Column:
    return Column(kind=kind, **options)  # type: ignore[arg-type]


# The two seed layouts, built from the same registry as any project's own columns.
PRESETS: dict[str, tuple[Column, ...]] = {
    "activity": (
        column("ref", header="Ref", width=7),
        column("measure", header="Activities to support this priority", width=36,
               show=["title", "detail"]),
        column("owner", header="Data collation", width=18),
        column("periods", width=39),
    ),
    "tracker": (
        column("section-label", header="Theme", width=5),
        column("ref", header="No", width=5),
        column("measure", header="Performance Measure", width=26,
               show=["title", "detail", "baseline", "years"]),
        column("periods", width=14, label="quarter"),
        column("status", header="RAG", width=8, travel=True),
    ),
    # A plain table for a pack that starts from nothing: one row per measure, this period.
    "table": (
        column("measure", header="Measure", width=40, show=["title", "detail"]),
        column("periods", width=45),
        column("status", header="Status", width=15),
    ),
}
PRESET_PERIODS: dict[str, Periods] = {"activity": "current", "tracker": "year",
                                      "table": "current"}
Preset = Literal["activity", "tracker", "table"]


class PackLike(Protocol):
    """What the column helpers read of a Pack (model/report.py imports this module)."""

    @property
    def layout(self) -> Preset: ...
    @property
    def periods(self) -> Periods | None: ...
    @property
    def columns(self) -> list[Column] | None: ...


class SectionLike(Protocol):
    @property
    def columns(self) -> list[Column] | None: ...


def pack_periods(pack: PackLike) -> Periods:
    """The periods option in force: the pack's own, else its preset's."""
    return pack.periods if pack.periods is not None else PRESET_PERIODS[pack.layout]


def column_width(column: Column) -> int:
    """The column's width share: its own, else its kind's default."""
    return column.width if column.width is not None else DEFAULT_WIDTHS[column.kind]


def most_periods(pack: PackLike, frequency: str) -> int:
    """The most periods the pack's periods column can show, at any period it is built for."""
    choice = pack_periods(pack)
    if isinstance(choice, LastPeriods):
        return choice.last
    if isinstance(choice, ChosenQuarters):
        return len(choice.quarters)
    if choice in ("year", "year-so-far"):
        return 12 if frequency == "monthly" else 4
    return 1


def table_columns(pack: PackLike, section: SectionLike | None = None) -> tuple[Column, ...]:
    """The columns of a section's table: the section's own, the pack's, else the preset's."""
    chosen = (section.columns if section is not None and section.columns is not None
              else pack.columns)
    if chosen is None:
        return PRESETS[pack.layout]
    return tuple(chosen)
