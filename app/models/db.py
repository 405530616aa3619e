"""The one place that opens SQLite connections.

Owns pragmas, transactions, the schema migration ladder and the split between
*environment* errors (locked, read-only, full disk, not a database, newer file: shown to the
user in plain Chinese, no traceback) and *bugs* (everything else: the crash dialog).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class StorageError(Exception):
    """A problem with the database file or the machine, not with our code.

    ``message`` is plain Chinese for the user: what is wrong and what to do.
    """

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
    pass


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
        return NotADatabaseError(
            f"{where}不是本程序的数据库，或者文件已损坏。请从备份恢复，或选择其他数据库文件。",
            path=path,
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR")) or (
        "unable to open" in text
    ):
        return StorageError(
            f"无法打开或写入数据库{where}。请检查文件是否存在、U盘是否已拔出、"
            "以及文件夹的写入权限。",
            path=path,
        )
    return exc


def utc_now() -> str:
    """A moment, as UTC ISO-8601 with milliseconds (sortable as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


@dataclass
class Database:
    """An open SQLite database. One per thread: workers open their own."""

    conn: sqlite3.Connection
    path: Path | None

    def __post_init__(self) -> None:
        self._depth = 0
        self._thread = threading.get_ident()

    # ---- transactions -------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolls back on any exception.

        Nested use joins the outer transaction (a savepoint keeps the inner part atomic).
        Environment errors are raised as StorageError subclasses.
        """
        conn = self.conn
        try:
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute(f"SAVEPOINT sp{self._depth}")
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
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
                raise translate_error(exc, self.path) from exc
            raise
        else:
            self._depth -= 1
            try:
                if self._depth == 0:
                    conn.execute("COMMIT")
                else:
                    conn.execute(f"RELEASE sp{self._depth}")
            except sqlite3.Error as exc:
                if self._depth == 0 and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise translate_error(exc, self.path) from exc

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
        return translate_error(exc, self.path, reading=self._depth == 0)

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        self.conn.close()


def connect(
    path: Path | str, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (creating if needed) the database at ``path`` and bring it to the current schema.

    ``":memory:"`` gives a private in-memory database (tests).
    """
    from app.models import schema  # the ladder lives beside the tables

    memory = str(path) == ":memory:"
    file_path = None if memory else Path(path)
    if file_path is not None:
        try:
            file_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"无法创建数据库所在的文件夹“{file_path.parent}”：{exc.strerror}。"
                "请检查权限或换一个位置。",
                path=file_path,
            ) from exc
    try:
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=True, timeout=busy_timeout_ms / 1000
        )
    except sqlite3.Error as exc:
        raise translate_error(exc, file_path) from exc
    conn.row_factory = sqlite3.Row
    db = Database(conn, file_path)
    try:
        _apply_pragmas(conn, memory=memory, busy_timeout_ms=busy_timeout_ms)
        if migrate:
            migrate_to_latest(db, schema.MIGRATIONS)
            from app.models import search

            search.check_index_at_open(db)  # an older index is rebuilt later, in the background
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, file_path) from exc
    except BaseException:
        conn.close()
        raise
    return db


def _apply_pragmas(conn: sqlite3.Connection, *, memory: bool, busy_timeout_ms: int) -> None:
    # The first read tells a non-database file at once, before any write is attempted.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if not memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # read-only media cannot switch; reads still work
            log.warning("journal_mode stays %s", mode)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache


def migrate_to_latest(db: Database, migrations: list[Migration]) -> None:
    """Run the ladder: migrations[i] takes a file from version i to i+1, each in one transaction."""
    latest = len(migrations)
    current = db.user_version
    if current > latest:
        raise NewerSchemaError(
            f"数据库{_describe(db.path)}是由更新版本的调解工作台创建的（数据格式第{current}版，"
            f"本程序只认识到第{latest}版）。为避免损坏数据，本程序不会打开它。"
            "请升级本程序后再打开。",
            path=db.path,
        )
    if current == latest:
        return
    if current > 0 and db.path is not None:
        backup_copy(db, db.path.with_name(f"{db.path.name}.v{current}.bak"))
    for version in range(current, latest):
        log.info("migrating %s from schema %d to %d", db.path, version, version + 1)
        with db.transaction() as conn:
            migrations[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")


def backup_copy(db: Database, target: Path) -> None:
    """A consistent copy of a live database (SQLite backup API, safe with WAL)."""
    try:
        dest = sqlite3.connect(str(target))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise translate_error(exc, target) from exc
