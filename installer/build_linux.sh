#!/usr/bin/env bash
# Build the Linux one-folder program with PyInstaller (installer/mediation-desk.spec).
#   installer/build_linux.sh [--smoke]
# Environment:
#   BUILD_DIR  where the build venv, work files and result go (default /tmp/mdbuild)
#   PYTHON     the CPython to build with (default python3). Its glibc is the floor of the
#              result: libpython and the stdlib's extension modules come from it. See
#              installer/README.md ("Which glibc").
# Result: $BUILD_DIR/dist/mediation-desk/ (start it with $BUILD_DIR/dist/mediation-desk/mediation-desk).
# --smoke then runs installer/smoke_frozen.sh on it (offscreen starts, the print self-test)
# and reports the highest glibc it needs (installer/glibc_check.py).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/mdbuild}
PYTHON=${PYTHON:-python3}
PYINSTALLER_VERSION=6.22.3 # pinned: the spec is written against its hooks
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1

step() { printf '\n== %s\n' "$*" >&2; }

mkdir -p "$BUILD_DIR"
venv="$BUILD_DIR/venv"
# A separate venv, never the project's .venv: only the program's own dependencies (no pytest,
# mypy ...) and the package installed as a normal (not editable) install.
stamp="$venv/.mdbuild-stamp"
want=$( (cat "$root/pyproject.toml" "$root"/requirements/lock.txt 2>/dev/null || true; "$PYTHON" -c 'import sys; print(sys.version)'; echo "$PYINSTALLER_VERSION") | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    step "build venv ($("$PYTHON" -c 'import sys; print(sys.version.split()[0])')) in $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    # Only binary wheels: what users get is what PyPI built, never a local compile. The
    # program's dependencies come from the hashed lock (requirements/lock.txt, scripts/lock.sh)
    # when there is one, so the build holds exactly what ./run.sh and CI test.
    pipi=("$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on --only-binary=:all:)
    if [ -f "$root/requirements/lock.txt" ]; then
        "${pipi[@]}" --require-hashes -r "$root/requirements/lock.txt"
        "${pipi[@]}" "pyinstaller==$PYINSTALLER_VERSION"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$root"
    else
        "${pipi[@]}" "pyinstaller==$PYINSTALLER_VERSION" "$root"
    fi
    echo "$want" >"$stamp"
else
    step "build venv up to date; reinstalling the package only"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$root"
fi

step "PyInstaller"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$BUILD_DIR/dist" --workpath "$BUILD_DIR/work" "$here/mediation-desk.spec"

out="$BUILD_DIR/dist/mediation-desk"
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
