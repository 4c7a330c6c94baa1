"""Render a large pack in parts on every core, then join them into one PDF (render/parts.py)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..cache import Cache, NoCache
from ..errors import BuildError
from ..layout.document import Document
from ..render_keys import serialise, templates_digest
from .parts import PartsPlan, furniture_html, size
from .pdf import RenderedPart, render_part
from .pool import result

Submit = Callable[..., "Future[Any]"]


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


class SplitRender:
    """One pack rendered in parts: jobs() starts them; result() waits for them, draws the
    contents and the page furniture once the page numbers are known, and joins it all."""

    def __init__(self, plan: PartsPlan, project_root: Path, epoch: int, submit: Submit,
                 workers: int, cache: Cache | None = None) -> None:
        self.plan, self.root, self.epoch, self._submit = plan, project_root, epoch, submit
        self.workers = workers
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
        self._round: tuple[list[RenderedPart], Future[RenderedPart],
                           list[Future[RenderedPart]]]

    def jobs(self) -> list[tuple[int, Callable[[], object]]]:
        """The first round of renders, each with its size, so that the largest start first."""
        return [(self.sizes[index], lambda index=index: self._start(index))  # type: ignore
                for index in range(len(self.plan.parts))]

    def submit(self, kind: str, document: Document, extra: str, work: Callable[..., Any],
               *args: Any) -> Future[RenderedPart]:
        """`work(*args)` from the cache if a part of this `kind`, `document` and `extra` was
        drawn before, else by a worker (and kept once the pack is joined)."""
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
        future = self._submit(work, *args)
        if key is not None:
            self._drawn.append((key, future))
        return future

    def _start(self, index: int) -> None:
        part, targets = self.plan.parts[index], self.plan.targets
        self.futures[index] = self.submit(
            "front", part, "\n".join(targets), draw_front_part, part, targets, None,
            self.root, self.epoch) if index == 0 else \
            self.submit("body", part, str(index), draw_body_part, part, index, self.root,
                        self.epoch)

    def pending(self) -> list[Future[RenderedPart]]:
        return [future for future in self.futures if future is not None]

    def arm(self) -> None:
        """Once every part has been started: start the second round as soon as the parts are
        drawn (a thread waits for them), not when this process is next free (it draws the
        DOCX files meanwhile)."""
        self._thread = threading.Thread(target=self._second_round, daemon=True,
                                        name="csp-report second round")
        self._thread.start()

    def _second_round(self) -> None:
        try:
            parts = [result(future) for future in self.pending()]
            self._round = (parts, *self._draw_numbered(parts))
        except BaseException as err:  # noqa: BLE001 - handed to result(), in the build's thread
            self._error = err

    def _draw_numbered(self, parts: list[RenderedPart]) -> tuple[
            Future[RenderedPart], list[Future[RenderedPart]]]:
        """The contents with its page numbers, and the page furniture of every page."""
        offsets = [0]
        for drawn in parts:
            offsets.append(offsets[-1] + drawn.pages)
        front_part, targets = self.plan.parts[0], self.plan.targets
        numbers = self._numbers(parts, offsets)
        front = self.submit("front", front_part, "\n".join([*targets, "", *numbers]),
                            draw_front_part, front_part, targets, numbers, self.root,
                            self.epoch)
        return front, self._furniture(offsets[-1])

    def result(self) -> bytes:
        """The joined PDF (waits for the parts and the second round)."""
        from .pdf_join import join_apart

        if self._thread is None:
            self._second_round()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        parts, front, furniture = self._round
        for _attempt in range(3):  # the contents' length could change with its numbers
            drawn: RenderedPart = result(front)
            pieces = [result(piece).pdf for piece in furniture]
            if drawn.pages == parts[0].pages:
                joined = join_apart([drawn, *parts[1:]], pieces, self.plan.targets)
                self._keep()
                return joined
            parts[0] = drawn
            front, furniture = self._draw_numbered(parts)
        raise BuildError("the contents pages would not settle on a length")

    def _keep(self) -> None:
        """Put the parts drawn into the cache, unless the templates changed meanwhile (a part
        drawn with new templates must not be kept under the old ones' key)."""
        if self.templates is None or templates_digest(self.root) != self.templates:
            return
        for key, future in self._drawn:
            if future.done() and future.exception() is None:
                self.cache.put(key, future.result().to_bytes())

    def _furniture(self, total: int) -> list[Future[RenderedPart]]:
        """The page furniture of every page, in one piece per worker (drawing it costs about
        as much a page as a section's page, and it waits for every part)."""
        plain = dataclasses.replace(self.plan.document, pages=())
        size = -(-total // self.workers)
        pieces = [range(start, min(start + size, total + 1))
                  for start in range(1, total + 1, size)]
        return [self.submit("furniture", plain, f"{piece.start} {piece.stop} {total}",
                            draw_furniture, plain, piece, total, self.root, self.epoch)
                for piece in pieces]

    def _numbers(self, parts: list[RenderedPart], offsets: list[int]) -> tuple[str, ...]:
        """The page number each contents entry points at, as the pack prints it."""
        numbers = []
        for target in self.plan.targets:
            found = [offsets[i] + part.anchors[target] + 1 for i, part in enumerate(parts)
                     if target in part.anchors]
            if not found:
                raise BuildError(f"the contents entry '{target}' points at nothing")
            numbers.append(str(found[0]))
        return tuple(numbers)
