"""Dates as people write them and as spreadsheet cells hold them: the one reader of a date.

A text (:func:`read_date`; typed into a form, or a text cell), after full-width characters
are made half-width (NFKC) and with spaces around the parts ignored:

- year, month and day with 年月日, dots, slashes or dashes: 2023.5.6, 2023年5月6日,
  2023/5/6, 2023-05-06, 2023年5月6号, "2023 年 5 月 6 日"; a time of day after it is
  dropped ("2023-05-06 14:30");
- eight digits: 20230506;
- in characters: 二〇二三年五月六日, 二〇二三年十二月二十一日;
- a month and day without a year: 5月6日, 五月六日, 5.6 ("5.6日"): they take the ``year``
  given (a sheet's title, say); without one :class:`MissingYearError` carries the month and
  day to whoever can find the year.

A cell (:func:`cell_date`) may also be a date or datetime, an Excel serial day number
(45052, also as the text "45052"), the number 20230506, or a number Excel shows as 5.6 (the
6th of May, as in a text cell).

Anything else, and a day that does not exist (2023-02-30, 13.5), raises :class:`DateError`
whose ``message`` quotes what was written and says how to write it. :func:`date_field`
is the reader of a form's date field: a ValidationError naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from app.models.errors import ValidationError
from app.models.parsing.cells import Cell, cell_text, is_blank
from app.models.parsing.errors import ParseError
from app.models.parsing.numerals import below_hundred, digit_by_digit

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system
HOW_TO_WRITE = "请写成 2023-05-06 或 2023年5月6日 这样的格式"
HOW_TO_WRITE_DOTTED = "请写成“月.日”（如 5.6 即5月6日）或 2023年5月6日 这样的格式"
HOW_TO_TYPE = "请按“2026-03-08”的样子填写"  # a form's field: its placeholder's example
HOW_TO_TYPE_YEAR = "请写成 2026-03-08 或 2026年3月8日 这样的完整日期"
HOW_TO_ADD_YEAR = "请写上年份（如 2023年5月6日）"
HOW_TO_ADD_YEAR_IN_SHEET = (
    "请在表格中写上年份（如 2023年5月6日），或把年份写进表格标题或工作表名（如“2023年调解台账”）"
)


class DateError(ParseError):
    """A date that cannot be read. ``shown`` is what was written; ``reason`` says in a few
    words what is wrong with a date-shaped text ("没有13月", "2月没有30日"), "" when the
    text is no date at all."""

    def __init__(self, message: str, *, shown: str, reason: str = "") -> None:
        super().__init__(message)
        self.shown = shown
        self.reason = reason


class MissingYearError(DateError):
    """A date written with month and day only ("5月6日", "5.6"): the year must come from
    elsewhere (a sheet's title, its name, the neighbouring rows).

    ``dotted``: written as month.day ("5.6"); ``number``: a number cell (5.6), which Excel
    shows without trailing zeros, so 5.1 may have been typed as 5.10; ``sheet``: read from
    a sheet's cell, whose message then says where to write the year."""

    def __init__(
        self,
        shown: str,
        month: int,
        day: int,
        *,
        dotted: bool = False,
        number: bool = False,
        sheet: bool = False,
    ) -> None:
        how = HOW_TO_ADD_YEAR_IN_SHEET if sheet else HOW_TO_ADD_YEAR
        super().__init__(f"“{shown}”没有写年份，{how}。", shown=shown, reason="没有年份")
        self.month = month
        self.day = day
        self.dotted = dotted
        self.number = number

    @property
    def maybe_tens(self) -> int | None:
        """For a number cell such as 5.1: the day it would be had it been typed 5.10 (10),
        when that day exists too; else None."""
        if not self.number or self.day > 3 or not self.shown.endswith(f".{self.day}"):
            return None
        try:
            date(2000, self.month, self.day * 10)
        except ValueError:
            return None
        return self.day * 10


# ---------------------------------------------------------------------------------------
# Texts

_YEAR_MONTH_DAY = r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?"
_TIME_OF_DAY = r"(?:\s*(?:T|\s)\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?"
_FULL = re.compile("^" + _YEAR_MONTH_DAY + r"\.?" + _TIME_OF_DAY + "$")
_FULL_IN_TEXT = re.compile(_YEAR_MONTH_DAY)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CN_YEAR = "([〇○零一二三四五六七八九]{4})"
_CN_SMALL = "([一二三四五六七八九十]{1,3})"  # a month or a day
_IN_CHARACTERS = re.compile(f"^{_CN_YEAR}年{_CN_SMALL}月{_CN_SMALL}[日号]$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_MONTH_DAY_IN_CHARACTERS = re.compile(f"^{_CN_SMALL}月{_CN_SMALL}[日号]?$")
# month.day ("5.6", "5.06", "12.31"; also "5．6" full width, "5.6日")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})[日号]?$")


def _no_such_day(y: int, m: int, d: int) -> str:
    """Why year ``y``, month ``m``, day ``d`` is no day, in a few words."""
    if not 1 <= m <= 12:
        return f"没有{m}月"
    if y < 1:
        return f"没有{y}年"
    return f"{y}年{m}月没有{d}日"


def _make_date(y: int, m: int, d: int, shown: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        reason = _no_such_day(y, m, d)
        raise DateError(
            f"“{shown}”不是存在的日期（{reason}），请核对年、月、日。", shown=shown, reason=reason
        ) from None


def _unreadable(shown: str, how: str = HOW_TO_WRITE) -> DateError:
    return DateError(f"“{shown}”不是可识别的日期，{how}。", shown=shown)


def _dotted(shown: str, text: str, *, number: bool, sheet: bool) -> MissingYearError | None:
    """A month and day written "5.6" (a text, or a number cell Excel shows so), as the
    MissingYearError that carries them; a month or day that does not exist ("13.5",
    "2.30") raises a DateError saying how to write the date."""
    m = _DOTTED.match(text)
    if m is None:
        return None
    month, day = int(m[1]), int(m[2])
    if not 1 <= month <= 12:
        reason = f"没有{month}月"
    else:
        try:
            date(2000, month, day)  # (a leap year: 2.29 exists in some years)
        except ValueError:
            reason = f"{month}月没有{day}日"
        else:
            return MissingYearError(shown, month, day, dotted=True, number=number, sheet=sheet)
    raise DateError(
        f"“{shown}”不是日期（{reason}），{HOW_TO_WRITE_DOTTED}。", shown=shown, reason=reason
    )


def _in_year(missing: MissingYearError, year: int | None) -> date:
    """A month and day without a year, in ``year``; without one, ``missing`` is raised."""
    if year is None:
        raise missing
    return _make_date(year, missing.month, missing.day, missing.shown)


def _month_day(text: str, compact: str) -> tuple[int, int] | None:
    """(month, day) of "5月6日" or "五月六日" (``compact``: ``text`` without spaces);
    None for any other text."""
    if m := _MONTH_DAY.match(text):
        return int(m[1]), int(m[2])
    if m := _MONTH_DAY_IN_CHARACTERS.match(compact):
        month, day = below_hundred(m[1]), below_hundred(m[2])
        if month is not None and day is not None:
            return month, day
    return None


def read_date(text: str, *, year: int | None = None) -> date | None:
    """A date as written (see the module's docstring); None for an empty text. A month
    and day without a year take ``year``; without one they raise MissingYearError."""
    return _read(text, year, sheet=False)


def _read(text: str, year: int | None, *, sheet: bool) -> date | None:
    """read_date; ``sheet``: the text is a sheet's cell (a MissingYearError then says where
    in the sheet to write the year)."""
    shown = text.strip()
    if not shown:
        return None
    s = unicodedata.normalize("NFKC", shown).strip()
    if m := _FULL.match(s) or _COMPACT.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), shown)
    compact = re.sub(r"\s+", "", s)
    if m := _IN_CHARACTERS.match(compact):
        y, month, day = digit_by_digit(m[1]), below_hundred(m[2]), below_hundred(m[3])
        if y is None or month is None or day is None:
            raise _unreadable(shown, "请写成 2023年5月6日 这样的格式")
        return _make_date(y, month, day, shown)
    if missing := _dotted(shown, s, number=False, sheet=sheet):
        return _in_year(missing, year)
    if (month_day := _month_day(s, compact)) is None:
        raise _unreadable(shown)
    month, day = month_day
    if year is not None:
        return _make_date(year, month, day, shown)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        reason = f"没有{month}月" if not 1 <= month <= 12 else f"没有{day}日"
        raise DateError(
            f"“{shown}”不是存在的日期（{reason}），请核对月、日。", shown=shown, reason=reason
        )
    raise MissingYearError(shown, month, day, sheet=sheet)


def dates_in(text: str) -> list[str]:
    """The whole dates (year, month and day) written inside a longer text, as written:
    "2024-03-05；青山县人民法院；裁定确认有效 2024年3月20日" → ["2024-03-05", "2024年3月20日"]."""
    return [m[0] for m in _FULL_IN_TEXT.finditer(text)]


def date_field(field: str, text: str) -> date | None:
    """:func:`read_date` for a form's field (None when empty): a ValidationError naming
    ``field`` and saying how to write the date when it cannot be read."""
    try:
        return read_date(text)
    except MissingYearError as exc:
        raise ValidationError(
            field, f"{field}“{exc.shown}”没有写年份，{HOW_TO_TYPE_YEAR}。"
        ) from None
    except DateError as exc:
        why = f"（{exc.reason}）" if exc.reason else ""
        raise ValidationError(field, f"{field}“{exc.shown}”看不懂{why}，{HOW_TO_TYPE}。") from None


# ---------------------------------------------------------------------------------------
# Cells

_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_LAST_SERIAL = 2958466  # 10000-01-01: Excel's dates end the day before


def from_serial(serial: float) -> date:
    """An Excel serial day number (1900 date system, epoch 1899-12-30) as a date; a
    fraction (the time of day) is dropped."""
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _number_date(value: int | float, year: int | None) -> date:
    """A number cell: 5.6 as Excel shows it (the 6th of May), 20230506, or a serial."""
    if type(value) is float and not value.is_integer() and 1 < value < 100:
        shown = repr(value)  # as Excel shows the number: 5.6, 12.31, 5.1 (typed 5.10)
        missing = _dotted(shown, shown, number=True, sheet=True)
        if missing is not None:
            return _in_year(missing, year)
    if float(value).is_integer() and 19000101 <= value <= 21001231:
        digits = str(int(value))
        return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), digits)
    if 1 <= value < _LAST_SERIAL:
        return from_serial(value)
    shown = cell_text(value)
    raise DateError(f"“{shown}”不是日期，请写成 2023-05-06 或 2023年5月6日。", shown=shown)


def cell_date(value: Cell, *, year: int | None = None) -> date | None:
    """A date cell as a spreadsheet reader gives it (see the module's docstring); None
    for an empty cell. A month and day without a year take ``year``, as in read_date. In a
    date column a whole number is always an Excel serial."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (bool, time, timedelta)):
        shown = cell_text(value)
        raise DateError(f"“{shown}”不是日期，请写成 2023-05-06 或 2023年5月6日。", shown=shown)
    if isinstance(value, (int, float)):
        return _number_date(value, year)
    text = str(value)
    if _SERIAL_TEXT.match(serial := unicodedata.normalize("NFKC", text).strip()):
        return from_serial(float(serial))
    return _read(text, year, sheet=True)


# ---------------------------------------------------------------------------------------
# Years in a title

_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def years_in(text: str) -> list[int]:
    """The distinct years (1900–2099) written in a title, a sheet or a file name, in order:
    "青山镇2023年矛盾纠纷台账" → [2023]; "2022—2023年度" → [2022, 2023]."""
    found: list[int] = []
    for m in _YEAR_IN_TEXT.finditer(unicodedata.normalize("NFKC", text)):
        year = int(m[1])
        if year not in found:
            found.append(year)
    return found
