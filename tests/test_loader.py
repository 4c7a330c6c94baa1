"""The load stage: safe YAML with line numbers; every refusal is a Problem with its line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from csp_report.errors import Problem
from csp_report.loader import Document, load_yaml, parse_yaml


def problem(text: str) -> str:
    result = parse_yaml(text, "f.yaml")
    assert isinstance(result, Problem), result
    return str(result)


def test_values_keep_their_lines_and_decimals_stay_exact() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 2.6\n  d: [1, x]\n", "f.yaml")
    assert isinstance(doc, Document)
    assert doc.data == {"a": 1, "b": {"c": Decimal("2.6"), "d": [1, "x"]}}
    assert doc.line_of(("b", "c")) == 3
    assert doc.line_of(("b", "d", 1)) == 4
    assert doc.line_of(("b", "missing", "deeper")) == 2  # nearest enclosing value


def test_duplicate_key_is_a_problem_and_reading_goes_on() -> None:
    doc = parse_yaml("a: 1\nb: 2\na: 3\nc: 4\n", "f.yaml")
    assert isinstance(doc, Document)
    assert [str(p) for p in doc.problems] == [
        "f.yaml:3: duplicate key 'a' (first given on line 1)"]
    assert doc.data == {"a": 1, "b": 2, "c": 4}


def test_anchor_is_refused() -> None:
    assert problem("a: &x 1\nb: 2\n") == "f.yaml:1: anchors are not allowed (&x)"


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a ['x','x','x']\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n"
    assert problem(bomb) == "f.yaml:1: anchors are not allowed (&a)"


def test_python_object_tag_is_refused() -> None:
    assert problem("a: !!python/object/apply:os.system ['echo hi']\n") == (
        "f.yaml:1: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed")


def test_syntax_error_names_the_line() -> None:
    assert problem("a: 1\nb: [1, 2\nc: 3\n").startswith("f.yaml:3: YAML syntax error:")


def test_tab_indentation_is_a_syntax_error_with_its_line() -> None:
    assert problem("a:\n\tb: 1\n") == (
        "f.yaml:2: YAML syntax error: while scanning for the next token found character "
        "'\\t' that cannot start any token")


def test_raw_control_character_is_refused_with_its_line() -> None:
    assert problem("a: 1\nb: x\x07y\n") == (
        "f.yaml:2: character U+0007 is not allowed in YAML (control characters cannot be printed)")


def test_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: '" + "x" * (1024 * 1024) + "'\n")
    result = load_yaml(big, "big.yaml")
    assert str(result) == "big.yaml: file is 1,048,582 bytes; the limit is 1,048,576 bytes (1 MiB)"


def test_invalid_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    assert str(load_yaml(path, "latin1.yaml")) == (
        "latin1.yaml:2: not valid UTF-8 (byte 0xe9 at offset 11); save the file as UTF-8")


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    doc = load_yaml(path, "bom.yaml")
    assert isinstance(doc, Document) and doc.data == {"a": 1}


def test_empty_file_is_an_empty_mapping() -> None:
    doc = parse_yaml("", "f.yaml")
    assert isinstance(doc, Document) and doc.data == {}


def test_libyaml_does_the_parsing_when_pyyaml_has_it() -> None:
    import yaml

    from csp_report import loader

    assert (loader._CParser is not None) == yaml.__with_libyaml__
    assert yaml.__with_libyaml__  # the wheels on PyPI carry libyaml; set-up must keep it


def test_both_parsers_give_the_same_data_and_lines() -> None:
    from csp_report import loader

    text = "a: 1\nb:\n  c: 2.5\n  d: [x, 'y']\ne: {f: ~}\n"
    fast = loader._parse_with(loader._FastLoader(text), "f.yaml")
    slow = loader._parse_with(loader._StrictLoader(text), "f.yaml")
    assert (fast.data, fast.lines) == (slow.data, slow.lines)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    from csp_report.loader import read_regular_file

    assert str(read_regular_file(Path("/dev/zero"), "zero.yaml")) == (
        "zero.yaml: not a regular file (a pipe, device or socket cannot be read as data)")


def test_the_limit_is_on_the_bytes_read_not_the_size_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from csp_report import loader

    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 3000 + b"\n")
    real_fstat = os.fstat

    class Small:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 10  # a file that says it is small

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    assert str(loader.read_regular_file(big, "big.yaml", limit=1000)) == (
        "big.yaml: file is over 1,000 bytes; the limit is 1,000 bytes")


def test_a_link_inside_the_project_is_read_one_outside_is_not(tmp_path: Path) -> None:
    from csp_report.loader import read_regular_file

    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "a.yaml").write_text("a: 1\n")
    (tmp_path / "project" / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "secret.yaml").write_text("secret: 1\n")
    (tmp_path / "project" / "c.yaml").symlink_to(tmp_path / "secret.yaml")
    root = tmp_path / "project"
    assert read_regular_file(root / "b.yaml", "b.yaml", root) == b"a: 1\n"
    assert "refused" in str(read_regular_file(root / "c.yaml", "c.yaml", root))
