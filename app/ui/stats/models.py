"""The statistics window's tables: the indicator table (this period, the same period last
year, the change) and one breakdown table per 纠纷类型, 案件来源, 村（社区）, 调解员, 调委会.

Both are read-only tables over one ``Report`` (app.models.stats), declared on the table
base (app/ui/table_model.py): ``COL_*`` constants, ``SortRole`` (native values: int,
float, None) and ``RowRole`` (the record of the row). ``target(index)`` says which cases
stand behind a cell, for the drill-down: every count cell has its list; the amount lists
the agreements with an amount (their amounts add up to it, docs/statistics.md); the
success rate and the change column have none (``target`` is None and
``no_list_reason(index)`` says why).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.models.stats import (
    BY_LABELS,
    INDICATORS,
    LABELS,
    By,
    IndicatorInfo,
    Indicators,
    Report,
    Row,
)
from app.qt.core import QObject, Qt
from app.qt.gui import QFont
from app.ui.table_model import (
    LEFT,
    RIGHT,
    AnyIndex,
    Column,
    ListTableModel,
    no_tooltip,
    numbered,
)

MINUS = "\u2212"  # − : a real minus sign, as wide as the plus
NO_VALUE = "—"
RATE = "success_rate"
AMOUNT = "amount_fen"
INFO: dict[str, IndicatorInfo] = {i.name: i for i in INDICATORS}


# --------------------------------------------------------------------------- formatting


def fmt_count(n: int) -> str:
    return f"{n:,}"


def fmt_rate(rate: float | None) -> str:
    """66.7%; a dash when nothing was mediated (0 / 0)."""
    return NO_VALUE if rate is None else f"{rate * 100:.1f}%"


def fmt_amount(fen: int, *, unit: bool = True) -> str:
    """Yuan with thousands separators and two decimals: 1,700.00 元."""
    text = f"{Decimal(fen) / 100:,.2f}"
    return f"{text} 元" if unit else text


def fmt_value(name: str, value: int | float | None, *, unit: bool = True) -> str:
    if name == RATE:
        return fmt_rate(value)
    if name == AMOUNT:
        return fmt_amount(int(value or 0), unit=unit)
    return fmt_count(int(value or 0))


def _signed(text: str, negative: bool, zero: bool) -> str:
    if zero:
        return text
    return f"{MINUS if negative else '+'}{text}"


def fmt_change(name: str, this: int | float | None, last: int | float | None) -> str:
    """+2 / −1 / 0; amounts in yuan; the rate in percentage points (a dash when either
    period has no rate)."""
    if name == RATE:
        if this is None or last is None:
            return NO_VALUE
        points = round((this - last) * 100, 1)
        return _signed(f"{abs(points):.1f}个百分点", points < 0, points == 0)
    diff = int(this or 0) - int(last or 0)
    if name == AMOUNT:
        return _signed(fmt_amount(abs(diff)), diff < 0, diff == 0)
    return _signed(fmt_count(abs(diff)), diff < 0, diff == 0)


def change_value(name: str, this: int | float | None, last: int | float | None) -> float | None:
    """The change as a number (SortRole of the 增减 column)."""
    if name == RATE:
        return None if this is None or last is None else float(this) - float(last)
    return float(int(this or 0) - int(last or 0))


# --------------------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class Target:
    """The cases behind one cell: ``drill_down(period or period.last_year(), indicator,
    by=by, key=key)``. ``value`` is the number the cell shows (for the amount: fen)."""

    indicator: str
    value: int
    last_year: bool = False
    by: By | None = None
    key: str | None = None
    row_label: str = ""  # the breakdown row (村（社区） …); "" in the indicator table


RATE_NO_LIST = (
    "调解成功率是一个比例，没有自己的案件清单。"
    "请双击“调解成功数”（分子）或“调解案件数”（分母）查看这些案件。"
)
CHANGE_NO_LIST = "增减是两个期间的差，没有案件清单。请双击“本期”或“去年同期”的数字查看这些案件。"
NAME_NO_LIST = "请双击这一行里的数字，列出这个数字背后的案件。"


def _bold() -> QFont:
    """Bold that keeps the view's size and family (the 字号 setting): only the weight is set,
    and the delegate resolves the rest from the view's font."""
    font = QFont()
    font.setBold(True)
    return font


