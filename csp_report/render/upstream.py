"""Work-arounds for upstream libraries, each small, checked against what it replaces, and
removable once upstream is fixed.

pydyf (WeasyPrint's PDF writer) has `PDF.page_references`, a property that rebuilds a tuple of
every page's reference each time it is read. WeasyPrint's PDF/UA tagging reads it once per
tagged element, so a tagged pack costs pages x elements: on a 293-page pack that is 62,000
tuples of 293 entries, about a tenth of the whole render. The replacement below returns the
same tuple, rebuilt only when a page has been added, so the PDF bytes do not change (tested).
"""

from __future__ import annotations

from typing import Any

_CACHE = "_csp_report_page_references"
# pydyf releases whose page_references was read and found to be the slow, pure one above. A
# newer release runs without the work-around (safe, only slower) until it is checked again:
# tests/test_upstream.py then fails, which is the prompt to do so.
CHECKED_PYDYF = ("0.13.",)


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    # pydyf only ever appends to Kids, three items per page ("N", 0, "R"): the list and its
    # length identify its content.
    key = (id(kids), len(kids))
    cached = pdf.__dict__.get(_CACHE)
    if cached is None or cached[0] != key:
        cached = (key, tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__[_CACHE] = cached
    return cached[1]


_ORIGINAL: property | None = None


def install() -> None:
    """Put the cached page_references in place, once, if pydyf still has the slow one."""
    global _ORIGINAL
    import pydyf

    if not getattr(pydyf, "__version__", "").startswith(CHECKED_PYDYF):
        return
    found = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(found, property) or found.fget is _page_references:
        return  # already installed, or pydyf has changed shape: leave it alone
    _ORIGINAL = found
    pydyf.PDF.page_references = property(_page_references)


def uninstall() -> None:
    """Put pydyf's own property back (tests compare the two)."""
    import pydyf

    if _ORIGINAL is not None:
        pydyf.PDF.page_references = _ORIGINAL
