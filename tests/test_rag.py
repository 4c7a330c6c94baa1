"""RAG rules at their boundaries, for both directions of good, and direction of travel."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csp_report.compute.rag import judge, travel

FIVE = D(5)


@pytest.mark.parametrize(("actual", "status"), [
    (D(100), "green"),       # exactly on target
    (D(99), "green"),        # better than target
    (D(105), "amber"),       # exactly 5% off: still within tolerance
    (D("104.9"), "amber"),   # just inside
    (D("105.1"), "red"),     # just outside
])
def test_tolerance_lower_is_better(actual: D, status: str) -> None:
    assert judge(actual, D(100), "lower", "tolerance", FIVE, None, "target").status == status


@pytest.mark.parametrize(("actual", "status"), [
    (D(100), "green"),
    (D(101), "green"),
    (D(95), "amber"),
    (D("95.1"), "amber"),
    (D("94.9"), "red"),
])
def test_tolerance_higher_is_better(actual: D, status: str) -> None:
    assert judge(actual, D(100), "higher", "tolerance", FIVE, None, "target").status == status


@pytest.mark.parametrize(("actual", "last_year", "status"), [
    (D(100), D(120), "green"),   # on target
    (D(110), D(120), "amber"),   # missed, but better than last year
    (D(110), D(110), "red"),     # missed, and no better than last year
    (D(110), D(100), "red"),     # missed, and worse than last year
    (D(110), None, "red"),       # missed, nothing to compare with
])
def test_improvement_lower_is_better(actual: D, last_year: D | None, status: str) -> None:
    assert judge(actual, D(100), "lower", "improvement", FIVE, last_year,
                 "target").status == status


@pytest.mark.parametrize(("actual", "last_year", "status"), [
    (D(90), D(80), "green"),
    (D(85), D(80), "amber"),
    (D(85), D(85), "red"),
    (D(85), D(88), "red"),
])
def test_improvement_higher_is_better(actual: D, last_year: D, status: str) -> None:
    assert judge(actual, D(90), "higher", "improvement", FIVE, last_year,
                 "target").status == status


def test_zero_target_missed_is_red_not_a_division_error() -> None:
    rag = judge(D(1), D(0), "lower", "tolerance", FIVE, None, "target")
    assert (rag.status, rag.basis) == ("red", "1 against target 0: missed, beyond 5% tolerance")


def test_rag_always_has_a_word_and_a_class() -> None:
    rag = judge(D("104.9"), D(100), "lower", "tolerance", FIVE, None, "target")
    assert (rag.word, rag.basis) == (
        "Amber", "104.9 against target 100: 4.9% off, within 5% tolerance")


@pytest.mark.parametrize(("new", "old", "good", "label", "arrow"), [
    (D(10), D(12), "lower", "Better", "\u2193"),
    (D(12), D(10), "lower", "Worse", "\u2191"),
    (D(12), D(10), "higher", "Better", "\u2191"),
    (D(10), D(12), "higher", "Worse", "\u2193"),
    (D(10), D(10), "higher", "No change", "\u2192"),
    (D(12), D(10), "monitor", "Up", "\u2191"),
])
def test_direction_of_travel(new: D, old: D, good: str, label: str, arrow: str) -> None:
    result = travel(new, old, good)
    assert (result.label, result.arrow) == (label, arrow)


@pytest.mark.parametrize(("number", "plain_text", "signed_text"), [
    (D("4.96"), "5", "+5"),
    (D("-0.03"), "0", "0"),
    (D("3189"), "3,189", "+3,189"),
    (D("2.55"), "2.6", "+2.6"),      # half up, not to even
    (D("-2.45"), "-2.5", "-2.5"),
])
def test_number_formatting(number: D, plain_text: str, signed_text: str) -> None:
    from csp_report.compute.numbers import plain, signed

    assert (plain(number), signed(number)) == (plain_text, signed_text)
