"""The web edition (`--format web`): one self-contained, accessible HTML page per pack, drawn
from the same layout Document as the PDF and the DOCX."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from csp_report.api import open_project
from csp_report.build import build, choose_targets, prepare
from csp_report.cli import main
from csp_report.errors import TemplateProblem
from csp_report.layout.document import Cell, Row, Table, Text
from csp_report.render.web import WebCell, render_web, web_rows
from csp_report.templating import PACKAGE_TEMPLATES
from tests.conftest import write
from tests.web_page import external_references, read

pytestmark = pytest.mark.slow  # every test here builds real packs

REPO = Path(__file__).resolve().parent.parent
PROJECTS = [REPO, *sorted(p for p in (REPO / "examples").iterdir()
                          if (p / "data/report.yaml").is_file())]
PROJECT_IDS = ["stockton", *(p.name for p in PROJECTS[1:])]


@pytest.fixture(scope="module")
def stockton(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Safer Stockton web editions (both packs), built once."""
    out = tmp_path_factory.mktemp("web")
    build(open_project(REPO), formats=("web",), out=out)
    return out


def test_build_writes_one_web_page_per_pack_beside_the_print_html(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(REPO), "--format", "web", "--format",
                                       "html", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "monitoring-2017-18-Q1.html", "monitoring-2017-18-Q1.web.html",
        "targets-2016-17-Q4.html", "targets-2016-17-Q4.web.html"]


