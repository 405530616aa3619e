"""Backups and restore (app/models/backup.py, docs/backup.md) on real database files:
which backups the rota keeps, copies taken while another connection writes, the second
folder, restoring (and refusing to restore) files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.models import accounts, backup, schema
from app.models import db as dbmod
from app.models.backup import Dated, Kind
from app.models.db import Database
from app.models.errors import PermissionDeniedError
from tests.helpers import PASSWORD, director
from tests.models.damage import build_office_file, damage_middle_of, digest, foreign_database
from tests.models.helpers import register

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2026, 12, 6, 8, 30)


# --------------------------------------------------------------------------- helpers


def dated(when: datetime, kind: Kind = Kind.DAILY, n: int = 1) -> Dated:
    return Dated(when, kind, backup.file_name(when, kind, n), n)


def kept_days(backups: list[Dated], now: datetime, **policy: int) -> list[str]:
    """The kept backups as "YYYY-MM-DD HH:MM 种类", newest first."""
    names = backup.choose_kept(backups, now, backup.Policy(**policy))
    kept = [b for b in backups if b.name in names]
    kept.sort(key=lambda b: b.order, reverse=True)
    return [f"{b.when:%Y-%m-%d %H:%M} {b.kind.value}" for b in kept]


def every_day(first: date, last: date, hour: int = 17) -> list[Dated]:
    days = (last - first).days + 1
    return [
        dated(datetime.combine(first + timedelta(d), datetime.min.time()).replace(hour=hour))
        for d in range(days)
    ]


def office_file(tmp_path: Path, cases: int = 5) -> Path:
    path = tmp_path / "data" / "mediation.sqlite3"
    path.parent.mkdir()
    build_office_file(path, cases=cases)
    return path


def case_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def backups_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _day_of(name: str) -> int:
    """The day of the month a backup's file name says it was made."""
    dated = backup.parse_name(name)
    assert dated is not None, name
    return dated.when.day


# --------------------------------------------------------------------------- names


def test_a_backup_name_says_its_date_time_and_kind() -> None:
    name = backup.file_name(NOW, Kind.DAILY)
    assert name == "调解工作台备份-2026-12-06-0830-每日.sqlite3"
    assert backup.parse_name(name) == Dated(NOW, Kind.DAILY, name, 1)
    second = backup.file_name(NOW, Kind.IMPORT, 2)
    assert second == "调解工作台备份-2026-12-06-0830-导入前-2.sqlite3"
    assert backup.parse_name(second) == Dated(NOW, Kind.IMPORT, second, 2)


@pytest.mark.parametrize(
    "name",
    [
        "mediation.sqlite3",
        "调解工作台备份-2026-12-06-0830-每日.sqlite3.part",
        ".调解工作台备份-2026-12-06-0830-每日.sqlite3.part",
        "调解工作台备份-2026-02-30-0830-每日.sqlite3",  # no such day
        "调解工作台备份-2026-12-06-0830-每周.sqlite3",  # no such kind
        "调解工作台备份-2026-12-06-0830-每日 (1).sqlite3",  # a copy Explorer made
    ],
)
def test_other_files_are_not_taken_for_backups(name: str) -> None:
    assert backup.parse_name(name) is None


# --------------------------------------------------------------------------- the rota


