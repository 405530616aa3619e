"""同步文件 and 外出准备文件 end to end, and every way a file can be wrong.

Real databases, real encrypted files on disk; each refusal leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date

import pytest

from app.models import cases, office
from app.models import db as dbmod
from app.models.db import DiskFullError
from app.models.errors import DomainError, OperationCancelledError
from app.models.ledger_import import apply
from app.models.sync import exchange, files, package
from app.models.sync.exchange import NothingNew, SyncRefused
from app.models.sync.scope import Scope
from tests.helpers import director
from tests.models.helpers import register, user

PASS = "青山镇调解2026"
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _cheap_keys(monkeypatch):
    monkeypatch.setattr(package, "SCRYPT_N", 2**10)


@pytest.fixture
def office_pc(office_db):
    exchange.set_device_name(office_db, "办公室电脑", by=user(office_db))
    for _ in range(3):
        register(office_db)
    return office_db


def _starter(office_pc, tmp_path, name="周玉梅的笔记本"):
    path = tmp_path / f"{name}.mdstart"
    laptop = files.write_starter(
        office_pc, path, passphrase=PASS, name=name, scope=Scope(), by=user(office_pc), today=TODAY
    )
    target = tmp_path / f"{name}.sqlite3"
    files.open_starter(path, target, passphrase=PASS)
    return laptop, dbmod.connect(target)


def _fingerprint(database) -> str:
    """Every synced table's rows, and the log: what a merge may change."""
    digest = hashlib.sha256()
    for (table,) in database.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'case_search%' "
        "ORDER BY name"
    ):
        for row in database.query(f"SELECT * FROM {table} ORDER BY 1"):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_starter_then_sync_both_ways(office_pc, tmp_path):
    laptop, field_db = _starter(office_pc, tmp_path)
    me = exchange.this_device(field_db.conn)
    assert (me.role, me.name, me.id) == ("field", "周玉梅的笔记本", laptop.device)
    assert me.home == exchange.this_device(office_pc.conn).id
    assert field_db.scalar("SELECT count(*) FROM cases") == 3

    new_case = register(field_db, applicant="赵六", respondent="孙七")
    out = files.write_sync(
        field_db, tmp_path / "回办公室.mdsync", passphrase=PASS, to=me.home, by=director(field_db)
    )
    assert out.changes > 0 and out.size > 0
    applied = files.apply_sync(office_pc, out.path, passphrase=PASS, by=director(office_pc))
    assert applied.from_name == "周玉梅的笔记本"
    assert (
        office_pc.scalar("SELECT parties_text FROM cases WHERE id = ?", (new_case,)) == "赵六、孙七"
    )

    with office_pc.transaction() as conn:
        conn.execute("UPDATE cases SET title = '办公室补的标题' WHERE id = ?", (new_case,))
    back = files.write_sync(
        office_pc,
        tmp_path / "给笔记本.mdsync",
        passphrase=PASS,
        to=laptop.device,
        by=director(office_pc),
    )
    files.apply_sync(field_db, back.path, passphrase=PASS, by=director(field_db))
    assert field_db.scalar("SELECT title FROM cases WHERE id = ?", (new_case,)) == "办公室补的标题"
    field_db.close()


def test_wrong_passphrase_changes_nothing(office_pc, tmp_path):
    _laptop, field_db = _starter(office_pc, tmp_path)
    register(field_db, applicant="赵六")
    out = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_db)
    )
    before = _fingerprint(office_pc)
    with pytest.raises(package.WrongPassphraseError) as info:
        files.apply_sync(office_pc, out.path, passphrase="不对的口令", by=director(office_pc))
    assert "口令" in info.value.message
    assert _fingerprint(office_pc) == before
    field_db.close()


@pytest.mark.parametrize("cut", [1, 100, 2000])
def test_truncated_file_changes_nothing(office_pc, tmp_path, cut):
    _laptop, field_db = _starter(office_pc, tmp_path)
    for n in range(20):
        register(field_db, applicant=f"赵{n}")
    out = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_db)
    )
    data = out.path.read_bytes()
    out.path.write_bytes(data[: max(len(data) - cut, 1)])
    before = _fingerprint(office_pc)
    with pytest.raises(package.SyncFileError) as info:
        files.apply_sync(office_pc, out.path, passphrase=PASS, by=director(office_pc))
    assert "a.mdsync" in info.value.message
    assert _fingerprint(office_pc) == before
    field_db.close()


