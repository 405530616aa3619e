"""Reading the outreach PDFs back: text, positions, drawn lines and rectangles, fonts,
pages rendered with QtPdf."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

import pypdf

from tests.printing.helpers import pdf_dict

MM = 72 / 25.4
NUMBER = r"(-?\d+(?:\.\d+)?)"
LINE = re.compile(rf"{NUMBER} {NUMBER} m {NUMBER} {NUMBER} l S")
RECT = re.compile(rf"{NUMBER} {NUMBER} {NUMBER} {NUMBER} re")


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    """Text with every line break and space removed (lines may wrap anywhere)."""
    return re.sub(r"\s+", "", text)


@functools.lru_cache(maxsize=32)
def _positions(pdf: bytes) -> tuple[tuple[int, str, float, float, float], ...]:
    out: list[tuple[int, str, float, float, float]] = []
    for n, page in enumerate(reader(pdf).pages):

        def visit(
            text: str, cm: list[float], tm: list[float], _font: object, size: float, n: int = n
        ) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            out.append((n, text, x, y, size * scale))

        page.extract_text(visitor_text=visit)
    return tuple(out)


def text_positions(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, x, y, font size) of every piece of text drawn, in page coordinates
    (pypdf's visitor: a piece per run of one font subset; cached per PDF)."""
    return list(_positions(pdf))


@functools.lru_cache(maxsize=32)
def _page_texts(pdf: bytes) -> tuple[str, ...]:
    """pypdf's text of each page (cached per PDF: a test reads one several times)."""
    return tuple(page.extract_text() for page in reader(pdf).pages)


def page_text(pdf: bytes, page: int) -> str:
    return flat(_page_texts(pdf)[page])


def text(pdf: bytes) -> str:
    """All the text of the PDF, spaces and line breaks removed."""
    return "".join(flat(t) for t in _page_texts(pdf))


def stream(pdf: bytes, page: int) -> str:
    data = reader(pdf).pages[page].get_contents()
    assert data is not None
    return data.get_data().decode("latin-1")


def lines(pdf: bytes, page: int) -> list[tuple[float, float, float, float]]:
    """Every straight line drawn with m/l/S (x0, y0, x1, y1), page coordinates (the
    pages draw their lines untransformed)."""
    return [_four(m) for m in LINE.finditer(stream(pdf, page))]


def rects(pdf: bytes, page: int) -> list[tuple[float, float, float, float]]:
    """Every rectangle (x, y, width, height) of the page's paths (re)."""
    return [_four(m) for m in RECT.finditer(stream(pdf, page))]


def _four(m: re.Match[str]) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in m.groups())
    return a, b, c, d


def baselines(pdf: bytes) -> list[tuple[int, float, str, float]]:
    """(page, y, text, smallest size) of every baseline, its pieces joined in the order
    drawn (a line is drawn in pieces wherever the font subset changes)."""
    out: dict[tuple[int, float], tuple[str, float]] = {}
    for page, piece, _x, y, size in text_positions(pdf):
        key = (page, round(y, 1))
        old, small = out.get(key, ("", size))
        out[key] = (old + piece, min(small, size))
    return [(p, y, t, s) for (p, y), (t, s) in out.items()]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages]


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """BaseFont → whether it carries its TrueType program (/FontFile2)."""
    out: dict[str, bool] = {}
    for page in reader(pdf).pages:
        fonts = pdf_dict(page, "/Resources").get("/Font")
        if fonts is None:
            continue
        for font in fonts.values():
            font = font.get_object()
            targets = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
            has = any(
                t.get("/FontDescriptor") is not None
                and "/FontFile2" in t["/FontDescriptor"].get_object()
                for t in targets
            )
            out[str(font["/BaseFont"])] = has
    return out


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, 0-based page) of every bookmark, in order."""
    r = pypdf.PdfReader(io.BytesIO(pdf))
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                page = r.get_destination_page_number(item)
                assert page is not None, f"bookmark {item.title} points to no page"
                out.append((level, str(item.title), page))

    walk(r.outline, 0)
    return out


def render(pdf: bytes, page: int, dpi: float, tmp: Path) -> Any:
    """Page ``page`` drawn by QtPdf (pdfium) at ``dpi`` on white, as a QImage (needs a
    QGuiApplication: the qapp fixture)."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    path = tmp / f"render-{page}.pdf"
    path.write_bytes(pdf)
    doc = QPdfDocument()
    try:
        assert doc.load(str(path)) == QPdfDocument.Error.None_
        points = doc.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        drawn = doc.render(page, size)
    finally:
        doc.close()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, drawn)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_Grayscale8)
