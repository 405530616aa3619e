"""A small fix to reportlab 5.1: ToUnicode entries for characters beyond U+FFFF.

reportlab writes each subset's ToUnicode CMap with ``"<%02X> <%04X>" % (code, cp)``.
For a code point above U+FFFF (CJK Extension B and beyond: 𠮷 is U+20BB7) that gives
five hex digits, ``<20BB7>``, an odd-length string that is not UTF-16BE. PDF readers
(pypdf, pdftotext, Acrobat's copy and search) then drop or garble the character, although
it is drawn correctly. The PDF specification (ISO 32000-1, 9.10.3) wants the destination
as UTF-16BE: a surrogate pair, ``<D842DFB7>`` for U+20BB7.

:func:`install` replaces ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap`` (looked up as a
module global by ``TTFont.addObjects``, which is where the map is written) with
:func:`make_to_unicode_cmap`, which is the same text except for that one format. It is
idempotent and is installed when :mod:`app.printing.fonts` is imported.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase import ttfonts


def utf16_hex(code_point: int) -> str:
    """The UTF-16BE code units of one code point as upper-case hex (4 or 8 digits)."""
    if code_point < 0x10000:  # one code unit: the code point itself
        return f"{code_point:04X}"
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with UTF-16BE destinations."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def install() -> None:
    """Make reportlab write UTF-16BE ToUnicode entries (idempotent)."""
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def installed() -> bool:
    return bool(ttfonts.makeToUnicodeCMap is make_to_unicode_cmap)
