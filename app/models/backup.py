"""Backups of the database and restoring one (docs/backup.md).

Every copy is made with SQLite's backup API from inside one read transaction, so it is the
database exactly as it was at one moment, -wal content included, however much another
connection, thread or process writes meanwhile (a plain file copy of a live WAL database is
often torn and misses what is still in the -wal file). The copy is written under a temporary
name, switched to the rollback journal (a backup is one file, no -wal), checked with
``PRAGMA integrity_check``, synced to disk and only then renamed to its real name; a copy
that fails the check is deleted and the failure raised.

Backups live in ``backups/`` beside the database (the data folder) and are named so that a
person reads their date, time and kind: ``调解工作台备份-2026-12-06-0830-每日.sqlite3``. Which
are kept is decided by :func:`choose_kept` (the newest of each of the last 7 days, 4 weeks and
12 months that have backups; a backup made before an import, a merge, an upgrade or a
restore at least 7 days; the newest pre-upgrade backup always). An office may name a second
folder (a USB stick, a network share): the daily, quit and manual backups are copied there
too; a missing or unwritable second folder is reported in :class:`Made` and never blocks the
first copy.

Restoring (:func:`restore`) checks the chosen file (an SQLite file with our tables, not from
a newer version, passing integrity_check), keeps the current database as a backup first
(a damaged current file, which cannot be copied page by page, is set aside under a new name
instead) and then writes the chosen file's pages into the database with the backup API
again: the replacement is one transaction of SQLite's, so it is all or nothing and the
database's -wal file can never be applied to the wrong content. The caller closes its
connections before and opens the file again after (an older file is upgraded then).

No Qt here: the UI (app/ui/backup_window.py) runs these functions in worker threads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Final

from app.models import durable
from app.models.accounts import Actor
from app.models.db import Database, StorageError, read_snapshot
from app.models.errors import OperationCancelledError

log = logging.getLogger(__name__)

PREFIX: Final = "调解工作台备份"
SUFFIX: Final = ".sqlite3"
FOLDER_NAME: Final = "backups"
# The office's second backup folder (a USB stick, a network share): a local setting, never
# synced ("local." settings stay on this computer, app/models/sync/tables.py).
SECOND_FOLDER_KEY: Final = "local.backup.second_folder"
# Pages copied per step of the backup API: progress and 取消 every few milliseconds.
STEP_PAGES: Final = 1024
SQLITE_HEADER: Final = b"SQLite format 3\x00"
# Tables every version of our schema has had since v1: a file without them is not ours.
REQUIRED_TABLES: Final = frozenset({"settings", "cases", "parties", "case_parties", "case_events"})
# Temporary copies left by a crash (power cut while writing) are removed after this long.
STALE_TEMP_SECONDS: Final = 3600
_TEMP_SUFFIX: Final = ".part"

# progress(done, total, stage): ``stage`` is what is being done, in words for the user.
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

STAGE_COPY: Final = "正在备份"
STAGE_CHECK: Final = "正在检查备份"
STAGE_SECOND: Final = "正在复制到第二备份位置"
STAGE_CHECK_SOURCE: Final = "正在检查要恢复的文件"
STAGE_RESTORE: Final = "正在恢复"
STAGES: Final = frozenset(
    {STAGE_COPY, STAGE_CHECK, STAGE_SECOND, STAGE_CHECK_SOURCE, STAGE_RESTORE}
)


class Kind(Enum):
    """Why a backup was made; the value is the word in its file name."""

    DAILY = "每日"  # the first start of the day
    QUIT = "退出"  # quitting after changes
    MANUAL = "手动"  # 立即备份 in 备份与恢复
    MIGRATION = "升级前"  # before the schema is upgraded
    IMPORT = "导入前"  # before a 台账 import
    SYNC = "同步前"  # before a sync file is merged
    RESTORE = "恢复前"  # the database as it was before a restore

    @property
    def label(self) -> str:
        """How the list in 备份与恢复 names the kind."""
        return _LABELS[self]


_LABELS: Final = {
    Kind.DAILY: "每天第一次打开",
    Kind.QUIT: "退出时",
    Kind.MANUAL: "手动备份",
    Kind.MIGRATION: "升级数据格式前",
    Kind.IMPORT: "导入台账前",
    Kind.SYNC: "合并同步文件前",
    Kind.RESTORE: "恢复备份前",
}

# Made just before an operation that changes much at once: kept at least Policy.event_days.
EVENT_KINDS: Final = frozenset({Kind.MIGRATION, Kind.IMPORT, Kind.SYNC, Kind.RESTORE})
# Also written to the second folder (the others undo an operation on this computer; the
# second folder is for losing the computer, and the daily and quit backups cover that).
SECOND_FOLDER_KINDS: Final = frozenset({Kind.DAILY, Kind.QUIT, Kind.MANUAL})


# --------------------------------------------------------------------------- errors


class BackupFailedError(StorageError):
    """A backup could not be made (``message``: why and what to do). Nothing half-written is
    left and no older backup was removed."""


class SourceDamagedError(BackupFailedError):
    """The database itself failed the integrity check while it was being backed up."""

    offer_restore = True


class BackupCancelledError(OperationCancelledError):
    def __init__(self) -> None:
        super().__init__("备份已取消，没有留下不完整的文件。")


class RestoreRefusedError(StorageError):
    """The chosen file cannot be restored (not ours, newer, damaged, empty, missing) or the
    current database could not be kept first. Nothing was changed."""


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Dated:
    """A backup as its file name describes it. ``when`` is this computer's local time."""

    when: datetime
    kind: Kind
    name: str
    n: int = 1  # 2, 3 … for later backups made in the same minute

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.when, self.n)


