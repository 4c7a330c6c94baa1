"""Validate stage: raw documents to a typed Project, or every problem in every file at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .compute.figures import quarters_total, revisions, series_specs
from .compute.numbers import plain
from .errors import InvalidProject, Problem
from .loader import MEASURES_DIR, REPORT_FILE, Document, RawProject
from .messages import counted, did_you_mean, problems_from
from .model.measure import Figures, Measure, Quarter
from .model.periods import FinancialYear, Period
from .model.project import MeasureEntry, Project, ref_key
from .model.report import Report
from .model.types import printed_form
from .validate_layout import check_frequency, check_measure, check_ref_shown, check_report

_FIGURE_FIELDS = ("value", "previous", "ytd", "ytd_previous", "baseline", "out_of")


def _parse(model: type[BaseModel], doc: Document, problems: list[Problem]) -> Any:
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.file, 1, "", "expected a mapping of fields at the top level"))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        problems.extend(problems_from(err, model, doc))
        return None


def validate(raw: RawProject) -> Project:
    """Check everything; raise InvalidProject listing all problems, else return the Project."""
    problems = list(raw.problems)
    report = _parse(Report, raw.report, problems) if raw.report else None
    measures: dict[str, list[MeasureEntry]] = {}
    if report:
        measures = {pack_id: [] for pack_id in report.packs}
    if report is not None and raw.report is not None:
        problems.extend(check_report(report, raw.report))
    refs: dict[tuple[str, str], str] = {}
    unparsed: set[str] = set()
    for pack_id, doc in raw.measures:
        if report is not None:
            problems.extend(_check_references(doc, report, pack_id, refs))
        problems.extend(_check_period_order(doc))
        measure = _parse(Measure, doc, problems)
        if measure is None:
            unparsed.add(pack_id)
            continue
        if report is not None and pack_id in report.packs:
            pack = report.packs[pack_id]
            if measure.frequency is None:  # reported as often as its pack is built
                measure = measure.model_copy(update={"frequency": pack.frequency})
            kinds = check_frequency(measure, doc, pack, pack_id)
            problems.extend(kinds + check_measure(measure, doc, report, pack_id))
            if kinds:
                continue  # the figures cannot be read as a year of periods
        own = _check_measure(measure, doc)
        problems.extend(own or _check_history(MeasureEntry(pack_id, measure, doc)))
        if report is not None and pack_id in report.packs:
            measures[pack_id].append(MeasureEntry(pack_id, measure, doc))
    for pack_id, entries in measures.items():
        order = list(report.packs[pack_id].sections) if report else []
        entries.sort(key=lambda e: (order.index(e.measure.section)
                                    if e.measure.section in order else 0,
                                    ref_key(e.measure.ref or ""), e.file))
    if report is not None and not raw.measures and not problems:
        # One line for a project with no measures at all, rather than one for each pack.
        problems.append(Problem(MEASURES_DIR, 0, "", "no measure files: a pack's measures are "
                                f"{MEASURES_DIR}/PACK/NAME.yaml, one file per measure"))
    elif report is not None and raw.report is not None:
        problems.extend(_check_packs_have_data(report, raw.report, measures, unparsed))
    if problems:
        raise InvalidProject(problems)
    assert report is not None
    assert raw.report is not None
    sources = {doc.file: doc.sha for doc in (raw.report, *(d for _, d in raw.measures))}
    return Project(raw.root, report, measures, sources)


def _check_packs_have_data(report: Report, doc: Document,
                           measures: dict[str, list[MeasureEntry]],
                           unparsed: set[str]) -> list[Problem]:
    """What build would refuse: a pack with no measures, or none with a quarter to build."""
    problems = []
    for pack_id in report.packs:
        where = ("packs", pack_id)
        if not measures[pack_id] and pack_id not in unparsed:
            problems.append(Problem(doc.file, doc.line_of(where), f"packs.{pack_id}",
                                    f"pack '{pack_id}' has no measures: add one YAML file per "
                                    f"measure under data/measures/{pack_id}/"))
        elif pack_id not in unparsed and not any(e.measure.quarters
                                                 for e in measures[pack_id]):
            count = len(measures[pack_id])
            which = "its one measure has no quarter" if count == 1 else \
                f"none of its {counted(count, 'measure')} has a quarter"
            problems.append(Problem(doc.file, doc.line_of(where), f"packs.{pack_id}",
                                    f"pack '{pack_id}' has no data for any period: {which}, "
                                    "so there is nothing to build"))
    return problems


def _check_references(doc: Document, report: Report, pack_id: str,
                      refs: dict[tuple[str, str], str]) -> list[Problem]:
    """Pack folder, section, owner and ref uniqueness, read from the raw data so that they are
    reported even when the same file has other problems."""
    if pack_id not in report.packs:
        return [Problem(doc.file, 1, "", f"folder '{pack_id}' is not a pack in "
                        f"{REPORT_FILE}{did_you_mean(pack_id, report.packs)}")]
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = check_ref_shown(data, doc, report.packs[pack_id], pack_id)
    sections = report.packs[pack_id].sections
    section = data.get("section")
    if isinstance(section, str) and section not in sections:
        problems.append(Problem(doc.file, doc.line_of(("section",)), "section",
                                f"'{section}' is not a section of pack '{pack_id}'"
                                f"{did_you_mean(section, sections)}"))
    owner = data.get("owner")
    if isinstance(owner, str) and owner not in report.owners:
        problems.append(Problem(doc.file, doc.line_of(("owner",)), "owner",
                                f"'{owner}' is not an owner in {REPORT_FILE}"
                                f"{did_you_mean(owner, report.owners)}"))
    ref = data.get("ref")
    if isinstance(ref, str):
        printed = printed_form(ref)  # '1.1 ' and '1.1' are one ref twice
        first = refs.setdefault((pack_id, printed), doc.file)
        if first != doc.file:
            same = "" if printed == ref else f" (it prints as '{printed}')"
            problems.append(Problem(doc.file, doc.line_of(("ref",)), "ref",
                                    f"'{ref}'{same} is already used by {first}"))
    return problems


def _check_history(entry: MeasureEntry) -> list[Problem]:
    """A typed 'previous' or 'ytd_previous' that differs from the measure's own figures of
    last year is a revision: it needs the reason in 'revised:'."""
    problems = []
    specs = series_specs(entry.measure)
    for year_id, year in entry.measure.years.items():
        total = quarters_total(entry, specs[0], FinancialYear.parse(year_id))
        if year.result is not None and total is not None and total != year.result \
                and year.revised is None:
            where = ("years", year_id, "result")
            problems.append(Problem(
                entry.file, entry.document.line_of(where), ".".join(where),
                f"{plain(year.result)} differs from {plain(total)}, the year's total from its "
                "quarters in this file; if the source revised it, say why in 'revised:', else "
                "leave it out: it is taken from there"))
    for spec in specs:
        for pid in entry.measure.quarters:
            for revision in revisions(entry, spec, Period.parse(pid)):
                if revision.reason is not None or revision.field == "ytd":
                    continue  # a year to date is checked with the running totals
                path: tuple[str, ...] = ("quarters", pid) + (
                    ("figures", spec.id) if entry.measure.series else ()) + (revision.field,)
                problems.append(Problem(
                    entry.file, entry.document.line_of(path), ".".join(path),
                    f"{plain(revision.typed)} differs from {plain(revision.known)} at "
                    f"{revision.source}; if the source revised it, say why in 'revised:', "
                    "else leave it out: it is taken from there"))
    return problems


def _check_period_order(doc: Document) -> list[Problem]:
    """Quarters must be listed oldest first, so a file reads like the year it records."""
    quarters = doc.data.get("quarters") if isinstance(doc.data, dict) else None
    if not isinstance(quarters, dict):
        return []
    periods = []
    for key in quarters:
        try:
            periods.append((Period.parse(key), key))
        except ValueError:
            continue  # reported by the model
    return [Problem(doc.file, doc.line_of(("quarters", after)), f"quarters.{after}",
                    f"periods must be in order: {after} is listed after {before}")
            for (p1, before), (p2, after) in zip(periods, periods[1:], strict=False)
            if p2 <= p1 and p1.kind == p2.kind]  # mixed kinds are a problem of their own


def _check_measure(measure: Measure, doc: Document) -> list[Problem]:
    """Rules that span fields of one measure file."""
    problems: list[Problem] = []

    def add(path: tuple[Any, ...], message: str) -> None:
        field = ".".join(str(p) for p in path)
        problems.append(Problem(doc.file, doc.line_of(path), field, message))

    for path, unit, good in [((), measure.unit, measure.good)] + [
            (("series", sid), s.unit or measure.unit, s.good or measure.good)
            for sid, s in (measure.series or {}).items()]:
        if unit == "rank" and good == "higher":
            add(path + ("good",), "a rank is better when lower (1st is best): use good: lower "
                                  "or monitor")
    for path, unit, per in [((), measure.unit, measure.per)] + [
            (("series", sid), s.unit or measure.unit, s.per)
            for sid, s in (measure.series or {}).items()]:
        if per is not None and unit != "rate":
            add(path + ("per",), f"'per' is the denominator of a rate; this {unit} has none")
    if measure.series and measure.years:
        add(("years",), "yearly targets and results are for single-series measures; give each "
                        "series a baseline instead")
    units = {sid: s.unit or measure.unit for sid, s in (measure.series or {}).items()}
    for sid, series in (measure.series or {}).items():
        if series.baseline:
            _check_number(("series", sid, "baseline", "value"), series.baseline.value,
                          units[sid], add)
    if measure.baseline:
        _check_number(("baseline", "value"), measure.baseline.value, measure.unit, add)
    for year_id, year in measure.years.items():
        _check_number(("years", year_id, "target"), year.target, measure.unit, add)
        _check_number(("years", year_id, "result"), year.result, measure.unit, add)
    for sid in (list(measure.series) if measure.series else [""]):
        if (units.get(sid, measure.unit)) == "count" and measure.additive:
            _check_running_totals(measure, sid, add)
    for pid, quarter in measure.quarters.items():
        _check_quarter(measure, ("quarters", pid), quarter, add)
        groups: dict[str, Figures] = quarter.figures or {"": quarter}
        for sid, figures in groups.items():
            where = ("quarters", pid) + (("figures", sid) if sid else ())
            _check_figures(where, figures, units.get(sid, measure.unit), measure.additive, add)
    return problems


REVISE_HINT = "if the source revised its figures, say why in 'revised:'"


def _check_running_totals(measure: Measure, sid: str, add: Any) -> None:
    """A count that adds up over the year: each given year to date must be the previous
    quarter's (given, or the sum of its quarters) plus this quarter's figure, and can never
    fall. Checked for this year's figures and for last year's, unless the entry is 'revised'."""
    years: dict[str, dict[int, tuple[str, Figures]]] = {}
    for pid, quarter in measure.quarters.items():
        period = Period.parse(pid)
        figures = (quarter.figures or {}).get(sid) if sid else quarter
        if figures is not None:
            years.setdefault(period.year.id, {})[period.number] = (pid, figures)
    for quarters in years.values():
        for field, ytd_field, whose in (("value", "ytd", ""),
                                        ("previous", "ytd_previous", "last year's ")):
            known: Decimal | None = Decimal(0)
            known_at = ""
            for number in range(1, 13 if measure.frequency == "monthly" else 5):
                pid, figures = quarters.get(number, ("", Figures()))
                value, ytd = getattr(figures, field), getattr(figures, ytd_field)
                if ytd is not None and known is not None and figures.revised is None:
                    where = ("quarters", pid) + (("figures", sid) if sid else ()) + (ytd_field,)
                    _check_total(where, whose, value, ytd, known, known_at, add)
                if ytd is not None:
                    known, known_at = ytd, pid
                elif value is not None and known is not None:
                    known, known_at = known + value, f"{pid} (the sum of its quarters)"
                else:
                    known = None


def _check_total(where: tuple[Any, ...], whose: str, value: Decimal | None, ytd: Decimal,
                 known: Decimal, known_at: str, add: Any) -> None:
    if not known_at:  # the first quarter: the year to date is the quarter's figure
        if value is not None and value != ytd:
            add(where, f"{whose}year to date {plain(ytd)} is not the first quarter's figure "
                       f"{plain(value)} ({REVISE_HINT})")
    elif ytd < known:
        add(where, f"{whose}year to date {plain(ytd)} is lower than {plain(known)} at "
                   f"{known_at}; a count's year to date cannot fall ({REVISE_HINT})")
    elif value is not None and known + value != ytd:
        add(where, f"{whose}year to date {plain(ytd)} does not add up: {plain(known)} at "
                   f"{known_at} plus this quarter's {plain(value)} is {plain(known + value)} "
                   f"({REVISE_HINT})")


def _check_quarter(measure: Measure, base: tuple[Any, ...], quarter: Quarter, add: Any) -> None:
    """How a quarter's entry fits the measure: series, emptiness, text, missing."""
    own = any(getattr(quarter, f) is not None for f in _FIGURE_FIELDS)
    if measure.series:
        if own:
            add(base, "this measure has series: give the figures under 'figures', per series")
        for sid in quarter.figures or {}:
            if sid not in measure.series:
                hint = did_you_mean(sid, measure.series)
                add(base + ("figures", sid), f"'{sid}' is not a series of this measure{hint}")
    elif quarter.figures is not None:
        add(base + ("figures",), "'figures' needs 'series' defined on the measure")
    if quarter.missing and quarter.figures:
        add(base, "a quarter cannot be both missing and have figures; mark the missing "
                  "series instead")
    if not (own or quarter.missing or quarter.figures or quarter.commentary):
        add(base, "empty quarter: give figures, commentary or a missing state")
    if measure.unit == "text" and (own or quarter.figures):
        add(base, "a text measure has no figures: put the update in 'commentary'")


