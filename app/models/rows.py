"""Keys and stamp columns shared by every synced row."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

import uuid6

from app.models import limits
from app.models.db import utc_now
from app.models.sync.tables import NATURAL_KEYS, natural_id


def new_id() -> str:
    """A uuid7 (time-ordered) text key: rows made on two machines never clash."""
    return str(uuid6.uuid7())


def device_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    if row is not None:
        return str(row[0])
    value = new_id()
    conn.execute("INSERT INTO settings(key, value) VALUES ('device_id', ?)", (value,))
    return value


def _key_of(table: str, values: Mapping[str, Any]) -> str:
    """A row that exists once per natural key gets the same key on every installation."""
    key = NATURAL_KEYS.get(table)
    if key is not None and all(values.get(c) is not None for c in key):
        return natural_id(table, *(values[c] for c in key))
    return new_id()


def insert(conn: sqlite3.Connection, table: str, values: Mapping[str, Any], *, by: str) -> str:
    """INSERT a synced row with its key and stamps; returns the id."""
    limits.check_row(table, values)  # no pasted file in a text (docs/storage-safety.md)
    now = utc_now()
    row = {"id": _key_of(table, values), **values}
    row.update(created_at=now, updated_at=now, updated_by=by, origin=device_id(conn))
    cols = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", row)
    return str(row["id"])


def update(
    conn: sqlite3.Connection, table: str, row_id: str, values: Mapping[str, Any], *, by: str
) -> None:
    """UPDATE a synced row's columns and its stamps."""
    limits.check_row(table, values)
    row = dict(values)
    row.update(updated_at=utc_now(), updated_by=by, origin=device_id(conn))
    sets = ", ".join(f"{c} = :{c}" for c in row)
    cur = conn.execute(f"UPDATE {table} SET {sets} WHERE id = :_id", {**row, "_id": row_id})
    if cur.rowcount != 1:
        raise LookupError(f"{table} row {row_id} not found")
