"""Fuzzing: random valid projects always build; random mutations of real measure files either
build or fail with one of our own errors (which the CLI prints as a message), never a crash.

The example counts are modest for CI. Run longer with, e.g.:
    CSP_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_report.api import open_project
from csp_report.build import build
from csp_report.errors import CspReportError
from csp_report.model.glyphs import printable

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CSP_FUZZ_EXAMPLES", "6"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

REPORT = {
    "partnership": "Fuzz Partnership", "plan": {"name": "Plan", "start": 2015, "end": 2018},
    "owners": {"police": "Police", "council": "Council & Co <Ltd>"},
    "packs": {
        "update": {"title": "Update", "layout": "activity",
                   "sections": {"one": {"heading": "Priority 1", "title": "First",
                                        "outcome": "Better"},
                                "two": {"heading": "Priority 2", "title": "Second"}}},
        "tracker": {"title": "Tracker", "layout": "tracker",
                    "sections": {"one": {"heading": "Theme 1", "title": "First", "label": "ONE"},
                                 "two": {"heading": "Theme 2", "title": "Second"}}},
    },
}

# Any character the validator accepts: those the pack's fonts print (others are refused).
# Printable characters a valid text may hold: not controls, nor the bidirectional controls
# (U+202A-U+202E, U+2066-U+2069) that validation refuses because they reorder printed figures.
ALPHABET = sorted(chr(c) for c in printable() if c >= 0x20 and not 0x7F <= c < 0xA0
                  and not 0x202A <= c <= 0x202E and not 0x2066 <= c <= 0x2069)
texts = st.text(st.sampled_from(ALPHABET), max_size=80)
numbers = st.integers(min_value=0, max_value=10**6)
shares = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False)


@st.composite
def quarter(draw: Any, unit: str) -> dict[str, Any]:
    if draw(st.booleans()) and draw(st.booleans()):
        return {"missing": {"state": draw(st.sampled_from(
            ["not-available", "to-follow", "not-collected", "no-update"])),
            "reason": draw(texts.filter(str.strip))}}
    entry: dict[str, Any] = {"commentary": draw(texts)}
    if unit == "text":
        entry["commentary"] = draw(texts.filter(str.strip))
        return entry
    value = draw(shares if unit == "percentage" else numbers)
    entry["value"] = float(value) if unit == "percentage" else value
    if draw(st.booleans()):
        previous = draw(shares if unit == "percentage" else numbers)
        entry["previous"] = float(previous) if unit == "percentage" else previous
    return entry


@st.composite
def measure(draw: Any, ref: str) -> dict[str, Any]:
    unit = draw(st.sampled_from(["count", "percentage", "rate", "rank", "text"]))
    # A rank is better when lower: "higher" is refused by validation, so never generated.
    good = draw(st.sampled_from(["lower", "monitor"] if unit == "rank"
                                else ["lower", "higher", "monitor"]))
    quarters = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True))
    data: dict[str, Any] = {
        "ref": ref, "section": draw(st.sampled_from(["one", "two"])),
        "title": draw(texts.filter(str.strip)), "detail": draw(texts), "unit": unit,
        "good": good, "noun": "things",
        "owner": draw(st.sampled_from(["police", "council"])),
        "quarters": {f"2016-17-Q{n}": draw(quarter(unit)) for n in sorted(quarters)},
    }
    if unit != "text" and draw(st.booleans()):
        data["years"] = {"2016-17": {"target": draw(numbers) if unit != "percentage"
                                     else float(draw(shares))}}
    return data


def write_project(root: Path, measures: dict[str, list[dict[str, Any]]]) -> None:
    (root / "data").mkdir(parents=True)
    (root / "data/report.yaml").write_text(yaml.safe_dump(REPORT), encoding="utf-8")
    for pack, items in measures.items():
        folder = root / "data/measures" / pack
        folder.mkdir(parents=True)
        for item in items:
            (folder / f"{item['ref']}.yaml").write_text(
                yaml.safe_dump(item, allow_unicode=True), encoding="utf-8")


projects = st.fixed_dictionaries({
    pack: st.integers(1, 4).flatmap(
        lambda n: st.tuples(*(measure(f"{i + 1}.1") for i in range(n))).map(list))
    for pack in ("update", "tracker")})


@pytest.mark.slow
@FUZZ
@given(projects)
def test_random_valid_projects_always_build(tmp_path_factory: pytest.TempPathFactory,
                                            measures: dict[str, list[dict[str, Any]]]) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "project"
    write_project(root, measures)
    written = build(open_project(root), formats=("html", "pdf", "docx"))
    assert len(written) == 6 and all(path.stat().st_size > 0 for path in written)


EXAMPLE_FILES = sorted((REPO / "data/measures").rglob("*.yaml"))
mutations = st.sampled_from(["delete", "insert", "swap", "duplicate", "replace-value"])


def mutate(text: str, kind: str, position: int, token: str) -> str:
    lines = text.splitlines(keepends=True)
    at = position % max(len(text), 1)
    row = position % max(len(lines), 1)
    if kind == "delete":
        return text[:at] + text[at + 1:]
    if kind == "insert":
        return text[:at] + token + text[at:]
    if kind == "swap" and len(lines) > 1:
        other = (row + 1) % len(lines)
        lines[row], lines[other] = lines[other], lines[row]
    elif kind == "duplicate":
        lines.insert(row, lines[row])
    elif kind == "replace-value" and ":" in lines[row]:
        key = lines[row].split(":", 1)[0]
        lines[row] = f"{key}: {token}\n"
    return "".join(lines)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(EXAMPLE_FILES), mutations, st.integers(0, 10**6),
       st.sampled_from(["-1", "1e999", "''", "[", "{a: 1}", "&x", "*x", "!!binary x", "\t",
                        "2016-18-Q1", "null", "true", "\"\\x07\"", ":", "- x", "200.5", "~",
                        "100000000000000000000000000000", "-0.0000001", "\U0001F600"]))
def test_mutated_measure_builds_or_fails_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                                 source: Path, kind: str, position: int,
                                                 token: str) -> None:
    root = tmp_path_factory.mktemp("mutant") / "project"
    shutil.copytree(REPO / "data", root / "data")
    target = root / source.relative_to(REPO)
    target.write_text(mutate(source.read_text(encoding="utf-8"), kind, position, token),
                      encoding="utf-8")
    try:
        build(open_project(root), formats=("html",))
    except CspReportError as err:
        assert str(err)  # a message for the user, never an empty one
