"""Nothing from a project's files reaches the user's terminal as a control sequence: every
control or format character but the line break in what the CLI prints is written as its
escape."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from csp_report.cli import main
from csp_report.errors import shown
from tests.conftest import REPO


def test_an_escape_sequence_in_a_key_is_printed_escaped(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/small/data", root / "data")
    measure = root / "data/measures/activity/1.1-meetings.yaml"
    with open(measure, "a", encoding="utf-8") as stream:
        stream.write('"x\\e[2J\\e[31mEVIL\\u202e": 1\n')
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem found:\n"
        "data/measures/activity/1.1-meetings.yaml:9: x\\x1b[2J\\x1b[31mEVIL\\u202e: unknown "
        "field 'x\\x1b[2J\\x1b[31mEVIL\\u202e'\n")


def test_shown_escapes_controls_and_keeps_every_letter() -> None:
    assert shown("a\tb\nc\x1b\x07\u202e\u200bé€ł") == "a\\tb\\nc\\x1b\\x07\\u202e\\u200bé€ł"


def test_windows_line_ends_are_line_ends_not_escapes(capsys: object) -> None:
    """A diff of a measure file saved on Windows keeps its CRLF line ends: printed as line
    ends, never as a literal \\r on every line; a lone CR is still escaped."""
    import pytest

    from csp_report.cli import echo

    assert isinstance(capsys, pytest.CaptureFixture)
    echo("-old line\r\n+new line\r\nlone\rcarriage")
    assert capsys.readouterr().out == "-old line\n+new line\nlone\\rcarriage\n"
