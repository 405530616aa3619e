"""People of the registries: mediators (调解员), grid workers (网格员) and the villages'
法律明白人 (legal-savvy residents)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.models.db import Database
from app.models.registries.common import COMMITTEE_FIELD
from app.models.registries.fields import (
    GRID,
    PHONE,
    VILLAGE,
    VILLAGE_NAME,
    CommitteeRef,
    Flag,
    Sheet,
    Text,
    person,
)
from app.models.registries.kind import RegistryKind, Unique
from app.models.registries.places import COMMITTEES

MEDIATOR_NAME_FIELD = "调解员姓名"
FULL_TIME_FIELD = "专职"
SPECIALITIES_FIELD = "擅长纠纷类型"
GRID_WORKER_NAME_FIELD = "网格员姓名"
ADVISER_NAME_FIELD = "姓名"
AREA_FIELD = "联系片区"
MIN_ADVISERS = 3  # 法律明白人 per village: at least three
SAME_NAME = "如果是同名的另一个人，请在姓名后加注以示区别，例如“{name}（东组）”。"


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


def _committee_ids(db: Database) -> list[str]:
    return [c.id for c in COMMITTEES.list(db, include_retired=True)]


MEDIATORS = RegistryKind(
    key="mediators",
    table="mediators",
    row=MediatorEntry,
    title="调解员",
    noun="调解员",
    this="这名调解员",
    named="调解员“{name}”",
    permission="mediators",
    scope="committee",
    fields=(
        person(
            "name",
            MEDIATOR_NAME_FIELD,
            column="姓名",
            sheet=Sheet(hint="调解员的姓名。", example="王建华", aliases=("姓名",)),
        ),
        CommitteeRef(
            "committee_id",
            COMMITTEE_FIELD,
            nullable=True,
            committees=_committee_ids,
            column="所属调委会",
            sheet=Sheet(
                width=28,
                hint="调委会的全称，与“调委会”列表一致；也可以只填村（社区）名，表示该村的调委会。",
                example="青山镇人民调解委员会",
                aliases=("调委会", "所属调解委员会", "调解委员会"),
            ),
        ),
        replace(PHONE, placeholder="手机或座机，印在明白卡上"),
        Flag(
            "full_time",
            FULL_TIME_FIELD,
            yes="专职",
            no="兼职",
            column="专兼职",
            sheet=Sheet(
                width=8,
                hint="专职填“是”，兼职填“否”；不填算兼职。",
                example="是",
                aliases=("是否专职", "专职/兼职", "专兼职"),
            ),
        ),
        Text(
            "specialities",
            SPECIALITIES_FIELD,
            column="擅长纠纷类型",
            placeholder="如：婚姻家庭、邻里、土地",
            sheet=Sheet(
                width=28,
                hint="擅长调解的纠纷，可以不填。",
                example="婚姻家庭、邻里纠纷",
                aliases=("擅长", "专长", "特长"),
            ),
        ),
    ),
    # the town committee's first, then each village's; full-time before part-time
    order=lambda r: (-r["full_time"], r["created_at"]),
    unique=Unique(("committee_id", "name"), "“{parent}”已经有调解员“{name}”。" + SAME_NAME),
    references=(("SELECT count(*) FROM assignments WHERE mediator_id = ?", "次案件指派"),),
    sheet="调解员",
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


GRID_WORKERS = RegistryKind(
    key="grid_workers",
    table="grid_workers",
    row=GridWorker,
    title="网格员",
    noun="网格员",
    this="这名网格员",
    named="网格员“{name}”",
    permission="village_registry",
    scope="village",
    fields=(
        VILLAGE_NAME,
        GRID,
        person(
            "name",
            GRID_WORKER_NAME_FIELD,
            column="姓名",
            sheet=Sheet(hint="网格员的姓名。", example="张海燕", aliases=("姓名",)),
        ),
        PHONE,
    ),
    order=lambda r: (r["created_at"],),  # by village, grid (natural order), as entered
    unique=Unique(("grid_id", "name"), "网格“{parent}”已经有网格员“{name}”，不用重复添加。"),
    sheet="网格员",
)


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


LEGAL_ADVISERS = RegistryKind(
    key="legal_advisers",
    table="legal_advisers",
    row=LegalAdviser,
    title="法律明白人",
    noun="法律明白人",
    this="这名法律明白人",
    named="法律明白人“{name}”",
    permission="village_registry",
    scope="village",
    fields=(
        VILLAGE,
        person(
            "name",
            ADVISER_NAME_FIELD,
            column="姓名",
            sheet=Sheet(
                hint="法律明白人的姓名。每个村（社区）至少三名。",
                example="李春梅",
                aliases=("法律明白人", "法律明白人姓名"),
            ),
        ),
        PHONE,
        Text(
            "area",
            AREA_FIELD,
            column="联系片区",
            placeholder="如：1-3组、村东片",
            sheet=Sheet(
                width=24,
                hint="负责联系的村民小组或片区，可以不填。",
                example="一组、二组",
                aliases=("片区", "负责片区", "联系范围", "负责区域"),
            ),
        ),
    ),
    order=lambda r: (r["created_at"],),  # by village, as entered
    unique=Unique(("village_id", "name"), "{parent}已经有法律明白人“{name}”。" + SAME_NAME),
    sheet="法律明白人",
    hint=f"每个村（社区）至少要有 {MIN_ADVISERS} 名法律明白人。",
)
