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
    # the build's own tools: objdump (glibc check), icupkg and gcc (ICU's data cut)
    if ! { command -v objdump && command -v icupkg && command -v gcc; } >/dev/null &&
        [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -q binutils icu-devtools gcc >/dev/null
    fi
    exec bash installer/build_linux.sh --smoke
fi
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
# Byte code is written and read as in an installed program: a machine that forbids it makes
# every test process (and every program the tests start) compile every module again.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# A worker per core and one more (while a test waits for a program it started or a Qt timer,
# the extra worker uses the core: docs/testing.md), a test file per worker at a time (its
# module fixtures are built once); ./test.sh -n 0 … runs in one process (the last -n wins).
workers=$(($(nproc 2>/dev/null || echo 1) + 1))
exec .venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
