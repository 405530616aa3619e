"""准备外出: a field laptop's database, made in the office from the office's own.

The office writes the laptop's starter database: a consistent copy (SQLite backup API) of
its own, cut down to the laptop's scope, with a new device identity, the office as its
home, and blocks of case numbers. The laptop then holds everything the office held up to
that moment (for its scope), so the first sync file in each direction carries only what
changed afterwards.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.models import db as dbmod
from app.models import rows
from app.models.db import Database, utc_now
from app.models.errors import ValidationError
from app.models.sync import clock, merge, numbers
from app.models.sync.exchange import this_device
from app.models.sync.scope import Scope, cases_in_scope
from app.models.sync.tables import CASE_CHILD_TABLES

DEFAULT_BLOCK_SIZE = 20
MAX_BLOCK_SIZE = 500


@dataclass(frozen=True)
class FieldLaptop:
    device: str
    name: str
    scope: Scope
    cases: int
    blocks: list[tuple[str, int, int, int]]  # committee name, year, first, last


# What writing a file may change before the file exists: a laptop's registration, number
# blocks issued, closed or reissued, the office's sequences and pool, the file counters.
_UNDONE_TABLES = ("devices", "number_blocks", "sync_peers", "case_number_seq", "case_number_free")


@dataclass(frozen=True)
class Registration:
    """The database just before a file is made, to put it back when the file could not be
    written (cancel, full disk, stick pulled): nothing of what changed was sent anywhere."""

    device: str
    last_seq: int
    tables: dict[str, list[tuple[object, ...]]]

    @classmethod
    def before(cls, db: Database) -> Registration:
        conn = db.conn
        device = merge.device_of(conn)
        last = conn.execute(
            "SELECT coalesce(max(seq), 0) FROM sync_log WHERE device = ?", (device,)
        ).fetchone()[0]
        tables = {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t}")] for t in _UNDONE_TABLES}
        return cls(device, int(last), tables)

    def undo(self, db: Database) -> None:
        with db.transaction() as conn:
            merge.quiet(conn)
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for table, saved in self.tables.items():
                conn.execute(f"DELETE FROM {table}")
                if saved:
                    marks = ", ".join("?" * len(saved[0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", saved)
            conn.execute(
                "DELETE FROM sync_log WHERE device = ? AND seq > ?", (self.device, self.last_seq)
            )
            merge.loud(conn)


def prepare_field_copy(
    db: Database,
    target: Path,
    *,
    name: str,
    scope: Scope,
    block_size: int = DEFAULT_BLOCK_SIZE,
    by: str,
    today: date | None = None,
) -> FieldLaptop:
    """Register the laptop in the office database and write its starter database to ``target``."""
    name = name.strip()
    if not name:
        raise ValidationError("笔记本名称", "请填写这台笔记本的名称，例如“周玉梅的笔记本”。")
    if not 0 <= block_size <= MAX_BLOCK_SIZE:
        raise ValidationError(
            "每个委员会的案号数", f"每个委员会预留的案号数应在 0 到 {MAX_BLOCK_SIZE} 之间。"
        )
    today = today or date.today()
    laptop = rows.new_id()
    with db.transaction() as conn:
        me = this_device(conn)
        if me.role != "office":
            raise ValidationError(
                "准备外出", "外出笔记本不能再准备其他笔记本。请在办公室电脑上操作。"
            )
        now = utc_now()
        conn.execute(
            "INSERT INTO devices(id, name, role, created_at, updated_at, updated_by, origin) "
            "VALUES (?, ?, 'field', ?, ?, ?, ?)",
            (laptop, name, now, now, by, me.id),
        )
        blocks = numbers.issue_blocks(conn, laptop, scope.committees, today.year, block_size, by=by)
        held = clock.held(conn)
        conn.execute(
            "INSERT INTO sync_peers(device, known, scope) VALUES (?, ?, ?)",
            (laptop, clock.dump_vector(held), scope.to_json()),
        )
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    dbmod.backup_copy(db, tmp)
    copy = dbmod.connect(tmp)
    try:
        count = _make_field_copy(copy, laptop=laptop, office=me.id, scope=scope, held=held)
        copy.conn.execute("VACUUM")
    finally:
        copy.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return FieldLaptop(laptop, name, scope, count, blocks)


def _make_field_copy(
    copy: Database, *, laptop: str, office: str, scope: Scope, held: clock.Vector
) -> int:
    with copy.transaction() as conn:
        merge.quiet(conn)
        if not scope.everything:
            _cut_to_scope(conn, scope)
        conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (laptop,))
        conn.execute("DELETE FROM sync_peers WHERE device <> ?", (office,))
        conn.execute(
            "INSERT INTO sync_peers(device, known) VALUES (?, ?) "
            "ON CONFLICT(device) DO UPDATE SET known = excluded.known, scope = NULL",
            (office, clock.dump_vector(held)),
        )
        conn.execute("DELETE FROM case_number_seq")
        conn.execute("DELETE FROM case_number_free")
        clock.set_state(conn, "home", office)
        clock.set_state(conn, "scope", None if scope.everything else scope.to_json())
        clock.remember_held(conn, held)
        clock.start_epoch(conn, laptop, held)
        merge.loud(conn)
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])


def _cut_to_scope(conn: sqlite3.Connection, scope: Scope) -> None:
    """Remove the cases outside the scope, their rows, parties, index rows and log entries."""
    keep = cases_in_scope(conn, scope, None)
    conn.execute("CREATE TEMP TABLE keep_cases(id TEXT PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE cut_rows(tbl TEXT, id TEXT, PRIMARY KEY (tbl, id))")
    conn.executemany("INSERT INTO keep_cases VALUES (?)", [(c,) for c in keep])
    outside = "case_id NOT IN (SELECT id FROM keep_cases)"
    for table in CASE_CHILD_TABLES:
        conn.execute(f"INSERT INTO cut_rows SELECT '{table}', id FROM {table} WHERE {outside}")
    conn.execute(
        "INSERT INTO cut_rows SELECT 'parties', id FROM parties WHERE id NOT IN "
        f"(SELECT party_id FROM case_parties WHERE NOT ({outside}))"
    )
    conn.execute(
        "INSERT INTO cut_rows SELECT 'cases', id FROM cases "
        "WHERE id NOT IN (SELECT id FROM keep_cases)"
    )
    conn.execute(
        "DELETE FROM case_search WHERE rowid IN "
        "(SELECT seq FROM cases WHERE id NOT IN (SELECT id FROM keep_cases))"
    )
    conn.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
    for table in (*CASE_CHILD_TABLES, "parties", "cases"):
        conn.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM cut_rows WHERE tbl = ?)", (table,)
        )
    conn.execute(
        "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
        "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
    )
    conn.execute(
        "DELETE FROM sync_log WHERE EXISTS "
        "(SELECT 1 FROM cut_rows c WHERE c.tbl = sync_log.tbl AND c.id = sync_log.row_id)"
    )
    conn.execute("DROP TABLE keep_cases")
    conn.execute("DROP TABLE cut_rows")
