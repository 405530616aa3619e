"""People of the registries: mediators (调解员), grid workers (网格员) and the villages'
法律明白人 (legal-savvy residents)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.registries.common import (
    LONG_TEXT_MAX,
    active_grid,
    active_village,
    clean_name,
    clean_phone,
    clean_text,
    delete_row,
    natural_key,
    place_filter,
    save_edit,
    set_retired,
    village_order,
)
from app.models.registries.places import list_committees

MEDIATOR_NAME_FIELD = "调解员姓名"
COMMITTEE_FIELD = "所属调委会"
FULL_TIME_FIELD = "专职"
SPECIALITIES_FIELD = "擅长纠纷类型"
GRID_WORKER_NAME_FIELD = "网格员姓名"
ADVISER_NAME_FIELD = "姓名"
AREA_FIELD = "联系片区"


# --------------------------------------------------------------------------- mediators


@dataclass(frozen=True)
class MediatorEntry:
    id: str
    name: str
    committee_id: str | None
    committee_name: str
    phone: str
    full_time: bool
    specialities: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_MEDIATOR_SQL = f"""
SELECT m.id, m.name, m.committee_id, coalesce(c.name, '') AS committee_name, m.phone,
       m.full_time, m.specialities, m.retired, m.created_at,
       {rows.stamp_sql("mediators", "m")} AS stamp
FROM mediators m LEFT JOIN committees c ON c.id = m.committee_id
WHERE 1 = 1"""


def _mediators(db: Database, sql: str, params: list[str]) -> list[MediatorEntry]:
    committees = {c.id: i for i, c in enumerate(list_committees(db, include_retired=True))}
    found = db.query(sql, params)
    found.sort(
        key=lambda r: (
            committees.get(r["committee_id"], len(committees)),
            -r["full_time"],
            r["created_at"],
            r["id"],
        )
    )
    return [
        MediatorEntry(
            r["id"],
            r["name"],
            r["committee_id"],
            r["committee_name"],
            r["phone"],
            bool(r["full_time"]),
            r["specialities"],
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_mediators(
    db: Database, *, committee_id: str | None = None, include_retired: bool = False
) -> list[MediatorEntry]:
    """Mediators with their committee's name: the town committee's first, then each
    village's; full-time before part-time; otherwise in the order they were entered."""
    sql, params = _MEDIATOR_SQL, []
    if committee_id is not None:
        sql += " AND m.committee_id = ?"
        params.append(committee_id)
    if not include_retired:
        sql += " AND m.retired = 0"
    return _mediators(db, sql, params)


def get_mediator(db: Database, mediator_id: str) -> MediatorEntry:
    found = _mediators(db, _MEDIATOR_SQL + " AND m.id = ?", [mediator_id])
    if not found:
        raise NotFoundError("这名调解员已被删除，请刷新后再试。")
    return found[0]


def _mediator_checks(
    conn: sqlite3.Connection, name: str, committee_id: str | None, own_id: str = ""
) -> None:
    if committee_id is None:
        return
    c = conn.execute(
        "SELECT name, retired FROM committees WHERE id = ?", (committee_id,)
    ).fetchone()
    if c is None:
        raise ValidationError(COMMITTEE_FIELD, "请从列表中选择调解员所属的调委会。")
    if c["retired"]:
        raise ValidationError(COMMITTEE_FIELD, f"“{c['name']}”已经停用，请选择其他调委会。")
    clash = conn.execute(
        "SELECT 1 FROM mediators WHERE committee_id = ? AND name = ? AND retired = 0 AND id <> ?",
        (committee_id, name, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            MEDIATOR_NAME_FIELD,
            f"“{c['name']}”已经有调解员“{name}”。如果是同名的另一个人，"
            f"请在姓名后加注以示区别，例如“{name}（东组）”。",
        )


def _mediator_values(
    name: str, phone: str, full_time: bool, specialities: str
) -> dict[str, object]:
    return {
        "name": clean_name(name, MEDIATOR_NAME_FIELD),
        "phone": clean_phone(phone),
        "full_time": int(bool(full_time)),
        "specialities": clean_text(specialities, SPECIALITIES_FIELD, max_len=LONG_TEXT_MAX),
    }


def add_mediator(
    db: Database,
    *,
    by: Actor,
    name: str,
    committee_id: str | None,
    phone: str = "",
    full_time: bool = False,
    specialities: str = "",
) -> str:
    """A new mediator of a committee in use; the name is unique among its mediators."""
    values = _mediator_values(name, phone, full_time, specialities)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "mediators")
        _mediator_checks(conn, str(values["name"]), committee_id)
        return rows.insert(
            conn, "mediators", {**values, "committee_id": committee_id}, by=by.user_id
        )


