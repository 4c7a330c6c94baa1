"""Render a large pack in parts on every core, then join them into one PDF (render/parts.py)."""

from __future__ import annotations

import dataclasses
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..cache import Cache, NoCache
from ..errors import BuildError
from ..layout.document import Document
from ..render_keys import serialise, templates_digest
from .parts import FURNITURE_PAGES, PartsPlan, furniture_html, size
from .pdf import RenderedPart, render_part
from .pool import result

Submit = Callable[..., "Future[Any]"]
# A pack of up to this many pages is joined by a render worker (qpdf holds about 0.45 MB a
# page while joining: 30 MB here); a longer one in a process of its own, which gives its
# memory back when it ends (pdf_join.join_apart), for the 0.2 s a Python start costs.
JOIN_IN_A_WORKER_UP_TO_PAGES = 60


def draw_body_part(part: Document, index: int, project_root: Path,
                   epoch: int) -> RenderedPart:
    """Part `index`, after the contents (run by a worker: its HTML is drawn there too)."""
    return render_part(PartsPlan(part, (part,), ()).html(0, project_root), project_root, epoch,
                       ids=f"part{index}-")


def draw_front_part(part: Document, targets: tuple[str, ...], numbers: tuple[str, ...] | None,
                    project_root: Path, epoch: int) -> RenderedPart:
    """The cover and contents, the contents printing `numbers` (None: placeholders)."""
    plan = PartsPlan(part, (part,), targets)
    return render_part(plan.front_html(project_root, numbers), project_root, epoch,
                       ids="part0-")


def draw_furniture(document: Document, pages: range, total: int, project_root: Path,
                   epoch: int) -> RenderedPart:
    """The page furniture of `pages` (numbered from 1) of a pack of `total` pages."""
    html = furniture_html(document, project_root, len(pages), pages.start, total)
    return render_part(html, project_root, epoch, ids=f"furniture{pages.start}-")


def join_here(parts: list[RenderedPart], furniture: list[bytes],
              targets: tuple[str, ...]) -> bytes:
    """pdf_join.join(), imported where it runs (a render worker)."""
    from .pdf_join import join

    return join(parts, furniture, targets)


