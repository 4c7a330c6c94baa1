"""The write stage: all or nothing, with clear errors, and careful with temporary files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csp_report.errors import BuildError
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