def edit_mediator(
    db: Database,
    mediator_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    name: str,
    committee_id: str | None,
    phone: str,
    full_time: bool,
    specialities: str,
) -> None:
    """Change a mediator: the fields the user changed from ``loaded`` (as the form showed
    them), unless the mediator changed since ``stamp`` was read (StaleEditError)."""
    values = _mediator_values(name, phone, full_time, specialities)
    m = get_mediator(db, mediator_id)
    typed = dict(
        name=name,
        committee_id=committee_id,
        phone=phone,
        full_time=full_time,
        specialities=specialities,
    )
    with db.transaction() as conn:
        accounts.authorize(conn, by, "mediators")
        _mediator_checks(conn, str(values["name"]), committee_id, mediator_id)
        save_edit(
            conn,
            "mediators",
            mediator_id,
            loaded=loaded,
            typed=typed,
            columns={**values, "committee_id": committee_id},
            stamp=stamp,
            by=by.user_id,
            what=f"调解员“{m.name}”的登记",
        )


def retire_mediator(db: Database, mediator_id: str, *, by: Actor) -> None:
    """停用: no longer offered for new assignments nor printed; past cases keep the name."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "mediators")
        set_retired(conn, "mediators", mediator_id, True, by=by.user_id, what="这名调解员")


def reinstate_mediator(db: Database, mediator_id: str, *, by: Actor) -> None:
    m = get_mediator(db, mediator_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "mediators")
        if m.retired:
            _mediator_checks(conn, m.name, m.committee_id, m.id)
        set_retired(conn, "mediators", mediator_id, False, by=by.user_id, what="这名调解员")


def delete_mediator(db: Database, mediator_id: str, *, by: Actor) -> None:
    """Delete a mediator entered by mistake; refused (InUseError) once assigned to a case."""
    m = get_mediator(db, mediator_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "mediators")
        delete_row(
            conn,
            "mediators",
            m.id,
            by=by.user_id,
            what=f"调解员“{m.name}”",
            checks=(("SELECT count(*) FROM assignments WHERE mediator_id = ?", "次案件指派"),),
        )


# --------------------------------------------------------------------------- grid workers


@dataclass(frozen=True)
class GridWorker:
    id: str
    grid_id: str
    grid_name: str
    village_id: str
    village_name: str
    name: str
    phone: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_WORKER_SQL = f"""
SELECT w.id, w.grid_id, g.name AS grid_name, v.id AS village_id, v.name AS village_name,
       w.name, w.phone, w.retired, w.created_at, {rows.stamp_sql("grid_workers", "w")} AS stamp
FROM grid_workers w JOIN places g ON g.id = w.grid_id JOIN places v ON v.id = g.parent_id
WHERE 1 = 1"""


def _workers(db: Database, sql: str, params: list[str]) -> list[GridWorker]:
    found = db.query(sql, params)
    order = village_order(db.conn)
    found.sort(
        key=lambda r: (
            order.get(r["village_id"], 0),
            natural_key(r["grid_name"]),
            r["grid_id"],
            r["created_at"],
            r["id"],
        )
    )
    return [
        GridWorker(
            r["id"],
            r["grid_id"],
            r["grid_name"],
            r["village_id"],
            r["village_name"],
            r["name"],
            r["phone"],
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_grid_workers(
    db: Database,
    *,
    village_id: str | None = None,
    grid_id: str | None = None,
    include_retired: bool = False,
) -> list[GridWorker]:
    """Grid workers by village, grid (natural order), then in the order entered."""
    sql, params = place_filter(
        _WORKER_SQL,
        village_id=village_id,
        grid_id=grid_id,
        include_retired=include_retired,
        alias="w",
        grid=True,
    )
    return _workers(db, sql, params)


def get_grid_worker(db: Database, worker_id: str) -> GridWorker:
    found = _workers(db, _WORKER_SQL + " AND w.id = ?", [worker_id])
    if not found:
        raise NotFoundError("这名网格员已被删除，请刷新后再试。")
    return found[0]


def _worker_checks(conn: sqlite3.Connection, grid_id: str, name: str, own_id: str = "") -> None:
    grid, _village = active_grid(conn, grid_id)
    clash = conn.execute(
        "SELECT 1 FROM grid_workers WHERE grid_id = ? AND name = ? AND retired = 0 AND id <> ?",
        (grid_id, name, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            GRID_WORKER_NAME_FIELD, f"网格“{grid.name}”已经有网格员“{name}”，不用重复添加。"
        )


def add_grid_worker(db: Database, *, by: Actor, grid_id: str, name: str, phone: str = "") -> str:
    name = clean_name(name, GRID_WORKER_NAME_FIELD)
    phone = clean_phone(phone)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _worker_checks(conn, grid_id, name)
        return rows.insert(
            conn, "grid_workers", {"grid_id": grid_id, "name": name, "phone": phone}, by=by.user_id
        )


def edit_grid_worker(
    db: Database,
    worker_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    grid_id: str,
    name: str,
    phone: str,
) -> None:
    typed = dict(grid_id=grid_id, name=name, phone=phone)
    name = clean_name(name, GRID_WORKER_NAME_FIELD)
    phone = clean_phone(phone)
    w = get_grid_worker(db, worker_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _worker_checks(conn, grid_id, name, worker_id)
        save_edit(
            conn,
            "grid_workers",
            worker_id,
            loaded=loaded,
            typed=typed,
            columns={"grid_id": grid_id, "name": name, "phone": phone},
            stamp=stamp,
            by=by.user_id,
            what=f"网格员“{w.name}”的登记",
        )


def retire_grid_worker(db: Database, worker_id: str, *, by: Actor) -> None:
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "grid_workers", worker_id, True, by=by.user_id, what="这名网格员")


def reinstate_grid_worker(db: Database, worker_id: str, *, by: Actor) -> None:
    w = get_grid_worker(db, worker_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if w.retired:
            _worker_checks(conn, w.grid_id, w.name, w.id)
        set_retired(conn, "grid_workers", worker_id, False, by=by.user_id, what="这名网格员")


def delete_grid_worker(db: Database, worker_id: str, *, by: Actor) -> None:
    """Delete a grid worker entered by mistake (nothing refers to grid workers)."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        delete_row(conn, "grid_workers", worker_id, by=by.user_id, what="这名网格员")


