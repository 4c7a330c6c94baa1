#!/usr/bin/env bash
# Set up, then lint, type-check and run the whole test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
.venv/bin/ruff check .
.venv/bin/mypy csp_report
.venv/bin/python -m pytest -q -n 2 "$@"
