"""The report configuration (data/report.yaml): partnership, plan, owners, RAG rules, packs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .columns import ChartBlock, ColumnEntry, LabelStyle, Periods, Preset
from .status import RagRules, Scheme
from .theme import ThemeConfig
from .types import Identifier, Language, Strict, Text

FieldType = Literal["text", "number", "choice"]


class Plan(Strict):
    """The Community Safety Plan the targets come from."""

    name: Text
    start: int = Field(ge=1990, le=2100, description="First calendar year of the plan, e.g. 2014")
    end: int = Field(ge=1990, le=2100, description="Last calendar year of the plan, e.g. 2017")

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Plan:
        if self.end < self.start:
            raise PydanticCustomError("plan_years", "the plan ends ({end}) before it starts "
                                      "({start})", {"end": self.end, "start": self.start})
        return self

    @property
    def title(self) -> str:
        """Community Safety Plan 2014-17."""
        return f"{self.name} {self.start}-{self.end % 100:02d}"


class Section(Strict):
    """A priority (activity layout) or theme (tracker layout) that groups measures."""

    heading: Text | None = Field(
        None, description="Banner text, e.g. 'Priority 1' or 'Theme 1'; without it the "
        "section is headed by its title alone")
    title: Text = Field(description="e.g. 'REDUCE REOFFENDING BY THE MOST PROLIFIC OFFENDERS'")
    outcome: Text | None = Field(None, description="The Outcome row of the activity layout")
    label: Text | None = Field(
        None, description="The vertical side label of the tracker layout, "
        "e.g. 'ANTI-SOCIAL BEHAVIOUR TARGETS'")
    group: Text | None = Field(
        None, description="A heading printed before this section, "
        "e.g. 'Community Safety & Protection'")
    period_label: LabelStyle | None = Field(
        None, description="Overrides the pack's period_label for this section's table")
    columns: list[ColumnEntry] | None = Field(
        None, min_length=1, description="This section's own columns, replacing the pack's")
    charts: bool | None = Field(
        None, description="false leaves the pack's chart block out of this section; true "
        "gives this section one even when the pack has none (default settings)")


class Pack(Strict):
    """One document built each quarter: its table's columns, periods, status scheme, sections."""

    title: Text = Field(description="e.g. 'Quarterly Monitoring'")
    layout: Preset = Field(
        description="The preset the pack starts from: activity, tracker or table")
    columns: list[ColumnEntry] | None = Field(
        None, min_length=1, description="The table's columns, in order, replacing the "
        "preset's; a kind alone (ref) or a kind with options ({kind: ref, header: No, width: 5})")
    frequency: Literal["quarterly", "monthly"] = Field(
        "quarterly", description="How often the pack is built: each quarter or each month; "
        "its measures report at that frequency, or annually")
    periods: Periods | None = Field(
        None, description="Which periods get a column: current, year, year-so-far, "
        "{last: N} or {quarters: [2, 3]}; the preset's by default")
    status: Identifier = Field(
        "rag", description="The status scheme: rag, none, or one of status_schemes")
    banner: bool | None = Field(
        None, description="Banner and Outcome rows above each table (the activity preset's)")
    period_label: LabelStyle = Field(
        "short-range", description="How a period column is headed unless a column says")
    published: Text | None = Field(
        None, description="Date of the data shown on the cover, e.g. '20 July 2017'; "
        "defaults to the end of the period")
    note: Text | None = Field(
        None, description="A line under the title, e.g. '*Revised April 2016'")
    contents: bool = Field(True, description="A contents page after the cover")
    summary: bool = Field(
        True, description="A summary page: status counts, exceptions, missing data by owner")
    key: bool = Field(True, description="The status key (packs with a status scheme)")
    charts: ChartBlock | None = Field(
        None, description="Trend charts after each section's table, with a table of their "
        "figures: {periods: 8, size: large}; none by default")
    sections: dict[Identifier, Section] = Field(min_length=1)


class FieldSpec(Strict):
    """A field the project adds to its measures (page reference, lead member, frequency...)."""

    label: Text = Field(description="e.g. 'Page' or 'Lead member'")
    type: FieldType = "text"
    choices: list[Text] | None = Field(None, description="For type choice: the allowed values")

    @model_validator(mode="after")
    def _choices_for_choice(self) -> FieldSpec:
        if (self.type == "choice") != (self.choices is not None):
            raise PydanticCustomError("field_choices",
                                      "a choice field needs 'choices'; other types take none")
        return self


class Returns(Strict):
    """Partner returns (`csp-report returns`): when they are due and whom they go back to."""

    due_days: int = Field(
        15, ge=0, le=366, description="Days after a period ends that its returns are due")
    contact: Text | None = Field(
        None, description="Where partners send returns, printed on the workbook's cover and "
        "in reminders, e.g. 'community.safety@stockton.gov.uk'")
    packs: list[Identifier] | None = Field(
        None, description="The packs whose measures go into returns (default: every pack), "
        "e.g. [monitoring] when another pack's plan has ended; an id that is not a pack "
        "(one left out of a copy of the project) collects nothing")


class Report(Strict):
    """The whole report configuration of one partnership."""

    partnership: Text
    plan: Plan
    language: Language = Field("en-GB", description="Document language, e.g. en-GB")
    owners: dict[Identifier, Text] = Field(
        {}, description="Data owners ('data collation') by id")
    rag: RagRules = RagRules()
    status_schemes: dict[Identifier, Scheme] = Field(
        {}, description="The project's own status vocabularies, by id")
    fields: dict[Identifier, FieldSpec] = Field(
        {}, description="Fields the project adds to measures, by id")
    narratives: dict[Identifier, Text] = Field(
        {}, description="Narrative fields besides commentary, by id, with their label, "
        "e.g. action: Action / response")
    packs: dict[Identifier, Pack] = Field(min_length=1)
    theme: ThemeConfig = ThemeConfig()
    returns: Returns = Field(Returns(), description="Partner returns: due date and contact")
