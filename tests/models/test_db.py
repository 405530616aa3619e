from __future__ import annotations

from app.models import db, schema


def test_new_database_is_at_latest_schema(tmp_path):
    database = db.connect(tmp_path / "a.sqlite3")
    assert database.user_version == schema.LATEST
    assert database.scalar("PRAGMA journal_mode") == "wal"
    assert database.scalar("PRAGMA foreign_keys") == 1
