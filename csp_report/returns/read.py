"""Read a returned workbook safely and check every cell, reporting every problem at once.

Only workbooks this tool made are read: the very hidden sheet says which project, period and
owner the return is for, which measure and series each row is, and what every locked cell
held. The file is bounded (size, unpacked size, sheets, rows, columns) before any of it is
parsed, and read with openpyxl in read-only, values-only mode: formulas are never evaluated
(their last saved value is read), links and macros are never loaded.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.measure import Missing
from ..model.periods import Period
from ..model.project import MeasureEntry, Project
from . import cells, spec
from .cells import CellProblem


@dataclass(frozen=True, order=True)
class ReturnProblem:
    """One thing wrong with a return: `file:Sheet!Cell: field: message`."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.where}: {field}{self.message}"


@dataclass
class RowReturn:
    """What one row of a return says, checked, with the cell each value came from."""

    row: int
    entry: MeasureEntry
    line: spec.Line
    values: dict[str, Any] = field(default_factory=dict)  # value, previous, ..., missing
    cells: dict[str, str] = field(default_factory=dict)   # the same keys: 'Measures!I7'


@dataclass
class Returned:
    """One workbook read and checked."""

    name: str          # as the user gave it, for messages
    period: Period
    owner: str
    rows: list[RowReturn]
    completed_by: str | None = None


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[ReturnProblem] = []

    def add(self, cell: str | None, field_name: str, message: str) -> None:
        where = f"{self.name}:{cell}" if cell else self.name
        self.found.append(ReturnProblem(where, field_name, message))


def _bounded(path: Path, problems: _Problems) -> bool:
    """Refuse a file that is too big, not a zip, or would unpack to too much."""
    try:
        size = path.stat().st_size
    except OSError as err:
        problems.add(None, "", f"cannot read the file: {err.strerror}")
        return False
    if not path.is_file():
        problems.add(None, "", "not a file")
        return False
    if size > spec.MAX_BYTES:
        problems.add(None, "", f"file is {size:,} bytes; a return is at most "
                     f"{spec.MAX_BYTES:,} bytes (5 MiB)")
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.add(None, "", "cannot be read as an Excel workbook (.xlsx): the file is "
                     "damaged or of another kind; ask for the return to be sent again")
        return False
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > 200 or unpacked > spec.MAX_UNPACKED:
        problems.add(None, "", f"the workbook unpacks to {unpacked:,} bytes in {len(infos)} "
                     f"parts; a return is at most {spec.MAX_UNPACKED:,} bytes")
        return False
    # Within those bytes, a part of millions of tiny repeated elements packs a hundred times
    # smaller or more, and takes the XML parser gigabytes (56 KB that unpacked to 48 MB of
    # styles took 1.6 GB and minutes); a spreadsheet's own parts pack 5 to 30 times smaller.
    for info in infos:
        if info.file_size > spec.BOMB_PART and \
                info.file_size > spec.BOMB_RATIO * max(info.compress_size, 1):
            problems.add(None, "", f"its part {cells.shown(info.filename)} unpacks to "
                         f"{info.file_size:,} bytes from {info.compress_size:,}, as no "
                         "spreadsheet's does; ask for the return to be sent again")
            return False
    return True


def _rows(ws: Any, max_row: int, max_col: int) -> list[list[Any]]:
    """Values and number formats of a sheet's first rows (read-only: never past `max_row`)."""
    found = []
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        found.append([(getattr(c, "value", None), getattr(c, "number_format", "General"))
                      for c in row])
    return found


def _meta(rows: list[list[Any]]) -> dict[str, Any]:
    head = {}
    for row in rows[:8]:
        if row and isinstance(row[0][0], str):
            head[row[0][0]] = row[1][0] if len(row) > 1 else None
    return head


def read_return(path: Path, project: Project, name: str | None = None
                ) -> tuple[Returned | None, list[ReturnProblem]]:
    """Read and check one workbook; the problems are every one found, each with its cell."""
    problems = _Problems(name or str(path))
    if not _bounded(path, problems):
        return None, problems.found
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl's warnings about odd cells are no use here
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(path, read_only=True, data_only=True, keep_links=False,
                               keep_vba=False)
        except Exception as err:  # any failure of the parser on a damaged file: one answer
            _unreadable(path, problems, err)
            return None, problems.found
        try:
            returned, found = _read(wb, project, problems)
        except Exception as err:  # a damaged part of the zip, met only while reading rows
            _unreadable(path, problems, err)
            return None, problems.found
        finally:
            wb.close()
    # A formula typed by a program that saved no result reads as an empty cell: say so, or
    # the partner's figure or words would be dropped without a word.
    unsaved = [fault for fault in _bad_cells(path) if fault[2] == UNSAVED_RESULT]
    for where, formula, _what in unsaved[:_MAX_BAD_CELLS]:
        problems.add(where, "", f"the cell holds the formula {cells.shown(formula)} with no "
                     "saved result (the program that saved the file did not work it out): "
                     "type the figure or text itself, or open and save the file in Excel or "
                     "LibreOffice")
    return (None, problems.found) if unsaved else (returned, found)


