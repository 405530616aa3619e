"""Make resources/fonts/HanaMinA.ttf: Debian's HanaMinA cut to what the Noto fonts lack.

HanaMinA (花園明朝A, fonts-hanazono 20170904-2.1) covers the BMP's CJK ideographs, most of
which Noto Serif SC (print) and Noto Sans SC (screen) already draw. The program only ever
draws a character from HanaMinA when the Noto face in use lacks it (app.printing.fonts,
app.ui.application), so the glyphs both Noto fonts have are never used: keeping only the
characters that at least one of them lacks (Extension A, compatibility ideographs, the
private-use glyphs) takes the file from 22.8 MB to 3.8 MB with nothing lost on screen or
paper (tests/printing/test_fonts.py checks the coverage of both chains).

Run it again when a Noto file changes:

    pip install fonttools   # 4.69 was used; a maintainer's tool, not a dependency
    apt-get download fonts-hanazono && dpkg -x fonts-hanazono_*.deb hanazono
    python scripts/subset_rare_font.py hanazono/usr/share/fonts/truetype/hanazono/HanaMinA.ttf

The subset is distributed under the Hanazono Font License (resources/fonts/LICENSE-Hanazono.txt),
which allows modified copies; the OFL's reserved font names apply only to the OFL option.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
NOTO = (  # every face the program draws with before HanaMinA
    "NotoSerifSC_400Regular.ttf",
    "NotoSerifSC_700Bold.ttf",
    "NotoSansSC_400Regular.ttf",
    "NotoSansSC_700Bold.ttf",
)


def characters(path: Path) -> set[int]:
    return set(TTFont(path, lazy=True).getBestCmap())


def wanted(full: Path) -> set[int]:
    """HanaMinA's characters that at least one Noto face lacks (tests/printing/test_fonts.py
    checks the shipped file against this rule)."""
    in_every_noto = set.intersection(*(characters(FONTS / name) for name in NOTO))
    return characters(full) - in_every_noto


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="Debian's full HanaMinA.ttf")
    parser.add_argument("--out", type=Path, default=FONTS / "HanaMinA.ttf")
    args = parser.parse_args()
    options = subset.Options()
    # Everything but the glyphs stays as it was where fontTools allows: names (the family
    # the program asks for), layout tables, metrics, OS/2 ranges, the timestamp (the same
    # bytes on each run). fontconfig still sees a font for no language: it judges by the
    # characters present; the program names the family, so Qt falls back to it anyway.
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = True
    options.legacy_kern = True
    options.symbol_cmap = True
    options.legacy_cmap = True
    options.passthrough_tables = True
    options.drop_tables = []
    options.recalc_bounds = False
    options.recalc_timestamp = False
    options.prune_unicode_ranges = False
    options.prune_codepage_ranges = False
    font = TTFont(args.source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted(args.source)))
    subsetter.subset(font)
    font.save(args.out)
    print(f"{args.out}: {len(font.getBestCmap())} characters, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
