"""Exact arithmetic and formatting for figures: half-up rounding, no locale, no floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


def round1(number: Decimal) -> Decimal:
    """Round half up to one decimal place (2.55 -> 2.6), the way a reader rounds."""
    rounded = number.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return rounded + 0 if rounded else Decimal("0.0")  # no "-0.0"


@dataclass(frozen=True)
class Change:
    """A change between two figures: absolute, and relative (None when the base is zero)."""

    absolute: Decimal
    percent: Decimal | None

    @classmethod
    def between(cls, new: Decimal, old: Decimal) -> Change:
        percent = None if old == 0 else (new - old) * HUNDRED / old
        return cls(new - old, percent)


def plain(number: Decimal) -> str:
    """3189 -> '3,189'; 4.6 -> '4.6'; 4.96 -> '5': thousands separators, at most 1 dp."""
    rounded = round1(number)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,}"


def signed(number: Decimal) -> str:
    """+80, -3, 0: a change with its sign shown, the sign of what is printed (-0.03 -> 0)."""
    rounded = round1(number)
    text = plain(abs(rounded))
    if rounded > 0:
        return f"+{text}"
    return f"-{text}" if rounded < 0 else "0"


def percent(number: Decimal | None) -> str:
    """A % change with sign and one decimal: +2.6%, -17.6%, 0.0%; 'n/a' for no base."""
    if number is None:
        return "n/a"
    value = round1(number)
    sign = "+" if value > 0 else ""
    return f"{sign}{value:,}%"


def share(number: Decimal) -> str:
    """A percentage figure as printed, always to one place: 71.1%, 43.0%."""
    return f"{round1(number):,}%"


def ordinal(number: Decimal) -> str:
    """5 -> 5th, 1 -> 1st, 22 -> 22nd."""
    whole = int(number)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{whole}{suffix}"
