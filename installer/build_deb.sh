#!/usr/bin/env bash
# Package the Linux one-folder build as mediation-desk_VERSION_amd64.deb.
#   installer/build_deb.sh [--no-build]
# Builds the folder first (installer/build_linux.sh, same BUILD_DIR and PYTHON) unless
# --no-build. Result: $BUILD_DIR/mediation-desk_VERSION_amd64.deb (default BUILD_DIR /tmp/mdbuild).
# Layout: /opt/mediation-desk (the folder), /usr/bin/mediation-desk (launcher),
# /usr/share/applications/mediation-desk.desktop (办公), the icon in hicolor.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/mdbuild}
export BUILD_DIR
[ "${1:-}" = "--no-build" ] || bash "$here/build_linux.sh"
folder="$BUILD_DIR/dist/mediation-desk"
[ -x "$folder/mediation-desk" ] || { echo "no built program in $folder" >&2; exit 1; }

# The X/GL libraries Qt's xcb platform loads: scripts/setup.sh's qt_libs as Debian packages
# ("a | b": Debian 13 / Ubuntu 24.04 renamed some to *t64), plus what the folder's own files
# link to and does not bring (C/C++ runtime, X11/xcb core, zstd and brotli for QtCore/QtNetwork,
# CUPS for printing). The check below fails the build when a library some file needs is in
# neither the folder nor this list.
glibc=$(python3 "$here/glibc_check.py" "$folder" | sed -n 's/^highest GLIBC needed: //p')
[ -n "$glibc" ] || { echo "glibc_check.py found no glibc figure" >&2; exit 1; }
depends=(
    "libc6 (>= $glibc)" libstdc++6 libgcc-s1 libatomic1
    libegl1 libgl1 libx11-6 libx11-xcb1 libxcb1 libxcb-glx0 libxcb-render0
    libfontconfig1 libfreetype6 "libglib2.0-0t64 | libglib2.0-0" libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
    libxcb-sync1 libxcb-xfixes0 libxcb-shm0 libxcb-util1 libgssapi-krb5-2
    libzstd1 libbrotli1 "libcups2t64 | libcups2"
)

version=$("$folder/mediation-desk" --version | awk '{print $2}')
[ -n "$version" ] || { echo "cannot read the version from $folder/mediation-desk --version" >&2; exit 1; }

echo "== checking that every library the folder needs is in it or in Depends" >&2
# sonames the folder brings itself
have=$(find "$folder" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u)
needed=$(find "$folder" -type f \( -name '*.so*' -o -name mediation-desk \) -exec sh -c \
    'for f; do readelf -d "$f" 2>/dev/null | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p"; done' sh {} + | sort -u)
missing=0
cache=$(ldconfig -p)
dep_names=" $(printf '%s\n' "${depends[@]}" | sed 's/([^)]*)//g; s/|/ /g' | tr -s '\n ' '  ') "
for so in $needed; do
    grep -qxF "$so" <<<"$have" && continue
    path=$(awk -v so="$so" '$1 == so && /x86-64/ {print $NF; exit}' <<<"$cache")
    if [ -z "$path" ]; then
        echo "  $so: not on this machine, cannot tell its package" >&2; missing=1; continue
    fi
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) \
        || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$pkg" ] || { echo "  $so ($path): no Debian package owns it" >&2; missing=1; continue; }
    if [[ "$dep_names" != *" $pkg "* ]]; then
        echo "  $so comes from $pkg, which Depends does not list" >&2; missing=1
    fi
done
[ $missing = 0 ] || { echo "fix the Depends list in $0" >&2; exit 1; }

root="$BUILD_DIR/deb-root"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/usr/share/doc/mediation-desk"
cp -a "$folder" "$root/opt/mediation-desk"
install -m 0755 "$here/deb/launcher.sh" "$root/usr/bin/mediation-desk"
install -m 0644 "$here/deb/mediation-desk.desktop" "$root/usr/share/applications/"
for png in "$here"/icons/mediation-desk-*.png; do
    size=${png##*-}; size=${size%.png}
    install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/mediation-desk.png"
done
cat >"$root/usr/share/doc/mediation-desk/copyright" <<'COPYRIGHT'
乡镇人民调解工作台 (Mediation Desk)

The program bundles Python, Qt 6 / PySide6 (LGPLv3), reportlab, pypdf, Pillow and other
libraries under their own licences, and the fonts Noto Sans SC, Noto Serif SC (SIL Open
Font License 1.1) and HanaMin (Hanazono fonts licence); the font licences are in
/opt/mediation-desk/_internal/resources/fonts/.
COPYRIGHT
# tidy permissions: dpkg-deb keeps what the files have
find "$root" -type d -exec chmod 0755 {} +
find "$root/opt" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$root/opt" -type f -perm -u+x -exec chmod 0755 {} +

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
deps=$(printf '%s, ' "${depends[@]}"); deps=${deps%, }
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_kb/" -e "s/@DEPENDS@/$deps/" \
    "$here/deb/control.in" >"$root/DEBIAN/control"

deb="$BUILD_DIR/mediation-desk_${version}_amd64.deb"
echo "== dpkg-deb" >&2
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "built $deb: $(du -h "$deb" | cut -f1) (installed $((installed_kb / 1024)) MB; folder $(du -sh "$folder" | cut -f1))"
