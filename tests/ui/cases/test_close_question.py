"""结案 locks the case, so it asks first: the real question names the case (its number and
its parties), the outcome chosen and what locking means, with 再看看 as the default."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.case_window import PRINT_AGREEMENT_TITLE
from app.ui.cases.close_dialog import CONFIRM_TITLE, CloseDialog, case_in_words
from tests.helpers import snapshot
from tests.ui.cases.helpers import mediating, open_action, open_window
from tests.ui.message_boxes import click as answer
from tests.ui.message_boxes import open_boxes, wait_for_box
from tests.ui.user import click, type_text

pytestmark = pytest.mark.usefixtures("real_boxes")

LOCKING = (
    "结案后本案就锁定了：案情、当事人、调解记录和调解协议都只能查看，不能再修改；"
    "回访、司法确认和归档照常办理。确需修改的，要先办理“重新调解”。"
)


def test_the_question_names_the_case_the_outcome_and_what_locking_means(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id = mediating(office_db)
    window = open_window(qtbot, office_db, case_id)
    number = window.case.number
    assert number
    dialog: CloseDialog = open_action(qtbot, window, "close")
    type_text(qtbot, dialog.terms.edits[0], "李四恢复排水沟原走向。")
    before = snapshot(office_db)

    click(qtbot, dialog.save_button)
    box = wait_for_box(qtbot, CONFIRM_TITLE)
    assert box.text() == (
        f"确定把案件{number}（张三、李四之间的邻里纠纷）以“达成书面协议”结案吗？\n\n"
        f"{LOCKING}\n\n结案后可以接着打印《人民调解协议书》。"
    )
    assert box.defaultButton().text() == "再看看"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: the safe answer, nothing locked
    qtbot.waitUntil(lambda: open_boxes() == [])
    assert dialog.isVisible() and snapshot(office_db) == before

    # Another outcome is named as such, with no word of an agreement to print.
    choose_outcome(qtbot, dialog, "调解不成（终止调解）")
    type_text(qtbot, dialog.note, "双方分歧较大。")
    click(qtbot, dialog.save_button)
    text = wait_for_box(qtbot, CONFIRM_TITLE).text()
    assert text == (
        f"确定把案件{number}（张三、李四之间的邻里纠纷）以“调解不成（终止调解）”结案吗？\n\n"
        f"{LOCKING}"
    )
    answer(qtbot, wait_for_box(qtbot, CONFIRM_TITLE), "结案")
    qtbot.waitUntil(lambda: load_case(office_db, case_id).state == "closed")
    assert load_case(office_db, case_id).outcome == "terminated"
    assert PRINT_AGREEMENT_TITLE not in [b.windowTitle() for b in open_boxes()]


def choose_outcome(qtbot: QtBot, dialog: CloseDialog, text: str) -> None:
    button = next(b for b in dialog.outcome.buttons.values() if b.text() == text)
    click(qtbot, button)
    assert button.isChecked()


def test_a_case_without_a_number_is_named_by_its_parties(office_db: Database) -> None:
    case = load_case(office_db, mediating(office_db))
    assert case_in_words(case) == f"案件{case.number}（张三、李四之间的邻里纠纷）"
    # A case taken over from an old 台账 may have no number.
    assert case_in_words(replace(case, number=None)) == "张三、李四之间的邻里纠纷（没有案件编号）"
    many = replace(case, parties=[*case.parties, *case.parties])  # four names: three, then 等
    assert case_in_words(replace(many, number=None)).startswith("张三、李四、张三等之间的")
