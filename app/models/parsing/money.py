"""Amounts as people type them and as spreadsheet cells hold them: the one reader of money,
in whole fen.

**Typed** (:func:`read_yuan`, :func:`yuan_field`: 协议金额, 涉及金额, the figure of
"人民币____元" in a clause), after full-width characters are made half-width (NFKC:
１２３４．５ is 1234.5, ￥ is ¥, "，" is ","), with spaces around the whole ignored:

- digits, optionally grouped by thousands with "," (1,500 / 12,000.50; the groups must be
  whole: "15,00" is refused), with up to two decimals (分 is the smallest unit): 1500,
  1500.5, 1500.50;
- an optional 元 after the number, an optional ¥ before it;
- 万 or 万元 as a multiplier: 1.2万 is 12,000.00 yuan (the decimals may then go to the 分:
  1.23456万 is 12,345.60);
- nothing else. Exponents (1e3), underscores (1_000), signs, words (三千), a second point and
  digits of other scripts are refused, as is an amount of 100 亿元 or more (a slip of the
  finger, not a village dispute).

**In a cell** (:func:`cell_amount`: the 台账 import) also, as old sheets are written:
Chinese numerals and capitals (壹万贰仟元整, 一万二千元, 叁仟伍佰元伍角), 千/百 as multipliers,
人民币/RMB before, 整 after, more than two decimals (rounded to the 分), a column in 万元
(``unit``), and 无/-/不涉及 for no amount. An old sheet is read as it was written, while what
is typed now can be corrected at once: that is why typing stays strict.

An empty text is no amount (None). Every refusal is a :class:`MoneyError` whose ``message``
quotes what was written and says how to write it; :func:`yuan_field` makes it a
ValidationError whose message starts with the field's name ("协议金额：“1e30”不是金额。请只填
数字，如 3600 或 3600.50（单位：元）"). How amounts are printed (capitals, ¥12,300.00) is
app/printing/money.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.models.errors import ValidationError
from app.models.parsing.cells import Cell, cell_text, is_blank, norm
from app.models.parsing.errors import ParseError, shown
from app.models.parsing.numerals import DIGITS, counted

FEN_LIMIT = 10**12  # 100 亿元 in fen: an amount must stay below it
HOW_TO_WRITE = "请只填数字，如 3600 或 3600.50（单位：元）"


class MoneyError(ParseError):
    """An amount that cannot be read. ``text`` is what was written."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


# ---------------------------------------------------------------------------------------
# Typed

# [0-9], not \d: \d also takes the digits of other scripts, and int() reads them.
_TYPED = re.compile(
    r"¥?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<decimals>[0-9]+))?"
    r"\s*(?P<unit>万元|万|元)?"
)


