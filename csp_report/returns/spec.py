"""What a return holds: which measures and rows, which columns, what each cell accepts.

The exporter and the reader both work from these definitions, so a workbook is always read
back with the rules it was made with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..model.measure import MAIN_SERIES, Figures, Measure
from ..model.periods import Period
from ..model.project import MeasureEntry, Project
from ..sentences import MISSING_WORDS

GENERATOR = "csp-report"
FORMAT = 1
SHEET = "Measures"
COVER = "Cover"
META = "csp-report"  # a very hidden sheet: which measure and series each row is

HEADER_ROW = 4
MAX_BYTES = 5 * 1024 * 1024            # a return is a few dozen kilobytes
MAX_UNPACKED = 50 * 1024 * 1024       # refuses zip bombs before any XML is parsed
BOMB_PART, BOMB_RATIO = 1024 * 1024, 100  # a part over 1 MiB packed over 100 times smaller
MAX_SHEETS = 10
MAX_ROWS = 5_000
MAX_COLUMNS = 40


@dataclass(frozen=True)
class Column:
    """One column of the Measures sheet: a key, its heading and its width."""

    key: str
    heading: str
    width: float
    entry: bool = False          # an entry column (its cells may still be locked per row)


def number_columns(kind: str = "Q") -> list[Column]:
    """The standard columns; `kind` is the period's (Q: a quarter, M: a month)."""
    unit = "month" if kind == "M" else "quarter"
    return [
        Column("ref", "Ref", 7),
        Column("measure", "Measure", 42),
        Column("series", "Series", 18),
        Column("unit", "Unit", 16),
        Column("good", "Good is", 11),
        Column("target", "Target for the year", 12),
        Column("previous", f"Same {unit} last year", 12, entry=True),
        Column("last_period", f"Previous {unit}", 11),
        Column("value", f"Figure this {unit}", 12, entry=True),
        Column("ytd", "Year to date", 11, entry=True),
        Column("ytd_previous", "Year to date last year", 12, entry=True),
        Column("state", "If missing: state", 16, entry=True),
        Column("reason", "If missing: reason", 28, entry=True),
        Column("commentary", "Commentary", 50, entry=True),
    ]


def columns_for(project: Project, lines: list[Line], period: Period) -> list[Column]:
    """The workbook's columns: the standard ones, the project's narratives, a status column
    when any measure's status is given by its owner."""
    columns = number_columns(period.kind)
    for nid, label in project.report.narratives.items():
        columns.append(Column(f"narrative:{nid}", label, 40, entry=True))
    if any(line.first and status_choices(project, line.entry) for line in lines):
        columns.append(Column("status", "Status (your rating)", 14, entry=True))
    return columns


def letter(index: int) -> str:
    """Column letter of a 1-based index (A ... Z, AA ...)."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


STATE_WORDS = {state: MISSING_WORDS[state] for state in MISSING_WORDS}
UNIT_WORDS = {"count": "count", "percentage": "percentage (0 to 100)",
              "signed-percentage": "percentage (may be negative)", "rate": "rate",
              "rank": "rank (1 = best)", "text": "text update"}
GOOD_WORDS = {"lower": "lower", "higher": "higher", "monitor": "monitored"}
FIGURE_FIELDS = ("value", "previous", "ytd", "ytd_previous")
FIELD_NAMES = {"value": "value", "previous": "previous", "ytd": "ytd",
               "ytd_previous": "ytd_previous", "state": "missing.state",
               "reason": "missing.reason", "commentary": "commentary", "status": "status"}


@dataclass(frozen=True)
class Line:
    """One entry row of a return: a measure's series (a single-series measure has 'main')."""

    entry: MeasureEntry
    series: str
    first: bool  # the measure's first row: it carries the commentary and narratives

    @property
    def annual(self) -> bool:
        """An annual measure's row: its only entry is the year's result (years.Y.result)."""
        return getattr(self.measure, "frequency", "quarterly") == "annual"

    @property
    def measure(self) -> Measure:
        return self.entry.measure

    @property
    def unit(self) -> str:
        series = (self.measure.series or {}).get(self.series)
        return (series.unit if series and series.unit else None) or self.measure.unit

    @property
    def good(self) -> str:
        series = (self.measure.series or {}).get(self.series)
        return (series.good if series and series.good else None) or self.measure.good

    @property
    def label(self) -> str:
        series = (self.measure.series or {}).get(self.series)
        return series.label if series else ""

    def figures(self, period: Period) -> Figures | None:
        """This row's stored figures for a period, if the data has that period."""
        quarter = self.measure.quarters.get(period.id)
        if quarter is None:
            return None
        return self.entry.figures(quarter).get(self.series)

    @property
    def uses_ytd(self) -> bool:
        """Year-to-date cells only for additive counts whose data already keeps them."""
        if self.unit != "count" or not self.measure.additive:
            return False
        for quarter in self.measure.quarters.values():
            figures = self.entry.figures(quarter).get(self.series)
            if figures and (figures.ytd is not None or figures.ytd_previous is not None):
                return True
        return False

    def known_previous(self, period: Period) -> Decimal | None:
        """The same quarter last year, from the data: typed for this period, or last year's."""
        own = self.figures(period)
        if own is not None and own.previous is not None:
            return own.previous
        last = self.figures(period.same_quarter_last_year())
        return last.value if last is not None else None

    def known_ytd_previous(self, period: Period) -> Decimal | None:
        own = self.figures(period)
        if own is not None and own.ytd_previous is not None:
            return own.ytd_previous
        last = self.figures(period.same_quarter_last_year())
        return last.ytd if last is not None else None

    def entry_cells(self, project: Project, period: Period) -> set[str]:
        """The column keys this row lets the data owner fill in."""
        if self.annual:
            return {"value"} if self.unit != "text" else set()
        keys = {"state", "reason"}
        if self.unit != "text":
            keys.add("value")
            if self.known_previous(period) is None or self._typed_previous(period):
                keys.add("previous")
            if self.uses_ytd:
                keys.add("ytd")
                if self.known_ytd_previous(period) is None:
                    keys.add("ytd_previous")
        if self.first:
            keys.add("commentary")
            keys.update(f"narrative:{nid}" for nid in project.report.narratives)
            if status_choices(project, self.entry):
                keys.add("status")
        return keys

    def _typed_previous(self, period: Period) -> bool:
        own = self.figures(period)
        return own is not None and own.previous is not None


