"""`csp-report returns export`: one Excel workbook per data owner, to fill in and send back.

Every cell is locked except the entry cells, which carry data validation with an input
message. A very hidden sheet records which measure and series each row is, and what every
locked cell held, so that the import can refuse anything but the entry cells having changed.
The workbook is byte-identical when exported twice from the same data: the zip entries'
times and the document's created/modified dates come from SOURCE_DATE_EPOCH or the period.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import textwrap
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..errors import CspReportError, UsageError
from ..model.periods import FinancialYear, Period
from ..model.project import Project
from ..source_date import source_date
from . import spec
from .cells import canonical
from .spec import Column, Line

ENTRY_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
BANNER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# What a spreadsheet takes for the start of a formula when a cell is typed into.
FORMULA_START = ("=", "+", "-", "@")


def _stamp(period: Period) -> dt.datetime:
    """The workbook's date: SOURCE_DATE_EPOCH when set, else the end of the period."""
    given = source_date()
    stamp = given.replace(tzinfo=None) if given is not None else \
        dt.datetime.combine(period.end_date, dt.time())
    # The times a zip entry can hold: 1980 to 2107 (two seconds apart).
    return min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31, 23, 59, 58))


def _cell_value(value: Any) -> Any:
    """What goes into a cell: decimals as whole numbers or floats, text as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _as_text(wb: Workbook) -> None:
    """Make every text of the workbook a string cell, never a formula or an error.

    openpyxl makes a formula of any text starting with '=' and an error of '#N/A' and the
    like: a title '=1+2' would be live in Excel, and read back as something else. A text
    that a spreadsheet takes for a formula when the cell is edited (= + - @) also gets the
    quote prefix, so that editing it in Excel or LibreOffice keeps it text.
    """
    for ws in wb.worksheets:
        # the cells written, not the whole range (iter_rows would add empty cells)
        for cell in ws._cells.values():
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True


def _fit_rows(ws: Worksheet, rows: Iterable[int], widths: dict[str, float]) -> None:
    """Row heights for wrapped text (neither Excel nor LibreOffice fits them on opening)."""
    for row in rows:
        lines = 1
        for cell in ws[row]:
            width = widths.get(spec.letter(cell.column))
            if not isinstance(cell.value, str) or not width:
                continue
            per_line = max(1, int(width * (0.85 if cell.font.b else 1.05)))
            lines = max(lines, sum(max(1, len(textwrap.wrap(part, per_line)))
                                   for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row].height = min(409, 15 * lines)


def _printable(ws: Worksheet, title_rows: str | None = None) -> None:
    """Printed landscape, as wide as the page; the column headings on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _validations(project: Project, lines: list[Line]) -> dict[str, DataValidation]:
    def rule(kind: str, title: str, prompt: str, error: str, **options: Any) -> DataValidation:
        return DataValidation(type=kind, allow_blank=True, showInputMessage=True,
                              showErrorMessage=True, promptTitle=title[:32], prompt=prompt[:255],
                              errorTitle="Not accepted", error=error[:255], **options)

    states = ",".join(spec.STATE_WORDS.values())
    found = {
        "count": rule("whole", "A whole number", "Enter a whole number, 0 or more, e.g. 27. "
                      "Leave it empty and choose a state under 'If missing' when there is none.",
                      "A count is a whole number, 0 or more.",
                      operator="greaterThanOrEqual", formula1="0"),
        "rank": rule("whole", "A rank", "Enter the rank as a whole number: 1 is the best.",
                     "A rank is a whole number, 1 or more.",
                     operator="greaterThanOrEqual", formula1="1"),
        "percentage": rule("decimal", "A percentage", "Enter the percentage as a number from 0 "
                           "to 100, e.g. 34.7 for 34.7%.",
                           "A percentage is a number from 0 to 100.",
                           operator="between", formula1="0", formula2="100"),
        "signed-percentage": rule("decimal", "A percentage", "Enter the percentage as a "
                                  "number, e.g. -14.5 for -14.5%.",
                                  "The figure is a number.", operator="between",
                                  formula1="-1000000000", formula2="1000000000"),
        "rate": rule("decimal", "A number", "Enter the figure as a number, 0 or more.",
                     "The figure is a number, 0 or more.",
                     operator="greaterThanOrEqual", formula1="0"),
        "state": rule("list", "Only if missing", "If the figure cannot be given this time, "
                      "choose why, and say more under 'If missing: reason'.",
                      "Choose one of the states in the list.", formula1=f'"{states}"'),
        "reason": rule("textLength", "Only if missing", "Why the figure is missing, as the "
                       "pack should print it, e.g. 'Not available at time of writing'.",
                       "Keep the reason under 20,000 characters.",
                       operator="lessThanOrEqual", formula1="20000"),
        "text": rule("textLength", "Your update", "Your commentary for the board. Line breaks "
                     "(Alt+Enter) are kept.", "Keep the text under 20,000 characters.",
                     operator="lessThanOrEqual", formula1="20000"),
    }
    schemes = {project.report.packs[line.entry.pack].status for line in lines
               if spec.status_choices(project, line.entry)}
    for scheme in sorted(schemes):
        words = spec.status_choices(project, next(
            line.entry for line in lines if project.report.packs[line.entry.pack].status
            == scheme))
        listed = ",".join(words.values())
        if "," not in "".join(words.values()) and len(listed) < 250:
            found[f"status:{scheme}"] = rule(
                "list", "Your rating", "Choose your rating for this period.",
                "Choose one of the ratings in the list.", formula1=f'"{listed}"')
    return found


