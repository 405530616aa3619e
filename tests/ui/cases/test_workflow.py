"""A dispute's whole life, through the real windows and dialogs, by clicking their buttons:
register → accept → assign → investigate → mediate → extend → close with a written
agreement → follow-up → judicial confirmation → archive → reopen; and the side roads
(refer → feedback, decline, void)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.action_dialogs import (
    ACCEPT_TITLE,
    ARCHIVE_TITLE,
    AcceptDialog,
    AssignDialog,
    ConfirmationDialog,
    DeclineDialog,
    ExtendDialog,
    FollowUpDialog,
    ReferDialog,
    ReferralFeedbackDialog,
    ReopenDialog,
    SessionDialog,
    VoidDialog,
)
from app.ui.cases.case_window import PRINT_AGREEMENT_TITLE, TAB_HISTORY, CaseWindow
from app.ui.cases.close_dialog import CONFIRM_TITLE, CloseDialog
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.cases.tables import EVENT_COL_ACTION, EVENT_COL_DETAIL, EVENT_COL_USER
from tests.ui.cases.helpers import (
    check_item,
    column,
    open_action,
    open_window,
    register,
    save,
    valid_id,
)
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, choose, click, ctrl_enter, type_text

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
TODAY = date.today()


def register_through_the_dialog(qtbot: QtBot, db: Database) -> str:
    dialog = RegisterDialog(db)
    dialog.open()
    activate(qtbot, dialog)
    a1, b1 = dialog.side_a.forms[0], dialog.side_b.forms[0]
    type_text(qtbot, a1.name, "张三")
    type_text(qtbot, a1.id_number, valid_id())
    type_text(qtbot, a1.phone, "13812345678")
    type_text(qtbot, b1.name, "李四")
    choose(dialog.category, "邻里")
    choose(dialog.village, "红旗村")
    type_text(qtbot, dialog.facts, "两家因排水沟改道发生争执。")
    with qtbot.waitSignal(dialog.registered, timeout=3000) as signal:
        ctrl_enter(qtbot, dialog.facts)
    return str(signal.args[0])


def state_of(window: CaseWindow) -> str:
    return window.state_label.text()


def test_a_dispute_from_registration_to_archive_and_back(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    case_id = register_through_the_dialog(qtbot, office_db)
    window = open_window(qtbot, office_db, case_id)
    assert window.number_label.text() == "未受理"
    assert state_of(window) == "已登记"
    assert window.visible_actions() == ["accept", "decline", "edit", "void"]
    assert window.windowTitle() == "案件 未受理 — 张三、李四"

    # ---- 受理: the number is allocated and shown
    accept: AcceptDialog = open_action(qtbot, window, "accept")
    intro = accept.findChild(QLabel, "intro")
    assert intro is not None and "受理“张三、李四”之间的纠纷" in intro.text()
    boxes.answers[ACCEPT_TITLE] = True  # the number is for good: asked first
    save(qtbot, window, accept)
    assert boxes.titles() == [ACCEPT_TITLE]
    boxes.calls.clear()
    number = f"（{TODAY.year}）青山调字第1号"
    assert window.number_label.text() == number
    assert window.status.text() == f"已受理，案件编号：{number}"
    assert state_of(window) == "已受理"
    due = TODAY + timedelta(days=30)
    assert window.due_label.text() == f"调解期限：{due.isoformat()}（还剩 30 天）"

    # ---- 指派调解员: two, the second as lead, chosen by the parties
    assign: AssignDialog = open_action(qtbot, window, "assign")
    check_item(qtbot, assign.mediators, "王建华")
    check_item(qtbot, assign.mediators, "陈秀兰")
    choose(assign.lead, "陈秀兰")
    click(qtbot, assign.how.buttons["chosen"])
    save(qtbot, window, assign)
    assert state_of(window) == "已指派"
    assert "调解员：陈秀兰、王建华" in window.info_label.text()
    assert window.mediators_label.text().startswith("调解员：陈秀兰（主办，当事人选定，")

    # ---- 调查 then 调解
    investigation: SessionDialog = open_action(qtbot, window, "record_investigation")
    type_text(qtbot, investigation.place, "红旗村3组")
    type_text(qtbot, investigation.subject, "邻居王五")
    type_text(qtbot, investigation.record, "王五说排水沟是去年改的。")
    save(qtbot, window, investigation)
    assert state_of(window) == "已指派"  # an investigation does not start the mediation
    session: SessionDialog = open_action(qtbot, window, "record_session")
    assert session.staff.text() == "陈秀兰、王建华"
    type_text(qtbot, session.place, "村评理说事点")
    type_text(qtbot, session.record, "双方陈述了意见，同意协商。")
    type_text(qtbot, session.conclusion, "双方达成一致。")
    save(qtbot, window, session)
    assert state_of(window) == "调解中"
    assert column(window.sessions_view, 1) == ["调查", "调解"]
    assert column(window.sessions_view, 2) == ["红旗村3组", "村评理说事点"]
    assert "双方陈述了意见，同意协商。" in window.session_detail.toPlainText()

    # ---- 延长期限
    extend: ExtendDialog = open_action(qtbot, window, "extend")
    assert extend.requested_by.text() == "张三、李四"
    type_text(qtbot, extend.reason, "双方要求等家属回来后再协商")
    save(qtbot, window, extend)
    new_due = due + timedelta(days=15)
    assert window.due_label.text().startswith(f"调解期限：{new_due.isoformat()}")
    assert not window.progress.isHidden()
    assert "双方要求等家属回来后再协商" in window.progress.toPlainText()

    # ---- 结案 with a written agreement
    close: CloseDialog = open_action(qtbot, window, "close")
    assert close.outcome.key() == "agreement_written"
    assert close.facts.toPlainText() == "两家因排水沟改道发生争执。"  # prefilled, not retyped
    type_text(qtbot, close.terms.edits[0], "李四于十日内恢复排水沟原走向。")
    qtbot.keyClick(close.terms.edits[0], Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert [e.isVisible() for e in close.terms.edits] == [True, True]
    type_text(qtbot, close.terms.edits[1], "李四赔偿张三修墙费用3000.50元。")
    type_text(qtbot, close.perform_manner, "一次性现金支付")
    type_text(qtbot, close.perform_place, "青山镇人民调解委员会")
    type_text(qtbot, close.perform_deadline, (TODAY + timedelta(days=10)).isoformat())
    type_text(qtbot, close.agreement_amount, "3,000.50")
    click(qtbot, close.prevented_criminal)
    click(qtbot, close.prevented_petition)
    boxes.answers[CONFIRM_TITLE] = True  # 结案 locks the case: asked first
    save(qtbot, window, close)
    assert boxes.titles() == [CONFIRM_TITLE, PRINT_AGREEMENT_TITLE]  # printing: later
    boxes.calls.clear()
    assert state_of(window) == "已结案"
    assert window.notice.isVisible() and "只能查看" in window.notice.text()
    assert window.visible_actions() == [
        "follow_up",
        "judicial_confirmation",
        "archive",
        "reopen",
        "void",
    ]
    # Read-only until reopened.
    assert not window.details.category.isEnabled()
    assert window.details.facts.isReadOnly()
    assert not window.details.save_button.isEnabled()
    assert not window.add_party_button.isEnabled()
    assert not window.edit_party_button.isEnabled()
    agreement = window.agreement_view.toPlainText()
    for text in (
        "达成书面协议",
        "第1条　李四于十日内恢复排水沟原走向。",
        "第2条　李四赔偿张三修墙费用3000.50元。",
        "履行方式：一次性现金支付",
        "履行地点：青山镇人民调解委员会",
        f"履行期限：{(TODAY + timedelta(days=10)).isoformat()}",
        "协议金额：3,000.50 元",
        "成效：防止民转刑、防止群体性上访",
    ):
        assert text in agreement
    stored = load_case(office_db, case_id)
    assert stored.agreement is not None and stored.agreement.amount_fen == 300050
    assert stored.amount_fen == 300050

    # ---- 回访 and 司法确认
    follow_up: FollowUpDialog = open_action(qtbot, window, "follow_up")
    assert follow_up.visitor.text() == "陈秀兰"  # the lead mediator usually visits
    choose(follow_up.performed, "已履行")
    assert follow_up.satisfaction.currentText() == ""  # asked, never assumed
    choose(follow_up.satisfaction, "基本满意")
    type_text(qtbot, follow_up.findings, "排水沟已恢复，款项已付清。")
    save(qtbot, window, follow_up)
    confirmation: ConfirmationDialog = open_action(qtbot, window, "judicial_confirmation")
    type_text(qtbot, confirmation.court, "青山县人民法院")
    type_text(qtbot, confirmation.number, f"（{TODAY.year}）浙0781民特调确字第7号")
    choose(confirmation.ruling, "裁定确认有效")
    type_text(qtbot, confirmation.decided_on, TODAY.isoformat())
    save(qtbot, window, confirmation)
    after = window.follow_up_view.toPlainText()
    for text in (
        "履行情况：已履行",
        "满意程度：基本满意",
        "回访情况：排水沟已恢复，款项已付清。",
        "受理法院：青山县人民法院",
        "确认结果：裁定确认有效",
    ):
        assert text in after

    # ---- 归档, then 重新调解 (the user is the committee head)
    archive = open_action(qtbot, window, "archive")
    boxes.answers[ARCHIVE_TITLE] = True
    save(qtbot, window, archive)
    assert boxes.titles() == [ARCHIVE_TITLE]
    boxes.calls.clear()
    assert state_of(window) == "已归档"
    assert "archive" not in window.visible_actions()
    reopen: ReopenDialog = open_action(qtbot, window, "reopen")
    type_text(qtbot, reopen.requested_by, "张三")
    type_text(qtbot, reopen.reason, "李四又把排水沟改回去了")
    save(qtbot, window, reopen)
    assert state_of(window) == "调解中"
    assert not window.notice.isVisible()
    assert window.details.category.isEnabled() and not window.details.facts.isReadOnly()
    assert window.add_party_button.isEnabled()
    assert "重新调解前的协议（书面协议）" in window.agreement_view.toPlainText()
    assert "close" in window.visible_actions()

    # ---- 历史: every step, in words
    window.show_tab(TAB_HISTORY)
    assert column(window.events_view, EVENT_COL_ACTION) == [
        "登记",
        "受理",
        "指派调解员",
        "记录调查",
        "记录调解",
        "延长期限",
        "结案",
        "回访",
        "司法确认",
        "归档",
        "重新调解",
    ]
    assert set(column(window.events_view, EVENT_COL_USER)) == {"李主任"}
    details = column(window.events_view, EVENT_COL_DETAIL)
    assert details[1] == f"已登记 → 已受理；编号：{number}；调解期限至 {due.isoformat()}"
    assert details[2] == "已受理 → 已指派；调解员：王建华、陈秀兰（主办）；当事人选定"
    assert details[-1] == (
        "已归档 → 调解中；提出人：张三；原因：李四又把排水沟改回去了；原结果：达成书面协议"
    )
    assert not any(UUID.search(text) for text in details)
    assert boxes.calls == []  # no other step needed a message box


def test_refer_and_record_the_feedback(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    boxes.answers[ACCEPT_TITLE] = True
    save(qtbot, window, open_action(qtbot, window, "accept"))
    # Nothing to give feedback on yet: the button is not offered.
    assert "referral_feedback" not in window.visible_actions()
    refer: ReferDialog = open_action(qtbot, window, "refer")
    choose(refer.body_combo, "派出所")
    type_text(qtbot, refer.receiver, "王警官")
    type_text(qtbot, refer.reason, "一方扬言报复，涉嫌治安案件")
    save(qtbot, window, refer)
    assert state_of(window) == "已受理"  # a referral does not change the state
    assert "移交派出所（接收人：王警官）" in window.progress.toPlainText()
    assert "尚未反馈" in window.progress.toPlainText()
    feedback: ReferralFeedbackDialog = open_action(qtbot, window, "referral_feedback")
    assert feedback.referral.currentText().endswith("移交派出所（王警官），待反馈")
    type_text(qtbot, feedback.feedback, "已对双方批评教育，不予处罚。")
    save(qtbot, window, feedback)
    assert "反馈（" in window.progress.toPlainText()
    assert "已对双方批评教育，不予处罚。" in window.progress.toPlainText()
    history = column(window.events_view, EVENT_COL_DETAIL)
    assert history[-2:] == [
        "移交单位：派出所；接收人：王警官",
        "反馈：已对双方批评教育，不予处罚。",
    ]


def test_decline(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    decline: DeclineDialog = open_action(qtbot, window, "decline")
    type_text(qtbot, decline.reason, "被申请人明确拒绝调解。")
    save(qtbot, window, decline)
    assert state_of(window) == "不予受理"
    assert window.number_label.text() == "未受理"
    assert window.notice.text() == f"本案不予受理（{TODAY.isoformat()}）：被申请人明确拒绝调解。"
    assert window.visible_actions() == ["archive", "void"]
    assert not window.details.save_button.isEnabled()


def test_void_asks_first(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    void: VoidDialog = open_action(qtbot, window, "void")
    type_text(qtbot, void.reason, "重复登记")
    click(qtbot, void.save_button)  # the question is answered "不作废"
    assert boxes.kinds() == ["confirm"]
    assert void.isVisible() and void.reason.toPlainText() == "重复登记"
    assert state_of(window) == "已登记"
    boxes.answer = True
    save(qtbot, window, void)
    assert state_of(window) == "已作废"
    assert window.notice.text() == f"本案已作废（{TODAY.isoformat()}）：重复登记"
    assert window.visible_actions() == []
