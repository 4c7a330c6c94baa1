"""Render stage (PDF): WeasyPrint draws the HTML as tagged PDF/UA-1, reproducibly and offline."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BuildError, TemplateProblem


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings and errors so a build with any of them fails."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    # fontTools stamps subset fonts with the time unless SOURCE_DATE_EPOCH is set: fix it to
    # the data's date for the duration of the render, then put the environment back.
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


# The contents part links each entry to its own list item; the join points it at its heading.
LINK_PREFIX = "csp-contents-entry-"


@dataclass(frozen=True)
class RenderedPart:
    """One part of a pack drawn as PDF, with what the join needs that the PDF does not keep
    in a handy form: each page's bookmarks (PDF coordinates) and where each anchor landed."""

    pdf: bytes
    pages: int
    bookmarks: tuple[tuple[tuple[int, str, tuple[float, float], str], ...], ...]
    anchors: dict[str, int]

    def to_bytes(self) -> bytes:
        """The part as one cache entry: a line of JSON (no pickle: a cache lives in the
        project folder, and what is read back from it must not be able to run code), then
        the PDF."""
        facts = {"pages": self.pages, "bookmarks": self.bookmarks, "anchors": self.anchors}
        return json.dumps(facts, separators=(",", ":")).encode("utf-8") + b"\n" + self.pdf

    @classmethod
    def from_bytes(cls, data: bytes) -> RenderedPart | None:
        """A part read back from to_bytes(); None for anything else."""
        head, _, pdf = data.partition(b"\n")
        try:
            facts = json.loads(head)
            bookmarks = tuple(tuple((int(level), str(label), (float(x), float(y)), str(state))
                                    for level, label, (x, y), state in page)
                              for page in facts["bookmarks"])
            anchors = {str(name): int(page) for name, page in facts["anchors"].items()}
            part = cls(pdf, int(facts["pages"]), bookmarks, anchors)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not pdf.startswith(b"%PDF-") or len(bookmarks) != part.pages:
            return None
        return part


def render_pdf(html: str, project_root: Path, epoch: int) -> bytes:
    """PDF/UA-1 bytes of a pack's HTML; any WeasyPrint warning or refused fetch fails it."""
    return _draw(html, project_root, epoch, part=False).pdf


def render_part(html: str, project_root: Path, epoch: int, ids: str) -> RenderedPart:
    """One part of a pack (render/parts.py), as render_pdf draws a whole pack; `ids` starts
    its table header ids, which must differ from every other part's."""
    return _draw(html, project_root, epoch, part=True, ids=ids)


def _prefix_ids(prefix: str) -> Callable[[Any, Any], None]:
    """A WeasyPrint finisher putting `prefix` before the structure elements' ids (table
    headers, named by their cells' /Headers): WeasyPrint makes them from object numbers,
    which every part starts again, and the joined file needs them unique."""
    def finish(_document: Any, pdf: Any) -> None:
        import pydyf

        for element in pdf.objects:
            if not isinstance(element, dict):
                continue
            if isinstance(element.get("ID"), pydyf.String):
                element["ID"] = pydyf.String(prefix + str(element["ID"].string))
            attributes = element.get("A")
            if isinstance(attributes, dict) and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array(
                    pydyf.String(prefix + str(header.string))
                    for header in attributes["Headers"])
    return finish


def _draw(html: str, project_root: Path, epoch: int, *, part: bool,
          ids: str = "") -> RenderedPart:
    import weasyprint  # imported here: it is slow to import and only builds need it
    from weasyprint.urls import FatalURLFetchingError

    from .fetcher import LockedFetcher
    from .upstream import install

    install()

    fetcher = LockedFetcher(project_root)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with _source_date(epoch):
            document = weasyprint.HTML(string=html, base_url=fetcher.base_url,
                                       url_fetcher=fetcher).render()
            pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False,
                                     finisher=_prefix_ids(ids) if ids else None)
    except FatalURLFetchingError:
        raise TemplateProblem(fetcher.refused[0] if fetcher.refused else "a template resource "
                              "could not be read") from None
    except Exception as err:  # WeasyPrint raises many types; all mean the pack was not made
        raise BuildError(f"PDF rendering failed: {_describe(err)}") from None
    finally:
        logger.removeHandler(collector)
    if fetcher.refused:
        raise TemplateProblem(fetcher.refused[0])
    if collector.messages:
        raise BuildError("PDF rendering reported problems:\n" + "\n".join(
            f"  {m}" for m in dict.fromkeys(collector.messages)))
    if not part:
        return RenderedPart(pdf, len(document.pages), (), {})
    return RenderedPart(pdf, len(document.pages), _bookmarks(document), _anchors(document))


def _describe(err: Exception) -> str:
    """What went wrong in WeasyPrint: the error's own text, or, when it has none (a bare
    AssertionError from deep inside it), its type, where it was raised and the likely cause."""
    text = str(err).strip()
    if text:
        return text
    where = ""
    frames = traceback.extract_tb(err.__traceback__)
    if frames:
        last = frames[-1]
        parts = Path(last.filename).parts
        shown = "/".join(parts[parts.index("weasyprint"):]) if "weasyprint" in parts \
            else Path(last.filename).name
        where = f" in {shown} ({last.name})"
    return (f"WeasyPrint stopped with {type(err).__name__}{where} and no message; most likely "
            "the stylesheet (templates/custom.css or the theme's) or a template uses a "
            "construct WeasyPrint cannot handle, such as attr() or an unusual value in a "
            "property; remove recent changes to the project's stylesheet or templates to "
            "find it")


# WeasyPrint draws 0.75 PDF points per CSS pixel, with the y axis pointing down.
_SCALE = 0.75


def _bookmarks(document: Any) -> tuple[tuple[tuple[int, str, tuple[float, float], str], ...],
                                       ...]:
    """Each page's bookmarks as WeasyPrint's outline takes them, in PDF coordinates."""
    return tuple(
        tuple((level, label, (x * _SCALE, (page.height - y) * _SCALE), state)
              for level, label, (x, y), state in page.bookmarks)
        for page in document.pages)


def _anchors(document: Any) -> dict[str, int]:
    """The page (from 0) where each anchor of the part landed."""
    return {name: number for number, page in reversed(list(enumerate(document.pages)))
            for name in page.anchors}
