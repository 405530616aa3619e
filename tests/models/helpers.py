"""Builders for test data that go through the real services."""

from __future__ import annotations

from datetime import date

from app.models import accounts, cases, office
from app.models.accounts import Actor
from app.models.cases import AgreementInput, CaseInput, CloseInput
from app.models.db import Database
from app.models.identity import resident_id_check_char
from app.models.parties import PartyInput


def make_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


ZHANG = make_id("33010219800102001")  # male, born 1980-01-02
LI = make_id("33010219850607002")  # female


def person(name: str, role: str, id_number: str = "", phone: str = "") -> PartyInput:
    return PartyInput(name=name, role=role, id_number=id_number, phone=phone)


def register(
    db: Database,
    *,
    applicant: str = "张三",
    respondent: str = "李四",
    registered_on: date = date(2026, 11, 1),
    facts: str = "双方因排水沟改道发生纠纷。",
    category: str = "邻里",
    today: date = date(2026, 11, 20),
    by: Actor | None = None,
) -> str:
    village = next(v.id for v in office.villages(db) if v.name == "红旗村")
    return cases.register_case(
        db,
        CaseInput(
            committee_id=office.main_committee(db).id,
            category=category,
            source="application",
            registered_on=registered_on,
            parties=[
                person(applicant, "applicant", ZHANG, "13812345678"),
                person(respondent, "respondent", LI),
            ],
            facts=facts,
            village_id=village,
        ),
        by=by or user(db),
        today=today,
    )


def account(db: Database, user_id: str) -> accounts.Account:
    """The user as 用户管理 lists it (what a 修改 form loads: accounts.edit_user's loaded)."""
    found = accounts.get_account(db, user_id)
    assert found is not None, user_id
    return found


def user(db: Database) -> Actor:
    """The office's 主任 (who set it up), as the services see them."""
    return accounts.acting_as(db, office.current_user(db).id)


def close(
    db: Database,
    case_id: str,
    outcome: str,
    *,
    closed_on: date = date(2026, 11, 20),
    performance: str = "pending",
    note: str = "",
    agreement: AgreementInput | None = None,
) -> None:
    """结案 by the current user, on the tests' today unless ``closed_on`` says otherwise."""
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=closed_on,
            outcome=outcome,
            performance=performance,
            note=note,
            agreement=agreement,
        ),
        by=user(db),
        today=date(2026, 11, 20),
    )


def mediator_ids(db: Database) -> list[str]:
    return [m.id for m in office.mediators(db)]


def refer_to_police(
    db: Database, case_id: str, *, by: Actor, on: date, feedback_on: date | None, today: date
) -> None:
    """转交 the case to the 派出所 on ``on``; its feedback recorded on ``feedback_on``, if any."""
    referral = cases.refer_case(
        db,
        case_id,
        by=by,
        body="派出所",
        receiver="值班民警",
        referred_on=on,
        reason="涉及治安问题。",
        today=today,
    )
    if feedback_on is not None:
        cases.record_referral_feedback(
            db, referral, by=by, feedback="已处理。", feedback_on=feedback_on, today=today
        )
