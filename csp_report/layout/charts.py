"""Trend charts decided once for every format: which figures a chart draws, its value axis,
its comparator line, the current point's status as a shape and a word, and its text
alternative. The renderers only draw a Chart (render/chart.py)."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

from ..compute.measures import ComputedMeasure, ComputedPack
from ..compute.numbers import FIXED_UNITS, comparison_places, figure_places, plain, share
from ..compute.trend import Trend, trend
from ..model.columns import ChartBlock
from ..model.periods import Period
from ..model.status import Scheme
from ..sentences import Sentences
from .common import cell, header
from .document import Cell, Chart, ChartPoint, Charts, Row, Table, Text

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
    """A point's figure as its label and the text alternative say it: never 0 unless it is
    zero (0.04 at the series' one place is 0.04)."""
    places = figure_places(value, places)
    return share(value, places) if unit in FIXED_UNITS else plain(value, places)


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts `span` into at most 5."""
    step = 10 ** math.floor(math.log10(span))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 5:
            return step * factor
    return step * 10


def _axis(values: list[Decimal], unit: str) -> tuple[Decimal, Decimal]:
    """The value axis: from zero when the figures come near it (or go below it, then from a
    round figure under the lowest), else from a round figure under the lowest, so a trend of
    figures far from zero is not drawn flat; up to a round figure at or above the highest.
    Percentages stay within 0 to 100 when the figures do."""
    if not values:
        return Decimal(0), Decimal(1)
    lowest, highest = float(min(values)), float(max(values))
    if highest <= lowest:
        highest = lowest + (abs(lowest) or 1)
    from_zero = 0 <= lowest <= highest * 0.4
    bottom = 0.0 if from_zero else lowest
    step = _nice_step(highest - bottom)
    low = 0.0 if from_zero else math.floor(lowest / step) * step
    if lowest - low < step / 4 and not from_zero:  # room under the lowest point
        low -= step
    high = math.ceil(highest / step) * step
    if high - highest < step / 4:
        high += step
    if unit in FIXED_UNITS:
        low, high = max(low, 0.0) if lowest >= 0 else low, min(high, 100.0) \
            if highest <= 100 else high
    return _decimal(low), _decimal(high)


def _decimal(number: float) -> Decimal:
    """A round axis figure as a Decimal without float noise or an exponent: 340, 0.5."""
    value = Decimal(f"{number:.10f}").normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _places_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


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
    # Places enough that two figures next to each other that differ never print the same
    # (99.96% then 99.95% printed "100.0%, down from 100.0%"): as in the sentences.
    known = [p.value for p in series.points if p.value is not None]
    places = comparison_places(zip(known[1:], known[:-1], strict=True), spec.decimals)
    values = series.values + [p.target for p in series.points if p.target is not None]
    low, high = _axis(values, spec.unit)
    points = tuple(ChartPoint(
        short_label(p.period),
        float(p.value) if p.value is not None else None,
        _text(p.value, spec.unit, places) if p.value is not None else "no figure",
        float(p.target) if p.target is not None else None,
        _text(p.target, spec.unit, places) if p.target is not None else "")
        for p in series.points)
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
        low_text=_text(low, spec.unit, _places_of(low)),
        high_text=_text(high, spec.unit, _places_of(high)),
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


def _periods_back(period: Period, count: int) -> list[Period]:
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def chart_block(computed: ComputedPack, sentences: Sentences, section_id: str,
                heading: str, measures: list[ComputedMeasure], options: ChartBlock
                ) -> Charts | None:
    """A section's chart block: a chart per measure series, and a table of the figures they
    draw (a row per chart, a column per period, the comparator and the status)."""
    charts: list[Chart] = []
    rows: list[Row] = []
    periods = _periods_back(computed.period, options.periods)
    for measure in measures:
        found = measure_charts(sentences, computed.scheme, measure, options.periods,
                               options.size)
        ref = measure.entry.measure.ref
        for chart in found:
            charts.append(replace(chart, title=f"{ref} {chart.title}" if ref else chart.title))
            by_label = {p.label: p.text for p in chart.points}
            target = chart.points[-1].target
            rows.append(Row((
                Cell((Text(charts[-1].title, "title"), Text(chart.unit, "detail")),
                     header=True, scope="row", classes=("row-header",)),
                *(cell(Text(by_label.get(short_label(p), ""), "figure")) for p in periods),
                cell(Text(f"{chart.against}: {_plain_target(chart)}" if target is not None
                          and chart.against else "", "figure")),
                cell(Text(chart.status or "", "figure")))))
    if not charts:
        return None
    from .tables import percentages  # tables.py draws on this module

    def say(part: str) -> str:
        return sentences.wording("chart-block", part=part, heading=heading,
                                 first=long_label(periods[0]), last=long_label(periods[-1]))

    headers = [say("measure"), *(short_label(p) for p in periods), say("against"),
               say("status")]
    shares = [30, *([6] * len(periods)), 14, 8]
    table = Table(
        id=f"table-trend-{section_id}", caption=say("table-caption"),
        description=say("table-description"), widths=percentages(shares),
        head=(Row(tuple(header(h) for h in headers), "header"),), body=tuple(rows),
        style="trend")
    return Charts(f"charts-{section_id}", say("caption"), tuple(charts), table)


def _plain_target(chart: Chart) -> str:
    """The current period's comparator as the text alternative prints it."""
    point = chart.points[-1]
    return point.target_text or ""