# --------------------------------------------------------------------------- 法律明白人


@dataclass(frozen=True)
class LegalAdviser:
    id: str
    village_id: str
    village_name: str
    name: str
    phone: str
    area: str  # the groups / streets the person covers
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_ADVISER_SQL = f"""
SELECT a.id, a.village_id, v.name AS village_name, a.name, a.phone, a.area, a.retired,
       a.created_at, {rows.stamp_sql("legal_advisers", "a")} AS stamp
FROM legal_advisers a JOIN places v ON v.id = a.village_id
WHERE 1 = 1"""


def _advisers(db: Database, sql: str, params: list[str]) -> list[LegalAdviser]:
    found = db.query(sql, params)
    order = village_order(db.conn)
    found.sort(key=lambda r: (order.get(r["village_id"], 0), r["created_at"], r["id"]))
    return [
        LegalAdviser(
            r["id"],
            r["village_id"],
            r["village_name"],
            r["name"],
            r["phone"],
            r["area"],
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_legal_advisers(
    db: Database, *, village_id: str | None = None, include_retired: bool = False
) -> list[LegalAdviser]:
    """法律明白人 by village, in the order they were entered."""
    sql, params = place_filter(
        _ADVISER_SQL,
        village_id=village_id,
        grid_id=None,
        include_retired=include_retired,
        alias="a",
        grid=False,
    )
    return _advisers(db, sql, params)


def get_legal_adviser(db: Database, adviser_id: str) -> LegalAdviser:
    found = _advisers(db, _ADVISER_SQL + " AND a.id = ?", [adviser_id])
    if not found:
        raise NotFoundError("这名法律明白人已被删除，请刷新后再试。")
    return found[0]


def _adviser_checks(conn: sqlite3.Connection, village_id: str, name: str, own_id: str = "") -> None:
    village = active_village(conn, village_id)
    clash = conn.execute(
        "SELECT 1 FROM legal_advisers WHERE village_id = ? AND name = ? AND retired = 0 "
        "AND id <> ?",
        (village_id, name, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            ADVISER_NAME_FIELD,
            f"{village.name}已经有法律明白人“{name}”。如果是同名的另一个人，"
            f"请在姓名后加注以示区别，例如“{name}（东组）”。",
        )


def _adviser_values(name: str, phone: str, area: str) -> dict[str, str]:
    return {
        "name": clean_name(name, ADVISER_NAME_FIELD),
        "phone": clean_phone(phone),
        "area": clean_text(area, AREA_FIELD, max_len=LONG_TEXT_MAX),
    }


def add_legal_adviser(
    db: Database, *, by: Actor, village_id: str, name: str, phone: str = "", area: str = ""
) -> str:
    values = _adviser_values(name, phone, area)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _adviser_checks(conn, village_id, values["name"])
        return rows.insert(
            conn, "legal_advisers", {**values, "village_id": village_id}, by=by.user_id
        )


def edit_legal_adviser(
    db: Database,
    adviser_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    village_id: str,
    name: str,
    phone: str,
    area: str,
) -> None:
    values = _adviser_values(name, phone, area)
    a = get_legal_adviser(db, adviser_id)
    typed = dict(village_id=village_id, name=name, phone=phone, area=area)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _adviser_checks(conn, village_id, values["name"], adviser_id)
        save_edit(
            conn,
            "legal_advisers",
            adviser_id,
            loaded=loaded,
            typed=typed,
            columns={**values, "village_id": village_id},
            stamp=stamp,
            by=by.user_id,
            what=f"法律明白人“{a.name}”的登记",
        )


def retire_legal_adviser(db: Database, adviser_id: str, *, by: Actor) -> None:
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "legal_advisers", adviser_id, True, by=by.user_id, what="这名法律明白人")


def reinstate_legal_adviser(db: Database, adviser_id: str, *, by: Actor) -> None:
    a = get_legal_adviser(db, adviser_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if a.retired:
            _adviser_checks(conn, a.village_id, a.name, a.id)
        set_retired(conn, "legal_advisers", adviser_id, False, by=by.user_id, what="这名法律明白人")


def delete_legal_adviser(db: Database, adviser_id: str, *, by: Actor) -> None:
    """Delete a 法律明白人 entered by mistake (nothing refers to them)."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        delete_row(conn, "legal_advisers", adviser_id, by=by.user_id, what="这名法律明白人")
