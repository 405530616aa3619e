"""Reading a date (app/models/parsing/dates.py): the spellings real offices use, typed into a
form or found in a 台账 cell, and the message for what cannot be read."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.models.errors import ValidationError
from app.models.parsing.dates import (
    DateError,
    MissingYearError,
    cell_date,
    date_field,
    dates_in,
    read_date,
    years_in,
)
from app.models.parsing.errors import ParseError

MAY_6 = date(2023, 5, 6)
HOW = "请写成 2023-05-06 或 2023年5月6日 这样的格式"


# ---------------------------------------------------------------------------------------
# The same reader for a form and a sheet


# Every spelling a form's date field or the 台账 import took before they shared a reader
# (the union), and what offices write besides.
WRITTEN = [
    ("2023.5.6", MAY_6),
    ("2023.05.06", MAY_6),
    ("2023年5月6日", MAY_6),
    ("2023年5月6号", MAY_6),
    ("2023 年 5 月 6 日", MAY_6),
    ("2023-05-06", MAY_6),
    ("2023-5-6", MAY_6),
    ("2023/5/6", MAY_6),
    ("2023/05/06", MAY_6),
    ("2023.5.6.", MAY_6),
    ("2023-5/6", MAY_6),  # mixed separators, as the form's field took them
    ("2023年5-6", MAY_6),
    ("20230506", MAY_6),
    ("２０２３年５月６日", MAY_6),  # full-width digits
    ("２０２３．５．６", MAY_6),
    ("２０２３－０５－０６", MAY_6),
    ("二〇二三年五月六日", MAY_6),
    ("二○二三年五月六日", MAY_6),  # ○ (a circle) for 〇, as input methods give it
    ("二〇二三年五月十六日", date(2023, 5, 16)),
    ("二〇二三年十二月二十一日", date(2023, 12, 21)),
    ("二〇二三年十月三十号", date(2023, 10, 30)),
    ("2023-05-06 14:30", MAY_6),  # a time of day is dropped
    ("2023-05-06T14:30:15", MAY_6),
    ("  2023-05-06  ", MAY_6),
]


@pytest.mark.parametrize(("written", "day"), WRITTEN)
def test_a_form_and_a_sheet_read_a_date_alike(written: str, day: date) -> None:
    assert read_date(written) == day
    assert date_field("出生日期", written) == day
    assert cell_date(written) == day


@pytest.mark.parametrize("empty", ["", "   ", "　"])
def test_nothing_written_is_no_date(empty: str) -> None:
    assert read_date(empty) is None
    assert date_field("出生日期", empty) is None
    assert cell_date(empty) is None
    assert cell_date(None) is None


# ---------------------------------------------------------------------------------------
# A month and day without a year


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("5月6日", MAY_6),
        ("5月6号", MAY_6),
        ("５月６号", MAY_6),
        ("5 月 6 日", MAY_6),
        ("五月六日", MAY_6),
        ("五月十六日", date(2023, 5, 16)),
        ("十二月三十一日", date(2023, 12, 31)),
        ("5.6", MAY_6),
        ("5.06", MAY_6),
        ("５．６", MAY_6),
    ],
)
def test_month_and_day_take_the_year_given(written: str, day: date) -> None:
    assert read_date(written, year=2023) == day
    assert cell_date(written, year=2023) == day
    with pytest.raises(MissingYearError) as err:
        read_date(written)
    assert (err.value.month, err.value.day) == (day.month, day.day)
    assert err.value.message == f"“{written}”没有写年份，请写上年份（如 2023年5月6日）。"


def test_a_form_asks_for_the_year() -> None:
    with pytest.raises(ValidationError) as err:
        date_field("履行期限", "5月6日")
    assert err.value.field == "履行期限"
    assert err.value.message == (
        "履行期限“5月6日”没有写年份，请写成 2026-03-08 或 2026年3月8日 这样的完整日期。"
    )


def test_a_sheet_says_where_to_write_the_year() -> None:
    with pytest.raises(MissingYearError) as err:
        cell_date("5月6日")
    assert err.value.message == (
        "“5月6日”没有写年份，请在表格中写上年份（如 2023年5月6日），"
        "或把年份写进表格标题或工作表名（如“2023年调解台账”）。"
    )


def test_a_day_that_is_not_in_the_year_given() -> None:
    with pytest.raises(DateError) as err:
        read_date("2月29日", year=2023)
    assert err.value.message == "“2月29日”不是存在的日期（2023年2月没有29日），请核对年、月、日。"
    assert read_date("2月29日", year=2024) == date(2024, 2, 29)


# ---------------------------------------------------------------------------------------
# What only a cell holds


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        (45052, MAY_6),  # an Excel serial
        (45052.0, MAY_6),
        (45052.75, MAY_6),  # with a time of day
        ("45052", MAY_6),  # a serial in a text cell
        (20230506, MAY_6),
        (20230506.0, MAY_6),
        (MAY_6, MAY_6),
        (datetime(2023, 5, 6, 9, 30), MAY_6),
        (1, date(1899, 12, 31)),
    ],
)
def test_what_a_cell_holds(cell: int | float | str | date, day: date) -> None:
    assert cell_date(cell) == day


def test_a_serial_typed_into_a_form_is_no_date() -> None:
    """A person types a date, never Excel's day number: 45052 in a form is a mistake."""
    with pytest.raises(ValidationError) as err:
        date_field("出生日期", "45052")
    assert err.value.message == "出生日期“45052”看不懂，请按“2026-03-08”的样子填写。"