def _unreadable(path: Path, problems: _Problems, err: Exception) -> None:
    """The workbook could not be parsed: name each cell that openpyxl could not read (a
    numeric cell holding 'NaN', say), or else say what kind of failure it was."""
    bad = _bad_cells(path)
    for where, value, what in bad[:_MAX_BAD_CELLS]:
        problems.add(where, "", f"the cell holds {cells.shown(value)}, which is not {what}; "
                     "the file was not saved by Excel or LibreOffice: ask for the return to "
                     "be sent again")
    if len(bad) > _MAX_BAD_CELLS:
        problems.add(None, "", f"and {len(bad) - _MAX_BAD_CELLS:,} more cells like these")
    if not bad:
        problems.add(None, "", "cannot be read as an Excel workbook (.xlsx): "
                     f"{type(err).__name__}; ask for the return to be sent again")


_MAX_BAD_CELLS = 20
UNSAVED_RESULT = "a saved result"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip part) of each worksheet, in the workbook's order; parts by their own
    names when the workbook's list of sheets cannot be read."""
    from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
        fromstring,
    )

    parts = [n for n in archive.namelist()
             if n.startswith("xl/worksheets/") and n.endswith(".xml") and n.count("/") == 2]
    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return [(posixpath.basename(n), n) for n in parts]
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter()
               if _local(rel.tag) == "Relationship"}
    found = []
    for sheet in book.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
        if part in parts:
            found.append((str(sheet.get("name")), part))
    named = {part for _, part in found}
    return found + [(posixpath.basename(n), n) for n in parts if n not in named]


def _number_text(value: str) -> bool:
    """Whether openpyxl reads the text of a numeric cell as a finite number."""
    try:
        number = float(value) if any(c in value for c in ".eE") else int(value)
    except (ValueError, OverflowError):
        return False
    return math.isfinite(number)


def _bad_cells(path: Path) -> list[tuple[str, str, str]]:
    """Every cell whose stored value is not of its own type: (Sheet!Cell, value, what it
    should be). Read with defusedxml, so entities are refused here too; [] on any failure."""
    from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
        iterparse,
    )

    bad: list[tuple[str, str, str]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            shared = _shared_texts(archive)
            for sheet, part in _sheet_parts(archive):
                with archive.open(part) as stream:
                    for _, element in iterparse(stream):
                        name = _local(element.tag)
                        if name == "row":
                            element.clear()
                        if name != "c":
                            continue
                        kind = element.get("t", "n")
                        value = next((child.text or "" for child in element
                                      if _local(child.tag) == "v"), "")
                        where = f"{sheet}!{element.get('r') or '?'}"
                        formula = next((child.text for child in element
                                        if _local(child.tag) == "f"), None)
                        # Only a text result can be empty (Excel saves a formula giving ""
                        # as t="str" with an empty <v>); openpyxl saves an empty <v> for all.
                        if formula and not value and kind not in ("str", "inlineStr"):
                            bad.append((where, f"={formula}", UNSAVED_RESULT))
                        if not value:
                            continue
                        if kind == "n" and not _number_text(value):
                            bad.append((where, value, "a number"))
                        elif kind == "b" and value.strip() not in ("0", "1"):
                            bad.append((where, value, "true or false (0 or 1)"))
                        elif kind == "s" and not value.strip().isdigit():
                            bad.append((where, value, "a number of a shared text"))
                        elif kind == "s" and int(value) >= shared:
                            bad.append((where, value, _shared_text_number(shared)))
                        if len(bad) > 10_000:
                            return bad
    except Exception:
        return bad
    return bad


def _shared_text_number(shared: int) -> str:
    if shared == 0:
        return "the number of a shared text (the workbook holds none)"
    if shared == 1:
        return "the number of the workbook's one shared text"
    return f"the number of one of the workbook's {shared:,} shared texts"


def _shared_texts(archive: zipfile.ZipFile) -> int:
    """How many shared texts the workbook holds (a text cell holds the number of one)."""
    from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
        iterparse,
    )

    if "xl/sharedStrings.xml" not in archive.namelist():
        return 0
    count = 0
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in iterparse(stream):
            if _local(element.tag) == "si":
                count += 1
                element.clear()
    return count


