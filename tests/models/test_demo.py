from __future__ import annotations

from datetime import date

from app.models import casefile, demo, office, register
from app.models import db as dbmod
from app.models import registries as reg
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


def test_demo_has_a_mediated_case_whose_agreement_is_drafted(database):
    """A new user sees the 协议草稿 at work: a 调解中 case with a draft to print and sign."""
    today = date(2026, 11, 25)
    demo.fill_demo(database, today=today)
    rows = database.query(
        "SELECT d.case_id, c.state FROM agreement_drafts d JOIN cases c ON c.id = d.case_id"
    )
    assert [r["state"] for r in rows] == ["mediating"]
    c = casefile.load_case(database, rows[0]["case_id"])
    draft = c.draft
    assert draft is not None
    applicant, respondent = (p.name for p in c.parties)
    assert len(draft.terms) == 3 and draft.terms[0].startswith(f"{respondent}赔偿{applicant}")
    assert "人民币6800元（大写：陆仟捌佰元整）" in draft.terms[0]
    assert draft.perform_within_days == 15 and draft.perform_deadline is None
    assert draft.amount_fen == 680_000 and draft.recorder == "陈秀兰"
    assert draft.facts == c.facts
    assert c.agreement is None  # not signed yet: 结案 turns it into the agreement
    assert any(e.action == "draft_agreement" for e in c.events)


def _registry(db):
    """The demo's registries as plain values (no ids, no timestamps)."""
    return (
        [(g.village_name, g.name) for g in reg.GRIDS.list(db)],
        [(w.grid_name, w.name, w.phone) for w in reg.GRID_WORKERS.list(db)],
        [(a.village_name, a.name, a.phone, a.area) for a in reg.LEGAL_ADVISERS.list(db)],
        [(t.village_name, t.name, t.address) for t in reg.TALK_POINTS.list(db)],
        [(h.grid_name, h.house_number, h.head_name, h.members) for h in reg.HOUSEHOLDS.list(db)],
        [(s.village_name, s.play_on, s.play_at, s.reader) for s in reg.BROADCASTS.list(db)],
    )


def test_demo_villages_have_registries_with_a_warning_and_a_gap_to_show(database, tmp_path):
    today = date(2026, 11, 25)
    demo.fill_demo(database, today=today)
    villages = {v.name: v.id for v in office.villages(database)}
    for name, village_id in villages.items():
        kit = reg.village_kit_data(database, village_id)
        assert kit.grids and kit.broadcasts and kit.mediators, name
        for g in kit.grids:
            assert g.workers, (name, g.grid.name)
            assert 8 <= len(g.households) <= 20, (name, g.grid.name)
            assert sum(len(h.members) for h in g.households) >= len(g.households)
        assert all(s.play_on > today for s in kit.broadcasts)
    # one village short of 法律明白人, one without a 评理说事点, one complete
    assert [(p.name, n) for p, n in reg.advisers_short(database)] == [("桃园村", 2)]
    assert reg.TALK_POINTS.list(database, village_id=villages["河东社区"]) == []
    assert any("评理说事点" in g for g in reg.kit_gaps(database, villages["河东社区"]))
    assert reg.kit_gaps(database, villages["红旗村"]) == []
    # the same seed gives the same registries
    other = dbmod.connect(tmp_path / "again.sqlite3")
    try:
        demo.fill_demo(other, today=today)
        assert _registry(other) == _registry(database)
    finally:
        other.close()
