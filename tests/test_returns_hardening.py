"""Partner returns against crafted input: text that looks like a formula, numeric cells that
hold no number, and a returns folder that is a link."""

from __future__ import annotations

import json
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from projects import make_project
from test_returns import (
    CALLERS,
    FIRES,
    NAME,
    REPORT,
    ROBBERY,
    SATISFACTION,
    _digest,
    _export,
    _import,
)

from csp_report.api import open_project
from csp_report.cli import main
from csp_report.errors import CspReportError
from csp_report.returns import spec
from csp_report.returns.export import export_returns
from csp_report.returns.read import read_return

# Texts a spreadsheet takes for a formula (=, and + - @ when typed) or an error value.
FORMULA_LIKE = ["=1+2", '=HYPERLINK("http://example.invalid/x","click")', "+44 1642 528 000",
                "-5 on last year", "@SUM(A1:A2)", "#N/A", "=", "==="]


def _project(root: Path, title: str = "Reduce robbery", commentary: str | None = None,
             reason: str | None = None) -> Path:
    robbery = ROBBERY.replace("title: Reduce robbery", f"title: {json.dumps(title)}")
    if commentary is not None:
        robbery += f"  2023-24-Q3:\n    value: 9\n    commentary: {json.dumps(commentary)}\n"
    satisfaction = SATISFACTION
    if reason is not None:
        satisfaction += ("  2023-24-Q3:\n    missing:\n      state: to-follow\n"
                         f"      reason: {json.dumps(reason)}\n")
    return make_project(root, REPORT, {
        "p/robbery.yaml": robbery, "p/satisfaction.yaml": satisfaction,
        "p/callers.yaml": CALLERS, "p/fires.yaml": FIRES})


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return _project(tmp_path / "proj")


# 1. Text is written as text, never as a formula, and reads back as it was.

@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_that_looks_like_a_formula_is_a_string_cell(tmp_path: Path, text: str) -> None:
    root = _project(tmp_path / "proj", title=text, commentary=text, reason=text)
    path = _export(root)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/")]
    assert not [s for s in sheets if "<f>" in s or "<f " in s or 't="e"' in s]
    ws = load_workbook(path)[spec.SHEET]
    for cell in ("B6", "N6", "M7"):  # title (locked), commentary, missing reason
        assert (ws[cell].value, ws[cell].data_type) == (text, "s"), cell
        # editing the cell in a spreadsheet keeps it text
        assert ws[cell].quotePrefix == text.startswith(("=", "+", "-", "@")), cell
    digest = _digest(root)
    code, output = _import(root, NAME)
    assert code == 0, output
    assert "nothing to change" in output
    assert _digest(root) == digest


def test_a_partnership_named_like_a_formula_still_identifies_its_returns(tmp_path: Path
                                                                          ) -> None:
    root = _project(tmp_path / "proj")
    report = root / "data/report.yaml"
    report.write_text(re.sub(r"(?m)^partnership: .*$", 'partnership: "=Testshire"',
                             report.read_text()))
    _export(root)
    code, output = _import(root, NAME)
    assert code == 0, output
    assert "nothing to change" in output


def test_formula_like_text_typed_by_the_partner_is_imported_as_text(small: Path) -> None:
    from test_returns import _fill

    _fill(_export(small), {"N6": "-5 on last year", "N7": "@ward level"})
    code, output = _import(small, NAME)
    assert code == 0, output
    quarters = {e.measure.ref: e.measure.quarters["2023-24-Q3"]
                for e in open_project(small).measures["p"]
                if "2023-24-Q3" in e.measure.quarters}
    assert quarters["1.1"].commentary == "-5 on last year"
    assert quarters["1.2"].commentary == "@ward level"


