"""Names with rare characters (CJK Extension B) show their glyph on screen, never a box."""

from __future__ import annotations

from PySide6.QtGui import QFont, QRawFont
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
