"""RAG status by configurable rules, and direction of travel; both respect direction of good."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import HUNDRED, comparison_places, figure, percent, plain

WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Grey"}
SEVERITY = {"grey": 0, "green": 1, "amber": 2, "red": 3}


@dataclass(frozen=True)
class AppliedRule:
    """The rule that decided a computed status, and what the figure was compared with; the
    key states exactly the rules a pack's measures were rated by."""

    rule: str  # tolerance | improvement | change
    tolerance: Decimal
    against: str  # target | pro-rata target | baseline | pro-rata baseline | last year


@dataclass(frozen=True)
class Rag:
    """A RAG outcome (green met, amber near, red missed, grey unrated) and why."""

    status: str
    basis: str
    overridden: bool = False
    rule: AppliedRule | None = None

    @property
    def word(self) -> str:
        return WORDS[self.status]


def shortfall(actual: Decimal, comparator: Decimal, good: str) -> Decimal | None:
    """How far actual falls short of comparator, in % of comparator (<= 0 means met).

    None when the comparator is zero and actual misses it (an infinite shortfall).
    """
    worse = actual - comparator if good == "lower" else comparator - actual
    if worse <= 0:
        return Decimal(0) if worse == 0 else worse * HUNDRED / abs(comparator or Decimal(1))
    if comparator == 0:
        return None
    return worse * HUNDRED / abs(comparator)


def is_better(new: Decimal, old: Decimal, good: str) -> bool:
    return new < old if good == "lower" else new > old


def judge(actual: Decimal, comparator: Decimal, good: str, rule: str, tolerance: Decimal,
          last_year: Decimal | None, against: str) -> Rag:
    """Apply a RAG rule to a figure and what it is measured against ('target', 'last year')."""
    gap = shortfall(actual, comparator, good)
    places = comparison_places([(actual, comparator)], 1)  # issue 11: never "0.1 against 0.1"
    basis = f"{plain(actual, places)} against {against} {plain(comparator, places)}"
    if rule == "change":
        return _judge_change(gap, basis, tolerance)
    if gap is not None and gap <= 0:
        return Rag("green", f"{basis}: met")
    # The % as the sentences print one (12,400.0%, never 0.0% for a shortfall).
    off = "missed" if gap is None else f"{percent(gap, sign=False)} off"
    if rule == "improvement":
        if last_year is not None and is_better(actual, last_year, good):
            before = plain(last_year, comparison_places([(actual, last_year)], 1))
            return Rag("amber", f"{basis}: {off}, but better than last year ({before})")
        return Rag("red", f"{basis}: {off}, and not better than last year")
    if gap is not None and gap <= tolerance:
        return Rag("amber", f"{basis}: {off}, within {figure(tolerance)}% tolerance")
    return Rag("red", f"{basis}: {off}, beyond {figure(tolerance)}% tolerance")


def _judge_change(gap: Decimal | None, basis: str, tolerance: Decimal) -> Rag:
    """The change rule: better than last year by more than the tolerance, within it either
    way, or worse by more."""
    if gap is None:
        return Rag("red", f"{basis}: worse than last year's zero")
    shown = f"{percent(gap, sign=False)} {'better' if gap < 0 else 'worse'}"
    if gap < -tolerance:
        return Rag("green", f"{basis}: {shown}, beyond {figure(tolerance)}%")
    if gap <= tolerance:
        return Rag("amber", f"{basis}: {shown}, within {figure(tolerance)}%")
    return Rag("red", f"{basis}: {shown}, beyond {figure(tolerance)}%")


def worst(rags: list[Rag]) -> Rag:
    """The status of a measure with several series: its worst series."""
    return max(rags, key=lambda rag: SEVERITY[rag.status])


@dataclass(frozen=True)
class Travel:
    """Direction of travel: better / worse / no change (or up / down for monitor-only)."""

    label: str
    arrow: str


UP, DOWN, LEVEL = "\u2191", "\u2193", "\u2192"


def travel(new: Decimal, old: Decimal, good: str) -> Travel:
    """Compare a figure with what it is compared to, given the direction of good."""
    if new == old:
        return Travel("No change", LEVEL)
    arrow = UP if new > old else DOWN
    if good == "monitor":
        return Travel("Up" if new > old else "Down", arrow)
    if is_better(new, old, good):
        return Travel("Better", arrow)
    return Travel("Worse", arrow)
