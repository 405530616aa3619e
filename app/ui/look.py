"""Small looks that survive the 字号 menu.

Colours go through the palette, not a style sheet: a widget with a style sheet keeps the
font size it had when the sheet was applied, so large type would pass it by. Panels
(a tinted box with a border) paint themselves for the same reason, and a larger heading
recomputes its size whenever the program's font changes.
"""

from __future__ import annotations

from app.qt.core import QRectF, Qt
from app.qt.gui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent, QPalette, QPen
from app.qt.widgets import QLabel, QWidget

MUTED = "#666666"
ERROR = "#b00000"
SUCCESS = "#2e7d32"
ERROR_FILL = "#fff4f4"
NOTICE_FILL = "#fff8e1"
NOTICE_BORDER = "#e0c060"


def tint(widget: QWidget, colour: str | None) -> None:
    """Draw ``widget``'s text in ``colour``; None gives back the inherited colours."""
    if colour is None:
        widget.setPalette(QPalette())  # nothing set: everything comes from the parent
        return
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    palette.setColor(QPalette.ColorRole.Text, QColor(colour))
    widget.setPalette(palette)


def embolden(widget: QWidget, bold: bool = True) -> None:
    """Bold (or back to normal) text that still follows the program's font size: only
    the weight is set, size and family stay inherited."""
    font = QFont()
    if bold:
        font.setBold(True)
    widget.setFont(font)


class Heading(QLabel):
    """Bold text ``scale`` times the program's font size, kept so when the 字号 changes
    (a fixed point size would stay what it was when set)."""

    def __init__(self, text: str = "", scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._scale = scale
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.fontChanged.connect(self._follow)
        self._follow(QGuiApplication.font())

    def _follow(self, app_font: QFont) -> None:
        font = QFont()
        font.setBold(True)
        if self._scale != 1.0:
            font.setPointSizeF(app_font.pointSizeF() * self._scale)
        self.setFont(font)


class Panel(QLabel):
    """Text on a tinted box with a thin border (and round corners if asked): what a
    style sheet would draw, painted here so the text keeps following the 字号 setting."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._fill: QColor | None = None
        self._border: QColor | None = None
        self._radius = 0.0

    def set_colours(
        self, *, fill: str, border: str | None = None, ink: str | None = None, radius: float = 0
    ) -> None:
        self._fill = QColor(fill)
        self._border = QColor(border) if border else None
        self._radius = radius
        tint(self, ink)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._fill is not None:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._radius > 0)
            painter.setBrush(self._fill)
            if self._border is None:
                painter.setPen(Qt.PenStyle.NoPen)
            else:
                painter.setPen(QPen(self._border, 1))
            box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.drawRoundedRect(box, self._radius, self._radius)
            painter.end()
        super().paintEvent(event)
