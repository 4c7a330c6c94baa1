"""A series' recent history for a trend chart: its figure in each of the last N periods the
data holds (across financial years), and what each period is measured against.

Each period's figure is the period's own (a quarter's, not the year to date), from the
measure's entry for that period, else from the same period's `previous` typed a year later.
The comparator of an additive count is the year's target (else baseline) shared pro rata over
the periods, so a quarter's figure is drawn against a quarter's share; any other unit is drawn
against the year's target (else baseline) as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model.periods import FinancialYear, Period
from ..model.project import MeasureEntry
from .figures import SeriesSpec, history, last_year

DEFAULT_PERIODS = 8


@dataclass(frozen=True)
class TrendPoint:
    """One period of a trend: its figure (None when the data holds none) and its comparator."""

    period: Period
    value: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class Trend:
    """The last periods of one series up to the pack's period, oldest first."""

    spec: SeriesSpec
    points: tuple[TrendPoint, ...]
    against: str | None  # target | pro-rata target | baseline | pro-rata baseline

    @property
    def current(self) -> TrendPoint:
        return self.points[-1]

    @property
    def values(self) -> list[Decimal]:
        return [p.value for p in self.points if p.value is not None]


def _additive(entry: MeasureEntry, spec: SeriesSpec) -> bool:
    return spec.unit == "count" and entry.measure.additive


def _comparator(entry: MeasureEntry, spec: SeriesSpec, period: Period
                ) -> tuple[Decimal | None, str | None]:
    """The figure a period is drawn against, and what it is."""
    year = entry.measure.years.get(period.year.id)
    single = spec.label is None
    value, what = (year.target, "target") if single and year and year.target is not None \
        else (spec.baseline, "baseline") if spec.baseline is not None else (None, None)
    if value is None:
        return None, None
    if _additive(entry, spec):
        return value / period.per_year, f"pro-rata {what}"
    return value, what


def trend(entry: MeasureEntry, spec: SeriesSpec, period: Period,
          count: int = DEFAULT_PERIODS) -> Trend:
    """The last `count` periods of a series up to `period` (of the measure's own kind), less
    any leading periods the data holds nothing for."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    own: dict[int, dict[int, tuple[Decimal | None, Decimal | None]]] = {}
    typed: dict[int, dict[int, tuple[Decimal | None, Decimal | None]]] = {}
    points = []
    whats: list[str] = []
    for p in periods:
        if p.year_start not in own:
            own[p.year_start] = history(entry, spec, p.year)
        value = own[p.year_start][p.number][0]
        if value is None:
            following = FinancialYear(p.year_start + 1)
            if following.start not in typed:
                typed[following.start] = last_year(entry, spec, following)
            value = typed[following.start][p.number][0]
        target, what = _comparator(entry, spec, p)
        if what and what not in whats:
            whats.append(what)
        points.append(TrendPoint(p, value, target))
    while len(points) > 1 and points[0].value is None:
        points.pop(0)
    return Trend(spec, tuple(points), " / ".join(whats) or None)
