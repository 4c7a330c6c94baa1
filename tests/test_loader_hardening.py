"""The loader against hostile input: deep nesting, YAML's extra line breaks, and file names
holding control characters. Every one is a problem naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csp_report import loader
from csp_report.cli import main
from csp_report.errors import Problem, listed
from csp_report.loader import Document, load_project, parse_yaml

MEASURE = 'ref: "9.1"\nsection: violence\ntitle: x\nowner: police\nunit: count\ngood: lower\n'
TOO_DEEP = "nested too deeply (more than 50 levels)"


def problem(text: str) -> str:
    result = parse_yaml(text, "f.yaml")
    assert isinstance(result, Problem), result
    return str(result)


def document(text: str) -> Document:
    result = parse_yaml(text, "f.yaml")
    assert isinstance(result, Document), str(result)
    return result


# 1. Nesting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [51, 500, 5_000, 200_000])
def test_deep_flow_nesting_is_a_problem_on_the_line_it_goes_too_deep(depth: int) -> None:
    text = MEASURE + "quarters:\n  " + "[" * depth + "\n" + "]" * depth + "\n"
    # The root mapping is level 1, so the 50th bracket (line 8) is the 51st level.
    assert problem(text).startswith(f"f.yaml:8: lists and mappings are {TOO_DEEP}")


def test_fifty_levels_are_read() -> None:
    doc = document("[" * 50 + "]" * 50 + "\n")
    value = doc.data
    for _ in range(49):
        value = value[0]
    assert value == []


def test_deep_block_nesting_names_the_line_of_level_51() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(300)) + "  " * 300 + "v\n"
    # k0 opens level 1 (the root) on line 1; the mapping holding k50 is level 51, line 51.
    assert problem(text).startswith(f"f.yaml:51: lists and mappings are {TOO_DEEP}")


def test_deep_block_sequences_and_mixed_styles_count_too() -> None:
    block = "".join("  " * level + "-\n" for level in range(60)) + "  " * 60 + "x\n"
    assert TOO_DEEP in problem(block)
    mixed = "".join("  " * level + "- b:\n" for level in range(30))
    assert TOO_DEEP in problem(mixed + "  " * 30 + "- " + "{c: " * 30 + "1" + "}" * 30 + "\n")


def test_nesting_through_keys_counts_too() -> None:
    assert TOO_DEEP in problem("? " + "[" * 60 + "]" * 60 + "\n: 1\n")


def test_aliases_stay_refused_so_they_cannot_nest() -> None:
    assert problem("a: &x [[1]]\nb: *x\n") == "f.yaml:1: anchors are not allowed (&x)"


def test_any_recursion_error_left_is_a_problem_naming_the_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_DEPTH", 10**9)  # as if the limit were not there
    text = "a: " + "[" * 5_000 + "]" * 5_000 + "\n"
    assert problem(text).startswith("f.yaml:1: nested too deeply to be read")


def test_validate_reports_deep_nesting_without_a_traceback(tmp_path: Path) -> None:
    root = _small(tmp_path)
    (root / "data/measures/tracker/9.1-deep.yaml").write_text(
        MEASURE + "quarters: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"data/measures/tracker/9.1-deep.yaml:7: lists and mappings are {TOO_DEEP}" in (
        result.output)


# 2. Line numbers after YAML's other line breaks -----------------------------------------------

BREAKS = ["\u2028", "\u2029", "\x85", "\r"]


@pytest.mark.parametrize("char", BREAKS, ids=["u2028", "u2029", "nel", "cr"])
def test_lines_after_a_quoted_line_break_are_the_editors_lines(char: str) -> None:
    doc = document(f'a: "x{char}y"\nb: 1\nc:\n  d: [1, 2]\nc: 3\n')
    assert doc.line_of(("b",)) == 2
    assert doc.line_of(("c", "d")) == 4
    assert [str(p) for p in doc.problems] == [
        "f.yaml:5: duplicate key 'c' (first given on line 3)"]


@pytest.mark.parametrize("char", BREAKS, ids=["u2028", "u2029", "nel", "cr"])
def test_refusals_and_syntax_errors_after_a_break_name_the_editors_line(char: str) -> None:
    assert problem(f'a: "x{char}y"\nb: 1\nc: &x 2\n') == "f.yaml:3: anchors are not allowed (&x)"
    assert problem(f'a: "x{char}y"\nb: 1\nc: 017\n').startswith("f.yaml:3: '017'")
    assert problem(f'a: "x{char}y"\nb: 1\nc: d: e\n').startswith(
        "f.yaml:3: YAML syntax error: mapping values are not allowed here")
    assert problem(f'a: "x{char}y"\nb: 1\nc: !!python/name:os.system 2\n').startswith(
        "f.yaml:3: the tag")


@pytest.mark.parametrize("text, value", [
    ('a: "x\u2028y"\n', "x\u2028y"), ("a: 'x\u2029y'\n", "x\u2029y"),
    ('a: "x\x85y"\n', "x y"), ("a: 'x\ry'\n", "x y"),
])
def test_the_break_inside_a_quoted_scalar_reads_as_before(text: str, value: str) -> None:
    assert document(text).data == {"a": value}


@pytest.mark.parametrize("char", BREAKS, ids=["u2028", "u2029", "nel", "cr"])
def test_the_break_inside_a_plain_scalar_is_still_a_syntax_error(char: str) -> None:
    assert problem(f"a: x{char}y\n").startswith("f.yaml:2: YAML syntax error")


def test_without_such_a_break_the_lines_are_yamls_own() -> None:
    text = "a: 1\r\nb:\r\n  - 2\r\n"  # Windows line ends: one line each, as an editor shows
    assert document(text).lines == {(): 1, ("a",): 1, ("b",): 2, ("b", 0): 3}


def test_a_file_with_old_mac_line_ends_has_its_lines_at_each_cr() -> None:
    """With no line feed in it, everything was on line 1."""
    text = "a: 1\rb:\r  - 2\r"
    assert document(text).lines == {(): 1, ("a",): 1, ("b",): 2, ("b", 0): 3}


def test_validate_names_the_grep_line_after_a_line_separator(tmp_path: Path) -> None:
    root = _small(tmp_path)
    path = root / "data/measures/tracker/1.1-robbery.yaml"
    text = path.read_text(encoding="utf-8").replace("title: Reduce", 'title: "x\u2028" # Reduce')
    path.write_text(text + "bogus: 1\n", encoding="utf-8")
    grep_line = text.count("\n") + 1
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert f"tracker/1.1-robbery.yaml:{grep_line}: bogus: unknown field" in result.output
    assert "tracker/1.1-robbery.yaml:3: title: contains" in result.output  # still refused


# 3. File names holding control characters -------------------------------------------------

@pytest.mark.parametrize("name, shown, chars", [
    ("1.2\nfake.yaml:1: x.yaml", "1.2\\nfake.yaml:1: x.yaml", "\\n"),
    ("1.2\x1b[31m.yaml", "1.2\\x1b[31m.yaml", "\\x1b"),
    ("1.2\r\t.yaml", "1.2\\r\\t.yaml", "\\r, \\t"),
    ("1.2\u202e.yaml", "1.2\\u202e.yaml", "\\u202e"),
    ("1.2\u2028.yaml", "1.2\\u2028.yaml", "\\u2028"),
])
def test_a_measure_file_name_with_a_control_character_is_refused_escaped(
        tmp_path: Path, name: str, shown: str, chars: str) -> None:
    root = _small(tmp_path)
    (root / "data/measures/tracker" / name).write_text(MEASURE, encoding="utf-8")
    problems = [str(p) for p in load_project(root).problems]
    assert problems == [f"data/measures/tracker/{shown}: refused: the file name holds a "
                        f"control character ({chars}); rename the file"]
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    # One line per problem, as `grep -n` would count them: the name cannot start another.
    assert [line for line in result.output.split("\n") if line.startswith("data/")] == problems


def test_a_pack_folder_name_with_a_control_character_is_refused_escaped(tmp_path: Path) -> None:
    root = _small(tmp_path)
    (root / "data/measures/a\nb").mkdir()
    (root / "data/measures/a\nb/1.yaml").write_text(MEASURE, encoding="utf-8")
    assert [str(p) for p in load_project(root).problems] == [
        "data/measures/a\\nb: refused: the folder name holds a control character (\\n); "
        "rename the folder"]


def test_ordinary_names_are_read_as_before(tmp_path: Path) -> None:
    root = _small(tmp_path)
    (root / "data/measures/tracker/9.1 crime é.yaml").write_text(
        MEASURE.replace("9.1", "9.2"), encoding="utf-8")
    raw = load_project(root)
    assert raw.problems == []
    assert "data/measures/tracker/9.1 crime é.yaml" in [doc.file for _, doc in raw.measures]


def _small(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures/small/data", root / "data")
    return root


# 4. A file of nothing but problems ------------------------------------------------------------

def test_a_file_of_many_problems_lists_a_hundred_then_counts_the_rest(tmp_path: Path) -> None:
    """A hundred thousand unknown keys printed 8 MB, a line each."""
    root = _small(tmp_path)
    measure = root / "data/measures/activity/1.1-meetings.yaml"
    text = measure.read_text(encoding="utf-8")
    first = len(text.splitlines()) + 1
    measure.write_text(text + "".join(f"k{i:04}: 1\n" for i in range(1_234)), encoding="utf-8")
    other = root / "data/measures/tracker/9.1-odd.yaml"
    other.write_text(MEASURE + "k: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    name = "data/measures/activity/1.1-meetings.yaml"
    assert result.output.splitlines() == [
        "Error: 1,235 problems found:",
        *(f"{name}:{first + i}: k{i:04}: unknown field 'k{i:04}'" for i in range(100)),
        f"{name}: and 1,134 more problems in this file (the first 100 are listed)",
        "data/measures/tracker/9.1-odd.yaml:7: k: unknown field 'k'",
    ]


def test_a_hundred_problems_in_a_file_are_all_listed() -> None:
    problems = [Problem("a.yaml", line, "k", "wrong") for line in range(1, 102)]
    assert listed(problems[:100]) == [f"a.yaml:{line}: k: wrong" for line in range(1, 101)]
    assert listed(problems)[100:] == ["a.yaml: and 1 more problem in this file (the first 100 "
                                      "are listed)"]
