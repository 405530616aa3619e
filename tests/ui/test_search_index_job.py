"""An older file's search index is rebuilt in the background after the main window shows;
the status bar tells how far it is, and the note goes when it is done."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import search
from app.models.db import Database
from app.models.search import RebuildOutcome, RebuildResult
from app.ui import search_index_job
from app.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.helpers import file_of
from tests.models.test_search_rebuild import body, current_body, make_v1, register_many
from tests.ui.message_boxes import Boxes
from tests.ui.test_app_shell import _log_text, _run_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def start_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job starts on the first turn of the event loop (the program waits a second)."""
    monkeypatch.setattr(search_index_job, "START_DELAY_MS", 0)


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_shows_before_the_rebuild_and_the_status_bar_tells_how_far(
    qtbot: QtBot, tmp_path: Path, boxes: Boxes, start_at_once: None
) -> None:
    path = tmp_path / "v1.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)  # a file of the first release
    db = dbmod.connect(path)
    window = open_window(qtbot, db)
    assert window.isVisible()
    assert not search.index_is_current(db)  # nothing was rebuilt on the way to the window
    status = window.search_index
    job = status.job
    assert job is not None and not status.label.isVisible()
    seen: list[tuple[int, bool, str]] = []
    job.percent.connect(lambda p: seen.append((p, status.label.isVisible(), status.label.text())))

    with qtbot.waitSignal(job.done, timeout=30_000) as finished:
        pass

    result = finished.args[0]
    assert isinstance(result, RebuildResult) and result.outcome is RebuildOutcome.DONE
    # Three cases in one batch: 0 % before it, then as far as the note goes (100 % is gone).
    assert seen == [(0, True, "正在更新检索索引… 0%"), (99, True, "正在更新检索索引… 99%")]
    assert window.statusBar().isAncestorOf(status.label)
    assert status.label.x() < window.office_label.x()  # left of the office's name
    assert not status.label.isVisible()
    assert search.index_is_current(db)
    # What the mediator sees: 𠮷祥 is found by pinyin now (version 1 had no reading for 𠮷).
    page = window.register_page
    window.focus_search()
    page.search.setText("jixiang")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.count_label.text() == "共 1 件"
    window.close()
    db.close()


def test_closing_the_window_stops_the_rebuild_and_the_next_start_goes_on(
    qtbot: QtBot, office_db: Database, boxes: Boxes, start_at_once: None
) -> None:
    ids = register_many(office_db, 4 * search.REBUILD_BATCH)
    make_v1(office_db)
    window = open_window(qtbot, office_db)
    status = window.search_index
    job = status.job
    assert job is not None
    # The program is saving when the rebuild begins: the worker can write nothing before
    # its first report, where the window is closed (the user quits).
    office_db.conn.execute("BEGIN IMMEDIATE")

    def quit_at_first_report(_percent: int) -> None:
        if window.isVisible():
            job.cancel()
            office_db.conn.execute("ROLLBACK")  # the save is done
            window.close()  # waits for the worker to stop

    job.percent.connect(quit_at_first_report)
    with qtbot.waitSignal(job.stopped, timeout=30_000):
        pass
    assert not window.isVisible() and not status.is_running
    assert not status.label.isVisible()
    assert not search.index_is_current(office_db)
    below = search.rebuilt_down_to(office_db.conn)  # one batch at most was written
    done = (
        0
        if below is None
        else office_db.scalar("SELECT count(*) FROM cases WHERE seq >= ?", (below,))
    )
    assert done <= search.REBUILD_BATCH

    again = open_window(qtbot, office_db)  # the next start
    next_job = again.search_index.job
    assert next_job is not None
    with qtbot.waitSignal(next_job.done, timeout=30_000) as finished:
        pass
    result = finished.args[0]
    assert result.outcome is RebuildOutcome.DONE
    assert result.rebuilt == len(ids) - done  # from where it stopped, not from the top
    assert all(body(office_db, i) == current_body(office_db, i) for i in ids)
    assert not again.search_index.label.isVisible()
    again.close()


def test_a_current_file_starts_no_rebuild(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> None:
    window = open_window(qtbot, demo_db)
    assert window.search_index.job is None
    assert not window.search_index.label.isVisible()
    window.close()


def test_quitting_the_program_during_the_rebuild_is_safe(
    tmp_path: Path, office_db: Database
) -> None:
    ids = register_many(office_db, 6 * search.REBUILD_BATCH)
    make_v1(office_db)
    path = file_of(office_db)
    office_db.close()
    # The rebuild starts a second after the window; the program quits half a second later.
    result = _run_app(tmp_path, "--db", str(path), "--quit-after", "1500")
    assert result.returncode == 0, result.stderr
    log = _log_text(tmp_path)
    assert "exiting with code 0" in log and "ERROR" not in log and "Traceback" not in log
    # Whatever it had done, the next start finishes it.
    db = dbmod.connect(path)
    assert search.rebuild_index(db).outcome is RebuildOutcome.DONE
    assert all(body(db, i) == current_body(db, i) for i in ids)
    db.close()
