"""The Word packs: A4 landscape, Word headings, native tables with repeating header rows, the
layout's text cell for cell, alt text, RAG fills, reproducible bytes, and LibreOffice opens them."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from csp_report.api import open_project
from csp_report.build import choose_targets, prepare
from csp_report.errors import TemplateProblem
from csp_report.layout.colours import RAG_FILLS, RAG_TEXT
from csp_report.layout.document import (
    Cell,
    Contents,
    ContentsEntry,
    Document,
    Heading,
    Page,
    Paragraph,
    Row,
    Table,
    Text,
)
from csp_report.layout.grid import grid
from csp_report.layout.grid import texts as grid_texts
from csp_report.render.docx import render_docx
from csp_report.render.docx_setup import reference_path

REPO = Path(__file__).resolve().parent.parent
FILES = {"monitoring": "monitoring-2017-18-Q1.docx", "targets": "targets-2016-17-Q4.docx"}
RAG_WORDS = {"Red", "Amber", "Green", "Grey"}


@dataclass(frozen=True)
class Built:
    """One pack: the layout Document and the DOCX drawn from it."""

    document: Document
    data: bytes

    @property
    def word(self) -> WordDocument:
        return docx.Document(io.BytesIO(self.data))

    def part(self, name: str) -> etree._Element:
        return etree.fromstring(zipfile.ZipFile(io.BytesIO(self.data)).read(name))


@pytest.fixture(scope="module")
def packs() -> dict[str, Built]:
    """Both example packs, built once for the module."""
    project = open_project(REPO)
    built = {}
    for target in choose_targets(project, None, None):
        item = prepare(project, target)
        built[target.pack_id] = Built(item.document, render_docx(item.document, project.root))
    return built


PACKS = pytest.mark.parametrize("pack", sorted(FILES))


def w(name: str) -> str:
    return qn(f"w:{name}")


def layout_grid(table: Table) -> list[list[str]]:
    """The layout table's text as python-docx reads a Word table: a spanning cell's text in
    every grid column and row it covers (layout/grid.py resolves the spans)."""
    return grid_texts(table)


def word_grid(table: docx.table.Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- page, metadata, styles -----------------------------------------------------------------


@PACKS
def test_section_is_a4_landscape_with_the_pdf_margins(packs: dict[str, Built], pack: str) -> None:
    sections = packs[pack].part("word/document.xml").findall(f".//{w('sectPr')}")
    assert len(sections) == 1
    size = sections[0].find(w("pgSz"))
    assert (size.get(w("w")), size.get(w("h")), size.get(w("orient"))) == (
        "16838", "11906", "landscape")
    margins = sections[0].find(w("pgMar"))
    assert [margins.get(w(side)) for side in ("top", "right", "bottom", "left")] == [
        "680", "680", "850", "680"]


@PACKS
def test_default_language_is_british_english(packs: dict[str, Built], pack: str) -> None:
    styles = packs[pack].part("word/styles.xml")
    lang = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    assert lang.get(w("val")) == "en-GB"


@PACKS
def test_core_properties_come_from_the_document(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    props = built.word.core_properties
    midnight = dt.datetime.combine(dt.date.fromisoformat(built.document.date), dt.time(), dt.UTC)
    assert (props.title, props.subject, props.author, props.language) == (
        built.document.title, built.document.subject, "Safer Stockton Partnership", "en-GB")
    assert props.created == props.modified == props.last_printed == midnight
    assert props.revision == 1
    assert props.last_modified_by == "Safer Stockton Partnership"
    assert props.comments == ""  # nothing left over from python-docx's template


def test_core_dates_are_the_period_end(packs: dict[str, Built]) -> None:
    created = {pack: built.word.core_properties.created for pack, built in packs.items()}
    assert created == {"targets": dt.datetime(2017, 3, 31, tzinfo=dt.UTC),
                       "monitoring": dt.datetime(2017, 6, 30, tzinfo=dt.UTC)}


@PACKS
def test_fields_are_updated_when_word_opens_the_file(packs: dict[str, Built], pack: str) -> None:
    setting = packs[pack].part("word/settings.xml").find(w("updateFields"))
    assert setting is not None and setting.get(w("val")) == "true"


@PACKS
def test_footer_has_the_pack_name_and_page_x_of_y(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    footer = built.word.sections[0].footer
    assert not footer.is_linked_to_previous
    paragraph = footer.paragraphs[0]
    assert paragraph.text == f"{built.document.footer}\tPage 1 of 1"  # cached field results
    instructions = [i.text.strip() for i in paragraph._p.iter(w("instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


# --- headings, contents, page breaks -----------------------------------------------------------


def body_paragraphs(word: WordDocument) -> list[docx.text.paragraph.Paragraph]:
    return list(word.paragraphs)


@PACKS
def test_headings_use_the_built_in_heading_styles(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    expected = []
    for page in built.document.pages:
        for block, after in zip(page.blocks, (*page.blocks[1:], None), strict=True):
            if isinstance(block, Heading):
                style = "TOC Heading" if isinstance(after, Contents) else f"Heading {block.level}"
                expected.append((style, block.text))
    found = [(p.style.name, p.text) for p in body_paragraphs(built.word)
             if p.style.name.startswith(("Heading", "TOC Heading"))]
    assert found == expected
    assert ("Heading 1", built.document.pages[0].blocks[2].text) in found  # the cover title
    assert sum(style == "Heading 2" for style, _ in found) >= 4


@PACKS
def test_body_text_is_the_layouts_in_order(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    expected: list[str] = []
    for page in built.document.pages:
        for block in page.blocks:
            if isinstance(block, Heading | Paragraph):
                expected.append(block.text)
            elif isinstance(block, Contents):
                expected += [entry.text for entry in block.entries]
            else:
                expected.append(block.description)  # the visible caption above the table
    assert [p.text.rstrip("\t") for p in body_paragraphs(built.word)] == expected


@PACKS
def test_contents_is_a_prefilled_toc_field(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    root = built.part("word/document.xml")
    instructions = [i.text.strip() for i in root.iter(w("instrText"))]
    assert instructions[0] == 'TOC \\o "2-2" \\h \\z \\u'
    contents = next(b for p in built.document.pages for b in p.blocks if isinstance(b, Contents))
    entries = [p for p in body_paragraphs(built.word) if p.style.name == "toc 2"]
    assert [p.text.rstrip("\t") for p in entries] == [e.text for e in contents.entries]
    # Each entry links to a bookmark on its heading, with a PAGEREF to that bookmark.
    bookmarks = {b.get(w("name")): b.getparent() for b in root.iter(w("bookmarkStart"))}
    links = [link.get(w("anchor")) for link in root.iter(w("hyperlink"))]
    assert len(links) == len(contents.entries)
    headings = {h.id: h.text for p in built.document.pages for h in p.blocks
                if isinstance(h, Heading)}
    for anchor, entry in zip(links, contents.entries, strict=True):
        paragraph = bookmarks[anchor]
        assert "".join(t.text for t in paragraph.iter(w("t"))) == headings[entry.target]
        assert f"PAGEREF {anchor} \\h" in instructions
    fld_types = [c.get(w("fldCharType")) for c in root.iter(w("fldChar"))]
    assert fld_types.count("begin") == fld_types.count("end") == len(instructions)


def breaks_before(word: WordDocument) -> list[str]:
    return [p.text for p in word.paragraphs if p.paragraph_format.page_break_before]


def test_each_page_and_each_section_starts_a_new_page(packs: dict[str, Built]) -> None:
    assert breaks_before(packs["targets"].word) == [
        "Contents", "Summary", "RAG key", "Theme 1: Anti-social behaviour",
        "Theme 2: Violent crime and robbery", "Theme 3: Drug related offending",
        "Theme 4: Criminal damage", "Theme 5: Alcohol related crime and ASB",
        "Theme 6: Domestic abuse"]


def test_a_group_heading_keeps_its_section_heading_on_the_same_page(
        packs: dict[str, Built]) -> None:
    found = breaks_before(packs["monitoring"].word)
    assert "Community Safety & Protection" in found
    assert not any(text.startswith("Priority 4:") for text in found)


# --- tables ----------------------------------------------------------------------------------


@PACKS
def test_every_table_cell_has_the_layouts_text_in_order(packs: dict[str, Built],
                                                          pack: str) -> None:
    built = packs[pack]
    tables = built.document.tables()
    word_tables = built.word.tables
    assert len(word_tables) == len(tables) >= 3
    for table, word_table in zip(tables, word_tables, strict=True):
        assert word_grid(word_table) == layout_grid(table), table.id


@PACKS
def test_header_rows_repeat_and_no_row_splits(packs: dict[str, Built], pack: str) -> None:
    built = packs[pack]
    for table, tbl in zip(built.document.tables(), built.part("word/document.xml").iter(
            w("tbl")), strict=True):
        rows = tbl.findall(w("tr"))
        assert len(rows) == len(table.head) + len(table.body)
        flags = [row.find(f"{w('trPr')}/{w('tblHeader')}") is not None for row in rows]
        assert flags == [True] * len(table.head) + [False] * len(table.body), table.id
        assert all(row.find(f"{w('trPr')}/{w('cantSplit')}") is not None for row in rows)


@PACKS
def test_tables_have_alt_text_fixed_layout_and_the_layouts_widths(packs: dict[str, Built],
                                                                   pack: str) -> None:
    built = packs[pack]
    for table, tbl in zip(built.document.tables(), built.part("word/document.xml").iter(
            w("tbl")), strict=True):
        props = tbl.find(w("tblPr"))
        assert props.find(w("tblCaption")).get(w("val")) == table.caption
        assert props.find(w("tblDescription")).get(w("val")) == table.description
        assert props.find(w("tblLayout")).get(w("type")) == "fixed"
        assert props.find(w("tblStyle")).get(w("val")) == "TableGrid"
        widths = [int(c.get(w("w"))) for c in tbl.find(w("tblGrid")).findall(w("gridCol"))]
        full = 15477 * (60 if table.style == "key" else 100) // 100  # 273mm in twips
        assert sum(widths) == full == int(props.find(w("tblW")).get(w("w")))
        for width, share in zip(widths, table.widths, strict=True):
            assert abs(width - full * share / sum(table.widths)) <= 1


@PACKS
def test_header_cells_are_bold(packs: dict[str, Built], pack: str) -> None:
    for word_table in packs[pack].word.tables:
        for cell in word_table.rows[0].cells:
            runs = [r for p in cell.paragraphs for r in p.runs]
            assert runs and all(r.bold for r in runs)


def rag_cells(built: Built) -> list[tuple[docx.table._Cell, Cell]]:
    """(Word cell, layout cell) of every cell the layout gives a RAG class."""
    found = []
    for table, word_table in zip(built.document.tables(), built.word.tables, strict=True):
        for row, word_row in zip(grid(table).rows, word_table.rows, strict=True):
            word_cells = word_row.cells  # one per grid column
            for placed in row:
                if not placed.continued and any(c.startswith("status-")
                                                for c in placed.cell.classes):
                    found.append((word_cells[placed.column], placed.cell))
    return found


@PACKS
def test_rag_cells_have_the_fill_and_the_word(packs: dict[str, Built], pack: str) -> None:
    cells = rag_cells(packs[pack])
    assert len(cells) >= 4
    for word_cell, cell in cells:
        status = next(c[7:] for c in cell.classes if c.startswith("status-"))
        shading = word_cell._tc.tcPr.find(w("shd"))
        assert shading.get(w("fill")) == RAG_FILLS[status].lstrip("#") == cell.fill.lstrip("#")
        first = word_cell.paragraphs[0]
        assert first.text in RAG_WORDS and first.text.lower() == status
        assert first.style.name == "RAG"
        colour = first.runs[0].font.color.rgb
        assert str(colour) == RAG_TEXT[status].lstrip("#")


def test_tracker_rag_column_holds_every_status_word(packs: dict[str, Built]) -> None:
    words = {word_cell.paragraphs[0].text for word_cell, _ in rag_cells(packs["targets"])}
    assert words == RAG_WORDS
    red = next(c for c, cell in rag_cells(packs["targets"]) if "status-red" in cell.classes)
    assert str(red.paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"


def test_banner_rows_are_filled_navy_with_white_text(packs: dict[str, Built]) -> None:
    for word_table in packs["monitoring"].word.tables[2:]:
        banner = word_table.rows[0].cells[0]
        assert banner._tc.tcPr.find(w("shd")).get(w("fill")) == "1F3864"
        assert str(banner.paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"
        assert word_table.rows[0].cells[1]._tc.grid_span == 3


def test_side_label_is_one_bottom_to_top_cell_spanning_the_section(
        packs: dict[str, Built]) -> None:
    built = packs["targets"]
    trackers = [t for t in built.document.tables() if t.style == "tracker"]
    word_tables = [t for t in built.word.tables if t.rows[0].cells[0].text == "Theme"]
    assert len(word_tables) == len(trackers) == 6
    for table, word_table in zip(trackers, word_tables, strict=True):
        label = table.body[0].cells[0]
        tcs = [row._tr.tc_lst[0] for row in word_table.rows[len(table.head):]]
        assert [tc.vMerge for tc in tcs] == ["restart"] + ["continue"] * (len(tcs) - 1)
        assert label.rowspan == len(tcs)
        first = tcs[0].tcPr
        assert first.find(w("textDirection")).get(w("val")) == "btLr"
        assert first.find(w("vAlign")).get(w("val")) == "center"
        assert word_table.rows[len(table.head)].cells[0].text == label.text == table.caption


# --- robustness and the reference document ------------------------------------------------------


def tiny(text: str) -> Document:
    """A one-page Document whose every piece of text is `text`."""
    table = Table(id="t", caption=text, description=text, widths=(30, 70),
                  head=(Row((Cell((Text(text, "header"),), header=True, scope="col"),
                             Cell((Text(text, "header"),), header=True, scope="col")),
                            "header"),),
                  body=(Row((Cell((Text(text, "ref"),), header=True, scope="row"),
                             Cell((Text(text, "commentary"), Text(text, "no-such-role"))))),),
                  style="activity")
    return Document(title=text, subject=text, language="en-GB", author=text, date="2020-01-31",
                    footer=text, pages=(Page((Heading(text, 2, "h"), Contents(
                        (ContentsEntry(text, "h"),)), Paragraph(text), table)),))


@pytest.mark.parametrize("text", [
    "Police & <Council> {{ partners }} {% raw %}", "line one\nline two\tand a tab",
    "Ünïcödé – “quotes” 🚓 ' \" ]]>", "x" * 300])
def test_any_valid_text_appears_literally(tmp_path: Path, text: str) -> None:
    word = docx.Document(io.BytesIO(render_docx(tiny(text), tmp_path)))
    assert word.paragraphs[0].text == text
    assert [c.text for c in word.tables[0].rows[1].cells] == [text, f"{text}\n{text}"]
    assert word.tables[0].rows[1].cells[1].paragraphs[1].style.name == "Normal"
    assert word.core_properties.title == text[:255]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)) | st.sampled_from(
    "\n\t&<>{}%"), max_size=60))
def test_random_text_round_trips(tmp_path: Path, text: str) -> None:
    word = docx.Document(io.BytesIO(render_docx(tiny(text), tmp_path)))
    assert word.paragraphs[0].text == text
    assert word.tables[0].rows[1].cells[0].text == text


def test_row_and_column_spans_become_real_merges(tmp_path: Path) -> None:
    def c(text: str, **spans: int) -> Cell:
        return Cell((Text(text),), **spans)

    table = Table(id="spans", caption="c", description="d", widths=(20, 30, 50),
                  head=(Row((c("A", colspan=2), c("B")), "header"),),
                  body=(Row((c("C", colspan=2, rowspan=3), c("D"))), Row((c("E"),)),
                        Row((c("F"),)), Row((c("G"), c("H"), c("I")))),
                  style="summary")
    document = Document(title="t", subject="s", language="en-GB", author="a",
                        date="2020-01-31", footer="f", pages=(Page((table,)),))
    word_table = docx.Document(io.BytesIO(render_docx(document, tmp_path))).tables[0]
    assert word_grid(word_table) == layout_grid(table) == [
        ["A", "A", "B"], ["C", "C", "D"], ["C", "C", "E"], ["C", "C", "F"], ["G", "H", "I"]]
    first = [row._tr.tc_lst[0] for row in word_table.rows]
    assert [(tc.grid_span, tc.vMerge) for tc in first] == [
        (2, None), (2, "restart"), (2, "continue"), (2, "continue"), (1, None)]
    assert [len(row._tr.tc_lst) for row in word_table.rows] == [2, 2, 2, 2, 3]


def test_text_xml_cannot_hold_becomes_a_replacement_character(tmp_path: Path) -> None:
    word = docx.Document(io.BytesIO(render_docx(tiny("bad \ud800 surrogate"), tmp_path)))
    assert word.paragraphs[0].text == "bad \ufffd surrogate"


def test_same_document_same_bytes_in_process(tmp_path: Path) -> None:
    assert render_docx(tiny("a"), tmp_path) == render_docx(tiny("a"), tmp_path)
    entries = zipfile.ZipFile(io.BytesIO(render_docx(tiny("a"), tmp_path))).infolist()
    assert entries[0].filename == "[Content_Types].xml"
    assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_package_reference_is_the_default(tmp_path: Path) -> None:
    assert reference_path(tmp_path) == REPO / "csp_report" / "templates" / "reference.docx"
    reference = docx.Document(str(reference_path(tmp_path)))
    for name in ("Commentary", "Missing", "Banner", "RAG", "Side Label", "Heading 1",
                 "TOC Heading", "toc 2", "Table Grid"):
        assert name in reference.styles, name
    assert reference.styles["Normal"].font.size == Pt(9)
    assert reference.styles["Missing"].font.italic


def test_a_projects_reference_docx_wins(tmp_path: Path) -> None:
    reference = docx.Document(str(reference_path(tmp_path)))
    reference.styles["Commentary"].font.size = Pt(12)
    (tmp_path / "templates").mkdir()
    reference.save(str(tmp_path / "templates" / "reference.docx"))
    word = docx.Document(io.BytesIO(render_docx(tiny("x"), tmp_path)))
    assert word.styles["Commentary"].font.size == Pt(12)


def test_a_bare_reference_gets_the_missing_styles(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    docx.Document().save(str(tmp_path / "templates" / "reference.docx"))  # python-docx's own
    word = docx.Document(io.BytesIO(render_docx(tiny("x"), tmp_path)))
    assert word.tables[0].rows[1].cells[1].paragraphs[0].style.name == "Commentary"
    assert word.sections[0].page_width == 16838 * 635  # the page is set up whatever it said


def test_a_broken_reference_is_a_template_problem(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "reference.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateProblem, match=r"templates/reference.docx: not a usable Word"):
        render_docx(tiny("x"), tmp_path)


# --- whole builds: reproducible, and LibreOffice reads them ------------------------------------


def build_in_subprocess(out: Path, **env: str) -> None:
    subprocess.run([sys.executable, "-m", "csp_report", "build", "--format", "docx",
                    "--out", str(out)], cwd=REPO, check=True, capture_output=True,
                   env={**os.environ, **env}, timeout=300)


@pytest.mark.slow
def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    build_in_subprocess(tmp_path / "a", PYTHONHASHSEED="1", TZ="UTC")
    build_in_subprocess(tmp_path / "b", PYTHONHASHSEED="2", TZ="Pacific/Auckland")
    for name in FILES.values():
        first, second = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert first == second, name
        assert zipfile.ZipFile(io.BytesIO(first)).testzip() is None


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, packs: dict[str, Built]) -> Path:
    """Both packs converted to PDF by LibreOffice headless, with a private profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("soffice")
    for pack, name in FILES.items():
        (folder / name).write_bytes(packs[pack].data)
    profile = (folder / "profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *(str(folder / name) for name in FILES.values())],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.slow
@PACKS
def test_libreoffice_converts_the_pack_to_pdf(converted: Path, pack: str) -> None:
    pdf = converted / FILES[pack].replace(".docx", ".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert pages >= 6
    for number, sheet in enumerate(reader.pages, start=1):
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == (
            842, 595)
        assert f"Page {number} of {pages}" in sheet.extract_text()


@pytest.mark.slow
def test_libreoffice_repeats_the_tracker_header_on_continued_pages(converted: Path) -> None:
    texts = [p.extract_text() for p in PdfReader(converted / "targets-2016-17-Q4.pdf").pages]
    first_table = max(i for i, t in enumerate(texts) if "Theme 1: Anti-social behaviour" in t)
    table_pages = texts[first_table:]
    # Six theme tables, some running over two pages: every one of their pages has the header.
    assert len(table_pages) > 6
    assert all("Performance Measure" in t and "Quarter 4" in t for t in table_pages)
