"""Each village's 评理说事点 (talk points) and its 大喇叭 broadcast schedule."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from app.models.errors import ValidationError
from app.models.parsing.cells import Cell
from app.models.registries.cells import cell_text, cell_time
from app.models.registries.common import NAME_MAX
from app.models.registries.fields import (
    PHONE,
    REQUIRED,
    VILLAGE,
    Day,
    Field,
    Sheet,
    Text,
)
from app.models.registries.kind import RegistryKind, Unique

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


class TalkPointKind(RegistryKind[TalkPoint]):
    def complete(self, values: dict[str, Any], parent: str) -> dict[str, Any]:
        """An empty name becomes “<村名>评理说事点”."""
        if "name" in values and not values["name"] and parent:
            return {**values, "name": f"{parent}评理说事点"}
        return values


TALK_POINTS = TalkPointKind(
    key="talk_points",
    table="talk_points",
    row=TalkPoint,
    title="评理说事点",
    noun="评理说事点",
    this="这个评理说事点",
    named="评理说事点“{name}”",
    permission="village_registry",
    scope="village",
    fields=(
        VILLAGE,
        Text(
            "name",
            TALK_POINT_NAME_FIELD,
            max_len=NAME_MAX,
            column="名称",
            placeholder="如：红旗村评理说事点",
            sheet=Sheet(
                width=22,
                hint="不填时用“村名+评理说事点”，例如“红旗村评理说事点”。",
                example="红旗村评理说事点",
                aliases=("名称", "评理说事点", "评理说事点名称"),
            ),
        ),
        Text(
            "address",
            ADDRESS_FIELD,
            missing="请填写评理说事点的地址，例如“红旗村村委会一楼”，告示牌上要印。",
            column="地址",
            placeholder="如：村委会一楼东侧",
            sheet=Sheet(
                width=28,
                hint="告示牌上印的地址。",
                example="红旗村村委会一楼东侧",
                aliases=("地点", "详细地址"),
            ),
        ),
        Text(
            "hours",
            HOURS_FIELD,
            column="开放时间",
            placeholder="如：每周一、三、五 9:00-11:30",
            sheet=Sheet(
                width=24,
                hint="告示牌上印的开放时间，照原样印出。",
                example="每周一、三、五 上午8:30—11:30",
                aliases=("开放时段", "时间"),
            ),
        ),
        Text(
            "staff",
            STAFF_FIELD,
            column="值守人员",
            placeholder="如：王建华、李秀英",
            sheet=Sheet(
                width=20,
                hint="值守的人，多人用顿号隔开。",
                example="王建华、李春梅",
                aliases=("值班人员", "值守人", "工作人员"),
            ),
        ),
        PHONE,
    ),
    order=lambda r: (r["created_at"],),  # by village, as entered
    unique=Unique(("village_id", "name"), "{parent}已经有评理说事点“{name}”，请换一个名称。"),
    sheet="评理说事点",
)


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


@dataclass(frozen=True)
class TimeOfDay(Field):
    """A time of day as HH:MM (7点半 is understood)."""

    excel_text: ClassVar[bool] = True

    @property
    def default(self) -> object:
        return REQUIRED

    def clean(self, value: Any) -> str:
        return clean_time(value, self.label)

    def from_cell(self, value: Cell) -> str:
        return cell_time(value) or self.clean(cell_text(value))


BROADCASTS = RegistryKind(
    key="broadcast_schedule",
    table="broadcast_schedule",
    row=BroadcastSlot,
    title="大喇叭安排",
    noun="播放安排",
    this="这条播放安排",
    named="{play_on:%Y-%m-%d} {play_at} 的播放安排",
    edit_what="{named}",
    permission="village_registry",
    scope="village",
    fields=(
        VILLAGE,
        Day(
            "play_on",
            PLAY_ON_FIELD,
            column="播放日期",
            sheet=Sheet(
                hint="年-月-日，例如 2026-12-01。", example="2026-12-01", aliases=("日期",)
            ),
        ),
        TimeOfDay(
            "play_at",
            PLAY_AT_FIELD,
            column="播放时间",
            placeholder="如：07:30",
            sheet=Sheet(
                width=10,
                hint="时:分，例如 07:30 或 19:00。",
                example="07:30",
                aliases=("时间", "时段"),
            ),
        ),
        Text(
            "reader",
            READER_FIELD,
            max_len=NAME_MAX,
            column="播读人",
            sheet=Sheet(
                hint="谁来播读，可以不填。",
                example="赵德胜",
                aliases=("播音人", "广播员", "播报人"),
            ),
        ),
    ),
    order=lambda r: (r["play_on"], r["play_at"]),  # by village, date and time
    unique=Unique(
        ("village_id", "play_on", "play_at"),
        "{parent} {play_on:%Y-%m-%d} {play_at} 已经安排了播放，请换一个时间。",
    ),
    sheet="大喇叭播放安排",
)
