"""The town's villages and communities, the grids (网格) under them, and the committees of
villages and communities.

The town, its first villages and the town committee come from the first-run set-up; the
rest is kept here. Nothing referenced is deleted: it is retired (停用).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from app.models.db import Database
from app.models.errors import DomainError, ValidationError
from app.models.registries.common import NAME_MAX, VILLAGE_FIELD, natural_key, village_order
from app.models.registries.fields import VILLAGE, Choice, Shown, Text, VillageRef
from app.models.registries.kind import RegistryKind, SqlRow, Unique

GRID_NAME_FIELD = "网格名称"
VILLAGE_NAME_FIELD = "村（社区）名称"
VILLAGE_KIND_FIELD = "类别"
COMMITTEE_NAME_FIELD = "调委会名称"
ABBR_FIELD = "编号简称"
SEAL_FIELD = "印章文字"

VILLAGE_KINDS_LABELS = {"village": "村", "community": "社区"}
LEVEL_LABELS = {
    "town": "乡镇（街道）调委会",
    "village": "村调委会",
    "community": "社区调委会",
    "special": "专业调委会",
}

# What refers to a place: a village or grid with any of these is retired, not deleted.
_PLACE_REFERENCES = (
    ("SELECT count(*) FROM cases WHERE village_id = ?", "件案件"),
    ("SELECT count(*) FROM households WHERE grid_id = ?", "户住户"),
    ("SELECT count(*) FROM grid_workers WHERE grid_id = ?", "名网格员"),
    ("SELECT count(*) FROM places WHERE parent_id = ?", "个下级网格"),
    ("SELECT count(*) FROM committees WHERE place_id = ?", "个调委会"),
)


# --------------------------------------------------------------------------- villages


@dataclass(frozen=True)
class VillageEntry:
    id: str
    name: str
    kind: str  # village / community
    grids: int  # grids in use
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


class VillageKind(RegistryKind[VillageEntry]):
    """Villages and communities: places under the town, their names unique among them all
    (retired ones too: a retired village is brought back, not entered again)."""

    def _check_unique(
        self, conn: sqlite3.Connection, values: Mapping[str, Any], parent: str, own_id: str
    ) -> None:
        name = values["name"]
        clash = conn.execute(
            "SELECT retired FROM places WHERE kind IN ('village','community') AND name = ? "
            "AND id <> ?",
            (name, own_id),
        ).fetchone()
        if clash is None:
            return
        if clash["retired"]:  # said so that it reads right in 登记 and 案情 as well
            raise ValidationError(
                VILLAGE_NAME_FIELD,
                f"已经有“{name}”，只是已停用。请在“村居与宣传 → 村居档案 → 村（社区）”中"
                "勾选“显示已停用”，选中它后恢复启用，不要重复登记。",
            )
        raise ValidationError(VILLAGE_NAME_FIELD, f"已经有“{name}”，请不要重复登记。")

    def _more_columns(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> dict[str, Any]:
        town = conn.execute(
            "SELECT id FROM places WHERE kind = 'town' ORDER BY created_at LIMIT 1"
        ).fetchone()
        if town is None:
            raise LookupError("office is not set up")
        return {"parent_id": town[0]}


VILLAGES = VillageKind(
    key="villages",
    table="places",
    row=VillageEntry,
    title="村（社区）",
    noun="村（社区）",
    this="这个村（社区）",
    named="“{name}”",
    permission="villages",
    scope="none",
    fields=(
        Text(
            "name",
            VILLAGE_NAME_FIELD,
            max_len=NAME_MAX,
            missing="请填写村（社区）名称，例如“红旗村”。",
            column="名称",
            placeholder="如：红旗村、河东社区",
        ),
        Choice(
            "kind",
            VILLAGE_KIND_FIELD,
            choices=VILLAGE_KINDS_LABELS,
            missing="请选择是村还是社区。",
            fallback="village",
            column="类别",
        ),
        Shown("网格数", lambda v: str(v.grids), lambda v: v.grids),
    ),
    selects=(
        "(SELECT count(*) FROM places g WHERE g.parent_id = t.id AND g.kind = 'grid' "
        "AND g.retired = 0) AS grids",
    ),
    # the office's order: as it entered them (office.villages lists them so too)
    order=lambda r: (r["created_at"], r["row_seq"]),
    references=(
        *_PLACE_REFERENCES,
        ("SELECT count(*) FROM legal_advisers WHERE village_id = ?", "名法律明白人"),
        ("SELECT count(*) FROM talk_points WHERE village_id = ?", "个评理说事点"),
        ("SELECT count(*) FROM broadcast_schedule WHERE village_id = ?", "次广播安排"),
    ),
    where=" AND t.kind IN ('village','community')",
    hint="村（社区）合并或撤销时请“停用”：以前的案件和登记保留不变。",
)


# --------------------------------------------------------------------------- grids


@dataclass(frozen=True)
class Grid:
    id: str
    village_id: str
    village_name: str
    name: str
    retired: bool
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


class GridKind(RegistryKind[Grid]):
    """Grids: places of kind 'grid' under a village; retired with it."""

    def _more_columns(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> dict[str, Any]:
        return {"kind": "grid"}

    def _deleting(self, conn: sqlite3.Connection, row: Grid) -> None:
        conn.execute("DELETE FROM household_chart_options WHERE grid_id = ?", (row.id,))


GRIDS = GridKind(
    key="grids",
    table="places",
    row=Grid,
    title="网格",
    noun="网格",
    this="这个网格",
    named="网格“{name}”",
    edit_what="{named}",
    permission="village_registry",
    scope="village",
    fields=(
        replace(VILLAGE, stored_in="parent_id", on_edit=False, sheet=None),
        Text(
            "name",
            GRID_NAME_FIELD,
            max_len=NAME_MAX,
            missing="请填写网格名称，例如“第一网格”。",
            column="网格名称",
            placeholder="如：第一网格、红旗村1组",
        ),
    ),
    order=lambda r: (natural_key(r["name"]),),  # 第二网格 before 第十网格
    unique=Unique(("village_id", "name"), "{parent}已经有名为“{name}”的网格，请换一个名称。"),
    references=_PLACE_REFERENCES,
    where=" AND t.kind = 'grid'",
)


# --------------------------------------------------------------------------- committees

_ABBR_RE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134FA-Za-z0-9]{1,12}$")
_ABBR_MISSING = "请填写案件编号中用的简称，例如“红旗”。"


@dataclass(frozen=True)
class CommitteeEntry:
    id: str
    place_id: str | None
    name: str
    place_name: str
    level: str  # town / village / community / special (LEVEL_LABELS)
    abbr: str
    seal_text: str
    retired: bool
    main: bool  # the township committee of the set-up: never retired or deleted
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 gives it back


@dataclass(frozen=True, kw_only=True)
class Abbreviation(Text):
    """The committee's short name in its case numbers: letters and digits only."""

    def clean(self, value: Any) -> str:
        abbr = super().clean(value)
        if abbr and not _ABBR_RE.match(abbr):
            raise ValidationError(
                self.label, "编号简称只能是 1 到 12 个汉字、字母或数字，不能有空格和符号。"
            )
        return abbr


