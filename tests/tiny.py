"""Small projects made by the tests: one pack, one section, the measures a test writes."""

from __future__ import annotations

from pathlib import Path

from csp_report.api import open_project
from csp_report.compute.measures import ComputedMeasure, compute
from csp_report.model.periods import Period
from csp_report.sentences import Sentences
from tests.conftest import write

REPORT = """\
partnership: Test Partnership
plan: {name: Community Safety Plan, start: 2015, end: 2018}
language: en-GB
owners:
  police: Police
rag: {rule: tolerance, tolerance: 5, no_target: last-year, travel: same-quarter-last-year}
packs:
  targets:
    title: Targets
    layout: tracker
    sections:
      crime: {heading: Theme 1, title: Crime, label: CRIME}
"""

HEAD = """\
ref: "1.1"
section: crime
title: A measure
owner: police
"""


def tiny(root: Path, *measures: str) -> Path:
    """A project with report.yaml and the measure files given (each a YAML text)."""
    write(root / "data/report.yaml", REPORT)
    for number, text in enumerate(measures, start=1):
        write(root / f"data/measures/targets/{number}.yaml", text)
    return root


def measure(root: Path, text: str, period: str) -> ComputedMeasure:
    """The one measure of a tiny project, computed for a period."""
    project = open_project(tiny(root, text))
    return compute(project, "targets", Period.parse(period)).measures[0]


def sentences_of(root: Path, text: str, period: str) -> list[str]:
    """The sentences of each series of the current quarter, as printed."""
    computed = measure(root, text, period)
    say = Sentences(root)
    return [say.figures(f) for f in computed.current.series]
