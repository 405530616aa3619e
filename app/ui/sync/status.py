"""The status bar's line about this installation: the office's name; on a field laptop also
the laptop's own name and the case numbers it has left (kept light: no Qt, no crypto)."""

from __future__ import annotations

from datetime import date

from app.models.db import Database
from app.models.sync import exchange, numbers

# The set-up page's choice for a field laptop (the main window's first page shows it, so it
# lives here, not with the set-up dialog that would otherwise be imported at every start).
STARTER_CHOICE = "这是外出笔记本：打开外出准备文件…"


def remaining_numbers(db: Database, year: int) -> int:
    """The case numbers left in this laptop's open blocks for ``year`` (all committees)."""
    return sum(block.left for block in numbers.blocks(db) if block.year == year)


def status_text(db: Database, office_name: str, today: date | None = None) -> str:
    """青山镇人民调解委员会 · 外出笔记本：周玉梅的笔记本 · 本机剩余案号 12 (on an office
    PC only the office's name). With no numbers left, 受理 gives provisional numbers."""
    with db.reading():
        me = exchange.this_device(db.conn)
    if me.role != "field":
        return office_name
    left = remaining_numbers(db, (today or date.today()).year)
    return f"{office_name} · 外出笔记本：{me.name} · 本机剩余案号 {left}"


def numbers_tip(db: Database, today: date | None = None) -> str:
    """A laptop's open blocks one per line (the status line's tool tip); "" on an office PC."""
    with db.reading():
        on_laptop = numbers.is_field(db.conn)
    if not on_laptop:
        return ""
    year = (today or date.today()).year
    lines = [
        f"{b.committee_name} {b.year} 年：还剩 {b.left} 个（第 {b.next} 至 {b.last} 号）"
        for b in numbers.blocks(db)
        if b.year == year and b.left
    ]
    if not lines:
        return "本机没有可用的正式案号：受理时用临时编号，回办公室合并后换成正式案号。"
    return "\n".join(["本机可用的正式案号：", *lines])
