#!/usr/bin/env bash
# Set everything up (first time only) and run every check: lint, types, the whole test suite
# offscreen. Extra arguments go to pytest, e.g. ./test.sh tests/models -x
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--frozen" ]; then
    # The Linux one-folder build (PyInstaller, a few minutes) and its smoke test: starts,
    # prints a demo case's documents, the glibc it needs (installer/README.md).
    shift
    bash scripts/setup.sh # the system libraries Qt loads
    exec bash installer/build_linux.sh --smoke
fi
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
