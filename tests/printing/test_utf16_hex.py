"""tounicode.utf16_hex writes a code point below U+10000 as its four hex digits and one
beyond as its surrogate pair: the UTF-16BE code units, as the PDF specification wants."""

from __future__ import annotations

from app.printing.tounicode import utf16_hex


def utf16be(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def test_every_kind_of_code_point_gives_its_utf16_code_units() -> None:
    edges = [0, 0x20, 0x7F, 0xA0, 0x4E00, 0x9FFF, 0xD800, 0xDFFF, 0xFFFD, 0xFFFF]
    beyond = [0x10000, 0x20BB7, 0x2A6A5, 0x10FFFF]
    for cp in [*edges, *range(0, 0x10000, 97), *beyond, *range(0x10000, 0x110000, 4099)]:
        assert utf16_hex(cp) == utf16be(cp), hex(cp)
    assert utf16_hex(0x4E2D) == "4E2D" and utf16_hex(0x20BB7) == "D842DFB7"
