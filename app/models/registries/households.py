"""Households per grid (装户图) with their members, and what each grid's chart may show.

No ID numbers are kept here. House numbers are unique among a grid's households in use and
sort in natural order (2 before 10, "3" before "3-1" before "4").
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, ClassVar

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.parsing.cells import Cell
from app.models.registries.cells import cell_text
from app.models.registries.common import NAME_MAX, NOTES_MAX, natural_key
from app.models.registries.fields import (
    GRID,
    PHONE,
    REQUIRED,
    Field,
    Input,
    Sheet,
    Shown,
    Text,
    person,
)
from app.models.registries.kind import Edit, RegistryKind, SqlRow, Unique
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
    members: tuple[Member, ...]
    notes: str
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


@dataclass(frozen=True)
class HouseNumber(Field):
    """A house number: kept as text, sorted in natural order."""

    excel_text: ClassVar[bool] = True

    @property
    def default(self) -> object:
        return REQUIRED

    def clean(self, value: Any) -> str:
        return clean_house_number(value)

    def sorter(self) -> Callable[[Any], object]:
        return lambda row: natural_key(getattr(row, self.name))

    def from_cell(self, value: Cell) -> str:
        """Excel's habit of turning 3-1 into a date is caught here."""
        if isinstance(value, date):
            raise ValidationError(
                self.label,
                "门牌号被 Excel 自动改成了日期（例如 3-1 变成了 3月1日）。请把门牌号这一列设为"
                "“文本”格式后重新输入，或在号码前加一个英文单引号，例如 '3-1。",
            )
        return self.clean(cell_text(value))


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


@dataclass(frozen=True)
class Members(Field):
    """The household's members, kept in household_members; one line of text in the form
    and the spreadsheet ("王芳（配偶）、王小明（子）")."""

    widget: ClassVar[Input] = "members"
    own_column: ClassVar[bool] = False

    @property
    def default(self) -> object:
        return ()

    def clean(self, value: Any) -> tuple[Member, ...]:
        return clean_members(value)

    def shown(self, row: Any) -> str:
        return format_members(getattr(row, self.name))

    def from_text(self, text: str) -> tuple[Member, ...]:
        return parse_members(text)

    def as_text(self, value: Any) -> str:
        return format_members(value) if value else ""

    def from_cell(self, value: Cell) -> tuple[Member, ...]:
        return parse_members(cell_text(value))

    def to_cells(self, row: Any) -> tuple[object, ...]:
        return (format_members(getattr(row, self.name)),)


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


# --------------------------------------------------------------------------- the registry

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


class HouseholdKind(RegistryKind[Household]):
    """Households with their members: one stamp and one form for both."""

    def _stamp_sql(self) -> str:
        return household_stamp_sql("t")

    def _more(
        self, db: Database, found: Sequence[SqlRow], where: str, params: Sequence[object]
    ) -> Mapping[str, Mapping[str, Any]]:
        members: dict[str, list[Member]] = {r["id"]: [] for r in found}
        if found:
            for m in db.query(
                "SELECT m.household_id, m.name, m.relation FROM household_members m "
                f"WHERE m.household_id IN (SELECT t.id {self._from()}{where}) "
                "ORDER BY m.household_id, m.position, m.id",
                list(params),
            ):
                members[m["household_id"]].append(Member(m["name"], m["relation"]))
        return {k: {"members": tuple(v)} for k, v in members.items()}

    def _written(
        self, conn: sqlite3.Connection, row_id: str, values: Mapping[str, Any], *, by: str
    ) -> None:
        _write_members(conn, row_id, values["members"], by=by)

    def _unchanged(self, loaded: Mapping[str, Any], typed: Mapping[str, Any]) -> bool:
        typed = {**typed, "members": tuple(typed["members"])}
        return not any(loaded.get(k) != v for k, v in typed.items())

    def _save(self, conn: sqlite3.Connection, row: Household, edit: Edit) -> None:
        what = self._edit_what(row)
        # the household with its members, as the form read them
        rows.check_unchanged(
            conn, "households", row.id, edit.stamp, by=edit.by.user_id, what=what,
            stamp_expr=household_stamp_sql("t"),
        )  # fmt: skip
        current = rows.current_stamp(conn, "households", row.id) or ""
        super()._save(conn, row, replace(edit, stamp=current))
        if tuple(edit.loaded.get("members", ())) != tuple(edit.typed["members"]):
            _write_members(conn, row.id, edit.values["members"], by=edit.by.user_id)

    def _deleting(self, conn: sqlite3.Connection, row: Household) -> None:
        conn.execute("DELETE FROM household_members WHERE household_id = ?", (row.id,))


HOUSEHOLDS = HouseholdKind(
    key="households",
    table="households",
    row=Household,
    title="装户",
    noun="住户",
    this="这户住户",
    named="{house_number}号（户主{head_name}）",
    permission="village_registry",
    scope="grid",
    fields=(
        replace(GRID, column=None),
        Shown("网格", lambda h: f"{h.village_name} {h.grid_name}"),
        HouseNumber(
            "house_number",
            HOUSE_NUMBER_FIELD,
            column="门牌号",
            placeholder="如：12、3-1",
            sheet=Sheet(
                width=10,
                hint="同一网格里不能重复，例如 12 或 3-1。",
                example="12",
                aliases=("门牌", "门牌号码", "户号"),
            ),
        ),
        person(
            "head_name",
            HEAD_FIELD,
            column="户主",
            sheet=Sheet(hint="户主的姓名。", example="王德胜", aliases=("户主",)),
        ),
        Shown("人数", lambda h: str(len(h.members) + 1), lambda h: len(h.members)),
        PHONE,
        Members(
            "members",
            MEMBERS_FIELD,
            column="家庭成员",
            sheet=Sheet(
                width=36,
                hint="户主以外的家庭成员，写成“姓名（与户主关系）”，多人用顿号隔开。",
                example="王芳（配偶）、王小明（子）",
                aliases=("成员", "家庭成员及关系"),
            ),
        ),
        Text(
            "notes",
            NOTES_FIELD,
            max_len=NOTES_MAX,
            multiline=True,
            column="备注",
            sheet=Sheet(
                width=24,
                hint="可以不填。装户图不打印身份证号，也请不要填在这里。",
                example="",
                aliases=("说明",),
            ),
        ),
    ),
    # by village, grid (natural order), then house number in natural order
    order=lambda r: (natural_key(r["house_number"]), r["house_number"]),
    unique=Unique(
        ("grid_id", "house_number"),
        "网格“{parent}”里 {house_number} 号已经登记了（户主{other[head_name]}），"
        "同一网格的门牌号不能重复，请核对。",
    ),
    sheet="住户",
    hint="装户图不登记身份证号。打印时可选择隐去电话、家庭成员。",
)


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