def _validation_key(column: str, line: Line, project: Project) -> str | None:
    if column in ("value", "previous", "ytd", "ytd_previous"):
        return "count" if column.startswith("ytd") else line.unit
    if column == "state":
        return "state"
    if column == "reason":
        return "reason"
    if column == "status":
        return f"status:{project.report.packs[line.entry.pack].status}"
    return "text"


def _locked_values(line: Line, project: Project, period: Period) -> dict[str, Any]:
    """The grey cells of a row: what the data says about the measure and its history."""
    m = line.measure
    unit = spec.UNIT_WORDS[line.unit]
    series = (m.series or {}).get(line.series)
    noun = (series.noun if series else None) or m.noun
    per = (getattr(series, "per", None) if series else None) or getattr(m, "per", None)
    if line.unit == "rate" and per:
        unit += f" (per {per})"
    elif noun and line.unit in ("count", "rate"):
        unit += f" ({noun})"
    year = m.years.get(period.year.id)
    target = year.target if year and not m.series else None
    last = line.figures(period.previous())
    if line.annual:
        before = m.years.get(FinancialYear(period.year.start - 1).id)
        return {"ref": m.ref or "", "measure": m.title,
                "series": f"Result for the year {period.year.label}", "unit": unit,
                "good": spec.GOOD_WORDS[line.good], "target": target,
                "previous": before.result if before else None}
    return {
        "ref": (m.ref or "") if line.first else "",
        "measure": m.title if line.first else "",
        "series": line.label,
        "unit": unit,
        "good": spec.GOOD_WORDS[line.good],
        "target": target,
        "previous": line.known_previous(period),
        "last_period": last.value if last is not None else None,
        "ytd_previous": line.known_ytd_previous(period) if line.uses_ytd else None,
    }


def _entered_values(line: Line, project: Project, period: Period) -> dict[str, Any]:
    """The entry cells, pre-filled with whatever the data already has for the period."""
    if line.annual:
        year = line.measure.years.get(period.year.id)
        return {"value": year.result if year else None}
    figures = line.figures(period)
    quarter = line.measure.quarters.get(period.id)
    values: dict[str, Any] = {}
    if figures is not None:
        values.update(value=figures.value, ytd=figures.ytd, previous=figures.previous,
                      ytd_previous=figures.ytd_previous)
        missing = figures.missing or (quarter.missing if quarter else None)
        if missing:
            values.update(state=spec.STATE_WORDS[missing.state], reason=missing.reason)
    if quarter is not None and line.first:
        values["commentary"] = quarter.commentary or None
        for nid, text in quarter.narratives.items():
            values[f"narrative:{nid}"] = text
        if quarter.status:
            values["status"] = spec.status_choices(project, line.entry).get(quarter.status)
    return values


def _cover(ws: Worksheet, project: Project, period: Period, owner: str) -> None:
    report = project.report
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80
    ws["A1"] = f"{report.partnership}: quarterly return"
    ws["A1"].font = Font(bold=True, size=14)
    due = spec.due_date(project, period)
    rows = [
        ("For", report.owners[owner]),
        ("Period", f"{period.range_label} ({period.id})"),
        ("Due by", spec.long_date(due)),
    ]
    if report.returns.contact:
        rows.append(("Send it back to", report.returns.contact))
    steps = [
        "Fill in the yellow cells on the Measures sheet; the grey cells come from the "
        "partnership's data and are locked.",
        "Give each figure as a plain number: a percentage as 34.7, not 34.7%.",
        "If a figure cannot be given this time, leave it empty, choose a state under "
        "'If missing' and say why.",
        "Commentary is printed in the board pack as you write it; line breaks (Alt+Enter) "
        "are kept.",
        "Fill in 'Completed by' and 'Date' below, save the workbook and send it back "
        "as it is (please keep the sheets and rows as they are).",
    ]
    rows += [("How to fill it in" if i == 0 else "", f"{i + 1}. {step}")
             for i, step in enumerate(steps)]
    row = 3
    for label, text in rows:
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        ws.cell(row, 2, text).alignment = WRAP
        row += 1
    _fit_rows(ws, range(3, row), {"B": 80})
    row += 1
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1",
                               allow_blank=True, showInputMessage=True,
                               promptTitle="Date", prompt="The date you completed the return.")
    text_rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200",
                               allow_blank=True, showInputMessage=True, promptTitle="Your name",
                               prompt="Who completed the return (name and role).")
    ws.add_data_validation(text_rule)
    ws.add_data_validation(date_rule)
    for label, rule in (("Completed by", text_rule), ("Date", date_rule)):
        ws.cell(row, 1, label).font = Font(bold=True)
        cell = ws.cell(row, 2)
        cell.protection = UNLOCKED
        cell.fill = ENTRY_FILL
        cell.border = BORDER
        if label == "Date":
            cell.number_format = "d mmmm yyyy"
        rule.add(cell.coordinate)
        row += 1
    _printable(ws)
    ws.protection.sheet = True


