"""The status bar's line about this installation: the office's name; on a field laptop also
the laptop's own name and the case numbers it has left (kept light: no Qt, no crypto)."""

from __future__ import annotations

from datetime import date

from app.models.db import Database
from app.models.sync import exchange, numbers


def remaining_numbers(db: Database, year: int) -> int:
    """The case numbers left in this laptop's open blocks for ``year`` (all committees)."""
    return sum(block.left for block in numbers.blocks(db) if block.year == year)


def status_text(db: Database, office_name: str, today: date | None = None) -> str:
    """青山镇人民调解委员会 · 外出笔记本：周玉梅的笔记本 · 本机剩余案号 12 (on an office
    PC only the office's name). With no numbers left, 受理 gives provisional numbers."""
    me = exchange.this_device(db.conn)
    if me.role != "field":
        return office_name
    left = remaining_numbers(db, (today or date.today()).year)
    return f"{office_name} · 外出笔记本：{me.name} · 本机剩余案号 {left}"
