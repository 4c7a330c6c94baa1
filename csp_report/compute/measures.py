"""Compute stage: a pack's measures for a period, with figures, yearly results, RAG and travel."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model.columns import ChosenQuarters, LastPeriods, Periods, pack_periods
from ..model.measure import Missing
from ..model.periods import FinancialYear, Period
from ..model.project import MeasureEntry, Project
from ..model.report import Pack, Section
from ..model.status import Outcome, RagRules, Scheme
from .figures import SeriesFigures, SeriesSpec, compute_series, series_specs, year_figure
from .rag import AppliedRule, Rag, Travel, judge, shortfall, travel, worst

# A RAG outcome as the rule's outcome a scheme maps to its own words.
OUTCOME: dict[str, Outcome] = {"green": "met", "amber": "near", "red": "missed",
                               "grey": "unrated"}
GIVEN_TRAVEL = {"better": Travel("Better", "\u2191"), "worse": Travel("Worse", "\u2193"),
                "no-change": Travel("No change", "\u2192"), "up": Travel("Up", "\u2191"),
                "down": Travel("Down", "\u2193")}


@dataclass(frozen=True)
class ComputedQuarter:
    """One quarter of a measure as the pack shows it."""

    period: Period
    series: list[SeriesFigures]
    commentary: str
    missing: Missing | None
    reported: bool  # False when the measure has no entry at all for this quarter
    annual: bool = False  # the measure reports once a year (its result, under years:)
    started: bool = True  # False for a period before the measure's first ('start:')


@dataclass(frozen=True)
class YearResult:
    """A year's result against its target: "2016/17 - NOT ACHIEVED - 1,628 offences"."""

    year: FinancialYear
    target: Decimal | None
    result: Decimal | None
    achieved: bool | None
    description: str | None
    revised: str | None = None  # why a stated result differs from the quarters
    ended: bool = False  # the year is over at the pack's period (no result is then missing)


@dataclass(frozen=True)
class Rating:
    """A measure's status in its pack's scheme: computed by the rules, given in the data, or
    a computed one overridden by hand (with the reason)."""

    status: str  # a status id of the pack's scheme
    basis: str
    how: str  # computed | given | override
    rule: AppliedRule | None = None


@dataclass(frozen=True)
class ComputedMeasure:
    """A measure with everything a reader sees derived."""

    entry: MeasureEntry
    specs: list[SeriesSpec]
    quarters: list[ComputedQuarter]  # the periods the pack shows up to its own, then its own
    years: list[YearResult]
    rag: Rag
    rating: Rating | None  # None when the pack has no status scheme
    travel: Travel | None
    travel_given: bool = False

    @property
    def current(self) -> ComputedQuarter:
        return self.quarters[-1]

    def quarter(self, period: Period) -> ComputedQuarter | None:
        return next((q for q in self.quarters if q.period == period), None)


@dataclass(frozen=True)
class ComputedPack:
    """A pack for one period, ready for layout."""

    project: Project
    pack_id: str
    pack: Pack
    period: Period
    measures: list[ComputedMeasure]
    shown: list[Period]  # the periods that get a column, in order (later ones are empty)
    scheme: Scheme | None

    def sections(self) -> list[tuple[str, Section]]:
        """The pack's sections that have measures, in order; an empty one is left out of
        every table and count, in every format."""
        used = {m.entry.measure.section for m in self.measures}
        return [(sid, s) for sid, s in self.pack.sections.items() if sid in used]

    def in_section(self, section_id: str) -> list[ComputedMeasure]:
        return [m for m in self.measures if m.entry.measure.section == section_id]


def compute_quarter(entry: MeasureEntry, specs: list[SeriesSpec],
                    period: Period) -> ComputedQuarter:
    quarter = entry.measure.quarters.get(period.id)
    return ComputedQuarter(
        period=period,
        series=[compute_series(entry, spec, period) for spec in specs],
        commentary=quarter.commentary if quarter else "",
        missing=quarter.missing if quarter else None,
        reported=quarter is not None,
        annual=entry.measure.frequency == "annual",
        started=entry.measure.start is None or Period.parse(entry.measure.start) <= period,
    )


