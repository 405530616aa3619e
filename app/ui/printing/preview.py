"""打印预览: the PDF the printing layer made, on screen, then printed or saved.

The window shows exactly the bytes that will be printed or saved (QPdfDocument +
QPdfView), so screen and paper match. Toolbar: 打印… (Ctrl+P), 另存为PDF… (Ctrl+S),
上一页/下一页 with "第x页 共y页", 缩小/放大, 适合宽度, 整页, 关闭 (Esc).

Nothing here runs a nested event loop: the print dialog and the save dialog are opened
with ``open()`` and answered through their signals; printing sends one sheet per turn of
the event loop behind a progress dialog that can cancel it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from pathlib import Path

from app import qt
from app.printing import fonts
from app.qt.core import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from app.qt.gui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from app.qt.pdf import QPdfDocument
from app.qt.pdfwidgets import QPdfView
from app.qt.printsupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from app.qt.widgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QLabel,
    QProgressDialog,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import look, messages, ui_settings
from app.ui.cases.flow_layout import FlowLayout
from app.ui.printing.files import SaveError, suggested_file_name, write_atomically
from app.ui.printing.render import (
    PrintError,
    PrintRun,
    prepare_printer,
    selected_pages,
)
from app.ui.signals import emit

log = logging.getLogger(__name__)

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
SAVE_DIR_KEY = "printing/save_dir"
FONT_TITLE = "打印字体有问题"

# Font problems already shown to the user (each is shown once per run of the program).
_shown_font_problems: set[str] = set()
# The printer chosen last time, preselected in the next print dialog.
_last_printer_name = ""
# Preview windows without a parent, kept alive until they close.
_open_windows: set[PreviewWindow] = set()


def warn_font_problems(parent: QWidget | None) -> None:
    """Show the printing layer's font problems not shown before, in one warning."""
    new = [p for p in fonts.get_fonts().problems if p not in _shown_font_problems]
    if not new:
        return
    _shown_font_problems.update(new)
    text = (
        "打印文书时发现字体问题：\n"
        + "\n".join(f"· {p}" for p in new)
        + "\n\n文书仍可以打印，但字体可能和标准格式不一样，个别生僻字可能印不出来。"
        "请把这条提示告诉负责电脑的同志，重新安装本程序一般可以解决。"
    )
    messages.warning(parent, FONT_TITLE, text)


