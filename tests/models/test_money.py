"""Reading an amount typed into the program (app/models/money.py): what is taken, what is
refused, and the message that says how to write it."""

from __future__ import annotations

import pytest

from app.models import money
from app.models.errors import ValidationError

HOW = "请只填数字，如 3600 或 3600.50（单位：元）"


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
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
    ],
)
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
    assert caught.value.problem == why
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
