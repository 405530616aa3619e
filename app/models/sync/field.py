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

from app.models import accounts, rows
from app.models import db as dbmod
from app.models.accounts import Actor
from app.models.db import Database, utc_now
from app.models.errors import ValidationError
from app.models.stats import summary
from app.models.sync import clock, merge, numbers
from app.models.sync.exchange import this_device
from app.models.sync.scope import Scope, cases_in_scope, record_held
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


@dataclass(frozen=True)
class Registration:
    """What a file being made changed before the file exists (a laptop registered, number
    blocks lent or closed), to take back by compensating changes when the file could not be
    written (cancel, full disk, stick pulled): nothing of it was sent anywhere.

    Only this operation's own rows are touched, by new changes: other work done meanwhile in
    another window (a 受理, another block) stays, and the office's number sequence never goes
    back (numbers of a block taken back go to the pool, to be used next).
    """

    open_blocks: frozenset[str]  # blocks open before (a laptop's own, that a file closes)
    all_blocks: frozenset[str]
    devices: frozenset[str]

    @classmethod
    def before(cls, db: Database) -> Registration:
        conn = db.conn
        me = merge.device_of(conn)
        return cls(
            frozenset(
                str(r[0])
                for r in conn.execute(
                    "SELECT id FROM number_blocks WHERE device = ? AND closed = 0", (me,)
                )
            ),
            frozenset(str(r[0]) for r in conn.execute("SELECT id FROM number_blocks")),
            frozenset(str(r[0]) for r in conn.execute("SELECT id FROM devices")),
        )

    def undo(self, db: Database) -> None:
        with db.transaction() as conn:
            now = utc_now()
            me = merge.device_of(conn)
            for block_id in sorted(self.open_blocks):  # closed by this file: open again
                conn.execute(
                    "UPDATE number_blocks SET closed = 0, updated_at = ?, origin = ? "
                    "WHERE id = ? AND closed = 1 AND reclaimed = 0",
                    (now, me, block_id),
                )
            made = conn.execute(
                "SELECT id, committee_id, year, next_seq, last_seq FROM number_blocks"
            ).fetchall()
            for block_id, committee, year, next_seq, last_seq in made:
                if block_id in self.all_blocks:
                    continue  # lent by this file: its numbers back to the pool
                conn.executemany(
                    "INSERT OR IGNORE INTO case_number_free(committee_id, year, seq) "
                    "VALUES (?, ?, ?)",
                    [(committee, year, s) for s in range(int(next_seq), int(last_seq) + 1)],
                )
                conn.execute(
                    "UPDATE number_blocks SET closed = 1, reclaimed = 1, updated_at = ?, "
                    "origin = ? WHERE id = ?",
                    (now, me, block_id),
                )
            for (device,) in conn.execute("SELECT id FROM devices").fetchall():
                if device not in self.devices:  # a laptop registered by a failed 准备外出
                    conn.execute("DELETE FROM sync_peer_cases WHERE device = ?", (device,))
                    conn.execute("DELETE FROM sync_peers WHERE device = ?", (device,))
                    conn.execute("DELETE FROM devices WHERE id = ?", (device,))


def prepare_field_copy(
    db: Database,
    target: Path,
    *,
    name: str,
    scope: Scope,
    block_size: int = DEFAULT_BLOCK_SIZE,
    by: Actor,
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
        accounts.authorize(conn, by, "prepare_laptop")
        me = this_device(conn)
        if me.role != "office":
            raise ValidationError(
                "准备外出", "外出笔记本不能再准备其他笔记本。请在办公室电脑上操作。"
            )
        now = utc_now()
        conn.execute(
            "INSERT INTO devices(id, name, role, created_at, updated_at, updated_by, origin) "
            "VALUES (?, ?, 'field', ?, ?, ?, ?)",
            (laptop, name, now, now, by.user_id, me.id),
        )
        blocks = numbers.issue_blocks(
            conn, laptop, scope.committees, today.year, block_size, by=by.user_id
        )
        held = clock.held(conn)
        conn.execute(
            "INSERT INTO sync_peers(device, known, scope) VALUES (?, ?, ?)",
            (laptop, clock.dump_vector(held), scope.to_json()),
        )
        if not scope.everything:  # the cases its copy holds: others come whole when they
            record_held(conn, laptop, cases_in_scope(conn, scope, None))  # enter its scope
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    dbmod.backup_copy(db, tmp)
    copy = dbmod.connect(tmp)
    try:
        copy.conn.execute("PRAGMA foreign_keys = OFF")  # the cut checks them itself, at its end
        count = _make_field_copy(copy, laptop=laptop, office=me.id, scope=scope, held=held)
        copy.conn.execute("PRAGMA foreign_keys = ON")
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
        # the office's failed logins and login record stay there (docs/accounts.md)
        conn.execute("DELETE FROM login_throttle")
        conn.execute("DELETE FROM login_events")
        conn.execute("DELETE FROM settings WHERE key = ?", (accounts.LAST_USER_SETTING,))
        conn.execute("DELETE FROM import_rows")  # the office's own (docs/privacy.md)
        clock.set_state(conn, "home", office)
        clock.set_state(conn, "scope", None if scope.everything else scope.to_json())
        clock.remember_held(conn, held)
        clock.start_epoch(conn, laptop, held)
        merge.loud(conn)
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])


