"""Replicas for the sync tests: an office database and field laptops made from it, real files.

Every exchange goes the way a USB stick carries it: the bundle is turned into JSON (the
manifest and each change's record()) and read back, so nothing but what a file can hold
reaches the other side.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.models import db as dbmod
from app.models import office
from app.models.accounts import Actor
from app.models.db import Database
from app.models.sync import exchange, field
from app.models.sync.exchange import Applied, Bundle, NothingNew, SyncRefused
from app.models.sync.merge import Change
from app.models.sync.scope import Scope
from app.models.sync.tables import LOCAL_COLUMNS, SYNCED_TABLES, is_local_setting
from tests.helpers import director, new_database

TODAY = date(2026, 11, 20)


def scratch() -> Path:
    """A new folder for databases that many transactions are made in: in memory-backed
    /dev/shm where the machine has one (they are real SQLite files either way; on a disk
    each commit waits for it). The caller removes it."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="mediation-sync-", dir=base))


@dataclass
class Replica:
    """One installation: its database file and who it is."""

    name: str
    db: Database

    @property
    def device(self) -> str:
        return exchange.this_device(self.db.conn).id

    @property
    def user(self) -> Actor:
        return director(self.db)

    def close(self) -> None:
        self.db.close()


def set_up_office(db: Database) -> None:
    """The tests' usual office (as tests/conftest.py office_db): 青山, three villages, two
    mediators; the installation is named 办公室电脑."""
    office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "桃园村", "河东社区"],
        user_name="李主任",
        password="qingshan26",
    )
    user = director(db)
    committee = office.main_committee(db).id
    office.add_mediator(db, by=user, name="王建华", committee_id=committee, full_time=True)
    office.add_mediator(db, by=user, name="陈秀兰", committee_id=committee)
    exchange.set_device_name(db, "办公室电脑", by=user)


def new_office(folder: Path, name: str = "office") -> Replica:
    db = new_database(folder / f"{name}.sqlite3")
    set_up_office(db)
    return Replica(name, db)


def new_laptop(
    office_replica: Replica,
    folder: Path,
    name: str,
    *,
    scope: Scope | None = None,
    block_size: int = field.DEFAULT_BLOCK_SIZE,
    today: date = TODAY,
) -> Replica:
    """A field laptop prepared by the office (准备外出), opened from its starter database."""
    path = folder / f"{name}.sqlite3"
    field.prepare_field_copy(
        office_replica.db,
        path,
        name=name,
        scope=scope or Scope(),
        block_size=block_size,
        by=office_replica.user,
        today=today,
    )
    return Replica(name, dbmod.connect(path))


# --------------------------------------------------------------------------------------
# Files


def through_a_file(bundle: Bundle) -> Bundle:
    """The bundle as the other side reads it back from a file: JSON and nothing else."""
    text = json.dumps(
        {"manifest": bundle.manifest, "changes": list(bundle.records())}, ensure_ascii=False
    )
    raw = json.loads(text)
    return Bundle(raw["manifest"], [Change.from_record(r) for r in raw["changes"]])


def make_file(sender: Replica, receiver: Replica) -> Bundle:
    return through_a_file(exchange.make_bundle(sender.db, to=receiver.device))


def apply_file(receiver: Replica, bundle: Bundle) -> Applied | None:
    """Apply a file; a refused one (already merged, older) must leave the database as it was."""
    before = copy_in_memory(receiver.db)  # read only when the file is refused
    try:
        return exchange.apply_bundle(receiver.db, bundle)
    except NothingNew:
        after = everything(receiver.db)
        assert after == everything(before), "a file refused as already merged changed the database"
        return None
    finally:
        before.close()


