"""The validate stage: one test per rule, each asserting the exact message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.errors import InvalidProject, ProjectNotFound
from tests.conftest import MINIMAL_MEASURE, write

NEW = "data/measures/targets/9.1-test.yaml"


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    return [str(p) for p in caught.value.problems]


def only_problem(root: Path, text: str) -> str:
    write(root / NEW, text)
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


def test_minimal_measure_is_valid(project: Path) -> None:
    write(project / NEW, MINIMAL_MEASURE)
    assert open_project(project).measure_count == 40


def test_unknown_key_suggests_the_known_one(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("    previous: 12", "    previus: 12")
    assert only_problem(project, text) == (
        f"{NEW}:11: quarters.2016-17-Q1.previus: unknown field 'previus' "
        "(did you mean 'previous'?)")


def test_unknown_top_level_key(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("title:", "tittle:")
    found = problems_after_write(project, text)
    assert found == [f"{NEW}:1: title: required field is missing",
                     f"{NEW}:3: tittle: unknown field 'tittle' (did you mean 'title'?)"]


def test_unknown_key_without_a_close_match_has_no_suggestion(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lower\nwibble: 5")
    assert only_problem(project, text) == f"{NEW}:8: wibble: unknown field 'wibble'"


def problems_after_write(root: Path, text: str) -> list[str]:
    write(root / NEW, text)
    return problems(root)


def test_string_where_a_number_belongs(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("value: 10", "value: fourteen")
    assert only_problem(project, text) == (
        f"{NEW}:10: quarters.2016-17-Q1.value: expected a number, got 'fourteen'")


def test_unquoted_ref_is_a_number_not_text(project: Path) -> None:
    text = MINIMAL_MEASURE.replace('ref: "9.1"', "ref: 9.1")
    assert only_problem(project, text) == f"{NEW}:1: ref: expected text, got 9.1 (put it in quotes)"


def test_wrong_choice_lists_the_choices(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lowr")
    assert only_problem(project, text) == (
        f"{NEW}:7: good: expected one of 'lower', 'higher', 'monitor'; got 'lowr' "
        "(did you mean 'lower'?)")


def test_unknown_section(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("section: violence", "section: violance")
    assert only_problem(project, text) == (
        f"{NEW}:2: section: 'violance' is not a section of pack 'targets' "
        "(did you mean 'violence'?)")


def test_unknown_owner(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("owner: cleveland-police", "owner: police")
    assert only_problem(project, text) == (
        f"{NEW}:4: owner: 'police' is not an owner in data/report.yaml "
        "(did you mean 'cleveland-police'?)")


def test_duplicate_ref_names_the_first_file(project: Path) -> None:
    text = MINIMAL_MEASURE.replace('ref: "9.1"', 'ref: "2.3"')
    assert only_problem(project, text) == (
        f"{NEW}:1: ref: '2.3' is already used by "
        "data/measures/targets/2.3-personal-robbery.yaml")


def test_same_ref_in_another_pack_is_fine(project: Path) -> None:
    # Refs repeat between the two seed reports: identity is pack + ref.
    project_ = open_project(project)
    keys = [e.key for entries in project_.measures.values() for e in entries]
    assert "targets/2.3" in keys and "monitoring/2.3" in keys
    assert len(keys) == len(set(keys)) == 39


@pytest.mark.parametrize(("period", "message"), [
    ("2016-18-Q1", "'2016-18-Q1' is not a financial year: 2016 is followed by 17, not 18"),
    ("2016-17-Q5", "'2016-17-Q5' has no quarter 5; quarters are Q1 to Q4"),
    ("2016-Q1", "'2016-Q1' is not a period like 2017-18-Q1 (a quarter) or 2017-18-M04 "
                "(a month: April 2017)"),
    ("2016-17-M13", "'2016-17-M13' has no month 13; months are M01 to M12"),
])
def test_impossible_period(project: Path, period: str, message: str) -> None:
    text = MINIMAL_MEASURE.replace("2016-17-Q1", period)
    assert only_problem(project, text) == f"{NEW}:9: quarters.{period}: {message}"


def test_periods_out_of_order(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("2016-17-Q1", "2016-17-Q3") + (
        "  2016-17-Q2:\n    value: 3\n")
    assert only_problem(project, text) == (
        f"{NEW}:12: quarters.2016-17-Q2: periods must be in order: 2016-17-Q2 is listed "
        "after 2016-17-Q3")


def test_percentage_over_100(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("unit: count", "unit: percentage").replace(
        "value: 10", "value: 100.5")
    assert only_problem(project, text) == (
        f"{NEW}:10: quarters.2016-17-Q1.value: a percentage must be between 0 and 100, "
        "got 100.5; for a change or a distance that may be negative or over 100 use unit: "
        "signed-percentage")


def test_negative_count(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("previous: 12", "previous: -2")
    assert only_problem(project, text) == (
        f"{NEW}:11: quarters.2016-17-Q1.previous: a count cannot be negative, got -2")


def test_missing_state_needs_a_reason(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("    value: 10\n    previous: 12\n",
                                   "    missing:\n      state: to-follow\n")
    assert only_problem(project, text) == (
        f"{NEW}:10: quarters.2016-17-Q1.missing.reason: required field is missing")


def test_missing_reason_must_not_be_empty(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("    value: 10\n    previous: 12\n",
                                   "    missing: {state: to-follow, reason: ''}\n")
    assert only_problem(project, text) == (
        f"{NEW}:10: quarters.2016-17-Q1.missing.reason: must not be empty")


def test_missing_and_a_value_together(project: Path) -> None:
    text = MINIMAL_MEASURE.replace(
        "    previous: 12\n", "    missing: {state: to-follow, reason: late}\n")
    assert only_problem(project, text) == (
        f"{NEW}:9: quarters.2016-17-Q1: a figure cannot be both given and missing")


def test_required_field_missing(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("title: A measure for tests\n", "")
    assert only_problem(project, text) == f"{NEW}:1: title: required field is missing"


def test_control_character_in_text_is_refused(project: Path) -> None:
    text = MINIMAL_MEASURE + '    commentary: "bell \\x07 here"\n'
    assert only_problem(project, text) == (
        f"{NEW}:12: quarters.2016-17-Q1.commentary: contains the control character U+0007 at "
        "character 6; remove it")


def test_series_figures_need_known_series(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lower\nseries:\n  sbc: {label: SBC}")
    text = text.replace("    value: 10\n    previous: 12\n",
                        "    figures:\n      sbs: {value: 3}\n")
    assert only_problem(project, text) == (
        f"{NEW}:13: quarters.2016-17-Q1.figures.sbs: 'sbs' is not a series of this measure "
        "(did you mean 'sbc'?)")


def test_measure_in_a_folder_that_is_no_pack(project: Path) -> None:
    write(project / "data/measures/target/9.1-test.yaml", MINIMAL_MEASURE)
    assert problems(project) == [
        "data/measures/target/9.1-test.yaml:1: folder 'target' is not a pack in "
        "data/report.yaml (did you mean 'targets'?)"]


def test_unknown_key_in_report_configuration(project: Path) -> None:
    report = project / "data/report.yaml"
    report.write_text(report.read_text().replace("language: en-GB", "langauge: en-GB"))
    assert problems(project) == [
        "data/report.yaml:9: langauge: unknown field 'langauge' (did you mean 'language'?)"]


def test_every_problem_in_every_file_is_listed_at_once(project: Path) -> None:
    write(project / NEW, MINIMAL_MEASURE.replace("value: 10", "value: ten"))
    write(project / "data/measures/targets/9.2-test.yaml",
          MINIMAL_MEASURE.replace('"9.1"', '"9.2"').replace("good: lower", "good: lower\ngood: x"))
    assert problems(project) == [
        f"{NEW}:10: quarters.2016-17-Q1.value: expected a number, got 'ten'",
        "data/measures/targets/9.2-test.yaml:8: duplicate key 'good' (first given on line 7)",
    ]


def test_missing_project_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFound, match="project folder '.*nowhere' does not exist"):
        open_project(tmp_path / "nowhere")


def test_folder_without_report_yaml(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFound, match="is not a csp-report project: data/report.yaml "
                       "is missing"):
        open_project(tmp_path)


def test_character_the_fonts_cannot_print_is_refused(project: Path) -> None:
    text = MINIMAL_MEASURE + "    commentary: Good news \U0001F44D\n"
    assert only_problem(project, text) == (
        f"{NEW}:12: quarters.2016-17-Q1.commentary: contains '\U0001F44D' (U+1F44D), which "
        "the pack's fonts cannot print; replace it")


def test_accented_and_typographic_characters_are_fine(project: Path) -> None:
    write(project / NEW, MINIMAL_MEASURE + "    commentary: Café – “quoted” £5 €3 ↑\n")
    assert open_project(project).measure_count == 40


def test_a_series_is_checked_against_its_own_unit(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lower\nseries:\n  share: {label: Share, "
                                   "unit: percentage}\n  count: {label: Count}")
    text = text.replace("    value: 10\n    previous: 12\n",
                        "    figures:\n      share: {value: 150}\n      count: {value: -3}\n")
    write(project / NEW, text)
    assert problems(project) == [
        f"{NEW}:14: quarters.2016-17-Q1.figures.share.value: a percentage must be between 0 "
        "and 100, got 150; for a change or a distance that may be negative or over 100 use "
        "unit: signed-percentage",
        f"{NEW}:15: quarters.2016-17-Q1.figures.count.value: a count cannot be negative, got -3"]


def test_year_to_date_only_for_counts(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("unit: count", "unit: rate").replace(
        "    previous: 12\n", "    previous: 12\n    ytd: 30\n")
    assert only_problem(project, text) == (
        f"{NEW}:12: quarters.2016-17-Q1.ytd: year-to-date figures are for counts that add up "
        "over the year")


def test_years_only_on_single_series_measures(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lower\nseries:\n  a: {label: A}\n"
                                   "years:\n  2016-17: {target: 5}").replace(
        "    value: 10\n    previous: 12\n", "    figures:\n      a: {value: 3}\n")
    assert only_problem(project, text) == (
        f"{NEW}:10: years: yearly targets and results are for single-series measures; give "
        "each series a baseline instead")


def test_missing_quarter_with_figures_is_refused(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("good: lower", "good: lower\nseries:\n  a: {label: A}").replace(
        "    value: 10\n    previous: 12\n",
        "    missing: {state: to-follow, reason: late}\n    figures:\n      a: {value: 3}\n")
    assert only_problem(project, text) == (
        f"{NEW}:11: quarters.2016-17-Q1: a quarter cannot be both missing and have figures; "
        "mark the missing series instead")


def test_a_rank_cannot_be_better_when_higher(project: Path) -> None:
    text = MINIMAL_MEASURE.replace("unit: count", "unit: rank").replace(
        "good: lower", "good: higher")
    assert only_problem(project, text) == (
        f"{NEW}:7: good: a rank is better when lower (1st is best): use good: lower or monitor")
