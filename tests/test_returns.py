"""Partner returns: export, fill in as a partner would, import, status (issue 13)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from projects import make_project

from csp_report.api import open_project
from csp_report.cli import main
from csp_report.model.periods import Period
from csp_report.returns import spec
from csp_report.returns.export import export_returns, workbook_bytes

REPORT = """\
owners:
  police: Testshire Police
  fire: Testshire Fire & Rescue
returns: {due_days: 20, contact: safety@testshire.gov.uk}
packs:
  p:
    title: Board pack
    layout: activity
    sections:
      s: {heading: Priority 1, title: Safer streets, outcome: Less crime}
"""

ROBBERY = """\
# Robbery: police recorded crime.
ref: "1.1"
section: s
title: Reduce robbery
owner: police
unit: count
noun: robberies
good: lower
quarters:
  2023-24-Q1:
    value: 10
    previous: 12   # as the police gave it
    commentary: Fewer robberies.
  2023-24-Q2:
    value: 11
    previous: 13
    commentary: >-
      Still fewer
      robberies.
"""

SATISFACTION = """\
ref: "1.2"
section: s
title: Victim satisfaction
owner: police
unit: percentage
good: higher
quarters:
  2023-24-Q1: {value: 80, previous: 78}
"""

CALLERS = """\
ref: "1.3"
section: s
title: Repeat callers
owner: police
unit: count
good: monitor
series:
  sbc: {label: SBC}
  police: {label: Police}
"""

FIRES = """\
ref: "1.4"
section: s
title: Fire safety visits
owner: fire
unit: text
quarters:
  2023-24-Q1:
    commentary: Visits continue.
