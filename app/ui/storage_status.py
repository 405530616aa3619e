"""What the main window says about its database file (docs/storage-safety.md).

- A file opened read-only (a read-only medium or file, a full disk at start, a damaged file
  the user chose to view): "只读" in the status bar, its reason in the tool tip, and the
  reason in a box once the window shows. Every save is refused by the model with a message
  that says why (app/models/db.py ``Database.write_refusal``).
- A notice from opening (a database on a network share): told once the window shows.
- A file too large to check within the opening's budget: ``quick_check`` is finished in the
  background, with its own connection, a moment after the window shows. When it finds
  damage the file is marked damaged (no more writes in this run), the status bar says so
  and the damaged-file message is shown (it offers the restore of a backup).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from app.models import db as dbmod
from app.models.db import DamagedDatabaseError, Database
from app.qt.core import QCoreApplication, QObject, QTimer, Signal
from app.qt.widgets import QLabel, QMainWindow
from app.ui import messages
from app.ui.jobs import BackgroundJob, Progress
from app.ui.look import ERROR, tint
from app.ui.signals import emit

log = logging.getLogger(__name__)

# After the window shows and its first lists are read.
CHECK_DELAY_MS = 3000
READ_ONLY_LABEL = "只读"
DAMAGED_LABEL = "数据库已损坏：只能查看"
READ_ONLY_TITLE = "以只读方式打开"
NETWORK_TITLE = "数据库在网络共享上"
CHECK_FAILURE = "数据库文件的完整性检查没有做完，下次打开程序时会再检查。"


class _Check:
    """The background check's connection, reachable from the GUI thread to interrupt it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._stopped = False

    def run(self, progress: Progress, cancelled: Callable[[], bool]) -> list[str] | None:
        try:
            db = dbmod.connect(self.path, migrate=False, check=False)
        except dbmod.StorageError as exc:
            log.warning("background quick_check skipped: %s", exc.message)
            return None
        try:
            with self._lock:
                if self._stopped:
                    return None
                self._conn = db.conn
            problems = dbmod.integrity_problems(db.conn)
            log.info("background quick_check of %s: %s", self.path, problems or "ok")
            return problems
        except sqlite3.OperationalError as exc:  # interrupted: the program is closing
            log.info("background quick_check stopped: %s", exc)
            return None
        finally:
            with self._lock:
                self._conn = None
            db.close()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._conn is not None:
                self._conn.interrupt()  # safe from another thread


class StorageStatus(QObject):
    """The main window's storage status; ``damage_found`` when the background check found
    the file damaged."""

    damage_found = Signal(object)  # DamagedDatabaseError

    def __init__(self, db: Database, window: QMainWindow) -> None:
        super().__init__(window)
        self.db = db
        self._window = window
        self.label = QLabel()
        tint(self.label, ERROR)
        self.label.hide()
        window.statusBar().insertPermanentWidget(0, self.label)
        self.job: BackgroundJob | None = None
        self._check: _Check | None = None
        self.show_state()
        QTimer.singleShot(0, self, self._tell_once)
        if db.path is not None and db.integrity == "unchecked" and not db.read_only:
            self._check = check = _Check(db.path)
            app = QCoreApplication.instance()
            if app is not None:  # before the job's own: interrupt first, then wait
                app.aboutToQuit.connect(check.stop)
            self.job = BackgroundJob(
                check.run,
                window,
                title="检查数据库文件",
                cancel_errors=(),
                failure=CHECK_FAILURE,
                show_progress=False,
            )
            self.job.done.connect(self._checked)
            QTimer.singleShot(CHECK_DELAY_MS, self, self._start_check)

    def show_state(self) -> None:
        """The status bar's note: damaged, read-only, or nothing."""
        if self.db.integrity == "damaged" or (
            self.db.path is not None and dbmod.is_damaged(self.db.path)
        ):
            self.label.setText(DAMAGED_LABEL)
            self.label.setToolTip(
                "检查发现数据库文件已损坏。可以查看和打印，不能修改。\n"
                "请从备份恢复最近一份完好的数据（“设置”→“备份与恢复”）。"
            )
            self.label.show()
        elif self.db.read_only:
            self.label.setText(READ_ONLY_LABEL)
            self.label.setToolTip(self.db.read_only_reason)
            self.label.show()
        else:
            self.label.hide()

    def _tell_once(self) -> None:
        if self.db.read_only and self.db.integrity != "damaged":
            messages.info(self._window, READ_ONLY_TITLE, self.db.read_only_reason)
        for notice in self.db.notices:
            messages.warning(self._window, NETWORK_TITLE, notice)

    def _start_check(self) -> None:
        job = self.job
        if job is not None and not job.worker.is_cancelled:
            job.start()

    def _checked(self, problems: object) -> None:
        if not isinstance(problems, list):
            return  # not finished: the next start checks again
        if not problems:
            self.db.integrity = "ok"
            return
        assert self.db.path is not None
        dbmod.mark_damaged(self.db.path)
        self.db.integrity = "damaged"
        self.show_state()
        error = DamagedDatabaseError(
            dbmod.damaged_message(self.db.path, when="open", problems=len(problems)),
            path=self.db.path,
            problems=tuple(str(p) for p in problems),
        )
        messages.show_storage_error(self._window, error)
        emit(self.damage_found, error)

    @property
    def is_checking(self) -> bool:
        return self.job is not None and self.job.is_running

    def stop(self) -> None:
        """The window closes: stop the check at once (it runs again next time)."""
        if self._check is not None:
            self._check.stop()
        job = self.job
        if job is None:
            return
        job.cancel()
        if job.is_running:
            job.worker_thread.quit()
            job.worker_thread.wait()
