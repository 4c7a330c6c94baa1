"""Printed figures and comparisons agree: decimals per unit, measure and series; signed
percentages; rates with their denominator."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_report.compute.figures import compute_series, series_specs
from csp_report.compute.numbers import comparison_places, percent, plain
from csp_report.compute.rag import travel
from csp_report.loader import Document
from csp_report.model.measure import Measure
from csp_report.model.periods import Period
from csp_report.model.project import MeasureEntry
from csp_report.sentences import Sentences
from tests.tiny import HEAD, measure, sentences_of


def one(unit: str, value: str, previous: str, extra: str = "") -> str:
    return HEAD + f"""unit: {unit}
noun: offences per offender
good: lower
{extra}quarters:
  2016-17-Q1: {{value: {value}, previous: {previous}}}
"""


def test_rate_0_04_against_0_05_is_a_reduction_not_no_change(tmp_path: Path) -> None:
    text = one("rate", "0.04", "0.05")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "0.04 offences per offender compared to 0.05 last year (-0.01, -20.0%)."]
    travel = measure(tmp_path, text, "2016-17-Q1").travel
    assert travel is not None and travel.label == "Better"


def test_percentage_8_84_against_8_77_prints_two_places(tmp_path: Path) -> None:
    text = one("percentage", "8.84", "8.77").replace("noun: offences per offender\n", "")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "8.84% compared to 8.77% last year (+0.07 points)."]


def test_figures_that_print_apart_keep_the_setting(tmp_path: Path) -> None:
    text = one("percentage", "8.84", "7.74").replace("noun: offences per offender\n", "")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "8.8% compared to 7.7% last year (+1.1 points)."]


def test_a_change_that_would_not_add_up_shows_more_places(tmp_path: Path) -> None:
    # 1.06 - 0.94 = 0.12: at one place "1.1 compared to 0.9 (+0.1)" would not add up.
    assert sentences_of(tmp_path, one("rate", "1.06", "0.94"), "2016-17-Q1") == [
        "1.06 offences per offender compared to 0.94 last year (+0.12, +12.8%)."]


def test_measure_decimals_setting(tmp_path: Path) -> None:
    text = one("rate", "2.345", "1.2", "decimals: 2\n")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "2.35 offences per offender compared to 1.2 last year (+1.15, +95.4%)."]
    text = one("count", "12", "10", "decimals: 0\n").replace("offences per offender", "crimes")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "12 crimes compared to 10 last year. Increase of 2 crimes (+20.0%)."]


def test_series_decimals_override_the_measure(tmp_path: Path) -> None:
    text = HEAD + """unit: percentage
decimals: 0
good: higher
series:
  a: {label: A}
  b: {label: B, decimals: 2}
quarters:
  2016-17-Q1:
    figures:
      a: {value: 43.25, previous: 40}
      b: {value: 43.25, previous: 40}
"""
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "A: 43% compared to 40% last year (+3 points).",
        "B: 43.25% compared to 40.00% last year (+3.25 points)."]


def test_decimals_out_of_range_is_refused(tmp_path: Path) -> None:
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject
    from tests.tiny import tiny

    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, one("rate", "1", "2", "decimals: 9\n")))
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/1.yaml:8: decimals: must be less than or equal to 6, got 9"]


def test_signed_percentage_accepts_minus_14_5(tmp_path: Path) -> None:
    text = HEAD + """unit: signed-percentage
noun: against the similar-areas average
good: lower
quarters:
  2016-17-Q1: {value: -14.5, previous: -10}
  2016-17-Q2: {value: 120, previous: 99.5}
