"""Field types shared by the models: strict numbers, clean text, ids and period keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .glyphs import unprintable
from .periods import FinancialYear, Period

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
LARGEST = Decimal(10) ** 15  # far beyond any figure, well within exact decimal arithmetic
# Bidirectional controls reorder how text prints ("51" shown as "15"); marks (U+200E/F) are
# harmless and allowed.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# The smallest figure other than 0: a % change of the largest figure against it still rounds
# exactly within Decimal's 28 digits (10**15 * 100 / 10**-6 = 10**23).
SMALLEST = Decimal(10) ** -6
LONGEST_WORD = 1_000  # characters without a space that a text may hold
# A run is broken only where a line may break: no-break spaces (U+00A0, U+2007, U+202F)
# and the word joiner (U+2060) join, as letters do.
_JOINING = "\u00a0\u2007\u202f\u2060"
# Tried only where a run starts (after a breakable space, or at the start): tried at every
# character of 20,000 in runs of 999, the search took 0.26 s.
_ENDLESS_WORD = re.compile(rf"(?<![^\s])(?<![{_JOINING}])"
                           rf"(?:[^\s{_JOINING}]|[{_JOINING}]){{{LONGEST_WORD + 1},}}")
ID_MAX = 40  # ids become parts of file names: short, and one line
_ID = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{ID_MAX - 1}}}$")
# A BCP 47 language tag (RFC 5646, without grandfathered tags): en-GB, cy, zh-Hant-TW.
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{3}){0,3}(-[a-zA-Z]{4})?"
                       r"(-([a-zA-Z]{2}|[0-9]{3}))?(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*"
                       r"(-[a-wyzA-WYZ0-9](-[a-zA-Z0-9]{2,8})+)*(-x(-[a-zA-Z0-9]{1,8})+)?$")


class Strict(BaseModel):
    """Base of every model: no unknown keys, no silent type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return str(value)


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("number_type", "expected a number, got {got}",
                                  {"got": _shown(value)})
    number = Decimal(value)
    if not number.is_finite():
        raise PydanticCustomError("number_type", "expected a number, got {got}",
                                  {"got": _shown(value)})
    if abs(number) >= LARGEST:
        raise PydanticCustomError("number_size", "{got} is too large; figures must be below "
                                  "a thousand million million", {"got": _shown(value)})
    if number and abs(number) < SMALLEST:
        raise PydanticCustomError("number_size", "{got} is too small; figures other than 0 "
                                  "must be at least 0.000001", {"got": _shown(value)})
    return number


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("negative", "must not be negative, got {got}",
                                  {"got": str(value)})
    return value


def _text(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise PydanticCustomError(
            "control_character",
            "contains the control character U+{code} at character {pos}; remove it",
            {"code": f"{ord(match[0]):04X}", "pos": match.start() + 1},
        )
    bidi = _BIDI.search(value)
    if bidi:
        raise PydanticCustomError(
            "bidi_character",
            "contains the bidirectional control character U+{code} at character {pos}, which "
            "can change the order in which text and numbers print; remove it",
            {"code": f"{ord(bidi[0]):04X}", "pos": bidi.start() + 1})
    # A character without a glyph would print as an empty box (and fails the PDF build).
    missing = unprintable(value)
    if missing:
        raise PydanticCustomError(
            "unprintable_character",
            "contains '{char}' (U+{code}), which the pack's fonts cannot print; replace it",
            {"char": missing, "code": f"{ord(missing):04X}"})
    return value


def _no_endless_word(value: str) -> str:
    """Refuse a run of over LONGEST_WORD characters without a space."""
    # The PDF renderer breaks an unbroken run in time that grows with its square: 1,000
    # characters take 0.06 s, 20,000 took 11 s for one cell. No real word or link is longer.
    endless = _ENDLESS_WORD.search(value)
    if endless:
        raise PydanticCustomError(
            "word_too_long",
            "has {length} characters without a space a line can break at, from character "
            "{pos} (the longest a pack can print is {most}); add spaces",
            {"length": f"{len(endless[0]):,}", "pos": endless.start() + 1,
             "most": f"{LONGEST_WORD:,}"})
    return value


def _string(value: Any) -> Any:
    if not isinstance(value, str):
        hint = " (put it in quotes)" if isinstance(value, int | Decimal) else ""
        raise PydanticCustomError("text_type", "expected text, got {got}{hint}",
                                  {"got": _shown(value), "hint": hint})
    return value


def _limit(most: int) -> Callable[[str], str]:
    """A validator refusing text longer than `most` characters."""

    def check(value: str) -> str:
        if len(value) > most:
            raise PydanticCustomError(
                "text_too_long", "is {length} characters long; the limit is {most}",
                {"length": f"{len(value):,}", "most": f"{most:,}"})
        return value
    return check


def _identifier(value: str) -> str:
    if not _ID.fullmatch(value):
        raise PydanticCustomError(
            "identifier", "{got} is not an id: use lower-case letters, digits and dashes "
            "(at most {most} characters, starting with a letter or digit)",
            {"got": _shown(value), "most": ID_MAX})
    return value


def _language(value: str) -> str:
    if len(value) > 35 or not _LANGUAGE.fullmatch(value):
        raise PydanticCustomError(
            "language", "{got} is not a language tag (BCP 47) such as en-GB or cy",
            {"got": _shown(value)})
    return value


def _period(value: str) -> str:
    try:
        return Period.parse(value).id
    except ValueError as err:
        raise PydanticCustomError("period", str(err)) from None


def _year(value: str) -> str:
    try:
        return FinancialYear.parse(value).id
    except ValueError as err:
        raise PydanticCustomError("year", str(err)) from None


Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema({"type": "number"})]
# A number that may be 0 but never less (a tolerance); pydantic's own message for a negative.
NonNegative = Annotated[Decimal, BeforeValidator(_number), Field(ge=0),
                        WithJsonSchema({"type": "number", "minimum": 0})]
Count = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_not_negative),
                  WithJsonSchema({"type": "number", "minimum": 0})]
# Limits keep one runaway paste from producing a pack of hundreds of pages.
Text = Annotated[str, BeforeValidator(_string), AfterValidator(_text),
                 AfterValidator(_limit(2_000)), AfterValidator(_no_endless_word),
                 WithJsonSchema({"type": "string",
                                                                "maxLength": 2_000})]
LongText = Annotated[str, BeforeValidator(_string), AfterValidator(_text),
                     AfterValidator(_limit(20_000)), AfterValidator(_no_endless_word),
                     WithJsonSchema({"type": "string",
                                                                     "maxLength": 20_000})]
Identifier = Annotated[str, BeforeValidator(_string), AfterValidator(_identifier),
                       WithJsonSchema({"type": "string", "pattern": _ID.pattern})]
Language = Annotated[str, BeforeValidator(_string), AfterValidator(_language),
                     WithJsonSchema({"type": "string", "pattern": _LANGUAGE.pattern})]
PeriodId = Annotated[str, BeforeValidator(_string), AfterValidator(_period),
                     WithJsonSchema({"type": "string",
                                     "pattern": r"^\d{4}-\d{2}-(Q[1-4]|M(0[1-9]|1[0-2]))$"})]
YearId = Annotated[str, BeforeValidator(_string), AfterValidator(_year),
                   WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$"})]


def printed_form(text: str) -> str:
    """A text as a reader sees it: without invisible format characters (a zero-width space),
    canonical Unicode (an accent composed or not), any run of spaces one space, no spaces at
    the ends. Compatibility forms stay apart: '1.\u00b2' prints with a superscript two."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(unicodedata.normalize("NFC", visible).split())