def _read(wb: Any, project: Project, problems: _Problems
          ) -> tuple[Returned | None, list[ReturnProblem]]:
    if len(wb.sheetnames) > spec.MAX_SHEETS:
        problems.add(None, "", f"has {len(wb.sheetnames)} sheets; a return has 3")
        return None, problems.found
    if spec.META not in wb.sheetnames:
        problems.add(None, "", "is not a return made by csp-report (it has no "
                     f"'{spec.META}' sheet); export one with `csp-report returns export`")
        return None, problems.found
    if spec.SHEET not in wb.sheetnames:
        problems.add(None, "", f"its '{spec.SHEET}' sheet is missing or was renamed; "
                     "export the return again")
        return None, problems.found
    meta_ws = wb[spec.META]
    head = _meta(_rows(meta_ws, 8, 2))
    if head.get("generator") != spec.GENERATOR:
        problems.add(None, "", "is not a return made by csp-report")
        return None, problems.found
    if head.get("format") != spec.FORMAT:
        problems.add(None, "", f"is a return of format {head.get('format')!r}; this version "
                     f"of csp-report reads format {spec.FORMAT}: export the return again")
        return None, problems.found
    partnership = project.report.partnership
    if head.get("partnership") != partnership:
        problems.add(None, "", f"is a return for {cells.shown(head.get('partnership'))}, not "
                     f"for this project ({partnership})")
    try:
        period = Period.parse(str(head.get("period")))
    except ValueError:
        problems.add(None, "", f"names no period ({cells.shown(head.get('period'))})")
        return None, problems.found
    owner = head.get("owner")
    if not isinstance(owner, str) or owner not in project.report.owners:
        problems.add(None, "", f"is the return of {cells.shown(owner)}, who is not an owner "
                     "in data/report.yaml")
        return None, problems.found
    try:
        letters: dict[str, str] = json.loads(head.get("columns") or "")
        count = int(head.get("rows") or 0)
    except (TypeError, ValueError, OverflowError):
        problems.add(None, "", "its csp-report sheet is damaged: export the return again")
        return None, problems.found
    if problems.found:
        return None, problems.found
    if not 0 < count <= spec.MAX_ROWS or len(letters) > spec.MAX_COLUMNS:
        problems.add(None, "", "its csp-report sheet is damaged: export the return again")
        return None, problems.found
    meta_rows = _rows(meta_ws, 8 + count, 5)[8:]
    keys = {v: k for k, v in letters.items()}
    sheet_rows = max((r[0][0] for r in meta_rows if r and isinstance(r[0][0], int)),
                     default=0)
    values = _rows(wb[spec.SHEET], min(sheet_rows + ROWS_AFTER, spec.MAX_ROWS + 50),
                   len(letters))
    by_file = {e.file: e for entries in project.measures.values() for e in entries}
    returned = Returned(problems.name, period, owner, [], _completed_by(wb))
    for meta in meta_rows:
        row = _row(meta, values, keys, by_file, project, period, owner, problems)
        if row is not None:
            returned.rows.append(row)
    _rows_added(values, sheet_rows, problems)
    return (None if problems.found else returned), problems.found


# How many rows below the return's own are looked at for anything typed there.
ROWS_AFTER = 200


def _rows_added(values: list[list[Any]], last: int, problems: _Problems) -> None:
    """Anything typed below the return's own rows is named: only those rows are read, so a
    figure or words typed in a row of their own would be dropped without a word."""
    from openpyxl.utils import get_column_letter

    for number, row in enumerate(values[last:], start=last + 1):
        typed = next((index for index, (value, _) in enumerate(row)
                      if value is not None and str(value).strip()), None)
        if typed is not None:
            problems.add(f"{spec.SHEET}!{get_column_letter(typed + 1)}{number}", "",
                         "this row is not one of the return's, and would not be read: put "
                         "figures and words in the rows of their measures (commentary takes "
                         "any note)")


def _completed_by(wb: Any) -> str | None:
    if spec.COVER not in wb.sheetnames:
        return None
    for row in _rows(wb[spec.COVER], 40, 2):
        if len(row) > 1 and row[0][0] == "Completed by" and row[1][0] is not None:
            return cells.text(cells.canonical(row[1][0]))[:200]
    return None


