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
- A case's life cycle (tables.UNITS) is merged as one unit: the winning version decides all
  of its columns, each as the winner's author saw it; the losing version is listed whole.
- A delete that would leave live rows pointing at nothing (a laptop that holds only some
  villages deleted a mediator the office's other cases use) is not applied: the row stays,
  the installation writes it back as a change of its own (by :data:`KEEPER`) so that every
  other installation keeps it too, and the delete is listed.
- On a copy that holds only some villages, a change of a case's row whose case is not here
  is kept in the log but not applied (the case comes whole if it enters the copy's scope).

The caller holds the transaction; the triggers are silenced while the merge writes rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.models.db import utc_now
from app.models.sync import clock
from app.models.sync.clock import Epochs, Version
from app.models.sync.tables import (
    APPEND_ONLY,
    CASE_CHILD_TABLES,
    LOCAL_COLUMNS,
    SETTINGS,
    STAMP_COLUMNS,
    SYNCED_TABLES,
    UNITS,
    is_local_setting,
)

ALIVE = "_alive"  # the pseudo-field of a row's existence in conflicts

# The ``by`` of a row written back because live rows still use it (a delete not applied):
# such an insert lists the deletes it overruled as conflicts of the row, on every
# installation, until someone decides (冲突处理).
KEEPER = "system:kept-in-use"

# Parents before children: a case is written before its rows are (and can be asked for).
_ORDER = {t: i for i, t in enumerate(SYNCED_TABLES)}

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
    kept_in_use: list[tuple[str, str]] = field(default_factory=list)  # deletes not applied
    skipped: int = 0  # rows of cases this copy does not hold

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
    also: Iterable[tuple[str, str]] = (),
) -> MergeResult:
    """Store the changes not yet known and bring every row they touch up to date.

    ``claims``: device -> (since, through) of a file made for this installation's scope
    ("you hold my changes up to *since*; with this file, all of your scope up to *through*").
    ``also``: (table, id) of more rows to derive again (a case handed over whole).
    Must run inside a transaction; raises on anything malformed, so the caller rolls back.
    """
    me = device_of(conn)
    known = Epochs.load(conn)
    _join_epochs(conn, me, known, epochs)
    result = MergeResult()
    quiet(conn)
    conn.execute("PRAGMA defer_foreign_keys = ON")
    new = _store_changes(conn, changes, result)
    for table, row_id in also:
        result.rows[table].add(row_id)
    deleted = _DeletedRows(conn)
    for change in new:  # rows a new change points at may have to come back
        for parent, parent_id in _deleted_ancestors(conn, change, deleted):
            result.rows[parent].add(parent_id)
    removed, rescued = _derive_rows(conn, known, result, progress)
    held = clock.held(conn)
    for device, (since, through) in (claims or {}).items():
        if since <= held.get(device, 0):
            held[device] = max(held.get(device, 0), through)
    clock.remember_held(conn, held)
    clock.start_epoch(conn, me, held)
    if removed:  # after the epoch: the rows written back are made knowing every delete
        result.kept_in_use = _keep_rows_in_use(conn, me, removed)
    if rescued:
        _write_back(conn, me, {r: _row_values(conn, *r) for r in sorted(rescued)})
    result.conflicts = int(conn.execute("SELECT count(*) FROM sync_conflicts").fetchone()[0])
    loud(conn)
    return result


def _join_epochs(
    conn: sqlite3.Connection,
    me: str,
    known: Epochs,
    epochs: Iterable[tuple[str, int, Mapping[str, int]]],
) -> None:
    """What the other installations knew when they began each epoch, joined into ours."""
    for device, first_seq, seen in epochs:
        if device != me:
            joined = known.add(device, first_seq, dict(seen))
            conn.execute(
                "INSERT INTO sync_epochs(device, first_seq, seen) VALUES (?, ?, ?) "
                "ON CONFLICT(device, first_seq) DO UPDATE SET seen = excluded.seen",
                (device, first_seq, clock.dump_vector(joined)),
            )


def _store_changes(
    conn: sqlite3.Connection, changes: Iterable[Change], result: MergeResult
) -> list[Change]:
    """Log the changes not known yet (counted in ``result``, their rows listed there);
    returns them."""
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
    return new


def _derive_rows(
    conn: sqlite3.Connection,
    known: Epochs,
    result: MergeResult,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[tuple[str, str], dict[str, Any]], set[tuple[str, str]]]:
    """Every row of ``result.rows`` as its changes now say, parents first. Returns the rows
    deleted that others still use, and (on the office) the rows kept because rows were
    made to point at them."""
    todo = sorted(
        ((t, r) for t, ids in result.rows.items() for r in ids),
        key=lambda x: (_ORDER.get(x[0], len(_ORDER)), x[0], x[1]),
    )
    partial = clock.state(conn, "scope") is not None
    hub = clock.state(conn, "home") is None  # the office: it holds every installation's rows
    removed: dict[tuple[str, str], dict[str, Any]] = {}
    rescued: set[tuple[str, str]] = set()
    for done, (table, row_id) in enumerate(todo, 1):
        kept = rescued if hub else None
        if not materialize(
            conn, known, table, row_id, removed=removed, rescued=kept, partial=partial
        ):
            result.skipped += 1
        if progress is not None and done % 200 == 0:
            progress(done, len(todo))
    return removed, rescued


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
    rescued: bool = False  # alive only because rows were made to point at it meanwhile


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
    unit = UNITS.get(table, ())
    fields: dict[str, _Field] = defaultdict(_Field)
    existence: list[tuple[Version, Any]] = []
    kept_by: set[Version] = set()  # inserts written back because rows still used the row
    unit_versions: list[tuple[Version, Any]] = []
    for c in changes:
        version = c.version
        if c.op in ("i", "d"):
            existence.append((version, c.op == "i"))
            if c.op == "i" and c.by == KEEPER:
                kept_by.add(version)
        if c.op != "d":
            for col, value in c.data.items():
                fields[col].versions.append((version, value))
            if unit and any(col in c.data for col in unit):
                unit_versions.append((version, None))
    conflicts: list[tuple[str, Version, Version]] = []
    deletes = [v for v, value in existence if not value]
    alive, rescued = _decide_alive(known, existence, kept_by, references, conflicts)
    values = _decide_fields(known, table, unit, fields, alive, deletes, conflicts)
    if unit_versions:
        _decide_unit(known, unit, fields, unit_versions, alive, deletes, values, conflicts)
    return RowState(alive, values, conflicts, rescued)


def _decide_alive(
    known: Epochs,
    existence: list[tuple[Version, Any]],
    kept_by: set[Version],
    references: Sequence[Version],
    conflicts: list[tuple[str, Version, Version]],
) -> tuple[bool | None, bool]:
    """Whether the row lives (None: no insert or delete says), and whether only because
    rows were made to point at it; the inserts and deletes set aside go to ``conflicts``."""
    if not existence:
        return None, False
    deletes = [v for v, value in existence if not value]
    lead = _leading(known, existence)
    kept_v, alive_value = max(lead, key=lambda x: x[0])
    unseen = [r for r in references if not any(known.knew(d, r) for d in deletes)]
    if not alive_value and unseen:
        # named after one made without seeing a delete: one made after the row came back
        # (knowing every delete) is no reason of its own, and the row is not decided
        # again here when such a change is made here
        first = [r for r in unseen if not all(known.knew(r, d) for d in deletes)]
        kept_v = max(first or unseen)
        conflicts.extend((ALIVE, kept_v, v) for v, value in lead if not value)
        return True, True
    conflicts.extend(
        (ALIVE, kept_v, v) for v, value in lead if v != kept_v and value != alive_value
    )
    if alive_value and kept_v in kept_by:
        # written back over deletes: each one nobody has decided about yet is listed
        decided = [v for v, value in existence if value and v not in kept_by]
        conflicts.extend(
            (ALIVE, kept_v, d)
            for d in deletes
            if known.knew(kept_v, d) and not any(known.knew(v, d) for v in decided)
        )
    return bool(alive_value), False


def _decide_fields(
    known: Epochs,
    table: str,
    unit: tuple[str, ...],
    fields: Mapping[str, _Field],
    alive: bool | None,
    deletes: list[Version],
    conflicts: list[tuple[str, Version, Version]],
) -> dict[str, tuple[Version, Any]]:
    """Each column's value (the leading version's; the latest when several lead) outside
    the unit; the versions set aside go to ``conflicts``."""
    values: dict[str, tuple[Version, Any]] = {}
    for col, f in fields.items():
        if col in unit:
            continue
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
    return values


def _decide_unit(
    known: Epochs,
    unit: tuple[str, ...],
    fields: Mapping[str, _Field],
    versions: list[tuple[Version, Any]],
    alive: bool | None,
    deletes: list[Version],
    values: dict[str, tuple[Version, Any]],
    conflicts: list[tuple[str, Version, Version]],
) -> None:
    """The unit's columns as the winning version's author saw them; each other leading
    version that saw them otherwise is one conflict of the unit (named by its first column)."""
    lead = _leading(known, versions)
    winner = max(v for v, _ in lead)
    seen = unit_as_seen(known, unit, fields, winner)
    values.update(seen)
    if alive is False:
        conflicts.extend(
            (unit[0], max(deletes), v)
            for v, _ in lead
            if not any(known.knew(d, v) for d in deletes)
        )
        return
    plain = {c: value for c, (_, value) in seen.items()}
    for v, _ in lead:
        if v != winner:
            other = {c: value for c, (_, value) in unit_as_seen(known, unit, fields, v).items()}
            if other != plain:
                conflicts.append((unit[0], winner, v))


def unit_as_seen(
    known: Epochs, unit: tuple[str, ...], fields: Mapping[str, _Field], version: Version
) -> dict[str, tuple[Version, Any]]:
    """Each column of the unit as the author of ``version`` had it after making it: the
    latest leading version among those it wrote or had seen. A column no such version wrote
    is left out (a row older than the log keeps its value)."""
    out: dict[str, tuple[Version, Any]] = {}
    for col in unit:
        f = fields.get(col)
        if f is None:
            continue
        past = [(v, value) for v, value in f.versions if v == version or known.knew(version, v)]
        if past:
            lead = _leading(known, past)
            out[col] = lead[0] if len(lead) == 1 else max(lead, key=lambda x: x[0])
    return out


def unit_of(known: Epochs, changes: list[Change], version: Version) -> dict[str, Any]:
    """The life-cycle unit of a row as the author of ``version`` saw it (冲突处理 shows it)."""
    table = changes[0].tbl if changes else ""
    unit = UNITS.get(table, ())
    fields: dict[str, _Field] = defaultdict(_Field)
    for c in changes:
        if c.op != "d":
            for col, value in c.data.items():
                if col in unit:
                    fields[col].versions.append((c.version, value))
    return {c: value for c, (_, value) in unit_as_seen(known, unit, fields, version).items()}


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


def materialize(
    conn: sqlite3.Connection,
    known: Epochs,
    table: str,
    row_id: str,
    *,
    removed: dict[tuple[str, str], dict[str, Any]] | None = None,
    rescued: set[tuple[str, str]] | None = None,
    partial: bool = False,
) -> bool:
    """Write the row as its known changes decide (the caller has silenced the triggers).

    ``removed`` collects the rows this call deletes, as they were (a merge checks at its
    end that nothing still uses them); ``rescued`` the rows kept only because rows were
    made to point at them meanwhile. ``partial``: this copy holds only some villages' cases;
    a case's row whose case is not here is not written (returns False).
    """
    changes = row_changes(conn, table, row_id)
    references: list[Version] = []
    deletes = [c for c in changes if c.op == "d"]
    if deletes:
        references = _references_to(conn, known, table, row_id, deletes)
    state = decide(known, changes, references)
    if state.rescued and rescued is not None:
        rescued.add((table, row_id))
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
        return True
    key = "id"
    current = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (row_id,)).fetchone()
    columns = _columns(conn, table)
    target = {c: v for c, (_, v) in state.values.items() if c in columns}
    exists = current is not None
    alive = state.alive if state.alive is not None else exists
    if not alive:
        if exists and table not in APPEND_ONLY:
            if removed is not None:
                was = dict(zip(current.keys(), tuple(current), strict=True))
                removed[(table, row_id)] = {c: v for c, v in was.items() if c in columns}
            conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (row_id,))
        return True
    if not exists:
        if references and state.alive:  # brought back: as it was when deleted, then edited
            target = {**_deleted_values(changes, columns), **target}
        if "id" not in target:  # only edits of a row this installation never had
            return True
        if partial and not _case_is_here(conn, table, target):
            return False
        cols = ", ".join(target)
        marks = ", ".join("?" for _ in target)
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(target.values()))
        return True
    if table in APPEND_ONLY:
        return True
    changed = {c: v for c, v in target.items() if c != "id" and current[c] != v}
    if changed:
        sets = ", ".join(f"{c} = ?" for c in changed)
        conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?", [*changed.values(), row_id])
    return True


