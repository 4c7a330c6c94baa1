"""Load stage: read YAML files safely into plain data that remembers the line of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

MAX_FILE_BYTES = 1024 * 1024

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML file's data, with the 1-based line of each value keyed by its path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while reading, not fatal

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


class _Refusals:
    """Composition that refuses anchors and aliases before anything is built from them."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _YamlRefused(
                event.start_mark.line + 1, f"aliases are not allowed (*{event.anchor})"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _YamlRefused(
                event.start_mark.line + 1, f"anchors are not allowed (&{anchor})"
            )
        return super().compose_node(parent, index)  # type: ignore[misc]


class _StrictLoader(_Refusals, yaml.SafeLoader):
    """The pure-Python strict loader: slower, but its error messages say the most."""


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None

if _CParser is not None:

    class _FastLoader(_Refusals, yaml.composer.Composer, _CParser,  # type: ignore[misc,valid-type]
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


def _build(loader: Any, node: Node, path: Path_, lines: dict[Path_, int],
           duplicates: list[tuple[int, str]]) -> Any:
    """Turn a composed node into plain data, recording each value's line.

    A duplicate key is recorded and its second value dropped, so that the rest of the file is
    still read and every other problem in it reported in the same run.
    """
    lines[path] = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise _YamlRefused(node.start_mark.line + 1, f"the tag {node.tag} is not allowed")
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _YamlRefused(key_node.start_mark.line + 1, "keys must be plain text")
            key = loader.construct_object(key_node)
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                first = lines[path + (key,)]
                duplicates.append((key_node.start_mark.line + 1,
                                   f"duplicate key '{key}' (first given on line {first})"))
                continue
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), lines, duplicates)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, SequenceNode):
        return [_build(loader, item, path + (i,), lines, duplicates)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node)


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
    """
    if _CParser is not None:
        try:
            return _parse_with(_FastLoader(text), name)
        except yaml.YAMLError:
            pass
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + 1
        return Problem(name, line, "", f"character U+{err.character:04X} is not allowed in YAML "
                       "(control characters cannot be printed)")
    try:
        return _parse_with(loader, name)
    except _YamlRefused as err:
        return Problem(name, err.line, "", err.message)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (err.context, err.problem) if part)
        return Problem(name, line, "", f"YAML syntax error: {what}")
    except yaml.YAMLError as err:
        return Problem(name, 1, "", f"YAML error: {err}")


def _parse_with(loader: Any, name: str) -> Document:
    """Compose and build one document with a strict loader (raises on a YAML error)."""
    try:
        root = loader.get_single_node()
        lines: dict[Path_, int] = {}
        duplicates: list[tuple[int, str]] = []
        data = {} if root is None else _build(loader, root, (), lines, duplicates)
    finally:
        loader.dispose()
    return Document(name, data, lines, [Problem(name, line, "", message)
                                        for line, message in duplicates])


def load_yaml(path: Path, name: str) -> Document | Problem:
    """Read and parse one YAML file, refusing files over 1 MiB and text that is not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(name, 0, "", f"file is {size:,} bytes; the limit is "
                           f"{MAX_FILE_BYTES:,} bytes (1 MiB)")
        raw = path.read_bytes()
    except OSError as err:
        return Problem(name, 0, "", f"cannot read file: {err.strerror}")
    text = _decode(raw, name)
    if isinstance(text, Problem):
        return text
    return parse_yaml(text, name)


@dataclass
class RawProject:
    """Every YAML file of a project, parsed, plus the problems met while reading them."""

    root: Path
    report: Document | None
    measures: list[tuple[str, Document]]
    problems: list[Problem]


REPORT_FILE = "data/report.yaml"
MEASURES_DIR = "data/measures"


def load_project(root: Path) -> RawProject:
    """Read data/report.yaml and every data/measures/PACK/*.yaml (folder = pack id)."""
    problems: list[Problem] = []
    report = load_yaml(root / REPORT_FILE, REPORT_FILE)
    if isinstance(report, Problem):
        problems.append(report)
        report = None
    else:
        problems.extend(report.problems)
    measures: list[tuple[str, Document]] = []
    measures_dir = root / MEASURES_DIR
    if measures_dir.is_dir():
        for path in sorted(measures_dir.rglob("*")):
            if path.is_dir() or path.name.startswith("."):
                continue
            name = path.relative_to(root).as_posix()
            pack_parts = path.relative_to(measures_dir).parts
            if path.suffix not in (".yaml", ".yml") or len(pack_parts) != 2:
                problems.append(Problem(name, 0, "", "not a measure file: measures are "
                                        f"{MEASURES_DIR}/PACK/NAME.yaml"))
                continue
            doc = load_yaml(path, name)
            if isinstance(doc, Problem):
                problems.append(doc)
            else:
                problems.extend(doc.problems)
                measures.append((pack_parts[0], doc))
    return RawProject(root, report, measures, problems)
