"""`csp-report check` flags commentary that contradicts the data; options change the rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.check import check_commentary, check_project
from csp_report.compute.figures import SeriesFigures
from csp_report.compute.measures import compute
from csp_report.errors import InvalidProject
from csp_report.layout import layout
from csp_report.model.periods import Period
from csp_report.sentences import Sentences
from tests.conftest import write
from tests.tiny import HEAD, tiny

REPO = Path(__file__).resolve().parent.parent
SEED_ERRORS = [
    "data/measures/monitoring/4.2-asb-incidents.yaml:26: quarters.2017-18-Q1.commentary: "
    "states +26.9% but the quarter change is -26.9% (951 against 1,301)",
    "data/measures/targets/2.3-personal-robbery.yaml:23: quarters.2016-17-Q1.commentary: "
    "states -5.9% but the quarter change is -17.6% (14 against 17)",
    "data/measures/targets/4.1-criminal-damage.yaml:46: quarters.2016-17-Q4.commentary: "
    "states 'increase of 132' but the quarter change is +130 (647 against 517)",
    "data/measures/targets/4.1-criminal-damage.yaml:46: quarters.2016-17-Q4.commentary: "
    "states 25.5% but the quarter change is +25.1% (647 against 517)",
]


def test_check_finds_exactly_the_seed_errors() -> None:
    assert [str(p) for p in check_project(open_project(REPO))] == SEED_ERRORS


@pytest.mark.parametrize(("strict", "code"), [([], 0), (["--strict"], 1)])
def test_check_exit_codes(strict: list[str], code: int) -> None:
    result = subprocess.run([sys.executable, "-m", "csp_report", "check", *strict],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == code
    assert result.stdout.splitlines() == [f"warning: {e}" for e in SEED_ERRORS] + ["4 warnings"]


def test_correct_commentary_is_not_flagged(project: Path) -> None:
    robbery = project / "data/measures/targets/2.3-personal-robbery.yaml"
    robbery.write_text(robbery.read_text().replace("(-5.9%)", "(-17.6%)"))
    assert len(check_project(open_project(project))) == 3


def test_a_project_overrides_a_sentence_template(project: Path) -> None:
    write(project / "templates/sentences/count.txt",
          "{{ value }} {{ noun }} (last year {{ previous }})")
    loaded = open_project(project)
    tracker = compute(loaded, "targets", Period.parse("2016-17-Q4"))
    asb = next(m for m in tracker.measures if m.entry.measure.ref == "1.3")
    assert Sentences(project).figures(asb.quarters[0].series[0]) == (
        "3,189 incidents (last year 3,109)")


def test_manual_rag_is_for_one_quarter_and_needs_a_reason(project: Path) -> None:
    robbery = project / "data/measures/targets/2.3-personal-robbery.yaml"
    original = robbery.read_text()
    q4 = "  2016-17-Q4:\n"
    robbery.write_text(original.replace(q4, q4 + "    rag:\n      status: green\n"))
    with pytest.raises(InvalidProject) as caught:
        open_project(project)
    assert [str(p) for p in caught.value.problems] == [
        "data/measures/targets/2.3-personal-robbery.yaml:38: quarters.2016-17-Q4.rag.reason: "
        "required field is missing"]
    robbery.write_text(original.replace(
        q4, q4 + "    rag: {status: green, reason: Data revised since}\n"))
    loaded = open_project(project)
    rag = next(m.rag for m in compute(loaded, "targets", Period.parse("2016-17-Q4")).measures
               if m.entry.measure.ref == "2.3")
    assert (rag.word, rag.overridden, rag.basis) == (
        "Green", True, "set manually: Data revised since")
    earlier = next(m.rag for m in compute(loaded, "targets", Period.parse("2016-17-Q3")).measures
                   if m.entry.measure.ref == "2.3")
    assert not earlier.overridden  # the judgement was about Q4 only
    doc = layout(compute(loaded, "targets", Period.parse("2016-17-Q4")))
    cell = next(row.cells[-1] for t in doc.tables() for row in t.body
                if any(c.text == "2.3" for c in row.cells))
    assert cell.text == "Green\n\u2191 Worse\nSet manually: Data revised since"


def test_travel_against_the_previous_quarter(project: Path) -> None:
    report = project / "data/report.yaml"
    report.write_text(report.read_text().replace(
        "travel: same-quarter-last-year", "travel: previous-quarter"))
    tracker = compute(open_project(project), "targets", Period.parse("2016-17-Q4"))
    asb = next(m for m in tracker.measures if m.entry.measure.ref == "1.3")
    assert asb.travel is not None and asb.travel.label == "Better"  # 2,801 after 3,283


def test_improvement_rule_from_the_configuration(project: Path) -> None:
    report = project / "data/report.yaml"
    text = report.read_text().replace("rule: tolerance", "rule: improvement")
    report.write_text(text.replace("  tolerance: 5\n", ""))  # improvement takes none
    tracker = compute(open_project(project), "targets", Period.parse("2016-17-Q4"))
    robbery = next(m for m in tracker.measures if m.entry.measure.ref == "2.3")
    # 103 against 101 missed, and worse than last year's 101: Red under this rule.
    assert robbery.rag.word == "Red"



def _commentary_measure(value: int, commentary: str) -> str:
    return HEAD + f"""\
unit: count
noun: offences
good: lower
quarters:
  2016-17-Q1:
    value: {value}
    previous: 17
    commentary: "{commentary}"
