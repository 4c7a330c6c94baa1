"""Turn pydantic's validation errors into our one-line problems with file and line."""

from __future__ import annotations

import difflib
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .loader import Document


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 measure', '2 measures', '0 packs': a count with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to the word, else ''."""
    options = list(choices)
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if not close:  # 'police' for 'cleveland-police': a part of a longer id
        close = [option for option in options if str(word) in option][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model class inside an annotation, and whether a dict key sits before it."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            model, keyed = _inner_model(arg)
            if model:
                return model, keyed
    if origin is dict:
        model, _ = _inner_model(typing.get_args(annotation)[1])
        return model, True
    return None, False


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk the model classes along an error location to the model that holds its last key."""
    model: type[BaseModel] | None = root
    skip_key = False
    for part in loc:
        if model is None:
            return None
        if skip_key:
            skip_key = False
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model, skip_key = _inner_model(info.annotation)
    return model if not skip_key else None


def _message(error: Any, root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        known = list(parent.model_fields) if parent else []
        return f"unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), known)}"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace(" or ", ", ")
        hint = did_you_mean(str(value), [c.strip(" '") for c in expected.split(",")])
        return f"expected one of {expected}; got {value!r}{hint}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys and values, got {_kind_of(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {value!r}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind == "too_long":
        context = error.get("ctx") or {}
        actual = context.get("actual_length")
        return f"at most {context.get('max_length'):,} entries" + (
            f", not {actual:,}" if isinstance(actual, int) else "")
    message = error["msg"]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        shown = value if isinstance(value, Decimal) else repr(value)  # -1, not Decimal('-1')
        message = message.replace("Input should be", "must be") + f", got {shown}"
    return message[0].lower() + message[1:] if message else kind


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{value!r}"


def problems_from(error: ValidationError, root: type[BaseModel], doc: Document,
                  prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """One Problem per pydantic error, located in the YAML document."""
    problems = []
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if part != "[key]")
        path = prefix + loc
        field = ".".join(str(part) for part in path)
        line = doc.line_of(path)
        problems.append(Problem(doc.file, line, field, _message(item, root, loc)))
    return problems
