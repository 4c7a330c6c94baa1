"""Derived figures are computed from the seed data, never typed: the seed's errors are gone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.compute.measures import ComputedMeasure, ComputedPack, compute
from csp_report.compute.numbers import percent, signed
from csp_report.model.periods import Period
from csp_report.model.project import Project
from csp_report.sentences import Sentences

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def loaded() -> Project:
    return open_project(REPO)


@pytest.fixture(scope="module")
def tracker(loaded: Project) -> ComputedPack:
    return compute(loaded, "targets", Period.parse("2016-17-Q4"))


def row(pack: ComputedPack, ref: str) -> ComputedMeasure:
    return next(m for m in pack.measures if m.entry.measure.ref == ref)


def change_of(pack: ComputedPack, ref: str, quarter: int) -> tuple[str, str]:
    figures = row(pack, ref).quarters[quarter - 1].series[0]
    assert figures.change is not None
    return signed(figures.change.absolute), percent(figures.change.percent)


def test_asb_q1_change(tracker: ComputedPack) -> None:
    assert change_of(tracker, "1.3", 1) == ("+80", "+2.6%")


def test_robbery_q1_is_minus_17_6_not_minus_5_9(tracker: ComputedPack) -> None:
    assert change_of(tracker, "2.3", 1) == ("-3", "-17.6%")


def test_criminal_damage_q4_is_130_not_132(tracker: ComputedPack) -> None:
    assert change_of(tracker, "4.1", 4) == ("+130", "+25.1%")


def test_violence_with_injury_year_is_not_achieved(tracker: ComputedPack) -> None:
    years = {y.year.id: y for y in row(tracker, "2.1").years}
    assert (years["2016-17"].result, years["2016-17"].target,
            years["2016-17"].achieved) == (1628, 1440, False)
    sentences = Sentences(REPO)
    spec = row(tracker, "2.1").specs[0]
    assert sentences.year(years["2016-17"], spec) == (
        "2016/17 - Baseline 1,440 offences - NOT ACHIEVED - 1,628 offences")
    assert sentences.year(years["2014-15"], spec) == (
        "2014/15 - Baseline of 1,108 offences - NOT ACHIEVED - 1,146 offences")


def test_asb_year_to_date_uses_the_sources_revised_total(tracker: ComputedPack) -> None:
    q3 = row(tracker, "1.3").quarters[2].series[0]
    assert (q3.ytd, q3.ytd_previous) == (10023, 9450)  # given; the quarters sum to 10,032
    q2 = row(tracker, "1.3").quarters[1].series[0]
    assert (q2.ytd, q2.ytd_previous) == (6749, 6496)  # derived from Q1 + Q2
    assert percent(q2.ytd_change.percent) == "+3.9%"  # type: ignore[union-attr]


def test_quarter_derived_from_year_to_date(tracker: ComputedPack) -> None:
    # The seed gives 2.1 Q3 only as "1,232 crimes YTD compared to 1,028 last year".
    q3 = row(tracker, "2.1").quarters[2].series[0]
    assert (q3.value, q3.previous, q3.value_derived) == (371, 355, True)


def test_percentage_measures_change_in_points(tracker: ComputedPack) -> None:
    opiate = row(tracker, "3.3").quarters[3].series[0]
    assert opiate.baseline_change is not None
    assert opiate.baseline_change.absolute == Decimal("1.2")
    assert Sentences(REPO).figures(opiate) == (
        "Opiate clients: 5.8% of opiate clients successfully completed treatment compared to "
        "a baseline of 4.6% (+1.2 points).")


def test_standard_count_sentence(tracker: ComputedPack) -> None:
    q1 = row(tracker, "1.3").quarters[0].series[0]
    assert Sentences(REPO).figures(q1) == (
        "3,189 incidents compared to 3,109 last year. Increase of 80 incidents (+2.6%).")


def test_rank_sentence(loaded: Project) -> None:
    monitoring = compute(loaded, "monitoring", Period.parse("2017-18-Q1"))
    figures = row(monitoring, "4.1").current.series[0]
    assert Sentences(REPO).figures(figures) == "Ranked 5th out of 15."


def test_tracker_rag_and_travel(tracker: ComputedPack) -> None:
    rags = {m.entry.measure.ref: (m.rag.word, m.travel.label if m.travel else None)
            for m in tracker.measures}
    assert rags["1.3"] == ("Green", "Worse")   # 12,820 under 13,425 but up on last year
    assert rags["2.1"] == ("Red", "Better")    # 1,628 vs 1,440: 13.1% off; Q4 fell 412 -> 395
    assert rags["2.3"] == ("Amber", "Worse")   # 103 vs 101: 2.0% off, within 5%
    assert rags["3.2"] == ("Grey", None)       # missing data


def test_mid_year_pack_shows_the_year_in_progress(loaded: Project) -> None:
    q2 = compute(loaded, "targets", Period.parse("2016-17-Q2"))
    years = {y.year.id: y for y in row(q2, "2.1").years}
    assert (years["2016-17"].result, years["2016-17"].achieved) == (None, None)
    assert years["2015-16"].result == 1440  # earlier years keep their results
    assert Sentences(REPO).year(years["2016-17"], row(q2, "2.1").specs[0]) == (
        "2016/17 - Baseline 1,440 offences - in progress")


def test_mid_year_rag_uses_the_year_to_date_against_a_pro_rata_target(loaded: Project) -> None:
    q2 = compute(loaded, "targets", Period.parse("2016-17-Q2"))
    # 2.1: year to date 861 against half of 1,440 = 720: 19.6% off.
    assert row(q2, "2.1").rag.basis == (
        "861 against pro-rata target 720: 19.6% off, beyond 5% tolerance")


def test_unknown_year_to_date_is_grey_not_a_flattering_green(project: Path) -> None:
    from tests.conftest import write

    write(project / "data/measures/targets/9.1-test.yaml", """\
ref: "9.1"
section: violence
title: Q1 never returned
unit: count
good: lower
years:
  2016-17: {target: 100}
quarters:
  2016-17-Q1:
    missing: {state: not-available, reason: not returned}
  2016-17-Q2:
    value: 45
""")
    q2 = compute(open_project(project), "targets", Period.parse("2016-17-Q2"))
    assert (row(q2, "9.1").rag.word, row(q2, "9.1").rag.basis) == (
        "Grey", "year to date unknown: an earlier quarter has no figure")