@pytest.mark.parametrize(
    ("cell", "shown"),
    [(True, "是"), (time(9, 30), "09:30:00"), (0, "0"), (-3, "-3"), (3_000_000, "3000000")],
)
def test_a_cell_that_holds_no_date(cell: bool | time | int, shown: str) -> None:
    with pytest.raises(DateError) as err:
        cell_date(cell)
    assert err.value.message == f"“{shown}”不是日期，请写成 2023-05-06 或 2023年5月6日。"


# ---------------------------------------------------------------------------------------
# What cannot be read, and what the message says


@pytest.mark.parametrize(
    ("written", "message", "field_message"),
    [
        (
            "去年",
            f"“去年”不是可识别的日期，{HOW}。",
            "出生日期“去年”看不懂，请按“2026-03-08”的样子填写。",
        ),
        (
            "23.5.6",
            f"“23.5.6”不是可识别的日期，{HOW}。",
            "出生日期“23.5.6”看不懂，请按“2026-03-08”的样子填写。",
        ),
        (
            "2023-13-05",
            "“2023-13-05”不是存在的日期（没有13月），请核对年、月、日。",
            "出生日期“2023-13-05”看不懂（没有13月），请按“2026-03-08”的样子填写。",
        ),
        (
            "2023-02-30",
            "“2023-02-30”不是存在的日期（2023年2月没有30日），请核对年、月、日。",
            "出生日期“2023-02-30”看不懂（2023年2月没有30日），请按“2026-03-08”的样子填写。",
        ),
        (
            "二〇二三年五月三四日",
            "“二〇二三年五月三四日”不是可识别的日期，请写成 2023年5月6日 这样的格式。",
            "出生日期“二〇二三年五月三四日”看不懂，请按“2026-03-08”的样子填写。",
        ),
        (
            "13.5",
            "“13.5”不是日期（没有13月），"
            "请写成“月.日”（如 5.6 即5月6日）或 2023年5月6日 这样的格式。",
            "出生日期“13.5”看不懂（没有13月），请按“2026-03-08”的样子填写。",
        ),
        (
            "-2023-05-06",
            f"“-2023-05-06”不是可识别的日期，{HOW}。",
            "出生日期“-2023-05-06”看不懂，请按“2026-03-08”的样子填写。",
        ),
    ],
)
def test_what_cannot_be_read_says_how_to_write_it(
    written: str, message: str, field_message: str
) -> None:
    with pytest.raises(DateError) as err:
        read_date(written, year=2023)
    assert err.value.message == message
    assert isinstance(err.value, ParseError) and isinstance(err.value, ValueError)
    with pytest.raises(ValidationError) as bad:
        date_field("出生日期", written)
    assert (bad.value.field, bad.value.message) == ("出生日期", field_message)


def test_dates_written_in_a_longer_text() -> None:
    """A 司法确认 cell: "申请日期；法院；…；结果 日期" (the import reads each with read_date)."""
    text = "2024-03-05；青山县人民法院；（2024）浙0101民特12号；裁定确认有效 2024年3月20日"
    assert dates_in(text) == ["2024-03-05", "2024年3月20日"]
    assert [read_date(d) for d in dates_in(text)] == [date(2024, 3, 5), date(2024, 3, 20)]
    assert dates_in("申请于２０２４年３月５日") == ["２０２４年３月５日"]
    assert dates_in("青山县人民法院，尚未裁定") == []