def year_results(entry: MeasureEntry, spec: SeriesSpec, upto: Period) -> list[YearResult]:
    """Each year of the measure's history up to the pack's year, judged against its target;
    the pack's own year has no result until its fourth quarter."""
    results = []
    for year_id, year in sorted(entry.measure.years.items()):
        fy = FinancialYear.parse(year_id)
        if fy > upto.year:
            continue
        target = year.target if year.target is not None else spec.baseline
        result = year_figure(entry, spec, fy, upto)
        achieved = None
        if target is not None and result is not None and spec.good != "monitor":
            gap = shortfall(result, target, spec.good)
            achieved = gap is not None and gap <= 0
        ended = fy < upto.year or (fy == upto.year and upto.is_year_end)
        results.append(YearResult(fy, target, result, achieved, year.description, year.revised,
                                  ended))
    return results


def _comparator(entry: MeasureEntry, figures: SeriesFigures, single: bool,
                rules: RagRules) -> tuple[Decimal, str] | None:
    """What a series is judged against: the year's target, its baseline, or last year."""
    period = figures.period
    year = entry.measure.years.get(period.year.id)
    additive = figures.spec.unit == "count" and entry.measure.additive
    annual = year.target if single and year and year.target is not None else None
    what = "target"
    if annual is None and figures.baseline is not None and rules.baseline:
        annual, what = figures.baseline, "baseline"
    if annual is not None:
        if additive and not period.is_year_end and rules.pro_rata:
            return annual * period.number / period.per_year, f"pro-rata {what}"
        return annual, what
    if rules.no_target == "last-year":
        last = figures.ytd_previous if figures.ytd is not None else figures.previous
        if last is not None:
            return last, "last year"
    return None


def series_rag(entry: MeasureEntry, figures: SeriesFigures, single: bool,
               rules: RagRules) -> Rag:
    """RAG of one series in the pack's period."""
    if figures.missing:
        return Rag("grey", f"no data: {figures.missing.reason}")
    if figures.spec.good == "monitor" or figures.spec.unit == "text":
        return Rag("grey", "monitor only")
    additive = figures.spec.unit == "count" and entry.measure.additive
    if additive and figures.period.number > 1 and figures.ytd is None:
        # Judging one quarter against a year-to-date target would flatter a bad year.
        return Rag("grey", "year to date unknown: an earlier quarter has no figure")
    actual = figures.ytd if figures.ytd is not None else figures.value
    if actual is None:
        return Rag("grey", "no figure")
    last_year = figures.ytd_previous if figures.ytd is not None else figures.previous
    rule = entry.measure.rag_rule or rules.rule
    if rule == "change":
        comparator = (last_year, "last year") if last_year is not None else None
    else:
        comparator = _comparator(entry, figures, single, rules)
    if comparator is None:
        return Rag("grey", "nothing to compare with")
    tolerance = entry.measure.tolerance if entry.measure.tolerance is not None else rules.tolerance
    rag = judge(actual, comparator[0], figures.spec.good, rule, tolerance, last_year,
                comparator[1])
    return Rag(rag.status, rag.basis, rule=AppliedRule(rule, tolerance, comparator[1]))


def measure_rag(entry: MeasureEntry, current: ComputedQuarter, rules: RagRules) -> Rag:
    """The measure's RAG: one set by hand for the quarter, Grey for missing data, else its
    worst series."""
    quarter = entry.measure.quarters.get(current.period.id)
    if quarter and quarter.rag:
        return Rag(quarter.rag.status, f"set manually: {quarter.rag.reason}", overridden=True)
    if current.annual:
        return annual_rag(entry, current.period, rules)
    if not current.reported:
        return Rag("grey", f"no return for {current.period.id}")
    if current.missing:
        return Rag("grey", f"no data: {current.missing.reason}")
    single = len(current.series) == 1
    rags = [series_rag(entry, figures, single, rules) for figures in current.series]
    judged = [rag for rag in rags if rag.status != "grey"]
    return worst(judged) if judged else rags[0]


def annual_rag(entry: MeasureEntry, period: Period, rules: RagRules) -> Rag:
    """An annual measure is rated on its year's result against the year's target, once the
    pack reaches the year end; until then it is unrated."""
    year = entry.measure.years.get(period.year.id)
    spec = series_specs(entry.measure)[0]
    if not period.is_year_end or year is None or year.result is None:
        return Rag("grey", "reported annually")
    if spec.good == "monitor" or year.target is None:
        return Rag("grey", "monitor only" if spec.good == "monitor" else "no target")
    rule = entry.measure.rag_rule or rules.rule
    if rule == "change":
        rule = "tolerance"  # a year result is judged against its target
    tolerance = entry.measure.tolerance if entry.measure.tolerance is not None else rules.tolerance
    last = entry.measure.years.get(FinancialYear(period.year.start - 1).id)
    rag = judge(year.result, year.target, spec.good, rule, tolerance,
                last.result if last else None, "target")
    return Rag(rag.status, rag.basis, rule=AppliedRule(rule, tolerance, "target"))