def test_file_from_another_office_is_refused(office_pc, tmp_path):
    other = dbmod.connect(tmp_path / "other.sqlite3")
    office.setup_office(
        other,
        committee_name="白石镇人民调解委员会",
        abbr="白石",
        town_name="白石镇",
        villages=["东村"],
        user_name="王主任",
        password="qingshan26",
    )
    register_other = files.write_sync(
        other, tmp_path / "b.mdsync", passphrase=PASS, to=None, by=director(other)
    )
    before = _fingerprint(office_pc)
    with pytest.raises(package.OtherOfficeError) as info:
        files.apply_sync(office_pc, register_other.path, passphrase=PASS, by=director(office_pc))
    assert "办公室" in info.value.message
    assert _fingerprint(office_pc) == before
    other.close()


def test_older_file_than_one_applied_is_refused(office_pc, tmp_path):
    _laptop, field_db = _starter(office_pc, tmp_path)
    home = exchange.this_device(field_db.conn).home
    register(field_db, applicant="赵一")
    first = files.write_sync(
        field_db, tmp_path / "1.mdsync", passphrase=PASS, to=home, by=director(field_db)
    )
    register(field_db, applicant="赵二")
    second = files.write_sync(
        field_db, tmp_path / "2.mdsync", passphrase=PASS, to=home, by=director(field_db)
    )
    files.apply_sync(office_pc, second.path, passphrase=PASS, by=director(office_pc))
    assert office_pc.scalar("SELECT count(*) FROM cases") == 5  # both came with the second
    before = _fingerprint(office_pc)
    with pytest.raises(NothingNew) as info:
        files.apply_sync(office_pc, first.path, passphrase=PASS, by=director(office_pc))
    assert "旧" in info.value.message
    with pytest.raises(NothingNew) as info:
        files.apply_sync(office_pc, second.path, passphrase=PASS, by=director(office_pc))
    assert "已经合并过" in info.value.message
    assert _fingerprint(office_pc) == before
    field_db.close()


def test_starter_file_on_a_pc_that_already_has_cases(office_pc, tmp_path):
    path = tmp_path / "l.mdstart"
    files.write_starter(
        office_pc, path, passphrase=PASS, name="笔记本", scope=Scope(), by=user(office_pc)
    )
    busy = tmp_path / "busy.sqlite3"
    shutil.copy(office_pc.path, busy)  # an installation that works already
    # (the copy of a live WAL file may lack recent pages: take a consistent one)
    dbmod.backup_copy(office_pc, busy)
    before = busy.read_bytes()
    with pytest.raises(files.StarterRefused) as info:
        files.open_starter(path, busy, passphrase=PASS)
    assert "已经有3件案件" in info.value.message
    assert busy.read_bytes() == before


def test_disk_full_while_applying_keeps_the_database(office_pc, tmp_path):
    _laptop, field_db = _starter(office_pc, tmp_path)
    for n in range(200):
        register(field_db, applicant=f"赵{n}", facts="很长的事实。" * 50)
    out = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_db)
    )
    office_pc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = office_pc.scalar("PRAGMA page_count")
    office_pc.conn.execute(f"PRAGMA max_page_count = {pages + 5}")  # the disk is full
    before = _fingerprint(office_pc)
    with pytest.raises(DiskFullError) as info:
        files.apply_sync(office_pc, out.path, passphrase=PASS, by=director(office_pc))
    assert "磁盘空间已满" in info.value.message
    assert _fingerprint(office_pc) == before
    office_pc.conn.execute("PRAGMA max_page_count = 1073741823")
    applied = files.apply_sync(
        office_pc, out.path, passphrase=PASS, by=director(office_pc)
    )  # space again: it goes in
    assert applied.new_changes + applied.known_changes == out.changes
    assert applied.cases_touched == 200
    field_db.close()


