"""The commentary lint: linear time on any text; numbers with thousands separators, decimals
and small numbers in words are read."""

from __future__ import annotations

import time
from pathlib import Path

from csp_report.api import open_project
from csp_report.check import check_project
from tests.tiny import HEAD, tiny

FILE = "data/measures/targets/1.yaml"


def warnings(root: Path, unit: str, value: str, previous: str, commentary: str) -> list[str]:
    text = HEAD + f"""unit: {unit}
noun: crimes
good: lower
quarters:
  2016-17-Q1:
    value: {value}
    previous: {previous}
    commentary: "{commentary}"
"""
    return [str(p) for p in check_project(open_project(tiny(root, text)))]


def test_a_number_word_is_read(tmp_path: Path) -> None:
    assert warnings(tmp_path, "count", "14", "17", "A rise of one offence.") == [
        f"{FILE}:12: quarters.2016-17-Q1.commentary: states 'rise of one' but the quarter "
        "change is -3 (14 against 17)"]


def test_a_correct_number_word_is_fine(tmp_path: Path) -> None:
    assert warnings(tmp_path, "count", "14", "17", "A reduction of three crimes.") == []


def test_thousands_separators(tmp_path: Path) -> None:
    assert warnings(tmp_path, "count", "3189", "3109",
                    "3,189 incidents compared to 3,019 last year; an increase of 1,080.") == [
        f"{FILE}:12: quarters.2016-17-Q1.commentary: states '3189 compared to 3,019 last "
        "year' but last year's quarter figure is 3,109",
        f"{FILE}:12: quarters.2016-17-Q1.commentary: states 'increase of 1,080' but the "
        "quarter change is +80 (3,189 against 3,109)"]


def test_decimals(tmp_path: Path) -> None:
    assert warnings(tmp_path, "rate", "4.6", "3", "4.6 compared to 3 last year, a rise of "
                    "1.5 (+53.3%).") == [
        f"{FILE}:12: quarters.2016-17-Q1.commentary: states 'rise of 1.5' but the quarter "
        "change is +1.6 (4.6 against 3)"]


def test_a_20000_digit_commentary_takes_milliseconds(tmp_path: Path) -> None:
    """Validation refuses a run of over 1,000 characters without a space (the PDF renderer
    takes its square), so every 1,000th character of the project's commentary is a space;
    the checker alone is given the unbroken 20,000 below."""
    for unbroken in ("1" * 19_990, "1," * 9_990, "(" + "9" * 19_990, "1 " * 9_990,
                     "increase of " + "9" * 19_900):
        text = "".join(" " if at % 1_000 == 999 else char for at, char in enumerate(unbroken))
        start = time.perf_counter()
        found = warnings(tmp_path, "count", "14", "17", text)
        assert time.perf_counter() - start < 2.0 and found in ([], found)
    from csp_report.check import check_commentary

    start = time.perf_counter()
    check_commentary("1" * 20_000, [])
    check_commentary("1 " * 10_000, [])
    assert time.perf_counter() - start < 0.5


def test_warnings_print_close_figures_apart(tmp_path: Path) -> None:
    assert warnings(tmp_path, "rate", "0.04", "0.05", "A rise of 0.01.") == [
        f"{FILE}:12: quarters.2016-17-Q1.commentary: states 'rise of 0.01' but the quarter "
        "change is -0.01 (0.04 against 0.05)"]
