"""Allow `python -m csp_report`."""

from .cli import main

main()
