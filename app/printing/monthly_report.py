"""月度矛盾纠纷排查化解情况: the monthly report, as PDF (to print and send up) and as xlsx.

Both are functions of :class:`MonthlyReportData` (plain data, app.models.monthly_report:
the figures of app.models.stats for the month, the months of the year so far, the four
texts the head writes, who made it and when); nothing here reads the database.

The PDF, A4 portrait in the frame of the other documents (GB/T 9704-2012 page and type:
2号 title, 3号 body text; the tables in 小四 so that the 26 indicators fit the first page
with the title), reads top to bottom:

- the title "青山镇2026年10月矛盾纠纷排查化解情况" and the 统计期间 under it;
- 一、主要指标: every indicator (本月, 去年同月, 增减) with its unit, sub-indicators
  ("其中") indented; the success rate as a percentage with one decimal (its change in
  percentage points), amounts in 万元 with two decimals;
- 二、分类情况: by category, by source and by village, each with a 合计 row; rows whose
  figures are all zero are left out (said in a note), 合计 always stays;
- 三、本年各月情况: a chart (reportlab.graphics, vector, in the document's font) of the
  cases accepted in each month from January to this one (bars, left axis) and of each
  month's success rate (a line, right axis; broken where nothing was mediated);
- 四 to 七: 总体情况, 主要原因和特点, 工作措施, 下步打算, as written, one paragraph per
  line, flowing over as many pages as they need; a text not written prints ruled lines
  to write on;
- the foot: 填报单位（盖章）, 填报人, 填报日期, kept on one page with the end of the text.

Every page has "第x页 共y页". Long tables flow onto further pages with their header row
repeated. Same data, same bytes (reportlab invariant mode, layout.build_pdf).

The xlsx (xlsxwriter, as the 台账 export) has the sheets of SHEETS: 指标 (本月, 去年同月,
增减), one per breakdown (纠纷类型, 案件来源, 村（社区）, 调委会, 调解员: every row, zeros too,
every indicator), 各月情况 (the chart's figures and an Excel chart of them) and 情况说明
(the four texts, 填报单位, 填报人, 填报日期). Numbers are numbers, amounts in 元 with two
decimals, rates in percentage format ("—" where there is none). Same data, same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.models import sheet_print
from app.models.monthly_report import (
    FIELD_LABELS,
    MonthBar,
    MonthlyReportData,
    MonthlyTexts,
)
from app.models.stats import BY_LABELS, INDICATORS, By, Indicators, Row
from app.printing import common as C
from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.money import chinese_number

__all__ = [
    "PDF_BREAKDOWNS",
    "SHEETS",
    "MonthBar",
    "MonthlyReportData",
    "MonthlyTexts",
    "monthly_report_pdf",
    "monthly_report_xlsx",
]

# ---------------------------------------------------------------------------------------
# Numbers as the report writes them


def rate_percent(rate: float) -> Decimal:
    """A rate as a percentage with one decimal: 0.79222 → 79.2."""
    return _round(Decimal(repr(rate)) * 100, "0.1")


def rate_text(rate: float | None) -> str:
    """79.2% (one decimal); "—" when nothing was mediated (0 / 0)."""
    return "—" if rate is None else f"{rate_percent(rate)}%"


def wan(fen: int) -> Decimal:
    """An amount in 万元 with two decimals: 1,700.00 元 → 0.17."""
    return _round(Decimal(fen) / 1_000_000, "0.01")


def _round(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def _signed(value: Decimal | int) -> str:
    """A change with its sign: "+3", "-2", "+0.17", "0" (no sign on zero)."""
    if value == 0:
        return f"{abs(value):,}"
    return f"{value:+,}"


def change_text(name: str, this: Indicators, last: Indicators) -> str:
    """本月 − 去年同月 as printed: cases, 万元, or percentage points for the rate ("—" when
    a rate is missing). Amounts and rates are rounded first, so the change is the
    difference of the two numbers printed beside it."""
    if name == "success_rate":
        if this.success_rate is None or last.success_rate is None:
            return "—"
        return _signed(rate_percent(this.success_rate) - rate_percent(last.success_rate))
    if name == "amount_fen":
        return _signed(wan(this.amount_fen) - wan(last.amount_fen))
    return _signed(int(getattr(this, name)) - int(getattr(last, name)))


def value_text(name: str, values: Indicators) -> str:
    if name == "success_rate":
        return rate_text(values.success_rate)
    if name == "amount_fen":
        return f"{wan(values.amount_fen):,}"
    return str(int(getattr(values, name)))


def unit_text(name: str, unit: str) -> str:
    return "万元" if name == "amount_fen" else unit


# Rows of the indicator table printed as "其中" of the row above them: indented.
SUB_INDICATORS = frozenset(
    {
        "written",
        "oral",
        "with_amount",
        "performed",
        "confirmed",
        "confirmation_rejected",
        "confirmation_pending",
        "overdue_open",
        "overdue_closed",
        "referral_feedback",
    }
)

# ---------------------------------------------------------------------------------------
# The PDF

PDF_BREAKDOWNS: tuple[By, ...] = ("category", "source", "village")
# (indicator, header lines) of the breakdown tables
BREAKDOWN_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("accepted", ("受理数",)),
    ("closed", ("结案数",)),
    ("succeeded", ("调解", "成功数")),
    ("success_rate", ("调解", "成功率")),
    ("amount_fen", ("涉及金额", "（万元）")),
)
CHART_HEADING = "三、本年各月情况"
NOTE_OMITTED = "注：各表只列出有数字的行，各项均为零的行未列出；合计为全部案件。"
NOTE_INDICATORS = (
    "注：调解成功率＝调解成功数÷调解案件数（达成协议与调解不成之和，撤回的不计入），"
    "其增减以百分点计；协议涉及金额以万元计；超期未结按月末统计。"
)
RUNNING_AS_OF = ("超期未结按月末统计。", "超期未结按填报日统计。")

# 小四 (12 pt) in the tables: the 26 rows of the indicator table fit one page with the title.
TABLE = replace(L.CELL, size=L.SIZE_SMALL_4, leading=L.SIZE_SMALL_4 * 1.25)
NUMBER = replace(TABLE, align="right")
TOTAL = replace(TABLE, bold=True)
TOTAL_NUMBER = replace(NUMBER, bold=True)
HEAD = replace(TABLE, bold=True, align="center")
UNIT = replace(TABLE, align="center")
SUB = replace(TABLE, left_indent=L.SIZE_SMALL_4)
NOTE = replace(L.BODY_FLUSH, size=L.SIZE_5, leading=L.SIZE_5 * 1.4, space_before=3, space_after=3)
BYLINE = replace(L.CELL, leading=L.SIZE_4 * 1.3, align="center", space_after=2)
SECTION = replace(L.HEADING, space_before=10)
SUBSECTION = replace(L.HEADING, bold=False, space_before=6)
HEAD_FILL = Color(0.9, 0.9, 0.9)
TOTAL_FILL = Color(0.96, 0.96, 0.96)
PADDING = 2.0
SIDE_PADDING = 4.0
BLANK_LINES = 3  # ruled lines for a text not written: the four and the foot fit one page

INDICATOR_COLUMNS = (150.0, 44.0, 82.0, 82.0, L.BLOCK_WIDTH - 358.0)
NAME_WIDTH = 122.0
BREAKDOWN_WIDTHS = (NAME_WIDTH, *[(L.BLOCK_WIDTH - NAME_WIDTH) / 5] * 5)


def _head(lines: Sequence[str], fonts: FontSet) -> list[Flowable]:
    return [L.Paragraph(line, HEAD, fonts) for line in lines]


def _table(rows: list[list[Any]], widths: Sequence[float], fonts: FontSet, total: bool) -> Flowable:
    extra: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        # a little air between the text and the rules left and right
        ("LEFTPADDING", (0, 0), (-1, -1), SIDE_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), SIDE_PADDING),
    ]
    if total:
        extra.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    return L.table(
        rows, widths, style=TABLE, padding=PADDING, repeat_rows=1, extra=extra, fonts=fonts
    )


def indicator_table(data: MonthlyReportData, fonts: FontSet) -> Flowable:
    this, last = data.report.this, data.report.last_year
    rows: list[list[Any]] = [
        [_head([h], fonts) for h in ("指标", "单位", "本月", "去年同月", "增减")]
    ]
    for info in INDICATORS:
        label_style = SUB if info.name in SUB_INDICATORS else TABLE
        rows.append(
            [
                L.Paragraph(info.label, label_style, fonts),
                L.Paragraph(unit_text(info.name, info.unit), UNIT, fonts),
                L.Paragraph(value_text(info.name, this), NUMBER, fonts),
                L.Paragraph(value_text(info.name, last), NUMBER, fonts),
                L.Paragraph(change_text(info.name, this, last), NUMBER, fonts),
            ]
        )
    return _table(rows, INDICATOR_COLUMNS, fonts, total=False)


def _shown(row: Row) -> bool:
    """A row with a figure in at least one column (合计 always)."""
    v = row.values
    return row.is_total or any(
        (v.amount_fen if name == "amount_fen" else getattr(v, name))
        for name, _ in BREAKDOWN_COLUMNS
        if name != "success_rate"
    )


def shown_rows(rows: Sequence[Row]) -> list[Row]:
    """The rows the PDF prints: those with figures, and 合计."""
    return [r for r in rows if _shown(r)]


def breakdown_table(by: By, rows: Sequence[Row], fonts: FontSet) -> Flowable:
    data: list[list[Any]] = [
        [_head([BY_LABELS[by]], fonts), *(_head(h, fonts) for _, h in BREAKDOWN_COLUMNS)]
    ]
    for row in shown_rows(rows):
        name_style, number = (TOTAL, TOTAL_NUMBER) if row.is_total else (TABLE, NUMBER)
        data.append(
            [
                L.Paragraph(row.label, name_style, fonts),
                *(
                    L.Paragraph(value_text(name, row.values), number, fonts)
                    for name, _ in BREAKDOWN_COLUMNS
                ),
            ]
        )
    return _table(data, BREAKDOWN_WIDTHS, fonts, total=True)


# The chart: bars of the cases accepted each month (left axis, 件) and a line of the
# success rate (right axis, %). Grey and black print the same on every office printer.
BAR_FILL = Color(0.62, 0.62, 0.62)
GRID_COLOUR = Color(0.82, 0.82, 0.82)
CHART_HEIGHT = 250.0
PLOT_LEFT = 34.0  # room for the left axis' numbers
PLOT_RIGHT = 40.0  # room for the right axis' percentages
PLOT_BOTTOM = 78.0  # month names, the two rows of figures and the legend
PLOT_TOP = 30.0  # the chart's title
FIGURE_SIZE = 9.0  # the rows of figures under the months
AXIS_STEPS = 5  # both axes: five steps, so the grid lines are 20 % apart on the right too
NICE_STEPS = (1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)


def axis_top(n: int) -> tuple[int, int]:
    """(top of the left axis, its step): AXIS_STEPS round steps reaching ``n`` or more."""
    for step in NICE_STEPS:
        if step * AXIS_STEPS >= n:
            return step * AXIS_STEPS, step
    step = 10 ** len(str(-(-n // AXIS_STEPS)))
    while step // 2 * AXIS_STEPS >= n:
        step //= 2
    return step * AXIS_STEPS, step


def chart_title(months: Sequence[MonthBar], year: int) -> str:
    last = months[-1].month if months else 1
    span = f"{year}年1月" if last == 1 else f"{year}年1—{last}月"
    return f"{span}各月受理案件数和调解成功率"


def chart(months: Sequence[MonthBar], year: int, fonts: FontSet) -> Drawing:
    """Cases accepted per month, January to the report's month, as bars; the success rate
    of each month as a line with points (a month in which nothing was mediated has no
    rate: the line breaks there). Under each month, its two figures in a row each (over
    the bars they would collide with the line)."""
    width = L.BLOCK_WIDTH
    d = Drawing(width, CHART_HEIGHT)
    # the renderer starts in this font (else in a Helvetica the PDF would not embed)
    d.initialFontName = fonts.regular
    d.initialFontSize = L.SIZE_5
    d.add(
        String(
            width / 2,
            CHART_HEIGHT - 14,
            chart_title(months, year),
            fontName=fonts.bold,
            fontSize=L.SIZE_SMALL_4,
            textAnchor="middle",
        )
    )
    bars = list(months) or [MonthBar(1, 0, 0)]
    c = _bar_chart(bars, width, fonts)
    d.add(c)
    _add_figures(d, c, bars, fonts)
    _add_rate_axis(d, c, fonts)
    _add_rate_line(d, c, bars)
    _add_legend(d, width, fonts)
    return d


def _bar_chart(bars: list[MonthBar], width: float, fonts: FontSet) -> VerticalBarChart:
    """The bars of cases accepted, on the left axis, each taking 60 % of its month."""
    accepted = [b.accepted for b in bars]
    top, step = axis_top(max(accepted))

    c = VerticalBarChart()
    c.x, c.y = PLOT_LEFT, PLOT_BOTTOM
    c.width = width - PLOT_LEFT - PLOT_RIGHT
    c.height = CHART_HEIGHT - PLOT_BOTTOM - PLOT_TOP
    c.data = [accepted]
    c.categoryAxis.categoryNames = [b.label for b in bars]
    c.categoryAxis.labels.fontName = fonts.regular
    c.categoryAxis.labels.fontSize = L.SIZE_5
    c.categoryAxis.labels.dy = -3
    c.categoryAxis.strokeColor = black
    c.categoryAxis.tickDown = 0
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = top
    c.valueAxis.valueStep = step
    c.valueAxis.labels.fontName = fonts.regular
    c.valueAxis.labels.fontSize = 9
    c.valueAxis.labelTextFormat = "%d"
    c.valueAxis.strokeColor = black
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = GRID_COLOUR
    c.valueAxis.gridStrokeWidth = 0.5
    c.bars[0].fillColor = BAR_FILL
    c.bars.strokeColor = black
    c.bars.strokeWidth = 0.4
    slot = c.width / len(bars)
    c.groupSpacing = slot * 0.4  # the bar takes 60 % of its month
    return c


def _add_figures(d: Drawing, c: VerticalBarChart, bars: list[MonthBar], fonts: FontSet) -> None:
    """The figures under the month names: 受理数, then 成功率 ("—": nothing mediated)."""
    slot = c.width / len(bars)
    rows = (
        ("受理数", [str(b.accepted) for b in bars]),
        ("成功率", [rate_text(b.success_rate) for b in bars]),
    )
    widest = max(stringWidth(t, fonts.regular, FIGURE_SIZE) for _, ts in rows for t in ts)
    size = FIGURE_SIZE if widest <= slot - 2 else FIGURE_SIZE * (slot - 2) / widest
    for n, (title, texts) in enumerate(rows):
        y = c.y - 30 - n * 14
        d.add(String(c.x - 4, y, title, fontName=fonts.regular, fontSize=9, textAnchor="end"))
        for i, text in enumerate(texts):
            x = c.x + (i + 0.5) * slot
            d.add(String(x, y, text, fontName=fonts.regular, fontSize=size, textAnchor="middle"))


def _add_rate_axis(d: Drawing, c: VerticalBarChart, fonts: FontSet) -> None:
    """The right axis: 0 % … 100 %, on the left axis' grid lines."""
    right = c.x + c.width
    d.add(Line(right, c.y, right, c.y + c.height, strokeColor=black, strokeWidth=1))
    for k in range(AXIS_STEPS + 1):
        y = c.y + c.height * k / AXIS_STEPS
        d.add(Line(right, y, right + 4, y, strokeColor=black, strokeWidth=0.5))
        label = f"{100 * k // AXIS_STEPS}%"
        d.add(String(right + 6, y - 3, label, fontName=fonts.regular, fontSize=9))


