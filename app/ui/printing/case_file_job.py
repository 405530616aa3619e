"""打印卷宗 in the UI: the bound case file made off the GUI thread.

The case file itself (cover, 卷内目录 with the real page numbers, every document of the
case joined with pypdf) is plain Python in :mod:`app.printing.case_file`; this module only
runs it. ``CaseFileRun`` runs :func:`~app.printing.case_file.assemble` in a QThread (the
worker opens its own database connection), shows "第n份，共N份" in a progress dialog that
can cancel, and opens the result in the preview. Cancelled, nothing is produced.

The names of app.printing.case_file that callers used from here (``assemble``,
``documents_of``, ``Cancelled``, ``Part``, ``CaseFileBundle``, ``TITLE``) are re-exported.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.models.casefile import load_case
from app.models.db import StorageError, connect
from app.models.errors import DomainError
from app.printing.case_file import (
    TITLE,
    Cancelled,
    CaseFileBundle,
    Part,
    assemble,
    documents_of,
)
from app.ui import messages
from app.ui.printing.context import office_for
from app.ui.printing.files import suggested_file_name
from app.ui.printing.preview import PreviewWindow, show_preview
from app.ui.signals import emit

__all__ = [
    "TITLE",
    "Cancelled",
    "CaseFileBundle",
    "CaseFileRun",
    "CaseFileWorker",
    "Part",
    "assemble",
    "documents_of",
    "file_name",
]

log = logging.getLogger(__name__)


class CaseFileWorker(QObject):
    """Runs :func:`assemble` in its thread with its own database connection. Reports
    through signals only (queued to the GUI thread); never touches a widget."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # CaseFileBundle
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, db_path: Path, case_id: str, *, court_name: str = "") -> None:
        super().__init__()
        self._db_path = db_path
        self._case_id = case_id
        self._court_name = court_name
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop before the next document (safe to call from any thread)."""
        self._stop.set()

    @property
    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if self._stop.is_set():
                raise Cancelled
            db = connect(self._db_path, migrate=False)
            try:
                case = load_case(db, self._case_id)
                office = office_for(db, case, court_name=self._court_name)
            finally:
                db.close()
            bundle = assemble(
                case,
                office,
                # Direct emit: routing this through signals.emit from the worker thread hung
                # the job in a test (not understood yet); a case file emits a few dozen times.
                progress=self.progress.emit,
                cancelled=self._stop.is_set,
            )
        except Cancelled:
            log.info("case file of %s cancelled", self._case_id)
            emit(self.cancelled)
        except (StorageError, DomainError) as exc:
            emit(self.failed, exc.message)
        except Exception:
            log.exception("case file of %s failed", self._case_id)
            emit(
                self.failed,
                "生成卷宗时出了错，卷宗没有生成。各份文书仍可以在“打印”菜单里逐份打印。"
                "详细情况已记入日志，请联系技术人员。",
            )
        else:
            emit(self.finished, bundle)


# Jobs still running, kept alive until their thread has finished.
_running: set[CaseFileRun] = set()


class CaseFileRun(QObject):
    """One 打印卷宗 job: the worker thread, the progress dialog, the preview at the end.

    ``done(window)`` when the preview opened; ``stopped()`` when cancelled or failed.
    """

    done = Signal(object)  # PreviewWindow
    stopped = Signal()

    def __init__(
        self,
        db_path: Path,
        case_id: str,
        parent: QWidget | None,
        *,
        number: str | None = None,
        court_name: str = "",
        show_progress: bool = True,
    ) -> None:
        super().__init__()
        self._parent = parent
        self.number = number
        self.result: CaseFileBundle | None = None
        self.window: PreviewWindow | None = None
        self.worker = CaseFileWorker(db_path, case_id, court_name=court_name)
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"case-file-{case_id}")
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker_thread.finished.connect(self.worker.deleteLater)
        self.worker_thread.finished.connect(self._on_thread_finished)
        self.progress: QProgressDialog | None = None
        if show_progress:
            self.progress = QProgressDialog("正在准备卷宗…", "取消", 0, 1, parent)
            self.progress.setWindowTitle(f"打印卷宗 {number or ''}".strip())
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(300)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(self.cancel)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_now)

    @property
    def is_running(self) -> bool:
        return self.worker_thread.isRunning()

    def start(self) -> None:
        _running.add(self)
        self.worker_thread.start()

    def cancel(self) -> None:
        self.worker.cancel()
        if self.progress is not None:
            self.progress.setLabelText("正在取消…")

    def _stop_now(self) -> None:
        """The program is quitting: stop the worker and wait for its thread."""
        self.worker.cancel()
        self.worker_thread.quit()
        self.worker_thread.wait()

    def _on_progress(self, n: int, total: int, title: str) -> None:
        if self.progress is None or self.worker.is_cancelled:
            return
        self.progress.setMaximum(total)
        if n < total:
            self.progress.setLabelText(f"正在生成第{n}份，共{total - 1}份：《{title}》")
        else:
            self.progress.setLabelText("正在装订成册…")
        self.progress.setValue(n - 1)

    def _on_finished(self, bundle: CaseFileBundle) -> None:
        cancelled = self.worker.is_cancelled
        self._close_progress()
        self.worker_thread.quit()
        if cancelled:  # cancelled after the last step: produce nothing
            emit(self.stopped)
            return
        self.result = bundle
        parent = self._live_parent()
        self.window = show_preview(bundle.pdf, title=TITLE, number=bundle.number, parent=parent)
        emit(self.done, self.window)

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.worker_thread.quit()
        parent = self._live_parent()
        messages.warning(parent, "卷宗没有生成", message)
        emit(self.stopped)

    def _on_cancelled(self) -> None:
        self._close_progress()
        self.worker_thread.quit()
        emit(self.stopped)

    def _live_parent(self) -> QWidget | None:
        parent = self._parent
        return parent if parent is not None and shiboken6.isValid(parent) else None

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None and shiboken6.isValid(progress):
            progress.canceled.disconnect(self.cancel)
            progress.close()
            progress.deleteLater()

    def _on_thread_finished(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.disconnect(self._stop_now)
        self.worker_thread.wait()  # "finished" comes just before the thread really ends
        _running.discard(self)


def file_name(number: str | None) -> str:
    return suggested_file_name(TITLE, number)
