"""The work-around for pydyf's page_references: in place after a render, same PDF bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pydyf
import pytest
from pypdf import PdfReader

from csp_report.render import upstream
from csp_report.render.html import stylesheet_text
from csp_report.render.pdf import render_pdf

REPO = Path(__file__).resolve().parent.parent
ROWS = "".join(f"<tr><td><p>Measure {n}</p></td><td><p>{n * 7}</p></td></tr>" for n in range(90))
HTML = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Pages</title>'
        f'<style>{stylesheet_text(REPO)}</style></head><body>'
        '<h2 id="one">One</h2><table><thead><tr class="header"><th>Measure</th><th>Figure</th>'
        f'</tr></thead><tbody>{ROWS}</tbody></table><h2 id="two">Two</h2><p>End.</p>'
        '</body></html>')


@pytest.fixture
def restored() -> Iterator[None]:
    yield
    upstream.install()


def test_render_installs_the_cached_page_references() -> None:
    render_pdf(HTML, REPO, 1490918400)
    assert pydyf.PDF.__dict__["page_references"].fget is upstream._page_references


def test_cached_page_references_give_the_same_pdf(restored: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    patched = render_pdf(HTML, REPO, 1490918400)
    upstream.uninstall()
    monkeypatch.setattr(upstream, "install", lambda: None)  # render with pydyf's own
    assert pydyf.PDF.__dict__["page_references"].fget.__module__ == "pydyf"
    original = render_pdf(HTML, REPO, 1490918400)
    assert len(PdfReader(io.BytesIO(original)).pages) >= 3  # enough pages for it to matter
    assert patched == original


def test_page_references_follow_added_pages() -> None:
    upstream.install()
    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    for expected in (1, 2, 3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(pdf.page_references) == expected
    numbers = [int(ref.split()[0]) for ref in pdf.page_references]
    assert numbers == pdf.pages["Kids"][::3]
    assert pdf.page_references is pdf.page_references  # cached between pages added
