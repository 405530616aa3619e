"""The files on the USB stick: 同步文件 (.mdsync) and 外出准备文件 (.mdstart).

Glue between the bundles of :mod:`exchange`, the field copies of :mod:`field` and the
encrypted envelope of :mod:`package`. Every function here either finishes or leaves both the
database and the target folder as they were (a cancelled or failed 准备外出 takes its
registration back out of the office database).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.models import accounts
from app.models import db as dbmod
from app.models.accounts import Actor
from app.models.db import Database, StorageError
from app.models.errors import DomainError
from app.models.sync import exchange, field, numbers, package
from app.models.sync.exchange import Applied, Bundle
from app.models.sync.scope import Scope

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Written:
    path: Path
    changes: int
    size: int
    to_name: str
    new_blocks: list[tuple[str, int, int, int]]


class StarterRefused(DomainError):
    """A starter file that must not be opened here (``message``: plain Chinese)."""


def _halves(progress: Progress | None, second: bool) -> Progress | None:
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        share = done / total if total else 0.0
        progress(int((share + (1 if second else 0)) * 500), 1000)

    return report


def write_sync(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    to: str | None,
    by: Actor,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Written:
    """Write what ``to`` has not seen yet; the office adds a fresh number block for a
    field laptop that is going out again."""
    mark = field.Registration.before(db)
    try:
        with db.transaction() as conn:
            accounts.authorize(conn, by, "sync")
            me = exchange.this_device(conn)
            blocks: list[tuple[str, int, int, int]] = []
            if me.role == "office" and to and _is_field(conn, to):
                blocks = numbers.reissue(conn, to, by=by.user_id)
        bundle = exchange.make_bundle(db, to=to)
        size = package.write_sync_file(
            path,
            passphrase=passphrase,
            office_id=me.office_id,
            manifest=bundle.manifest,
            changes=list(bundle.records()),
            progress=progress,
            cancelled=cancelled,
        )
    except BaseException:
        mark.undo(db)  # the laptop keeps its numbers, the office its blocks and counters
        raise
    to_name = exchange.device_name(db.conn, to) if to else ""
    return Written(path, len(bundle.changes), size, to_name, blocks)


def _is_field(conn: sqlite3.Connection, device: str) -> bool:
    row = conn.execute("SELECT role FROM devices WHERE id = ?", (device,)).fetchone()
    return row is not None and row[0] == "field"


def read_sync(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Bundle:
    """Read and check a whole sync file (nothing is written to the database)."""
    me = exchange.this_device(db.conn)
    found = package.read_sync_file(
        path,
        passphrase=passphrase,
        expected_office_id=me.office_id,
        progress=progress,
        cancelled=cancelled,
    )
    try:
        changes = exchange.records_to_changes(found.changes)
    except (KeyError, TypeError, ValueError) as exc:
        raise package.DamagedSyncFileError(
            f"同步文件“{Path(path).name}”的内容不完整或已损坏，无法合并。请在对方电脑上重新生成。",
            path=Path(path),
            reason=f"bad change record: {exc}",
        ) from exc
    bundle = Bundle(found.manifest, changes)
    with db.transaction() as conn:  # refuse before the long part
        exchange.check_bundle(conn, bundle.manifest)
    return bundle


def apply_sync(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    by: Actor,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    before_merge: Callable[[], object] | None = None,
) -> Applied:
    """Read, check and merge a sync file: all of it or, on any problem, nothing.
    ``before_merge()`` runs once the file is read and accepted, before anything is written
    (the 同步前 backup, app/models/backup.py)."""
    with db.reading():
        accounts.authorize(db.conn, by, "sync")
    bundle = read_sync(
        db, path, passphrase=passphrase, progress=_halves(progress, False), cancelled=cancelled
    )
    if before_merge is not None:
        before_merge()
    return exchange.apply_bundle(db, bundle, progress=_halves(progress, True), cancelled=cancelled)


def write_starter(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    name: str,
    scope: Scope,
    block_size: int = field.DEFAULT_BLOCK_SIZE,
    by: Actor,
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> field.FieldLaptop:
    """准备外出: register the laptop and write its encrypted starter file."""
    folder = db.path.parent if db.path is not None else Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(dir=folder, prefix=".starter-") as tmp:
        copy_path = Path(tmp) / "field.sqlite3"
        mark = field.Registration.before(db)
        try:
            laptop = field.prepare_field_copy(
                db, copy_path, name=name, scope=scope, block_size=block_size, by=by, today=today
            )
            office = exchange.this_device(db.conn)
            manifest: dict[str, Any] = {
                "kind": "starter",
                "office_id": office.office_id,
                "from": office.id,
                "from_name": office.name,
                "device": laptop.device,
                "name": laptop.name,
                "scope": scope.to_json(),
                "cases": laptop.cases,
                "blocks": laptop.blocks,
            }
            package.write_starter_file(
                path,
                passphrase=passphrase,
                office_id=office.office_id,
                manifest=manifest,
                database_path=copy_path,
                progress=progress,
                cancelled=cancelled,
            )
        except BaseException:
            mark.undo(db)
            raise
    return laptop


def open_starter(
    path: Path,
    target: Path,
    *,
    passphrase: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, Any]:
    """On the laptop: put the starter file's database at ``target`` (closed, empty or absent).

    The database is unpacked beside the target and checked (a field laptop's copy of this
    office, of a schema this program knows) before it replaces anything.
    """
    _expect_no_cases(target)
    header = package.peek(path)
    staging = target.with_name(f".{target.name}.starter")
    _remove_with_journals(staging)
    try:
        manifest = package.read_starter_file(
            path,
            passphrase=passphrase,
            target_database_path=staging,
            progress=progress,
            cancelled=cancelled,
        )
        _expect_field_copy(staging, header.office_id, Path(path).name)
        wal = target.with_name(target.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise package.TargetBusyError(
                f"数据库“{target.name}”正在使用（或上次没有正常关闭），外出准备文件没有打开。"
                "请关闭本程序的其他窗口后再试。",
                path=target,
            )
        os.replace(staging, target)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
    finally:
        _remove_with_journals(staging)
    return manifest


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _expect_field_copy(database: Path, office_id: str, file_name: str) -> None:
    """The unpacked database is a field laptop's copy of this office, of a known schema."""
    from app.models import schema

    not_ours = StarterRefused(
        f"“{file_name}”里的数据库不是办公室电脑为外出笔记本准备的，没有打开。"
        "请在办公室电脑上用“准备外出笔记本”重新生成外出准备文件。"
    )
    try:
        probe = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise not_ours from exc
    try:
        version = int(probe.execute("PRAGMA user_version").fetchone()[0])
        if version > schema.LATEST:
            raise StarterRefused(
                f"“{file_name}”是由更新版本的调解工作台生成的（数据格式第{version}版，本程序只认识"
                f"到第{schema.LATEST}版），没有打开。请先把本程序升级到与办公室电脑相同的版本。"
            )
        found_office = probe.execute(
            "SELECT value FROM settings WHERE key = 'office_id'"
        ).fetchone()
        home = probe.execute("SELECT value FROM sync_state WHERE key = 'home'").fetchone()
        role = probe.execute(
            "SELECT role FROM devices WHERE id = "
            "(SELECT value FROM settings WHERE key = 'device_id')"
        ).fetchone()
    except sqlite3.Error as exc:
        raise not_ours from exc
    finally:
        probe.close()
    if found_office is None or found_office[0] != office_id or home is None or role != ("field",):
        raise not_ours


def _expect_no_cases(target: Path) -> None:
    if not target.exists() or target.stat().st_size == 0:
        return
    try:
        probe = dbmod.connect(target, migrate=False)
    except StorageError:
        raise
    try:
        try:
            count = int(probe.scalar("SELECT count(*) FROM cases") or 0)
        except StorageError:
            count = 0
        except sqlite3.Error:
            count = 0
        device = exchange.this_device(probe.conn) if _has_sync(probe) else None
    finally:
        probe.close()
    if count:
        raise StarterRefused(
            f"本机的数据库“{target.name}”里已经有{count}件案件，不能用外出准备文件覆盖。"
            "外出准备文件只用于新装的笔记本。若这台电脑确实要改作外出笔记本，"
            "请先把现有数据库另存或移走（或在办公室电脑上合并它的案件），再打开外出准备文件。"
        )
    if device is not None and device.role == "field":
        raise StarterRefused("本机已经是外出笔记本，不能再打开外出准备文件。")


def _has_sync(database: Database) -> bool:
    return (
        database.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'devices'")
        is not None
    )
