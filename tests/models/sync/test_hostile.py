"""Sync files that check out cryptographically but say wrong things, and two installations
writing as one: refused with a message, the database unchanged."""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import pytest

from app.models import db as dbmod
from app.models.errors import DomainError
from app.models.sync import exchange, field, validate
from app.models.sync.exchange import Bundle, SyncRefused
from app.models.sync.merge import Change
from app.models.sync.scope import Scope
from tests.models.helpers import register, user


@pytest.fixture
def pair(office_db, tmp_path):
    exchange.set_device_name(office_db, "办公室电脑", by=user(office_db))
    register(office_db)
    laptop = field.prepare_field_copy(
        office_db, tmp_path / "l.sqlite3", name="周玉梅的笔记本", scope=Scope(), by=user(office_db)
    )
    field_db = dbmod.connect(tmp_path / "l.sqlite3")
    yield office_db, field_db, laptop
    field_db.close()


def _fingerprint(database) -> str:
    digest = hashlib.sha256()
    for (table,) in database.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'case_search%' "
        "ORDER BY name"
    ):
        for row in database.query(f"SELECT * FROM {table} ORDER BY 1"):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _laptop_bundle(field_db) -> Bundle:
    register(field_db, applicant="赵六")
    home = exchange.this_device(field_db.conn).home
    return exchange.make_bundle(field_db, to=home)


def _with_record(bundle: Bundle, i: int, **changes) -> Bundle:
    records = [c.record() for c in bundle.changes]
    records[i] = {**records[i], **changes}
    return Bundle(copy.deepcopy(bundle.manifest), [Change.from_record(r) for r in records])


@pytest.mark.parametrize(
    "changes",
    [
        {"v": {"id": None, "name": ["a", "list"]}},  # a value of a type no column holds
        {"s": 10**30},  # a change number beyond any integer SQLite keeps
        {"t": "sqlite_master"},  # a table that does not travel
        {"v": {"name); DROP TABLE cases; --": "x"}},  # a column name that is SQL
        {"r": "another-row"},  # a record whose key is not its row's
        {"a": "x" * 10_000},  # a moment that is a novel
    ],
)
def test_a_hostile_record_is_refused_and_nothing_changes(pair, changes):
    office_db, field_db, _laptop = pair
    bundle = _laptop_bundle(field_db)
    bad = _with_record(bundle, 0, **changes)
    before = _fingerprint(office_db)
    with pytest.raises(DomainError) as info:
        exchange.apply_bundle(office_db, bad)
    assert "没有合并" in info.value.message
    assert _fingerprint(office_db) == before
    exchange.apply_bundle(office_db, bundle)  # the real file still goes in
    assert office_db.scalar("SELECT count(*) FROM cases WHERE parties_text LIKE '赵六%'") == 1


@pytest.mark.parametrize(
    "manifest",
    [
        {"file_no": "三"},
        {"claims": {"x": "everything"}},
        {"epochs": [["device", 0, {}]]},
        {"held": {"device": 10**30}},
        {"from": None},
    ],
)
def test_a_hostile_manifest_is_refused_and_nothing_changes(pair, manifest):
    office_db, field_db, _laptop = pair
    bundle = _laptop_bundle(field_db)
    bad = Bundle({**bundle.manifest, **manifest}, bundle.changes)
    before = _fingerprint(office_db)
    with pytest.raises(DomainError):
        exchange.apply_bundle(office_db, bad)
    assert _fingerprint(office_db) == before


def test_an_inflated_claim_does_not_stop_the_office_sending(pair):
    """A laptop that claims to hold a million office changes still gets the office's news."""
    office_db, field_db, laptop = pair
    bundle = _laptop_bundle(field_db)
    office_device = exchange.this_device(office_db.conn).id
    lying = Bundle(
        {**bundle.manifest, "held": {**bundle.manifest["held"], office_device: 1_000_000}},
        bundle.changes,
    )
    exchange.apply_bundle(office_db, lying)
    case_id = register(office_db, applicant="钱七")
    back = exchange.make_bundle(office_db, to=laptop.device)
    assert any(c.row_id == case_id for c in back.changes)


def test_one_starter_on_two_laptops_is_caught_at_the_second(pair, tmp_path):
    """Both laptops write as the same device: the second one's changes carry numbers the
    office already holds with other content; merging them would drop them silently."""
    office_db, field_db, _laptop = pair
    twin_path = tmp_path / "twin.sqlite3"
    field_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(field_db.path, twin_path)  # the same starter opened on a second laptop
    twin = dbmod.connect(twin_path)
    exchange.apply_bundle(office_db, _laptop_bundle(field_db))
    register(twin, applicant="孙八", respondent="周九")
    second = exchange.make_bundle(twin, to=exchange.this_device(twin.conn).home)
    before = _fingerprint(office_db)
    with pytest.raises(DomainError) as info:
        exchange.apply_bundle(office_db, second)
    assert "同一个身份" in info.value.message or "同一个外出准备文件" in info.value.message
    assert validate.SAME_IDENTITY_ADVICE in info.value.message  # what to do, in plain words
    assert "docs/" not in info.value.message
    assert "从备份恢复" not in info.value.message  # (messages.RESTORE_PHRASE): no 打开备份与恢复…
    assert _fingerprint(office_db) == before
    twin.close()


