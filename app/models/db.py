"""The one place that opens SQLite connections.

Owns pragmas, transactions, the schema migration ladder and the split between
*environment* errors (locked, read-only, full disk, not a database, damaged, newer file:
shown to the user in plain Chinese, no traceback) and *bugs* (everything else: the crash
dialog).

Opening a file (``connect``) never makes something else into a database of ours: only a path
that does not exist gets a new database, built beside it under a temporary name and linked
into place when complete. An existing file must be an SQLite file whose tables are ours
before anything is written to it (not even the switch to WAL); a 0-byte file, a text file or
another program's database is refused. The program's own opening checks the file
(``PRAGMA quick_check`` within a time budget) and refuses a damaged one; a file that cannot
be written (read-only medium or file, a full disk) opens read-only, and every write is then
refused with a message that says why. docs/storage-safety.md has the reasons.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000

# The program's own opening runs PRAGMA quick_check for at most this long. A file of a few
# thousand cases (tens of MB) is checked whole well within it (quick_check reads about
# 500 MB/s from the OS cache, less from a cold disk). The 100,000-case bench file (1 GB)
# takes 2 s warm and up to 8 s cold: a file larger than QUICK_CHECK_AT_OPEN_BYTES is not
# checked at the opening at all (the budget would only be lost), and every file whose check
# did not finish is checked whole in the background once the window shows
# (app/ui/storage_status.py); the daily backup runs the full integrity_check
# (app/models/backup.py). docs/storage-safety.md has the figures.
QUICK_CHECK_BUDGET_MS = 300
QUICK_CHECK_AT_OPEN_BYTES = 100 * 1024 * 1024
# Below this much free space on the database's disk a save may fail at any time (a
# checkpoint alone can grow the -wal file by 4 MB): the file opens read-only, and a new
# database is not created.
MIN_FREE_BYTES = 8 * 1024 * 1024
# Problem lines of quick_check/integrity_check kept (for the log and support).
CHECK_PROBLEMS_KEPT = 20

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every version of our schema has had since v1: a file without them is not ours.
MARKER_TABLES = frozenset({"settings", "cases", "parties", "case_parties", "case_events"})


class StorageError(Exception):
    """A problem with the database file or the machine, not with our code.

    ``message`` is plain Chinese for the user: what is wrong and what to do.
    ``offer_restore``: restoring the newest good backup is what helps (the UI offers it).
    """

    offer_restore: ClassVar[bool] = False

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class DatabaseLockedError(StorageError):
    pass


class DatabaseReadOnlyError(StorageError):
    pass


class DiskFullError(StorageError):
    pass


class NotADatabaseError(StorageError):
    """The file is not a database of this program (a text file, another program's SQLite
    file, a table-less database, a folder): refused untouched."""


class EmptyDatabaseFileError(NotADatabaseError):
    """A 0-byte file where a database should be: never made into a new database (that
    would hide the loss of the data that was there)."""

    offer_restore = True


class DamagedDatabaseError(StorageError):
    """The file is ours but damaged: quick_check or integrity_check found problems, or
    SQLite reported corruption while reading or writing. Nothing more is written to it in
    this session (``mark_damaged``). ``problems``: what the check said, when it ran."""

    offer_restore = True

    def __init__(
        self, message: str, *, path: Path | None = None, problems: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, path=path)
        self.problems = problems


class MissingDatabaseError(StorageError):
    """A connection to a file the program opened before found it gone (a USB stick
    pulled out): never a new empty file in its place."""


class NewerSchemaError(StorageError):
    pass


def _describe(path: Path | None) -> str:
    return f"“{path}”" if path else "数据库文件"


def translate_error(exc: sqlite3.Error, path: Path | None, *, reading: bool = False) -> Exception:
    """Map a sqlite3 exception to a StorageError when the environment caused it.

    ``reading``: the failed statement only read (a refresh, a search), so the message must
    not speak of a save. Returns the original exception (a bug) when it is not an
    environment problem.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    where = _describe(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        if reading:
            return DatabaseLockedError(
                f"数据库{where}正被另一个程序占用（已锁定），暂时读不出来，已保存的内容不受影响。"
                "请关闭其他打开该文件的窗口或程序，稍后按 F5 刷新。",
                path=path,
            )
        return DatabaseLockedError(
            f"数据库{where}正被另一个程序占用（已锁定），本次保存没有进行。"
            "请关闭其他打开该文件的窗口或程序，稍后再试。",
            path=path,
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return DatabaseReadOnlyError(
            f"数据库{where}是只读的，不能保存。请检查文件或所在文件夹的写入权限，"
            "或把文件复制到可写的位置后用“--db”打开。",
            path=path,
        )
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DiskFullError(
            f"磁盘空间已满，数据库{where}无法保存。本次修改没有写入，已保存的数据不受影响。"
            "请清理磁盘空间后再试。",
            path=path,
        )
    if (
        name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
        or "file is not a database" in text
        or "malformed" in text
    ):
        # Files that are not ours are refused by connect() before any statement of the
        # program runs: here it is our file, damaged (a page, or the header).
        when = "read" if reading else "write"
        return DamagedDatabaseError(damaged_message(path, when=when), path=path)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR")) or (
        "unable to open" in text
    ):
        return StorageError(
            f"无法打开或写入数据库{where}。请检查文件是否存在、U盘是否已拔出、"
            "以及文件夹的写入权限。",
            path=path,
        )
    return exc


def damaged_message(path: Path | None, *, when: str = "read", problems: int = 0) -> str:
    """What the user reads about a damaged database file (plain Chinese). ``when``:
    "open" (the check at opening found ``problems``), "read" or "write" (SQLite reported
    the damage during a statement)."""
    where = _describe(path)
    if when == "open":
        what = f"数据库{where}已损坏（打开时检查发现{problems or '多'}处错误）。"
    else:
        done = "刚才的内容没有读出来" if when == "read" else "刚才的操作没有保存"
        what = f"数据库{where}已损坏（读写时发现文件内容有错），{done}。"
    return (
        f"{what}为免损坏扩大，程序不再往这个文件写入任何内容。"
        "请从备份恢复最近一份完好的数据（“设置”→“备份与恢复”）；恢复之前可以只读打开，查看和打印现有的内容。"
    )


def utc_now() -> str:
    """A moment, as UTC ISO-8601 with milliseconds (sortable as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def local_moment(utc_iso: str) -> datetime | None:
    """A moment as utc_now stores it, in this computer's time zone; None when the text is
    not such a moment (each caller shows that its own way)."""
    try:
        return datetime.fromisoformat(utc_iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None


Migration = Callable[[sqlite3.Connection], None]


@contextmanager
def _translating(db: Database) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        translated = db._translate(exc)
        if translated is exc:
            raise  # a bug, not the environment: keep it as it is
        raise translated from exc


def _before_commit(conn: sqlite3.Connection) -> None:
    """Derived rows kept in the same transaction as the change, whoever made it: the
    statistics' per-month summary takes in the cases its triggers noted
    (app/models/stats/summary.py; nothing is imported while nothing was noted). A failure
    there never stops the change: the summary's part is undone and logged, the cases stay
    noted, and the statistics count live until a later commit takes them in."""
    try:
        noted = conn.execute("SELECT 1 FROM stats_dirty LIMIT 1").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a file before schema 9, while it is upgraded
            return
        raise
    if noted is None:
        return
    from app.models.stats import summary

    conn.execute("SAVEPOINT stats_summary")
    try:
        summary.flush(conn)
    except sqlite3.Error:
        log.exception("the statistics summary was not brought up to date: counted live")
        conn.execute("ROLLBACK TO stats_summary")
    finally:
        conn.execute("RELEASE stats_summary")


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Hold one read transaction on ``conn`` across several statements: they all read the
    database at one moment, whatever a writer elsewhere commits meanwhile (a backup's
    steps, the statistics' parts). Inside the caller's transaction it is that one."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        yield
    finally:
        conn.execute("ROLLBACK")


# What this process learnt about a file, for every connection to it (workers open their
# own): a damaged file is never written again in this run; a file opened read-only for a
# reason the file itself does not show (the user chose to view a damaged file, the disk was
# full at start) stays read-only. Keys: _file_key(path).
_session_lock = threading.Lock()
_damaged_files: set[str] = set()
_read_only_files: dict[str, str] = {}


def _file_key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def mark_damaged(path: Path) -> None:
    """Treat the file at ``path`` as damaged for the rest of this run: every transaction
    on it is refused (DamagedDatabaseError) before it begins."""
    key = _file_key(path)
    with _session_lock:
        if key not in _damaged_files:
            log.error("database %s is damaged: no more writes in this run", path)
        _damaged_files.add(key)


def is_damaged(path: Path) -> bool:
    return _is_damaged_key(_file_key(path))


def _is_damaged_key(key: str) -> bool:
    with _session_lock:
        return key in _damaged_files


def keep_read_only(path: Path, reason: str) -> None:
    """Open every later connection to ``path`` in this run read-only; ``reason`` (plain
    Chinese) is what a refused write says."""
    with _session_lock:
        _read_only_files[_file_key(path)] = reason


def forget_file(path: Path) -> None:
    """Forget what this run learnt about ``path`` (a restore put a good file there)."""
    key = _file_key(path)
    with _session_lock:
        _damaged_files.discard(key)
        _read_only_files.pop(key, None)


def _session_read_only_reason(path: Path) -> str:
    return _read_only_reason_of_key(_file_key(path))


def _read_only_reason_of_key(key: str) -> str:
    with _session_lock:
        return _read_only_files.get(key, "")


@dataclass
class Database:
    """An open SQLite database. One per thread: workers open their own.

    ``read_only``: opened read-only (``read_only_reason`` says why, in plain Chinese);
    every transaction is refused before it begins. ``notices``: what the user should be
    told once after opening (a network share). ``integrity``: "ok" (quick_check passed at
    opening), "unchecked" (not checked, or not finished within the budget) or "damaged".
    """

    conn: sqlite3.Connection
    path: Path | None
    read_only: bool = False
    read_only_reason: str = ""
    notices: list[str] = field(default_factory=list)
    integrity: str = "unchecked"

    def __post_init__(self) -> None:
        self._depth = 0
        self._thread = threading.get_ident()
        self.is_open = True
        self._keyed: Path | None = None  # the path whose _file_key is _key
        self._key = ""

    def adopt(self, fresh: Database) -> None:
        """Take over ``fresh``'s connection and what its opening found (after the file was
        replaced: a restored backup, a starter file), so every window holding this object
        reads the new file. The old connection is closed."""
        old = self.conn
        self.conn = fresh.conn
        self.path = fresh.path
        self.read_only = fresh.read_only
        self.read_only_reason = fresh.read_only_reason
        self.notices = list(fresh.notices)
        self.integrity = fresh.integrity
        self._depth = 0
        self.is_open = fresh.is_open
        if old is not fresh.conn:
            with contextlib.suppress(sqlite3.Error):  # already closed
                old.close()

    def write_refusal(self) -> StorageError | None:
        """Why a write must not begin (the file is damaged, or open read-only), or None."""
        if self.path is None:
            return None
        key = self._session_key()
        if self.integrity == "damaged" or _is_damaged_key(key):
            return DamagedDatabaseError(
                f"数据库{_describe(self.path)}已损坏，本次运行只能查看，不能修改，"
                "刚才的操作没有保存。请从备份恢复最近一份完好的数据（“设置”→“备份与恢复”）。",
                path=self.path,
            )
        reason = self.read_only_reason or _read_only_reason_of_key(key)
        if self.read_only or reason:
            reason = reason or f"数据库{_describe(self.path)}是以只读方式打开的。"
            return DatabaseReadOnlyError(f"{reason}刚才的修改没有保存。", path=self.path)
        return None

    def _session_key(self) -> str:
        """The key of this run's notes on the file, worked out once per path: every write
        transaction asks (resolving the path walks each of its folders)."""
        path = self.path
        assert path is not None
        if self._keyed is not path:
            self._keyed, self._key = path, _file_key(path)
        return self._key

    def _storage_error(self, exc: sqlite3.Error, *, reading: bool) -> Exception:
        translated = translate_error(exc, self.path, reading=reading)
        if isinstance(translated, DamagedDatabaseError) and self.path is not None:
            self.integrity = "damaged"
            mark_damaged(self.path)
        return translated

    # ---- transactions -------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolls back on any exception.

        Nested use joins the outer transaction (a savepoint keeps the inner part atomic).
        Environment errors are raised as StorageError subclasses.
        """
        conn = self.conn
        if self._depth == 0:
            refusal = self.write_refusal()
            if refusal is not None:
                raise refusal
        try:
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute(f"SAVEPOINT sp{self._depth}")
        except sqlite3.Error as exc:
            raise self._storage_error(exc, reading=False) from exc
        self._depth += 1
        try:
            yield conn
        except BaseException as exc:
            self._depth -= 1
            try:
                if self._depth == 0:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO sp{self._depth}")
                    conn.execute(f"RELEASE sp{self._depth}")
            except sqlite3.Error:  # rollback after e.g. SQLITE_FULL may fail: the
                log.exception("rollback failed")  # transaction is already gone.
            if isinstance(exc, sqlite3.Error):
                raise self._storage_error(exc, reading=False) from exc
            raise
        else:
            self._depth -= 1
            try:
                if self._depth == 0:
                    _before_commit(conn)
                    conn.execute("COMMIT")
                else:
                    conn.execute(f"RELEASE sp{self._depth}")
            except sqlite3.Error as exc:
                if self._depth == 0 and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise self._storage_error(exc, reading=False) from exc

    # ---- reads ----------------------------------------------------------
    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        try:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        return row

    def column(self, sql: str, params: Any = ()) -> list[Any]:
        """The first column of every row, read without building sqlite3.Row objects
        (100,000 of them would triple the time of the register's seq list)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            return [row[0] for row in cursor.execute(sql, params)]
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def reading(self) -> AbstractContextManager[None]:
        """Translate sqlite errors of raw ``conn`` reads inside the block (e.g. FTS calls)."""
        return _translating(self)

    def _translate(self, exc: sqlite3.Error) -> Exception:
        return self._storage_error(exc, reading=self._depth == 0)

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        self.is_open = False  # timers still holding this object stop reading it
        self.conn.close()


def connect(
    path: Path | str,
    *,
    migrate: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    check: bool | None = None,
    read_only: bool = False,
) -> Database:
    """Open the database at ``path``. ``migrate`` (the program's own opening): create it when
    the path does not exist, and bring an older file to the current schema.

    - ``check`` (default: ``migrate``): PRAGMA quick_check for at most QUICK_CHECK_BUDGET_MS;
      problems raise DamagedDatabaseError and the file is not written (``mark_damaged``).
      ``Database.integrity`` says whether the check finished.
    - ``read_only``: open read-only whatever the file allows (to view a damaged file). A file
      that cannot be written (read-only medium, file or folder; less than MIN_FREE_BYTES free
      on its disk; ``keep_read_only``) opens read-only by itself, with
      ``Database.read_only_reason`` saying why.
    - Refused untouched: a 0-byte file (EmptyDatabaseFileError), a folder, a file that is not
      an SQLite database or whose tables are not ours (NotADatabaseError), a newer file
      (NewerSchemaError), an older file that cannot be written (it needs upgrading), a
      missing file without ``migrate`` (MissingDatabaseError: a worker never makes one).
    - ``":memory:"`` gives a private in-memory database (tests).
    """
    if str(path) == ":memory:":
        return _connect_memory(migrate=migrate, busy_timeout_ms=busy_timeout_ms)
    file_path = Path(path)
    check = migrate if check is None else check
    if not _exists(file_path):
        if not migrate or read_only:
            raise MissingDatabaseError(
                f"找不到数据库文件“{file_path}”。如果它在U盘或移动硬盘上，请检查是否已插好，"
                "然后重新启动程序。",
                path=file_path,
            )
        _create(file_path, busy_timeout_ms=busy_timeout_ms)
    _refuse_what_is_not_a_database(file_path)
    if check and not read_only and is_damaged(file_path):
        raise DamagedDatabaseError(damaged_message(file_path, when="open"), path=file_path)
    reason = _read_only_reason(file_path, requested=read_only)
    conn = _open_file(file_path, read_only=bool(reason), busy_timeout_ms=busy_timeout_ms)
    db = Database(conn, file_path, read_only=bool(reason), read_only_reason=reason)
    try:
        version = _probe_ours(conn, file_path)
        if reason and version < _latest():
            raise DatabaseReadOnlyError(
                f"{reason}这个数据库是旧版本的调解工作台建立的（数据格式第{version}版），"
                "要先升级才能打开，而升级需要写入文件。请把数据库文件复制到电脑硬盘上可以写入的"
                "文件夹，再用本程序打开。",
                path=file_path,
            )
        _apply_pragmas(conn, memory=False, busy_timeout_ms=busy_timeout_ms, writable=not reason)
        if not reason:
            from app.models import privacy

            privacy.restrict_database_files(file_path)  # ours: made private (docs/privacy.md)
        if check:
            _check_at_open(db, raise_if_damaged=not read_only)
        if migrate and not reason:
            from app.models import schema, search

            migrate_to_latest(db, schema.MIGRATIONS)
            search.check_index_at_open(db)  # an older index is rebuilt later, in the background
        if migrate:
            share = network_filesystem(file_path)
            if share is not None:
                log.warning("database %s is on a network file system (%s)", file_path, share)
                db.notices.append(network_share_message(file_path, share))
    except sqlite3.Error as exc:
        conn.close()
        translated = translate_error(exc, file_path, reading=True)
        if isinstance(translated, DamagedDatabaseError):
            mark_damaged(file_path)
        raise translated from exc
    except BaseException:
        conn.close()
        raise
    return db


def _latest() -> int:
    from app.models import schema

    return schema.LATEST


def _connect_memory(*, migrate: bool, busy_timeout_ms: int) -> Database:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    db = Database(conn, None, integrity="ok")
    _apply_pragmas(conn, memory=True, busy_timeout_ms=busy_timeout_ms, writable=True)
    if migrate:
        from app.models import schema, search

        migrate_to_latest(db, schema.MIGRATIONS)
        search.check_index_at_open(db)
    return db


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:  # a folder on the way cannot be read: not "missing"
        raise StorageError(
            f"无法访问数据库文件“{path}”：{exc.strerror}。请检查文件夹的权限，"
            "或U盘、网络位置是否还能打开。",
            path=path,
        ) from exc
    return True


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 0) // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _create(path: Path, *, busy_timeout_ms: int) -> None:
    """Make a new database at ``path``, atomically: it is built beside ``path`` under a
    temporary name and linked into place only when complete (link, not rename: a file that
    appeared at ``path`` meanwhile, e.g. made by a second copy of the program starting at
    the same moment, is kept and used). So ``path`` never holds a half-made database, and
    a file found there is never ours to overwrite."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"无法创建数据库所在的文件夹“{folder}”：{exc.strerror}。请检查权限或换一个位置。",
            path=path,
        ) from exc
    free = _free_bytes(folder)
    if free is not None and free < MIN_FREE_BYTES:
        raise DiskFullError(
            f"“{folder}”所在的磁盘已满（只剩{_size_text(free)}），无法新建数据库“{path.name}”。"
            "请删除不需要的文件、清空回收站，腾出空间后再启动程序。",
            path=path,
        )
    _remove_stale_creations(path)
    from app.models import privacy, schema, search

    tmp = folder / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.new"
    try:
        try:
            with privacy.private_umask():  # a new file is created 0600 (docs/privacy.md)
                conn = sqlite3.connect(
                    str(tmp), isolation_level=None, timeout=busy_timeout_ms / 1000
                )
            conn.row_factory = sqlite3.Row
            try:
                db = Database(conn, tmp, integrity="ok")
                _apply_pragmas(conn, memory=False, busy_timeout_ms=busy_timeout_ms, writable=True)
                migrate_to_latest(db, schema.MIGRATIONS)
                search.check_index_at_open(db)
            finally:
                conn.close()  # the last connection checkpoints and removes the -wal
        except sqlite3.Error as exc:
            raise translate_error(exc, path) from exc
        _link_into_place(tmp, path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with _suppress_os_error():
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)


