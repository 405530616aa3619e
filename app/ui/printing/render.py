"""Putting the pages of a PDF on a QPrinter.

QtPdf draws a page into an image (pdfium); the image is drawn on the printer's page at
the printer's resolution, capped at ``MAX_DPI``, scaled to fit the paper with its aspect
kept. The documents are A4 with their own margins, so on A4 paper the page is drawn 1:1
edge to edge (``QPrinter.setFullPage(True)``).

``PrintRun.steps()`` prints one page per step so the preview can print from the event
loop with a progress dialog; ``print_pdf`` runs all steps at once (tests, small jobs).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator
from pathlib import Path

from app.qt.core import QRectF, QSize, QSizeF, Qt
from app.qt.gui import QColor, QImage, QPageLayout, QPageSize, QPainter
from app.qt.pdf import QPdfDocument, QPdfDocumentRenderOptions
from app.qt.printsupport import QPrinter

log = logging.getLogger(__name__)

# 600 dpi is what office laser printers print; an A4 page is then 4960 × 7016 pixels
# (139 MB while it is drawn). A PDF "printer" reports 1200 dpi, which would need 557 MB.
MAX_DPI = 600
POINTS_PER_INCH = 72.0


class PrintError(Exception):
    """The printer could not be used. ``message`` is plain Chinese for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def prepare_printer(printer: QPrinter, *, copies: int = 1, doc_name: str = "") -> None:
    """A4 portrait, the whole sheet as the drawing area, ``copies`` copies, collated,
    grey."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setCopyCount(max(1, copies))
    printer.setCollateCopies(True)
    # The documents are black on white; grey keeps colour printers from using colour ink
    # and the print data a third of RGB's. The print dialog can still switch to colour.
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    if doc_name:
        printer.setDocName(doc_name)


def selected_pages(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """The 0-based pages the print dialog asked for (all, a range such as "1-3,5", or the
    current page), in order, without pages the document does not have."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [current_page] if 0 <= current_page < page_count else []
    if mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [p for p in range(page_count) if ranges.contains(p + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            last = last if last > 0 else page_count
            return [p for p in range(page_count) if first <= p + 1 <= last]
    return list(range(page_count))


def sheet_order(pages: list[int], printer: QPrinter) -> list[int]:
    """The pages in the order they go to the printer. When the printer system makes the
    copies itself (``supportsMultipleCopies``), each page once; otherwise every copy is
    sent, collated (1 2 3, 1 2 3) or not (1 1, 2 2, 3 3) as the dialog chose."""
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages = list(reversed(pages))
    if copies == 1:
        return list(pages)
    if printer.collateCopies():
        return [p for _ in range(copies) for p in pages]
    return [p for p in pages for _ in range(copies)]


def render_page(document: QPdfDocument, page: int, dpi: float) -> QImage:
    """Page ``page`` as an opaque image (white paper) at ``dpi``."""
    points = document.pagePointSize(page)
    size = QSize(
        max(1, round(points.width() * dpi / POINTS_PER_INCH)),
        max(1, round(points.height() * dpi / POINTS_PER_INCH)),
    )
    options = QPdfDocumentRenderOptions()
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
    image = document.render(page, size, options)
    if image.isNull():
        raise PrintError(
            f"第{page + 1}页无法生成打印图像（电脑内存可能不够）。请关闭其他程序后再打印。"
        )
    # pdfium draws on a transparent image; put white paper behind it in place (no second
    # 139 MB buffer) so printers get an opaque page.
    painter = QPainter(image)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOver)
    painter.fillRect(image.rect(), QColor(Qt.GlobalColor.white))
    painter.end()
    # The documents are black on white: 8-bit grey is a third of the data of RGB for
    # the printer driver (35 MB instead of 104 MB a page at 600 dpi).
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def target_rect(page_points: QSizeF, printer: QPrinter) -> QRectF:
    """Where a page of ``page_points`` goes on the printer's sheet (device pixels): as
    large as fits, aspect kept, centred. 1:1 on A4 paper."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    if not printer.fullPage():
        paper = printer.pageRect(QPrinter.Unit.DevicePixel).translated(
            -printer.pageRect(QPrinter.Unit.DevicePixel).topLeft()
        )
    dpi_x = printer.logicalDpiX() or printer.resolution()
    dpi_y = printer.logicalDpiY() or printer.resolution()
    width = page_points.width() * dpi_x / POINTS_PER_INCH
    height = page_points.height() * dpi_y / POINTS_PER_INCH
    scale = min(1.0, paper.width() / width, paper.height() / height) if width and height else 1
    width, height = width * scale, height * scale
    return QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)


class PrintRun:
    """One print job: ``steps()`` sends one sheet per step and yields how many are done.

    ``abort()`` between steps cancels the job at the printer (nothing more is printed).
    """

    def __init__(self, document: QPdfDocument, printer: QPrinter, pages: list[int]) -> None:
        self.document = document
        self.printer = printer
        self.order = sheet_order(pages, printer)
        self.dpi = float(min(printer.resolution(), MAX_DPI))
        self._painter: QPainter | None = None

    @property
    def total(self) -> int:
        return len(self.order)

    def steps(self) -> Generator[int, None, None]:
        if not self.order:
            return
        _check_output_file(self.printer)
        painter = QPainter()
        if not painter.begin(self.printer):
            raise PrintError(_cannot_start(self.printer))
        self._painter = painter
        try:
            for done, page in enumerate(self.order):
                if done:
                    self.printer.newPage()
                image = render_page(self.document, page, self.dpi)
                rect = target_rect(self.document.pagePointSize(page), self.printer)
                painter.drawImage(rect, image)
                del image
                yield done + 1
        finally:
            self._painter = None
            if painter.isActive():
                painter.end()

    def abort(self) -> None:
        """Stop the job: the printer discards what was sent (a PDF file is not finished)."""
        log.info("print job aborted by the user")
        self.printer.abort()


def print_pdf(document: QPdfDocument, printer: QPrinter, *, pages: list[int] | None = None) -> int:
    """Print ``pages`` (default: what the printer's print range says) of ``document`` on
    ``printer`` now. Returns the number of sheets sent. Raises PrintError."""
    if pages is None:
        pages = selected_pages(printer, document.pageCount())
    run = PrintRun(document, printer, pages)
    done = 0
    for sent in run.steps():
        done = sent
    return done


def _check_output_file(printer: QPrinter) -> None:
    """Printing to a PDF file (the print dialog's "打印到文件"): say plainly when the
    file cannot be written, before QPainter fails with only a log line."""
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat:
        return
    name = printer.outputFileName()
    path = Path(name) if name else None
    if path is None or path.is_dir() or not path.parent.is_dir():
        raise PrintError(_cannot_start(printer))
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise PrintError(_cannot_start(printer))


def _cannot_start(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        where = printer.outputFileName() or "（没有填写文件名）"
        return (
            f"无法写入打印输出文件“{where}”。请在打印对话框里换一个文件夹或文件名，"
            "或者改用“另存为PDF”。"
        )
    name = printer.printerName() or "默认打印机"
    return f"打印机“{name}”无法开始打印。请检查打印机是否开机、连好数据线、装好纸，然后再打印一次。"
