"""The columns of each registry spreadsheet, and reading Excel cell values as the registries'
values. The headers are the form labels, so a ValidationError's ``field`` names its column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.models import registries as reg
from app.models.errors import ValidationError

MEDIATORS = "mediators"
GRID_WORKERS = "grid_workers"
LEGAL_ADVISERS = "legal_advisers"
TALK_POINTS = "talk_points"
HOUSEHOLDS = "households"
BROADCAST_SCHEDULE = "broadcast_schedule"


@dataclass(frozen=True)
class Column:
    header: str  # the form label of the field
    required: bool = False
    width: int = 14
    hint: str = ""  # for the 填写说明 sheet
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers that mean the same column
    text: bool = False  # keep as text in Excel (phones, house numbers, times)
    choices: tuple[str, ...] = ()  # a drop-down list
    village_list: bool = False  # a drop-down of the office's villages (when known)
    is_date: bool = False


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    title: str  # the sheet's name and the registry's name
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


_VILLAGE = Column(
    reg.VILLAGE_FIELD,
    required=True,
    width=14,
    hint="填写系统里已有的村（社区）名称，与“村（社区）”列表一致。",
    example="红旗村",
    aliases=("村", "社区", "村/社区", "村居", "所在村", "所属村", "村名"),
    village_list=True,
)
_GRID = Column(
    reg.GRID_FIELD,
    required=True,
    width=14,
    hint="网格名称。系统里还没有的网格，导入时会在该村（社区）下新建。",
    example="第一网格",
    aliases=("网格名称", "所在网格", "所属网格"),
)
_PHONE = Column(
    reg.PHONE_FIELD,
    width=16,
    hint="手机号 11 位，或“区号-号码”的固定电话，只填一个号码；可以不填。",
    example="13905710001",
    aliases=("电话", "手机", "手机号", "手机号码", "联系方式"),
    text=True,
)

SPECS: dict[str, SheetSpec] = {
    MEDIATORS: SheetSpec(
        MEDIATORS,
        "调解员",
        (
            Column(
                reg.MEDIATOR_NAME_FIELD,
                required=True,
                hint="调解员的姓名。",
                example="王建华",
                aliases=("姓名",),
            ),
            Column(
                reg.COMMITTEE_FIELD,
                required=True,
                width=28,
                hint="调委会的全称，与“调委会”列表一致；也可以只填村（社区）名，表示该村的调委会。",
                example="青山镇人民调解委员会",
                aliases=("调委会", "所属调解委员会", "调解委员会"),
            ),
            _PHONE,
            Column(
                reg.FULL_TIME_FIELD,
                width=8,
                hint="专职填“是”，兼职填“否”；不填算兼职。",
                example="是",
                aliases=("是否专职", "专职/兼职", "专兼职"),
                choices=("是", "否"),
            ),
            Column(
                reg.SPECIALITIES_FIELD,
                width=28,
                hint="擅长调解的纠纷，可以不填。",
                example="婚姻家庭、邻里纠纷",
                aliases=("擅长", "专长", "特长"),
            ),
        ),
    ),
    GRID_WORKERS: SheetSpec(
        GRID_WORKERS,
        "网格员",
        (
            _VILLAGE,
            _GRID,
            Column(
                reg.GRID_WORKER_NAME_FIELD,
                required=True,
                hint="网格员的姓名。",
                example="张海燕",
                aliases=("姓名",),
            ),
            _PHONE,
        ),
    ),
    LEGAL_ADVISERS: SheetSpec(
        LEGAL_ADVISERS,
        "法律明白人",
        (
            _VILLAGE,
            Column(
                reg.ADVISER_NAME_FIELD,
                required=True,
                hint="法律明白人的姓名。每个村（社区）至少三名。",
                example="李春梅",
                aliases=("法律明白人", "法律明白人姓名"),
            ),
            _PHONE,
            Column(
                reg.AREA_FIELD,
                width=24,
                hint="负责联系的村民小组或片区，可以不填。",
                example="一组、二组",
                aliases=("片区", "负责片区", "联系范围", "负责区域"),
            ),
        ),
    ),
    TALK_POINTS: SheetSpec(
        TALK_POINTS,
        "评理说事点",
        (
            _VILLAGE,
            Column(
                reg.TALK_POINT_NAME_FIELD,
                width=22,
                hint="不填时用“村名+评理说事点”，例如“红旗村评理说事点”。",
                example="红旗村评理说事点",
                aliases=("名称", "评理说事点", "评理说事点名称"),
            ),
            Column(
                reg.ADDRESS_FIELD,
                required=True,
                width=28,
                hint="告示牌上印的地址。",
                example="红旗村村委会一楼东侧",
                aliases=("地点", "详细地址"),
            ),
            Column(
                reg.HOURS_FIELD,
                width=24,
                hint="告示牌上印的开放时间，照原样印出。",
                example="每周一、三、五 上午8:30—11:30",
                aliases=("开放时段", "时间"),
            ),
            Column(
                reg.STAFF_FIELD,
                width=20,
                hint="值守的人，多人用顿号隔开。",
                example="王建华、李春梅",
                aliases=("值班人员", "值守人", "工作人员"),
            ),
            _PHONE,
        ),
    ),
    HOUSEHOLDS: SheetSpec(
        HOUSEHOLDS,
        "住户",
        (
            _VILLAGE,
            _GRID,
            Column(
                reg.HOUSE_NUMBER_FIELD,
                required=True,
                width=10,
                hint="同一网格里不能重复，例如 12 或 3-1。",
                example="12",
                aliases=("门牌", "门牌号码", "户号"),
                text=True,
            ),
            Column(
                reg.HEAD_FIELD,
                required=True,
                hint="户主的姓名。",
                example="王德胜",
                aliases=("户主",),
            ),
            _PHONE,
            Column(
                reg.MEMBERS_FIELD,
                width=36,
                hint="户主以外的家庭成员，写成“姓名（与户主关系）”，多人用顿号隔开。",
                example="王芳（配偶）、王小明（子）",
                aliases=("成员", "家庭成员及关系"),
            ),
            Column(
                reg.NOTES_FIELD,
                width=24,
                hint="可以不填。装户图不打印身份证号，也请不要填在这里。",
                example="",
                aliases=("说明",),
            ),
        ),
    ),
    BROADCAST_SCHEDULE: SheetSpec(
        BROADCAST_SCHEDULE,
        "大喇叭播放安排",
        (
            _VILLAGE,
            Column(
                reg.PLAY_ON_FIELD,
                required=True,
                width=14,
                hint="年-月-日，例如 2026-12-01。",
                example="2026-12-01",
                aliases=("日期",),
                is_date=True,
            ),
            Column(
                reg.PLAY_AT_FIELD,
                required=True,
                width=10,
                hint="时:分，例如 07:30 或 19:00。",
                example="07:30",
                aliases=("时间", "时段"),
                text=True,
            ),
            Column(
                reg.READER_FIELD,
                width=14,
                hint="谁来播读，可以不填。",
                example="赵德胜",
                aliases=("播音人", "广播员", "播报人"),
            ),
        ),
    ),
}

KINDS: dict[str, str] = {kind: spec.title for kind, spec in SPECS.items()}


def spec_of(kind: str) -> SheetSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown registry sheet kind {kind!r}") from None


def header_key(text: object) -> str:
    """A header as compared: NFKC, no spaces, no required-marks (*)."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(s.split()).replace("*", "").casefold()