def _add_rate_line(d: Drawing, c: VerticalBarChart, bars: list[MonthBar]) -> None:
    """The rate line with its points, broken where a month has no rate."""
    slot = c.width / len(bars)
    points: list[tuple[float, float] | None] = []
    for i, b in enumerate(bars):
        rate = b.success_rate
        x = c.x + (i + 0.5) * slot
        points.append(None if rate is None else (x, c.y + c.height * rate))
    run: list[float] = []
    for p in [*points, None]:
        if p is not None:
            run += p
            continue
        if len(run) >= 4:
            d.add(PolyLine(run, strokeColor=black, strokeWidth=1.4))
        run = []
    for p in points:
        if p is not None:
            d.add(_marker(*p))


def _add_legend(d: Drawing, width: float, fonts: FontSet) -> None:
    """The legend, centred under the month names."""
    key_y = 8.0
    bar_text = "受理数（件，左轴）"
    line_text = "调解成功率（右轴）"
    size = L.SIZE_5
    widths = [stringWidth(t, fonts.regular, size) for t in (bar_text, line_text)]
    total = 12 + 4 + widths[0] + 24 + 22 + 4 + widths[1]
    x = (width - total) / 2
    d.add(Rect(x, key_y - 1, 12, 9, fillColor=BAR_FILL, strokeColor=black, strokeWidth=0.4))
    d.add(String(x + 16, key_y, bar_text, fontName=fonts.regular, fontSize=size))
    x += 16 + widths[0] + 24
    d.add(Line(x, key_y + 3.5, x + 22, key_y + 3.5, strokeColor=black, strokeWidth=1.4))
    d.add(_marker(x + 11, key_y + 3.5))
    d.add(String(x + 26, key_y, line_text, fontName=fonts.regular, fontSize=size))


