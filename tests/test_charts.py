"""Trend charts (issue 14): the history the compute stage gives, the Chart the layout decides,
the SVG and PNG drawn from it, and the packs with charts in PDF (a Figure with Alt per chart,
PDF/UA-1), HTML and Word (a picture with its alt text), rebuilt byte for byte."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import page
import pytest
import yaml
from PIL import Image
from pydantic import ValidationError
from pypdf import PdfReader

from csp_report.api import open_project
from csp_report.build import build
from csp_report.compute.figures import series_specs
from csp_report.compute.trend import trend
from csp_report.layout.document import Chart, Charts, Document
from csp_report.layout.theme import Theme
from csp_report.model.columns import Column
from csp_report.model.periods import Period
from csp_report.render.chart import geometry, svg
from csp_report.render.chart_png import png
from tests.projects import document, make_project

REPO = Path(__file__).resolve().parent.parent
TRENDS = REPO / "examples" / "trends"
SVG = "{http://www.w3.org/2000/svg}"

REPORT = """\
packs:
  board:
    title: Board
    layout: table
    columns:
      - {kind: measure, show: [title]}
      - {kind: chart, periods: 6}
      - status
    sections:
      crime: {title: Crime}
"""
ROBBERY = """\
section: crime
title: Personal robbery
unit: count
noun: crimes
noun_singular: crime
good: lower
years:
  2022-23: {target: 80}
  2023-24: {target: 100}
quarters:
  2022-23-Q3: {value: 21}
  2022-23-Q4: {value: 19}
  2023-24-Q1: {value: 17, previous: 15}
  2023-24-Q2: {value: 22, previous: 16}
  2023-24-Q3: {value: 30}
"""


@pytest.fixture
def robbery(tmp_path: Path) -> Path:
    return make_project(tmp_path, REPORT, {"board/1.yaml": ROBBERY})


def only_chart(doc: Document) -> Chart:
    [chart] = doc.charts()
    return chart


# --- compute: the history -------------------------------------------------------------------

def test_trend_takes_the_last_periods_across_years_with_pro_rata_targets(robbery: Path) -> None:
    entry = open_project(robbery).measures["board"][0]
    series = trend(entry, series_specs(entry.measure)[0], Period.parse("2023-24-Q3"), 6)
    assert [p.period.id for p in series.points] == [
        "2022-23-Q2", "2022-23-Q3", "2022-23-Q4", "2023-24-Q1", "2023-24-Q2", "2023-24-Q3"]
    # 2022-23 Q2 comes from the 'previous' typed a year later; Q1 would too, but is out of range
    assert [p.value for p in series.points] == [16, 21, 19, 17, 22, 30]
    assert [p.target for p in series.points] == [20, 20, 20, 25, 25, 25]
    assert series.against == "pro-rata target"


def test_trend_drops_leading_periods_without_data(robbery: Path) -> None:
    entry = open_project(robbery).measures["board"][0]
    series = trend(entry, series_specs(entry.measure)[0], Period.parse("2023-24-Q3"), 12)
    assert series.points[0].period.id == "2022-23-Q1" and series.points[0].value == 15


# --- layout: the Chart ----------------------------------------------------------------------

def test_chart_states_its_figures_status_and_comparator(robbery: Path) -> None:
    chart = only_chart(document(robbery, "board", "2023-24-Q3"))
    assert [p.label for p in chart.points] == [
        "Q2 22/23", "Q3 22/23", "Q4 22/23", "Q1 23/24", "Q2 23/24", "Q3 23/24"]
    assert [p.text for p in chart.points] == ["16", "21", "19", "17", "22", "30"]
    # year to date 69 against 75 (three quarters of 100): Green, drawn as a circle
    assert (chart.status, chart.marker, chart.against) == ("Green", "circle", "Pro-rata target")
    assert chart.alt == (
        "Personal robbery (crimes a quarter), Q2 2022/23 to Q3 2023/24: Q2 2022/23 16; "
        "Q3 2022/23 21; Q4 2022/23 19; Q1 2023/24 17; Q2 2023/24 22; Q3 2023/24 30. "
        "Latest 30 in Q3 2023/24, up from 22 in Q2 2023/24. Pro-rata target 25 a quarter. "
        "Status: Green.")


def test_neighbouring_figures_that_differ_never_print_the_same(tmp_path: Path) -> None:
    """99.96% then 99.95% printed "Latest 100.0% ..., down from 100.0%"."""
    share = """\
section: crime
title: Satisfaction
unit: percentage
good: higher
quarters:
  2023-24-Q1: {value: 99.9}
  2023-24-Q2: {value: 99.96}
  2023-24-Q3: {value: 99.95}
