"""The example partnership holds both seed reports faithfully, as structured figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from csp_report.api import open_project, summarise
from csp_report.model.project import MeasureEntry, Project

SEED_REFS = {
    "monitoring": ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3", "2.4",
                   "2.5", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6"],
    "targets": ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1",
                "4.2", "5.1", "5.2", "6.1", "6.2", "6.3", "6.4"],
}


@pytest.fixture(scope="module")
def loaded() -> Project:
    return open_project(Path(__file__).resolve().parent.parent)


def measure(project: Project, pack: str, ref: str) -> MeasureEntry:
    return next(e for e in project.measures[pack] if e.measure.ref == ref)


def test_every_seed_row_is_a_measure_in_seed_order(loaded: Project) -> None:
    assert {pack: [e.measure.ref for e in entries]
            for pack, entries in loaded.measures.items()} == SEED_REFS
    assert str(summarise(loaded)) == "OK: 39 measures across 2 packs, 5 periods"


def test_asb_incidents_first_quarter(loaded: Project) -> None:
    q1 = measure(loaded, "targets", "1.3").measure.quarters["2016-17-Q1"]
    assert (q1.value, q1.previous) == (3189, 3109)


def test_robbery_keeps_the_figures_not_the_wrong_percentage(loaded: Project) -> None:
    q1 = measure(loaded, "targets", "2.3").measure.quarters["2016-17-Q1"]
    assert (q1.value, q1.previous) == (14, 17)
    assert "(-5.9%)" in q1.commentary  # the seed's wording is kept; `check` flags it


def test_treatment_completions_opiate_series_at_q4(loaded: Project) -> None:
    entry = measure(loaded, "targets", "3.3")
    figures = entry.figures(entry.measure.quarters["2016-17-Q4"])["opiate"]
    assert (figures.value, figures.baseline) == (Decimal("5.8"), Decimal("4.6"))


def test_criminal_damage_q4_stores_517_not_the_wrong_increase(loaded: Project) -> None:
    q4 = measure(loaded, "targets", "4.1").measure.quarters["2016-17-Q4"]
    assert (q4.value, q4.previous, q4.ytd, q4.ytd_previous) == (647, 517, 2522, 2203)


def test_neighbourhood_services_previous_is_derived_from_the_seed_change(loaded: Project) -> None:
    entry = measure(loaded, "monitoring", "4.2")
    figures = entry.figures(entry.measure.quarters["2017-18-Q1"])
    assert [(f.value, f.previous) for f in figures.values()] == [(3301, 3190), (951, 1301)]


def test_violence_with_injury_history(loaded: Project) -> None:
    years = measure(loaded, "targets", "2.1").measure.years
    assert [(y, v.target, v.result) for y, v in years.items()] == [
        ("2014-15", 1108, 1146), ("2015-16", 1146, 1440), ("2016-17", 1440, None)]


def test_missing_data_keeps_the_seed_reason(loaded: Project) -> None:
    q1 = measure(loaded, "monitoring", "3.1").measure.quarters["2017-18-Q1"]
    assert q1.missing is not None
    assert (q1.missing.state, q1.missing.reason) == (
        "not-available", "Not available at time of writing")


def test_every_monitoring_owner_is_recorded(loaded: Project) -> None:
    owners = loaded.report.owners
    named = {e.measure.ref: owners[e.measure.owner] for e in loaded.measures["monitoring"]
             if e.measure.owner}
    assert named["1.1"] == "Cleveland Police IOM Unit"
    assert named["4.4"] == "Cleveland Fire Brigade"
    assert set(SEED_REFS["monitoring"]) - set(named) == {"2.1"}  # the seed leaves it blank