# --------------------------------------------------------------------------- cell values


def cell_text(value: object) -> str:
    """A cell as text: numbers without ".0" (phones typed as numbers), dates as
    YYYY-MM-DD, times as HH:MM, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, "g")
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    return " ".join(str(value).split())


EXCEL_EPOCH = date(1899, 12, 30)
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_date(value: object, field: str) -> date:
    """A date cell: a real Excel date, a serial number, or text like 2026-12-01,
    2026/12/1, 2026年12月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 100000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if not text:
        raise ValidationError(field, f"请填写{field}，例如 2026-12-01。")
    m = _DATE_RE.match(text)
    if m is not None:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValidationError(
                field, f"{field}“{text}”不存在（月份是 1–12，日要在当月天数以内），请核对。"
            ) from None
    raise ValidationError(field, f"{field}“{text}”看不懂，请写成“年-月-日”，例如 2026-12-01。")


def cell_time(value: object, field: str) -> str:
    """A time cell as HH:MM: a real Excel time, a fraction of a day, or text (7:30, 7点半)."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return reg.clean_time(cell_text(value), field)


_YES = {"是", "专职", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "兼职", "n", "no", "false", "0", "×", ""}


def cell_yes_no(value: object, field: str) -> bool:
    text = cell_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(field, f"{field}一栏请填“是”或“否”，现在是“{cell_text(value)}”。")


def cell_house_number(value: object) -> str:
    """A house number cell; Excel's habit of turning 3-1 into a date is caught here."""
    if isinstance(value, (datetime, date)):
        raise ValidationError(
            reg.HOUSE_NUMBER_FIELD,
            "门牌号被 Excel 自动改成了日期（例如 3-1 变成了 3月1日）。请把门牌号这一列设为"
            "“文本”格式后重新输入，或在号码前加一个英文单引号，例如 '3-1。",
        )
    return reg.clean_house_number(cell_text(value))
