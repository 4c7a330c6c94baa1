"""Every project under examples/ builds to PDF and DOCX: PDF/UA-1 clean, byte-identical when
rebuilt, and the same table cells in HTML and DOCX."""

from __future__ import annotations

from pathlib import Path

import page
import pytest

from csp_report.api import open_project
from csp_report.build import build
from tests.test_formats_agree import docx_cells, html_cells

pytestmark = pytest.mark.slow
EXAMPLES = sorted(p for p in (Path(__file__).resolve().parent.parent / "examples").iterdir()
                  if (p / "data/report.yaml").is_file())


def test_there_are_examples_that_look_nothing_like_stockton() -> None:
    assert [p.name for p in EXAMPLES] == ["benchmarking", "callover-index", "trends", "year-end"]


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.name for p in EXAMPLES])
def built(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    project = open_project(request.param)
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    build(project, formats=("pdf", "docx", "html"), out=first)
    build(project, formats=("pdf", "docx"), out=second)
    return first, second


def test_pdf_ua1_has_no_failed_rule(built: tuple[Path, Path]) -> None:
    [pdf] = built[0].glob("*.pdf")
    report = page.validate_pdf_bytes(pdf.read_bytes(), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.is_compliant


def test_rebuilds_are_byte_identical(built: tuple[Path, Path]) -> None:
    first, second = built
    for suffix in ("pdf", "docx"):
        [a] = first.glob(f"*.{suffix}")
        assert a.read_bytes() == (second / a.name).read_bytes(), a.name


def test_html_and_docx_hold_the_same_cells(built: tuple[Path, Path]) -> None:
    [html] = built[0].glob("*.html")
    from_html = html_cells(html)
    from_docx = docx_cells(html.with_suffix(".docx"))
    assert from_html == from_docx
    assert sum(len(row) for table in from_html for row in table) >= 10
