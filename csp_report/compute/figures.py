"""Derived figures per series and quarter: changes, year to date, quarters derived from YTD."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model.measure import MAIN_SERIES, Figures, Measure, Missing
from ..model.periods import PER_YEAR, FinancialYear, Period
from ..model.project import MeasureEntry
from .numbers import DEFAULT_DECIMALS, Change


@dataclass(frozen=True)
class SeriesSpec:
    """What a series is: its label (None for a single-series measure), unit, good, noun."""

    id: str
    label: str | None
    unit: str
    good: str
    noun: str
    noun_singular: str | None
    baseline: Decimal | None
    decimals: int = 1
    per: str | None = None


@dataclass(frozen=True)
class Revision:
    """A typed figure that differs from what the measure's own data gives for it."""

    period: Period
    series: str
    field: str  # previous | ytd_previous | ytd
    typed: Decimal
    known: Decimal
    source: str  # where the known figure comes from
    reason: str | None


@dataclass(frozen=True)
class SeriesFigures:
    """One series in one quarter, every derivable figure derived."""

    spec: SeriesSpec
    period: Period
    value: Decimal | None
    value_derived: bool
    previous: Decimal | None
    change: Change | None
    ytd: Decimal | None
    ytd_previous: Decimal | None
    ytd_change: Change | None
    baseline: Decimal | None
    baseline_change: Change | None
    out_of: Decimal | None
    missing: Missing | None
    covering: str | None = None  # the figure's own reference period, as the data gives it
    additive: bool = False  # a count whose quarters add up to the year (has a year to date)
    revised: str | None = None  # why the source revised figures of this entry
    revisions: tuple[Revision, ...] = ()  # the printed figures that are revisions

    @property
    def revised_fields(self) -> tuple[str, ...]:
        return tuple(r.field for r in self.revisions)

    @property
    def has_figures(self) -> bool:
        return self.value is not None or self.ytd is not None


def series_specs(measure: Measure) -> list[SeriesSpec]:
    """The series of a measure; one series called 'main' when it defines none."""
    base = measure.baseline.value if measure.baseline else None
    if not measure.series:
        return [SeriesSpec(MAIN_SERIES, None, measure.unit, measure.good, measure.noun,
                           measure.noun_singular, base,
                           _decimals(measure.unit, None, measure.decimals), measure.per)]
    return [
        SeriesSpec(sid, s.label, s.unit or measure.unit, s.good or measure.good,
                   s.noun if s.noun is not None else measure.noun,
                   _singular(s.noun, s.noun_singular, measure.noun_singular),
                   s.baseline.value if s.baseline else None,
                   _decimals(s.unit or measure.unit, s.decimals, measure.decimals),
                   s.per if s.per is not None or s.unit not in (None, measure.unit)
                   else measure.per)
        for sid, s in measure.series.items()
    ]


def _decimals(unit: str, own: int | None, measures: int | None) -> int:
    """A series' decimal places: its own setting, the measure's, or its unit's default."""
    if own is not None:
        return own
    return measures if measures is not None else DEFAULT_DECIMALS[unit]


def _singular(noun: str | None, own: str | None, measures: str | None) -> str | None:
    """A series' singular noun: its own, or the measure's when it keeps the measure's noun."""
    if own is not None:
        return own
    return measures if noun is None else None


def kind_of(entry: MeasureEntry) -> str:
    """The period kind a measure's entries are: Q (quarterly) or M (monthly)."""
    return "M" if entry.measure.frequency == "monthly" else "Q"


def _raw(entry: MeasureEntry, period: Period, series_id: str) -> Figures | None:
    quarter = entry.measure.quarters.get(period.id)
    return None if quarter is None else entry.figures(quarter)[series_id]


def _running_totals(entry: MeasureEntry, spec: SeriesSpec, year: FinancialYear,
                    field: str, ytd_field: str,
                    fallback: dict[int, tuple[Decimal | None, Decimal | None]] | None = None,
                    ) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """(figure, year-to-date) for each quarter (or month) of a year; each derived from the other
    if missing.

    A YTD the source gives wins over the sum of quarters: police figures are revised between
    quarters, so the given total is the truer one. Where a quarter gives neither, `fallback`
    (last year's own figures, for the 'previous' fields) fills in.
    """
    result: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    running: Decimal | None = Decimal(0)
    for period in year.periods(kind_of(entry)):
        number = period.number
        raw = _raw(entry, period, spec.id)
        value = getattr(raw, field) if raw else None
        given_ytd = getattr(raw, ytd_field) if raw else None
        if fallback is not None and value is None and given_ytd is None:
            value, given_ytd = fallback[number]
        if value is None and given_ytd is not None and running is not None:
            value = given_ytd - running
        running = given_ytd if given_ytd is not None else (
            running + value if running is not None and value is not None else None)
        result[number] = (value, running)
    return result


def _additive(entry: MeasureEntry, spec: SeriesSpec) -> bool:
    return spec.unit == "count" and entry.measure.additive