"""
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "-14.5% against the similar-areas average compared to -10.0% last year (-4.5 points)."]
    assert sentences_of(tmp_path, text, "2016-17-Q2") == [
        "+120.0% against the similar-areas average compared to +99.5% last year "
        "(+20.5 points)."]


def test_negative_percentage_names_the_unit_to_use(tmp_path: Path) -> None:
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject
    from tests.tiny import tiny

    text = one("percentage", "-14.5", "2").replace("noun: offences per offender\n", "")
    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, text))
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/1.yaml:8: quarters.2016-17-Q1.value: a percentage must be "
        "between 0 and 100, got -14.5; for a change or a distance that may be negative or "
        "over 100 use unit: signed-percentage"]


def test_rate_prints_its_denominator(tmp_path: Path) -> None:
    text = one("rate", "2.1", "2.4", "per: 1,000 population\n").replace(
        "offences per offender", "crimes")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "2.1 crimes per 1,000 population compared to 2.4 last year (-0.3, -12.5%)."]


def test_per_is_only_for_rates(tmp_path: Path) -> None:
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject
    from tests.tiny import tiny

    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, one("count", "2", "2", "per: 1,000 population\n")))
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/1.yaml:8: per: 'per' is the denominator of a rate; this count "
        "has none"]


@pytest.mark.parametrize(("new", "old", "places"), [
    ("0.04", "0.05", 2), ("8.84", "8.77", 2), ("100", "20", 1), ("1.06", "0.94", 2),
    ("0.1549", "0.0551", 1)])
def test_comparison_places(new: str, old: str, places: int) -> None:
    assert comparison_places([(Decimal(new), Decimal(old))], 1) == places


def test_a_small_change_is_never_printed_as_zero_percent() -> None:
    assert percent(Decimal(1) * 100 / Decimal(100_000)) == "+0.001%"
    assert plain(Decimal("-0.04"), 1) == "0"


figures = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False,
                      allow_infinity=False)
SENTENCE = re.compile(
    r"^(?P<value>[-+]?[\d,.]+)%? \w+ compared to (?P<previous>[-+]?[\d,.]+)%? last year"
    r"(?:\. (?:(?P<none>No change)|(?P<word>Increase|Reduction) of (?P<amount>[\d,.]+) \w+ "
    r"\((?P<percent>[^)]*)\))\.| \((?:(?P<rnone>no change)|(?P<signed>[-+][\d,.]+), "
    r"(?P<rpercent>[^)]*))\)\.| \((?P<points>[-+]?[\d,.]+) points\)\.)$")


def _n(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["count", "rate", "percentage", "signed-percentage"]),
       st.sampled_from([None, 0, 1, 2]), figures, figures, st.sampled_from(["lower", "higher"]))
def test_printed_sentence_never_contradicts_the_printed_figures(
        unit: str, decimals: int | None, new: Decimal, old: Decimal, good: str) -> None:
    if unit == "percentage":
        new, old = new / 100, old / 100
    if unit == "signed-percentage":
        new, old = new / 10 - 500, old / 10 - 500
    data: dict = {"ref": "1", "section": "s", "title": "t", "unit": unit, "good": good,
                  "noun": "things", "decimals": decimals,
                  "quarters": {"2016-17-Q1": {"value": new, "previous": old}}}
    entry = MeasureEntry("p", Measure.model_validate(data), Document("f", data))
    spec = series_specs(entry.measure)[0]
    computed = compute_series(entry, spec, Period(2016, 1))
    sentence = Sentences(Path("/nonexistent")).figures(computed)
    match = SENTENCE.match(sentence)
    assert match, sentence
    value, previous = _n(match["value"]), _n(match["previous"])
    if match["none"] or match["rnone"] or match["points"] in ("0", "0.0", "0.00", "0.000"):
        shown = Decimal(0)
    elif match["word"]:
        shown = _n(match["amount"]) * (1 if match["word"] == "Increase" else -1)
    else:
        shown = _n(match["signed"] or match["points"])
    assert value - previous == shown, sentence          # the change adds up as printed
    assert (shown == 0) == (new == old), sentence       # never "no change" for a change
    pct = match["percent"] or match["rpercent"]
    if pct and shown and pct != "no % change from zero":
        assert pct.startswith("+" if shown > 0 else "-"), sentence
    way = travel(new, old, good)                         # travel follows the printed figures
    assert way.label == ("No change" if value == previous else
                         "Better" if (value < previous) == (good == "lower") else "Worse")


def test_the_rag_basis_tells_close_figures_apart() -> None:
    from csp_report.compute.rag import judge

    rag = judge(Decimal("0.06"), Decimal("0.05"), "lower", "tolerance", Decimal(5), None,
                "last year")
    assert (rag.status, rag.basis) == (
        "red", "0.06 against last year 0.05: 20.0% off, beyond 5% tolerance")


def test_the_noun_agrees_with_the_number_as_printed(tmp_path: Path) -> None:
    text = HEAD + """unit: count
noun: crimes
noun_singular: crime
decimals: 0
good: lower
quarters:
  2016-17-Q1: {value: 1.2}
"""
    assert sentences_of(tmp_path, text, "2016-17-Q1") == ["1 crime."]
