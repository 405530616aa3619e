"""Reading an amount (app/models/parsing/money.py), typed into the program or found in a
台账 cell: what is taken, what is refused, and the message that says how to write it."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.models.errors import ValidationError
from app.models.parsing import money
from app.models.parsing.cells import Cell
from app.models.parsing.errors import ParseError

HOW = "请只填数字，如 3600 或 3600.50（单位：元）"


_TYPED_READ = [
    ("3600", 360000),
    ("3600.5", 360050),
    ("3600.50", 360050),
    ("0.05", 5),
    ("0", 0),
    ("1,500", 150000),
    ("12,345,678.90", 1234567890),
    ("12，000", 1200000),  # a Chinese input method's comma
    ("１２３４．５６", 123456),  # full-width digits and point
    ("3600元", 360000),
    ("3600 元", 360000),
    ("¥3600", 360000),
    ("￥3,600.50", 360050),
    ("1.2万", 1200000),
    ("1.2万元", 1200000),
    ("１.２万", 1200000),
    ("1.23456万", 1234560),  # 12,345.60: 万 with decimals down to the 分
    ("30万", 30000000),
    ("  3600  ", 360000),
    ("9999999999.99", 999999999999),  # just under 100 亿
    ("", None),
    ("   ", None),
]


@pytest.mark.parametrize(("typed", "fen"), _TYPED_READ)
def test_what_is_read(typed: str, fen: int | None) -> None:
    assert money.read_yuan(typed) == fen


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1e3", f"“1e3”不是金额。{HOW}"),  # Python's float() and Decimal() take these
        ("1e30", f"“1e30”不是金额。{HOW}"),
        ("1E28", f"“1E28”不是金额。{HOW}"),
        ("1_000", f"“1_000”不是金额。{HOW}"),
        ("三千", f"“三千”不是金额。{HOW}"),
        ("Infinity", f"“Infinity”不是金额。{HOW}"),
        ("NaN", f"“NaN”不是金额。{HOW}"),
        ("0x10", f"“0x10”不是金额。{HOW}"),
        ("1.2.3", f"“1.2.3”不是金额。{HOW}"),
        ("15,00", f"“15,00”不是金额。{HOW}"),  # thousands come in threes
        (".5", f"“.5”不是金额。{HOW}"),
        ("30.", f"“30.”不是金额。{HOW}"),
        ("3600元整", f"“3600元整”不是金额。{HOW}"),
        ("1.2亿", f"“1.2亿”不是金额。{HOW}"),
        ("١٢٣", f"“١٢٣”不是金额。{HOW}"),  # Arabic-Indic digits: int() would read them
        ("-500", f"“-500”带了负号，金额不能是负数。{HOW}"),
        ("3.141", f"“3.141”的小数位太多，金额只到分（小数点后最多两位）。{HOW}"),
        ("1.2345678万", f"“1.2345678万”的小数位太多，金额只到分（小数点后最多两位）。{HOW}"),
        ("10000000000", f"“10000000000”达到或超过了 100 亿元，请核对位数和小数点。{HOW}"),
        ("100万万", f"“100万万”不是金额。{HOW}"),
        ("1000000万", f"“1000000万”达到或超过了 100 亿元，请核对位数和小数点。{HOW}"),
        ("9" * 5000, f"“{'9' * 19}…”达到或超过了 100 亿元，请核对位数和小数点。{HOW}"),
    ],
)
def test_what_is_refused_and_why(typed: str, why: str) -> None:
    with pytest.raises(money.MoneyError) as caught:
        money.read_yuan(typed)
    assert caught.value.message == why
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError still do


def test_a_field_names_itself_and_says_how_to_write_it() -> None:
    with pytest.raises(ValidationError) as caught:
        money.yuan_field("协议金额", "1e30")
    assert caught.value.field == "协议金额"
    assert caught.value.message == f"协议金额：“1e30”不是金额。{HOW}"
    assert money.yuan_field("涉及金额", "1.2万") == 1200000
    assert money.yuan_field("涉及金额", "") is None


def test_an_amount_shown_for_editing_reads_back() -> None:
    for fen in (0, 5, 360050, 1200000, 999999999999):
        assert money.read_yuan(money.yuan_text(fen)) == fen
    assert money.yuan_text(360050) == "3600.50"


# ---------------------------------------------------------------------------------------
# The spellings real offices use, typed and in a sheet


@pytest.mark.parametrize(
    ("written", "fen"),
    [
        ("12000", 1_200_000),
        ("12,000", 1_200_000),
        ("12，000", 1_200_000),
        ("12000元", 1_200_000),
        ("¥12000.00", 1_200_000),
        ("￥12,000.00", 1_200_000),
        ("１２０００", 1_200_000),  # full-width digits
        ("1.2万", 1_200_000),
        ("1.2万元", 1_200_000),
        ("3600.5", 360_050),
    ],
)
def test_typed_and_in_a_sheet_alike(written: str, fen: int) -> None:
    assert money.read_yuan(written) == fen
    assert money.yuan_field("协议金额", written) == fen
    assert money.cell_amount(written) == fen


@pytest.mark.parametrize(
    ("written", "fen"),
    [
        ("壹万贰仟元整", 1_200_000),
        ("壹万贰仟圆整", 1_200_000),
        ("一万二千元", 1_200_000),
        ("叁仟伍佰元伍角", 350_050),
        ("叁仟伍佰元伍角陆分", 350_056),
        ("贰拾万元整", 20_000_000),
        ("人民币壹仟元", 100_000),
        ("人民币12000元", 1_200_000),
        ("RMB 12,000", 1_200_000),
        ("12000元整", 1_200_000),
        ("1.2千", 120_000),
        ("3百", 30_000),
        ("3600.555", 360_056),  # rounded to the 分
        ("不涉及", None),
        ("无", None),
        ("——", None),
    ],
)
def test_what_only_a_sheet_may_hold(written: str, fen: int | None) -> None:
    """An old sheet is read as it was written; typing stays strict (it can be corrected at
    once), and says how to write the amount."""
    assert money.cell_amount(written) == fen
    with pytest.raises(money.MoneyError) as caught:
        money.read_yuan(written)
    assert caught.value.message.endswith(HOW)


def test_every_typed_spelling_reads_the_same_in_a_sheet() -> None:
    """The sheet's reader takes everything a form's field takes, to the same fen."""
    for typed, fen in _TYPED_READ:
        assert money.cell_amount(typed) == fen, typed


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-500", "金额“-500”是负数，请改为正数（或删去）。"),
        (-500, "金额“-500”是负数，请改为正数（或删去）。"),
        ("很多", "“很多”不是可识别的金额，请写成 12000 或 1.2万元 这样的格式。"),
        ("12元5", "“12元5”不是可识别的金额，请写成 12000 或 1.2万元 这样的格式。"),
        (
            "1,2,3",
            "金额“1,2,3”中的逗号位置不对，看不出是多少。请写成 12000 或 12,000（逗号每三位一个）。",
        ),
        ("贰佰亿元", "金额“贰佰亿元”大得不合常理，请核对单位和小数点。"),
        ("20000000000", "金额“20000000000”大得不合常理，请核对单位和小数点。"),
        (date(2023, 5, 6), "“2023-05-06”不是金额。"),
        (math.nan, "“nan”不是金额（单元格里是一个无效的数值），请改成数字。"),
    ],
)
def test_a_cell_that_is_no_amount_says_how_to_write_it(cell: Cell, message: str) -> None:
    with pytest.raises(money.MoneyError) as caught:
        money.cell_amount(cell)
    assert caught.value.message == message
    assert isinstance(caught.value, ParseError)


def test_an_empty_cell_or_field_is_no_amount() -> None:
    for empty in ("", "  ", None):
        assert money.cell_amount(empty) is None
    assert money.read_yuan("　") is None
    assert money.yuan_field("涉及金额", "") is None


# ---------------------------------------------------------------------------------------
# Moved from the 台账 import's tests (tests/models/test_ledger_import*.py)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("1.2万元", 1_200_000),
        ("1.2万", 1_200_000),
        ("12,000", 1_200_000),
        ("12，000", 1_200_000),
        ("12000元", 1_200_000),
        ("12000元整", 1_200_000),
        ("￥3,500.50", 350_050),
        ("¥3500.5", 350_050),
        ("人民币 800 元", 80_000),
        ("壹万贰仟元", 1_200_000),
        ("一万二千元", 1_200_000),
        ("叁仟伍佰元伍角", 350_050),
        ("贰拾万元整", 20_000_000),
        (12000, 1_200_000),
        (3500.5, 350_050),
        (0.1 + 0.2, 30),
        ("0", 0),
        ("无", None),
        ("-", None),
        ("", None),
    ],
)
def test_amounts_as_people_write_them(value, fen):
    assert money.cell_amount(value) == fen


def test_amounts_in_a_wan_column():
    assert money.cell_amount(1.2, unit=10_000) == 1_200_000
    assert money.cell_amount("3.5", unit=10_000) == 3_500_000
    assert money.cell_amount("800元", unit=10_000) == 80_000  # an explicit unit wins


@pytest.mark.parametrize("value", ["很多", "-500", "12元5", "1e9999"])
def test_bad_amounts(value):
    with pytest.raises(ParseError):
        money.cell_amount(value)


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        "1,2,3",
        "1,000,00",
        "12,00",
        ",500",
        "1，2",
        pytest.param(10**5000, id="5001-digits"),
    ],
)
def test_unclear_amounts_are_cell_errors(value):
    with pytest.raises(ParseError) as bad:
        money.cell_amount(value)
    assert bad.value.message  # plain Chinese for the preview's list of bad rows


def test_a_misplaced_separator_says_how_to_write_the_amount():
    with pytest.raises(ParseError) as bad:
        money.cell_amount("1,2,3")
    assert bad.value.message == (
        "金额“1,2,3”中的逗号位置不对，看不出是多少。请写成 12000 或 12,000（逗号每三位一个）。"
    )


@pytest.mark.parametrize(
    ("value", "fen"),
    [("1,234,567.5", 123_456_750), ("12,000元", 1_200_000), ("1,200万", 12_000_000_00)],
)
def test_separators_in_their_places_are_read(value, fen):
    assert money.cell_amount(value) == fen


_AMOUNT_CHARS = "0123456789.,，．。¥￥元万千百整壹贰叁拾佰仟亿角分-+eE 　" + "０１２３４５６７８９"
_CELLS = st.one_of(
    st.text(alphabet=_AMOUNT_CHARS, max_size=30),
    st.text(max_size=30),
    st.floats(),
    st.integers(),
    st.integers(min_value=-(10**6000), max_value=10**6000),
    st.booleans(),
    st.dates(),
    st.none(),
)


@settings(max_examples=1500, deadline=None)
@given(value=_CELLS, unit=st.sampled_from([1, 10_000]))
@example(value=math.nan, unit=1)
@example(value="一" + "亿" * 700 + "元", unit=1)
@example(value="0." + "0" * 5000 + "1", unit=10_000)
def test_an_amount_cell_is_a_number_of_fen_or_a_cell_error(value, unit):
    """Whatever a cell holds, cell_amount gives whole fen below 100 亿元, None, or a
    ParseError with a message: never another exception."""
    try:
        fen = money.cell_amount(value, unit=unit)
    except ParseError as exc:
        assert exc.message
        return
    assert fen is None or (isinstance(fen, int) and 0 <= fen < Decimal("1e12"))
