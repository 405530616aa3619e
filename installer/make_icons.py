"""Draw the program's icon (调 on a seal-red rounded square) into installer/icons/.

Run once when the design changes; the PNGs and the .ico are committed:
    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
Needs PySide6 (drawing, with the shipped Noto Sans SC Bold) and Pillow (the .ico).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QPen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
RED = QColor("#b3261e")  # the colour of an office seal
WHITE = QColor("#ffffff")


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(RED)
    p.drawRoundedRect(box, size * 0.18, size * 0.18)
    if size >= 32:  # the inner frame of a seal; too fine to read below that
        inner = box.adjusted(size * 0.07, size * 0.07, -size * 0.07, -size * 0.07)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(WHITE, max(1.0, size * 0.025)))
        p.drawRoundedRect(inner, size * 0.11, size * 0.11)
    font = QFont(family)
    font.setPixelSize(round(size * (0.62 if size >= 32 else 0.78)))
    font.setWeight(QFont.Weight.Bold)
    p.setFont(font)
    p.setPen(WHITE)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, "调")
    p.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    font_id = QFontDatabase.addApplicationFont(
        str(ROOT / "resources" / "fonts" / "NotoSansSC_700Bold.ttf")
    )
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    out = HERE / "icons"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        draw(size, family).save(str(out / f"mediation-desk-{size}.png"))
    big = Image.open(out / "mediation-desk-256.png")
    big.save(out / "mediation-desk.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
