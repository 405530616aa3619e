"""First run: an empty database opens the set-up dialog instead of an empty screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, office
from app.models.db import Database
from app.models.office import OfficeDetails
from app.ui import session, ui_settings
from app.ui.application import apply_font_size
from app.ui.main_window import MainWindow
from app.ui.setup_dialog import (
    STEP_ACCOUNT,
    STEP_COMMITTEE,
    STEP_DETAILS,
    STEP_MEDIATORS,
    STEP_VILLAGES,
    SetupDialog,
    guess_abbr,
    guess_town,
)
from tests.conftest import TODAY
from tests.helpers import PASSWORD, snapshot
from tests.ui.events import run_queued
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, commit_text, ctrl_enter, type_text


@pytest.fixture
def window(qtbot: QtBot, database: Database, boxes: Boxes) -> Iterator[MainWindow]:
    window = MainWindow(database, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.setup_dialog is not None and window.setup_dialog.isVisible())
    yield window


def dialog_of(window: MainWindow) -> SetupDialog:
    assert window.setup_dialog is not None
    return window.setup_dialog


def error_of(dialog: SetupDialog, field: str) -> str:
    box = dialog.errors.find(field)
    assert box is not None
    return box.error.text() if box.has_error else ""


def account(dialog: SetupDialog, qtbot: QtBot, name: str = "李主任") -> None:
    """Step 2 (您的账户) filled in and left."""
    assert dialog.current_step() == STEP_ACCOUNT
    commit_text(dialog.user, name)
    commit_text(dialog.password, PASSWORD)
    commit_text(dialog.password_repeat, PASSWORD)
    click(qtbot, dialog.next_button)


def fill(dialog: SetupDialog, qtbot: QtBot) -> None:
    """Steps 1 to 3 filled in; the dialog shows step 3 (村（社区）)."""
    commit_text(dialog.name, "青山镇人民调解委员会")  # suggests 青山镇 and 青山
    click(qtbot, dialog.next_button)
    account(dialog, qtbot)
    assert dialog.current_step() == STEP_VILLAGES
    commit_text(dialog.villages, "红旗村\n桃园村\n河东社区")


def at_mediators(window: MainWindow, qtbot: QtBot) -> SetupDialog:
    """Steps 1 to 3 filled in; the dialog shows step 4 (调解员)."""
    dialog = dialog_of(window)
    fill(dialog, qtbot)
    click(qtbot, dialog.next_button)
    assert dialog.current_step() == STEP_MEDIATORS
    return dialog


def open_dialog(database: Database, track: list[QWidget]) -> SetupDialog:
    """The set-up dialog on its own (no main window behind it), shown."""
    dialog = SetupDialog(database)
    track.append(dialog)
    dialog.show()
    return dialog


def markers(dialog: SetupDialog) -> list[str]:
    return [step.marker.text() for step in dialog.steps]


def test_empty_fields_get_errors_beside_them(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = dialog_of(window)
    before = snapshot(database)
    assert markers(dialog) == [
        "1 本调委会",
        "2 您的账户",
        "3 村（社区）",
        "4 调解员",
        "5 单位信息",
    ]
    assert dialog.next_button.isVisible() and not dialog.save_button.isVisible()
    assert not dialog.back_button.isEnabled() and not dialog.skip_button.isVisible()
    click(qtbot, dialog.next_button)
    assert "请填写调委会名称" in error_of(dialog, "调委会名称")
    assert dialog.current_step() == STEP_COMMITTEE
    assert dialog.isVisible()
    assert snapshot(database) == before

    commit_text(dialog.name, "青山镇人民调解委员会")
    assert dialog.abbr.text() == "青山"  # suggested; the user deletes it
    dialog.abbr.setFocus()
    qtbot.keyClick(dialog.abbr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.abbr, Qt.Key.Key_Backspace)
    click(qtbot, dialog.next_button)
    assert error_of(dialog, "调委会名称") == ""
    assert "编号中用的简称" in error_of(dialog, "编号简称")
    assert QApplication.focusWidget() is dialog.abbr

    qtbot.keyClicks(dialog.abbr, "QS 1")  # spaces are not allowed in a case number
    ctrl_enter(qtbot, dialog.abbr)  # Ctrl+Enter goes on, as 下一步
    assert "不能有空格和符号" in error_of(dialog, "编号简称")
    assert dialog.name.text() == "青山镇人民调解委员会"  # nothing typed is lost
    dialog.abbr.setText("青山")
    click(qtbot, dialog.next_button)
    assert dialog.current_step() == STEP_ACCOUNT
    assert QApplication.focusWidget() is dialog.user
    click(qtbot, dialog.next_button)
    assert "请填写您的姓名" in error_of(dialog, "使用人姓名")
    commit_text(dialog.user, "李主任")
    commit_text(dialog.password, "12345")
    click(qtbot, dialog.next_button)
    assert "至少要 6 位" in error_of(dialog, accounts.PASSWORD_FIELD)
    commit_text(dialog.password, PASSWORD)
    commit_text(dialog.password_repeat, PASSWORD + "x")
    click(qtbot, dialog.next_button)
    assert error_of(dialog, accounts.PASSWORD_FIELD) == ""
    assert "两次输入的密码不一样" in error_of(dialog, accounts.REPEAT_FIELD)
    assert dialog.current_step() == STEP_ACCOUNT
    assert snapshot(database) == before


def test_villages_are_required_and_unique(window: MainWindow, qtbot: QtBot) -> None:
    dialog = dialog_of(window)
    fill(dialog, qtbot)
    dialog.villages.setPlainText("")
    click(qtbot, dialog.next_button)
    assert "至少填写一个村" in error_of(dialog, "村（社区）")
    dialog.villages.setPlainText("红旗村\n桃园村\n红旗村")
    click(qtbot, dialog.next_button)
    assert "“红旗村”重复填写了" in error_of(dialog, "村（社区）")
    assert dialog.current_step() == STEP_VILLAGES
    click(qtbot, dialog.back_button)  # back: what was typed is still there
    assert dialog.current_step() == STEP_ACCOUNT
    assert dialog.user.text() == "李主任" and dialog.password.text() == PASSWORD
    assert error_of(dialog, "村（社区）") == ""


def test_name_suggests_town_abbreviation_and_seal(
    qtbot: QtBot, database: Database, track: list[QWidget]
) -> None:
    dialog = open_dialog(database, track)
    commit_text(dialog.name, "青山镇人民调解委员会")
    assert dialog.town.text() == "青山镇"
    assert dialog.abbr.text() == "青山"
    assert dialog.seal_text.text() == "青山镇人民调解委员会"
    assert dialog.example.text() == f"案件编号将是这样：（{date.today().year}）青山调字第1号"
    qtbot.keyClicks(dialog.abbr, "X")  # the user's own abbreviation is never overwritten
    dialog.name.clear()
    commit_text(dialog.name, "白水乡人民调解委员会")
    assert dialog.town.text() == "白水乡"
    assert dialog.abbr.text() == "青山X"
    assert dialog.seal_text.text() == "白水乡人民调解委员会"
    assert guess_town("某某调委会") == ""
    assert guess_abbr("城关街道") == "城关"


def test_the_person_setting_up_is_offered_as_the_first_mediator(
    qtbot: QtBot, database: Database, track: list[QWidget]
) -> None:
    dialog = open_dialog(database, track)
    commit_text(dialog.user, "李主任")
    first = dialog.mediator_rows[0]
    assert first.name.text() == "李主任" and first.full_time.isChecked()
    assert [row.name.text() for row in dialog.mediator_rows[1:]] == ["", ""]
    first.name.setFocus()
    qtbot.keyClicks(first.name, "A")  # once edited, the row is the user's own
    commit_text(dialog.user, "B")
    assert first.name.text() == "李主任A"
    assert dialog.user.text() == "李主任B"


def test_a_whole_setup_by_keyboard_shows_the_register(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = dialog_of(window)
    commit_text(dialog.name, "青山镇人民调解委员会")
    dialog.device_name.setFocus()
    qtbot.keyClick(dialog.device_name, Qt.Key.Key_Return)  # Enter on a step's last field
    assert dialog.current_step() == STEP_ACCOUNT  # goes on
    assert QApplication.focusWidget() is dialog.user
    commit_text(dialog.user, "李主任")
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter: to the next input
    assert QApplication.focusWidget() is dialog.password_repeat
    type_text(qtbot, dialog.password_repeat, PASSWORD)
    qtbot.keyClick(dialog.password_repeat, Qt.Key.Key_Return)
    assert dialog.current_step() == STEP_VILLAGES
    assert QApplication.focusWidget() is dialog.villages
    commit_text(dialog.villages, "红旗村\n桃园村\n河东社区")
    ctrl_enter(qtbot, dialog.villages)
    assert dialog.current_step() == STEP_MEDIATORS
    assert markers(dialog)[:3] == ["1 本调委会", "2 您的账户", "3 村（社区）"]
    assert dialog.skip_button.isVisible() and dialog.skip_button.text() == "跳过此步(&K)"
    assert QApplication.focusWidget() is dialog.mediator_rows[0].name
    second = dialog.mediator_rows[1]
    commit_text(second.name, "王建华")
    type_text(qtbot, second.phone, "139 0571 0001")
    ctrl_enter(qtbot, second.phone)
    assert dialog.current_step() == STEP_DETAILS
    assert dialog.save_button.isVisible() and not dialog.next_button.isVisible()
    assert dialog.skip_button.text() == "跳过，开始使用(&K)"
    commit_text(dialog.address, "青山镇人民路8号")
    type_text(qtbot, dialog.phone, "0571-87654321")
    commit_text(dialog.court_name, "青山县人民法院")
    with qtbot.waitSignal(dialog.office_ready):
        ctrl_enter(qtbot, dialog.court_name)
    qtbot.waitUntil(lambda: window.setup_dialog is None)

    assert office.is_set_up(database)
    committee = office.main_committee(database)
    assert (committee.name, committee.abbr) == ("青山镇人民调解委员会", "青山")
    villages = [v.name for v in office.villages(database)]
    assert villages == ["红旗村", "桃园村", "河东社区"]  # as typed
    director = office.current_user(database)
    assert director.name == "李主任"
    # the 主任 is logged in with the password chosen, and is the 调解员 of the same name
    me = session.current_actor(database)
    assert (me.user_id, me.role) == (director.id, "director")
    assert me.mediator_id == office.mediators(database)[0].id
    assert accounts.login(database, director.id, PASSWORD).name == "李主任"
    assert [(m.name, m.phone, m.full_time) for m in office.mediators(database)] == [
        ("李主任", "", True),
        ("王建华", "13905710001", False),
    ]
    assert office.office_details(database) == OfficeDetails(
        seal_text="青山镇人民调解委员会",
        address="青山镇人民路8号",
        phone="0571-87654321",
        court_name="青山县人民法院",
    )

    assert window.pages.currentWidget() is window.register_page
    assert "青山镇人民调解委员会" in window.windowTitle()
    assert window.office_label.text() == "青山镇人民调解委员会"
    assert window.new_action.isEnabled()
    page = window.register_page
    assert page.count_label.text() == "共 0 件：没有符合条件的案件"
    villages = [page.village.itemText(i) for i in range(page.village.count())]
    assert villages == ["全部", "红旗村", "桃园村", "河东社区"]  # in the order typed


def test_skipped_steps_say_where_to_add_them_later_and_save_nothing(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = at_mediators(window, qtbot)
    commit_text(dialog.mediator_rows[1].name, "王建华")
    hints = " ".join(
        label.text() for label in dialog.steps[STEP_MEDIATORS].page.findChildren(QLabel)
    )
    assert "村居与宣传 → 村居档案 → 调解员" in hints
    click(qtbot, dialog.skip_button)
    assert dialog.current_step() == STEP_DETAILS
    assert markers(dialog)[STEP_MEDIATORS] == "4 调解员（已跳过）"
    assert dialog.skipped_note.isVisible()
    assert dialog.skipped_note.text() == (
        "已跳过“调解员”：以后在“村居与宣传 → 村居档案 → 调解员”中添加，指派时也可以当场添加。"
    )
    commit_text(dialog.court_name, "青山县")  # wrong, but the step is skipped
    with qtbot.waitSignal(dialog.office_ready):
        click(qtbot, dialog.skip_button)
    assert office.mediators(database) == []
    assert office.office_details(database) == OfficeDetails(seal_text="青山镇人民调解委员会")


def test_a_skipped_step_taken_again_counts(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = at_mediators(window, qtbot)
    click(qtbot, dialog.skip_button)
    click(qtbot, dialog.back_button)
    assert dialog.current_step() == STEP_MEDIATORS
    click(qtbot, dialog.next_button)  # not skipped any more
    assert markers(dialog)[STEP_MEDIATORS] == "4 调解员"
    assert not dialog.skipped_note.isVisible()
    with qtbot.waitSignal(dialog.office_ready):
        click(qtbot, dialog.save_button)
    assert [m.name for m in office.mediators(database)] == ["李主任"]


def test_mediator_rows_are_added_removed_and_checked_by_row(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = at_mediators(window, qtbot)
    click(qtbot, dialog.add_mediator_button)
    assert len(dialog.mediator_rows) == 4
    assert QApplication.focusWidget() is dialog.mediator_rows[3].name
    commit_text(dialog.mediator_rows[3].name, "李主任")  # the same name twice
    type_text(qtbot, dialog.mediator_rows[2].phone, "13905710001")  # a phone but no name
    click(qtbot, dialog.next_button)
    assert "请填写这名调解员的姓名" in error_of(dialog, "调解员3·姓名")
    assert QApplication.focusWidget() is dialog.mediator_rows[2].name
    click(qtbot, dialog.mediator_rows[2].remove_button)
    assert len(dialog.mediator_rows) == 3
    click(qtbot, dialog.next_button)
    assert "已经填在第 1 行" in error_of(dialog, "调解员3·姓名")
    assert dialog.mediator_rows[2].name.text() == "李主任"
    for row in list(dialog.mediator_rows):
        click(qtbot, row.remove_button)
    assert len(dialog.mediator_rows) == 1  # one empty row stays to type into
    assert dialog.mediator_rows[0].name.text() == ""
    click(qtbot, dialog.next_button)  # no mediators is fine too
    assert dialog.current_step() == STEP_DETAILS
    with qtbot.waitSignal(dialog.office_ready):
        click(qtbot, dialog.save_button)
    assert office.mediators(database) == []


def test_a_refusal_at_the_end_shows_the_step_it_is_about(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = at_mediators(window, qtbot)
    click(qtbot, dialog.next_button)
    # Meanwhile another PC set this database up.
    office.setup_office(
        database,
        committee_name="白水乡人民调解委员会",
        abbr="白水",
        town_name="白水乡",
        villages=["白水村"],
        user_name="张三",
        password="qingshan26",
    )
    click(qtbot, dialog.save_button)
    assert dialog.current_step() == STEP_COMMITTEE
    assert "已经设置过" in error_of(dialog, "调委会名称")
    assert dialog.isVisible()


@pytest.mark.usefixtures("restore_font")
def test_every_step_fits_an_old_laptop_screen(
    qtbot: QtBot, qapp: QApplication, database: Database, track: list[QWidget]
) -> None:
    apply_font_size(qapp, ui_settings.DEFAULT_FONT_SIZE)
    dialog = open_dialog(database, track)
    qtbot.waitExposed(dialog)
    for step in range(len(dialog.steps)):
        dialog.show_step(step)
        if step == STEP_MEDIATORS:  # two more rows than offered
            dialog.add_mediator_row()
            dialog.add_mediator_row()
        hint = dialog.sizeHint()
        # 1366×768 less the title bar and the taskbar (as widgets.fit_to_screen leaves).
        assert hint.width() <= 1366 - 24 and hint.height() <= 768 - 48, (step, hint)


def test_cancel_leaves_the_database_unchanged(
    window: MainWindow, database: Database, qtbot: QtBot, boxes: Boxes
) -> None:
    before = snapshot(database)
    dialog = dialog_of(window)
    fill(dialog, qtbot)
    boxes.answer = True  # "不保存，关闭"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.setup_dialog is None)
    assert [title for _k, title, _t in boxes.calls] == ["放弃填写的内容？"]
    assert snapshot(database) == before
    assert not office.is_set_up(database)

    # No dead end: the page says what is missing and its button opens the dialog again.
    assert window.pages.currentWidget() is window.setup_page
    window.show_register()  # (F3) nothing to show yet
    assert window.pages.currentWidget() is window.setup_page
    qtbot.mouseClick(window.setup_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.setup_dialog is not None and window.setup_dialog.isVisible())


def test_new_case_before_setup_opens_setup(window: MainWindow, qtbot: QtBot) -> None:
    dialog = dialog_of(window)
    dialog.reject()  # untouched: closes without asking
    qtbot.waitUntil(lambda: window.setup_dialog is None)
    window.new_case()
    assert window.register_dialog is None
    assert window.setup_dialog is not None


def test_demo_database_skips_setup(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    window = MainWindow(office_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    run_queued(qtbot)  # the first-run check is queued at start: it would have run by now
    assert window.setup_dialog is None
    assert window.pages.currentWidget() is window.start_page
    assert window.windowTitle() == "青山镇人民调解委员会"
