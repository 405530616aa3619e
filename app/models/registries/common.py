"""What every registry shares: field labels, text and phone checks, natural order, looking
up villages and grids, saving an edit, retiring and deleting rows."""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.models import rows
from app.models.errors import InUseError, NotFoundError, ValidationError
from app.models.identity import IdentityError, check_phone
from app.models.office import Place

log = logging.getLogger(__name__)

# Field labels, as the forms and the spreadsheet headers name them.
VILLAGE_FIELD = "村（社区）"
GRID_FIELD = "网格"
PHONE_FIELD = "联系电话"
COMMITTEE_FIELD = "所属调委会"

VILLAGE_KINDS = ("village", "community")
NAME_MAX = 30
LONG_TEXT_MAX = 100
NOTES_MAX = 200


def clean_text(
    value: str, field: str, *, max_len: int = LONG_TEXT_MAX, required: str | None = None
) -> str:
    """The value stripped, with runs of whitespace (line breaks of a pasted cell, full-width
    spaces) made one space. ``required`` is the message when it is empty."""
    cleaned = " ".join(str(value).split())
    if not cleaned:
        if required is not None:
            raise ValidationError(field, required)
        return ""
    if len(cleaned) > max_len:
        raise ValidationError(
            field, f"{field}太长了（现在 {len(cleaned)} 个字，最多 {max_len} 个字），请删减。"
        )
    return cleaned


def clean_phone(value: str, field: str = PHONE_FIELD) -> str:
    """A phone number, normalised by identity.check_phone; empty is allowed."""
    try:
        return check_phone(str(value), field=field)
    except IdentityError as exc:
        raise ValidationError(exc.field, exc.message) from exc


# --------------------------------------------------------------------------- natural order

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100}
_PARTS = re.compile(r"(\d+|[〇零一二两三四五六七八九十百]+)")


def _cn_number(run: str) -> int:
    if not any(ch in _CN_UNITS for ch in run):  # 二〇二四: digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in run))
    total = current = 0
    for ch in run:
        if ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key in which numbers count as numbers: "2" < "10", "3" < "3-1" < "4",
    "第二网格" < "第十网格" (Chinese numerals too)."""
    key: list[tuple[int, int, str]] = []
    for part in _PARTS.split(unicodedata.normalize("NFKC", text)):
        if not part:
            continue
        if part.isdigit():
            key.append((0, int(part), ""))
        elif part[0] in _CN_DIGITS or part[0] in _CN_UNITS:
            key.append((0, _cn_number(part), ""))
        else:
            key.append((1, 0, part.casefold()))
    return tuple(key)


# --------------------------------------------------------------------------- places


def place_from_row(r: sqlite3.Row) -> Place:
    return Place(r["id"], r["name"], r["kind"], r["parent_id"])


def village_order(conn: sqlite3.Connection) -> dict[str, int]:
    """Village id → position, in the order office.villages() lists them: the office's
    order, as it entered them (retired ones too, where they were)."""
    ids = conn.execute(
        "SELECT id FROM places WHERE kind IN ('village','community') ORDER BY created_at, rowid"
    ).fetchall()
    return {r[0]: i for i, r in enumerate(ids)}


def active_village(conn: sqlite3.Connection, village_id: str) -> Place:
    """The village or community, which must exist and be in use."""
    r = conn.execute(
        "SELECT id, name, kind, parent_id, retired FROM places WHERE id = ?", (village_id,)
    ).fetchone()
    if r is None or r["kind"] not in VILLAGE_KINDS:
        raise ValidationError(VILLAGE_FIELD, "请从列表中选择村（社区）。")
    if r["retired"]:
        raise ValidationError(
            VILLAGE_FIELD,
            f"“{r['name']}”已经停用，不能再添加或修改它的登记，请选择其他村（社区）。",
        )
    return place_from_row(r)


def active_grid(conn: sqlite3.Connection, grid_id: str) -> tuple[Place, Place]:
    """(grid, its village); both must exist and be in use."""
    r = conn.execute(
        "SELECT id, name, kind, parent_id, retired FROM places WHERE id = ?", (grid_id,)
    ).fetchone()
    if r is None or r["kind"] != "grid":
        raise ValidationError(GRID_FIELD, "请从列表中选择网格。")
    if r["retired"]:
        raise ValidationError(
            GRID_FIELD, f"网格“{r['name']}”已经停用，请选择其他网格，或先把它恢复使用。"
        )
    village = active_village(conn, r["parent_id"])
    return place_from_row(r), village


# --------------------------------------------------------------------------- retire, delete


def save_edit(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    *,
    loaded: Mapping[str, Any],
    typed: Mapping[str, Any],
    columns: Mapping[str, Any],
    stamp: str,
    by: str,
    what: str,
) -> dict[str, tuple[Any, Any]]:
    """Save a registry form's row (rows.update_changed): ``typed`` are the form's fields as
    the service got them, ``loaded`` the same fields as the form showed them before the
    user typed, ``columns`` the cleaned values to store (a field and its column share a
    name). A column whose field the user left alone is not written; nothing is written
    when the row changed since the form read it (``stamp``): StaleEditError."""
    left = {
        c: v for c, v in columns.items() if c in typed and c in loaded and typed[c] == loaded[c]
    }
    return rows.update_changed(conn, table, row_id, left, columns, stamp=stamp, by=by, what=what)


def set_retired(
    conn: sqlite3.Connection, table: str, row_id: str, retired: bool, *, by: str, what: str
) -> None:
    """Retire (停用) or reinstate a row; doing it twice changes nothing. ``what`` names the
    row in the not-found message (“这名调解员”)."""
    r = conn.execute(f"SELECT retired FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if r is None:
        raise NotFoundError(f"{what}已被删除，请刷新后再试。")
    if bool(r["retired"]) != retired:
        rows.update(conn, table, row_id, {"retired": int(retired)}, by=by)


def count_references(
    conn: sqlite3.Connection, checks: Iterable[tuple[str, str]], row_id: str
) -> tuple[str, ...]:
    """``checks`` are (SQL counting rows that refer to ``row_id`` with one ?, unit words
    like "件案件"); returns "3 件案件" for every check that found any."""
    found = []
    for sql, unit in checks:
        n = int(conn.execute(sql, (row_id,)).fetchone()[0])
        if n:
            found.append(f"{n} {unit}")
    return tuple(found)


def refuse_if_referenced(what: str, references: Sequence[str]) -> None:
    if references:
        raise InUseError(
            f"{what}还被{'、'.join(references)}用到，不能删除。"
            "如果不再使用，请改为“停用”：停用后不再出现在列表和打印材料中，以前的记录都还在。",
            references=tuple(references),
        )


def delete_row(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    *,
    by: str,
    what: str,
    checks: Iterable[tuple[str, str]] = (),
) -> None:
    """Delete a row entered by mistake, unless anything refers to it (InUseError)."""
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None:
        raise NotFoundError(f"{what}已被删除，请刷新后再试。")
    refuse_if_referenced(what, count_references(conn, checks, row_id))
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    log.info("deleted %s %s (by %s)", table, row_id, by)
