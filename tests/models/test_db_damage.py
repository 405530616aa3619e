"""Opening a file: a damaged file, a file that is not ours, a read-only or full disk, a
network share (docs/storage-safety.md). Real files, real damage: a page in the middle of a
database the services wrote is overwritten."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from app.models import casefile, schema
from app.models import db as dbmod
from app.models.db import (
    DamagedDatabaseError,
    DatabaseReadOnlyError,
    DiskFullError,
    EmptyDatabaseFileError,
    MissingDatabaseError,
    NotADatabaseError,
    StorageError,
)
from tests.helpers import edit_details
from tests.models.damage import (
    build_office_file,
    companions,
    damage_middle_of,
    digest,
    foreign_database,
    open_case_count,
)
from tests.models.helpers import register, user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _forget_damaged_files():
    """What one test taught the process about a file must not leak into the next."""
    yield
    with dbmod._session_lock:
        dbmod._damaged_files.clear()
        dbmod._read_only_files.clear()


@pytest.fixture(scope="module")
def office_file(tmp_path_factory) -> tuple[Path, list[str]]:
    """A closed database with the office and 60 cases (built once; tests copy it)."""
    path = tmp_path_factory.mktemp("office") / "office.sqlite3"
    ids = build_office_file(path)
    return path, ids


def copy_of(source: Path, folder: Path, name: str = "mediation.sqlite3") -> Path:
    target = folder / name
    target.write_bytes(source.read_bytes())
    return target


# ---- a damaged page ---------------------------------------------------------------------


def test_a_damaged_page_in_the_middle_is_found_at_opening_and_nothing_is_written(
    office_file, tmp_path
):
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "cases")
    before = digest(path)
    with pytest.raises(DamagedDatabaseError) as info:
        dbmod.connect(path)
    error = info.value
    assert error.offer_restore
    assert error.problems  # what quick_check said, for the log and support
    assert "已损坏" in error.message and "从备份恢复" in error.message
    assert str(path) in error.message
    assert digest(path) == before  # not one byte written: no WAL switch, no migration
    assert companions(path) == [] or all(
        (tmp_path / name).stat().st_size == 0 or name.endswith("-shm") for name in companions(path)
    )


def test_a_damaged_file_can_be_viewed_read_only_and_every_write_is_refused(office_file, tmp_path):
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "case_events")
    with pytest.raises(DamagedDatabaseError):
        dbmod.connect(path)
    viewer = dbmod.connect(path, read_only=True, check=False)
    try:
        assert viewer.read_only
        assert open_case_count(viewer) == 60  # the cases table is whole: it can be read
        with pytest.raises(DamagedDatabaseError) as info:
            register(viewer, applicant="王五")
        assert "不能修改" in info.value.message and "从备份恢复" in info.value.message
    finally:
        viewer.close()
    # A worker's connection (migrate=False) later in the same run refuses writes too.
    worker = dbmod.connect(path, migrate=False)
    try:
        with pytest.raises(DamagedDatabaseError), worker.transaction() as conn:
            conn.execute("UPDATE settings SET value = value")
    finally:
        worker.close()


def test_reading_a_case_on_a_damaged_page_is_the_damaged_message_not_a_crash(office_file, tmp_path):
    """The quick_check did not run (or not finish): the damage is met by a read. Every
    case is opened; those on the damaged pages give DamagedDatabaseError, never a raw
    sqlite3 error (which would reach the crash dialog)."""
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "case_events")
    db = dbmod.connect(path, check=False)
    try:
        damaged = 0
        for case_id in office_file[1]:
            try:
                casefile.load_case(db, case_id)
            except DamagedDatabaseError as exc:
                damaged += 1
                assert "已损坏" in exc.message and "没有读出来" in exc.message
        assert damaged > 0
        # From then on the file is not written in this run.
        assert db.integrity == "damaged"
        with pytest.raises(DamagedDatabaseError):
            register(db, applicant="王五")
    finally:
        db.close()


def test_a_write_that_meets_the_damage_is_refused_and_the_next_ones_too(office_file, tmp_path):
    """Editing every case in turn: the edit of a case on the damaged page fails with the
    damaged message; after it, even a registration (which would not touch that page) is
    refused."""
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "cases")
    db = dbmod.connect(path, check=False)
    try:
        with pytest.raises(DamagedDatabaseError) as info:
            for case_id in office_file[1]:
                edit_details(db, case_id, by=user(db), facts="改过的纠纷简要情况。")
        assert "已损坏" in info.value.message
        with pytest.raises(DamagedDatabaseError) as refused:
            register(db, applicant="赵六")
        assert "不能修改" in refused.value.message
    finally:
        db.close()


def test_a_sound_file_is_checked_at_opening(office_file, tmp_path):
    path = copy_of(office_file[0], tmp_path)
    db = dbmod.connect(path)
    try:
        assert db.integrity == "ok"
        assert not db.read_only
    finally:
        db.close()


def test_the_check_has_a_time_budget(tmp_path):
    """A file too large to check within the budget is opened unchecked (the rest is
    checked in the background and by the daily backup), not held up."""
    path = tmp_path / "large.sqlite3"
    db = dbmod.connect(path)
    with db.transaction() as conn:
        conn.execute("CREATE TABLE ballast (b BLOB)")
        # 80 MB: far more than 1 ms of checking. On a busy machine the budget's timer thread
        # may start only after the check ended: that late, clean answer counts as over budget.
        conn.executemany(
            "INSERT INTO ballast VALUES (randomblob(4000))", [() for _ in range(20_000)]
        )
    assert dbmod.integrity_problems(db.conn, budget_ms=1) is None  # 80 MB in 1 ms: no
    assert dbmod.integrity_problems(db.conn) == []  # without a budget: sound
    db.close()


def test_a_file_too_large_to_check_at_opening_is_left_to_the_background(
    office_file, tmp_path, monkeypatch
):
    """Above QUICK_CHECK_AT_OPEN_BYTES the opening does not spend its budget: the file is
    opened unchecked (app/ui/storage_status.py checks it once the window shows)."""
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "case_events")
    monkeypatch.setattr(dbmod, "QUICK_CHECK_AT_OPEN_BYTES", path.stat().st_size - 1)
    db = dbmod.connect(path)
    try:
        assert db.integrity == "unchecked"
        assert dbmod.integrity_problems(db.conn)  # what the background check will find
    finally:
        db.close()


def test_integrity_problems_names_the_damage(office_file, tmp_path):
    path = copy_of(office_file[0], tmp_path)
    damage_middle_of(path, "parties")
    conn = sqlite3.connect(path)
    try:
        problems = dbmod.integrity_problems(conn, full=True)
    finally:
        conn.close()
    assert problems and all(isinstance(p, str) for p in problems)


# ---- files that are not ours ----------------------------------------------------------


def test_a_zero_byte_file_is_refused_not_made_into_a_database(tmp_path):
    path = tmp_path / "mediation.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabaseFileError) as info:
        dbmod.connect(path)
    assert "0 字节" in info.value.message and "不会把它当作新数据库" in info.value.message
    assert info.value.offer_restore
    assert path.stat().st_size == 0
    assert companions(path) == []


def test_a_zero_byte_backup_is_refused_as_a_backup(tmp_path):
    path = tmp_path / "mediation.sqlite3.v6.bak"
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabaseFileError) as info:
        dbmod.connect(path)
    assert "空的备份文件" in info.value.message and "其他备份" in info.value.message
    assert path.stat().st_size == 0


@pytest.mark.parametrize(
    "content",
    [
        "案件编号,申请人\n（2026）青山调字第1号,张三\n".encode("gbk"),
        b"%PDF-1.7\n" + b"\x00" * 500,
        b"PK\x03\x04" + b"\x00" * 500,  # an xlsx
    ],
    ids=["csv", "pdf", "xlsx"],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, content):
    path = tmp_path / "mediation.sqlite3"
    path.write_bytes(content)
    with pytest.raises(NotADatabaseError) as info:
        dbmod.connect(path)
    assert "不是本程序的数据库" in info.value.message and "没有改动" in info.value.message
    assert not info.value.offer_restore
    assert path.read_bytes() == content
    assert companions(path) == []


def test_another_programs_database_is_refused_before_the_wal_switch(tmp_path):
    path = tmp_path / "photos.db"
    foreign_database(path)
    before = digest(path)
    with pytest.raises(NotADatabaseError) as info:
        dbmod.connect(path)
    assert "其他程序的 SQLite 数据库" in info.value.message
    assert "albums" in info.value.message and "photos" in info.value.message
    assert digest(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # never switched
    assert (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cases'").fetchone()[0] == 0
    )
    conn.close()


def test_a_table_less_database_is_refused(tmp_path):
    path = tmp_path / "empty.sqlite3"
    foreign_database(path, tables={})
    before = digest(path)
    with pytest.raises(NotADatabaseError) as info:
        dbmod.connect(path)
    assert "空的 SQLite 数据库" in info.value.message
    assert "还不存在的文件名" in info.value.message
    assert digest(path) == before


def test_a_database_with_some_of_our_tables_only_is_not_ours(tmp_path):
    path = tmp_path / "half.sqlite3"
    foreign_database(path, tables={"cases": "id", "settings": "key, value"})
    with pytest.raises(NotADatabaseError):
        dbmod.connect(path)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "mediation.sqlite3"
    folder.mkdir()
    with pytest.raises(NotADatabaseError) as info:
        dbmod.connect(folder)
    assert "文件夹" in info.value.message


def test_only_a_missing_path_makes_a_new_database_and_nothing_half_made_is_left(tmp_path):
    path = tmp_path / "new" / "mediation.sqlite3"
    db = dbmod.connect(path)
    try:
        assert db.user_version == schema.LATEST
        assert db.scalar("PRAGMA journal_mode") == "wal"
    finally:
        db.close()
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert leftovers == []


def test_a_worker_never_makes_a_missing_file(tmp_path):
    """A USB stick pulled out while the program runs: the worker's connection must not
    leave a new empty database where the real one was."""
    path = tmp_path / "gone.sqlite3"
    with pytest.raises(MissingDatabaseError) as info:
        dbmod.connect(path, migrate=False)
    assert "找不到数据库文件" in info.value.message and "U盘" in info.value.message
    assert not path.exists()


def test_a_stale_half_made_creation_is_cleared_a_fresh_one_kept(tmp_path):
    path = tmp_path / "mediation.sqlite3"
    stale = tmp_path / ".mediation.sqlite3.123-abcd.new"
    fresh = tmp_path / ".mediation.sqlite3.456-ef01.new"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"half")
    old = time.time() - 2 * dbmod.STALE_CREATION_S
    os.utime(stale, (old, old))
    dbmod.connect(path).close()
    assert not stale.exists()
    assert fresh.exists()  # may be another copy of the program creating right now


def test_several_openings_at_once_on_a_new_path_share_one_database(tmp_path):
    """Two starts at the same moment: each builds a database beside the path, one is
    linked into place, the others use it. None fails, none overwrites."""
    path = tmp_path / "mediation.sqlite3"
    errors: list[BaseException] = []
    versions: list[int] = []
    barrier = threading.Barrier(4)

    def open_it() -> None:
        try:
            barrier.wait()
            db = dbmod.connect(path)
            versions.append(db.user_version)
            db.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert versions == [schema.LATEST] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mediation.sqlite3"]


def test_a_newer_file_is_refused_before_the_wal_switch(tmp_path, office_file):
    path = copy_of(office_file[0], tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    conn.close()
    before = digest(path)
    with pytest.raises(dbmod.NewerSchemaError):
        dbmod.connect(path)
    assert digest(path) == before


# ---- read-only files and media, a full disk --------------------------------------------

_READ_ONLY_PROBE = """
import json, sys
from app.models import db as dbmod
from app.models.db import StorageError
from tests.models.helpers import register, user

