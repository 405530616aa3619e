"""The case life cycle through the real services on a real SQLite file."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.models import casefile, cases
from app.models.cases import (
    AgreementInput,
    CloseInput,
    ConfirmationInput,
    FollowUpInput,
    SessionInput,
)
from app.models.errors import (
    IllegalTransitionError,
    PermissionDeniedError,
    ValidationError,
)
from tests.conftest import TODAY
from tests.helpers import snapshot
from tests.models.helpers import close, mediator_ids, register, user

NOW = datetime(2026, 11, 20, 17, 0)


def walk_to_mediating(db) -> str:
    case_id = register(db)
    cases.accept_case(db, case_id, by=user(db), accepted_on=date(2026, 11, 2), today=TODAY)
    cases.assign_mediators(
        db,
        case_id,
        by=user(db),
        mediator_ids=mediator_ids(db),
        how="chosen",
        assigned_on=date(2026, 11, 2),
        today=TODAY,
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 5, 9, 30),
            place="村评理说事点",
            record="双方陈述了各自的意见。",
        ),
        by=user(db),
        now=NOW,
    )
    return case_id


AGREEMENT = AgreementInput(
    terms=["李四于2026年12月1日前恢复排水沟原走向。", "李四补偿张三修墙费1500元。"],
    perform_manner="现金",
    perform_place="青山镇调委会",
    perform_deadline=date(2026, 12, 1),
    amount_fen=150000,
)


def test_full_life_cycle_writes_one_event_per_step(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=date(2026, 11, 10),
            outcome="agreement_written",
            prevented_criminal=True,
            agreement=AGREEMENT,
        ),
        by=user(db),
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
            satisfaction="满意",
        ),
        by=user(db),
        today=TODAY,
    )
    cases.record_judicial_confirmation(
        db,
        case_id,
        ConfirmationInput(
            applied_on=date(2026, 11, 12),
            court="青山县人民法院",
            number="（2026）浙0781民特调确字第3号",
            result="confirmed",
            decided_on=date(2026, 11, 15),
        ),
        by=user(db),
        today=TODAY,
    )
    cases.archive_case(db, case_id, by=user(db), archived_on=date(2026, 11, 19), today=TODAY)

    c = casefile.load_case(db, case_id)
    assert c.state == "archived"
    assert c.number == "（2026）青山调字第1号"
    assert c.due_on == date(2026, 12, 2)
    assert c.outcome == "agreement_written" and c.prevented_criminal
    assert c.amount_fen == 150000
    assert c.performance == "performed"
    assert c.agreement is not None and c.agreement.terms == AGREEMENT.terms
    assert [a.mediator_name for a in c.current_mediators] == ["王建华", "陈秀兰"]
    assert c.confirmations[0].number == "（2026）浙0781民特调确字第3号"
    assert [e.action for e in c.events] == [
        "register",
        "accept",
        "assign",
        "record_session",
        "close",
        "follow_up",
        "judicial_confirmation",
        "archive",
    ]
    assert all(e.by_name == "李主任" for e in c.events)
    assert c.is_read_only


def test_events_are_append_only(office_db):
    case_id = register(office_db)
    with pytest.raises(Exception, match="append-only"):
        office_db.conn.execute("DELETE FROM case_events WHERE case_id = ?", (case_id,))
    with pytest.raises(Exception, match="append-only"):
        office_db.conn.execute("UPDATE case_events SET by = 'x'")


def test_every_row_records_user_and_device(office_db):
    case_id = walk_to_mediating(office_db)
    for table in ("cases", "parties", "case_parties", "assignments", "sessions"):
        for r in office_db.query(f"SELECT updated_by, origin FROM {table}"):
            assert r["updated_by"] == user(office_db).user_id
            assert r["origin"]
    assert office_db.scalar("SELECT count(*) FROM case_events WHERE case_id = ?", (case_id,)) == 4


@pytest.mark.parametrize(
    ("action", "call"),
    [
        (
            "close",
            lambda db, cid: close(db, cid, "withdrawn"),
        ),
        (
            "assign",
            lambda db, cid: cases.assign_mediators(
                db,
                cid,
                by=user(db),
                mediator_ids=mediator_ids(db)[:1],
                how="appointed",
                assigned_on=TODAY,
                today=TODAY,
            ),
        ),
        (
            "archive",
            lambda db, cid: cases.archive_case(
                db, cid, by=user(db), archived_on=TODAY, today=TODAY
            ),
        ),
        (
            "follow_up",
            lambda db, cid: cases.record_follow_up(
                db,
                cid,
                FollowUpInput(
                    visited_on=TODAY,
                    visitor="王",
                    person_visited="张",
                    performed="performed",
                    satisfaction="满意",
                ),
                by=user(db),
                today=TODAY,
            ),
        ),
    ],
)
def test_illegal_step_raises_typed_error_and_writes_nothing(office_db, action, call):
    case_id = register(office_db)  # still 已登记
    before = snapshot(office_db)
    with pytest.raises(IllegalTransitionError) as info:
        call(office_db, case_id)
    assert info.value.action == action
    assert "已登记" in info.value.message
    assert snapshot(office_db) == before


def test_transition_table_drives_allowed_actions():
    assert cases.allowed_actions("registered") == ["accept", "decline", "edit", "void"]
    assert "close" in cases.allowed_actions("mediating")
    assert "reopen" in cases.allowed_actions("closed")
    assert cases.allowed_actions("voided") == []


def test_decline_needs_reason(office_db):
    case_id = register(office_db)
    before = snapshot(office_db)
    with pytest.raises(ValidationError) as info:
        cases.decline_case(office_db, case_id, by=user(office_db), declined_on=TODAY, reason=" ")
    assert info.value.field == "不予受理的理由"
    assert snapshot(office_db) == before
    cases.decline_case(
        office_db, case_id, by=user(office_db), declined_on=TODAY, reason="一方明确拒绝调解"
    )
    c = casefile.load_case(office_db, case_id)
    assert c.state == "declined" and c.decline_reason == "一方明确拒绝调解"
    assert c.number is None


def test_future_date_for_past_event_is_refused(office_db):
    case_id = register(office_db)
    before = snapshot(office_db)
    with pytest.raises(ValidationError) as info:
        cases.accept_case(
            office_db, case_id, by=user(office_db), accepted_on=date(2026, 12, 1), today=TODAY
        )
    assert info.value.field == "受理日期"
    assert "晚于今天" in info.value.message
    assert snapshot(office_db) == before


def test_acceptance_before_registration_is_refused(office_db):
    case_id = register(office_db, registered_on=date(2026, 11, 5))
    with pytest.raises(ValidationError, match="不能早于登记日期"):
        cases.accept_case(
            office_db, case_id, by=user(office_db), accepted_on=date(2026, 11, 4), today=TODAY
        )


def test_reassignment_keeps_history_and_needs_reason(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    _first, second = mediator_ids(db)
    with pytest.raises(ValidationError, match="原因"):
        cases.assign_mediators(
            db,
            case_id,
            by=user(db),
            mediator_ids=[second],
            how="appointed",
            assigned_on=TODAY,
            today=TODAY,
        )
    cases.assign_mediators(
        db,
        case_id,
        by=user(db),
        mediator_ids=[second],
        how="appointed",
        assigned_on=TODAY,
        reason="王建华回避",
        today=TODAY,
    )
    c = casefile.load_case(db, case_id)
    assert c.state == "mediating"  # reassignment does not move the case back
    assert [a.mediator_name for a in c.current_mediators] == ["陈秀兰"]
    ended = [a for a in c.assignments if a.ended_on]
    assert [(a.mediator_name, a.end_reason) for a in ended] == [("王建华", "王建华回避")]
    assert c.current_mediators[0].how == "chosen"  # a kept mediator keeps how they came


def test_extension_records_who_why_and_new_date(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    with pytest.raises(ValidationError, match="晚于现在的期限"):
        cases.extend_deadline(
            db,
            case_id,
            by=user(db),
            requested_by="双方当事人",
            reason="等鉴定结果",
            new_due_on=date(2026, 11, 30),
            decided_on=TODAY,
            today=TODAY,
        )
    cases.extend_deadline(
        db,
        case_id,
        by=user(db),
        requested_by="双方当事人",
        reason="等鉴定结果",
        new_due_on=date(2026, 12, 20),
        decided_on=TODAY,
        today=TODAY,
    )
    c = casefile.load_case(db, case_id)
    assert c.due_on == date(2026, 12, 20)
    ext = c.extensions[0]
    assert (ext.requested_by, ext.reason, ext.old_due_on) == (
        "双方当事人",
        "等鉴定结果",
        date(2026, 12, 2),
    )


def test_referral_and_feedback(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    ref_id = cases.refer_case(
        db,
        case_id,
        by=user(db),
        body="派出所",
        receiver="张警官",
        referred_on=TODAY,
        reason="涉嫌治安案件",
    )
    with pytest.raises(ValidationError, match="不能早于移交日期"):
        cases.record_referral_feedback(
            db, ref_id, by=user(db), feedback="已处理", feedback_on=date(2026, 11, 1)
        )
    cases.record_referral_feedback(
        db, ref_id, by=user(db), feedback="已依法处理", feedback_on=TODAY
    )
    c = casefile.load_case(db, case_id)
    assert (c.referrals[0].body, c.referrals[0].feedback) == ("派出所", "已依法处理")


def test_close_with_agreement_needs_terms(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        cases.close_case(
            db,
            case_id,
            CloseInput(
                closed_on=TODAY, outcome="agreement_written", agreement=AgreementInput(terms=["  "])
            ),
            by=user(db),
            today=TODAY,
        )
    assert info.value.field == "协议内容"
    assert snapshot(db) == before


def test_follow_up_needs_the_satisfaction_chosen(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    close(db, case_id, "withdrawn")
    visit = FollowUpInput(
        visited_on=TODAY, visitor="王建华", person_visited="张三", performed="performed"
    )
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        cases.record_follow_up(db, case_id, visit, by=user(db), today=TODAY)
    assert info.value.field == "满意程度"
    assert "满意、基本满意或不满意" in info.value.message
    assert snapshot(db) == before
    cases.record_follow_up(
        db, case_id, replace(visit, satisfaction=" 不满意 "), by=user(db), today=TODAY
    )
    assert [v.satisfaction for v in casefile.load_case(db, case_id).follow_ups] == ["不满意"]


def test_terminated_needs_reason_and_withdrawn_possible_before_assignment(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    with pytest.raises(ValidationError, match="终止调解的原因"):
        close(db, case_id, "terminated")
    other = register(db, applicant="赵六")
    cases.accept_case(db, other, by=user(db), accepted_on=TODAY, today=TODAY)
    with pytest.raises(IllegalTransitionError, match="撤回"):
        close(db, other, "terminated", note="x")
    close(db, other, "withdrawn")
    assert casefile.load_case(db, other).state == "closed"


def test_judicial_confirmation_only_for_written_agreement(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    close(db, case_id, "agreement_oral", agreement=AGREEMENT)
    with pytest.raises(IllegalTransitionError, match="书面"):
        cases.record_judicial_confirmation(
            db,
            case_id,
            ConfirmationInput(applied_on=TODAY, court="青山县人民法院"),
            by=user(db),
            today=TODAY,
        )


def test_reopen_records_who_and_why_and_archived_needs_director(office_db):
    db = office_db
    case_id = walk_to_mediating(db)
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=TODAY,
            outcome="agreement_written",
            agreement=AGREEMENT,
            performance="performed",
            amount_fen=500_000,
            prevented_criminal=True,
            note="当场履行",
        ),
        by=user(db),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        cases.reopen_case(db, case_id, by=user(db), reason="", requested_by="张三")
    cases.reopen_case(
        db, case_id, by=user(db), reason="对方未履行，申请重新调解", requested_by="张三"
    )
    c = casefile.load_case(db, case_id)
    assert c.state == "mediating" and c.outcome is None and not c.is_read_only
    last = c.events[-1]
    assert last.action == "reopen"
    assert last.data["reason"] == "对方未履行，申请重新调解"
    assert last.data["previous"]["outcome"] == "agreement_written"
    # The result went with the closing; it is kept in the event, the agreement stays.
    row = db.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    assert (row["performance"], row["amount_fen"], row["prevented_criminal"]) == (None, None, 0)
    assert row["close_note"] == ""
    assert last.data["previous"]["performance"] == "performed"
    assert last.data["previous"]["amount_fen"] == 500_000
    assert last.data["previous"]["prevented_criminal"] is True
    assert last.data["previous"]["close_note"] == "当场履行"
    assert c.agreement is not None and c.agreement.terms == AGREEMENT.terms

    close(db, case_id, "withdrawn")
    cases.archive_case(db, case_id, by=user(db), archived_on=TODAY, today=TODAY)
    db.conn.execute("UPDATE users SET role = 'mediator'")
    with pytest.raises(PermissionDeniedError, match="主任"):
        cases.reopen_case(db, case_id, by=user(db), reason="x", requested_by="张三")


def test_a_declined_case_that_was_archived_is_not_reopened(office_db):
    """重新调解 needs a mediation to reopen: a case declined and then archived was never
    accepted (reopened, it was a 调解中 case without a 受理日期 that crashed at 结案)."""
    db = office_db
    case_id = register(db)
    cases.decline_case(db, case_id, by=user(db), declined_on=TODAY, reason="已向法院起诉")
    cases.archive_case(db, case_id, by=user(db), archived_on=TODAY, today=TODAY)
    before = snapshot(db)
    with pytest.raises(IllegalTransitionError, match="没有受理过") as info:
        cases.reopen_case(db, case_id, by=user(db), reason="当事人又来了", requested_by="张三")
    assert "请重新登记" in info.value.message
    assert snapshot(db) == before
    assert "没有受理过" in cases.refusal(db, user(db), "reopen", case_id)  # the button's tip


def test_void_keeps_case_and_reason(office_db):
    case_id = register(office_db)
    cases.void_case(
        office_db, case_id, by=user(office_db), reason="重复登记", voided_on=TODAY, today=TODAY
    )
    c = casefile.load_case(office_db, case_id)
    assert c.state == "voided" and c.void_reason == "重复登记"
    assert json.loads(office_db.scalar("SELECT data FROM case_events WHERE action = 'void'")) == {
        "reason": "重复登记"
    }


def test_register_needs_facts_and_both_sides(office_db):
    before = snapshot(office_db)
    with pytest.raises(ValidationError) as info:
        register(office_db, facts="   ")
    assert info.value.field == "纠纷简要情况"
    assert snapshot(office_db) == before