def test_an_office_restored_from_an_old_copy_is_caught_by_the_laptop(pair, tmp_path):
    office_db, field_db, laptop = pair
    old_copy = tmp_path / "old-office.sqlite3"
    dbmod.backup_copy(office_db, old_copy)
    register(office_db, applicant="吴十")
    files_for_laptop = exchange.make_bundle(office_db, to=laptop.device)
    exchange.apply_bundle(field_db, files_for_laptop)
    restored = dbmod.connect(old_copy)  # the office went back to its old copy
    stale = exchange.make_bundle(restored, to=laptop.device)
    before = _fingerprint(field_db)
    with pytest.raises(SyncRefused) as info:
        exchange.apply_bundle(field_db, stale)
    assert "恢复过备份" in info.value.message  # the other computer's backup
    assert validate.SAME_IDENTITY_ADVICE in info.value.message
    # not this computer's 备份与恢复: the message offers no button that opens it
    assert "从备份恢复" not in info.value.message  # messages.RESTORE_PHRASE
    assert "docs/" not in info.value.message
    assert _fingerprint(field_db) == before
    restored.close()


def _starter_with(office_db, tmp_path, change_copy) -> tuple[Path, Path]:
    """A starter file whose database ``change_copy`` altered (as another program might)."""
    import sqlite3

    from app.models.sync import package

    copy_path = tmp_path / "copy.sqlite3"
    field.prepare_field_copy(
        office_db, copy_path, name="改过的笔记本", scope=Scope(), by=user(office_db)
    )
    raw = sqlite3.connect(copy_path)
    change_copy(raw)
    raw.commit()
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    office_id = office_db.scalar("SELECT value FROM settings WHERE key = 'office_id'")
    path = tmp_path / "x.mdstart"
    package.write_starter_file(
        path, passphrase="口令123456", office_id=office_id, manifest={}, database_path=copy_path
    )
    return path, tmp_path / "new-laptop.sqlite3"


@pytest.mark.parametrize(
    ("change_copy", "words"),
    [
        (lambda raw: raw.execute("PRAGMA user_version = 99"), "更新版本"),
        (lambda raw: raw.execute("DELETE FROM sync_state WHERE key = 'home'"), "不是办公室电脑"),
        (
            lambda raw: raw.execute("UPDATE settings SET value = 'x' WHERE key = 'office_id'"),
            "不是",
        ),
        (lambda raw: raw.execute("DROP TABLE devices"), "不是办公室电脑"),
    ],
)
def test_a_starter_database_is_checked_before_it_replaces_anything(
    pair, tmp_path, monkeypatch, change_copy, words
):
    from app.models.sync import files, package

    monkeypatch.setattr(package, "SCRYPT_N", 2**10)
    office_db, _field_db, _laptop = pair
    path, target = _starter_with(office_db, tmp_path, change_copy)
    with pytest.raises(DomainError) as info:
        files.open_starter(path, target, passphrase="口令123456")
    assert words in info.value.message
    assert not target.exists()
    assert [p.name for p in tmp_path.glob(".new-laptop*")] == []


def test_a_village_laptop_does_not_inherit_the_office_conflicts_of_other_villages(
    office_db, tmp_path
):
    from app.models import office
    from app.models.sync import conflicts

    exchange.set_device_name(office_db, "办公室电脑", by=user(office_db))
    case_id = register(office_db)  # 红旗村
    full = field.prepare_field_copy(
        office_db, tmp_path / "a.sqlite3", name="甲", scope=Scope(), by=user(office_db)
    )
    laptop = dbmod.connect(tmp_path / "a.sqlite3")
    for database, title in ((office_db, "办公室的标题"), (laptop, "笔记本的标题")):
        with database.transaction() as conn:
            conn.execute("UPDATE cases SET title = ? WHERE id = ?", (title, case_id))
    exchange.apply_bundle(
        office_db, exchange.make_bundle(laptop, to=exchange.this_device(laptop.conn).home)
    )
    assert office_db.scalar("SELECT count(*) FROM sync_conflicts") == 1
    laptop.close()
    del full
    village = next(v.id for v in office.villages(office_db) if v.name == "桃园村")
    field.prepare_field_copy(
        office_db,
        tmp_path / "b.sqlite3",
        name="乙",
        scope=Scope(villages=(village,)),
        by=user(office_db),
    )
    other = dbmod.connect(tmp_path / "b.sqlite3")
    assert other.scalar("SELECT count(*) FROM sync_conflicts") == 0
    assert conflicts.list_conflicts(other) == []
    other.close()


def test_a_ledger_number_inside_a_block_lent_to_a_laptop_is_not_imported(pair, tmp_path):
    """The laptop may already have given （2026）青山调字第1号 to a case in the village."""
    from app.models.ledger_import import apply
    from tests.models import ledger_sheets as sheets
    from tests.models.test_ledger_import import plan_for

    office_db, _field_db, _laptop = pair
    path = sheets.simple_xlsx(
        tmp_path / "t.xlsx",
        sheets.LEDGER_HEADER,
        [
            sheets.ledger_row(
                f"（2026）青山调字第{n}号",
                registered="2026-03-0" + str(n),
                accepted="2026-03-0" + str(n),
                applicant=f"钱{n}",
            )
            for n in (1, 2)
        ]
        + [
            sheets.ledger_row(
                "（2026）青山调字第30号",
                registered="2026-03-05",
                accepted="2026-03-05",
                applicant="钱三十",
            )
        ],
    )
    plan = plan_for(office_db, path)
    lent = [c for c in plan.cases if c.duplicate is not None]
    assert [c.number for c in lent] == ["（2026）青山调字第1号", "（2026）青山调字第2号"]
    assert all(
        c.duplicate is not None and "借给外出笔记本“周玉梅的笔记本”" in c.duplicate.reason
        for c in lent
    )
    result = apply(office_db, plan, by=user(office_db), skip_bad_rows=True, skip_duplicates=True)
    assert result.imported == 1
