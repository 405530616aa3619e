#!/usr/bin/env bash
# The Windows installer's smoke test under wine (called by build_windows.sh --smoke):
#   installer/windows/smoke_wine.sh SETUP.exe VERSION DIST_FOLDER
# In the build's wine prefix (WINEPREFIX): a silent per-machine install; the installed
# program started offscreen with --quit-after (first start: it makes its database in
# %LOCALAPPDATA%\MediationDesk\mediation-desk) and --demo; an upgrade from an older build of
# the same folder (0.0.1, with a file of its own) while that one runs: the installer waits
# for it, its files go, the data stays; the silent uninstall (program folder, shortcuts,
# registry entries gone; data kept).
# Exits non-zero on the first failure.
set -euo pipefail
usage="usage: smoke_wine.sh SETUP.exe VERSION DIST_FOLDER"
setup=${1:?$usage}
version=${2:?$usage}
dist=${3:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${WINEPREFIX:?WINEPREFIX must be the build prefix}"
export WINEDEBUG=-all

w() { wine "$@" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; }
fail() { echo "smoke_wine: FAILED: $*" >&2; [ -f "$log" ] && tail -20 "$log" >&2; exit 1; }
ok() { echo "smoke_wine: $*"; }
reg_value() { # reg_value KEY NAME: the value, or nothing
    w reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n { $1 = ""; $2 = ""; sub(/^ +/, ""); print }'
}

c="$WINEPREFIX/drive_c"
user=$(w cmd /c echo %USERNAME% | tr -d '\r')
prog="$c/Program Files/MediationDesk"
exe='C:\Program Files\MediationDesk\mediation-desk.exe'
data="$c/users/$user/AppData/Local/MediationDesk/mediation-desk"
log="$data/Logs/mediation-desk.log"
menu="$c/ProgramData/Microsoft/Windows/Start Menu/Programs/乡镇人民调解工作台.lnk"
desk="$c/users/Public/Desktop/乡镇人民调解工作台.lnk"
key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\MediationDesk'

# wine passes no QT_* variable from Linux into Windows programs; the user's environment in
# the registry reaches them. Offscreen: wine 8's display driver lacks the WinRT
# UISettings class that Qt's windows platform plugin asks for at start (it aborts there).
w reg add 'HKCU\Environment' /v QT_QPA_PLATFORM /d offscreen /f >/dev/null

# A clean prefix for the test: no earlier install, no earlier data.
if [ -f "$prog/uninstall.exe" ]; then w "$prog/uninstall.exe" /S || true; sleep 2; fi
rm -rf "$data" "$prog"

w "$setup" /S || fail "silent install (exit $?)"
[ -f "$prog/mediation-desk.exe" ] || fail "no $prog/mediation-desk.exe after the install"
[ -f "$prog/uninstall.exe" ] || fail "no uninstall.exe"
[ -f "$menu" ] || fail "no Start-menu shortcut $menu"
[ -f "$desk" ] || fail "no desktop shortcut $desk"
[ "$(reg_value "$key" DisplayVersion)" = "$version" ] || fail "DisplayVersion is not $version"
for v in DisplayName Publisher DisplayIcon UninstallString QuietUninstallString EstimatedSize NoModify NoRepair InstallLocation; do
    [ -n "$(reg_value "$key" $v)" ] || fail "$key has no $v"
done
ok "installed $(du -sh "$prog" | cut -f1) in C:\\Program Files\\MediationDesk; shortcuts and 应用和功能 entry present (EstimatedSize $(reg_value "$key" EstimatedSize))"

timeout 300 bash -c "$(declare -f w); w '$exe' --quit-after 1500" || fail "first start --quit-after 1500 (exit $?)"
[ -f "$data/mediation.sqlite3" ] || fail "the first start made no database in $data"
grep -q "exiting with code 0" "$log" || fail "the log does not say the program exited with code 0"
ok "installed program started (offscreen), made its database in %LOCALAPPDATA%\\MediationDesk\\mediation-desk and quit with 0"
timeout 300 bash -c "$(declare -f w); w '$exe' --demo --quit-after 3000" || fail "--demo (exit $?)"
ok "demo started and quit"
# The print self-test (installer/selftest_hook.py): a demo case's documents with the shipped
# fonts into one PDF, its first page rendered by QtPdf: fonts, content, reportlab, pypdf and
# QtPdf are all in the installed folder.
pdf="$c/selftest.pdf"
rm -f "$pdf"
MEDIATION_DESK_SELFTEST_PDF='C:\selftest.pdf' timeout 300 bash -c "$(declare -f w); w '$exe'" ||
    fail "print self-test (exit $?)"
[ -s "$pdf" ] || fail "the print self-test wrote no PDF"
ok "print self-test: $(du -k "$pdf" | cut -f1) KiB PDF of a demo case's documents, first page rendered by QtPdf"

# An upgrade from an older version (this folder plus a file only the old one had, as 0.0.1):
# the old one's files are removed by its own uninstaller, this one's put in place, the
# data and the shortcuts stay. The older one is running when the upgrade starts: the
# installer waits until it has quit (a silent install waits up to 60 s).
step_upgrade() {
    local old="$work/old"
    rm -rf "$old" && mkdir -p "$old"
    cp -al "$dist" "$old/mediation-desk"
    echo "only in the old version" >"$old/mediation-desk/_internal/only-in-0.0.1.txt"
    python3 "$here/nsis_filelist.py" "$old/mediation-desk" "$old/nsis" >/dev/null
    # zlib instead of LZMA: the same script, built in a fraction of the time (a test copy)
    makensis -V1 '-XSetCompressor /FINAL zlib' -DVERSION=0.0.1 "-DGENERATED=$old/nsis" \
        "-DOUTFILE=$old/setup-0.0.1.exe" \
        "-DICON=$here/../icons/mediation-desk.ico" "$here/mediation-desk.nsi"
    w "$prog/uninstall.exe" /S || fail "uninstall before the upgrade test (exit $?)"
    sleep 2
    w "$old/setup-0.0.1.exe" /S || fail "install of the old version (exit $?)"
    [ "$(reg_value "$key" DisplayVersion)" = "0.0.1" ] || fail "the old version is not registered"
    [ -f "$prog/_internal/only-in-0.0.1.txt" ] || fail "the old version's own file is missing"
    ok "older version 0.0.1 installed"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step_upgrade
db_sum=$(sha256sum "$data/mediation.sqlite3" | cut -d' ' -f1)
( w "$exe" --quit-after 15000 >/dev/null ) &
running=$!
sleep 8 # the program is up (its window shown) before the upgrade starts
start=$(date +%s)
w "$setup" /S || fail "upgrade install (exit $?)"
waited=$(( $(date +%s) - start ))
wait $running || fail "the running old version did not exit cleanly"
[ "$(reg_value "$key" DisplayVersion)" = "$version" ] || fail "DisplayVersion is not $version after the upgrade"
[ ! -f "$prog/_internal/only-in-0.0.1.txt" ] || fail "the old version's own file is left after the upgrade"
[ -f "$prog/mediation-desk.exe" ] || fail "no program after the upgrade"
[ "$(sha256sum "$data/mediation.sqlite3" | cut -d' ' -f1)" = "$db_sum" ] || fail "the upgrade changed the database"
[ -f "$menu" ] && [ -f "$desk" ] || fail "shortcuts missing after the upgrade"
ok "upgraded 0.0.1 -> $version while 0.0.1 was running (the installer waited ${waited}s for it to quit): old files gone, database untouched"
timeout 300 bash -c "$(declare -f w); w '$exe' --quit-after 1500" || fail "start after the upgrade (exit $?)"
grep -q "mediation-desk $version starting" "$log" || fail "the log does not show $version starting"
ok "started after the upgrade"

w "$prog/uninstall.exe" /S || fail "silent uninstall (exit $?)"
for _ in $(seq 30); do [ -f "$prog/mediation-desk.exe" ] || break; sleep 1; done
[ ! -f "$prog/mediation-desk.exe" ] || fail "the program is still there after the uninstall"
[ ! -f "$menu" ] && [ ! -f "$desk" ] || fail "shortcuts left after the uninstall"
[ -z "$(reg_value "$key" DisplayName)" ] || fail "the 应用和功能 entry is left after the uninstall"
[ -f "$data/mediation.sqlite3" ] || fail "the uninstall removed the database"
left=$( (find "$prog" -type f 2>/dev/null || true) | wc -l)
ok "uninstalled: program, shortcuts and registry entry gone ($left files left in the program folder); data kept"
ok "ok"
