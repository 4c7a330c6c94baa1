"""Render stage (PDF): WeasyPrint draws the HTML as tagged PDF/UA-1, reproducibly and offline."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

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


def render_pdf(html: str, project_root: Path, epoch: int) -> bytes:
    """PDF/UA-1 bytes of a pack's HTML; any WeasyPrint warning or refused fetch fails it."""
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
                                       url_fetcher=fetcher)
            pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    except FatalURLFetchingError:
        raise TemplateProblem(fetcher.refused[0] if fetcher.refused else "a template resource "
                              "could not be read") from None
    except Exception as err:  # WeasyPrint raises many types; all mean the pack was not made
        raise BuildError(f"PDF rendering failed: {err}") from None
    finally:
        logger.removeHandler(collector)
    if fetcher.refused:
        raise TemplateProblem(fetcher.refused[0])
    if collector.messages:
        raise BuildError("PDF rendering reported problems:\n" + "\n".join(
            f"  {m}" for m in dict.fromkeys(collector.messages)))
    return pdf
