"""Which cases a field laptop carries: those of its committees and villages (or all).

The registries, content, clause templates and travelling settings always go in full: they are
small and the laptop prints the village's 七个一 kit from them. Cases outside the scope stay
in the office: a lost laptop loses only the villages it was taken to.

A case moves in and out of a laptop's scope when its village or committee changes. The office
keeps, per laptop, the cases the laptop holds (``sync_peer_cases``, local to the office): a
case that enters the scope is handed over whole in the next file (its rows as they are and
every logged change of them: :func:`handover`), one that leaves it is named in the file and
removed from the laptop (:func:`drop_cases`; the laptop's own changes of it still travel to
the office). Each file re-sends what the laptop has not yet confirmed having (the number of
the last office file it merged, ``got`` in its files), so a lost file loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from app.models.sync.merge import LOG_COLUMNS, Change
from app.models.sync.tables import CASE_CHILD_TABLES, LOCAL_COLUMNS

# The tables of a case handed over whole: the case, its parties, every row of it.
CASE_TABLES: tuple[str, ...] = ("parties", "cases", *CASE_CHILD_TABLES)

_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Scope:
    committees: tuple[str, ...] | None = None  # None: all
    villages: tuple[str, ...] | None = None  # None: all

    @property
    def everything(self) -> bool:
        return self.committees is None and self.villages is None

    def to_json(self) -> str:
        return json.dumps(
            {"committees": self.committees, "villages": self.villages}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str | None) -> Scope:
        if not text:
            return cls()
        raw = json.loads(text)
        committees = raw.get("committees")
        villages = raw.get("villages")
        return cls(
            tuple(committees) if committees is not None else None,
            tuple(villages) if villages is not None else None,
        )

    def where(self) -> tuple[str, list[str]]:
        """SQL condition on ``cases`` (alias-free) and its parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.committees is not None:
            clauses.append(f"committee_id IN ({','.join('?' * len(self.committees))})")
            params.extend(self.committees)
        if self.villages is not None:
            clauses.append(f"village_id IN ({','.join('?' * len(self.villages))})")
            params.extend(self.villages)
        return (" AND ".join(clauses) or "1"), params


def own_cases(conn: sqlite3.Connection, device: str) -> set[str]:
    """The cases ``device`` registered itself (read by the log's (device, seq) key)."""
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT row_id FROM sync_log WHERE device = ? AND +tbl = 'cases' AND +op = 'i'",
            (device,),
        )
    }


def cases_in_scope(conn: sqlite3.Connection, scope: Scope, device: str | None) -> set[str]:
    """The scope's cases, and every case the laptop made itself wherever it is."""
    where, params = scope.where()
    found = {str(r[0]) for r in conn.execute(f"SELECT id FROM cases WHERE {where}", params)}
    if device:
        found.update(own_cases(conn, device))
    return found


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    batch: list[str] = []
    for row_id in ids:
        batch.append(row_id)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _case_of_rows(
    conn: sqlite3.Connection, table: str, ids: set[str], changes: Sequence[Change]
) -> dict[str, str]:
    """row id -> case id for rows of a case's table: as the change says (an insert or a
    delete carries the row), else as the row is, else as the row's insert or delete said."""
    found: dict[str, str] = {}
    for change in changes:
        case_id = change.data.get("case_id")
        if case_id is not None:
            found[change.row_id] = str(case_id)
    missing = ids - found.keys()
    for batch in _chunks(sorted(missing)):
        marks = ",".join("?" * len(batch))
        for row_id, case_id in conn.execute(
            f"SELECT id, case_id FROM {table} WHERE id IN ({marks})", batch
        ):
            found[str(row_id)] = str(case_id)
    for row_id in sorted(ids - found.keys()):  # gone, and no change of this file says
        row = conn.execute(
            "SELECT json_extract(data, '$.case_id') FROM sync_log "
            "WHERE tbl = ? AND row_id = ? AND op <> 'u' AND json_extract(data, '$.case_id') "
            "IS NOT NULL LIMIT 1",
            (table, row_id),
        ).fetchone()
        if row is not None:
            found[row_id] = str(row[0])
    return found


def in_scope(conn: sqlite3.Connection, cases: set[str], changes: list[Change]) -> list[Change]:
    """The changes that belong in the laptop's file: every change of a table that is not a
    case's, and those of the given cases' rows and parties.

    Worked out for these changes only (their rows looked up by key), never for every row of
    the database: a file for a laptop costs what it carries.
    """
    by_table: dict[str, list[Change]] = {}
    for change in changes:
        by_table.setdefault(change.tbl, []).append(change)
    wanted: dict[str, set[str]] = {"cases": {c.row_id for c in by_table.get("cases", ())} & cases}
    links: list[tuple[str, str]] = []  # (party, case) of case_parties rows of this file
    for table in CASE_CHILD_TABLES:
        own = by_table.get(table, [])
        if not own:
            continue
        case_of = _case_of_rows(conn, table, {c.row_id for c in own}, own)
        wanted[table] = {r for r, case_id in case_of.items() if case_id in cases}
        if table == "case_parties":
            links.extend(
                (str(c.data["party_id"]), case_of.get(c.row_id, ""))
                for c in own
                if c.data.get("party_id") is not None
            )
    party_changes = by_table.get("parties", [])
    if party_changes:
        parties = {c.row_id for c in party_changes}
        chosen = {p for p, case_id in links if p in parties and case_id in cases}
        for batch in _chunks(sorted(parties - chosen)):
            marks = ",".join("?" * len(batch))
            chosen.update(
                str(r[0])
                for r in conn.execute(
                    f"SELECT party_id, case_id FROM case_parties WHERE party_id IN ({marks})",
                    batch,
                )
                if str(r[1]) in cases
            )
        wanted["parties"] = chosen
    return [c for c in changes if c.tbl not in wanted or c.row_id in wanted[c.tbl]]


