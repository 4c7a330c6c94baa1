"""The validated project: the report configuration and every measure, grouped by pack."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..loader import Document
from .measure import MAIN_SERIES, Figures, Measure, Quarter
from .periods import Period
from .report import Pack, Report
from .status import BUILT_IN, Scheme


def ref_key(ref: str) -> tuple[tuple[int, str], ...]:
    """Sort refs naturally: 1.2 before 1.10, 4.4a after 4.4."""
    # isdecimal and ASCII: '²' is a digit to str.isdigit() but not a number to int().
    return tuple((int(part), "") if part.isascii() and part.isdecimal() else (1 << 30, part)
                 for part in re.split(r"[.\s]+", ref))


@dataclass(frozen=True)
class MeasureEntry:
    """A validated measure with the pack it belongs to and where it came from."""

    pack: str
    measure: Measure
    document: Document = field(compare=False, repr=False)

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def key(self) -> str:
        """A measure's identity across the project: its pack and its ref (or file name)."""
        return f"{self.pack}/{self.measure.ref or Path(self.file).stem}"

    @property
    def name(self) -> str:
        """How lists name the measure: '2.3 Personal robbery', or the title without a ref."""
        m = self.measure
        return f"{m.ref} {m.title}" if m.ref else m.title

    def series_ids(self) -> list[str]:
        return list(self.measure.series) if self.measure.series else [MAIN_SERIES]

    def figures(self, quarter: Quarter) -> dict[str, Figures]:
        """Each series' figures in one quarter; a single-series measure has the series 'main'."""
        if self.measure.series:
            given = quarter.figures or {}
            return {sid: given.get(sid, Figures()) for sid in self.measure.series}
        return {MAIN_SERIES: quarter}


@dataclass(frozen=True)
class Project:
    """Everything a build needs, checked: stages after validate trust it."""

    root: Path
    report: Report
    measures: dict[str, list[MeasureEntry]]
    # Each file read, by name as shown (data/report.yaml), with the sha256 of its bytes: what
    # this project was made from, whatever the files hold by now.
    sources: dict[str, str] = field(default_factory=dict)

    def pack(self, pack_id: str) -> Pack:
        return self.report.packs[pack_id]

    def scheme(self, pack_id: str) -> Scheme | None:
        """The pack's status scheme; None for a pack without statuses."""
        name = self.report.packs[pack_id].status
        if name == "none":
            return None
        return self.report.status_schemes.get(name) or BUILT_IN[name]

    def periods(self, pack_id: str) -> list[Period]:
        """Every period any measure of the pack has data for, oldest first."""
        found = {Period.parse(pid) for entry in self.measures[pack_id]
                 for pid in entry.measure.quarters}
        return sorted(found)


    @property
    def measure_count(self) -> int:
        return sum(len(entries) for entries in self.measures.values())
