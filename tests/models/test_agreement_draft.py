"""协议草稿 through the real services on a real SQLite file: saved while the case is
mediated (one per case, an event per change), checked field by field in Chinese, and
turned into the agreement by 结案."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.models import casefile, cases
from app.models.cases import AgreementInput, CloseInput
from app.models.db import Database
from app.models.errors import IllegalTransitionError, ValidationError
from tests.conftest import TODAY
from tests.helpers import save_draft, snapshot
from tests.models.helpers import close, register, user
from tests.models.test_cases import walk_to_mediating

DRAFT = AgreementInput(
    terms=["李四于2026年12月15日前一次性支付张三人民币3000元（大写：叁仟元整）。", "  "],
    facts="  双方因排水沟改道发生纠纷。 ",
    perform_manner="现金",
    perform_place="青山镇调委会",
    perform_within_days=15,
    amount_fen=300000,
    recorder="陈秀兰",
)


def save(db: Database, case_id: str, draft: AgreementInput = DRAFT) -> bool:
    return save_draft(db, case_id, draft, by=user(db), today=TODAY)


def events(db: Database, case_id: str) -> list[casefile.Event]:
    return [e for e in casefile.load_case(db, case_id).events if e.action == "draft_agreement"]


def test_a_draft_is_saved_read_back_and_its_history_written(office_db: Database) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    assert casefile.load_case(db, case_id).draft is None
    assert save(db, case_id) is True

    c = casefile.load_case(db, case_id)
    d = c.draft
    assert d is not None
    assert d.terms == [DRAFT.terms[0]]  # the empty term is dropped
    assert d.facts == "双方因排水沟改道发生纠纷。"
    assert (d.perform_manner, d.perform_place, d.recorder) == ("现金", "青山镇调委会", "陈秀兰")
    assert (d.perform_deadline, d.perform_within_days, d.amount_fen) == (None, 15, 300000)
    assert d.updated_by_name == "李主任"
    assert c.state == "mediating" and c.agreement is None  # a draft changes no state
    (event,) = events(db, case_id)
    assert event.label == "起草协议"
    assert c.describe(event) == "新建协议草稿，协议条款 1 条；协议金额：3,000.00 元"

    # A change: one more event, naming what changed in the words of the form.
    changed = replace(DRAFT, perform_within_days=None, perform_deadline=date(2026, 12, 20))
    assert save(db, case_id, replace(changed, amount_fen=350000)) is True
    c = casefile.load_case(db, case_id)
    assert c.draft is not None and c.draft.perform_deadline == date(2026, 12, 20)
    assert c.draft.perform_within_days is None
    last = events(db, case_id)[-1]
    assert c.describe(last) == "修改了协议草稿的履行期限、协议金额；协议金额：3,500.00 元"
    assert db.scalar("SELECT count(*) FROM agreement_drafts WHERE case_id = ?", (case_id,)) == 1


def test_saving_the_same_draft_again_writes_nothing(office_db: Database) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    save(db, case_id)
    before = snapshot(db)
    assert save(db, case_id, replace(DRAFT, facts="双方因排水沟改道发生纠纷。")) is False
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("draft", "field", "says"),
    [
        (replace(DRAFT, amount_fen=-1), "协议金额", "协议金额不能是负数"),
        (
            replace(DRAFT, perform_deadline=date(2026, 12, 1)),
            "履行期限",
            "履行期限请只填一种",
        ),
        (replace(DRAFT, perform_within_days=0), "履行期限", "请填 1 到 3650 之间的天数"),
        (
            replace(DRAFT, terms=["  ", "李四支付张三人民币15000o元（大写：壹万伍仟元整）。"]),
            "协议内容",
            "第2条：“15000o”不是金额，请改成数字，如 15000",
        ),
        (replace(DRAFT, perform_within_days=4000), "履行期限", "请填 1 到 3650 之间的天数"),
        (
            replace(DRAFT, perform_within_days=None, perform_deadline=date(2026, 11, 19)),
            "履行期限",
            "履行期限（2026年11月19日）已经过去了",
        ),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(
    office_db: Database, draft: AgreementInput, field: str, says: str
) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    save(db, case_id)
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        save(db, case_id, draft)
    assert info.value.field == field
    assert says in info.value.message
    assert snapshot(db) == before


def test_only_a_case_being_mediated_has_a_draft(office_db: Database) -> None:
    db = office_db
    case_id = register(db)
    before = snapshot(db)
    with pytest.raises(IllegalTransitionError) as info:
        save(db, case_id)
    assert info.value.message == (
        "这件案件现在是“已登记”状态，不能起草协议。只有“已指派、调解中”的案件才能起草协议。"
    )
    assert snapshot(db) == before


def test_closing_with_an_agreement_turns_the_draft_into_it(office_db: Database) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    save(db, case_id)
    agreement = replace(DRAFT, terms=["李四支付张三人民币3000元。"], perform_within_days=10)
    close(db, case_id, "agreement_written", agreement=agreement)
    c = casefile.load_case(db, case_id)
    assert c.draft is None
    assert db.scalar("SELECT count(*) FROM agreement_drafts") == 0
    assert c.agreement is not None
    assert c.agreement.terms == ["李四支付张三人民币3000元。"]
    assert c.agreement.perform_within_days == 10 and c.agreement.perform_deadline is None
    assert c.amount_fen == 300000
    with pytest.raises(IllegalTransitionError):  # closed: locked until reopened
        save(db, case_id)


def test_a_failed_mediation_keeps_the_draft_for_a_reopen(office_db: Database) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    save(db, case_id)
    close(db, case_id, "terminated", performance="na", note="分歧较大。")
    assert casefile.load_case(db, case_id).draft is not None
    cases.reopen_case(db, case_id, by=user(db), reason="双方愿意再谈", requested_by="张三")
    c = casefile.load_case(db, case_id)
    assert c.draft is not None and c.draft.terms == [DRAFT.terms[0]]
    assert save(db, case_id, replace(DRAFT, recorder="赵文书")) is True


def test_closing_checks_the_deadline_against_the_signing_day(office_db: Database) -> None:
    db = office_db
    case_id = walk_to_mediating(db)
    before = snapshot(db)
    early = AgreementInput(terms=["李四恢复排水沟。"], perform_deadline=date(2026, 11, 9))
    both = replace(early, perform_deadline=date(2026, 12, 1), perform_within_days=10)
    mistyped = replace(early, perform_deadline=None, terms=["李四支付张三人民币1e30元。"])
    for agreement, field, says in (
        (early, "履行期限", "履行期限（2026年11月09日）早于协议签订（结案）日期"),
        (both, "履行期限", "履行期限请只填一种"),
        (mistyped, "协议内容", "第1条：“1e30”不是金额。请只填数字，如 3600 或 3600.50"),
    ):
        data = CloseInput(
            closed_on=date(2026, 11, 10), outcome="agreement_oral", agreement=agreement
        )
        with pytest.raises(ValidationError) as info:
            cases.close_case(db, case_id, data, by=user(db), today=TODAY)
        assert info.value.field == field
        assert says in info.value.message
    assert snapshot(db) == before


def test_check_close_refuses_what_the_state_does_not_allow() -> None:
    data = CloseInput(closed_on=TODAY, outcome="terminated", note="分歧较大。")
    with pytest.raises(IllegalTransitionError) as info:
        cases.check_close(data, today=TODAY, state="accepted")
    assert "只能以“当事人撤回”结案" in info.value.message
    with pytest.raises(ValidationError) as error:
        cases.check_close(data, today=TODAY, accepted_on=date(2026, 11, 21))
    assert error.value.field == "结案日期"
    cases.check_close(replace(data, outcome="withdrawn"), today=TODAY, state="accepted")