def scope_filter(
    conn: sqlite3.Connection, scope: Scope, device: str | None
) -> Callable[[Change], bool]:
    """A test of whether one change belongs in the laptop's files (:func:`in_scope` works
    on a whole file at once)."""
    if scope.everything:
        return lambda change: True
    cases = cases_in_scope(conn, scope, device)
    return lambda change: bool(in_scope(conn, cases, [change]))


# --------------------------------------------------------------------------------------
# Cases entering and leaving a laptop's scope (the office's side)


@dataclass
class Handover:
    """What one file tells a laptop about its cases, beyond the changes."""

    full: set[str] = field(default_factory=set)  # cases sent whole
    drop: set[str] = field(default_factory=set)  # cases to remove from the laptop
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"t", "r", "v"} as they are
    changes: list[Change] = field(default_factory=list)  # every logged change of those rows


def record_held(conn: sqlite3.Connection, device: str, cases: Iterable[str]) -> None:
    """The laptop holds these cases (a starter copy)."""
    conn.executemany(
        "INSERT OR IGNORE INTO sync_peer_cases(device, case_id) VALUES (?, ?)",
        [(device, c) for c in cases],
    )


def confirm(conn: sqlite3.Connection, device: str, got: int) -> None:
    """The laptop has merged the office's files up to number ``got``: what they handed over
    and dropped is done."""
    conn.execute(
        "UPDATE sync_peer_cases SET full_in = 0 WHERE device = ? AND full_in BETWEEN 1 AND ?",
        (device, got),
    )
    conn.execute(
        "DELETE FROM sync_peer_cases WHERE device = ? AND drop_in BETWEEN 1 AND ?", (device, got)
    )


def handover(
    conn: sqlite3.Connection,
    device: str,
    cases: set[str],
    changes: Sequence[Change],
    file_no: int,
    *,
    own: AbstractSet[str] = frozenset(),
) -> Handover:
    """Which cases file ``file_no`` for a laptop hands over whole or drops, recorded as sent.

    ``cases``: the cases in the laptop's scope now; ``own``: those the laptop registered
    itself; ``changes``: the changes the file carries anyway. A case in scope the laptop
    does not hold is handed over whole unless the file carries its registration (then it
    carries every change of it: it is new since the laptop's last file). Until the laptop
    confirms the file, later files send it whole.
    """
    held = {
        str(r[0]): (int(r[1]), int(r[2]))
        for r in conn.execute(
            "SELECT case_id, full_in, drop_in FROM sync_peer_cases WHERE device = ?", (device,)
        )
    }
    registered = {c.row_id for c in changes if c.tbl == "cases" and c.op == "i"}
    out = Handover()
    for case_id in sorted(cases):
        state = held.get(case_id)
        if state is None:
            if case_id in own:
                conn.execute(
                    "INSERT INTO sync_peer_cases(device, case_id) VALUES (?, ?)",
                    (device, case_id),
                )
                continue
            # sent with this file: as its changes when the file carries its registration
            # (then it carries all of them), else whole; until the laptop confirms the file,
            # every later file sends it whole (a later file the laptop merged may claim the
            # changes of this one, where the case was still outside its villages)
            if case_id not in registered:
                out.full.add(case_id)
            conn.execute(
                "INSERT INTO sync_peer_cases(device, case_id, full_in) VALUES (?, ?, ?)",
                (device, case_id, file_no),
            )
        elif state[0] or state[1]:  # not confirmed yet, or dropped meanwhile: whole again
            out.full.add(case_id)
            conn.execute(
                "UPDATE sync_peer_cases SET full_in = ?, drop_in = 0 "
                "WHERE device = ? AND case_id = ?",
                (state[0] or file_no, device, case_id),
            )
    for case_id, (_, dropped) in sorted(held.items()):
        if case_id not in cases:
            out.drop.add(case_id)
            if not dropped:
                conn.execute(
                    "UPDATE sync_peer_cases SET drop_in = ? WHERE device = ? AND case_id = ?",
                    (file_no, device, case_id),
                )
    if out.full:
        out.rows, out.changes = whole_cases(conn, sorted(out.full))
    return out


