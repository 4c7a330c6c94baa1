"""The one exception hierarchy: every failure a user can cause is a CspReportError."""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, reported as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class CspReportError(Exception):
    """Base class of every error the CLI turns into a message instead of a traceback."""

    exit_code = 1


class ProjectNotFound(CspReportError):
    """The project folder or its report configuration does not exist."""

    exit_code = 2


class InvalidProject(CspReportError):
    """The project's data has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count:,} {noun} found:\n" + "\n".join(listed(self.problems)))


# A file that is not the data it should be (a stray export, a file of a hundred thousand
# keys) would print a line for each of its problems, megabytes of them; past this many in
# one file, the rest are counted, not listed.
LISTED_PER_FILE = 100


def listed(problems: list[Problem]) -> list[str]:
    """The (sorted) problems as printed: at most LISTED_PER_FILE of each file, then a line
    saying how many more that file has."""
    lines = []
    for file, in_file in itertools.groupby(problems, key=lambda problem: problem.file):
        those = list(in_file)
        lines += [str(problem) for problem in those[:LISTED_PER_FILE]]
        if len(those) > LISTED_PER_FILE:
            more = len(those) - LISTED_PER_FILE
            lines.append(f"{file}: and {more:,} more problem{'s' if more != 1 else ''} in this "
                         f"file (the first {LISTED_PER_FILE} are listed)")
    return lines


class UsageError(CspReportError):
    """An option names something the project does not have (a pack, a period, a format)."""

    exit_code = 2


class BuildError(CspReportError):
    """Rendering or writing a pack failed; previous outputs are left untouched."""


class TemplateProblem(BuildError):
    """A template (default or project override) is broken or reaches outside the project."""


class PreviewError(CspReportError):
    """The preview server cannot start (its address cannot be listened on)."""


def relative(path: Path, root: Path) -> str:
    """Show a path relative to the project root when it is inside it, as users see it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


_UNSEEN = {"Cc", "Cf", "Zl", "Zp"}  # control and format characters, line breaks
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def unseen(name: str) -> list[str]:
    """The characters of a name that a terminal would not show as themselves."""
    return [char for char in name if unicodedata.category(char) in _UNSEEN]


def shown(name: str) -> str:
    """A name safe to print in a one-line message: each control or format character
    (a newline, an escape, a right-to-left override) is written as its escape, `\\n`."""
    return "".join(escape(char) if unicodedata.category(char) in _UNSEEN else char
                   for char in name)


def escape(char: str) -> str:
    """One character as its escape: \\n, \\x1b, \\u202e."""
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
