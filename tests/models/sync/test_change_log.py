"""The change log: written for every kind of change the issue names, by the triggers, in the
same transaction as the change; never for what describes this installation only."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import clause_templates, monthly_report, office
from app.models.sync import tables, triggers
from tests.helpers import director
from tests.models.helpers import register, user


def _logged(db, since: int) -> list[tuple[str, str]]:
    return [
        (r["tbl"], r["op"])
        for r in db.query("SELECT tbl, op FROM sync_log WHERE rowid > ? ORDER BY rowid", (since,))
    ]


def _mark(db) -> int:
    return int(db.scalar("SELECT coalesce(max(rowid), 0) FROM sync_log"))


def test_the_installed_triggers_are_those_of_the_current_tables(office_db):
    assert triggers.installed(office_db.conn) == triggers.all_triggers(office_db.conn)


def test_every_table_with_stamps_travels_or_is_named_local(office_db):
    """A new table with the stamp columns that nobody added to SYNCED_TABLES would silently
    stay on one computer."""
    names = [r[0] for r in office_db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    stamped = {
        n for n in names if "origin" in {c[1] for c in office_db.query(f"PRAGMA table_info({n})")}
    }
    assert stamped <= set(tables.SYNCED_TABLES)


def test_each_kind_of_change_is_logged(office_db):
    db = office_db
    by = user(db)
    mark = _mark(db)
    register(db)
    logged = _logged(db, mark)
    assert {("cases", "i"), ("parties", "i"), ("case_parties", "i"), ("case_events", "i")} <= set(
        logged
    )

    mark = _mark(db)
    key = clause_templates.defaults()[0].key
    template = clause_templates.defaults()[0]
    clause_templates.save_template(
        db, key, category=template.category, title=template.title, body="改过的条款。", by=by
    )
    clause_templates.restore_default(db, key, by=director(db))  # 恢复默认 leaves a tombstone
    assert _logged(db, mark) == [("clause_templates", "i"), ("clause_templates", "d")]

    mark = _mark(db)
    office.save_office_details(
        db,
        office.OfficeDetails(address="青山镇政府大院", phone="0571-82345678"),
        loaded=office.office_details(db),
        by=by,
    )
    assert {t for t, _ in _logged(db, mark)} == {"settings"}  # 地址, 电话 (upserts)

    mark = _mark(db)
    committee = office.main_committee(db).id
    monthly_report.save_texts(
        db, committee, 2026, 11, monthly_report.MonthlyTexts(situation="本月纠纷平稳。"), by=by
    )
    assert _logged(db, mark) == [("monthly_reports", "i")]


def test_what_describes_this_installation_is_not_logged(office_db):
    db = office_db
    mark = _mark(db)
    with db.transaction() as conn:
        office.set_setting(conn, "search_index_version", "99")
        office.set_setting(conn, "default_user_id", user(db).user_id)
        office.set_setting(conn, "sync.anything", "1")
    assert _logged(db, mark) == []


def test_a_rolled_back_change_leaves_no_log(office_db):
    db = office_db
    case_id = register(db)
    mark = _mark(db)
    with pytest.raises(RuntimeError), db.transaction() as conn:
        conn.execute("UPDATE cases SET title = '改了又撤销' WHERE id = ?", (case_id,))
        assert _logged(db, mark) == [("cases", "u")]  # written with the change …
        raise RuntimeError("the save fails")
    assert _logged(db, mark) == []  # … and gone with it


def test_an_update_logs_only_what_it_changed(office_db):
    db = office_db
    case_id = register(db, registered_on=date(2026, 11, 2))
    mark = _mark(db)
    with db.transaction() as conn:
        conn.execute("UPDATE cases SET title = '新标题' WHERE id = ?", (case_id,))
        conn.execute("UPDATE cases SET title = '新标题' WHERE id = ?", (case_id,))  # no change
    data = db.query("SELECT data FROM sync_log WHERE rowid > ?", (mark,))
    assert [r[0] for r in data] == ['{"title":"新标题"}']