def _measures(ws: Worksheet, meta: Worksheet, project: Project, period: Period, owner: str,
              packs: list[tuple[str, list[Line]]]) -> None:
    lines = [line for _, pack_lines in packs for line in pack_lines]
    columns = spec.columns_for(project, lines, period)
    letters = {c.key: spec.letter(i + 1) for i, c in enumerate(columns)}
    ws["A1"] = (f"{project.report.owners[owner]}: return for {period.range_label} "
                f"({period.id})")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Fill in the yellow cells. Grey cells come from the data and are locked. Due by "
                f"{spec.long_date(spec.due_date(project, period))}.")
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(spec.HEADER_ROW, i, column.heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cell.border = BORDER
        ws.column_dimensions[spec.letter(i)].width = column.width
    ws.freeze_panes = f"D{spec.HEADER_ROW + 1}"
    rules = _validations(project, lines)
    meta_rows = []
    row = spec.HEADER_ROW + 1
    banners = set()
    for pack_id, pack_lines in packs:
        banners.add(row)
        banner = ws.cell(row, 1, project.report.packs[pack_id].title)
        banner.font = Font(bold=True)
        for i in range(1, len(columns) + 1):
            ws.cell(row, i).fill = BANNER_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1
        for line in pack_lines:
            meta_rows.append(_row(ws, row, line, columns, rules, project, period))
            row += 1
    data_rows = [r for r in range(spec.HEADER_ROW + 1, row) if r not in banners]
    for i, column in enumerate(columns, start=1):  # hide what no row of this return uses
        if column.key in ("series", "target", "ytd", "ytd_previous") and all(
                ws.cell(r, i).value is None and ws.cell(r, i).protection.locked
                for r in data_rows):
            ws.column_dimensions[spec.letter(i)].hidden = True
    _fit_rows(ws, [r for r in range(spec.HEADER_ROW, row) if r not in banners],
              {spec.letter(i + 1): c.width for i, c in enumerate(columns)})
    _printable(ws, f"{spec.HEADER_ROW}:{spec.HEADER_ROW}")
    for rule in rules.values():
        if rule.sqref.ranges:  # Excel calls a workbook with an empty validation damaged
            ws.add_data_validation(rule)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # partners may widen columns to read
    ws.protection.formatRows = False
    _write_meta(meta, project, period, owner, letters, meta_rows)


def _row(ws: Worksheet, row: int, line: Line, columns: list[Column],
         rules: dict[str, DataValidation], project: Project, period: Period) -> list[Any]:
    entry_keys = line.entry_cells(project, period)
    locked = _locked_values(line, project, period)
    entered = _entered_values(line, project, period)
    kept: dict[str, str] = {}
    filled: dict[str, str] = {}  # entry cells pre-filled: clearing one is a change too
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row, i)
        cell.alignment = WRAP
        cell.border = BORDER
        if column.key in entry_keys:
            value = entered.get(column.key)
            cell.value = _cell_value(value)
            if value is not None:
                filled[column.key] = canonical(cell.value)
            cell.protection = UNLOCKED
            cell.fill = ENTRY_FILL
            key = _validation_key(column.key, line, project)
            if key in rules:
                rules[key].add(cell.coordinate)
        else:
            value = locked.get(column.key)
            cell.value = _cell_value(value)
            cell.fill = LOCKED_FILL
            kept[spec.letter(i)] = canonical(cell.value)
    return [row, line.entry.file, line.series,
            json.dumps(kept, sort_keys=True, ensure_ascii=False),
            json.dumps(filled, sort_keys=True, ensure_ascii=False)]


