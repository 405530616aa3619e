"""Small looks that survive the 字号 menu.

Colours go through the palette, not a style sheet: a widget with a style sheet keeps the
font size it had when the sheet was applied, so large type would pass it by.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QWidget

MUTED = "#666666"


def tint(widget: QWidget, colour: str) -> None:
    """Draw ``widget``'s text in ``colour``."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    palette.setColor(QPalette.ColorRole.Text, QColor(colour))
    widget.setPalette(palette)


def embolden(widget: QWidget) -> None:
    """Bold text that still follows the program's font size (only boldness is set)."""
    font = QFont()
    font.setBold(True)
    widget.setFont(font)
