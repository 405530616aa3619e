"""Every bad input in the life-cycle dialogs: a plain-Chinese message beside the field (or in
a message box for a refused step or a locked database), the dialog stays open with
everything typed, and nothing saved changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models.db import Database
from app.ui.cases.action_dialogs import (
    ACCEPT_TITLE,
    AcceptDialog,
    AssignDialog,
    ConfirmationDialog,
    ExtendDialog,
    FollowUpDialog,
    ReopenDialog,
    SessionDialog,
)
from app.ui.cases.close_dialog import CONFIRM_TITLE, CloseDialog
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.messages import STORAGE_ERROR_TITLE
from tests.helpers import director, snapshot
from tests.ui.cases.helpers import (
    accepted,
    closed,
    database_locked,
    field_error,
    mediating,
    open_action,
    open_window,
    refused,
    register,
    save,
)
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, type_text

TODAY = date.today()


@dataclass(frozen=True)
class Bad:
    """One wrong input: where the case is, which dialog, what the user does, and the
    field whose red line must say ``says``."""

    case: Callable[[Database], str]
    action: str
    fill: Callable[[QtBot, ServiceDialog], None]
    field: str
    says: str
    kept: Callable[[Any], str] = lambda _d: ""  # a typed text that must survive


def _investigation_without_place(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, SessionDialog)
    type_text(qtbot, d.record, "问了邻居。")


def _session_tomorrow(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, SessionDialog)
    type_text(qtbot, d.place, "村评理说事点")
    type_text(qtbot, d.record, "双方陈述。")
    d.held_at.setDateTime(QDateTime.currentDateTime().addDays(1))


def _follow_up_tomorrow(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, FollowUpDialog)
    type_text(qtbot, d.findings, "已履行。")
    type_text(qtbot, d.satisfaction, "满意")
    d.visited_on.setDate(d.visited_on.date().addDays(1))


def _follow_up_without_visitor(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, FollowUpDialog)
    d.visitor.clear()
    type_text(qtbot, d.findings, "已履行。")


def _follow_up_without_satisfaction(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, FollowUpDialog)
    assert d.satisfaction.currentText() == ""  # nothing chosen for the user
    type_text(qtbot, d.findings, "已履行。")


def _accept_tomorrow(_qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, AcceptDialog)
    d.accepted_on.setDate(d.accepted_on.date().addDays(1))


def _assign_nobody(_qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, AssignDialog)


def _extend_not_later(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, ExtendDialog)
    type_text(qtbot, d.reason, "双方要求")
    d.new_due_on.setDate(d.new_due_on.date().addDays(-15))  # back to the current deadline


def _extend_without_reason(_qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, ExtendDialog)


def _close_without_terms(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    type_text(qtbot, d.perform_manner, "现金")


def _close_with_words_for_money(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    type_text(qtbot, d.terms.edits[0], "李四赔偿张三。")
    type_text(qtbot, d.agreement_amount, "三千元")


def _close_with_an_exponent_agreed(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    type_text(qtbot, d.terms.edits[0], "李四赔偿张三。")
    type_text(qtbot, d.agreement_amount, "1e30")  # Python reads it; nobody means it


def _close_with_an_exponent_involved(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    type_text(qtbot, d.terms.edits[0], "李四赔偿张三。")
    type_text(qtbot, d.amount, "1e28")


def _close_with_a_mistyped_sum(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    type_text(qtbot, d.terms.edits[0], "李四向张三赔礼道歉。")
    qtbot.keyClick(d.terms.edits[0], Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, d.terms.edits[1], "李四支付张三人民币15000o元（大写：________）。")
    d.recorder.setFocus()  # the cursor elsewhere: the error brings it back to 第2条


def _terminate_without_reason(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, CloseDialog)
    click(qtbot, d.outcome.buttons["terminated"])
    assert d.note_box.caption is not None and d.note_box.caption.text() == "终止原因"
    assert not d.agreement_group.isVisible()


def _ruling_without_date(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, ConfirmationDialog)
    type_text(qtbot, d.court, "青山县人民法院")
    d.ruling.setCurrentIndex(d.ruling.findData("confirmed"))


def _reopen_without_reason(qtbot: QtBot, d: ServiceDialog) -> None:
    assert isinstance(d, ReopenDialog)
    type_text(qtbot, d.requested_by, "张三")


def _nothing(_qtbot: QtBot, _d: ServiceDialog) -> None:
    pass


def _place_of(d: SessionDialog) -> str:
    return d.place.text() + d.record.toPlainText()


BAD = {
    "future session time": Bad(
        mediating, "record_session", _session_tomorrow, "调解时间", "调解时间晚于现在", _place_of
    ),
    "investigation without place": Bad(
        mediating, "record_investigation", _investigation_without_place, "调查地点",
        "请填写调查地点", _place_of,
    ),
    "future follow-up date": Bad(
        closed, "follow_up", _follow_up_tomorrow, "回访日期",
        "晚于今天，已发生的事情不能填将来的日期",
        lambda d: d.findings.toPlainText(),
    ),
    "follow-up without visitor": Bad(
        closed, "follow_up", _follow_up_without_visitor, "回访人", "请填写回访人"
    ),
    "follow-up without satisfaction": Bad(
        closed, "follow_up", _follow_up_without_satisfaction, "满意程度",
        "请选择被回访人的满意程度", lambda d: d.findings.toPlainText(),
    ),
    "acceptance tomorrow": Bad(register, "accept", _accept_tomorrow, "受理日期", "晚于今天"),
    "nobody assigned": Bad(accepted, "assign", _assign_nobody, "调解员", "请至少选择一名调解员"),
    "deadline not later": Bad(
        accepted, "extend", _extend_not_later, "新的期限", "新的期限必须晚于现在的期限",
        lambda d: d.reason.toPlainText(),
    ),
    "extension without reason": Bad(
        accepted, "extend", _extend_without_reason, "延期理由", "请填写延期理由"
    ),
    "agreement without terms": Bad(
        mediating, "close", _close_without_terms, "协议内容", "请至少写一条协议内容",
        lambda d: d.perform_manner.text(),
    ),
    "money in words": Bad(
        mediating, "close", _close_with_words_for_money, "协议金额",
        "协议金额：“三千元”不是金额。请只填数字，如 3600 或 3600.50（单位：元）",
        lambda d: d.terms.terms()[0] + d.agreement_amount.text(),
    ),
    "exponent as agreed amount": Bad(
        mediating, "close", _close_with_an_exponent_agreed, "协议金额",
        "协议金额：“1e30”不是金额。请只填数字，如 3600 或 3600.50（单位：元）",
        lambda d: d.agreement_amount.text(),
    ),
    "exponent as involved amount": Bad(
        mediating, "close", _close_with_an_exponent_involved, "涉及金额",
        "涉及金额：“1e28”不是金额。请只填数字，如 3600 或 3600.50（单位：元）",
        lambda d: d.amount.text(),
    ),
    "a term's sum no amount": Bad(
        mediating, "close", _close_with_a_mistyped_sum, "协议内容",
        "第2条：“15000o”不是金额，请改成数字，如 15000",
        lambda d: d.terms.terms(),
    ),
    "termination without reason": Bad(
        mediating, "close", _terminate_without_reason, "终止原因", "请写明终止调解的原因"
    ),
    "ruling without date": Bad(
        closed, "judicial_confirmation", _ruling_without_date, "裁定日期", "请填写裁定日期",
        lambda d: d.court.text(),
    ),
    "reopen without reason": Bad(
        closed, "reopen", _reopen_without_reason, "重新调解的原因", "请填写重新调解的原因",
        lambda d: d.requested_by.text(),
    ),
    "decline without reason": Bad(register, "decline", _nothing, "不予受理的理由", "请填写"),
    "referral without body": Bad(accepted, "refer", _nothing, "移交单位", "请填写移交单位"),
    "void without reason": Bad(register, "void", _nothing, "作废原因", "请填写作废原因"),
}  # fmt: skip


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_bad_input_is_marked_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, office_db: Database, boxes: Boxes, bad: Bad
) -> None:
    window = open_window(qtbot, office_db, bad.case(office_db))
    state = window.state_label.text()
    dialog = open_action(qtbot, window, bad.action)
    bad.fill(qtbot, dialog)
    kept = bad.kept(dialog)
    before = snapshot(office_db)
    refused(qtbot, dialog)
    message = field_error(dialog, bad.field)
    assert bad.says in message
    box = dialog.errors.find(bad.field)
    assert box is not None and box.error.isVisible()  # shown, not only set
    assert dialog.focusWidget() is not None and box.isAncestorOf(dialog.focusWidget())
    assert boxes.calls == []
    assert bad.kept(dialog) == kept
    assert snapshot(office_db) == before
    assert window.state_label.text() == state


def test_reassignment_needs_a_reason(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    assert dialog.windowTitle() == "更换调解员"
    assert dialog.reason.isVisible()
    assert dialog.checked_ids()  # the current mediator is ticked already
    before = snapshot(office_db)
    refused(qtbot, dialog)
    assert field_error(dialog, "更换原因") == "重新指派调解员时请写明原因。"
    assert snapshot(office_db) == before


def test_the_error_line_goes_when_the_input_is_corrected(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: SessionDialog = open_action(qtbot, window, "record_session")
    type_text(qtbot, dialog.record, "双方陈述。")
    refused(qtbot, dialog)
    assert field_error(dialog, "调解地点") == "请填写调解地点。"
    type_text(qtbot, dialog.place, "村委会")
    save(qtbot, window, dialog)
    assert [s.place for s in window.case.sessions] == ["村评理说事点", "村委会"]


# ---------------------------------------------------------------------- refused steps


def test_closing_before_anyone_mediated_is_refused_in_words(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    window = open_window(qtbot, office_db, accepted(office_db))
    dialog: CloseDialog = open_action(qtbot, window, "close")
    type_text(qtbot, dialog.terms.edits[0], "李四赔偿张三 500 元。")
    before = snapshot(office_db)
    refused(qtbot, dialog)
    assert boxes.kinds() == ["warning"]
    assert "还没有指派调解员，只能以“当事人撤回”结案" in boxes.texts()
    assert dialog.terms.terms() == ["李四赔偿张三 500 元。"]
    assert snapshot(office_db) == before
    assert window.state_label.text() == "已受理"


def test_a_step_the_case_no_longer_allows(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    """The case changed behind the open dialog (another window voided it)."""
    case_id = mediating(office_db)
    window = open_window(qtbot, office_db, case_id)
    dialog: SessionDialog = open_action(qtbot, window, "record_session")
    type_text(qtbot, dialog.place, "村委会")
    type_text(qtbot, dialog.record, "第二次调解。")
    cases.void_case(office_db, case_id, by=director(office_db), reason="重复登记", voided_on=TODAY)
    before = snapshot(office_db)
    refused(qtbot, dialog)
    assert boxes.calls == [
        (
            "warning",
            "记录调解",
            "这件案件现在是“已作废”状态，不能记录调解。只有“已指派、调解中”的案件才能记录调解。",
        )
    ]
    assert (dialog.place.text(), dialog.record.toPlainText()) == ("村委会", "第二次调解。")
    assert snapshot(office_db) == before


def test_only_the_committee_head_reopens_an_archived_case(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    case_id = closed(office_db)
    by = director(office_db)
    cases.archive_case(office_db, case_id, by=by, archived_on=TODAY)
    window = open_window(qtbot, office_db, case_id)
    dialog: ReopenDialog = open_action(qtbot, window, "reopen")
    type_text(qtbot, dialog.requested_by, "张三")
    type_text(qtbot, dialog.reason, "对方不履行")
    # meanwhile the 主任 made this user a 调解员: the service refuses, nothing is written
    office_db.conn.execute("UPDATE users SET role = 'mediator' WHERE id = ?", (by.user_id,))
    before = snapshot(office_db)
    refused(qtbot, dialog)
    assert boxes.texts() == "已归档的案件只有调委会主任才能重新调解。"
    assert snapshot(office_db) == before
    assert window.state_label.text() == "已归档"
    # and the button says so from now on
    window.reload()
    button = window.action_button("reopen")
    assert not button.isEnabled()
    assert button.toolTip() == "已归档的案件只有调委会主任才能重新调解。"


# ---------------------------------------------------------------------- a locked database


def test_locked_database_during_acceptance(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    dialog: AcceptDialog = open_action(qtbot, window, "accept")
    before = snapshot(office_db)
    boxes.answers[ACCEPT_TITLE] = True  # "yes": then the database refuses
    with database_locked(office_db):
        refused(qtbot, dialog)
        assert snapshot(office_db) == before
    assert [(kind, title) for kind, title, _text in boxes.calls] == [
        ("confirm", ACCEPT_TITLE),
        ("warning", STORAGE_ERROR_TITLE),
    ]
    assert "正被另一个程序占用（已锁定），本次保存没有进行" in boxes.texts()
    assert window.number_label.text() == "未受理"
    # Once the other program lets go, the same dialog saves, and no number was used up.
    save(qtbot, window, dialog)
    assert window.number_label.text() == f"（{TODAY.year}）青山调字第1号"


def test_locked_database_keeps_a_long_closing_form(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog: CloseDialog = open_action(qtbot, window, "close")
    type_text(qtbot, dialog.terms.edits[0], "李四恢复排水沟。")
    dialog.terms.add_term()
    type_text(qtbot, dialog.terms.edits[1], "李四赔偿张三 1500 元。")
    type_text(qtbot, dialog.perform_deadline, (TODAY + timedelta(days=7)).isoformat())
    type_text(qtbot, dialog.agreement_amount, "1500")
    click(qtbot, dialog.prevented_criminal)
    typed = (
        dialog.terms.terms(),
        dialog.perform_deadline.text(),
        dialog.agreement_amount.text(),
        dialog.prevented_criminal.isChecked(),
    )
    before = snapshot(office_db)
    boxes.answers[CONFIRM_TITLE] = True  # "确定结案？" yes: then the database refuses
    with database_locked(office_db):
        refused(qtbot, dialog)
    assert boxes.kinds() == ["confirm", "warning"]
    assert snapshot(office_db) == before
    after = (
        dialog.terms.terms(),
        dialog.perform_deadline.text(),
        dialog.agreement_amount.text(),
        dialog.prevented_criminal.isChecked(),
    )
    assert after == typed
    assert window.state_label.text() == "调解中"
