"""The bad-input corpus: every case fails cleanly (or succeeds where it should), names the file
and line, prints no traceback, and leaves an existing output/ byte-identical.

Each case is one YAML file in tests/bad_inputs/: what to change in a copy of the example
project, the command to run, and what must come out. See tests/bad_inputs/README.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CASES = sorted((REPO / "tests/bad_inputs").glob("*.yaml"))
OLD_OUTPUTS = ("monitoring-2017-18-Q1.pdf", "monitoring-2017-18-Q1.docx",
               "targets-2016-17-Q4.pdf", "targets-2016-17-Q4.docx")


def apply_edit(root: Path, edit: dict[str, Any]) -> None:
    path = root / edit["file"]
    encoding = edit.get("encoding", "utf-8")
    if "symlink" in edit:  # a link to a file anywhere, e.g. /etc/hostname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(edit["symlink"])
        return
    if edit.get("delete"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if "text" in edit:
        text = edit["text"]
    else:
        text = path.read_text(encoding="utf-8")
        for old, new in edit.get("replace", []):
            assert old in text, f"case edit: {old!r} not in {edit['file']}"
            text = text.replace(old, new, 1)
        text += edit.get("append", "")
    if "pad" in edit:  # a long run of one character, made here rather than committed
        pad = edit["pad"]
        text = text.replace(pad["marker"], pad["char"] * pad["count"], 1)
    data = text.encode(encoding)
    if edit.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if "repeat_to_bytes" in edit:  # make a large file from a small pattern
        size = edit["repeat_to_bytes"]
        data = (data * (size // len(data) + 1))[:size]
    path.write_bytes(data)


def prepare(tmp_path: Path, case: dict[str, Any]) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data")
    (root / "templates").mkdir()
    (root / "output").mkdir()
    for name in OLD_OUTPUTS:
        (root / "output" / name).write_bytes(f"previous {name}".encode())
    for edit in case.get("edits", []):
        apply_edit(root, edit)
    special = case.get("special")
    if special == "folder-in-the-way":
        (root / "output" / "targets-2016-17-Q4.docx").unlink()
        (root / "output" / "targets-2016-17-Q4.docx").mkdir()
    if special == "output-is-a-file":
        shutil.rmtree(root / "output")
        (root / "output").write_bytes(b"not a folder")
    return root, contents(root / "output")


def contents(output: Path) -> dict[str, bytes]:
    """What output/ holds: each file's bytes (a folder counts as empty), or the file itself."""
    if not output.is_dir():
        return {"<file>": output.read_bytes()}
    return {p.name: p.read_bytes() if p.is_file() else b"<folder>" for p in output.iterdir()}


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_bad_input(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root, before = prepare(tmp_path, case)
    target = tmp_path / "nowhere" if case.get("special") == "no-project" else root
    args = [a.replace("{project}", str(target)) for a in case["run"]]
    result = subprocess.run([sys.executable, "-m", "csp_report", *args], capture_output=True,
                            text=True, cwd=tmp_path, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == case["exit"], output
    assert "Traceback" not in output
    if "stderr" in case:
        assert case["stderr"] in result.stderr, result.stderr
    if "stdout" in case:
        assert case["stdout"] in result.stdout, result.stdout
    if "where" in case:
        assert f"{case['where']}:" in result.stderr, result.stderr
    for expected in case.get("output_contains", []):
        produced = (root / expected["file"]).read_text(encoding="utf-8")
        assert expected["text"] in produced, expected["file"]
    if result.returncode != 0 and case.get("special") != "no-project":
        assert contents(root / "output") == before, "a failed run changed output/"


def test_the_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
