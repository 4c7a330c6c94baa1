"""Write one period's entry into a measure file, changing no other line of it.

ruamel.yaml edits the file's round-trip tree in place (comments, key order, quoting and flow
styles are kept); only the period's block of the dumped text is then spliced into the original
text, so every other line stays byte for byte as it was. The result is read back with the
project's own strict loader and compared with what was meant before anything is written.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..errors import CspReportError
from ..loader import Document, parse_yaml
from .merge import QUARTER_ORDER, YEAR_ORDER

FIGURE_KEYS = ("value", "previous", "ytd", "ytd_previous", "baseline", "out_of", "covering",
               "decimals", "revised", "missing")


_RESOLVER = Resolver()
_STR = "tag:yaml.org,2002:str"


class RewriteError(CspReportError):
    """A measure file could not be rewritten safely; nothing was written."""


class _Representer(RoundTripRepresenter):
    """Decimals as plain numbers (2.6 stays 2.6), on this writer only."""


def _decimal(representer: Any, value: Decimal) -> Any:
    if value == value.to_integral_value():
        return representer.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Representer.add_representer(Decimal, _decimal)


def _yaml(indent: int = 2) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 96
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    return yaml


def _plain(value: Any) -> Any:
    """A value of the round-trip tree as comparable plain data."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(float(value)))
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return str(value)
    return value


def _node(value: Any, key: str = "", flow: bool = False,
          order: tuple[str, ...] = QUARTER_ORDER) -> Any:
    """A new value for the tree: maps in the files' styles, text with line breaks as a block."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in _ordered(value, order).items():
            node[k] = _node(v, k, order=order)
        scalars = all(not isinstance(v, dict) and not (isinstance(v, str) and "\n" in v)
                      for v in value.values())
        # A series' figures sit on one line, {value: 15, previous: 25}, as the files write them
        # (and so does a year: {target: 60, result: 67}).
        if scalars and (flow or set(value) <= set(FIGURE_KEYS) - {"missing"}):
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        return node
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and _RESOLVER.resolve(ScalarNode, value, (True, False)) != _STR:
        # ruamel writes YAML 1.2, where yes, on and 12:30 are text; the project's loader
        # reads YAML 1.1, where they are not, so such text is quoted
        return SingleQuotedScalarString(value)
    return value


def _ordered(value: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    rank = {k: i for i, k in enumerate(order)}
    return {k: value[k] for k in sorted(value, key=lambda k: rank.get(k, len(rank)))}


def _position(node: CommentedMap, key: str, order: tuple[str, ...]) -> int:
    """Where a new key goes: before the first key that comes after it in `order`."""
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(rank))
    for i, existing in enumerate(node):
        if rank.get(existing, len(rank)) > mine:
            return i
    return len(node)


def _assign(node: CommentedMap, new: dict[str, Any], order: tuple[str, ...]) -> None:
    """Make a round-trip map hold `new`, keeping the style of whatever is unchanged."""
    for key in [k for k in node if k not in new]:
        del node[key]
    for key, value in new.items():
        if key in node:
            current = node[key]
            if isinstance(value, dict) and isinstance(current, CommentedMap):
                _assign(current, value, order)
            elif _plain(current) != _plain(value):
                node[key] = _node(value, key, order=order)
        else:
            node.insert(_position(node, key, order), key, _node(value, key, order=order))


def _period_order(period: str, keys: list[str]) -> int:
    for i, key in enumerate(keys):
        if str(key) > period:
            return i
    return len(keys)


def _layout(text: str, section: str) -> tuple[dict[str, int], int | None, int]:
    """Where a section (quarters, years) is in a text: each entry's first line (0-based), the
    section key's line and the line the section ends before."""
    data = _yaml().load(text)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if not isinstance(data, CommentedMap) or section not in data:
        return {}, None, lines
    keys = list(data)
    index = keys.index(section)
    end = data.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else lines
    entries = data[section]
    starts = {}
    if isinstance(entries, CommentedMap):
        starts = {str(k): entries.lc.key(k)[0] for k in entries}
    return starts, data.lc.key(section)[0], end


