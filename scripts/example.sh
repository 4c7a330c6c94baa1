#!/usr/bin/env bash
# Set up, then validate and build the example partnerships' packs: Safer Stockton (data/)
# into output/, and each project under examples/ into output/NAME/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/csp-report validate
.venv/bin/csp-report build
for example in examples/*/; do
  name=$(basename "$example")
  .venv/bin/csp-report validate "$example"
  .venv/bin/csp-report build "$example" --out "output/$name"
done