def _row(meta: list[Any], values: list[list[Any]], keys: dict[str, str],
         by_file: dict[str, MeasureEntry], project: Project, period: Period, owner: str,
         problems: _Problems) -> RowReturn | None:
    cell_values = [v for v, _ in meta] + [None] * 5
    number, file, series, kept_json, filled_json = cell_values[:5]
    if not isinstance(number, int) or not 0 < number <= len(values):
        problems.add(None, "", "its csp-report sheet is damaged: export the return again")
        return None
    entry = by_file.get(str(file))
    if entry is None:
        problems.add(f"{spec.SHEET}!A{number}", "", f"the measure of this row ({file}) is no "
                     "longer in the project; export the return again")
        return None
    if entry.measure.owner != owner:
        problems.add(f"{spec.SHEET}!A{number}", "owner", f"{entry.name} is now owned by "
                     f"'{entry.measure.owner}', not '{owner}'; export the return again")
        return None
    if series not in entry.series_ids():
        problems.add(f"{spec.SHEET}!C{number}", "", f"'{series}' is not a series of "
                     f"{entry.name}; export the return again")
        return None
    try:
        kept: dict[str, str] = json.loads(kept_json)
        filled: dict[str, str] = json.loads(filled_json) if filled_json else {}
    except (TypeError, ValueError):
        problems.add(None, "", "its csp-report sheet is damaged: export the return again")
        return None
    line = spec.Line(entry, str(series), series == entry.series_ids()[0])
    line_kind = period.kind
    row_cells = values[number - 1] + [(None, "General")] * len(keys)
    result = RowReturn(number, entry, line)
    for letter_, key in keys.items():
        index = _index(letter_)
        value, number_format = row_cells[index - 1]
        where = f"{spec.SHEET}!{letter_}{number}"
        if letter_ in kept:
            now = cells.canonical(value)
            if now != kept[letter_]:
                heading = next((c.heading for c in spec.number_columns(line_kind)
                                if c.key == key),
                               _field(key))
                problems.add(where, heading, f"this cell is locked and was changed from "
                             f"{_say(kept[letter_])} to {_say(now)}; put figures only in the "
                             "yellow cells")
            continue
        try:
            parsed = _parse(key, value, number_format, line, project)
        except CellProblem as err:
            problems.add(where, _field(key), str(err))
            continue
        result.cells[key] = where
        if parsed is not None:
            result.values[key] = parsed
    _cross_check(result, problems, filled)
    return result


def _say(text: str) -> str:
    if not text:
        return "empty"
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _field(key: str) -> str:
    if key.startswith("narrative:"):
        return "narratives." + key.split(":", 1)[1]
    return spec.FIELD_NAMES.get(key, key)


def _parse(key: str, value: Any, number_format: str, line: spec.Line, project: Project) -> Any:
    if key in spec.FIGURE_FIELDS:
        unit = "count" if key.startswith("ytd") else line.unit
        percent = unit in ("percentage", "signed-percentage")
        if percent and isinstance(value, str) and value.strip().endswith("%"):
            value = value.strip()[:-1]  # '34.7%' typed into a cell formatted as text
        found = cells.number(value, percent and cells.scales_by_100(number_format))
        if found is not None:
            cells.check_unit(found, unit)
        return found
    if key == "state":
        return cells.choice(value, {k: v for k, v in spec.STATE_WORDS.items()},
                            "a missing-data state")
    if key == "status":
        return cells.choice(value, spec.status_choices(project, line.entry), "a rating")
    return cells.long_text(value)


def _cross_check(row: RowReturn, problems: _Problems, filled: dict[str, str]) -> None:
    """A state needs a reason, a reason needs a state, and a missing figure has no figure.
    A pre-filled state the owner cleared says the figure is no longer missing."""
    state, reason = row.values.pop("state", None), row.values.pop("reason", None)
    state_cell, reason_cell = row.cells.pop("state", None), row.cells.pop("reason", None)
    if not state and not reason and filled.get("state"):
        row.values["cleared"] = True
        row.cells["cleared"] = state_cell or ""
    if state and not reason:
        problems.add(reason_cell, "missing.reason",
                     "say why the figure is missing (the pack prints the reason)")
    elif reason and not state:
        problems.add(state_cell, "missing.state",
                     "choose a state for the missing figure, or clear the reason")
    elif state and reason:
        given = [k for k in ("value", "ytd") if row.values.get(k) is not None]
        if given:
            problems.add(row.cells[given[0]], given[0], "a figure cannot be both given and "
                         "missing: clear the figure or the missing state")
        row.values["missing"] = Missing(state=state, reason=reason)
        row.cells["missing"] = state_cell or ""


def figure(row: RowReturn, key: str) -> Decimal | None:
    value = row.values.get(key)
    return value if isinstance(value, Decimal) else None