"""

NAME = "returns/police-2023-24-Q3.xlsx"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "proj", REPORT, {
        "p/robbery.yaml": ROBBERY, "p/satisfaction.yaml": SATISFACTION,
        "p/callers.yaml": CALLERS, "p/fires.yaml": FIRES})
    return root


def _export(root: Path, period: str = "2023-24-Q3", owner: str = "police",
            force: bool = False) -> Path:
    [path] = export_returns(open_project(root), period, owner, force=force)
    return path


def _fill(path: Path, cells: dict[str, object], number_formats: dict[str, str] | None = None,
          to: Path | None = None) -> Path:
    """Fill cells as a partner would (openpyxl stands in for Excel) and save."""
    wb = load_workbook(path)
    ws = wb[spec.SHEET]
    for coordinate, value in cells.items():
        ws[coordinate] = value
    for coordinate, number_format in (number_formats or {}).items():
        ws[coordinate].number_format = number_format
    target = to or path
    wb.save(target)
    return target


def _import(root: Path, *args: str) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(root)  # messages name the workbook as given, relative to where the command runs
    try:
        result = CliRunner().invoke(main, ["returns", "import", ".", *args])
    finally:
        os.chdir(cwd)
    return result.exit_code, result.output


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "data").rglob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Rows of the small project's police return: 5 is the pack's banner, then one per series.
# Columns: A ref, B measure, C series, D unit, E good, F target, G same quarter last year,
# H previous quarter, I figure, J ytd, K ytd last year, L state, M reason, N commentary.


def test_layout_of_the_measures_sheet(small: Path) -> None:
    ws = load_workbook(_export(small))[spec.SHEET]
    assert [c.value for c in ws[4]][:14] == [c.heading for c in spec.number_columns()]
    assert ws["A5"].value == "Board pack"
    assert [ws[f"{c}6"].value for c in "ABDEH"] == [
        "1.1", "Reduce robbery", "count (robberies)", "lower", 11]
    assert [ws[f"A{r}"].value for r in (6, 7, 8, 9)] == ["1.1", "1.2", "1.3", None]
    assert [ws[f"C{r}"].value for r in (8, 9)] == ["SBC", "Police"]


def test_round_trip_writes_only_the_period_and_is_idempotent(small: Path) -> None:
    _fill(_export(small), {
        "I6": 9, "N6": "Down again & still falling.\nPatrols continue.",
        "I7": 81.5, "G7": 79,
        "I8": 4, "L9": "To follow", "M9": "Police system change",
    })
    before = (small / "data/measures/p/robbery.yaml").read_text()
    code, output = _import(small, NAME)
    assert code == 0, output
    assert "3 measure files updated" in output
    robbery = (small / "data/measures/p/robbery.yaml").read_text()
    assert robbery == before + (
        "  2023-24-Q3:\n"
        "    value: 9\n"
        "    commentary: |-\n"
        "      Down again & still falling.\n"
        "      Patrols continue.\n")
    assert (small / "data/measures/p/satisfaction.yaml").read_text() == SATISFACTION + (
        "  2023-24-Q3:\n    value: 81.5\n    previous: 79\n")
    callers = (small / "data/measures/p/callers.yaml").read_text()
    assert callers == CALLERS + (
        "quarters:\n"
        "  2023-24-Q3:\n"
        "    figures:\n"
        "      sbc: {value: 4}\n"
        "      police:\n"
        "        missing:\n"
        "          state: to-follow\n"
        "          reason: Police system change\n")
    project = open_project(small)
    measure = {e.measure.ref: e.measure for e in project.measures["p"]}
    assert measure["1.1"].quarters["2023-24-Q3"].commentary.endswith("Patrols continue.")
    # the same return again changes nothing
    digest = _digest(small)
    code, output = _import(small, NAME)
    assert (code, _digest(small)) == (0, digest)
    assert "nothing to change" in output


def test_pack_shows_the_imported_figures(small: Path) -> None:
    from projects import document

    _fill(_export(small), {"I6": 9, "N6": "A & B"})
    assert _import(small, NAME)[0] == 0
    text = "\n".join(cell.text for table in document(small, "p", "2023-24-Q3").tables()
                     for row in table.body for cell in row.cells)
    assert "9 robberies compared to 13 last year" not in text  # Q3 last year is not in data
    assert "9 robberies" in text and "A & B" in text


def test_revising_a_figure_needs_a_reason_and_records_it(small: Path) -> None:
    path = _fill(_export(small, "2023-24-Q2"), {"I6": 12})
    digest = _digest(small)
    code, output = _import(small, "returns/police-2023-24-Q2.xlsx")
    assert code == 1
    assert ("returns/police-2023-24-Q2.xlsx:Measures!I6: value: the data already has 11 for "
            "2023-24-Q2 and this return says 12; to change a figure, import with --revise "
            "\"the reason\"") in output
    assert _digest(small) == digest
    code, output = _import(small, str(path.relative_to(small)), "--revise",
                           "police recount after audit")
    assert code == 0, output
    text = (small / "data/measures/p/robbery.yaml").read_text()
    assert text == ROBBERY.replace(
        "    value: 11\n    previous: 13\n",
        "    value: 12\n    previous: 13\n    revised: police recount after audit\n")
    project = open_project(small)
    assert project.measures["p"][0].measure.quarters["2023-24-Q2"].revised == \
        "police recount after audit"


@pytest.mark.parametrize(("reason", "problem"), [
    ("recount\u2028after audit", "contains '\\u2028' (U+2028), which the pack's fonts cannot "
                                 "print; replace it"),
    ("recount \x1b[31m", "contains the control character U+001B at character 9; remove it"),
])
def test_a_revision_reason_is_text_as_any_other(small: Path, reason: str, problem: str) -> None:
    """A line separator in it was an internal error ("please report this")."""
    path = _fill(_export(small, "2023-24-Q2"), {"I6": 12})
    digest = _digest(small)
    code, output = _import(small, str(path.relative_to(small)), "--revise", reason)
    assert (code, output) == (2, f"Error: --revise: {problem}\n")
    assert _digest(small) == digest


def test_a_missing_figure_that_arrives_replaces_the_state(small: Path) -> None:
    _fill(_export(small), {"L6": "To follow", "M6": "Not yet validated"})
    assert _import(small, NAME)[0] == 0
    assert "state: to-follow" in (small / "data/measures/p/robbery.yaml").read_text()
    _fill(_export(small, force=True), {"I6": 14}, to=small / "returns/again.xlsx")
    ws = load_workbook(small / "returns/again.xlsx")[spec.SHEET]
    assert ws["L6"].value == "To follow"  # the state is pre-filled: the partner clears it
    _fill(small / "returns/again.xlsx", {"L6": None, "M6": None})
    code, output = _import(small, "returns/again.xlsx")
    assert code == 0, output
    text = (small / "data/measures/p/robbery.yaml").read_text()
    assert text == ROBBERY + "  2023-24-Q3:\n    value: 14\n"


PROBLEMS = [
    ({"I6": "n/a"}, "Measures!I6: value: expected a number, got 'n/a'"),
    ({"I6": -3}, "Measures!I6: value: a count cannot be negative, got -3"),
    ({"I6": 2.5}, "Measures!I6: value: a count is a whole number, got 2.5"),
    ({"I7": 140}, "Measures!I7: value: a percentage must be between 0 and 100, got 140"),
    ({"H6": 99}, "Measures!H6: Previous quarter: this cell is locked and was changed from 11 to "
                 "99; put figures only in the yellow cells"),
    ({"N9": "pasted"}, "Measures!N9: Commentary: this cell is locked and was changed from "
                       "empty to 'pasted'; put figures only in the yellow cells"),
    ({"L6": "Lost"}, "Measures!L6: missing.state: 'Lost' is not a missing-data state; choose "
                     "one of 'Not available', 'To follow', 'Not collected', 'No update "
                     "provided'"),
    ({"L6": "To follow"}, "Measures!M6: missing.reason: say why the figure is missing"),
    ({"I6": 3, "L6": "To follow", "M6": "x"},
     "Measures!I6: value: a figure cannot be both given and missing"),
    ({"N6": "x" * 20_001}, "Measures!N6: commentary: is 20,001 characters long; the limit is "
                           "20,000"),
]


@pytest.mark.parametrize(("cells", "message"), PROBLEMS)
def test_each_bad_cell_is_named_and_nothing_changes(small: Path, cells: dict[str, object],
                                                    message: str) -> None:
    _fill(_export(small), cells)
    digest = _digest(small)
    code, output = _import(small, NAME)
    assert code == 1
    assert f"{NAME}:{message}" in output
    assert "no measure file was changed" in output and "Traceback" not in output
    assert _digest(small) == digest


def test_every_problem_of_every_workbook_at_once(small: Path) -> None:
    _fill(_export(small), {"I6": "n/a", "I7": 140, "I8": -1})
    [fire] = export_returns(open_project(small), "2023-24-Q3", "fire")
    _fill(fire, {"N6": "x" * 20_001})
    code, output = _import(small, NAME, "returns/fire-2023-24-Q3.xlsx")
    assert code == 1
    lines = [line for line in output.splitlines() if line.startswith("returns/")]
    assert [line.split(": ")[0] for line in lines] == [
        "returns/fire-2023-24-Q3.xlsx:Measures!N6", f"{NAME}:Measures!I6",
        f"{NAME}:Measures!I7", f"{NAME}:Measures!I8"]
    assert output.startswith("Error: 4 problems found; no measure file was changed")


def test_wrong_period_owner_project_tool_corrupt_and_oversized(small: Path) -> None:
    path = _export(small)
    digest = _digest(small)
    assert _import(small, NAME, "--period", "2023-24-Q4") == (
        1, "Error: 1 problem found; no measure file was changed:\n"
           f"{NAME}: is the return for 2023-24-Q3, not 2023-24-Q4\n")
    code, output = _import(small, NAME, "--owner", "fire")
    assert f"{NAME}: is the return of 'police', not 'fire'" in output
    other = Workbook()
    other.active["A1"] = "Figures"
    other.save(small / "returns/other.xlsx")
    code, output = _import(small, "returns/other.xlsx")
    assert code == 1 and "returns/other.xlsx: is not a return made by csp-report" in output
    (small / "returns/corrupt.xlsx").write_bytes(path.read_bytes()[:3000])
    code, output = _import(small, "returns/corrupt.xlsx")
    assert code == 1 and "returns/corrupt.xlsx: cannot be read as an Excel workbook" in output
    (small / "returns/big.xlsx").write_bytes(b"\0" * (spec.MAX_BYTES + 1))
    code, output = _import(small, "returns/big.xlsx")
    assert code == 1 and "returns/big.xlsx: file is 5,242,881 bytes; a return is at most " \
                         "5,242,880 bytes (5 MiB)" in output
    report = small / "data/report.yaml"
    report.write_text(report.read_text().replace("Testshire Community", "Otherton Community"))
    code, output = _import(small, NAME)
    assert code == 1 and (f"{NAME}: is a return for 'Testshire Community Safety Partnership', "
                          "not for this project (Otherton Community Safety Partnership)"
                          ) in output
    report.write_text(report.read_text().replace("Otherton Community", "Testshire Community"))
    assert _digest(small) == digest


def test_a_measure_given_to_another_owner_since_the_export_is_refused(small: Path) -> None:
    _export(small)
    robbery = small / "data/measures/p/robbery.yaml"
    robbery.write_text(robbery.read_text().replace("owner: police", "owner: fire"))
    code, output = _import(small, NAME)
    assert code == 1
    assert (f"{NAME}:Measures!A6: owner: 1.1 Reduce robbery is now owned by 'fire', not "
            "'police'; export the return again") in output


def test_dry_run_prints_the_diff_and_writes_nothing(small: Path) -> None:
    _fill(_export(small), {"I6": 9})
    digest = _digest(small)
    code, output = _import(small, NAME, "--dry-run")
    assert code == 0
    assert "+++ b/data/measures/p/robbery.yaml\n" in output
    assert "+  2023-24-Q3:\n+    value: 9\n" in output
    assert "dry run: 1 measure file would change; nothing written" in output
    assert _digest(small) == digest


def test_all_or_nothing_when_a_rename_fails(small: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from csp_report import write
    from csp_report.errors import CspReportError
    from csp_report.returns import importer

    _fill(_export(small), {"I6": 9, "I7": 50})
    digest = _digest(small)
    calls = []
    real = os.replace

    def flaky(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", flaky)
    with pytest.raises(CspReportError, match="no measure file was changed"):
        importer.import_returns(open_project(small), [small / NAME])
    assert _digest(small) == digest
    assert sorted(p.name for p in (small / "data/measures/p").iterdir()) == [
        "callers.yaml", "fires.yaml", "robbery.yaml", "satisfaction.yaml"]


@pytest.mark.parametrize(("value", "number_format"), [(0.347, "0.0%"), ("34.7%", "@"),
                                                     (" 34.7 ", "@")])
def test_a_percentage_typed_with_a_percent_sign_is_read_as_percent(
        small: Path, value: object, number_format: str) -> None:
    _fill(_export(small), {"I7": value}, {"I7": number_format})
    assert _import(small, NAME)[0] == 0
    assert "value: 34.7\n" in (small / "data/measures/p/satisfaction.yaml").read_text()


@pytest.mark.parametrize(("value", "number_format"), [
    (34.7, '0.0"%"'), (34.7, "0.0\\%"), (34.7, "0.0_%"), (0.347, "[Blue]0.0%")])
def test_a_percent_sign_the_format_only_shows_does_not_scale_the_figure(
        small: Path, value: float, number_format: str) -> None:
    """0.0"%" shows 0.5 as 0.5%: the import wrote 50."""
    _fill(_export(small), {"I7": value}, {"I7": number_format})
    assert _import(small, NAME)[0] == 0
    assert "value: 34.7\n" in (small / "data/measures/p/satisfaction.yaml").read_text()


def test_every_series_missing_for_one_reason_is_the_quarter_missing(small: Path) -> None:
    _fill(_export(small), {"L8": "Not collected", "M8": "No longer collected",
                           "L9": "Not collected", "M9": "No longer collected"})
    assert _import(small, NAME)[0] == 0
    assert (small / "data/measures/p/callers.yaml").read_text() == CALLERS + (
        "quarters:\n  2023-24-Q3:\n    missing:\n      state: not-collected\n"
        "      reason: No longer collected\n")


def test_export_is_byte_identical_and_stamped_from_the_data(small: Path) -> None:
    project = open_project(small)
    first = workbook_bytes(project, Period.parse("2023-24-Q3"), "police")
    assert workbook_bytes(project, Period.parse("2023-24-Q3"), "police") == first
    code = ("import sys; from csp_report.api import open_project; "
            "from csp_report.returns.export import workbook_bytes; "
            "from csp_report.model.periods import Period; "
            "sys.stdout.buffer.write(workbook_bytes(open_project(sys.argv[1]), "
            "Period.parse('2023-24-Q3'), 'police'))")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    other = subprocess.run([sys.executable, "-c", code, str(small)], capture_output=True,
                           env={**env, "PYTHONHASHSEED": "12345"}, check=True).stdout
    assert other == first
    wb = load_workbook(__import__("io").BytesIO(first))
    assert str(wb.properties.created) == str(wb.properties.modified) == "2023-12-31 00:00:00"


def test_validations_and_protection_survive_reloading(small: Path) -> None:
    wb = load_workbook(_export(small))
    cover, ws, meta = wb[spec.COVER], wb[spec.SHEET], wb[spec.META]
    assert wb.sheetnames == [spec.COVER, spec.SHEET, spec.META]
    assert meta.sheet_state == "veryHidden" and wb.security.lockStructure
    assert ws.protection.sheet and cover.protection.sheet
    assert ws["I6"].protection.locked is False and ws["H6"].protection.locked is True
    assert ws["N9"].protection.locked is True  # commentary only on a measure's first row
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    by_cell = {cell: dv for ref, dv in rules.items() for cell in ref.split()}
    assert by_cell["I6"].type == "whole" and by_cell["I6"].formula1 == "0"
    assert by_cell["I7"].type == "decimal" and by_cell["I7"].formula2 == "100"
    assert by_cell["L6"].type == "list" and "To follow" in by_cell["L6"].formula1
    assert all(dv.showInputMessage and dv.prompt for dv in rules.values())
    assert all(str(dv.sqref) for dv in rules.values())  # an empty one: Excel says damaged
    assert not any(dv.formula1 == "1" and dv.type == "whole" for dv in rules.values())  # rank
    texts = [str(c.value) for row in cover.iter_rows() for c in row if c.value]
    assert "Testshire Police" in texts and "20 January 2024" in texts  # 31 Dec + 20 days
    assert "safety@testshire.gov.uk" in texts


def test_status_of_the_example_lists_the_seeds_missing_returns(example: Path) -> None:
    result = CliRunner().invoke(main, ["returns", "status", str(example), "--period",
                                       "2017-18-Q1", "--today", "2017-07-20"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Returns for April 2017 to June 2017 (2017-18-Q1): due 15 July "
                          "2017, 5 days past the due date (on 20 July 2017)\n")
    fire = out[out.index("Cleveland Fire Brigade: 2 missing"):]
    assert fire.splitlines()[1].startswith("  4.4 Reduce Deliberate F1")
    assert fire.splitlines()[1].endswith("missing (To follow: To follow, not available in the "
                                         "right format at the time of writing this report.)")
    assert fire.splitlines()[2].startswith("  4.5 Reduce deliberate small")
    assert "Cleveland Police Management Team: 1 missing\n  3.1 " in out
    assert "SBC Community Safety & Strategy Team: 5 complete, 1 missing\n  4.6 " in out
    assert "4 measures outstanding" in out
    reminder = out[out.index("To: Cleveland Fire Brigade"):]
    assert "was due on 15 July 2017" in reminder
    assert "- 4.5 Reduce deliberate small / nuisance / ASB fires (F3 fires): To follow" \
        in reminder
    assert "cleveland-fire-2017-18-Q1.xlsx" in reminder
    strict = CliRunner().invoke(main, ["returns", "status", str(example), "--period",
                                       "2017-18-Q1", "--strict", "--no-reminders"])
    assert strict.exit_code == 1


def test_status_counts_days_from_source_date_epoch(small: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704844800")  # 10 January 2024
    result = CliRunner().invoke(main, ["returns", "status", str(small), "--period",
                                       "2023-24-Q3", "--no-reminders"])
    assert "due 20 January 2024, due in 10 days (on 10 January 2024)" in result.output
    assert "Testshire Police: 3 not returned" in result.output
    assert result.exit_code == 0


@pytest.mark.parametrize(("today", "code", "said"), [
    ("0001-01-01", 2, "Error: --today 0001-01-01 is not a date between 1990 and 2100, the "
                      "years a plan may cover\n"),
    ("2099-01-01", 0, "due 20 January 2024, 27,375 days past the due date (on 1 January "
                      "2099)"),
])
def test_status_takes_a_today_in_the_plans_years_and_counts_with_separators(
        small: Path, today: str, code: int, said: str) -> None:
    """0001-01-01 was taken, and printed 'due in 736159 days (on 1 January 1)'."""
    result = CliRunner().invoke(main, ["returns", "status", str(small), "--period",
                                       "2023-24-Q3", "--no-reminders", "--today", today])
    assert result.exit_code == code
    assert said in result.output


def test_round_trip_on_the_example_touches_only_the_periods_lines(project: Path) -> None:
    """Export the example's returns, fill them in, import: the git diff of every changed
    measure file is the period's lines and nothing else."""
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   cwd=project, check=True)
    paths = export_returns(open_project(project), "2017-18-Q1")
    fire = next(p for p in paths if p.name == "cleveland-fire-2017-18-Q1.xlsx")
    police = next(p for p in paths if p.name == "sbc-community-safety-2017-18-Q1.xlsx")
    ws = load_workbook(fire)[spec.SHEET]
    rows = {ws[f"A{r}"].value: r for r in range(6, 12)}
    # 4.4's three series arrive; 4.5 is still to follow with a new reason
    series = {f"{c}{rows['4.4'] + i}": None for c in "LM" for i in range(3)}
    _fill(fire, {**series, f"I{rows['4.4']}": 3, f"I{rows['4.4'] + 1}": 5,
                 f"I{rows['4.4'] + 2}": 1,
                 f"N{rows['4.4']}": "Arson reduction & patrols\nin the town centre.",
                 f"M{rows['4.5']}": "Due in August."})
    cells = {c.value: c.row for c in load_workbook(police)[spec.SHEET]["A"] if c.value}
    _fill(police, {f"L{cells['4.6']}": None, f"M{cells['4.6']}": None,
                   f"N{cells['4.6']}": "Visitors up by 12%."})
    code, output = _import(project, "returns/cleveland-fire-2017-18-Q1.xlsx",
                           "returns/sbc-community-safety-2017-18-Q1.xlsx")
    assert code == 0, output
    diff = subprocess.run(["git", "diff", "-U0", "--", "data"], cwd=project, check=True,
                          capture_output=True, text=True).stdout
    changed = [line.split()[-1] for line in diff.splitlines() if line.startswith("+++ ")]
    assert changed == ["b/data/measures/monitoring/4.4-deliberate-property-fires.yaml",
                       "b/data/measures/monitoring/4.5-deliberate-small-fires.yaml",
                       "b/data/measures/monitoring/4.6-social-media.yaml"]
    for name in changed:
        _assert_only_period_lines(project / name[2:], diff, name, "2017-18-Q1")
    text = (project / "data/measures/monitoring/4.4-deliberate-property-fires.yaml").read_text()
    assert text.endswith("  2017-18-Q1:\n    figures:\n      dwellings: {value: 3}\n"
                         "      vehicles: {value: 5}\n      industrial-commercial: {value: 1}\n"
                         "    commentary: |-\n      Arson reduction & patrols\n"
                         "      in the town centre.\n")
    from projects import document

    cells_text = "\n".join(cell.text for table in document(project, "monitoring",
                                                           "2017-18-Q1").tables()
                           for row in table.body for cell in row.cells)
    assert "Arson reduction & patrols" in cells_text and "Due in August." in cells_text
    from csp_report.build import build

    [html] = build(open_project(project), pack="monitoring", period="2017-18-Q1",
                   formats=("html",))
    page = html.read_text(encoding="utf-8")
    assert "Arson reduction &amp; patrols" in page and "Due in August." in page
    assert "Visitors up by 12%." in page
    status = CliRunner().invoke(main, ["returns", "status", str(project), "--period",
                                       "2017-18-Q1", "--today", "2017-07-20"]).output
    assert "Cleveland Fire Brigade: 1 complete, 1 missing" in status