def _marker(x: float, y: float) -> Circle:
    return Circle(x, y, 2.6, fillColor=white, strokeColor=black, strokeWidth=1.1)


def _title(data: MonthlyReportData, fonts: FontSet) -> list[Flowable]:
    """The title on one line when it fits, else the place and month over the rest."""
    style = replace(L.TITLE, space_after=2)
    width = sum(g.width for g in L.shape(data.title, style, fonts))
    if width <= L.BLOCK_WIDTH:
        return [L.Paragraph(data.title, style, fonts)]
    return [
        L.Paragraph(f"{data.place}{data.period_label}", replace(style, space_after=0), fonts),
        L.Paragraph("矛盾纠纷排查化解情况", style, fonts),
    ]


def is_running(data: MonthlyReportData) -> bool:
    """Made before the month ended: the figures run to the day it was made."""
    return data.made_on is not None and data.made_on < data.report.period.end


def _period_text(data: MonthlyReportData) -> str:
    p = data.report.period
    start = f"{p.start.year}年{p.start.month}月{p.start.day}日"
    if is_running(data):
        assert data.made_on is not None
        return f"{start}至{data.made_on.month}月{data.made_on.day}日（本月尚未结束）"
    return f"{start}至{p.end.month}月{p.end.day}日"


def _note(text: str, data: MonthlyReportData) -> str:
    """A table note; for a month not yet over, 超期未结 is counted on the day of making."""
    return text.replace(*RUNNING_AS_OF) if is_running(data) else text


