#!/usr/bin/env bash
# Rebuild the lock files in requirements/ from pyproject.toml (after changing a dependency):
#   scripts/lock.sh [--upgrade]
# Needs uv (python3 -m pip install uv). The locks are universal: one file serves Windows x64
# and Linux x86_64/aarch64, with the sha256 of every wheel PyPI has for each pinned version
# (docs/platforms.md). They resolve against PyPI only: uv does not read pip.conf.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
common=(--universal --generate-hashes --python-version 3.11 --quiet "$@")
"$uv" pip compile "${common[@]}" pyproject.toml -o requirements/lock.txt
# dev = the base lock plus the test tools, the shared packages at the same versions, so
# that ./test.sh after ./run.sh only adds packages
"$uv" pip compile "${common[@]}" pyproject.toml --extra dev -c requirements/lock.txt \
    -o requirements/lock-dev.txt
"$uv" pip compile "${common[@]}" requirements/build.in -o requirements/build.txt