def _assert_only_period_lines(path: Path, diff: str, name: str, period: str) -> None:
    """Every line the diff adds or removes lies inside the period's block of the file."""
    lines = path.read_text().splitlines()
    start = lines.index(f"  {period}:")
    end = next((i for i in range(start + 1, len(lines))
                if lines[i][:3].strip() and not lines[i].startswith("    ")), len(lines))
    part = diff[diff.index(f"+++ {name}"):]
    part = part.split("\ndiff --git", 1)[0]
    for hunk in [h for h in part.splitlines() if h.startswith("@@")]:
        new = hunk.split()[2][1:]
        first, _, count = new.partition(",")
        first_line, count_n = int(first), int(count or 1)
        for number in range(first_line, first_line + count_n):
            assert start < number <= end, f"{name}: line {number} is outside {period}"
        old = hunk.split()[1][1:]
        if old.partition(",")[2] != "0":  # removed lines sit where the period's block was
            assert start < int(old.partition(",")[0]) <= end + 1


@pytest.mark.slow
def test_libreoffice_opens_the_return(small: Path, tmp_path: Path) -> None:
    path = _export(small)
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", options, "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    measures = (tmp_path / "police-2023-24-Q3-Measures.csv").read_text(encoding="utf-8")
    rows = measures.splitlines()
    assert rows[3].startswith("Ref,Measure,Series,Unit,Good is,")
    assert rows[5].startswith("1.1,Reduce robbery,,count (robberies),lower,,,11,")
    cover = (tmp_path / "police-2023-24-Q3-Cover.csv").read_text(encoding="utf-8")
    assert "Due by,20 January 2024" in cover