def test_a_backup_every_day_keeps_7_days_4_weeks_12_months() -> None:
    backups = every_day(date(2025, 1, 1), date(2026, 12, 6))  # Sunday 2026-12-06
    kept = kept_days(backups, NOW.replace(hour=18))
    assert kept == [
        # the last 7 days
        "2026-12-06 17:00 每日",
        "2026-12-05 17:00 每日",
        "2026-12-04 17:00 每日",
        "2026-12-03 17:00 每日",
        "2026-12-02 17:00 每日",
        "2026-12-01 17:00 每日",
        "2026-11-30 17:00 每日",
        # the last of each of the last 4 ISO weeks (the week of 12-06 is one of them)
        "2026-11-29 17:00 每日",
        "2026-11-22 17:00 每日",
        "2026-11-15 17:00 每日",
        # the last of each of the last 12 months (December's is 12-06, November's 11-30)
        "2026-10-31 17:00 每日",
        "2026-09-30 17:00 每日",
        "2026-08-31 17:00 每日",
        "2026-07-31 17:00 每日",
        "2026-06-30 17:00 每日",
        "2026-05-31 17:00 每日",
        "2026-04-30 17:00 每日",
        "2026-03-31 17:00 每日",
        "2026-02-28 17:00 每日",
        "2026-01-31 17:00 每日",
    ]


def test_the_year_end_counts_one_iso_week_and_two_months() -> None:
    # 2026-12-31 is a Thursday: Mon 12-28 … Sun 2027-01-03 are ISO week 53 of 2026.
    backups = every_day(date(2026, 12, 1), date(2027, 1, 12))  # Tuesday 2027-01-12
    kept = kept_days(backups, datetime(2027, 1, 12, 18), daily=3, weekly=3, monthly=3)
    assert kept == [
        "2027-01-12 17:00 每日",  # daily; also the last of week 2027-W02 and of January
        "2027-01-11 17:00 每日",
        "2027-01-10 17:00 每日",  # daily; also the last of week 2027-W01
        "2027-01-03 17:00 每日",  # the last of week 2026-W53, across the new year
        "2026-12-31 17:00 每日",  # the last of December
    ]


