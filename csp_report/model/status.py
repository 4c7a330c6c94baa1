"""Status schemes: RAG, none, or a project's own vocabulary, and how statuses are computed."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .types import Identifier, NonNegative, Strict, Text

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
Outcome = Literal["met", "near", "missed", "unrated"]
OUTCOMES: tuple[Outcome, ...] = ("met", "near", "missed", "unrated")


# A board's vocabulary has a handful of statuses; each is a column of the summary and a line
# of the key, and 10,000 of them took the PDF renderer 96 s and 1.75 GB.
MAX_STATUSES = 20


class Status(Strict):
    """One word of a vocabulary: printed word, colour, meaning, whether it is bad news."""

    word: Text
    colour: str = Field(description="Fill as #rrggbb; the word is always printed on it")
    meaning: Text | None = Field(
        None, description="What it means, for the key (computed statuses state their rule)")
    bad: bool = Field(False, description="Listed among the exceptions in the summary")

    @field_validator("colour", mode="before")
    @classmethod
    def _colour(cls, value: object) -> str:
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise PydanticCustomError("colour", "a colour is written #rrggbb, e.g. \"#00B050\" "
                                      "(in quotes)")
        return value.upper()


class Scheme(Strict):
    """A project-defined status vocabulary, given in the data or computed by the RAG rules."""

    name: Text = Field(description="What the key and summary call it, e.g. 'Status'")
    statuses: dict[Identifier, Status] = Field(
        min_length=1, max_length=MAX_STATUSES, description="In order, best first")
    computed: dict[Outcome, Identifier] | None = Field(
        None, description="Map the rule's outcomes (met, near, missed, unrated) to statuses; "
        "without it each measure's status is given in the data")

    @model_validator(mode="after")
    def _computed_statuses_exist(self) -> Scheme:
        if self.computed is not None:
            for outcome in OUTCOMES:
                target = self.computed.get(outcome)
                if target is None:
                    raise PydanticCustomError(
                        "scheme_outcome", "computed: give a status for '{outcome}'",
                        {"outcome": outcome})
                if target not in self.statuses:
                    raise PydanticCustomError(
                        "scheme_status", "computed.{outcome}: '{status}' is not one of "
                        "the statuses", {"outcome": outcome, "status": target})
        return self


RAG = Scheme(
    name="RAG",
    statuses={
        "green": Status(word="Green", colour="#00B050"),
        "amber": Status(word="Amber", colour="#FFC000"),
        "red": Status(word="Red", colour="#C00000", bad=True),
        "grey": Status(word="Grey", colour="#BFBFBF"),
    },
    computed={"met": "green", "near": "amber", "missed": "red", "unrated": "grey"},
)
BUILT_IN = {"rag": RAG}

RagRule = Literal["tolerance", "improvement", "change"]


class RagRules(Strict):
    """How a computed status is decided; a measure may override the rule and tolerance."""

    rule: RagRule = Field(
        "tolerance",
        description="tolerance: met on target, near within tolerance, missed beyond it. "
        "improvement: met on target, near if it missed but improved on last year. "
        "change: against the same period last year, met if better by more than the "
        "tolerance, near within it, missed if worse by more")
    tolerance: NonNegative = Field(Decimal(5), description="Per cent still 'near'")
    no_target: Literal["last-year", "grey"] = Field(
        "last-year",
        description="With no target for the year, compare with the same period last year "
        "(last-year) or leave the measure unrated (grey).")
    baseline: bool = Field(
        True, description="With no target, rate against the measure's baseline when it has one")
    pro_rata: bool = Field(
        True, description="Compare a count's year to date with the same share of the annual "
        "target (a quarter of it after Q1, half after Q2, ...)")
    travel: Literal["same-quarter-last-year", "previous-quarter"] = Field(
        "same-quarter-last-year", description="What direction of travel compares with")

    @model_validator(mode="after")
    def _tolerance_used(self) -> RagRules:
        if self.rule == "improvement" and "tolerance" in self.model_fields_set:
            raise PydanticCustomError(
                "tolerance_unused", "the improvement rule does not use a tolerance (Amber is "
                "missed but better than last year); remove 'tolerance', or use rule: tolerance")
        return self
