"""Columns as data: each column kind's header and cells, presets, section overrides, widths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import document, grid, make_project, section_tables

REPORT = """\
owners: {police: Testshire Police}
fields:
  page: {label: Page, type: number}
  lead: {label: Lead member, type: text}
  frequency: {label: Frequency, type: choice, choices: [Quarterly, Annual]}
narratives:
  action: Action / response
packs:
  p:
    title: Test pack
    layout: table
    columns: [{kind: KIND}]
    sections:
      s: {heading: Theme 1, title: Violence, label: VIOLENCE}
"""

MEASURE = """\
ref: "2.3"
section: s
title: Reduce personal robbery
detail: Police recorded personal robbery
owner: police
unit: count
noun: robberies
noun_singular: robbery
good: lower
baseline: {value: 120, description: 3 yr average}
years:
  2022-23: {target: 101, description: 15% reduction on the baseline}
fields: {page: 12, lead: Cllr Khan, frequency: Quarterly}
quarters:
  2022-23-Q1:
    value: 30
    previous: 25
  2022-23-Q2:
    value: 14
    previous: 17
    travel: better
    commentary: |
      Two arrests.
      - Town centre patrols
      - Schools work
    narratives:
      action: Patrols continue.
"""

# kind -> (header, the measure's cell text) in a pack built at 2022-23-Q2
KINDS = {
    "section-label": ("Section", "VIOLENCE"),
    "ref": ("Ref", "2.3"),
    "measure": ("Measure", "Reduce personal robbery\nPolice recorded personal robbery"),
    "title": ("Measure", "Reduce personal robbery"),
    "detail": ("Detail", "Police recorded personal robbery"),
    "owner": ("Data owner", "Testshire Police"),
    "baseline": ("Baseline", "Baseline: 120 robberies - 3 yr average"),
    "target": ("Target", "101 robberies (15% reduction on the baseline)"),
    "periods": ("July 22 to September 22",
                "14 robberies compared to 17 last year. Reduction of 3 robberies (-17.6%). "
                "Year to date: 44 robberies compared to 42 last year. Increase of 2 robberies "
                "(+4.8%).\nTwo arrests.\nTown centre patrols\nSchools work\n"
                "Action / response: Patrols continue."),
    "value": ("This period", "14"),
    "previous": ("Same period last year", "17"),
    "change": ("Change", "-3 (-17.6%)"),
    "ytd": ("Year to date", "44 robberies compared to 42 last year (+4.8%)"),
    "year-result": ("Year result", "2022/23 - Target 101 robberies (15% reduction on the "
                    "baseline) - in progress"),
    "status": ("RAG", "Green"),
    "travel": ("Direction of travel", "\u2191 Better"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_column_kind_header_and_cell(tmp_path: Path, kind: str) -> None:
    # (after a ref column: a table needs one that says which measure a row is)
    report = REPORT.replace("[{kind: KIND}]", f"[ref, {{kind: {kind}}}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q2"))
    assert grid(table) == [["Ref", KINDS[kind][0]], ["2.3", KINDS[kind][1]]]


@pytest.mark.parametrize(("column", "header", "text"), [
    ("{kind: narrative, field: commentary}", "Commentary",
     "Two arrests.\nTown centre patrols\nSchools work"),
    ("{kind: narrative, field: action}", "Action / response", "Patrols continue."),
    ("{kind: narrative, field: action, labelled: true, header: Notes}", "Notes",
     "Action / response: Patrols continue."),
    ("{kind: field, field: page}", "Page", "12"),
    ("{kind: field, field: lead}", "Lead member", "Cllr Khan"),
    ("{kind: field, field: frequency, header: How often}", "How often", "Quarterly"),
])
def test_narrative_and_declared_field_columns(tmp_path: Path, column: str, header: str,
                                              text: str) -> None:
    report = REPORT.replace("[{kind: KIND}]", f"[ref, {column}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q2"))
    assert grid(table) == [["Ref", header], ["2.3", text]]


def test_commentary_with_a_column_of_its_own_leaves_the_period_cell(tmp_path: Path) -> None:
    report = REPORT.replace("[{kind: KIND}]",
                            "[ref, periods, {kind: narrative, field: commentary}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q2"))
    _, period, commentary = table.body[0].cells
    assert "Two arrests." not in period.text and "Action / response:" in period.text
    assert commentary.text.startswith("Two arrests.")


def test_bullets_and_labels_are_typed_content(tmp_path: Path) -> None:
    from csp_report.layout.document import Bullets, Text

    report = REPORT.replace("[{kind: KIND}]", "[ref, periods]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q2"))
    content = table.body[0].cells[1].paragraphs
    assert content[1:] == (
        Text("Two arrests.", "commentary"),
        Bullets(("Town centre patrols", "Schools work"), "commentary"),
        Text("Patrols continue.", "commentary", "Action / response:"))


def test_section_columns_replace_the_packs_and_widths_scale_to_100(tmp_path: Path) -> None:
    report = REPORT.replace("[{kind: KIND}]", "[ref, {kind: title, width: 30}, periods]")
    report = report.replace("label: VIOLENCE}", "label: VIOLENCE, columns: [title, status]}")
    report = report.replace("      s:", "      t: {title: Other}\n      s:")
    other = MEASURE.replace("section: s", "section: t").replace('"2.3"', '"1.1"')
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE, "p/other.yaml": other})
    first, second = section_tables(document(root, "p", "2022-23-Q2"))
    assert grid(first)[0] == ["Ref", "Measure", "July 22 to September 22"]
    assert first.widths == (11, 53, 36)  # 6 : 30 : 20
    assert grid(second)[0] == ["Measure", "RAG"]
    assert sum(second.widths) == 100


def test_invalid_column_options_name_the_field(tmp_path: Path) -> None:
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject

    report = REPORT.replace("[{kind: KIND}]", "[{kind: narrative}, {kind: field, field: pg}, "
                            "{kind: ref, show: [title]}, {kind: colour}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    messages = [str(p) for p in caught.value.problems]
    assert any("packs.p.columns.0" in m and "a narrative column needs 'field'" in m
               for m in messages), messages
    assert any("packs.p.columns.2" in m and "'show' is for the measure column" in m
               for m in messages), messages
    assert any("packs.p.columns.3" in m and "colour" in m for m in messages), messages


def test_only_a_row_taller_than_a_page_may_split(tmp_path: Path) -> None:
    from csp_report.render.html import render_html

    long = MEASURE.replace("    commentary: |\n      Two arrests.\n",
                           "    commentary: |\n" + "      A long account of the quarter. " * 120
                           + "\n      Two arrests.\n")
    report = REPORT.replace("[{kind: KIND}]", "[ref, title, {kind: periods, width: 20}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": long,
                                           "p/other.yaml": MEASURE.replace('"2.3"', '"2.4"')})
    doc = document(root, "p", "2022-23-Q2")
    [table] = section_tables(doc)
    assert [row.splittable for row in table.body] == [True, False]
    html = render_html(doc, root)
    assert html.count('<tr class="body splittable">') == 1


def _problems(tmp_path: Path, columns: str, extra: str = "") -> list[str]:
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject

    report = REPORT.replace("[{kind: KIND}]", columns).replace("    layout: table\n",
                                                               f"    layout: table\n{extra}")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    return [str(p) for p in caught.value.problems]


NEEDS = "a column that may hold commentary needs at least 5% and 12 mm: give it a larger " \
    "width, or the others smaller ones"


def test_a_column_of_commentary_too_narrow_to_draw_is_refused(tmp_path: Path) -> None:
    """18,000 characters of commentary in a column 1% wide took the PDF renderer over ten
    minutes."""
    assert _problems(tmp_path, "[{kind: title, width: 99}, {kind: narrative, field: action, "
                               "width: 1}]") == [
        "data/report.yaml:15: packs.p.columns.1.width: the narrative column would be 1.0% of "
        f"the table's width, 3 mm as the theme draws it; {NEEDS}"]


def test_a_periods_column_holds_commentary_and_counts_once_for_each_period(
        tmp_path: Path) -> None:
    """It holds the commentary too: at 2% it took over 15 minutes."""
    assert _problems(tmp_path, "[ref, {kind: title, width: 90}, {kind: periods, width: 2}]",
                     "    periods: {last: 12}\n") == [
        "data/report.yaml:16: packs.p.columns.2.width: each period of the periods column would "
        "be 1.7% of the table's width (the periods column counts once for each of its 12 "
        f"periods), 5 mm as the theme draws it; {NEEDS}"]


def test_a_table_the_theme_draws_narrow_is_refused_too(tmp_path: Path) -> None:
    """Shares of a table 11 mm wide: a commentary column at 50% was 5.5 mm, and the build ran
    for over 15 minutes. (Here: 10% of 186 mm.)"""
    theme = "theme: {orientation: portrait, table_width: {table: 10}}\n"
    report = REPORT.replace("[{kind: KIND}]", "[{kind: ref, width: 50}, "
                            "{kind: narrative, field: action, width: 50}]")
    root = make_project(tmp_path, theme + report, {"p/robbery.yaml": MEASURE})
    from csp_report.api import open_project
    from csp_report.errors import InvalidProject

    with pytest.raises(InvalidProject) as caught:
        open_project(root)
    assert [str(p) for p in caught.value.problems] == [
        "data/report.yaml:16: packs.p.columns.1.width: the narrative column would be 50.0% of "
        f"the table's width, 9 mm as the theme draws it; {NEEDS}"]


@pytest.mark.parametrize("columns", [
    # a ref, an owner and a page number in narrow columns are short texts: slow to read,
    # not to draw
    "[{kind: ref, width: 1}, {kind: owner, width: 2}, {kind: field, field: page, width: 2}, "
    "{kind: measure, width: 60}, {kind: periods, width: 30}]",
    "[{kind: periods, brief: true, width: 1}, {kind: title, width: 99}]",
])
def test_narrow_columns_of_short_texts_are_allowed(tmp_path: Path, columns: str) -> None:
    from csp_report.api import open_project

    report = REPORT.replace("[{kind: KIND}]", columns)
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    assert open_project(root).measure_count == 1


def test_a_preset_the_sections_all_replace_is_not_checked(tmp_path: Path) -> None:
    """Its columns are never drawn: its ref at 1.3% of a twelve-period table does not matter."""
    from csp_report.api import open_project

    report = REPORT.replace("    columns: [{kind: KIND}]\n", "    periods: {last: 12}\n")
    report = report.replace("    layout: table\n", "    layout: activity\n").replace(
        "label: VIOLENCE}", "label: VIOLENCE, columns: [ref, title, periods]}")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    assert open_project(root).measure_count == 1


@pytest.mark.parametrize(("columns", "problem"), [
    ("[value, status]", "packs.p.columns: a table needs a ref, title or measure column showing "
                        "the title: without one nothing says which measure a row is"),
    ("[{kind: measure, show: [target]}, status]",
     "packs.p.columns: a table needs a ref, title or measure column showing the title: "
     "without one nothing says which measure a row is"),
    ("[]", "packs.p.columns: must not be empty"),
])
def test_a_table_says_which_measure_each_row_is(tmp_path: Path, columns: str,
                                                problem: str) -> None:
    """columns: [] left a table of empty rows, and [value, status] rows of "14 Green"."""
    assert _problems(tmp_path, columns) == [f"data/report.yaml:15: {problem}"]


def test_a_chart_in_a_cell_narrower_than_its_padding_is_still_a_picture(tmp_path: Path) -> None:
    """A negative picture width was python-docx's ValueError, a traceback (validation now
    refuses a column that narrow; the Word renderer no longer depends on it)."""
    import docx

    from csp_report.layout.document import Chart
    from csp_report.layout.theme import Theme
    from csp_report.render.docx_charts import EMU_PER_POINT, add_chart

    report = REPORT.replace("[{kind: KIND}]", "[ref, {kind: chart, periods: 2}]")
    root = make_project(tmp_path, report, {"p/robbery.yaml": MEASURE})
    [table] = section_tables(document(root, "p", "2022-23-Q2"))
    [chart] = [part for part in table.body[0].cells[1].paragraphs if isinstance(part, Chart)]
    paragraph = docx.Document().add_paragraph()
    add_chart(paragraph, chart, Theme(), cell_width=10)  # 10 twips, less 2 paddings
    [picture] = paragraph._p.xpath(".//wp:extent")
    assert int(picture.get("cx")) == EMU_PER_POINT and int(picture.get("cy")) > 0
