"""Keys and stamp columns shared by every synced row, and editing a row safely.

An edit form reads a row's values together with its *edit stamp* (:func:`stamp_sql`) and,
on save, gives the service what it loaded, what it wants, and the stamp. The service calls
:func:`update_changed`, which refuses with :class:`StaleEditError` when the row changed
since the form read it and otherwise writes only the columns the user changed
(docs/architecture.md "Edits write only what changed").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any, NoReturn

import uuid6

from app.models import limits
from app.models.db import local_moment, utc_now
from app.models.errors import NotFoundError, StaleEditError
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


# ---------------------------------------------------------------------------------------
# Editing a row that a form read earlier

# The stamp of a row that did not exist when the form read it (a draft not yet saved).
ABSENT = ""


def stamp_sql(table: str, alias: str) -> str:
    """An SQL expression for the edit stamp of ``alias``'s row of ``table``, to read in the
    same SELECT as the values a form shows.

    The stamp is ``updated_at`` and the last change-log entry of the row. Every change made
    here bumps ``updated_at`` and is logged; a change a sync merge brings is logged when it
    is applied, even one older than the row's last edit (a merge keeps the newest
    ``updated_at``), so the stamp differs after any change from any side.
    """
    return (
        f"({alias}.updated_at || '#' || coalesce((SELECT max(sl.rowid) FROM sync_log sl "
        f"WHERE sl.tbl = '{table}' AND sl.row_id = {alias}.id), 0))"
    )


def current_stamp(
    conn: sqlite3.Connection, table: str, row_id: str, stamp_expr: str | None = None
) -> str | None:
    """The row's edit stamp now (``stamp_expr``: the SQL of a stamp of the row and its
    children, on alias ``t``); None when the row does not exist."""
    expr = stamp_expr or stamp_sql(table, "t")
    row = conn.execute(f"SELECT {expr} FROM {table} t WHERE t.id = ?", (row_id,)).fetchone()
    return None if row is None else str(row[0])


def check_unchanged(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    stamp: str,
    *,
    by: str,
    what: str = "这条记录",
    stamp_expr: str | None = None,
) -> None:
    """Refuse (StaleEditError) when the row's stamp is not ``stamp`` as the form read it;
    ``stamp`` :data:`ABSENT`: the row must still not exist. ``by`` is the user saving
    (their own change made in another window is named as such). ``stamp_expr``: see
    :func:`current_stamp`."""
    now = current_stamp(conn, table, row_id, stamp_expr)
    if now == stamp or (now is None and stamp == ABSENT):
        return
    if now is None:
        raise NotFoundError(f"{what}在您打开之后已被删除。请关闭这个窗口，刷新后再看。")
    refuse_stale(conn, table, row_id, by=by, what=what)


def refuse_stale(
    conn: sqlite3.Connection, table: str, row_id: str, *, by: str, what: str
) -> NoReturn:
    """Raise the StaleEditError of ``what`` (the row ``row_id`` of ``table`` is the one that
    changed: the message names who changed it last, and when)."""
    raise StaleEditError(
        f"{what}在您打开之后已被修改（{_last_change(conn, table, row_id, by=by)}）。",
        table=table,
        row_id=row_id,
    )


def _last_change(conn: sqlite3.Connection, table: str, row_id: str, *, by: str) -> str:
    """Who changed the row last, when (local time) and where, as far as known: "王建华于
    2026-11-20 14:05 修改", "您本人于 … 在另一个窗口中修改", "… 在“河东笔记本”上修改，同步带来"."""
    entry = conn.execute(
        "SELECT by, at, device FROM sync_log WHERE tbl = ? AND row_id = ? "
        "ORDER BY rowid DESC LIMIT 1",
        (table, row_id),
    ).fetchone()
    if entry is None and table != "settings":  # a table that is not logged
        entry = conn.execute(
            f"SELECT updated_by, updated_at, origin FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
    user, at, device = (str(v or "") for v in entry or ("", "", ""))
    when = _local_minute(at)
    when = f"于 {when} " if when else ""
    if device in ("", device_id(conn)):
        if user == by:
            return f"您本人{when}在另一个窗口中修改"
        return f"{_user_name(conn, user)}{when}修改"
    found = conn.execute("SELECT name FROM devices WHERE id = ?", (device,)).fetchone()
    computer = f"“{found[0]}”" if found is not None and found[0] else "另一台电脑"
    return f"{_user_name(conn, user)}{when}在{computer}上修改，同步带来"


def _user_name(conn: sqlite3.Connection, user_id: str) -> str:
    found = conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()
    return str(found[0]) if found is not None and found[0] else "其他人"


def _local_minute(at: str) -> str:
    moment = local_moment(at) if at else None
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def check_absent_or_unchanged(
    conn: sqlite3.Connection, table: str, row_id: str, stamp: str, *, by: str, what: str
) -> None:
    """As :func:`check_unchanged`, for a row that may not exist (a shipped text the office
    has not edited: stamp ABSENT): one deleted since the form read it (恢复默认 in another
    window) has changed as well."""
    now = current_stamp(conn, table, row_id)
    if (now or ABSENT) != stamp:
        refuse_stale(conn, table, row_id, by=by, what=what)


def save_texts_row(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    values: Mapping[str, Any],
    *,
    typed: Mapping[str, Any],
    loaded: Mapping[str, Any] | None,
    stamp: str | None,
    by: str,
    what: str,
) -> None:
    """Save an edit of a text the office keeps (协议条款模板, 宣传内容, 月度报告): with a
    ``stamp`` (an edit form), the columns whose field (same name in ``typed``) the user
    left as ``loaded`` are not written, and nothing is when the row changed since the
    form read it; without one (the program's own writes: demo, import) all of ``values``."""
    if stamp is None:
        update(conn, table, row_id, values, by=by)
        return
    left = {c: v for c, v in values.items() if c in typed and loaded and typed[c] == loaded.get(c)}
    update_changed(conn, table, row_id, left, values, stamp=stamp, by=by, what=what)


def save_catalogue_text(
    conn: sqlite3.Connection,
    table: str,
    key: str | None,
    values: Mapping[str, Any],
    *,
    shipped: bool,
    typed: Mapping[str, Any],
    loaded: Mapping[str, Any] | None,
    stamp: str | None,
    by: str,
    what: str,
) -> str:
    """Save a text of a catalogue the program ships and the office edits and adds to
    (协议条款模板, 宣传内容); returns its key. ``key`` None: a new text of the office, last
    in the list. A ``shipped`` key: the office's version of that text, made on its first
    edit (its row is keyed by default_key). Otherwise the office's own text, whose row the
    caller has checked is there. Edits write what the user changed (save_texts_row)."""
    if key is None:
        position = conn.execute(f"SELECT coalesce(max(position), 0) + 1 FROM {table}").fetchone()[0]
        return insert(conn, table, {**values, "position": position}, by=by)
    if not shipped:
        save_texts_row(
            conn, table, key, values, typed=typed, loaded=loaded, stamp=stamp, by=by, what=what
        )
        return key
    row = conn.execute(f"SELECT id FROM {table} WHERE default_key = ?", (key,)).fetchone()
    row_id = natural_id(table, key) if row is None else str(row[0])
    if stamp is not None:
        check_absent_or_unchanged(conn, table, row_id, stamp, by=by, what=what)
    if row is None:
        insert(conn, table, {**values, "default_key": key}, by=by)
    else:
        save_texts_row(
            conn, table, row_id, values, typed=typed, loaded=loaded, stamp=stamp, by=by, what=what
        )
    return key


def hide_catalogue_text(
    conn: sqlite3.Connection,
    table: str,
    key: str,
    shipped: Mapping[str, Any] | None,
    *,
    by: str,
) -> None:
    """Hide a text of a catalogue (see save_catalogue_text). ``shipped``: the program's
    values of a shipped key, whose row (keyed by default_key) is made hidden here if the
    office never edited it; None: the office's own text, whose row the caller has checked
    is there."""
    if shipped is not None:
        row = conn.execute(f"SELECT id FROM {table} WHERE default_key = ?", (key,)).fetchone()
        if row is None:
            insert(conn, table, {"default_key": key, **shipped, "hidden": 1}, by=by)
            return
        key = str(row[0])
    update(conn, table, key, {"hidden": 1}, by=by)


def edited(loaded: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of ``wanted`` the user changed from ``loaded`` (all of those missing
    from ``loaded``)."""
    return {c: v for c, v in wanted.items() if c not in loaded or loaded[c] != v}


def update_changed(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    loaded: Mapping[str, Any],
    wanted: Mapping[str, Any],
    *,
    stamp: str,
    by: str,
    what: str = "这条记录",
) -> dict[str, tuple[Any, Any]]:
    """Save an edit form's row: the columns of ``wanted`` that differ from ``loaded`` (the
    same columns as the form had them before the user typed) and from what is stored,
    unless the row changed since the form read it (``stamp``): then StaleEditError.

    A column of ``wanted`` missing from ``loaded`` is compared with what is stored only.
    Returns {column: (before, after)} of what was written; {} when nothing changed: then
    nothing is written (not even the stamps) and nothing is refused.
    """
    changed = edited(loaded, wanted)
    if not changed:
        return {}
    check_unchanged(conn, table, row_id, stamp, by=by, what=what)
    current = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    changes = {c: (current[c], v) for c, v in changed.items() if current[c] != v}
    if changes:
        update(conn, table, row_id, {c: after for c, (_, after) in changes.items()}, by=by)
    return changes