"""
    chart = only_chart(document(make_project(tmp_path, REPORT, {"board/1.yaml": share}),
                                "board", "2023-24-Q3"))
    assert [p.text for p in chart.points] == ["99.90%", "99.96%", "99.95%"]
    assert "Latest 99.95% in Q3 2023/24, down from 99.96% in Q2 2023/24." in chart.alt


def test_status_is_a_shape_and_a_word_not_colour_alone(tmp_path: Path) -> None:
    worse = ROBBERY.replace("2023-24-Q3: {value: 30}", "2023-24-Q3: {value: 60}")
    chart = only_chart(document(make_project(tmp_path, REPORT, {"board/1.yaml": worse}),
                                "board", "2023-24-Q3"))
    assert (chart.status, chart.marker, chart.fill) == ("Red", "diamond", "#C00000")
    texts = [t.text for t in ElementTree.fromstring(str(svg(chart, Theme()))).iter(f"{SVG}text")]
    assert "60, Red" in texts


def _numbers(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)]


def test_svg_draws_the_points_the_target_line_and_the_labels(robbery: Path) -> None:
    chart = only_chart(document(robbery, "board", "2023-24-Q3"))
    root = ElementTree.fromstring(str(svg(chart, Theme())))
    assert root.find(f"{SVG}title").text == chart.alt
    [series] = [p for p in root.iter(f"{SVG}path") if p.get("class") == "series"]
    points = _numbers(series.get("d"))
    assert len(points) == 6
    xs = [x for x, _ in points]
    gaps = {round(b - a, 1) for a, b in zip(xs, xs[1:], strict=False)}
    assert len(gaps) == 1 and gaps.pop() > 0  # one period apart, oldest at the left
    values = [16, 21, 19, 17, 22, 30]
    # y falls as the value rises, in proportion: one scale for every point
    scale = {round((points[i][1] - points[0][1]) / (values[i] - values[0]), 2)
             for i in range(1, 6) if values[i] != values[0]}
    assert len(scale) == 1 and scale.pop() < 0
    slope = (points[5][1] - points[0][1]) / (values[5] - values[0])
    [target] = [p for p in root.iter(f"{SVG}path") if p.get("class") == "target"]
    levels = sorted({round(y, 1) for _, y in _numbers(target.get("d"))})
    expected = sorted({round(points[0][1] + (t - values[0]) * slope, 1) for t in (20, 25)})
    assert levels == expected  # a step from 2022/23's quarter share to 2023/24's
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:2] == ["crimes a quarter", "Pro-rata target"]
    assert {"Q2 22/23", "Q3 23/24", chart.low_text, chart.high_text, "30, Green"} <= set(texts)
    assert root.get("font-family") == "Pack Sans"
    [current] = [c for c in root.iter(f"{SVG}circle") if "current" in c.get("class")]
    assert (float(current.get("cx")), float(current.get("cy"))) == pytest.approx(points[-1])


def test_a_period_without_a_figure_breaks_the_line(tmp_path: Path) -> None:
    gap = ROBBERY.replace("2023-24-Q1: {value: 17, previous: 15}",
                          "2023-24-Q1: {missing: {state: to-follow, reason: Awaited}}")
    chart = only_chart(document(make_project(tmp_path, REPORT, {"board/1.yaml": gap}),
                                "board", "2023-24-Q3"))
    assert chart.points[3].value is None and chart.points[3].text == "no figure"
    runs = [p for p in geometry(chart).lines if p.role == "series"]
    assert [len(r.points) for r in runs] == [3, 2]


def test_drawing_is_deterministic(robbery: Path) -> None:
    chart = only_chart(document(robbery, "board", "2023-24-Q3"))
    assert svg(chart, Theme()) == svg(chart, Theme())
    first, second = png(chart, Theme()), png(chart, Theme())
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG" and image.size == (640, 264)


def test_chart_options_belong_to_the_chart_column() -> None:
    assert Column(kind="chart", periods=12, size="large").periods == 12
    with pytest.raises(ValidationError, match="for the chart column"):
        Column(kind="status", periods=4)
    with pytest.raises(ValidationError):
        Column(kind="chart", periods=1)


def test_seed_packs_have_no_charts() -> None:
    assert document(REPO, "targets", "2016-17-Q4").charts() == []
    assert document(REPO, "monitoring", "2017-18-Q1").charts() == []


def test_chart_block_has_a_table_of_the_figures() -> None:
    doc = document(TRENDS, "board", "2022-23-Q4")
    blocks = [b for p in doc.pages for b in p.blocks if isinstance(b, Charts)]
    assert [b.id for b in blocks] == ["charts-crime", "charts-harm"]
    rows = [[c.text for c in row.cells] for row in blocks[0].data.body]
    assert rows[0] == ["1 Residential burglary\ncrimes a quarter", "420", "395", "410", "388",
                       "372", "360", "391", "355", "Pro-rata target: 375", "Green"]
    # every figure a chart of the block draws is in its table
    for chart, row in zip(blocks[1].charts, blocks[1].data.body, strict=True):
        assert [p.text for p in chart.points] == [c.text for c in row.cells[1:9]]


# --- the packs: PDF, HTML and Word ----------------------------------------------------------

def tracker_with_charts(root: Path) -> Path:
    """The Safer Stockton project with the tracker preset's columns plus a chart column."""
    shutil.copytree(REPO / "data", root / "data")
    report = root / "data" / "report.yaml"
    config = yaml.safe_load(report.read_text(encoding="utf-8"))
    config["packs"] = {"targets": config["packs"]["targets"]}
    config["packs"]["targets"]["columns"] = [
        {"kind": "section-label", "header": "Theme", "width": 5},
        {"kind": "ref", "header": "No", "width": 5},
        {"kind": "measure", "header": "Performance Measure", "width": 24,
         "show": ["title", "detail", "baseline", "years"]},
        {"kind": "periods", "width": 11, "label": "quarter"},
        {"kind": "chart", "header": "Trend", "width": 20},
        {"kind": "status", "header": "RAG", "width": 8, "travel": True}]
    report.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.rmtree(root / "data" / "measures" / "monitoring")
    return root


