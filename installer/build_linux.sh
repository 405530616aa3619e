#!/usr/bin/env bash
# Build the Linux one-folder program with PyInstaller (installer/mediation-desk.spec).
#   installer/build_linux.sh [--smoke]
# Environment:
#   BUILD_DIR  where the build venv, work files and result go (default /tmp/mdbuild)
#   PYTHON     the CPython to build with (default python3). Its glibc is the floor of the
#              result: libpython and the stdlib's extension modules come from it. See
#              installer/README.md ("Which glibc").
#   MANYLINUX  e.g. 2.28: install only wheels tagged manylinux_2_28 or older, fetched by
#              DOWNLOAD_PYTHON (default python3) into $BUILD_DIR/wheels-manylinux_2.28 first.
#              For the glibc 2.28 build: PYTHON from installer/build_python_glibc228.sh.
#   TRIM_ICU   0: keep ICU's 32 MB of data whole (default: cut by trim_icu.py, which needs
#              icupkg from icu-devtools and gcc).
# Result: $BUILD_DIR/dist/mediation-desk/ (start it with $BUILD_DIR/dist/mediation-desk/mediation-desk).
# --smoke then runs installer/smoke_frozen.sh on it (offscreen starts, the print self-test)
# and reports the highest glibc it needs (installer/glibc_check.py).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/mdbuild}
PYTHON=${PYTHON:-python3}
MANYLINUX=${MANYLINUX:-}
DOWNLOAD_PYTHON=${DOWNLOAD_PYTHON:-python3}
PYINSTALLER_VERSION=6.22.3 # pinned: the spec is written against its hooks
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1

step() { printf '\n== %s\n' "$*" >&2; }

if [ "${TRIM_ICU:-1}" != 0 ] && ! { command -v icupkg && command -v gcc; } >/dev/null; then
    # checked before minutes of PyInstaller, not after
    echo "installer/trim_icu.py needs icupkg and gcc: apt-get install icu-devtools gcc" \
        "(or TRIM_ICU=0 to ship ICU's data whole)" >&2
    exit 1
fi
mkdir -p "$BUILD_DIR"
venv="$BUILD_DIR/venv"
# A separate venv, never the project's .venv: only the program's own dependencies (no pytest,
# mypy ...) and the package installed as a normal (not editable) install.
stamp="$venv/.mdbuild-stamp"
want=$( (cat "$root/pyproject.toml" "$root"/requirements/*.txt 2>/dev/null || true
    "$PYTHON" -c 'import sys; print(sys.version)'; echo "$PYINSTALLER_VERSION $MANYLINUX") |
    sha256sum | cut -c1-16)
lock="$root/requirements/lock.txt"
build_lock="$root/requirements/build.txt" # pip and setuptools, hashed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    step "build venv (Python $("$PYTHON" -c 'import platform; print(platform.python_version())')) in $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    from=() # where the venv's pip takes packages from: PyPI, or the wheels fetched below
    if [ -n "$MANYLINUX" ]; then
        # Wheels no newer than manylinux_$MANYLINUX, fetched by another Python (the old-base
        # one may have no ssl module): pip on this machine would otherwise pick the newest
        # tag its glibc allows (e.g. cryptography's manylinux_2_34).
        wheels="$BUILD_DIR/wheels-manylinux_$MANYLINUX"
        step "wheels for manylinux_$MANYLINUX into $wheels"
        plats=()
        for ((m = ${MANYLINUX#2.}; m >= 5; m--)); do plats+=(--platform "manylinux_2_${m}_x86_64"); done
        plats+=(--platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64)
        dl=("$DOWNLOAD_PYTHON" -m pip download -q --disable-pip-version-check --only-binary=:all:
            "${plats[@]}" --python-version "$pyver" --implementation cp --abi "cp${pyver/./}"
            --abi abi3 --abi none -d "$wheels")
        "${dl[@]}" --require-hashes -r "$lock"
        "${dl[@]}" --require-hashes -r "$build_lock"
        "${dl[@]}" "pyinstaller==$PYINSTALLER_VERSION"
        from=(--no-index --find-links "$wheels")
    fi
    # Only binary wheels: what users get is what PyPI built, never a local compile. The
    # program's dependencies come from the hashed lock (requirements/lock.txt, scripts/lock.sh)
    # when there is one, so the build holds exactly what ./run.sh and CI test.
    pipi=("$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on
        --only-binary=:all: "${from[@]}")
    if [ -f "$lock" ]; then
        [ -f "$build_lock" ] && "${pipi[@]}" -q --require-hashes -r "$build_lock"
        "${pipi[@]}" --require-hashes -r "$lock"
        "${pipi[@]}" "pyinstaller==$PYINSTALLER_VERSION"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "${from[@]}" "$root"
    else
        [ -z "$MANYLINUX" ] || { echo "MANYLINUX needs requirements/lock.txt" >&2; exit 1; }
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
        "${pipi[@]}" "pyinstaller==$PYINSTALLER_VERSION" "$root"
    fi
    echo "$want" >"$stamp"
else
    step "build venv up to date; reinstalling the package only"
    from=()
    [ -z "$MANYLINUX" ] || from=(--no-index --find-links "$BUILD_DIR/wheels-manylinux_$MANYLINUX")
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall \
        "${from[@]}" "$root"
fi

step "PyInstaller"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$BUILD_DIR/dist" --workpath "$BUILD_DIR/work" "$here/mediation-desk.spec"

out="$BUILD_DIR/dist/mediation-desk"
# ICU's data for Qt Core, cut to the Chinese and English locales: 32 -> 9 MB (trim_icu.py).
if [ "${TRIM_ICU:-1}" = 0 ]; then
    echo "(TRIM_ICU=0: ICU's data kept whole)" >&2
else
    step "ICU data: the Chinese and English locales only"
    "$PYTHON" "$here/trim_icu.py" "$out"
fi
step "built $out ($(du -sh "$out" | cut -f1))"

if [ $smoke = 1 ]; then
    step "smoke test"
    bash "$here/smoke_frozen.sh" "$out/mediation-desk"
    if command -v objdump >/dev/null; then
        step "glibc needed (GLIBC_MAX=x.y makes a newer need fail the build)"
        "$PYTHON" "$here/glibc_check.py" "$out" --top 5 ${GLIBC_MAX:+--max "$GLIBC_MAX"}
    else
        echo "(no objdump: apt-get install binutils to see the glibc the folder needs)" >&2
    fi
fi
