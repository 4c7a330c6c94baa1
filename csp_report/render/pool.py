"""Render PDFs in worker processes, so a build uses every core of the machine.

WeasyPrint is single-threaded and most of a build's time, so packs are rendered side by side:
the workers start (and import WeasyPrint) as soon as a build begins, while the parent is still
loading and validating the data. The parent draws the DOCX files once a core is free of PDF
work (wait_for_a_free_core) and alone writes the outputs, so the all-or-nothing write is
unchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import heapq
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from ..errors import BuildError

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def die_with_parent(parent: int) -> None:
    """Make a worker end when the build that started it ends, even by SIGKILL (Linux).

    A worker ignores Ctrl-C (the terminal sends it to the whole process group): the build
    process alone answers it, and ends its workers, so no worker prints anything.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while forking
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _end(processes: Iterable[multiprocessing.process.BaseProcess]) -> None:
    """Kill the worker processes and wait (at most 5 s each) until they are gone."""
    processes = list(processes)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.join(5)


def _warm_up() -> None:
    import weasyprint  # noqa: F401 - imported now so the first render does not wait for it


def _render(html: str, project_root: Path, epoch: int) -> bytes:
    from .pdf import render_pdf

    return render_pdf(html, project_root, epoch)


class RenderPool:
    """Renders PDFs in parallel when the machine has more than one core, else in-process.

    The workers are given one job each at a time; the rest wait here, and a free worker
    takes the largest waiting job (`size`), or first a job of no size: the second round and
    join of a pack drawn in parts, which that pack's result waits for. So a large pack laid
    out after a small one still starts first, and a pack's last steps never queue behind
    another pack's parts."""

    def __init__(self, workers: int | None = None) -> None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        self.workers = workers if workers is not None else min(cores, 4)
        self.executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._waiting: list[tuple[float, int, Callable[..., Any], tuple[Any, ...],
                                  Future[Any]]] = []
        self._running = 0
        self._count = itertools.count()

    def __enter__(self) -> RenderPool:
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            # fork: the workers start at once; each imports WeasyPrint itself (_warm_up).
            # Ctrl-C is held back while forking, so that it never lands in a half-made worker
            # (which would print it); it is acted on here once the workers exist.
            context = multiprocessing.get_context("fork")
            # (Blocked in this thread only: with other threads about, Python may still act
            # on a Ctrl-C here, in this thread, so it may come while forking as well.)
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            others = set(multiprocessing.active_children())
            try:
                try:
                    self.executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                        initializer=die_with_parent,
                                                        initargs=(os.getpid(),))
                    for _ in range(self.workers):
                        self.executor.submit(_warm_up)
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
            except KeyboardInterrupt:
                self.stop_workers()
                # A worker started the moment before the executor noted it is not among its
                # workers, and Python's exit would wait for it for ever: so end it too.
                _end(set(multiprocessing.active_children()) - others)
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.executor is None:
            return
        if error is not None:  # a failed or interrupted build: its workers' work is not wanted
            self.stop_workers()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def stop_workers(self) -> None:
        """End the workers at once, whatever they are doing (the build will not use it)."""
        if self.executor is None:
            return
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for *_, future in waiting:  # their waiters hear it as of a job the workers dropped
            if future.set_running_or_notify_cancel():  # (a cancelled one has no waiter)
                future.set_exception(BrokenProcessPool("the render workers were stopped"))
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        manager = getattr(self.executor, "_executor_manager_thread", None)
        result_queue = getattr(self.executor, "_result_queue", None)  # shutdown() drops it
        self.executor.shutdown(wait=False, cancel_futures=True)
        _end(processes)
        # A worker killed while it was sending a result left the executor's own thread
        # waiting for the rest of it for ever (this process holds the pipe's writing end
        # too), and Python's exit waits for that thread: the build hung after its message.
        # With every worker gone, closing that end lets the thread read the end of the pipe.
        with contextlib.suppress(OSError, AttributeError):
            result_queue._writer.close()  # type: ignore[union-attr]
        # The executor's own thread closes its wake-up pipe as it ends. Python 3.11 wakes that
        # thread at exit without a lock, and printed "OSError: Bad file descriptor" (with a
        # traceback) after our message when it closed the pipe in between: so wait for it.
        if isinstance(manager, threading.Thread) and manager.is_alive():
            manager.join(5)

    def wait_for_a_free_core(self, pending: Sequence[Future[Any]]) -> None:
        """Return once fewer PDFs are rendering than there are workers, so that work done here
        next does not slow down the largest pack's render, which a build waits for."""
        while len(running := [future for future in pending if not future.done()]) >= \
                self.workers:
            # Only the running ones: wait() returns at once while any of those given is done,
            # which spun this process on a core the workers needed (a split pack's parts).
            wait(running, return_when=FIRST_COMPLETED)

    def pdf(self, html: str, project_root: Path, epoch: int, size: int) -> Future[bytes]:
        """A future PDF: rendered by a worker, or here and now without workers."""
        return self.submit(_render, html, project_root, epoch, size=size)

    def submit(self, work: Callable[..., T], *args: Any, size: int | None = None) -> Future[T]:
        """`work(*args)` done by a worker (the largest waiting job first; a job of no size
        before any), or here and now without workers."""
        future: Future[T] = Future()
        if self.executor is None:
            try:
                future.set_result(work(*args))
            except Exception as err:  # handed to whoever waits, as a worker's would be
                future.set_exception(err)
            return future
        with self._lock:
            priority = -float("inf") if size is None else -size
            heapq.heappush(self._waiting, (priority, next(self._count), work, args, future))
        self._feed()
        return future

    def _feed(self) -> None:
        """Hand waiting jobs to free workers (called on submit and when a job ends, from
        the executor's own thread)."""
        while True:
            with self._lock:
                if self._running >= self.workers or not self._waiting:
                    return
                _priority, _seq, work, args, future = heapq.heappop(self._waiting)
                if not future.set_running_or_notify_cancel():
                    continue
                self._running += 1
            try:
                assert self.executor is not None
                inner = self.executor.submit(work, *args)
            except Exception as err:  # shut down or broken: the waiter hears it as a stop
                with self._lock:
                    self._running -= 1
                stopped = BrokenProcessPool("the render workers were stopped")
                stopped.__cause__ = err
                future.set_exception(stopped)
                continue
            inner.add_done_callback(functools.partial(self._done, outer=future))

    def _done(self, inner: Future[Any], outer: Future[Any]) -> None:
        with self._lock:
            self._running -= 1
        if inner.cancelled():
            outer.set_exception(BrokenProcessPool("the render workers were stopped"))
        elif inner.exception() is not None:
            outer.set_exception(inner.exception())
        else:
            outer.set_result(inner.result())
        self._feed()


def result(future: Future[T]) -> T:
    """A future's PDF; a worker that died becomes a BuildError, our errors pass through."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise BuildError("a PDF rendering process stopped unexpectedly (out of memory?)") \
            from None
