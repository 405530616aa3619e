"""大喇叭: the village loudspeaker scripts, printed large for reading aloud, with the play
schedule (日期, 时间, 播音人) as a table.

A4 portrait in the frame of the other documents (GB/T 9704-2012 margins). Everything the
reader reads is at least :data:`MIN_TYPE` (20 pt): the scripts are 二号 (22 pt) with wide
leading, the table 20 pt. Each script shows about how long it takes to read
(:data:`CHARS_PER_MINUTE`). The pages are numbered "第x页 共y页" among themselves.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Spacer

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.money import chinese_number
from app.printing.outreach import canvas as K
from app.printing.outreach.data import BROADCAST, ContentItem, KitData
from app.printing.outreach.text import MissingDataError, fill, lines

KEY = "broadcast"
TITLE = "大喇叭广播稿"
PAPER = "A4"
ORIENTATION = "portrait"

MIN_TYPE = 20.0
SCRIPT_SIZE = 22.0  # 二号
TABLE_SIZE = 20.0
CHARS_PER_MINUTE = 220  # an unhurried reading pace for a village broadcast
BLANK_ROWS = 4  # an empty schedule prints rows to fill in by hand
WEEKDAYS = "一二三四五六日"

TITLE_STYLE = K.style(28.0, leading=1.5, bold=True, align="center", tracking=0.05)
SUB_STYLE = K.style(MIN_TYPE, leading=1.5, align="center", space_after=10)
HEADING = K.style(24.0, leading=1.6, bold=True, align="left", space_before=18, space_after=4)
SCRIPT = K.style(SCRIPT_SIZE, leading=1.85, first_indent=2)
CELL = K.style(TABLE_SIZE, leading=1.35, align="center")
CELL_HEAD = replace(CELL, bold=True)
COLUMNS = (250.0, 90.0, L.BLOCK_WIDTH - 340.0)


def day_text(d: date) -> str:
    """2026年12月1日 周二"""
    return f"{d.year}年{d.month}月{d.day}日 周{WEEKDAYS[d.weekday()]}"


def minutes(text: str) -> int:
    """About how many minutes reading ``text`` aloud takes (at least one)."""
    chars = sum(1 for ch in text if not ch.isspace())
    return max(1, math.ceil(chars / CHARS_PER_MINUTE))


def schedule_table(data: KitData, fonts: FontSet) -> Flowable:
    rows: list[list[L.Content]] = [["日期", "时间", "播音人"]]
    slots = sorted(data.broadcast_schedule, key=lambda s: (s.day, s.time))
    for s in slots:
        rows.append([day_text(s.day), s.time.strip(), s.reader.strip()])
    if not slots:
        rows += [["", "", ""] for _ in range(BLANK_ROWS)]
    cells = [
        [L.Paragraph(c, CELL_HEAD if r == 0 else CELL, fonts) if c else "" for c in row]
        for r, row in enumerate(rows)
    ]
    heights: list[float | None] = [None] + [CELL.leading + 14 for _ in rows[1:]]
    return L.table(
        cells,
        COLUMNS,
        padding=6,
        repeat_rows=1,
        row_heights=heights,
        extra=[("BACKGROUND", (0, 0), (-1, 0), Color(*K.TINT))],
        fonts=fonts,
    )


def _script(n: int, item: ContentItem, data: KitData, fonts: FontSet) -> list[Flowable]:
    paras = [fill(p, data) for p in lines(item.body)]
    title = fill(item.title.strip(), data) or f"广播稿{n}"
    length = Span(f"（约{minutes(''.join(paras))}分钟）", bold=False, size=MIN_TYPE)
    head = L.Paragraph([Span(f"{chinese_number(n)}、{title}"), length], HEADING, fonts)
    # the heading goes to the next page unless it and three lines of text fit here
    need = HEADING.space_before + head.wrap(L.BLOCK_WIDTH, L.BLOCK_HEIGHT)[1]
    out: list[Flowable] = [K.NeedSpace(need + HEADING.space_after + 3 * SCRIPT.leading), head]
    out += [L.Paragraph(p, SCRIPT, fonts) for p in paras]
    return out


def story(data: KitData, fonts: FontSet) -> list[Flowable]:
    scripts = data.items(BROADCAST)
    if not scripts:
        raise MissingDataError("内容库里没有大喇叭广播稿，无法打印大喇叭广播稿。")
    out: list[Flowable] = [
        L.Paragraph(f"{data.village}“大喇叭”广播稿", TITLE_STYLE, fonts),
        L.Paragraph(data.committee.strip() or f"{data.village}人民调解委员会", SUB_STYLE, fonts),
        L.Paragraph("播放安排", replace(HEADING, space_before=6), fonts),
        schedule_table(data, fonts),
        Spacer(1, 6),
    ]
    for n, item in enumerate(scripts, start=1):
        out += _script(n, item, data, fonts)
    return out


FRAME = (L.MARGIN_LEFT, L.MARGIN_BOTTOM, L.BLOCK_WIDTH, L.BLOCK_HEIGHT)
FOOTER = K.Footer(L.PAGE_WIDTH / 2, L.FOOTER_BASELINE, 14.0)


def draw(canv: K.KitCanvas, data: KitData, *, mark: str | None = TITLE, level: int = 0) -> None:
    """The scripts' pages, numbered among themselves; MissingDataError without scripts."""
    K.flow_numbered(
        canv, story(data, canv.fonts), frame=FRAME, footer=FOOTER, mark=mark, level=level
    )


def problems(data: KitData) -> list[str]:
    if not data.broadcast_schedule:
        return [f"{data.village}没有排定大喇叭播放安排，播放安排表留空，可手工填写。"]
    return []


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The broadcast as a part of the kit (left out when there is no script)."""
    if not data.items(BROADCAST):
        return K.Part(KEY, TITLE, None, ("内容库里没有大喇叭广播稿，本次不打印大喇叭广播稿。",))
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, level=level), tuple(problems(data)))


def broadcast_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """The scripts and the schedule of ``data``'s village; MissingDataError without
    scripts."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data)], info, fonts)
