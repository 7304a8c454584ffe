#!/usr/bin/env bash
# The one command that installs what the checks need and runs them all (README, .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the browser tests (Playwright drives the system browser).
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# jq for the test of .github/setup-repository.sh (a stand-in for gh applies its --jq filters).
if ! command -v jq >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
fi

# axe-core for the accessibility checks of the browser tests (npm, into a git-ignored folder).
if [ ! -f .dap-cache/node/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  npm install --no-save --no-audit --no-fund --prefix .dap-cache/node axe-core@4 >/dev/null
fi

# Python packages, in a virtual environment inside the project.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== lint";        .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== types";       .venv/bin/mypy
echo "== schemas";     .venv/bin/dap schemas --check
echo "== data";        .venv/bin/dap validate --strict && .venv/bin/dap codeowners --check
# Every test, the slow end-to-end ones included, on as many workers as the machine has cores
# (pytest-xdist; worksteal evens out tests of very different lengths). Builds that several
# tests read are made once per run and shared by the workers (tests/site_fixtures.py).
echo "== tests";       .venv/bin/pytest -q -p no:cacheprovider -n auto --dist worksteal "$@"
