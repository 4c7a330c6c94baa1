"""`csp-report returns import`: returned workbooks into the measure files, all or nothing.

Every workbook is read and every cell checked; the changes are merged, written into the
texts of the measure files, and the whole project is validated with those texts before a
single file is replaced. Then every file is replaced together (temporary files renamed into
place, the originals put back if any rename fails).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, CspReportError, InvalidProject, Problem, UsageError
from ..loader import load_project, parse_yaml
from ..model.periods import Period
from ..model.project import Project
from ..validate import validate
from ..write import write_all
from . import merge
from .cells import CellProblem, long_text
from .read import Returned, ReturnProblem, read_return
from .write_yaml import rewrite


class InvalidReturns(CspReportError):
    """One or more returns cannot be imported; every problem is listed, nothing changed."""

    def __init__(self, problems: list[ReturnProblem] | list[str]) -> None:
        lines = sorted({str(p) for p in problems}, key=_natural)
        self.problems = lines
        noun = "problem" if len(lines) == 1 else "problems"
        super().__init__(f"{len(lines)} {noun} found; no measure file was changed:\n"
                         + "\n".join(lines))


_CELL = re.compile(r"^(.*?):([^:!]+)!([A-Z]+)(\d+): ")


def _natural(text: str) -> tuple[object, ...]:
    """Problems by workbook, then sheet, row and column (D7 before D10, I6 before H7)."""
    match = _CELL.match(text)
    if match is None:
        return (text.split(": ", 1)[0], "", 0, 0, "", text)
    file, sheet, column, row = match.groups()
    return (file, sheet, int(row), len(column), column, text)


@dataclass
class FileChange:
    """One measure file's new text and what changed in it."""

    path: Path
    name: str
    before: str
    after: str
    what: list[str] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            f"a/{self.name}", f"b/{self.name}"))


@dataclass
class ImportResult:
    returns: list[Returned]
    changes: list[FileChange]
    written: bool


def read_all(project: Project, files: list[Path], period: str | None = None,
             owner: str | None = None) -> list[Returned]:
    """Read and check every workbook; raise InvalidReturns listing every problem of all."""
    wanted = None
    if period is not None:
        try:
            wanted = Period.parse(period)
        except ValueError as err:
            raise UsageError(str(err)) from None
    if owner is not None and owner not in project.report.owners:
        raise UsageError(f"'{owner}' is not an owner in data/report.yaml")
    problems: list[ReturnProblem] = []
    returns = []
    seen: set[Path] = set()
    for path in files:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        returned, found = read_return(path, project, str(path))
        problems += found
        if returned is None:
            continue
        if wanted is not None and returned.period != wanted:
            problems.append(ReturnProblem(str(path), "", f"is the return for "
                                          f"{returned.period.id}, not {wanted.id}"))
        if owner is not None and returned.owner != owner:
            problems.append(ReturnProblem(str(path), "", f"is the return of "
                                          f"'{returned.owner}', not '{owner}'"))
        returns.append(returned)
    if problems:
        raise InvalidReturns(problems)
    return returns


def import_returns(project: Project, files: list[Path], *, dry_run: bool = False,
                   revise: str | None = None, period: str | None = None,
                   owner: str | None = None) -> ImportResult:
    """Import returned workbooks into the project's measure files (or, dry, say what would
    change). Raises InvalidReturns, with every problem, when anything is wrong."""
    if revise is not None and not revise.strip():
        raise UsageError("--revise needs the reason for the revision")
    if revise is not None:
        try:  # the reason is written into the measure files: the same rules as any text
            long_text(revise)
        except CellProblem as err:
            raise UsageError(f"--revise: {err}") from None
    returns = read_all(project, files, period, owner)
    changes, problems = merge.plan(returns, revise.strip() if revise else None)
    if problems:
        raise InvalidReturns(problems)
    files_changed: dict[str, FileChange] = {}
    cells: dict[tuple[str, str], dict[tuple[str, ...], str]] = {
        (c.entry.file, f"{c.section}.{c.key}"): c.cells for c in changes}
    for change in sorted(changes, key=lambda c: (c.entry.file, c.section, c.key)):
        name = change.entry.file
        if name not in files_changed:
            path = project.root / name
            text = path.read_bytes().decode("utf-8")  # the loader has read it as UTF-8
            files_changed[name] = FileChange(path, name, text, text)
        file = files_changed[name]
        bom = "\ufeff" if file.after.startswith("\ufeff") else ""
        file.after = bom + rewrite(file.after[len(bom):], name, change.key, change.quarter,
                                   change.section)
        file.what.append(f"{change.key}: {', '.join(dict.fromkeys(change.what))}"
                         if change.what else change.key)
    _validate_with(project, files_changed, cells)
    if not dry_run and files_changed:
        replace_all(list(files_changed.values()))
    return ImportResult(returns, list(files_changed.values()), not dry_run)


def _validate_with(project: Project, files: dict[str, FileChange],
                   cells: dict[tuple[str, str], dict[tuple[str, ...], str]]) -> None:
    """The project as it would be after the import must pass `validate`; a problem with a
    figure the import wrote is told at the workbook's cell."""
    raw = load_project(project.root)
    for i, (pack, doc) in enumerate(raw.measures):
        if doc.file in files:
            parsed = parse_yaml(files[doc.file].after.lstrip("\ufeff"), doc.file)
            if not hasattr(parsed, "data"):
                raise InvalidReturns([f"{doc.file}: the import would not read back: {parsed}"])
            raw.measures[i] = (pack, parsed)  # type: ignore[assignment]
    try:
        validate(raw)
    except InvalidProject as err:
        raise InvalidReturns([_at_cell(p, cells) for p in err.problems]) from None


def _at_cell(problem: Problem, cells: dict[tuple[str, str], dict[tuple[str, ...], str]]
             ) -> str:
    parts = problem.field.split(".")
    if len(parts) > 2 and parts[0] in ("quarters", "years"):
        known = cells.get((problem.file, f"{parts[0]}.{parts[1]}"), {})
        path = tuple(parts[2:])
        for end in range(len(path), 0, -1):
            if path[:end] in known:
                return f"{known[path[:end]]}: {'.'.join(path)}: {problem.message}"
    return f"after the import, {problem}"


def replace_all(files: list[FileChange]) -> None:
    """Replace every file or none (the build's writer: temporary files renamed into place,
    the originals put back if a rename fails or Ctrl-C comes), after checking that no file
    changed while the import ran."""
    for file in files:
        if file.path.read_bytes() != file.before.encode("utf-8"):
            raise CspReportError(f"{file.name} changed while the import ran; run it again")
    try:
        write_all({file.path: file.after.encode("utf-8") for file in files})
    except BuildError as err:
        raise CspReportError(f"{err}; no measure file was changed") from None
