"""The agreement is drafted, read, signed, then the case closes: the 协议 tab's draft
while the case is mediated, filling in a clause template from the keyboard, the amount
typed once, printing the draft, 结案 asking first and then offering the 协议书."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models import clause_templates as ct
from app.models.casefile import load_case
from app.models.cases import AgreementInput
from app.models.db import Database
from app.printing import agreement
from app.ui.cases.agreement_form import AMOUNT_LABEL, BLANKS_HINT, TermsEditor
from app.ui.cases.case_window import PRINT_AGREEMENT_TITLE, CaseWindow
from app.ui.cases.close_dialog import CONFIRM_TITLE, INVOLVED_LABEL, CloseDialog
from app.ui.printing.preview import PreviewWindow
from tests.helpers import director, save_draft, snapshot
from tests.ui.cases.helpers import (
    accepted,
    closed,
    draft_error,
    draft_tab,
    field_error,
    mediating,
    open_action,
    open_draft,
    open_window,
    save,
)
from tests.ui.message_boxes import Boxes, wait_for_box
from tests.ui.message_boxes import click as click_box
from tests.ui.user import click, type_text

# A popup menu asks the window system for the keyboard; the offscreen platform says once
# that it cannot, which is no fault of the program.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")

TODAY = date.today()  # the case widgets work against the real today
PAY_ONCE = "pay_once"  # 李四于____年__月__日前一次性支付张三人民币____元（大写：________）。


def template(db: Database, key: str) -> ct.ClauseTemplate:
    return next(t for t in ct.all_templates(db) if t.key == key)


def previews(window: CaseWindow) -> list[PreviewWindow]:
    return [w for w in window.findChildren(PreviewWindow) if w.isVisible()]


def test_the_agreement_tab_of_a_mediated_case_holds_a_draft_that_is_saved(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id, window, page = open_draft(qtbot, office_db)
    form = page.form
    # Started from the case: nobody retypes the facts.
    assert form.facts.toPlainText() == "两家因宅基地边界的围墙发生争执。"
    assert page.saved_label.text() == "还没有保存过协议草稿。"
    assert BLANKS_HINT in form.terms.blanks_hint.text()

    form.terms.insert_template(template(office_db, PAY_ONCE))
    term = form.terms.edits[0]
    assert term.textCursor().selectedText() == "____"  # the year, ready to type over
    deadline = TODAY + timedelta(days=30)
    type_text(qtbot, term, str(deadline.year))
    qtbot.keyClick(term, Qt.Key.Key_Tab)  # on to the month …
    type_text(qtbot, term, str(deadline.month))
    qtbot.keyClick(term, Qt.Key.Key_Tab)
    type_text(qtbot, term, str(deadline.day))
    qtbot.keyClick(term, Qt.Key.Key_Tab)
    type_text(qtbot, term, "3000")  # … and the sum: typed once
    stated = (
        f"李四于{deadline.year}年{deadline.month}月{deadline.day}日前一次性支付张三"
        "人民币3000元（大写：叁仟元整）。"
    )
    assert term.toPlainText() == stated
    assert form.amount.text() == "3000.00"  # the 协议金额 followed the clause
    qtbot.keyClick(term, Qt.Key.Key_Tab)  # no blank left: Tab goes on to the next field
    assert window.focusWidget() is not term
    type_text(qtbot, form.perform_manner, "现金")
    type_text(qtbot, form.within_days, "15天")  # only the digits go in
    click(qtbot, page.save_button)

    assert window.status.text() == "已保存协议草稿"
    draft = load_case(office_db, case_id).draft
    assert draft is not None
    assert draft.terms == [stated]
    assert (draft.perform_manner, draft.perform_within_days) == ("现金", 15)
    assert draft.amount_fen == 300000
    assert page.saved_label.text().startswith("协议草稿最后保存：")
    assert not page.is_dirty()
    history = [window.case.describe(e) for e in window.case.events]
    assert history[-1] == "新建协议草稿，协议条款 1 条；协议金额：3,000.00 元"


def test_shift_tab_goes_back_a_blank_and_f4_on(qtbot: QtBot, office_db: Database) -> None:
    editor = TermsEditor()
    qtbot.addWidget(editor)
    editor.show()
    term = editor.edits[0]
    term.setPlainText("于____年__月__日前")
    term.setFocus()
    qtbot.keyClick(term, Qt.Key.Key_F4)
    assert term.textCursor().selectionStart() == 1
    qtbot.keyClick(term, Qt.Key.Key_F4)
    assert term.textCursor().selectionStart() == 6
    qtbot.keyClick(term, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert term.textCursor().selectionStart() == 1
    assert term.textCursor().selectedText() == "____"


def test_an_amount_typed_first_goes_into_the_template(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    form = draft_tab(qtbot, window).form
    type_text(qtbot, form.amount, "1500")
    form.terms.insert_template(template(office_db, PAY_ONCE))
    assert form.terms.terms() == [
        "李四于____年__月__日前一次性支付张三人民币1500元（大写：壹仟伍佰元整）。"
    ]
    assert form.amount.text() == "1500"  # what was typed stands
    # An amount someone typed is not overwritten by the clause.
    form.terms.edits[0].setPlainText("李四支付张三人民币2000元（大写：____）。")
    assert form.amount.text() == "1500"
    assert form.terms.terms() == ["李四支付张三人民币2000元（大写：贰仟元整）。"]


def test_wrong_draft_fields_are_named_and_nothing_is_saved(
    qtbot: QtBot, office_db: Database
) -> None:
    _, window, page = open_draft(qtbot, office_db)
    form = page.form
    type_text(qtbot, form.perform_deadline, (TODAY + timedelta(days=9)).isoformat())
    type_text(qtbot, form.within_days, "10")
    before = snapshot(office_db)
    click(qtbot, page.save_button)
    assert "履行期限请只填一种" in draft_error(page, "履行期限")
    form.within_days.clear()
    type_text(qtbot, form.amount, "三千")
    click(qtbot, page.save_button)
    assert draft_error(page, "协议金额") == (
        "协议金额：“三千”不是金额。请只填数字，如 3600 或 3600.50（单位：元）"
    )
    assert window.focusWidget() is form.amount  # the cursor is put where to correct
    assert snapshot(office_db) == before
    assert page.is_dirty()  # what was typed stays


def test_alt_s_on_the_agreement_tab_saves_the_draft(qtbot: QtBot, office_db: Database) -> None:
    case_id, window, page = open_draft(qtbot, office_db)
    type_text(qtbot, page.form.terms.edits[0], "李四恢复排水沟原走向。")
    with qtbot.waitSignal(window.changed, timeout=3000):
        qtbot.keyClick(page.form.recorder, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    draft = load_case(office_db, case_id).draft
    assert draft is not None and draft.terms == ["李四恢复排水沟原走向。"]
    assert window.details.status.text() == ""  # not the 案情 tab's 保存(&S)
    # Saved where the cursor was: it stays there, in the same field, for typing on.
    term = page.form.terms.edits[0]
    term.setFocus()
    cursor = term.textCursor()
    cursor.setPosition(2)
    term.setTextCursor(cursor)
    type_text(qtbot, term, "立即")
    with qtbot.waitSignal(window.changed, timeout=3000):
        qtbot.keyClick(term, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert term.toPlainText() == "李四立即恢复排水沟原走向。"
    assert window.focusWidget() is term and term.textCursor().position() == 4


def test_closing_the_window_with_an_unsaved_draft_asks(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    _, window, page = open_draft(qtbot, office_db)
    type_text(qtbot, page.form.terms.edits[0], "李四恢复排水沟原走向。")
    with qtbot.waitSignal(window.close_cancelled, timeout=3000):
        window.close()
    assert boxes.titles() == ["协议草稿未保存"]
    assert window.isVisible()
    boxes.answer = True
    window.close()
    assert not window.isVisible()


def test_a_closed_case_shows_its_agreement_not_a_draft(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, closed(office_db))
    assert window.agreement_stack.currentWidget() is window.agreement_view
    assert "第1条　李四赔偿张三 800 元。" in window.agreement_view.toPlainText()
    window = open_window(qtbot, office_db, accepted(office_db))  # nobody assigned yet
    assert window.agreement_stack.currentWidget() is window.agreement_view


def test_the_print_menu_offers_the_draft_first_and_prints_it_as_a_draft(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id = mediating(office_db)
    window = open_window(qtbot, office_db, case_id)
    menu = window.documents_menu()
    assert agreement.DRAFT_TITLE not in [a.text() for a in menu.actions()]  # none saved yet
    page = draft_tab(qtbot, window)
    type_text(qtbot, page.form.terms.edits[0], "李四恢复排水沟原走向。")
    click(qtbot, page.print_button)  # saves first, then prints
    (preview,) = previews(window)
    assert preview.title == "人民调解协议书（草稿）"
    assert preview.copies == 2  # one for each party to read
    assert load_case(office_db, case_id).draft is not None
    preview.close()

    menu.aboutToShow.emit()
    first = menu.actions()[0]
    assert first.text() == "人民调解协议书（草稿）"
    first.trigger()
    assert [p.title for p in previews(window)] == ["人民调解协议书（草稿）"]


def test_close_starts_from_the_draft_asks_then_offers_the_agreement(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    case_id = mediating(office_db)
    by = director(office_db)
    draft = AgreementInput(
        terms=["李四于本协议签订之日起赔偿张三人民币800元（大写：捌佰元整）。"],
        perform_manner="现金",
        perform_within_days=10,
        amount_fen=80000,
        recorder="赵文书",
    )
    save_draft(office_db, case_id, draft, by=by)
    window = open_window(qtbot, office_db, case_id)
    dialog: CloseDialog = open_action(qtbot, window, "close")
    assert dialog.terms.terms() == draft.terms
    assert dialog.within_days.value() == 10 and dialog.recorder.text() == "赵文书"
    assert dialog.agreement_amount.text() == "800.00"

    # "No" to the question: nothing happens, the dialog stays with what was typed.
    before = snapshot(office_db)
    click(qtbot, dialog.save_button)
    ((kind, title, text),) = boxes.calls
    assert (kind, title) == ("confirm", CONFIRM_TITLE)
    assert "以“达成书面协议”结案" in text and "只能查看，不能再修改" in text
    assert snapshot(office_db) == before
    assert shiboken6.isValid(dialog) and dialog.isVisible()

    boxes.calls.clear()
    boxes.answers[CONFIRM_TITLE] = True
    boxes.answers[PRINT_AGREEMENT_TITLE] = True
    save(qtbot, window, dialog)
    assert boxes.titles() == [CONFIRM_TITLE, PRINT_AGREEMENT_TITLE]
    assert "预设打印 3 份" in boxes.calls[1][2]
    stored = load_case(office_db, case_id)
    assert stored.state == "closed" and stored.draft is None
    assert stored.agreement is not None and stored.agreement.terms == draft.terms
    assert stored.agreement.perform_within_days == 10
    (preview,) = previews(window)
    assert preview.title == "人民调解协议书" and preview.copies == 3  # parties + 1
    # … and the 协议书 is first in the print menu of the closed case.
    menu = window.documents_menu()
    menu.aboutToShow.emit()
    assert menu.actions()[0].text() == "人民调解协议书"


def test_unsaved_draft_edits_go_into_the_close_dialog(qtbot: QtBot, office_db: Database) -> None:
    _, window, page = open_draft(qtbot, office_db)
    type_text(qtbot, page.form.terms.edits[0], "李四恢复排水沟原走向。")
    dialog: CloseDialog = open_action(qtbot, window, "close")
    assert dialog.terms.terms() == ["李四恢复排水沟原走向。"]


def test_the_two_amounts_say_what_they_are_and_the_agreement_fills_the_other(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: CloseDialog = open_action(qtbot, window, "close")
    agreed = dialog.errors.find("协议金额")
    involved = dialog.errors.find("涉及金额")
    assert agreed is not None and involved is not None
    assert agreed.caption is not None and involved.caption is not None
    assert agreed.caption.text().startswith(AMOUNT_LABEL) and "协议书" in agreed.caption.toolTip()
    assert involved.caption.text().startswith(INVOLVED_LABEL)
    assert "台账" in involved.caption.toolTip() and "协议书" in dialog.agreement_amount.toolTip()
    assert "台账" in dialog.amount.toolTip()

    type_text(qtbot, dialog.agreement_amount, "1500")
    assert dialog.amount.text() == "1500"  # empty 涉及金额 follows
    type_text(qtbot, dialog.agreement_amount, "0")
    assert dialog.amount.text() == "15000"
    dialog.amount.clear()
    type_text(qtbot, dialog.amount, "20000")  # the office's own figure stands
    type_text(qtbot, dialog.agreement_amount, "0")
    assert dialog.amount.text() == "20000"


def test_print_draft_from_the_close_dialog(qtbot: QtBot, office_db: Database) -> None:
    case_id = mediating(office_db)
    window = open_window(qtbot, office_db, case_id)
    dialog: CloseDialog = open_action(qtbot, window, "close")
    type_text(qtbot, dialog.terms.edits[0], "李四恢复排水沟原走向。")
    type_text(qtbot, dialog.perform_deadline, "2020-01-01")
    click(qtbot, dialog.print_draft_button)
    assert "已经过去了" in field_error(dialog, "履行期限")  # refused, said where
    assert load_case(office_db, case_id).draft is None
    dialog.perform_deadline.clear()
    click(qtbot, dialog.print_draft_button)
    previews_now = [w for w in dialog.findChildren(PreviewWindow) if w.isVisible()]
    assert [p.title for p in previews_now] == ["人民调解协议书（草稿）"]
    draft = load_case(office_db, case_id).draft
    assert draft is not None and draft.terms == ["李四恢复排水沟原走向。"]
    assert dialog.isVisible()  # the case is not closed by printing the draft
    for p in previews_now:
        p.close()


def test_the_template_key_does_not_clash_with_the_window_buttons(
    qtbot: QtBot, office_db: Database
) -> None:
    _, window, page = open_draft(qtbot, office_db)
    button = page.form.terms.template_button
    assert button is not None and "(&B)" in button.text()
    page.form.terms.edits[0].setFocus()
    qtbot.keyClick(page.form.terms.edits[0], Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: (
            page.form.terms.template_menu is not None and page.form.terms.template_menu.isVisible()
        )
    )
    menu = page.form.terms.template_menu
    assert isinstance(menu, QMenu)
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert window.active_dialog is None  # Alt+B opened no 归口移交 or other dialog


def test_a_reopened_case_drafts_from_its_earlier_agreement(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id = closed(office_db)
    cases.reopen_case(
        office_db,
        case_id,
        by=director(office_db),
        reason="李四未按期付款",
        requested_by="张三",
    )
    window = open_window(qtbot, office_db, case_id)
    page = draft_tab(qtbot, window)
    assert page.form.terms.terms() == ["李四赔偿张三 800 元。"]
    assert not page.is_dirty()


def test_draft_deadline_and_days_round_trip(qtbot: QtBot, office_db: Database) -> None:
    case_id = mediating(office_db)
    by = director(office_db)
    base = AgreementInput(terms=["一"], perform_deadline=TODAY + timedelta(days=5))
    save_draft(office_db, case_id, base, by=by)
    window = open_window(qtbot, office_db, case_id)
    form = draft_tab(qtbot, window).form
    assert form.perform_deadline.text() == (TODAY + timedelta(days=5)).isoformat()
    assert form.within_days.value() is None and form.within_days.text() == ""
    save_draft(
        office_db, case_id, replace(base, perform_deadline=None, perform_within_days=7), by=by
    )
    window.reload()
    assert form.perform_deadline.text() == "" and form.within_days.value() == 7


def test_a_failed_mediation_shows_its_unsigned_draft_read_only(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id = mediating(office_db)
    by = director(office_db)
    save_draft(
        office_db,
        case_id,
        AgreementInput(terms=["李四恢复排水沟原走向。"], perform_within_days=15),
        by=by,
    )
    cases.close_case(
        office_db,
        case_id,
        cases.CloseInput(closed_on=TODAY, outcome="terminated", performance="na", note="分歧大"),
        by=by,
    )
    window = open_window(qtbot, office_db, case_id)
    assert window.agreement_stack.currentWidget() is window.agreement_view
    text = window.agreement_view.toPlainText()
    assert "协议草稿（未签订）" in text
    assert "第1条　李四恢复排水沟原走向。" in text and "履行期限：签订后 15 日内" in text


@pytest.mark.usefixtures("real_boxes")
def test_the_real_questions_of_closing_come_one_after_the_other(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id = mediating(office_db)
    window = open_window(qtbot, office_db, case_id)
    dialog: CloseDialog = open_action(qtbot, window, "close")
    type_text(qtbot, dialog.terms.edits[0], "李四恢复排水沟原走向。")
    click(qtbot, dialog.save_button)
    box = wait_for_box(qtbot, CONFIRM_TITLE)
    assert box.defaultButton().text() == "再看看"  # Enter does not lock the case
    click_box(qtbot, box, "结案")
    offer = wait_for_box(qtbot, PRINT_AGREEMENT_TITLE)
    assert not dialog.isVisible()
    click_box(qtbot, offer, "以后再打印")
    assert previews(window) == []
    assert load_case(office_db, case_id).state == "closed"
