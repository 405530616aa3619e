"""The change log is written by triggers, in the same statement as the change itself.

Every INSERT, UPDATE and DELETE of a synced row, whichever service makes it, appends one
``sync_log`` row in the same transaction: no service can forget it and a rolled-back change
leaves no log. An UPDATE logs only the columns it changed (an UPDATE that changes nothing at
all logs nothing), or a whole unit of columns merged as one (a case's life cycle) when it
changed any of them; a DELETE logs the row it removed (a merge brings the row back when
another installation pointed a row at it meanwhile). While a merge writes rows that came
from another installation the triggers are silent (``sync_state.applying``): those changes
are logged under their own device by the merge itself.

The triggers are generated from the live columns of each table, so a migration that adds a
column must call :func:`install` again (tests/models/sync/test_triggers.py checks that the
installed triggers match the tables).
"""

from __future__ import annotations

import sqlite3

from app.models.sync.tables import (
    APPEND_ONLY,
    LOCAL_COLUMNS,
    LOCAL_SETTING_PREFIXES,
    LOCAL_SETTINGS,
    SETTINGS,
    SYNCED_TABLES,
    UNITS,
)

_DEVICE = "(SELECT value FROM settings WHERE key = 'device_id')"
_NEXT_SEQ = f"coalesce((SELECT max(seq) FROM sync_log WHERE device = {_DEVICE}), 0) + 1"
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_QUIET = "(SELECT 1 FROM sync_state WHERE key = 'applying') IS NULL"


def logged_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` that travel (all but the installation's own)."""
    local = LOCAL_COLUMNS.get(table, frozenset())
    names = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]
    if not names:
        raise LookupError(f"no table {table}")
    return [c for c in names if c not in local]


def _by(columns: list[str], row: str) -> str:
    if "updated_by" in columns:
        return f"{row}.updated_by"
    if "by" in columns:
        return f"{row}.by"
    return "coalesce((SELECT value FROM settings WHERE key = 'default_user_id'), '')"


def _log(table: str, row_id: str, op: str, data: str, by: str) -> str:
    return (
        "INSERT INTO sync_log(device, seq, tbl, row_id, op, data, at, by) VALUES "
        f"({_DEVICE}, {_NEXT_SEQ}, '{table}', {row_id}, '{op}', {data}, {_NOW}, {by});"
    )


def _json_of(columns: list[str], row: str) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in columns) + ")"


def _changed_json(columns: list[str], unit: tuple[str, ...] = ()) -> str:
    """The columns an UPDATE changed; the whole unit (tables.UNITS) when it changed any of
    it: the merge takes a unit as its author saw it (merge.decide)."""
    unit_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in unit if c in columns)
    parts = " UNION ALL ".join(
        f"SELECT '{c}' AS k, NEW.{c} AS v WHERE "
        + (unit_changed if c in unit else f"OLD.{c} IS NOT NEW.{c}")
        for c in columns
    )
    return f"(SELECT json_group_object(k, v) FROM ({parts}))"


def table_triggers(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """name -> CREATE TRIGGER statement for one synced table."""
    columns = logged_columns(conn, table)
    by_new, by_old = _by(columns, "NEW"), _by(columns, "OLD")
    triggers = {
        f"sync_{table}_insert": (
            f"CREATE TRIGGER sync_{table}_insert AFTER INSERT ON {table} WHEN {_QUIET} BEGIN "
            + _log(table, "NEW.id", "i", _json_of(columns, "NEW"), by_new)
            + " END"
        )
    }
    if table in APPEND_ONLY:
        return triggers
    # Any logged column, the stamps too: a save that changes nothing but who-and-when still
    # changes the row here, and the row must read the same everywhere.
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns if c != "id")
    triggers[f"sync_{table}_update"] = (
        f"CREATE TRIGGER sync_{table}_update AFTER UPDATE ON {table} "
        f"WHEN {_QUIET} AND ({changed}) BEGIN "
        + _log(table, "NEW.id", "u", _changed_json(columns, UNITS.get(table, ())), by_new)
        + " END"
    )
    triggers[f"sync_{table}_delete"] = (
        f"CREATE TRIGGER sync_{table}_delete AFTER DELETE ON {table} WHEN {_QUIET} BEGIN "
        + _log(table, "OLD.id", "d", _json_of(columns, "OLD"), by_old)
        + " END"
    )
    return triggers


def _settings_triggers() -> dict[str, str]:
    local = ", ".join(f"'{k}'" for k in sorted(LOCAL_SETTINGS))
    prefixes = " AND ".join(f"{{row}}.key NOT LIKE '{p}%'" for p in LOCAL_SETTING_PREFIXES)

    def travels(row: str) -> str:
        return f"{_QUIET} AND {row}.key NOT IN ({local}) AND {prefixes.format(row=row)}"

    by = _by([], "NEW")
    return {
        "sync_settings_insert": (
            f"CREATE TRIGGER sync_settings_insert AFTER INSERT ON settings WHEN {travels('NEW')} "
            "BEGIN "
            + _log(SETTINGS, "NEW.key", "i", "json_object('value', NEW.value)", by)
            + " END"
        ),
        "sync_settings_update": (
            "CREATE TRIGGER sync_settings_update AFTER UPDATE ON settings "
            f"WHEN {travels('NEW')} AND OLD.value IS NOT NEW.value "
            "BEGIN "
            + _log(SETTINGS, "NEW.key", "u", "json_object('value', NEW.value)", by)
            + " END"
        ),
        "sync_settings_delete": (
            f"CREATE TRIGGER sync_settings_delete AFTER DELETE ON settings WHEN {travels('OLD')} "
            "BEGIN " + _log(SETTINGS, "OLD.key", "d", "'{}'", by) + " END"
        ),
    }


# A change made here knows every version this installation holds: it settles the conflicts
# listed for what it wrote (the fields of an update, the whole row for an insert or a
# delete), here as on every installation it reaches (merge.decide). Changes written by a
# merge (quiet) are not made here; the merge derives their conflicts itself.
_SUPERSEDES = (
    f"CREATE TRIGGER sync_log_settles AFTER INSERT ON sync_log WHEN {_QUIET} BEGIN "
    "DELETE FROM sync_conflicts WHERE tbl = NEW.tbl AND row_id = NEW.row_id "
    "AND (NEW.op <> 'u' OR col IN (SELECT key FROM json_each(NEW.data))); END"
)


def all_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    triggers: dict[str, str] = {}
    # A table a later schema step makes (privacy_events, step 8) gets its triggers when that
    # step installs them again; an earlier step skips it.
    existing = {
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    for table in SYNCED_TABLES:
        if table in existing:
            triggers.update(table_triggers(conn, table))
    triggers.update(_settings_triggers())
    triggers["sync_log_settles"] = _SUPERSEDES
    return triggers


def install(conn: sqlite3.Connection) -> None:
    """(Re)create every change-log trigger from the tables' current columns."""
    for name in installed(conn):
        conn.execute(f"DROP TRIGGER {name}")
    for statement in all_triggers(conn).values():
        conn.execute(statement)


def installed(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        str(r[0]): str(r[1])
        for r in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' "
            "ESCAPE '\\'"
        )
    }
