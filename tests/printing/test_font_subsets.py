"""Font subsets are cut from the font file in place (app/printing/fonts.py
``_SubsettingFace``), and are the very bytes reportlab's own face makes; reportlab
writes with its C accelerators (rl-accel)."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from app.paths import resource_path
from app.printing import fonts

SHIPPED = resource_path("fonts")
# a subset as documents make them: code 0, ASCII, Chinese text and punctuation, a
# character the font lacks (glyph 0), more than one subset's worth in all
TEXT = "人民调解协议书（2026）青山调字第16号，甲方：张三；乙方：李四。Agreement ¥3,600.00"


def subsets() -> list[list[int]]:
    codes = sorted({ord(ch) for ch in TEXT} | {0x4E00 + k for k in range(0, 600, 3)})
    return [[0, *codes[:255]], [0, *codes[255:]], [0, 0x20, 0x2FA1D]]


def test_the_registered_fonts_subset_through_our_face() -> None:
    """reportlab's TTFont still makes a plain TTFontFace, which register_file turns into
    the face that reads the glyph table in place: a reportlab that makes its faces
    otherwise fails here (and prints on, with the copying face)."""
    f = fonts.get_fonts()
    for name in (f.regular, f.bold):
        assert type(pdfmetrics.getFont(name).face) is fonts._SubsettingFace
    font = TTFont("subset-check", str(SHIPPED / fonts.REGULAR_FILE))
    assert type(font.face) is TTFontFace


@pytest.mark.parametrize("file_name", [fonts.REGULAR_FILE, fonts.BOLD_FILE])
def test_a_subset_is_the_bytes_reportlab_makes(file_name: str) -> None:
    """The subsets reportlab's makeSubset cuts with the glyph table read in place equal
    those it cuts from its own copy of the table: if makeSubset read that table in any
    other way than by slices, they would differ or fail. A subset asked for again is the
    one already cut."""
    ours = fonts._subsetting(TTFont("ours", str(SHIPPED / file_name))).face
    stock = TTFontFace(str(SHIPPED / file_name))
    assert type(ours) is fonts._SubsettingFace
    for subset in subsets():
        made = ours.makeSubset(subset)
        assert made == stock.makeSubset(subset)
        assert len(made) < len(stock.get_table("glyf")) // 10  # a subset, not the font
        assert ours.makeSubset(list(subset)) is made  # cut once, kept
    assert ours.makeSubset([0, 0x4E00]) != ours.makeSubset([0, 0x4E01])


def test_the_glyph_table_slices_like_bytes() -> None:
    data = bytes(range(200))
    table = fonts._GlyphTable(data, 50, 100)
    whole = data[50:150]
    assert len(table) == len(whole)
    for start, stop in [(0, 10), (95, 110), (120, 130), (10, 5), (0, 100), (None, None)]:
        assert table[start:stop] == whole[start:stop], (start, stop)
    with pytest.raises(TypeError):
        table[3]  # type: ignore[index]  # deliberately not a slice


def test_reportlab_writes_with_its_c_accelerators() -> None:
    """rl-accel (pinned in requirements/) is installed and reportlab takes every function
    it offers from it: without it printing gives the same bytes in pure Python, about a
    sixth slower (number formatting, ASCII85, font checksums)."""
    from reportlab.lib import rl_accel

    assert rl_accel._py_funcs == {}
    assert {"fp_str", "asciiBase85Encode", "calcChecksum"} <= set(rl_accel._c_funcs)
