"""The `csp-report` program: Ctrl-C even while the program is still starting is answered with
one line and exit code 130, never a traceback; once a command has written its files, or has
ended, Ctrl-C no longer changes what it says or its exit code."""

from __future__ import annotations

import signal
import sys


def run() -> None:
    try:
        from .cli import INTERRUPTED, main
        from .write import final_once_written
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: nothing was written; output/ is as it was.\n")
        raise SystemExit(130) from None
    try:
        with final_once_written():
            main()
    except KeyboardInterrupt:  # between click's own steps, outside any command
        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None
    finally:
        # The command has said how it ended. Python's exit puts Ctrl-C back to the system's
        # default, which would end the process mid-exit (by the signal, with no word) instead
        # of with the code the command chose; an ignored Ctrl-C is left ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
