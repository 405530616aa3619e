"""登录 at start, the idle lock, 切换用户, and what each role finds disabled (and why)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, cases, office
from app.models import db as dbmod
from app.models.db import Database
from app.ui import session
from app.ui.cases.case_window import CaseWindow
from app.ui.login_dialog import (
    FIRST_TEXT,
    LOGIN_TEXT,
    UNLOCK_TEXT,
    IdleWatch,
    LoginDialog,
    Mode,
)
from app.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.helpers import PASSWORD, director
from tests.models.helpers import register
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, type_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
Opener = Callable[[Database], MainWindow]


@pytest.fixture
def open_main(qtbot: QtBot, track: list[QWidget]) -> Opener:
    def make(db: Database) -> MainWindow:
        window = MainWindow(db, today=lambda: TODAY)
        track.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def login_dialog(qtbot: QtBot, window: MainWindow) -> LoginDialog:
    qtbot.waitUntil(lambda: window.login_dialog is not None and window.login_dialog.isVisible())
    assert window.login_dialog is not None
    return window.login_dialog


def log_in_as(qtbot: QtBot, dialog: LoginDialog, name: str, password: str) -> None:
    index = next(i for i in range(dialog.user.count()) if dialog.user.itemText(i).startswith(name))
    dialog.user.setCurrentIndex(index)
    type_text(qtbot, dialog.password, password)
    click(qtbot, dialog.ok_button)


def add_user(db: Database, name: str, role: str, password: str) -> str:
    """A user who has chosen their own password already."""
    uid = accounts.add_user(db, by=director(db), name=name, role=role, password="初始密码2026")
    accounts.change_password(
        db, by=accounts.acting_as(db, uid), old="初始密码2026", password=password
    )
    return uid


@pytest.fixture
def logged_out(office_db: Database) -> Iterator[Database]:
    """The office as the program finds it at start: nobody logged in yet."""
    session.sign_out(office_db)
    yield office_db


# ---- 登录 at start


def test_nothing_of_the_office_shows_before_the_login(
    qtbot: QtBot, logged_out: Database, open_main: Opener, boxes: Boxes
) -> None:
    register(logged_out)
    window = open_main(logged_out)
    dialog = login_dialog(qtbot, window)
    assert window.pages.currentWidget() is window.locked_page
    assert not window.start_page.loaded and not window.register_page.loaded
    assert not window.new_action.isEnabled() and not window.find_action.isEnabled()
    assert window.user_label.text() == "未登录"
    assert dialog.mode is Mode.LOGIN and dialog.ok_button.text() == LOGIN_TEXT
    assert dialog.user.currentText() == "李主任（主任）"  # the last one to log in here
    assert dialog.heading.text() == "青山镇人民调解委员会"

    type_text(qtbot, dialog.password, "qingshan62")
    qtbot.keyClick(dialog.password, "\r")  # Enter logs in
    assert dialog.isVisible()
    assert "密码不对" in dialog.message.text() and dialog.message.isVisible()
    assert dialog.password.selectedText() == "qingshan62"  # typed over at once

    dialog.password.clear()
    type_text(qtbot, dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.logged_in):
        qtbot.keyClick(dialog.password, "\r")
    qtbot.waitUntil(lambda: window.login_dialog is None)
    assert window.pages.currentWidget() is window.start_page and window.start_page.loaded
    assert window.user_label.text() == "李主任（主任）"
    assert window.new_action.isEnabled() and window.users_action.isEnabled()
    me = session.current_actor(logged_out)
    assert (me.name, me.role) == ("李主任", "director")
    events = [e.event for e in accounts.login_events(logged_out)]
    assert events[:2] == ["login", "failed"]


def test_esc_never_lets_anyone_past_the_login(
    qtbot: QtBot, logged_out: Database, open_main: Opener, boxes: Boxes
) -> None:
    window = open_main(logged_out)
    dialog = login_dialog(qtbot, window)
    type_text(qtbot, dialog.password, "abc")
    qtbot.keyClick(dialog.password, "\x1b")  # Esc
    assert dialog.isVisible() and dialog.password.text() == ""
    assert window.pages.currentWidget() is window.locked_page


def test_wrong_passwords_make_the_next_attempt_wait(
    qtbot: QtBot, logged_out: Database, open_main: Opener, boxes: Boxes
) -> None:
    window = open_main(logged_out)
    dialog = login_dialog(qtbot, window)
    for _ in range(accounts.FREE_FAILURES):
        dialog.password.clear()
        type_text(qtbot, dialog.password, "wrong-one")
        click(qtbot, dialog.ok_button)
    assert "请等 5 秒后再试" in dialog.message.text()
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.text() == "请等 5 秒"
    # the wait is over (as if 5 seconds had passed): the button comes back
    with logged_out.transaction() as conn:
        conn.execute("UPDATE login_throttle SET wait_until = '2000-01-01T00:00:00.000Z'")
    dialog.tick()
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == LOGIN_TEXT
    dialog.password.clear()
    type_text(qtbot, dialog.password, PASSWORD)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.login_dialog is None)
    assert window.pages.currentWidget() is window.start_page


def test_a_user_given_a_password_by_the_director_chooses_their_own(
    qtbot: QtBot, logged_out: Database, open_main: Opener, boxes: Boxes
) -> None:
    accounts.add_user(
        logged_out, by=director(logged_out), name="周玉梅", role="mediator", password="zhou-first"
    )
    window = open_main(logged_out)
    dialog = login_dialog(qtbot, window)
    log_in_as(qtbot, dialog, "周玉梅", "zhou-first")
    assert dialog.mode is Mode.CHANGE and dialog.isVisible()
    assert "临时密码" in dialog.intro.text()
    type_text(qtbot, dialog.new_password, "zhou-first")
    type_text(qtbot, dialog.repeat, "zhou-first")
    click(qtbot, dialog.ok_button)
    assert "和原密码一样" in dialog.message.text()
    dialog.new_password.clear()
    dialog.repeat.clear()
    type_text(qtbot, dialog.new_password, "zhou-own-2026")
    qtbot.keyClick(dialog.new_password, "\r")  # Enter: on to 再输一遍
    type_text(qtbot, dialog.repeat, "zhou-own-2026")
    qtbot.keyClick(dialog.repeat, "\r")
    qtbot.waitUntil(lambda: window.login_dialog is None)
    assert window.user_label.text() == "周玉梅（调解员）"
    assert accounts.login(logged_out, session.current_actor(logged_out).user_id, "zhou-own-2026")


def test_an_office_from_before_accounts_asks_its_director_for_a_password(
    qtbot: QtBot, tmp_path: Path, open_main: Opener, boxes: Boxes
) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    db = dbmod.connect(path)
    try:
        window = open_main(db)
        dialog = login_dialog(qtbot, window)
        assert dialog.mode is Mode.FIRST and dialog.ok_button.text() == FIRST_TEXT
        assert "还没有人设置密码" in dialog.intro.text()
        type_text(qtbot, dialog.new_password, "12345")
        type_text(qtbot, dialog.repeat, "12345")
        click(qtbot, dialog.ok_button)
        assert "至少要 6 位" in dialog.message.text()
        dialog.new_password.clear()
        dialog.repeat.clear()
        type_text(qtbot, dialog.new_password, "qingshan-old")
        type_text(qtbot, dialog.repeat, "qingshan-old")
        click(qtbot, dialog.ok_button)
        qtbot.waitUntil(lambda: window.login_dialog is None)
        assert window.pages.currentWidget() is window.start_page
        assert session.current_actor(db).role == "director"
        window.close()
    finally:
        db.close()


# ---- the idle lock


def idle_for(window: MainWindow, minutes: int) -> None:
    """As if nobody had touched the program for ``minutes``."""
    window.idle.last_input -= minutes * 60
    window.idle.check()


def test_a_key_click_move_or_wheel_anywhere_in_the_program_is_input(qtbot: QtBot) -> None:
    """The idle watch sees input to any window, not only the main one; what the program
    does by itself (a resize, a repaint, a timer) is not input."""
    now = [100.0]
    elsewhere = QLineEdit()  # any other window of the program
    qtbot.addWidget(elsewhere)
    watch = IdleWatch(lambda: 10, elsewhere, clock=lambda: now[0])  # goes with the widget
    elsewhere.show()
    qtbot.waitExposed(elsewhere)

    def noticed(act: Callable[[], object]) -> bool:
        now[0] += 60
        act()
        return watch.last_input == now[0]

    middle = QPoint(20, 10)
    assert noticed(lambda: QTest.keyClick(elsewhere, Qt.Key.Key_A))
    assert noticed(lambda: QTest.mouseClick(elsewhere, Qt.MouseButton.LeftButton, pos=middle))
    assert noticed(lambda: QTest.mouseMove(elsewhere, QPoint(30, 12)))
    assert noticed(lambda: QApplication.sendEvent(elsewhere, _wheel(middle)))
    assert not noticed(lambda: (elsewhere.resize(300, 40), elsewhere.repaint(), QTest.qWait(20)))
    assert elsewhere.text() == "a"


def _wheel(at: QPoint) -> QWheelEvent:
    here = QPointF(at)
    return QWheelEvent(
        here,
        here,
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def test_the_idle_lock_hides_every_window_until_the_same_users_password(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    case_id = register(office_db)
    window = open_main(office_db)
    window.show_register()
    case_window = window.open_case(case_id)
    assert case_window is not None and case_window.isVisible()
    idle_for(window, accounts.DEFAULT_LOCK_MINUTES - 1)
    assert not window.locked
    idle_for(window, 2)  # past the office's 10 minutes
    assert window.locked
    assert not case_window.isVisible()
    assert window.pages.currentWidget() is window.locked_page
    assert not window.new_action.isEnabled()
    dialog = login_dialog(qtbot, window)
    assert dialog.mode is Mode.UNLOCK and dialog.ok_button.text() == UNLOCK_TEXT
    assert dialog.user_name.text() == "李主任（主任）"  # nobody else
    assert dialog.intro.text().startswith("程序已锁定（10 分钟没有操作）。")
    assert not dialog.user.isVisible()
    type_text(qtbot, dialog.password, "wrong-one")
    click(qtbot, dialog.ok_button)
    assert "密码不对" in dialog.message.text() and window.locked
    dialog.password.clear()
    type_text(qtbot, dialog.password, PASSWORD)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not window.locked)
    assert case_window.isVisible()
    assert window.pages.currentWidget() is window.register_page  # where the user was
    events = [e.event for e in accounts.login_events(office_db)]
    assert events[:3] == ["unlock", "failed", "lock"]


def test_the_lock_time_is_the_offices_and_zero_never_locks(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    accounts.set_lock_minutes(office_db, 0, by=director(office_db))
    window = open_main(office_db)
    idle_for(window, 600)
    assert not window.locked
    accounts.set_lock_minutes(office_db, 3, by=director(office_db))
    idle_for(window, 3)
    assert window.locked


def test_a_window_that_outlives_its_file_neither_locks_nor_fails(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    """A window kept after its file was closed (a test's teardown order) must not read the
    closed file on its idle timer: that once raised into the Qt event loop of whatever
    test ran next."""
    window = open_main(office_db)
    assert window.idle.active
    office_db.close()
    idle_for(window, 600)  # would raise ProgrammingError before the file's state was checked
    assert not window.locked


def test_ctrl_l_locks_at_once(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    window = open_main(office_db)
    window.lock_action.trigger()
    dialog = login_dialog(qtbot, window)
    assert window.locked and dialog.mode is Mode.UNLOCK
    assert dialog.intro.text().startswith("程序已锁定。请李主任输入密码解锁")


def test_quitting_from_the_lock_asks_first(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    window = open_main(office_db)
    window.lock()
    dialog = login_dialog(qtbot, window)
    boxes.answer = False  # 返回
    click(qtbot, dialog.quit_button)
    assert boxes.titles() == ["退出程序"] and "没有保存的填写内容" in boxes.texts()
    assert dialog.isVisible() and window.locked


# ---- 切换用户


def test_switching_user_waits_for_open_windows_then_asks_who(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    add_user(office_db, "赵统计", "viewer", "zhao-2026")
    case_id = register(office_db)
    window = open_main(office_db)
    case_window = window.open_case(case_id)
    assert case_window is not None
    window.switch_user_action.trigger()
    assert boxes.titles() == ["切换用户"] and session.signed_in(office_db) is not None
    case_window.close()
    qtbot.waitUntil(lambda: not window.case_windows)
    window.switch_user_action.trigger()
    assert session.signed_in(office_db) is None
    assert window.pages.currentWidget() is window.locked_page
    dialog = login_dialog(qtbot, window)
    log_in_as(qtbot, dialog, "赵统计", "zhao-2026")
    qtbot.waitUntil(lambda: window.login_dialog is None)
    assert window.user_label.text() == "赵统计（统计/只读）"
    assert [e.event for e in accounts.login_events(office_db)][:2] == ["login", "logout"]


# ---- what each role finds disabled, and why


def test_a_viewer_reads_but_every_change_is_disabled_with_the_reason(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    case_id = register(office_db)
    uid = add_user(office_db, "赵统计", "viewer", "zhao-2026")
    session.sign_in(office_db, accounts.login(office_db, uid, "zhao-2026"))
    window = open_main(office_db)
    assert window.pages.currentWidget() is window.start_page  # lists and statistics: yes
    assert window.stats_action.isEnabled() and window.export_ledger_action.isEnabled()
    for action in (
        window.new_action,
        window.import_ledger_action,
        window.office_action,
        window.sync_action,
        window.users_action,
        window.audit_action,
    ):
        assert not action.isEnabled(), action.text()
        assert "“赵统计”的角色是“统计/只读”" in action.toolTip(), action.text()
    assert "不能登记纠纷" in window.new_action.toolTip()
    case_window = window.open_case(case_id)
    assert isinstance(case_window, CaseWindow)
    accept = case_window.action_button("accept")
    assert accept.isVisible() and not accept.isEnabled()
    assert accept.toolTip().startswith("“赵统计”的角色是“统计/只读”，不能受理。")
    assert not case_window.print_button.isEnabled()
    assert "不能打印案件文书" in case_window.print_button.toolTip()
    assert not case_window.details.editable and case_window.details.facts.isReadOnly()
    assert not case_window.add_party_button.isEnabled()
    # the button is the convenience; the service refuses all the same
    with pytest.raises(Exception, match="统计/只读"):
        cases.accept_case(
            office_db, case_id, by=session.current_actor(office_db), accepted_on=TODAY
        )


def test_a_mediator_works_on_their_own_cases_only(
    qtbot: QtBot, office_db: Database, open_main: Opener, boxes: Boxes
) -> None:
    add_user(office_db, "王建华", "mediator", "wang-2026")  # the 调解员 王建华
    chen = next(m.id for m in office.mediators(office_db) if m.name == "陈秀兰")
    theirs = register(office_db)
    cases.accept_case(office_db, theirs, by=director(office_db), accepted_on=date(2026, 11, 5))
    cases.assign_mediators(
        office_db,
        theirs,
        by=director(office_db),
        mediator_ids=[chen],
        how="appointed",
        assigned_on=date(2026, 11, 6),
    )
    session.sign_out(office_db)
    window = open_main(office_db)
    log_in_as(qtbot, login_dialog(qtbot, window), "王建华", "wang-2026")
    qtbot.waitUntil(lambda: window.login_dialog is None)
    assert window.new_action.isEnabled()  # registering is theirs
    assert not window.users_action.isEnabled() and not window.import_ledger_action.isEnabled()
    window.new_case()
    register_dialog = window.register_dialog
    assert register_dialog is not None
    new_village = register_dialog.village_chooser.adder.open_button  # the 主任's list
    assert not new_village.isEnabled() and "不能修改村（社区）" in new_village.toolTip()
    register_dialog.reject()
    case_window = window.open_case(theirs)
    assert isinstance(case_window, CaseWindow)
    session_button = case_window.action_button("record_session")
    assert not session_button.isEnabled()
    assert "这件案件由陈秀兰承办" in session_button.toolTip()
    assert case_window.notice.isVisible()
    assert case_window.notice.text().startswith("本案只能查看：这件案件由陈秀兰承办")
    assert case_window.print_button.isEnabled()  # printing is theirs
    assert not case_window.details.editable
