"""Programs started as from a terminal, so a test's Ctrl-C reaches them.

A test process may have inherited SIGINT ignored (a job started in the background by a
non-interactive shell, as `cmd &` in a CI script is) or blocked. A child inherits both
across exec, and Python leaves an ignored SIGINT ignored, so Ctrl-C would then never reach
the program under test: a test of Ctrl-C would hang, or pass without testing anything.
"""

from __future__ import annotations

import signal
import sys

# Restores SIGINT to what a terminal gives a program, then becomes the program itself.
_RESTORE_THEN_EXEC = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
                      "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def python_as_from_a_terminal(*arguments: str) -> list[str]:
    """The command line running `python ARGUMENTS` with Ctrl-C delivered as a terminal would."""
    return [sys.executable, "-c", _RESTORE_THEN_EXEC, *arguments]


def ctrl_c_is_delivered() -> bool:
    """Whether this process itself would act on Ctrl-C (for the helper's own test)."""
    return signal.getsignal(signal.SIGINT) is signal.default_int_handler and \
        signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
