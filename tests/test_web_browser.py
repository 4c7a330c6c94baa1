"""The web edition of every example pack (Safer Stockton's and each of examples/) in a real
browser: headless Chromium runs axe-core with the WCAG 2.2 A and AA rules (zero violations,
results printed), takes screenshots at 360 and 1280 px wide, and the page never scrolls
sideways as a whole on a phone; and its table cells are the PDF's (print HTML's) and the
DOCX's, in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.build import build, choose_targets
from tests import browser
from tests.test_formats_agree import docx_cells, html_cells
from tests.web_page import read

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
PROJECTS = {"stockton": REPO, **{p.name: p for p in sorted((REPO / "examples").iterdir())
                                 if (p / "data/report.yaml").is_file()}}
# Every pack each project builds by default (each pack at its latest period).
PACKS = [("stockton", "monitoring-2017-18-Q1"), ("stockton", "targets-2016-17-Q4"),
         ("benchmarking", "similar-areas-2023-24-Q2"), ("callover-index", "index-2022-23-Q2"),
         ("trends", "board-2022-23-Q4"), ("year-end", "year-end-2023-24-Q4")]
WIDTHS = (360, 1280)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every project's packs as print HTML, web edition and DOCX, in OUT/PROJECT/."""
    out = tmp_path_factory.mktemp("editions")
    for name, root in PROJECTS.items():
        build(open_project(root), formats=("html", "web", "docx"), out=out / name)
    return out


def test_every_pack_of_every_example_is_checked() -> None:
    packs = []
    for name, root in PROJECTS.items():
        project = open_project(root)
        packs += [(name, f"{t.pack_id}-{t.period.id}") for t in choose_targets(project, None, None)]
    assert packs == PACKS


@pytest.mark.parametrize("project, stem", PACKS, ids=[stem for _, stem in PACKS])
def test_web_cells_are_the_pdf_html_and_docx_cells(editions: Path, project: str,
                                                   stem: str) -> None:
    folder = editions / project
    assert sorted(p.name for p in folder.glob("*.web.html")) == sorted(
        f"{s}.web.html" for n, s in PACKS if n == project)
    web = read(folder / f"{stem}.web.html").cells()
    printed = html_cells(folder / f"{stem}.html")
    word = docx_cells(folder / f"{stem}.docx")
    assert len(web) == len(printed) == len(word) >= 2
    for number, (a, b, c) in enumerate(zip(web, printed, word, strict=True)):
        assert a == b, f"table {number}: web edition and print HTML differ"
        assert a == c, f"table {number}: web edition and DOCX differ"
    assert sum(len(row) for table in web for row in table) >= 10


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    """One headless Chromium for every pack."""
    browser.require("the browser tests")
    session = browser.Browser()
    try:
        yield session
    finally:
        session.close()


@pytest.mark.parametrize("project, stem", PACKS, ids=[stem for _, stem in PACKS])
def test_in_a_browser_axe_finds_no_wcag22_aa_violation(
        editions: Path, chromium: browser.Browser, project: str, stem: str,
        tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    page = editions / project / f"{stem}.web.html"
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    lines = []
    for width in WIDTHS:
        chromium.open(page, width)
        assert chromium.run("return window.innerWidth") == width
        scroll_width = chromium.run("return document.documentElement.scrollWidth")
        shot = chromium.screenshot(shots / f"{stem}-{width}.png")
        assert shot.stat().st_size > 10_000
        assert chromium.requests() == [], "the page asked for something outside itself"
        result = chromium.axe()
        assert chromium.run("return axe.getRules(arguments[0]).length", ["wcag22aa"]) > 0
        lines.append(f"{project}/{stem} at {width} px: {result.summary()}; page "
                     f"{scroll_width} px wide; screenshot {shot}")
        assert result.violations == [], result.summary()
        if width == 1280:
            # axe's best practices too: headings in order, one main, content in landmarks.
            practice = chromium.axe(("best-practice",))
            lines.append(f"  best practices: {practice.summary()}")
            assert practice.violations == [], practice.summary()
        # The page itself never scrolls sideways: wide tables scroll in their own region.
        assert scroll_width <= width
        if width == 360:
            wide = chromium.run("""return [...document.querySelectorAll('.table-scroll')]
                .filter(r => r.scrollWidth > r.clientWidth).length""")
            assert wide >= 1, "at 360 px at least one table scrolls in its region"
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_keyboard_skip_link_and_visible_focus(editions: Path, chromium: browser.Browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    chromium.open(editions / "stockton/targets-2016-17-Q4.web.html", 1280)
    ActionChains(chromium.driver).send_keys(Keys.TAB).perform()
    focused = chromium.run("""const e = document.activeElement, s = getComputedStyle(e);
        return [e.className, e.getAttribute('href'), s.outlineStyle, parseFloat(s.outlineWidth),
                e.getBoundingClientRect().top >= 0]""")
    assert focused[:2] == ["skip-link", "#main"]
    assert focused[2] != "none" and focused[3] >= 2 and focused[4], focused
    ActionChains(chromium.driver).send_keys(Keys.ENTER).perform()
    assert chromium.run("return document.activeElement.id") == "main"
    # The next Tab reaches the first table's scrolling region, whose focus is visible too.
    ActionChains(chromium.driver).send_keys(Keys.TAB).perform()
    region = chromium.run("""const e = document.activeElement, s = getComputedStyle(e);
        return [e.className, e.getAttribute('role'), s.outlineStyle]""")
    assert region[:2] == ["table-scroll", "region"] and region[2] != "none"


def test_print_stylesheet(editions: Path, chromium: browser.Browser) -> None:
    chromium.open(editions / "stockton/targets-2016-17-Q4.web.html", 1280)
    chromium.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = chromium.run("""return [getComputedStyle(document.querySelector('.skip-link'))
            .display, getComputedStyle(document.querySelector('.table-scroll')).overflowX,
            getComputedStyle(document.querySelector('thead')).display]""")
    finally:
        chromium.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == ["none", "visible", "table-header-group"]