def history(entry: MeasureEntry, spec: SeriesSpec, year: FinancialYear,
            ) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """A year's own (quarter figure, year to date) for Q1-Q4, from the measure's quarters;
    the year to date only for counts that add up over the year."""
    if _additive(entry, spec):
        return _running_totals(entry, spec, year, "value", "ytd")
    values: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for period in year.periods(kind_of(entry)):
        raw = _raw(entry, period, spec.id)
        values[period.number] = (raw.value if raw else None, None)
    return values


def last_year(entry: MeasureEntry, spec: SeriesSpec, year: FinancialYear,
              ) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """The same quarters a year earlier: typed (previous, ytd_previous) where given, else
    the measure's own figures of the year before, so 'previous' need not be typed twice."""
    before = history(entry, spec, FinancialYear(year.start - 1))
    if _additive(entry, spec):
        return _running_totals(entry, spec, year, "previous", "ytd_previous", before)
    values: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for period in year.periods(kind_of(entry)):
        raw = _raw(entry, period, spec.id)
        typed = raw.previous if raw else None
        values[period.number] = (typed if typed is not None else before[period.number][0], None)
    return values


def revisions(entry: MeasureEntry, spec: SeriesSpec, period: Period) -> list[Revision]:
    """Typed figures of one quarter that revise the measure's own data: last year's figures
    that differ from last year's quarters, and a year to date that is not the previous year
    to date plus the quarter."""
    raw = _raw(entry, period, spec.id)
    if raw is None:
        return []
    found = []
    before = history(entry, spec, FinancialYear(period.year.start - 1))[period.number]
    earlier = period.year.start - 1
    where = f"{FinancialYear(earlier).period(period.kind, period.number).id} in this file"
    for field, known in (("previous", before[0]), ("ytd_previous", before[1])):
        typed = getattr(raw, field)
        if typed is not None and known is not None and typed != known:
            found.append(Revision(period, spec.id, field, typed, known, where, raw.revised))
    if _additive(entry, spec) and raw.ytd is not None and raw.value is not None:
        prior = Decimal(0) if period.number == 1 else _running_totals(
            entry, spec, period.year, "value", "ytd")[period.number - 1][1]
        if prior is not None and prior + raw.value != raw.ytd:
            found.append(Revision(period, spec.id, "ytd", raw.ytd, prior + raw.value,
                                  "the previous year to date plus the quarter", raw.revised))
    return found


def compute_series(entry: MeasureEntry, spec: SeriesSpec, period: Period) -> SeriesFigures:
    """Every figure of one series in one quarter."""
    raw = _raw(entry, period, spec.id) or Figures()
    value = raw.value
    previous, ytd_previous = last_year(entry, spec, period.year)[period.number]
    ytd = None
    additive = _additive(entry, spec)
    if additive:
        value, ytd = _running_totals(entry, spec, period.year, "value", "ytd")[period.number]
    else:
        ytd_previous = None
    baseline = raw.baseline if raw.baseline is not None else spec.baseline
    show_ytd = additive and period.number > 1 and ytd is not None
    found = tuple(r for r in revisions(entry, spec, period) if show_ytd or r.field == "previous")
    return SeriesFigures(
        spec=spec,
        period=period,
        value=value,
        value_derived=raw.value is None and value is not None,
        previous=previous,
        change=Change.between(value, previous) if value is not None and previous is not None
        else None,
        ytd=ytd if show_ytd else None,
        ytd_previous=ytd_previous if show_ytd else None,
        ytd_change=Change.between(ytd, ytd_previous)
        if show_ytd and ytd is not None and ytd_previous is not None else None,
        baseline=baseline,
        baseline_change=Change.between(value, baseline)
        if value is not None and baseline is not None
        and spec.unit in ("percentage", "signed-percentage") else None,
        out_of=raw.out_of,
        missing=raw.missing,
        covering=raw.covering,
        additive=additive,
        revised=raw.revised,
        revisions=found,
    )


def year_figure(entry: MeasureEntry, spec: SeriesSpec, year: FinancialYear,
                upto: Period) -> Decimal | None:
    """The year's result as known at `upto`: stated, or Q4's year to date (additive counts),
    or Q4's figure; None while the year is still in progress at `upto`."""
    stated = entry.measure.years.get(year.id)
    if stated and stated.result is not None:
        return stated.result
    if year > upto.year or (year == upto.year and not upto.is_year_end):
        return None
    return quarters_total(entry, spec, year)


def quarters_total(entry: MeasureEntry, spec: SeriesSpec, year: FinancialYear) -> Decimal | None:
    """A year's figure from its quarters (or months): the last one's year to date (additive
    counts) or the last one's figure."""
    kind = kind_of(entry)
    last = year.period(kind, PER_YEAR[kind])
    if last.id not in entry.measure.quarters:
        return None
    if spec.unit == "count" and entry.measure.additive:
        return _running_totals(entry, spec, year, "value", "ytd")[last.number][1]
    raw = _raw(entry, last, spec.id)
    return raw.value if raw else None