_KINDS_PATTERN = "|".join(re.escape(k.value) for k in Kind)
_NAME = re.compile(
    rf"^{re.escape(PREFIX)}-(\d{{4}})-(\d\d)-(\d\d)-(\d\d)(\d\d)-({_KINDS_PATTERN})"
    rf"(?:-(\d+))?{re.escape(SUFFIX)}$"
)


def file_name(when: datetime, kind: Kind, n: int = 1) -> str:
    """调解工作台备份-2026-12-06-0830-每日.sqlite3 (``n`` > 1: …-每日-2.sqlite3)."""
    extra = f"-{n}" if n > 1 else ""
    return f"{PREFIX}-{when:%Y-%m-%d-%H%M}-{kind.value}{extra}{SUFFIX}"


def parse_name(name: str) -> Dated | None:
    """The backup a file name describes, or None for any other file."""
    m = _NAME.match(name)
    if m is None:
        return None
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    try:
        when = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return Dated(when, Kind(m.group(6)), name, int(m.group(7) or 1))


def suggested_name(when: datetime | None = None) -> str:
    """The name 备份到文件… proposes."""
    return file_name(when or datetime.now(), Kind.MANUAL)


# --------------------------------------------------------------------------- which to keep


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    event_days: int = 7
    recent_hours: int = 24


POLICY: Final = Policy()


def _day(when: datetime) -> tuple[int, ...]:
    return (when.year, when.month, when.day)


def _week(when: datetime) -> tuple[int, ...]:
    year, week, _weekday = when.isocalendar()
    return (year, week)


def _month(when: datetime) -> tuple[int, ...]:
    return (when.year, when.month)


def choose_kept(backups: Iterable[Dated], now: datetime, policy: Policy = POLICY) -> set[str]:
    """The names of the backups to keep; the others may be deleted.

    - daily/weekly/monthly: going from the newest backup back, the newest backup of each
      day (ISO week, month) is kept, until that many days (weeks, months) *that have
      backups* are kept: a holiday fortnight does not use up the seven daily backups.
    - every backup of the last ``recent_hours`` is kept (this morning's, when the day's
      last is this evening's);
    - a backup made before an operation (EVENT_KINDS) is kept ``event_days`` after it was
      made, whatever else was made that day;
    - the newest backup made before an upgrade is kept whatever its age (the only copy in
      the format the previous version of the program reads).
    """
    newest_first = sorted(backups, key=lambda b: b.order, reverse=True)
    keep: set[str] = set()
    for period, count in ((_day, policy.daily), (_week, policy.weekly), (_month, policy.monthly)):
        seen: set[tuple[int, ...]] = set()
        for backup in newest_first:
            key = period(backup.when)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            keep.add(backup.name)
    recent = now - timedelta(hours=policy.recent_hours)
    keep.update(b.name for b in newest_first if b.when >= recent)
    since = now - timedelta(days=policy.event_days)
    keep.update(b.name for b in newest_first if b.kind in EVENT_KINDS and b.when >= since)
    upgrade = next((b for b in newest_first if b.kind is Kind.MIGRATION), None)
    if upgrade is not None:
        keep.add(upgrade.name)
    return keep


# --------------------------------------------------------------------------- folders


def backup_folder(db_path: Path) -> Path:
    """Where the database's backups are kept: ``backups/`` beside it (the data folder)."""
    return db_path.parent / FOLDER_NAME


