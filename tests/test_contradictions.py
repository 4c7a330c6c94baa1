"""Data that contradicts itself, or would print misleadingly, is refused at validation with its
file, line and field (found by an attack on the layouts and figures): each test's input used
to pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.errors import InvalidProject
from csp_report.model.periods import FinancialYear, Period

SMALL = Path(__file__).parent / "fixtures/small/data"
ROBBERY = "data/measures/tracker/1.1-robbery.yaml"
OTHER = "data/measures/tracker/1.2-satisfaction.yaml"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SMALL, root / "data")
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    return [str(p) for p in caught.value.problems]


def test_a_negative_tolerance_is_refused(tmp_path: Path) -> None:
    """With -5, a worse figure was rated Green, and the key said 'within -5%'."""
    root = project(tmp_path)
    edit(root, ROBBERY, "good: lower\n", "good: lower\nrag_rule: change\ntolerance: -5\n")
    edit(root, "data/report.yaml", "language: en-GB\n",
         "language: en-GB\nrag: {rule: tolerance, tolerance: -1}\n")
    assert sorted(problems(root)) == [
        f"{ROBBERY}:10: tolerance: must be greater than or equal to 0, got -5",
        "data/report.yaml:8: rag.tolerance: must be greater than or equal to 0, got -1"]


SCHEME = """\
status_schemes:
  own:
    name: Progress
    statuses:
STATUSES
"""


def _scheme(root: Path, statuses: str) -> None:
    edit(root, "data/report.yaml", "language: en-GB\n",
         "language: en-GB\n" + SCHEME.replace("STATUSES\n", statuses))


@pytest.mark.parametrize("word", [" good ", "Go\u200bod", "GOOD"])
def test_two_statuses_that_print_the_same_word_are_refused(tmp_path: Path, word: str) -> None:
    root = project(tmp_path)
    _scheme(root, '      good: {word: Good, colour: "#00B050"}\n'
                  f'      bad: {{word: "{word}", colour: "#00B050", bad: true}}\n')
    assert problems(root) == [
        f"data/report.yaml:13: status_schemes.own.statuses.bad.word: '{word}' prints as the "
        "word of 'good' ('Good'): a reader could not tell the two statuses apart"]


def test_an_accent_composed_or_not_is_the_same_word(tmp_path: Path) -> None:
    root = project(tmp_path)
    _scheme(root, '      a: {word: "Caf\u00e9", colour: "#00B050"}\n'
                  '      b: {word: "Cafe\u0301", colour: "#00B050"}\n')
    assert len(problems(root)) == 1


def test_a_scheme_has_at_most_twenty_statuses(tmp_path: Path) -> None:
    """10,000 statuses took the PDF renderer 96 s and 1.75 GB."""
    root = project(tmp_path)
    _scheme(root, "".join(f'      s{n}: {{word: Word {n}, colour: "#00B050"}}\n'
                          for n in range(21)))
    assert problems(root) == [
        "data/report.yaml:11: status_schemes.own.statuses: at most 20 entries"]
    root = project(tmp_path / "twenty")
    _scheme(root, "".join(f'      s{n}: {{word: Word {n}, colour: "#00B050"}}\n'
                          for n in range(20)))
    assert open_project(root).measure_count == 3


@pytest.mark.parametrize(("figures", "problem"), [
    ("value: 2.5\n    previous: 2", "quarters.2016-17-Q1.value: a rank is a whole number, 1 for "
                                      "first, got 2.5"),
    ("value: 0\n    previous: 2", "quarters.2016-17-Q1.value: a rank is a whole number, 1 for "
                                    "first, got 0"),
])
def test_a_rank_is_a_whole_number_from_one(tmp_path: Path, figures: str, problem: str) -> None:
    """2.5 against 2.45 printed '2nd compared to 2nd' yet 'Worse'; 0.4 printed '0th'."""
    root = project(tmp_path)
    edit(root, ROBBERY, "unit: count", "unit: rank")
    edit(root, ROBBERY, "value: 14\n    previous: 17", figures)
    edit(root, ROBBERY, "  2016-17: {target: 101, ", "  2016-17: {target: 3, ")
    assert problems(root) == [f"{ROBBERY}:13: {problem}"]


def test_out_of_is_for_ranks(tmp_path: Path) -> None:
    """It was silently ignored on a count."""
    root = project(tmp_path)
    edit(root, ROBBERY, "    previous: 17\n", "    previous: 17\n    out_of: 20\n")
    assert problems(root) == [
        f"{ROBBERY}:15: quarters.2016-17-Q1.out_of: out_of is for ranks (how many places "
        "there are), not for a count"]


def test_a_rate_cannot_be_negative(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, ROBBERY, "unit: count", "unit: rate\nper: 1000 population")
    edit(root, ROBBERY, "value: 14", "value: -3")
    assert problems(root) == [
        f"{ROBBERY}:14: quarters.2016-17-Q1.value: a rate cannot be negative, got -3; for a "
        "change that may be negative use unit: signed-percentage"]


@pytest.mark.parametrize("ref", ["1.1 ", " 1.1", "1.1\u00a0", "1.1\u200b"])
def test_refs_that_print_the_same_are_the_same_ref(tmp_path: Path, ref: str) -> None:
    root = project(tmp_path)
    edit(root, OTHER, 'ref: "1.2"', f'ref: "{ref}"')
    assert problems(root) == [
        f"{OTHER}:1: ref: '{ref}' (it prints as '1.1') is already used by {ROBBERY}"]


@pytest.mark.parametrize("text", ["\u0662\u0660\u0661\u0666-\u0661\u0667-Q1", "2016-17-Q1\n",
                                  "2016-17\n", "\uff12016-17-Q1"])
def test_a_period_is_written_in_ascii_digits_alone(text: str) -> None:
    """Arabic-Indic digits and a trailing line break passed as a period id, which the returns
    then could not be read back into."""
    with pytest.raises(ValueError):
        Period.parse(text) if "Q" in text else FinancialYear.parse(text)


def test_a_plan_ends_after_it_starts(tmp_path: Path) -> None:
    """'start: 2018, end: 2016' printed 'Plan 2018-16'."""
    root = project(tmp_path)
    edit(root, "data/report.yaml", "  start: 2016\n  end: 2018\n", "  start: 2018\n  end: 2016\n")
    assert problems(root) == [
        "data/report.yaml:3: plan: the plan ends (2016) before it starts (2018)"]


def test_no_figure_comes_before_the_measure_s_start(tmp_path: Path) -> None:
    """The pack left the period empty, yet rated the hidden figure and counted it."""
    root = project(tmp_path)
    edit(root, ROBBERY, "good: lower\n", "good: lower\nstart: 2016-17-Q2\n")
    assert problems(root) == [
        f"{ROBBERY}:13: quarters.2016-17-Q1: this period is before the measure's start "
        "(2016-17-Q2), in its year: the pack leaves it empty, yet it would count; remove it, "
        "or give an earlier start"]


def test_entries_of_years_before_the_start_are_history(tmp_path: Path) -> None:
    """A measure new this year keeps last year's quarters for its trend."""
    root = project(tmp_path)
    edit(root, ROBBERY, "good: lower\n", "good: lower\nstart: 2017-18-Q2\n")
    edit(root, ROBBERY, "    commentary: Fewer offences than last year\n",
         "    commentary: Fewer offences than last year\n  2017-18-Q2: {value: 12}\n")
    assert open_project(root).measure_count == 3