class SplitRender:
    """One pack rendered in parts: jobs() starts them; arm() starts a thread that waits for
    them, draws the contents and the page furniture once the page numbers are known, and
    joins it all; result() gives the joined PDF."""

    def __init__(self, plan: PartsPlan, project_root: Path, epoch: int, submit: Submit,
                 cache: Cache | None = None) -> None:
        self.plan, self.root, self.epoch, self._submit = plan, project_root, epoch, submit
        # Each part is kept in the cache by its own content, so that a pack edited in one
        # section draws that section again, not the pack.
        self.cache: Cache = cache or NoCache()
        self.templates = templates_digest(project_root) if self.cache.enabled else None
        self._drawn: list[tuple[str, Future[RenderedPart]]] = []
        self.futures: list[Future[RenderedPart] | None] = [None] * len(plan.parts)
        self.sizes = [size(part) for part in plan.parts]
        self.size = sum(self.sizes)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._joined: bytes = b""
        self._abandoned = threading.Event()
        # Every job this pack gave the pool, so that abandon() can drop those still waiting;
        # the lock makes a job submitted while it runs either seen by it or cancelled here.
        self._lock = threading.Lock()
        self._submitted: list[Future[Any]] = []
        self._join_process: subprocess.Popen[bytes] | None = None

    def jobs(self) -> list[tuple[int, Callable[[], object]]]:
        """The first round of renders (every part but the cover and contents, which is drawn
        once the page numbers are known), each with its size, so that the largest start
        first."""
        return [(self.sizes[index], lambda index=index: self._start(index))  # type: ignore
                for index in range(1, len(self.plan.parts))]

    def submit(self, kind: str, document: Document, extra: str, work: Callable[..., Any],
               *args: Any, size: int | None = None) -> Future[RenderedPart]:
        """`work(*args)` from the cache if a part of this `kind`, `document` and `extra` was
        drawn before, else by a worker (and kept once the pack is joined); `size` orders it
        among the waiting jobs (RenderPool.submit: none, before any part)."""
        key = None
        if self.templates is not None:
            key = self.cache.key("pdf-part", kind, serialise(document), extra, self.templates,
                                 str(self.epoch))
            data = self.cache.get(key)
            part = RenderedPart.from_bytes(data) if data is not None else None
            if part is not None:
                future: Future[RenderedPart] = Future()
                future.set_result(part)
                return future
        future = self._tracked(work, *args, size=size)
        if key is not None:
            self._drawn.append((key, future))
        return future

    def _tracked(self, work: Callable[..., Any], *args: Any,
                 size: int | None = None) -> Future[Any]:
        """`work(*args)` given to the pool, unless the pack was abandoned, and noted so that
        abandon() can cancel it."""
        self._go_on()
        future = self._submit(work, *args, size=size)
        with self._lock:
            self._submitted.append(future)
            abandoned = self._abandoned.is_set()
        if abandoned:  # abandon() ran while it was being submitted
            future.cancel()
        return future

    def _start(self, index: int) -> None:
        part = self.plan.parts[index]
        self.futures[index] = self.submit("body", part, str(index), draw_body_part, part, index,
                                          self.root, self.epoch, size=self.sizes[index])

    def pending(self) -> list[Future[RenderedPart]]:
        return [future for future in self.futures if future is not None]

    def arm(self) -> None:
        """Once every part has been started: finish the pack (second round and join) in a
        thread as soon as the parts are drawn, not when this process is next free (it draws
        the DOCX files meanwhile)."""
        self._thread = threading.Thread(target=self._finish, daemon=True,
                                        name="csp-report second round")
        self._thread.start()

    def abandon(self) -> None:
        """The build failed: drop the parts not yet started and start nothing more (a library
        caller's own pool goes on serving it; the CLI stops its workers anyway)."""
        with self._lock:
            self._abandoned.set()
            submitted, joining = list(self._submitted), self._join_process
        for future in submitted:
            future.cancel()
        if joining is not None and joining.poll() is None:  # a large pack's join, running
            joining.kill()

    def _go_on(self) -> None:
        if self._abandoned.is_set():
            raise BuildError("the build was stopped before this pack was joined")

    def _finish(self) -> None:
        try:
            self._joined = self._second_round()
        except BaseException as err:  # noqa: BLE001 - handed to result(), in the build's thread
            self._error = err

    def _second_round(self) -> bytes:
        """The cover and contents with its page numbers and the page furniture of every page,
        drawn once the other parts are; then all of it joined.

        The numbers depend on the front's own length: it is first taken to be one sheet a
        page of its layout (a cover, a contents page), and drawn again, with the furniture,
        in the rare pack where it is not (a contents running over a page), or where an entry
        points into the front itself."""
        body = [result(future) for future in self.pending()]
        front_part = self.plan.parts[0]
        pages, anchors = len(front_part.pages), dict[str, int]()
        for _attempt in range(4):
            self._go_on()
            numbers = self._numbers(pages, anchors, body, final=False)
            front = self.submit("front", front_part,
                                "\n".join([*self.plan.targets, "", *numbers]), draw_front_part,
                                front_part, self.plan.targets, numbers, self.root, self.epoch)
            furniture = self._furniture(pages + sum(part.pages for part in body))
            drawn: RenderedPart = result(front)
            if drawn.pages == pages and self._numbers(
                    drawn.pages, drawn.anchors, body, final=True) == numbers:
                furniture_pdfs = [result(piece).pdf for piece in furniture]
                self._go_on()
                joined = self._join([drawn, *body], furniture_pdfs)
                self._keep()
                return joined
            pages, anchors = drawn.pages, drawn.anchors
        raise BuildError("the contents pages would not settle on a length")

    def _join(self, parts: list[RenderedPart], furniture: list[bytes]) -> bytes:
        from .pdf_join import join_apart

        if sum(part.pages for part in parts) <= JOIN_IN_A_WORKER_UP_TO_PAGES:
            return result(self._tracked(join_here, parts, furniture, self.plan.targets))
        return join_apart(parts, furniture, self.plan.targets, started=self._joining)

    def _joining(self, process: subprocess.Popen[bytes]) -> None:
        """Note the join's own process, so that abandon() can end it; end it now if abandon()
        has run already."""
        with self._lock:
            self._join_process = process
            abandoned = self._abandoned.is_set()
        if abandoned:
            process.kill()

    def result(self) -> bytes:
        """The joined PDF (waits for the parts, the second round and the join)."""
        if self._thread is None:
            self._finish()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._joined

    def _keep(self) -> None:
        """Put the parts drawn into the cache, unless the templates changed meanwhile (a part
        drawn with new templates must not be kept under the old ones' key)."""
        if self.templates is None or templates_digest(self.root) != self.templates:
            return
        for key, future in self._drawn:
            if future.done() and future.exception() is None:
                self.cache.put(key, future.result().to_bytes())

    def _furniture(self, total: int) -> list[Future[RenderedPart]]:
        """The page furniture of every page, in pieces of FURNITURE_PAGES drawn side by side
        (drawing it costs about as much a page as a section's page, and it waits for every
        part)."""
        plain = dataclasses.replace(self.plan.document, pages=())
        pieces = [range(start, min(start + FURNITURE_PAGES, total + 1))
                  for start in range(1, total + 1, FURNITURE_PAGES)]
        return [self.submit("furniture", plain, f"{piece.start} {piece.stop} {total}",
                            draw_furniture, plain, piece, total, self.root, self.epoch)
                for piece in pieces]

    def _numbers(self, front_pages: int, front_anchors: dict[str, int],
                 body: list[RenderedPart], final: bool) -> tuple[str, ...]:
        """The page number each contents entry points at, as the pack prints it, given the
        front's length and anchors (a guess until it is drawn: "0" for an entry that points
        into it)."""
        offsets = [front_pages]
        for part in body:
            offsets.append(offsets[-1] + part.pages)
        numbers = []
        for target in self.plan.targets:
            found = [offsets[i] + part.anchors[target] + 1 for i, part in enumerate(body)
                     if target in part.anchors]
            if target in front_anchors:
                found.insert(0, front_anchors[target] + 1)
            if not found and final:
                raise BuildError(f"the contents entry '{target}' points at nothing")
            numbers.append(str(found[0]) if found else "0")
        return tuple(numbers)