def _block(starts: dict[str, int], end: int, period: str) -> tuple[int, int]:
    ordered = sorted(starts.items(), key=lambda item: item[1])
    for i, (key, start) in enumerate(ordered):
        if key == period:
            return start, ordered[i + 1][1] if i + 1 < len(ordered) else end
    raise KeyError(period)


def rewrite(text: str, name: str, period: str, quarter: dict[str, Any],
            section: str = "quarters") -> str:
    """The measure file's text with `period`'s entry of `section` (quarters, or years for a
    year's result) replaced by (or set to) `quarter`.

    A file written with Windows line ends keeps them; the new lines get them too."""
    if "\r\n" in text:
        plain = _rewrite(text.replace("\r\n", "\n"), name, period, quarter, section)
        return plain.replace("\n", "\r\n")
    return _rewrite(text, name, period, quarter, section)


def _rewrite(text: str, name: str, period: str, quarter: dict[str, Any],
             section: str) -> str:
    original = _yaml().load(text)
    if not isinstance(original, CommentedMap):
        raise RewriteError(f"{name}: cannot be rewritten: it is not a mapping of fields")
    quarters = original.get(section)
    order = YEAR_ORDER if section == "years" else QUARTER_ORDER
    indent = 2
    if isinstance(quarters, CommentedMap) and quarters:
        indent = max(1, quarters.lc.key(next(iter(quarters)))[1])
    whole_quarters = not isinstance(quarters, CommentedMap) or not quarters
    if whole_quarters:
        fresh = CommentedMap()
        fresh.fa.set_block_style()
        original[section] = fresh
        quarters = fresh
    assert isinstance(quarters, CommentedMap)
    if period in quarters and isinstance(quarters[period], CommentedMap):
        _assign(quarters[period], quarter, order)
    else:
        if period in quarters:
            del quarters[period]
        quarters.insert(_period_order(period, [str(k) for k in quarters]), period,
                        _node(quarter, flow=section == "years", order=order))
        if section == "quarters":
            quarters[period].fa.set_block_style()
    out = io.StringIO()
    _yaml(indent).dump(original, out)
    dumped = out.getvalue()
    result = _splice(text, dumped, period, whole_quarters, section)
    _check(text, result, name, period, quarter, section)
    return result


def _splice(text: str, dumped: str, period: str, whole_quarters: bool, section: str) -> str:
    old_lines = text.splitlines(keepends=True)
    if old_lines and not old_lines[-1].endswith("\n"):
        old_lines[-1] += "\n"
    new_lines = dumped.splitlines(keepends=True)
    old_starts, old_key, old_end = _layout(text, section)
    new_starts, new_key, new_end = _layout(dumped, section)
    if whole_quarters:
        assert new_key is not None
        block = new_lines[new_key:new_end]
        if old_key is None:
            return "".join(old_lines + block)
        return "".join(old_lines[:old_key] + block + old_lines[old_end:])
    start, end = _block(new_starts, new_end, period)
    block = new_lines[start:end]
    if period in old_starts:
        old_start, old_stop = _block(old_starts, old_end, period)
        return "".join(old_lines[:old_start] + block + old_lines[old_stop:])
    later = sorted((line for key, line in old_starts.items() if key > period))
    at = later[0] if later else old_end
    return "".join(old_lines[:at] + block + old_lines[at:])


def _check(before: str, after: str, name: str, period: str, quarter: dict[str, Any],
           section: str) -> None:
    """Read the new text with the project's loader: everything but the period as it was, the
    period as meant. Anything else is a bug, never written."""
    old, new = parse_yaml(before, name), parse_yaml(after, name)
    if not isinstance(old, Document) or not isinstance(new, Document):
        raise RewriteError(f"{name}: the rewritten file would not read back; nothing written")
    old_data, new_data = dict(old.data), dict(new.data)
    old_q = dict(old_data.pop(section, None) or {})
    new_q = dict(new_data.pop(section, None) or {})
    got = new_q.pop(period, None)
    old_q.pop(period, None)
    same_rest = _plain(old_data) == _plain(new_data) and _plain(old_q) == _plain(new_q)
    if not same_rest or _plain(got) != _plain(quarter) or list(new_q) != list(old_q):
        raise RewriteError(f"{name}: could not rewrite {period} without changing other lines "
                           "(please report this); nothing written")
