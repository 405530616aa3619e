"""Households per grid (装户图) with their members, and what each grid's chart may show.

No ID numbers are kept here. House numbers are unique among a grid's households in use and
sort in natural order (2 before 10, "3" before "3-1" before "4").
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.registries.common import (
    NAME_MAX,
    NOTES_MAX,
    active_grid,
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
from app.models.sync.tables import natural_id

HOUSE_NUMBER_FIELD = "门牌号"
HEAD_FIELD = "户主姓名"
MEMBERS_FIELD = "家庭成员"
NOTES_FIELD = "备注"
MAX_MEMBERS = 30
RELATIONS = ("配偶", "子", "女", "父", "母", "孙子", "孙女", "儿媳", "女婿", "兄弟", "姐妹", "其他")


@dataclass(frozen=True)
class Member:
    name: str
    relation: str  # to the head of household: 配偶, 子, 女, 父, 母 …


@dataclass(frozen=True)
class Household:
    id: str
    grid_id: str
    grid_name: str
    village_id: str
    village_name: str
    house_number: str
    head_name: str
    phone: str
    notes: str
    members: tuple[Member, ...]
    retired: bool
    # the edit stamp of the household and its members as read (STAMP_SQL): 修改 gives it back
    stamp: str = ""


@dataclass(frozen=True)
class ChartOptions:
    """What the grid's 装户图 shows. ``heads_only``: house numbers and heads of household
    only (no members, no phones)."""

    grid_id: str
    mask_phones: bool = True
    hide_members: bool = False
    heads_only: bool = False


# --------------------------------------------------------------------------- values

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－"), "-")


def clean_house_number(text: str) -> str:
    """A house number as stored: full-width digits made ASCII, dashes made "-", spaces
    and a trailing 号 dropped ("３－１号" → "3-1")."""
    raw = unicodedata.normalize("NFKC", str(text)).translate(_DASHES)
    number = "".join(raw.split()).removesuffix("号")
    if not number:
        raise ValidationError(HOUSE_NUMBER_FIELD, "请填写门牌号，例如 12 或 3-1。")
    if len(number) > 20:
        raise ValidationError(HOUSE_NUMBER_FIELD, "门牌号太长了（最多 20 个字），请核对。")
    return number


# 、，；/ or a line break between members; a space only after a closing bracket.
_MEMBER_SEPARATORS = re.compile(r"[、，,；;/\n\r]+|(?<=[）)])\s+")
_MEMBER_RE = re.compile(r"^(.+?)[（(]\s*(.*?)\s*[）)]$")


def _member_error(position: int, message: str) -> ValidationError:
    return ValidationError(MEMBERS_FIELD, f"第 {position} 位家庭成员：{message}")


def clean_members(members: Sequence[Member]) -> tuple[Member, ...]:
    """Each member needs a name and a relation to the head (not 户主 again)."""
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            MEMBERS_FIELD, f"家庭成员最多登记 {MAX_MEMBERS} 位，请核对是否重复填写。"
        )
    out = []
    for i, m in enumerate(members, start=1):
        name = " ".join(m.name.split())
        relation = "".join(m.relation.split())
        if not name:
            raise _member_error(i, "请填写姓名。")
        if len(name) > NAME_MAX:
            raise _member_error(i, f"姓名太长了（最多 {NAME_MAX} 个字）。")
        if not relation:
            raise _member_error(i, f"请填写“{name}”与户主的关系，例如：配偶、子、女。")
        if relation in ("户主", "本人"):
            raise _member_error(i, f"户主已经单独登记，“{name}”不用再写进家庭成员。")
        if len(relation) > 10:
            raise _member_error(i, "与户主的关系太长了（最多 10 个字），例如：配偶、子、女。")
        out.append(Member(name, relation))
    return tuple(out)


def parse_members(text: str) -> tuple[Member, ...]:
    """ "王芳（配偶）、王小明（子）" → members; the form of the 家庭成员 spreadsheet cell."""
    out = []
    pieces = [p.strip() for p in _MEMBER_SEPARATORS.split(str(text)) if p.strip()]
    for i, piece in enumerate(pieces, start=1):
        m = _MEMBER_RE.match(piece)
        if m is None:
            raise _member_error(
                i,
                f"“{piece}”没有写与户主的关系，请写成“姓名（关系）”，"
                "多人用顿号隔开，例如：王芳（配偶）、王小明（子）。",
            )
        out.append(Member(m.group(1).strip(), m.group(2)))
    return clean_members(out)


def format_members(members: Sequence[Member]) -> str:
    """Members as one line: "王芳（配偶）、王小明（子）"."""
    return "、".join(f"{m.name}（{m.relation}）" for m in members)


def _household_values(
    house_number: str, head_name: str, phone: str, notes: str, members: Sequence[Member]
) -> tuple[dict[str, str], tuple[Member, ...]]:
    values = {
        "house_number": clean_house_number(house_number),
        "head_name": clean_name(head_name, HEAD_FIELD),
        "phone": clean_phone(phone),
        "notes": clean_text(notes, NOTES_FIELD, max_len=NOTES_MAX),
    }
    return values, clean_members(members)


def _unique_house_number(
    conn: sqlite3.Connection, grid_id: str, house_number: str, own_id: str = ""
) -> None:
    grid, _village = active_grid(conn, grid_id)
    clash = conn.execute(
        "SELECT head_name FROM households WHERE grid_id = ? AND house_number = ? "
        "AND retired = 0 AND id <> ?",
        (grid.id, house_number, own_id),
    ).fetchone()
    if clash is not None:
        raise ValidationError(
            HOUSE_NUMBER_FIELD,
            f"网格“{grid.name}”里 {house_number} 号已经登记了（户主{clash[0]}），"
            "同一网格的门牌号不能重复，请核对。",
        )


def _write_members(
    conn: sqlite3.Connection, household_id: str, members: Sequence[Member], *, by: str
) -> None:
    """The household's members become ``members``, place by place.

    The member rows are changed where they are, not written again: an edit of the phone
    leaves them alone, and a field laptop's edit of a member merges with the office's as an
    edit of that member, instead of adding a second copy of the list.
    """
    kept = conn.execute(
        "SELECT id, name, relation, position FROM household_members WHERE household_id = ? "
        "ORDER BY position, id",
        (household_id,),
    ).fetchall()
    for position, m in enumerate(members):
        if position < len(kept):
            row = kept[position]
            if (row["name"], row["relation"], row["position"]) != (m.name, m.relation, position):
                rows.update(
                    conn,
                    "household_members",
                    row["id"],
                    {"name": m.name, "relation": m.relation, "position": position},
                    by=by,
                )
            continue
        rows.insert(
            conn,
            "household_members",
            {
                "household_id": household_id,
                "name": m.name,
                "relation": m.relation,
                "position": position,
            },
            by=by,
        )
    for row in kept[len(members) :]:
        conn.execute("DELETE FROM household_members WHERE id = ?", (row["id"],))


# --------------------------------------------------------------------------- services


_FROM = """
FROM households h JOIN places g ON g.id = h.grid_id JOIN places v ON v.id = g.parent_id
WHERE 1 = 1"""
# A household's edit stamp covers its member rows too (added, removed, changed here or by a
# merge): the form shows and saves them as one.
_MEMBERS_STAMP = (
    "(SELECT count(*) || ':' || coalesce(max(hm.updated_at), '') || ':' || "
    "total((SELECT max(sl.rowid) FROM sync_log sl WHERE sl.tbl = 'household_members' "
    "AND sl.row_id = hm.id)) FROM household_members hm WHERE hm.household_id = {alias}.id)"
)


def household_stamp_sql(alias: str) -> str:
    """SQL for the edit stamp of household ``alias`` with its members (rows.stamp_sql)."""
    return f"({rows.stamp_sql('households', alias)} || '|' || {_MEMBERS_STAMP.format(alias=alias)})"


_HOUSEHOLD_SQL = (
    f"""
