#!/usr/bin/env bash
# Install test of the .deb on a bare Debian 12 root (run there, as root):
#   ../shared/tools/bare-debian --no-python --with /tmp/mdbuild/mediation-desk_1.0.0_amd64.deb -- \
#       bash installer/deb_install_test.sh mediation-desk_1.0.0_amd64.deb
# apt installs it with its Depends; no library any file of it needs is missing; it starts
# offscreen; the print self-test works; apt remove and purge leave the user's data alone.
set -euo pipefail
deb=${1:?usage: deb_install_test.sh FILE.deb}
export DEBIAN_FRONTEND=noninteractive
say() { printf '\n== %s\n' "$*"; }

say "apt install ./$deb"
command -v python3 && echo "(this root has a python3)" || echo "(no python3 on this root)"
apt-get update -qq
apt-get install -y -q --no-install-recommends "./$deb" | tail -3
dpkg -s mediation-desk | grep -E '^(Status|Version|Installed-Size)'
ls -la /usr/bin/mediation-desk /usr/share/applications/mediation-desk.desktop \
    /usr/share/icons/hicolor/256x256/apps/mediation-desk.png
echo "installed: $(du -sh /opt/mediation-desk | cut -f1) in /opt/mediation-desk"

say "libraries: every ELF file's needs are met"
# the program's loader puts _internal on the library path (PyInstaller), so ldd does too
bad=$(find /opt/mediation-desk -type f \( -name '*.so*' -o -name mediation-desk \) \
    -exec env LD_LIBRARY_PATH=/opt/mediation-desk/_internal ldd {} + 2>/dev/null | grep 'not found' | sort -u || true)
[ -z "$bad" ] || { echo "missing libraries:"; echo "$bad"; exit 1; }
echo "none missing"

say "mediation-desk --quit-after 1500 (offscreen, the user's own data folder)"
QT_QPA_PLATFORM=offscreen mediation-desk --quit-after 1500
echo "exit code $?"
data="$HOME/.local/share/mediation-desk/mediation.sqlite3"
ls -la "$data"

say "smoke test and print self-test (a throw-away data folder)"
bash installer/smoke_frozen.sh /usr/bin/mediation-desk 2>&1 | grep -v propagateSizeHints

say "apt remove, then purge: the user's data stays"
apt-get remove -y -q mediation-desk | tail -1
[ ! -e /opt/mediation-desk ] && [ ! -e /usr/bin/mediation-desk ] || { echo "program files left behind"; exit 1; }
ls -la "$data"
dpkg --purge mediation-desk # nothing is left to purge: no conffiles, no maintainer scripts
ls -la "$data"
echo "OK: installed, started, printed, removed; the data folder is kept"