def measure_travel(entry: MeasureEntry, current: ComputedQuarter, rules: RagRules) -> Travel | None:
    """Direction of travel: as the data owner gives it, else computed for a single-series
    measure; None when there is nothing to compare."""
    quarter = entry.measure.quarters.get(current.period.id)
    if quarter is not None and quarter.travel is not None:
        return GIVEN_TRAVEL[quarter.travel]
    return figures_travel(entry, current, rules)


def figures_travel(entry: MeasureEntry, current: ComputedQuarter,
                   rules: RagRules) -> Travel | None:
    """The direction of travel the figures show, for a single-series measure; None when
    there is nothing to compare."""
    if len(current.series) != 1:
        return None
    figures = current.series[0]
    if figures.value is None or figures.spec.unit == "text":
        return None
    if rules.travel == "previous-quarter":
        before = compute_series(entry, figures.spec, current.period.previous()).value
    else:
        before = figures.previous
    if before is None:
        return None
    return travel(figures.value, before, figures.spec.good)


def measure_rating(entry: MeasureEntry, current: ComputedQuarter, rag: Rag,
                   scheme: Scheme | None) -> Rating | None:
    """The measure's status in the pack's scheme."""
    if scheme is None:
        return None
    quarter = entry.measure.quarters.get(current.period.id)
    unrated = scheme.computed["unrated"] if scheme.computed else None
    if entry.measure.rated == "given" or scheme.computed is None:
        if quarter is not None and quarter.status is not None:
            return Rating(quarter.status, "as given by the data owner", "given")
        reason = (f"no return for {current.period.id}" if quarter is None
                  else "no status given for the period")
        return Rating(unrated, reason, "given") if unrated else Rating("", reason, "given")
    if quarter is not None and quarter.rag is not None:
        return Rating(quarter.rag.status, f"set manually: {quarter.rag.reason}", "override")
    return Rating(scheme.computed[OUTCOME[rag.status]], rag.basis, "computed", rag.rule)


def compute_measure(entry: MeasureEntry, periods: list[Period], rules: RagRules,
                    scheme: Scheme | None) -> ComputedMeasure:
    """`periods` are the ones computed, oldest first, ending with the pack's own."""
    specs = series_specs(entry.measure)
    quarters = [compute_quarter(entry, specs, period) for period in periods]
    current = quarters[-1]
    rag = measure_rag(entry, current, rules)
    quarter = entry.measure.quarters.get(current.period.id)
    return ComputedMeasure(
        entry=entry,
        specs=specs,
        quarters=quarters,
        years=year_results(entry, specs[0], current.period) if len(specs) == 1 else [],
        rag=rag,
        rating=measure_rating(entry, current, rag, scheme),
        travel=measure_travel(entry, current, rules),
        travel_given=quarter is not None and quarter.travel is not None,
    )


def shown_periods(choice: Periods, period: Period) -> list[Period]:
    """The periods a pack gives a column to, oldest first, for a pack built at `period`."""
    if isinstance(choice, LastPeriods):
        shown = [period]
        while len(shown) < choice.last:
            shown.insert(0, shown[0].previous())
        return shown
    if isinstance(choice, ChosenQuarters):
        return [period.year.quarter(n) for n in choice.quarters]
    if choice == "year":
        return period.year.periods(period.kind)
    if choice == "year-so-far":
        return period.year.periods(period.kind)[:period.number]
    return [period]


def compute(project: Project, pack_id: str, period: Period) -> ComputedPack:
    """Compute a pack for a period: every shown period up to it, then the period itself."""
    pack = project.pack(pack_id)
    shown = shown_periods(pack_periods(pack), period)
    computed = [p for p in shown if p < period] + [period]
    rules = project.report.rag
    scheme = project.scheme(pack_id)
    measures = [compute_measure(entry, computed, rules, scheme)
                for entry in project.measures[pack_id]]
    return ComputedPack(project, pack_id, pack, period, measures, shown, scheme)
