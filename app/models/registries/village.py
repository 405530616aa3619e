"""Each village's 评理说事点 (talk points) and its 大喇叭 broadcast schedule."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.registries.common import (
    LONG_TEXT_MAX,
    NAME_MAX,
    active_village,
    clean_name,
    clean_phone,
    clean_text,
    delete_row,
    place_filter,
    save_edit,
    set_retired,
    village_order,
)

TALK_POINT_NAME_FIELD = "说事点名称"
ADDRESS_FIELD = "地址"
HOURS_FIELD = "开放时间"
STAFF_FIELD = "值守人员"
PLAY_ON_FIELD = "播放日期"
PLAY_AT_FIELD = "播放时间"
READER_FIELD = "播读人"


# --------------------------------------------------------------------------- 评理说事点


@dataclass(frozen=True)
class TalkPoint:
    id: str
    village_id: str
    village_name: str
    name: str
    address: str
    hours: str  # opening times, as the placard prints them
    staff: str
    phone: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_TALK_POINT_SQL = f"""
SELECT t.id, t.village_id, v.name AS village_name, t.name, t.address, t.hours, t.staff,
       t.phone, t.retired, t.created_at, {rows.stamp_sql("talk_points", "t")} AS stamp
FROM talk_points t JOIN places v ON v.id = t.village_id
WHERE 1 = 1"""


def _talk_points(db: Database, sql: str, params: list[str]) -> list[TalkPoint]:
    found = db.query(sql, params)
    order = village_order(db.conn)
    found.sort(key=lambda r: (order.get(r["village_id"], 0), r["created_at"], r["id"]))
    return [
        TalkPoint(
            r["id"],
            r["village_id"],
            r["village_name"],
            r["name"],
            r["address"],
            r["hours"],
            r["staff"],
            r["phone"],
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_talk_points(
    db: Database, *, village_id: str | None = None, include_retired: bool = False
) -> list[TalkPoint]:
    """评理说事点 by village, in the order they were entered."""
    sql, params = place_filter(
        _TALK_POINT_SQL,
        village_id=village_id,
        grid_id=None,
        include_retired=include_retired,
        alias="t",
        grid=False,
    )
    return _talk_points(db, sql, params)


def get_talk_point(db: Database, point_id: str) -> TalkPoint:
    found = _talk_points(db, _TALK_POINT_SQL + " AND t.id = ?", [point_id])
    if not found:
        raise NotFoundError("这个评理说事点已被删除，请刷新后再试。")
    return found[0]


def _talk_point_values(
    *, name: str, address: str, hours: str, staff: str, phone: str
) -> dict[str, str]:
    return {
        "name": clean_text(name, TALK_POINT_NAME_FIELD, max_len=NAME_MAX),
        "address": clean_text(
            address,
            ADDRESS_FIELD,
            required="请填写评理说事点的地址，例如“红旗村村委会一楼”，告示牌上要印。",
        ),
        "hours": clean_text(hours, HOURS_FIELD, max_len=LONG_TEXT_MAX),
        "staff": clean_text(staff, STAFF_FIELD, max_len=LONG_TEXT_MAX),
        "phone": clean_phone(phone),
    }


def _talk_point_place(
    conn: sqlite3.Connection, village_id: str, values: dict[str, str], own_id: str = ""
) -> dict[str, str]:
    """The values with the village and a default name, refused when the village already
    has a talk point of that name."""
    village = active_village(conn, village_id)
    name = values["name"] or f"{village.name}评理说事点"
    clash = conn.execute(
        "SELECT 1 FROM talk_points WHERE village_id = ? AND name = ? AND retired = 0 AND id <> ?",
        (village.id, name, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            TALK_POINT_NAME_FIELD, f"{village.name}已经有评理说事点“{name}”，请换一个名称。"
        )
    return {**values, "name": name, "village_id": village.id}


def add_talk_point(
    db: Database,
    *,
    by: Actor,
    village_id: str,
    name: str,
    address: str,
    hours: str = "",
    staff: str = "",
    phone: str = "",
) -> str:
    """A village's 评理说事点. An empty name becomes “<村名>评理说事点”."""
    text = _talk_point_values(name=name, address=address, hours=hours, staff=staff, phone=phone)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        return rows.insert(
            conn, "talk_points", _talk_point_place(conn, village_id, text), by=by.user_id
        )