@pytest.mark.slow
def test_formula_like_text_survives_a_libreoffice_save(tmp_path: Path) -> None:
    text = '=HYPERLINK("http://example.invalid/x","click")'
    root = _project(tmp_path / "proj", title="=1+2", commentary=text, reason="-5")
    path = _export(root)
    saved = tmp_path / "saved"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                   check=True, capture_output=True, timeout=180)
    digest = _digest(root)
    code, output = _import(root, str(saved / path.name))
    assert code == 0, output
    assert _digest(root) == digest


# 2. A numeric cell holding no number is named, not a bare ValueError.

def _patched(source: Path, target: Path, part: str, cell: str, value: str,
             kind: str = "") -> Path:
    """A copy of a workbook with one cell of one sheet part made numeric holding `value`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                text = data.decode()
                pattern = rf'<c r="{cell}"([^>]*?)(/>|>.*?</c>)'
                found = re.search(pattern, text)
                assert found, cell
                attributes = re.sub(r' t="\w+"', "", found.group(1)) + kind
                text = text.replace(found.group(0),
                                    f'<c r="{cell}"{attributes}><v>{value}</v></c>', 1)
                data = text.encode()
            out.writestr(info, data)
    return target


MEASURES_PART = "xl/worksheets/sheet2.xml"


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-inf", "Infinity", "1.2.3", "12abc"])
@pytest.mark.parametrize("cell", ["H6", "I6", "N6"])  # locked, figure, commentary
def test_a_numeric_cell_that_is_no_number_is_named(small: Path, value: str, cell: str
                                                   ) -> None:
    _patched(_export(small), small / "returns/bad.xlsx", MEASURES_PART, cell, value)
    digest = _digest(small)
    code, output = _import(small, "returns/bad.xlsx")
    assert code == 1 and "Traceback" not in output
    assert f"returns/bad.xlsx:Measures!{cell}: the cell holds {value!r}, which is not a " \
           "number" in output, output
    assert "ValueError" not in output
    assert _digest(small) == digest


@pytest.mark.parametrize("value", ["1e999", "-1e999"])
@pytest.mark.parametrize("cell", ["H6", "I6", "N6"])
def test_a_number_too_large_for_a_workbook_is_named(small: Path, value: str, cell: str
                                                    ) -> None:
    """'1e999' is read as infinity; no cell of Excel's can hold it."""
    _patched(_export(small), small / "returns/bad.xlsx", MEASURES_PART, cell, value)
    code, output = _import(small, "returns/bad.xlsx")
    assert code == 1 and "Traceback" not in output
    assert f"returns/bad.xlsx:Measures!{cell}: " in output, output
    assert "inf" in output and "OverflowError" not in output


def test_a_text_cell_pointing_past_the_shared_texts_is_named(small: Path) -> None:
    """openpyxl's IndexError was all the message said."""
    path = _export(small)  # its texts are inline: it holds no shared texts
    _patched(path, small / "returns/bad.xlsx", MEASURES_PART, "N6", "99999", ' t="s"')
    digest = _digest(small)
    code, output = _import(small, "returns/bad.xlsx")
    assert code == 1 and "IndexError" not in output
    assert ("returns/bad.xlsx:Measures!N6: the cell holds '99999', which is not the number of "
            "a shared text (the workbook holds none); the file was not saved by Excel or "
            "LibreOffice: ask for the return to be sent again") in output, output
    assert _digest(small) == digest


def test_every_bad_cell_of_every_sheet_is_listed(small: Path) -> None:
    path = _export(small)
    first = _patched(path, small / "returns/one.xlsx", MEASURES_PART, "I6", "NaN")
    _patched(first, small / "returns/bad.xlsx", "xl/worksheets/sheet3.xml", "B7", "inf")
    _patched(small / "returns/bad.xlsx", small / "returns/worse.xlsx", MEASURES_PART, "I7",
             "yes", ' t="b"')
    code, output = _import(small, "returns/worse.xlsx")
    assert code == 1
    assert "returns/worse.xlsx:Measures!I6: the cell holds 'NaN'" in output
    assert "returns/worse.xlsx:Measures!I7: the cell holds 'yes', which is not true or false" \
        in output
    assert f"returns/worse.xlsx:{spec.META}!B7: the cell holds 'inf'" in output