def listed(folder: Path) -> list[tuple[Dated, Path]]:
    """Our backups in ``folder``, newest first ([] when the folder is not there)."""
    found: list[tuple[Dated, Path]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        dated = parse_name(entry.name)
        if dated is not None and entry.is_file():
            found.append((dated, Path(entry.path)))
    found.sort(key=lambda item: item[0].order, reverse=True)
    return found


def newest_backup(db_path: Path) -> Path | None:
    """The newest backup in the database's backup folder, if any."""
    found = listed(backup_folder(db_path))
    return found[0][1] if found else None


def daily_due(db_path: Path, today: date) -> bool:
    """No daily backup was made today yet (the first start of the day makes one)."""
    return not any(
        d.kind is Kind.DAILY and d.when.date() == today for d, _p in listed(backup_folder(db_path))
    )


def second_folder(conn: sqlite3.Connection) -> Path | None:
    """The office's second backup folder, if one is set."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (SECOND_FOLDER_KEY,))
        found = row.fetchone()
    except sqlite3.Error:
        return None
    return Path(str(found[0])) if found and found[0] else None


def folder_problem(folder: Path) -> str:
    """Why ``folder`` cannot take backups now, in words for the user; "" when it can."""
    if not folder.is_absolute():
        return f"“{folder}”不是完整的文件夹路径，请用“选择…”选一个文件夹。"
    try:
        if not folder.is_dir():
            if folder.exists():
                return f"“{folder}”是一个文件，不是文件夹。"
            return (
                f"找不到第二备份位置“{folder}”：U盘没有插上、网络共享连不上，或者文件夹已被"
                "移走或改名。"
            )
        probe = folder / f".{PREFIX}-写入检查{_TEMP_SUFFIX}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return (
            f"不能在第二备份位置“{folder}”写入文件（{exc.strerror or exc}）：可能是只读的U盘、"
            "没有写入权限，或者磁盘已满。"
        )
    return ""


def set_second_folder(db: Database, folder: Path | None) -> None:
    """Set (or, with None, clear) the second backup folder. A folder that cannot take
    backups now, or the data folder's own backup folder, is refused (BackupFailedError)."""
    if folder is not None:
        problem = folder_problem(folder)
        if problem:
            raise BackupFailedError(problem + "请插好U盘或选择其他文件夹。", path=folder)
        if db.path is not None and _same_folder(folder, backup_folder(db.path)):
            raise BackupFailedError(
                "第二备份位置不能是本机的备份文件夹本身。请选择U盘、移动硬盘或网络共享上的文件夹，"
                "这样电脑坏了备份也还在。",
                path=folder,
            )
    with db.transaction() as conn:
        if folder is None:
            conn.execute("DELETE FROM settings WHERE key = ?", (SECOND_FOLDER_KEY,))
        else:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (SECOND_FOLDER_KEY, str(folder)),
            )


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# --------------------------------------------------------------------------- making one


@dataclass(frozen=True)
class Made:
    """One backup made. ``second_problem``: why the second folder got no copy ("" when it got
    one or none is set); the user is told it."""

    path: Path
    size: int
    kind: Kind
    second: Path | None = None
    second_problem: str = ""
    removed: tuple[Path, ...] = field(default=())


def make_backup(
    source: sqlite3.Connection,
    db_path: Path,
    kind: Kind,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    spare: Path | None = None,
) -> Made:
    """Back up the database ``source`` is connected to (at ``db_path``) into its backup
    folder as a ``kind`` backup, then apply the rota there (never removing ``spare``, the
    backup a restore is about to use); daily, quit and manual backups go to the second
    folder too. Raises BackupFailedError (SourceDamagedError when the
    database itself is damaged) or BackupCancelledError; the second folder's problems are
    reported in the result, not raised."""
    now = now or datetime.now()
    folder = backup_folder(db_path)
    _make_folder(folder)
    target = _free_path(folder, now, kind)
    size = copy_database(source, target, progress=progress, cancelled=cancelled)
    log.info("backup %s made (%d bytes)", target.name, size)
    removed = prune(folder, now, made=target, spare=spare)
    second, problem = None, ""
    if kind in SECOND_FOLDER_KINDS:
        chosen = second_folder(source)
        if chosen is not None:
            second, problem = _to_second_folder(
                target, chosen, now, progress=progress, cancelled=cancelled
            )
    return Made(target, size, kind, second, problem, tuple(removed))


def make_backup_of(
    db_path: Path,
    kind: Kind,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    spare: Path | None = None,
) -> Made:
    """make_backup through a read-only connection of its own (a worker thread's)."""
    with _reading(db_path) as source:
        return make_backup(
            source,
            db_path,
            kind,
            now=now,
            progress=progress,
            cancelled=cancelled,
            spare=spare,
        )


