"""Money as people type it: the one reader of an amount typed into the program (协议金额,
涉及金额, the figure of "人民币____元" in a clause), in whole fen.

What it takes, after full-width characters are made half-width (NFKC: １２３４．５ is 1234.5,
￥ is ¥, "，" is ","), with spaces around the whole ignored:

- digits, optionally grouped by thousands with "," (1,500 / 12,000.50; the groups must be
  whole: "15,00" is refused), with up to two decimals (分 is the smallest unit): 1500,
  1500.5, 1500.50;
- an optional 元 after the number, an optional ¥ before it;
- 万 or 万元 as a multiplier: 1.2万 is 12,000.00 yuan (the decimals may then go to the 分:
  1.23456万 is 12,345.60);
- nothing else. Exponents (1e3), underscores (1_000), signs, words (三千), a second point and
  digits of other scripts are refused, as is an amount of 100 亿元 or more (a slip of the
  finger, not a village dispute).

An empty text is no amount (None). Every refusal says, in plain Chinese, what was typed
and how to write it: :func:`read_yuan` raises :class:`MoneyError` (its ``problem`` without
a field name), :func:`yuan_field` a ValidationError whose message starts with the field's
name ("协议金额：请只填数字，如 3600 或 3600.50（单位：元）").

How amounts are printed (capitals, ¥12,300.00) is app/printing/money.py; the Excel 台账
import reads cells with its own, more forgiving rules (``ledger_import.values.parse_amount``:
Chinese capitals, 千/百, a 万元 column, rounding to the 分), because an old sheet is read as
it was written, while what is typed now can be corrected at once.
"""

from __future__ import annotations

import re
import unicodedata

from app.models.errors import ValidationError

FEN_LIMIT = 10**12  # 100 亿元 in fen: an amount must stay below it
MAX_SHOWN = 20  # characters of a wrong text quoted in a message
HOW_TO_WRITE = "请只填数字，如 3600 或 3600.50（单位：元）"

# [0-9], not \d: \d also takes the digits of other scripts, and int() reads them.
_NUMBER = re.compile(
    r"¥?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<decimals>[0-9]+))?"
    r"\s*(?P<unit>万元|万|元)?"
)


class MoneyError(ValueError):
    """A typed amount that cannot be read. ``problem`` says why, in plain Chinese, without
    naming the field (the caller knows it)."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(problem)
        self.text = text
        self.problem = problem


def shown(text: str) -> str:
    """A typed text as a message quotes it: trimmed, at most MAX_SHOWN characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def read_yuan(text: str) -> int | None:
    """An amount as typed → fen (None when nothing is typed); MoneyError when it cannot be
    read. See the module's docstring for what is taken."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    quoted = f"“{shown(text)}”"
    m = _NUMBER.fullmatch(s)
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
        raise ValidationError(field, f"{field}：{exc.problem}") from None


def yuan_text(fen: int) -> str:
    """An amount as a field shows it for editing: 150000 → "1500.00" (no grouping)."""
    yuan, rest = divmod(fen, 100)
    return f"{yuan}.{rest:02d}"
