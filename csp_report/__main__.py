"""Allow `python -m csp_report`."""

from .entry import run

run()
