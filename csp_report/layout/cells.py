"""The text of a measure's cells: generated sentences, commentary, missing data, history."""

from __future__ import annotations

from ..compute.measures import ComputedMeasure, ComputedQuarter
from ..sentences import Sentences
from .document import Text


def update_paragraphs(quarter: ComputedQuarter, sentences: Sentences) -> tuple[Text, ...]:
    """A quarter's cell: one sentence per series, then the commentary; or why it is missing."""
    if not quarter.reported:
        return (Text("No return received", "missing"),)
    if quarter.missing:
        return (Text(sentences.missing(quarter.missing), "missing"),)
    paragraphs = []
    for figures in quarter.series:
        text = sentences.figures(figures)
        if text:
            paragraphs.append(Text(text, "missing" if figures.missing else "figure"))
    if quarter.commentary:
        paragraphs.append(Text(quarter.commentary, "commentary"))
    return tuple(paragraphs) or (Text("No update provided", "missing"),)


def measure_paragraphs(measure: ComputedMeasure, sentences: Sentences,
                       history: bool) -> tuple[Text, ...]:
    """The measure's own cell: title, detail and, in the tracker, baseline and yearly results."""
    m = measure.entry.measure
    paragraphs = [Text(m.title, "title")]
    if m.detail:
        paragraphs.append(Text(m.detail, "detail"))
    if history:
        spec = measure.specs[0]
        if m.baseline:
            paragraphs.append(Text(sentences.baseline(m.baseline.value, m.baseline.description,
                                                      spec), "baseline"))
        for sid, series in (m.series or {}).items():
            if series.baseline:
                spec_of = next(s for s in measure.specs if s.id == sid)
                line = sentences.baseline(series.baseline.value, series.baseline.description,
                                          spec_of)
                paragraphs.append(Text(f"{series.label}: {line}", "baseline"))
        paragraphs += [Text(sentences.year(result, spec), "history") for result in measure.years]
    return tuple(paragraphs)


def rag_paragraphs(measure: ComputedMeasure) -> tuple[Text, ...]:
    """Under the RAG word: direction of travel and, for an override, that it was set by hand."""
    extra = []
    if measure.travel:
        extra.append(Text(f"{measure.travel.arrow} {measure.travel.label}", "travel"))
    if measure.rag.overridden:
        extra.append(Text(measure.rag.basis[0].upper() + measure.rag.basis[1:], "override"))
    return tuple(extra)
