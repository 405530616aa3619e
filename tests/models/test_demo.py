from __future__ import annotations

from datetime import date

from app.models import casefile, demo, register
from app.models.reference import STATES


def test_demo_has_every_state_and_todays_work(database):
    today = date(2026, 11, 25)
    demo.fill_demo(database, today=today)
    states = {r[0] for r in database.query("SELECT DISTINCT state FROM cases")}
    assert states == set(STATES)
    work = register.worklist(database, today=today)
    assert work.overdue and work.due_soon and work.awaiting_follow_up
    assert work.confirmation_closing
    # a rare Extension B name is among the parties, stored intact
    names = {r[0] for r in database.query("SELECT name FROM parties")}
    assert any(any(ord(ch) > 0xFFFF for ch in n) for n in names)
    closed = database.scalar("SELECT id FROM cases WHERE outcome = 'agreement_written' LIMIT 1")
    c = casefile.load_case(database, closed)
    assert c.agreement is not None and len(c.agreement.terms) >= 2