SELECT h.id, h.grid_id, g.name AS grid_name, v.id AS village_id, v.name AS village_name,
       h.house_number, h.head_name, h.phone, h.notes, h.retired,
       {household_stamp_sql("h")} AS stamp"""
    + _FROM
)
_MEMBER_SQL = """
SELECT m.household_id, m.name, m.relation FROM household_members m
WHERE m.household_id IN (SELECT h.id {from_where})
ORDER BY m.household_id, m.position, m.id"""


def _households(db: Database, where: str, params: list[str]) -> list[Household]:
    """Households matching ``where`` (conditions on h, g = grid, v = village)."""
    found = db.query(_HOUSEHOLD_SQL + where, params)
    members: dict[str, list[Member]] = {r["id"]: [] for r in found}
    if found:
        for m in db.query(_MEMBER_SQL.format(from_where=_FROM + where), params):
            members[m["household_id"]].append(Member(m["name"], m["relation"]))
    order = village_order(db.conn)
    found.sort(
        key=lambda r: (
            order.get(r["village_id"], 0),
            natural_key(r["grid_name"]),
            r["grid_id"],
            natural_key(r["house_number"]),
            r["house_number"],
            r["id"],
        )
    )
    return [
        Household(
            r["id"],
            r["grid_id"],
            r["grid_name"],
            r["village_id"],
            r["village_name"],
            r["house_number"],
            r["head_name"],
            r["phone"],
            r["notes"],
            tuple(members[r["id"]]),
            bool(r["retired"]),
            r["stamp"],
        )
        for r in found
    ]


def list_households(
    db: Database,
    *,
    village_id: str | None = None,
    grid_id: str | None = None,
    include_retired: bool = False,
) -> list[Household]:
    """Households with their members, by village, grid, then house number in natural order."""
    where, params = place_filter(
        "",
        village_id=village_id,
        grid_id=grid_id,
        include_retired=include_retired,
        alias="h",
        grid=True,
    )
    return _households(db, where, params)


def get_household(db: Database, household_id: str) -> Household:
    found = _households(db, " AND h.id = ?", [household_id])
    if not found:
        raise NotFoundError("这户住户已被删除，请刷新后再试。")
    return found[0]


def add_household(
    db: Database,
    *,
    by: Actor,
    grid_id: str,
    house_number: str,
    head_name: str,
    phone: str = "",
    notes: str = "",
    members: Sequence[Member] = (),
) -> str:
    """A household of a grid in use; its house number is unique among the grid's households."""
    values, cleaned = _household_values(house_number, head_name, phone, notes, members)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _unique_house_number(conn, grid_id, values["house_number"])
        household_id = rows.insert(
            conn, "households", {**values, "grid_id": grid_id}, by=by.user_id
        )
        _write_members(conn, household_id, cleaned, by=by.user_id)
        return household_id