def test_a_filled_in_return_is_not_overwritten_by_a_new_export(small: Path) -> None:
    from csp_report.errors import CspReportError

    path = _fill(_export(small), {"I6": 9})
    filled = path.read_bytes()
    with pytest.raises(CspReportError, match="not replacing 1 workbook that differs"):
        _export(small)
    assert path.read_bytes() == filled
    [again] = export_returns(open_project(small), "2023-24-Q3", "police", force=True)
    assert again.read_bytes() != filled
    assert export_returns(open_project(small), "2023-24-Q3", "police") == [again]  # same bytes


def test_an_xml_entity_bomb_is_refused_cleanly(small: Path) -> None:
    import zipfile

    path = _export(small)
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<worksheet>&lol2;</worksheet>')
    target = small / "returns/bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, bomb if info.filename == "xl/worksheets/sheet2.xml" else data)
    code, output = _import(small, "returns/bomb.xlsx")
    assert code == 1 and "Traceback" not in output
    assert "returns/bomb.xlsx: cannot be read as an Excel workbook (.xlsx)" in output


def test_help_of_the_returns_commands() -> None:
    for command in ("export", "import", "status"):
        result = CliRunner().invoke(main, ["returns", command, "--help"])
        assert result.exit_code == 0
        assert result.output.startswith(f"Usage: main returns {command} [OPTIONS]")
    status = CliRunner().invoke(main, ["returns", "status", "--help"]).output
    assert "SOURCE_DATE_EPOCH" in status and "clock" in status


