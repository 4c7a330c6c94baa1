"""One theme for both formats: every field of report.yaml's `theme:` reaches the stylesheet and
the Word styles, text on every fill stays readable, and a bad theme is a located problem."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import fields
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.compute.measures import compute
from csp_report.errors import InvalidProject
from csp_report.layout import layout
from csp_report.layout.colours import RAG_FILLS
from csp_report.layout.document import Document
from csp_report.layout.theme import Theme, contrast, paint
from csp_report.model.periods import Period
from csp_report.model.theme import ThemeConfig
from csp_report.render.docx import render_docx
from csp_report.render.html import render_html, theme_css

REPO = Path(__file__).resolve().parent.parent

CUSTOM = """\
theme:
  text: "#111111"
  muted: "#444444"
  accent: "#123456"
  banner_fill: "#5A1E78"
  banner_text: "#FFFFFE"
  header_fill: "#E0F0E0"
  header_text: "#101010"
  light_text: "#FEFEFE"
  border: "#222222"
  border_width: 1
  pdf_font: Pack Serif
  word_font: Verdana
  size_body: 10
  size_small: 7
  size_banner: 11
  size_title: 27
  size_h2: 14
  size_h3: 12
  size_cover: 17
  size_cover_plan: 15
  size_cover_note: 12.5
  table_font_size: {tracker: 7.5}
  table_width: {key: 70}
  paragraph_gap: 3
  cell_padding: 2
  table_gap: 6
  cover_top: 30
  contents_width: 150
  page_size: A3
  orientation: portrait
  margin_top: 10
  margin_right: 11
  margin_bottom: 16
  margin_left: 20
  footer_distance: 7
"""


def with_theme(project: Path, theme: str) -> Path:
    report = project / "data/report.yaml"
    report.write_text(report.read_text() + theme)
    return project


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Both packs of a project with every theme field changed: their HTML and the parts of
    their DOCX, as text (each part of the two packs one after the other)."""
    import shutil

    root = tmp_path_factory.mktemp("themed")
    shutil.copytree(REPO / "data", root / "data")
    with_theme(root, CUSTOM)
    found: dict[str, str] = {}
    for pack, period in (("targets", "2016-17-Q4"), ("monitoring", "2017-18-Q1")):
        doc = layout(compute(open_project(root), pack, Period.parse(period)))
        package = zipfile.ZipFile(io.BytesIO(render_docx(doc, root)))
        parts = {name.split("/")[-1]: package.read(name).decode() for name in (
            "word/styles.xml", "word/document.xml", "word/numbering.xml")}
        for name, text in {"html": render_html(doc, root), **parts}.items():
            found[name] = found.get(name, "") + text
    return found


def style(xml: str, style_id: str) -> str:
    """One w:style element of styles.xml, as text."""
    found = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', xml)
    assert found, style_id
    return found[0]


