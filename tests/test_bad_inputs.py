"""The bad-input corpus: every case fails cleanly (or succeeds where it should), names the file
and line, prints no traceback, leaves an existing output/ byte-identical, and never shows a
byte of a file outside the project.

Each case is one YAML file in tests/bad_inputs/: which project to copy (the example in data/
or a small fixture under tests/fixtures/), what to change in the copy, the command to run,
and what must come out. Cases run in-process through click's CliRunner unless they say
`subprocess: true` (hang cases, with a time limit, and a few real runs). See
tests/bad_inputs/README.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from csp_report.cli import main

REPO = Path(__file__).resolve().parent.parent
CASES = sorted((REPO / "tests/bad_inputs").glob("*.yaml"))
PROJECTS = {"example": REPO, "small": REPO / "tests/fixtures/small"}
OLD_OUTPUTS = {
    "example": ("monitoring-2017-18-Q1.pdf", "monitoring-2017-18-Q1.docx",
                "targets-2016-17-Q4.pdf", "targets-2016-17-Q4.docx"),
    "small": ("activity-2017-18-Q1.pdf", "activity-2017-18-Q1.docx",
              "tracker-2016-17-Q1.pdf", "tracker-2016-17-Q1.docx"),
}
# Written outside the project; a symlink to it must never publish it.
MARKER = "OUTSIDE-MARKER-3f9c2a71"
OUTSIDE_YAML = (f"ref: '9.9'\nsection: violence\ntitle: {MARKER}\nowner: police\n"
                f"quarters:\n  2016-17-Q1:\n    commentary: {MARKER}\n")
CAUSES = range(1, 10)  # grows with each cause fixed


def apply_edit(root: Path, edit: dict[str, Any], places: dict[str, str]) -> None:
    path = root / edit["file"]
    encoding = edit.get("encoding", "utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if "symlink" in edit:  # a link to a file anywhere, e.g. {outside} or /dev/zero
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(fill(edit["symlink"], places))
        return
    if edit.get("fifo"):
        os.mkfifo(path)
        return
    if "reference" in edit:  # a broken copy of the package's reference.docx
        path.write_bytes(broken_reference(edit["reference"]))
        return
    if edit.get("mkdir"):
        path.mkdir(exist_ok=True)
        return
    if edit.get("delete"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        return
    if "bytes" in edit:  # exact bytes, written as a Python bytes literal's escapes
        path.write_bytes(edit["bytes"].encode("latin-1").decode("unicode_escape")
                         .encode("latin-1"))
        return
    if "text" in edit:
        text = fill(edit["text"], places)
    else:
        text = path.read_text(encoding="utf-8")
        for old, new in edit.get("replace", []):
            assert old in text, f"case edit: {old!r} not in {edit['file']}"
            text = text.replace(old, new, 1)
        text += edit.get("append", "")
    if "pad" in edit:  # a long run of one character, made here rather than committed
        pad = edit["pad"]
        text = text.replace(pad["marker"], pad["char"] * pad["count"], 1)
    data = text.encode(encoding, errors=edit.get("errors", "strict"))
    if edit.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if "repeat_to_bytes" in edit:  # make a large file from a small pattern
        size = edit["repeat_to_bytes"]
        data = (data * (size // len(data) + 1))[:size]
    path.write_bytes(data)


def broken_reference(kind: str) -> bytes:
    """The package's reference.docx without its page settings, with a remote attached
    template, or with a 60 MiB part of zeros that packs into a few kilobytes."""
    source = zipfile.ZipFile(REPO / "csp_report/templates/reference.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if kind == "no-page-settings" and item.filename == "word/document.xml":
                data = re.sub(rb"<w:sectPr[ >].*?</w:sectPr>", b"", data, flags=re.S)
            target.writestr(item, data)
        if kind == "external":
            target.writestr("word/_rels/settings.xml.rels", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/attachedTemplate" '
                'Target="https://example.com/tracker.dotm" TargetMode="External"/>'
                '</Relationships>'))
        if kind == "bomb":
            target.writestr("word/media/zeros.bin", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def fill(text: str, places: dict[str, str]) -> str:
    for key, value in places.items():
        text = text.replace("{" + key + "}", value)
    return text


def prepare(tmp_path: Path, case: dict[str, Any]) -> tuple[Path, dict[str, str]]:
    kind = case.get("project", "example")
    root = tmp_path / "project"
    shutil.copytree(PROJECTS[kind] / "data", root / "data")
    (root / "templates").mkdir()
    (root / "output").mkdir()
    for name in OLD_OUTPUTS[kind]:
        (root / "output" / name).write_bytes(f"previous {name}".encode())
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.yaml").write_text(OUTSIDE_YAML, encoding="utf-8")
    (outside / "folder" / "9.9-secret.yaml").write_text(OUTSIDE_YAML, encoding="utf-8")
    (outside / "secret.css").write_text(f"/* {MARKER} */ body {{ color: red }}\n")
    (outside / "secret.html").write_text(f"<p>{MARKER}</p>\n")
    places = {"project": str(root), "outside": str(outside / "secret.yaml"),
              "outside_dir": str(outside / "folder"), "outside_css": str(outside / "secret.css"),
              "outside_html": str(outside / "secret.html"), "tmp": str(tmp_path)}
    # Links to the marker files that every case has, where nothing should ever be read.
    (root / "data" / "notes.yaml").symlink_to(outside / "secret.yaml")
    (root / "templates" / "notes.css").symlink_to(outside / "secret.css")
    for edit in case.get("edits", []):
        apply_edit(root, edit, places)
    special = case.get("special")
    if special == "folder-in-the-way":
        (root / "output" / "targets-2016-17-Q4.docx").unlink()
        (root / "output" / "targets-2016-17-Q4.docx").mkdir()
    if special == "output-is-a-file":
        shutil.rmtree(root / "output")
        (root / "output").write_bytes(b"not a folder")
    return root, places


def contents(output: Path) -> dict[str, bytes]:
    """What output/ holds: each file's bytes (a folder counts as empty), or the file itself."""
    if not output.is_dir():
        return {"<file>": output.read_bytes()}
    return {p.name: p.read_bytes() if p.is_file() else b"<folder>" for p in output.iterdir()}


