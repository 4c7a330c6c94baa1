"""The render pool: the DOCX work waits for a core that no PDF render is using."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from csp_report.render.pool import RenderPool


def finish_later(future: Future[bytes], events: list[str]) -> threading.Timer:
    def finish() -> None:
        events.append("pdf finished")
        future.set_result(b"%PDF")

    timer = threading.Timer(0.2, finish)
    timer.start()
    return timer


def test_waits_while_every_worker_renders_a_pdf() -> None:
    pool = RenderPool(workers=2)
    first, second = Future[bytes](), Future[bytes]()
    events: list[str] = []
    timer = finish_later(second, events)
    pool.wait_for_a_free_core([first, second])
    events.append("docx may start")
    timer.join()
    assert events == ["pdf finished", "docx may start"]
    assert not first.done()


def test_does_not_wait_when_a_worker_is_free() -> None:
    pool = RenderPool(workers=2)
    only = Future[bytes]()
    events: list[str] = []
    timer = finish_later(only, events)
    pool.wait_for_a_free_core([only])  # one pack, two workers: a core is free already
    events.append("docx may start")
    timer.join()
    assert events == ["docx may start", "pdf finished"]


def test_does_not_wait_without_pdfs() -> None:
    RenderPool(workers=2).wait_for_a_free_core([])
