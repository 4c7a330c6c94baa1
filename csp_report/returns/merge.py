"""What an import changes: each measure's entry for the period, merged from the returns.

A figure already in the data is never silently replaced: a differing figure is refused unless
the import is given `--revise REASON`, and then recorded as a revision. A missing state is
replaced by the figure when it arrives (that is the normal course of a 'to follow').
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model.periods import Period
from ..model.project import MeasureEntry
from . import cells, spec
from .read import Returned, ReturnProblem, RowReturn

YEAR_ORDER = ("target", "result", "description", "revised")
QUARTER_ORDER = ("value", "previous", "ytd", "ytd_previous", "baseline", "out_of", "covering",
                 "decimals", "revised", "missing", "figures", "commentary", "rag", "status",
                 "travel", "narratives", "fields")

@dataclass(frozen=True)
class Revision:
    """A figure the import replaced, with the reason given by --revise (written as the
    figures' `revised:` note, which the pack prints as '[r] revised')."""

    path: tuple[str, ...]   # inside the quarter, e.g. ('figures', 'police', 'value')
    old: Any
    new: Any
    reason: str


@dataclass
class Change:
    """The new entry of one measure for one period."""

    entry: MeasureEntry
    period: Period
    quarter: dict[str, Any]
    created: bool
    revisions: list[Revision] = field(default_factory=list)
    what: list[str] = field(default_factory=list)
    cells: dict[tuple[str, ...], str] = field(default_factory=dict)  # path: 'x.xlsx:Sheet!I6'
    section: str = "quarters"   # or years: an annual measure's result
    key: str = ""               # the entry's key in its section: the period, or the year

    def __post_init__(self) -> None:
        self.key = self.key or self.period.id


def _same(old: Any, new: Any) -> bool:
    numbers = (int, Decimal)
    if isinstance(old, numbers) and not isinstance(old, bool):
        return isinstance(new, numbers) and not isinstance(new, bool) and \
            Decimal(old) == Decimal(new)
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    return bool(old == new)


def plan(returns: list[Returned], revise: str | None
         ) -> tuple[list[Change], list[ReturnProblem]]:
    """The changes the returns make, or the conflicts that stop the import."""
    problems: list[ReturnProblem] = []
    grouped: dict[tuple[str, str], list[tuple[Returned, RowReturn]]] = {}
    seen: dict[tuple[str, str], str] = {}
    for returned in returns:
        for row in returned.rows:
            key = (row.entry.file, returned.period.id)
            first = seen.setdefault(key, returned.name)
            if first != returned.name:
                problems.append(ReturnProblem(
                    f"{returned.name}:{spec.SHEET}!A{row.row}", "",
                    f"{row.entry.name} for {returned.period.id} is also in {first}; import "
                    "one return per owner and period"))
                continue
            grouped.setdefault(key, []).append((returned, row))
    changes = []
    for (_, period_id), rows in grouped.items():
        change = _merge(rows, Period.parse(period_id), revise, problems)
        if change is not None:
            changes.append(change)
    return changes, problems


def _merge(rows: list[tuple[Returned, RowReturn]], period: Period, revise: str | None,
           problems: list[ReturnProblem]) -> Change | None:
    entry = rows[0][1].entry
    if rows[0][1].line.annual:
        return _merge_year(rows[0], period, revise, problems)
    quarters = entry.document.data.get("quarters") or {}
    old = quarters.get(period.id) if isinstance(quarters, dict) else None
    quarter: dict[str, Any] = copy.deepcopy(old) if isinstance(old, dict) else {}
    change = Change(entry, period, quarter, created=old is None)
    has_series = bool(entry.measure.series)
    for returned, row in rows:
        where = returned.name

        def conflict(key: str, path: tuple[str, ...], was: Any, now: Any,
                     row: RowReturn = row, where: str = where) -> bool:
            """True when the change may go ahead (recorded as a revision)."""
            if revise:
                change.revisions.append(Revision(path, was, now, revise))
                return True
            problems.append(ReturnProblem(
                f"{where}:{row.cells.get(key, '')}", ".".join(path),
                f"the data already has {_said(was)} for {period.id} and this return says "
                f"{_said(now)}; to change a figure, import with --revise \"the reason\""))
            return False

        if has_series:
            target = quarter.setdefault("figures", {}).setdefault(row.line.series, {})
            base: tuple[str, ...] = ("figures", row.line.series)
        else:
            target, base = quarter, ()
        for key, cell in row.cells.items():
            if key.startswith("narrative:"):
                path: tuple[str, ...] = ("narratives", key.split(":", 1)[1])
            else:
                path = (base if key in spec.FIGURE_FIELDS + ("missing",) else ()) + (key,)
            change.cells[path] = f"{where}:{cell}"
        revised = len(change.revisions)
        _figures(row, target, quarter, base, conflict, change)
        if revise and len(change.revisions) > revised and target.get("revised") != revise:
            target["revised"] = revise
            change.what.append(".".join(base + ("revised",)))
    for _, row in rows:  # the measure's texts, after its figures
        if row.line.first:
            _texts(row, quarter, change)
    _tidy(quarter, list(entry.measure.series or {}))
    if not change.created and _same(old, quarter):
        return None
    if not quarter:
        cleared = next((f"{r.name}:{row.cells['cleared']}" for r, row in rows
                        if "cleared" in row.cells), None)
        if cleared:
            problems.append(ReturnProblem(
                cleared, "missing.state", "the missing state was cleared but nothing was "
                "given in its place: give the figure, or keep the state"))
            return None
    if change.created and not quarter:
        return None  # an empty return for a period with no entry: nothing to start
    return change


def _merge_year(item: tuple[Returned, RowReturn], period: Period, revise: str | None,
                problems: list[ReturnProblem]) -> Change | None:
    """An annual measure's row: the year's result, under years."""
    returned, row = item
    entry, year_id = row.entry, period.year.id
    new = row.values.get("value")
    if new is None:
        return None
    years = entry.document.data.get("years") or {}
    old = years.get(year_id) if isinstance(years, dict) else None
    year: dict[str, Any] = copy.deepcopy(old) if isinstance(old, dict) else {}
    change = Change(entry, period, year, created=old is None, section="years", key=year_id)
    change.cells[("result",)] = f"{returned.name}:{row.cells.get('value', '')}"
    was = year.get("result")
    if was is not None and _same(was, new):
        return None
    if was is not None and not revise:
        problems.append(ReturnProblem(
            f"{returned.name}:{row.cells.get('value', '')}", f"years.{year_id}.result",
            f"the data already has {_said(was)} for {year_id} and this return says "
            f"{_said(new)}; to change a figure, import with --revise \"the reason\""))
        return None
    year["result"] = new
    change.what.append("result")
    if was is not None and revise:
        change.revisions.append(Revision(("result",), was, new, revise))
        year["revised"] = revise
    return change


def _said(value: Any) -> str:
    if isinstance(value, dict):
        state = str(value.get("state"))
        return f"missing ({spec.STATE_WORDS.get(state, state)})"
    return cells.canonical(value)


def _figures(row: RowReturn, target: dict[str, Any], quarter: dict[str, Any],
             base: tuple[str, ...], conflict: Any, change: Change) -> None:
    given = False
    for key in spec.FIGURE_FIELDS:
        new = row.values.get(key)
        if new is None:
            continue
        was = target.get(key)
        if was is None:
            target[key] = new
            change.what.append(".".join(base + (key,)))
        elif not _same(was, new):
            if not conflict(key, base + (key,), was, new):
                continue
            target[key] = new
            change.what.append(".".join(base + (key,)))
        given = given or key in ("value", "ytd")
    if given:
        for holder in (target, quarter):
            holder.pop("missing", None)
    if row.values.get("cleared") and not given:
        target.pop("missing", None)
        if base:
            quarter.pop("missing", None)
    missing = row.values.get("missing")
    if missing is not None:
        new = {"state": missing.state, "reason": missing.reason}
        figures = [k for k in ("value", "ytd") if target.get(k) is not None]
        if figures:
            if not conflict("missing", base + ("missing",), target[figures[0]], new):
                return
            for k in figures:
                target.pop(k)
        current = target.get("missing")
        if base:  # each series says its own; _tidy makes it the quarter's when all agree
            inherited = quarter.pop("missing", None)
            current = current if current is not None else inherited
            target["missing"] = new
        if not _same(current, new):
            target["missing"] = new
            change.what.append(".".join(base + ("missing",)))


def _texts(row: RowReturn, quarter: dict[str, Any], change: Change) -> None:
    commentary = row.values.get("commentary")
    if commentary is not None and quarter.get("commentary") != commentary:
        quarter["commentary"] = commentary
        change.what.append("commentary")
    status = row.values.get("status")
    if status is not None and quarter.get("status") != status:
        quarter["status"] = status
        change.what.append("status")
    for key, value in row.values.items():
        if key.startswith("narrative:") and value is not None:
            nid = key.split(":", 1)[1]
            narratives = quarter.setdefault("narratives", {})
            if narratives.get(nid) != value:
                narratives[nid] = value
                change.what.append(f"narratives.{nid}")


def _tidy(quarter: dict[str, Any], series: list[str]) -> None:
    """Drop empty series entries; a quarter whose every series is missing for one reason is
    missing as a whole (as the measure files write it)."""
    figures = quarter.get("figures")
    if isinstance(figures, dict):
        for sid in [s for s, f in figures.items() if f == {}]:
            del figures[sid]
        states = [f.get("missing") for f in figures.values() if set(f) == {"missing"}]
        if series and len(states) == len(series) == len(figures) and \
                all(_same(m, states[0]) for m in states):
            quarter["missing"] = states[0]
            figures.clear()
        if not figures:
            del quarter["figures"]
    if quarter.get("narratives") == {}:
        del quarter["narratives"]


def ordered(quarter: dict[str, Any]) -> dict[str, Any]:
    """A new quarter's keys in the order the measure files write them."""
    rank = {k: i for i, k in enumerate(QUARTER_ORDER)}
    return {k: quarter[k] for k in sorted(quarter, key=lambda k: rank.get(k, len(rank)))}