def _case_is_here(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> bool:
    """A case's row can be written: its case is here (the merge writes cases first)."""
    if table not in CASE_CHILD_TABLES:
        return True
    found = conn.execute("SELECT 1 FROM cases WHERE id = ?", (values.get("case_id"),))
    return found.fetchone() is not None


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


class _DeletedRows:
    """The rows of a table a delete was logged for, read when first asked (through the
    partial index of deletes: no scan of the log)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._by_table: dict[str, set[str]] = {}

    def __contains__(self, row: tuple[str, str]) -> bool:
        table, row_id = row
        found = self._by_table.get(table)
        if found is None:
            found = {
                str(r[0])
                for r in self.conn.execute(
                    "SELECT row_id FROM sync_log WHERE tbl = ? AND op = 'd'", (table,)
                )
            }
            self._by_table[table] = found
        return row_id in found


def _deleted_ancestors(
    conn: sqlite3.Connection, change: Change, deleted: _DeletedRows
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
    deletes: Sequence[Change],
    visited: set[tuple[str, str]] | None = None,
) -> list[Version]:
    """The logged changes, made without seeing any of ``deletes`` (the row's), that made a
    row point at this one; and (a row brought back brings back what it points at) those that
    keep a deleted row pointing at this one alive.

    Only changes no delete knew can undo a delete (:func:`decide`): for each device, those
    numbered above what every delete had seen of it, read by the log's (device, seq) key; the
    rows deleted themselves come from the log's index of deletes. No scan of the whole log.
    """
    visited = visited if visited is not None else set()
    visited.add((table, row_id))
    children = _children(conn, table)
    if not children:
        return []
    found: list[Version] = []
    match = " OR ".join("(+tbl = ? AND json_extract(data, ?) = ?)" for _ in children)
    params = [p for child, column in children for p in (child, f"$.{column}", row_id)]
    for device, low in _unseen_by(conn, known, deletes).items():
        for seq, at in conn.execute(
            "SELECT seq, at FROM sync_log WHERE device = ? AND seq > ? AND op <> 'd' "
            f"AND ({match})",
            (device, low, *params),
        ):
            found.append(Version(str(at), device, int(seq)))
    for child, column in children:  # rows that pointed here, deleted since: brought back?
        gone = conn.execute(
            "SELECT DISTINCT row_id FROM sync_log WHERE tbl = ? AND op = 'd' "
            "AND json_extract(data, ?) = ?",
            (child, f"$.{column}", row_id),
        ).fetchall()
        for (child_id,) in gone:
            if (child, str(child_id)) in visited:
                continue
            child_deletes = [c for c in row_changes(conn, child, str(child_id)) if c.op == "d"]
            found.extend(
                r
                for r in _references_to(conn, known, child, str(child_id), child_deletes, visited)
                if not any(known.knew(d.version, r) for d in deletes)
            )
    return found


def _unseen_by(
    conn: sqlite3.Connection, known: Epochs, deletes: Sequence[Change]
) -> dict[str, int]:
    """Per device, the number above which its changes were seen by none of the deletes."""
    low: dict[str, int] = {}
    for device in clock.log_devices(conn):
        marks = [
            d.seq if d.device == device else known.seen_by(d.device, d.seq).get(device, 0)
            for d in deletes
        ]
        low[device] = max(marks, default=0)
    return low


def _keep_rows_in_use(
    conn: sqlite3.Connection, me: str, removed: Mapping[tuple[str, str], dict[str, Any]]
) -> list[tuple[str, str]]:
    """Rows this merge deleted that live rows still point at are written back, as changes of
    this installation made knowing the deletes (by :data:`KEEPER`): every installation then
    keeps them and lists the deletes (冲突处理). A row written back may keep another one (a
    household its grid). Returns (table, id) of those written back."""
    kept: list[tuple[str, str]] = []
    waiting = dict(removed)
    while True:
        again = [(row, values) for row, values in waiting.items() if _in_use(conn, *row)]
        if not again:
            return kept
        for row, _ in again:
            del waiting[row]
        _write_back(conn, me, dict(sorted(again)))
        kept.extend(row for row, _ in sorted(again))


def _write_back(
    conn: sqlite3.Connection, me: str, rows: Mapping[tuple[str, str], dict[str, Any] | None]
) -> None:
    """Write each row as an insert of this installation made knowing its deletes (by
    :data:`KEEPER`), with the values given, and derive it again from the log."""
    now = utc_now()
    for (table, row_id), values in rows.items():
        if values is None:
            continue
        seq = int(
            conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM sync_log WHERE device = ?", (me,)
            ).fetchone()[0]
        )
        conn.execute(
            f"INSERT INTO sync_log({LOG_COLUMNS}) VALUES (?, ?, ?, ?, 'i', ?, ?, ?)",
            (me, seq, table, row_id, json.dumps(values, ensure_ascii=False), now, KEEPER),
        )
        materialize(conn, Epochs.load(conn), table, row_id)


def _row_values(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    """The row as it is here, without this installation's own columns (None: not here)."""
    if table == SETTINGS:
        return None
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        return None
    columns = _columns(conn, table)
    return {c: v for c, v in zip(row.keys(), tuple(row), strict=True) if c in columns}


def _in_use(conn: sqlite3.Connection, table: str, row_id: str) -> bool:
    """Does any row of this database point at the row (any table with a foreign key to it)?"""
    for child, column in _all_children(conn, table):
        if conn.execute(f"SELECT 1 FROM {child} WHERE {column} = ? LIMIT 1", (row_id,)).fetchone():
            return True
    return False


def _all_children(conn: sqlite3.Connection, parent: str) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to ``parent``, local tables' too."""
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    key = (id(conn), version, parent)
    found = _ALL_CHILDREN.get(key)
    if found is None:
        found = [
            (str(t), str(r[3]))
            for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for r in conn.execute(f"PRAGMA foreign_key_list({t})").fetchall()
            if str(r[2]) == parent
        ]
        _ALL_CHILDREN[key] = found
    return found


_ALL_CHILDREN: dict[tuple[int, int, str], list[tuple[str, str]]] = {}
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
