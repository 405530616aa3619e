"""The case window starts on the step the case most likely waits for (Space or Enter
opens it), never on 打印; after a step, the focus moves on to the next one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models.cases import AgreementInput
from app.models.db import Database
from app.ui.cases.action_dialogs import ACCEPT_TITLE
from app.ui.cases.case_window import CaseWindow
from tests.helpers import director, save_draft
from tests.ui.cases.helpers import (
    accepted,
    assigned,
    check_item,
    closed,
    mediating,
    open_action,
    open_window,
    register,
    save,
)
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate


def drafted(db: Database) -> str:
    case_id = mediating(db)
    save_draft(db, case_id, AgreementInput(terms=["李四赔偿张三 800 元。"]), by=director(db))
    return case_id


def archived(db: Database) -> str:
    case_id = closed(db)
    cases.archive_case(db, case_id, by=director(db), archived_on=date.today())
    return case_id


def focused_action(window: CaseWindow) -> str | None:
    focus = QApplication.focusWidget()
    return next((a for a, b in window.action_buttons.items() if b is focus), None)


@pytest.mark.parametrize(
    ("make", "action"),
    [
        (register, "accept"),
        (accepted, "assign"),
        (assigned, "record_session"),
        (mediating, "record_session"),
        (drafted, "close"),
        (closed, "follow_up"),
    ],
    ids=["registered", "accepted", "assigned", "mediating", "drafted", "closed"],
)
def test_the_first_focus_is_the_next_likely_step(
    qtbot: QtBot, office_db: Database, make: Callable[[Database], str], action: str
) -> None:
    window = open_window(qtbot, office_db, make(office_db))
    assert focused_action(window) == action
    assert QApplication.focusWidget() is not window.print_button


def test_a_case_with_nothing_to_do_starts_on_its_parties(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, archived(office_db))
    assert QApplication.focusWidget() is window.parties_view


def test_after_a_step_the_focus_moves_on_to_the_next(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    boxes.answers[ACCEPT_TITLE] = True
    save(qtbot, window, open_action(qtbot, window, "accept"))
    activate(qtbot, window)  # back in the case window
    assert focused_action(window) == "assign"
    assign = open_action(qtbot, window, "assign")
    check_item(qtbot, assign.mediators, "王建华")
    save(qtbot, window, assign)
    activate(qtbot, window)
    assert "assign" in window.visible_actions()  # still there, for a reassignment
    assert focused_action(window) == "record_session"
