"""Interruption safety: a build killed at any moment leaves each pack old or new, never torn."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.build import build
from tests.terminal import python_as_from_a_terminal

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_sigkill_at_random_moments_never_leaves_a_torn_pack(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data")
    old = snapshot_of_build(root)
    measure = root / "data/measures/monitoring/3.2-alcohol-strategy-group.yaml"
    measure.write_text(measure.read_text().replace("Regular meetings", "Monthly meetings"))
    new_dir = tmp_path / "new"
    build(open_project(root), out=new_dir)
    new = snapshot(new_dir)
    assert set(new) == set(old) and all(new[n] != old[n] for n in new if "monitoring" in n)

    rng = random.Random(20261122)
    for _ in range(8):
        process = subprocess.Popen([sys.executable, "-m", "csp_report", "build", str(root)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not wait_for_no_children_of(process.pid, root), "render workers outlived the build"
        visible = {n: b for n, b in snapshot(root / "output").items() if not n.startswith(".")}
        assert set(visible) == set(old)  # no temporary file is visible as a pack
        for name, data in visible.items():
            assert data in (old[name], new[name]), f"{name} is torn"
        hidden = [n for n in snapshot(root / "output") if n.startswith(".")]
        assert all(n.endswith(".tmp") for n in hidden)
    # A last, uninterrupted build tidies any temporary file a killed one left behind.
    build(open_project(root))
    assert snapshot(root / "output") == new


def wait_for_no_children_of(pid: int, root: Path) -> list[int]:
    """Processes whose parent was `pid` (re-parented ones are found by their command line,
    which names the project `root`: other builds may be running on the machine)."""
    deadline = time.monotonic() + 5
    while True:
        left = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                and _started_by(p, pid, root)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def _started_by(proc: Path, pid: int, root: Path) -> bool:
    try:
        stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    # A worker is re-parented when its parent dies; it still carries the build's command line.
    return (int(stat[1]) == pid or (b"csp_report" in cmdline
                                    and os.fsencode(root) in cmdline)) and stat[0] != "Z"


def snapshot_of_build(root: Path) -> dict[str, bytes]:
    build(open_project(root))
    return snapshot(root / "output")


SMALL = REPO / "tests/fixtures/small"


# The program as the console script runs it, saying when csp-report's own code has started
# (before that, only Python itself is starting, and Ctrl-C is Python's to answer).
PROGRAM = """
import sys
from csp_report.entry import run
print("started", flush=True)
sys.argv = ["csp-report", "build", sys.argv[1]]
run()
"""


@pytest.mark.parametrize("delay", [0.0, 0.2, 0.6, 1.2, 2.0])
def test_ctrl_c_exits_130_with_one_line_and_leaves_output_as_it_was(
        tmp_path: Path, delay: float) -> None:
    """Ctrl-C from a terminal reaches the whole process group: the build and its workers. At
    0 s the library is still being imported; later, workers are rendering."""
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    (root / "output").mkdir()
    old = {"activity-2017-18-Q1.pdf": b"old pdf", "tracker-2016-17-Q1.docx": b"old docx"}
    for name, data in old.items():
        (root / "output" / name).write_bytes(data)
    process = subprocess.Popen(python_as_from_a_terminal("-c", PROGRAM, str(root)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline() == "started\n"
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert not wait_for_no_children_of(process.pid, root), "render workers outlived the build"
    if process.returncode == 0:  # the build had finished: the new packs are all there
        # (never that early: the packs are in place about 1 s after "started" on a quiet
        # machine, later beside other tests, so an earlier Ctrl-C went unheard)
        assert delay >= 1.2, f"Ctrl-C after {delay} s did not stop the build"
        assert len(snapshot(root / "output")) == 4
        return
    assert process.returncode == 130, stderr + stdout
    assert stderr == "Interrupted: nothing was written; output/ is as it was.\n"
    assert stdout == ""
    assert snapshot(root / "output") == old  # untouched, and no temporary file left


# The program, with a Ctrl-C to the whole process group once the packs are written and the
# build is ending its render workers (the workers take a while to go).
CTRL_C_WHILE_ENDING_WORKERS = """
import os, signal, sys, time
from csp_report.entry import run
from csp_report.render.pool import RenderPool
ending = RenderPool.__exit__
def ctrl_c_then_end(self, *error):
    os.killpg(os.getpgid(0), signal.SIGINT)
    time.sleep(0.3)
    return ending(self, *error)
