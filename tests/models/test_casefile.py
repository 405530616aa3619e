"""The read side of a case: load_case and the readable history lines of describe_event."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from app.models import casefile, cases
from app.models.casefile import Event, describe_event
from app.models.cases import AgreementInput, CloseInput, FollowUpInput, SessionInput
from app.models.parties import to_input
from tests.conftest import TODAY
from tests.helpers import edit_details, edit_party
from tests.models.helpers import mediator_ids, register, user

NOW = datetime(2026, 11, 20, 17, 0)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ASCII_WORD = re.compile(r"[A-Za-z_]{3,}")


def lived_case(db) -> str:
    """A case that went through nearly every step, with edits and a reassignment."""
    by = user(db)
    case_id = register(db)
    edit_details(
        db,
        case_id,
        by=by,
        category="房屋宅基地",
        source="application",
        village_id=None,
        facts="双方因宅基地界址发生纠纷。",
        requests="",
        risk_note="双方曾发生推搡。",
    )
    party = casefile.load_case(db, case_id).parties[1]
    edit_party(db, case_id, party.link_id, replace(to_input(party), phone="13912345678"), by=by)
    cases.accept_case(db, case_id, by=by, accepted_on=date(2026, 11, 2), today=TODAY)
    first, second = mediator_ids(db)
    cases.assign_mediators(
        db,
        case_id,
        by=by,
        mediator_ids=[first],
        how="appointed",
        assigned_on=date(2026, 11, 2),
        today=TODAY,
    )
    cases.assign_mediators(
        db,
        case_id,
        by=by,
        mediator_ids=[second],
        how="chosen",
        assigned_on=date(2026, 11, 3),
        reason="当事人申请回避",
        today=TODAY,
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 5, 9, 30),
            place="村评理说事点",
            record="双方陈述。",
        ),
        by=by,
        now=NOW,
    )
    cases.extend_deadline(
        db,
        case_id,
        by=by,
        requested_by="张三、李四",
        reason="等家属回来",
        new_due_on=date(2026, 12, 20),
        decided_on=date(2026, 11, 10),
        today=TODAY,
    )
    referral = cases.refer_case(
        db,
        case_id,
        by=by,
        body="派出所",
        receiver="王警官",
        referred_on=date(2026, 11, 11),
        reason="涉嫌治安案件",
        today=TODAY,
    )
    cases.record_referral_feedback(
        db, referral, by=by, feedback="已批评教育", feedback_on=date(2026, 11, 12), today=TODAY
    )
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=date(2026, 11, 13),
            outcome="agreement_written",
            prevented_criminal=True,
            agreement=AgreementInput(terms=["李四赔偿张三 1500 元。"], amount_fen=150000),
        ),
        by=by,
        today=TODAY,
    )
    cases.record_follow_up(
        db,
        case_id,
        FollowUpInput(
            visited_on=date(2026, 11, 18),
            visitor="王建华",
            person_visited="张三",
            performed="performed",
            satisfaction="基本满意",
        ),
        by=by,
        today=TODAY,
    )
    cases.reopen_case(db, case_id, by=by, reason="李四反悔", requested_by="张三")
    return case_id


def test_every_history_line_is_plain_chinese(office_db) -> None:
    c = casefile.load_case(office_db, lived_case(office_db))
    lines = {e.action: c.describe(e) for e in c.events}
    for action, line in lines.items():
        assert line, action
        assert not UUID.search(line), (action, line)
        assert not ASCII_WORD.search(line), (action, line)
    assert (
        lines["edit"]
        == "修改了纠纷类型（邻里 → 房屋宅基地）、所在村（社区）、纠纷简要情况、风险提示"
    )
    # the history keeps phones masked (docs/privacy.md)
    assert lines["edit_party"] == "当事人：李四；联系电话：无 → 139****5678"
    assert lines["accept"] == "已登记 → 已受理；编号：（2026）青山调字第1号；调解期限至 2026-12-02"
    assert (
        lines["extend"] == "期限由 2026-12-02 延至 2026-12-20；提出人：张三、李四；理由：等家属回来"
    )
    assert lines["refer"] == "移交单位：派出所；接收人：王警官"
    assert lines["referral_feedback"] == "反馈：已批评教育"
    assert lines["close"] == "调解中 → 已结案；结果：达成书面协议；金额：1,500.00 元；防止民转刑"
    assert lines["follow_up"] == "回访日期：2026-11-18；履行情况：已履行"
    assert lines["reopen"] == "已结案 → 调解中；提出人：张三；原因：李四反悔；原结果：达成书面协议"


def test_assignments_are_described_by_mediator_name(office_db) -> None:
    c = casefile.load_case(office_db, lived_case(office_db))
    assigns = [c.describe(e) for e in c.events if e.action == "assign"]
    assert assigns == [
        "已受理 → 已指派；调解员：王建华（主办）；调委会指定",
        "调解员：陈秀兰（主办）；当事人选定；不再担任：王建华；更换原因：当事人申请回避",
    ]


def test_a_retired_or_unknown_mediator_still_has_no_id_on_screen(office_db) -> None:
    c = casefile.load_case(office_db, lived_case(office_db))
    event = next(e for e in c.events if e.action == "assign")
    assert describe_event(event) == "已受理 → 已指派；调解员：（未知调解员）（主办）；调委会指定"


def test_user_names_not_ids(office_db) -> None:
    case_id = register(office_db)
    c = casefile.load_case(office_db, case_id)
    assert [e.by_name for e in c.events] == ["李主任"]
    # An event by a user this database does not know (e.g. made on another device).
    data = json.dumps({"before": {"title": ""}, "after": {"title": "x"}})
    office_db.conn.execute(
        "INSERT INTO case_events (id, case_id, at, by, action, state_before, state_after, data, "
        "origin) VALUES ('e1', ?, '2099-01-01T00:00:00.000Z', 'someone-else', 'edit', "
        "'registered', 'registered', ?, 'd')",
        (case_id, data),
    )
    last = casefile.load_case(office_db, case_id).events[-1]
    assert last.by_name == "（未知用户）"
    assert describe_event(last) == "修改了案件名称"


@pytest.mark.parametrize(
    ("outcome", "deadline"),
    [("agreement_written", date(2026, 12, 13)), ("agreement_oral", None), ("terminated", None)],
)
def test_confirmation_deadline_only_for_written_agreements(office_db, outcome, deadline) -> None:
    by = user(office_db)
    case_id = register(office_db)
    cases.accept_case(office_db, case_id, by=by, accepted_on=date(2026, 11, 2), today=TODAY)
    cases.assign_mediators(
        office_db,
        case_id,
        by=by,
        mediator_ids=mediator_ids(office_db)[:1],
        how="appointed",
        assigned_on=date(2026, 11, 2),
        today=TODAY,
    )
    agreement = AgreementInput(terms=["一条"]) if outcome.startswith("agreement") else None
    cases.close_case(
        office_db,
        case_id,
        CloseInput(
            closed_on=date(2026, 11, 13), outcome=outcome, note="分歧较大", agreement=agreement
        ),
        by=by,
        today=TODAY,
    )
    c = casefile.load_case(office_db, case_id)
    assert c.confirmation_deadline == deadline
    assert c.can_apply_for_confirmation == (deadline is not None)
    assert deadline is None or deadline == date(2026, 11, 13) + timedelta(days=30)


def test_unknown_action_gets_only_its_state_change() -> None:
    event = Event("2026-01-01T00:00:00.000Z", "李主任", "something_new", "closed", "archived", {})
    assert describe_event(event) == "已结案 → 已归档"
