"""Applying changes that came from other installations, all or nothing.

A row's state is a function of the *set* of changes known for it, never of the order they
arrived in, which is what makes merging idempotent and order-independent:

- Each field's value is the latest (moment, device, number) of its *leading* versions: the
  versions no other version of that field was made knowing. A change made knowingly after
  another always beats it, even when its device's clock is behind.
- Two or more leading versions with different values are a conflict: the later one is kept
  for now and the others are listed in ``sync_conflicts`` for 冲突处理.
- A row's existence is a field of its own (insert = alive, delete = gone), decided the same
  way; an edit the deleting side never saw is listed as a conflict with the delete.
- A row that predates the change log (made before schema 7) keeps its values where no
  change says otherwise: every installation made from one office database starts from the
  same rows.

The caller holds the transaction; the triggers are silenced while the merge writes rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.models.sync import clock
from app.models.sync.clock import Epochs, Version
from app.models.sync.tables import (
    APPEND_ONLY,
    LOCAL_COLUMNS,
    SETTINGS,
    STAMP_COLUMNS,
    SYNCED_TABLES,
    is_local_setting,
)

ALIVE = "_alive"  # the pseudo-field of a row's existence in conflicts

# Columns each installation derives from other rows after a merge (the register's names,
# from the case's parties and mediators): they travel, but two sides deriving different
# names is not a conflict of its own; the rows they come from carry any real conflict.
DERIVED_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {("cases", "parties_text"), ("cases", "mediators_text")}
)


@dataclass(frozen=True)
class Change:
    """One logged change, as it travels."""

    device: str
    seq: int
    tbl: str
    row_id: str
    op: str  # i / u / d
    data: dict[str, Any]
    at: str
    by: str

    @property
    def version(self) -> Version:
        return Version(self.at, self.device, self.seq)

    def record(self) -> dict[str, Any]:
        return {
            "d": self.device,
            "s": self.seq,
            "t": self.tbl,
            "r": self.row_id,
            "o": self.op,
            "v": self.data,
            "a": self.at,
            "b": self.by,
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, Any]) -> Change:
        op = str(raw["o"])
        data = raw["v"]
        if op not in ("i", "u", "d") or not isinstance(data, dict):
            raise ValueError(f"bad change record {raw!r:.200}")
        return cls(
            device=str(raw["d"]),
            seq=int(raw["s"]),
            tbl=str(raw["t"]),
            row_id=str(raw["r"]),
            op=op,
            data=data,
            at=str(raw["a"]),
            by=str(raw.get("b", "")),
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Change:
        device, seq, tbl, row_id, op, data, at, by = row
        return cls(str(device), int(seq), str(tbl), str(row_id), str(op), json.loads(data), at, by)


LOG_COLUMNS = "device, seq, tbl, row_id, op, data, at, by"


@dataclass
class MergeResult:
    """What a merge did, for the message after it and for the hooks that run inside it."""

    new_changes: int = 0
    known_changes: int = 0
    rows: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    conflicts: int = 0

    def touched(self, table: str) -> set[str]:
        return self.rows.get(table, set())


def quiet(conn: sqlite3.Connection) -> None:
    """Silence the change-log triggers until :func:`loud` (inside the caller's transaction)."""
    conn.execute("INSERT OR REPLACE INTO sync_state(key, value) VALUES ('applying', '1')")


def loud(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = 'applying'")


def apply_changes(
    conn: sqlite3.Connection,
    changes: Iterable[Change],
    epochs: Iterable[tuple[str, int, Mapping[str, int]]],
    *,
    claims: Mapping[str, tuple[int, int]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MergeResult:
    """Store the changes not yet known and bring every row they touch up to date.

    ``claims``: device -> (since, through) of a file made for this installation's scope
    ("you hold my changes up to *since*; with this file, all of your scope up to *through*").
    Must run inside a transaction; raises on anything malformed, so the caller rolls back.
    """
    me = device_of(conn)
    known = Epochs.load(conn)
    for device, first_seq, seen in epochs:
        if device != me:
            joined = known.add(device, first_seq, dict(seen))
            conn.execute(
                "INSERT INTO sync_epochs(device, first_seq, seen) VALUES (?, ?, ?) "
                "ON CONFLICT(device, first_seq) DO UPDATE SET seen = excluded.seen",
                (device, first_seq, clock.dump_vector(joined)),
            )
    result = MergeResult()
    quiet(conn)
    conn.execute("PRAGMA defer_foreign_keys = ON")
    new: list[Change] = []
    for change in changes:
        if change.tbl not in SYNCED_TABLES and change.tbl != SETTINGS:
            raise ValueError(f"unknown table {change.tbl!r}")
        cur = conn.execute(
            f"INSERT OR IGNORE INTO sync_log({LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                change.device,
                change.seq,
                change.tbl,
                change.row_id,
                change.op,
                json.dumps(change.data, ensure_ascii=False),
                change.at,
                change.by,
            ),
        )
        if cur.rowcount:
            result.new_changes += 1
            result.rows[change.tbl].add(change.row_id)
            new.append(change)
        else:
            result.known_changes += 1
    deleted = _deleted_rows(conn)
    if deleted:  # rows a new change points at may have to come back
        for change in new:
            for parent, parent_id in _deleted_ancestors(conn, change, deleted):
                result.rows[parent].add(parent_id)
    todo = [(t, r) for t, ids in result.rows.items() for r in sorted(ids)]
    for done, (table, row_id) in enumerate(todo, 1):
        materialize(conn, known, table, row_id)
        if progress is not None and done % 200 == 0:
            progress(done, len(todo))
    result.conflicts = int(conn.execute("SELECT count(*) FROM sync_conflicts").fetchone()[0])
    held = clock.held(conn)
    for device, (since, through) in (claims or {}).items():
        if since <= held.get(device, 0):
            held[device] = max(held.get(device, 0), through)
    clock.remember_held(conn, held)
    clock.start_epoch(conn, me, held)
    loud(conn)
    return result


def device_of(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    if row is None:
        raise LookupError("this installation has no device id")
    return str(row[0])


# --------------------------------------------------------------------------------------
# One row


@dataclass
class _Field:
    versions: list[tuple[Version, Any]] = field(default_factory=list)


def _leading(known: Epochs, versions: list[tuple[Version, Any]]) -> list[tuple[Version, Any]]:
    """The versions no other one was made knowing."""
    if len(versions) == 1:
        return versions
    # a device's later change knows its earlier ones: only each device's last can lead
    last: dict[str, tuple[Version, Any]] = {}
    for v, value in versions:
        if v.device not in last or last[v.device][0].seq < v.seq:
            last[v.device] = (v, value)
    if len(last) == 1:
        return list(last.values())
    candidates = list(last.values())
    return [
        (v, value)
        for v, value in candidates
        if not any(w.device != v.device and known.knew(w, v) for w, _ in candidates)
    ]


def row_changes(conn: sqlite3.Connection, table: str, row_id: str) -> list[Change]:
    return [
        Change.from_row(r)
        for r in conn.execute(
            f"SELECT {LOG_COLUMNS} FROM sync_log WHERE tbl = ? AND row_id = ?", (table, row_id)
        )
    ]


@dataclass
class RowState:
    """What the known changes say about one row."""

    alive: bool | None  # None: no change says (a row older than the log keeps its state)
    values: dict[str, tuple[Version, Any]]
    conflicts: list[tuple[str, Version, Version]]  # field, kept, set aside


def decide(known: Epochs, changes: list[Change], references: Sequence[Version] = ()) -> RowState:
    """The row as the set of its changes says.

    ``references``: the changes of other rows that pointed at this row (a case in a village,
    a member in a household). One made without seeing a delete of the row undoes the delete:
    the row stays, and the delete is listed as a conflict, so that the row pointed at is not
    lost under the row pointing at it.
    """
    if len({c.device for c in changes}) == 1 and not references:
        return _decide_one_device(changes)
    table = changes[0].tbl if changes else ""
    fields: dict[str, _Field] = defaultdict(_Field)
    existence: list[tuple[Version, Any]] = []
    for c in changes:
        version = c.version
        if c.op in ("i", "d"):
            existence.append((version, c.op == "i"))
        if c.op != "d":
            for col, value in c.data.items():
                fields[col].versions.append((version, value))
    conflicts: list[tuple[str, Version, Version]] = []
    alive: bool | None = None
    if existence:
        lead = _leading(known, existence)
        kept_v, alive_value = max(lead, key=lambda x: x[0])
        alive = bool(alive_value)
        deletes = [v for v, value in existence if not value]
        unseen = [r for r in references if not any(known.knew(d, r) for d in deletes)]
        if not alive and unseen:
            # named after one made without seeing a delete: one made after the row came back
            # (knowing every delete) is no reason of its own, and the row is not decided
            # again here when such a change is made here
            first = [r for r in unseen if not all(known.knew(r, d) for d in deletes)]
            kept_v = max(first or unseen)
            alive = True
            conflicts.extend((ALIVE, kept_v, v) for v, value in lead if not value)
        else:
            conflicts.extend(
                (ALIVE, kept_v, v) for v, value in lead if v != kept_v and value != alive_value
            )
    values: dict[str, tuple[Version, Any]] = {}
    deletes = [v for v, value in existence if not value]
    for col, f in fields.items():
        lead = _leading(known, f.versions)
        kept_v, kept_value = lead[0] if len(lead) == 1 else max(lead, key=lambda x: x[0])
        values[col] = (kept_v, kept_value)
        if col in STAMP_COLUMNS or (table, col) in DERIVED_COLUMNS:
            continue
        if alive is False:
            # edits the deleting side never saw were lost with the row
            conflicts.extend(
                (col, max(deletes), v)
                for v, _ in lead
                if not any(known.knew(d, v) for d in deletes)
            )
        elif len(lead) > 1:
            conflicts.extend(
                (col, kept_v, v) for v, value in lead if v != kept_v and value != kept_value
            )
    return RowState(alive, values, conflicts)


def _decide_one_device(changes: list[Change]) -> RowState:
    """Changes all made on one installation (most rows): each knows the ones before it, so
    the last write of each field wins and nothing is a conflict."""
    alive: bool | None = None
    values: dict[str, tuple[Version, Any]] = {}
    for c in sorted(changes, key=lambda c: c.seq):
        if c.op == "d":
            alive = False
            continue
        if c.op == "i":
            alive = True
        version = c.version
        for col, value in c.data.items():
            values[col] = (version, value)
    return RowState(alive, values, [])


def materialize(conn: sqlite3.Connection, known: Epochs, table: str, row_id: str) -> None:
    """Write the row as its known changes decide (the caller has silenced the triggers)."""
    changes = row_changes(conn, table, row_id)
    references: list[Version] = []
    if any(c.op == "d" for c in changes):
        references = _references_to(conn, known, table, row_id)
    state = decide(known, changes, references)
    conn.execute("DELETE FROM sync_conflicts WHERE tbl = ? AND row_id = ?", (table, row_id))
    if state.conflicts:
        conn.executemany(
            "INSERT OR IGNORE INTO sync_conflicts"
            "(tbl, row_id, col, kept_device, kept_seq, lost_device, lost_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (table, row_id, col, k.device, k.seq, lost.device, lost.seq)
                for col, k, lost in state.conflicts
            ],
        )
    if table == SETTINGS:
        _write_setting(conn, row_id, state)
        return
    key = "id"
    current = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (row_id,)).fetchone()
    columns = _columns(conn, table)
    target = {c: v for c, (_, v) in state.values.items() if c in columns}
    exists = current is not None
    alive = state.alive if state.alive is not None else exists
    if not alive:
        if exists and table not in APPEND_ONLY:
            conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (row_id,))
        return
    if not exists:
        if references and state.alive:  # brought back: as it was when deleted, then edited
            target = {**_deleted_values(changes, columns), **target}
        if "id" not in target:  # only edits of a row this installation never had
            return
        cols = ", ".join(target)
        marks = ", ".join("?" for _ in target)
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(target.values()))
        return
    if table in APPEND_ONLY:
        return
    changed = {c: v for c, v in target.items() if c != "id" and current[c] != v}
    if changed:
        sets = ", ".join(f"{c} = ?" for c in changed)
        conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?", [*changed.values(), row_id])


