"""Comparisons derived from the measure's own history; a typed figure that differs from it
is a revision that needs a reason and is printed as revised."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_report.api import open_project
from csp_report.compute.figures import compute_series, series_specs
from csp_report.errors import InvalidProject
from csp_report.loader import Document
from csp_report.model.measure import Measure
from csp_report.model.periods import Period
from csp_report.model.project import MeasureEntry
from tests.tiny import HEAD, measure, sentences_of, tiny

TWO_YEARS = HEAD + """unit: count
noun: crimes
noun_singular: crime
good: lower
quarters:
  2015-16-Q1: {value: 17}
  2015-16-Q2: {value: 22}
  2015-16-Q3: {value: 32}
  2015-16-Q4: {value: 30}
  2016-17-Q1: {value: 14}
  2016-17-Q2: {value: 26}
  2016-17-Q3: {ytd: 68}
  2016-17-Q4: {value: 33, commentary: No previous typed anywhere.}
"""


def test_two_years_without_previous_print_the_right_changes(tmp_path: Path) -> None:
    root = tiny(tmp_path, TWO_YEARS)
    assert sentences_of(root, TWO_YEARS, "2016-17-Q1") == [
        "14 crimes compared to 17 last year. Reduction of 3 crimes (-17.6%)."]
    assert sentences_of(root, TWO_YEARS, "2016-17-Q2") == [
        "26 crimes compared to 22 last year. Increase of 4 crimes (+18.2%). Year to date: 40 "
        "crimes compared to 39 last year. Increase of 1 crime (+2.6%)."]
    assert sentences_of(root, TWO_YEARS, "2016-17-Q3") == [
        "28 crimes (from the year to date) compared to 32 last year. Reduction of 4 crimes "
        "(-12.5%). Year to date: 68 crimes compared to 71 last year. Reduction of 3 crimes "
        "(-4.2%)."]
    assert sentences_of(root, TWO_YEARS, "2016-17-Q4") == [
        "33 crimes compared to 30 last year. Increase of 3 crimes (+10.0%). Year to date: 101 "
        "crimes compared to 101 last year. No change."]
    travel = measure(root, TWO_YEARS, "2016-17-Q1").travel
    assert travel is not None and travel.label == "Better"


def test_a_rate_takes_last_years_quarter_too(tmp_path: Path) -> None:
    text = HEAD + """unit: rate
noun: re-offences per offender
good: lower
quarters:
  2015-16-Q1: {value: 3}
  2016-17-Q1: {value: 4.6}
