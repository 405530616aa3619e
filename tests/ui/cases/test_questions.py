"""Questions asked in real message boxes: each returns at once (no nested event loop),
the box is found on screen and clicked, and each answer does what it says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.ui.cases.action_dialogs import SessionDialog, VoidDialog
from app.ui.cases.case_window import CaseWindow
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.cases.service_dialog import DISCARD_TITLE
from app.ui.cases.widgets import qdate
from tests.helpers import snapshot
from tests.ui.cases.helpers import field_error, mediating, open_action, open_window, register
from tests.ui.message_boxes import click as answer
from tests.ui.message_boxes import open_boxes, wait_for_box
from tests.ui.user import click, show_dialog, type_text

pytestmark = pytest.mark.usefixtures("real_boxes")

UNSAVED_FACTS = "案情修改未保存"


def gone(widget: QWidget) -> bool:
    return not shiboken6.isValid(widget) or not widget.isVisible()


def dirty_window(qtbot: QtBot, db: Database) -> CaseWindow:
    """A case window with an unsaved change on the 案情 tab."""
    window = open_window(qtbot, db, mediating(db))
    type_text(qtbot, window.details.risk, "一方扬言报复。")
    assert window.details.is_dirty()
    return window


# ---------------------------------------------------------------------- the case window


def test_closing_a_window_with_unsaved_facts_asks(qtbot: QtBot, office_db: Database) -> None:
    window = dirty_window(qtbot, office_db)
    before = snapshot(office_db)
    window.close()  # returns at once, with the question on screen
    box = wait_for_box(qtbot, UNSAVED_FACTS)
    assert window.isVisible()
    assert box.defaultButton().text() == "返回"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the safe answer
    qtbot.waitUntil(lambda: open_boxes() == [])
    assert window.isVisible() and window.details.risk.toPlainText() == "一方扬言报复。"

    window.close()
    answer(qtbot, wait_for_box(qtbot, UNSAVED_FACTS), "返回")
    assert window.isVisible() and window.details.is_dirty()

    window.close()
    answer(qtbot, wait_for_box(qtbot, UNSAVED_FACTS), "不保存，关闭")
    qtbot.waitUntil(lambda: not window.isVisible())
    assert snapshot(office_db) == before


def test_asking_twice_shows_one_question(qtbot: QtBot, office_db: Database) -> None:
    window = dirty_window(qtbot, office_db)
    window.close()
    box = wait_for_box(qtbot, UNSAVED_FACTS)
    window.close()  # e.g. the main window's 退出 while the question is open
    assert open_boxes() == [box]
    answer(qtbot, box, "不保存，关闭")
    qtbot.waitUntil(lambda: not window.isVisible())


def test_closing_a_window_with_a_filled_in_dialog_asks_about_the_dialog(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: SessionDialog = open_action(qtbot, window, "record_investigation")
    type_text(qtbot, dialog.record, "询问了邻居。")
    before = snapshot(office_db)
    window.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "继续填写")
    assert window.isVisible() and dialog.isVisible()
    assert dialog.record.toPlainText() == "询问了邻居。"

    window.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "不保存，关闭")
    qtbot.waitUntil(lambda: gone(dialog) and not window.isVisible())
    assert snapshot(office_db) == before


# ---------------------------------------------------------------------- the dialogs


def test_escape_on_a_filled_in_dialog_asks(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: SessionDialog = open_action(qtbot, window, "record_investigation")
    type_text(qtbot, dialog.place, "村委会")
    before = snapshot(office_db)
    qtbot.keyClick(dialog.place, Qt.Key.Key_Escape)
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "继续填写")
    assert dialog.isVisible() and dialog.place.text() == "村委会"
    click(qtbot, dialog.cancel_button)
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "不保存，关闭")
    qtbot.waitUntil(lambda: gone(dialog))
    assert window.active_dialog is None
    assert snapshot(office_db) == before


def test_void_asks_before_the_service_runs(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    void: VoidDialog = open_action(qtbot, window, "void")
    click(qtbot, void.save_button)  # no reason: said beside the field, nothing asked
    assert field_error(void, "作废原因") == "请填写作废原因，例如：重复登记。"
    assert open_boxes() == []

    type_text(qtbot, void.reason, "重复登记")
    before = snapshot(office_db)
    click(qtbot, void.save_button)
    box = wait_for_box(qtbot, "作废案件")
    assert (box.defaultButton().text(), box.escapeButton().text()) == ("不作废", "不作废")
    assert field_error(void, "作废原因") == ""
    answer(qtbot, box, "不作废")
    assert void.isVisible() and void.reason.toPlainText() == "重复登记"
    assert snapshot(office_db) == before

    # "Yes", but the service refuses the date: told beside the field, the dialog stays.
    void.voided_on.setDate(qdate(date.today() + timedelta(days=3)))
    click(qtbot, void.save_button)
    answer(qtbot, wait_for_box(qtbot, "作废案件"), "作废")
    assert field_error(void, "作废日期")
    assert void.isVisible() and snapshot(office_db) == before

    void.voided_on.setDate(qdate(date.today()))
    with qtbot.waitSignal(window.changed, timeout=3000):
        click(qtbot, void.save_button)
        answer(qtbot, wait_for_box(qtbot, "作废案件"), "作废")
    qtbot.waitUntil(lambda: gone(void))
    assert window.state_label.text() == "已作废"


def test_removing_a_filled_in_party_asks(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = RegisterDialog(office_db)
    show_dialog(qtbot, dialog, track)
    second = dialog.add_party("b")
    type_text(qtbot, second.name, "李小四")
    click(qtbot, second.remove_button)
    box = wait_for_box(qtbot, "删除当事人")
    assert "被申请人2" in box.text() and "李小四" in box.text()
    answer(qtbot, box, "不删除")
    assert dialog.side_b.forms == [dialog.side_b.forms[0], second]
    assert second.name.text() == "李小四"

    click(qtbot, second.remove_button)
    answer(qtbot, wait_for_box(qtbot, "删除当事人"), "删除")
    assert len(dialog.side_b.forms) == 1
    assert dialog.focusWidget() is dialog.side_b.forms[0].name
