"""Validate stage: raw documents to a typed Project, or every problem in every file at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import InvalidProject, Problem
from .loader import REPORT_FILE, Document, RawProject
from .messages import did_you_mean, problems_from
from .model.measure import Figures, Measure
from .model.periods import Period
from .model.project import MeasureEntry, Project, ref_key
from .model.report import Report

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
    for pack_id, doc in raw.measures:
        measure = _parse(Measure, doc, problems)
        if measure is None:
            continue
        problems.extend(_check_measure(measure, doc))
        if report is None:
            continue
        if pack_id not in report.packs:
            problems.append(Problem(doc.file, 1, "", f"folder '{pack_id}' is not a pack in "
                                    f"{REPORT_FILE}{did_you_mean(pack_id, report.packs)}"))
            continue
        problems.extend(_check_references(measure, doc, report, pack_id))
        measures[pack_id].append(MeasureEntry(pack_id, measure, doc))
    for pack_id, entries in measures.items():
        problems.extend(_duplicate_refs(entries))
        entries.sort(key=lambda e: (list(report.packs[pack_id].sections).index(e.measure.section)
                                    if e.measure.section in report.packs[pack_id].sections
                                    else 0, ref_key(e.measure.ref)))
    if problems:
        raise InvalidProject(problems)
    assert report is not None
    return Project(raw.root, report, measures)


def _check_references(measure: Measure, doc: Document, report: Report,
                      pack_id: str) -> list[Problem]:
    problems = []
    sections = report.packs[pack_id].sections
    if measure.section not in sections:
        problems.append(Problem(doc.file, doc.line_of(("section",)), "section",
                                f"'{measure.section}' is not a section of pack '{pack_id}'"
                                f"{did_you_mean(measure.section, sections)}"))
    if measure.owner is not None and measure.owner not in report.owners:
        problems.append(Problem(doc.file, doc.line_of(("owner",)), "owner",
                                f"'{measure.owner}' is not an owner in {REPORT_FILE}"
                                f"{did_you_mean(measure.owner, report.owners)}"))
    return problems


def _duplicate_refs(entries: list[MeasureEntry]) -> list[Problem]:
    seen: dict[str, MeasureEntry] = {}
    problems = []
    for entry in entries:
        first = seen.setdefault(entry.measure.ref, entry)
        if first is not entry:
            problems.append(Problem(entry.file, entry.document.line_of(("ref",)), "ref",
                                    f"'{entry.measure.ref}' is already used by {first.file}"))
    return problems


def _check_measure(measure: Measure, doc: Document) -> list[Problem]:
    """Rules that span fields of one measure file."""
    problems: list[Problem] = []

    def add(path: tuple[Any, ...], message: str) -> None:
        field = ".".join(str(p) for p in path)
        problems.append(Problem(doc.file, doc.line_of(path), field, message))

    keys = list(measure.quarters)
    for before, after in zip(keys, keys[1:], strict=False):
        if Period.parse(after) <= Period.parse(before):
            add(("quarters", after), f"periods must be in order: {after} is listed after {before}")
    if measure.unit == "percentage":
        _check_percentages(measure, add)
    for pid, quarter in measure.quarters.items():
        base = ("quarters", pid)
        has_own = any(getattr(quarter, f) is not None for f in _FIGURE_FIELDS) or quarter.missing
        if measure.series:
            if any(getattr(quarter, f) is not None for f in _FIGURE_FIELDS):
                add(base, "this measure has series: give the figures under 'figures', per series")
            for sid in quarter.figures or {}:
                if sid not in measure.series:
                    add(base + ("figures", sid),
                        f"'{sid}' is not a series of this measure{did_you_mean(sid, measure.series)}")
        elif quarter.figures is not None:
            add(base + ("figures",), "'figures' needs 'series' defined on the measure")
        if not (has_own or quarter.figures or quarter.commentary):
            add(base, "empty quarter: give figures, commentary or a missing state")
        if measure.unit == "text" and (has_own and not quarter.missing or quarter.figures):
            add(base, "a text measure has no figures: put the update in 'commentary'")
        for sid, figures in (quarter.figures or {"": quarter}).items():
            where = base + (("figures", sid) if sid else ())
            if measure.unit in ("count", "rank"):
                for name in ("value", "previous", "ytd", "ytd_previous"):
                    number = getattr(figures, name)
                    if number is not None and number < 0:
                        add(where + (name,), f"a {measure.unit} cannot be negative, got {number}")
            if measure.unit == "rank" and figures.out_of is not None and figures.value is not None \
                    and figures.value > figures.out_of:
                add(where + ("value",), f"rank {figures.value} is beyond out_of {figures.out_of}")
    return problems


def _check_percentages(measure: Measure, add: Any) -> None:
    def check(path: tuple[Any, ...], number: Decimal | None) -> None:
        if number is not None and not Decimal(0) <= number <= Decimal(100):
            add(path, f"a percentage must be between 0 and 100, got {number}")

    if measure.baseline:
        check(("baseline", "value"), measure.baseline.value)
    for sid, series in (measure.series or {}).items():
        if series.baseline:
            check(("series", sid, "baseline", "value"), series.baseline.value)
    for year_id, year in measure.years.items():
        check(("years", year_id, "target"), year.target)
        check(("years", year_id, "result"), year.result)
    for pid, quarter in measure.quarters.items():
        groups: dict[str, Figures] = quarter.figures or {"": quarter}
        for sid, figures in groups.items():
            where = ("quarters", pid) + (("figures", sid) if sid else ())
            for name in ("value", "previous", "ytd", "ytd_previous", "baseline"):
                check(where + (name,), getattr(figures, name))