def backup_to_file(
    db_path: Path,
    target: Path,
    *,
    by: Actor,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """备份到文件…: a checked copy at ``target`` (replaced if it exists), outside the rota.
    Returns its size. The whole database with every full ID number leaves the program's
    private folder: only a 主任 may, and the copy is recorded (privacy_events, without
    the number; docs/privacy.md)."""
    from app.models import accounts

    if _same_file(target, db_path):
        raise BackupFailedError(
            "不能把备份保存成正在使用的数据库文件本身。请换一个文件名或文件夹。", path=target
        )
    with _reading(db_path) as source:
        accounts.authorize(source, by, "backup_to_file")
        size = copy_database(source, target, progress=progress, cancelled=cancelled)
    _record_copy(db_path, target, by)
    return size


def _record_copy(db_path: Path, target: Path, by: Actor) -> None:
    """The copy in the access record. A file that cannot be written (damaged, read-only:
    the copy may be the rescue of its data) keeps the record in the log instead."""
    from app.models import db as dbmod
    from app.models import privacy

    try:
        db = dbmod.connect(db_path, migrate=False, check=False)
    except StorageError as exc:
        log.warning("backup to a file by user %s not recorded in the file: %s", by.user_id, exc)
        return
    try:
        if db.write_refusal() is not None:
            log.warning("backup to a file by user %s (file read-only: not recorded)", by.user_id)
            return
        with db.transaction() as conn:
            privacy.record_access(conn, "backup_to_file", by=by.user_id, data={"file": target.name})
    except StorageError as exc:
        log.warning("backup to a file by user %s not recorded: %s", by.user_id, exc.message)
    finally:
        db.close()


def before_change(
    source: sqlite3.Connection,
    db_path: Path,
    kind: Kind,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Made:
    """The backup before an import (Kind.IMPORT) or a merge (Kind.SYNC). A failure says that
    the operation was not done, so that nothing changes without a backup to go back to."""
    try:
        return make_backup(source, db_path, kind, progress=progress, cancelled=cancelled)
    except BackupFailedError as exc:
        what = {
            Kind.IMPORT: "为了安全，这次没有导入任何案件。",
            Kind.SYNC: "为了安全，这次没有合并同步文件，本机数据没有改动。",
        }.get(kind, "")
        failed = type(exc)(f"{_LABELS[kind]}的自动备份没有做成：{exc.message}{what}", path=exc.path)
        raise failed from exc


def before_migration(db: Database, from_version: int) -> Made | None:
    """The backup before the schema ladder runs (db.migrate_to_latest). A failure stops the
    upgrade: the program does not open the file rather than upgrade it without a copy."""
    if db.path is None:
        return None
    try:
        return make_backup(db.conn, db.path, Kind.MIGRATION)
    except BackupFailedError as exc:
        raise BackupFailedError(
            f"这个数据库是旧版本的调解工作台建立的（数据格式第{from_version}版），打开前要先升级；"
            f"升级之前的自动备份没有做成：{exc.message}"
            "为了安全，程序没有升级也没有打开它，文件保持原样。",
            path=exc.path,
        ) from exc


def copy_database(
    source: sqlite3.Connection,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """A checked, consistent copy of ``source``'s database at ``target``. Returns its size.

    The copy is one read transaction on ``source`` (opened here unless the caller is in
    one), so writers elsewhere neither tear it nor restart it; it is written as
    ``.NAME.part``, made a one-file database (rollback journal), integrity-checked, synced
    and renamed. Any failure removes the temporary file and raises BackupFailedError
    (SourceDamagedError when ``source`` itself is damaged) or BackupCancelledError.
    """
    temp = target.with_name(f".{target.name}{_TEMP_SUFFIX}")
    _remove(temp)
    try:
        _copy_and_check(source, temp, target, progress, cancelled)
        durable.sync_file(temp)
        os.replace(temp, target)
    except BaseException as exc:
        _remove(temp)
        if isinstance(exc, OSError):
            raise _write_failure(exc, target) from exc
        raise
    durable.sync_folder(target.parent)
    return target.stat().st_size


def _copy_and_check(
    source: sqlite3.Connection,
    temp: Path,
    target: Path,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    from app.models import privacy

    def step(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelledError()
        if progress is not None:
            progress(total - remaining, total, STAGE_COPY)

    if progress is not None:
        progress(0, 0, STAGE_COPY)
    try:
        with privacy.private_umask():  # a backup is as private as the database
            dest = sqlite3.connect(str(temp), isolation_level=None)
    except sqlite3.Error as exc:
        raise _sqlite_write_failure(exc, target) from exc
    try:
        try:
            with read_snapshot(source):
                source.backup(dest, pages=STEP_PAGES, progress=step)
            dest.execute("PRAGMA journal_mode = DELETE")  # one file; the source's was WAL
        except sqlite3.Error as exc:
            if _is_corruption(exc):
                raise _source_damaged(source, target, [str(exc)]) from exc
            if _is_source_error(exc):
                raise BackupFailedError(
                    f"数据库读不出来（{exc}），备份没有做成。请关闭程序后重新打开再试。",
                    path=target,
                ) from exc
            raise _sqlite_write_failure(exc, target) from exc
        if progress is not None:
            progress(0, 0, STAGE_CHECK)
        problems = _integrity(dest, cancelled)
    finally:
        dest.close()
    if problems:
        _remove(temp)
        log.error("backup %s failed integrity_check: %s", target.name, problems)
        source_problems = _integrity(source, cancelled)
        if source_problems:
            raise _source_damaged(source, target, source_problems)
        raise BackupFailedError(
            f"备份写好后检查没有通过（{problems[0]}），这份备份已删除。可能是备份所在的磁盘或U盘"
            f"有问题（“{target.parent}”）。数据库本身检查正常。请换一个位置再备份，或检查磁盘。",
            path=target,
        )


def _source_damaged(source: sqlite3.Connection, target: Path, problems: list[str]) -> Exception:
    log.error("database failed integrity_check while being backed up: %s", problems)
    return SourceDamagedError(
        f"数据库文件本身有损坏（完整性检查发现问题：{problems[0]}）。这次的备份没有保存，"
        "以免用坏的副本替掉好的备份；以前的备份一份也没有删除。"
        "请不要再修改数据，尽快从备份恢复（“设置”→“备份与恢复”）最近一份完好的数据。",
        path=target,
    )


def _integrity(conn: sqlite3.Connection, cancelled: Cancelled | None) -> list[str]:
    """PRAGMA integrity_check's problems ([] when sound); a page SQLite cannot read at all
    is a problem too. 取消 interrupts it (BackupCancelledError)."""
    if cancelled is not None:
        conn.set_progress_handler(lambda: 1 if cancelled() else 0, 20000)
    try:
        rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
    except sqlite3.DatabaseError as exc:
        if cancelled is not None and cancelled() and "interrupt" in str(exc).lower():
            raise BackupCancelledError() from exc
        if _is_corruption(exc):
            return [str(exc)]
        raise
    finally:
        if cancelled is not None:
            conn.set_progress_handler(None, 0)
    return [str(r[0]) for r in rows if str(r[0]) != "ok"]


def _is_corruption(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    )


def _is_source_error(exc: sqlite3.Error) -> bool:
    # The destination's errors (full disk, no permission) are told by _sqlite_write_failure.
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _sqlite_write_failure(exc: sqlite3.Error, target: Path) -> BackupFailedError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return _full(target)
    return BackupFailedError(
        f"不能在“{target.parent}”中写入备份（{exc}）。请检查这个文件夹是否存在、能否写入，"
        "磁盘是否已满。",
        path=target,
    )


def _write_failure(exc: OSError, target: Path) -> BackupFailedError:
    import errno

    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return _full(target)
    return BackupFailedError(
        f"不能在“{target.parent}”中写入备份（{exc.strerror or exc}）。请检查这个文件夹是否存在、"
        "能否写入，磁盘是否已满。",
        path=target,
    )


def _full(target: Path) -> BackupFailedError:
    return BackupFailedError(
        f"备份所在的磁盘已满（“{target.parent}”），备份没有做成，不完整的文件已删除。"
        "请清理磁盘空间后，在“设置”→“备份与恢复”中点“立即备份”。",
        path=target,
    )


def _make_folder(folder: Path) -> None:
    from app.models import privacy

    try:
        privacy.make_private_dir(folder)
    except OSError as exc:
        raise BackupFailedError(
            f"不能建立备份文件夹“{folder}”（{exc.strerror or exc}）。请检查数据文件夹的写入权限"
            "和磁盘空间。",
            path=folder,
        ) from exc


def _free_path(folder: Path, when: datetime, kind: Kind) -> Path:
    """The next name in the minute: later backups of one minute (of any kind) count on."""
    minute = when.replace(second=0, microsecond=0)
    taken = [d.n for d, _p in listed(folder) if d.when == minute]
    n = max(taken, default=0) + 1
    while (folder / file_name(when, kind, n)).exists():  # pragma: no cover - a race
        n += 1
    return folder / file_name(when, kind, n)


def prune(
    folder: Path,
    now: datetime,
    policy: Policy = POLICY,
    *,
    made: Path | None = None,
    spare: Path | None = None,
) -> list[Path]:
    """Delete the backups in ``folder`` the rota does not keep (and temporary copies a crash
    left); returns what was deleted. ``made``, the backup just made, stays whatever its
    date (a clock set wrong), and so does ``spare``. A file that cannot be deleted is logged
    and left."""
    found = listed(folder)
    keep = choose_kept([d for d, _p in found], now, policy)
    keep.update(p.name for p in (made, spare) if p is not None and p.parent == folder)
    removed: list[Path] = []
    for dated, path in found:
        if dated.name in keep:
            continue
        try:
            path.unlink()
        except OSError as exc:
            log.warning("old backup %s not removed: %s", path, exc)
            continue
        log.info("old backup %s removed by the rota", path.name)
        removed.append(path)
    _remove_stale_temps(folder)
    return removed


def _remove_stale_temps(folder: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if (
                entry.name.startswith(f".{PREFIX}")
                and entry.name.endswith(_TEMP_SUFFIX)
                and entry.stat().st_mtime < cutoff
            ):
                _remove(Path(entry.path))


def _to_second_folder(
    made: Path,
    folder: Path,
    now: datetime,
    *,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[Path | None, str]:
    problem = folder_problem(folder)
    if problem:
        log.warning("second backup folder: %s", problem)
        return None, problem + "这次只备份在了本机。"

    def second_progress(done: int, total: int, stage: str) -> None:
        if progress is not None:
            progress(done, total, STAGE_SECOND if stage == STAGE_COPY else stage)

    target = folder / made.name
    try:
        with _reading(made) as copy:
            copy_database(copy, target, progress=second_progress, cancelled=cancelled)
        prune(folder, now, made=target)
    except BackupFailedError as exc:
        log.warning("second backup folder: %s", exc.message)
        return None, f"第二备份位置没有备份成：{exc.message}这次只备份在了本机。"
    except StorageError as exc:
        return None, f"第二备份位置没有备份成：{exc.message}这次只备份在了本机。"
    return target, ""


# --------------------------------------------------------------------------- changes


def change_mark(conn: sqlite3.Connection) -> tuple[int, str, int, str] | None:
    """Where the change log stands: its last row (row id, device, seq, moment), or None for
    a file without one. Every change of cases, parties, registries … writes the log
    (app/models/sync/triggers.py), so a different mark means changes; the moment tells
    apart a restored older file whose new changes reached the same row id and seq. One
    index step, never a count: the log of a busy office holds millions of rows (counting
    them took a second at every quit)."""
    try:
        row = conn.execute(
            "SELECT rowid, device, seq, at FROM sync_log ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return (0, "", 0, "")
    return (int(row[0]), str(row[1]), int(row[2]), str(row[3]))


def changed_since_backup(conn: sqlite3.Connection, db_path: Path) -> bool:
    """Whether the database changed since its newest backup was made (no backup: True).
    Read from the backup file itself, so it holds across restarts and restores."""
    newest = newest_backup(db_path)
    if newest is None:
        return True
    mark = change_mark(conn)
    try:
        with _reading(newest) as copy:
            kept = change_mark(copy)
    except StorageError:
        return True
    return mark is None or mark != kept


# --------------------------------------------------------------------------- what a file holds


@dataclass(frozen=True)
class Contents:
    """What a database or backup file holds, read without changing it."""

    path: Path
    size: int
    schema: int
    cases: int
    newest_case: str  # "青调〔2026〕12号 张三与李四邻里纠纷（2026-12-05 登记）" or ""
    last_change: str  # the latest updated_at of a case (UTC ISO-8601) or ""
    office_name: str
    office_id: str
    device_id: str


def read_contents(path: Path) -> Contents:
    """Open ``path`` read-only and say what it holds. RestoreRefusedError when it is missing,
    empty, not SQLite, not ours, from a newer version, or cannot be read."""
    from app.models import schema

    where = f"“{path.name}”"
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except FileNotFoundError as exc:
        raise RestoreRefusedError(f"找不到文件{where}（“{path.parent}”）。", path=path) from exc
    except IsADirectoryError as exc:
        raise RestoreRefusedError(f"{where}是一个文件夹，不是备份文件。", path=path) from exc
    except OSError as exc:
        raise RestoreRefusedError(
            f"读不出文件{where}（{exc.strerror or exc}）。请检查U盘是否插好、文件的权限。",
            path=path,
        ) from exc
    if size == 0:
        raise RestoreRefusedError(
            f"{where}是一个空文件（0 字节），里面没有数据，不能用来恢复。请选择其他备份。",
            path=path,
        )
    if header != SQLITE_HEADER:
        raise RestoreRefusedError(
            f"{where}不是调解工作台的备份或数据库文件（它不是 SQLite 数据库，可能是文档、表格"
            "或其他程序的文件）。请选择“调解工作台备份-…”文件或 mediation.sqlite3。",
            path=path,
        )
    try:
        with _reading(path) as conn:
            tables = {
                str(r[0])
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < 1 or not tables >= REQUIRED_TABLES:
                raise RestoreRefusedError(
                    f"{where}是 SQLite 数据库，但不是调解工作台的数据（里面没有案件等表），"
                    "可能是其他程序的文件。请选择调解工作台的备份。",
                    path=path,
                )
            if version > schema.LATEST:
                raise RestoreRefusedError(
                    f"{where}是由更新版本的调解工作台生成的（数据格式第{version}版，本程序只认识到"
                    f"第{schema.LATEST}版），本程序不能用它恢复。请先把本程序升级到新版本。",
                    path=path,
                )
            return _describe_contents(conn, path, size, version)
    except sqlite3.DatabaseError as exc:
        raise _damaged_file(path, str(exc)) from exc


def _describe_contents(conn: sqlite3.Connection, path: Path, size: int, version: int) -> Contents:
    cases = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    newest = conn.execute(
        "SELECT number, title, parties_text, registered_on FROM cases "
        "ORDER BY registered_on DESC, created_at DESC, seq DESC LIMIT 1"
    ).fetchone()
    newest_case = ""
    if newest is not None:
        number, title, parties, registered = (str(v or "") for v in newest)
        what = title or parties or "（无案由）"
        newest_case = f"{number or '（未编号）'} {what}（{registered} 登记）"
    last = conn.execute("SELECT max(updated_at) FROM cases").fetchone()[0]

    def setting(key: str) -> str:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row and row[0] is not None else ""

    office_name = ""
    committee = setting("main_committee_id")
    if committee:
        row = conn.execute("SELECT name FROM committees WHERE id = ?", (committee,)).fetchone()
        office_name = str(row[0]) if row else ""
    return Contents(
        path=path,
        size=size,
        schema=version,
        cases=cases,
        newest_case=newest_case,
        last_change=str(last or ""),
        office_name=office_name,
        office_id=setting("office_id"),
        device_id=setting("device_id"),
    )


def _damaged_file(path: Path, reason: str) -> RestoreRefusedError:
    return RestoreRefusedError(
        f"“{path.name}”已损坏（{reason}），不能用来恢复。请选择其他备份（例如更早的一份，或第二"
        "备份位置里的同名备份）。",
        path=path,
    )


@dataclass(frozen=True)
class Listed:
    """A backup in the list of 备份与恢复: its name, and what it holds (``problem`` instead
    when it cannot be read)."""

    dated: Dated
    path: Path
    size: int
    contents: Contents | None
    problem: str = ""

    @property
    def key(self) -> str:
        return self.dated.name


def list_backups(db_path: Path) -> list[Listed]:
    """The backups in the database's backup folder, newest first, each read for its case
    count and newest case (read-only; no integrity check: that is done before a restore)."""
    result: list[Listed] = []
    for dated, path in listed(backup_folder(db_path)):
        try:
            size = path.stat().st_size
        except OSError:
            continue  # removed meanwhile
        try:
            result.append(Listed(dated, path, size, read_contents(path)))
        except StorageError as exc:
            result.append(Listed(dated, path, size, None, exc.message))
    return result


def check_restorable(
    source: Path,
    *,
    current: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Contents:
    """read_contents plus a full integrity_check of ``source`` (RestoreRefusedError)."""
    if current is not None and _same_file(source, current):
        raise RestoreRefusedError(
            f"“{source.name}”就是正在使用的数据库文件，不能用它自己来恢复。请选择一份备份。",
            path=source,
        )
    contents = read_contents(source)
    if progress is not None:
        progress(0, 0, STAGE_CHECK_SOURCE)
    try:
        with _reading(source) as conn:
            problems = _integrity(conn, cancelled)
    except sqlite3.DatabaseError as exc:
        raise _damaged_file(source, str(exc)) from exc
    if problems:
        raise _damaged_file(source, f"完整性检查发现问题：{problems[0]}")
    return contents


# --------------------------------------------------------------------------- restoring


@dataclass(frozen=True)
class Restored:
    """A restore done: what the database now holds, where the replaced database was kept
    (``kept``, a 恢复前 backup) or, when it was too damaged to copy, set aside whole
    (``set_aside``)."""

    contents: Contents
    kept: Made | None
    set_aside: Path | None


def restore(
    db_path: Path,
    source: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Restored:
    """Put the database in ``source`` (a backup, or a file the user picked) in place of the
    database at ``db_path``. Every connection to ``db_path`` must be closed first; open it
    again afterwards (db.connect upgrades an older file).

    1. ``source`` is checked (RestoreRefusedError: nothing changed).
    2. The current database is kept as a 恢复前 backup; a damaged one (which cannot be
       copied) is renamed aside with its -wal and -shm (``…-损坏-DATE``). Any other failure to
       keep it refuses the restore.
    3. ``source``'s pages are written into the database with the backup API, in one
       transaction: a failure or 取消 leaves the database as it was.
    """
    now = now or datetime.now()
    contents = check_restorable(source, current=db_path, progress=progress, cancelled=cancelled)
    carried = _backup_settings(db_path)
    kept: Made | None = None
    set_aside: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            kept = make_backup_of(
                db_path,
                Kind.RESTORE,
                now=now,
                progress=progress,
                cancelled=cancelled,
                spare=source,
            )
        except SourceDamagedError:
            set_aside = _set_aside(db_path, now)
        except BackupFailedError as exc:
            raise RestoreRefusedError(
                f"恢复之前要先把现在的数据库另存为备份，但没有做成：{exc.message}"
                "为了安全，这次没有恢复，数据库保持原样。",
                path=exc.path,
            ) from exc
        except StorageError as exc:  # the current file cannot even be opened: set it aside
            log.warning("current database not readable before a restore: %s", exc.message)
            set_aside = _set_aside(db_path, now)
    elif _any_side(db_path):  # an empty file, or a -wal without its file: SQLite would
        set_aside = _set_aside(db_path, now)  # apply that -wal to the restored file
    if set_aside is not None or not db_path.exists():
        with _reading(source) as conn:
            copy_database(conn, db_path, progress=_as_restore(progress), cancelled=cancelled)
    else:
        _write_into(source, db_path, progress=progress, cancelled=cancelled)
    _carry_settings(db_path, carried)
    _forget_damage(db_path)
    # (the source's folder only: a file the user picked may be named after anything)
    log.info("database %s restored from a copy in %s", db_path, source.parent)
    return Restored(contents, kept, set_aside)


def _as_restore(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total, stage: progress(
        done, total, STAGE_RESTORE if stage == STAGE_COPY else stage
    )


def _write_into(
    source: Path, db_path: Path, *, progress: Progress | None, cancelled: Cancelled | None
) -> None:
    """Write ``source``'s pages into the live database file (WAL) in one SQLite transaction."""

    def step(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelledError()
        if progress is not None:
            progress(total - remaining, total, STAGE_RESTORE)

    staged: Path | None = None
    try:
        dest = sqlite3.connect(str(db_path), isolation_level=None, timeout=10)
    except sqlite3.Error as exc:
        raise RestoreRefusedError(
            f"打不开数据库“{db_path}”来写入恢复的内容（{exc}），数据库保持原样。", path=db_path
        ) from exc
    try:
        page_size = int(dest.execute("PRAGMA page_size").fetchone()[0])
        wal = str(dest.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        with _reading(source) as conn:
            if wal and int(conn.execute("PRAGMA page_size").fetchone()[0]) != page_size:
                # A WAL database cannot change its page size: copy the file at ours first.
                staged = _staged_at(conn, db_path, page_size, cancelled)
        with _reading(staged or source) as conn:
            if progress is not None:
                progress(0, 0, STAGE_RESTORE)
            with read_snapshot(conn):
                conn.backup(dest, pages=STEP_PAGES, progress=step)
        dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_FULL") or "full" in str(exc).lower():
            raise RestoreRefusedError(
                f"磁盘已满，恢复没有完成，数据库保持原样（“{db_path.parent}”）。请清理磁盘空间后再试。",
                path=db_path,
            ) from exc
        raise RestoreRefusedError(
            f"恢复没有完成（{exc}），数据库保持原样。请关闭其他打开这个数据库的程序后再试。",
            path=db_path,
        ) from exc
    finally:
        dest.close()
        if staged is not None:
            _remove(staged)


def _staged_at(
    source: sqlite3.Connection, db_path: Path, page_size: int, cancelled: Cancelled | None
) -> Path:
    staged = backup_folder(db_path) / f".{PREFIX}-恢复中{_TEMP_SUFFIX}"
    _make_folder(staged.parent)
    copy_database(source, staged, cancelled=cancelled)
    conn = sqlite3.connect(str(staged), isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return staged


def _set_aside(db_path: Path, now: datetime) -> Path:
    """Rename a damaged database (and its -wal, -shm) out of the way, keeping it whole."""
    aside = db_path.with_name(f"{db_path.name}-损坏-{now:%Y-%m-%d-%H%M%S}")
    try:
        for suffix in ("-wal", "-shm", "-journal", ""):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise RestoreRefusedError(
            f"现在的数据库已损坏，要先把它改名留存，但没有做成（{exc.strerror or exc}），"
            "这次没有恢复。请关闭其他打开这个数据库的程序后再试。",
            path=db_path,
        ) from exc
    log.warning("damaged database set aside as %s before a restore", aside.name)
    return aside


def _backup_settings(db_path: Path) -> list[tuple[str, str]]:
    """This computer's backup settings (the second folder) in the database a restore is
    about to replace: they are about this computer, not about the data, and go on."""
    try:
        with _reading(db_path) as conn:
            found = conn.execute(
                "SELECT key, value FROM settings WHERE key LIKE 'local.backup.%'"
            ).fetchall()
    except (StorageError, sqlite3.Error):
        return []
    return [(str(k), str(v)) for k, v in found]


def _carry_settings(db_path: Path, settings: list[tuple[str, str]]) -> None:
    """Put ``settings`` (from :func:`_backup_settings`) into the restored database."""
    if not settings:
        return
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=10)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM settings WHERE key LIKE 'local.backup.%'")
            conn.executemany("INSERT INTO settings(key, value) VALUES (?, ?)", settings)
            conn.execute("COMMIT")
        finally:
            conn.close()
    except sqlite3.Error as exc:  # the restore itself is done: the setting can be set again
        log.warning("backup settings not carried over the restore: %s", exc)


def _any_side(db_path: Path) -> bool:
    return any(Path(f"{db_path}{s}").exists() for s in ("", "-wal", "-shm", "-journal"))


def _forget_damage(db_path: Path) -> None:
    """db.py remembers a damaged file for the rest of the run: this one is good again."""
    from app.models import db as dbmod

    dbmod.forget_file(db_path)


# --------------------------------------------------------------------------- files


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to ``path`` (never creates or changes it)."""
    if not path.exists():
        raise StorageError(f"找不到文件“{path}”。", path=path)
    try:
        conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True, isolation_level=None, timeout=10)
    except sqlite3.Error as exc:
        raise StorageError(f"打不开“{path}”（{exc}）。", path=path) from exc
    try:
        yield conn
    finally:
        conn.close()


def _uri(path: Path, query: str) -> str:
    from urllib.parse import quote

    text = str(path.resolve()).replace("\\", "/")
    if not text.startswith("/"):
        text = "/" + text  # C:/… → /C:/…
    return f"file://{quote(text, safe='/:')}?{query}"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _remove(path: Path) -> None:
    for suffix in ("", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def summary(items: Sequence[Listed]) -> str:
    """ "12 份备份，共 340 MB" for the window's caption."""
    total = sum(i.size for i in items)
    return f"{len(items)} 份备份，共 {size_text(total)}"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.2f} GB"
