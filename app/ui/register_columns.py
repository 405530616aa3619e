"""The register table's columns: widths that follow the font size, and which are shown.

A right click on the header lists the columns to show or hide; the choice is kept in the
user's settings. 案件来源 starts hidden: with large type every column would not fit.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from app.ui import ui_settings
from app.ui.register_model import (
    COL_CATEGORY,
    COL_CLOSED,
    COL_DUE,
    COL_MEDIATORS,
    COL_NUMBER,
    COL_PARTIES,
    COL_REGISTERED,
    COL_SOURCE,
    COL_STATE,
    COL_VILLAGE,
    COLUMNS,
)

# The widest text each column usually holds, so neither cells nor headers are cut off.
SAMPLES: dict[int, str] = {
    COL_NUMBER: "（2026）青山调字第100号",
    COL_STATE: "不予受理",
    COL_PARTIES: "王建国、李秀英",
    COL_CATEGORY: "道路交通事故",
    COL_SOURCE: "调委会主动调解",
    COL_VILLAGE: "河东社区",
    COL_MEDIATORS: "王建华、陈秀兰",
    COL_REGISTERED: "2026-11-20",
    COL_DUE: "2026-11-20",
    COL_CLOSED: "2026-11-20",
}
ALWAYS_SHOWN = frozenset({COL_NUMBER, COL_PARTIES})
DEFAULT_HIDDEN = frozenset({COL_SOURCE})
_SETTING = "register/hidden_columns"
_CELL_PADDING = 20
_SORT_ARROW = 36  # a header needs room for its text and the sort arrow


def load_hidden() -> frozenset[int]:
    value = ui_settings.settings().value(_SETTING)
    if not isinstance(value, str):
        return DEFAULT_HIDDEN
    try:
        hidden = {int(part) for part in value.split(",") if part}
    except ValueError:  # a hand-edited file: fall back, never fail to start
        return DEFAULT_HIDDEN
    return frozenset(hidden & set(COLUMNS)) - ALWAYS_SHOWN


def save_hidden(hidden: frozenset[int]) -> None:
    store = ui_settings.settings()
    store.setValue(_SETTING, ",".join(str(c) for c in sorted(hidden)))
    store.sync()


class RegisterColumns(QObject):
    """Looks after the columns of ``table`` (a view of a RegisterModel)."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # a wide window gives the spare room to the end
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_menu)
        for column in load_hidden():
            header.setSectionHidden(column, True)
        self.fit()

    def fit(self) -> None:
        """Widths for the current font (the 字号 menu changes it live)."""
        fm = QFontMetrics(self.table.font())
        header = self.table.horizontalHeader()
        header_fm = QFontMetrics(header.font())
        for column, sample in SAMPLES.items():
            width = max(
                fm.horizontalAdvance(sample) + _CELL_PADDING,
                header_fm.horizontalAdvance(COLUMNS[column]) + _SORT_ARROW,
            )
            header.resizeSection(column, width)
        self.table.verticalHeader().setDefaultSectionSize(fm.height() + 12)

    def hidden(self) -> frozenset[int]:
        header = self.table.horizontalHeader()
        return frozenset(c for c in COLUMNS if header.isSectionHidden(c))

    def set_shown(self, column: int, shown: bool) -> None:
        if column in ALWAYS_SHOWN:
            return
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        save_hidden(self.hidden())

    def menu(self) -> QMenu:
        menu = QMenu(self.table)
        menu.setTitle("显示的列")
        hidden = self.hidden()
        for column, title in COLUMNS.items():
            action = QAction(title, menu)
            action.setCheckable(True)
            action.setChecked(column not in hidden)
            action.setEnabled(column not in ALWAYS_SHOWN)
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
            menu.addAction(action)
        return menu

    def show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
