"""Cut the ICU data library of a Linux build to what a Chinese program needs.

PySide6's Linux wheels bring ICU 73 (libicuuc, libicui18n, libicudata) for Qt Core. Its
data library is 31 MB: every language's locale names, collations, units, currencies and
time zone names, 200 legacy character sets.
Qt uses ICU for collation (QCollator, e.g. the file dialog's sorting), locale-aware case
mapping and legacy text codecs; its own CLDR tables format numbers and dates. This keeps
every item that is not language-specific (normalisation, properties, time zone rules, the
root locale, the character-set aliases), the Chinese and English locales in every tree,
and the Chinese legacy character sets (GB18030, GBK, GB2312, Big5, Big5-HKSCS), and
replaces libicudata.so.NN with a library of the same name that holds the smaller data
under the same symbol. ICU falls back to the root locale for anything cut.

    python3 installer/trim_icu.py DIST_FOLDER [--report FILE]

Needs `icupkg` (Debian's icu-devtools) and a C compiler (gcc) on the build machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LANGUAGES = ("zh", "en")
# A locale's item: xx.res, xx_YY.res, xx_Hans_CN.res (3-letter languages too), in any tree.
LOCALE = re.compile(r"^(?P<lang>[a-z]{2,3})(_[A-Za-z0-9]*)*\.res$")
NOT_LOCALES = {"res_index.res", "pool.res", "root.res"}  # in every tree; res_index looks like one
KEPT_ENGLISH = {"en.res", "en_US.res", "en_US_POSIX.res", "en_001.res"}
CHARSETS = {
    "gb18030.cnv",
    "windows-936-2000.cnv",  # GBK
    "ibm-1383_P110-1999.cnv",  # GB2312 (EUC-CN)
    "ibm-1386_P100-2001.cnv",  # GBK (IBM)
    "windows-950-2000.cnv",  # Big5
    "ibm-1375_P100-2008.cnv",  # Big5-HKSCS
}
DROPPED_TREES = ("translit/",)  # transliterators: nothing in Qt asks for them


def keep(item: str) -> bool:
    """Whether the data item (e.g. "coll/zh.res", "gb18030.cnv") stays."""
    if item.startswith(DROPPED_TREES):
        return False
    name = item.rsplit("/", 1)[-1]
    if name.endswith(".cnv"):
        return name in CHARSETS
    locale = LOCALE.match(name)
    if locale is None or name in NOT_LOCALES:  # supplemental data, rules, properties …
        return True
    if locale["lang"] == "zh":
        return True
    return name in KEPT_ENGLISH


def data_symbol(library: Path) -> tuple[str, int, int]:
    """The data symbol's name, file offset and size in the original data library."""
    symbols = subprocess.run(
        ["nm", "-D", "--defined-only", "-S", str(library)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in symbols.splitlines():
        address, size, _kind, name = line.split()
        if re.fullmatch(r"icudt\d+_dat", name):
            return name, _file_offset(library, int(address, 16)), int(size, 16)
    raise SystemExit(f"{library}: no icudtNN_dat symbol")


def _file_offset(library: Path, address: int) -> int:
    sections = subprocess.run(
        ["readelf", "-S", "-W", str(library)], check=True, capture_output=True, text=True
    ).stdout
    for line in sections.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[1] == ".rodata":
            start, offset = int(fields[3], 16), int(fields[4], 16)
            return address - start + offset
    raise SystemExit(f"{library}: no .rodata section")


def trim(library: Path, work: Path) -> tuple[int, int, int]:
    """Replace ``library`` with the cut one; returns (items kept, dropped, new size)."""
    symbol, offset, size = data_symbol(library)
    # icupkg wants the file named after the package its items name: icudt73l.dat
    package = symbol.removesuffix("_dat") + ("l" if sys.byteorder == "little" else "b")
    (work / "full").mkdir()
    (work / "cut").mkdir()
    full = work / "full" / f"{package}.dat"
    with library.open("rb") as f:
        f.seek(offset)
        full.write_bytes(f.read(size))
    listing = subprocess.run(
        ["icupkg", "-l", str(full)], check=True, capture_output=True, text=True
    ).stdout.split()
    dropped = {item for item in listing if not keep(item)}
    cut = work / "cut" / f"{package}.dat"
    while True:  # what a kept item refers to stays too (e.g. zh_Hant_HK's numbers → yue)
        (work / "dropped.txt").write_text("\n".join(sorted(dropped)) + "\n")
        command = ["icupkg", "-r", str(work / "dropped.txt"), str(full), str(cut)]
        done = subprocess.run(command, capture_output=True, text=True)
        needed = set(re.findall(r"depends on missing item (\S+)", done.stdout + done.stderr))
        if done.returncode == 0 or not needed & dropped:
            break
        dropped -= needed
    if done.returncode != 0:
        raise SystemExit(f"icupkg failed:\n{done.stdout}{done.stderr}")
    source = work / "data.S"
    source.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
        f'{symbol}:\n\t.incbin "{cut}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    built = work / library.name
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,{library.name}",
            "-o",
            str(built),
            str(source),
        ],
        check=True,
    )
    subprocess.run(["strip", "--strip-unneeded", str(built)], check=True)
    shutil.copyfile(built, library)
    return len(listing) - len(dropped), len(dropped), library.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the one-folder build (dist/mediation-desk)")
    args = parser.parse_args()
    missing = [
        tool for tool in ("icupkg", "gcc", "nm", "readelf", "strip") if not shutil.which(tool)
    ]
    if missing:
        raise SystemExit(
            f"trim_icu.py needs {', '.join(missing)}: apt-get install icu-devtools gcc binutils"
        )
    libraries = sorted(args.folder.rglob("libicudata.so.*"))
    if not libraries:
        print(f"{args.folder}: no libicudata.so.* (nothing to cut)")
        return 0
    for library in libraries:
        before = library.stat().st_size
        with tempfile.TemporaryDirectory(prefix="trim-icu-") as tmp:
            kept, dropped, after = trim(library, Path(tmp))
        print(
            f"{library.name}: {before / 1e6:.1f} -> {after / 1e6:.1f} MB "
            f"({kept} data items kept, {dropped} dropped)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
