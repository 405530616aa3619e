"""Chinese numerals: 二〇二三 (a year, digit by digit), 十二 (a month or day), 壹万贰仟 (an
amount, in everyday or banking characters)."""

from __future__ import annotations

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3}
DIGITS.update({"叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7})
DIGITS.update({"柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9})
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}


def digit_by_digit(text: str) -> int | None:
    """A number written digit by digit, as years are: 二〇二三 → 2023; None if it is not."""
    if not text or any(ch not in DIGITS for ch in text):
        return None
    return int("".join(str(DIGITS[ch]) for ch in text))


def below_hundred(text: str) -> int | None:
    """五, 十, 十二, 二十, 二十三, 一十二 (months and days) → the number; None for anything
    else ("三四", "十十")."""
    if "十" not in text:
        return DIGITS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in DIGITS):
        return None
    if units and units not in DIGITS:
        return None
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


def counted(text: str) -> int | None:
    """A whole number in characters, with units: 一万二千 / 壹万贰仟 → 12000, 叁佰零伍 →
    305; None when a character is no numeral. Read as written, without checking the order
    of the units (an old sheet is taken as its writer meant it)."""
    total = section = digit = 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (digit or 1) * UNITS[ch]
            digit = 0
        elif ch in BIG:
            total = (total + section + digit) * BIG[ch]
            section = digit = 0
        else:
            return None
    return total + section + digit
