"""Standard sentences: figures formatted into small Jinja text templates a project can override."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from .compute.figures import SeriesFigures, SeriesSpec
from .compute.measures import ComputedQuarter, YearResult
from .compute.numbers import Change, ordinal, percent, plain, round1, share, signed
from .model.measure import Missing
from .templating import template_problem, text_environment

_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;)])")

MISSING_WORDS = {
    "not-available": "Not available",
    "to-follow": "To follow",
    "not-collected": "Not collected",
    "no-update": "No update provided",
}


def _number(value: Decimal | None, unit: str) -> str | None:
    if value is None:
        return None
    return share(value) if unit == "percentage" else plain(value)


def _noun(spec: SeriesSpec, amount: Decimal | None) -> str:
    if amount is not None and abs(amount) == 1 and spec.noun_singular:
        return spec.noun_singular
    return spec.noun


def _change(change: Change | None, spec: SeriesSpec) -> dict[str, Any] | None:
    if change is None:
        return None
    shown = round1(change.absolute)  # the word follows the figure as printed
    word = "Increase" if shown > 0 else "Reduction" if shown < 0 else "No change"
    points = round1(change.absolute)
    return {
        "word": word,
        "amount": plain(abs(change.absolute)),
        "signed": signed(change.absolute),
        "noun": _noun(spec, change.absolute),
        "percent": percent(change.percent) if change.percent is not None
        else "no % change from zero",
        "points": f"{'+' if points > 0 else ''}{points} points",
    }


def figure_context(figures: SeriesFigures) -> dict[str, Any]:
    """Everything a sentence template may print, already formatted."""
    spec = figures.spec
    unit = spec.unit
    rank_moved = None
    if unit == "rank" and figures.value is not None and figures.previous is not None:
        places = int(figures.previous - figures.value)
        if places:
            rank_moved = f"{'up' if places > 0 else 'down'} {abs(places)} " \
                         f"place{'s' if abs(places) != 1 else ''}"
    return {
        "label": spec.label or "",
        "noun": _noun(spec, figures.value),
        "ytd_noun": _noun(spec, figures.ytd),
        "value": _number(figures.value, unit),
        "value_derived": figures.value_derived,
        "previous": _number(figures.previous, unit),
        "change": _change(figures.change, spec),
        "ytd": _number(figures.ytd, unit),
        "ytd_previous": _number(figures.ytd_previous, unit),
        "ytd_change": _change(figures.ytd_change, spec),
        "baseline": _number(figures.baseline, unit),
        "baseline_change": _change(figures.baseline_change, spec),
        "rank": ordinal(figures.value) if unit == "rank" and figures.value is not None else None,
        "previous_rank": ordinal(figures.previous)
        if unit == "rank" and figures.previous is not None else None,
        "rank_moved": rank_moved,
        "out_of": plain(figures.out_of) if figures.out_of is not None else None,
    }


class Sentences:
    """Renders the standard sentences of one project (its overrides, else the defaults)."""

    def __init__(self, project_root: Path) -> None:
        self.env = text_environment(project_root)

    def _render(self, name: str, **context: Any) -> str:
        try:
            text = self.env.get_template(f"sentences/{name}.txt").render(**context)
        except jinja2.TemplateError as err:
            raise template_problem(err) from None
        return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))

    def wording(self, name: str, **context: Any) -> str:
        """A piece of the pack's wording (headings, intros, key, summary) from its template."""
        return self._render(name, **context)

    def missing(self, missing: Missing) -> str:
        return self._render("missing", state=MISSING_WORDS[missing.state], reason=missing.reason)

    def figures(self, figures: SeriesFigures) -> str:
        """One series' sentence, led by its label when the measure has several."""
        prefix = f"{figures.spec.label}: " if figures.spec.label else ""
        if figures.covering:
            prefix += f"{figures.covering}: "
        if figures.missing:
            return prefix + self.missing(figures.missing)
        if figures.spec.unit == "text" or not figures.has_figures:
            return ""
        context = figure_context(figures)
        if figures.value is None:  # only a year to date was given and none could be derived
            context["value"] = context["ytd"]
            context["previous"] = context["ytd_previous"]
            context["change"] = context["ytd_change"]
            context["ytd"] = None
            return prefix + "Year to date: " + self._render(figures.spec.unit, **context)
        return prefix + self._render(figures.spec.unit, **context)

    def year(self, result: YearResult, spec: SeriesSpec) -> str:
        return self._render(
            "year", year=result.year.label, description=result.description,
            target=_number(result.target, spec.unit), result=_number(result.result, spec.unit),
            achieved=result.achieved, noun=_noun(spec, result.result))

    def target(self, value: Decimal | None, description: str | None, spec: SeriesSpec,
               year: str, lead: bool) -> str:
        """A year's target with its explanation: "19 (25% reduction on 25 repeat incidents)"."""
        return self._render("target", value=_number(value, spec.unit), description=description,
                            noun=_noun(spec, value), year=year, lead=lead)

    def bare(self, figures: SeriesFigures, name: str) -> str:
        """One figure alone, as a number column prints it: value, previous or change."""
        if figures.missing:
            return self.missing(figures.missing)
        return self._render("bare", figure=name, covering=figures.covering,
                            unit=figures.spec.unit, **figure_context(figures))

    def year_to_date(self, quarter: ComputedQuarter) -> list[str]:
        """Each series' year to date at the quarter, for a year-to-date column."""
        lines = []
        for figures in quarter.series:
            context = figure_context(figures)
            if figures.additive and figures.period.number == 1:  # Q1 is the year so far
                context.update(ytd=context["value"], ytd_previous=context["previous"],
                               ytd_change=context["change"], ytd_noun=context["noun"])
            line = self._render("ytd", **context, additive=figures.additive)
            if line:
                lines.append(f"{figures.spec.label}: {line}" if figures.spec.label else line)
        return lines

    def baseline(self, value: Decimal | None, description: str | None, spec: SeriesSpec) -> str:
        return self._render("baseline", value=_number(value, spec.unit),
                            description=description, noun=_noun(spec, value))
