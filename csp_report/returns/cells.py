"""Cell values read back from a workbook: numbers, text and choices, checked one by one.

Excel's own validation does not stop a pasted value, so every entry cell is checked again
here, with the same rules (and the same wording) as the measure files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..model.types import LongText, Number

_NUMBER = TypeAdapter(Number)
_TEXT = TypeAdapter(LongText)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")


class CellProblem(ValueError):
    """A cell's value is not acceptable; the message says why."""


def canonical(value: Any) -> str:
    """A cell value as comparable text: 25, 25.0 and '25' written by us all read back alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not finite(value):  # a crafted '1e999' reads as infinity: no Excel number is one
        return str(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return text(value)


def finite(value: Any) -> bool:
    """False for a number that is infinite or not a number; True for anything else."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return True


def text(value: Any) -> str:
    """Text as a partner typed it: Windows line ends made plain, no trailing spaces."""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return canonical(value)


def scales_by_100(number_format: str | None) -> bool:
    """Whether a cell's number format shows its value times 100: a `%` of the format itself,
    not one in quotes ("%"), escaped (\\%), in brackets, or after _ or * (a space or fill
    as wide as it). `0.0"%"` shows 0.5 as 0.5%, and the figure is 0.5, not 50."""
    code = number_format or ""
    index, quoted = 0, False
    while index < len(code):
        char = code[index]
        if char == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif char in "\\_*":
            index += 1  # the next character is shown as it is, or only sets a width
        elif char == "[":
            closing = code.find("]", index)
            index = len(code) if closing < 0 else closing
        elif char == "%":
            return True
        index += 1
    return False


def number(value: Any, percent_format: bool = False) -> Decimal | None:
    """A number from a cell: a numeric cell, or text that is plainly a number ('1,234')."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not finite(value):
        raise CellProblem(f"expected a number, got {shown(value)}, which no workbook holds "
                          "(the cell was not saved by Excel or LibreOffice)")
    if isinstance(value, float):
        found = Decimal(repr(value))
        if percent_format:  # typed as 34.7% into the cell: Excel stores 0.347
            found = (found * 100).normalize()
        return _checked(found)
    if isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        try:
            return _checked(Decimal(value.strip().replace(",", "")))
        except InvalidOperation:
            pass
    if isinstance(value, int) and not isinstance(value, bool):
        return _checked(Decimal(value) * (100 if percent_format else 1))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise CellProblem(f"expected a number, got the date {canonical(value)}")
    raise CellProblem(f"expected a number, got {shown(value)}")


def _checked(found: Decimal) -> Decimal:
    try:
        return _NUMBER.validate_python(found)
    except ValidationError as err:
        raise CellProblem(err.errors()[0]["msg"]) from None


def long_text(value: Any) -> str | None:
    """Commentary or a reason: any text (numbers typed alone are taken as text)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        raise CellProblem(f"expected text, got the date {canonical(value)}")
    if not finite(value):
        raise CellProblem(f"expected text, got the number {shown(value)}, which no workbook "
                          "holds (the cell was not saved by Excel or LibreOffice)")
    found = text(canonical(value) if not isinstance(value, str) else value)
    if not found:
        return None
    try:
        return _TEXT.validate_python(found)
    except ValidationError as err:
        raise CellProblem(err.errors()[0]["msg"]) from None


def choice(value: Any, choices: dict[str, str], what: str) -> str | None:
    """An id from a drop-down cell, which shows words: the word or the id is accepted."""
    found = long_text(value)
    if found is None:
        return None
    for key, word in choices.items():
        if found.casefold() in (key.casefold(), word.casefold()):
            return key
    listed = ", ".join(f"'{word}'" for word in choices.values())
    raise CellProblem(f"{shown(found)} is not {what}; choose one of {listed}")


def check_unit(found: Decimal, unit: str) -> None:
    """What a figure of a unit may be (the model's rules, and whole numbers for counts)."""
    if unit == "percentage" and not Decimal(0) <= found <= Decimal(100):
        raise CellProblem(f"a percentage must be between 0 and 100, got {canonical(found)}")
    if unit in ("count", "rank", "rate") and found < 0:
        raise CellProblem(f"a {unit} cannot be negative, got {canonical(found)}")
    if unit in ("count", "rank") and found != found.to_integral_value():
        raise CellProblem(f"a {unit} is a whole number, got {canonical(found)}")
    if unit == "rank" and found < 1:
        raise CellProblem(f"a rank is 1 or more, got {canonical(found)}")