def _write_setting(conn: sqlite3.Connection, key: str, state: RowState) -> None:
    if is_local_setting(key):
        return
    if state.alive is False:
        conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        return
    if "value" in state.values:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, state.values["value"][1]),
        )


def _deleted_values(changes: list[Change], columns: frozenset[str]) -> dict[str, Any]:
    """The row as the latest delete of it found it (a delete carries the row it removed)."""
    deletes = [c for c in changes if c.op == "d" and c.data]
    if not deletes:
        return {}
    last = max(deletes, key=lambda c: c.version)
    return {c: v for c, v in last.data.items() if c in columns}


# --------------------------------------------------------------------------------------
# Rows pointing at rows


def _foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of a synced table (all point at ``id``)."""
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    key = (id(conn), version, table)
    found = _FOREIGN_KEYS.get(key)
    if found is None:
        found = [
            (str(r[3]), str(r[2]))  # id, seq, table, from, to, ...
            for r in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall()
            if str(r[2]) in SYNCED_TABLES
        ]
        _FOREIGN_KEYS[key] = found
    return found


def _children(conn: sqlite3.Connection, parent: str) -> list[tuple[str, str]]:
    """(child table, column) of every synced foreign key pointing at ``parent``."""
    return [
        (table, column)
        for table in SYNCED_TABLES
        for column, target in _foreign_keys(conn, table)
        if target == parent
    ]


def _references(conn: sqlite3.Connection, change: Change) -> list[tuple[str, str]]:
    """(parent table, id) of each row this change points at."""
    if change.op == "d" or change.tbl == SETTINGS:
        return []
    return [
        (parent, str(change.data[column]))
        for column, parent in _foreign_keys(conn, change.tbl)
        if change.data.get(column) is not None
    ]


def _deleted_rows(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """Every row a delete was logged for (few: deletes are rare)."""
    return {
        (str(t), str(r)) for t, r in conn.execute("SELECT tbl, row_id FROM sync_log WHERE op = 'd'")
    }


def _deleted_ancestors(
    conn: sqlite3.Connection, change: Change, deleted: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The rows this change points at, directly or through rows it may bring back, that a
    delete was logged for: their decision may change with this change."""
    found: set[tuple[str, str]] = set()
    todo = _references(conn, change)
    while todo:
        row = todo.pop()
        if row in found or row not in deleted:
            continue
        found.add(row)
        for c in row_changes(conn, *row):
            todo.extend(_references(conn, c))
    return found


