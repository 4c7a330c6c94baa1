"""The data must agree with itself: years to date that fall or do not add up are errors,
unless the entry says the source revised its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.errors import InvalidProject
from tests.tiny import HEAD, tiny

FILE = "data/measures/targets/1.yaml"
COUNT = HEAD + """unit: count
noun: crimes
good: lower
quarters:
"""


def problems(root: Path, text: str) -> list[str]:
    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(root, text))
    return [str(p) for p in caught.value.problems]


def test_year_to_date_that_falls_is_an_error(tmp_path: Path) -> None:
    text = COUNT + "  2016-17-Q1: {ytd: 100}\n  2016-17-Q2: {ytd: 20}\n"
    assert problems(tmp_path, text) == [
        f"{FILE}:10: quarters.2016-17-Q2.ytd: year to date 20 is lower than 100 at 2016-17-Q1; "
        "a count's year to date cannot fall (if the source revised its figures, say why in "
        "'revised:')"]


def test_quarter_and_years_to_date_that_do_not_add_up(tmp_path: Path) -> None:
    text = COUNT + ("  2016-17-Q1: {value: 200}\n  2016-17-Q2: {ytd: 445}\n"
                    "  2016-17-Q3: {value: 92, ytd: 800}\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:11: quarters.2016-17-Q3.ytd: year to date 800 does not add up: 445 at "
        "2016-17-Q2 plus this quarter's 92 is 537 (if the source revised its figures, say why "
        "in 'revised:')"]


def test_a_sum_of_quarters_counts_as_the_previous_year_to_date(tmp_path: Path) -> None:
    text = COUNT + ("  2016-17-Q1: {value: 200}\n  2016-17-Q2: {value: 245}\n"
                    "  2016-17-Q3: {value: 92, ytd: 800}\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:11: quarters.2016-17-Q3.ytd: year to date 800 does not add up: 445 at "
        "2016-17-Q2 (the sum of its quarters) plus this quarter's 92 is 537 (if the source "
        "revised its figures, say why in 'revised:')"]


def test_last_years_figures_must_add_up_too(tmp_path: Path) -> None:
    text = COUNT + ("  2016-17-Q1: {value: 10, previous: 12, ytd: 10, ytd_previous: 13}\n"
                    "  2016-17-Q2: {value: 5, previous: 100, ytd: 15, ytd_previous: 20}\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:9: quarters.2016-17-Q1.ytd_previous: last year's year to date 13 is not the "
        "first quarter's figure 12 (if the source revised its figures, say why in "
        "'revised:')",
        f"{FILE}:10: quarters.2016-17-Q2.ytd_previous: last year's year to date 20 does not add "
        "up: 13 at 2016-17-Q1 plus this quarter's 100 is 113 (if the source revised its "
        "figures, say why in 'revised:')"]


def test_a_series_is_checked_on_its_own(tmp_path: Path) -> None:
    text = HEAD + """unit: count
series:
  a: {label: A}
  b: {label: B}
quarters:
  2016-17-Q1:
    figures: {a: {ytd: 100}, b: {ytd: 5}}
  2016-17-Q2:
    figures: {a: {ytd: 20}, b: {ytd: 7}}
"""
    assert problems(tmp_path, text) == [
        f"{FILE}:13: quarters.2016-17-Q2.figures.a.ytd: year to date 20 is lower than 100 at "
        "2016-17-Q1; a count's year to date cannot fall (if the source revised its figures, "
        "say why in 'revised:')"]


def test_a_revision_note_allows_a_revised_total(tmp_path: Path) -> None:
    text = COUNT + ("  2016-17-Q1: {value: 200}\n  2016-17-Q2: {ytd: 445}\n"
                    "  2016-17-Q3: {value: 92, ytd: 800, revised: Q2 was revised by the police}\n")
    assert open_project(tiny(tmp_path, text)).measure_count == 1


def test_counts_that_do_not_add_up_over_the_year_are_not_checked(tmp_path: Path) -> None:
    text = COUNT.replace("good: lower", "good: lower\nadditive: false") + (
        "  2016-17-Q1: {value: 100}\n  2016-17-Q2: {value: 20}\n")
    assert open_project(tiny(tmp_path, text)).measure_count == 1
