"""Amounts of money as the forms print them: in Chinese capitals and in figures.

The rules are those of the People's Bank of China for filling in payment documents
(《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》); the choices this module
makes where those rules allow two spellings are listed in docs/printing.md:

- 元 is followed by 整 when the amount has no 角 and no 分; nothing follows 角 or 分.
- A zero (or a run of zeros) between two non-zero digits is written as one 零, also
  across the 万 and 亿 sections (壹万零伍元整, 壹亿零伍万元整).
- Zeros at the end of a section write nothing (壹拾万柒仟元整), and no 零 is written
  between 元 and 角 (壹仟陆佰捌拾元叁角贰分); a 零 is written between 元 and 分
  when 角 is zero (叁佰贰拾伍元零肆分).
- 拾 at the head of a number is written 壹拾 (壹拾万元整), as banks require.
- Less than one yuan: just 角/分 (伍角, 伍分, 伍角贰分); nothing at all is 零元整.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_SECTION = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿", "万亿")
MAX_FEN = 10**16 * 100 - 1  # up to 9,999 万亿 yuan


def _check(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("amounts are integer fen")
    if fen < 0:
        raise ValueError("amount must not be negative")
    if fen > MAX_FEN:
        raise ValueError("amount too large")


def _section(value: int) -> str:
    """0 < value < 10000 as capitals, zeros inside written as one 零, none at the end."""
    out: list[str] = []
    zero_pending = False
    for pos in range(3, -1, -1):
        digit = value // 10**pos % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + _IN_SECTION[pos])
    return "".join(out)


def _yuan_words(yuan: int) -> str:
    """The integer part (> 0) without 元."""
    sections: list[int] = []
    while yuan:
        sections.append(yuan % 10000)
        yuan //= 10000
    out: list[str] = []
    gap = False  # a whole zero section lies between this one and the last written
    for index in range(len(sections) - 1, -1, -1):
        value = sections[index]
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out.append("零")
        out.append(_section(value) + _SECTIONS[index])
        gap = False  # zeros at the end of a section write nothing by themselves
    return "".join(out)


def amount_in_words(fen: int, *, prefix: str = "人民币") -> str:
    """``1230000`` → ``"人民币壹万贰仟叁佰元整"``; ``prefix=""`` leaves out 人民币."""
    _check(fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    if fen == 0:
        return prefix + "零元整"
    out = _yuan_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen_digit == 0:
        return prefix + out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen_digit:
        out += DIGITS[fen_digit] + "分"
    return prefix + out


def amount_in_figures(fen: int, *, symbol: str = "¥") -> str:
    """``1230000`` → ``"¥12,300.00"``."""
    _check(fen)
    yuan, rest = divmod(fen, 100)
    return f"{symbol}{yuan:,}.{rest:02d}"


_SMALL = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Ordinary Chinese numerals for counts and ordinals: 1 → 一, 10 → 十, 21 → 二十一,
    105 → 一百零五 (terms "一、二、…", "一式三份")."""
    if n < 0:
        raise ValueError("negative")
    if n < 10:
        return _SMALL[n]
    if n < 20:
        return "十" + (_SMALL[n % 10] if n % 10 else "")
    if n < 100:
        return _SMALL[n // 10] + "十" + (_SMALL[n % 10] if n % 10 else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _SMALL[rest]
        elif rest < 20:
            tail = "一" + chinese_number(rest)  # 一百一十五
        else:
            tail = chinese_number(rest)
        return _SMALL[hundreds] + "百" + tail
    return str(n)
