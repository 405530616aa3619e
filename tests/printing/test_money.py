"""Amounts in Chinese capitals (PBOC rules for payment documents) and in figures."""

from __future__ import annotations

import pytest

from app.printing.money import amount_in_figures, amount_in_words, chinese_number

# (fen, capitals without 人民币, figures). Sources of the rules: 《支付结算办法》附件一
# 《正确填写票据和结算凭证的基本规定》; the examples marked PBOC are its own.
CASES = [
    (0, "零元整", "¥0.00"),
    (1, "壹分", "¥0.01"),
    (5, "伍分", "¥0.05"),
    (50, "伍角", "¥0.50"),
    (52, "伍角贰分", "¥0.52"),
    (100, "壹元整", "¥1.00"),
    (105, "壹元零伍分", "¥1.05"),
    (150, "壹元伍角", "¥1.50"),
    (1000, "壹拾元整", "¥10.00"),
    (1100, "壹拾壹元整", "¥11.00"),
    (10100, "壹佰零壹元整", "¥101.00"),
    (11000, "壹佰壹拾元整", "¥110.00"),
    (100100, "壹仟零壹元整", "¥1,001.00"),
    (101000, "壹仟零壹拾元整", "¥1,010.00"),
    (32504, "叁佰贰拾伍元零肆分", "¥325.04"),  # PBOC
    (140950, "壹仟肆佰零玖元伍角", "¥1,409.50"),  # PBOC
    (600714, "陆仟零柒元壹角肆分", "¥6,007.14"),  # PBOC
    (168032, "壹仟陆佰捌拾元叁角贰分", "¥1,680.32"),  # PBOC (without the optional 零)
    (1640902, "壹万陆仟肆佰零玖元零贰分", "¥16,409.02"),  # PBOC
    (1000500, "壹万零伍元整", "¥10,005.00"),
    (1230000, "壹万贰仟叁佰元整", "¥12,300.00"),
    (2000000, "贰万元整", "¥20,000.00"),
    (10000050, "壹拾万元伍角", "¥100,000.50"),
    (10700053, "壹拾万柒仟元伍角叁分", "¥107,000.53"),  # PBOC (without the optional 零)
    (100000000, "壹佰万元整", "¥1,000,000.00"),
    (100500000, "壹佰万伍仟元整", "¥1,005,000.00"),  # 万位 0, 千位 not: no 零 (rule 4)
    (100050000, "壹佰万零伍佰元整", "¥1,000,500.00"),
    (10000000000, "壹亿元整", "¥100,000,000.00"),
    (10010000000, "壹亿零壹拾万元整", "¥100,100,000.00"),
    (10000000500, "壹亿零伍元整", "¥100,000,005.00"),
    (10100000000, "壹亿零壹佰万元整", "¥101,000,000.00"),
    (100000000000, "壹拾亿元整", "¥1,000,000,000.00"),
    (123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分", "¥1,234,567,890.12"),
    (1000000000000000, "壹拾万亿元整", "¥10,000,000,000,000.00"),
    (99999999, "玖拾玖万玖仟玖佰玖拾玖元玖角玖分", "¥999,999.99"),
]


@pytest.mark.parametrize(("fen", "words", "figures"), CASES)
def test_amounts(fen: int, words: str, figures: str) -> None:
    assert amount_in_words(fen) == "人民币" + words
    assert amount_in_words(fen, prefix="") == words
    assert amount_in_figures(fen) == figures


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 25


def test_zheng_only_after_yuan() -> None:
    for fen, words, _ in CASES:
        if fen % 100 == 0:
            assert words.endswith("元整")
        else:
            assert not words.endswith("整")


@pytest.mark.parametrize("bad", [-1, 10**18])
def test_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        amount_in_words(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True])
def test_not_an_int(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(bad)  # type: ignore[arg-type]  # the wrong types it refuses


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (11, "十一"),
        (17, "十七"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (120, "一百二十"),
        (999, "九百九十九"),
    ],
)
def test_chinese_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text
