"""The statistics window's tables: the indicator table (this period, the same period last
year, the change) and one breakdown table per 纠纷类型, 案件来源, 村（社区）, 调解员, 调委会.

Both are read-only ``QAbstractTableModel``s over one ``Report`` (app.models.stats), with
``COL_*`` constants, ``SortRole`` (native values: int, float, None) and ``RowRole`` (the
record of the row). ``target(index)`` says which cases stand behind a cell, for the
drill-down: every count cell has its list; the amount lists the agreements with an amount
(their amounts add up to it, docs/statistics.md); the success rate and the change
column have none (``target`` is None and ``no_list_reason(index)`` says why).
"""

from __future__ import annotations

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
from app.qt.core import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from app.qt.gui import QFont
from app.ui.item_views import RowRole, SortRole

AnyIndex = QModelIndex | QPersistentModelIndex

MINUS = "\u2212"  # − : a real minus sign, as wide as the plus
NO_VALUE = "—"
RATE = "success_rate"
AMOUNT = "amount_fen"
INFO: dict[str, IndicatorInfo] = {i.name: i for i in INDICATORS}

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


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


class StatsTableModel(QAbstractTableModel):
    """What both tables share: ``target`` and ``no_list_reason`` for the drill-down."""

    SortRole = SortRole
    RowRole = RowRole

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

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# --------------------------------------------------------------------------- indicators

COL_INDICATOR, COL_THIS, COL_LAST_YEAR, COL_CHANGE = range(4)
INDICATOR_COLUMNS: dict[int, str] = {
    COL_INDICATOR: "指标",
    COL_THIS: "本期",
    COL_LAST_YEAR: "去年同期",
    COL_CHANGE: "增减",
}
# The headline figures, shown bold.
KEY_INDICATORS = frozenset({"accepted", "succeeded", RATE})


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


class IndicatorTableModel(StatsTableModel):
    """Rows: every indicator (LABELS order); columns: 指标, 本期, 去年同期, 增减."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[IndicatorLine] = []
        self.set_figures(Indicators(), Indicators())

    def set_figures(self, this: Indicators, last_year: Indicators) -> None:
        self.beginResetModel()
        self._lines = [
            IndicatorLine(INFO[name], this.value(name), last_year.value(name)) for name in LABELS
        ]
        self.endResetModel()

    def set_report(self, report: Report) -> None:
        self.set_figures(report.this, report.last_year)

    def line(self, row: int) -> IndicatorLine:
        return self._lines[row]

    def row_of(self, indicator: str) -> int:
        return next(i for i, line in enumerate(self._lines) if line.name == indicator)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(INDICATOR_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return INDICATOR_COLUMNS.get(section)
        return str(section + 1) if 0 <= section < len(self._lines) else None

    def indicator_at(self, index: AnyIndex) -> str | None:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        return self._lines[index.row()].name

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == SortRole:
            return self._sort_value(line, column)
        if role == RowRole:
            return line
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column == COL_INDICATOR else _RIGHT
        if role == Qt.ItemDataRole.FontRole and line.name in KEY_INDICATORS:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, column)
        return None

    def _text(self, line: IndicatorLine, column: int) -> str | None:
        if column == COL_INDICATOR:
            return line.label
        if column == COL_THIS:
            return fmt_value(line.name, line.this)
        if column == COL_LAST_YEAR:
            return fmt_value(line.name, line.last_year)
        if column == COL_CHANGE:
            return line.change
        return None

    def _sort_value(self, line: IndicatorLine, column: int) -> object:
        if column == COL_INDICATOR:
            return line.label
        if column == COL_THIS:
            return line.this
        if column == COL_LAST_YEAR:
            return line.last_year
        if column == COL_CHANGE:
            return change_value(line.name, line.this, line.last_year)
        return None

    def _tooltip(self, line: IndicatorLine, column: int) -> str | None:
        if column in (COL_THIS, COL_LAST_YEAR, COL_INDICATOR):
            if line.name == RATE:
                return "调解成功率 = 调解成功数 ÷ 调解案件数（不含撤回）"
            if line.name == AMOUNT:
                return "双击列出有金额的协议（它们的金额合计就是这个数）"
            return "双击（或按 Enter）列出这些案件"
        if column == COL_CHANGE:
            return "本期比去年同期" + ("（百分点）" if line.name == RATE else "")
        return None

    def no_list_reason(self, index: AnyIndex) -> str:
        if index.column() == COL_CHANGE:
            return CHANGE_NO_LIST
        return super().no_list_reason(index)

    def target(self, index: AnyIndex) -> Target | None:
        """The cases behind the cell; the indicator's name opens this period's list."""
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        if line.name == RATE or index.column() == COL_CHANGE:
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


class BreakdownTableModel(StatsTableModel):
    """Rows: a breakdown's rows, 合计 last (bold); columns: the row's name, then
    BREAKDOWN_INDICATORS (``BREAKDOWN_COL[name]``). The vertical header gives the row's
    name too: the window shows it there (and hides COL_NAME), so the names stay in view
    while the figures scroll sideways."""

    def __init__(self, by: By, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.by = by
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_report(self, report: Report) -> None:
        self.set_rows(report.breakdowns.get(self.by, []))

    def record(self, row: int) -> Row:
        return self._rows[row]

    def total(self) -> Row | None:
        return next((r for r in self._rows if r.is_total), None)

    def row_of(self, label: str) -> int:
        return next(i for i, r in enumerate(self._rows) if r.label == label)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BREAKDOWN_INDICATORS) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._rows):
                return None
            row = self._rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return row.label
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
            if role == Qt.ItemDataRole.FontRole and row.is_total:
                return _bold()
            return None
        if not 0 <= section <= len(BREAKDOWN_INDICATORS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                BY_LABELS[self.by] if section == COL_NAME else breakdown_header(self._name(section))
            )
        if role == Qt.ItemDataRole.ToolTipRole and section != COL_NAME:
            name = self._name(section)
            return f"{LABELS[name]}（元）" if name == AMOUNT else LABELS[name]
        return None

    @staticmethod
    def _name(column: int) -> str:
        return BREAKDOWN_INDICATORS[column - 1]

    def indicator_at(self, index: AnyIndex) -> str | None:
        if not index.isValid() or not 1 <= index.column() <= len(BREAKDOWN_INDICATORS):
            return None
        return self._name(index.column())

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if not 0 <= column <= len(BREAKDOWN_INDICATORS):
            return None
        name = None if column == COL_NAME else self._name(column)
        if role == Qt.ItemDataRole.DisplayRole:
            if name is None:
                return row.label
            return fmt_value(name, row.values.value(name), unit=False)
        if role == SortRole:
            return row.label if name is None else row.values.value(name)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if name is None else _RIGHT
        if role == Qt.ItemDataRole.FontRole and row.is_total:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole and name is not None:
            if name == RATE:
                return "调解成功率 = 调解成功数 ÷ 调解案件数（不含撤回）"
            if name == AMOUNT:
                return f"{row.label}：{LABELS[name]}。双击（或按 Enter）列出有金额的协议"
            return f"{row.label}：{LABELS[name]}。双击（或按 Enter）列出这些案件"
        return None

    def target(self, index: AnyIndex) -> Target | None:
        """The cases behind the cell (None for the name column and the rate)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        name = self.indicator_at(index)
        if name is None or name == RATE:
            return None
        value = row.values.value(name)
        label = "" if row.is_total else row.label
        return Target(name, int(value or 0), by=self.by, key=row.key, row_label=label)
