"""The write stage: all or nothing, with clear errors, and careful with temporary files."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from csp_report.errors import BuildError
from csp_report.interrupts import program_interrupts
from csp_report.write import write_all


def test_writes_every_file(tmp_path: Path) -> None:
    written = write_all({tmp_path / "a.pdf": b"A", tmp_path / "b.docx": b"B"})
    assert written == [tmp_path / "a.pdf", tmp_path / "b.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.docx"]


def test_a_folder_in_the_way_fails_before_anything_changes(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")
    (tmp_path / "b.docx").mkdir()
    with pytest.raises(BuildError) as caught:
        write_all({tmp_path / "a.pdf": b"new", tmp_path / "b.docx": b"B"})
    assert str(caught.value) == f"cannot write {tmp_path / 'b.docx'}: a folder of that name is " \
                                "in the way"
    assert (tmp_path / "a.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.docx"]


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "output").write_bytes(b"x")
    with pytest.raises(BuildError, match="it is a file, not a folder"):
        write_all({tmp_path / "output" / "a.pdf": b"A"})


def test_stale_temporaries_of_dead_builds_go_live_ones_stay(tmp_path: Path) -> None:
    dead = tmp_path / ".a.pdf.999999999.x1.tmp"
    live = tmp_path / f".a.pdf.{os.getpid()}.x2.tmp"
    dead.write_bytes(b"")
    live.write_bytes(b"")
    write_all({tmp_path / "a.pdf": b"A"})
    assert not dead.exists() and live.exists()


def _old_outputs(folder: Path) -> dict[Path, bytes]:
    files = {folder / "a.pdf": b"old A", folder / "a.docx": b"old a", folder / "b.pdf": b"old B"}
    for path, data in files.items():
        path.write_bytes(data)
    return files


def _new_outputs(folder: Path) -> dict[Path, bytes]:
    return {folder / "a.pdf": b"new A", folder / "a.docx": b"new a", folder / "b.pdf": b"new B",
            folder / "b.docx": b"new b"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _replace_failing_on(call: int, error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace
    calls = []

    def replace(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == call:
            raise error
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


def test_a_rename_failing_on_its_third_call_puts_every_output_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_outputs(tmp_path)
    before = _snapshot(tmp_path)
    _replace_failing_on(3, PermissionError(1, "Operation not permitted", str(tmp_path / "b.pdf")),
                        monkeypatch)
    with pytest.raises(BuildError, match="b.pdf: Operation not permitted"):
        write_all(_new_outputs(tmp_path))
    assert _snapshot(tmp_path) == before  # the two packs renamed first are the old ones again


def test_an_interrupt_between_renames_puts_every_output_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_outputs(tmp_path)
    before = _snapshot(tmp_path)
    _replace_failing_on(4, KeyboardInterrupt(), monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_all(_new_outputs(tmp_path))
    assert _snapshot(tmp_path) == before  # the new b.docx is gone too, no temporary file left


def test_a_full_disk_while_writing_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_outputs(tmp_path)
    before = _snapshot(tmp_path)
    real = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(BuildError, match="No space left on device"):
        write_all(_new_outputs(tmp_path))
    assert _snapshot(tmp_path) == before


def test_a_symlink_where_a_pack_goes_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.pdf").symlink_to(outside)
    with pytest.raises(BuildError, match="not a regular file"):
        write_all({tmp_path / "out" / "a.pdf": b"A"})
    assert outside.read_bytes() == b"keep me"


def test_a_successful_write_leaves_no_hidden_file(tmp_path: Path) -> None:
    _old_outputs(tmp_path)
    write_all(_new_outputs(tmp_path))
    assert _snapshot(tmp_path) == {"a.pdf": b"new A", "a.docx": b"new a", "b.pdf": b"new B",
                                   "b.docx": b"new b"}


def test_once_the_program_s_files_are_in_place_ctrl_c_is_ignored(tmp_path: Path) -> None:
    """Within program_interrupts (the program's commands), the write that puts the files in
    place ends Ctrl-C's say; a library caller's write leaves its handler as it was."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
    try:
        write_all({tmp_path / "library.pdf": b"a"})
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # Heard until the files are in place:
        with program_interrupts(), pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        with program_interrupts():
            write_all({tmp_path / "program.pdf": b"b"})
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # for good: the program ends
    finally:
        signal.signal(signal.SIGINT, before)
    assert (tmp_path / "program.pdf").read_bytes() == b"b"


def test_a_ctrl_c_a_library_swallowed_still_stops_the_program_s_write(tmp_path: Path) -> None:
    """lxml's set-up swallowed the KeyboardInterrupt of a Ctrl-C that came while python-docx
    was first imported, and the build went on to write every pack."""
    (tmp_path / "a.pdf").write_bytes(b"old a")
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with program_interrupts():
            with contextlib.suppress(KeyboardInterrupt):  # as lxml's module set-up does
                signal.raise_signal(signal.SIGINT)
            with pytest.raises(KeyboardInterrupt):
                write_all({tmp_path / "a.pdf": b"new a", tmp_path / "b.pdf": b"new b"})
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
        write_all({tmp_path / "c.pdf": b"c"})  # a library caller's write, later, is not stopped
    finally:
        signal.signal(signal.SIGINT, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "c.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"


def test_a_ctrl_c_during_the_renames_still_puts_everything_back_in_the_program(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Ctrl-C is held while renaming, and acted on (not ignored) when it came before the
    last rename: the files are not yet the command's finished work."""
    (tmp_path / "a.pdf").write_bytes(b"old a")
    real_replace = os.replace
    calls = []

    def replace_then_ctrl_c(source: str, target: str) -> None:
        real_replace(source, target)
        calls.append(target)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_ctrl_c)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
    # Another thread, as a build has (the render pool's): the system hands it the Ctrl-C the
    # main thread holds back, and Python acts on it in the main thread all the same.
    other = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True)
    other.start()
    try:
        with program_interrupts(), pytest.raises(KeyboardInterrupt):
            write_all({tmp_path / "a.pdf": b"new a", tmp_path / "b.pdf": b"new b"})
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"
    assert not (tmp_path / "b.pdf").exists()


# A termination during the renames, in a program with a second thread running.
TERMINATED_WHILE_RENAMING = """
import os, signal, sys, threading
from pathlib import Path
from csp_report.write import write_all
folder = Path(sys.argv[1])
threading.Thread(target=threading.Event().wait, args=(30,), daemon=True).start()
real_replace = os.replace
def replace_then_terminated(source, target):
    real_replace(source, target)
    os.kill(os.getpid(), signal.SIGTERM)
os.replace = replace_then_terminated
write_all({folder / "a.pdf": b"new a", folder / "b.pdf": b"new b"})
print("not reached")
"""


def test_a_termination_during_the_renames_puts_everything_back_then_ends_the_program(
        tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old a")
    process = subprocess.run([sys.executable, "-c", TERMINATED_WHILE_RENAMING, str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert (process.returncode, process.stdout, process.stderr) == (-signal.SIGTERM, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]  # no temporary file left
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"


ALL = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def test_an_interrupt_while_the_handlers_are_swapped_leaves_each_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C acted on once Ctrl-C's own handler was swapped, but not yet termination's, left
    the swapped one in place for good (a later SIGHUP was then silently dropped)."""
    (tmp_path / "a.pdf").write_bytes(b"old a")
    before = {number: signal.getsignal(number) for number in ALL}
    real, asked = signal.getsignal, []

    def getsignal(number: int) -> object:
        asked.append(number)
        if len(asked) == 2:  # the second signal's turn: the first one is swapped already
            raise KeyboardInterrupt
        return real(number)

    monkeypatch.setattr(signal, "getsignal", getsignal)
    with pytest.raises(KeyboardInterrupt):
        write_all({tmp_path / "a.pdf": b"new a"})
    monkeypatch.undo()
    assert {number: signal.getsignal(number) for number in ALL} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"


def test_a_ctrl_c_while_the_handlers_are_put_back_is_noted_not_raised_among_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C's handler is put back last: a Ctrl-C while termination's is put back is noted,
    and acted on once every handler is back (here, a library caller's: after the write)."""
    before = {number: signal.getsignal(number) for number in ALL}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    real, sent = signal.signal, []

    def put(number: int, handler: object) -> object:
        if number == signal.SIGTERM and handler == before[signal.SIGTERM] and not sent:
            sent.append(number)
            os.kill(os.getpid(), signal.SIGINT)
        return real(number, handler)

    monkeypatch.setattr(signal, "signal", put)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_all({tmp_path / "a.pdf": b"new a"})
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGINT, before[signal.SIGINT])
    assert sent and {number: signal.getsignal(number) for number in ALL} == before
    assert (tmp_path / "a.pdf").read_bytes() == b"new a"


def test_a_termination_whose_handler_goes_on_leaves_the_new_files(tmp_path: Path) -> None:
    """A service's own SIGTERM handler that only notes it: the write is not undone for it."""
    (tmp_path / "a.pdf").write_bytes(b"old a")
    heard: list[int] = []
    before = signal.signal(signal.SIGTERM, lambda number, _frame: heard.append(number))
    real_replace = os.replace

    def replace_then_terminated(source: str, target: str) -> None:
        real_replace(source, target)
        if not heard:
            os.kill(os.getpid(), signal.SIGTERM)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "replace", replace_then_terminated)
            write_all({tmp_path / "a.pdf": b"new a", tmp_path / "b.pdf": b"new b"})
    finally:
        signal.signal(signal.SIGTERM, before)
    assert heard == [signal.SIGTERM]
    assert (tmp_path / "a.pdf").read_bytes() == b"new a"
    assert (tmp_path / "b.pdf").read_bytes() == b"new b"


# Ctrl-C and termination both during the renames; or a termination, then a rename failing.
BOTH_WHILE_RENAMING = """
import errno, os, signal, sys, threading
from pathlib import Path
from csp_report.write import write_all
folder, case = Path(sys.argv[1]), sys.argv[2]
threading.Thread(target=threading.Event().wait, args=(30,), daemon=True).start()
real_replace, calls = os.replace, []
def replace(source, target):
    calls.append(target)
    if case == "rename fails" and len(calls) == 2:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))
    real_replace(source, target)
    if len(calls) == 1:
        os.kill(os.getpid(), signal.SIGINT if case == "both" else signal.SIGTERM)
        if case == "both":
            os.kill(os.getpid(), signal.SIGTERM)
os.replace = replace
try:
    write_all({folder / "a.pdf": b"new a", folder / "b.pdf": b"new b"})
except BaseException as err:
    print(type(err).__name__, flush=True)
print("not reached", flush=True)
"""


@pytest.mark.parametrize("case", ["both", "rename fails"])
def test_a_termination_ends_the_program_once_everything_is_put_back_and_tidied(
        tmp_path: Path, case: str) -> None:
    """With a Ctrl-C as well, the termination was lost behind the Ctrl-C's KeyboardInterrupt;
    with a rename failing, it ended the program before the temporary files were removed."""
    (tmp_path / "a.pdf").write_bytes(b"old a")
    process = subprocess.run([sys.executable, "-c", BOTH_WHILE_RENAMING, str(tmp_path), case],
                             capture_output=True, text=True, timeout=60)
    assert (process.returncode, process.stdout, process.stderr) == (-signal.SIGTERM, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]  # no temporary file left
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"
