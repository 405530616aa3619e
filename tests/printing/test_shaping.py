"""Shaping text into glyphs: one glyph value per character, font, size and underline is
made once and shared by every text (layout._glyphs), bounded."""

from __future__ import annotations

import pytest

from app.printing import layout as L
from app.printing.fonts import get_fonts


def test_the_same_character_in_the_same_setting_is_one_glyph() -> None:
    fonts = get_fonts()
    first = L.shape("调解调解", L.BODY, fonts)
    again = L.shape([L.Span("调解"), L.Span("协议")], L.BODY, fonts)
    assert first[0] is first[2] is again[0]
    assert first[0].width == pytest.approx(L.char_width("调", fonts.regular) * L.SIZE_3)
    small = L.shape("调解", L.CELL, fonts)
    assert small[0] is not first[0] and small[0].size == L.SIZE_4
    assert small[0].width == pytest.approx(first[0].width * L.SIZE_4 / L.SIZE_3)


def test_underlined_blanks_keep_their_own_groups() -> None:
    glyphs = L.shape([L.blank(2), L.Span("和"), L.blank(2)], L.BODY, get_fonts())
    assert [g.group for g in glyphs] == [1, 1, 0, 2, 2]
    assert glyphs[0] is glyphs[1] and glyphs[0] is not glyphs[3]  # the same blank, not group


def test_the_shared_glyphs_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L, "_GLYPHS_KEPT", 50)
    text = "".join(chr(0x4E00 + k) for k in range(120))
    glyphs = L.shape(text, L.BODY, get_fonts())
    assert len(L._glyphs) <= 50
    assert "".join(g.ch for g in glyphs) == text


def test_a_density_sets_each_style_once() -> None:
    tight = L.DENSITIES[3]  # 4号 紧排
    body = tight.style(L.BODY)
    assert tight.style(L.BODY) is body
    assert body.size == L.SIZE_3 * tight.size and body.leading < L.BODY.leading
    assert L.NORMAL.style(L.BODY) is L.BODY
