"""Uncaught exceptions: log them and show a calm dialog with a copyable report.

Bugs get the crash dialog. A ``StorageError`` (locked, read-only, full disk, not a
database, damaged) is the machine's fault, not ours: the user sees its plain message
instead; so does a raw sqlite3 error that such a cause explains (a read that went round
the mapping of app/models/db.py).
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sqlite3
import sys
from datetime import datetime
from types import TracebackType

from app import APP_TITLE, __version__
from app.models import privacy
from app.qt.core import Qt, QTimer
from app.qt.gui import QFontDatabase, QGuiApplication
from app.qt.widgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

_handling = False  # set while the hook runs: an error inside it must not recurse
_open_dialog: CrashDialog | None = None  # one dialog collects a burst of errors


def format_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """The text a user copies to support: versions, system and the traceback."""
    lines = [
        f"{APP_TITLE} 错误报告",
        f"时间: {datetime.now().isoformat(timespec='seconds')}",
        f"程序版本: {__version__}{'（安装版）' if getattr(sys, 'frozen', False) else ''}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Qt: {_qt_versions()}",
        f"系统: {_safe(platform.platform)}",
        "",
        # no personal data: the program's own messages left out, numbers masked
        privacy.format_exception(exc_type, exc, tb).rstrip(),
    ]
    return "\n".join(lines)


def _qt_versions() -> str:
    try:
        from app import qt

        reason = qt.unsupported_reason()
        return qt.versions_text() + (f" — {reason}" if reason else "")
    except Exception as exc:  # the report must never fail to build
        return f"? ({exc!r})"


def _safe(probe: object) -> str:
    try:
        return str(probe() if callable(probe) else probe)
    except Exception as exc:
        return f"? ({exc!r})"


class CrashDialog(QDialog):
    """Non-blocking: the user may close it and keep working."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序出错了")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 520)

        intro = QLabel(
            "程序出错了，刚才这一步操作可能没有完成。\n"
            "之前已经保存的案件和记录都安全地保存在数据库里，不会丢失。\n"
            "请点击“复制报告”，把报告发给技术支持人员。"
            "关闭本窗口后可以继续工作；如果同样的错误反复出现，请重新启动程序。"
        )
        intro.setWordWrap(True)

        self.report_view = QPlainTextEdit(report)
        self.report_view.setReadOnly(True)
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(max(self.font().pointSize() - 2, 9))  # tracebacks are long lines
        self.report_view.setFont(mono)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("复制报告")
        self.close_button = QPushButton("关闭")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.copy_button.clicked.connect(self.copy_report)
        self.close_button.clicked.connect(self.reject)
        self.close_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(buttons)

    def report(self) -> str:
        return self.report_view.toPlainText()

    def add_report(self, report: str) -> None:
        """A later error while this dialog is open joins it instead of stacking dialogs."""
        self.report_view.appendPlainText("\n" + "=" * 40 + "\n" + report)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText("已复制")
        QTimer.singleShot(2000, self._restore_copy_label)

    def _restore_copy_label(self) -> None:
        # The dialog may be gone by then (closed within two seconds).
        with contextlib.suppress(RuntimeError):
            self.copy_button.setText("复制报告")


def handle_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """The sys.excepthook: log, then show the crash dialog or a storage message."""
    global _handling
    if _handling or issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _handling = True
    try:
        _handle(exc_type, exc, tb)
    except BaseException:
        # The hook itself failed: never lose the original error, never loop.
        try:
            log.exception("the exception hook failed")
        finally:
            sys.__excepthook__(exc_type, exc, tb)
    finally:
        _handling = False


def _handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _open_dialog
    from app.models.db import StorageError, translate_error  # models import no UI

    app = QApplication.instance()
    if isinstance(exc, sqlite3.Error):
        # A raw read outside the StorageError mapping met a damaged or locked file: the
        # machine's fault all the same, so its plain message, never the crash dialog.
        translated = translate_error(exc, None, reading=True)
        if isinstance(translated, StorageError):
            translated.__cause__ = exc
            exc_type, exc = type(translated), translated
    if isinstance(exc, StorageError):
        log.warning("storage problem: %s", exc.message, exc_info=(exc_type, exc, tb))
        if app is not None:
            messages.show_storage_error(QApplication.activeWindow(), exc)
        return

    log.error("unhandled exception", exc_info=(exc_type, exc, tb))
    if not isinstance(app, QApplication):
        return  # no GUI (yet): the log and stderr have it
    report = format_report(exc_type, exc, tb)
    if _open_dialog is not None:
        _open_dialog.add_report(report)
        return
    # No parent: closing whichever window was active must not take the report with it.
    dialog = CrashDialog(report)
    _open_dialog = dialog
    dialog.finished.connect(lambda *_: _forget_dialog(dialog))
    dialog.destroyed.connect(lambda *_: _forget_dialog(dialog))
    dialog.show()  # application-modal, so it stays above the windows it blocks
    dialog.activateWindow()


def _forget_dialog(dialog: CrashDialog) -> None:
    global _open_dialog
    if _open_dialog is dialog:
        _open_dialog = None


def install_excepthook() -> None:
    sys.excepthook = handle_exception
