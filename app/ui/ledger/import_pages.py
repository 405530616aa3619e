"""The pages of the 台账 import wizard and the two table models they show.

Widgets only: what the pages do is in import_wizard.py. The sheet and the plan are shown
through models (not one QTableWidgetItem per cell), so a preview of 10,000 rows costs no
more than one of ten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from app.models.ledger_import import ImportPlan, PlannedCase, column_letter
from app.qt.core import QAbstractTableModel, QObject, Qt
from app.qt.gui import QColor, QFont
from app.qt.widgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui.cases.widgets import em, error_banner, hint_label
from app.ui.look import ERROR, MUTED, Heading, embolden, tint
from app.ui.signals import emit
from app.ui.table_model import Column, ListTableModel, numbered

SHEET_ROWS = 15  # rows of the sheet shown on the header page
HEADER_FILL = "#DDEBF7"  # the header rows, as the exported ledger colours its header
CLOSING_HINT = (
    "程序不会替您编一个结案日期：按受理日期或调解日期记的，案件中注明日期的来历；"
    "选“不记载”的，案件中注明“结案日期未记载”，统计时按受理日期计入结案数。"
)
REQUIRED_HINT = (
    "必须有：申请人（或“当事人（双方在一栏）”）、登记日期（或受理日期）、纠纷类型。"
    "不需要的列选“（不导入）”。"
)


class Step(IntEnum):
    FILE = 0
    HEADER = 1
    COLUMNS = 2
    PREVIEW = 3
    RESULT = 4


STEP_TITLES = {
    Step.FILE: "选择文件",
    Step.HEADER: "选择工作表和表头",
    Step.COLUMNS: "对应各列",
    Step.PREVIEW: "预览",
    Step.RESULT: "完成",
}


def states_text(cases: list[PlannedCase]) -> str:
    """ "已结案 7 件、调解中 1 件", the most frequent state first."""
    counts = Counter(c.state_label for c in cases)
    return "、".join(f"{label} {n} 件" for label, n in counts.most_common())


# ---------------------------------------------------------------------------------------
# Models


@dataclass(frozen=True)
class SheetLine:
    """A row of the sheet as read: its Excel number (1, 2 …) and its cells."""

    number: int
    cells: Sequence[str]


def sheet_column(i: int) -> Column[SheetLine]:
    """Column ``i`` of the sheet, headed A, B … as in Excel."""
    return Column(column_letter(i), lambda line: line.cells[i] if i < len(line.cells) else "")


class SheetModel(ListTableModel[SheetLine]):
    """The first rows of a sheet as Excel shows them (columns A, B …, rows 1, 2 …), the
    header rows bold on blue and the rows above them (titles) grey."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([], parent)
        self._first = 0  # header rows, Excel numbers (0: none)
        self._last = 0
        self._bold = QFont()
        self._bold.setBold(True)  # only the weight: size and family follow the view
        self._fill = QColor(HEADER_FILL)
        self._muted = QColor(MUTED)

    def show_sheet(self, rows: list[list[str]]) -> None:
        width = max((len(r) for r in rows), default=0)
        lines = [SheetLine(i + 1, r) for i, r in enumerate(rows)]
        self.set_rows(lines, columns=[sheet_column(i) for i in range(width)])

    def set_header(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` (Excel numbers) are the header."""
        self._first, self._last = first, last
        if self.rowCount() and self.columnCount():
            top_left = self.index(0, 0)
            bottom_right = self.index(self.rowCount() - 1, self.columnCount() - 1)
            emit(self.dataChanged, top_left, bottom_right)

    ROW_ROLES = frozenset(
        {
            int(Qt.ItemDataRole.FontRole),
            int(Qt.ItemDataRole.BackgroundRole),
            int(Qt.ItemDataRole.ForegroundRole),
        }
    )

    def row_data(self, record: SheetLine, role: int) -> Any:
        in_header = self._first <= record.number <= self._last
        if role == Qt.ItemDataRole.FontRole and in_header:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and in_header:
            return self._fill
        if role == Qt.ItemDataRole.ForegroundRole and record.number < self._first:
            return self._muted
        return None


COL_ROW, COL_NUMBER, COL_REGISTERED, COL_PARTIES, COL_STATE = 0, 1, 2, 3, 4
COL_CLOSED, COL_CATEGORY, COL_VILLAGE, COL_NOTES = 5, 6, 7, 8


def _state_text(case: PlannedCase) -> str:
    return case.state_label + (f"（{case.outcome_label}）" if case.outcome_label else "")


def _notes(case: PlannedCase) -> str:
    notes = [case.duplicate.reason] if case.duplicate is not None else []
    notes += list(case.warnings)
    return "；".join(n.rstrip("。") for n in notes)


PLAN_COLUMNS: list[Column[PlannedCase]] = numbered(
    {
        COL_ROW: Column("行号", lambda c: str(c.row), sort=lambda c: c.row),
        COL_NUMBER: Column("案件编号", lambda c: c.number or ""),
        COL_REGISTERED: Column(
            "登记日期", lambda c: c.registered_on.isoformat(), sort=lambda c: c.registered_on
        ),
        COL_PARTIES: Column("当事人", lambda c: c.party_names),
        COL_STATE: Column("导入为", _state_text),
        COL_CLOSED: Column("结案日期", lambda c: c.closed_on_text),
        COL_CATEGORY: Column("纠纷类型", lambda c: c.category),
        COL_VILLAGE: Column("所在村（社区）", lambda c: c.village_name),
        COL_NOTES: Column("说明", _notes),
    }
)


class PlanModel(ListTableModel[PlannedCase]):
    """The cases of an import plan, one per row; duplicates grey."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PLAN_COLUMNS, parent)
        self._muted = QColor(MUTED)

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.set_rows(plan.cases if plan is not None else [])

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.ForegroundRole)})

    def row_data(self, record: PlannedCase, role: int) -> Any:
        duplicate = record.duplicate is not None
        return self._muted if role == Qt.ItemDataRole.ForegroundRole and duplicate else None


# ---------------------------------------------------------------------------------------
# Pages


def _page_layout(page: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


def _list() -> QListWidget:
    view = QListWidget()
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    return view


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    return view


class FilePage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        intro = QLabel(
            "选择办公室现有的纠纷调解台账。可以是 Excel 表格（.xlsx 或 .xls）、"
            "WPS 或 LibreOffice 表格（.ods），或 .csv 文件。\n"
            "接下来会先显示表格的内容、预览导入的结果，确认后才会写入案件。"
        )
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("还没有选择文件")
        self.choose_button = QPushButton("选择文件(&F)…")
        self.choose_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose_button)
        self.banner = error_banner()
        layout = _page_layout(self)
        layout.addWidget(intro)
        layout.addSpacing(em(self) // 2)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addStretch(1)


class HeaderPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.sheet = QComboBox()
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1)
        self.header_row.setPrefix("第 ")
        self.header_row.setSuffix(" 行")
        sheet_label = QLabel("工作表(&S)：")
        sheet_label.setBuddy(self.sheet)
        row_label = QLabel("表头所在的行(&R)：")
        row_label.setBuddy(self.header_row)
        choose = QHBoxLayout()
        choose.addWidget(sheet_label)
        choose.addWidget(self.sheet, 1)
        choose.addSpacing(em(self))
        choose.addWidget(row_label)
        choose.addWidget(self.header_row)
        self.guess = QLabel()
        self.guess.setWordWrap(True)
        self.guess.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = hint_label(
            "表头是写着“案号”“申请人”“登记日期”等列名的行；有两行表头时选下面一行。"
            "也可以在下表中点一下表头所在的行。"
        )
        self.model = SheetModel(self)
        self.table = _table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.data = QLabel()
        self.data.setWordWrap(True)
        self.banner = error_banner()
        layout = _page_layout(self)
        layout.addLayout(choose)
        layout.addWidget(self.guess)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.data)
        layout.addWidget(self.banner)


class ClosingChoice(QWidget):
    """The one question about rows with a result (调解结果) but no 结案日期: how their
    closing date is recorded. Nothing is chosen until the user chooses."""

    def __init__(self) -> None:
        super().__init__()
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        embolden(self.question)
        self.buttons: dict[str, QRadioButton] = {
            key: QRadioButton(text)
            for key, text in (
                ("accepted", "按受理日期记(&A)"),
                ("mediated", "按“调解日期”列记(&M)"),
                ("unrecorded", "不记载，结案日期留空(&U)"),
            )
        }
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for button in self.buttons.values():
            self.group.addButton(button)
            row.addWidget(button)
            row.addSpacing(em(self) * 2)
        row.addStretch(1)
        self.hint = hint_label(CLOSING_HINT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, em(self) // 2, 0, 0)
        layout.addWidget(self.question)
        layout.addLayout(row)
        layout.addWidget(self.hint)

    def choice(self) -> str | None:
        return next((k for k, b in self.buttons.items() if b.isChecked()), None)

    def clear(self) -> None:
        """Nothing chosen (a QButtonGroup keeps one button checked unless told not to)."""
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)


class ColumnsPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        intro = QLabel("为表格的每一列选择它对应的项目。程序已按列名猜好，请逐项核对。")
        intro.setWordWrap(True)
        self.required = hint_label(REQUIRED_HINT)
        self.closing = ClosingChoice()
        self.closing.hide()
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.grid_host)
        self.error = QLabel()
        self.error.setObjectName("mappingError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.error, ERROR)
        self.error.hide()
        self.combos: dict[int, QComboBox] = {}  # sheet column: its field
        self.labels: dict[int, tuple[QLabel, QLabel]] = {}  # sheet column: (letter, header)
        layout = _page_layout(self)
        layout.addWidget(intro)
        layout.addWidget(self.required)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.closing)
        layout.addWidget(self.error)

    def reset(self) -> None:
        """An empty grid (the old one and its widgets go)."""
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.scroll_area.setWidget(self.grid_host)  # deletes the previous one
        self.combos = {}
        self.labels = {}


class PreviewPage(QWidget):
    TAB_CASES, TAB_ERRORS, TAB_DUPLICATES, TAB_WARNINGS, TAB_SKIPPED = range(5)

    def __init__(self) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.notes = QLabel()  # how undated closings and dates without a year were read
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.hide()
        self.villages = QLabel()
        self.villages.setWordWrap(True)
        self.villages.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.villages, ERROR)
        self.villages.hide()
        self.add_villages = QPushButton("把这些村（社区）加入名单(&V)…")
        self.add_villages.setAutoDefault(False)
        self.add_villages.hide()
        self.mediators = QLabel()
        self.mediators.setWordWrap(True)
        self.mediators.setTextFormat(Qt.TextFormat.PlainText)
        self.mediators.hide()
        self.add_mediators = QPushButton("把这些调解员加入名单(&T)…")
        self.add_mediators.setAutoDefault(False)
        self.add_mediators.hide()
        self.model = PlanModel(self)
        self.cases = _table(self.model)
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.verticalHeader().hide()
        self.errors = _list()
        self.duplicates = _list()
        self.warnings = _list()
        self.skipped = _list()
        self.tabs = QTabWidget()
        for view in (self.cases, self.errors, self.duplicates, self.warnings, self.skipped):
            self.tabs.addTab(view, "")
        self.skip_duplicates = QCheckBox("跳过重复的案件")
        self.skip_duplicates.setChecked(True)
        self.all_or_nothing = QRadioButton("全部导入或全部不导入（有一行出错就不导入任何案件）")
        self.skip_bad = QRadioButton("跳过有错误的行，导入其余各行")
        self.all_or_nothing.setChecked(True)
        self.how = QButtonGroup(self)
        self.how.addButton(self.all_or_nothing)
        self.how.addButton(self.skip_bad)
        self.will = QLabel()
        self.will.setWordWrap(True)
        self.will.setTextFormat(Qt.TextFormat.PlainText)
        layout = _page_layout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.villages)
        layout.addWidget(self.add_villages, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.mediators)
        layout.addWidget(self.add_mediators, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.tabs, 1)
        # At their own width: a button stretched over the row ignores clicks on the blank.
        left = Qt.AlignmentFlag.AlignLeft
        layout.addWidget(self.skip_duplicates, 0, left)
        layout.addWidget(self.all_or_nothing, 0, left)
        layout.addWidget(self.skip_bad, 0, left)
        layout.addWidget(self.will)


class ResultPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.summary = Heading(scale=1.1)
        self.summary.setWordWrap(True)
        self.note = QLabel(
            "导入的案件已在“案件台账”中；每件案件的“历史记录”里保留了原表中这一行的内容。"
        )
        self.note.setWordWrap(True)
        self.caption = QLabel()
        self.details = _list()
        layout = _page_layout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addSpacing(em(self) // 2)
        layout.addWidget(self.caption)
        layout.addWidget(self.details, 100)
        layout.addStretch(1)
