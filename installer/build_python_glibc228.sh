#!/usr/bin/env bash
# Build a CPython 3.11 that runs on glibc 2.28 (UOS 20 / Kylin V10), on this newer machine:
#   installer/build_python_glibc228.sh [PREFIX]        (default PREFIX /tmp/py311-glibc228)
# then build the program with it:
#   PYTHON=PREFIX/bin/python3.11 MANYLINUX=2.28 BUILD_DIR=/tmp/mdbuild228 installer/build_linux.sh --smoke
#
# The compiler is zig's clang (PyPI package ziglang), which links against the glibc 2.28
# symbol set it carries (`-target x86_64-linux-gnu.2.28`), whatever the build machine has.
# The sources come from Debian's source packages (bookworm: Python 3.11.2, SQLite 3.40.1,
# zlib 1.2.13, libffi 3.4.4; upstream tarballs, without Debian's patches). zlib, SQLite and
# libffi are linked in statically; Python's ssl, _hashlib, lzma, bz2, uuid, readline, curses, tkinter and
# dbm modules are not built (the program uses none of them; hashlib has sha1/sha256 built in).
# Needs: python3 with pip, apt-get (deb-src from the system's Debian mirror), tclsh (SQLite's
# build), make. About 10 minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX=${1:-/tmp/py311-glibc228}
WORK=${WORK:-/tmp/py311-glibc228-build}
ZIG_VERSION=0.17.0
GLIBC=2.28
mkdir -p "$WORK"
cd "$WORK"
step() { printf '\n== %s\n' "$*" >&2; }

step "zig $ZIG_VERSION (PyPI: ziglang)"
if [ ! -x zig/ziglang/zig ]; then
    python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        "ziglang==$ZIG_VERSION" -d .
    python3 -c 'import glob, zipfile; zipfile.ZipFile(glob.glob("ziglang-*.whl")[0]).extractall("zig")'
    chmod +x zig/ziglang/zig
fi
mkdir -p bin
printf '#!/bin/sh\nexec %s cc -target x86_64-linux-gnu.%s "$@"\n' "$WORK/zig/ziglang/zig" "$GLIBC" >bin/cc
printf '#!/bin/sh\nexec %s ar "$@"\n' "$WORK/zig/ziglang/zig" >bin/ar
printf '#!/bin/sh\nexec %s ranlib "$@"\n' "$WORK/zig/ziglang/zig" >bin/ranlib
chmod +x bin/*
export CC="$WORK/bin/cc" AR="$WORK/bin/ar" RANLIB="$WORK/bin/ranlib"

step "sources (Debian bookworm source packages)"
if ! ls python3.11_*.orig.tar.gz sqlite3_*.orig.tar.xz zlib_*.orig.tar.bz2 libffi_*.orig.tar.gz >/dev/null 2>&1; then
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
    mkdir -p apt/lists/partial
    echo "deb-src $mirror bookworm main" >apt/sources.list
    apt_opts=(-o Dir::Etc::SourceList="$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
        -o Dir::State::Lists="$WORK/apt/lists")
    apt-get "${apt_opts[@]}" update -qq
    apt-get "${apt_opts[@]}" source --download-only -qq python3.11 sqlite3 zlib libffi
fi
deps="$WORK/deps"
mkdir -p "$deps/lib" "$deps/include"

step "zlib (static)"
if [ ! -f "$deps/lib/libz.a" ]; then
    rm -rf zlib-src && mkdir zlib-src && tar xjf zlib_*.orig.tar.bz2 -C zlib-src --strip-components=1
    (cd zlib-src && CFLAGS="-O2 -fPIC" ./configure --static --prefix="$deps" >/dev/null && make -s -j2 >/dev/null && make -s install >/dev/null)
fi

step "SQLite (static)"
if [ ! -f "$deps/lib/libsqlite3.a" ]; then
    rm -rf sqlite-src && mkdir sqlite-src && tar xJf sqlite3_*.orig.tar.xz -C sqlite-src --strip-components=1
    mkdir -p sqlite-src/bld
    (cd sqlite-src/bld &&
        CFLAGS="-O2 -fPIC -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_DBSTAT_VTAB" \
            ../configure --disable-shared --enable-static --disable-tcl --disable-readline >/dev/null &&
        make -s -j2 libsqlite3.la >/dev/null)
    cp sqlite-src/bld/.libs/libsqlite3.a "$deps/lib/"
    cp sqlite-src/bld/sqlite3.h "$deps/include/"
fi

step "libffi (static; ctypes, which PyInstaller needs at build time)"
if [ ! -f "$deps/lib/libffi.a" ]; then
    rm -rf libffi-src && mkdir libffi-src && tar xzf libffi_*.orig.tar.gz -C libffi-src --strip-components=1
    (cd libffi-src && CFLAGS="-O2 -fPIC" ./configure --disable-shared --enable-static --disable-docs --disable-exec-static-tramp \
        --disable-multi-os-directory --prefix="$deps" >/dev/null && make -s -j2 >/dev/null && make -s install >/dev/null)
fi

step "CPython into $PREFIX"
rm -rf cpython && mkdir cpython && tar xzf python3.11_*.orig.tar.gz -C cpython --strip-components=1
cd cpython
# zig's linker knows -soname, not its short form -h
sed -i 's/-Wl,-h\$(INSTSONAME)/-Wl,-soname,$(INSTSONAME)/; s/-Wl,-h\$@/-Wl,-soname,$@/' Makefile.pre.in
# never the build machine's own headers (/usr/include/x86_64-linux-gnu: a newer glibc's)
sed -i 's/^    def add_multiarch_paths(self):/&\n        return/' setup.py
export CFLAGS="-fno-sanitize=undefined" CPPFLAGS="-I$deps/include"
export LDFLAGS="-L$deps/lib -Wl,-rpath,$PREFIX/lib"
export LIBSQLITE3_CFLAGS="-I$deps/include" LIBSQLITE3_LIBS="$deps/lib/libsqlite3.a -lm"
export ZLIB_CFLAGS="-I$deps/include" ZLIB_LIBS="$deps/lib/libz.a"
export LIBFFI_CFLAGS="-I$deps/include" LIBFFI_LIBS="$deps/lib/libffi.a"
./configure --prefix="$PREFIX" --enable-shared --with-ensurepip=no --without-readline >configure.log 2>&1 \
    || { tail -20 configure.log >&2; exit 1; }
# a "cross" build for setup.py: it then looks for headers and libraries only where told
export _PYTHON_HOST_PLATFORM=linux-x86_64
make -j2 EXTRA_CFLAGS="-Wno-date-time" >make.log 2>&1 || true # libpython3.so: see below
# zig fails to link the stable-ABI stub from a .so alone; give it an empty object
echo >empty.c && "$CC" -shared -o libpython3.so -Wl,-soname,libpython3.so empty.c -L. -lpython3.11
make -j2 EXTRA_CFLAGS="-Wno-date-time" >>make.log 2>&1 || { tail -30 make.log >&2; exit 1; }
make install EXTRA_CFLAGS="-Wno-date-time" >install.log 2>&1 || { tail -30 install.log >&2; exit 1; }
unset _PYTHON_HOST_PLATFORM
"$PREFIX/bin/python3.11" -m ensurepip >/dev/null
"$PREFIX/bin/python3.11" -c 'import sqlite3, zlib, hashlib, ctypes, _posixsubprocess, pyexpat, decimal; print("python ok, sqlite", sqlite3.sqlite_version)'
python3 "$here/glibc_check.py" "$PREFIX" --max "$GLIBC" --top 3
echo "built $PREFIX/bin/python3.11"
