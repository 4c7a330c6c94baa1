"""Trend charts decided once for every format: which figures a chart draws, its value axis,
its comparator line, the current point's status as a shape and a word, and its text
alternative. The renderers only draw a Chart (render/chart.py)."""

from __future__ import annotations

import math
from decimal import Decimal

from ..compute.measures import ComputedMeasure
from ..compute.numbers import FIXED_UNITS, plain, share
from ..compute.trend import Trend, trend
from ..model.periods import Period
from ..model.status import Scheme
from ..sentences import Sentences
from .document import Chart, ChartPoint

# The current point's shape by the outcome its status stands for: never colour alone.
SHAPES = {"met": "circle", "near": "triangle", "missed": "diamond", "unrated": "square"}
GIVEN_SHAPES = ("circle", "triangle", "diamond", "square")
NO_STATUS_FILL = "#404040"
_MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def short_label(period: Period) -> str:
    """A period as an axis labels it: Q1 16/17; a month: Apr 16."""
    if period.kind == "M":
        year, _ = period.first_month
        return f"{_MONTHS[period.number - 1]} {year % 100:02d}"
    return f"Q{period.number} {period.year_start % 100:02d}/{(period.year_start + 1) % 100:02d}"


def long_label(period: Period) -> str:
    """A period as the text alternative says it: Q1 2016/17; a month: April 2016."""
    if period.kind == "M":
        return period.range_label
    return f"Q{period.number} {period.year.label}"


def _text(value: Decimal, unit: str, places: int) -> str:
    return share(value, places) if unit in FIXED_UNITS else plain(value, places)


def _axis(values: list[Decimal], unit: str) -> tuple[Decimal, Decimal]:
    """A value axis from zero (or the lowest figure, when one is negative) to a round figure
    at or above the highest; percentages top out at 100 when the figures allow."""
    low = min([Decimal(0), *values])
    high = max(values) if values else Decimal(1)
    if high <= low:
        high = low + 1
    span = float(high - low)
    step = 10 ** math.floor(math.log10(span))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 5:
            step *= factor
            break
    top = Decimal(str(math.ceil(float(high) / step) * step))
    if unit in FIXED_UNITS and high <= 100 < top:
        top = Decimal(100)
    return low, top


def _marker(scheme: Scheme | None, measure: ComputedMeasure) -> tuple[str, str, str | None]:
    """The current point's shape, colour and status word."""
    rating = measure.rating
    if scheme is None or rating is None or rating.status not in scheme.statuses:
        return "circle", NO_STATUS_FILL, None
    status = scheme.statuses[rating.status]
    outcome = {sid: o for o, sid in (scheme.computed or {}).items()}.get(rating.status)
    if outcome is None:  # a scheme given by data owners: a shape per status, in order
        index = list(scheme.statuses).index(rating.status)
        shape = GIVEN_SHAPES[index % len(GIVEN_SHAPES)]
    else:
        shape = SHAPES[outcome]
    return shape, status.colour, status.word


def trend_chart(sentences: Sentences, scheme: Scheme | None, measure: ComputedMeasure,
                series: Trend, size: str) -> Chart:
    """One series' trend as a Chart."""
    spec = series.spec
    places = spec.decimals
    values = series.values + [p.target for p in series.points if p.target is not None]
    low, high = _axis(values, spec.unit)
    points = tuple(ChartPoint(
        short_label(p.period),
        float(p.value) if p.value is not None else None,
        _text(p.value, spec.unit, places) if p.value is not None else "no figure",
        float(p.target) if p.target is not None else None) for p in series.points)
    period_word = "month" if series.current.period.kind == "M" else "quarter"
    noun = spec.noun if spec.unit not in FIXED_UNITS else "per cent"
    unit = f"{noun} a {period_word}" if spec.unit == "count" else noun
    if spec.per:
        unit = f"{noun} per {spec.per}"
    title = measure.entry.measure.title + (f": {spec.label}" if spec.label else "")
    shape, fill, word = _marker(scheme, measure)
    current = series.current
    earlier = [p for p in series.points[:-1] if p.value is not None]
    before = earlier[-1] if earlier else None
    direction = None
    if before is not None and current.value is not None and before.value is not None:
        direction = ("up from" if current.value > before.value else "down from"
                     if current.value < before.value else "the same as")
    target = current.target
    against = series.against.split(" / ")[-1] if series.against else None
    alt = sentences.wording(
        "chart", title=title, unit=unit, first=long_label(series.points[0].period),
        last=long_label(current.period),
        points=[{"label": long_label(p.period), "text": pt.text}
                for p, pt in zip(series.points, points, strict=True)],
        latest=points[-1].text if current.value is not None else None,
        before=_text(before.value, spec.unit, places) if before and before.value is not None
        else None,
        before_label=long_label(before.period) if before else None, direction=direction,
        target=_text(target, spec.unit, places) if target is not None else None,
        against=against, pro_rata=bool(against and against.startswith("pro-rata")),
        period_word=period_word, status=word)
    return Chart(
        title=title, series=spec.label, points=points, unit=unit,
        against=against[0].upper() + against[1:] if against else None,
        status=word, marker=shape, fill=fill, low=float(low), high=float(high),
        low_text=_text(low, spec.unit, 0), high_text=_text(high, spec.unit, 0),
        alt=alt, size=size)


def measure_charts(sentences: Sentences, scheme: Scheme | None, measure: ComputedMeasure,
                   count: int, size: str) -> list[Chart]:
    """A chart per series of the measure that has figures to draw (none for an annual
    measure or a text series)."""
    if measure.current.annual:
        return []
    charts = []
    for spec in measure.specs:
        if spec.unit == "text":
            continue
        series = trend(measure.entry, spec, measure.current.period, count)
        if series.values:
            charts.append(trend_chart(sentences, scheme, measure, series, size))
    return charts
