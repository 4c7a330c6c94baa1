"""Ctrl-C in the program: heard until a command's files are in place, remembered when a library
swallows it, and ignored once the command's work is done.

Only the program (entry.run) turns this on; a library caller's own Ctrl-C handling is never
changed. Python acts on signals in the main thread alone, so all of it is the main thread's.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

# What the program says when a Ctrl-C stops a command (its files are put in place only once
# the whole command has succeeded, and a Ctrl-C after that is ignored: ignore_from_now).
INTERRUPTED = "Interrupted: nothing was written; output/ is as it was."


class _Program:
    """Whether the program is running its command, and whether it has heard a Ctrl-C."""

    on = False
    heard = False


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def program_interrupts() -> Iterator[None]:
    """Within it, a Ctrl-C is remembered as well as acted on.

    A library may swallow the KeyboardInterrupt, or turn it into another error: lxml's set-up
    swallowed it when the Ctrl-C came while python-docx was first imported, and the build
    went on to write every pack; Python 3.11 turns one raised while a pydantic model class is
    made into a RuntimeError. Remembered, it still stops the write (write.write_all) and is
    still reported as an interruption (interrupted_by).
    """
    if not _main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def remembered(number: int, frame: FrameType | None) -> Any:
        _Program.heard = True
        return previous(number, frame) if callable(previous) else None

    was = _Program.on, _Program.heard
    _Program.on, _Program.heard = True, False
    if callable(previous):
        signal.signal(signal.SIGINT, remembered)
    try:
        yield
    finally:
        _Program.on, _Program.heard = was
        if signal.getsignal(signal.SIGINT) is remembered:  # not ignored since: put it back
            signal.signal(signal.SIGINT, previous)


def in_program() -> bool:
    return _Program.on and _main_thread()


def heard() -> bool:
    """Whether the program has heard a Ctrl-C (acted on or not)."""
    return in_program() and _Program.heard


def ignore_from_now() -> None:
    """The command's work is done (its files are in place, or it has ended): a Ctrl-C from
    now on is ignored, so that it can neither have the command say it was interrupted nor end
    the process mid-exit, by the signal, with no word. Only in the program."""
    if in_program():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupted_by(error: BaseException) -> bool:
    """Whether `error` is a Ctrl-C's doing: a KeyboardInterrupt somewhere in its chain of
    causes, or any error at all once the program has heard a Ctrl-C."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return heard()