def edit_household(
    db: Database,
    household_id: str,
    *,
    by: Actor,
    loaded: Mapping[str, Any],
    stamp: str,
    grid_id: str,
    house_number: str,
    head_name: str,
    phone: str,
    notes: str,
    members: Sequence[Member],
) -> None:
    """Change a household: the fields the user changed from ``loaded`` (as the form showed
    them; ``members`` then replaces the list kept before), unless the household or its
    members changed since ``stamp`` was read (StaleEditError)."""
    values, cleaned = _household_values(house_number, head_name, phone, notes, members)
    h = get_household(db, household_id)
    typed = dict(
        grid_id=grid_id,
        house_number=house_number,
        head_name=head_name,
        phone=phone,
        notes=notes,
        members=tuple(members),
    )
    what = f"{h.house_number}号（户主{h.head_name}）的登记"
    members_changed = tuple(loaded.get("members", ())) != typed["members"]
    if not any(loaded.get(k) != v for k, v in typed.items()):
        return  # nothing typed: nothing to write, nothing to refuse
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        _unique_house_number(conn, grid_id, values["house_number"], household_id)
        # the household with its members, as the form read them
        rows.check_unchanged(
            conn, "households", household_id, stamp, by=by.user_id, what=what,
            stamp_expr=household_stamp_sql("t"),
        )  # fmt: skip
        save_edit(
            conn,
            "households",
            household_id,
            loaded=loaded,
            typed=typed,
            columns={**values, "grid_id": grid_id},
            stamp=rows.current_stamp(conn, "households", household_id) or "",
            by=by.user_id,
            what=what,
        )
        if members_changed:
            _write_members(conn, household_id, cleaned, by=by.user_id)


