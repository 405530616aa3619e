"""Grids (网格) under a village or community, and the committees of villages and communities.

The town, its villages and the town committee come from the first-run set-up; grids and
village committees are kept here. Nothing referenced is deleted: it is retired (停用).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import DomainError, NotFoundError, ValidationError
from app.models.office import get_setting
from app.models.registries.common import (
    NAME_MAX,
    VILLAGE_FIELD,
    active_village,
    clean_text,
    delete_row,
    natural_key,
    save_edit,
    set_retired,
    village_order,
)

GRID_NAME_FIELD = "网格名称"
COMMITTEE_NAME_FIELD = "调委会名称"
ABBR_FIELD = "编号简称"
SEAL_FIELD = "印章文字"

LEVEL_LABELS = {
    "town": "乡镇（街道）调委会",
    "village": "村调委会",
    "community": "社区调委会",
    "special": "专业调委会",
}

_ABBR_RE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134FA-Za-z0-9]{1,12}$")


# --------------------------------------------------------------------------- grids


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    village_id: str
    village_name: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


_GRID_SQL = f"""
SELECT g.id, g.name, g.parent_id AS village_id, v.name AS village_name, g.retired,
       v.retired AS village_retired, {rows.stamp_sql("places", "g")} AS stamp
FROM places g JOIN places v ON v.id = g.parent_id
WHERE g.kind = 'grid'"""


def _grid(r: sqlite3.Row) -> Grid:
    return Grid(
        r["id"], r["name"], r["village_id"], r["village_name"], bool(r["retired"]), r["stamp"]
    )


def list_grids(
    db: Database, village_id: str | None = None, *, include_retired: bool = False
) -> list[Grid]:
    """Grids of one village (or of all), villages in the usual order, grids in natural order
    (第二网格 before 第十网格). Retired grids, and grids of retired villages, only on request."""
    sql = _GRID_SQL
    params: list[str] = []
    if village_id is not None:
        sql += " AND g.parent_id = ?"
        params.append(village_id)
    if not include_retired:
        sql += " AND g.retired = 0 AND v.retired = 0"
    found = db.query(sql, params)
    order = village_order(db.conn)
    found.sort(key=lambda r: (order.get(r["village_id"], 0), natural_key(r["name"]), r["id"]))
    return [_grid(r) for r in found]


def get_grid(db: Database, grid_id: str) -> Grid:
    r = db.one(_GRID_SQL + " AND g.id = ?", (grid_id,))
    if r is None:
        raise NotFoundError("这个网格已被删除，请刷新后再试。")
    return _grid(r)


def _grid_name(name: str) -> str:
    return clean_text(
        name, GRID_NAME_FIELD, max_len=NAME_MAX, required="请填写网格名称，例如“第一网格”。"
    )


def _unique_grid_name(
    conn: sqlite3.Connection, village_id: str, name: str, village_name: str, own_id: str = ""
) -> None:
    clash = conn.execute(
        "SELECT 1 FROM places WHERE kind = 'grid' AND parent_id = ? AND name = ? "
        "AND retired = 0 AND id <> ?",
        (village_id, name, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            GRID_NAME_FIELD, f"{village_name}已经有名为“{name}”的网格，请换一个名称。"
        )


def add_grid(db: Database, *, by: Actor, village_id: str, name: str) -> str:
    """A new grid under a village or community; its name is unique there."""
    name = _grid_name(name)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        village = active_village(conn, village_id)
        _unique_grid_name(conn, village.id, name, village.name)
        return rows.insert(
            conn, "places", {"name": name, "kind": "grid", "parent_id": village.id}, by=by.user_id
        )


def rename_grid(
    db: Database, grid_id: str, *, by: Actor, loaded: Mapping[str, Any], stamp: str, name: str
) -> None:
    typed = {"name": name}
    name = _grid_name(name)
    grid = get_grid(db, grid_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _unique_grid_name(conn, grid.village_id, name, grid.village_name, grid.id)
        save_edit(
            conn,
            "places",
            grid.id,
            loaded=loaded,
            typed=typed,
            columns={"name": name},
            stamp=stamp,
            by=by.user_id,
            what=f"网格“{grid.name}”",
        )


def retire_grid(db: Database, grid_id: str, *, by: Actor) -> None:
    """停用: the grid, its households and grid workers leave the lists and the kit."""
    grid = get_grid(db, grid_id)  # a grid, never a village
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "places", grid.id, True, by=by.user_id, what="这个网格")


def reinstate_grid(db: Database, grid_id: str, *, by: Actor) -> None:
    grid = get_grid(db, grid_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if grid.retired:
            active_village(conn, grid.village_id)
            _unique_grid_name(conn, grid.village_id, grid.name, grid.village_name, grid.id)
        set_retired(conn, "places", grid_id, False, by=by.user_id, what="这个网格")


_PLACE_REFERENCES = (
    ("SELECT count(*) FROM cases WHERE village_id = ?", "件案件"),
    ("SELECT count(*) FROM households WHERE grid_id = ?", "户住户"),
    ("SELECT count(*) FROM grid_workers WHERE grid_id = ?", "名网格员"),
    ("SELECT count(*) FROM places WHERE parent_id = ?", "个下级网格"),
    ("SELECT count(*) FROM committees WHERE place_id = ?", "个调委会"),
)


def delete_grid(db: Database, grid_id: str, *, by: Actor) -> None:
    """Delete a grid entered by mistake. Refused (InUseError) once anything refers to it."""
    grid = get_grid(db, grid_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        conn.execute("DELETE FROM household_chart_options WHERE grid_id = ?", (grid.id,))
        delete_row(
            conn,
            "places",
            grid.id,
            by=by.user_id,
            what=f"网格“{grid.name}”",
            checks=_PLACE_REFERENCES,
        )


# --------------------------------------------------------------------------- villages

VILLAGE_NAME_FIELD = "村（社区）名称"
VILLAGE_KIND_FIELD = "类别"
VILLAGE_KINDS_LABELS = {"village": "村", "community": "社区"}


@dataclass(frozen=True)
class VillageEntry:
    id: str
    name: str
    kind: str  # village / community
    grids: int  # grids in use
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


def list_villages(db: Database, *, include_retired: bool = False) -> list[VillageEntry]:
    """The town's villages and communities in the office's order (as office.villages lists
    them: as the office entered them)."""
    found = db.query(
        f"SELECT v.id, v.name, v.kind, v.retired, {rows.stamp_sql('places', 'v')} AS stamp, "
        "(SELECT count(*) FROM places g WHERE g.parent_id = v.id AND g.kind = 'grid' "
        " AND g.retired = 0) AS grids "
        "FROM places v WHERE v.kind IN ('village','community')"
        + ("" if include_retired else " AND v.retired = 0")
        + " ORDER BY v.created_at, v.rowid"
    )
    return [
        VillageEntry(r["id"], r["name"], r["kind"], r["grids"], bool(r["retired"]), r["stamp"])
        for r in found
    ]


def get_village(db: Database, village_id: str) -> VillageEntry:
    for v in list_villages(db, include_retired=True):
        if v.id == village_id:
            return v
    raise NotFoundError("这个村（社区）已被删除，请刷新后再试。")


def _village_values(name: str, kind: str) -> dict[str, str]:
    name = clean_text(
        name, VILLAGE_NAME_FIELD, max_len=NAME_MAX, required="请填写村（社区）名称，例如“红旗村”。"
    )
    if kind not in VILLAGE_KINDS_LABELS:
        raise ValidationError(VILLAGE_KIND_FIELD, "请选择是村还是社区。")
    return {"name": name, "kind": kind}


def _unique_village_name(conn: sqlite3.Connection, name: str, own_id: str = "") -> None:
    clash = conn.execute(
        "SELECT retired FROM places WHERE kind IN ('village','community') AND name = ? AND id <> ?",
        (name, own_id),
    ).fetchone()
    if clash is not None:
        if clash["retired"]:  # said so that it reads right in 登记 and 案情 as well
            raise ValidationError(
                VILLAGE_NAME_FIELD,
                f"已经有“{name}”，只是已停用。请在“村居与宣传 → 村居档案 → 村（社区）”中"
                "勾选“显示已停用”，选中它后恢复启用，不要重复登记。",
            )
        raise ValidationError(VILLAGE_NAME_FIELD, f"已经有“{name}”，请不要重复登记。")


def _town_id(conn: sqlite3.Connection) -> str:
    r = conn.execute("SELECT id FROM places WHERE kind = 'town' ORDER BY created_at LIMIT 1")
    found = r.fetchone()
    if found is None:
        raise LookupError("office is not set up")
    return str(found[0])


def add_village(db: Database, *, by: Actor, name: str, kind: str = "village") -> str:
    """A new village or community of the town; its name is unique."""
    values = _village_values(name, kind)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "villages")
        _unique_village_name(conn, values["name"])
        return rows.insert(conn, "places", {**values, "parent_id": _town_id(conn)}, by=by.user_id)


def edit_village(
    db: Database,
    village_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    name: str,
    kind: str,
) -> None:
    values = _village_values(name, kind)
    v = get_village(db, village_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "villages")
        _unique_village_name(conn, values["name"], village_id)
        save_edit(
            conn,
            "places",
            village_id,
            loaded=loaded,
            typed={"name": name, "kind": kind},
            columns=values,
            stamp=stamp,
            by=by.user_id,
            what=f"“{v.name}”的登记",
        )


def retire_village(db: Database, village_id: str, *, by: Actor) -> None:
    """停用 (e.g. merged into another): it leaves the lists, choices and kits; its cases
    and records stay as they were."""
    get_village(db, village_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "villages")
        set_retired(conn, "places", village_id, True, by=by.user_id, what="这个村（社区）")


def reinstate_village(db: Database, village_id: str, *, by: Actor) -> None:
    village = get_village(db, village_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "villages")
        _unique_village_name(conn, village.name, village.id)
        set_retired(conn, "places", village_id, False, by=by.user_id, what="这个村（社区）")


_VILLAGE_REFERENCES = (
    *_PLACE_REFERENCES,
    ("SELECT count(*) FROM legal_advisers WHERE village_id = ?", "名法律明白人"),
    ("SELECT count(*) FROM talk_points WHERE village_id = ?", "个评理说事点"),
    ("SELECT count(*) FROM broadcast_schedule WHERE village_id = ?", "次广播安排"),
)


def delete_village(db: Database, village_id: str, *, by: Actor) -> None:
    """Delete a village entered by mistake. Refused (InUseError) once anything refers to it."""
    village = get_village(db, village_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "villages")
        delete_row(
            conn,
            "places",
            village.id,
            by=by.user_id,
            what=f"“{village.name}”",
            checks=_VILLAGE_REFERENCES,
        )


# --------------------------------------------------------------------------- committees


@dataclass(frozen=True)
class CommitteeEntry:
    id: str
    name: str
    level: str  # town / village / community / special (LEVEL_LABELS)
    place_id: str | None
    place_name: str
    abbr: str
    seal_text: str
    retired: bool
    main: bool  # the township committee of the set-up: never retired or deleted
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


def _committee_rows(
    conn: sqlite3.Connection, where: str, params: tuple[str, ...]
) -> list[CommitteeEntry]:
    main_id = conn.execute("SELECT value FROM settings WHERE key = 'main_committee_id'").fetchone()
    main = main_id[0] if main_id else None
    found = conn.execute(
        "SELECT c.id, c.name, c.level, c.place_id, coalesce(p.name, '') AS place_name, c.abbr, "
        f"c.seal_text, c.retired, {rows.stamp_sql('committees', 'c')} AS stamp "
        "FROM committees c LEFT JOIN places p ON p.id = c.place_id " + where,
        params,
    ).fetchall()
    order = village_order(conn)
    found.sort(
        key=lambda r: (
            r["id"] != main,
            r["level"] == "special",
            order.get(r["place_id"], -1),
            natural_key(r["name"]),
            r["id"],
        )
    )
    return [
        CommitteeEntry(
            r["id"],
            r["name"],
            r["level"],
            r["place_id"],
            r["place_name"],
            r["abbr"],
            r["seal_text"],
            bool(r["retired"]),
            r["id"] == main,
            r["stamp"],
        )
        for r in found
    ]


def list_committees(db: Database, *, include_retired: bool = False) -> list[CommitteeEntry]:
    """The town committee first, then the villages' and communities' in village order."""
    return _committee_rows(db.conn, "" if include_retired else "WHERE c.retired = 0", ())


def get_committee_entry(db: Database, committee_id: str) -> CommitteeEntry:
    found = _committee_rows(db.conn, "WHERE c.id = ?", (committee_id,))
    if not found:
        raise NotFoundError("这个调委会已被删除，请刷新后再试。")
    return found[0]


def village_committee(db: Database, village_id: str) -> CommitteeEntry | None:
    """The village's (or community's) own committee in use, if it has one."""
    found = _committee_rows(
        db.conn, "WHERE c.place_id = ? AND c.retired = 0 AND c.level <> 'town'", (village_id,)
    )
    return found[0] if found else None


def _committee_values(name: str, abbr: str, seal_text: str) -> tuple[str, str, str]:
    name = clean_text(
        name,
        COMMITTEE_NAME_FIELD,
        max_len=40,
        required="请填写调委会名称，例如“红旗村人民调解委员会”。",
    )
    abbr = clean_text(abbr, ABBR_FIELD, max_len=12)
    if abbr and not _ABBR_RE.match(abbr):
        raise ValidationError(
            ABBR_FIELD, "编号简称只能是 1 到 12 个汉字、字母或数字，不能有空格和符号。"
        )
    seal_text = clean_text(seal_text, SEAL_FIELD, max_len=40) or name
    return name, abbr, seal_text


def _unique_committee_name(conn: sqlite3.Connection, name: str, own_id: str = "") -> None:
    clash = conn.execute(
        "SELECT 1 FROM committees WHERE name = ? AND retired = 0 AND id <> ?", (name, own_id)
    ).fetchone()
    if clash is not None:
        raise ValidationError(COMMITTEE_NAME_FIELD, f"已经有名为“{name}”的调委会，请换一个名称。")


def _one_per_place(
    conn: sqlite3.Connection, place_id: str, place_name: str, own_id: str = ""
) -> None:
    other = conn.execute(
        "SELECT name FROM committees WHERE place_id = ? AND retired = 0 AND level <> 'town' "
        "AND id <> ?",
        (place_id, own_id),
    ).fetchone()
    if other is not None:
        raise ValidationError(
            VILLAGE_FIELD,
            f"{place_name}已经有调委会“{other[0]}”，一个村（社区）只设一个调委会。",
        )


def add_committee(
    db: Database, *, by: Actor, place_id: str, name: str, abbr: str = "", seal_text: str = ""
) -> str:
    """A village or community committee (its level follows the place). The case-number
    abbreviation defaults to the place's name, the seal text to the committee's name."""
    name, abbr, seal_text = _committee_values(name, abbr, seal_text)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "committees")
        place = active_village(conn, place_id)
        _unique_committee_name(conn, name)
        _one_per_place(conn, place.id, place.name)
        abbr = abbr or (place.name if _ABBR_RE.match(place.name) else "")
        if not abbr:
            raise ValidationError(ABBR_FIELD, "请填写案件编号中用的简称，例如“红旗”。")
        return rows.insert(
            conn,
            "committees",
            {
                "name": name,
                "level": place.kind,
                "parent_id": get_setting(db, "main_committee_id"),
                "place_id": place.id,
                "abbr": abbr,
                "seal_text": seal_text,
            },
            by=by.user_id,
        )


def edit_committee(
    db: Database,
    committee_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    name: str,
    abbr: str,
    seal_text: str,
) -> None:
    """Change a committee's name, case-number abbreviation and seal text (its place and
    level stay): what the user changed from ``loaded``, unless the committee changed since
    ``stamp`` was read (StaleEditError)."""
    typed = {"name": name, "abbr": abbr, "seal_text": seal_text}
    name, abbr, seal_text = _committee_values(name, abbr, seal_text)
    if not abbr:
        raise ValidationError(ABBR_FIELD, "请填写案件编号中用的简称，例如“红旗”。")
    entry = get_committee_entry(db, committee_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "committees")
        _unique_committee_name(conn, name, entry.id)
        save_edit(
            conn,
            "committees",
            entry.id,
            loaded=loaded,
            typed=typed,
            columns={"name": name, "abbr": abbr, "seal_text": seal_text},
            stamp=stamp,
            by=by.user_id,
            what=f"调委会“{entry.name}”的登记",
        )


def retire_committee(db: Database, committee_id: str, *, by: Actor) -> None:
    """停用 a village committee. The town committee is never retired; a committee with
    mediators in service is retired after they move or are retired."""
    entry = get_committee_entry(db, committee_id)
    if entry.main or entry.level == "town":
        raise DomainError("乡镇（街道）调委会是本单位的调委会，不能停用。")
    with db.transaction() as conn:
        accounts.authorize(conn, by, "committees")
        serving = int(
            conn.execute(
                "SELECT count(*) FROM mediators WHERE committee_id = ? AND retired = 0",
                (entry.id,),
            ).fetchone()[0]
        )
        if serving:
            raise DomainError(
                f"“{entry.name}”还有 {serving} 名在任调解员。请先把他们改到其他调委会，"
                "或把他们停用，再停用这个调委会。"
            )
        set_retired(conn, "committees", entry.id, True, by=by.user_id, what="这个调委会")


def reinstate_committee(db: Database, committee_id: str, *, by: Actor) -> None:
    entry = get_committee_entry(db, committee_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "committees")
        if entry.retired:
            _unique_committee_name(conn, entry.name, entry.id)
            if entry.place_id is not None and entry.level != "town":
                place = active_village(conn, entry.place_id)
                _one_per_place(conn, place.id, place.name, entry.id)
        set_retired(conn, "committees", entry.id, False, by=by.user_id, what="这个调委会")


def delete_committee(db: Database, committee_id: str, *, by: Actor) -> None:
    """Delete a committee entered by mistake: never the town's, never one with cases or
    mediators (InUseError)."""
    entry = get_committee_entry(db, committee_id)
    if entry.main or entry.level == "town":
        raise DomainError("乡镇（街道）调委会是本单位的调委会，不能删除。")
    with db.transaction() as conn:
        accounts.authorize(conn, by, "committees")
        delete_row(
            conn,
            "committees",
            entry.id,
            by=by.user_id,
            what=f"调委会“{entry.name}”",
            checks=(
                ("SELECT count(*) FROM cases WHERE committee_id = ?", "件案件"),
                ("SELECT count(*) FROM mediators WHERE committee_id = ?", "名调解员"),
                ("SELECT count(*) FROM case_number_seq WHERE committee_id = ?", "个案件编号记录"),
                ("SELECT count(*) FROM committees WHERE parent_id = ?", "个下级调委会"),
            ),
        )