# Where each field shows: a needle in the HTML's stylesheet or cells, and one in the DOCX.
# pdf_font is the PDF's alone and word_font and footer_distance the DOCX's alone: Word cannot
# embed the PDF's bundled font, and the PDF's footer sits in its bottom margin.
REACHES = {
    "text": ("--text: #111111;", ("styles.xml", "Normal", '<w:color w:val="111111"/>')),
    "muted": ("--muted: #444444;", ("styles.xml", "Caption", '<w:color w:val="444444"/>')),
    "accent": ("--accent: #123456;", ("styles.xml", "Heading2", '<w:color w:val="123456"/>')),
    "banner_fill": ("--fill: #5A1E78;", ("document.xml", None, 'w:fill="5A1E78"')),
    "banner_text": ("--color: #FFFFFE;", ("document.xml", None, '<w:color w:val="FFFFFE"/>')),
    "header_fill": ("--fill: #E0F0E0;", ("document.xml", None, 'w:fill="E0F0E0"')),
    "header_text": ("--color: #101010;", ("document.xml", None, '<w:color w:val="101010"/>')),
    "light_text": ("--color: #FEFEFE;", ("document.xml", None, '<w:color w:val="FEFEFE"/>')),
    "border": ("--border: #222222;", ("styles.xml", "TableGrid", 'w:color="222222"')),
    "border_width": ("--border-width: 1pt;", ("styles.xml", "TableGrid", 'w:sz="8"')),
    "pdf_font": ('--font-family: "Pack Serif", sans-serif;', None),
    "word_font": (None, ("styles.xml", "Normal", 'w:ascii="Verdana"')),
    "size_body": ("--size-body: 10pt;", ("styles.xml", "Normal", '<w:sz w:val="20"/>')),
    "size_small": ("--size-small: 7pt;", ("styles.xml", "Caption", '<w:sz w:val="14"/>')),
    "size_banner": ("--size-banner: 11pt;", ("styles.xml", "Banner", '<w:sz w:val="22"/>')),
    "size_title": ("--size-title: 27pt;", ("styles.xml", "Heading1", '<w:sz w:val="54"/>')),
    "size_h2": ("--size-h2: 14pt;", ("styles.xml", "Heading2", '<w:sz w:val="28"/>')),
    "size_h3": ("--size-h3: 12pt;", ("styles.xml", "Heading3", '<w:sz w:val="24"/>')),
    "size_cover": ("--size-cover: 17pt;",
                   ("styles.xml", "CoverPartnership", '<w:sz w:val="34"/>')),
    "size_cover_plan": ("--size-cover-plan: 15pt;",
                        ("styles.xml", "CoverPlan", '<w:sz w:val="30"/>')),
    "size_cover_note": ("--size-cover-note: 12.5pt;",
                        ("styles.xml", "CoverNote", '<w:sz w:val="25"/>')),
    "table_font_size": ("table.tracker { --table-font-size: 7.5pt; }",
                        ("document.xml", None, '<w:sz w:val="15"/>')),
    # key: 70% of 297 - 20 - 11 = 266mm, which is 15080 twips
    "table_width": ("table.key { --table-width: 70%; }",
                    ("document.xml", None, '<w:tblW w:w="10556" w:type="dxa"/>')),
    "paragraph_gap": ("--paragraph-gap: 3pt;", ("styles.xml", None, 'w:after="60"')),
    "cell_padding": ("--cell-padding: 2mm;", ("styles.xml", "TableGrid", 'w:w="113"')),
    "table_gap": ("--table-gap: 6mm;", ("document.xml", None, 'w:before="340"')),
    "cover_top": ("--cover-top: 30mm;", ("document.xml", None, 'w:before="1701"')),
    "contents_width": ("--contents-width: 150mm;", ("styles.xml", "TOC2", 'w:pos="8504"')),
    "page_size": ("size: 297mm 420mm;", ("document.xml", None, 'w:w="16838" w:h="23811"')),
    "orientation": ("size: 297mm 420mm;", ("document.xml", None, 'w:h="23811"')),
    "margin_top": ("margin: 10mm 11mm 16mm 20mm;", ("document.xml", None, 'w:top="567"')),
    "margin_right": ("margin: 10mm 11mm 16mm 20mm;", ("document.xml", None, 'w:right="624"')),
    "margin_bottom": ("margin: 10mm 11mm 16mm 20mm;",
                      ("document.xml", None, 'w:bottom="907"')),
    "margin_left": ("margin: 10mm 11mm 16mm 20mm;", ("document.xml", None, 'w:left="1134"')),
    "footer_distance": (None, ("document.xml", None, 'w:footer="397"')),
}


def test_every_theme_field_is_checked_below() -> None:
    assert sorted(REACHES) == sorted(f.name for f in fields(Theme))
    assert sorted(REACHES) == sorted(ThemeConfig.model_fields)


@pytest.mark.parametrize("name", sorted(REACHES))
def test_a_theme_field_reaches_the_stylesheet_and_the_word_styles(
        themed: dict[str, str], name: str) -> None:
    css_needle, docx_needle = REACHES[name]
    if css_needle is not None:
        assert css_needle in themed["html"], name
    if docx_needle is not None:
        part, style_id, needle = docx_needle
        xml = themed[part] if style_id is None else style(themed[part], style_id)
        assert needle in xml, name


def test_a_projects_theme_keeps_the_bullet_numbering(themed: dict[str, str]) -> None:
    bullet = style(themed["styles.xml"], "ListBullet")
    num_id = re.search(r'<w:numId w:val="(\d+)"/>', bullet)[1]
    assert f'<w:num w:numId="{num_id}">' in themed["numbering.xml"]


def test_default_theme_is_the_configs_default() -> None:
    assert Theme.from_config(ThemeConfig()) == Theme()
    assert Theme().text_width_mm == 273 and Theme().page_mm == (297, 210)


def test_theme_css_comes_before_pack_css(tmp_path: Path) -> None:
    doc = Document(title="t", subject="s", language="en-GB", author="a", date="2020-01-31",
                   footer="f")
    html = render_html(doc, tmp_path)
    assert html.index(":root {") < html.index("@font-face")
    assert theme_css(Theme()).startswith("/* The theme")


