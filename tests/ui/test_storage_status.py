"""What the user sees of a damaged, read-only or shared database file (app/ui/storage_status.py,
the start in app/__main__.py, the nets in crash_dialog and jobs). Real damaged files: a page
in the middle of a database the services wrote is overwritten (tests/models/damage.py)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QMainWindow

import app.__main__ as entry
from app.models import db as dbmod
from app.models.db import DamagedDatabaseError, DatabaseReadOnlyError
from app.ui import crash_dialog, messages, storage_status
from app.ui.crash_dialog import CrashDialog
from app.ui.jobs import BackgroundJob
from tests.models.damage import build_office_file, damage_middle_of
from tests.models.helpers import register

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _forget_damaged_files() -> Iterator[None]:
    yield
    with dbmod._session_lock:
        dbmod._damaged_files.clear()
        dbmod._read_only_files.clear()


@pytest.fixture(scope="module")
def office_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("office") / "office.sqlite3"
    build_office_file(path, cases=40)
    return path


@pytest.fixture
def damaged_file(office_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "mediation.sqlite3"
    shutil.copy(office_file, path)
    damage_middle_of(path, "case_events")
    return path


def window(qtbot) -> QMainWindow:
    w = QMainWindow()
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_read_only_file_says_so_in_the_status_bar_and_once_in_a_box(
    qtbot, boxes, office_file, tmp_path, monkeypatch
):
    path = tmp_path / "mediation.sqlite3"
    shutil.copy(office_file, path)
    monkeypatch.setattr(dbmod, "MIN_FREE_BYTES", shutil.disk_usage(tmp_path).free + 10**12)
    db = dbmod.connect(path)
    try:
        main = window(qtbot)
        status = storage_status.StorageStatus(db, main)
        qtbot.waitUntil(lambda: len(boxes.calls) == 1)
        assert status.label.isVisible() and status.label.text() == "只读"
        assert "磁盘已满" in status.label.toolTip()
        kind, title, text = boxes.calls[0]
        assert (kind, title) == ("info", storage_status.READ_ONLY_TITLE)
        assert text == db.read_only_reason and "不能修改" in text
        assert status.job is None  # a read-only file is not checked in the background
    finally:
        db.close()


def test_a_network_share_is_told_once_the_window_shows(qtbot, boxes, database):
    database.notices.append(
        dbmod.network_share_message(Path("/mnt/office/mediation.sqlite3"), "cifs")
    )
    main = window(qtbot)
    status = storage_status.StorageStatus(database, main)
    qtbot.waitUntil(lambda: len(boxes.calls) == 1)
    kind, title, text = boxes.calls[0]
    assert (kind, title) == ("warning", storage_status.NETWORK_TITLE)
    assert "同步" in text
    assert not status.label.isVisible()


def test_the_background_check_finds_damage_the_opening_had_no_time_for(
    qtbot, boxes, damaged_file, monkeypatch
):
    monkeypatch.setattr(storage_status, "CHECK_DELAY_MS", 0)
    db = dbmod.connect(damaged_file, check=False)  # as when the budget ran out
    try:
        assert db.integrity == "unchecked"
        main = window(qtbot)
        status = storage_status.StorageStatus(db, main)
        with qtbot.waitSignal(status.damage_found, timeout=30_000) as found:
            pass
        error = found.args[0]
        assert isinstance(error, DamagedDatabaseError) and error.offer_restore
        assert db.integrity == "damaged"
        assert status.label.text() == storage_status.DAMAGED_LABEL
        assert boxes.calls[-1][1] == messages.STORAGE_ERROR_TITLE
        assert "已损坏" in boxes.calls[-1][2] and "从备份恢复" in boxes.calls[-1][2]
        with pytest.raises(DamagedDatabaseError):
            register(db, applicant="王五")
    finally:
        db.close()


def test_the_background_check_of_a_sound_file_says_nothing(
    qtbot, boxes, office_file, tmp_path, monkeypatch
):
    monkeypatch.setattr(storage_status, "CHECK_DELAY_MS", 0)
    path = tmp_path / "mediation.sqlite3"
    shutil.copy(office_file, path)
    db = dbmod.connect(path, check=False)
    try:
        main = window(qtbot)
        status = storage_status.StorageStatus(db, main)
        assert status.job is not None
        with qtbot.waitSignal(status.job.done, timeout=30_000):
            pass
        assert db.integrity == "ok"
        assert boxes.calls == []
        assert not status.label.isVisible()
        status.stop()
    finally:
        db.close()


# ---- the nets: a raw sqlite3 error never reaches the crash dialog ------------------------


@pytest.fixture
def hook(qapp, monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    crash_dialog.install_excepthook()
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, CrashDialog) and shiboken6.isValid(w):
            w.close()


def _raised(exc: BaseException) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    try:
        raise exc
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__


@pytest.mark.usefixtures("hook")
def test_a_raw_corruption_error_is_the_damaged_message_not_the_crash_dialog(boxes):
    crash_dialog.handle_exception(
        *_raised(sqlite3.DatabaseError("database disk image is malformed"))
    )
    assert boxes.titles() == [messages.STORAGE_ERROR_TITLE]
    assert "已损坏" in boxes.calls[0][2]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]


@pytest.mark.usefixtures("hook")
def test_a_raw_sqlite_bug_still_gets_the_crash_dialog(qtbot, boxes):
    crash_dialog.handle_exception(*_raised(sqlite3.OperationalError("no such column: nonsense")))
    assert boxes.calls == []
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]
    assert dialogs and "no such column" in dialogs[0].report()


def test_a_background_job_that_meets_damage_says_so(qtbot, boxes, caplog):
    def work(progress, cancelled):
        raise sqlite3.DatabaseError("database disk image is malformed")

    main = window(qtbot)
    job = BackgroundJob(work, main, title="导出台账", cancel_errors=(), failure="导出没有完成。")
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(job.stopped, timeout=10_000):
        job.start()
    assert boxes.titles() == ["导出台账没有完成"]
    assert "已损坏" in boxes.calls[0][2]
    assert "导出没有完成" not in boxes.calls[0][2]


# ---- at start -----------------------------------------------------------------------------


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_a_damaged_file_at_start_offers_read_only_and_quits_when_declined(
    qapp, damaged_file, tmp_path, monkeypatch
):
    monkeypatch.setattr("app.paths.log_dir", lambda: tmp_path / "logs")
    before = damaged_file.read_bytes()
    with messages.respond_with(lambda *_: False) as calls:
        code = entry.main(["--db", str(damaged_file)])
    assert code == entry.EXIT_STORAGE_ERROR
    assert len(calls) == 1
    kind, title, text = calls[0]
    assert (kind, title) == ("choose", messages.STORAGE_ERROR_TITLE)
    assert "已损坏" in text and "从备份恢复" in text and "只读打开" in text
    assert damaged_file.read_bytes() == before


def test_a_damaged_file_at_start_is_a_plain_message_in_the_smoke_test(damaged_file, tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MEDIATION_DESK_TESTING": "1",
        "PYTHONIOENCODING": "utf-8",
        "MEDIATION_DESK_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(damaged_file), "--quit-after", "300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == entry.EXIT_STORAGE_ERROR
    assert "已损坏" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_damaged_file_opened_read_only_refuses_writes_with_the_damage_named(damaged_file):
    with pytest.raises(DamagedDatabaseError):
        dbmod.connect(damaged_file)
    viewer = dbmod.connect(damaged_file, read_only=True, check=False)
    try:
        with pytest.raises((DamagedDatabaseError, DatabaseReadOnlyError)) as info:
            register(viewer, applicant="王五")
        assert "已损坏" in info.value.message  # not merely "read-only": why, and what to do
    finally:
        viewer.close()