def everything_written(tmp_path: Path) -> Iterator[bytes]:
    """The bytes of every regular file under tmp_path that is not the outside folder."""
    for path in tmp_path.rglob("*"):
        if "outside" in path.relative_to(tmp_path).parts[:1] or path.is_symlink():
            continue
        if path.is_file():
            with contextlib.suppress(OSError):
                yield path.read_bytes()


# Capabilities of the test process, so that root can run a case as a user without root's
# bypass of file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
_CAP_VERSION_3 = 0x20080522
_BYPASS = (1 << 1) | (1 << 2)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


@contextlib.contextmanager
def without_permission_bypass() -> Iterator[None]:
    """Run as a user whom file permissions apply to (root loses its bypass for the block)."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(_CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    assert libc.capget(ctypes.byref(header), data) == 0
    saved = data[0].effective
    data[0].effective &= ~_BYPASS
    assert libc.capset(ctypes.byref(header), data) == 0
    try:
        yield
    finally:
        data[0].effective = saved
        assert libc.capset(ctypes.byref(header), data) == 0


@contextlib.contextmanager
def failing(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`fail: {call: N, raise: KeyboardInterrupt | PermissionError}` makes the Nth os.replace
    of the run fail that way (the rename of finished packs into output/)."""
    spec = case.get("fail")
    if spec:
        real = os.replace
        calls: list[object] = []

        def replace(src: Any, dst: Any) -> None:
            calls.append(dst)
            if len(calls) == spec["call"]:
                if spec["raise"] == "KeyboardInterrupt":
                    raise KeyboardInterrupt
                raise PermissionError(1, "Operation not permitted", str(dst))
            real(src, dst)

        monkeypatch.setattr(os, "replace", replace)
    yield


