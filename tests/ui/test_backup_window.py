"""备份与恢复 (app/ui/backup_window.py) and the automatic backups of the main window, on
real files: the list, backing up now, a restore that asks first and then shows the restored
cases in the main window, refused files, the backup at quit after changes (and none without),
the day's first backup, the second folder, and messages that say 从备份恢复."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import accounts, backup
from app.models import db as dbmod
from app.models.backup import Kind
from app.models.db import Database
from app.ui import messages, session
from app.ui.backup_window import (
    COL_CASES,
    COL_KIND,
    COL_NEWEST,
    COL_TIME,
    DAILY_FAILED_TITLE,
    LOGIN_FIRST,
    QUIT_FAILED_TITLE,
    RESTORE_TITLE,
    RESTORED_TITLE,
    SECOND_TITLE,
    BackupWindow,
    may_restore,
    restore_at_start,
)
from app.ui.look import ERROR
from app.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.helpers import PASSWORD, director
from tests.models.damage import build_office_file, damage_middle_of, foreign_database
from tests.models.helpers import register
from tests.ui.message_boxes import Boxes
from tests.ui.shell_helpers import record_at, submenu
from tests.ui.sync.laptops import answer_file_dialog
from tests.ui.user import click, type_text

NOW = datetime(2026, 12, 6, 8, 30)


@pytest.fixture
def office_file(office_db: Database) -> Database:
    """The office with three cases registered."""
    for name in ("张甲", "张乙", "张丙"):
        register(office_db, applicant=name, respondent="李某")
    return office_db


@pytest.fixture
def window(qtbot: QtBot, office_file: Database, boxes: Boxes) -> Iterator[MainWindow]:
    window = MainWindow(office_file, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window


def backups_of(db: Database) -> list[backup.Listed]:
    assert db.path is not None
    return backup.list_backups(db.path)


def backup_window(qtbot: QtBot, window: MainWindow) -> BackupWindow:
    action = window.backups_action
    assert action.isEnabled()
    assert action in submenu(window.menuBar().actions()[-2]).actions()  # 设置
    action.trigger()
    shown = window.backup_window
    assert isinstance(shown, BackupWindow)
    qtbot.waitExposed(shown)
    return shown


def log_in_again(qtbot: QtBot, window: MainWindow, password: str = PASSWORD) -> None:
    """After a restore the program asks who it is (the restored file's own users)."""
    qtbot.waitUntil(lambda: window.login_dialog is not None and window.login_dialog.isVisible())
    dialog = window.login_dialog
    assert dialog is not None
    assert window.pages.currentWidget() is window.locked_page  # nothing of the office shows
    assert not window.new_action.isEnabled()
    type_text(qtbot, dialog.password, password)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: session.signed_in(window.db) is not None)


def cell(view: BackupWindow, row: int, col: int) -> str:
    return str(view.model.index(row, col).data())


def wait_idle(qtbot: QtBot, view: BackupWindow) -> None:
    qtbot.waitUntil(lambda: not view.busy, timeout=20000)


def shown_cases(window: MainWindow) -> int:
    window.show_register()
    return window.register_page.model.rowCount()


# --------------------------------------------------------------------------- the list


def test_the_list_shows_each_backup_with_its_cases(
    qtbot: QtBot, window: MainWindow, office_file: Database, qtmodeltester: ModelTester
) -> None:
    assert office_file.path is not None
    backup.make_backup_of(office_file.path, Kind.DAILY, now=NOW - timedelta(days=1))
    register(office_file, applicant="最新", respondent="一件")
    backup.make_backup_of(office_file.path, Kind.QUIT, now=NOW)
    view = backup_window(qtbot, window)
    qtmodeltester.check(view.model)
    assert view.windowTitle() == "备份与恢复"
    assert view.model.rowCount() == 2
    assert [cell(view, 0, c) for c in (COL_TIME, COL_KIND, COL_CASES)] == [
        "2026-12-06 08:30",
        "退出时",
        "4 件",
    ]
    assert "最新、一件" in cell(view, 0, COL_NEWEST)
    assert [cell(view, 1, c) for c in (COL_TIME, COL_KIND, COL_CASES)] == [
        "2026-12-05 08:30",
        "每天第一次打开",
        "3 件",
    ]
    assert "2 份备份" in view.caption.text()
    assert "现在的数据库：案件 4 件" in view.current.text()
    assert "未设置" in view.second_path.text()


