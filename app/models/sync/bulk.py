"""The change log of a bulk insert (the 台账 import), written in one statement per table.

A trigger per row costs about as much again as the row itself: a 10,000-case import writes
some 90,000 rows. A bulk writer silences the triggers (:func:`merge.quiet`), notes where each
table ended (:func:`marks`), writes its rows, then logs every row past the mark with
:func:`log_inserts`: the same log rows the triggers would have written (an insert with every
logged column), in the same transaction, numbered on from this device's last change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from app.models.sync import merge
from app.models.sync.triggers import logged_columns


def marks(conn: sqlite3.Connection, tables: Iterable[str]) -> dict[str, int]:
    """The highest rowid of each table now: rows past it are the bulk writer's."""
    return {
        t: int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0])
        for t in tables
    }


def log_inserts(conn: sqlite3.Connection, since: dict[str, int], *, at: str) -> int:
    """Log every row written past ``since`` as an insert by this device; returns the count."""
    device = merge.device_of(conn)
    logged = 0
    for table, mark in since.items():
        columns = logged_columns(conn, table)
        data = "json_object(" + ", ".join(f"'{c}', {c}" for c in columns) + ")"
        by = "updated_by" if "updated_by" in columns else "by" if "by" in columns else "''"
        last = int(
            conn.execute(
                "SELECT coalesce(max(seq), 0) FROM sync_log WHERE device = ?", (device,)
            ).fetchone()[0]
        )
        cur = conn.execute(
            "INSERT INTO sync_log(device, seq, tbl, row_id, op, data, at, by) "
            f"SELECT ?, ? + row_number() OVER (ORDER BY rowid), ?, id, 'i', {data}, ?, {by} "
            f"FROM {table} WHERE rowid > ?",
            (device, last, table, at, mark),
        )
        logged += cur.rowcount
    return logged
