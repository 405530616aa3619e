from __future__ import annotations

import pytest

from app.models import db, schema
from tests.conftest import PROGRAM_SYNCHRONOUS


def test_new_database_is_at_latest_schema(tmp_path):
    database = db.connect(tmp_path / "a.sqlite3")
    assert database.user_version == schema.LATEST
    assert database.scalar("PRAGMA journal_mode") == "wal"
    assert database.scalar("PRAGMA foreign_keys") == 1


def test_the_program_commits_only_once_the_wal_file_is_on_the_disk(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """synchronous=FULL in the program (a case number survives a power cut); the tests'
    own connections run without it (tests/conftest.py)."""
    monkeypatch.setattr(db, "SYNCHRONOUS", PROGRAM_SYNCHRONOUS)
    database = db.connect(tmp_path / "a.sqlite3")
    assert database.scalar("PRAGMA synchronous") == 2  # FULL
    database.close()
