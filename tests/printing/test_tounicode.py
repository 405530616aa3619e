"""The ToUnicode fix: characters beyond U+FFFF come back out of the PDF."""

from __future__ import annotations

import re

import pytest
from reportlab.pdfbase import ttfonts

from app.printing import layout, tounicode
from tests.printing.helpers import all_text, pdf_dict, reader


def test_utf16_hex() -> None:
    assert tounicode.utf16_hex(0x7965) == "7965"
    assert tounicode.utf16_hex(0x20BB7) == "D842DFB7"
    assert tounicode.utf16_hex(0x2A6A5) == "D869DEA5"
    assert tounicode.utf16_hex(0x20) == "0020"


def test_installed_where_reportlab_writes_the_map() -> None:
    import app.printing.fonts  # noqa: F401  (installs the fix)

    assert tounicode.installed()
    assert ttfonts.makeToUnicodeCMap is tounicode.make_to_unicode_cmap


def test_cmap_text() -> None:
    cmap = tounicode.make_to_unicode_cmap("AAAAAA+Test", [0, 0x20, 0x7965, 0x20BB7])
    assert "<00> <03>" in cmap
    assert "4 beginbfchar" in cmap
    assert "<02> <7965>" in cmap
    assert "<03> <D842DFB7>" in cmap


@pytest.mark.parametrize("text", ["𠮷祥", "郑𪚥国", "王𡒄", "李𥖄明", "𤭢"])
def test_rare_characters_are_extracted(text: str) -> None:
    pdf = layout.build_pdf([layout.Paragraph(text)], layout.DocInfo("生僻字"))
    assert all_text(pdf) == text


def test_every_tounicode_entry_is_utf16be() -> None:
    pdf = layout.build_pdf(
        [layout.Paragraph("张𠮷祥与王𡒄、郑𪚥国、李𥖄明的纠纷。")], layout.DocInfo("t")
    )
    maps = []
    for page in reader(pdf).pages:
        for font in pdf_dict(page, "/Resources", "/Font").values():
            stream = font.get_object().get("/ToUnicode")
            if stream is not None:
                maps.append(stream.get_object().get_data().decode("latin-1"))
    assert maps
    for text in maps:
        entries = text.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
        destinations = re.findall(r"<[0-9A-F]{2}> <([0-9A-F]+)>", entries)
        assert destinations
        for dst in destinations:
            assert len(dst) in (4, 8), dst
    assert any("D842DFB7" in m for m in maps)