def _byline(data: MonthlyReportData, fonts: FontSet) -> Flowable:
    """The days the report counts, centred under the title (填报单位 is in the foot)."""
    return L.Paragraph(f"（统计期间：{_period_text(data)}）", BYLINE, fonts)


def _text_section(number: int, name: str, text: str, fonts: FontSet) -> list[Flowable]:
    head = L.Paragraph(f"{chinese_number(number)}、{FIELD_LABELS[name]}", SECTION, fonts)
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
    if not parts:
        return [head, L.RuleLines(BLANK_LINES)]
    return [head, *(L.Paragraph(p, L.BODY, fonts) for p in parts)]


def _foot(data: MonthlyReportData, fonts: FontSet) -> list[Flowable]:
    style = replace(C.SIGN_STYLE, align="left")
    committee = data.committee.strip()
    t = L.table(
        [
            [
                L.Paragraph(
                    [Span("填报单位："), L.value(committee, 10), Span("（盖章）")], style, fonts
                ),
                "",
            ],
            [
                L.Paragraph([Span("填报人："), L.value(data.made_by, 6)], style, fonts),
                L.Paragraph([Span("填报日期："), *L.day(data.made_on)], style, fonts),
            ],
        ],
        (L.BLOCK_WIDTH * 0.45, L.BLOCK_WIDTH * 0.55),
        grid=False,
        padding=0,
        extra=[("SPAN", (0, 0), (1, 0)), ("TOPPADDING", (0, 1), (-1, 1), 6)],
        fonts=fonts,
    )
    t.spaceBefore = L.BODY_LEADING
    return [t]


