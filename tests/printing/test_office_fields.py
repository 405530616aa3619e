"""What the office enters reaches the paper: the agreement's 记录人 and the seal text."""

from __future__ import annotations

from datetime import date, datetime

from app.models import casefile, cases, office
from app.models.cases import AgreementInput, CloseInput
from app.models.db import Database
from app.printing import agreement
from app.printing.context import office_info
from tests.models.helpers import mediator_ids, register, user
from tests.printing.helpers import all_text

TODAY = date(2026, 11, 20)


def test_recorder_entered_at_closing_prints_under_the_signatures(office_db: Database) -> None:
    case_id = register(office_db)
    by = user(office_db)
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
    cases.record_session(
        office_db,
        case_id,
        cases.SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 10, 9, 0),
            place="调解室",
            record="双方同意调解。",
            recorder="王记录",
        ),
        by=by,
        now=datetime(2026, 11, 20, 9, 0),
    )
    cases.close_case(
        office_db,
        case_id,
        CloseInput(
            closed_on=TODAY,
            outcome="agreement_written",
            agreement=AgreementInput(terms=["甲方向乙方赔礼道歉。"], recorder="赵书记员"),
        ),
        by=by,
        today=TODAY,
    )
    case = casefile.load_case(office_db, case_id)
    assert case.agreement is not None and case.agreement.recorder == "赵书记员"
    text = all_text(agreement.agreement_pdf(case, office_info(office.main_committee(office_db))))
    assert "记录人：赵书记员" in text  # the closing's entry, not the session's recorder
    assert "王记录" not in text


def test_seal_text_of_the_committee_is_used(office_db: Database) -> None:
    committee = office.main_committee(office_db)
    office_db.conn.execute(
        "UPDATE committees SET seal_text = '青山镇人民调解委员会（印）' WHERE id = ?",
        (committee.id,),
    )
    info = office_info(office.main_committee(office_db))
    assert info.seal() == "青山镇人民调解委员会（印）"
