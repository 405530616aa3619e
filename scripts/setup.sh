#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system libraries Qt needs, .venv, the package.
# Idempotent: when nothing changed it only checks a stamp file and returns in well under a second.
#   scripts/setup.sh [--dev]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"

# shared libraries Qt's xcb/offscreen platforms load, as "soname:debian-package[/alternative]"
qt_libs="libEGL.so.1:libegl1 libGL.so.1:libgl1 libX11-xcb.so.1:libx11-xcb1
libfontconfig.so.1:libfontconfig1 libfreetype.so.6:libfreetype6
libglib-2.0.so.0:libglib2.0-0t64/libglib2.0-0 libdbus-1.so.3:libdbus-1-3
libxkbcommon.so.0:libxkbcommon0 libxkbcommon-x11.so.0:libxkbcommon-x11-0
libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 libxcb-image.so.0:libxcb-image0
libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-randr.so.0:libxcb-randr0
libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0
libxcb-xkb.so.1:libxcb-xkb1 libxcb-sync.so.1:libxcb-sync1 libxcb-xfixes.so.0:libxcb-xfixes0
libxcb-shm.so.0:libxcb-shm0 libxcb-util.so.1:libxcb-util1 libgssapi_krb5.so.2:libgssapi-krb5-2"

install_system_libs() {
    [ "$(uname -s)" = "Linux" ] || return 0
    command -v ldconfig >/dev/null || return 0
    local have missing="" entry so pkgs
    have=$(ldconfig -p 2>/dev/null || true)
    for entry in $qt_libs; do
        so=${entry%%:*}; pkgs=${entry#*:}
        grep -q "$so" <<<"$have" || missing="$missing $pkgs"
    done
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$missing python3-venv"
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "安装 Qt 所需的系统库：$missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        local want="" p alt
        for p in $missing; do
            # pick the first alternative this distribution knows (Ubuntu 24.04 renamed some to *t64)
            for alt in ${p//\// }; do
                if apt-cache show "$alt" >/dev/null 2>&1; then want="$want $alt"; break; fi
            done
        done
        apt-get install -y -qq --no-install-recommends $want >/dev/null
    else
        echo "缺少 Qt 运行所需的系统库。请用管理员身份运行：" >&2
        echo "  sudo apt-get install -y ${missing//\// 或 }" >&2
        echo "(missing system libraries for Qt; install them with the line above)" >&2
    fi
}

install_system_libs

py=python3
command -v "$py" >/dev/null || { echo "找不到 python3，请先安装 Python 3.10 或更新版本。" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
fi
# reinstall only when the dependency list changed
stamp=".venv/.installed${extras}"
sum=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
    echo "$sum" >"$stamp"
fi