out = {}
try:
    db = dbmod.connect(sys.argv[1])
except StorageError as exc:
    out["refused"] = [type(exc).__name__, exc.message]
else:
    out["read_only"] = db.read_only
    out["reason"] = db.read_only_reason
    out["cases"] = db.scalar("SELECT count(*) FROM cases")
    try:
        register(db, applicant="王五")
    except StorageError as exc:
        out["write"] = [type(exc).__name__, exc.message]
    db.close()
print(json.dumps(out, ensure_ascii=False))
"""


def run_as_a_plain_user(path: Path) -> dict[str, Any]:
    """Open ``path`` in a child process as a user without rights over it (root ignores
    file permissions: the child then runs as nobody)."""
    import json

    command = [sys.executable, "-c", _READ_ONLY_PROBE, str(path)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "MEDIATION_DESK_HOME": str(path.parent)}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


@pytest.fixture
def shared_folder(tmp_path):
    """A folder a plain user can reach (pytest's tmp_path is 0700)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="mediation-desk-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in folder.iterdir():
        p.chmod(0o644)
        p.unlink()
    folder.chmod(0o755)
    folder.rmdir()


needs_permissions = pytest.mark.skipif(
    sys.platform == "win32" or (os.geteuid() == 0 and not Path("/usr/bin/setpriv").exists()),
    reason="file permissions as a plain user",
)


@needs_permissions
def test_a_read_only_file_opens_read_only_and_refuses_edits(office_file, shared_folder):
    path = copy_of(office_file[0], shared_folder)
    path.chmod(0o444)
    shared_folder.chmod(0o777)  # the folder may be written: -shm can be made
    out = run_as_a_plain_user(path)
    assert out["read_only"] is True
    assert "只读" in str(out["reason"]) and "查看" in str(out["reason"])
    assert out["cases"] == 60
    kind, message = out["write"]
    assert kind == "DatabaseReadOnlyError"
    assert "只读" in message and "没有保存" in message


@needs_permissions
def test_a_file_on_a_read_only_medium_opens_read_only(office_file, shared_folder):
    """No -shm can be made beside it (a write-protected stick or a CD): opened
    immutable, the data shown, edits refused."""
    path = copy_of(office_file[0], shared_folder)
    path.chmod(0o444)
    shared_folder.chmod(0o555)
    out = run_as_a_plain_user(path)
    shared_folder.chmod(0o755)
    assert out["read_only"] is True, out
    assert out["cases"] == 60
    assert out["write"][0] == "DatabaseReadOnlyError"


@needs_permissions
def test_an_old_file_that_cannot_be_written_is_refused_with_why(shared_folder):
    import shutil

    path = shared_folder / "old.sqlite3"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema_v6.sqlite3", path)
    path.chmod(0o444)
    shared_folder.chmod(0o777)
    out = run_as_a_plain_user(path)
    kind, message = out["refused"]
    assert kind == "DatabaseReadOnlyError"
    assert "旧版本" in message and "升级" in message and "复制到电脑硬盘" in message


def test_a_full_disk_at_start_opens_read_only_with_its_own_message(
    office_file, tmp_path, monkeypatch
):
    """Less free space than a save may need: the real free space of tmp_path's disk is
    read; the threshold is set above it."""
    import shutil

    path = copy_of(office_file[0], tmp_path)
    free = shutil.disk_usage(tmp_path).free
    monkeypatch.setattr(dbmod, "MIN_FREE_BYTES", free + 10**12)
    db = dbmod.connect(path)
    try:
        assert db.read_only
        assert "磁盘已满" in db.read_only_reason and "腾出空间" in db.read_only_reason
        assert open_case_count(db) == 60
        with pytest.raises(DatabaseReadOnlyError) as info:
            register(db, applicant="王五")
        assert "磁盘已满" in info.value.message
    finally:
        db.close()
    # A worker's connection in the same run is read-only too, even once space is back.
    monkeypatch.setattr(dbmod, "MIN_FREE_BYTES", 0)
    worker = dbmod.connect(path, migrate=False)
    assert worker.read_only
    worker.close()


def test_a_full_disk_does_not_make_a_new_database(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(dbmod, "MIN_FREE_BYTES", shutil.disk_usage(tmp_path).free + 10**12)
    path = tmp_path / "mediation.sqlite3"
    with pytest.raises(DiskFullError) as info:
        dbmod.connect(path)
    assert "磁盘已满" in info.value.message and "无法新建" in info.value.message
    assert list(tmp_path.iterdir()) == []


# ---- network shares ---------------------------------------------------------------------

MOUNTS = textwrap.dedent(
    """\
    /dev/sda1 / ext4 rw,relatime 0 0
    proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
    //nas/调解 /mnt/office cifs rw,relatime,vers=3.0 0 0
    nas:/export /mnt/office/nfs nfs4 rw,relatime 0 0
    /dev/sdb1 /mnt/office/usb vfat rw,relatime 0 0
    /dev/sdc1 /media/with\\040space ext4 rw 0 0
    nas:/x /media/with\\040space/share nfs rw 0 0
    """
)


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        ("/home/li/mediation.sqlite3", None),
        ("/mnt/office/mediation.sqlite3", "cifs"),
        ("/mnt/office/nfs/mediation.sqlite3", "nfs4"),
        ("/mnt/office/usb/mediation.sqlite3", None),  # the longest mount point wins
        ("/mnt/officex/mediation.sqlite3", None),  # a prefix of the name is not a folder
        ("/media/with space/mediation.sqlite3", None),
        ("/media/with space/share/mediation.sqlite3", "nfs"),
    ],
)
@pytest.mark.skipif(sys.platform == "win32", reason="/proc/mounts")
def test_a_network_share_is_told_from_the_mount_table(where, kind):
    assert dbmod.network_filesystem(Path(where), mounts=MOUNTS) == kind


