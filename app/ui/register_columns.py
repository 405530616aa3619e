"""The register table's columns: widths that fit the window at any font size, and which
are shown.

Every column has a natural width (its usual widest text, or its title, whichever is wider;
the sorted column also needs room for its arrow). When the window is wider than all of
them, 当事人 and 调解员 take the spare room (their lists are the ones that get long); when
it is narrower, the columns that can give way (纠纷类型, 村（社区）, 调解员, 案件来源) are
narrowed down to their titles, their text cut off with "…" (the tooltip shows all). The
key columns 案件编号, 状态 and 当事人 and the dates never give way, so at the largest 字号
on a small screen they stay whole at the left and only the rest scrolls. A column the user
dragged to a width keeps it until the 字号 changes.

A right click on the header lists the columns to show or hide; the choice is kept in the
user's settings (the key columns cannot be hidden). 案件来源 starts hidden.
"""

from __future__ import annotations

from app.qt.core import QEvent, QObject, QPoint, Qt
from app.qt.gui import QAction, QFontMetrics
from app.qt.widgets import QHeaderView, QMenu, QTableView
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
from app.ui.sort_arrow import fix_sort_arrow

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
KEY_COLUMNS = (COL_NUMBER, COL_STATE, COL_PARTIES)
ALWAYS_SHOWN = frozenset(KEY_COLUMNS)
DEFAULT_HIDDEN = frozenset({COL_SOURCE})
# Narrowed (down to their titles) when the window is too narrow for every column.
GIVING_WAY = (COL_CATEGORY, COL_VILLAGE, COL_MEDIATORS, COL_SOURCE)
# Spare room goes to these, in these shares.
GROWING = {COL_PARTIES: 2, COL_MEDIATORS: 1}
_SETTING = "register/hidden_columns"
CELL_PADDING = 8  # the item view's text margins (3 px a side) and a little air
HEADER_PADDING = 12  # the header's margins around its title
SORT_ARROW = 22  # the sorted column's title also needs room for the arrow


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
        self._fitting = False
        self._refit = False  # the view changed size while fit() was at work
        self._user_widths: dict[int, int] = {}  # columns the user dragged to a width
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # fit() shares out the room itself
        header.setHighlightSections(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_menu)
        fix_sort_arrow(header)
        for column in load_hidden():
            header.setSectionHidden(column, True)
        header.sectionResized.connect(self._resized_by_user)
        header.sortIndicatorChanged.connect(lambda *_: self.fit())
        table.viewport().installEventFilter(self)
        self.fit()

    # ---- widths

    def natural_width(self, column: int) -> int:
        """What ``column`` needs to show its usual text and its whole title."""
        cell = QFontMetrics(self.table.font()).horizontalAdvance(SAMPLES[column]) + CELL_PADDING
        return max(cell, self.title_width(column))

    def title_width(self, column: int) -> int:
        """The header's title whole (and the arrow, on the sorted column)."""
        header = self.table.horizontalHeader()
        width = QFontMetrics(header.font()).horizontalAdvance(COLUMNS[column]) + HEADER_PADDING
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            width += SORT_ARROW
        return width

    def minimum_width(self, column: int) -> int:
        if column in GIVING_WAY:
            return self.title_width(column)
        return self.natural_width(column)

    def widths(self, available: int) -> dict[int, int]:
        """The width of each shown column for a view ``available`` pixels wide."""
        shown = [c for c in COLUMNS if c not in self.hidden()]
        fixed = {c: w for c, w in self._user_widths.items() if c in shown}
        free = [c for c in shown if c not in fixed]
        natural = {c: self.natural_width(c) for c in free}
        room = available - sum(fixed.values())
        widths = dict(fixed) | natural
        spare = room - sum(natural.values())
        if spare >= 0:
            growing = {c: share for c, share in GROWING.items() if c in natural}
            if not growing and free:
                growing = {free[-1]: 1}
            total = sum(growing.values())
            given = 0
            for i, (c, share) in enumerate(growing.items()):
                extra = spare - given if i == len(growing) - 1 else spare * share // total
                widths[c] += extra
                given += extra
            return widths
        # Too narrow: the columns that may give way share the shortage by how much each
        # can give; none goes below its title.
        slack = {c: natural[c] - self.minimum_width(c) for c in free if c in GIVING_WAY}
        slack = {c: s for c, s in slack.items() if s > 0}
        short, can_give = -spare, sum(slack.values())
        if can_give <= short:
            for c in slack:
                widths[c] = natural[c] - slack[c]
            return widths  # still too wide: the view scrolls, the key columns stay whole
        taken = 0
        for i, (c, s) in enumerate(slack.items()):
            give = short - taken if i == len(slack) - 1 else -(-short * s // can_give)
            give = min(give, s)
            widths[c] = natural[c] - give
            taken += give
        return widths

    def fit(self) -> None:
        """Share out the view's width (on resize, a new 字号, a column shown or hidden, a
        new sort column)."""
        if self._fitting:
            self._refit = True
            return
        self._fitting = True
        header = self.table.horizontalHeader()
        try:
            fm = QFontMetrics(self.table.font())
            self.table.verticalHeader().setDefaultSectionSize(fm.height() + 12)
            # A scroll bar that comes or goes changes the width again: fit once more then.
            for _ in range(3):
                self._refit = False
                for column, width in self.widths(self.table.viewport().width()).items():
                    if header.sectionSize(column) != width:
                        header.resizeSection(column, width)
                if not self._refit:
                    break
        finally:
            self._fitting = False

    def font_changed(self) -> None:
        """A new 字号: widths dragged at the old size mean nothing now."""
        self._user_widths.clear()
        self.fit()

    def _resized_by_user(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and new > 0:
            self._user_widths[column] = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    # ---- shown and hidden

    def hidden(self) -> frozenset[int]:
        header = self.table.horizontalHeader()
        return frozenset(c for c in COLUMNS if header.isSectionHidden(c))

    def set_shown(self, column: int, shown: bool) -> None:
        if column in ALWAYS_SHOWN:
            return
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        save_hidden(self.hidden())
        self.fit()

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
