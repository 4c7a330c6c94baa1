#!/usr/bin/env bash
# Set up everything csp-report needs on a Debian machine: system libraries (when run as root),
# a virtual environment in .venv and the package with its test extras, the rendering stack at
# the versions pinned in constraints.txt. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so || missing+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so || missing+=(libharfbuzz-subset0)
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
if [ "${1:-}" = "--tests" ]; then
  # The test suite renders PDF pages and converts DOCX with a real word processor.
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
  # ... and opens partner returns (.xlsx) with its spreadsheet.
  [ -e /usr/lib/libreoffice/program/libsclo.so ] || missing+=(libreoffice-calc-nogui)
  [ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
  # The web edition is checked in a real browser: Debian's Chromium and its driver (no browser
  # download), and axe-core from npm, installed into the project (below).
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v npm >/dev/null || missing+=(npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# constraints.txt pins the libraries that decide the bytes of a pack (see README.md).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'

if [ "${1:-}" = "--tests" ]; then
  # axe-core, pinned, into .cache/axe (git-ignored; nothing installed globally).
  AXE_VERSION=4.14.1
  if ! grep -qs "\"version\": \"$AXE_VERSION\"" .cache/axe/node_modules/axe-core/package.json; then
    echo "Installing axe-core $AXE_VERSION into .cache/axe"
    npm install --prefix .cache/axe --no-save --no-audit --no-fund --no-package-lock \
      --loglevel=error "axe-core@$AXE_VERSION" >/dev/null
  fi
fi
