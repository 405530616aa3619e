"""The amount is typed once, and only an amount is taken: 1.2万 in a clause's blank gives
its capitals and the 协议金额; a figure that is no amount ("15000o") blanks the capitals,
takes back the 协议金额 it had put in (never one typed by hand) and is named when saving;
1e30 is refused with a message instead of a crash; the placeholders of both amounts of the
结案 dialog show whole at the default and the largest 字号."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot

from app.models import clause_templates as ct
from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.agreement_page import DraftPage
from app.ui.cases.close_dialog import CloseDialog
from app.ui.cases.widgets import MoneyLine, TextBox
from tests.helpers import snapshot
from tests.ui.cases.helpers import (
    draft_error,
    draft_tab,
    mediating,
    open_action,
    open_draft,
    open_window,
    type_size,
)
from tests.ui.user import click, type_text

HOW = "请只填数字，如 3600 或 3600.50（单位：元）"
PAY_ONCE = "李四于____年__月__日前一次性支付张三人民币{}元（大写：{}）。"


def on_the_sum(qtbot: QtBot, page: DraftPage) -> TextBox:
    """The 一次性付款 template put in, and Tab pressed to its sum's blank: the term."""
    template = next(t for t in ct.all_templates(page.db) if t.key == "pay_once")
    page.form.terms.insert_template(template)
    term = page.form.terms.edits[0]
    for _ in range(3):  # year, month, day: on to the sum
        qtbot.keyClick(term, Qt.Key.Key_Tab)
    assert term.textCursor().selectedText() == "____"
    assert term.toPlainText() == PAY_ONCE.format("____", "________")
    return term


def sum_typed(qtbot: QtBot, page: DraftPage, typed: str, *, capitals: str, amount: str) -> None:
    """Type ``typed`` over the sum's blank: the capitals and the 协议金额 follow."""
    term = page.form.terms.edits[0]
    type_text(qtbot, term, typed)
    assert term.toPlainText() == PAY_ONCE.format(typed, capitals)
    assert page.form.amount.text() == amount


def saved_amount_fen(qtbot: QtBot, page: DraftPage, case_id: str) -> int | None:
    """Click 保存 and read the draft's 协议金额 back from the database."""
    click(qtbot, page.save_button)
    draft = load_case(page.db, case_id).draft
    assert draft is not None
    return draft.amount_fen


def test_wan_typed_in_the_sum_gives_the_real_capitals_and_amount(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id, _, page = open_draft(qtbot, office_db)
    on_the_sum(qtbot, page)
    sum_typed(qtbot, page, "1.2万", capitals="壹万贰仟元整", amount="12000.00")
    assert saved_amount_fen(qtbot, page, case_id) == 1_200_000


def test_a_figure_that_is_no_amount_is_blanked_taken_back_and_named(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id, window, page = open_draft(qtbot, office_db)
    term = on_the_sum(qtbot, page)
    sum_typed(qtbot, page, "15000", capitals="壹万伍仟元整", amount="15000.00")
    type_text(qtbot, term, "o")  # a slip of the finger
    assert term.toPlainText() == PAY_ONCE.format("15000o", "________")  # not 壹万伍仟元整
    assert page.form.amount.text() == ""  # put in from the figure: taken back

    page.form.recorder.setFocus()
    before = snapshot(office_db)
    click(qtbot, page.save_button)
    assert draft_error(page, "协议内容") == "第1条：“15000o”不是金额，请改成数字，如 15000"
    assert snapshot(office_db) == before
    # The cursor is back in the term, on the figure: typing replaces it.
    assert window.focusWidget() is term
    assert term.textCursor().selectedText() == "15000o"
    sum_typed(qtbot, page, "16000", capitals="壹万陆仟元整", amount="16000.00")
    assert saved_amount_fen(qtbot, page, case_id) == 1_600_000


def test_an_amount_typed_by_hand_stays_whatever_the_figure(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    form = draft_tab(qtbot, window).form
    type_text(qtbot, form.amount, "20000")
    term = form.terms.edits[0]
    term.setPlainText("李四支付张三人民币15000元（大写：________）。")
    assert form.amount.text() == "20000"
    term.setPlainText("李四支付张三人民币15000o元（大写：壹万伍仟元整）。")
    assert term.toPlainText() == "李四支付张三人民币15000o元（大写：________）。"
    assert form.amount.text() == "20000"  # the office's own figure is never cleared


def test_a_saved_amount_that_is_the_terms_sum_still_follows_them(
    qtbot: QtBot, office_db: Database
) -> None:
    case_id, window, page = open_draft(qtbot, office_db)
    on_the_sum(qtbot, page)
    sum_typed(qtbot, page, "3000", capitals="叁仟元整", amount="3000.00")
    assert saved_amount_fen(qtbot, page, case_id) == 300_000
    window.close()

    window = open_window(qtbot, office_db, case_id)  # the saved draft, read back
    form = draft_tab(qtbot, window).form
    assert form.amount.text() == "3000.00"
    term = form.terms.edits[0]
    term.setPlainText(term.toPlainText().replace("3000元", "3500元"))
    assert "人民币3500元（大写：叁仟伍佰元整）" in term.toPlainText()
    assert form.amount.text() == "3500.00"  # not the 3000.00 saved before


def test_an_exponent_in_the_agreed_amount_is_refused_not_a_crash(
    qtbot: QtBot, office_db: Database
) -> None:
    _, window, page = open_draft(qtbot, office_db)
    before = snapshot(office_db)
    for typed in ("1e30", "1e3", "1_000"):
        page.form.amount.clear()
        type_text(qtbot, page.form.amount, typed)
        click(qtbot, page.save_button)  # 1e30 raised decimal.InvalidOperation here
        assert draft_error(page, "协议金额") == f"协议金额：“{typed}”不是金额。{HOW}"
        assert window.focusWidget() is page.form.amount
    assert snapshot(office_db) == before


def room_for_text(field: MoneyLine) -> int:
    """The width a line edit has for its text: inside its frame and QLineEdit's margin."""
    frame = field.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, field)
    margins = field.textMargins()
    return field.contentsRect().width() - 2 * frame - margins.left() - margins.right() - 4


@pytest.mark.parametrize("size", ["large", "xlarge"])  # the default 字号 and the largest
def test_the_close_dialogs_amount_placeholders_show_whole(
    qtbot: QtBot, office_db: Database, size: str
) -> None:
    with type_size(size):
        window = open_window(qtbot, office_db, mediating(office_db))
        dialog: CloseDialog = open_action(qtbot, window, "close")
        for field in (dialog.agreement_amount, dialog.amount):
            assert field.isVisible() and field.text() == ""
            text = field.placeholderText()
            assert text == "如 3600 或 3600.50"
            assert field.fontMetrics().horizontalAdvance(text) <= room_for_text(field)
            assert field.fontMetrics().horizontalAdvance("99,999,999.99") <= room_for_text(field)
        dialog.reject()
