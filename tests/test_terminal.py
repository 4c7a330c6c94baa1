"""The tests' own helper for Ctrl-C: a program it starts acts on Ctrl-C even when the test
process was started with it ignored (a background job of a CI script)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.terminal import python_as_from_a_terminal

REPO = Path(__file__).resolve().parent.parent
IGNORING = ["bash", "-c", 'trap "" INT; exec "$@"', "bash"]  # as `cmd &` in a script does
ACTS_ON_CTRL_C = "from tests.terminal import ctrl_c_is_delivered; print(ctrl_c_is_delivered())"


def test_a_program_started_from_a_process_ignoring_ctrl_c_still_acts_on_it() -> None:
    plain = subprocess.run([*IGNORING, sys.executable, "-c", ACTS_ON_CTRL_C],
                           capture_output=True, text=True, check=True, cwd=REPO)
    assert plain.stdout == "False\n"  # without the helper, Ctrl-C would not reach it
    helped = subprocess.run([*IGNORING, *python_as_from_a_terminal("-c", ACTS_ON_CTRL_C)],
                            capture_output=True, text=True, check=True, cwd=REPO)
    assert helped.stdout == "True\n"
