"""Property tests: YTD, change and RAG agree with a direct recomputation on random inputs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from csp_report.compute.figures import compute_series, series_specs
from csp_report.compute.numbers import Change, percent
from csp_report.compute.rag import judge
from csp_report.loader import Document
from csp_report.model.measure import Measure
from csp_report.model.periods import Period
from csp_report.model.project import MeasureEntry

counts = st.integers(min_value=0, max_value=100_000)
quarter_figures = st.lists(st.tuples(counts, counts), min_size=1, max_size=4)


def entry_for(quarters: list[tuple[int, int]], ytd_given: dict[int, tuple[int, int]]) -> \
        MeasureEntry:
    data: dict = {"ref": "1", "section": "s", "title": "t", "unit": "count", "good": "lower",
                  "quarters": {}}
    for number, (value, previous) in enumerate(quarters, start=1):
        q: dict = {"value": value, "previous": previous}
        if number in ytd_given:
            q = {"ytd": ytd_given[number][0], "ytd_previous": ytd_given[number][1]}
        data["quarters"][f"2016-17-Q{number}"] = q
    return MeasureEntry("p", Measure.model_validate(data), Document("f", data))


@settings(max_examples=200, deadline=None)
@given(quarter_figures)
def test_year_to_date_is_the_running_sum(quarters: list[tuple[int, int]]) -> None:
    entry = entry_for(quarters, {})
    spec = series_specs(entry.measure)[0]
    for number in range(2, len(quarters) + 1):
        figures = compute_series(entry, spec, Period(2016, number))
        assert figures.ytd == sum(v for v, _ in quarters[:number])
        assert figures.ytd_previous == sum(p for _, p in quarters[:number])


@settings(max_examples=200, deadline=None)
@given(quarter_figures.filter(lambda q: len(q) >= 2))
def test_quarter_derived_from_ytd_matches_the_quarter(quarters: list[tuple[int, int]]) -> None:
    # Give the last quarter only as year-to-date totals; the quarter must come back exactly.
    last = len(quarters)
    ytd = (sum(v for v, _ in quarters), sum(p for _, p in quarters))
    entry = entry_for(quarters, {last: ytd})
    figures = compute_series(entry, series_specs(entry.measure)[0], Period(2016, last))
    assert (figures.value, figures.previous) == quarters[-1]
    assert figures.value_derived


@settings(max_examples=500, deadline=None)
@given(counts, counts)
def test_printed_percentage_is_the_exact_ratio_rounded_half_up(new: int, old: int) -> None:
    # An independent recomputation: exact fractions and integer rounding, no Decimal. One
    # place, or more while a real change would print as zero ("never 0.0% for a change").
    text = percent(Change.between(Decimal(new), Decimal(old)).percent)
    if old == 0:
        assert text == "n/a"
        return
    ratio = Fraction(new - old, old) * 100  # the change in per cent
    places = 1
    while True:
        scaled = abs(ratio) * 10 ** places
        magnitude = (scaled * 2 + 1) // 2     # half up, away from zero
        if magnitude or new == old or places >= 6:
            break
        places += 1
    sign = "+" if magnitude and ratio > 0 else "-" if magnitude and ratio < 0 else ""
    whole, part = divmod(int(magnitude), 10 ** places)
    expected = f"{sign}{whole:,}.{part:0{places}d}%"
    assert text == expected


@settings(max_examples=300, deadline=None)
@given(counts, counts, st.sampled_from(["lower", "higher"]),
       st.sampled_from(["tolerance", "improvement"]), st.integers(0, 20),
       st.one_of(st.none(), counts))
def test_rag_agrees_with_a_direct_reading_of_the_rule(actual: int, target: int, good: str,
                                                      rule: str, tolerance: int,
                                                      last_year: int | None) -> None:
    status = judge(Decimal(actual), Decimal(target), good, rule, Decimal(tolerance),
                   None if last_year is None else Decimal(last_year), "target").status
    met = actual <= target if good == "lower" else actual >= target
    if met:
        assert status == "green"
    elif rule == "improvement":
        better = last_year is not None and (
            actual < last_year if good == "lower" else actual > last_year)
        assert status == ("amber" if better else "red")
    else:
        off = abs(actual - target) * 100 / target if target else None
        assert status == ("amber" if off is not None and off <= tolerance else "red")
