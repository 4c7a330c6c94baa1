"""Load stage: read YAML files safely into plain data that remembers the line of every value."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem, escape, shown, unseen

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 50  # nesting of lists and mappings; the data is a few levels deep

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML file's data, with the 1-based line of each value keyed by its path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while reading, not fatal
    sha: str = ""  # the sha256 of the bytes read (what replay.Inputs compares with)

    def line_of(self, path: Path_) -> int:
        """The line of the value at `path`, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line:
                return line
        return 1


class _YamlRefused(yaml.YAMLError):
    """A YAML feature we refuse (anchors, aliases, duplicate keys, odd tags), with its node."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


class _LineCounter:
    """The 1-based line of a YAML mark as an editor or `grep -n` counts it: after a `\n`
    (after a CR in a file that has no `\n`).

    YAML also breaks lines at a lone CR, NEL (U+0085), U+2028 and U+2029, so the parser's own
    line number runs ahead of the editor's after one of them; the line is then counted from
    the mark's character offset instead.
    """

    def __init__(self, text: str) -> None:
        self.newlines: list[int] | None = None
        if _OTHER_BREAKS.search(text):
            # A file with CR line ends alone (an old Mac's) has its lines there, for editors.
            end = "\n" if "\n" in text or "\r" not in text else "\r"
            self.newlines = [found.start() for found in re.finditer(end, text)]

    def __call__(self, mark: Any) -> int:
        if self.newlines is None:
            return int(mark.line) + 1
        return bisect.bisect_left(self.newlines, mark.index) + 1


class _Refusals:
    """Composition that refuses anchors, aliases and explicit tags before anything is built
    from them: a value's type comes from how it is written, never from a tag. It refuses
    nesting deeper than MAX_DEPTH too, before the (recursive) composer goes any deeper."""

    peek_event: Any  # from the parser it is mixed with
    line_of: _LineCounter  # set by _loader
    depth: int = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()
        line = self.line_of(event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _YamlRefused(line, f"the tag {tag} is not allowed")
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise _YamlRefused(line, f"aliases are not allowed (*{anchor})")
        if anchor is not None:
            raise _YamlRefused(line, f"anchors are not allowed (&{anchor})")
        nests = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nests:
            if self.depth >= MAX_DEPTH:
                raise _YamlRefused(line, f"lists and mappings are nested too deeply (more than "
                                   f"{MAX_DEPTH} levels); data files are a few levels deep")
            self.depth += 1
        try:
            composed: Node | None = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            if nests:
                self.depth -= 1
        return composed


class _StrictLoader(_Refusals, yaml.SafeLoader):
    """The pure-Python strict loader: slower, but its error messages say the most."""


_CParser: Any
try:
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml
    _CParser = None

if _CParser is not None:

    class _FastLoader(_Refusals, yaml.composer.Composer, _CParser,
                      yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml scans and parses (C, fast); our Python composer still refuses anchors."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)


def _construct_decimal(loader: yaml.SafeLoader, node: ScalarNode) -> Decimal | float:
    # Exact decimals: 2.6 stays 2.6, so rounding for display is never a binary-float accident.
    text = node.value.replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return float(loader.construct_yaml_float(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
if _CParser is not None:
    _FastLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_BOOL_WORDS = {"true", "false"}
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_NUMBER_CHARS = 100


def _scalar(loader: Any, node: ScalarNode) -> Any:
    """One scalar's value, refusing what YAML 1.1 reads in a way a person would not expect.

    Dates (2017-02-30 is not even one), 017 (octal 15), 1:30 (90), 0x1F, 1_000, yes/no/on/off
    as true/false, .inf and .nan are refused with "put it in quotes"; so is a lone surrogate,
    which is not a character. Numbers are at most 100 characters long.
    """
    line = loader.line_of(node.start_mark)
    text = node.value
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "timestamp":
        raise _YamlRefused(line, f"'{text}' is read by YAML as a date; dates are not used in "
                           "data files: put it in quotes if it is text")
    if tag in ("int", "float"):
        pattern = _PLAIN_INT if tag == "int" else _PLAIN_FLOAT
        if not pattern.match(text):
            raise _YamlRefused(line, f"'{text}' is read by YAML 1.1 as an unexpected number; "
                               "write a plain decimal number, or put it in quotes if it is text")
        if len(text) > MAX_NUMBER_CHARS:
            raise _YamlRefused(line, f"a number {len(text):,} characters long is too long; "
                               f"the limit is {MAX_NUMBER_CHARS}")
    if tag == "bool" and text.lower() not in _BOOL_WORDS:
        raise _YamlRefused(line, f"'{text}' is read by YAML 1.1 as true or false; write true or "
                           "false, or put it in quotes if it is text")
    value = loader.construct_object(node)
    if isinstance(value, str):
        surrogate = _SURROGATE.search(value)
        if surrogate:
            raise _YamlRefused(line, f"contains \\u{ord(surrogate[0]):04x}, half of a character "
                               "(a lone surrogate); remove it")
    return value


def _key(loader: Any, node: ScalarNode) -> str:
    """A mapping key is text, as written: 2016-06-30 and 017 stay what they look like."""
    surrogate = _SURROGATE.search(node.value)
    if surrogate:
        raise _YamlRefused(loader.line_of(node.start_mark), f"contains "
                           f"\\u{ord(surrogate[0]):04x}, half of a character (a lone "
                           "surrogate); remove it")
    return str(node.value)


def _build(loader: Any, node: Node, path: Path_, lines: dict[Path_, int],
           duplicates: list[tuple[int, str]]) -> Any:
    """Turn a composed node into plain data, recording each value's line.

    A duplicate key is recorded and its second value dropped, so that the rest of the file is
    still read and every other problem in it reported in the same run.
    """
    line = loader.line_of(node.start_mark)
    lines[path] = line
    if node.tag not in _ALLOWED_TAGS:
        raise _YamlRefused(line, f"the tag {node.tag} is not allowed")
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = loader.line_of(key_node.start_mark)
            if not isinstance(key_node, ScalarNode):
                raise _YamlRefused(key_line, "keys must be plain text")
            key = _key(loader, key_node)
            if key in result:
                first = lines[path + (key,)]
                duplicates.append((key_line,
                                   f"duplicate key '{key}' (first given on line {first})"))
                continue
            lines[path + (key,)] = key_line
            result[key] = _build(loader, value_node, path + (key,), lines, duplicates)
            lines[path + (key,)] = key_line
        return result
    if isinstance(node, SequenceNode):
        return [_build(loader, item, path + (i,), lines, duplicates)
                for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar(loader, node)


def _decode(raw: bytes, name: str) -> str | Problem:
    """Decode UTF-8 (a byte-order mark is accepted) or say where the bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return Problem(name, line, "", f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset "
                       f"{err.start}); save the file as UTF-8")


