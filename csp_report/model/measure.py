"""A measure file (data/measures/PACK/*.yaml): one row of a pack, its figures and commentary."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .types import Count, Identifier, LongText, NonNegative, Number, PeriodId, Strict, Text, YearId

Decimals = Annotated[int, Field(ge=0, le=6, description="Decimal places figures print at "
                                "(default: 1; 0 for ranks); a comparison shows more where "
                                "two different figures would otherwise print the same")]
PER = ("A rate's denominator, printed after the figure: '1,000 population' prints "
       "'4.6 offences per 1,000 population'")

Unit = Literal["count", "percentage", "signed-percentage", "rate", "rank", "text"]
Good = Literal["lower", "higher", "monitor"]
MissingState = Literal["not-available", "to-follow", "not-collected", "no-update"]
Travel = Literal["better", "worse", "no-change", "up", "down"]
FieldValue = Text | Number

MAIN_SERIES = "main"


class Missing(Strict):
    """A figure that was not supplied, with the reason printed in the pack."""

    state: MissingState
    reason: LongText = Field(min_length=1, description="Printed in the pack, e.g. "
                         "'Not available at time of writing'")


class Baseline(Strict):
    """The figure the plan measures against, and how it was arrived at."""

    value: Number | None = None
    description: Text | None = Field(None, description="e.g. '3 yr average (2012-2014)'")


class Figures(Strict):
    """One series' figures for one quarter, as the data owner supplied them."""

    value: Number | None = Field(None, description="This quarter's figure")
    previous: Number | None = Field(None, description="The same quarter last year")
    ytd: Number | None = Field(None, description="Year to date, where the source gives it")
    ytd_previous: Number | None = Field(None, description="Year to date last year")
    baseline: Number | None = Field(None, description="A baseline for this quarter only")
    out_of: Count | None = Field(None, description="For ranks: the number ranked")
    covering: Text | None = Field(
        None, description="The figure's own reference period, printed with it, e.g. "
        "'12 months to September 2012'")
    missing: Missing | None = None
    revised: Text | None = Field(
        None, min_length=1, description="Why these figures differ from earlier ones (the source "
        "revised them): allows a year to date that does not add up, or a 'previous' that "
        "differs from the measure's own history; printed in the pack as '[r] revised'")

    @model_validator(mode="after")
    def _missing_or_figures(self) -> Figures:
        if self.missing and (self.value is not None or self.ytd is not None):
            raise PydanticCustomError(
                "missing_with_value", "a figure cannot be both given and missing")
        return self


class StatusOverride(Strict):
    """A status set by hand for one quarter, replacing the computed one; the reason is printed."""

    status: Identifier = Field(description="A status of the pack's scheme, e.g. red")
    reason: Text = Field(min_length=1)


class Quarter(Figures):
    """One quarter of a measure: figures (or per-series figures), commentary, missing state."""

    figures: dict[Identifier, Figures] | None = Field(
        None, description="Per-series figures, for measures with several series")
    commentary: LongText = Field("", description="Free text printed after the generated "
                                 "sentence (at most 20,000 characters)")
    rag: StatusOverride | None = Field(
        None, description="A computed status replaced by hand for this quarter, with the "
        "reason (printed)")
    status: Identifier | None = Field(
        None, description="The status as the data owner gives it (measures rated: given), "
        "printed as given")
    travel: Travel | None = Field(
        None, description="Direction of travel as the data owner gives it; computed otherwise")
    narratives: dict[Identifier, LongText] = Field(
        {}, description="Narrative fields the project declares (action, ...), by id")
    fields: dict[Identifier, FieldValue] = Field(
        {}, description="This period's values of the project's own fields, by id")


class Series(Strict):
    """A named series of a measure with several (e.g. SBC and Police; opiate and non-opiate)."""

    label: Text = Field(description="e.g. 'SBC' or 'Opiate clients'")
    unit: Unit | None = Field(None, description="Overrides the measure's unit")
    good: Good | None = Field(None, description="Overrides the measure's direction of good")
    noun: Text | None = Field(None, description="Overrides the measure's noun")
    noun_singular: Text | None = None
    baseline: Baseline | None = None
    decimals: Decimals | None = None
    per: Text | None = Field(None, description=PER)


class Year(Strict):
    """A financial year's target and, for years before the data, its result."""

    target: Number | None = None
    result: Number | None = Field(None, description="The year's figure when no quarters are kept")
    description: Text | None = Field(None, description="e.g. 'Baseline of 1,440 offences'")
    revised: Text | None = Field(None, min_length=1, description="Why a stated result "
                                 "differs from the total of the year's quarters in this file")


class Measure(Strict):
    """One performance measure or activity."""

    ref: Text | None = Field(
        None, description="Reference as printed, e.g. '2.3' (in quotes); needed when the "
        "pack shows refs")
    section: Identifier = Field(description="The pack section (priority/theme) it belongs to")
    title: Text
    detail: LongText = ""
    owner: Identifier | None = Field(None, description="Data owner id from report.yaml")
    unit: Unit = "count"
    noun: Text = Field("", description="What the figure counts, e.g. 'incidents'")
    noun_singular: Text | None = Field(None, description="e.g. 'incident'")
    good: Good = "monitor"
    decimals: Decimals | None = None
    per: Text | None = Field(None, description=PER)
    frequency: Literal["quarterly", "monthly", "annual"] | None = Field(
        None, description="How often the figure is reported: quarterly (periods "
        "2017-18-Q1), monthly (2017-18-M04 is April 2017) or annual (only 'years:'); "
        "by default, as often as its pack is built")
    start: PeriodId | None = Field(
        None, description="The first period the measure is reported for; earlier periods "
        "of a pack are left empty rather than shown as 'No return received'")
    additive: bool = Field(
        True, description="Count quarters add up to the year (false for rolling 12-month "
        "counts: the year's figure is then the last quarter's)")
    baseline: Baseline | None = None
    series: dict[Identifier, Series] | None = None
    years: dict[YearId, Year] = {}
    quarters: dict[PeriodId, Quarter] = {}
    rag_rule: Literal["tolerance", "improvement", "change"] | None = Field(
        None, description="Overrides the report's RAG rule for this measure")
    tolerance: NonNegative | None = Field(None, description="Overrides the report's tolerance")
    rated: Literal["computed", "given"] = Field(
        "computed", description="computed: by the RAG rules; given: each quarter's status "
        "is given in the data (a partner's own rating)")
    fields: dict[Identifier, FieldValue] = Field(
        {}, description="Values of the project's own fields, by id (page, lead member, ...)")

    @model_validator(mode="after")
    def _tolerance_used(self) -> Measure:
        if self.rag_rule == "improvement" and self.tolerance is not None:
            raise PydanticCustomError(
                "tolerance_unused", "the improvement rule does not use a tolerance (Amber is "
                "missed but better than last year); remove 'tolerance', or use rag_rule: "
                "tolerance")
        return self
