"""Monthly packs, annual measures and rolling figures alongside quarters."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.errors import InvalidProject
from tests.projects import document, grid, make_project, section_tables

MONTHLY = """\
packs:
  m:
    title: Monthly pack
    layout: table
    frequency: monthly
    periods: year-so-far
    period_label: range
    columns: [title, periods, ytd, status]
    sections:
      s: {title: Crime}
"""

MONTHLY_MEASURE = """\
section: s
title: Burglary
frequency: monthly
unit: count
noun: burglaries
good: lower
years:
  2022-23: {target: 120}
quarters:
  2021-22-M04: {value: 12}
  2021-22-M05: {value: 11}
  2021-22-M06: {value: 9}
  2022-23-M04: {value: 10}
  2022-23-M05: {value: 8}
  2022-23-M06: {value: 14}
"""


def test_monthly_pack_columns_year_to_date_and_pro_rata(tmp_path: Path) -> None:
    root = make_project(tmp_path, MONTHLY, {"m/burglary.yaml": MONTHLY_MEASURE})
    doc = document(root, "m", "2022-23-M06")
    [table] = section_tables(doc)
    assert grid(table) == [
        ["Measure", "April 2022", "May 2022", "June 2022", "Year to date", "RAG"],
        ["Burglary",
         "10 burglaries compared to 12 last year. Reduction of 2 burglaries (-16.7%).",
         "8 burglaries compared to 11 last year. Reduction of 3 burglaries (-27.3%). Year to "
         "date: 18 burglaries compared to 23 last year. Reduction of 5 burglaries (-21.7%).",
         "14 burglaries compared to 9 last year. Increase of 5 burglaries (+55.6%). Year to "
         "date: 32 burglaries compared to 32 last year. No change.",
         "32 burglaries compared to 32 last year (0.0%)",
         "Red"]]  # 32 against 3/12 of the year's 120 = 30: 6.7% off, beyond 5%
    assert doc.title == "Community Safety Plan 2022-25 Monthly pack - June 2022"


def test_monthly_measure_in_a_quarterly_pack_is_refused(tmp_path: Path) -> None:
    report = MONTHLY.replace("    frequency: monthly\n", "").replace("periods: year-so-far",
                                                                      "periods: current")
    root = make_project(tmp_path, report, {"m/burglary.yaml": MONTHLY_MEASURE})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert "data/measures/m/burglary.yaml:3: frequency: pack 'm' is quarterly: its measures " \
           "report quarterly or annual, not monthly" in [str(p) for p in caught.value.problems]


def test_a_quarter_in_a_monthly_measure_names_its_line(tmp_path: Path) -> None:
    measure = MONTHLY_MEASURE.replace("  2022-23-M06: {value: 14}\n",
                                      "  2022-23-M06: {value: 14}\n  2022-23-Q2: {value: 3}\n")
    root = make_project(tmp_path, MONTHLY, {"m/burglary.yaml": measure})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert "data/measures/m/burglary.yaml:16: quarters.2022-23-Q2: a monthly measure's " \
           "entries are periods like 2017-18-M04" in [str(p) for p in caught.value.problems]
    assert not any("must be in order" in str(p) for p in caught.value.problems)


ANNUAL_REPORT = """\
packs:
  q:
    title: Quarterly pack
    layout: table
    periods: year
    period_label: quarter
    columns: [title, periods, year-result, status]
    sections:
      s: {title: Crime}
"""
QUARTERLY = """\
section: s
title: Robbery
unit: count
noun: robberies
good: lower
quarters:
  2022-23-Q1: {value: 5, previous: 6}
  2022-23-Q4: {value: 4, previous: 6}
"""
ANNUAL = """\
section: s
title: Residents who feel safe (annual survey)
frequency: annual
unit: percentage
good: higher
years:
  2021-22: {target: 60, result: 58.0}
  2022-23: {target: 62RESULT}
