"""Typed cell content: a paragraph with a bold label, and bulleted lists, in HTML and DOCX."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from csp_report.layout.document import Bullets, Cell, Document, Page, Row, Table, Text
from csp_report.render.docx import render_docx
from csp_report.render.html import render_html
from tests.test_formats_agree import TableCells

CELL = Cell((Text("Fewer repeat calls.", "commentary", label="Action:"),
             Bullets(("Police & <council> patrols", "Letters to 40 households")),
             Text("Then a paragraph.")))


def document(cell: Cell = CELL) -> Document:
    table = Table(id="t", caption="c", description="d", widths=(30, 70),
                  head=(Row((Cell((Text("H"),), header=True, scope="col"),
                             Cell((Text("I"),), header=True, scope="col")), "header"),),
                  body=(Row((Cell((Text("1.1", "ref"),), header=True, scope="row"), cell)),),
                  style="activity")
    return Document(title="t", subject="s", language="en-GB", author="a", date="2020-01-31",
                    footer="f", pages=(Page((table,)),))


def test_cell_text_is_the_readers_text() -> None:
    assert CELL.text == ("Action: Fewer repeat calls.\nPolice & <council> patrols\n"
                         "Letters to 40 households\nThen a paragraph.")


def test_html_draws_the_label_bold_and_the_list_as_a_list(tmp_path: Path) -> None:
    html = render_html(document(), tmp_path)
    assert ('<p class="commentary"><strong>Action:</strong> Fewer repeat calls.</p>'
            '<ul class="body"><li>Police &amp; &lt;council&gt; patrols</li>'
            '<li>Letters to 40 households</li></ul><p class="body">Then a paragraph.</p>') in html
    parser = TableCells()
    parser.feed(html)
    assert parser.tables[0][1][1] == CELL.text


def test_docx_draws_the_label_bold_and_one_bulleted_paragraph_per_item(tmp_path: Path) -> None:
    data = render_docx(document(), tmp_path)
    word = docx.Document(io.BytesIO(data))
    cell = word.tables[0].rows[1].cells[1]
    assert cell.text == CELL.text
    label, text = cell.paragraphs[0].runs
    assert (label.text, label.bold, text.text, text.bold) == (
        "Action:", True, " Fewer repeat calls.", None)
    items = cell.paragraphs[1:3]
    assert [p.style.name for p in items] == ["List Bullet", "List Bullet"]
    assert [p.text for p in items] == ["Police & <council> patrols", "Letters to 40 households"]
    # The bullet is Word numbering, not text: the style points at a bullet definition.
    num_id = word.styles["List Bullet"].element.pPr.find(qn("w:numPr")).find(
        qn("w:numId")).get(qn("w:val"))
    numbering = zipfile.ZipFile(io.BytesIO(data)).read("word/numbering.xml").decode()
    definition = numbering[numbering.index('w:nsid w:val="0C5B0001"'):]
    assert 'w:numFmt w:val="bullet"' in definition.split("</w:abstractNum>")[0]
    assert f'<w:num w:numId="{num_id}">' in numbering


def test_a_reference_without_the_list_style_gets_it(tmp_path: Path) -> None:
    reference = docx.Document()
    reference.styles["List Bullet"].delete()
    (tmp_path / "templates").mkdir()
    reference.save(str(tmp_path / "templates" / "reference.docx"))
    word = docx.Document(io.BytesIO(render_docx(document(), tmp_path)))
    items = word.tables[0].rows[1].cells[1].paragraphs[1:3]
    assert [p.style.name for p in items] == ["List Bullet", "List Bullet"]
    ppr = word.styles["List Bullet"].element.pPr
    assert ppr.find(qn("w:numPr")) is not None
    assert ppr.find(qn("w:contextualSpacing")) is not None  # no gaps between the items


def test_a_reference_without_numbering_gets_a_bullet_definition(tmp_path: Path) -> None:
    reference = docx.Document()
    for rid, rel in list(reference.part.rels.items()):
        if rel.reltype == RT.NUMBERING:
            reference.part.rels.pop(rid)
    reference.styles["List Bullet"].delete()
    (tmp_path / "templates").mkdir()
    reference.save(str(tmp_path / "templates" / "reference.docx"))
    data = render_docx(document(), tmp_path)
    numbering = zipfile.ZipFile(io.BytesIO(data)).read("word/numbering.xml").decode()
    assert numbering.count("<w:abstractNum ") == 1 and 'w:numFmt w:val="bullet"' in numbering
    word = docx.Document(io.BytesIO(data))
    assert [p.text for p in word.tables[0].rows[1].cells[1].paragraphs[1:3]] == [
        "Police & <council> patrols", "Letters to 40 households"]


def test_a_list_style_without_numbering_gets_a_bullet_written_out(tmp_path: Path) -> None:
    reference = docx.Document()
    style = reference.styles["List Bullet"]
    style.element.pPr.remove(style.element.pPr.find(qn("w:numPr")))
    (tmp_path / "templates").mkdir()
    reference.save(str(tmp_path / "templates" / "reference.docx"))
    word = docx.Document(io.BytesIO(render_docx(document(), tmp_path)))
    items = word.tables[0].rows[1].cells[1].paragraphs[1:3]
    assert [p.text for p in items] == ["\u2022 Police & <council> patrols",
                                       "\u2022 Letters to 40 households"]


def test_cells_are_drawn_with_the_layouts_fill_and_colour(tmp_path: Path) -> None:
    cell = Cell((Text("Word"),), fill="#ABCDEF", color="#012345")
    html = render_html(document(cell), tmp_path)
    assert '<td style="--fill: #ABCDEF; --color: #012345;"><p class="body">Word</p></td>' in html
    word = docx.Document(io.BytesIO(render_docx(document(cell), tmp_path)))
    drawn = word.tables[0].rows[1].cells[1]
    assert drawn._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "ABCDEF"
    assert str(drawn.paragraphs[0].runs[0].font.color.rgb) == "012345"