def story(data: MonthlyReportData, fonts: FontSet) -> list[Flowable]:
    body: list[Flowable] = [*_title(data, fonts), _byline(data, fonts)]
    body += [
        L.Paragraph("一、主要指标", replace(SECTION, space_before=4), fonts),
        indicator_table(data, fonts),
        L.Paragraph(_note(NOTE_INDICATORS, data), NOTE, fonts),
    ]
    section = [L.Paragraph("二、分类情况", SECTION, fonts), L.Paragraph(NOTE_OMITTED, NOTE, fonts)]
    for n, by in enumerate(PDF_BREAKDOWNS, start=1):
        # A table that fits a page is not split (one row and 合计 alone on the next page
        # read badly); a longer one flows on with its header repeated. The section's
        # heading and note go with the first table.
        heading = L.Paragraph(f"（{chinese_number(n)}）按{BY_LABELS[by]}", SUBSECTION, fonts)
        table = breakdown_table(by, data.report.breakdowns[by], fonts)
        part = [*section, heading, table] if n == 1 else [heading, table]
        if L.fits_one_page(part):
            body.append(L.keep_together(part))
        else:
            body += part
    # the chart cannot be split: its heading goes with it, to the next page if need be
    body.append(
        L.keep_together(
            [L.Paragraph(CHART_HEADING, SECTION, fonts), chart(data.months, data.year, fonts)]
        )
    )
    sections = [
        _text_section(n, name, text, fonts)
        for n, (name, text) in enumerate(data.texts.items(), start=4)
    ]
    for text_part in sections[:-1]:
        if isinstance(text_part[-1], L.RuleLines):  # heading and lines never part
            body.append(L.keep_together(text_part))
        else:
            body += text_part
    body += sections[-1]  # C.finish keeps the last with the foot
    return C.finish(body, _foot(data, fonts))