class StatsTableModel(ListTableModel[Any]):
    """What both tables share: ``target`` and ``no_list_reason`` for the drill-down."""

    def target(self, index: AnyIndex) -> Target | None:
        raise NotImplementedError

    def indicator_at(self, index: AnyIndex) -> str | None:
        """The indicator a cell shows (None: a label column)."""
        raise NotImplementedError

    def no_list_reason(self, index: AnyIndex) -> str:
        """Why a cell whose ``target`` is None opens no case list."""
        if self.indicator_at(index) == RATE:
            return RATE_NO_LIST
        return NAME_NO_LIST


# --------------------------------------------------------------------------- indicators

COL_INDICATOR, COL_THIS, COL_LAST_YEAR, COL_CHANGE = range(4)
# The headline figures, shown bold.
KEY_INDICATORS = frozenset({"accepted", "succeeded", RATE})
RATE_TIP = "调解成功率 = 调解成功数 ÷ 调解案件数（不含撤回）"


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the indicator table (its RowRole)."""

    info: IndicatorInfo
    this: int | float | None
    last_year: int | float | None

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def label(self) -> str:
        return self.info.label

    @property
    def change(self) -> str:
        return fmt_change(self.name, self.this, self.last_year)


def _figure_tip(line: IndicatorLine) -> str:
    if line.name == RATE:
        return RATE_TIP
    if line.name == AMOUNT:
        return "双击列出有金额的协议（它们的金额合计就是这个数）"
    return "双击（或按 Enter）列出这些案件"


def _change_tip(line: IndicatorLine) -> str:
    return "本期比去年同期" + ("（百分点）" if line.name == RATE else "")


def _period_column(
    title: str, figure: Callable[[IndicatorLine], int | float | None]
) -> Column[IndicatorLine]:
    """本期 or 去年同期: the figure as the cell shows it, sorted by its number."""
    return Column(
        title,
        lambda line: fmt_value(line.name, figure(line)),
        sort=figure,
        tooltip=_figure_tip,
        align=RIGHT,
    )


INDICATOR_COLUMNS: list[Column[IndicatorLine]] = numbered(
    {
        COL_INDICATOR: Column("指标", lambda i: i.label, tooltip=_figure_tip, align=LEFT),
        COL_THIS: _period_column("本期", lambda i: i.this),
        COL_LAST_YEAR: _period_column("去年同期", lambda i: i.last_year),
        COL_CHANGE: Column(
            "增减",
            lambda i: i.change,
            sort=lambda i: change_value(i.name, i.this, i.last_year),
            tooltip=_change_tip,
            align=RIGHT,
        ),
    }
)


class IndicatorTableModel(StatsTableModel):
    """Rows: every indicator (LABELS order); columns: 指标, 本期, 去年同期, 增减."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(INDICATOR_COLUMNS, parent)
        self.set_figures(Indicators(), Indicators())

    def set_figures(self, this: Indicators, last_year: Indicators) -> None:
        self.set_rows(
            IndicatorLine(INFO[name], this.value(name), last_year.value(name)) for name in LABELS
        )

    def set_report(self, report: Report) -> None:
        self.set_figures(report.this, report.last_year)

    def line(self, row: int) -> IndicatorLine:
        line: IndicatorLine = self.record(row)
        return line

    def row_of(self, indicator: str) -> int:
        return self.row_where(lambda line: line.name == indicator)

    def indicator_at(self, index: AnyIndex) -> str | None:
        line = self.record_at(index)
        return None if line is None else str(line.name)

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.FontRole)})

    def row_data(self, record: IndicatorLine, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and record.name in KEY_INDICATORS:
            return _bold()
        return None

    def no_list_reason(self, index: AnyIndex) -> str:
        if index.column() == COL_CHANGE:
            return CHANGE_NO_LIST
        return super().no_list_reason(index)

    def target(self, index: AnyIndex) -> Target | None:
        """The cases behind the cell; the indicator's name opens this period's list."""
        line = self.record_at(index)
        if line is None or line.name == RATE or index.column() == COL_CHANGE:
            return None
        last_year = index.column() == COL_LAST_YEAR
        value = line.last_year if last_year else line.this
        return Target(line.name, int(value or 0), last_year=last_year)


# --------------------------------------------------------------------------- breakdowns

# The breakdown tables show the main figures; the indicator table has every one.
BREAKDOWN_INDICATORS: tuple[str, ...] = (
    "registered",
    "accepted",
    "closed",
    "mediated",
    "succeeded",
    RATE,
    "written",
    "oral",
    AMOUNT,
    "performed",
    "confirmation_applied",
    "screening",
    "prevented_criminal",
    "prevented_petition",
    "overdue",
    "referred",
)
COL_NAME = 0
BREAKDOWN_COL: dict[str, int] = {name: i + 1 for i, name in enumerate(BREAKDOWN_INDICATORS)}
# Column headings on two lines, so that sixteen figures fit across a common screen: the
# numbers are short, the indicators' names are not. The tooltip gives the name in full.
_TWO_LINES: dict[str, str] = {
    "mediated": "调解\n案件数",
    "succeeded": "调解\n成功数",
    RATE: "调解\n成功率",
    "written": "书面\n协议数",
    "oral": "口头\n协议数",
    AMOUNT: "协议金额\n（元）",
    "performed": "已履行\n协议数",
    "confirmation_applied": "申请司法\n确认数",
    "screening": "排查\n发现数",
    "prevented_criminal": "防止\n民转刑",
    "prevented_petition": "防止群体\n性上访",
    "overdue": "超期\n案件数",
    "referred": "归口\n移交数",
}


def breakdown_header(name: str) -> str:
    """The column heading of an indicator in a breakdown table (may hold a line break)."""
    return _TWO_LINES.get(name, LABELS[name])


def _figure_column(name: str) -> Column[Row]:
    """The column of indicator ``name`` in a breakdown table."""

    def tip(row: Row) -> str:
        if name == RATE:
            return RATE_TIP
        if name == AMOUNT:
            return f"{row.label}：{LABELS[name]}。双击（或按 Enter）列出有金额的协议"
        return f"{row.label}：{LABELS[name]}。双击（或按 Enter）列出这些案件"

    return Column(
        breakdown_header(name),
        lambda row: fmt_value(name, row.values.value(name), unit=False),
        sort=lambda row: row.values.value(name),
        tooltip=tip,
        align=RIGHT,
        header_tip=f"{LABELS[name]}（元）" if name == AMOUNT else LABELS[name],
    )


def breakdown_columns(by: By) -> list[Column[Row]]:
    """The row's name (headed by what the breakdown is by), then BREAKDOWN_INDICATORS."""
    name = Column[Row](BY_LABELS[by], lambda row: row.label, tooltip=no_tooltip, align=LEFT)
    return [name, *(_figure_column(n) for n in BREAKDOWN_INDICATORS)]


class BreakdownTableModel(StatsTableModel):
    """Rows: a breakdown's rows, 合计 last (bold); columns: the row's name, then
    BREAKDOWN_INDICATORS (``BREAKDOWN_COL[name]``). The vertical header gives the row's
    name too: the window shows it there (and hides COL_NAME), so the names stay in view
    while the figures scroll sideways."""

    def __init__(self, by: By, parent: QObject | None = None) -> None:
        super().__init__(breakdown_columns(by), parent)
        self.by = by

    def set_report(self, report: Report) -> None:
        self.set_rows(report.breakdowns.get(self.by, []))

    def total(self) -> Row | None:
        return next((r for r in self.rows() if r.is_total), None)

    def row_of(self, label: str) -> int:
        return self.row_where(lambda row: row.label == label)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return super().headerData(section, orientation, role)
        row: Row | None = self.record_of(section)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
        return self.row_data(row, role)

    def indicator_at(self, index: AnyIndex) -> str | None:
        if not index.isValid() or not 1 <= index.column() <= len(BREAKDOWN_INDICATORS):
            return None
        return BREAKDOWN_INDICATORS[index.column() - 1]

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.FontRole)})

    def row_data(self, record: Row, role: int) -> Any:
        return _bold() if role == Qt.ItemDataRole.FontRole and record.is_total else None

    def target(self, index: AnyIndex) -> Target | None:
        """The cases behind the cell (None for the name column and the rate)."""
        row: Row | None = self.record_at(index)
        name = self.indicator_at(index)
        if row is None or name is None or name == RATE:
            return None
        value = row.values.value(name)
        label = "" if row.is_total else row.label
        return Target(name, int(value or 0), by=self.by, key=row.key, row_label=label)