@dataclass(frozen=True, kw_only=True)
class CommitteePlace(VillageRef):
    """A committee's village or community (the town committee's is the town): listed
    whatever its place's state."""

    name_attr: ClassVar[str] = "place_name"
    filters: ClassVar[dict[str, str]] = {}
    in_use_sql: ClassVar[str] = ""

    def join(self) -> str:
        return f"LEFT JOIN places v ON v.id = t.{self.db_column}"

    def selected(self) -> tuple[str, ...]:
        return (f"t.{self.db_column} AS {self.name}", "coalesce(v.name, '') AS place_name")


def _main_committee(conn: sqlite3.Connection) -> str | None:
    r = conn.execute("SELECT value FROM settings WHERE key = 'main_committee_id'").fetchone()
    return None if r is None else str(r[0])


class CommitteeKind(RegistryKind[CommitteeEntry]):
    """Committees: a village or community has one; the town's own (the set-up's) is never
    retired or deleted; the case-number abbreviation defaults to the place's name, the seal
    text to the committee's name."""

    def _sort_key(self, db: Database) -> Callable[[SqlRow], tuple[object, ...]]:
        """The town committee first, then the villages' and communities' in village order."""
        main = _main_committee(db.conn)
        villages = village_order(db.conn)
        return lambda r: (
            r["id"] != main,
            r["level"] == "special",
            villages.get(r["place_id"], -1),
            natural_key(r["name"]),
            r["id"],
        )

    def _more(
        self, db: Database, found: Sequence[SqlRow], where: str, params: Sequence[object]
    ) -> Mapping[str, Mapping[str, Any]]:
        main = _main_committee(db.conn)
        return {r["id"]: {"main": r["id"] == main} for r in found}

    def _clean(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        values = super()._clean(typed)
        if "place_id" not in typed and not values["abbr"]:  # 修改: its number needs one
            raise ValidationError(ABBR_FIELD, _ABBR_MISSING)
        return {**values, "seal_text": values["seal_text"] or values["name"]}

    def _check_more(
        self, conn: sqlite3.Connection, values: dict[str, Any], parent: str, own_id: str
    ) -> dict[str, Any]:
        if "place_id" not in values:  # 修改: the place stays
            return values
        _one_per_place(conn, values["place_id"], parent, own_id)
        abbr = values["abbr"] or (parent if _ABBR_RE.match(parent) else "")
        if not abbr:
            raise ValidationError(ABBR_FIELD, _ABBR_MISSING)
        return {**values, "abbr": abbr}

    def _more_columns(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> dict[str, Any]:
        place = conn.execute("SELECT kind FROM places WHERE id = ?", (values["place_id"],))
        return {"level": place.fetchone()[0], "parent_id": _main_committee(conn)}

    def _refuse(self, row: CommitteeEntry, action: str) -> None:
        if row.main or row.level == "town":
            raise DomainError(f"乡镇（街道）调委会是本单位的调委会，不能{action}。")

    def _retiring(self, conn: sqlite3.Connection, row: CommitteeEntry) -> None:
        serving = int(
            conn.execute(
                "SELECT count(*) FROM mediators WHERE committee_id = ? AND retired = 0", (row.id,)
            ).fetchone()[0]
        )
        if serving:
            raise DomainError(
                f"“{row.name}”还有 {serving} 名在任调解员。请先把他们改到其他调委会，"
                "或把他们停用，再停用这个调委会。"
            )

    def _reinstating(self, conn: sqlite3.Connection, row: CommitteeEntry) -> None:
        self._check_unique(conn, {"name": row.name}, "", row.id)
        if row.place_id is not None and row.level != "town":
            place = VILLAGE.resolve(conn, row.place_id)
            _one_per_place(conn, place.id, place.name, row.id)


def _one_per_place(conn: sqlite3.Connection, place_id: str, place_name: str, own_id: str) -> None:
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


COMMITTEES = CommitteeKind(
    key="committees",
    table="committees",
    row=CommitteeEntry,
    title="调委会",
    noun="调委会",
    this="这个调委会",
    named="调委会“{name}”",
    permission="committees",
    scope="none",
    fields=(
        CommitteePlace("place_id", VILLAGE_FIELD, on_edit=False),
        Text(
            "name",
            COMMITTEE_NAME_FIELD,
            max_len=40,
            missing="请填写调委会名称，例如“红旗村人民调解委员会”。",
            column="调委会名称",
            placeholder="如：红旗村人民调解委员会",
        ),
        Shown("所在地", lambda c: c.place_name),
        Abbreviation(
            "abbr",
            ABBR_FIELD,
            max_len=12,
            column="编号简称",
            placeholder="案件编号中用的简称，如：红旗",
        ),
        Text(
            "seal_text",
            SEAL_FIELD,
            max_len=40,
            column="印章文字",
            placeholder="不填则与调委会名称相同",
        ),
    ),
    selects=("t.level",),
    order=lambda r: (),  # see CommitteeKind._sort_key
    unique=Unique(("name",), "已经有名为“{name}”的调委会，请换一个名称。"),
    references=(
        ("SELECT count(*) FROM cases WHERE committee_id = ?", "件案件"),
        ("SELECT count(*) FROM mediators WHERE committee_id = ?", "名调解员"),
        ("SELECT count(*) FROM case_number_seq WHERE committee_id = ?", "个案件编号记录"),
        ("SELECT count(*) FROM committees WHERE parent_id = ?", "个下级调委会"),
    ),
    hint="镇调委会在首次设置时建立；这里登记各村（社区）的调委会。",
    status=Shown("", lambda c: "本镇调委会" if c.main else ("已停用" if c.retired else "")),
)


def village_committee(db: Database, village_id: str) -> CommitteeEntry | None:
    """The village's (or community's) own committee in use, if it has one."""
    return next(
        (c for c in COMMITTEES.list(db) if c.place_id == village_id and c.level != "town"), None
    )
