"""受理 and 归档 cannot be taken back: each asks first, in a real message box that names the
case and says what will happen, with the safe answer as the default (Enter changes
nothing); "yes" does it. A wrong date is marked before anything is asked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.ui.cases.action_dialogs import ACCEPT_TITLE, ARCHIVE_TITLE
from app.ui.cases.case_window import CaseWindow
from app.ui.cases.service_dialog import ServiceDialog
from tests.helpers import snapshot
from tests.ui.cases.helpers import closed, field_error, open_action, open_window, register
from tests.ui.message_boxes import click as answer
from tests.ui.message_boxes import open_boxes, wait_for_box
from tests.ui.user import click

pytestmark = pytest.mark.usefixtures("real_boxes")


def still_open(dialog: ServiceDialog) -> bool:
    return shiboken6.isValid(dialog) and dialog.isVisible()


def ask(qtbot: QtBot, dialog: ServiceDialog, title: str) -> str:
    """Click the dialog's save button; the question's text once it is on screen."""
    click(qtbot, dialog.save_button)
    box = wait_for_box(qtbot, title)
    assert box.defaultButton().text() == "返回"  # Enter takes the safe answer
    return box.text()


def ask_and_say_yes(
    qtbot: QtBot, window: CaseWindow, dialog: ServiceDialog, title: str, yes: str
) -> None:
    """Ask again and answer ``yes``: done, and the case window shows it."""
    ask(qtbot, dialog, title)
    with qtbot.waitSignal(window.changed, timeout=3000):
        answer(qtbot, wait_for_box(qtbot, title), yes)


def enter_on_the_question(qtbot: QtBot, title: str) -> None:
    qtbot.keyClick(wait_for_box(qtbot, title), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: open_boxes() == [])


def test_accepting_asks_first_naming_the_case_and_the_number(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    dialog = open_action(qtbot, window, "accept")
    before = snapshot(office_db)

    text = ask(qtbot, dialog, ACCEPT_TITLE)
    today, due = date.today(), date.today() + timedelta(days=30)
    assert text.startswith("确定受理张三、李四之间的邻里纠纷吗？")
    assert "受理后马上编上案件编号，编号不能收回，也不能改动。" in text
    assert f"调解期限从受理日期 {today.isoformat()} 起算 30 天，到 {due.isoformat()} 为止。" in text
    enter_on_the_question(qtbot, ACCEPT_TITLE)
    assert still_open(dialog)
    assert snapshot(office_db) == before
    assert window.number_label.text() == "未受理"

    ask_and_say_yes(qtbot, window, dialog, ACCEPT_TITLE, "受理")
    assert window.number_label.text() == f"（{date.today().year}）青山调字第1号"
    assert window.state_label.text() == "已受理"


def test_archiving_asks_first_and_says_only_the_head_can_reopen(
    qtbot: QtBot, office_db: Database
) -> None:
    window: CaseWindow = open_window(qtbot, office_db, closed(office_db))
    number = window.case.number
    dialog = open_action(qtbot, window, "archive")
    before = snapshot(office_db)

    text = ask(qtbot, dialog, ARCHIVE_TITLE)
    assert text.startswith(f"确定把案件{number}（张三、李四之间的邻里纠纷）归档吗？")
    assert "归档后只能查看，不能再补充或修改；要重新调解须由调委会主任办理。" in text
    answer(qtbot, wait_for_box(qtbot, ARCHIVE_TITLE), "返回")
    assert still_open(dialog)
    assert snapshot(office_db) == before
    assert window.state_label.text() == "已结案"

    ask_and_say_yes(qtbot, window, dialog, ARCHIVE_TITLE, "归档")
    assert window.state_label.text() == "已归档"


def test_a_wrong_acceptance_date_is_marked_before_anything_is_asked(
    qtbot: QtBot, office_db: Database
) -> None:
    registered_on = date.today() - timedelta(days=3)
    window = open_window(qtbot, office_db, register(office_db, registered_on=registered_on))
    dialog = open_action(qtbot, window, "accept")
    dialog.accepted_on.setDate(dialog.accepted_on.date().addDays(-5))  # before registration
    click(qtbot, dialog.save_button)
    assert open_boxes() == []
    assert field_error(dialog, "受理日期") == (
        f"受理日期不能早于登记日期（{registered_on:%Y年%m月%d日}）。"
    )
    dialog.accepted_on.setDate(dialog.accepted_on.date().addDays(6))  # tomorrow
    click(qtbot, dialog.save_button)
    assert open_boxes() == []
    assert "晚于今天" in field_error(dialog, "受理日期")
