"""The `csp-report` program: Ctrl-C even while the program is still starting is answered with
one line and exit code 130, never a traceback; once a command has written its files, or has
ended, Ctrl-C no longer changes what it says or its exit code."""

from __future__ import annotations

import signal
import sys

from .interrupts import INTERRUPTED, interrupted_by, program_interrupts


def run() -> None:
    try:
        with program_interrupts():
            try:
                from .cli import main

                main()
            finally:
                _ignore_ctrl_c()
    except SystemExit:
        raise
    except BaseException as err:  # while starting, or between click's own steps
        if not interrupted_by(err):
            raise
        _ignore_ctrl_c()
        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None


def _ignore_ctrl_c() -> None:
    """The command has said how it ended. Python's exit puts Ctrl-C back to the system's
    default, which would end the process mid-exit (by the signal, with no word) instead of
    with the code the command chose; an ignored one stays ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