@pytest.mark.parametrize("fill", [*RAG_FILLS.values(), "#1F3864", "#D9E2F3", "#777777"])
def test_text_on_a_fill_is_the_more_readable_of_the_two(fill: str) -> None:
    theme = Theme()
    chosen = theme.text_on(fill)
    other = ({theme.text, theme.light_text} - {chosen}).pop()
    assert contrast(chosen, fill) >= contrast(other, fill)
    assert contrast(chosen, fill) >= 4.5  # black or white always reaches 4.58:1 on any fill


def test_painting_fills_headers_banners_and_status_cells() -> None:
    doc = layout(compute(open_project(REPO), "monitoring", Period.parse("2017-18-Q1")))
    table = next(t for t in doc.tables() if t.style == "activity")
    banner, outcome, header = table.head
    assert {(c.fill, c.color) for c in banner.cells} == {("#1F3864", "#FFFFFF")}
    assert (outcome.cells[0].fill, outcome.cells[1].fill) == ("#D9E2F3", None)
    assert {(c.fill, c.color) for c in header.cells} == {("#D9E2F3", "#000000")}
    assert paint(doc) == doc  # painting twice changes nothing


@pytest.mark.parametrize(("theme", "field", "message"), [
    ('  banner_fill: "#FFFF00"\n', "theme.banner_text",
     "#FFFFFF on banner_fill #FFFF00 has a contrast of 1.1:1; text needs at least 4.5:1"),
    ('  header_fill: "#000080"\n', "theme.header_text",
     "#000000 on header_fill #000080 has a contrast of 1.3:1; text needs at least 4.5:1"),
    ('  accent: "#FFD700"\n', "theme.accent",
     "#FFD700 on the white page has a contrast of 1.4:1; text needs at least 4.5:1"),
    ("  accent: navy\n", "theme.accent",
     "'navy' is not a colour: write it as #rrggbb, e.g. '#1F3864'"),
    ("  size_body: 100\n", "theme.size_body", "must be less than or equal to 48, got 100"),
    ("  table_width: {key: 5}\n", "theme.table_width.key",
     "must be greater than or equal to 10, got 5"),
    ('  word_font: "Arial; }"\n', "theme.word_font",
     "'Arial; }' is not a font name: use letters, digits, spaces and dashes"),
    ("  page_size: B5\n", "theme.page_size", "expected one of 'A4', 'A3', 'Letter'; got 'B5'"),
    # Room for the tables: a ref broke into "1 / . / 1" and status words letter by letter.
    ("  orientation: portrait\n  margin_left: 50\n  margin_right: 50\n", "theme",
     "the text between the side margins would be 110 mm wide on A4 portrait paper; a pack's "
     "tables need at least 120 mm: smaller margins, or landscape"),
    # A built-in scheme's fills too (validate said OK; build failed naming no file or field).
    ('  text: "#767676"\n', "theme.text",
     "neither the theme's text colour #767676 nor its light text #FFFFFF reads on the rag "
     "scheme's 'green' fill #00B050 (best 2.9:1, at least 4.5:1 needed): choose a darker "
     "text colour"),
])
def test_a_bad_theme_is_a_problem_naming_the_field(project: Path, theme: str, field: str,
                                                   message: str) -> None:
    with_theme(project, "theme:\n" + theme)
    with pytest.raises(InvalidProject) as caught:
        open_project(project)
    lines = str(caught.value).splitlines()
    assert any(line.endswith(f": {field}: {message}") and "report.yaml:" in line
               for line in lines), lines


def test_a_fill_no_theme_text_reads_on_is_a_build_error() -> None:
    from csp_report.errors import BuildError
    from csp_report.layout.document import Cell, Page, Row, Table, Text

    table = Table(id="t", caption="c", description="d", widths=(1,), head=(),
                  body=(Row((Cell((Text("Grey"),), fill="#808080"),)),), style="key")
    doc = Document(title="t", subject="s", language="en-GB", author="a", date="2020-01-31",
                   footer="f", pages=(Page((table,)),),
                   theme=Theme(text="#444444", light_text="#CCCCCC"))
    with pytest.raises(BuildError, match=r"table t: no text colour of the theme reads on the "
                       r"fill #808080 \(best 2\.5:1"):
        paint(doc)


def test_the_side_label_is_vertical_and_nothing_else_is() -> None:
    doc = layout(compute(open_project(REPO), "targets", Period.parse("2016-17-Q4")))
    vertical = [c for t in doc.tables() for row in t.body for c in row.cells if c.vertical]
    assert [c.text for c in vertical] == [t.caption for t in doc.tables()
                                          if t.style == "tracker"]