def test_unknown_period_or_owner_is_a_usage_error(small: Path) -> None:
    for args in (["--period", "2023-24-Q5"], ["--period", "2023-24-Q3", "--owner", "nobody"]):
        result = CliRunner().invoke(main, ["returns", "export", str(small), *args])
        assert result.exit_code == 2 and result.output.startswith("Error: "), result.output


@pytest.mark.slow
def test_a_return_saved_by_libreoffice_imports(small: Path, tmp_path: Path) -> None:
    """A partner who fills the return in with LibreOffice rather than Excel."""
    path = _fill(_export(small), {"I6": 9, "N6": "Saved & sent\nfrom LibreOffice",
                                  "L9": "To follow", "M9": "Next week"})
    saved = tmp_path / "saved"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                   check=True, capture_output=True, timeout=180)
    code, output = _import(small, str(saved / path.name))
    assert code == 0, output
    assert (small / "data/measures/p/robbery.yaml").read_text() == ROBBERY + (
        "  2023-24-Q3:\n    value: 9\n    commentary: |-\n      Saved & sent\n"
        "      from LibreOffice\n")


YTD = """\
ref: "2.1"
section: s
title: Burglary
owner: fire
unit: count
good: lower
quarters:
  2023-24-Q1: {value: 10, ytd: 10}
"""