def test_the_row_count_of_the_csp_report_sheet_too_large(small: Path) -> None:
    _patched(_export(small), small / "returns/bad.xlsx", "xl/worksheets/sheet3.xml", "B7",
             "1e999")
    code, output = _import(small, "returns/bad.xlsx")
    assert code == 1 and "Traceback" not in output
    assert "its csp-report sheet is damaged" in output


def test_openpyxl_warnings_are_not_shown(small: Path) -> None:
    """A date cell holding a serial beyond any date: openpyxl warns, we say nothing."""
    bad = _patched(_export(small), small / "returns/bad.xlsx", "xl/worksheets/sheet1.xml",
                   "B14", "1e300")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_return(bad, open_project(small))
    assert not caught


# 3. The returns folder, and every folder on the way to it, is a real folder in the project.

def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def test_a_returns_folder_that_is_a_link_outside_is_refused(small: Path, tmp_path: Path
                                                            ) -> None:
    outside = _outside(tmp_path)
    (small / "returns").symlink_to(outside)
    result = CliRunner().invoke(main, ["returns", "export", str(small), "--period",
                                       "2023-24-Q3"])
    assert result.exit_code == 1, result.output
    assert "cannot write the returns to returns: it is a link" in result.output
    assert str(outside) not in result.output
    assert list(outside.iterdir()) == []


def test_a_returns_folder_linked_inside_the_project_is_refused(small: Path) -> None:
    (small / "returns").symlink_to(small / "data")
    before = sorted(p.name for p in (small / "data").iterdir())
    with pytest.raises(CspReportError, match="it is a link"):
        export_returns(open_project(small), "2023-24-Q3")
    assert sorted(p.name for p in (small / "data").iterdir()) == before