def _references_to(
    conn: sqlite3.Connection,
    known: Epochs,
    table: str,
    row_id: str,
    visited: set[tuple[str, str]] | None = None,
) -> list[Version]:
    """Every logged change that made a row point at this one, and (a row brought back
    brings back what it points at) the changes that keep a deleted such row alive."""
    visited = visited if visited is not None else set()
    visited.add((table, row_id))
    found: list[Version] = []
    pointing: set[tuple[str, str]] = set()
    for child, column in _children(conn, table):
        for device, seq, at, child_id in conn.execute(
            "SELECT device, seq, at, row_id FROM sync_log WHERE tbl = ? AND op <> 'd' "
            "AND json_extract(data, '$.' || ?) = ?",
            (child, column, row_id),
        ):
            found.append(Version(str(at), str(device), int(seq)))
            pointing.add((child, str(child_id)))
    for child, child_id in sorted(pointing - visited):
        deletes = [
            Version(str(at), str(device), int(seq))
            for device, seq, at in conn.execute(
                "SELECT device, seq, at FROM sync_log WHERE tbl = ? AND row_id = ? AND op = 'd'",
                (child, child_id),
            )
        ]
        if deletes:
            found.extend(
                r
                for r in _references_to(conn, known, child, child_id, visited)
                if not any(known.knew(d, r) for d in deletes)
            )
    return found


_FOREIGN_KEYS: dict[tuple[int, int, str], list[tuple[str, str]]] = {}


def _columns(conn: sqlite3.Connection, table: str) -> frozenset[str]:
    # PRAGMA table_info costs a parse each time: one look per table per connection and schema
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    key = (id(conn), version, table)
    found = _COLUMNS.get(key)
    if found is None:
        local = LOCAL_COLUMNS.get(table, frozenset())
        found = frozenset(
            str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})") if str(r[1]) not in local
        )
        _COLUMNS[key] = found
    return found


_COLUMNS: dict[tuple[int, int, str], frozenset[str]] = {}