def test_a_return_that_would_make_the_data_inconsistent_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", REPORT, {"p/burglary.yaml": YTD,
                                                    "p/fires.yaml": FIRES})
    [path] = export_returns(open_project(root), "2023-24-Q2", "fire")
    _fill(path, {"I7": 5, "J7": 30})
    digest = _digest(root)
    code, output = _import(root, "returns/fire-2023-24-Q2.xlsx")
    assert (code, output) == (1, (
        "Error: 1 problem found; no measure file was changed:\n"
        "returns/fire-2023-24-Q2.xlsx:Measures!J7: ytd: year to date 30 does not add up: 10 at "
        "2023-24-Q1 plus this quarter's 5 is 15 (if the source revised its figures, say why in "
        "'revised:')\n"))
    assert _digest(root) == digest


def test_windows_line_ends_and_a_byte_order_mark_are_kept(small: Path) -> None:
    robbery = small / "data/measures/p/robbery.yaml"
    robbery.write_bytes(b"\xef\xbb\xbf" + ROBBERY.replace("\n", "\r\n").encode())
    _fill(_export(small), {"I6": 9})
    assert _import(small, NAME)[0] == 0
    assert robbery.read_bytes() == b"\xef\xbb\xbf" + (
        ROBBERY + "  2023-24-Q3:\n    value: 9\n").replace("\n", "\r\n").encode()


def test_two_returns_for_the_same_measures_and_period_are_refused(small: Path) -> None:
    path = _fill(_export(small), {"I6": 9})
    (small / "returns/copy.xlsx").write_bytes(path.read_bytes())
    code, output = _import(small, NAME, "returns/copy.xlsx")
    assert code == 1
    assert ("returns/copy.xlsx:Measures!A6: 1.1 Reduce robbery for 2023-24-Q3 is also in "
            f"{NAME}; import one return per owner and period") in output


GIVEN = """\
owners:
  police: Testshire Police
narratives:
  action: Action / response
status_schemes:
  position:
    name: Position
    statuses:
      below: {word: Below average, colour: "#1B5E20"}
      above: {word: Above average, colour: "#B71C1C", bad: true}
packs:
  p:
    title: Benchmarking
    layout: table
    status: position
    sections:
      s: {title: Crime}
"""

RATE = """\
section: s
title: All crime
owner: police
unit: rate
per: 1,000 population
good: lower
rated: given
quarters:
  2023-24-Q1: {value: 78.4, status: below}
"""


