"""Financial-year periods: quarters (2017-18-Q1) and months (2017-18-M04, April 2017), and
the labels derived from them. Q1 is April to June; a year's first month is April."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# ASCII digits only, and the whole text (fullmatch): \d alone took Arabic-Indic digits, and
# $ a trailing line break, as a period that the returns could then not be read back into.
_PERIOD = re.compile(r"(\d{4})-(\d{2})-(Q\d|M\d\d)", re.ASCII)
_YEAR = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
Kind = Literal["Q", "M"]
PER_YEAR = {"Q": 4, "M": 12}
KIND_OF = {"quarterly": "Q", "monthly": "M"}


FIRST_YEAR, LAST_YEAR = 1990, 2100  # as a plan's years: every date derived from them is real


def _check_years(start: int, end2: int, text: str) -> None:
    if not FIRST_YEAR <= start <= LAST_YEAR:
        raise ValueError(f"'{text}' starts in {start}; years must be between {FIRST_YEAR} and "
                         f"{LAST_YEAR}")
    if (start + 1) % 100 != end2:
        raise ValueError(f"'{text}' is not a financial year: {start} is followed by "
                         f"{(start + 1) % 100:02d}, not {end2:02d}")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, April to March, written 2016-17."""

    start: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        match = _YEAR.fullmatch(text)
        if not match:
            raise ValueError(f"'{text}' is not a financial year like 2016-17")
        start, end2 = int(match[1]), int(match[2])
        _check_years(start, end2, text)
        return cls(start)

    @property
    def id(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """The way the seed reports write a year: 2016/17."""
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    def quarter(self, number: int) -> Period:
        return Period(self.start, number)

    def period(self, kind: str, number: int) -> Period:
        """The year's `number`th quarter or month (April is month 1)."""
        return Period(self.start, number, kind)

    def periods(self, kind: str) -> list[Period]:
        return [Period(self.start, n, kind) for n in range(1, PER_YEAR[kind] + 1)]

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True, order=True)
class Period:
    """A quarter or a month of a financial year, by its place in the year: Q1 is April to
    June, Q4 January to March; month 1 is April, month 12 March."""

    year_start: int
    number: int
    kind: str = "Q"

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(text)
        if not match:
            raise ValueError(f"'{text}' is not a period like 2017-18-Q1 (a quarter) or "
                             "2017-18-M04 (a month: April 2017)")
        start, end2, part = int(match[1]), int(match[2]), match[3]
        _check_years(start, end2, text)
        number = int(part[1:])
        if part[0] == "Q":
            if not 1 <= number <= 4:
                raise ValueError(f"'{text}' has no quarter {number}; quarters are Q1 to Q4")
            return cls(start, number)
        if not 1 <= number <= 12:
            raise ValueError(f"'{text}' has no month {number}; months are M01 to M12")
        return cls(start, (number - 4) % 12 + 1, "M")

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.year_start)

    @property
    def per_year(self) -> int:
        """How many periods of its kind a year has: 4 quarters or 12 months."""
        return PER_YEAR[self.kind]

    @property
    def is_year_end(self) -> bool:
        return self.number == self.per_year

    @property
    def id(self) -> str:
        if self.kind == "M":
            return f"{self.year.id}-M{self.first_month[1]:02d}"
        return f"{self.year.id}-Q{self.number}"

    @property
    def first_month(self) -> tuple[int, int]:
        """(calendar year, month number) of the period's first month."""
        month = 4 + (3 if self.kind == "Q" else 1) * (self.number - 1)
        return (self.year_start, month) if month <= 12 else (self.year_start + 1, month - 12)

    @property
    def last_month(self) -> tuple[int, int]:
        year, month = self.first_month
        return (year, month + 2) if self.kind == "Q" else (year, month)

    @property
    def end_date(self) -> dt.date:
        year, month = self.last_month
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def quarter_label(self) -> str:
        """Quarter 1; for a month, its name and year (April 2017)."""
        if self.kind == "M":
            return self.range_label
        return f"Quarter {self.number}"

    @property
    def range_label(self) -> str:
        """April 2017 to June 2017; a month: April 2017."""
        (y1, m1), (y2, m2) = self.first_month, self.last_month
        if self.kind == "M":
            return f"{_MONTHS[m1 - 1]} {y1}"
        return f"{_MONTHS[m1 - 1]} {y1} to {_MONTHS[m2 - 1]} {y2}"

    @property
    def short_range_label(self) -> str:
        """April 17 to June 17, as the seed activity update heads its column."""
        (y1, m1), (y2, m2) = self.first_month, self.last_month
        if self.kind == "M":
            return f"{_MONTHS[m1 - 1]} {y1 % 100:02d}"
        return f"{_MONTHS[m1 - 1]} {y1 % 100:02d} to {_MONTHS[m2 - 1]} {y2 % 100:02d}"

    def label(self, style: str) -> str:
        """The column label for a period in one of the configurable styles."""
        return {
            "quarter": self.quarter_label,
            "quarter-update": f"{self.quarter_label} update",
            "range": self.range_label,
            "short-range": self.short_range_label,
            "period-id": self.id,
        }[style]

    def previous(self) -> Period:
        if self.number == 1:
            return Period(self.year_start - 1, self.per_year, self.kind)
        return Period(self.year_start, self.number - 1, self.kind)

    def same_quarter_last_year(self) -> Period:
        """The same quarter (or month) a year earlier."""
        return Period(self.year_start - 1, self.number, self.kind)

    def __str__(self) -> str:
        return self.id
