"""Exact arithmetic and formatting for figures: half-up rounding, no locale, no floats.

Figures print at their unit's decimal places (or the measure's `decimals:`), but a figure
printed as zero means zero and a comparison never misleads: `figure_places` finds the fewest
places, at least the setting, at which a figure that is not zero prints as not zero (0.04, not
0), and `comparison_places` the fewest at which, besides, the printed change is the difference
of the printed figures and is zero only when the figures are equal. The figures come from YAML
with finitely many places, so such a number exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
MOST_PLACES = 28  # Decimal's default precision: a ratio is exact to here, or recurring

# Decimal places a unit prints at unless the measure or series sets `decimals:`. Counts and
# rates drop trailing zeros (3, 4.6); percentages keep them (43.0%).
DEFAULT_DECIMALS = {"count": 1, "rate": 1, "rank": 0, "percentage": 1,
                    "signed-percentage": 1, "text": 0}
FIXED_UNITS = ("percentage", "signed-percentage")


def rounded(number: Decimal, places: int) -> Decimal:
    """Round half up (away from zero on a tie: 2.55 -> 2.6), the way a reader rounds."""
    result = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result if result else abs(result)  # no "-0.0"


def round1(number: Decimal) -> Decimal:
    """Round half up to one decimal place (2.55 -> 2.6)."""
    return rounded(number, 1)


def places_of(number: Decimal) -> int:
    """The decimal places a figure is given to: 8.84 -> 2, 100 -> 0, 1.50 -> 1."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def figure_places(number: Decimal, places: int = 1) -> int:
    """The fewest decimal places (at least `places`) at which a figure that is not zero does
    not print as zero: 0.04 at one place would print 0, so two (0.04); 0.004 three."""
    while number and not rounded(number, places) and places < MOST_PLACES:
        places += 1
    return places


def figure(number: Decimal, places: int = 1, fixed: bool = False) -> str:
    """A figure alone as printed: `plain`, with more places where a figure that is not zero
    would print as 0 (0.04 -> '0.04', 3189 -> '3,189')."""
    return plain(number, figure_places(number, places), fixed)


def comparison_places(pairs: Iterable[tuple[Decimal, Decimal]], places: int) -> int:
    """The fewest decimal places (at least `places`) at which, for every (new, old) pair,
    neither figure prints as zero unless it is zero, and the rounded change equals the rounded
    new minus the rounded old and is zero only when new equals old (so 5 against 0.04 prints
    "5 against 0.04 (+4.96)", never "5 against 0 (+5)"). At the figures' own precision
    everything is exact, so the search ends."""
    pairs = list(pairs)
    most = max([places] + [places_of(n) for pair in pairs for n in pair])
    for candidate in range(places, most + 1):
        if all(_agrees(new, old, candidate) for new, old in pairs):
            return candidate
    return most


def _agrees(new: Decimal, old: Decimal, places: int) -> bool:
    change = rounded(new - old, places)
    shown_new, shown_old = rounded(new, places), rounded(old, places)
    return (shown_new != 0) == (new != 0) and (shown_old != 0) == (old != 0) and \
        shown_new - shown_old == change and (change != 0) == (new != old)


@dataclass(frozen=True)
class Change:
    """A change between two figures: absolute, and relative to the size of the old figure
    (None when the old figure is zero), so both have the same sign."""

    absolute: Decimal
    percent: Decimal | None

    @classmethod
    def between(cls, new: Decimal, old: Decimal) -> Change:
        percent = None if old == 0 else (new - old) * HUNDRED / abs(old)
        return cls(new - old, percent)


def plain(number: Decimal, places: int = 1, fixed: bool = False) -> str:
    """3189 -> '3,189'; 4.6 -> '4.6'; 4.96 -> '5': thousands separators, at most `places`
    decimal places (exactly `places` when `fixed`)."""
    value = rounded(number, places)
    if not fixed:
        value = value.normalize() if value != value.to_integral_value() else \
            value.quantize(Decimal(1))
    return f"{value:,f}"


def signed(number: Decimal, places: int = 1, fixed: bool = False) -> str:
    """+80, -3, 0: a change with its sign shown, the sign of what is printed (-0.03 -> 0)."""
    value = rounded(number, places)
    text = plain(abs(value), places, fixed)
    if value > 0:
        return f"+{text}"
    return f"-{text}" if value < 0 else text


def percent_places(number: Decimal, places: int = 1) -> int:
    """Places for a % change: `places`, more while a change that is not zero would print as
    zero (+0.01% rather than +0.0%)."""
    return figure_places(number, places)


def percent(number: Decimal | None, places: int = 1, sign: bool = True) -> str:
    """A % change with sign: +2.6%, -17.6%, 0.0%, +12,400.0%; 'n/a' for no base; never 0.0%
    for a change. Without `sign` its size alone (12,400.0%, 0.01%), as the RAG basis says
    '12,400.0% off': the sentences and the status print a % the same way."""
    if number is None:
        return "n/a"
    shown = percent_places(number, places)
    value = rounded(number if sign else abs(number), shown)
    plus = "+" if sign and value > 0 else ""
    return f"{plus}{value:,f}%"


def share(number: Decimal, places: int = 1) -> str:
    """A percentage figure as printed, always to `places`: 71.1%, 43.0%, -14.5% (callers
    pass places from `figure_places` or `comparison_places`, so 0.04% is not 0.0%)."""
    return f"{rounded(number, places):,f}%"


def ordinal(number: Decimal) -> str:
    """5 -> 5th, 1 -> 1st, 22 -> 22nd."""
    whole = int(number)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{whole}{suffix}"
