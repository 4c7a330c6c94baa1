"""The `csp-report` program: Ctrl-C even while the program is still starting is answered with
one line and exit code 130, never a traceback."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import INTERRUPTED, main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: nothing was written; output/ is as it was.\n")
        raise SystemExit(130) from None
    try:
        main()
    except KeyboardInterrupt:  # between click's own steps, outside any command
        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None
