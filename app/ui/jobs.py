"""Long work off the GUI thread: a worker in a QThread, a progress dialog that can cancel,
and one signal with the result.

``work(progress, cancelled)`` is plain Python (no widgets): it calls ``progress(n, total,
what)`` now and then, asks ``cancelled()`` between steps and raises its own "cancelled"
exception (listed in ``cancel_errors``) to stop. It must open its own database
connection: a sqlite3 connection belongs to the thread that made it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app import qt
from app.models.db import Database, StorageError, connect, translate_error
from app.models.errors import DomainError
from app.qt.core import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from app.qt.widgets import QProgressDialog, QWidget
from app.ui import messages
from app.ui.signals import emit

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Work = Callable[[Progress, Callable[[], bool]], object]


def counting(progress: Progress) -> Callable[[int, int], None]:
    """Show a job's ``progress`` busy at once (its dialog then appears after its minimum
    duration, before the first count) and return the ``progress(n, total)`` a model
    service reports its count through."""
    progress(0, 0, "")
    return lambda n, total: progress(n, total, "")


@contextmanager
def worker_database(path: Path) -> Iterator[Database]:
    """The worker's own connection (a sqlite3 connection belongs to the thread that made it)."""
    database = connect(path, migrate=False)
    try:
        yield database
    finally:
        database.close()


class Worker(QObject):
    """Runs ``work`` in its thread; reports only through signals (queued to the GUI)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self, work: Work, *, cancel_errors: tuple[type[BaseException], ...], failure: str
    ) -> None:
        super().__init__()
        self._work = work
        self._cancel_errors = cancel_errors
        self._failure = failure
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if self._stop.is_set():  # cancelled before it began: nothing to undo
                emit(self.cancelled)
                return
            # Direct emit from the worker thread (see case_file_job: signals.emit hung there).
            result = self._work(self.progress.emit, self._stop.is_set)
        except self._cancel_errors:
            emit(self.cancelled)
        except (StorageError, DomainError) as exc:
            emit(self.failed, exc.message)
        except sqlite3.Error as exc:  # a raw read that met a damaged or locked file
            translated = translate_error(exc, None, reading=True)
            if isinstance(translated, StorageError):
                log.warning("background job: %s", translated.message, exc_info=exc)
                emit(self.failed, translated.message)
            else:
                log.exception("background job failed")
                emit(self.failed, self._failure)
        except Exception:
            log.exception("background job failed")
            emit(self.failed, self._failure)
        else:
            emit(self.finished, result)
        # Nothing Qt after this in the worker thread: PySide calls into Qt holding the GIL,
        # and Qt's signal-slot lock is taken by the GUI thread in disconnect() while it
        # waits for the GIL (disconnectNotify's Python override). Both a deleteLater'd
        # worker destroyed here and a moveToThread() here deadlocked that way in tests.
        # The worker is destroyed in the GUI thread when the job drops it (gc_guard keeps
        # cycle collection there too).


_running: set[BackgroundJob] = set()  # kept alive until their thread has finished


class BackgroundJob(QObject):
    """One job: ``done(result)`` when it finished, ``stopped()`` when cancelled or failed
    (a failure is told in a message box first)."""

    done = Signal(object)
    stopped = Signal()

    def __init__(
        self,
        work: Work,
        parent: QWidget | None,
        *,
        title: str,
        cancel_errors: tuple[type[BaseException], ...],
        failure: str,
        describe: Callable[[int, int, str], str] = lambda n, total, what: what,
        first_label: str = "正在准备…",
        failure_title: str = "",
        show_progress: bool = True,
    ) -> None:
        super().__init__()
        self._parent = parent
        self._title = title
        self._describe = describe
        self._failure_title = failure_title or f"{title}没有完成"
        self.result: object = None
        self._answered = False  # done or stopped was emitted
        self.worker = Worker(work, cancel_errors=cancel_errors, failure=failure)
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(title)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker_thread.finished.connect(self._on_thread_finished)
        self.progress: QProgressDialog | None = None
        if show_progress:
            self.progress = QProgressDialog(first_label, "取消", 0, 1, parent)
            self.progress.setWindowTitle(title)
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
        """The worker thread runs (also for a moment after ``done``/``stopped``, while it
        winds down: wait for it, or cancel, by this)."""
        return self.worker_thread.isRunning()

    @property
    def is_answered(self) -> bool:
        """``done`` or ``stopped`` was emitted: for the widget that started the job it is
        over, and a button that starts another may be pressed (is_running may still be
        True then: a click right after ``done`` would otherwise be refused)."""
        return self._answered

    def start(self) -> None:
        _running.add(self)
        self.worker_thread.start()

    def cancel(self) -> None:
        self.worker.cancel()
        if self.progress is not None:
            self.progress.setLabelText("正在取消…")

    def _stop_now(self) -> None:
        self.worker.cancel()
        self.worker_thread.quit()
        self.worker_thread.wait()

    def _on_progress(self, n: int, total: int, what: str) -> None:
        if self.progress is None or self.worker.is_cancelled:
            return
        # progress(n, total, …) comes before step n: n - 1 steps are done.
        self.progress.setMaximum(max(total, 1))
        self.progress.setLabelText(self._describe(n, total, what))
        self.progress.setValue(n - 1 if n < total else total)

    def finish(self, result: object) -> object:
        """What ``done`` reports for the work's result (subclasses open a preview here)."""
        return result

    def _on_finished(self, result: object) -> None:
        cancelled = self.worker.is_cancelled
        self._close_progress()
        self.worker_thread.quit()
        self._answered = True
        if cancelled:  # cancelled after the last step: nothing is produced
            emit(self.stopped)
            return
        self.result = result
        emit(self.done, self.finish(result))

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.worker_thread.quit()
        self._answered = True
        if not self.worker.is_cancelled:  # a failure after 取消 (or a closed window) is moot
            messages.warning(self.live_parent(), self._failure_title, message)
        emit(self.stopped)

    def _on_cancelled(self) -> None:
        self._close_progress()
        self.worker_thread.quit()
        self._answered = True
        emit(self.stopped)

    def live_parent(self) -> QWidget | None:
        """The parent widget, unless it was closed (and deleted) while the job ran."""
        parent = self._parent
        return parent if parent is not None and qt.is_valid(parent) else None

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None and qt.is_valid(progress):
            progress.canceled.disconnect(self.cancel)
            progress.close()
            progress.deleteLater()

    def _on_thread_finished(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.disconnect(self._stop_now)
        self.worker_thread.wait()  # "finished" comes just before the thread really ends
        _running.discard(self)
