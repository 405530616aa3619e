"""A locked, read-only, corrupt, newer or full database: a clear message, nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from app.models import db as dbmod
from app.models import schema
from app.models.db import (
    Database,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DiskFullError,
    NewerSchemaError,
    NotADatabaseError,
)
from tests.models.helpers import register

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def count_cases(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()


def test_locked_database_says_so_and_keeps_data(office_db):
    register(office_db)
    other = sqlite3.connect(office_db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        impatient = dbmod.connect(office_db.path, busy_timeout_ms=50)
        with pytest.raises(DatabaseLockedError) as info:
            register(impatient, applicant="王五")
        assert "占用" in info.value.message and "稍后再试" in info.value.message
        impatient.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert count_cases(office_db.path) == 1


def test_read_only_database_says_so(office_db):
    register(office_db)
    ro = sqlite3.connect(f"file:{office_db.path}?mode=ro", uri=True, isolation_level=None)
    ro.row_factory = sqlite3.Row
    database = Database(ro, office_db.path)
    with pytest.raises(DatabaseReadOnlyError) as info:
        register(database, applicant="王五")
    assert "只读" in info.value.message and "权限" in info.value.message
    ro.close()
    assert count_cases(office_db.path) == 1


def test_full_disk_during_save_keeps_earlier_data(office_db):
    register(office_db)
    pages = office_db.scalar("PRAGMA page_count")
    office_db.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    with pytest.raises(DiskFullError) as info:
        for i in range(200):
            register(office_db, applicant="王五", facts="很长的案情。" * 400 + str(i))
    assert "磁盘空间已满" in info.value.message
    assert not office_db.conn.in_transaction
    n = count_cases(office_db.path)
    assert n >= 1
    # every case that was saved is whole: parties and events came with it
    assert (
        office_db.scalar(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS "
            "(SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'register')"
        )
        == 0
    )


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(NotADatabaseError) as info:
        dbmod.connect(bad)
    assert "不是本程序的数据库" in info.value.message
    assert str(bad) in info.value.message
    assert bad.read_bytes() == b"this is not sqlite" * 100  # untouched


def test_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    dbmod.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError) as info:
        dbmod.connect(path)
    assert "更新版本" in info.value.message and "升级" in info.value.message
    assert path.read_bytes() == before


def test_frozen_v1_fixture_migrates_to_current(tmp_path):
    path = tmp_path / "v1.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    database = dbmod.connect(path)
    assert database.user_version == schema.LATEST
    assert database.scalar("SELECT count(*) FROM cases") == 3
    assert database.scalar("SELECT name FROM parties WHERE name = '𠮷祥'") == "𠮷祥"
    # v2: the register's covering indexes exist and the original was kept as a backup copy.
    indexes = {r[0] for r in database.query("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"cases_register", "cases_number"} <= indexes
    [kept] = (tmp_path / "backups").glob("调解工作台备份-*-升级前.sqlite3")  # docs/backup.md
    copy = sqlite3.connect(kept)
    assert copy.execute("PRAGMA user_version").fetchone() == (1,)
    copy.close()
    database.close()


def test_ladder_backs_up_and_rolls_back_a_failing_step(tmp_path):
    path = tmp_path / "x.sqlite3"
    database = dbmod.connect(path)
    database.conn.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")

    def bad_step(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        dbmod.migrate_to_latest(database, [*schema.MIGRATIONS, bad_step])
    assert database.user_version == schema.LATEST
    assert database.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    # copied before the first step, with the backup API (docs/backup.md)
    [backup] = (tmp_path / "backups").glob("调解工作台备份-*-升级前.sqlite3")
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT value FROM settings WHERE key = 'k'").fetchone() == ("v",)
    copy.close()

    def good_step(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE settings ADD COLUMN note TEXT")

    dbmod.migrate_to_latest(database, [*schema.MIGRATIONS, good_step])
    assert database.user_version == schema.LATEST + 1
    database.close()


def test_transaction_rolls_back_everything_on_error(office_db):
    with pytest.raises(ZeroDivisionError), office_db.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('a', '1')")
        _ = 1 / 0
    assert office_db.scalar("SELECT count(*) FROM settings WHERE key = 'a'") == 0


def test_frozen_v6_fixture_migrates_to_sync_schema(tmp_path):
    """v7 (field laptops) keeps every row, gives the file its identities and rekeys the
    one-per-key rows so that two installations make the same row."""
    from app.models.sync.tables import natural_id

    path = tmp_path / "v6.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    database = dbmod.connect(path)
    assert database.user_version == schema.LATEST
    assert database.scalar("SELECT count(*) FROM cases") == 30
    assert database.scalar("SELECT count(*) FROM agreements") == 7
    device = database.scalar("SELECT value FROM settings WHERE key = 'device_id'")
    assert device and database.scalar("SELECT value FROM settings WHERE key = 'office_id'")
    for agreement_id, case_id in database.query("SELECT id, case_id FROM agreements"):
        assert agreement_id == natural_id("agreements", case_id)
    for row_id, key in database.query(
        "SELECT id, default_key FROM outreach_content WHERE default_key IS NOT NULL"
    ):
        assert row_id == natural_id("outreach_content", key)
    # the rows of before the change log are not in it; the next change is
    assert database.scalar("SELECT count(*) FROM sync_log") == 0
    case_id = database.scalar("SELECT id FROM cases LIMIT 1")
    with database.transaction() as conn:
        conn.execute("UPDATE cases SET title = '新标题' WHERE id = ?", (case_id,))
    logged = database.one("SELECT device, seq, tbl, row_id, op, data FROM sync_log")
    assert logged is not None
    assert tuple(logged[:5]) == (device, 1, "cases", case_id, "u")
    assert logged["data"] == '{"title":"新标题"}'
    database.close()


def test_frozen_v8_fixture_opens_at_current_with_its_users(tmp_path):
    """The file of the 1.0.0 code before the statistics summary (tests/fixtures/README.md):
    every later schema step must keep its cases, agreements, users and passwords, and its
    change log."""
    from app.models import accounts

    path = tmp_path / "v8.sqlite3"
    shutil.copy(FIXTURES / "schema_v8.sqlite3", path)
    database = dbmod.connect(path)
    assert database.user_version == schema.LATEST
    assert database.scalar("SELECT count(*) FROM cases") == 30
    assert database.scalar("SELECT count(*) FROM agreements") == 7
    assert database.scalar("SELECT count(*) FROM sync_log") == 982
    users = accounts.list_users(database)
    assert len(users) == 4 and all(user.has_password for user in users)
    actor = accounts.login(database, users[0].id, "qingshan26")
    assert actor.name == users[0].name
    database.close()


def test_frozen_v9_fixture_of_release_1_0_opens_at_current_with_its_users_and_figures(tmp_path):
    """The file of release 1.0.0 (tests/fixtures/README.md): every later schema step must
    keep its cases, agreements, users and passwords, its change log and its statistics."""
    from app.models import accounts
    from app.models.stats import Period, indicators, summary

    path = tmp_path / "v9.sqlite3"
    shutil.copy(FIXTURES / "schema_v9.sqlite3", path)
    with closing(sqlite3.connect(path)) as raw:  # the file as frozen, before any migration
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 9
    database = dbmod.connect(path)
    assert database.user_version == schema.LATEST
    # the figures come from its summary, which agrees with its cases
    assert summary.is_ready(database.conn)
    assert summary.check(database.conn) == []
    assert database.scalar("SELECT count(*) FROM cases") == 30
    assert database.scalar("SELECT count(*) FROM agreements") == 7
    assert database.scalar("SELECT count(*) FROM sync_log") == 985
    year = indicators(database, Period.year(2026), today=date(2026, 12, 6))
    registered = database.scalar("SELECT count(*) FROM cases WHERE registered_on LIKE '2026-%'")
    assert year.registered == registered > 0
    users = accounts.list_users(database)
    assert len(users) == 4 and all(user.has_password for user in users)
    actor = accounts.login(database, users[0].id, "qingshan26")
    assert actor.name == users[0].name
    database.close()