def test_a_start_is_a_period_of_the_measure_s_own_frequency(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, ROBBERY, "good: lower\n", "good: lower\nstart: 2016-17-M05\n")
    assert problems(root) == [
        f"{ROBBERY}:9: start: start is a period like 2017-18-Q1, as the measure's entries are"]


@pytest.mark.parametrize("ref", ["1.\u00b2", "1.2", "e\u0301"])
def test_refs_that_print_differently_are_different_refs(tmp_path: Path, ref: str) -> None:
    """A superscript two prints unlike a 2: only refs a reader cannot tell apart are one."""
    root = project(tmp_path)
    edit(root, ROBBERY, 'ref: "1.1"', f'ref: "{ref}"' if ref != "1.2" else 'ref: "1.3"')
    edit(root, OTHER, 'ref: "1.2"', 'ref: "\u00e9"' if ref == "e\u0301" else 'ref: "1.2"')
    if ref == "e\u0301":  # the same letter, composed or not: the same ref
        assert problems(root) == [f"{OTHER}:1: ref: '\u00e9' is already used by {ROBBERY}"]
    else:
        assert open_project(root).measure_count == 3


@pytest.mark.parametrize(("figures", "problem"), [
    ("value: 5\n    previous: 7\n    out_of: 15.5",
     "quarters.2016-17-Q1.out_of: out_of is how many places there are, a whole number, got "
     "15.5"),
    ("value: 5\n    previous: 40\n    out_of: 15",
     "quarters.2016-17-Q1.previous: rank 40 is beyond out_of 15"),
])
def test_out_of_is_whole_and_no_rank_is_beyond_it(tmp_path: Path, figures: str,
                                                  problem: str) -> None:
    """'Ranked 5th out of 15.5, compared to 40th last year (up 35 places)' was printed."""
    root = project(tmp_path)
    edit(root, ROBBERY, "unit: count", "unit: rank")
    edit(root, ROBBERY, "value: 14\n    previous: 17", figures)
    edit(root, ROBBERY, "  2016-17: {target: 101, ", "  2016-17: {target: 3, ")
    assert [p.split(": ", 1)[1] for p in problems(root)] == [problem]
