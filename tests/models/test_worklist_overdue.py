"""今日工作 · 已超期: every open case past its due date, most overdue first, with its due
date and how many days late it is ("已超期 N 天")."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import cases, office, register
from app.models.db import Database
from tests.conftest import TODAY
from tests.models.helpers import register as register_case
from tests.models.helpers import user


def _accepted(db: Database, applicant: str, due_on: date) -> str:
    """A case accepted so that it falls due on ``due_on`` (the office's 30-day limit)."""
    limit = office.main_committee(db).time_limit_days
    accepted_on = due_on - timedelta(days=limit)
    case_id = register_case(db, applicant=applicant, registered_on=accepted_on, today=TODAY)
    cases.accept_case(db, case_id, by=user(db), accepted_on=accepted_on, today=TODAY)
    return case_id


def test_overdue_cases_say_how_many_days_late(office_db: Database) -> None:
    _accepted(office_db, "赵一", TODAY - timedelta(days=1))
    _accepted(office_db, "钱二", TODAY - timedelta(days=12))
    _accepted(office_db, "孙三", TODAY)  # due today: not yet late
    work = register.worklist(office_db, today=TODAY)
    assert [(w.parties, w.when, w.note) for w in work.overdue] == [
        ("钱二、李四", TODAY - timedelta(days=12), "已超期 12 天"),
        ("赵一、李四", TODAY - timedelta(days=1), "已超期 1 天"),
    ]
    assert [w.parties for w in work.due_soon] == ["孙三、李四"]
    # A day later every one is a day later.
    later = register.worklist(office_db, today=TODAY + timedelta(days=1))
    assert [w.note for w in later.overdue] == ["已超期 13 天", "已超期 2 天", "已超期 1 天"]