def _cut_to_scope(conn: sqlite3.Connection, scope: Scope) -> None:
    """Keep only the scope's cases: their rows, parties, search rows, log entries (those of
    their rows deleted since too) and conflicts.

    Most rows go (some 97 % for one village), so each big table is rewritten with the rows
    that stay: emptied at once (SQLite truncates a table without delete triggers when foreign
    keys are off: the caller turns them off, the triggers are set aside meanwhile) and filled
    again, where deleting a 1.75-million-row log row by row took 20 s. The copy is checked
    for dangling references at the end.
    """
    keep = cases_in_scope(conn, scope, None)
    conn.execute("CREATE TEMP TABLE keep_cases(id TEXT PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE keep_rows(tbl TEXT, id TEXT, PRIMARY KEY (tbl, id))")
    conn.executemany("INSERT INTO keep_cases VALUES (?)", [(c,) for c in keep])
    inside = "case_id IN (SELECT id FROM keep_cases)"
    for table in CASE_CHILD_TABLES:
        conn.execute(f"INSERT INTO keep_rows SELECT '{table}', id FROM {table} WHERE {inside}")
        conn.execute(  # rows of these cases deleted since: their log entries stay
            "INSERT OR IGNORE INTO keep_rows SELECT tbl, row_id FROM sync_log "
            f"WHERE tbl = '{table}' AND op = 'd' AND json_extract(data, '$.case_id') IN "
            "(SELECT id FROM keep_cases)"
        )
    conn.execute(
        "INSERT OR IGNORE INTO keep_rows SELECT 'parties', party_id FROM case_parties "
        f"WHERE {inside}"
    )
    conn.execute("INSERT INTO keep_rows SELECT 'cases', id FROM keep_cases")
    tables = (*CASE_CHILD_TABLES, "parties", "cases", "sync_log")
    marks = ", ".join("?" for _ in tables)
    set_aside = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _ in set_aside:
        conn.execute(f"DROP TRIGGER {name}")
    kept = "id IN (SELECT id FROM keep_rows WHERE tbl = ?)"
    case_tables = ", ".join(f"'{t}'" for t in (*CASE_CHILD_TABLES, "parties", "cases"))
    conn.execute(
        "CREATE TEMP TABLE keep_search AS SELECT rowid AS seq, body FROM case_search "
        "WHERE rowid IN (SELECT seq FROM cases WHERE id IN (SELECT id FROM keep_cases))"
    )
    for table in (*CASE_CHILD_TABLES, "parties", "cases"):
        _rewrite(conn, table, kept, (table,))
    _rewrite(
        conn,
        "sync_log",
        f"tbl NOT IN ({case_tables}) OR EXISTS "
        "(SELECT 1 FROM keep_rows k WHERE k.tbl = sync_log.tbl AND k.id = sync_log.row_id)",
    )
    conn.execute(  # their conflicts stay in the office, where their changes are
        f"DELETE FROM sync_conflicts WHERE tbl IN ({case_tables}) AND NOT EXISTS "
        "(SELECT 1 FROM keep_rows k WHERE k.tbl = sync_conflicts.tbl "
        "AND k.id = sync_conflicts.row_id)"
    )
    search = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'case_search'").fetchone()
    conn.execute("DROP TABLE case_search")  # an FTS index rebuilt from the rows kept
    conn.execute(str(search[0]))
    conn.execute("INSERT INTO case_search(rowid, body) SELECT seq, body FROM keep_search")
    for _, sql in set_aside:
        conn.execute(sql)
    summary.rebuild(conn)  # the statistics' summary: its triggers were set aside too
    for table in ("keep_cases", "keep_rows", "keep_search"):
        conn.execute(f"DROP TABLE {table}")
    dangling = conn.execute("PRAGMA foreign_key_check").fetchone()
    if dangling is not None:
        raise RuntimeError(f"a field copy cut to its scope points at nothing: {tuple(dangling)}")


def _rewrite(
    conn: sqlite3.Connection, table: str, where: str, params: tuple[str, ...] = ()
) -> None:
    """Keep only the rows of ``table`` that match ``where`` (see :func:`_cut_to_scope`)."""
    conn.execute(f"CREATE TEMP TABLE kept AS SELECT * FROM {table} WHERE {where}", params)
    conn.execute(f"DELETE FROM {table}")
    conn.execute(f"INSERT INTO {table} SELECT * FROM kept")
    conn.execute("DROP TABLE kept")