"""


# A minus as typed, and as a word processor or a pasted figure writes it: the minus sign,
# the en and figure dashes, the small and full-width hyphen-minus (these two the pack's
# fonts cannot print, so validation refuses them in a file; the lint still reads them).
MINUSES = ["-", "\u2212", "\u2013", "\u2012", "\ufe63", "\uff0d"]


def _figures(root: Path, value: int) -> list[SeriesFigures]:
    project = open_project(tiny(root, _commentary_measure(value, "")))
    return compute(project, "targets", Period.parse("2016-17-Q1")).measures[0].current.series


@pytest.mark.parametrize("minus", MINUSES)
def test_a_wrong_sign_is_found_whichever_minus_is_written(tmp_path: Path, minus: str) -> None:
    """+17.6% (20 against 17) said to be a fall: only the ASCII minus was seen as one."""
    figures = _figures(tmp_path, 20)
    assert check_commentary(f"Crime fell ({minus}17.6%).", figures) == [
        f"states {minus}17.6% but the quarter change is +17.6% (20 against 17)"]
    assert check_commentary(f"20 offences /{minus}3 on last year.", figures) == [
        f"states '{minus}3' but the quarter change is +3 (20 against 17)"]


@pytest.mark.parametrize("minus", MINUSES)
def test_a_fall_written_with_any_minus_is_right(tmp_path: Path, minus: str) -> None:
    figures = _figures(tmp_path, 14)
    assert check_commentary(f"Crime fell ({minus}17.6%), 14 offences /{minus}3.", figures) == []


def test_check_names_the_line_of_a_sign_written_with_a_unicode_minus(tmp_path: Path) -> None:
    root = tiny(tmp_path, _commentary_measure(20, "Crime fell (\u221217.6%)."))
    assert [str(p) for p in check_project(open_project(root))] == [
        "data/measures/targets/1.yaml:12: quarters.2016-17-Q1.commentary: states \u221217.6% "
        "but the quarter change is +17.6% (20 against 17)"]


def _travel_measure(value: int, travel: str, good: str = "lower") -> str:
    return HEAD + f"""\
unit: count
noun: offences
good: {good}
quarters:
  2016-17-Q1:
    value: {value}
    previous: 17
    travel: {travel}
"""


@pytest.mark.parametrize(("value", "travel", "good", "warning"), [
    (14, "worse", "lower", "travel is given as worse, but the figures show better (lower is "
                           "better)"),
    (20, "better", "lower", "travel is given as better, but the figures show worse (lower is "
                            "better)"),
    (17, "better", "higher", "travel is given as better, but the figures show no change "
                             "(higher is better)"),
    (20, "down", "monitor", "travel is given as down, but the figures went up"),
    (20, "down", "lower", "travel is given as down, but the figures went up"),
    (17, "up", "higher", "travel is given as up, but the figures did not change"),
])
def test_a_direction_of_travel_the_figures_contradict_is_a_warning(
        tmp_path: Path, value: int, travel: str, good: str, warning: str) -> None:
    """'Reduction of 3 offences (-17.6%). Green, Worse' passed check --strict."""
    root = tiny(tmp_path, _travel_measure(value, travel, good))
    assert [str(p) for p in check_project(open_project(root))] == [
        f"data/measures/targets/1.yaml:12: quarters.2016-17-Q1.travel: {warning}"]


@pytest.mark.parametrize(("value", "travel", "good"), [
    (14, "better", "lower"), (20, "worse", "lower"), (17, "no-change", "lower"),
    (20, "better", "monitor"),  # a monitored measure's better or worse is a judgement
    (20, "up", "monitor"), (14, "down", "lower"),
])
def test_a_direction_of_travel_the_figures_bear_out_is_no_warning(
        tmp_path: Path, value: int, travel: str, good: str) -> None:
    root = tiny(tmp_path, _travel_measure(value, travel, good))
    assert check_project(open_project(root)) == []


def test_a_direction_of_travel_with_nothing_to_compare_is_no_warning(tmp_path: Path) -> None:
    text = HEAD + """\
unit: text
quarters:
  2016-17-Q1:
    commentary: Meetings held.
    travel: better
"""
    series = HEAD + """\
unit: count
noun: offences
good: lower
series:
  a: {label: A}
  b: {label: B}
quarters:
  2016-17-Q1:
    figures:
      a: {value: 3, previous: 4}
      b: {value: 5, previous: 4}
    travel: worse
"""
    no_previous = _travel_measure(14, "worse").replace("    previous: 17\n", "")
    for number, measure in enumerate((text, series, no_previous)):
        root = tiny(tmp_path / str(number), measure)
        assert check_project(open_project(root)) == []


def test_a_rank_goes_up_as_its_number_falls(tmp_path: Path) -> None:
    """7th to 5th is 'up 2 places' in the pack; check said the figures went down."""
    rank = _travel_measure(5, "up", "lower").replace("unit: count\nnoun: offences\n",
                                                      "unit: rank\n")
    rank = rank.replace("previous: 17", "previous: 7")
    root = tiny(tmp_path / "up", rank)
    assert check_project(open_project(root)) == []
    root = tiny(tmp_path / "down", rank.replace("travel: up", "travel: down"))
    assert [str(p) for p in check_project(open_project(root))] == [
        "data/measures/targets/1.yaml:11: quarters.2016-17-Q1.travel: travel is given as down, "
        "but the figures went up"]
