"""The 台账 import logs its rows in bulk: the same log rows the triggers would write."""

from __future__ import annotations

import json

import pytest

from app.models.errors import OperationCancelledError
from app.models.ledger_import import apply
from app.models.sync import exchange
from tests.models import ledger_sheets as sheets
from tests.models.helpers import register, user
from tests.models.test_ledger_import import plan_for


def test_imported_rows_are_logged_once_each_with_their_values(office_db, tmp_path):
    db = office_db
    register(db)  # a change logged by the triggers before the import
    device = exchange.this_device(db.conn).id
    plan = plan_for(db, sheets.messy_xlsx(tmp_path / "m.xlsx"))
    result = apply(db, plan, by=user(db), skip_bad_rows=False, skip_duplicates=True)
    assert result.imported == 9
    for table in ("cases", "parties", "case_parties", "case_events"):
        ids = {r[0] for r in db.query(f"SELECT id FROM {table}")}
        logged = db.query("SELECT row_id, data FROM sync_log WHERE tbl = ? AND op = 'i'", (table,))
        assert {r["row_id"] for r in logged} == ids, table  # every row, once
        assert len(logged) == len(ids)
    case_id = result.case_ids[0]
    data = json.loads(
        db.scalar("SELECT data FROM sync_log WHERE tbl = 'cases' AND row_id = ?", (case_id,))
    )
    row = dict(db.one("SELECT * FROM cases WHERE id = ?", (case_id,)))
    row.pop("seq")
    assert data == row  # every travelling column, as written
    # numbered on from the device's last change, without gaps or repeats
    seqs = [
        r[0] for r in db.query("SELECT seq FROM sync_log WHERE device = ? ORDER BY seq", (device,))
    ]
    assert seqs == list(range(1, len(seqs) + 1))
    assert db.scalar("SELECT count(*) FROM sync_state WHERE key = 'applying'") == 0


def test_a_cancelled_import_logs_nothing(office_db, tmp_path):
    db = office_db
    plan = plan_for(db, sheets.messy_xlsx(tmp_path / "m.xlsx"))
    before = db.scalar("SELECT count(*) FROM sync_log")
    with pytest.raises(OperationCancelledError):
        apply(
            db, plan, by=user(db), skip_bad_rows=False, skip_duplicates=True, cancelled=lambda: True
        )
    assert db.scalar("SELECT count(*) FROM sync_log") == before
    assert db.scalar("SELECT count(*) FROM sync_state WHERE key = 'applying'") == 0