def whole_cases(
    conn: sqlite3.Connection, case_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[Change]]:
    """The cases' rows as they are (case, parties, every row of the case) and every logged
    change of them, the rows deleted since included (from the log's index of deletes)."""
    rows: list[dict[str, Any]] = []
    keys: set[tuple[str, str]] = set()
    wanted = set(case_ids)

    def take(table: str, sql: str, batch: list[str]) -> None:
        local = LOCAL_COLUMNS.get(table, frozenset())
        for row in conn.execute(sql, batch):
            was = dict(zip(row.keys(), tuple(row), strict=True))
            values = {k: v for k, v in was.items() if k not in local}
            rows.append({"t": table, "r": str(values["id"]), "v": values})
            keys.add((table, str(values["id"])))

    for batch in _chunks(case_ids):
        marks = ",".join("?" * len(batch))
        take(
            "parties",
            "SELECT * FROM parties WHERE id IN "
            f"(SELECT party_id FROM case_parties WHERE case_id IN ({marks}))",
            batch,
        )
        take("cases", f"SELECT * FROM cases WHERE id IN ({marks})", batch)
        for table in CASE_CHILD_TABLES:
            take(table, f"SELECT * FROM {table} WHERE case_id IN ({marks})", batch)
    for table in CASE_CHILD_TABLES:  # rows of these cases deleted since (tombstones)
        for row_id, case_id in conn.execute(
            "SELECT row_id, json_extract(data, '$.case_id') FROM sync_log "
            "WHERE tbl = ? AND op = 'd'",
            (table,),
        ):
            if str(case_id) in wanted:
                keys.add((table, str(row_id)))
    changes = [
        Change.from_row(r)
        for table, row_id in sorted(keys)
        for r in conn.execute(
            f"SELECT {LOG_COLUMNS} FROM sync_log WHERE tbl = ? AND row_id = ?", (table, row_id)
        )
    ]
    return rows, changes


# --------------------------------------------------------------------------------------
# The laptop's side


def take_rows(conn: sqlite3.Connection, rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Write the rows of cases handed over whole where this copy does not have them (inside
    the merge's transaction, triggers silenced); the merge then derives each of them from
    its logged changes. Returns (table, id) of every row."""
    columns: dict[str, set[str]] = {}
    taken: list[tuple[str, str]] = []
    order = {t: i for i, t in enumerate(CASE_TABLES)}
    for row in sorted(rows, key=lambda r: order[str(r["t"])]):
        table = str(row["t"])
        if table not in columns:
            local = LOCAL_COLUMNS.get(table, frozenset())
            columns[table] = {
                str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")
            } - local
        values = {k: v for k, v in dict(row["v"]).items() if k in columns[table]}
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(
            f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", list(values.values())
        )
        taken.append((table, str(row["r"])))
    return taken


def drop_cases(conn: sqlite3.Connection, case_ids: Iterable[str], me: str) -> int:
    """Remove cases that left this laptop's scope: their rows, parties no case here uses any
    more, search rows, conflicts and the other installations' log entries of them (inside
    the merge's transaction, triggers silenced). This laptop's own changes stay in its log
    and still travel to the office. Returns how many cases were removed."""
    here = [
        c
        for c in sorted(set(case_ids))
        if conn.execute("SELECT 1 FROM cases WHERE id = ?", (c,)).fetchone() is not None
    ]
    if not here:
        return 0
    conn.execute("CREATE TEMP TABLE drop_cases(id TEXT PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE drop_rows(tbl TEXT, id TEXT, PRIMARY KEY (tbl, id))")
    try:
        conn.executemany("INSERT INTO drop_cases VALUES (?)", [(c,) for c in here])
        inside = "case_id IN (SELECT id FROM drop_cases)"
        for table in CASE_CHILD_TABLES:
            conn.execute(f"INSERT INTO drop_rows SELECT '{table}', id FROM {table} WHERE {inside}")
        conn.execute(
            "INSERT INTO drop_rows SELECT 'parties', party_id FROM case_parties "
            f"WHERE {inside} AND party_id NOT IN "
            f"(SELECT party_id FROM case_parties WHERE NOT ({inside}))"
        )
        conn.execute("INSERT INTO drop_rows SELECT 'cases', id FROM drop_cases")
        conn.execute(
            "DELETE FROM case_search WHERE rowid IN "
            "(SELECT seq FROM cases WHERE id IN (SELECT id FROM drop_cases))"
        )
        conn.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        for table in (*CASE_CHILD_TABLES, "parties", "cases"):
            conn.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM drop_rows WHERE tbl = ?)",
                (table,),
            )
        conn.execute(
            "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
            "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
        )
        conn.execute(
            "DELETE FROM sync_log WHERE rowid IN (SELECT l.rowid FROM drop_rows d "
            "JOIN sync_log l ON l.tbl = d.tbl AND l.row_id = d.id WHERE l.device <> ?)",
            (me,),
        )
        conn.execute(
            "DELETE FROM sync_conflicts WHERE EXISTS (SELECT 1 FROM drop_rows d "
            "WHERE d.tbl = sync_conflicts.tbl AND d.id = sync_conflicts.row_id)"
        )
    finally:
        conn.execute("DROP TABLE drop_cases")
        conn.execute("DROP TABLE drop_rows")
    return len(here)