def test_years_written_in_a_title() -> None:
    assert years_in("青山镇2023年矛盾纠纷台账") == [2023]
    assert years_in("２０２２—２０２３年度") == [2022, 2023]
    assert years_in("第12345号 2023 2023") == [2023]
    assert years_in("调解台账") == []


# ---------------------------------------------------------------------------------------
# Moved from the 台账 import's tests (tests/models/test_ledger_import*.py)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023.5.6", date(2023, 5, 6)),
        ("2023.05.06", date(2023, 5, 6)),
        ("2023年5月6日", date(2023, 5, 6)),
        ("2023 年 5 月 6 日", date(2023, 5, 6)),
        ("2023-05-06", date(2023, 5, 6)),
        ("2023/5/6", date(2023, 5, 6)),
        ("20230506", date(2023, 5, 6)),
        ("２０２３年５月６日", date(2023, 5, 6)),
        ("二〇二三年五月十六日", date(2023, 5, 16)),
        ("2023-05-06 14:30", date(2023, 5, 6)),
        (45052, date(2023, 5, 6)),
        (45052.5, date(2023, 5, 6)),
        ("45052", date(2023, 5, 6)),
        (20230506, date(2023, 5, 6)),
        (date(2023, 5, 6), date(2023, 5, 6)),
        (datetime(2023, 5, 6, 9, 0), date(2023, 5, 6)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_people_type_them(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["2023.13.5", "2023-02-30", "五月六日", "去年", "23.5.6"])
def test_bad_dates_say_why(value):
    with pytest.raises(ParseError) as err:
        cell_date(value)
    assert f"“{value}”" in err.value.message


def test_month_and_day_read_in_the_year_given():
    assert cell_date("5月6日", year=2023) == date(2023, 5, 6)
    assert cell_date("５月６号", year=2023) == date(2023, 5, 6)
    assert cell_date("五月十六日", year=2023) == date(2023, 5, 16)
    with pytest.raises(MissingYearError) as err:
        cell_date("5月6日")
    assert (err.value.month, err.value.day) == (5, 6)
    assert "请在表格中写上年份（如 2023年5月6日）" in err.value.message
    with pytest.raises(ParseError, match="不是存在的日期"):
        cell_date("2月30日", year=2023)


def test_month_dot_day_is_a_date_without_a_year():
    """ "5.6" in a date column is the 6th of May, typed as text or as a number (calamine
    gives a number cell as the float 5.6); a whole number stays an Excel serial."""
    for written in ("5.6", "5.06", "05.06", "５．６", "5.6日", 5.6, 5.06):
        assert cell_date(written, year=2023) == date(2023, 5, 6), written
    assert cell_date("12.31", year=2023) == cell_date(12.31, year=2023) == date(2023, 12, 31)
    assert cell_date(45061) == cell_date(45061.0) == date(2023, 5, 15)  # serials
    assert cell_date(45061.5) == date(2023, 5, 15)  # a serial with a time of day
    with pytest.raises(MissingYearError) as err:
        cell_date(5.6)
    assert (err.value.month, err.value.day, err.value.dotted, err.value.number) == (
        5,
        6,
        True,
        True,
    )
    with pytest.raises(MissingYearError) as err:
        cell_date("5.1")
    assert err.value.maybe_tens is None  # text keeps what was typed: 5.1 is the 1st
    with pytest.raises(MissingYearError) as err:
        cell_date(5.1)
    assert err.value.maybe_tens == 10  # a number shown 5.1 may have been typed 5.10
    how = "请写成“月.日”（如 5.6 即5月6日）或 2023年5月6日 这样的格式。"
    for written, why in (
        ("13.5", "没有13月"),
        (13.5, "没有13月"),
        ("2.30", "2月没有30日"),
        ("4.31", "4月没有31日"),
        ("0.5", "没有0月"),
    ):
        with pytest.raises(ParseError) as bad:
            cell_date(written, year=2023)
        assert bad.value.message == f"“{written}”不是日期（{why}），{how}", written