def test_cancel_while_applying_keeps_the_database(office_pc, tmp_path):
    _laptop, field_db = _starter(office_pc, tmp_path)
    for n in range(300):
        register(field_db, applicant=f"赵{n}")
    out = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_db)
    )
    before = _fingerprint(office_pc)
    seen = []

    def cancel_in_the_merge() -> bool:
        seen.append(1)
        return len(seen) > 3

    with pytest.raises(OperationCancelledError):
        files.apply_sync(
            office_pc,
            out.path,
            passphrase=PASS,
            by=director(office_pc),
            cancelled=cancel_in_the_merge,
        )
    assert _fingerprint(office_pc) == before
    field_db.close()


def test_same_laptop_merged_into_two_office_databases(office_pc, tmp_path):
    _laptop, field_db = _starter(office_pc, tmp_path)
    home = exchange.this_device(field_db.conn).home
    # a second office PC of the same office (its database copied, then given its own identity)
    second = tmp_path / "second.sqlite3"
    dbmod.backup_copy(office_pc, second)
    second_pc = dbmod.connect(second)
    with second_pc.transaction() as conn:
        conn.execute("UPDATE settings SET value = 'another-pc' WHERE key = 'device_id'")
    register(field_db, applicant="赵六")
    out = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_db)
    )
    files.apply_sync(office_pc, out.path, passphrase=PASS, by=director(office_pc))
    before = _fingerprint(second_pc)
    with pytest.raises(SyncRefused) as info:
        files.apply_sync(second_pc, out.path, passphrase=PASS, by=director(second_pc))
    assert "只能合并回那台电脑" in info.value.message and "办公室电脑" in info.value.message
    assert _fingerprint(second_pc) == before
    assert home == exchange.this_device(office_pc.conn).id
    second_pc.close()
    field_db.close()


def test_failed_starter_takes_the_laptop_back_out(office_pc, tmp_path):
    """No laptop registered, and the numbers lent to it are used next by the office."""
    with pytest.raises(OperationCancelledError):
        files.write_starter(
            office_pc,
            tmp_path / "l.mdstart",
            passphrase=PASS,
            name="笔记本",
            scope=Scope(),
            by=user(office_pc),
            cancelled=lambda: True,
        )
    assert not (tmp_path / "l.mdstart").exists()
    assert not list(tmp_path.glob(".starter-*"))
    assert office_pc.scalar("SELECT count(*) FROM devices WHERE role = 'field'") == 0
    assert office_pc.scalar("SELECT count(*) FROM sync_peers") == 0
    assert office_pc.scalar("SELECT count(*) FROM number_blocks WHERE reclaimed = 0") == 0
    first = office_pc.scalar("SELECT id FROM cases ORDER BY seq LIMIT 1")
    number = cases.accept_case(office_pc, first, by=user(office_pc), accepted_on=TODAY, today=TODAY)
    assert number.endswith("第1号")  # the block's first number, back in the pool


def test_a_field_laptop_only_talks_to_its_office(office_pc, tmp_path):
    laptop_a, field_a = _starter(office_pc, tmp_path, "甲的笔记本")
    _laptop_b, field_b = _starter(office_pc, tmp_path, "乙的笔记本")
    register(field_a, applicant="赵六")
    out = files.write_sync(
        field_a, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(field_a)
    )
    with pytest.raises(SyncRefused) as info:
        files.apply_sync(field_b, out.path, passphrase=PASS, by=director(field_b))
    assert "只与准备它的办公室电脑" in info.value.message
    for_a = files.write_sync(
        office_pc,
        tmp_path / "给甲.mdsync",
        passphrase=PASS,
        to=laptop_a.device,
        by=director(office_pc),
    )
    with pytest.raises(SyncRefused) as info:
        files.apply_sync(field_b, for_a.path, passphrase=PASS, by=director(field_b))
    assert "甲的笔记本" in info.value.message
    field_a.close()
    field_b.close()


def test_a_sync_file_is_not_a_starter_file(office_pc, tmp_path):
    out = files.write_sync(
        office_pc, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(office_pc)
    )
    with pytest.raises(package.WrongKindError):
        files.open_starter(out.path, tmp_path / "new.sqlite3", passphrase=PASS)
    assert not (tmp_path / "new.sqlite3").exists()


