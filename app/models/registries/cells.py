"""Spreadsheet columns and cells: what a registry sheet's column is (from its field's
declaration), and reading Excel cell values as the registries' values."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from app.models.errors import ValidationError
from app.models.parsing.cells import Cell
from app.models.parsing.cells import cell_text as parsing_cell_text
from app.models.parsing.dates import DateError, MissingYearError
from app.models.parsing.dates import cell_date as parse_cell_date


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


def cell_text(value: Cell) -> str:
    """A cell as text (parsing.cells.cell_text: numbers without ".0", dates as
    YYYY-MM-DD, booleans as 是/否), times as HH:MM, runs of whitespace one space."""
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    return " ".join(parsing_cell_text(value).split())


def cell_date(value: Cell, field: str) -> date:
    """A date cell as parsing.dates.cell_date reads it (an Excel date or serial, 2026-12-01,
    2026/12/1, 2026年12月1日 …), or a ValidationError naming ``field``."""
    example = "例如 2026-12-01"
    try:
        found = parse_cell_date(value)
    except DateError as exc:
        if exc.reason and not isinstance(exc, MissingYearError):
            message = f"{field}“{exc.shown}”不存在（{exc.reason}），请核对。"
        else:
            message = f"{field}“{exc.shown}”看不懂，请写成“年-月-日”，{example}。"
        raise ValidationError(field, message) from None
    if found is None:
        raise ValidationError(field, f"请填写{field}，{example}。")
    return found


def cell_time(value: Cell) -> str | None:
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


def cell_yes_no(value: Cell, field: str) -> bool:
    text = cell_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(field, f"{field}一栏请填“是”或“否”，现在是“{cell_text(value)}”。")
