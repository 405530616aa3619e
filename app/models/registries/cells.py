"""Spreadsheet columns and cells: what a registry sheet's column is (from its field's
declaration), and reading Excel cell values as the registries' values."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.models.errors import ValidationError


@dataclass(frozen=True)
class Sheet:
    """What a field's declaration says of its spreadsheet column; its header is the field's
    label, whether it is required, text or a date follows from the field."""

    width: int = 14
    hint: str = ""  # for the 填写说明 sheet
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers that mean the same column


@dataclass(frozen=True)
class SheetColumn:
    header: str  # the form label of the field
    sheet: Sheet
    required: bool = False
    text: bool = False  # keep as text in Excel (phones, house numbers, times)
    choices: tuple[str, ...] = ()  # a drop-down list
    village_list: bool = False  # a drop-down of the office's villages (when known)
    is_date: bool = False

    @property
    def width(self) -> int:
        return self.sheet.width

    @property
    def hint(self) -> str:
        return self.sheet.hint

    @property
    def example(self) -> str:
        return self.sheet.example

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.sheet.aliases


@dataclass(frozen=True)
class SheetSpec:
    title: str  # the sheet's name and the registry's name
    columns: tuple[SheetColumn, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


def header_key(text: object) -> str:
    """A header as compared: NFKC, no spaces, no required-marks (*)."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(s.split()).replace("*", "").casefold()


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


def cell_time(value: object) -> str | None:
    """A time cell as HH:MM when Excel holds a time (a real time, or a fraction of a day);
    None when it holds text, to be read as typed."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return None


_YES = {"是", "专职", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "兼职", "n", "no", "false", "0", "×", ""}


def cell_yes_no(value: object, field: str) -> bool:
    text = cell_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(field, f"{field}一栏请填“是”或“否”，现在是“{cell_text(value)}”。")