def status_choices(project: Project, entry: MeasureEntry) -> dict[str, str]:
    """The statuses an owner gives for this measure (id: word); none when it is computed."""
    scheme = project.scheme(entry.pack)
    if scheme is None:
        return {}
    if entry.measure.rated == "given" or scheme.computed is None:
        return {sid: status.word for sid, status in scheme.statuses.items()}
    return {}


FREQUENCY_KIND = {"quarterly": "Q", "monthly": "M"}


def reports_in(measure: Measure, period: Period, pack_frequency: str = "quarterly") -> bool:
    """Whether a measure is in a period's return: a quarterly measure for quarters, a
    monthly one for months, an annual one (its year's result) at its pack's year end."""
    frequency = getattr(measure, "frequency", None) or pack_frequency
    start = getattr(measure, "start", None)
    if start and Period.parse(start).end_date > period.end_date:
        return False  # not reported yet
    if frequency == "annual":
        return period.is_year_end and FREQUENCY_KIND.get(pack_frequency) == period.kind \
            and not measure.series
    return FREQUENCY_KIND.get(frequency) == period.kind


def _collected(project: Project, period: Period) -> list[tuple[str, list[MeasureEntry]]]:
    packs = project.report.returns.packs
    return [(pack_id, [e for e in entries if reports_in(
                e.measure, period, getattr(project.report.packs[pack_id], "frequency",
                                           "quarterly"))])
            for pack_id, entries in project.measures.items()
            if packs is None or pack_id in packs]


def return_lines(project: Project, owner: str, period: Period
                 ) -> list[tuple[str, list[Line]]]:
    """The owner's rows for a period, pack by pack, in the packs' own order."""
    found = []
    for pack_id, entries in _collected(project, period):
        lines = []
        for entry in entries:
            if entry.measure.owner != owner:
                continue
            series = list(entry.measure.series) if entry.measure.series else [MAIN_SERIES]
            lines += [Line(entry, sid, i == 0) for i, sid in enumerate(series)]
        if lines:
            found.append((pack_id, lines))
    return found


def owners_with_measures(project: Project, period: Period) -> list[str]:
    """Owners (in report.yaml's order) with at least one measure reporting in the period."""
    used = {e.measure.owner for _, entries in _collected(project, period) for e in entries}
    return [owner for owner in project.report.owners if owner in used]


def unowned(project: Project, period: Period) -> list[MeasureEntry]:
    """Measures reporting in the period that no return covers, having no owner."""
    return [e for _, entries in _collected(project, period) for e in entries
            if not e.measure.owner]


def due_date(project: Project, period: Period) -> dt.date:
    """When returns for a period are due: report.yaml's returns.due_days after it ends."""
    return period.end_date + dt.timedelta(days=project.report.returns.due_days)


def file_name(owner: str, period: Period) -> str:
    return f"{owner}-{period.id}.xlsx"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
