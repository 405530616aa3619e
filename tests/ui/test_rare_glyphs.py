"""Names with rare characters (CJK Extension B) show their glyph on screen, never a box."""

from __future__ import annotations

from PySide6.QtGui import QFont, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

from app.ui import application

RARE = "𡒄𥖄𠮷"  # from real village names in the demo and bench data


def test_every_rare_character_has_a_glyph_in_the_app_font_chain(qapp: QApplication) -> None:
    application.create_application(["test"])
    families = qapp.font().families()
    assert families[0] == application.FONT_FAMILY
    assert "HanaMinB" in families  # the per-character fallback is part of the app font
    for ch in RARE:
        covered = [f for f in families if QRawFont.fromFont(QFont(f)).supportsCharacter(ord(ch))]
        assert covered, f"no font in {families} draws {ch} (U+{ord(ch):X})"
    # The primary face really lacks them: without the fallback the name would show boxes.
    assert not QRawFont.fromFont(QFont(application.FONT_FAMILY)).supportsCharacter(ord("𡒄"))


def test_qt_draws_each_character_from_the_face_that_has_it(qapp: QApplication) -> None:
    """Qt's own fallback, as a label draws text: 张 from Noto Sans SC, a compatibility
    ideograph from HanaMinA (cut to what Noto lacks, it claims no language to fontconfig:
    the program names the family, so Qt must still fall back to it), 𡒄 from HanaMinB."""
    application.create_application(["test"])
    text = "张\uf904𡒄"
    layout = QTextLayout(text, qapp.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    drawn = {
        run.rawFont().familyName(): run.glyphIndexes()
        for run in layout.glyphRuns()
        if any(run.glyphIndexes())
    }
    assert set(drawn) == {application.FONT_FAMILY, "HanaMinA", "HanaMinB"}
    assert all(len(glyphs) == 1 and glyphs[0] != 0 for glyphs in drawn.values())