def parse_yaml(text: str, name: str) -> Document | Problem:
    """Parse one YAML text strictly; a refusal or syntax error becomes a Problem.

    libyaml does the parsing when it is there; a file it rejects is read again by the
    pure-Python parser, whose error messages are more precise (errors are rare, speed is not).
    Lines are counted as an editor counts them (see _LineCounter).
    """
    line_of = _LineCounter(text)
    if _CParser is not None:
        try:
            return _parse_with(_FastLoader(text), name, line_of)
        except yaml.YAMLError:
            pass
        except RecursionError:
            return _too_deep(name)
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + 1
        return Problem(name, line, "", f"character U+{err.character:04X} is not allowed in YAML "
                       "(control characters cannot be printed)")
    try:
        return _parse_with(loader, name, line_of)
    except _YamlRefused as err:
        return Problem(name, err.line, "", err.message)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = line_of(mark) if mark else 1
        what = " ".join(part for part in (err.context, err.problem) if part)
        return Problem(name, line, "", f"YAML syntax error: {what}")
    except yaml.YAMLError as err:
        return Problem(name, 1, "", f"YAML error: {err}")
    except RecursionError:
        return _too_deep(name)


def _too_deep(name: str) -> Problem:
    """The net under MAX_DEPTH: whatever still recurses too deeply is a problem, not a crash."""
    return Problem(name, 1, "", "nested too deeply to be read (Python's recursion limit was "
                   f"reached); data files are a few levels deep, at most {MAX_DEPTH}")