def run_in_process(args: list[str], case: dict[str, Any], tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    for name, value in case.get("patch", {}).items():  # e.g. a shorter time limit
        module, attribute = name.rsplit(".", 1)
        monkeypatch.setattr(importlib.import_module(module), attribute, value)
    guard = without_permission_bypass() if case.get("chmod") else contextlib.nullcontext()
    with guard, failing(case, monkeypatch):
        result = CliRunner().invoke(main, args, catch_exceptions=True)
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(error))
        pytest.fail(f"uncaught exception (Traceback):\n{trace}\n{result.output}")
    return result.exit_code, result.stdout, result.stderr


def run_subprocess(args: list[str], case: dict[str, Any], tmp_path: Path) -> tuple[int, str, str]:
    prefix: list[str] = []
    if case.get("chmod") and os.geteuid() == 0:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    result = subprocess.run([*prefix, sys.executable, "-m", "csp_report", *args],
                            capture_output=True, text=True, cwd=tmp_path,
                            timeout=case.get("timeout", 120), check=False)
    return result.returncode, result.stdout, result.stderr


def _param(case_file: Path) -> Any:
    """A case; `slow: true` (it renders a pack, or runs as a real process) leaves it out of
    the fast loop; CI runs every case."""
    slow = yaml.safe_load(case_file.read_text(encoding="utf-8")).get("slow")
    return pytest.param(case_file, id=case_file.stem, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("case_file", [_param(case) for case in CASES])
def test_bad_input(case_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root, places = prepare(tmp_path, case)
    for name, mode in case.get("chmod", {}).items():
        os.chmod(root / name, int(str(mode), 0))
    before = contents(root / "output")
    outside_before = {p: p.read_bytes() for p in (tmp_path / "outside").rglob("*") if p.is_file()}
    target = tmp_path / "nowhere" if case.get("special") == "no-project" else root
    places["project"] = str(target)
    args = [fill(a, places) for a in case["run"]]
    try:
        if case.get("subprocess"):
            code, stdout, stderr = run_subprocess(args, case, tmp_path)
        else:
            code, stdout, stderr = run_in_process(args, case, tmp_path, monkeypatch)
    finally:
        for name in case.get("chmod", {}):
            os.chmod(root / name, 0o755 if (root / name).is_dir() else 0o644)
    output = stdout + stderr
    assert code == case["exit"], output
    assert "Traceback" not in output
    if "stderr" in case:
        assert fill(case["stderr"], places) in stderr, stderr
    if "stdout" in case:
        assert case["stdout"] in stdout, stdout
    if "where" in case:
        assert f"{case['where']}:" in stderr, stderr
    for expected in case.get("output_contains", []):
        produced = (root / expected["file"]).read_text(encoding="utf-8")
        assert expected["text"] in produced, expected["file"]
    if code != 0 and case.get("special") != "no-project":
        assert contents(root / "output") == before, "a failed run changed output/"
        if (root / "output").is_dir():
            assert not [p for p in (root / "output").iterdir() if p.name.startswith(".")]
    assert MARKER not in output, "a file outside the project was shown"
    assert outside_before == {p: p.read_bytes() for p in (tmp_path / "outside").rglob("*")
                              if p.is_file()}, "a file outside the project was changed"
    for data in everything_written(tmp_path):
        assert MARKER.encode() not in data, "a file outside the project was published"


def test_the_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_each_cause_of_issue_12_has_at_least_three_cases() -> None:
    causes = [yaml.safe_load(c.read_text(encoding="utf-8")).get("cause") for c in CASES]
    assert {cause: causes.count(cause) for cause in CAUSES} == \
        {cause: max(3, causes.count(cause)) for cause in CAUSES}
