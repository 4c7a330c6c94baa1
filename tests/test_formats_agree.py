"""The PDF (from its HTML) and the DOCX hold the same table cells, in the same order."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from csp_report.api import open_project
from csp_report.build import build

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


class TableCells(HTMLParser):
    """Every table's rows as lists of cell texts (paragraphs and list items joined by
    newlines)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.paragraph: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in ("p", "li") and self.cell is not None:
            self.paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self.cell is not None and self.paragraph is not None:
            self.cell.append("".join(self.paragraph))
            self.paragraph = None
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("\n".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.paragraph is not None:
            self.paragraph.append(data)


def html_cells(path: Path) -> list[list[list[str]]]:
    parser = TableCells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def docx_cells(path: Path) -> list[list[list[str]]]:
    tables = []
    for table in docx.Document(str(path)).tables:
        rows = []
        for row in table.rows:
            cells, seen = [], None
            for cell in row.cells:
                if cell._tc is not seen:  # a cell spanning columns is listed once per column
                    cells.append(cell.text)
                seen = cell._tc
            rows.append(cells)
        tables.append(rows)
    return tables


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("agree")
    build(open_project(REPO), formats=("html", "docx"), out=out)
    return out


@pytest.mark.parametrize("stem", ["monitoring-2017-18-Q1", "targets-2016-17-Q4"])
def test_every_table_cell_is_the_same_in_html_and_docx(built: Path, stem: str) -> None:
    from_html = html_cells(built / f"{stem}.html")
    from_docx = docx_cells(built / f"{stem}.docx")
    assert len(from_html) == len(from_docx) >= 6
    for number, (html_table, docx_table) in enumerate(zip(from_html, from_docx, strict=True)):
        assert html_table == docx_table, f"table {number}"
    assert sum(len(row) for table in from_html for row in table) > 100
