#!/usr/bin/env bash
# Set everything up (first time only) and open Mediation Desk. Extra arguments go to the program,
# e.g. ./run.sh --demo
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/python -m app "$@"
