"""`csp-report returns status`: per owner, what is in, what is missing, what is not returned,
the days to or past the due date, and a reminder ready to send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import UsageError
from ..model.periods import FIRST_YEAR, LAST_YEAR, Period
from ..model.project import MeasureEntry, Project
from ..source_date import source_date
from . import spec

# A figure that is not collected is an answer, not something to chase.
SETTLED_STATES = ("not-collected",)


@dataclass(frozen=True)
class MeasureState:
    """Where one measure's return stands: complete, missing (state), incomplete or not
    returned."""

    entry: MeasureEntry
    kind: str          # complete | missing | incomplete | not-returned
    detail: str = ""

    @property
    def outstanding(self) -> bool:
        return self.kind != "complete" and not (
            self.kind == "missing" and self.detail.startswith(tuple(
                spec.STATE_WORDS[s] for s in SETTLED_STATES)))

    def __str__(self) -> str:
        words = {"complete": "complete", "missing": "missing", "incomplete": "incomplete",
                 "not-returned": "not returned"}
        name = self.entry.name
        name = name if len(name) <= 72 else name[:69].rstrip() + "..."
        text = f"{name}: {words[self.kind]}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class OwnerStatus:
    owner: str
    name: str
    measures: list[MeasureState] = field(default_factory=list)

    @property
    def outstanding(self) -> list[MeasureState]:
        return [m for m in self.measures if m.outstanding]


@dataclass
class ReturnsStatus:
    project: Project
    period: Period
    due: dt.date
    today: dt.date
    owners: list[OwnerStatus]
    unowned: list[MeasureEntry]

    @property
    def outstanding(self) -> int:
        return sum(len(o.outstanding) for o in self.owners)

    @property
    def timing(self) -> str:
        days = (self.due - self.today).days
        if days > 0:
            return f"due in {days:,} day{'s' if days != 1 else ''}"
        if days == 0:
            return "due today"
        return f"{-days:,} day{'s' if days != -1 else ''} past the due date"


def measure_state(entry: MeasureEntry, period: Period) -> MeasureState:
    if getattr(entry.measure, "frequency", "quarterly") == "annual":
        year = entry.measure.years.get(period.year.id)
        if year is not None and year.result is not None:
            return MeasureState(entry, "complete")
        return MeasureState(entry, "not-returned", f"the result for {period.year.label}")
    quarter = entry.measure.quarters.get(period.id)
    if quarter is None:
        return MeasureState(entry, "not-returned")
    if quarter.missing:
        return MeasureState(entry, "missing", _missing(quarter.missing))
    if entry.measure.unit == "text":
        done = bool(quarter.commentary or quarter.narratives)
        return MeasureState(entry, "complete" if done else "incomplete",
                            "" if done else "no update given")
    missing, absent = [], []
    for sid, figures in entry.figures(quarter).items():
        label = (entry.measure.series or {}).get(sid)
        prefix = f"{label.label}: " if label else ""
        if figures.missing:
            missing.append(prefix + _missing(figures.missing))
        elif figures.value is None and figures.ytd is None:
            absent.append(label.label if label else "")
    if absent:
        detail = "no figure for " + ", ".join(absent) if any(absent) else "no figure given"
        return MeasureState(entry, "incomplete", "; ".join([detail, *missing]))
    if missing:
        return MeasureState(entry, "missing", "; ".join(missing))
    return MeasureState(entry, "complete")


def _missing(missing: object) -> str:
    state = spec.STATE_WORDS[missing.state]  # type: ignore[attr-defined]
    return f"{state}: {missing.reason}"  # type: ignore[attr-defined]


def today_from(given: dt.date | None) -> dt.date:
    """The date the status is reckoned on: --today, else SOURCE_DATE_EPOCH, else the clock
    (this is a report to the operator, never an output file)."""
    if given is not None:
        if not FIRST_YEAR <= given.year <= LAST_YEAR:
            raise UsageError(f"--today {given.isoformat()} is not a date between {FIRST_YEAR} "
                             f"and {LAST_YEAR}, the years a plan may cover")
        return given
    given = source_date()
    return given.date() if given is not None else dt.date.today()


def returns_status(project: Project, period: str, today: dt.date | None = None
                   ) -> ReturnsStatus:
    try:
        when = Period.parse(period)
    except ValueError as err:
        raise UsageError(str(err)) from None
    owners = []
    for owner in spec.owners_with_measures(project, when):
        status = OwnerStatus(owner, project.report.owners[owner])
        for _, lines in spec.return_lines(project, owner, when):
            status.measures += [measure_state(line.entry, when) for line in lines
                                if line.first]
        owners.append(status)
    return ReturnsStatus(project, when, spec.due_date(project, when), today_from(today),
                         owners, spec.unowned(project, when))


def report_lines(status: ReturnsStatus) -> list[str]:
    """The status as the CLI prints it."""
    period = status.period
    lines = [f"Returns for {period.range_label} ({period.id}): due "
             f"{spec.long_date(status.due)}, {status.timing} "
             f"(on {spec.long_date(status.today)})", ""]
    for owner in status.owners:
        counts = {kind: sum(1 for m in owner.measures if m.kind == kind)
                  for kind in ("complete", "missing", "incomplete", "not-returned")}
        summary = ", ".join(f"{n} {kind.replace('-', ' ')}" for kind, n in counts.items() if n)
        lines.append(f"{owner.name}: {summary}")
        lines += [f"  {m}" for m in owner.measures if m.kind != "complete"]
    if status.unowned:
        lines += ["", f"No owner, so in no return ({len(status.unowned)}): "
                  + ", ".join(e.name for e in status.unowned)]
    outstanding = status.outstanding
    lines += ["", f"{outstanding} measure{'s' if outstanding != 1 else ''} outstanding"]
    return lines


def reminder(status: ReturnsStatus, owner: OwnerStatus) -> str:
    """A reminder to one owner, listing what is still outstanding, ready to send."""
    report = status.project.report
    period = status.period
    days = (status.due - status.today).days
    when = (f"is due on {spec.long_date(status.due)}" if days >= 0 else
            f"was due on {spec.long_date(status.due)}")
    items = [f"- {m.entry.name}: "
             + (m.detail if m.kind != "not-returned" else
                ("no return yet" + (f" ({m.detail})" if m.detail else "")))
             for m in owner.outstanding]
    send = f" to {report.returns.contact}" if report.returns.contact else ""
    return "\n".join([
        f"To: {owner.name}",
        f"Subject: {report.partnership}: your return for {period.range_label}",
        "",
        "Hello,",
        "",
        f"Your return to the {report.partnership} for {period.range_label} ({period.id}) "
        f"{when}. These measures are still outstanding:",
        "",
        *items,
        "",
        f"Please fill them in on the return workbook {spec.file_name(owner.owner, period)} "
        f"and send it back{send}. If a figure cannot be given, choose why under 'If "
        "missing' and say when it will follow.",
        "",
        "Thank you.",
    ])