def retire_household(db: Database, household_id: str, *, by: Actor) -> None:
    """停用 (moved away, house pulled down): off the lists and the 装户图."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        set_retired(conn, "households", household_id, True, by=by.user_id, what="这户住户")


def reinstate_household(db: Database, household_id: str, *, by: Actor) -> None:
    h = get_household(db, household_id)
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        if h.retired:
            _unique_house_number(conn, h.grid_id, h.house_number, h.id)
        set_retired(conn, "households", household_id, False, by=by.user_id, what="这户住户")


def delete_household(db: Database, household_id: str, *, by: Actor) -> None:
    """Delete a household entered by mistake, with its members."""
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        conn.execute("DELETE FROM household_members WHERE household_id = ?", (household_id,))
        delete_row(conn, "households", household_id, by=by.user_id, what="这户住户")


# --------------------------------------------------------------------------- chart options


def chart_options(db: Database, grid_id: str) -> ChartOptions:
    """The grid's chart options; phones are masked until the office chooses otherwise."""
    r = db.one(
        "SELECT mask_phones, hide_members, heads_only FROM household_chart_options "
        "WHERE grid_id = ?",
        (grid_id,),
    )
    if r is None:
        return ChartOptions(grid_id)
    return ChartOptions(
        grid_id, bool(r["mask_phones"]), bool(r["hide_members"]), bool(r["heads_only"])
    )


def save_chart_options(
    db: Database, options: ChartOptions, *, by: Actor, loaded: ChartOptions | None = None
) -> None:
    """Remember what the grid's 装户图 shows.

    ``loaded``: the options as the window showed them (chart_options()); then only the
    choices the user changed are written, and nothing when someone else changed the grid's
    options since (StaleEditError)."""
    names = ("mask_phones", "hide_members", "heads_only")
    values = {name: int(getattr(options, name)) for name in names}
    if loaded is not None:
        values = {n: v for n, v in values.items() if bool(v) != getattr(loaded, n)}
        if not values:
            return
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        g = conn.execute(
            "SELECT kind, name FROM places WHERE id = ?", (options.grid_id,)
        ).fetchone()
        if g is None or g["kind"] != "grid":
            raise NotFoundError("这个网格已被删除，请刷新后再试。")
        r = conn.execute(
            "SELECT id FROM household_chart_options WHERE grid_id = ?", (options.grid_id,)
        ).fetchone()
        if loaded is not None and chart_options(db, options.grid_id) != loaded:
            rows.refuse_stale(
                conn,
                "household_chart_options",
                natural_id("household_chart_options", options.grid_id) if r is None else r["id"],
                by=by.user_id,
                what=f"网格“{g['name']}”的装户图设置",
            )
        if r is None:  # the defaults, with what was changed
            values = {
                **{n: int(getattr(loaded or options, n)) for n in names},
                **values,
            }
        if r is None:
            rows.insert(
                conn,
                "household_chart_options",
                {**values, "grid_id": options.grid_id},
                by=by.user_id,
            )
        else:
            rows.update(conn, "household_chart_options", r["id"], values, by=by.user_id)
