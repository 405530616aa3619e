"""今日工作 · 待受理: every registered dispute not yet accepted, oldest first, with the days
it has waited, and the ones waiting past the office's limit marked late."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.models import cases, office, register
from app.models.db import Database
from tests.conftest import TODAY
from tests.helpers import director, fill_demo
from tests.models.helpers import register as register_dispute


def _register(db: Database, days_ago: int, applicant: str) -> str:
    return register_dispute(db, applicant=applicant, registered_on=TODAY - timedelta(days=days_ago))


def _waiting(db: Database, **kwargs: Any) -> list[tuple[str, date, str, bool]]:
    work = register.worklist(db, today=TODAY, **kwargs)
    return [(w.parties, w.when, w.note, w.late) for w in work.awaiting_acceptance]


def test_registered_disputes_wait_oldest_first_with_days_and_late_marks(
    office_db: Database,
) -> None:
    _register(office_db, 3, "赵一")
    _register(office_db, 0, "钱二")
    _register(office_db, 10, "孙三")
    _register(office_db, 4, "周四")
    day = lambda n: TODAY - timedelta(days=n)  # noqa: E731
    assert _waiting(office_db) == [
        ("孙三、李四", day(10), "已等待10天", True),
        ("周四、李四", day(4), "已等待4天", True),
        ("赵一、李四", day(3), "已等待3天", False),  # three days are not yet late
        ("钱二、李四", day(0), "今天登记", False),
    ]


def test_the_office_setting_decides_what_is_late(office_db: Database) -> None:
    _register(office_db, 4, "周四")
    office.set_accept_late_days(
        office_db, 7, loaded=office.accept_late_days(office_db), by=director(office_db)
    )
    assert _waiting(office_db) == [("周四、李四", TODAY - timedelta(days=4), "已等待4天", False)]
    assert _waiting(office_db, accept_late_days=1)[0][3] is True


def test_accepted_declined_and_voided_disputes_leave_the_list(office_db: Database) -> None:
    by = director(office_db)
    accepted = _register(office_db, 5, "赵一")
    declined = _register(office_db, 5, "钱二")
    voided = _register(office_db, 5, "孙三")
    _register(office_db, 5, "周四")
    cases.accept_case(office_db, accepted, by=by, accepted_on=TODAY, today=TODAY)
    cases.decline_case(
        office_db, declined, by=by, declined_on=TODAY, reason="一方拒绝调解。", today=TODAY
    )
    cases.void_case(office_db, voided, by=by, reason="重复登记", voided_on=TODAY, today=TODAY)
    work = register.worklist(office_db, today=TODAY)
    assert [w.parties for w in work.awaiting_acceptance] == ["周四、李四"]
    assert work.awaiting_acceptance[0].number is None


def test_the_demo_office_has_disputes_waiting(database: Database) -> None:
    fill_demo(database, today=TODAY)
    work = register.worklist(database, today=TODAY)
    waiting = work.awaiting_acceptance
    assert waiting
    assert [w.when for w in waiting] == sorted(w.when for w in waiting)
    registered = database.scalar("SELECT count(*) FROM cases WHERE state = 'registered'")
    assert len(waiting) == registered