@contextmanager
def _suppress_os_error() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        log.warning("could not remove a temporary file: %s", exc)


def _link_into_place(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
        log.info("created the database %s", path)
    except FileExistsError:
        log.info("%s was created meanwhile (another copy of the program?): using it", path)
    except OSError:
        # No hard links here (a FAT-formatted USB stick). Windows' rename refuses an
        # existing target; elsewhere the check just before leaves a window of microseconds.
        if _exists(path):
            log.info("%s was created meanwhile: using it", path)
            return
        try:
            os.rename(tmp, path)
        except FileExistsError:
            log.info("%s was created meanwhile: using it", path)
        except OSError as exc:
            raise StorageError(
                f"无法新建数据库“{path}”：{exc.strerror}。请检查文件夹的写入权限或换一个位置。",
                path=path,
            ) from exc


STALE_CREATION_S = 3600


def _remove_stale_creations(path: Path) -> None:
    """Temporary files of a creation killed half-way (a power cut): removed after an hour."""
    now = time.time()
    try:
        leftovers = list(path.parent.glob(f".{path.name}.*.new*"))
    except OSError:
        return
    for leftover in leftovers:
        with _suppress_os_error():
            if now - leftover.stat().st_mtime > STALE_CREATION_S:
                leftover.unlink()


def _refuse_what_is_not_a_database(path: Path) -> None:
    """A folder, an empty file, a file that does not start as SQLite files do: refused
    before SQLite opens it (which would make an empty file into a new database)."""
    where = _describe(path)
    if path.is_dir():
        raise NotADatabaseError(
            f"{where}是一个文件夹，不是数据库文件。"
            "请选择调解工作台的数据库文件（通常叫 mediation.sqlite3）。",
            path=path,
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(
            f"无法读取数据库文件{where}：{exc.strerror}。请检查文件的权限，或U盘是否已拔出。",
            path=path,
        ) from exc
    if size == 0:
        if path.suffix.lower() == ".bak" or ".bak" in path.name.lower():
            raise EmptyDatabaseFileError(
                f"{where}是一个空的备份文件（0 字节），里面没有数据，不能打开，也不能用来恢复。"
                "请选择其他备份文件。",
                path=path,
            )
        raise EmptyDatabaseFileError(
            f"{where}是一个空文件（0 字节），不是本程序的数据库，里面没有任何数据，可能是复制"
            "没有完成或磁盘出过错。程序不会把它当作新数据库使用，以免掩盖数据的丢失。"
            "请从备份恢复（“设置”→“备份与恢复”）；确实要新建数据库的，请先删除这个空文件，"
            "或者换一个还不存在的文件名。",
            path=path,
        )
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            f"{where}不是本程序的数据库：它不是 SQLite 数据库文件（可能是文本、表格或其他程序的"
            "文件）。程序没有改动它。请选择调解工作台的数据库文件（通常叫 mediation.sqlite3）。",
            path=path,
        )


def _read_only_reason(path: Path, *, requested: bool) -> str:
    """Why ``path`` must be opened read-only (plain Chinese, ends with "。"), or ""."""
    where = _describe(path)
    view = "程序以只读方式打开：可以查看和打印，不能修改。"
    session = _session_read_only_reason(path)
    if session:
        return session
    if requested:
        return f"数据库{where}是以只读方式打开的：可以查看和打印，不能修改。"
    if _on_read_only_medium(path):
        return (
            f"数据库{where}在只读的磁盘上（如写保护的U盘、光盘），{view}"
            "要修改，请把它复制到电脑硬盘上再打开。"
        )
    if not os.access(path, os.W_OK):
        return (
            f"数据库文件{where}是只读的（文件的属性或权限不允许写入），{view}"
            "要修改，请去掉文件的“只读”属性或请管理员检查权限，然后重新启动程序。"
        )
    if not os.access(path.parent, os.W_OK):
        return (
            f"数据库所在的文件夹“{path.parent}”不允许写入（保存时要在它里面建临时文件），{view}"
            "要修改，请请管理员检查这个文件夹的权限，或把数据库复制到可以写入的文件夹。"
        )
    free = _free_bytes(path.parent)
    if free is not None and free < MIN_FREE_BYTES:
        reason = (
            f"数据库{where}所在的磁盘已满（只剩{_size_text(free)}），保存随时可能失败，"
            f"为保护已有的数据，{view}请删除不需要的文件、清空回收站，腾出空间后重新启动程序。"
        )
        keep_read_only(path, reason)  # workers too, for this run
        return reason
    return ""


def _on_read_only_medium(path: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:  # Windows: os.access covers a write-protected drive
        return False
    try:
        return bool(statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _uri(path: Path, query: str) -> str:
    """An SQLite URI for ``path`` (any characters, Windows drive and UNC paths)."""
    from urllib.parse import quote

    text = str(path.resolve()).replace("\\", "/")
    if not text.startswith("/"):
        text = "/" + text  # C:/… → /C:/…
    return f"file://{quote(text, safe='/:')}?{query}"


def _open_file(path: Path, *, read_only: bool, busy_timeout_ms: int) -> sqlite3.Connection:
    timeout = busy_timeout_ms / 1000
    try:
        if not read_only:
            from app.models import privacy

            with privacy.private_umask():  # its -wal/-shm are made 0600 (docs/privacy.md)
                conn = sqlite3.connect(
                    str(path), isolation_level=None, check_same_thread=True, timeout=timeout
                )
        else:
            conn = _open_read_only(path, timeout)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def _open_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """mode=ro reads the -wal too, but needs to make the -shm file beside the database; on
    a read-only medium (or a full disk) without one, the file is opened ``immutable``,
    which is right as long as no -wal holds changes not yet in the file."""
    conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True, isolation_level=None, timeout=timeout)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        name = getattr(exc, "sqlite_errorname", "") or ""
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR")):
            raise
        wal = Path(f"{path}-wal")
        if _exists(wal) and wal.stat().st_size > 0:
            raise StorageError(
                f"数据库“{path}”旁边的“{wal.name}”文件里还有没有合并进数据库的修改，"
                "在只读的位置上读不出来。请把数据库文件和同名的 -wal、-shm 文件一起复制到电脑"
                "硬盘上再打开。",
                path=path,
            ) from exc
        log.info("opening %s immutable (no -shm can be made beside it)", path)
        return sqlite3.connect(
            _uri(path, "mode=ro&immutable=1"), uri=True, isolation_level=None, timeout=timeout
        )


def _probe_ours(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, when its tables are ours; NotADatabaseError otherwise.
    Only reads: nothing is written to a file that is not ours."""
    names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    where = _describe(path)
    if version < 1 or not names >= MARKER_TABLES:
        if not names:
            raise NotADatabaseError(
                f"{where}不是本程序的数据库：它是一个空的 SQLite 数据库（里面没有任何表）。"
                "程序不会把它改作自己的数据库。要新建数据库，请用一个还不存在的文件名；要打开"
                "已有的数据，请选择调解工作台的数据库文件（通常叫 mediation.sqlite3）。",
                path=path,
            )
        shown = "、".join(sorted(names)[:5]) + ("等" if len(names) > 5 else "")
        raise NotADatabaseError(
            f"{where}不是本程序的数据库：它是其他程序的 SQLite 数据库（里面的表有 {shown}）。"
            "程序没有改动它。请选择调解工作台的数据库文件（通常叫 mediation.sqlite3）。",
            path=path,
        )
    latest = _latest()
    if version > latest:
        raise newer_schema_error(path, version, latest)
    return version


def newer_schema_error(path: Path | None, version: int, latest: int) -> NewerSchemaError:
    return NewerSchemaError(
        f"数据库{_describe(path)}是由更新版本的调解工作台创建的（数据格式第{version}版，"
        f"本程序只认识到第{latest}版）。为避免损坏数据，本程序不会打开它。"
        "请升级本程序后再打开。",
        path=path,
    )


def _check_at_open(db: Database, *, raise_if_damaged: bool) -> None:
    assert db.path is not None
    size = _file_size(db.path)
    if size > QUICK_CHECK_AT_OPEN_BYTES:
        log.info("%s has %d MB: quick_check left to the background", db.path, size >> 20)
        db.integrity = "unchecked"
        return
    started = time.perf_counter()
    problems = integrity_problems(db.conn, budget_ms=QUICK_CHECK_BUDGET_MS)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if problems is None:
        log.info(
            "quick_check of %s not finished in %.0f ms: left to the background", db.path, elapsed_ms
        )
        db.integrity = "unchecked"
        return
    if not problems:
        log.info("quick_check of %s: ok (%.0f ms)", db.path, elapsed_ms)
        db.integrity = "ok"
        return
    log.error("quick_check of %s found %d problem(s): %s", db.path, len(problems), problems)
    db.integrity = "damaged"
    mark_damaged(db.path)
    if raise_if_damaged:
        raise DamagedDatabaseError(
            damaged_message(db.path, when="open", problems=len(problems)),
            path=db.path,
            problems=tuple(problems),
        )


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size + Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        try:
            return path.stat().st_size
        except OSError:
            return 0
    except OSError:
        return 0


def integrity_problems(
    conn: sqlite3.Connection, *, full: bool = False, budget_ms: int | None = None
) -> list[str] | None:
    """What ``PRAGMA quick_check`` (``full``: ``integrity_check``) finds wrong, at most
    CHECK_PROBLEMS_KEPT lines; [] when the file is sound. None when it did not finish within
    ``budget_ms`` (stopped with sqlite3_interrupt: the B-tree check honours it, a progress
    handler is not called inside it; a clean check that ended after the budget because a busy
    machine started the timer late counts as not finished too, so the answer does not depend
    on thread scheduling). A page SQLite cannot read at all is a problem too."""
    pragma = "integrity_check" if full else "quick_check"
    started = time.monotonic()
    timer = threading.Timer(budget_ms / 1000, conn.interrupt) if budget_ms is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        rows = conn.execute(f"PRAGMA {pragma}({CHECK_PROBLEMS_KEPT})").fetchall()
    except sqlite3.OperationalError as exc:
        if timer is not None and "interrupted" in str(exc).lower():
            return None
        if _is_corruption(exc):
            return [str(exc)]
        raise
    except sqlite3.DatabaseError as exc:
        if _is_corruption(exc):
            return [str(exc)]
        raise
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    problems = [p for p in problems if not _misread_null(conn, p)]
    if not problems and budget_ms is not None and (time.monotonic() - started) * 1000 > budget_ms:
        return None
    return problems


_NULL_VALUE = re.compile(r"NULL value in ([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)")


def _misread_null(conn: sqlite3.Connection, problem: str) -> bool:
    """SQLite 3.40's check misreads a WITHOUT ROWID table's NOT NULL columns declared
    before a key column ("NULL value in t.c" for a row whose c is set): such a line is kept
    only when the table really holds a NULL there."""
    m = _NULL_VALUE.fullmatch(problem)
    if m is None:
        return False
    table, column = m.groups()
    try:
        found = conn.execute(f'SELECT 1 FROM "{table}" WHERE "{column}" IS NULL LIMIT 1').fetchone()
    except sqlite3.Error:
        return False
    return found is None


def _is_corruption(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text


def _apply_pragmas(
    conn: sqlite3.Connection, *, memory: bool, busy_timeout_ms: int, writable: bool
) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if writable and not memory:  # only once the file is known to be ours
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("journal_mode stays %s", mode)
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
    if not writable:
        conn.execute("PRAGMA query_only = ON")  # a second guard behind write_refusal()


# FULL: a COMMIT returns only once the -wal file is on the disk, so a case number shown
# (or printed) after 受理 survives a power cut and is never given again. With NORMAL the
# last commits before a power cut may vanish (the OS had not written them yet) and their
# numbers be given a second time. The price, measured on the 100,000-case bench file
# (bench/safety.py, two runs): 登记 1.0 → 1.8-4.0 ms, 受理 0.6 → 1.4-4.0 ms: one fsync per
# save, unnoticed by a person clicking 保存 (docs/storage-safety.md).
SYNCHRONOUS = "FULL"


# ---- network file systems ---------------------------------------------------------------

# Linux file system types of network shares (/proc/mounts, third field).
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "fuse.sshfs",
        "fuse.davfs",
        "davfs",
        "fuse.gvfsd-fuse",
        "fuse.rclone",
        "fuse.s3fs",
    }
)


def network_filesystem(path: Path, *, mounts: str | None = None) -> str | None:
    """The kind of network share ``path`` is on ("nfs", "cifs", "网络驱动器" …), or None
    when it is on a local disk or this cannot be told. Linux: the mount with the longest
    prefix of the path in /proc/mounts (``mounts``: that file's text); Windows: a UNC path
    (\\\\server\\share) or a drive GetDriveType calls DRIVE_REMOTE."""
    if sys.platform == "win32":
        return _windows_network_drive(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    try:
        target = str(path.resolve())
    except OSError:
        target = str(path.absolute())
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes space, tab, newline and backslash as octal.
        point = fields[1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        point = point.encode("latin-1", "replace").decode("utf-8", "replace")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    if best_type in NETWORK_FS_TYPES:
        return best_type
    return None


def _windows_network_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    text = str(path.absolute())
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "网络共享文件夹"
    if text.startswith("\\\\?\\UNC\\"):
        return "网络共享文件夹"
    drive = path.absolute().drive
    if not drive:
        return None
    import ctypes

    drive_remote = 4
    kernel32 = getattr(ctypes, "windll", None)
    if kernel32 is None:
        return None
    if int(kernel32.kernel32.GetDriveTypeW(f"{drive}\\")) == drive_remote:
        return "网络驱动器"
    return None


def network_share_message(path: Path, kind: str) -> str:
    return (
        f"数据库“{path}”放在网络共享位置上（{kind}）。SQLite 数据库在网络共享上不安全："
        "网络断开或几台电脑同时打开，都可能损坏数据。请把数据库放在本机硬盘上；"
        "几台电脑之间交换案件，请用“同步”（外出笔记本与办公室电脑之间的同步文件）。"
    )


def migrate_to_latest(db: Database, migrations: list[Migration]) -> None:
    """Run the ladder: migrations[i] takes a file from version i to i+1, each in one transaction."""
    latest = len(migrations)
    current = db.user_version
    if current > latest:
        raise newer_schema_error(db.path, current, latest)
    if current == latest:
        return
    if current > 0 and db.path is not None:
        from app.models import backup  # a kept, checked 升级前 backup (docs/backup.md)

        backup.before_migration(db, current)
    for version in range(current, latest):
        log.info("migrating %s from schema %d to %d", db.path, version, version + 1)
        with db.transaction() as conn:
            migrations[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")


def backup_copy(db: Database, target: Path) -> None:
    """A consistent copy of a live database (SQLite backup API, safe with WAL)."""
    from app.models import privacy

    try:
        with privacy.private_umask():  # a copy is as private as the file (docs/privacy.md)
            dest = sqlite3.connect(str(target))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise translate_error(exc, target) from exc