PROJECTS = {"stockton-tracker": ("targets", "2016-17-Q4"), "trends": ("board", "2022-23-Q4")}


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[str, Document, Path, Path]:
    name = request.param
    root = (tracker_with_charts(tmp_path_factory.mktemp("stockton")) if name != "trends"
            else TRENDS)
    pack, period = PROJECTS[name]
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    for out in (first, second):
        build(open_project(root), formats=("pdf", "docx", "html"), out=out)
    return name, document(root, pack, period), first, second


def _figures(pdf: Path) -> list[str]:
    """The Alt text of every Figure in the PDF's structure tree, in order."""
    reader = PdfReader(pdf)
    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.slow
def test_pdf_has_one_figure_with_alt_per_chart_and_passes_pdf_ua1(
        built: tuple[str, Document, Path, Path]) -> None:
    name, doc, first, _ = built
    [pdf] = first.glob("*.pdf")
    alts = [c.alt for c in doc.charts()]
    assert len(alts) >= 8
    assert _figures(pdf) == alts
    report = page.validate_pdf_bytes(pdf.read_bytes(), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.rules.failed == 0 and report.is_compliant


@pytest.mark.slow
def test_two_builds_with_charts_are_byte_identical(
        built: tuple[str, Document, Path, Path]) -> None:
    _, _, first, second = built
    files = sorted(first.iterdir())
    assert {f.suffix for f in files} == {".pdf", ".docx", ".html"}
    for file in files:
        assert file.read_bytes() == (second / file.name).read_bytes(), file.name


@pytest.mark.slow
def test_html_draws_each_chart_as_inline_svg_with_its_title(
        built: tuple[str, Document, Path, Path]) -> None:
    _, doc, first, _ = built
    [html] = first.glob("*.html")
    text = html.read_text(encoding="utf-8")
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart') == len(
        doc.charts())
    assert "<img" not in text


@pytest.mark.slow
def test_docx_pictures_carry_the_alt_text(built: tuple[str, Document, Path, Path]) -> None:
    _, doc, first, _ = built
    [docx] = first.glob("*.docx")
    with zipfile.ZipFile(docx) as package:
        xml = package.read("word/document.xml")
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    root = ElementTree.fromstring(xml)
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    descr = [d.get("descr") for d in root.iter(f"{wp}docPr")]
    assert descr == [c.alt for c in doc.charts()]
    assert media and all(n.endswith(".png") for n in media)


@pytest.mark.slow
def test_libreoffice_converts_the_pack_with_charts(
        built: tuple[str, Document, Path, Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    _, doc, first, _ = built
    [docx] = first.glob("*.docx")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    converted = tmp_path / docx.with_suffix(".pdf").name
    reader = PdfReader(converted)
    assert len(reader.pages) >= 5
    images = sum(len(p.images) for p in reader.pages)
    assert images >= len({c.alt for c in doc.charts()})
