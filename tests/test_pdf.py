"""The PDF packs: seed layout, A4 landscape, repeated headers, PDF/UA-1, reproducible, safe."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import page
import pytest
from pypdf import PdfReader

from csp_report.api import open_project
from csp_report.build import build
from csp_report.errors import TemplateProblem
from tests.conftest import write
from tests.test_example import SEED_REFS

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
FILES = {"monitoring": "monitoring-2017-18-Q1.pdf", "targets": "targets-2016-17-Q4.pdf"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    build(open_project(REPO), formats=("pdf", "html"), out=out)
    return out


def pages_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_both_packs_are_built(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "monitoring-2017-18-Q1.html", "monitoring-2017-18-Q1.pdf",
        "targets-2016-17-Q4.html", "targets-2016-17-Q4.pdf"]


@pytest.mark.parametrize("pack", FILES)
def test_pages_are_a4_landscape(built: Path, pack: str) -> None:
    for sheet in PdfReader(built / FILES[pack]).pages:
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == (
            842, 595)


@pytest.mark.parametrize("pack", FILES)
def test_pdf_ua1_has_no_failed_rule(built: Path, pack: str) -> None:
    report = page.validate_pdf_bytes((built / FILES[pack]).read_bytes(), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.rules.failed == 0 and report.is_compliant


@pytest.mark.parametrize("pack", FILES)
def test_document_metadata(built: Path, pack: str) -> None:
    reader = PdfReader(built / FILES[pack])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata is not None and reader.metadata.title.startswith(
        "Community Safety Plan 2014-17 ")
    assert [item["/Title"] for item in reader.outline[1] if isinstance(item, dict)][:2] == [
        "Contents", "Summary"]


def section_pages(path: Path) -> dict[str, str]:
    """Each section's text, from its bookmark's page to the next section's (exclusive)."""
    reader = PdfReader(path)
    marks = [(item["/Title"], reader.get_destination_page_number(item))
             for item in reader.outline[1] if isinstance(item, dict)]
    texts = [p.extract_text() for p in reader.pages]
    return {title: "\n".join(texts[first:marks[i + 1][1] if i + 1 < len(marks) else None])
            for i, (title, first) in enumerate(marks)}


@pytest.mark.parametrize("pack", FILES)
def test_every_seed_ref_is_in_its_sections_table(built: Path, pack: str) -> None:
    project = open_project(REPO)
    chunks = section_pages(built / FILES[pack])
    for section_id, section in project.report.packs[pack].sections.items():
        refs = [e.measure.ref for e in project.measures[pack] if e.measure.section == section_id]
        lines = chunks[f"{section.heading}: {section.title}"].splitlines()
        found = [ref for ref in refs if any(line.startswith(ref + " ") for line in lines)]
        assert found == refs == [r for r in SEED_REFS[pack]
                                 if r.split(".")[0] == refs[0].split(".")[0]], section_id


def test_every_tracker_page_starts_its_table_with_the_header_row(built: Path) -> None:
    header = "Theme No Performance Measure Quarter 1 Quarter 2 Quarter 3 Quarter 4 RAG"
    texts = pages_text(built / FILES["targets"])
    first_table = next(i for i, t in enumerate(texts) if t.startswith("Theme 1: "))
    continued = 0
    for text in texts[first_table:]:
        lines = text.splitlines()
        if re.match(r"Theme \d: ", lines[0]):  # a section's first page: heading, caption
            assert lines[2] == header, lines[:3]
        else:
            continued += 1
            assert lines[0] == header, lines[:2]
    assert continued >= 3  # themes 1, 2 and 3 run over more than one page


def test_activity_tables_have_banner_outcome_and_header(built: Path) -> None:
    text = "\n".join(pages_text(built / FILES["monitoring"]))
    assert ("Priority 1 REDUCE REOFFENDING BY THE MOST PROLIFIC OFFENDERS\n"
            "Outcome Fewer people re-offending Reduction in reoffending rates\n"
            "Ref Activities to support this priority Data collation Quarter 1 update") in text
    assert "Ref Activities to support this priority Data collation April 17 to June 17" in text
    assert "Not available at time of writing" in text


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        subprocess.run([sys.executable, "-m", "csp_report", "build", "--format", "pdf",
                        "--format", "html", "--out", str(tmp_path / name)],
                       cwd=REPO, check=True, capture_output=True)
    for file in sorted((tmp_path / "a").iterdir()):
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes(), file.name


@pytest.mark.parametrize(("css", "message"), [
    ('.page-cover { background: url("http://example.com/logo.png"); }',
     "refused to fetch 'http://example.com/logo.png': templates may only use files inside "
     "the project (no network)"),
    ('body { background: url("file:///etc/passwd"); }',
     "refused to read 'file:///etc/passwd': it is outside the project and the package "
     "templates"),
])
def test_template_reaching_outside_fails_the_build(project: Path, css: str,
                                                   message: str) -> None:
    write(project / "templates/custom.css", css)
    with pytest.raises(TemplateProblem) as caught:
        build(open_project(project), pack="monitoring", formats=("pdf",))
    assert str(caught.value) == f"templates/custom.css:1: {message}"  # the file and line too
    assert not (project / "output").exists()


def test_commentary_markup_and_template_syntax_print_literally(project: Path) -> None:
    hostile = "<script>alert(1)</script> {{ 7 * 7 }} {% if x %}x{% endif %} & <b>bold</b>"
    measure = project / "data/measures/monitoring/3.2-alcohol-strategy-group.yaml"
    text = measure.read_text()
    start = text.index("    commentary:")
    measure.write_text(text[:start] + f"    commentary: '{hostile}'\n")
    written = build(open_project(project), pack="monitoring", formats=("pdf", "html"))
    html = next(p for p in written if p.suffix == ".html").read_text()
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }} {% if x %}x{% endif %} "
            "&amp; &lt;b&gt;bold&lt;/b&gt;") in html
    assert "<script>" not in html and "49" not in html.split("commentary")[-1][:200]
    pdf_text = " ".join(pages_text(next(p for p in written if p.suffix == ".pdf")))
    assert "<script>alert(1)</script> {{ 7 * 7 }} {% if x %}x{% endif %} &" in " ".join(
        pdf_text.split())


def test_failed_build_leaves_previous_outputs_untouched(project: Path) -> None:
    first = build(open_project(project), pack="monitoring", formats=("pdf", "html"))
    before = {p: p.read_bytes() for p in first}
    write(project / "templates/custom.css", 'body { background: url("https://example.com/x"); }')
    with pytest.raises(TemplateProblem):
        build(open_project(project), pack="monitoring", formats=("pdf", "html"))
    assert {p: p.read_bytes() for p in first} == before
    assert sorted(p.name for p in (project / "output").iterdir()) == [
        "monitoring-2017-18-Q1.html", "monitoring-2017-18-Q1.pdf"]


def test_template_syntax_error_names_the_template(project: Path) -> None:
    write(project / "templates/blocks/paragraph.html", "<p>{{ block.text }</p>\n")
    with pytest.raises(TemplateProblem) as caught:
        build(open_project(project), pack="monitoring", formats=("html",))
    assert str(caught.value).startswith(f"{project / 'templates/blocks/paragraph.html'}:1: "
                                        "template syntax error: ")