"""


def test_annual_measure_says_so_and_is_rated_at_the_year_end(tmp_path: Path) -> None:
    root = make_project(tmp_path, ANNUAL_REPORT, {
        "q/1.yaml": QUARTERLY, "q/2.yaml": ANNUAL.replace("RESULT", ", result: 61.0")})
    [table] = section_tables(document(root, "q", "2022-23-Q4"))
    assert grid(table)[2] == [
        "Residents who feel safe (annual survey)", "Reported annually", "Reported annually",
        "Reported annually", "Reported annually",
        "2022/23 - Target 62.0% - NOT ACHIEVED - 61.0%", "Amber"]  # 1.6% off, within 5%
    [mid_year] = section_tables(document(root, "q", "2022-23-Q1"))
    assert grid(mid_year)[2][-1] == "Grey"
    assert grid(mid_year)[2][1:5] == ["Reported annually", "", "", ""]


def test_annual_measure_without_its_result_is_chased_at_the_year_end(tmp_path: Path) -> None:
    root = make_project(tmp_path, ANNUAL_REPORT, {
        "q/1.yaml": QUARTERLY, "q/2.yaml": ANNUAL.replace("RESULT", "")})
    doc = document(root, "q", "2022-23-Q4")
    texts = [b.text for page in doc.pages for b in page.blocks if hasattr(b, "text")]
    assert "Residents who feel safe (annual survey): No result for 2022/23" in texts
    quarter_one = document(root, "q", "2022-23-Q1")
    texts = [b.text for page in quarter_one.pages for b in page.blocks if hasattr(b, "text")]
    assert "None: every measure has data for this period." in texts


def test_annual_measure_with_period_entries_is_refused(tmp_path: Path) -> None:
    annual = ANNUAL.replace("RESULT", "") + "quarters:\n  2022-23-Q1: {value: 50.0}\n"
    root = make_project(tmp_path, ANNUAL_REPORT, {"q/1.yaml": QUARTERLY, "q/2.yaml": annual})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert "data/measures/q/2.yaml:10: quarters.2022-23-Q1: an annual measure has no period " \
           "entries: give each year's result under 'years'" in [
               str(p) for p in caught.value.problems]


def test_measures_of_a_monthly_pack_are_monthly_by_default(tmp_path: Path) -> None:
    measure = MONTHLY_MEASURE.replace("frequency: monthly\n", "")
    root = make_project(tmp_path, MONTHLY, {"m/burglary.yaml": measure})
    [table] = section_tables(document(root, "m", "2022-23-M06"))
    assert grid(table)[1][3].startswith("14 burglaries compared to 9 last year.")


def test_periods_before_a_measure_started_are_empty_not_missing(tmp_path: Path) -> None:
    started = QUARTERLY.replace("quarters:\n", "start: 2022-23-Q4\nquarters:\n").replace(
        "  2022-23-Q1: {value: 5, previous: 6}\n", "")
    root = make_project(tmp_path, ANNUAL_REPORT, {"q/1.yaml": started})
    [table] = section_tables(document(root, "q", "2022-23-Q4"))
    # No year to date: the quarters before the measure started are not known to be zero.
    assert grid(table)[1][1:5] == ["", "", "", "4 robberies compared to 6 last year. Reduction "
                                   "of 2 robberies (-33.3%)."]


def test_year_end_without_a_result_says_so_not_in_progress(tmp_path: Path) -> None:
    root = make_project(tmp_path, ANNUAL_REPORT, {
        "q/1.yaml": QUARTERLY, "q/2.yaml": ANNUAL.replace("RESULT", "")})
    [table] = section_tables(document(root, "q", "2022-23-Q4"))
    assert grid(table)[2][5] == "2022/23 - Target 62.0% - no result yet"
    [mid] = section_tables(document(root, "q", "2022-23-Q1"))
    assert grid(mid)[2][5] == "2022/23 - Target 62.0% - in progress"


def test_brief_periods_print_the_figure_alone(tmp_path: Path) -> None:
    report = ANNUAL_REPORT.replace("columns: [title, periods, year-result, status]",
                                   "columns: [title, {kind: periods, brief: true}]")
    root = make_project(tmp_path, report, {"q/1.yaml": QUARTERLY})
    [table] = section_tables(document(root, "q", "2022-23-Q4"))
    assert grid(table) == [["Measure", "Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4"],
                           ["Robbery", "5", "No return received", "No return received", "4"]]