def test_month_ends_of_every_length_and_a_leap_day() -> None:
    # One backup on each of the last two days of every month of 2028 (a leap year).
    backups: list[Dated] = []
    for month in range(1, 13):
        first_of_next = date(2028 + month // 12, month % 12 + 1, 1)
        for back in (2, 1):
            day = first_of_next - timedelta(days=back)
            backups.append(dated(datetime(day.year, day.month, day.day, 9)))
    kept = kept_days(backups, datetime(2029, 1, 1, 9), daily=1, weekly=0, monthly=12)
    assert [k[:10] for k in kept] == [
        "2028-12-31",
        "2028-11-30",
        "2028-10-31",
        "2028-09-30",
        "2028-08-31",
        "2028-07-31",
        "2028-06-30",
        "2028-05-31",
        "2028-04-30",
        "2028-03-31",
        "2028-02-29",
        "2028-01-31",
    ]


def test_days_without_backups_do_not_use_up_the_daily_ones() -> None:
    # The office was closed for the Spring Festival: a backup on 6 days in 5 weeks.
    days = [
        date(2027, 1, 25),
        date(2027, 1, 26),
        date(2027, 2, 1),
        date(2027, 2, 2),
        date(2027, 2, 22),
        date(2027, 2, 23),
    ]
    backups = [dated(datetime(d.year, d.month, d.day, 17)) for d in days]
    kept = kept_days(backups, datetime(2027, 2, 23, 18), weekly=0, monthly=0)
    assert [k[:10] for k in kept] == [d.isoformat() for d in reversed(days)]  # all six


def test_of_several_backups_a_day_the_last_is_the_days_and_recent_event_ones_stay() -> None:
    day = datetime(2026, 12, 4)
    backups = [
        dated(day.replace(hour=8), Kind.DAILY),
        dated(day.replace(hour=10), Kind.IMPORT),
        dated(day.replace(hour=10), Kind.IMPORT, 2),
        dated(day.replace(hour=15), Kind.SYNC),
        dated(day.replace(hour=17, minute=45), Kind.QUIT),
        # a week and more before: event backups past their 7 days go
        dated(datetime(2026, 11, 20, 9), Kind.DAILY),
        dated(datetime(2026, 11, 20, 10), Kind.SYNC),
        dated(datetime(2026, 11, 20, 11), Kind.QUIT),
    ]
    kept = kept_days(backups, datetime(2026, 12, 6, 8), weekly=0, monthly=0)
    assert kept == [
        "2026-12-04 17:45 退出",
        "2026-12-04 15:00 同步前",
        "2026-12-04 10:00 导入前",
        "2026-12-04 10:00 导入前",
        "2026-11-20 11:00 退出",
    ]


def test_the_newest_backup_before_an_upgrade_is_kept_whatever_its_age() -> None:
    backups = [
        *every_day(date(2026, 1, 1), date(2026, 12, 6)),
        dated(datetime(2025, 3, 1, 9), Kind.MIGRATION),
        dated(datetime(2024, 3, 1, 9), Kind.MIGRATION),
    ]
    kept = kept_days(backups, NOW)
    assert "2025-03-01 09:00 升级前" in kept
    assert "2024-03-01 09:00 升级前" not in kept


def test_the_rota_never_keeps_more_than_its_numbers_and_always_the_newest() -> None:
    backups = every_day(date(2020, 1, 1), date(2026, 12, 6), hour=8) + every_day(
        date(2020, 1, 1), date(2026, 12, 6), hour=17
    )
    names = backup.choose_kept(backups, NOW)
    assert len(names) <= 7 + 4 + 12
    assert backup.file_name(datetime(2026, 12, 6, 17), Kind.DAILY) in names
    assert backup.choose_kept([], NOW) == set()


def test_pruning_deletes_only_our_backups_the_rota_drops(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for b in every_day(date(2026, 10, 1), date(2026, 12, 6)):
        (folder / b.name).write_bytes(b"x")
    (folder / "我的笔记.txt").write_text("不是备份")
    (folder / "mediation.sqlite3").write_bytes(b"x")
    removed = backup.prune(folder, NOW)
    left = backups_in(folder)
    assert "我的笔记.txt" in left and "mediation.sqlite3" in left
    assert len(left) - 2 == len(
        backup.choose_kept(every_day(date(2026, 10, 1), date(2026, 12, 6)), NOW)
    )
    assert all(p.parent == folder and not p.exists() for p in removed)


# --------------------------------------------------------------------------- making one


def test_a_backup_is_a_checked_one_file_copy_in_the_backup_folder(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=6)
    db = dbmod.connect(path)
    try:
        register(db, applicant="赵新", respondent="钱旧")  # still in the -wal file
        assert Path(f"{path}-wal").stat().st_size > 0
        made = backup.make_backup(db.conn, path, Kind.DAILY, now=NOW)
    finally:
        db.close()
    folder = path.parent / "backups"
    assert made.path == folder / "调解工作台备份-2026-12-06-0830-每日.sqlite3"
    assert backups_in(folder) == [made.path.name]  # no temporary file left
    assert made.size == made.path.stat().st_size
    assert case_count(made.path) == 7  # the case in the -wal is in the backup
    assert integrity(made.path) == "ok"
    with made.path.open("rb") as f:
        header = f.read(20)
    assert header[18:20] == b"\x01\x01"  # rollback journal: the file is the whole backup
    if os.name == "posix":
        assert made.path.stat().st_mode & 0o777 == 0o600
        assert folder.stat().st_mode & 0o777 == 0o700


def test_backups_in_one_minute_count_on(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    first = backup.make_backup_of(path, Kind.IMPORT, now=NOW)
    second = backup.make_backup_of(path, Kind.IMPORT, now=NOW)
    assert first.path.name == "调解工作台备份-2026-12-06-0830-导入前.sqlite3"
    assert second.path.name == "调解工作台备份-2026-12-06-0830-导入前-2.sqlite3"
    third = backup.make_backup_of(path, Kind.SYNC, now=NOW)
    assert third.path.name == "调解工作台备份-2026-12-06-0830-同步前-3.sqlite3"


def test_each_backup_applies_the_rota(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    folder = path.parent / "backups"
    for day in range(1, 11):
        backup.make_backup_of(path, Kind.DAILY, now=datetime(2026, 11, day, 9))
    made = backup.make_backup_of(path, Kind.DAILY, now=datetime(2026, 11, 11, 9))
    # Nov 11 back to Nov 5: daily. Nov 1, a Sunday, is the last of ISO week 44; Nov 2-4 are
    # in week 45 with Nov 5-8, whose last is Nov 8.
    days = sorted(_day_of(n) for n in backups_in(folder))
    assert days == [1, 5, 6, 7, 8, 9, 10, 11]
    assert [p.name for p in made.removed] == ["调解工作台备份-2026-11-04-0900-每日.sqlite3"]


def test_backups_taken_while_another_thread_writes_all_pass_integrity_check(
    tmp_path: Path,
) -> None:
    path = office_file(tmp_path, cases=20)
    stop = threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def writer() -> None:
        db = dbmod.connect(path, migrate=False)
        try:
            while not stop.is_set():
                register(db, applicant="孙写", respondent="周读", facts="边写边备份。" * 50)
                written.append(1)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    counts: list[int] = []
    try:
        while len(written) < 3:
            stop.wait(0.01)
        for i in range(5):
            made = backup.make_backup_of(path, Kind.MANUAL, now=NOW + timedelta(minutes=i))
            assert integrity(made.path) == "ok"
            counts.append(case_count(made.path))
    finally:
        stop.set()
        thread.join()
    assert not failures
    assert counts == sorted(counts) and counts[0] >= 23  # each a moment of the writer's work
    assert counts[-1] <= 20 + len(written)


def test_a_damaged_database_is_told_and_no_backup_replaces_a_good_one(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=80)
    good = backup.make_backup_of(path, Kind.DAILY, now=NOW - timedelta(days=1))
    damage_middle_of(path)
    with pytest.raises(backup.SourceDamagedError) as info:
        backup.make_backup_of(path, Kind.DAILY, now=NOW)
    assert "数据库文件本身有损坏" in info.value.message
    assert "从备份恢复" in info.value.message
    assert backups_in(path.parent / "backups") == [good.path.name]


def test_a_backup_that_cannot_be_written_is_told_and_leaves_nothing(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    (path.parent / "backups").write_text("a file where the folder should be")
    with pytest.raises(backup.BackupFailedError) as info:
        backup.make_backup_of(path, Kind.DAILY, now=NOW)
    assert "不能建立备份文件夹" in info.value.message
    assert "backups" in info.value.message


def test_a_cancelled_backup_leaves_no_file(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=30)
    steps: list[int] = []

    def cancelled() -> bool:
        steps.append(1)
        return len(steps) > 1

    with pytest.raises(backup.BackupCancelledError):
        backup.make_backup(sqlite3.connect(path), path, Kind.MANUAL, now=NOW, cancelled=cancelled)
    assert backups_in(path.parent / "backups") == []


def director_of(path: Path) -> accounts.Actor:
    db = dbmod.connect(path)
    try:
        return director(db)
    finally:
        db.close()


def test_backup_to_a_chosen_file_is_outside_the_rota(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=3)
    target = tmp_path / "U盘" / "给县司法局的备份.sqlite3"
    target.parent.mkdir()
    size = backup.backup_to_file(path, target, by=director_of(path))
    assert size == target.stat().st_size and case_count(target) == 3
    assert not (path.parent / "backups").exists()
    with pytest.raises(backup.BackupFailedError, match="正在使用的数据库文件本身"):
        backup.backup_to_file(path, path, by=director_of(path))


def test_only_a_director_copies_the_whole_file_out_and_the_copy_is_recorded(
    tmp_path: Path,
) -> None:
    """The whole database, every full ID number in it, leaves the private folder: a 统计
    user is refused (as for one unmasked number) and nothing is written; the 主任's copy
    is in the access record, by name of file, never its contents."""
    path = office_file(tmp_path, cases=2)
    db = dbmod.connect(path)
    try:
        boss = director(db)
        viewer_id = accounts.add_user(
            db, by=boss, name="统计员", role=accounts.VIEWER, password=PASSWORD
        )
        viewer = accounts.acting_as(db, viewer_id)
    finally:
        db.close()
    target = tmp_path / "U盘" / "全部数据.sqlite3"
    target.parent.mkdir()
    with pytest.raises(PermissionDeniedError, match="把整个数据库备份到文件"):
        backup.backup_to_file(path, target, by=viewer)
    assert not target.exists()
    backup.backup_to_file(path, target, by=boss)
    db = dbmod.connect(path)
    try:
        [record] = db.query("SELECT action, by, data FROM privacy_events")
    finally:
        db.close()
    assert (record["action"], record["by"]) == ("backup_to_file", boss.user_id)
    assert "全部数据.sqlite3" in record["data"]


# --------------------------------------------------------------------------- the second folder


def second_folder_set(path: Path, folder: Path) -> None:
    db = dbmod.connect(path)
    try:
        backup.set_second_folder(db, folder)
    finally:
        db.close()


def test_the_second_folder_gets_a_checked_copy_of_daily_quit_and_manual_backups(
    tmp_path: Path,
) -> None:
    path = office_file(tmp_path, cases=2)
    stick = tmp_path / "U盘" / "调解备份"
    stick.mkdir(parents=True)
    second_folder_set(path, stick)
    made = backup.make_backup_of(path, Kind.DAILY, now=NOW)
    assert made.second == stick / made.path.name and made.second_problem == ""
    assert integrity(made.second) == "ok" and case_count(made.second) == 2
    before = backup.make_backup_of(path, Kind.IMPORT, now=NOW)
    assert before.second is None and before.second_problem == ""
    assert backups_in(stick) == [made.path.name]


def test_a_missing_second_folder_is_told_and_does_not_stop_the_first(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=2)
    stick = tmp_path / "U盘"
    stick.mkdir()
    second_folder_set(path, stick)
    stick.rmdir()  # the stick was pulled out
    made = backup.make_backup_of(path, Kind.QUIT, now=NOW)
    assert made.path.exists() and integrity(made.path) == "ok"
    assert made.second is None
    assert f"找不到第二备份位置“{stick}”" in made.second_problem
    assert "这次只备份在了本机" in made.second_problem


def test_a_second_folder_that_is_a_file_is_told(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    stick = tmp_path / "U盘"
    stick.mkdir()
    second_folder_set(path, stick)
    stick.rmdir()
    stick.write_text("")
    made = backup.make_backup_of(path, Kind.MANUAL, now=NOW)
    assert made.path.exists() and "是一个文件，不是文件夹" in made.second_problem


def test_setting_a_second_folder_checks_it(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    db = dbmod.connect(path)
    try:
        with pytest.raises(backup.BackupFailedError, match="找不到第二备份位置"):
            backup.set_second_folder(db, tmp_path / "没有的U盘")
        with pytest.raises(backup.BackupFailedError, match="不能是本机的备份文件夹"):
            (path.parent / "backups").mkdir()
            backup.set_second_folder(db, path.parent / "backups")
        with pytest.raises(backup.BackupFailedError, match="不是完整的文件夹路径"):
            backup.set_second_folder(db, Path("U盘"))
        backup.set_second_folder(db, tmp_path)
        assert backup.second_folder(db.conn) == tmp_path
        backup.set_second_folder(db, None)
        assert backup.second_folder(db.conn) is None
        # a local setting: it is not written into the change log (it does not travel)
        assert not db.query("SELECT 1 FROM sync_log WHERE data LIKE '%backup%'")
    finally:
        db.close()


# --------------------------------------------------------------------------- changes


def test_changes_are_told_against_the_newest_backup(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=2)
    db = dbmod.connect(path)
    try:
        assert backup.changed_since_backup(db.conn, path)  # no backup yet
        backup.make_backup(db.conn, path, Kind.DAILY, now=NOW)
        assert not backup.changed_since_backup(db.conn, path)
        register(db)
        assert backup.changed_since_backup(db.conn, path)
        backup.make_backup(db.conn, path, Kind.QUIT, now=NOW + timedelta(hours=9))
        assert not backup.changed_since_backup(db.conn, path)
    finally:
        db.close()


def test_the_daily_backup_is_due_once_a_day(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    assert backup.daily_due(path, NOW.date())
    backup.make_backup_of(path, Kind.QUIT, now=NOW)
    assert backup.daily_due(path, NOW.date())  # a quit backup is not the day's first
    backup.make_backup_of(path, Kind.DAILY, now=NOW)
    assert not backup.daily_due(path, NOW.date())
    assert backup.daily_due(path, NOW.date() + timedelta(days=1))


# --------------------------------------------------------------------------- upgrades


def test_an_older_file_is_backed_up_into_the_backup_folder_before_it_is_upgraded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "mediation.sqlite3"
    path.parent.mkdir()
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    db = dbmod.connect(path)
    try:
        assert db.user_version == schema.LATEST
    finally:
        db.close()
    [(dated_, kept)] = backup.listed(path.parent / "backups")
    assert dated_.kind is Kind.MIGRATION
    contents = backup.read_contents(kept)
    assert contents.schema == 6 and contents.cases == 30
    assert integrity(kept) == "ok"


# --------------------------------------------------------------------------- restoring


def test_restore_round_trip(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=3)
    made = backup.make_backup_of(path, Kind.DAILY, now=NOW)
    db = dbmod.connect(path)
    try:
        for _ in range(2):
            register(db, applicant="晚登", respondent="记者")
    finally:
        db.close()
    assert case_count(path) == 5

    done = backup.restore(path, made.path, now=NOW + timedelta(hours=1))
    assert done.contents.cases == 3 and done.set_aside is None
    assert done.kept is not None and done.kept.kind is Kind.RESTORE
    assert case_count(done.kept.path) == 5  # the replaced database, kept
    db = dbmod.connect(path)
    try:
        assert db.scalar("SELECT count(*) FROM cases") == 3
        register(db, applicant="恢复后", respondent="再登记")  # the file works on
    finally:
        db.close()
    assert integrity(path) == "ok"

    # and back again: the 恢复前 backup brings the two later cases back
    again = backup.restore(path, done.kept.path, now=NOW + timedelta(hours=2))
    assert again.contents.cases == 5
    assert case_count(path) == 5


def test_the_second_folder_stays_set_when_an_older_backup_is_restored(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=2)
    made = backup.make_backup_of(path, Kind.DAILY, now=NOW)  # before the folder was set
    stick = tmp_path / "U盘"
    stick.mkdir()
    second_folder_set(path, stick)
    backup.restore(path, made.path, now=NOW + timedelta(hours=1))
    db = dbmod.connect(path)
    try:
        assert backup.second_folder(db.conn) == stick  # a setting of this computer
        assert not db.query("SELECT 1 FROM sync_log WHERE data LIKE '%second_folder%'")
    finally:
        db.close()


def test_restore_refuses_the_database_itself(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    with pytest.raises(backup.RestoreRefusedError, match="就是正在使用的数据库文件"):
        backup.restore(path, path)


def check_refused(path: Path, source: Path, words: str) -> None:
    before = path.read_bytes()
    with pytest.raises(backup.RestoreRefusedError) as info:
        backup.restore(path, source, now=NOW)
    assert words in info.value.message, info.value.message
    assert path.read_bytes() == before
    assert backups_in(path.parent / "backups") == []  # refused before anything was done


def test_restore_refuses_another_programs_file(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    photos = tmp_path / "相册.db"
    foreign_database(photos)
    check_refused(path, photos, "不是调解工作台的数据")
    text = tmp_path / "说明.sqlite3"
    text.write_text("这不是数据库", encoding="utf-8")
    check_refused(path, text, "不是调解工作台的备份或数据库文件")
    empty = tmp_path / "空的.sqlite3"
    empty.write_bytes(b"")
    check_refused(path, empty, "空文件（0 字节）")
    check_refused(path, tmp_path / "没有这个文件.sqlite3", "找不到文件")


def test_restore_refuses_a_file_of_a_newer_version(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=1)
    newer = tmp_path / "新版本的备份.sqlite3"
    backup.backup_to_file(path, newer, by=director_of(path))
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    conn.close()
    check_refused(path, newer, f"数据格式第{schema.LATEST + 1}版")


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=80)
    made = backup.make_backup_of(path, Kind.DAILY, now=NOW)
    damaged = tmp_path / "坏了的备份.sqlite3"
    shutil.copy(made.path, damaged)
    made.path.unlink()
    damage_middle_of(damaged)
    check_refused(path, damaged, "已损坏")


def test_an_older_backup_is_restored_and_upgraded_when_opened(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=2)
    old = tmp_path / "旧电脑" / "mediation.sqlite3"
    old.parent.mkdir()
    shutil.copy(FIXTURES / "schema_v6.sqlite3", old)
    done = backup.restore(path, old, now=NOW)
    assert done.contents.schema == 6 and done.contents.cases == 30
    db = dbmod.connect(path)
    try:
        assert db.user_version == schema.LATEST
        assert db.scalar("SELECT count(*) FROM cases") == 30
    finally:
        db.close()


def test_a_damaged_database_is_set_aside_whole_and_replaced(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=80)
    good = backup.make_backup_of(path, Kind.DAILY, now=NOW - timedelta(days=1))
    damage_middle_of(path)
    damaged = digest(path)
    done = backup.restore(path, good.path, now=NOW)
    assert done.kept is None and done.set_aside is not None
    assert done.set_aside.name == "mediation.sqlite3-损坏-2026-12-06-083000"
    assert digest(done.set_aside) == damaged  # kept as it was, for a specialist
    assert integrity(path) == "ok" and case_count(path) == 80
    db = dbmod.connect(path)  # opens (and writes) again
    try:
        register(db)
    finally:
        db.close()


def test_a_backup_with_another_page_size_is_restored(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=4)
    other = tmp_path / "8k.sqlite3"
    backup.backup_to_file(path, other, by=director_of(path))
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    conn.close()
    backup.restore(path, other, now=NOW)
    assert case_count(path) == 4 and integrity(path) == "ok"


# --------------------------------------------------------------------------- the list


def test_the_list_reads_each_backup_for_its_cases(tmp_path: Path) -> None:
    path = office_file(tmp_path, cases=2)
    backup.make_backup_of(path, Kind.DAILY, now=NOW - timedelta(days=1))
    db: Database = dbmod.connect(path)
    try:
        register(db, applicant="最新的", respondent="案件", facts="最后登记的一件。")
    finally:
        db.close()
    backup.make_backup_of(path, Kind.QUIT, now=NOW)
    (path.parent / "backups" / "调解工作台备份-2026-12-01-0900-每日.sqlite3").write_text("坏")
    items = backup.list_backups(path)
    assert [i.dated.kind for i in items] == [Kind.QUIT, Kind.DAILY, Kind.DAILY]
    newest, older, broken = items
    assert newest.contents is not None and newest.contents.cases == 3
    assert newest.contents.newest_case == "（未编号） 最新的、案件（2026-11-01 登记）"
    assert newest.contents.office_name == "青山镇人民调解委员会"
    assert older.contents is not None and older.contents.cases == 2
    assert broken.contents is None and "不是调解工作台的备份" in broken.problem
