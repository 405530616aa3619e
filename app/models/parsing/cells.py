"""What a spreadsheet cell holds, as a reader (python-calamine, openpyxl) gives it, and
the text the user sees in it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

Cell = str | int | float | bool | date | datetime | time | timedelta | None

_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """Full-width to half-width (NFKC), no whitespace at all: for comparing words."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def cell_text(value: Cell) -> str:
    """A cell as the text the user sees (whole numbers without ".0")."""
    if type(value) is str:  # most cells: first, and without the checks below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
