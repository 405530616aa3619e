"""First run: an empty database opens the set-up dialog instead of an empty screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.db import Database
from app.ui.main_window import MainWindow
from app.ui.setup_dialog import SetupDialog, guess_abbr, guess_town
from tests.conftest import TODAY
from tests.helpers import snapshot
from tests.ui.events import run_queued
from tests.ui.message_boxes import Boxes
from tests.ui.user import commit_text


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


def fill(dialog: SetupDialog, qtbot: QtBot) -> None:
    commit_text(dialog.name, "青山镇人民调解委员会")  # suggests 青山镇 and 青山
    commit_text(dialog.villages, "红旗村\n桃园村\n河东社区")
    commit_text(dialog.user, "李主任")


def test_empty_database_opens_the_setup_dialog(window: MainWindow, database: Database) -> None:
    dialog = dialog_of(window)
    assert dialog.windowTitle() == "设置本调委会"
    assert window.pages.currentWidget() is window.setup_page
    assert window.windowTitle() == "乡镇人民调解工作台"
    assert not window.new_action.isEnabled()
    assert dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal
    assert QApplication.focusWidget() is dialog.name
    assert not office.is_set_up(database)


def test_empty_fields_get_errors_beside_them(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = dialog_of(window)
    before = snapshot(database)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "请填写调委会名称" in error_of(dialog, "调委会名称")
    assert dialog.isVisible()
    assert snapshot(database) == before

    commit_text(dialog.name, "青山镇人民调解委员会")
    assert dialog.abbr.text() == "青山"  # suggested; the user deletes it
    dialog.abbr.setFocus()
    qtbot.keyClick(dialog.abbr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.abbr, Qt.Key.Key_Backspace)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert error_of(dialog, "调委会名称") == ""
    assert "编号中用的简称" in error_of(dialog, "编号简称")
    assert QApplication.focusWidget() is dialog.abbr

    qtbot.keyClicks(dialog.abbr, "QS 1")  # spaces are not allowed in a case number
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "不能有空格和符号" in error_of(dialog, "编号简称")
    assert dialog.name.text() == "青山镇人民调解委员会"  # nothing typed is lost
    assert snapshot(database) == before


def test_villages_are_required_and_unique(window: MainWindow, qtbot: QtBot) -> None:
    dialog = dialog_of(window)
    fill(dialog, qtbot)
    dialog.villages.setPlainText("")
    dialog.save()
    assert "至少填写一个村" in error_of(dialog, "村（社区）")
    dialog.villages.setPlainText("红旗村\n桃园村\n红旗村")
    dialog.save()
    assert "“红旗村”重复填写了" in error_of(dialog, "村（社区）")


def test_name_suggests_town_and_abbreviation(
    qtbot: QtBot, database: Database, track: list[QWidget]
) -> None:
    dialog = SetupDialog(database)
    track.append(dialog)
    dialog.show()
    commit_text(dialog.name, "青山镇人民调解委员会")
    assert dialog.town.text() == "青山镇"
    assert dialog.abbr.text() == "青山"
    assert dialog.example.text() == f"案件编号将是这样：（{date.today().year}）青山调字第1号"
    qtbot.keyClicks(dialog.abbr, "X")  # the user's own abbreviation is never overwritten
    dialog.name.clear()
    commit_text(dialog.name, "白水乡人民调解委员会")
    assert dialog.town.text() == "白水乡"
    assert dialog.abbr.text() == "青山X"
    assert guess_town("某某调委会") == ""
    assert guess_abbr("城关街道") == "城关"


def test_success_shows_the_register_with_the_office_name(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    dialog = dialog_of(window)
    fill(dialog, qtbot)
    assert dialog.town.text() == "青山镇" and dialog.abbr.text() == "青山"
    with qtbot.waitSignal(dialog.office_ready):
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.setup_dialog is None)
    assert office.is_set_up(database)
    committee = office.main_committee(database)
    assert (committee.name, committee.abbr) == ("青山镇人民调解委员会", "青山")
    assert [v.name for v in office.villages(database)] == sorted(["红旗村", "桃园村", "河东社区"])
    assert office.current_user(database).name == "李主任"

    assert window.pages.currentWidget() is window.register_page
    assert "青山镇人民调解委员会" in window.windowTitle()
    assert window.office_label.text() == "青山镇人民调解委员会"
    assert window.new_action.isEnabled()
    page = window.register_page
    assert page.count_label.text() == "共 0 件：没有符合条件的案件"
    villages = [page.village.itemText(i) for i in range(page.village.count())]
    assert villages == ["全部", *sorted(["红旗村", "桃园村", "河东社区"])]


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
