"""The test databases copied from templates (tests/helpers.py) are what the program makes:
a copy of the new database made once per process is alike in everything but its ids."""

from __future__ import annotations

import stat
from pathlib import Path

from app.models import db as dbmod
from app.models.db import Database
from tests.helpers import new_database

PRAGMAS = ("user_version", "application_id", "journal_mode", "page_size", "auto_vacuum")


def ids(db: Database) -> tuple[str, str]:
    found = {
        key: value
        for key, value in db.query("SELECT key, value FROM settings WHERE key LIKE '%_id'")
    }
    return str(found["device_id"]), str(found["office_id"])


def wal_size(db: Database) -> int:
    return Path(f"{db.path}-wal").stat().st_size


def contents(db: Database) -> dict[str, object]:
    """Schema, pragmas and every row of every table, the installation's ids named."""
    device, office_id = ids(db)
    named = {device: "<device>", office_id: "<office>"}
    tables = db.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    found: dict[str, object] = {
        "schema": [tuple(r) for r in db.query("SELECT * FROM sqlite_master ORDER BY name")],
        **{p: db.scalar(f"PRAGMA {p}") for p in PRAGMAS},
    }
    for table in tables:
        rows = db.query(f'SELECT * FROM "{table}"')
        found[table] = sorted(tuple(named.get(v, v) for v in r) for r in rows)
    return found


def test_a_copied_database_is_a_new_one_with_its_own_ids(tmp_path: Path) -> None:
    made = dbmod.connect(tmp_path / "made.sqlite3")
    first = new_database(tmp_path / "first.sqlite3")
    second = new_database(tmp_path / "second.sqlite3")
    try:
        assert contents(first) == contents(made)
        assert contents(second) == contents(made)
        assert len({*ids(made), *ids(first), *ids(second)}) == 6
        device = ids(first)[0]
        assert first.column("SELECT device FROM sync_epochs") == [device]
        for db in (first, second):
            assert db.path is not None
            assert stat.S_IMODE(db.path.stat().st_mode) == 0o600
            assert wal_size(db) == wal_size(made) == 0  # nothing written since the open
    finally:
        for db in (made, first, second):
            db.close()
