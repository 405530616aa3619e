#!/usr/bin/env bash
# Smoke test of a built program (the frozen folder, or the installed /usr/bin/mediation-desk):
#   installer/smoke_frozen.sh PROGRAM
# Starts it offscreen: --version; a first start on an empty data folder; the demo. Each start
# must exit 0 within its --quit-after. Then the print self-test (installer/selftest_hook.py):
# a demo case's documents into one PDF, its first page rendered by QtPdf. Exits non-zero on
# the first failure.
set -euo pipefail
prog=${1:?usage: smoke_frozen.sh PROGRAM}
export QT_QPA_PLATFORM=offscreen
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export MEDIATION_DESK_HOME="$home" # data and logs go here, not into the user's folders

fail() { echo "smoke: FAILED: $*" >&2; [ -f "$home/logs/mediation-desk.log" ] && tail -20 "$home/logs/mediation-desk.log" >&2; exit 1; }

version=$("$prog" --version) || fail "--version"
echo "smoke: $version"
timeout 120 "$prog" --quit-after 1500 || fail "first start on an empty data folder (exit $?)"
[ -f "$home/mediation.sqlite3" ] || fail "the first start made no database in $home"
echo "smoke: first start made $(basename "$home")/mediation.sqlite3 and quit"
timeout 120 "$prog" --quit-after 1500 || fail "second start on the same database (exit $?)"
echo "smoke: second start on the same database"
timeout 120 "$prog" --demo --quit-after 3000 || fail "--demo (exit $?)"
echo "smoke: demo started and quit"
pdf="$home/selftest.pdf"
MEDIATION_DESK_SELFTEST_PDF="$pdf" timeout 120 "$prog" || fail "printing (exit $?)"
[ -s "$pdf" ] || fail "printing made no PDF"
if grep -E " (ERROR|CRITICAL) " "$home/logs/mediation-desk.log"; then
    fail "errors in the log"
fi
echo "smoke: ok"
