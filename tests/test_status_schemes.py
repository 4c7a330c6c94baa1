"""Status schemes: none, RAG, a project's own words (computed or given), overrides with a
reason, the change rule, and a key that states exactly the rules applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.errors import InvalidProject
from tests.projects import document, grid, make_project

REPORT = """\
status_schemes:
  words:
    name: Status
    statuses:
      on-target: {word: On target, colour: "#2E7D32"}
      near: {word: Near target, colour: "#F9A825"}
      off-target: {word: Not on target, colour: "#B71C1C", bad: true}
      no-data: {word: No data, colour: "#E0E0E0"}
    computed: {met: on-target, near: near, missed: off-target, unrated: no-data}
  position:
    name: Position
    statuses:
      below: {word: Below average, colour: "#1B5E20", meaning: Better than similar areas.}
      above: {word: Above average, colour: "#B71C1C", meaning: Worse than similar areas., bad: true}
RULES
packs:
  p:
    title: Test pack
    layout: table
    status: SCHEME
    columns: [title, status]
    sections:
      s: {title: Crime}
"""


def measure(title: str, value: int, previous: int, target: int | None = None,
            extra: str = "") -> str:
    years = f"years: {{2022-23: {{target: {target}}}}}\n" if target is not None else ""
    return (f"section: s\ntitle: {title}\nunit: count\nnoun: crimes\ngood: lower\n"
            f"{years}quarters:\n  2022-23-Q1: {{value: {value}, "
            f"previous: {previous}}}\n{extra}")


def build(tmp_path: Path, scheme: str, measures: dict[str, str], rules: str = "") -> list:
    root = make_project(tmp_path, REPORT.replace("SCHEME", scheme).replace("RULES", rules),
                        {f"p/{name}.yaml": text for name, text in measures.items()})
    return list(document(root, "p", "2022-23-Q1").pages)


def texts(pages: list) -> list[str]:
    return [b.text for page in pages for b in page.blocks if hasattr(b, "text")]


def key_rows(pages: list) -> list[list[str]]:
    key = next(b for page in pages for b in page.blocks if getattr(b, "id", "") ==
               "table-rag-key")
    return grid(key)[1:]


def test_no_scheme_means_no_column_key_or_counts(tmp_path: Path) -> None:
    pages = build(tmp_path, "none", {"a": measure("Burglary", 10, 12, 50)})
    assert not any(getattr(b, "id", "") in ("table-rag-key", "table-rag-summary")
                   for page in pages for b in page.blocks)
    assert [t for t in texts(pages) if t.startswith(("Measures rated", "RAG key"))] == []
    assert "Missing data" in texts(pages)  # no owners declared: one plain list


def test_status_column_without_a_scheme_is_empty_not_invented(tmp_path: Path) -> None:
    pages = build(tmp_path, "none", {"a": measure("Burglary", 10, 12, 50)})
    [table] = [t for page in pages for t in page.blocks if getattr(t, "id", "").startswith(
        "table-section")]
    assert grid(table) == [["Measure", "Status"], ["Burglary", ""]]


def test_project_words_computed_by_the_rules(tmp_path: Path) -> None:
    pages = build(tmp_path, "words", {
        "a": measure("Burglary", 12, 20, 48),   # pro-rata target 12: met
        "b": measure("Robbery", 13, 20, 48),    # 8.3% off: beyond 5%
    })
    [table] = section_tables_of(pages)
    assert grid(table) == [["Measure", "Status"], ["Burglary", "On target"],
                           ["Robbery", "Not on target"]]
    assert table.body[1].cells[1].fill == "#B71C1C"
    assert table.body[1].cells[1].color == "#FFFFFF"
    assert "Measures rated Not on target" in texts(pages)


def section_tables_of(pages: list) -> list:
    return [b for page in pages for b in page.blocks
            if getattr(b, "id", "").startswith("table-section")]


def test_given_status_is_shown_as_given(tmp_path: Path) -> None:
    given = measure("Burglary", 12, 20).replace("  2022-23-Q1: {value: 12, previous: 20}",
                                                "  2022-23-Q1: {value: 12, status: below}")
    pages = build(tmp_path, "position", {"a": given})
    [table] = section_tables_of(pages)
    assert grid(table)[1] == ["Burglary", "Below average"]
    assert key_rows(pages) == [["Below average", "Better than similar areas."],
                               ["Above average", "Worse than similar areas."]]
    assert "set manually" not in " ".join(texts(pages)).lower()


def test_rated_given_measure_in_a_computed_scheme(tmp_path: Path) -> None:
    given = measure("Burglary", 12, 20, extra="").replace(
        "good: lower\n", "good: lower\nrated: given\n").replace(
        "{value: 12, previous: 20}", "{value: 12, status: near}")
    pages = build(tmp_path, "words", {"a": given})
    [table] = section_tables_of(pages)
    assert grid(table)[1] == ["Burglary", "Near target"]
    assert ("Some statuses are given by the data owner rather than calculated."
            in texts(pages))


def test_override_needs_a_reason_and_prints_it(tmp_path: Path) -> None:
    override = measure("Burglary", 12, 20, 48).replace(
        "{value: 12, previous: 20}",
        "{value: 12, previous: 20, rag: {status: near, reason: Figures under review}}")
    pages = build(tmp_path, "words", {"a": override})
    [table] = section_tables_of(pages)
    assert grid(table)[1] == ["Burglary", "Near target\nSet manually: Figures under review"]
    assert "A status set by hand is marked 'set manually' with its reason." in texts(pages)


@pytest.mark.parametrize(("quarter", "message"), [
    ("{value: 12, status: on-target}", "quarters.2022-23-Q1.status: this measure's status is "
     "computed: to replace it give rag: {status, reason}, or set rated: given on the measure"),
    ("{value: 12, rag: {status: green, reason: x}}", "quarters.2022-23-Q1.rag.status: 'green' "
     "is not a status of the Status scheme: use on-target, near, off-target, no-data"),
    ("{value: 12, rag: {status: near}}", "quarters.2022-23-Q1.rag.reason: required field is "
     "missing"),
])
def test_status_problems_name_file_line_and_field(tmp_path: Path, quarter: str,
                                                  message: str) -> None:
    text = measure("Burglary", 12, 20, 48).replace("{value: 12, previous: 20}", quarter)
    root = make_project(tmp_path, REPORT.replace("SCHEME", "words").replace("RULES", ""),
                        {"p/a.yaml": text})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert f"data/measures/p/a.yaml:8: {message}" in [str(p) for p in caught.value.problems]


def test_unknown_scheme_is_a_problem_with_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, REPORT.replace("SCHEME", "wrods").replace("RULES", ""),
                        {"p/a.yaml": measure("Burglary", 12, 20)})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert [str(p) for p in caught.value.problems] == [
        "data/report.yaml:23: packs.p.status: 'wrods' is not a status scheme: use none, rag, "
        "words, position (did you mean 'words'?)"]


@pytest.mark.parametrize(("value", "status"), [
    (17, "on-target"),   # 15% better than last year's 20: beyond 10%
    (19, "near"),        # 5% better: within 10%
    (22, "near"),        # 10% worse: within
    (23, "off-target"),  # 15% worse
])
def test_change_rule_against_the_same_period_last_year(tmp_path: Path, value: int,
                                                       status: str) -> None:
    words = {"on-target": "On target", "near": "Near target", "off-target": "Not on target"}
    pages = build(tmp_path, "words", {"a": measure("Burglary", value, 20, 48)},
                  rules="rag: {rule: change, tolerance: 10}")
    [table] = section_tables_of(pages)
    assert grid(table)[1] == ["Burglary", words[status]]
    assert key_rows(pages) == [
        ["On target", "Better than the same period last year by more than 10%."],
        ["Near target", "Within 10% of the same period last year."],
        ["Not on target", "Worse than the same period last year by more than 10%."],
        ["No data", "Monitor-only measure, or no data for the period."]]


def test_key_lists_exactly_the_rules_applied(tmp_path: Path) -> None:
    improvement = measure("Robbery", 13, 20, 48).replace(
        "good: lower\n", "good: lower\nrag_rule: improvement\n")
    no_target = measure("Arson", 13, 20)
    pages = build(tmp_path, "rag", {"a": measure("Burglary", 12, 20, 48), "b": improvement,
                                    "c": no_target})
    assert key_rows(pages) == [
        ["Green", "On or better than the target or the same period last year."],
        ["Amber", "Missed the target or the same period last year by up to 5%. Missed the "
                  "target, but better than the same period last year."],
        ["Red", "Missed the target or the same period last year by more than 5%. Missed the "
                "target and no better than the same period last year."],
        ["Grey", "Monitor-only measure, or no data for the period."]]
    notes = [t for t in texts(pages) if t.startswith(("Measures without", "Counts are",
                                                      "A status set"))]
    assert notes == [
        "Measures without a target for the year are compared with the same period last year.",
        "Counts are compared year to date against a pro-rata share of the annual target."]


def test_key_without_pro_rata_or_last_year_says_neither(tmp_path: Path) -> None:
    pages = build(tmp_path, "rag", {"a": measure("Burglary", 12, 20, 48)},
                  rules="rag: {pro_rata: false}")
    notes = [t for t in texts(pages) if t.startswith(("Measures without", "Counts are"))]
    assert notes == []
    [table] = section_tables_of(pages)
    assert grid(table)[1] == ["Burglary", "Green"]  # 12 against the whole year's 48


def test_a_tolerance_the_rule_would_ignore_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, REPORT.replace("SCHEME", "rag").replace(
        "RULES", "rag: {rule: improvement, tolerance: 10}"), {"p/a.yaml": measure("B", 1, 2)})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert [str(p) for p in caught.value.problems] == [
        "data/report.yaml:18: rag: the improvement rule does not use a tolerance (Amber is "
        "missed but better than last year); remove 'tolerance', or use rule: tolerance"]
