"""Small fixture projects written by the tests themselves (the example in data/ is for users)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from csp_report.api import open_project
from csp_report.compute.measures import compute
from csp_report.layout import layout
from csp_report.layout.document import Document, Table
from csp_report.model.periods import Period

REPORT_HEAD = """\
partnership: Testshire Community Safety Partnership
plan: {name: Community Safety Plan, start: 2022, end: 2025}
language: en-GB
"""


def make_project(root: Path, report: str, measures: dict[str, str]) -> Path:
    """A project folder: report.yaml (after the common head) and measure files by path
    under data/measures/ (e.g. 'pack/1.yaml')."""
    data = root / "data"
    (data / "measures").mkdir(parents=True)
    (data / "report.yaml").write_text(REPORT_HEAD + textwrap.dedent(report), encoding="utf-8")
    for name, text in measures.items():
        path = data / "measures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def document(root: Path, pack: str, period: str) -> Document:
    return layout(compute(open_project(root), pack, Period.parse(period)))


def section_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables() if t.id.startswith("table-section-")]


def grid(table: Table) -> list[list[str]]:
    """Header row and body rows of a table as cell texts."""
    return [[c.text for c in row.cells] for row in (*table.head, *table.body)]
