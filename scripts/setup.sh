#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: the system libraries Qt needs, .venv (Python 3.11), and
# the locked packages (scripts/deps.py: only what is missing, from requirements/ with hashes;
# --dev adds the test tools). A line per phase, and only when there is something to do; when
# nothing changed it reads a stamp and returns in well under a second, printing nothing.
#   scripts/setup.sh [--dev]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
dev=""
[ "${1:-}" = "--dev" ] && dev="--dev"

# shared libraries Qt's xcb/offscreen platforms load, as "soname:debian-package[/alternative]"
# (libatomic: QtPdf from PySide6-Addons 6.9)
qt_libs="libatomic.so.1:libatomic1 libEGL.so.1:libegl1 libGL.so.1:libgl1 libX11-xcb.so.1:libx11-xcb1
libfontconfig.so.1:libfontconfig1 libfreetype.so.6:libfreetype6
libglib-2.0.so.0:libglib2.0-0t64/libglib2.0-0 libdbus-1.so.3:libdbus-1-3
libxkbcommon.so.0:libxkbcommon0 libxkbcommon-x11.so.0:libxkbcommon-x11-0
libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 libxcb-image.so.0:libxcb-image0
libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-randr.so.0:libxcb-randr0
libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0
libxcb-xkb.so.1:libxcb-xkb1 libxcb-sync.so.1:libxcb-sync1 libxcb-xfixes.so.0:libxcb-xfixes0
libxcb-shm.so.0:libxcb-shm0 libxcb-util.so.1:libxcb-util1 libgssapi_krb5.so.2:libgssapi-krb5-2"

# apt output and debconf's notes go to a log, shown only when the step fails
apt_quiet() {
    local log
    log=$(mktemp)
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

install_system_libs() {
    [ "$(uname -s)" = "Linux" ] || return 0
    command -v ldconfig >/dev/null || return 0
    local have missing="" entry so pkgs
    have=$(ldconfig -p 2>/dev/null || true)
    for entry in $qt_libs; do
        so=${entry%%:*}; pkgs=${entry#*:}
        grep -q "$so" <<<"$have" || missing="$missing $pkgs"
    done
    if [ -n "$need_venv" ] && ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
        missing="$missing python3-venv"
    fi
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        echo "系统库：检查 Qt 所需的系统软件包……" >&2
        apt_quiet apt-get update -q
        local want="" p alt kb
        for p in $missing; do
            # pick the first alternative this distribution knows (Ubuntu 24.04 renamed some to *t64)
            for alt in ${p//\// }; do
                if apt-cache show "$alt" >/dev/null 2>&1; then want="$want $alt"; break; fi
            done
        done
        # the download size, from the URIs apt would fetch (name size checksum per line)
        kb=$(apt-get install -qq --print-uris --no-install-recommends $want 2>/dev/null \
            | awk '{s += $3} END {printf "%d", s / 1024}')
        echo "系统库：安装 $(wc -w <<<"$want") 个软件包及其依赖（约 $(( (kb + 1023) / 1024 )) MB，需联网）……" >&2
        apt_quiet apt-get install -y -q --no-install-recommends $want
        did=1
    else
        echo "缺少 Qt 运行所需的系统库。请用管理员身份运行：" >&2
        echo "  sudo apt-get install -y ${missing//\// 或 }" >&2
        echo "(missing system libraries for Qt; install them with the line above)" >&2
    fi
}

# .venv must hold the Python the locks are made for (requires-python in pyproject.toml,
# docs/platforms.md); a .venv made by another Python, or half made, is made anew
need_venv=""
if [ ! -x .venv/bin/python ] || ! grep -q '^version.* = 3\.11\.' .venv/pyvenv.cfg 2>/dev/null; then
    need_venv=1
fi
py=""
if [ -n "$need_venv" ]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
        then
            py=$candidate
            break
        fi
    done
    if [ -z "$py" ]; then
        echo "找不到 Python 3.11（Debian 12 自带的版本）。本程序的源码方式只在 Python 3.11 上测试过；" >&2
        echo "其他系统请用安装包（.deb 或 Windows 安装程序），见 docs/platforms.md。" >&2
        exit 1
    fi
fi

did=""
install_system_libs

if [ -n "$need_venv" ]; then
    echo "创建 Python 环境（.venv）……" >&2
    "$py" -m venv --clear .venv
    did=1
fi
exec .venv/bin/python scripts/deps.py $dev ${did:+--say-done}