def test_owners_give_their_rating_and_narratives(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", GIVEN, {"p/all.yaml": RATE})
    [path] = export_returns(open_project(root), "2023-24-Q2", "police")
    ws = load_workbook(path)[spec.SHEET]
    assert [c.value for c in ws[4]][13:] == ["Commentary", "Action / response",
                                             "Status (your rating)"]
    assert ws["D6"].value == "rate (per 1,000 population)"
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["P6"].formula1 == '"Below average,Above average"'
    _fill(path, {"I6": 80.1, "O6": "Patrols in the town centre.", "P6": "Above average"})
    code, output = _import(root, "returns/police-2023-24-Q2.xlsx")
    assert code == 0, output
    quarter = open_project(root).measures["p"][0].measure.quarters["2023-24-Q2"]
    assert (str(quarter.value), quarter.status, quarter.narratives) == (
        "80.1", "above", {"action": "Patrols in the town centre."})
    _fill(path, {"P6": "Top"})
    code, output = _import(root, "returns/police-2023-24-Q2.xlsx")
    assert ("returns/police-2023-24-Q2.xlsx:Measures!P6: status: 'Top' is not a rating; choose "
            "one of 'Below average', 'Above average'") in output


def test_one_series_arriving_leaves_the_others_missing_in_any_row_order(small: Path) -> None:
    callers = small / "data/measures/p/callers.yaml"
    callers.write_text(CALLERS + "quarters:\n  2023-24-Q3:\n    missing:\n"
                       "      state: to-follow\n      reason: Awaiting data\n")
    path = _export(small)
    ws = load_workbook(path)[spec.SHEET]
    assert [ws[c].value for c in ("L8", "M8", "L9", "M9")] == [
        "To follow", "Awaiting data", "To follow", "Awaiting data"]
    _fill(path, {"I9": 4, "L9": None, "M9": None})  # the second series (police) arrives
    code, output = _import(small, NAME)
    assert code == 0, output
    assert callers.read_text() == CALLERS + (
        "quarters:\n  2023-24-Q3:\n    figures:\n      sbc:\n        missing:\n"
        "          state: to-follow\n          reason: Awaiting data\n"
        "      police: {value: 4}\n")


def test_status_tells_complete_incomplete_and_settled_apart(small: Path) -> None:
    from csp_report.returns.status import measure_state, returns_status

    robbery = small / "data/measures/p/robbery.yaml"
    robbery.write_text(ROBBERY + "  2023-24-Q3:\n    commentary: Figures next week.\n")
    callers = small / "data/measures/p/callers.yaml"
    callers.write_text(CALLERS + "quarters:\n  2023-24-Q3:\n    figures:\n"
                       "      sbc: {value: 3}\n")
    satisfaction = small / "data/measures/p/satisfaction.yaml"
    satisfaction.write_text(SATISFACTION + "  2023-24-Q3:\n    missing: {state: not-collected, "
                            "reason: Survey stopped}\n")
    status = returns_status(open_project(small), "2023-24-Q3")
    police = status.owners[0]
    assert [str(m) for m in police.measures] == [
        "1.1 Reduce robbery: incomplete (no figure given)",
        "1.2 Victim satisfaction: missing (Not collected: Survey stopped)",
        "1.3 Repeat callers: incomplete (no figure for Police)"]
    assert [m.entry.measure.ref for m in police.outstanding] == ["1.1", "1.3"]
    fires = open_project(small).measures["p"][-1]
    assert str(measure_state(fires, Period.parse("2023-24-Q1"))) == \
        "1.4 Fire safety visits: complete"


MONTHLY = """\
owners:
  police: Testshire Police
packs:
  m:
    title: Monthly pack
    layout: table
    frequency: monthly
    periods: year-so-far
    sections:
      s: {title: Crime}
"""

MONTHLY_MEASURE = """\
section: s
title: Burglary
owner: police
frequency: monthly
unit: count
noun: burglaries
good: lower
quarters:
  2022-23-M04: {value: 12}
  2022-23-M05: {value: 11}
  2023-24-M04: {value: 10}
"""

ANNUAL = """\
section: s
title: Survey
owner: police
frequency: annual
unit: percentage
good: higher
years:
  2022-23: {result: 50}
"""


def test_a_monthly_return(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MONTHLY, {"m/burglary.yaml": MONTHLY_MEASURE,
                                                     "m/survey.yaml": ANNUAL})
    [path] = export_returns(open_project(root), "2023-24-M05", "police")
    assert path.name == "police-2023-24-M05.xlsx"
    ws = load_workbook(path)[spec.SHEET]
    assert [ws[f"{c}4"].value for c in "GHI"] == [
        "Same month last year", "Previous month", "Figure this month"]
    assert [ws[f"{c}6"].value for c in "BGH"] == ["Burglary", 11, 10]
    assert ws["B7"].value is None  # the annual survey has no monthly entry
    _fill(path, {"I6": 9})
    assert _import(root, "returns/police-2023-24-M05.xlsx")[0] == 0
    assert (root / "data/measures/m/burglary.yaml").read_text() == \
        MONTHLY_MEASURE + "  2023-24-M05:\n    value: 9\n"
    result = CliRunner().invoke(main, ["returns", "status", str(root), "--period",
                                       "2023-24-M05", "--today", "2023-06-10"])
    assert "due 15 June 2023, due in 5 days" in result.output
    assert "Testshire Police: 1 complete" in result.output


def test_an_annual_result_is_returned_at_the_year_end(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MONTHLY, {"m/burglary.yaml": MONTHLY_MEASURE,
                                                     "m/survey.yaml": ANNUAL})
    [path] = export_returns(open_project(root), "2023-24-M03", "police")
    ws = load_workbook(path)[spec.SHEET]
    assert [ws[f"{c}7"].value for c in "BCG"] == ["Survey", "Result for the year 2023/24", 50]
    assert ws["I7"].protection.locked is False and ws["N7"].protection.locked is True
    status = CliRunner().invoke(main, ["returns", "status", str(root), "--period",
                                       "2023-24-M03", "--today", "2024-04-01"]).output
    assert "  Survey: not returned (the result for 2023/24)" in status
    assert "- Survey: no return yet (the result for 2023/24)" in status
    _fill(path, {"I7": 55.5})
    code, output = _import(root, "returns/police-2023-24-M03.xlsx")
    assert code == 0, output
    assert (root / "data/measures/m/survey.yaml").read_text() == ANNUAL + \
        "  2023-24: {result: 55.5}\n"
    assert open_project(root).measures["m"][1].measure.years["2023-24"].result == \
        __import__("decimal").Decimal("55.5")
    _fill(path, {"I7": 56})
    code, output = _import(root, "returns/police-2023-24-M03.xlsx")
    assert ("returns/police-2023-24-M03.xlsx:Measures!I7: years.2023-24.result: the data "
            "already has 55.5 for 2023-24 and this return says 56") in output
    code, output = _import(root, "returns/police-2023-24-M03.xlsx", "--revise", "late survey "
                           "responses")
    assert code == 0, output
    assert (root / "data/measures/m/survey.yaml").read_text() == ANNUAL + \
        "  2023-24: {result: 56, revised: late survey responses}\n"


def test_a_cleared_missing_state_is_a_change_and_must_leave_something(small: Path) -> None:
    robbery = small / "data/measures/p/robbery.yaml"
    robbery.write_text(ROBBERY + "  2023-24-Q3:\n    missing: {state: to-follow, reason: Soon}\n")
    path = _fill(_export(small), {"L6": None, "M6": None})
    code, output = _import(small, NAME)
    assert code == 1
    assert (f"{NAME}:Measures!L6: missing.state: the missing state was cleared but nothing was "
            "given in its place: give the figure, or keep the state") in output
    _fill(path, {"N6": "Figures are being checked."})
    code, output = _import(small, NAME)
    assert code == 0, output
    assert robbery.read_text() == ROBBERY + (
        "  2023-24-Q3:\n    commentary: Figures are being checked.\n")


def test_source_date_epoch_dates_the_workbook(small: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    import io
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704844800")  # 10 January 2024
    data = workbook_bytes(open_project(small), Period.parse("2023-24-Q3"), "police")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 10, 0, 0, 0)}
    assert str(load_workbook(io.BytesIO(data)).properties.modified) == "2024-01-10 00:00:00"