def _parse_with(loader: Any, name: str, line_of: _LineCounter | None = None) -> Document:
    """Compose and build one document with a strict loader (raises on a YAML error); lines
    are counted by `line_of`, by default as YAML counts them."""
    loader.line_of = line_of or _LineCounter("")
    try:
        root = loader.get_single_node()
        lines: dict[Path_, int] = {}
        duplicates: list[tuple[int, str]] = []
        data = {} if root is None else _build(loader, root, (), lines, duplicates)
    finally:
        loader.dispose()
    return Document(name, data, lines, [Problem(name, line, "", message)
                                        for line, message in duplicates])


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def read_regular_file(path: Path, name: str, root: Path | None = None,
                      limit: int = MAX_FILE_BYTES) -> bytes | Problem:
    """The bytes of one regular file, or a Problem saying why it is not read.

    Only a regular file is read (a FIFO, a device or a socket is refused without waiting on
    it), only when its real path is inside `root` (a symlink leading elsewhere is refused),
    and never more than `limit` bytes: the limit is on what is read, not the size reported.
    """
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        return Problem(name, 0, "", "cannot read file: it does not exist (a broken link?)")
    except (OSError, RuntimeError) as err:  # a link loop, a folder that cannot be searched
        return Problem(name, 0, "", f"cannot read file: {getattr(err, 'strerror', None) or err}")
    if root is not None and not _inside(real, root.resolve()):
        return Problem(name, 0, "", "refused: it is a link leading outside the project; only "
                       "files inside the project are read")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return Problem(name, 0, "", f"cannot read file: {err.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem(name, 0, "", "not a regular file (a pipe, device or socket cannot "
                           "be read as data)")
        if info.st_size > limit:
            return Problem(name, 0, "", f"file is {info.st_size:,} bytes; the limit is "
                           f"{_limit_text(limit)}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            return Problem(name, 0, "", f"file is over {limit:,} bytes; the limit is "
                           f"{_limit_text(limit)}")
        return b"".join(chunks)
    except OSError as err:
        return Problem(name, 0, "", f"cannot read file: {err.strerror}")
    finally:
        os.close(fd)


def _limit_text(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit:,} bytes ({limit // mib} MiB)" if limit % mib == 0 else f"{limit:,} bytes"


def load_yaml(path: Path, name: str, root: Path | None = None) -> Document | Problem:
    """Read and parse one YAML file, refusing files over 1 MiB and text that is not UTF-8;
    with `root`, a file whose real path is outside it is refused too."""
    raw = read_regular_file(path, name, root)
    if isinstance(raw, Problem):
        return raw
    text = _decode(raw, name)
    if isinstance(text, Problem):
        return text
    document = parse_yaml(text, name)
    if isinstance(document, Document):
        document.sha = hashlib.sha256(raw).hexdigest()
    return document


@dataclass
class RawProject:
    """Every YAML file of a project, parsed, plus the problems met while reading them."""

    root: Path
    report: Document | None
    measures: list[tuple[str, Document]]
    problems: list[Problem]


REPORT_FILE = "data/report.yaml"
MEASURES_DIR = "data/measures"


def _entries(folder: Path, name: str, problems: list[Problem]) -> list[os.DirEntry[str]]:
    """A folder's entries, sorted by name; an unreadable folder is a problem, never empty."""
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda entry: entry.name)
    except OSError as err:
        problems.append(Problem(name, 0, "", f"cannot read folder: {err.strerror}"))
        return []


def _folder_problem(path: Path, name: str, root: Path) -> Problem | None:
    """Why a folder of measures cannot be used: not a folder, or leading outside the project."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(name, 0, "", "cannot read folder: it does not exist (a broken link?)")
    if not _inside(real, root.resolve()):
        return Problem(name, 0, "", "refused: it is a link leading outside the project; only "
                       "files inside the project are read")
    if not real.is_dir():
        return Problem(name, 0, "", f"not a folder: measures are {MEASURES_DIR}/PACK/NAME.yaml")
    return None


def _name_problem(name: str, what: str) -> Problem | None:
    """A file or folder whose name holds a control character is refused, named escaped:
    printed as it is, a newline in it would make a message look like another file's."""
    hidden = unseen(name.rsplit("/", 1)[-1])
    if not hidden:
        return None
    chars = ", ".join(dict.fromkeys(escape(char) for char in hidden))
    return Problem(shown(name), 0, "", f"refused: the {what} name holds a control character "
                   f"({chars}); rename the {what}")


def load_project(root: Path) -> RawProject:
    """Read data/report.yaml and every data/measures/PACK/*.yaml (folder = pack id).

    Every file and folder that cannot be read is a problem: a project is never read as
    smaller than it is. Only regular files inside the project are read.
    """
    problems: list[Problem] = []
    loaded = load_yaml(root / REPORT_FILE, REPORT_FILE, root)
    report: Document | None = None
    if isinstance(loaded, Problem):
        problems.append(loaded)
    else:
        report = loaded
        problems.extend(loaded.problems)
    measures: list[tuple[str, Document]] = []
    measures_dir = root / MEASURES_DIR
    if not os.path.lexists(measures_dir):
        return RawProject(root, report, measures, problems)
    problem = _folder_problem(measures_dir, MEASURES_DIR, root)
    if problem:
        return RawProject(root, report, measures, problems + [problem])
    for pack in _entries(measures_dir, MEASURES_DIR, problems):
        if pack.name.startswith("."):
            continue
        pack_name = f"{MEASURES_DIR}/{pack.name}"
        problem = (_name_problem(pack_name, "folder")
                   or _folder_problem(Path(pack.path), pack_name, root))
        if problem:
            problems.append(problem)
            continue
        for entry in _entries(Path(pack.path), pack_name, problems):
            if entry.name.startswith("."):
                continue
            name = f"{pack_name}/{entry.name}"
            problem = _name_problem(name, "file")
            if problem:
                problems.append(problem)
                continue
            path = Path(entry.path)
            if path.suffix not in (".yaml", ".yml") or entry.is_dir():
                problems.append(Problem(name, 0, "", "not a measure file: measures are "
                                        f"{MEASURES_DIR}/PACK/NAME.yaml"))
                continue
            doc = load_yaml(path, name, root)
            if isinstance(doc, Problem):
                problems.append(doc)
            else:
                problems.extend(doc.problems)
                measures.append((pack.name, doc))
    return RawProject(root, report, measures, problems)
