"""Financial-year periods and their labels."""

from __future__ import annotations

import datetime as dt

import pytest

from csp_report.model.periods import FinancialYear, Period


@pytest.mark.parametrize(("period", "quarter", "range_", "short", "end"), [
    ("2017-18-Q1", "Quarter 1", "April 2017 to June 2017", "April 17 to June 17",
     dt.date(2017, 6, 30)),
    ("2016-17-Q3", "Quarter 3", "October 2016 to December 2016", "October 16 to December 16",
     dt.date(2016, 12, 31)),
    ("2016-17-Q4", "Quarter 4", "January 2017 to March 2017", "January 17 to March 17",
     dt.date(2017, 3, 31)),
    ("1999-00-Q4", "Quarter 4", "January 2000 to March 2000", "January 00 to March 00",
     dt.date(2000, 3, 31)),
])
def test_labels(period: str, quarter: str, range_: str, short: str, end: dt.date) -> None:
    p = Period.parse(period)
    assert (p.id, p.quarter_label, p.range_label, p.short_range_label, p.end_date) == (
        period, quarter, range_, short, end)
    assert p.label("quarter-update") == f"{quarter} update"


def test_neighbours() -> None:
    q1 = Period.parse("2017-18-Q1")
    assert q1.previous().id == "2016-17-Q4"
    assert q1.same_quarter_last_year().id == "2016-17-Q1"
    assert FinancialYear.parse("2016-17").label == "2016/17"
    assert sorted([Period.parse("2017-18-Q1"), Period.parse("2016-17-Q4")])[0].id == "2016-17-Q4"
