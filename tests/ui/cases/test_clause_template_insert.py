"""结案 with clause templates: 从模板插入 offers the templates of the case's category first,
then the general ones, and puts the chosen one in as a term with the parties' names; the
mouse and the keyboard alone both get there. The 记录人 line starts with who kept the
record and is stored with the agreement."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models import clause_templates as ct
from app.models.casefile import load_case
from app.models.cases import AgreementInput, CloseInput, SessionInput
from app.models.db import Database
from app.ui.cases.case_window import CaseWindow
from app.ui.cases.close_dialog import (
    CONFIRM_TITLE,
    GENERAL_SECTION,
    NO_TEMPLATES_TEXT,
    CloseDialog,
    TermsEditor,
    category_section,
)
from tests.helpers import director
from tests.ui.cases.helpers import mediating, open_action, open_window, save
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, type_text

# A popup menu asks the window system for the keyboard; the offscreen platform says once
# that it cannot, which is no fault of the program.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")

APOLOGY = "李四于本协议签订之日当面向张三赔礼道歉，张三表示谅解。"  # 张三 applies, 李四 answers
REPAIR_START = "李四于____年__月__日前将____（如：排水沟、院墙）恢复原状"


def close_dialog(qtbot: QtBot, db: Database, case_id: str) -> tuple[CaseWindow, CloseDialog]:
    window = open_window(qtbot, db, case_id)
    dialog: CloseDialog = open_action(qtbot, window, "close")
    return window, dialog


def open_menu_by_click(qtbot: QtBot, dialog: CloseDialog) -> QMenu:
    button = dialog.terms.template_button
    assert button is not None
    click(qtbot, button)
    return shown_menu(qtbot, dialog)


def shown_menu(qtbot: QtBot, dialog: CloseDialog) -> QMenu:
    qtbot.waitUntil(
        lambda: dialog.terms.template_menu is not None and dialog.terms.template_menu.isVisible()
    )
    menu = dialog.terms.template_menu
    assert menu is not None
    return menu


def entries(menu: QMenu) -> list[str]:
    """What the menu shows, top to bottom: section headings and templates."""
    return [a.text() for a in menu.actions() if a.text()]


def choose_entry(qtbot: QtBot, menu: QMenu, title: str) -> None:
    """Click the entry ``title`` with the mouse."""
    action = next(a for a in menu.actions() if a.text() == title)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible())


def recorded_session(db: Database, case_id: str, recorder: str) -> None:
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime.combine(date.today(), time(0, 0)),
            place="村评理说事点",
            record="双方同意协商解决。",
            recorder=recorder,
        ),
        by=director(db),
    )


def test_menu_offers_the_category_first_and_fills_in_the_parties(
    qtbot: QtBot, office_db: Database
) -> None:
    _window, dialog = close_dialog(qtbot, office_db, mediating(office_db))  # a 邻里 dispute
    dialog.terms.edits[0].setFocus()
    menu = open_menu_by_click(qtbot, dialog)
    shown = entries(menu)
    assert shown[:4] == [category_section("邻里"), "限期修复", "和睦相处", GENERAL_SECTION]
    assert {"一次性付款", "分期付款", "赔礼道歉", "再无争议"} <= set(shown[4:])
    assert "宅基地界址" not in shown  # another category's clause is not offered
    apology = next(a for a in menu.actions() if a.text() == "赔礼道歉")
    assert APOLOGY in apology.toolTip()  # the text it will put in, names and all

    choose_entry(qtbot, menu, "赔礼道歉")
    # The empty first term took it: no blank 第1条 left above it.
    assert dialog.terms.terms() == [APOLOGY]
    assert dialog.focusWidget() is dialog.terms.edits[0]


def test_a_written_term_stays_and_the_template_comes_after_the_last(
    qtbot: QtBot, office_db: Database
) -> None:
    _window, dialog = close_dialog(qtbot, office_db, mediating(office_db))
    type_text(qtbot, dialog.terms.edits[0], "李四赔偿张三修墙费用3000元。")
    qtbot.keyClick(dialog.terms.edits[0], Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, dialog.terms.edits[1], "双方互谅互让。")
    dialog.terms.edits[0].setFocus()  # the current term is written
    choose_entry(qtbot, open_menu_by_click(qtbot, dialog), "赔礼道歉")
    assert dialog.terms.terms() == ["李四赔偿张三修墙费用3000元。", "双方互谅互让。", APOLOGY]
    assert [label.text() for label in dialog.terms._numbers] == ["第1条", "第2条", "第3条"]
    assert dialog.focusWidget() is dialog.terms.edits[2]


def test_keyboard_alone_inserts_a_template_and_lands_on_its_first_blank(
    qtbot: QtBot, office_db: Database
) -> None:
    _window, dialog = close_dialog(qtbot, office_db, mediating(office_db))
    first = dialog.terms.edits[0]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # 从模板插入(T)
    menu = shown_menu(qtbot, dialog)
    active = menu.activeAction()
    assert active is not None and active.text() == "限期修复"  # ready for Enter
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Up)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert first.toPlainText().startswith(REPAIR_START)
    assert "{" not in first.toPlainText()
    # The cursor is in the term, on the first blank: typing the year replaces it.
    assert dialog.focusWidget() is first
    assert first.textCursor().selectedText() == "____"
    qtbot.keyClicks(first, "2027")
    assert first.toPlainText().startswith("李四于2027年__月__日前将")

    # Esc closes the menu and changes nothing.
    qtbot.keyClick(first, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    menu = shown_menu(qtbot, dialog)
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert len(dialog.terms.edits) == 1 and dialog.isVisible()


def test_closing_with_an_inserted_term_stores_it_with_the_recorder(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    case_id = mediating(office_db)
    recorded_session(office_db, case_id, "赵文书")
    window, dialog = close_dialog(qtbot, office_db, case_id)
    assert dialog.recorder.text() == "赵文书"  # from the latest session that names one
    dialog.terms.edits[0].setFocus()
    choose_entry(qtbot, open_menu_by_click(qtbot, dialog), "赔礼道歉")
    dialog.recorder.clear()
    type_text(qtbot, dialog.recorder, "钱文书")
    boxes.answers[CONFIRM_TITLE] = True
    save(qtbot, window, dialog)

    agreement = load_case(office_db, case_id).agreement
    assert agreement is not None
    assert agreement.terms == [APOLOGY]
    assert agreement.recorder == "钱文书"
    assert f"第1条　{APOLOGY}" in window.agreement_view.toPlainText()


def test_after_a_reopen_the_recorder_is_the_agreements(qtbot: QtBot, office_db: Database) -> None:
    case_id = mediating(office_db)
    recorded_session(office_db, case_id, "赵文书")
    by = director(office_db)
    cases.close_case(
        office_db,
        case_id,
        CloseInput(
            closed_on=date.today(),
            outcome="agreement_written",
            agreement=AgreementInput(terms=["李四赔偿张三 800 元。"], recorder="孙文书"),
        ),
        by=by,
    )
    cases.reopen_case(office_db, case_id, by=by, reason="李四未按期付款", requested_by="张三")
    _window, dialog = close_dialog(qtbot, office_db, case_id)
    assert dialog.recorder.text() == "孙文书"
    assert dialog.terms.terms() == ["李四赔偿张三 800 元。"]


def test_nothing_offered_says_so(qtbot: QtBot, office_db: Database) -> None:
    by = director(office_db)
    for template in ct.templates_for(office_db, "邻里"):
        ct.hide_template(office_db, template.key, by=by)
    _window, dialog = close_dialog(qtbot, office_db, mediating(office_db))
    menu = open_menu_by_click(qtbot, dialog)
    assert entries(menu) == [NO_TEMPLATES_TEXT]
    assert not menu.actions()[0].isEnabled()
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert dialog.terms.terms() == [""]


def test_terms_editor_without_a_database_has_no_template_button(qtbot: QtBot) -> None:
    editor = TermsEditor()
    qtbot.addWidget(editor)
    assert editor.template_button is None
    assert editor.terms() == [""]