def _write_meta(meta: Worksheet, project: Project, period: Period, owner: str,
                letters: dict[str, str], rows: list[list[Any]]) -> None:
    header = [
        ("generator", spec.GENERATOR),
        ("format", spec.FORMAT),
        ("partnership", project.report.partnership),
        ("period", period.id),
        ("owner", owner),
        ("columns", json.dumps(letters)),
        ("rows", len(rows)),
    ]
    for i, (key, value) in enumerate(header, start=1):
        meta.cell(i, 1, key)
        meta.cell(i, 2, value)
    for i, values in enumerate(rows, start=len(header) + 2):
        for j, value in enumerate(values, start=1):
            meta.cell(i, j, value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


def workbook_bytes(project: Project, period: Period, owner: str) -> bytes:
    """The return of one owner for one period, as the bytes of an .xlsx file."""
    if owner not in project.report.owners:
        raise UsageError(f"'{owner}' is not an owner in data/report.yaml")
    packs = spec.return_lines(project, owner, period)
    if not packs:
        raise UsageError(f"'{owner}' has no measure reporting in {period.id}, so there is no "
                         "return to make")
    stamp = _stamp(period)
    wb = Workbook()
    cover = wb.active
    cover.title = spec.COVER
    ws = wb.create_sheet(spec.SHEET)
    meta = wb.create_sheet(spec.META)
    _cover(cover, project, period, owner)
    _measures(ws, meta, project, period, owner, packs)
    _as_text(wb)
    wb.security = WorkbookProtection(lockStructure=True)
    props = wb.properties
    props.creator = props.lastModifiedBy = spec.GENERATOR
    props.title = f"{project.report.partnership}: return of {project.report.owners[owner]}, " \
                  f"{period.id}"
    props.created = props.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook would stamp the clock's time
    return _fixed_times(raw.getvalue(), stamp)


def _fixed_times(data: bytes, stamp: dt.datetime) -> bytes:
    """The same zip with every entry dated `stamp` (the zip module uses the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def _check_folder(folder: Path, root: Path) -> None:
    """Refuse to write returns through a link: the returns folder, or any folder between the
    project and it, that is a symlink or leads outside the project (a link planted in the
    project would have the export write wherever it points). A folder given with --out that
    lies outside the project is the user's choice and taken as it is."""
    start, target = Path(root).absolute(), Path(folder).absolute()
    base = Path(os.path.abspath(start))
    inside = Path(os.path.abspath(target)).is_relative_to(base)
    if not target.is_relative_to(start):  # spelled another way
        if not inside:
            return
        start, target = base, Path(os.path.abspath(target))
    shown = Path(os.path.relpath(target, start)).as_posix() if inside else str(folder)
    place = start
    for part in target.relative_to(start).parts:  # as spelled: a link before a '..' counts
        place = place / part
        if not Path(os.path.abspath(place)).is_relative_to(base):
            continue  # above the project (through '..'): not the project's to judge
        if place.is_symlink():
            named = Path(os.path.relpath(os.path.abspath(place), base)).as_posix()
            raise CspReportError(
                f"cannot write the returns to {shown}: "
                f"{'it' if named == shown else named} is a link, and returns are written "
                "only into real folders inside the project; remove the link, or export "
                "with --out to a folder of your choice")
        if not place.exists():
            break
    if inside and not target.resolve().is_relative_to(base.resolve()):
        raise CspReportError(f"cannot write the returns to {shown}: it leads outside the "
                             "project; export with --out to a folder of your choice")


def export_returns(project: Project, period: str, owner: str | None = None,
                   out: Path | None = None, force: bool = False) -> list[Path]:
    """Write each owner's return for `period` (or only `owner`'s) into `out` (default
    PROJECT/returns); returns the paths written.

    A workbook already there that differs from the fresh export (a return filled in and saved
    under its own name) is not replaced unless `force` is given."""
    try:
        when = Period.parse(period)
    except ValueError as err:
        raise UsageError(str(err)) from None
    owners = [owner] if owner else spec.owners_with_measures(project, when)
    if not owners:
        raise UsageError(f"no measure with an owner reports in {when.id}, so there are no "
                         "returns to make")
    from ..write import refuse_input_folders, write_all

    if out is not None:
        refuse_input_folders(project.root, out, "the returns")
    folder = out if out is not None else project.root / "returns"
    _check_folder(folder, project.root)
    outputs = {folder / spec.file_name(o, when): workbook_bytes(project, when, o)
               for o in owners}
    kept = [path for path, data in outputs.items()
            if path.is_file() and path.read_bytes() != data]
    if kept and not force:
        listed = "\n".join(f"  {path}" for path in kept)
        raise CspReportError(
            f"not replacing {len(kept)} workbook{'s' if len(kept) != 1 else ''} that "
            f"differ{'s' if len(kept) == 1 else ''} from a fresh export (filled in, or "
            f"exported from older data):\n{listed}\n"
            "move them away first, or export with --force")
    return write_all(outputs)