class PreviewWindow(QWidget):
    """A printable document on screen. ``pdf`` is kept as given: saving writes these
    bytes, printing draws these pages.

    ``copies`` is preset in the print dialog (the agreement: one per party and one the
    committee keeps). Signals: ``printed(sheets)`` after a print job was sent,
    ``saved(path)`` after a save.
    """

    printed = Signal(int)
    saved = Signal(str)

    def __init__(
        self,
        pdf: bytes,
        *,
        title: str,
        number: str | None = None,
        copies: int = 1,
        blank: bool = False,
        copies_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf = bytes(pdf)
        self.title = title
        self.number = (number or "").strip()
        self.copies = max(1, copies)
        self.blank = blank
        self.file_name = suggested_file_name(title, self.number, blank=blank)
        self._printer: QPrinter | None = None
        self._print_steps: Generator[int, None, None] | None = None
        self._print_run: PrintRun | None = None
        self._progress: QProgressDialog | None = None
        self._buttons: dict[QAction, QToolButton] = {}

        name = f"《{title}》" + (
            "空白表格" if blank else (f" {self.number}" if self.number else "")
        )
        self.setWindowTitle(f"打印预览 — {name}")

        self._load_document()
        self._build_view()
        self._build_toolbar()
        self._build_info(copies_note)
        self._lay_out()
        self._connect()
        self._update_page()
        self._update_zoom()
        self._fit_to_screen()
        if parent is None:
            _open_windows.add(self)
            self.destroyed.connect(lambda: _open_windows.discard(self))

    # ---- set-up ---------------------------------------------------------
    def _load_document(self) -> None:
        # The document before the buffer: children are deleted in creation order, so
        # the document never outlives the bytes it reads.
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def _build_view(self) -> None:
        """The pages, one under the other, as wide as the window."""
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _build_toolbar(self) -> None:
        """打印, 另存为PDF, the pages, the zoom and 关闭, in a wrapping row rather than a
        QToolBar: with the large type many mediators use, a toolbar would hide its last
        buttons behind "»"."""
        self.page_label = _readout()
        self.zoom_label = _readout()
        self.zoom_label.setMinimumWidth(
            self.zoom_label.fontMetrics().horizontalAdvance("400%") + 12
        )

        self.toolbar = QWidget(self)
        self.toolbar.setObjectName("previewToolbar")
        self._toolbar_layout = FlowLayout(self.toolbar, spacing=4)
        self._toolbar_layout.setContentsMargins(6, 4, 6, 4)
        self.print_action = self._action("打印…", QKeySequence.StandardKey.Print, self.print_)
        self.save_action = self._action("另存为PDF…", QKeySequence.StandardKey.Save, self.save_as)
        self._gap()
        self.prev_action = self._action("上一页", "Ctrl+PgUp", self.previous_page)
        self._toolbar_layout.addWidget(self.page_label)
        self.next_action = self._action("下一页", "Ctrl+PgDown", self.next_page)
        self._gap()
        self.zoom_out_action = self._action("缩小", QKeySequence.StandardKey.ZoomOut, self.zoom_out)
        self._toolbar_layout.addWidget(self.zoom_label)
        self.zoom_in_action = self._action("放大", QKeySequence.StandardKey.ZoomIn, self.zoom_in)
        self.fit_width_action = self._action("适合宽度", "Ctrl+1", self.fit_width)
        self.fit_page_action = self._action("整页", "Ctrl+2", self.fit_page)
        self._gap()
        self.close_action = self._action("关闭", "Esc", self.close)
        self.fit_width_action.setCheckable(True)
        self.fit_page_action.setCheckable(True)
        for action in (self.print_action, self.save_action):
            look.embolden(self.button(action))

    def _build_info(self, copies_note: str) -> None:
        """How many copies to print (above the pages) and what printing did (below)."""
        self.info_label = QLabel(self._info_text(copies_note))
        self.info_label.setWordWrap(True)
        self.info_label.setContentsMargins(8, 2, 8, 2)
        look.tint(self.info_label, look.MUTED)
        self.status_label = QLabel()
        self.status_label.setContentsMargins(8, 2, 8, 4)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.hide()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.info_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status_label)

    def _connect(self) -> None:
        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._update_page)
        self.document.pageCountChanged.connect(self._update_page)
        self.document.statusChanged.connect(self._check_status)
        self.view.zoomModeChanged.connect(self._update_zoom)
        self.view.zoomFactorChanged.connect(self._update_zoom)
        self.view.viewport().installEventFilter(self)

    def _action(
        self, text: str, shortcut: QKeySequence.StandardKey | str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setIconText(text)  # keep "…": the button opens a dialog
        keys = QKeySequence(shortcut)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        hint = keys.toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.rstrip('…')}（{hint}）" if hint else text)
        action.triggered.connect(slot)
        self.addAction(action)  # the shortcut works wherever the focus is
        button = QToolButton(self.toolbar)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._buttons[action] = button
        self._toolbar_layout.addWidget(button)
        return action

    def button(self, action: QAction) -> QToolButton:
        """The toolbar button of ``action``."""
        return self._buttons[action]

    def _gap(self) -> None:
        line = QFrame(self.toolbar)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        line.setFixedWidth(12)
        self._toolbar_layout.addWidget(line)

    def _info_text(self, copies_note: str) -> str:
        pages = self.document.pageCount()
        name = f"《{self.title}》" + (f"{self.number}" if self.number and not self.blank else "")
        parts = [name, f"共{pages}页"]
        if self.blank:
            parts.append("空白表格，打印后手工填写")
        parts.append(f"打印份数：{self.copies}份" + (f"（{copies_note}）" if copies_note else ""))
        return "　".join(parts)

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        width, height = 980, 1000
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.9))
            height = min(height, int(area.height() * 0.9))
        self.resize(width, height)

    def _check_status(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Error:  # pragma: no cover - our own PDFs load
            log.error("preview could not load the PDF: %s", self.document.error())
            messages.error(
                self,
                "无法显示文书",
                f"《{self.title}》生成后无法显示。请重试；若仍不行，请联系技术人员。",
            )

    # ---- pages ------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        """0-based."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        """Show page ``page`` (0-based) at the top of the view."""
        if self.page_count == 0:
            return
        page = max(0, min(page, self.page_count - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def _update_page(self) -> None:
        count = self.page_count
        current = self.current_page + 1 if count else 0
        self.page_label.setText(f"第{current}页 共{count}页")
        self.prev_action.setEnabled(current > 1)
        self.next_action.setEnabled(0 < current < count)

    # ---- zoom -------------------------------------------------------------
    def effective_zoom(self) -> float:
        """The zoom the view shows now, also in the fit modes (where QPdfView's
        ``zoomFactor`` keeps the last custom value)."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or self.page_count == 0:
            return float(self.view.zoomFactor())
        widest = max(self.document.pagePointSize(p).width() for p in range(self.page_count))
        tallest = max(self.document.pagePointSize(p).height() for p in range(self.page_count))
        per_point = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        by_width = (viewport.width() - margins.left() - margins.right()) / (widest * per_point)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return max(0.05, by_width)
        by_height = (viewport.height() - margins.top() - margins.bottom()) / (tallest * per_point)
        return max(0.05, min(by_width, by_height))

    def set_zoom(self, factor: float) -> None:
        factor = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], factor))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._update_zoom()

    def zoom_in(self) -> None:
        now = self.effective_zoom()
        self.set_zoom(next((z for z in ZOOM_STEPS if z > now + 0.005), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self.effective_zoom()
        smaller = [z for z in ZOOM_STEPS if z < now - 0.005]
        self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom()

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._update_zoom()

    def _update_zoom(self) -> None:
        mode = self.view.zoomMode()
        zoom = self.effective_zoom()
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self.zoom_in_action.setEnabled(zoom < ZOOM_STEPS[-1] - 0.005)
        self.zoom_out_action.setEnabled(zoom > ZOOM_STEPS[0] + 0.005)
        self.fit_width_action.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_action.setChecked(mode == QPdfView.ZoomMode.FitInView)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._update_zoom()  # the fit modes' percentage follows the window
        return super().eventFilter(watched, event)

    # ---- printing ---------------------------------------------------------
    def printer(self) -> QPrinter:
        """The printer this window prints on: A4, the preset copies, the printer chosen
        last time. Kept, so a second print starts from the first one's settings."""
        if self._printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if _last_printer_name:
                printer.setPrinterName(_last_printer_name)
            prepare_printer(printer, copies=self.copies, doc_name=self._doc_name())
            self._printer = printer
        return self._printer

    def _doc_name(self) -> str:
        return self.file_name.removesuffix(".pdf")

    def print_(self) -> QPrintDialog | None:
        """Open the print dialog (copies preset); printing starts when it is accepted."""
        if self.is_printing:
            self._progress_raise()
            return None
        printer = self.printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印《{self.title}》")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        options = QAbstractPrintDialog.PrintDialogOption
        for option in (
            options.PrintPageRange,
            options.PrintCurrentPage,
            options.PrintCollateCopies,
            options.PrintShowPageSize,
            options.PrintToFile,
        ):
            dialog.setOption(option, True)
        dialog.setMinMax(1, max(1, self.page_count))
        # QPrintDialog's own accepted(QPrinter*): sent once the printer has the settings.
        dialog.accepted[QPrinter].connect(self.print_to)  # type: ignore[index]  # (stubs)
        QDialog.open(dialog)  # QPrintDialog.open() in PySide6 wants a receiver
        return dialog

    @property
    def is_printing(self) -> bool:
        return self._print_steps is not None

    def print_to(self, printer: QPrinter) -> PrintRun | None:
        """Send the pages the printer's settings ask for (range, copies) to ``printer``,
        one sheet per turn of the event loop, behind a progress dialog. ``printed``
        reports the sheets sent when done."""
        global _last_printer_name
        if self.is_printing:
            return None
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
            _last_printer_name = printer.printerName()
        pages = selected_pages(printer, self.page_count, self.current_page)
        if not pages:
            messages.warning(
                self,
                "没有要打印的页",
                f"选择的页码范围里没有页。本文书共{self.page_count}页，请重新选择页码范围。",
            )
            return None
        run = PrintRun(self.document, printer, pages)
        self._print_run = run
        self._print_steps = run.steps()
        progress = QProgressDialog(f"正在打印《{self.title}》…", "取消", 0, run.total, self)
        progress.setWindowTitle("正在打印")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(600)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel_print)
        progress.setValue(0)
        self._progress = progress
        log.info("printing %s: %d sheet(s) on %s", self.file_name, run.total, printer.printerName())
        QTimer.singleShot(0, self._print_step)
        return run

    def _print_step(self) -> None:
        steps = self._print_steps
        run = self._print_run
        if steps is None or run is None:
            return
        try:
            done = next(steps)
        except StopIteration:
            self._finish_print()
            emit(self.printed, run.total)
            printer = run.printer
            if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
                self._show_status(f"已打印到文件：{printer.outputFileName()}（{run.total}页）。")
            else:
                self._show_status(f"已发送到打印机：{run.total}张。")
            return
        except PrintError as exc:
            self._finish_print()
            messages.warning(self, "无法打印", exc.message)
            return
        except BaseException:
            self._finish_print()  # a bug: the crash dialog tells; the window stays usable
            raise
        if self._progress is not None:
            self._progress.setLabelText(f"正在打印《{self.title}》：第{done}张，共{run.total}张")
            self._progress.setValue(done)
        QTimer.singleShot(0, self._print_step)

    def cancel_print(self) -> None:
        steps, run = self._print_steps, self._print_run
        if steps is None or run is None:
            return
        self._print_steps = None  # the next step does nothing
        run.abort()
        steps.close()
        self._finish_print()
        self._show_status("打印已取消。")

    def _finish_print(self) -> None:
        self._print_steps = None
        self._print_run = None
        progress, self._progress = self._progress, None
        if progress is not None and qt.is_valid(progress):
            progress.canceled.disconnect(self.cancel_print)
            progress.close()
            progress.deleteLater()

    def _progress_raise(self) -> None:
        if self._progress is not None:
            self._progress.raise_()

    # ---- saving -----------------------------------------------------------
    def save_as(self) -> QFileDialog:
        """Ask where to save (the file name proposed); saving happens when chosen."""
        folder = _save_folder()
        dialog = QFileDialog(self, "另存为PDF", str(folder))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter("PDF 文件 (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(str(folder / self.file_name))
        dialog.fileSelected.connect(self.save_to)
        dialog.open()
        return dialog

    def save_to(self, path: str | Path) -> bool:
        """Write the PDF to ``path``. On failure a message says which file and what to
        do, and nothing is left behind. True when saved."""
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            write_atomically(target, self.pdf)
        except SaveError as exc:
            messages.warning(self, "没有保存", exc.message)
            return False
        log.info("saved a PDF in %s", target.parent)  # not its name: it may name a party
        settings = ui_settings.settings()
        settings.setValue(SAVE_DIR_KEY, str(target.parent))
        settings.sync()
        self._show_status(f"已保存：{target}")
        emit(self.saved, str(target))
        return True

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()

    # ---- closing ----------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_printing:
            self.cancel_print()
        super().closeEvent(event)


def _readout() -> QToolButton:
    """A text in the toolbar ("第1页 共2页", "100%"): a flat button that cannot be
    pressed, so it lines up with the buttons beside it at every font size."""
    readout = QToolButton()
    readout.setAutoRaise(True)
    readout.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    readout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return readout


def _save_folder() -> Path:
    saved = ui_settings.settings().value(SAVE_DIR_KEY, "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def show_preview(
    pdf: bytes,
    *,
    title: str,
    number: str | None = None,
    copies: int = 1,
    blank: bool = False,
    copies_note: str = "",
    parent: QWidget | None = None,
) -> PreviewWindow:
    """Open a preview window for ``pdf`` (and the font warning, the first time)."""
    window = PreviewWindow(
        pdf,
        title=title,
        number=number,
        copies=copies,
        blank=blank,
        copies_note=copies_note,
        parent=parent,
    )
    window.show()
    window.raise_()
    window.activateWindow()
    warn_font_problems(window)
    return window
