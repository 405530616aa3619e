"""An older file's search index brought up to date in the background.

When a new version of the program changes the search tokens (search.INDEX_VERSION), a
file's rows are rebuilt by ``search.rebuild_index`` in a worker with its own connection,
a moment after the main window shows: never on the start path. The status bar says how
far it is ("正在更新检索索引… 35%") and the note goes when it is done. Search and saving work
all along (the old rows still find what they found; a case saved meanwhile gets a current
row at once). Closing the program stops it after the batch being written; it goes on from
there at the next start. A file that cannot be written (read-only, locked by another
program) is left as it is, with a log line, and tried again next time.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from app.models import search
from app.models.db import Database, StorageError, connect
from app.qt.core import QObject, QTimer, Signal
from app.qt.widgets import QLabel, QMainWindow, QWidget
from app.ui.jobs import BackgroundJob, Progress
from app.ui.signals import emit

log = logging.getLogger(__name__)

# After the window shows: its first paint and the start page's lists come first.
START_DELAY_MS = 1000
LABEL = "正在更新检索索引… {percent}%"
TOOLTIP = (
    "程序升级后，检索索引要按新规则整理一遍（例如姓“单”的当事人也能用 shan 查到）。\n"
    "整理期间照常查找、登记和办理案件；整理完后这条提示自动消失。\n"
    "中途退出程序不要紧，下次打开时接着整理。"
)
FAILURE = "检索索引没有更新完。查找仍然可以使用，下次打开程序时会接着更新。"


def _rebuild(path: Path, progress: Progress, cancelled: Callable[[], bool]) -> search.RebuildResult:
    """The worker's part: its own connection, the model's batches."""
    try:
        db = connect(path, migrate=False)
    except StorageError as exc:
        log.warning("search index rebuild skipped (it is tried again next time): %s", exc.message)
        return search.RebuildResult(search.RebuildOutcome.SKIPPED, 0, 0, 0.0)
    try:
        return search.rebuild_index(
            db, progress=lambda done, total: progress(done, total, ""), cancelled=cancelled
        )
    finally:
        db.close()


class SearchIndexJob(BackgroundJob):
    """``search.rebuild_index`` in a worker, no progress dialog; ``percent(n)`` each time
    the whole percentage changes (99 at most: 100 is ``done``)."""

    percent = Signal(int)

    def __init__(self, path: Path, parent: QWidget | None) -> None:
        super().__init__(
            functools.partial(_rebuild, path),
            parent,
            title="更新检索索引",
            cancel_errors=(),
            failure=FAILURE,
            show_progress=False,
        )
        self._percent = -1

    def _on_progress(self, n: int, total: int, what: str) -> None:
        if self.worker.is_cancelled:
            return
        percent = min(99, n * 100 // total) if total > 0 else 99
        if percent != self._percent:
            self._percent = percent
            emit(self.percent, percent)


class SearchIndexStatus(QObject):
    """The main window's part: starts the job when the file needs it (START_DELAY_MS after
    the window is made) and shows its progress in the status bar, left of the office."""

    def __init__(self, db: Database, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.label = QLabel()
        self.label.setToolTip(TOOLTIP)
        em = self.label.fontMetrics().horizontalAdvance("　")
        self.label.setContentsMargins(0, 0, em, 0)  # apart from the office's name
        self.label.hide()
        window.statusBar().insertPermanentWidget(0, self.label)
        self.job: SearchIndexJob | None = None
        if db.path is None:  # in memory: no worker can open it
            return
        try:
            current = search.index_is_current(db)
        except StorageError as exc:
            log.warning("search index version not read: %s", exc.message)
            return
        if current:
            return
        self.job = SearchIndexJob(db.path, window)
        self.job.percent.connect(self._show_percent)
        self.job.done.connect(self._ended)
        self.job.stopped.connect(self._ended)
        QTimer.singleShot(START_DELAY_MS, self, self._start)

    @property
    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running

    def _start(self) -> None:
        job = self.job
        if job is not None and not job.worker.is_cancelled:
            job.start()

    def _show_percent(self, percent: int) -> None:
        self.label.setText(LABEL.format(percent=percent))
        self.label.show()

    def _ended(self) -> None:
        self.label.hide()
        self.label.clear()

    def stop(self) -> None:
        """The window closes: the worker stops after the batch it is writing (the next
        start goes on from there); returns when it has."""
        job = self.job
        if job is None:
            return
        job.cancel()  # a job not started yet never starts
        if job.is_running:
            job.worker_thread.quit()  # its loop ends as soon as the work returns
            job.worker_thread.wait()
        self._ended()
