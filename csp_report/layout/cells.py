"""The content of a measure's cells: generated sentences, commentary, missing data, history,
and its status."""

from __future__ import annotations

from collections.abc import Sequence

from ..compute.measures import ComputedMeasure, ComputedQuarter
from ..model.status import Scheme
from ..sentences import Sentences
from .document import Cell, Content, Text
from .text import rich_text


def update_paragraphs(quarter: ComputedQuarter, sentences: Sentences,
                      commentary: bool = True) -> tuple[Content, ...]:
    """A period's cell: one sentence per series, then the commentary (unless the table gives
    it a column of its own); or why it is missing."""
    if quarter.annual:
        return (Text(sentences.wording("pack-words", part="annual"), "missing"),)
    if not quarter.started:
        return (Text("", "future"),)  # before the measure was reported at all
    if not quarter.reported:
        return (Text(sentences.wording("pack-words", part="no-return"), "missing"),)
    if quarter.missing:
        return (Text(sentences.missing(quarter.missing), "missing"),)
    paragraphs: list[Content] = []
    for figures in quarter.series:
        text = sentences.figures(figures)
        if text:
            paragraphs.append(Text(text, "missing" if figures.missing else "figure"))
    if commentary and quarter.commentary:
        paragraphs += rich_text(quarter.commentary, "commentary")
    if not paragraphs and not commentary:
        return (Text("", "figure"),)  # the commentary has a column of its own
    return tuple(paragraphs) or (Text("No update provided", "missing"),)


def measure_paragraphs(measure: ComputedMeasure, sentences: Sentences,
                       parts: Sequence[str]) -> tuple[Content, ...]:
    """The measure's own cell: the parts the column shows, in order (title, detail,
    baseline, yearly results, this year's target)."""
    paragraphs: list[Content] = []
    for part in parts:
        paragraphs += _PARTS[part](measure, sentences)
    return tuple(paragraphs)


def _title(measure: ComputedMeasure, sentences: Sentences) -> list[Content]:
    return [Text(measure.entry.measure.title, "title")]


def _detail(measure: ComputedMeasure, sentences: Sentences) -> list[Content]:
    detail = measure.entry.measure.detail
    return list(rich_text(detail, "detail")) if detail else []


def _baseline(measure: ComputedMeasure, sentences: Sentences) -> list[Content]:
    m = measure.entry.measure
    spec = measure.specs[0]
    lines: list[Content] = []
    if m.baseline:
        lines.append(Text(sentences.baseline(m.baseline.value, m.baseline.description, spec),
                          "baseline"))
    for sid, series in (m.series or {}).items():
        if series.baseline:
            spec_of = next(s for s in measure.specs if s.id == sid)
            line = sentences.baseline(series.baseline.value, series.baseline.description,
                                      spec_of)
            lines.append(Text(f"{series.label}: {line}", "baseline"))
    return lines


def _years(measure: ComputedMeasure, sentences: Sentences) -> list[Content]:
    return [Text(sentences.year(result, measure.specs[0]), "history")
            for result in measure.years]


def target_paragraphs(measure: ComputedMeasure, sentences: Sentences,
                      lead: bool) -> list[Content]:
    """This year's target and its explanation; `lead` introduces it with its year."""
    year = measure.current.period.year
    stated = measure.entry.measure.years.get(year.id)
    if stated is None or (stated.target is None and not stated.description):
        return []
    return [Text(sentences.target(stated.target, stated.description, measure.specs[0],
                                  year.label, lead), "target")]


def _target(measure: ComputedMeasure, sentences: Sentences) -> list[Content]:
    return target_paragraphs(measure, sentences, lead=True)


_PARTS = {"title": _title, "detail": _detail, "baseline": _baseline, "years": _years,
          "target": _target}


def status_cell(scheme: Scheme | None, measure: ComputedMeasure, travel: bool) -> Cell:
    """The status word always, with its fill (never colour alone); under it the direction of
    travel (where the column asks for it) and, for a status set by hand, why."""
    rating = measure.rating
    if scheme is None or rating is None or rating.status not in scheme.statuses:
        return Cell((Text("", "rag"),))
    status = scheme.statuses[rating.status]
    extra: list[Content] = []
    if travel and measure.travel:
        extra.append(Text(f"{measure.travel.arrow} {measure.travel.label}", "travel"))
    if rating.how == "override":
        extra.append(Text(rating.basis[0].upper() + rating.basis[1:], "override"))
    # The text colour on the fill is the theme's to decide (layout/theme.py, paint).
    return Cell((Text(status.word, "rag"), *extra), classes=(f"status-{rating.status}",),
                fill=status.colour)