def test_back_up_now_adds_a_checked_backup_to_the_list(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    view = backup_window(qtbot, window)
    assert view.model.rowCount() == 0 and "还没有备份" in view.caption.text()
    click(qtbot, view.backup_button)
    wait_idle(qtbot, view)
    assert view.model.rowCount() == 1
    assert cell(view, 0, COL_KIND) == "手动备份" and cell(view, 0, COL_CASES) == "3 件"
    assert boxes.titles() == ["备份已做好"]
    assert "已检查完整" in boxes.texts()


def test_back_up_to_a_chosen_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, boxes: Boxes
) -> None:
    view = backup_window(qtbot, window)
    target = tmp_path / "U盘" / "备份.sqlite3"
    target.parent.mkdir()
    click(qtbot, view.file_button)
    answer_file_dialog(view, target)
    wait_idle(qtbot, view)
    assert backup.read_contents(target).cases == 3
    assert view.model.rowCount() == 0  # outside the rota
    assert "不会被程序删除" in boxes.texts()


# --------------------------------------------------------------------------- restoring


def test_restore_asks_first_then_the_main_window_shows_the_restored_cases(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    assert office_file.path is not None
    backup.make_backup_of(office_file.path, Kind.DAILY, now=NOW)
    for name in ("王丁", "王戊"):
        register(office_file, applicant=name, respondent="赵某")
    window.refresh()
    assert shown_cases(window) == 5
    case_window = window.open_case(record_at(window.register_page.model, 0).id)
    assert case_window is not None
    view = backup_window(qtbot, window)
    view.table.selectRow(0)

    # 取消: nothing happens
    click(qtbot, view.restore_button)
    assert boxes.titles() == [RESTORE_TITLE]
    question = boxes.calls[0][2]
    assert "备份：2026-12-06 08:30 每天第一次打开" in question
    assert "案件 3 件" in question and "现在：案件 5 件" in question
    assert "现在的数据库比这份备份多 2 件案件" in question
    assert "恢复前" in question
    assert shown_cases(window) == 5 and len(backups_of(office_file)) == 1

    # 恢复
    boxes.answers[RESTORE_TITLE] = True
    click(qtbot, view.restore_button)
    wait_idle(qtbot, view)
    assert boxes.titles()[-1] == RESTORED_TITLE
    assert "案件 3 件" in boxes.calls[-1][2] and "请重新登录" in boxes.calls[-1][2]
    assert not window.case_windows  # closed before the file was replaced
    assert session.signed_in(office_file) is None
    log_in_again(qtbot, window)
    assert shown_cases(window) == 3
    assert office_file.scalar("SELECT count(*) FROM cases") == 3
    kinds = [b.dated.kind for b in backups_of(office_file)]
    assert Kind.RESTORE in kinds  # the replaced database, kept
    kept = next(b for b in backups_of(office_file) if b.dated.kind is Kind.RESTORE)
    assert kept.contents is not None and kept.contents.cases == 5
    # the program works on with the restored file
    register(office_file, applicant="恢复后", respondent="新登记")
    window.refresh()
    assert shown_cases(window) == 4


def test_restore_from_a_file_that_is_not_ours_is_refused_before_anything(
    qtbot: QtBot, window: MainWindow, office_file: Database, tmp_path: Path, boxes: Boxes
) -> None:
    photos = tmp_path / "相册.db"
    foreign_database(photos)
    view = backup_window(qtbot, window)
    click(qtbot, view.restore_file_button)
    answer_file_dialog(view, photos)
    assert boxes.titles() == ["不能用这个文件恢复"]
    assert "不是调解工作台的数据" in boxes.texts()
    assert shown_cases(window) == 3
    assert backups_of(office_file) == []


def test_restore_from_a_picked_backup_file(
    qtbot: QtBot, window: MainWindow, office_file: Database, tmp_path: Path, boxes: Boxes
) -> None:
    assert office_file.path is not None
    picked = tmp_path / "U盘" / "从旧电脑拷来的.sqlite3"
    picked.parent.mkdir()
    backup.backup_to_file(office_file.path, picked, by=director(office_file))
    register(office_file, applicant="后来", respondent="登记的")
    boxes.answers[RESTORE_TITLE] = True
    view = backup_window(qtbot, window)
    click(qtbot, view.restore_file_button)
    answer_file_dialog(view, picked)
    wait_idle(qtbot, view)
    assert f"文件“{picked}”" in boxes.calls[0][2]
    log_in_again(qtbot, window)
    assert shown_cases(window) == 3


# --------------------------------------------------------------------------- automatic


def test_quitting_after_changes_makes_a_backup_and_without_changes_none(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    assert office_file.path is not None
    backups = window.enable_auto_backups(delay_ms=60_000)
    backup.make_backup_of(office_file.path, Kind.DAILY)
    register(office_file, applicant="下班前", respondent="登记的")

    window.close()  # changes since the backup: it waits for a new one
    assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    made = [b for b in backups_of(office_file) if b.dated.kind is Kind.QUIT]
    assert len(made) == 1 and made[0].contents is not None and made[0].contents.cases == 4
    assert backups.job is None and boxes.calls == []


def test_quitting_without_changes_makes_no_backup(
    qtbot: QtBot, window: MainWindow, office_file: Database
) -> None:
    assert office_file.path is not None
    window.enable_auto_backups(delay_ms=60_000)
    backup.make_backup_of(office_file.path, Kind.DAILY)
    window.close()
    assert not window.isVisible()  # at once: nothing to back up
    assert [b.dated.kind for b in backups_of(office_file)] == [Kind.DAILY]


def test_a_failed_backup_at_quit_asks_whether_to_quit_all_the_same(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    assert office_file.path is not None
    window.enable_auto_backups(delay_ms=60_000)
    (office_file.path.parent / "backups").write_text("a file where the folder should be")
    window.close()
    qtbot.waitUntil(lambda: QUIT_FAILED_TITLE in boxes.titles(), timeout=20000)
    assert "不能建立备份文件夹" in boxes.texts() and "数据库本身已经保存好了" in boxes.texts()
    assert window.isVisible()  # 不退出 (the test's answer)

    boxes.answers[QUIT_FAILED_TITLE] = True
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)


def test_the_days_first_start_makes_the_daily_backup(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    backups = window.enable_auto_backups(delay_ms=0)
    qtbot.waitUntil(lambda: backups_of(office_file) != [] and backups.job is None, timeout=20000)
    assert [b.dated.kind for b in backups_of(office_file)] == [Kind.DAILY]
    assert "今天的自动备份已做好" in window.statusBar().currentMessage()
    assert backups.start_of_day() is None  # once a day
    assert boxes.calls == []


def test_a_program_left_open_overnight_makes_the_next_days_backup(
    qtbot: QtBot, office_file: Database, boxes: Boxes
) -> None:
    day = [TODAY]
    window = MainWindow(office_file, today=lambda: day[0])
    qtbot.addWidget(window)
    window.show()
    backups = window.enable_auto_backups(delay_ms=0)
    qtbot.waitUntil(lambda: len(backups_of(office_file)) == 1 and backups.job is None)
    daily_check = window.daily_check
    assert daily_check is not None and daily_check.isActive()
    daily_check.setInterval(20)  # instead of half an hour
    qtbot.wait(200)
    assert len(backups_of(office_file)) == 1  # the same day: nothing more
    day[0] = TODAY + timedelta(days=1)  # past midnight
    qtbot.waitUntil(lambda: len(backups_of(office_file)) == 2 and backups.job is None)
    dates = sorted(b.dated.when.date() for b in backups_of(office_file))
    assert dates == [TODAY, TODAY + timedelta(days=1)]
    window.close()


def test_a_failed_daily_backup_is_told(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    assert office_file.path is not None
    (office_file.path.parent / "backups").write_text("a file where the folder should be")
    backups = window.enable_auto_backups(delay_ms=0)
    qtbot.waitUntil(lambda: DAILY_FAILED_TITLE in boxes.titles(), timeout=20000)
    assert "不能建立备份文件夹" in boxes.texts()
    assert backups.job is None
    # Closing tries the backup at quit, which fails the same way: quit all the same, here
    # (left to the teardown, its box came in the next test on a busy machine).
    boxes.answers[QUIT_FAILED_TITLE] = True
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert QUIT_FAILED_TITLE in boxes.titles()


def test_a_missing_second_folder_is_told_and_the_backup_is_made_here(
    qtbot: QtBot, window: MainWindow, office_file: Database, tmp_path: Path, boxes: Boxes
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    view = backup_window(qtbot, window)
    assert view.set_second_folder(stick)
    assert str(stick) in view.second_path.text() and "可以写入" in view.second_state.text()
    stick.rmdir()  # pulled out
    view.reload()
    assert "找不到第二备份位置" in view.second_state.text()
    click(qtbot, view.backup_button)
    wait_idle(qtbot, view)
    assert boxes.titles() == [SECOND_TITLE]
    assert "这次只备份在了本机" in boxes.texts()
    assert view.model.rowCount() == 1


def test_a_second_folder_that_is_not_there_cannot_be_set(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, boxes: Boxes
) -> None:
    view = backup_window(qtbot, window)
    assert not view.set_second_folder(tmp_path / "没插的U盘")
    assert boxes.titles() == [SECOND_TITLE] and "找不到第二备份位置" in boxes.texts()
    assert "未设置" in view.second_path.text()


# --------------------------------------------------------------------------- 从备份恢复


def test_a_message_that_says_restore_from_a_backup_opens_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    text = "数据库已损坏……请从备份恢复最近一份完好的数据（“设置”→“备份与恢复”）。"
    with messages.respond_with(lambda _kind, _title, _text: messages.RESTORE_BUTTON):
        messages.warning(window, messages.STORAGE_ERROR_TITLE, text)
    assert isinstance(window.backup_window, BackupWindow)
    qtbot.waitExposed(window.backup_window)


def test_the_restore_button_is_on_the_real_box(
    qtbot: QtBot, window: MainWindow, real_boxes: None
) -> None:
    box = messages.warning(window, "数据库文件有问题", "……请从备份恢复。")
    assert box is not None
    assert [b.text() for b in box.buttons()] == ["确定", messages.RESTORE_BUTTON]
    plain = messages.warning(window, "别的", "与备份无关的消息。")
    assert plain is not None and [b.text() for b in plain.buttons()] == ["确定"]
    restore = next(b for b in box.buttons() if b.text() == messages.RESTORE_BUTTON)
    click(qtbot, restore)
    qtbot.waitUntil(lambda: window.backup_window is not None)
    plain.close()
    QApplication.processEvents()


# --------------------------------------------------------------------------- damage


def test_a_damaged_backup_is_refused_and_the_database_stays_open(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    assert office_file.path is not None
    for n in range(60):
        register(office_file, applicant=f"多{n}", facts="排水沟纠纷。" * 30)
    made = backup.make_backup_of(office_file.path, Kind.DAILY, now=NOW)
    unreadable = backup.make_backup_of(office_file.path, Kind.QUIT, now=NOW + timedelta(hours=9))
    damage_middle_of(made.path, "case_events")  # the list reads it; the check finds it
    damage_middle_of(unreadable.path, "cases")  # even the list cannot read it
    boxes.answers[RESTORE_TITLE] = True
    view = backup_window(qtbot, window)
    view.table.selectRow(0)
    assert cell(view, 0, COL_NEWEST).startswith("读不出来：")
    red = Qt.ItemDataRole.ForegroundRole
    assert view.model.index(0, COL_TIME).data(red) == QColor(ERROR)  # the whole row
    assert view.model.index(1, COL_TIME).data(red) is None
    assert not view.restore_button.isEnabled()
    view.table.selectRow(1)
    click(qtbot, view.restore_button)
    wait_idle(qtbot, view)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "恢复备份没有完成")
    assert "已损坏" in text and "不能用来恢复" in text
    assert shown_cases(window) == 63  # the database, open again, as it was
    register(office_file, applicant="照常", respondent="登记")


def test_a_damaged_database_opened_to_view_is_restored_and_writable_again(
    qtbot: QtBot, tmp_path: Path, boxes: Boxes
) -> None:
    path = tmp_path / "data" / "mediation.sqlite3"
    path.parent.mkdir()
    build_office_file(path, cases=80)
    good = backup.make_backup_of(path, Kind.QUIT, now=NOW)
    damage_middle_of(path)
    with pytest.raises(dbmod.DamagedDatabaseError):
        dbmod.connect(path)
    viewed = dbmod.connect(path, read_only=True, check=False)  # 只读打开, as offered at start
    try:
        window = MainWindow(viewed, today=lambda: TODAY)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert viewed.write_refusal() is not None
        log_in_again(qtbot, window, "qingshan26")  # the login writes nothing to such a file
        boxes.answers[RESTORE_TITLE] = True
        view = backup_window(qtbot, window)
        view.table.selectRow(
            next(r for r in range(view.model.rowCount()) if view.model.record(r).path == good.path)
        )
        click(qtbot, view.restore_button)
        wait_idle(qtbot, view)
        assert boxes.titles()[-1] == RESTORED_TITLE
        assert "已改名为“mediation.sqlite3-损坏-" in boxes.calls[-1][2]
        assert viewed.write_refusal() is None and not viewed.read_only
        assert not window.storage_status.label.isVisible()
        log_in_again(qtbot, window, "qingshan26")
        assert shown_cases(window) == 80
        register(viewed, applicant="恢复后", respondent="能写了")
        window.close()
    finally:
        viewed.close()


def test_no_way_past_the_login_or_the_lock_into_backups(
    qtbot: QtBot, window: MainWindow, office_file: Database, boxes: Boxes
) -> None:
    """A message's 打开备份与恢复… must not open the window while locked or logged out, and
    a restore needs a logged-in 主任 once the office is set up."""
    window.lock_action.trigger()
    assert window.locked
    boxes.calls.clear()
    assert window.open_backups() is None
    assert boxes.titles() == ["备份与恢复"] and "请先登录" in boxes.calls[0][2]
    assert window.backup_window is None
    session.sign_out(office_file)
    assert may_restore(office_file) == LOGIN_FIRST
    assert may_restore(None) == ""  # at start, before any file opens: the restore is the way in


def test_only_a_director_restores_or_sets_the_second_folder(
    qtbot: QtBot, window: MainWindow, office_file: Database
) -> None:
    assert office_file.path is not None
    backup.make_backup_of(office_file.path, Kind.DAILY, now=NOW)
    mediator = accounts.add_user(
        office_file, by=director(office_file), name="王建华", role="mediator", password="wjh-2026!"
    )
    session.sign_in(office_file, accounts.acting_as(office_file, mediator))
    view = backup_window(qtbot, window)
    view.table.selectRow(0)
    assert view.model.rowCount() == 1  # the list is for everyone
    assert view.backup_button.isEnabled()  # into the private backup folder: for everyone
    buttons = (view.restore_button, view.restore_file_button, view.choose_second_button)
    for button in (*buttons, view.file_button):
        assert not button.isEnabled()
    assert view.refusal.isVisible() and "只有调委会主任" in view.refusal.text()
    assert "不能把整个数据库备份到文件" in view.file_button.toolTip()  # every full ID in it
    assert view.restore_selected() is None


def test_quitting_while_the_days_backup_is_made_waits_for_it(
    qtbot: QtBot,
    window: MainWindow,
    office_file: Database,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    go_on = threading.Event()
    real = backup.make_backup_of

    def held(*args: Any, **kwargs: Any) -> backup.Made:
        go_on.wait(20)  # the day's backup of a large file, still being made
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "make_backup_of", held)
    backups = window.enable_auto_backups(delay_ms=0)
    qtbot.waitUntil(lambda: backups.job is not None and backups.job.is_running)
    register(office_file, applicant="下班前", respondent="最后一件")
    window.close()
    assert window.isVisible()  # waits for the day's backup
    go_on.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    newest = backups_of(office_file)[0]
    assert newest.contents is not None and newest.contents.cases == 4  # nothing left out
    assert boxes.calls == []


# --------------------------------------------------------------------------- at start


def emptied_database(tmp_path: Path) -> tuple[Path, dbmod.StorageError]:
    """The program's database emptied to 0 bytes (a copy that never finished), with a
    backup of its five cases: the program refuses to open it, and says 从备份恢复."""
    path = tmp_path / "data" / "mediation.sqlite3"
    path.parent.mkdir()
    build_office_file(path, cases=5)
    backup.make_backup_of(path, Kind.QUIT, now=NOW)
    path.write_bytes(b"")
    with pytest.raises(dbmod.StorageError) as refused:
        dbmod.connect(path)
    assert messages.RESTORE_PHRASE in refused.value.message
    return path, refused.value


def test_a_database_that_does_not_open_is_restored_before_the_program_opens(
    qtbot: QtBot, tmp_path: Path, boxes: Boxes
) -> None:
    path, refused = emptied_database(tmp_path)
    boxes.answers[messages.STORAGE_ERROR_TITLE] = True  # 打开备份与恢复…
    boxes.answers[RESTORE_TITLE] = True

    def restore_the_newest() -> None:  # what the user does in the window
        [view] = [w for w in QApplication.topLevelWidgets() if isinstance(w, BackupWindow)]
        assert view.db is None and not view.backup_button.isEnabled()
        assert view.current.text() == "现在的数据库：是一个空文件（0 字节），里面没有数据。"
        view.table.selectRow(0)
        view.restore_selected()

    QTimer.singleShot(0, restore_the_newest)
    opened = restore_at_start(refused)
    assert opened is not None
    try:
        assert opened.scalar("SELECT count(*) FROM cases") == 5
        assert not opened.read_only
    finally:
        opened.close()
    assert boxes.titles() == [messages.STORAGE_ERROR_TITLE, RESTORE_TITLE, RESTORED_TITLE]
    assert "程序接着打开" in boxes.calls[-1][2]
    assert any(p.name.startswith("mediation.sqlite3-损坏-") for p in path.parent.iterdir())


def test_a_damaged_file_at_start_offers_the_restore_at_once(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    """A damaged file at start: 打开备份与恢复… is one of the three answers (with 只读打开 and
    退出); the backup restored, the program opens the good file."""
    from app import __main__ as entry

    path = tmp_path / "data" / "mediation.sqlite3"
    path.parent.mkdir()
    build_office_file(path, cases=40)
    backup.make_backup_of(path, Kind.QUIT, now=NOW)
    damage_middle_of(path, "case_events")
    with pytest.raises(dbmod.DamagedDatabaseError) as refused:
        dbmod.connect(path)

    def answer(kind: str, title: str, text: str) -> object:
        if title == messages.STORAGE_ERROR_TITLE:
            assert kind == "choose" and "只读打开" in text
            return messages.RESTORE_BUTTON
        return title == RESTORE_TITLE  # yes, restore it

    def restore_the_newest() -> None:
        [view] = [w for w in QApplication.topLevelWidgets() if isinstance(w, BackupWindow)]
        view.table.selectRow(0)
        view.restore_selected()

    QTimer.singleShot(0, restore_the_newest)
    with messages.respond_with(answer) as calls:
        opened = entry._after_opening_failed(qapp, refused.value)
    assert opened is not None
    try:
        assert opened.scalar("SELECT count(*) FROM cases") == 40
        assert not opened.read_only and opened.integrity != "damaged"
    finally:
        opened.close()
    assert [title for _k, title, _t in calls] == [
        messages.STORAGE_ERROR_TITLE,
        RESTORE_TITLE,
        RESTORED_TITLE,
    ]


def test_declining_the_restore_at_start_changes_nothing(tmp_path: Path, boxes: Boxes) -> None:
    path, refused = emptied_database(tmp_path)
    assert restore_at_start(refused) is None  # 退出
    assert boxes.kinds() == ["confirm"]
    assert path.stat().st_size == 0