def edit_talk_point(
    db: Database,
    point_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    village_id: str,
    name: str,
    address: str,
    hours: str,
    staff: str,
    phone: str,
) -> None:
    text = _talk_point_values(name=name, address=address, hours=hours, staff=staff, phone=phone)
    t = get_talk_point(db, point_id)
    typed = dict(
        village_id=village_id, name=name, address=address, hours=hours, staff=staff, phone=phone
    )
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        values = _talk_point_place(conn, village_id, text, point_id)
        save_edit(
            conn,
            "talk_points",
            point_id,
            loaded=loaded,
            typed=typed,
            columns=values,
            stamp=stamp,
            by=by.user_id,
            what=f"评理说事点“{t.name}”的登记",
        )


def retire_talk_point(db: Database, point_id: str, *, by: Actor) -> None:
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "talk_points", point_id, True, by=by.user_id, what="这个评理说事点")


def reinstate_talk_point(db: Database, point_id: str, *, by: Actor) -> None:
    t = get_talk_point(db, point_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if t.retired:
            _talk_point_place(conn, t.village_id, {"name": t.name}, t.id)
        set_retired(conn, "talk_points", point_id, False, by=by.user_id, what="这个评理说事点")


def delete_talk_point(db: Database, point_id: str, *, by: Actor) -> None:
    """Delete a 评理说事点 entered by mistake (nothing refers to it)."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        delete_row(conn, "talk_points", point_id, by=by.user_id, what="这个评理说事点")


# --------------------------------------------------------------------------- 大喇叭 schedule


@dataclass(frozen=True)
class BroadcastSlot:
    id: str
    village_id: str
    village_name: str
    play_on: date
    play_at: str  # HH:MM
    reader: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{1,2})|点(?:(\d{1,2})分?|(半))?)?$")


def clean_time(text: str, field: str = PLAY_AT_FIELD) -> str:
    """A time of day as "HH:MM". Accepts 7:30, 07:30, 7：30, 7点, 7点30, 7点30分, 7点半."""
    raw = "".join(unicodedata.normalize("NFKC", str(text)).split())
    if not raw:
        raise ValidationError(field, f"请填写{field}，例如 07:30。")
    m = _TIME_RE.match(raw)
    if m is None or (":" not in raw and "点" not in raw):
        raise ValidationError(field, f"{field}“{text}”看不懂，请写成“时:分”，例如 07:30 或 19:00。")
    hour = int(m.group(1))
    minute = 30 if m.group(4) else int(m.group(2) or m.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ValidationError(
            field, f"{field}“{text}”不存在：小时是 0–23，分钟是 0–59，例如 07:30 或 19:00。"
        )
    return f"{hour:02d}:{minute:02d}"


def _check_date(play_on: date) -> date:
    if isinstance(play_on, datetime):
        play_on = play_on.date()
    if not 2000 <= play_on.year <= 2099:
        raise ValidationError(
            PLAY_ON_FIELD, f"播放日期 {play_on:%Y-%m-%d} 的年份不对，请核对后重新填写。"
        )
    return play_on


_SLOT_SQL = f"""
SELECT b.id, b.village_id, v.name AS village_name, b.play_on, b.play_at, b.reader, b.retired,
       {rows.stamp_sql("broadcast_schedule", "b")} AS stamp
FROM broadcast_schedule b JOIN places v ON v.id = b.village_id
WHERE 1 = 1"""


def _slots(db: Database, sql: str, params: list[str]) -> list[BroadcastSlot]:
    found = db.query(sql, params)
    order = village_order(db.conn)
    found.sort(key=lambda r: (order.get(r["village_id"], 0), r["play_on"], r["play_at"], r["id"]))
    return [
        BroadcastSlot(
            r["id"],
            r["village_id"],
            r["village_name"],
            date.fromisoformat(r["play_on"]),
            r["play_at"],
            r["reader"],
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_broadcast_slots(
    db: Database, *, village_id: str | None = None, include_retired: bool = False
) -> list[BroadcastSlot]:
    """The 大喇叭 schedule by village, then by date and time."""
    sql, params = place_filter(
        _SLOT_SQL,
        village_id=village_id,
        grid_id=None,
        include_retired=include_retired,
        alias="b",
        grid=False,
    )
    return _slots(db, sql, params)


def get_broadcast_slot(db: Database, slot_id: str) -> BroadcastSlot:
    found = _slots(db, _SLOT_SQL + " AND b.id = ?", [slot_id])
    if not found:
        raise NotFoundError("这条播放安排已被删除，请刷新后再试。")
    return found[0]


def _slot_values(
    conn: sqlite3.Connection,
    village_id: str,
    play_on: date,
    play_at: str,
    reader: str,
    own_id: str = "",
) -> dict[str, str]:
    village = active_village(conn, village_id)
    clash = conn.execute(
        "SELECT 1 FROM broadcast_schedule WHERE village_id = ? AND play_on = ? AND play_at = ? "
        "AND retired = 0 AND id <> ?",
        (village.id, play_on.isoformat(), play_at, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            PLAY_AT_FIELD,
            f"{village.name} {play_on:%Y-%m-%d} {play_at} 已经安排了播放，请换一个时间。",
        )
    return {
        "village_id": village.id,
        "play_on": play_on.isoformat(),
        "play_at": play_at,
        "reader": reader,
    }


def add_broadcast_slot(
    db: Database, *, by: Actor, village_id: str, play_on: date, play_at: str, reader: str = ""
) -> str:
    """One play of the broadcast: date, time (HH:MM; 7点半 is understood) and who reads."""
    play_on = _check_date(play_on)
    play_at = clean_time(play_at)
    reader = clean_name(reader, READER_FIELD) if reader.strip() else ""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        values = _slot_values(conn, village_id, play_on, play_at, reader)
        return rows.insert(conn, "broadcast_schedule", values, by=by.user_id)


def edit_broadcast_slot(
    db: Database,
    slot_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    village_id: str,
    play_on: date,
    play_at: str,
    reader: str,
) -> None:
    typed = dict(village_id=village_id, play_on=play_on, play_at=play_at, reader=reader)
    play_on = _check_date(play_on)
    play_at = clean_time(play_at)
    reader = clean_name(reader, READER_FIELD) if reader.strip() else ""
    s = get_broadcast_slot(db, slot_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        values = _slot_values(conn, village_id, play_on, play_at, reader, slot_id)
        save_edit(
            conn,
            "broadcast_schedule",
            slot_id,
            loaded=loaded,
            typed=typed,
            columns=values,
            stamp=stamp,
            by=by.user_id,
            what=f"{s.play_on:%Y-%m-%d} {s.play_at} 的播放安排",
        )


def retire_broadcast_slot(db: Database, slot_id: str, *, by: Actor) -> None:
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "broadcast_schedule", slot_id, True, by=by.user_id, what="这条播放安排")


def reinstate_broadcast_slot(db: Database, slot_id: str, *, by: Actor) -> None:
    s = get_broadcast_slot(db, slot_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if s.retired:
            _slot_values(conn, s.village_id, s.play_on, s.play_at, s.reader, s.id)
        set_retired(conn, "broadcast_schedule", slot_id, False, by=by.user_id, what="这条播放安排")


def delete_broadcast_slot(db: Database, slot_id: str, *, by: Actor) -> None:
    """Delete a play entered by mistake (nothing refers to it)."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        delete_row(conn, "broadcast_schedule", slot_id, by=by.user_id, what="这条播放安排")
