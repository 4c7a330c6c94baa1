"""The report configuration (data/report.yaml): partnership, plan, owners, RAG rules, packs."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from .types import Identifier, Language, Number, Strict, Text

Layout = Literal["activity", "tracker"]
LabelStyle = Literal["quarter", "quarter-update", "range", "short-range"]
RagRule = Literal["tolerance", "improvement"]


class Plan(Strict):
    """The Community Safety Plan the targets come from."""

    name: Text
    start: int = Field(ge=1990, le=2100, description="First calendar year of the plan, e.g. 2014")
    end: int = Field(ge=1990, le=2100, description="Last calendar year of the plan, e.g. 2017")

    @property
    def title(self) -> str:
        """Community Safety Plan 2014-17."""
        return f"{self.name} {self.start}-{self.end % 100:02d}"


class RagRules(Strict):
    """How RAG is decided; a measure may override any of these."""

    rule: RagRule = Field(
        "tolerance",
        description="tolerance: Green on target, Amber within tolerance, Red beyond it. "
        "improvement: Green on target, Amber if it missed but improved on last year, else Red.",
    )
    tolerance: Number = Field(Decimal(5), description="Per cent off target still Amber")
    no_target: Literal["last-year", "grey"] = Field(
        "last-year",
        description="With no target for the year, compare with the same period last year "
        "(last-year) or show Grey (grey).",
    )
    travel: Literal["same-quarter-last-year", "previous-quarter"] = Field(
        "same-quarter-last-year", description="What direction of travel compares with")


class Section(Strict):
    """A priority (activity layout) or theme (tracker layout) that groups measures."""

    heading: Text = Field(description="Banner text, e.g. 'Priority 1' or 'Theme 1'")
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


class Pack(Strict):
    """One document built each quarter: its layout, title and sections."""

    title: Text = Field(description="e.g. 'Quarterly Monitoring'")
    layout: Layout
    period_label: LabelStyle = Field(
        "short-range", description="How the activity layout heads its update column")
    published: Text | None = Field(
        None, description="Date of the data shown on the cover, e.g. '20 July 2017'; "
        "defaults to the end of the period")
    note: Text | None = Field(
        None, description="A line under the title, e.g. '*Revised April 2016'")
    sections: dict[Identifier, Section] = Field(min_length=1)


class Report(Strict):
    """The whole report configuration of one partnership."""

    partnership: Text
    plan: Plan
    language: Language = Field("en-GB", description="Document language, e.g. en-GB")
    owners: dict[Identifier, Text] = Field(
        min_length=1, description="Data owners ('data collation') by id")
    rag: RagRules = RagRules()
    packs: dict[Identifier, Pack] = Field(min_length=1)
