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


def make_sectioned_project(root: Path, sections: int = 4, per_section: int = 14) -> Path:
    """A tracker pack long enough to span many pages: `sections` themes of `per_section`
    measures, each with figures, a target and two sentences of commentary."""
    names = [f"theme-{n}" for n in range(1, sections + 1)]
    report = "owners: {police: Testshire Police}\npacks:\n  targets:\n    title: Targets\n" \
        "    layout: tracker\n    sections:\n" + "".join(
            f"      {name}:\n        heading: Theme {n}\n        title: Theme number {n}\n"
            f"        label: THEME {n}\n" for n, name in enumerate(names, start=1))
    measures = {}
    for s, name in enumerate(names, start=1):
        for m in range(1, per_section + 1):
            value = 40 + (s * 7 + m * 13) % 60
            measures[f"targets/{s}.{m}.yaml"] = (
                f'ref: "{s}.{m}"\nsection: {name}\ntitle: Reduce offences of kind {s}.{m} '
                f"across the borough\nowner: police\nunit: count\nnoun: offences\n"
                f"good: lower\nyears:\n  2022-23: {{target: {value * 4}}}\nquarters:\n"
                f"  2022-23-Q1:\n    value: {value}\n    previous: {value + m - 7}\n"
                f"    commentary: Partners met {m} times this quarter to plan joint patrols. "
                f"The figure for theme {s} is compared with the same quarter last year.\n")
    return make_project(root, report, measures)
