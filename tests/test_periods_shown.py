"""Which periods a pack shows is configuration; no period outside them is ever printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import document, grid, make_project, section_tables

REPORT = """\
owners: {police: Testshire Police}
packs:
  p:
    title: Test pack
    layout: table
    periods: PERIODS
    period_label: quarter
    columns: [title, periods]
    sections:
      s: {title: Crime}
"""

MEASURE = """\
section: s
title: Burglary
owner: police
unit: count
noun: burglaries
good: lower
additive: false
quarters:
  2021-22-Q4: {value: 40}
  2022-23-Q1: {value: 10}
  2022-23-Q3: {value: 30}
"""


def headers_and_cells(tmp_path: Path, periods: str, at: str) -> tuple[list[str], list[str]]:
    root = make_project(tmp_path, REPORT.replace("PERIODS", periods),
                        {"p/burglary.yaml": MEASURE})
    [table] = section_tables(document(root, "p", at))
    head, body = grid(table)
    return head[1:], body[1:]


@pytest.mark.parametrize(("periods", "headers", "cells"), [
    ("current", ["Quarter 3"], ["30 burglaries."]),
    ("year", ["Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4"],
     ["10 burglaries.", "No return received", "30 burglaries.", ""]),
    ("year-so-far", ["Quarter 1", "Quarter 2", "Quarter 3"],
     ["10 burglaries.", "No return received", "30 burglaries."]),
    ("{last: 4}", ["Quarter 4", "Quarter 1", "Quarter 2", "Quarter 3"],
     ["40 burglaries.", "10 burglaries.", "No return received", "30 burglaries."]),
    ("{quarters: [1, 3]}", ["Quarter 1", "Quarter 3"], ["10 burglaries.", "30 burglaries."]),
    ("{quarters: [3, 4]}", ["Quarter 3", "Quarter 4"], ["30 burglaries.", ""]),
])
def test_period_options(tmp_path: Path, periods: str, headers: list[str],
                        cells: list[str]) -> None:
    assert headers_and_cells(tmp_path, periods, "2022-23-Q3") == (headers, cells)


def test_last_periods_cross_financial_years_with_their_labels(tmp_path: Path) -> None:
    report = REPORT.replace("PERIODS", "{last: 2}").replace("period_label: quarter",
                                                            "period_label: range")
    root = make_project(tmp_path, report, {"p/burglary.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q1"))
    assert grid(table)[0] == ["Measure", "January 2022 to March 2022", "April 2022 to June 2022"]


def test_a_figure_prints_its_own_reference_period(tmp_path: Path) -> None:
    measure = MEASURE.replace("2022-23-Q3: {value: 30}",
                              "2022-23-Q3: {value: 30, covering: 12 months to December 2022}")
    root = make_project(tmp_path, REPORT.replace("PERIODS", "current"),
                        {"p/burglary.yaml": measure})
    [table] = section_tables(document(root, "p", "2022-23-Q3"))
    assert grid(table)[1][1] == "12 months to December 2022: 30 burglaries."


def test_missing_list_counts_only_the_packs_own_period(tmp_path: Path) -> None:
    # Q2 has no return, but a pack showing Q1 and Q3 only, built at Q3, chases nothing.
    root = make_project(tmp_path, REPORT.replace("PERIODS", "{quarters: [1, 3]}"),
                        {"p/burglary.yaml": MEASURE})
    doc = document(root, "p", "2022-23-Q3")
    texts = [b.text for page in doc.pages for b in page.blocks if hasattr(b, "text")]
    assert "None: every measure has data for this period." in texts
    assert all("No return" not in c.text for t in doc.tables() for r in t.body for c in r.cells)