RenderPool.__exit__ = ctrl_c_then_end
sys.argv = ["csp-report", "build", sys.argv[1]]
run()
"""

# The program, with a Ctrl-C as the command has ended and Python is exiting.
CTRL_C_WHILE_EXITING = """
import os, signal, sys, time
from csp_report.entry import run
sys.argv = ["csp-report", "validate", sys.argv[1]]
try:
    run()
finally:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.3)
"""


def test_a_ctrl_c_once_the_packs_are_written_does_not_say_nothing_was_written(
        tmp_path: Path) -> None:
    """The packs are in place: the build's work is done, and it says what it wrote (it used
    to say "Interrupted: nothing was written" with exit 130 over the new packs)."""
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    process = subprocess.run(python_as_from_a_terminal("-c", CTRL_C_WHILE_ENDING_WORKERS,
                                                       str(root)),
                             capture_output=True, text=True, timeout=120,
                             start_new_session=True)
    assert (process.returncode, process.stderr) == (0, "")
    written = sorted(p.name for p in (root / "output").iterdir())
    assert written == ["activity-2017-18-Q1.docx", "activity-2017-18-Q1.pdf",
                       "tracker-2016-17-Q1.docx", "tracker-2016-17-Q1.pdf"]
    assert process.stdout == "".join(f"wrote {root / 'output' / name}\n" for name in
                                     ["activity-2017-18-Q1.pdf", "activity-2017-18-Q1.docx",
                                      "tracker-2016-17-Q1.pdf", "tracker-2016-17-Q1.docx"])


def test_a_ctrl_c_as_the_program_exits_leaves_the_command_s_exit_code(tmp_path: Path) -> None:
    """It used to end the process by the signal, with no word, in place of exit 0 (Python's
    exit puts Ctrl-C back to the system's default before it is done)."""
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    process = subprocess.run(python_as_from_a_terminal("-c", CTRL_C_WHILE_EXITING, str(root)),
                             capture_output=True, text=True, timeout=60)
    assert (process.returncode, process.stderr) == (0, "")
    assert process.stdout == "OK: 3 measures across 2 packs, 2 periods\n"


# The program, with a Ctrl-C that a library swallows as the first Word pack is drawn (lxml's
# set-up did, when the Ctrl-C came while python-docx was being imported).
CTRL_C_SWALLOWED = """
import os, signal, sys, time
from csp_report.entry import run
from csp_report.render import docx
drawing = docx.render_docx
def swallowing(*args):
    try:
        os.killpg(os.getpgid(0), signal.SIGINT)
        time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    return drawing(*args)
docx.render_docx = swallowing
sys.argv = ["csp-report", "build", sys.argv[1]]
run()
"""


def test_a_ctrl_c_a_library_swallows_still_stops_the_build(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    (root / "output").mkdir()
    (root / "output/activity-2017-18-Q1.pdf").write_bytes(b"old pdf")
    process = subprocess.run(python_as_from_a_terminal("-c", CTRL_C_SWALLOWED, str(root)),
                             capture_output=True, text=True, timeout=120,
                             start_new_session=True)
    assert (process.returncode, process.stdout, process.stderr) == (
        130, "", "Interrupted: nothing was written; output/ is as it was.\n")
    assert snapshot(root / "output") == {"activity-2017-18-Q1.pdf": b"old pdf"}


# The program, with a Ctrl-C as it sets up its own Ctrl-C handling, first thing.
CTRL_C_AS_IT_STARTS = """
import os, signal, sys, time
from csp_report import interrupts
from csp_report.entry import run
checked = interrupts._main_thread
def main_thread():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return checked()
interrupts._main_thread = main_thread
sys.argv = ["csp-report", "validate", sys.argv[1]]
run()
"""


def test_a_ctrl_c_as_the_program_sets_up_its_ctrl_c_handling_is_one_line_and_130(
        tmp_path: Path) -> None:
    """It came before the program's own handling did: a traceback, and death by the signal."""
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    process = subprocess.run(python_as_from_a_terminal("-c", CTRL_C_AS_IT_STARTS, str(root)),
                             capture_output=True, text=True, timeout=60)
    assert (process.returncode, process.stdout, process.stderr) == (
        130, "", "Interrupted: nothing was written; output/ is as it was.\n")
