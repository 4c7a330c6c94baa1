#!/usr/bin/env bash
# Set up, then validate and build the example partnership's packs into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/csp-report validate
.venv/bin/csp-report build
