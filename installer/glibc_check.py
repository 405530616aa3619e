"""Which glibc a built folder needs: `objdump -T` over every ELF file in it.

    python3 installer/glibc_check.py /tmp/mdbuild/dist/mediation-desk [--max 2.28] [--top 15]

Prints the highest GLIBC_x.y symbol version each file needs, highest first, and the figure
for the whole folder with the files that set it. With --max, exits 1 when some file needs a
newer glibc than that (the floor of the platform row the build is meant for; installer/README.md).
Also reports GLIBCXX (libstdc++) versions, since the target's libstdc++ must provide them
when the folder does not bring its own. Needs objdump (Debian: binutils). Standard library only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
_VERSION = re.compile(r"\b(GLIBC|GLIBCXX)_(\d+(?:\.\d+)+)\b")


@dataclass(frozen=True)
class Needs:
    path: Path
    glibc: tuple[int, ...]  # () when the file needs no versioned glibc symbol
    glibcxx: tuple[int, ...]


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def show(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version) if version else "-"


def elf_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue  # a symlink's target is listed as itself
        with path.open("rb") as f:
            if f.read(4) == ELF_MAGIC:
                yield path


def needs_of(path: Path, objdump: str) -> Needs:
    """The highest versions among the symbols ``path`` imports (objdump -T lists the dynamic
    symbol table; an undefined symbol, *UND*, is one the file needs from elsewhere)."""
    out = subprocess.run(
        [objdump, "-T", str(path)], capture_output=True, text=True, check=False
    ).stdout
    best: dict[str, tuple[int, ...]] = {"GLIBC": (), "GLIBCXX": ()}
    for line in out.splitlines():
        if "*UND*" not in line:
            continue
        for kind, number in _VERSION.findall(line):
            best[kind] = max(best[kind], parse_version(number))
    return Needs(path, best["GLIBC"], best["GLIBCXX"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path, help="the built program folder")
    p.add_argument("--max", help="fail when a file needs a newer glibc than this, e.g. 2.28")
    p.add_argument("--top", type=int, default=15, help="how many files to list (default 15)")
    args = p.parse_args(argv)
    objdump = shutil.which("objdump")
    if objdump is None:
        print("objdump not found: apt-get install binutils", file=sys.stderr)
        return 2
    if not args.folder.is_dir():
        print(f"not a folder: {args.folder}", file=sys.stderr)
        return 2
    found = [needs_of(f, objdump) for f in elf_files(args.folder)]
    if not found:
        print(f"no ELF files under {args.folder}", file=sys.stderr)
        return 2
    found.sort(key=lambda n: (n.glibc, str(n.path)), reverse=True)
    top = found[0].glibc
    print(f"{len(found)} ELF files under {args.folder}")
    print(f"highest GLIBC needed: {show(top)}")
    for n in found:
        if n.glibc == top:
            print(f"  needed by {n.path.relative_to(args.folder)}")
    cxx = max(n.glibcxx for n in found)
    if cxx:
        print(f"highest GLIBCXX needed: {show(cxx)}")
        for n in found:
            if n.glibcxx == cxx:
                print(f"  needed by {n.path.relative_to(args.folder)}")
    print(f"\nthe {min(args.top, len(found))} files needing the newest glibc:")
    for n in found[: args.top]:
        where = n.path.relative_to(args.folder)
        print(f"  GLIBC {show(n.glibc):6} GLIBCXX {show(n.glibcxx):8} {where}")
    if args.max is not None:
        limit = parse_version(args.max)
        over = [n for n in found if n.glibc > limit]
        if over:
            print(f"\n{len(over)} files need a glibc newer than {args.max}:")
            for n in over:
                print(f"  GLIBC {show(n.glibc):6} {n.path.relative_to(args.folder)}")
            return 1
        print(f"\nevery file runs on glibc {args.max}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
