"""The commentary lint: numbers in commentary that contradict the computed figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .compute.figures import SeriesFigures, series_specs
from .compute.measures import GIVEN_TRAVEL, compute_quarter, figures_travel
from .compute.numbers import comparison_places, plain, signed
from .compute.rag import DOWN, UP, Travel
from .errors import Problem
from .model.periods import Period
from .model.project import MeasureEntry, Project
from .model.status import RagRules

# Small numbers written as words ("a rise of one offence").
WORDS = {word: Decimal(n) for n, word in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"])}
_WORD = "|".join(sorted(WORDS, key=len, reverse=True))
# A number as written: 3189, 3,189, 4.6, 1,234.5. It starts only where no digit, comma or
# point is before it, and is matched atomically and not followed by a digit, so the regex
# never retries a long run of digits from each position: the lint is linear in the text.
NUMBER = r"(?<![\d.,])(?>\d+(?:,\d{3})*(?:\.\d+)?)(?!\d)"
# Minus signs as typed or pasted from a word processor: the hyphen-minus, the minus sign
# (U+2212), the figure and en dashes (U+2012, U+2013, which autocorrect puts for "-"), the
# small and full-width hyphen-minus (U+FE63, U+FF0D). Each is a minus where a number follows.
MINUS_SIGNS = "-\u2212\u2012\u2013\ufe63\uff0d"
SIGN = f"[+{re.escape(MINUS_SIGNS)}]"
_AS_HYPHEN = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))
WORDED = rf"(?:{NUMBER}|\b(?:{_WORD})\b)"
_CLAIMS = re.compile(
    rf"(?P<pair>(?P<value>{WORDED})%?(?:\s+[^\d\s.;]+){{0,8}}?\s+compared\s+to\s+"
    rf"(?P<prev>{WORDED})%?\s+(?:last\s+year|in\s+(?:the\s+)?previous\s+period))"
    rf"|(?P<ytd>year\s+to\s+date(?:\s+total)?\s+of\s+(?P<ytdvalue>{NUMBER}))"
    rf"|(?P<ytdchange>year\s+to\s+date\s+(?=(?:rise|increase|reduction|decrease|fall)\s))"
    rf"|(?P<change>(?P<word>increase|reduction|rise|decrease|fall|drop)\s+of\s+"
    rf"(?P<amount>{WORDED}))"
    rf"|(?P<slash>(?P<slashvalue>{NUMBER})(?:\s+[^\d\s/]+){{0,6}}?\s*/"
    rf"(?P<slashsign>{SIGN})(?P<slashamount>{NUMBER})(?![\d.,]*%))"
    rf"|(?P<pct>(?:\(|equating\s+to\s+|/)(?P<pctvalue>{SIGN}?{NUMBER})%)",
    re.IGNORECASE,
)
_UP_WORDS = {"increase", "rise"}


@dataclass(frozen=True)
class Context:
    """A pair of figures a sentence can talk about: a quarter's or a year to date's."""

    value: Decimal
    previous: Decimal | None
    what: str

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def percent(self) -> Decimal | None:
        if self.previous in (None, 0):
            return None
        return (self.value - self.previous) * 100 / self.previous


def _contexts(figures: list[SeriesFigures]) -> list[Context]:
    found = []
    for f in figures:
        if f.value is not None:
            found.append(Context(f.value, f.previous, "quarter"))
        if f.ytd is not None:
            found.append(Context(f.ytd, f.ytd_previous, "year to date"))
    return found


def _apart(a: Decimal, b: Decimal) -> tuple[str, str]:
    """Two figures printed at places that tell them apart."""
    places = comparison_places([(a, b)], 1)
    return plain(a, places), plain(b, places)


def _against(context: Context) -> str:
    assert context.previous is not None
    value, previous = _apart(context.value, context.previous)
    return f"{value} against {previous}"


def _signed_change(context: Context) -> str:
    assert context.previous is not None and context.change is not None
    return signed(context.change, comparison_places([(context.value, context.previous)], 1))


def _num(text: str) -> Decimal:
    word = WORDS.get(text.lower())
    return word if word is not None else Decimal(text.replace(",", ""))


def _as_stated(number: Decimal, stated: str) -> Decimal:
    """Round a computed figure to the number of places the commentary used."""
    places = len(stated.split(".")[1]) if "." in stated else 0
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _pct_text(number: Decimal) -> str:
    return f"{'+' if number > 0 else ''}{number}%"


def check_commentary(text: str, figures: list[SeriesFigures]) -> list[str]:
    """Each contradiction between a commentary and the figures, as a sentence."""
    contexts = _contexts(figures)
    # A change stated before any figure is about the quarter, when the measure has one series.
    current: Context | None = contexts[0] if len(figures) == 1 and contexts else None
    found: list[str] = []
    for match in _CLAIMS.finditer(text):
        if match["pair"]:
            value, prev = _num(match["value"]), _num(match["prev"])
            current = next((c for c in contexts if c.value == value), None)
            if current and current.previous is not None and current.previous != prev:
                said, known = _apart(prev, current.previous)
                found.append(f"states '{value} compared to {said} last year' but last "
                             f"year's {current.what} figure is {known}")
        elif match["ytd"]:
            ytd = _num(match["ytdvalue"])
            current = next((c for c in contexts if c.what == "year to date"), current)
            if current and current.value != ytd and current.what == "year to date":
                said, known = _apart(ytd, current.value)
                found.append(f"states a year to date of {said}; computed {known}")
        elif match["ytdchange"]:
            current = next((c for c in contexts if c.what == "year to date"), current)
        elif match["change"] or match["slash"]:
            if match["change"]:
                sign = 1 if match["word"].lower() in _UP_WORDS else -1
                amount = _num(match["amount"])
            else:
                sign = 1 if match["slashsign"] == "+" else -1
                amount = _num(match["slashamount"])
                value = _num(match["slashvalue"])
                current = next((c for c in contexts if c.value == value), None)
            if current is None or current.change is None:
                continue
            if sign * amount != current.change:
                word = match[0][match[0].index("/") + 1:] if match["slash"] else match[0]
                found.append(f"states '{word}' but the {current.what} change is "
                             f"{_signed_change(current)} ({_against(current)})")
        elif match["pct"] and current is not None and current.percent is not None:
            finding = _pct_finding(match["pctvalue"], current)
            if finding:
                found.append(finding)
    return found


def _pct_finding(stated_text: str, current: Context) -> str | None:
    """A stated percentage change that the figures contradict: a signed one must match in
    sign too; an unsigned one ("(17.6%)") only in size. The message quotes it as written."""
    assert current.percent is not None
    plain_text = stated_text.translate(_AS_HYPHEN)  # a Unicode minus counts as "-"
    stated = _num(plain_text.lstrip("+"))
    computed = _as_stated(current.percent, plain_text)
    signed = plain_text[0] in "+-"
    if (stated == computed) if signed else (abs(stated) == abs(computed)):
        return None
    return (f"states {stated_text}% but the {current.what} change is "
            f"{_pct_text(computed)} ({_against(current)})")


def check_measure(entry: MeasureEntry, rules: RagRules | None = None) -> list[Problem]:
    specs = series_specs(entry.measure)
    problems = []
    for period_id, quarter in entry.measure.quarters.items():
        if not quarter.commentary and quarter.travel is None:
            continue
        computed = compute_quarter(entry, specs, Period.parse(period_id))
        path = ("quarters", period_id, "commentary")
        for finding in check_commentary(quarter.commentary or "", computed.series):
            problems.append(Problem(entry.file, entry.document.line_of(path),
                                    ".".join(path), finding))
        if quarter.travel is not None:
            found = figures_travel(entry, computed, rules or RagRules())
            wrong = check_travel(quarter.travel, found, computed.series[0]) if found else None
            if wrong:
                where = ("quarters", period_id, "travel")
                problems.append(Problem(entry.file, entry.document.line_of(where),
                                        ".".join(where), wrong))
    return problems


def check_travel(given: str, found: Travel, figures: SeriesFigures) -> str | None:
    """A direction of travel given by hand that the figures contradict: 'worse' beside a
    reduction in a measure where lower is better. Whether a monitored measure's change is
    better or worse is the data owner's judgement, so only its up or down is checked."""
    stated = GIVEN_TRAVEL[given]
    arrow = found.arrow
    if figures.spec.unit == "rank":  # a rank goes up as its number falls: 7th to 5th is up
        arrow = {UP: DOWN, DOWN: UP}.get(arrow, arrow)
    if given in ("up", "down") or figures.spec.good == "monitor":
        if given not in ("up", "down") or stated.arrow == arrow:
            return None
    elif stated.label == found.label:
        return None
    if given in ("up", "down"):
        went = {UP: "went up", DOWN: "went down"}.get(arrow, "did not change")
        return f"travel is given as {given}, but the figures {went}"
    return (f"travel is given as {given}, but the figures show {found.label.lower()} "
            f"({figures.spec.good} is better)")


def check_project(project: Project) -> list[Problem]:
    """Every contradiction in every measure's commentary and given direction of travel, in
    file order."""
    rules = project.report.rag
    return sorted(p for entries in project.measures.values() for e in entries
                  for p in check_measure(e, rules))