def test_a_link_anywhere_on_the_way_to_out_is_refused(small: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (small / "returns").mkdir()
    (small / "returns/2023").symlink_to(outside)
    for out in (small / "returns/2023/q3", small / "returns/2023",
                small / "returns/2023/../2023/q3"):
        with pytest.raises(CspReportError, match="returns/2023 is a link|it is a link"):
            export_returns(open_project(small), "2023-24-Q3", out=out)
    assert list(outside.rglob("*")) == []


def test_dot_dot_after_a_link_is_refused(small: Path, tmp_path: Path) -> None:
    """returns/../x reads as x inside the project, but the link makes it a folder outside."""
    outside = _outside(tmp_path)
    (outside / "folder").mkdir()
    (small / "returns").symlink_to(outside / "folder")
    with pytest.raises(CspReportError, match="returns is a link"):
        export_returns(open_project(small), "2023-24-Q3", out=small / "returns/../sent")
    assert list(outside.rglob("*.xlsx")) == [] and not (small / "sent").exists()


def test_real_folders_and_an_out_folder_outside_the_project_still_work(small: Path,
                                                                       tmp_path: Path) -> None:
    [path] = export_returns(open_project(small), "2023-24-Q3", "police",
                            out=small / "returns/2023/q3")
    assert path == small / "returns/2023/q3/police-2023-24-Q3.xlsx" and path.is_file()
    elsewhere = tmp_path / "elsewhere"
    [path] = export_returns(open_project(small), "2023-24-Q3", "police", out=elsewhere)
    assert path.parent == elsewhere and path.is_file()
    linked = tmp_path / "linked"
    linked.symlink_to(elsewhere)  # a link outside the project, named by the user: theirs
    [path] = export_returns(open_project(small), "2023-24-Q3", "police", out=linked)
    assert path == linked / "police-2023-24-Q3.xlsx"


def test_an_out_folder_above_the_project_spelled_with_dot_dot_is_the_users(
        small: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked = tmp_path / "linked"
    linked.symlink_to(elsewhere)
    [path] = export_returns(open_project(small), "2023-24-Q3", "police",
                            out=small / "../linked")
    assert (elsewhere / path.name).is_file()


def test_a_link_reached_through_dot_dot_inside_the_project_is_refused(small: Path,
                                                                      tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (small / "sub").mkdir()
    (small / "returns").symlink_to(outside)
    with pytest.raises(CspReportError, match="returns is a link"):
        export_returns(open_project(small), "2023-24-Q3", out=small / "sub/../returns/q3")
    assert list(outside.rglob("*")) == []


def test_a_formula_saved_without_its_result_is_named_not_dropped(small: Path) -> None:
    """openpyxl (or a script) saves a formula with no result: read as the value Excel saved,
    the cell would be empty and the partner's words lost without a word."""
    from test_returns import _fill

    before = _digest(small)
    _fill(_export(small), {"N6": "=1+1", "N7": "kept words"})
    code, output = _import(small, NAME)
    assert code == 1, output
    assert "Measures!N6: the cell holds the formula '=1+1' with no saved result (the program " \
           "that saved the file did not work it out): type the figure or text itself, or " \
           "open and save the file in Excel or LibreOffice" in output
    assert _digest(small) == before


def test_a_formula_whose_result_is_empty_text_is_read_as_empty(small: Path) -> None:
    """Excel saves =IF(A1="","",A1) with its empty result as t="str" and an empty <v>: a
    saved result, read as an empty cell, not refused."""
    from test_returns import _fill

    workbook = _export(small)
    _fill(workbook, {"N7": "kept words"})
    with zipfile.ZipFile(workbook) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/")
                 and b'r="N7"' in parts[name])
    xml = parts[sheet].decode("utf-8")
    cell = re.search(r'<c r="N6"[^>]*?(/>|>.*?</c>)', xml)
    assert cell is not None
    style = re.search(r's="\d+"', cell[0])
    empty = f'<c r="N6" {style[0] if style else ""} t="str"><f>IF(A1="","",A1)</f><v></v></c>'
    parts[sheet] = xml.replace(cell[0], empty, 1).encode("utf-8")
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    code, output = _import(small, NAME)
    assert code == 0, output
    assert "kept words" in (small / "data/measures/p/robbery.yaml").read_text() + \
        (small / "data/measures/p/satisfaction.yaml").read_text()


def test_anything_typed_below_the_return_s_rows_is_named(small: Path) -> None:
    """A partner's added row (a ref, a figure, a comment) was dropped, and the import said
    all was well."""
    from test_returns import _fill

    path = _fill(_export(small), {"B12": "1.9", "I12": 5, "N13": "see email"})
    digest = _digest(small)
    code, output = _import(small, str(path.relative_to(small)))
    assert code == 1
    added = ("this row is not one of the return's, and would not be read: put figures and "
             "words in the rows of their measures (commentary takes any note)")
    assert f"Measures!B12: {added}" in output and f"Measures!N13: {added}" in output, output
    assert _digest(small) == digest


def test_a_part_packed_like_a_bomb_is_refused_before_it_is_parsed(small: Path) -> None:
    """56 KB that unpacked to 48 MB of styles (under the 50 MiB limit) took the XML parser
    1.6 GB and minutes."""
    source = _export(small)
    bomb = small / "returns/bomb.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/styles.xml":
                data = data.replace(b"</styleSheet>",
                                    b"<extLst>" + b"<a/>" * 500_000 + b"</extLst></styleSheet>")
                size = len(data)
            out.writestr(info.filename, data)
    with zipfile.ZipFile(bomb) as archive:
        packed = archive.getinfo("xl/styles.xml").compress_size
    code, output = _import(small, "returns/bomb.xlsx", "--dry-run")
    assert (code, output) == (1, "Error: 1 problem found; no measure file was changed:\n"
                                 f"returns/bomb.xlsx: its part 'xl/styles.xml' unpacks to "
                                 f"{size:,} bytes from {packed:,}, as no spreadsheet's does; "
                                 "ask for the return to be sent again\n")
