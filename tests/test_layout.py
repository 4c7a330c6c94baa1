"""The layout document and the look: contrast, overrides, warnings that fail a build."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from csp_report.api import open_project
from csp_report.build import build
from csp_report.compute.measures import compute
from csp_report.errors import BuildError
from csp_report.layout import layout
from csp_report.layout.colours import BANNER_FILL, BANNER_TEXT, RAG_FILLS, RAG_TEXT, contrast
from csp_report.model.periods import Period
from tests.conftest import write

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("status", RAG_FILLS)
def test_rag_text_contrast_is_at_least_4_5(status: str) -> None:
    assert contrast(RAG_TEXT[status], RAG_FILLS[status]) >= 4.5


def test_banner_contrast() -> None:
    assert contrast(BANNER_TEXT, BANNER_FILL) >= 4.5


def test_contrast_formula_on_known_pair() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0


def test_tracker_layout_structure() -> None:
    doc = layout(compute(open_project(REPO), "targets", Period.parse("2016-17-Q4")))
    tables = [t for t in doc.tables() if t.style == "tracker"]
    assert [t.caption for t in tables] == [
        "ANTI-SOCIAL BEHAVIOUR TARGETS", "VIOLENT CRIME AND ROBBERY", "DRUG RELATED OFFENDING",
        "CRIMINAL DAMAGE", "ALCOHOL RELATED CRIME AND ASB", "DOMESTIC ABUSE"]
    first = tables[0]
    assert [c.text for c in first.head[0].cells] == [
        "Theme", "No", "Performance Measure", "Quarter 1", "Quarter 2", "Quarter 3",
        "Quarter 4", "RAG"]
    label = first.body[0].cells[0]
    assert (label.text, label.rowspan, label.header) == ("ANTI-SOCIAL BEHAVIOUR TARGETS", 4, True)
    rag = first.body[2].cells[-1]
    assert (rag.text, rag.classes, rag.fill) == (
        "Green\n\u2191 Worse", ("status-green",), "#00B050")
    assert doc.language == "en-GB" and doc.date == "2017-03-31"


def test_activity_layout_structure() -> None:
    doc = layout(compute(open_project(REPO), "monitoring", Period.parse("2017-18-Q1")))
    first = next(t for t in doc.tables() if t.style == "activity")
    assert [[c.text for c in row.cells] for row in first.head] == [
        ["Priority 1", "REDUCE REOFFENDING BY THE MOST PROLIFIC OFFENDERS"],
        ["Outcome", "Fewer people re-offending Reduction in reoffending rates"],
        ["Ref", "Activities to support this priority", "Data collation", "Quarter 1 update"]]
    assert [row.cells[0].text for row in first.body] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
    assert first.body[5].cells[3].text.startswith(
        "143 offences compared to 173 last year. Reduction of 30 offences (-17.3%).")


def test_source_date_epoch_sets_the_document_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    doc = layout(compute(open_project(REPO), "monitoring", Period.parse("2017-18-Q1")))
    assert doc.date == "2017-07-14"


@pytest.mark.slow
def test_custom_css_changes_the_footer(project: Path) -> None:
    write(project / "templates/custom.css",
          '@page { @bottom-left { content: "OFFICIAL - test footer"; } }')
    pdf = next(p for p in build(open_project(project), pack="monitoring", formats=("pdf",)))
    assert "OFFICIAL - test footer" in PdfReader(pdf).pages[1].extract_text()


@pytest.mark.slow
def test_weasyprint_warning_fails_the_build(project: Path) -> None:
    write(project / "templates/custom.css", 'body { colour: red; }')
    with pytest.raises(BuildError) as caught:
        build(open_project(project), pack="monitoring", formats=("pdf",))
    assert str(caught.value).startswith("PDF rendering reported problems:\n  Ignored `colour: red`")


def test_a_section_named_like_a_built_in_heading_gets_its_own_id(project: Path) -> None:
    report = project / "data/report.yaml"
    report.write_text(report.read_text().replace("      asb:\n", "      summary:\n"))
    for measure in (project / "data/measures/targets").glob("1.*.yaml"):
        measure.write_text(measure.read_text().replace("section: asb", "section: summary"))
    doc = layout(compute(open_project(project), "targets", Period.parse("2016-17-Q4")))
    ids = [b.id for page in doc.pages for b in page.blocks if hasattr(b, "id")]
    assert len(ids) == len(set(ids))
    assert "section-summary" in ids and "summary" in ids


def test_an_empty_section_is_left_out_everywhere(project: Path) -> None:
    report = project / "data/report.yaml"
    report.write_text(report.read_text().replace(
        "      priority-4:\n", "      priority-9:\n        heading: Priority 9\n"
        "        title: Nothing yet\n      priority-4:\n"))
    doc = layout(compute(open_project(project), "monitoring", Period.parse("2017-18-Q1")))
    texts = [b.text for page in doc.pages for b in page.blocks if hasattr(b, "text")]
    cells = [c.text for t in doc.tables() for row in t.body for c in row.cells]
    assert not any("Priority 9" in t for t in texts + cells)


def test_period_without_pack_skips_packs_without_that_period() -> None:
    from csp_report.build import choose_targets

    said: list[str] = []
    targets = choose_targets(open_project(REPO), None, "2017-18-Q1", said.append)
    assert [t.pack_id for t in targets] == ["monitoring"]
    assert said == ["skipped: pack 'targets' has no data for 2017-18-Q1 (periods with data: "
                    "2016-17-Q1, 2016-17-Q2, 2016-17-Q3, 2016-17-Q4)"]


def test_stylesheet_hard_codes_no_colour() -> None:
    # The PDF's colours come from the theme (CSS custom properties written before pack.css)
    # and the cells' own fills: pack.css names none, so the two formats cannot disagree.
    import re

    from csp_report.templating import PACKAGE_TEMPLATES

    css = (PACKAGE_TEMPLATES / "pack.css").read_text()
    assert re.findall(r"#[0-9A-Fa-f]{3,6}\b", css) == []
    assert not re.search(r"\b(red|amber|green|grey)\b", css)


def test_every_filled_cell_has_readable_text() -> None:
    doc = layout(compute(open_project(REPO), "targets", Period.parse("2016-17-Q4")))
    filled = [c for t in doc.tables() for row in (*t.head, *t.body) for c in row.cells if c.fill]
    assert len(filled) > 40
    for cell in filled:
        assert cell.color and contrast(cell.color, cell.fill) >= 4.5, cell.text
    rag = {c.classes[0]: (c.fill, c.color) for c in filled if c.classes[:1] != ("side-label",)
           and c.classes}
    assert rag == {f"status-{s}": (RAG_FILLS[s], RAG_TEXT[s]) for s in RAG_FILLS}
