"""The render pool: the DOCX work waits for a core that no PDF render is using."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest

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


def _started_at(seconds: float) -> float:
    """A job that notes when a worker started it, then takes `seconds`."""
    import time

    started = time.monotonic()
    time.sleep(seconds)
    return started


def test_a_free_worker_takes_the_largest_waiting_job_and_a_sizeless_one_first() -> None:
    """Both workers busy, four jobs wait: the one of no size (a pack's last steps) and the
    largest start together once the workers are free, the two smaller ones after them."""
    with RenderPool(2) as pool:
        busy = [pool.submit(_started_at, 0.5, size=10) for _ in range(2)]
        small = pool.submit(_started_at, 0.4, size=1)
        large = pool.submit(_started_at, 0.4, size=3)
        last_steps = pool.submit(_started_at, 0.4)
        middle = pool.submit(_started_at, 0.4, size=2)
        starts = {name: future.result(30) for name, future in (
            ("small", small), ("large", large), ("last steps", last_steps),
            ("middle", middle))}
        assert all(future.result(30) < starts["large"] for future in busy)
    first = max(starts["last steps"], starts["large"])
    assert min(starts["middle"], starts["small"]) > first + 0.2


def test_jobs_still_waiting_when_the_workers_are_stopped_fail_as_a_build_error() -> None:
    from csp_report.errors import BuildError
    from csp_report.render.pool import result

    with RenderPool(2) as pool:
        for _ in range(2):
            pool.submit(_started_at, 5, size=10)
        waiting = pool.submit(_started_at, 0, size=1)
        pool.stop_workers()
        with pytest.raises(BuildError, match="a PDF rendering process stopped unexpectedly"):
            result(waiting)


def test_stopping_the_workers_waits_for_the_executors_own_thread_to_close_its_pipe() -> None:
    """Python 3.11 wakes that thread at exit without a lock: had it not ended (closing its
    pipe) before, a failed build's message was once followed by a traceback ("OSError: Bad
    file descriptor") in CI."""
    with RenderPool(2) as pool:
        pool.submit(_started_at, 5, size=10)
        assert pool.executor is not None
        manager = pool.executor._executor_manager_thread  # type: ignore[attr-defined]
        assert manager is not None and manager.is_alive()
        pool.stop_workers()
        assert not manager.is_alive()


def test_a_waiting_job_its_caller_cancelled_is_skipped_and_the_stop_leaves_it_cancelled() -> None:
    with RenderPool(2) as pool:
        busy = [pool.submit(_started_at, 0.5, size=10) for _ in range(2)]
        dropped = pool.submit(_started_at, 0, size=5)
        kept = pool.submit(_started_at, 0, size=1)
        assert dropped.cancel()
        assert kept.result(30) > max(future.result(30) for future in busy)
        assert dropped.cancelled()
    with RenderPool(2) as pool:
        for _ in range(2):
            pool.submit(_started_at, 5, size=10)
        dropped = pool.submit(_started_at, 0, size=1)
        assert dropped.cancel()
        pool.stop_workers()  # until now: InvalidStateError, setting a cancelled job's result
        assert dropped.cancelled()


def test_waiting_for_a_free_core_sleeps_while_a_finished_pdf_is_among_those_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A split pack's parts: one is done, two are running on both workers. The wait sleeps
    until one of those two ends; it once spun a core the workers needed, because wait()
    returns at once while any future it is given is done."""
    import csp_report.render.pool as pool_module

    calls: list[int] = []
    real_wait = pool_module.wait

    def counting(futures: Any, **options: Any) -> Any:
        calls.append(len(futures))
        return real_wait(futures, **options)

    monkeypatch.setattr(pool_module, "wait", counting)
    done, first, second = Future[bytes](), Future[bytes](), Future[bytes]()
    done.set_result(b"%PDF")
    events: list[str] = []
    timer = finish_later(first, events)
    RenderPool(workers=2).wait_for_a_free_core([done, first, second])
    timer.join()
    assert events == ["pdf finished"]
    assert calls == [2]  # one wait, on the two running


# A Ctrl-C acted on just after a worker started, before the executor noted it (another thread
# exists, so holding Ctrl-C back in the main thread does not hold it back).
CTRL_C_AS_A_WORKER_STARTS = """
import multiprocessing, multiprocessing.process as mpp, os, signal, threading, time
from csp_report.render.pool import RenderPool
threading.Thread(target=threading.Event().wait, args=(60,), daemon=True).start()
real_start, started = mpp.BaseProcess.start, []
def start(self):
    real_start(self)
    started.append(self)
    if len(started) == 2:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
mpp.BaseProcess.start = start
try:
    with RenderPool(4):
        print("entered")
except KeyboardInterrupt:
    print("interrupted; workers left:", len(multiprocessing.active_children()), flush=True)
"""


def test_a_ctrl_c_as_the_workers_start_ends_every_worker_started() -> None:
    """The worker the executor had not noted yet outlived the Ctrl-C, and Python's exit then
    waited for it for ever."""
    import subprocess
    import sys

    process = subprocess.run([sys.executable, "-c", CTRL_C_AS_A_WORKER_STARTS],
                             capture_output=True, text=True, timeout=60)
    assert (process.returncode, process.stdout) == (0, "interrupted; workers left: 0\n"), \
        process.stderr


# A worker ends while it is sending a result: here it sends a torn one (the length of 1,000
# bytes, then 10 of them) and is killed waiting; a Ctrl-C kills it so, at any moment.
TORN_RESULT = """
import os, struct, sys, threading, time
from csp_report.render import pool as pools
def torn():
    frame = sys._getframe()  # up to the worker's loop, which holds the queue of results
    while "result_queue" not in frame.f_locals:
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(60)
with pools.RenderPool(2) as pool:
    pool.executor.submit(torn)
    time.sleep(1)  # the executor's thread reads the length, and waits for the rest
    manager = pool.executor._executor_manager_thread
    started = time.monotonic()
    pool.stop_workers()
    print("thread ended:", not manager.is_alive(), time.monotonic() - started < 4, flush=True)
"""


def test_a_worker_killed_while_sending_a_result_leaves_nothing_waiting_for_ever() -> None:
    """The executor's own thread waited for the rest of the result for ever, and Python's
    exit waits for that thread: a build stopped by Ctrl-C hung after its message."""
    import subprocess
    import sys

    process = subprocess.run([sys.executable, "-c", TORN_RESULT], capture_output=True,
                             text=True, timeout=60)
    assert (process.returncode, process.stdout) == (0, "thread ended: True True\n"), \
        process.stderr