def monthly_report_pdf(data: MonthlyReportData, *, fonts: FontSet | None = None) -> bytes:
    """The monthly report as PDF (A4 portrait); same data, same bytes."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(
        title=data.title,
        author=data.committee.strip(),
        subject="月度矛盾纠纷排查化解情况",
    )
    return L.build_pdf(story(data, fonts), info, fonts=fonts)


# ---------------------------------------------------------------------------------------
# The xlsx

XLSX_BREAKDOWNS: tuple[tuple[str, By], ...] = (
    ("按纠纷类型", "category"),
    ("按案件来源", "source"),
    ("按村（社区）", "village"),
    ("按调委会", "committee"),
    ("按调解员", "mediator"),
)
MONTHS_SHEET = "各月情况"
XLSX_FONT_SIZE = 11  # xlsxwriter's default type (the cells set no size of their own)
BREAKDOWN_WIDTH = 9  # a figure's column; its heading wraps
XLSX_CHART_SIZE = (540, 300)  # pixels: the 各月情况 table's width, within portrait A4
TEXT_WIDTH = 80  # 情况说明: a portrait page's width with the labels
TEXTS_SHEET = "情况说明"
SHEETS = ("指标", *(name for name, _by in XLSX_BREAKDOWNS), MONTHS_SHEET, TEXTS_SHEET)
HEADER_ROW = 3  # 0-based: title, byline, an empty row, then the header
NO_RATE = "—"
MEDIATOR_NOTE = "注：有两名调解员的案件，每名调解员各计一次，所以合计可能小于各行之和。"
XLSX_NOTE = (
    "注：调解成功率＝调解成功数÷调解案件数（达成协议与调解不成之和，撤回的不计入），"
    "无调解案件的月份为“—”；协议涉及金额以元计；超期未结按月末统计。"
)


def _cell_value(name: str, values: Indicators) -> float | int | str:
    """A figure as a number for the sheet: yuan for the amount, a fraction for the rate
    ("—" when there is none)."""
    if name == "amount_fen":
        return values.amount_fen / 100
    if name == "success_rate":
        return NO_RATE if values.success_rate is None else values.success_rate
    return int(getattr(values, name))


def _change_value(name: str, this: Indicators, last: Indicators) -> float | int | str:
    if name == "amount_fen":
        return (this.amount_fen - last.amount_fen) / 100
    if name == "success_rate":
        if this.success_rate is None or last.success_rate is None:
            return NO_RATE
        return this.success_rate - last.success_rate
    return int(getattr(this, name)) - int(getattr(last, name))


def _unit(name: str, unit: str) -> str:
    return "元" if name == "amount_fen" else unit


def monthly_report_xlsx(data: MonthlyReportData) -> bytes:
    """The monthly report as an xlsx workbook (sheets: SHEETS): every row (zeros too),
    numbers as numbers, amounts in 元, rates as percentages; same data, same bytes."""
    # imported when exporting (as the 台账 export does): the PDF does not need it
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            # the head's text stays text: "=…" is no formula, "http…" no link
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    made = data.made_on or date(data.year, data.month, 1)
    book.set_properties(
        {
            "title": data.title,
            "subject": "月度矛盾纠纷排查化解情况",
            "author": data.committee.strip(),
            "comments": L.CREATOR,
            # fixed from the data (xlsxwriter would write the moment): same data, same bytes
            "created": datetime(made.year, made.month, made.day),
        }
    )
    report = _XlsxReport(book, data)
    report.indicators_sheet()
    for sheet, by in XLSX_BREAKDOWNS:
        report.breakdown_sheet(sheet, by)
    report.months_sheet()
    report.texts_sheet()
    book.close()
    return out.getvalue()


def _xlsx_formats(book: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cell formats by kind, and those of a breakdown's total row."""
    base = {"valign": "vcenter", "border": 1, "border_color": "#999999"}
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format(
            {**base, "bold": True, "bg_color": "#E6E6E6", "align": "center", "text_wrap": True}
        ),
        "text": book.add_format(base),
        "sub": book.add_format({**base, "indent": 1}),
        "unit": book.add_format({**base, "align": "center"}),
        "count": book.add_format({**base, "num_format": "0"}),
        "yuan": book.add_format({**base, "num_format": "#,##0.00"}),
        "rate": book.add_format({**base, "num_format": "0.0%"}),
        "none": book.add_format({**base, "align": "right"}),
        "count+": book.add_format({**base, "num_format": "+0;-0;0"}),
        "yuan+": book.add_format({**base, "num_format": "+#,##0.00;-#,##0.00;0.00"}),
        "rate+": book.add_format({**base, "num_format": "+0.0%;-0.0%;0.0%"}),
        "long": book.add_format({**base, "text_wrap": True, "valign": "top"}),
        "note": book.add_format({"text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy年m月d日", "align": "left"}),
    }
    total = {
        key: book.add_format({**base, "bold": True, "bg_color": "#F5F5F5", "num_format": number})
        for key, number in (("text", "General"), ("count", "0"), ("yuan", "#,##0.00"))
    }
    total["rate"] = book.add_format(
        {**base, "bold": True, "bg_color": "#F5F5F5", "num_format": "0.0%"}
    )
    total["none"] = book.add_format({**base, "bold": True, "bg_color": "#F5F5F5", "align": "right"})
    return fmt, total