"""
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "4.6 re-offences per offender compared to 3 last year (+1.6, +53.3%)."]


def test_typed_previous_equal_to_history_is_fine(tmp_path: Path) -> None:
    text = TWO_YEARS.replace("2016-17-Q1: {value: 14}", "2016-17-Q1: {value: 14, previous: 17}")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "14 crimes compared to 17 last year. Reduction of 3 crimes (-17.6%)."]


def test_typed_previous_that_differs_from_history_needs_a_reason(tmp_path: Path) -> None:
    text = TWO_YEARS.replace("2016-17-Q1: {value: 14}", "2016-17-Q1: {value: 14, previous: 18}")
    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, text))
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/1.yaml:14: quarters.2016-17-Q1.previous: 18 differs from 17 at "
        "2015-16-Q1 in this file; if the source revised it, say why in 'revised:', else leave "
        "it out: it is taken from there"]


def test_a_revised_previous_prints_as_revised_with_its_reason(tmp_path: Path) -> None:
    text = TWO_YEARS.replace(
        "2016-17-Q1: {value: 14}",
        "2016-17-Q1: {value: 14, previous: 18, revised: One crime was recorded late.}")
    assert sentences_of(tmp_path, text, "2016-17-Q1") == [
        "14 crimes compared to 18 [r] last year. Reduction of 4 crimes (-22.2%). [r] Revised: "
        "One crime was recorded late."]


def test_the_summary_lists_the_revisions(tmp_path: Path) -> None:
    from csp_report.compute.measures import compute
    from csp_report.layout import layout

    text = TWO_YEARS.replace(
        "2016-17-Q4: {value: 33, commentary: No previous typed anywhere.}",
        "2016-17-Q4: {value: 33, previous: 31, revised: One crime was recorded late.}")
    project = open_project(tiny(tmp_path, text))
    document = layout(compute(project, "targets", Period.parse("2016-17-Q4")))
    texts = [t.text for t in _texts(document)]
    start = texts.index("Revised figures")
    assert texts[start + 1:start + 2] == [
        "1.1 A measure: last year's figure for 2016-17 Quarter 4 revised to 31 (was 30): "
        "One crime was recorded late."]


def _texts(document: object) -> list:
    from dataclasses import fields, is_dataclass

    from csp_report.layout.document import Text

    found: list = []

    def walk(node: object) -> None:
        if isinstance(node, Text):
            found.append(node)
        elif is_dataclass(node):
            for f in fields(node):
                walk(getattr(node, f.name))
        elif isinstance(node, tuple | list):
            for item in node:
                walk(item)
        if hasattr(node, "text") and not isinstance(node, Text) and isinstance(
                node.text, str):
            found.append(node)

    walk(document)
    return found


counts = st.integers(min_value=0, max_value=10_000)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=4, max_size=4), st.lists(counts, min_size=4, max_size=4),
       st.lists(st.booleans(), min_size=4, max_size=4))
def test_derived_and_typed_comparisons_agree(last: list[int], this: list[int],
                                             typed: list[bool]) -> None:
    quarters: dict = {f"2015-16-Q{n}": {"value": v} for n, v in enumerate(last, start=1)}
    for n, v in enumerate(this, start=1):
        quarters[f"2016-17-Q{n}"] = {"value": v, **({"previous": last[n - 1]}
                                                    if typed[n - 1] else {})}
    data = {"ref": "1", "section": "s", "title": "t", "unit": "count", "good": "lower",
            "quarters": quarters}
    entry = MeasureEntry("p", Measure.model_validate(data), Document("f", data))
    bare = {**data, "quarters": {k: ({"value": v["value"]} if k.startswith("2016") else v)
                                 for k, v in quarters.items()}}
    derived = MeasureEntry("p", Measure.model_validate(bare), Document("f", bare))
    spec = series_specs(entry.measure)[0]
    for n in range(1, 5):
        a = compute_series(entry, spec, Period(2016, n))
        b = compute_series(derived, spec, Period(2016, n))
        assert (a.previous, a.ytd_previous, a.change) == (b.previous, b.ytd_previous, b.change)
        assert a.previous == last[n - 1] and a.revised_fields == ()
        if n > 1:
            assert a.ytd_previous == Decimal(sum(last[:n]))


def test_a_stated_year_result_that_differs_from_its_quarters_needs_a_reason(
        tmp_path: Path) -> None:
    text = TWO_YEARS.replace("good: lower\n", "good: lower\nyears:\n  2015-16: {target: 90, "
                             "result: 103}\n")
    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, text))
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/1.yaml:10: years.2015-16.result: 103 differs from 101, the "
        "year's total from its quarters in this file; if the source revised it, say why in "
        "'revised:', else leave it out: it is taken from there"]


def test_a_revised_year_result_prints_as_revised(tmp_path: Path) -> None:
    from csp_report.sentences import Sentences

    text = TWO_YEARS.replace("good: lower\n", "good: lower\nyears:\n  2015-16: {target: 90, "
                             "result: 103, revised: Two crimes were recorded late.}\n")
    computed = measure(tmp_path, text, "2016-17-Q4")
    assert Sentences(tmp_path).year(computed.years[0], computed.specs[0]) == (
        "2015/16 - Target 90 crimes - NOT ACHIEVED - 103 [r] crimes ([r] revised: Two crimes "
        "were recorded late.)")


def test_a_target_with_a_description_prints_the_number_too(tmp_path: Path) -> None:
    from csp_report.sentences import Sentences

    text = TWO_YEARS.replace("good: lower\n", "good: lower\nyears:\n  2016-17: {target: 95, "
                             "description: a 5% reduction}\n")
    computed = measure(tmp_path, text, "2016-17-Q4")
    assert Sentences(tmp_path).year(computed.years[0], computed.specs[0]) == (
        "2016/17 - Target 95 crimes (a 5% reduction) - NOT ACHIEVED - 101 crimes")
