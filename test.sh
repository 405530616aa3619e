#!/usr/bin/env bash
# Set everything up (first time only) and run every check: lint, types, the whole test suite
# offscreen. Extra arguments go to pytest, e.g. ./test.sh tests/models -x
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