def _kind(name: str, value: object) -> str:
    """The format of an indicator's value ("none": a text such as NO_RATE)."""
    if isinstance(value, str):
        return "none"
    return {"amount_fen": "yuan", "success_rate": "rate"}.get(name, "count")


class _XlsxReport:
    """The workbook's sheets, one method each, in SHEETS order."""

    def __init__(self, book: Any, data: MonthlyReportData) -> None:
        self.book = book
        self.data = data
        self.fmt, self.total = _xlsx_formats(book)

    def on_paper(self, ws: Any, widths: Sequence[float], last_row: int, *, landscape: bool) -> None:
        # A4, the title, byline and header repeated on each page, never under 8 pt
        sheet_print.set_up(
            ws,
            widths,
            font_size=XLSX_FONT_SIZE,
            landscape=landscape,
            header_rows=(0, HEADER_ROW),
            last_row=last_row,
        )

    def note(self, ws: Any, row: int, text: str, widths: Sequence[float]) -> None:
        # wrapped within the printed columns (a long text would run on to a page of its own)
        ws.merge_range(row, 0, row, len(widths) - 1, text, self.fmt["note"])
        lines = sheet_print.lines_in(text, sum(widths))
        ws.set_row(row, sheet_print.row_height(lines, XLSX_FONT_SIZE))

    def heading(self, ws: Any, title: str, labels: Sequence[str]) -> None:
        data = self.data
        ws.write(0, 0, title, self.fmt["title"])
        ws.write(1, 0, f"填报单位：{data.committee.strip()}　　统计期间：{_period_text(data)}")
        ws.write_row(HEADER_ROW, 0, labels, self.fmt["head"])
        ws.freeze_panes(HEADER_ROW + 1, 1)

    def indicators_sheet(self) -> None:
        """The month's indicators beside the same month last year, and the change."""
        data, fmt = self.data, self.fmt
        this, last = data.report.this, data.report.last_year
        ws = self.book.add_worksheet(SHEETS[0])
        self.heading(ws, data.title, ("指标", "单位", "本月", "去年同月", "增减"))
        row = HEADER_ROW
        for info in INDICATORS:
            row += 1
            name = info.name
            ws.write(row, 0, info.label, fmt["sub" if name in SUB_INDICATORS else "text"])
            ws.write(row, 1, _unit(name, info.unit), fmt["unit"])
            for col, value in ((2, _cell_value(name, this)), (3, _cell_value(name, last))):
                ws.write(row, col, value, fmt[_kind(name, value)])
            change = _change_value(name, this, last)
            ws.write(row, 4, change, fmt[_kind(name, change) + ("+" if change != NO_RATE else "")])
        widths: tuple[float, ...] = (20, 7, 13, 13, 13)
        self.note(ws, row + 2, _note(XLSX_NOTE, data), widths)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        self.on_paper(ws, widths, row + 2, landscape=False)

    def breakdown_sheet(self, sheet: str, by: By) -> None:
        """Every indicator by ``by`` (纠纷类型, 村 …), a row each and the total."""
        data = self.data
        columns = [(i.name, f"{i.label}（{_unit(i.name, i.unit)}）") for i in INDICATORS]
        ws = self.book.add_worksheet(sheet)
        self.heading(
            ws, f"{data.title}（{sheet}）", (BY_LABELS[by], *(label for _, label in columns))
        )
        row = HEADER_ROW
        for r in data.report.breakdowns[by]:
            row += 1
            formats = self.total if r.is_total else self.fmt
            ws.write(row, 0, r.label, formats["text"])
            for col, (name, _label) in enumerate(columns, start=1):
                value = _cell_value(name, r.values)
                ws.write(row, col, value, formats[_kind(name, value)])
        # 26 figures: on paper two pages across, the names repeated on each
        widths = (16, *(BREAKDOWN_WIDTH,) * len(columns))
        if by == "mediator":
            self.note(ws, row + 2, MEDIATOR_NOTE, widths[:8])
        ws.set_column(0, 0, widths[0])
        ws.set_column(1, len(columns), BREAKDOWN_WIDTH)
        ws.set_row(HEADER_ROW, 62)  # the headings wrap into four lines
        self.on_paper(ws, widths, row + 2, landscape=True)

    def months_sheet(self) -> None:
        """Each month of the year so far, with the chart under the table."""
        data, fmt = self.data, self.fmt
        ws = self.book.add_worksheet(MONTHS_SHEET)
        title = chart_title(data.months, data.year)
        self.heading(
            ws,
            title,
            ("月份", "受理数（件）", "调解案件数（件）", "调解成功数（件）", "调解成功率"),
        )
        row = HEADER_ROW
        for b in data.months:
            row += 1
            rate: float | str = NO_RATE if b.success_rate is None else b.success_rate
            ws.write(row, 0, b.label, fmt["text"])
            ws.write_row(row, 1, (b.accepted, b.mediated, b.succeeded), fmt["count"])
            ws.write(row, 4, rate, fmt[_kind("success_rate", rate)])
        widths = (10, 16, 16, 16, 16)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        # the chart below the table: its rows are printed too (20 pixels a row)
        self.on_paper(ws, widths, row + 2 + XLSX_CHART_SIZE[1] // 20 + 1, landscape=False)
        if data.months:
            ws.insert_chart(row + 2, 0, self.months_chart(title, HEADER_ROW + 1, row))

    def months_chart(self, title: str, first: int, last_row: int) -> Any:
        """The months' bars (受理数) and rate line, as in the PDF."""
        bars = self.book.add_chart({"type": "column"})
        bars.add_series(
            {
                "name": "受理数（件）",
                "categories": [MONTHS_SHEET, first, 0, last_row, 0],
                "values": [MONTHS_SHEET, first, 1, last_row, 1],
                "fill": {"color": "#9E9E9E"},
                "border": {"color": "#000000"},
                "data_labels": {"value": True},
            }
        )
        line = self.book.add_chart({"type": "line"})
        line.add_series(
            {
                "name": "调解成功率",
                "categories": [MONTHS_SHEET, first, 0, last_row, 0],
                "values": [MONTHS_SHEET, first, 4, last_row, 4],
                "y2_axis": True,
                "line": {"color": "#000000", "width": 1.5},
                "marker": {"type": "circle", "border": {"color": "#000000"}},
            }
        )
        bars.combine(line)
        bars.set_title({"name": title, "name_font": {"size": 12}})
        bars.set_y_axis({"name": "受理数（件）", "min": 0, "major_gridlines": {"visible": True}})
        line.set_y2_axis({"name": "调解成功率", "min": 0, "max": 1, "num_format": "0%"})
        bars.set_legend({"position": "bottom"})
        # below the table, as wide as the table and within a portrait page
        bars.set_size({"width": XLSX_CHART_SIZE[0], "height": XLSX_CHART_SIZE[1]})
        return bars

    def texts_sheet(self) -> None:
        """The report's texts, then who made it and when."""
        data, fmt = self.data, self.fmt
        ws = self.book.add_worksheet(TEXTS_SHEET)
        self.heading(ws, data.title, ("项目", "内容"))
        row = HEADER_ROW
        for name, text in data.texts.items():
            row += 1
            ws.write(row, 0, FIELD_LABELS[name], fmt["long"])
            if text.strip():
                ws.write_string(row, 1, text.strip(), fmt["long"])
                lines = sheet_print.lines_in(text.strip(), TEXT_WIDTH)
                ws.set_row(row, sheet_print.row_height(lines, XLSX_FONT_SIZE))
            else:  # an empty cell (xlsxwriter would store an empty text)
                ws.write_blank(row, 1, None, fmt["long"])
        row += 1
        for label, value in (
            ("填报单位", data.committee.strip()),
            ("填报人", data.made_by.strip()),
        ):
            row += 1
            ws.write(row, 0, label)
            if value:
                ws.write_string(row, 1, value)
        row += 1
        ws.write(row, 0, "填报日期")
        if data.made_on is not None:
            made_on = data.made_on
            ws.write_datetime(
                row, 1, datetime(made_on.year, made_on.month, made_on.day), fmt["date"]
            )
        widths = (16, TEXT_WIDTH)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        self.on_paper(ws, widths, row, landscape=False)