def test_a_monthly_packs_measures_are_monthly_by_default_and_start_when_they_start(
        tmp_path: Path) -> None:
    later = MONTHLY_MEASURE.replace("frequency: monthly\n", "").replace(
        "title: Burglary", "title: Shoplifting\nstart: 2023-24-M07").replace(
        "  2022-23-M04: {value: 12}\n  2022-23-M05: {value: 11}\n  2023-24-M04: {value: 10}\n",
        "  2023-24-M07: {value: 4}\n")
    root = make_project(tmp_path / "proj", MONTHLY, {
        "m/burglary.yaml": MONTHLY_MEASURE.replace("frequency: monthly\n", ""),
        "m/shoplifting.yaml": later})
    project = open_project(root)
    assert [line.entry.measure.title for _, lines in spec.return_lines(
        project, "police", Period.parse("2023-24-M05")) for line in lines] == ["Burglary"]
    assert [line.entry.measure.title for _, lines in spec.return_lines(
        project, "police", Period.parse("2023-24-M08")) for line in lines] == [
        "Burglary", "Shoplifting"]


@pytest.mark.parametrize("text", ["Yes", "on", "12:30", "2024-01-02", "null", "1.5"])
def test_text_that_yaml_1_1_reads_as_something_else_is_quoted(small: Path, text: str) -> None:
    _fill(_export(small), {"N6": text, "L7": "No update provided", "M7": text})
    code, output = _import(small, NAME)
    assert code == 0, output
    quarters = {e.measure.ref: e.measure.quarters["2023-24-Q3"]
                for e in open_project(small).measures["p"] if "2023-24-Q3" in e.measure.quarters}
    assert quarters["1.1"].commentary == text and quarters["1.2"].missing.reason == text
    assert f"    commentary: '{text}'\n" in (small / "data/measures/p/robbery.yaml").read_text()


def test_ctrl_c_while_writing_puts_every_file_back(small: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from csp_report import write

    _fill(_export(small), {"I6": 9, "I7": 50})
    digest = _digest(small)
    calls = []
    real = os.replace

    def interrupted(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", interrupted)
    code, output = _import(small, NAME)
    assert (code, output) == (130, "Interrupted: no measure file was changed.\n")
    assert _digest(small) == digest
