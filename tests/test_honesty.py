"""Honest summaries and text: missing data is counted, bidirectional controls are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.compute.measures import compute
from csp_report.errors import InvalidProject
from csp_report.layout.common import summary_blocks
from csp_report.layout.document import Paragraph
from csp_report.model.periods import Period
from csp_report.sentences import Sentences
from tests.tiny import HEAD, REPORT, tiny


def summary(root: Path) -> list[str]:
    project = open_project(root)
    blocks = summary_blocks(compute(project, "targets", Period.parse("2016-17-Q1")),
                            Sentences(root))
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def test_a_measure_with_neither_figure_nor_commentary_is_missing_data(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: count\nnoun: crimes\nquarters:\n  2016-17-Q1: {previous: 12}\n")
    assert summary(tmp_path)[-2:] == ["Police", "1.1: No figure or commentary given"]


def test_commentary_alone_is_data(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\nquarters:\n  2016-17-Q1: {commentary: Done.}\n")
    assert summary(tmp_path)[-1] == "None: every measure has data for this period."


@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_bidirectional_controls_are_refused_in_commentary(tmp_path: Path, char: str) -> None:
    text = HEAD + f"unit: text\nquarters:\n  2016-17-Q1: {{commentary: \"Up {char}51\"}}\n"
    with pytest.raises(InvalidProject) as caught:
        open_project(tiny(tmp_path, text))
    assert [str(p) for p in caught.value.problems] == [
        f"data/measures/targets/1.yaml:7: quarters.2016-17-Q1.commentary: contains the "
        f"bidirectional control character U+{ord(char):04X} at character 4, which can change "
        "the order in which text and numbers print; remove it"]


def test_bidirectional_controls_are_refused_in_report_yaml(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\nquarters:\n  2016-17-Q1: {commentary: Done.}\n")
    (tmp_path / "data/report.yaml").write_text(
        REPORT.replace("Test Partnership", "Test \u202ePartnership"), encoding="utf-8")
    with pytest.raises(InvalidProject) as caught:
        open_project(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "data/report.yaml:1: partnership: contains the bidirectional control character U+202E "
        "at character 6, which can change the order in which text and numbers print; remove it"]


def test_a_hand_set_status_is_not_data(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: count\nnoun: crimes\nquarters:\n  2016-17-Q1:\n"
         "    previous: 12\n    rag: {status: green, reason: On track.}\n")
    assert summary(tmp_path)[-2:] == ["Police", "1.1: No figure or commentary given"]