def test_a_local_database_has_no_network_notice(database):
    assert database.notices == []
    assert dbmod.network_filesystem(database.path) is None


def test_the_network_notice_says_to_use_sync():
    text = dbmod.network_share_message(Path("/mnt/office/mediation.sqlite3"), "cifs")
    assert "网络共享" in text and "同步" in text and "本机硬盘" in text


def test_storage_errors_offer_restore_only_where_it_helps():
    assert DamagedDatabaseError("x").offer_restore
    assert EmptyDatabaseFileError("x").offer_restore
    assert not NotADatabaseError("x").offer_restore
    assert not StorageError("x").offer_restore
    assert not DiskFullError("x").offer_restore


# ---- the check itself must never call a sound file damaged -----------------------------


def test_sqlite_misreading_a_without_rowid_table_is_not_damage(tmp_path):
    """SQLite 3.40 reports "NULL value in t.c" for a sound WITHOUT ROWID row when a key
    column is declared after c (a v7 file's sync_conflicts had that shape): such a line
    is dropped when the table holds no NULL there, kept when it does."""
    conn = sqlite3.connect(tmp_path / "x.sqlite3")
    conn.executescript(
        """
        CREATE TABLE conflicts (
            tbl TEXT NOT NULL, row_id TEXT NOT NULL, kept_device TEXT NOT NULL,
            lost_device TEXT NOT NULL, PRIMARY KEY (tbl, row_id, lost_device)
        ) WITHOUT ROWID;
        INSERT INTO conflicts VALUES ('cases', 'r1', 'office', 'laptop');
        """
    )
    raw = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if raw == ["ok"]:
        pytest.skip("this SQLite reads the table right")  # a later SQLite: nothing to drop
    assert dbmod.integrity_problems(conn) == []
    conn.close()


def test_every_without_rowid_table_declares_its_key_first(database):
    """The shape SQLite 3.40's check misreads never comes back into the schema."""
    tables = [
        r[0]
        for r in database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'"
        )
    ]
    assert "settings" in tables
    for table in tables:
        columns = database.query(f"PRAGMA table_info({table})")
        key = sorted(c["cid"] for c in columns if c["pk"])
        assert key == list(range(len(key))), f"{table}: key columns after other columns"