def copy_in_memory(db: Database) -> Database:
    """The database as it is now, page for page (SQLite's backup API), in memory."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    db.conn.backup(conn)
    return Database(conn, None)


def sync(sender: Replica, receiver: Replica) -> Applied | None:
    return apply_file(receiver, make_file(sender, receiver))


Act = Callable[[Replica, Callable[[], Any]], Any]


def settle(
    office_replica: Replica, laptops: Iterable[Replica], *, rounds: int = 4, act: Act | None = None
) -> int:
    """Exchange until quiet: office -> each laptop, each laptop -> office, office -> each,
    again while a round still brought something new (the office's number work after a
    merge is a change of its own). Returns the rounds it took. ``act(replica, step)`` runs
    each step on its installation (a test that watches what each one does)."""
    laptops = list(laptops)

    def run(sender: Replica, receiver: Replica) -> int:
        if act is None:
            applied = sync(sender, receiver)
        else:
            bundle = act(sender, lambda: make_file(sender, receiver))
            applied = act(receiver, lambda: apply_file(receiver, bundle))
        return applied.new_changes if applied else 0

    for laptop in laptops:
        run(office_replica, laptop)
    for done in range(1, rounds + 1):
        moved = sum(run(laptop, office_replica) for laptop in laptops)
        moved += sum(run(office_replica, laptop) for laptop in laptops)
        if not moved:
            return done
    raise AssertionError(f"still not quiet after {rounds} rounds")


# --------------------------------------------------------------------------------------
# What the replicas hold


Rows = dict[str, dict[str, tuple[Any, ...]]]


def synced_rows(db: Database) -> Rows:
    """Every synced row by table and id, without the installation's own columns, and the
    settings that travel."""
    out: Rows = {}
    for table in SYNCED_TABLES:
        local = LOCAL_COLUMNS.get(table, frozenset())
        columns = [str(r[1]) for r in db.conn.execute(f"PRAGMA table_info({table})")]
        kept = [c for c in columns if c not in local]
        out[table] = {
            str(r[0]): tuple(r)
            for r in db.conn.execute(f"SELECT id, {', '.join(kept)} FROM {table}")
        }
    out["settings"] = {
        str(k): (v,)
        for k, v in db.conn.execute("SELECT key, value FROM settings")
        if not is_local_setting(str(k))
    }
    return out


Conflict = tuple[str, str, str, str, int, str, int]


def conflicts(db: Database) -> set[Conflict]:
    return {
        (str(t), str(r), str(c), str(kd), int(ks), str(ld), int(ls))
        for t, r, c, kd, ks, ld, ls in db.conn.execute(
            "SELECT tbl, row_id, col, kept_device, kept_seq, lost_device, lost_seq "
            "FROM sync_conflicts"
        )
    }


def log_names(db: Database) -> set[tuple[str, int]]:
    return {(str(d), int(s)) for d, s in db.conn.execute("SELECT device, seq FROM sync_log")}


def everything(db: Database) -> dict[str, Any]:
    """All that a refused file must not change: the rows, the conflicts, the log, the state."""
    return {
        "rows": synced_rows(db),
        "conflicts": conflicts(db),
        "log": log_names(db),
        "epochs": sorted(tuple(r) for r in db.conn.execute("SELECT * FROM sync_epochs")),
        "state": sorted(tuple(r) for r in db.conn.execute("SELECT * FROM sync_state")),
        "peers": sorted(
            tuple(r)
            for r in db.conn.execute("SELECT device, known, scope, files_in FROM sync_peers")
        ),
    }


def differences(a: Rows, b: Rows, limit: int = 8) -> list[str]:
    """Readable differences between two replicas' rows (for assertion messages)."""
    found: list[str] = []
    for table in sorted(set(a) | set(b)):
        ra, rb = a.get(table, {}), b.get(table, {})
        for row_id in sorted(set(ra) | set(rb)):
            if ra.get(row_id) != rb.get(row_id):
                found.append(f"{table} {row_id}: {ra.get(row_id)} != {rb.get(row_id)}")
                if len(found) >= limit:
                    return found
    return found


def assert_identical(*replicas: Replica) -> None:
    """Row for row the same (apart from device-local columns), with the same conflicts."""
    first = replicas[0]
    rows = synced_rows(first.db)
    listed = conflicts(first.db)
    for other in replicas[1:]:
        theirs = synced_rows(other.db)
        assert rows == theirs, f"{first.name} and {other.name} differ:\n" + "\n".join(
            differences(rows, theirs)
        )
        assert conflicts(other.db) == listed, (
            f"{first.name} and {other.name} list different conflicts: "
            f"{sorted(listed ^ conflicts(other.db))[:6]}"
        )


def refused(receiver: Replica, bundle: Bundle) -> str:
    """The message of a file the receiver refuses; the database is unchanged."""
    before = everything(receiver.db)
    try:
        exchange.apply_bundle(receiver.db, bundle)
    except SyncRefused as exc:
        assert everything(receiver.db) == before
        return exc.message
    raise AssertionError("the file was applied")
