"""What each registry screen shows and which services it calls, as data.

One :class:`RegistrySpec` per registry (网格, 调委会, 调解员, 网格员, 法律明白人, 评理说事点,
装户, 大喇叭安排). The page and the form are generic: they read the spec. A field's
``name`` is the keyword of the service (``village_id``, ``phone`` …) and its ``label`` is
the name the service's ``ValidationError.field`` uses, so an error lands beside its field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from app.models import registries as reg
from app.models.db import Database
from app.ui.cases.tables import Column

FieldKind = Literal[
    "text", "multiline", "bool", "village", "grid", "committee", "date", "members", "place_kind"
]
Scope = Literal["village", "grid", "committee", "none"]


@dataclass(frozen=True)
class Field:
    name: str  # the service's keyword
    label: str  # the form's label = ValidationError.field
    kind: FieldKind = "text"
    placeholder: str = ""
    on_edit: bool = True  # False: only when adding (e.g. a grid's village)


@dataclass(frozen=True)
class RegistrySpec:
    key: str
    title: str  # the tab: 法律明白人
    noun: str  # in messages: 这位法律明白人 …
    scope: Scope  # the filter above the table
    columns: Sequence[Column]
    fields: Sequence[Field]
    list_rows: Callable[[Database, str | None, bool], Sequence[Any]]
    add: Callable[..., object]
    edit: Callable[..., object] | None
    retire: Callable[..., object]
    reinstate: Callable[..., object]
    delete: Callable[..., object]
    # one row as stored now (its ``stamp`` as read): 修改 reads it again on 重新载入
    get: Callable[[Database, str], Any]
    sheet_kind: str | None = None  # registry_sheets kind for import/export
    hint: str = ""
    values_of: Callable[[Any], dict[str, Any]] = field(default=lambda r: {})

    def label_of(self, row: Any) -> str:
        return str(getattr(row, "name", "") or getattr(row, "head_name", ""))


def _attrs(*names: str) -> Callable[[Any], dict[str, Any]]:
    return lambda row: {n: getattr(row, n) for n in names}


def _retired(row: Any) -> str:
    return "已停用" if row.retired else ""


STATUS = Column("状态", _retired)


def _by_village(
    fn: Callable[..., Sequence[Any]],
) -> Callable[[Database, str | None, bool], Sequence[Any]]:
    return lambda db, scope, retired: fn(db, village_id=scope, include_retired=retired)


def _by_grid(
    fn: Callable[..., Sequence[Any]],
) -> Callable[[Database, str | None, bool], Sequence[Any]]:
    return lambda db, scope, retired: fn(db, grid_id=scope, include_retired=retired)


def _play_on(row: Any) -> str:
    value: date = row.play_on
    return value.isoformat()


VILLAGES = RegistrySpec(
    key="villages",
    title="村（社区）",
    noun="村（社区）",
    scope="none",
    columns=[
        Column("名称", lambda v: v.name),
        Column("类别", lambda v: reg.VILLAGE_KINDS_LABELS.get(v.kind, v.kind)),
        Column("网格数", lambda v: str(v.grids), lambda v: v.grids),
        STATUS,
    ],
    fields=[
        Field("name", reg.VILLAGE_NAME_FIELD, placeholder="如：红旗村、河东社区"),
        Field("kind", reg.VILLAGE_KIND_FIELD, "place_kind"),
    ],
    list_rows=lambda db, scope, retired: reg.list_villages(db, include_retired=retired),
    add=reg.add_village,
    edit=reg.edit_village,
    retire=reg.retire_village,
    reinstate=reg.reinstate_village,
    delete=reg.delete_village,
    get=reg.get_village,
    hint="村（社区）合并或撤销时请“停用”：以前的案件和登记保留不变。",
    values_of=_attrs("name", "kind"),
)

GRIDS = RegistrySpec(
    key="grids",
    title="网格",
    noun="网格",
    scope="village",
    columns=[
        Column("村（社区）", lambda g: g.village_name),
        Column("网格名称", lambda g: g.name),
        STATUS,
    ],
    fields=[
        Field("village_id", reg.VILLAGE_FIELD, "village", on_edit=False),
        Field("name", "网格名称", placeholder="如：第一网格、红旗村1组"),
    ],
    list_rows=lambda db, scope, retired: reg.list_grids(db, scope, include_retired=retired),
    add=reg.add_grid,
    edit=lambda db, row_id, *, by, loaded, stamp, village_id=None, name: reg.rename_grid(
        db, row_id, by=by, loaded=loaded, stamp=stamp, name=name
    ),
    retire=reg.retire_grid,
    reinstate=reg.reinstate_grid,
    delete=reg.delete_grid,
    get=reg.get_grid,
    values_of=_attrs("village_id", "name"),
)

COMMITTEES = RegistrySpec(
    key="committees",
    title="调委会",
    noun="调委会",
    scope="none",
    columns=[
        Column("调委会名称", lambda c: c.name),
        Column("所在地", lambda c: c.place_name),
        Column("编号简称", lambda c: c.abbr),
        Column("印章文字", lambda c: c.seal_text),
        Column("", lambda c: "本镇调委会" if c.main else _retired(c)),
    ],
    fields=[
        Field("place_id", reg.VILLAGE_FIELD, "village", on_edit=False),
        Field("name", "调委会名称", placeholder="如：红旗村人民调解委员会"),
        Field("abbr", "编号简称", placeholder="案件编号中用的简称，如：红旗"),
        Field("seal_text", "印章文字", placeholder="不填则与调委会名称相同"),
    ],
    list_rows=lambda db, scope, retired: reg.list_committees(db, include_retired=retired),
    add=reg.add_committee,
    edit=lambda db, row_id, *, by, place_id=None, **values: reg.edit_committee(
        db, row_id, by=by, **values
    ),
    retire=reg.retire_committee,
    reinstate=reg.reinstate_committee,
    delete=reg.delete_committee,
    get=reg.get_committee_entry,
    hint="镇调委会在首次设置时建立；这里登记各村（社区）的调委会。",
    values_of=_attrs("place_id", "name", "abbr", "seal_text"),
)

MEDIATORS = RegistrySpec(
    key="mediators",
    title="调解员",
    noun="调解员",
    scope="committee",
    columns=[
        Column("姓名", lambda m: m.name),
        Column("所属调委会", lambda m: m.committee_name),
        Column("联系电话", lambda m: m.phone),
        Column("专兼职", lambda m: "专职" if m.full_time else "兼职"),
        Column("擅长纠纷类型", lambda m: m.specialities),
        STATUS,
    ],
    fields=[
        Field("name", reg.MEDIATOR_NAME_FIELD),
        Field("committee_id", reg.COMMITTEE_FIELD, "committee"),
        Field("phone", reg.PHONE_FIELD, placeholder="手机或座机，印在明白卡上"),
        Field("full_time", reg.FULL_TIME_FIELD, "bool"),
        Field("specialities", reg.SPECIALITIES_FIELD, placeholder="如：婚姻家庭、邻里、土地"),
    ],
    list_rows=lambda db, scope, retired: reg.list_mediators(
        db, committee_id=scope, include_retired=retired
    ),
    add=reg.add_mediator,
    edit=reg.edit_mediator,
    retire=reg.retire_mediator,
    reinstate=reg.reinstate_mediator,
    delete=reg.delete_mediator,
    get=reg.get_mediator,
    sheet_kind="mediators",
    values_of=_attrs("name", "committee_id", "phone", "full_time", "specialities"),
)

GRID_WORKERS = RegistrySpec(
    key="grid_workers",
    title="网格员",
    noun="网格员",
    scope="village",
    columns=[
        Column("村（社区）", lambda w: w.village_name),
        Column("网格", lambda w: w.grid_name),
        Column("姓名", lambda w: w.name),
        Column("联系电话", lambda w: w.phone),
        STATUS,
    ],
    fields=[
        Field("grid_id", reg.GRID_FIELD, "grid"),
        Field("name", reg.GRID_WORKER_NAME_FIELD),
        Field("phone", reg.PHONE_FIELD),
    ],
    list_rows=_by_village(reg.list_grid_workers),
    add=reg.add_grid_worker,
    edit=reg.edit_grid_worker,
    retire=reg.retire_grid_worker,
    reinstate=reg.reinstate_grid_worker,
    delete=reg.delete_grid_worker,
    get=reg.get_grid_worker,
    sheet_kind="grid_workers",
    values_of=_attrs("grid_id", "name", "phone"),
)

ADVISERS = RegistrySpec(
    key="advisers",
    title="法律明白人",
    noun="法律明白人",
    scope="village",
    columns=[
        Column("村（社区）", lambda a: a.village_name),
        Column("姓名", lambda a: a.name),
        Column("联系电话", lambda a: a.phone),
        Column("联系片区", lambda a: a.area),
        STATUS,
    ],
    fields=[
        Field("village_id", reg.VILLAGE_FIELD, "village"),
        Field("name", reg.ADVISER_NAME_FIELD),
        Field("phone", reg.PHONE_FIELD),
        Field("area", reg.AREA_FIELD, placeholder="如：1-3组、村东片"),
    ],
    list_rows=_by_village(reg.list_legal_advisers),
    add=reg.add_legal_adviser,
    edit=reg.edit_legal_adviser,
    retire=reg.retire_legal_adviser,
    reinstate=reg.reinstate_legal_adviser,
    delete=reg.delete_legal_adviser,
    get=reg.get_legal_adviser,
    sheet_kind="legal_advisers",
    hint=f"每个村（社区）至少要有 {reg.MIN_ADVISERS} 名法律明白人。",
    values_of=_attrs("village_id", "name", "phone", "area"),
)

TALK_POINTS = RegistrySpec(
    key="talk_points",
    title="评理说事点",
    noun="评理说事点",
    scope="village",
    columns=[
        Column("村（社区）", lambda t: t.village_name),
        Column("名称", lambda t: t.name),
        Column("地址", lambda t: t.address),
        Column("开放时间", lambda t: t.hours),
        Column("值守人员", lambda t: t.staff),
        Column("联系电话", lambda t: t.phone),
        STATUS,
    ],
    fields=[
        Field("village_id", reg.VILLAGE_FIELD, "village"),
        Field("name", reg.TALK_POINT_NAME_FIELD, placeholder="如：红旗村评理说事点"),
        Field("address", reg.ADDRESS_FIELD, placeholder="如：村委会一楼东侧"),
        Field("hours", reg.HOURS_FIELD, placeholder="如：每周一、三、五 9:00-11:30"),
        Field("staff", reg.STAFF_FIELD, placeholder="如：王建华、李秀英"),
        Field("phone", reg.PHONE_FIELD),
    ],
    list_rows=_by_village(reg.list_talk_points),
    add=reg.add_talk_point,
    edit=reg.edit_talk_point,
    retire=reg.retire_talk_point,
    reinstate=reg.reinstate_talk_point,
    delete=reg.delete_talk_point,
    get=reg.get_talk_point,
    sheet_kind="talk_points",
    values_of=_attrs("village_id", "name", "address", "hours", "staff", "phone"),
)

HOUSEHOLDS = RegistrySpec(
    key="households",
    title="装户",
    noun="住户",
    scope="grid",
    columns=[
        Column("网格", lambda h: f"{h.village_name} {h.grid_name}"),
        Column("门牌号", lambda h: h.house_number, lambda h: reg.natural_key(h.house_number)),
        Column("户主", lambda h: h.head_name),
        Column("人数", lambda h: str(len(h.members) + 1), lambda h: len(h.members)),
        Column("联系电话", lambda h: h.phone),
        Column("家庭成员", lambda h: reg.format_members(h.members)),
        Column("备注", lambda h: h.notes),
        STATUS,
    ],
    fields=[
        Field("grid_id", reg.GRID_FIELD, "grid"),
        Field("house_number", reg.HOUSE_NUMBER_FIELD, placeholder="如：12、3-1"),
        Field("head_name", reg.HEAD_FIELD),
        Field("phone", reg.PHONE_FIELD),
        Field("members", reg.MEMBERS_FIELD, "members"),
        Field("notes", reg.NOTES_FIELD, "multiline"),
    ],
    list_rows=_by_grid(reg.list_households),
    add=reg.add_household,
    edit=reg.edit_household,
    retire=reg.retire_household,
    reinstate=reg.reinstate_household,
    delete=reg.delete_household,
    get=reg.get_household,
    sheet_kind="households",
    hint="装户图不登记身份证号。打印时可选择隐去电话、家庭成员。",
    values_of=_attrs("grid_id", "house_number", "head_name", "phone", "members", "notes"),
)

BROADCASTS = RegistrySpec(
    key="broadcasts",
    title="大喇叭安排",
    noun="播放安排",
    scope="village",
    columns=[
        Column("村（社区）", lambda b: b.village_name),
        Column("播放日期", _play_on),
        Column("播放时间", lambda b: b.play_at),
        Column("播读人", lambda b: b.reader),
        STATUS,
    ],
    fields=[
        Field("village_id", reg.VILLAGE_FIELD, "village"),
        Field("play_on", reg.PLAY_ON_FIELD, "date"),
        Field("play_at", reg.PLAY_AT_FIELD, placeholder="如：07:30"),
        Field("reader", reg.READER_FIELD),
    ],
    list_rows=_by_village(reg.list_broadcast_slots),
    add=reg.add_broadcast_slot,
    edit=reg.edit_broadcast_slot,
    retire=reg.retire_broadcast_slot,
    reinstate=reg.reinstate_broadcast_slot,
    delete=reg.delete_broadcast_slot,
    get=reg.get_broadcast_slot,
    sheet_kind="broadcast_schedule",
    values_of=_attrs("village_id", "play_on", "play_at", "reader"),
)

SPECS: tuple[RegistrySpec, ...] = (
    ADVISERS,
    TALK_POINTS,
    MEDIATORS,
    GRID_WORKERS,
    HOUSEHOLDS,
    BROADCASTS,
    VILLAGES,
    GRIDS,
    COMMITTEES,
)