def test_a_field_laptop_does_not_import_a_ledger(office_pc, tmp_path):
    """台账导入 numbers cases from the office's sequence: only the office PC may do it."""
    from tests.models import ledger_sheets as sheets
    from tests.models.test_ledger_import import plan_for

    _laptop, field_db = _starter(office_pc, tmp_path)
    plan = plan_for(field_db, sheets.messy_xlsx(tmp_path / "m.xlsx"))
    before = _fingerprint(field_db)
    with pytest.raises(DomainError) as info:
        apply(field_db, plan, by=user(field_db), skip_bad_rows=True, skip_duplicates=True)
    assert "外出笔记本不能导入台账" in info.value.message
    assert _fingerprint(field_db) == before
    field_db.close()


def test_a_failed_sync_file_keeps_the_numbers_usable(office_pc, tmp_path):
    """Writing the file closes the laptop's blocks and lends it new ones on the office side; a
    cancelled or failed write takes that back: the laptop keeps its numbers, the office
    uses the numbers it had lent."""
    from app.models.sync import numbers

    laptop, field_db = _starter(office_pc, tmp_path)
    home = exchange.this_device(field_db.conn).home
    committee = office.main_committee(field_db).id
    assert numbers.remaining(field_db, committee, TODAY.year) == 20
    with pytest.raises(OperationCancelledError):
        files.write_sync(
            field_db,
            tmp_path / "x.mdsync",
            passphrase=PASS,
            to=home,
            by=director(field_db),
            cancelled=lambda: True,
        )
    assert not (tmp_path / "x.mdsync").exists()
    assert numbers.remaining(field_db, committee, TODAY.year) == 20  # still the laptop's

    back = files.write_sync(
        field_db, tmp_path / "a.mdsync", passphrase=PASS, to=home, by=director(field_db)
    )
    files.apply_sync(
        office_pc, back.path, passphrase=PASS, by=director(office_pc)
    )  # the laptop's 20 come back
    with pytest.raises(OperationCancelledError):
        files.write_sync(
            office_pc,
            tmp_path / "x.mdsync",
            passphrase=PASS,
            to=laptop.device,
            by=director(office_pc),
            cancelled=lambda: True,
        )
    assert office_pc.scalar("SELECT count(*) FROM number_blocks WHERE reclaimed = 0") == 0
    ok = files.write_sync(
        office_pc, tmp_path / "b.mdsync", passphrase=PASS, to=laptop.device, by=director(office_pc)
    )
    assert ok.new_blocks  # lent again, from numbers no one has
    files.apply_sync(field_db, ok.path, passphrase=PASS, by=director(field_db))
    assert numbers.remaining(field_db, committee, TODAY.year) == 20
    field_db.close()


def test_work_done_in_another_window_during_a_failed_write_stays(office_pc, tmp_path):
    """A case window is not blocked by the 同步 dialog: a 受理 made while the file is being
    written, which then fails, keeps its number and its log, and numbers are never given
    twice afterwards."""
    _laptop, field_db = _starter(office_pc, tmp_path)
    home = exchange.this_device(field_db.conn).home
    case_ids = [register(field_db, applicant=f"赵{n}") for n in range(3)]
    other_window = dbmod.connect(field_db.path)
    accepted: list[str] = []

    def accept_meanwhile_then_fail() -> bool:
        if not accepted:
            accepted.append(
                cases.accept_case(
                    other_window, case_ids[0], by=user(other_window), accepted_on=TODAY, today=TODAY
                )
            )
        return True

    with pytest.raises(OperationCancelledError):
        files.write_sync(
            field_db,
            tmp_path / "x.mdsync",
            passphrase=PASS,
            to=home,
            by=director(field_db),
            cancelled=accept_meanwhile_then_fail,
        )
    other_window.close()
    assert field_db.scalar("SELECT state FROM cases WHERE id = ?", (case_ids[0],)) == "accepted"
    logged = field_db.scalar(
        "SELECT count(*) FROM sync_log WHERE tbl = 'cases' AND row_id = ? AND op = 'u'",
        (case_ids[0],),
    )
    assert logged >= 1  # the 受理 travels
    second = cases.accept_case(
        field_db, case_ids[1], by=user(field_db), accepted_on=TODAY, today=TODAY
    )
    numbers_now = [
        r[0] for r in field_db.query("SELECT number FROM cases WHERE number IS NOT NULL")
    ]
    assert len(numbers_now) == len(set(numbers_now)) and second in numbers_now
    field_db.close()