def read_yuan(text: str) -> int | None:
    """An amount as typed → fen (None when nothing is typed); MoneyError when it cannot be
    read. See the module's docstring for what is taken."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    quoted = f"“{shown(text)}”"
    m = _TYPED.fullmatch(s)
    if m is None:
        if s.startswith("-"):
            raise MoneyError(text, f"{quoted}带了负号，金额不能是负数。{HOW_TO_WRITE}")
        raise MoneyError(text, f"{quoted}不是金额。{HOW_TO_WRITE}")
    whole = m["whole"].replace(",", "")
    decimals = m["decimals"] or ""
    wan = (m["unit"] or "").startswith("万")
    if len(decimals) > (6 if wan else 2):
        raise MoneyError(
            text, f"{quoted}的小数位太多，金额只到分（小数点后最多两位）。{HOW_TO_WRITE}"
        )
    if len(whole) > 13:  # far past the limit; int() of a huge string is never reached
        raise MoneyError(text, _too_large(quoted))
    # Whole fen: the figure without its point, scaled by 100 (and by 10,000 for 万).
    scale = 100 * (10_000 if wan else 1)
    fen = int(whole + decimals) * scale // int(10 ** len(decimals))
    if fen >= FEN_LIMIT:
        raise MoneyError(text, _too_large(quoted))
    return fen


def _too_large(quoted: str) -> str:
    return f"{quoted}达到或超过了 100 亿元，请核对位数和小数点。{HOW_TO_WRITE}"


def yuan_field(field: str, text: str) -> int | None:
    """:func:`read_yuan` for a form's field: a ValidationError naming ``field`` when the
    text cannot be read ("涉及金额：“1e30”不是金额。请只填数字，如 3600 或 3600.50（单位：元）")."""
    try:
        return read_yuan(text)
    except MoneyError as exc:
        raise ValidationError(field, f"{field}：{exc.message}") from None


def yuan_text(fen: int) -> str:
    """An amount as a field shows it for editing, read back by read_yuan: 150000 →
    "1500.00" (no grouping)."""
    yuan, rest = divmod(fen, 100)
    return f"{yuan}.{rest:02d}"


# ---------------------------------------------------------------------------------------
# Cells

_FEN = Decimal("0.01")
_MAX_YUAN = Decimal(FEN_LIMIT // 100)
_NONE_WORDS = {"无", "没有", "-", "—", "--", "——", "/", "\\", "空", "无金额", "不涉及", "n/a", "na"}
_CELL_TEXT = re.compile(r"^(-?\d+(?:\.\d+)?)(万|千|百)?$")
_MULTIPLIERS = {"万": 10_000, "千": 1_000, "百": 100}
# thousands separators where they belong: 12,000 / 1,234,567.5 (after NFKC, "，" as ",")
_GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])")
_JIAO_FEN = re.compile(r"(?:(.)角)?(?:(.)分)?")


def _in_characters(text: str) -> Decimal | None:
    """壹万贰仟元伍角 / 一万二千元 / 叁仟伍佰元整 → Decimal yuan; None if not such a text."""
    text = text.replace("圆", "元").rstrip("整正")
    yuan_part, _, small = text.partition("元")
    if not yuan_part and not small:
        return None
    whole = counted(yuan_part)
    if whole is None:
        return None
    value = Decimal(whole)
    if small:
        m = _JIAO_FEN.fullmatch(small)
        if not m or not (m[1] or m[2]):
            return None
        for char, scale in ((m[1], Decimal("0.1")), (m[2], Decimal("0.01"))):
            if char:
                if char not in DIGITS:
                    return None
                value += DIGITS[char] * scale
    return value


def _text_yuan(value: str, unit: int) -> Decimal | None:
    """A text cell as yuan; None for a word that means no amount."""
    quoted = value.strip()
    text = norm(quoted).lower()
    if text in _NONE_WORDS:
        return None
    for junk in ("人民币", "rmb", "¥", "￥"):
        text = text.replace(junk, "")
    text = text.replace("，", ",")
    if "," in text:
        if not _GROUPED.search(text):
            raise MoneyError(
                value,
                f"金额“{quoted}”中的逗号位置不对，看不出是多少。"
                "请写成 12000 或 12,000（逗号每三位一个）。",
            )
        text = text.replace(",", "")
    text = text.removesuffix("整").removesuffix("正")
    has_yuan = text.endswith("元")
    text = text.removesuffix("元")
    if m := _CELL_TEXT.match(text):
        scale = _MULTIPLIERS.get(m[2] or "", 1)
        return Decimal(m[1]) * scale * (unit if not (m[2] or has_yuan) else 1)
    words = _in_characters(text + ("元" if has_yuan else ""))
    if words is None:
        raise MoneyError(value, f"“{quoted}”不是可识别的金额，请写成 12000 或 1.2万元 这样的格式。")
    return words


def _number_yuan(value: int | float, unit: int) -> Decimal:
    if isinstance(value, float):
        if not math.isfinite(value):
            written = cell_text(value)
            raise MoneyError(
                written, f"“{written}”不是金额（单元格里是一个无效的数值），请改成数字。"
            )
        return Decimal(repr(value)) * unit
    if abs(value) >= _MAX_YUAN:  # (and no str() of a number of thousands of digits)
        if value < 0:
            raise MoneyError("", "金额是负数，请改为正数（或删去）。")
        raise MoneyError("", "金额大得不合常理，请核对单位和小数点。")
    return Decimal(value) * unit


def cell_amount(value: Cell, *, unit: int = 1) -> int | None:
    """An amount cell as integer fen (None when empty or a word for none). Accepts 12000,
    "12,000", "12000元", "￥3,500.50", "1.2万元", "壹万贰仟元整"; ``unit`` 10000 when the
    header says the column is in 万元 (an amount written with its own unit keeps it)."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, date, time, timedelta)):
        raise MoneyError(cell_text(value), f"“{cell_text(value)}”不是金额。")
    if isinstance(value, (int, float)):
        yuan: Decimal | None = _number_yuan(value, unit)
    else:
        yuan = _text_yuan(str(value), unit)
    if yuan is None:
        return None
    written = cell_text(value)
    if yuan < 0:
        raise MoneyError(written, f"金额“{written}”是负数，请改为正数（或删去）。")
    if yuan >= _MAX_YUAN:
        raise MoneyError(written, f"金额“{written}”大得不合常理，请核对单位和小数点。")
    try:
        return int((yuan.quantize(_FEN, rounding=ROUND_HALF_UP) * 100).to_integral_value())
    except InvalidOperation:
        raise MoneyError(written, f"“{written}”不是可识别的金额。") from None
