"""Standard sentences: figures formatted into small Jinja text templates a project can override."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from .compute.figures import SeriesFigures, SeriesSpec
from .compute.measures import ComputedQuarter, YearResult
from .compute.numbers import (
    FIXED_UNITS,
    Change,
    comparison_places,
    figure,
    figure_places,
    ordinal,
    percent,
    plain,
    rounded,
    share,
    signed,
)
from .model.measure import Missing
from .templating import TEMPLATE_FAULTS, render_bounded, template_problem, text_environment

_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;)])")

MISSING_WORDS = {
    "not-available": "Not available",
    "to-follow": "To follow",
    "not-collected": "Not collected",
    "no-update": "No update provided",
}


def _number(value: Decimal | None, spec: SeriesSpec, places: int | None = None) -> str | None:
    """A figure as printed: at the series' decimal places, or at `places` in a comparison;
    never as zero unless it is zero (0.04, not 0; 0.04%, not 0.0%)."""
    if value is None:
        return None
    shown = figure_places(value, spec.decimals if places is None else places)
    if spec.unit in FIXED_UNITS:
        text = share(value, shown)
        return f"+{text}" if spec.unit == "signed-percentage" and rounded(value, shown) > 0 \
            else text
    return plain(value, shown)


def _places(spec: SeriesFigures | SeriesSpec, *pairs: tuple[Decimal | None, Decimal | None]) -> int:
    """The places a sentence prints its figures at: enough for every comparison to follow
    from the printed figures (see numbers.comparison_places)."""
    own = spec.spec if isinstance(spec, SeriesFigures) else spec
    known = [(a, b) for a, b in pairs if a is not None and b is not None]
    return comparison_places(known, own.decimals)


def _noun(spec: SeriesSpec, amount: Decimal | None, places: int | None = None) -> str:
    """The noun for an amount as printed: '1 crime' (also for 1.04 printed as 1)."""
    if amount is not None and places is not None:
        amount = rounded(amount, places)
    if amount is not None and abs(amount) == 1 and spec.noun_singular:
        return spec.noun_singular
    return spec.noun


def _change(change: Change | None, spec: SeriesSpec, places: int) -> dict[str, Any] | None:
    """A change, printed at the same places as the figures it is the difference of."""
    if change is None:
        return None
    shown = rounded(change.absolute, places)  # the word follows the figure as printed
    word = "Increase" if shown > 0 else "Reduction" if shown < 0 else "No change"
    fixed = spec.unit in FIXED_UNITS
    return {
        "word": word,
        "amount": plain(abs(change.absolute), places),
        "signed": signed(change.absolute, places),
        "noun": _noun(spec, change.absolute, places),
        "percent": percent(change.percent) if change.percent is not None
        else "no % change from zero",
        "points": f"{signed(change.absolute, places, fixed)} points",
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
    base = figures.baseline if figures.baseline_change is not None else None
    here = _places(spec, (figures.value, figures.previous), (figures.value, base))
    ytd = _places(spec, (figures.ytd, figures.ytd_previous))
    marked = figures.revised_fields
    if figures.revised and not marked:  # revised, but nothing in the data shows which figure
        marked = ("ytd",) if figures.ytd is not None else ("value",)
    return {
        "r": {field: " [r]" if field in marked else ""
              for field in ("value", "previous", "ytd", "ytd_previous")},
        "revised": figures.revised,
        "label": spec.label or "",
        "noun": _noun(spec, figures.value, here),
        "ytd_noun": _noun(spec, figures.ytd, ytd),
        "per": spec.per,
        "value": _number(figures.value, spec, here),
        "value_derived": figures.value_derived,
        "previous": _number(figures.previous, spec, here),
        "change": _change(figures.change, spec, here),
        "ytd": _number(figures.ytd, spec, ytd),
        "ytd_previous": _number(figures.ytd_previous, spec, ytd),
        "ytd_change": _change(figures.ytd_change, spec, ytd),
        "baseline": _number(figures.baseline, spec, here),
        "baseline_change": _change(figures.baseline_change, spec, here),
        "rank": ordinal(figures.value) if unit == "rank" and figures.value is not None else None,
        "previous_rank": ordinal(figures.previous)
        if unit == "rank" and figures.previous is not None else None,
        "rank_moved": rank_moved,
        "out_of": figure(figures.out_of) if figures.out_of is not None else None,
    }


class Sentences:
    """Renders the standard sentences of one project (its overrides, else the defaults)."""

    def __init__(self, project_root: Path) -> None:
        self.env = text_environment(project_root)

    def _render(self, name: str, **context: Any) -> str:
        try:
            template = self.env.get_template(f"sentences/{name}.txt")
        except jinja2.TemplateError as err:
            raise template_problem(err) from None
        try:
            text = render_bounded(template, **context)
        except TEMPLATE_FAULTS as err:  # the template's own expressions: its problem, named
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
            context["r"] = {**context["r"], "value": context["r"]["ytd"],
                            "previous": context["r"]["ytd_previous"]}
            context["change"] = context["ytd_change"]
            context["ytd"] = None
            return prefix + "Year to date: " + self._render(figures.spec.unit, **context)
        return prefix + self._render(figures.spec.unit, **context)

    def revisions(self, figures: SeriesFigures) -> str:
        """The revised figures of one series in one quarter, with the reason."""
        spec = figures.spec
        shown = []
        for r in figures.revisions:
            places = _places(spec, (r.typed, r.known))
            shown.append({"field": r.field, "typed": _number(r.typed, spec, places),
                          "known": _number(r.known, spec, places)})
        return self._render("revision", label=spec.label or "", revisions=shown,
                            period=f"{figures.period.year.id} {figures.period.quarter_label}",
                            reason=figures.revised)

    def year(self, result: YearResult, spec: SeriesSpec) -> str:
        """A year's result; target and result at places that tell them apart, and the target's
        number printed even when the year has a description that does not state it."""
        places = _places(spec, (result.result, result.target))
        target = _number(result.target, spec, places)
        return self._render(
            "year", year=result.year.label, description=result.description,
            target=target, result=_number(result.result, spec, places),
            target_in_description=bool(target and result.description
                                       and target.rstrip("%") in result.description),
            achieved=result.achieved, noun=_noun(spec, result.result, places),
            revised=result.revised, target_noun=_noun(spec, result.target, places),
            ended=result.ended)

    def target(self, value: Decimal | None, description: str | None, spec: SeriesSpec,
               year: str, lead: bool) -> str:
        """A year's target with its explanation: "19 (25% reduction on 25 repeat incidents)"."""
        return self._render("target", value=_number(value, spec), description=description,
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
        return self._render("baseline", value=_number(value, spec),
                            description=description, noun=_noun(spec, value, spec.decimals))
