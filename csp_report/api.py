"""The library calls behind every CLI command: each is one function a script can call too."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectNotFound
from .loader import REPORT_FILE, load_project
from .model.project import Project
from .validate import validate


def open_project(project_dir: Path | str = ".") -> Project:
    """Load and validate a project folder; raise InvalidProject listing every problem."""
    root = Path(project_dir)
    if not root.is_dir():
        raise ProjectNotFound(f"project folder '{root}' does not exist")
    if not os.path.lexists(root / REPORT_FILE):  # one that cannot be read is a problem
        raise ProjectNotFound(f"'{root}' is not a csp-report project: {REPORT_FILE} is missing")
    return validate(load_project(root))


@dataclass(frozen=True)
class Summary:
    """What `validate` reports for a valid project."""

    measures: int
    packs: int
    periods: int

    def __str__(self) -> str:
        from .messages import counted

        return (f"OK: {counted(self.measures, 'measure')} across {counted(self.packs, 'pack')}, "
                f"{counted(self.periods, 'period')}")


def summarise(project: Project) -> Summary:
    """Count the measures, packs and distinct periods of a valid project."""
    periods = {p for pack_id in project.measures for p in project.periods(pack_id)}
    return Summary(project.measure_count, len(project.report.packs), len(periods))