@pytest.mark.parametrize("stem", ["monitoring-2017-18-Q1", "targets-2016-17-Q4"])
def test_page_structure(stockton: Path, stem: str) -> None:
    page = read(stockton / f"{stem}.web.html")
    tags = [e.tag for e in page.elements]
    html = page.elements[0]
    assert (html.tag, html.attrs.get("lang")) == ("html", "en-GB")
    [title] = [e for e in page.elements if e.tag == "title"]
    assert title.text.startswith("Community Safety Plan 2014-17 ")
    viewport = [e for e in page.elements if e.tag == "meta" and e.attrs.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].attrs["content"]
    # The skip link is the first thing in the body and leads to the main landmark.
    body = tags.index("body")
    skip = page.elements[body + 1]
    assert (skip.tag, skip.attrs.get("href"), skip.text.strip()) == (
        "a", "#main", "Skip to main content")
    [main_element] = [e for e in page.elements if e.tag == "main"]
    assert main_element.attrs["id"] == "main"
    assert tags.count("header") == tags.count("nav") == tags.count("footer") == 1
    # Headings: one h1, then no level skipped.
    levels = [level for level, _, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    # The contents list links to every section heading, in order.
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    nav = tags.index("nav")
    links = [e.attrs["href"] for e in page.elements[nav:tags.index("main")] if e.tag == "a"]
    assert links and all(link[1:] in ids for link in links)
    level_two = [ident for level, ident, _ in page.headings if level == 2 and ident != "contents"]
    assert [link[1:] for link in links] == level_two


@pytest.mark.parametrize("stem", ["monitoring-2017-18-Q1", "targets-2016-17-Q4"])
def test_every_table_is_captioned_in_a_labelled_scrolling_region(stockton: Path,
                                                                 stem: str) -> None:
    page = read(stockton / f"{stem}.web.html")
    elements = page.elements
    tables = [i for i, e in enumerate(elements) if e.tag == "table"]
    assert len(tables) >= 6
    for i in tables:
        region, table, caption = elements[i - 1], elements[i], elements[i + 1]
        assert region.tag == "div" and region.attrs["role"] == "region"
        assert region.attrs["tabindex"] == "0"
        assert caption.tag == "caption" and caption.text.strip()
        assert region.attrs["aria-labelledby"] == caption.attrs["id"], table.attrs["id"]
    headers = [e for e in elements if e.tag == "th"]
    assert headers and all(e.attrs.get("scope") in ("col", "row", "colgroup", "rowgroup")
                           for e in headers)


def test_status_is_a_word_beside_its_colour(stockton: Path) -> None:
    text = (stockton / "targets-2016-17-Q4.web.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="status-(\w+)" style="--fill: (#\w+);[^"]*">'
                       r'<p class="rag">(\w+)</p>', text)
    assert {(kind, word) for kind, _, word in cells} >= {
        ("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("grey", "Grey")}


def test_side_label_is_drawn_once_with_a_row_span(stockton: Path) -> None:
    text = (stockton / "targets-2016-17-Q4.web.html").read_text(encoding="utf-8")
    assert text.count("ANTI-SOCIAL BEHAVIOUR TARGETS</p>") == 1
    assert re.search(r'<th scope="rowgroup" rowspan="4" class="side-label vertical"', text)


@pytest.mark.parametrize("project", PROJECTS, ids=PROJECT_IDS)
def test_nothing_outside_the_file_is_referenced(project: Path, tmp_path: Path) -> None:
    written = build(open_project(project), formats=("web",), out=tmp_path)
    assert written
    for path in written:
        page = read(path)
        assert external_references(page) == [], path.name
        assert page.styles, "the stylesheet is in the page"
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?i)https?:|file:|<script|@import|url\(", text), path.name


def test_the_external_reference_check_finds_each_kind() -> None:
    page = read_text_page(
        '<link rel="stylesheet" href="x.css"><img src="https://e.org/a.png">'
        '<a href="//e.org/">x</a><a href="file:///etc/passwd">y</a><a href="#ok">ok</a>'
        '<style>@import "t.css"; p { background: url(https://e.org/t.png) }'
        ' q { background: url("data:image/png;base64,AA==") }</style>'
        '<p style="background-image: url(\'/a.png\')">z</p>')
    found = "\n".join(external_references(page))
    for reference in ("x.css", "https://e.org/a.png", "'//e.org/'", "file:///etc/passwd",
                      "@import", "https://e.org/t.png", "/a.png"):
        assert reference in found
    assert "#ok" not in found and "data:" not in found


def read_text_page(text: str):  # noqa: ANN201 - a WebPage
    from tests.web_page import WebPage

    page = WebPage()
    page.feed(text)
    return page


def test_rebuild_is_byte_identical(stockton: Path, tmp_path: Path) -> None:
    build(open_project(REPO), formats=("web",), out=tmp_path)
    for path in stockton.glob("*.web.html"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


HOSTILE = ('<script>alert("x")</script> & <b>bold</b> {{ 7 * 7 }} {% if true %}yes{% endif %}'
           ' <a href="https://evil.example/">link</a>')


def test_commentary_with_html_script_and_jinja_prints_literally(project: Path,
                                                               tmp_path: Path) -> None:
    measure = project / "data/measures/monitoring/3.2-alcohol-strategy-group.yaml"
    text = measure.read_text(encoding="utf-8")
    assert "    commentary: Regular meetings are now in place" in text
    measure.write_text(text.replace("    commentary: Regular meetings are now in place",
                                    "    commentary: '" + HOSTILE.replace("'", "''") + "'"),
                       encoding="utf-8")
    [path] = build(open_project(project), pack="monitoring", formats=("web",), out=tmp_path)
    page = read(path)
    assert HOSTILE in [cell for table in page.cells() for row in table for cell in row]
    assert not any(e.tag in ("script", "b") for e in page.elements)
    assert [e.attrs["href"] for e in page.elements if e.tag == "a" and
            not e.attrs["href"].startswith("#")] == []
    text = path.read_text(encoding="utf-8")
    assert "{{ 7 * 7 }} {% if true %}yes{% endif %}" in text and "49" not in text


def test_project_web_css_replaces_ours_and_web_custom_css_adds(project: Path,
                                                               tmp_path: Path) -> None:
    write(project / "templates/web-custom.css", "h2 { letter-spacing: 0.01em; }\n")
    doc = prepare(open_project(project), choose_targets(open_project(project),
                                                        "targets", None)[0]).document
    page = render_web(doc, project)
    assert "h2 { letter-spacing: 0.01em; }" in page
    assert ".skip-link" in page  # ours is still there
    write(project / "templates/web.css", "body { margin: 1rem; }\n")
    page = render_web(doc, project)
    assert "body { margin: 1rem; }" in page and ".skip-link" not in page
    assert "--accent: " in page  # the theme's properties come first whatever the stylesheet


def test_a_font_the_web_stylesheet_names_is_inlined(project: Path) -> None:
    shutil.copy(PACKAGE_TEMPLATES / "fonts/LiberationSans-Regular.ttf",
                write(project / "templates/fonts/Face.ttf", ""))
    write(project / "templates/web-custom.css",
          '@font-face { font-family: Face; src: url("fonts/Face.ttf"); }\n')
    project_ = open_project(project)
    doc = prepare(project_, choose_targets(project_, "targets", None)[0]).document
    page = render_web(doc, project)
    assert 'src: url("data:font/ttf;base64,AAEAAA' in page
    assert external_references(read_text_page(page)) == []


@pytest.mark.parametrize("css, refused", [
    ("@import url('https://example.com/track.css');", "refused to fetch"),
    ("@import 'pack.css';", "refused '@import 'pack.css''"),
    ("@\\69mport 'pack.css';", "refused 'pack.css'"),
    ("p { background: u\\72l(fonts/LiberationSans-Regular.ttf); }", "may only embed data:"),
    ("body { background: u\\72l(logo.png); }", "does not exist"),
    ("body { background: url(https://example.com/pixel.png); }", "refused to fetch"),
    ("body { background: url(//example.com/pixel.png); }", "refused to fetch"),
    ("body { background: url(/etc/hostname); }", "outside the project"),
])
def test_a_web_stylesheet_reaching_outside_is_refused(project: Path, css: str,
                                                      refused: str) -> None:
    write(project / "templates/web-custom.css", css + "\n")
    project_ = open_project(project)
    doc = prepare(project_, choose_targets(project_, "targets", None)[0]).document
    with pytest.raises(TemplateProblem, match=refused):
        render_web(doc, project)


def test_project_web_template_extends_the_default(project: Path, tmp_path: Path) -> None:
    write(project / "templates/web.html",
          '{% extends "default:web.html" %}'
          '{% block skip_link %}Neidio i\'r prif gynnwys{% endblock %}')
    [path] = build(open_project(project), pack="targets", formats=("web",), out=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert '<a class="skip-link" href="#main">Neidio i\'r prif gynnwys</a>' in text
    assert "<main id=\"main\"" in text


def _cell(text: str, **spans: int) -> Cell:
    return Cell((Text(text),), header=True, scope="col", **spans)


def test_a_row_span_is_drawn_once_within_its_row_group() -> None:
    table = Table(id="t", caption="c", description="d", widths=(1, 1, 1),
                  head=(Row((_cell("A", rowspan=2), _cell("B"), _cell("C")), "header"),),
                  body=(Row((_cell("D"), _cell("E"))),
                        Row((_cell("F", rowspan=9), _cell("G"), _cell("H"))),
                        Row((_cell("I"), _cell("J")))),
                  style="summary")
    head, body = web_rows(table)

    def shown(rows: tuple[tuple[WebCell, ...], ...]) -> list[list[tuple[str, int]]]:
        return [[(c.placed.cell.text, c.rows) for c in row] for row in rows]

    # A span from the head into the body starts again in the body (HTML cannot cross).
    assert shown(head) == [[("A", 1), ("B", 1), ("C", 1)]]
    # A span longer than the rows left covers the rows there are.
    assert shown(body) == [[("A", 1), ("D", 1), ("E", 1)],
                           [("F", 2), ("G", 1), ("H", 1)],
                           [("I", 1), ("J", 1)]]


@pytest.mark.parametrize("template, refused", [
    ('{% extends "default:web.html" %}{% block extra_head %}<script>x()</script>{% endblock %}',
     "has a <script> element"),
    ('{% extends "default:web.html" %}{% block extra_head %}'
     '<link rel="icon" href="favicon.ico">{% endblock %}', "has a <link> element"),
    ('{% extends "default:web.html" %}{% block skip_link %}<img src="logo.png">{% endblock %}',
     'refused src="logo.png" on <img>'),
    ('{% extends "default:web.html" %}{% block skip_link %}<span style="background: '
     'url(fonts/LiberationSans-Bold.ttf)">x</span>{% endblock %}', "may only embed data:"),
    ('{% extends "default:web.html" %}{% block skip_link %}<b onclick="x()">x</b>{% endblock %}',
     "event handler"),
    ('{% include "web.html" %}', "includes or extends itself"),
])
def test_a_web_template_reaching_outside_fails_the_build(project: Path, tmp_path: Path,
                                                         template: str, refused: str) -> None:
    write(project / "templates/web.html", template)
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, ["build", str(project), "--format", "web", "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert refused in result.output
    assert "Traceback" not in result.output
    assert list((tmp_path / "out").iterdir()) == []