def _check_figures(where: tuple[Any, ...], figures: Figures, unit: str, additive: bool,
                   add: Any) -> None:
    """One series' figures against its own unit."""
    for name in ("value", "previous", "ytd", "ytd_previous", "baseline"):
        _check_number(where + (name,), getattr(figures, name), unit, add)
    if (figures.ytd is not None or figures.ytd_previous is not None) and not (
            unit == "count" and additive):
        add(where + ("ytd" if figures.ytd is not None else "ytd_previous",),
            "year-to-date figures are for counts that add up over the year")
    if unit == "rank" and figures.out_of is not None:
        out_of = figures.out_of
        if out_of < 1 or out_of != out_of.to_integral_value():
            add(where + ("out_of",), f"out_of is how many places there are, a whole number, "
                                     f"got {out_of}")
        for name in ("value", "previous"):
            rank = getattr(figures, name)
            if rank is not None and rank > out_of:
                add(where + (name,), f"rank {rank} is beyond out_of {out_of}")
    if figures.out_of is not None and unit != "rank":
        add(where + ("out_of",), f"out_of is for ranks (how many places there are), not for "
                                 f"a {unit}")


def _check_number(path: tuple[Any, ...], number: Decimal | None, unit: str, add: Any) -> None:
    """A figure within what its unit allows."""
    if number is None:
        return
    if unit == "percentage" and not Decimal(0) <= number <= Decimal(100):
        add(path, f"a percentage must be between 0 and 100, got {number}; for a change or a "
                  "distance that may be negative or over 100 use unit: signed-percentage")
    elif unit == "rank" and (number < 1 or number != number.to_integral_value()):
        add(path, f"a rank is a whole number, 1 for first, got {number}")
    elif unit in ("count", "rate") and number < 0:
        add(path, f"a {unit} cannot be negative, got {number}" + (
            "; for a change that may be negative use unit: signed-percentage"
            if unit == "rate" else ""))
