"""今日工作: the start page. Five lists from ``register.worklist``: disputes registered but not
yet accepted (待受理, oldest first, the ones waiting past the office's limit in red), what is
overdue (its due date and how late: "已超期 5 天"), what falls due within three days, closed
cases waiting for their follow-up visit, and agreements whose judicial-confirmation window
is closing. Double-click or Enter opens the case. When a merge left conflicts for the 主任,
a link above the lists says how many ("3 个同步冲突待处理") and opens 冲突处理."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.models import office, register
from app.models.db import Database, StorageError
from app.models.register import WorkItem, Worklist
from app.models.sync.conflicts import count_conflicts
from app.qt.core import QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from app.qt.gui import QColor
from app.qt.widgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.item_views import RowRole, on_open
from app.ui.look import ERROR, MUTED, embolden, tint
from app.ui.register_model import NO_NUMBER
from app.ui.signals import emit
from app.ui.table_model import Column, ListTableModel

WEEKDAYS = "一二三四五六日"
LATE_NO_NUMBER = "逾期未受理"  # a registered dispute waiting past the office's limit

# (Worklist field, heading, colour of the heading, what an empty list says). The first,
# 待受理, is the left column; the others fill two rows of two beside it.
SECTIONS: list[tuple[str, str, str, str]] = [
    ("awaiting_acceptance", "待受理", "#00695c", "没有等待受理的纠纷。"),
    ("overdue", "已超期", "#b00000", "没有超期的案件。"),
    ("due_soon", "3天内到期", "#b06000", "近 3 天没有到期的案件。"),
    ("awaiting_follow_up", "待回访", "#1f5fa0", "没有等待回访的案件。"),
    ("confirmation_closing", "司法确认期限将至", "#6a3fa0", "没有即将超过司法确认申请期限的协议。"),
]


def _work_text(item: WorkItem) -> str:
    """Two lines: number and parties, then category, date and what is due."""
    number = item.number or (LATE_NO_NUMBER if item.late else NO_NUMBER)
    return f"{number}　{item.parties}\n{item.category}　{item.when.isoformat()}　{item.note}"


def _work_tip(item: WorkItem) -> str:
    late = f"登记后{item.note}还没有受理，请尽快受理或不予受理。\n" if item.late else ""
    return f"{late}双击或按 Enter 打开这个案件"


WORK_COLUMNS: list[Column[WorkItem]] = [
    Column(
        "今日工作",
        _work_text,
        sort=lambda item: item.when,
        tooltip=_work_tip,
        roles={Qt.ItemDataRole.ForegroundRole: lambda item: QColor(ERROR) if item.late else None},
    )
]


class WorklistModel(ListTableModel[WorkItem]):
    """One list of today's work, one column (a list view shows it)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(WORK_COLUMNS, parent)

    def set_items(self, items: list[WorkItem]) -> None:
        self.set_rows(items)

    def items(self) -> list[WorkItem]:
        return self.rows()


class WorkSection(QFrame):
    """A heading with the count, and the list (or a calm sentence when it is empty)."""

    def __init__(self, title: str, colour: str, empty_text: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = title
        self.late_words = "逾期"  # the heading counts the late items: "其中 2 件逾期"
        self.heading = QLabel(title)
        self.heading.setWordWrap(True)  # three columns on a small screen: wrap, never widen
        embolden(self.heading)
        tint(self.heading, colour)
        self.model = WorklistModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setSpacing(2)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # A long line wraps inside its column instead of hiding behind a sideways scroll.
        self.view.setWordWrap(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel(empty_text)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(self.empty, MUTED)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack, 1)

    def set_items(self, items: list[WorkItem]) -> None:
        self.model.set_items(items)
        late = sum(1 for item in items if item.late)
        count = f"{len(items)} 件，其中 {late} 件{self.late_words}" if late else f"{len(items)} 件"
        self.heading.setText(f"{self.title}（{count}）")
        self.stack.setCurrentWidget(self.view if items else self.empty)
        if items:
            # Current (Enter opens it) but not highlighted: four blue rows would shout.
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )


class StartPage(QWidget):
    """Emits ``open_case(case_id)``."""

    open_case = Signal(str)
    open_conflicts = Signal()  # the 同步冲突 link: 冲突处理

    def __init__(
        self,
        db: Database,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self.loaded = False

        self.date_label = QLabel()
        embolden(self.date_label)
        # Conflicts a merge left for the 主任 (app/ui/sync/conflicts_window.py).
        self.conflicts_link = QLabel()
        self.conflicts_link.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.conflicts_link.linkActivated.connect(lambda _link: emit(self.open_conflicts))
        self.conflicts_link.hide()
        top = QHBoxLayout()
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.conflicts_link)

        self.sections: dict[str, WorkSection] = {}
        grid = QGridLayout()
        for i, (key, title, colour, empty) in enumerate(SECTIONS):
            section = WorkSection(title, colour, empty)
            on_open(section.view, self._open_index)
            self.sections[key] = section
            if i == 0:  # 待受理: the first step of every case, the whole left column
                grid.addWidget(section, 0, 0, 2, 1)
            else:
                grid.addWidget(section, (i - 1) // 2, 1 + (i - 1) % 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)

        hint = QLabel("双击或按 Enter 打开案件　　Tab 换到下一栏　　F3 案件台账　　Ctrl+N 新建登记")
        tint(hint, MUTED)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(hint)

    def refresh(self) -> bool:
        """Read today's lists again. False when the database could not be read (the user
        has been told why; the lists shown before stay)."""
        today = self._today()
        self.date_label.setText(
            f"今日工作　{today.year}年{today.month}月{today.day}日　星期{WEEKDAYS[today.weekday()]}"
        )
        try:
            late_days = office.accept_late_days(self.db)
            work: Worklist = register.worklist(self.db, today=today, accept_late_days=late_days)
            waiting = count_conflicts(self.db)
        except StorageError as exc:
            messages.show_storage_error(self.window(), exc)
            return False
        self.sections["awaiting_acceptance"].late_words = f"已超过 {late_days} 天"
        for key, section in self.sections.items():
            section.set_items(getattr(work, key))
        self.conflicts_link.setText(f'<a href="conflicts">{waiting} 个同步冲突待处理</a>')
        self.conflicts_link.setVisible(waiting > 0)
        self.loaded = True
        return True

    def _open_index(self, index: QModelIndex) -> None:
        item = index.data(RowRole)
        if isinstance(item, WorkItem):
            emit(self.open_case, item.case_id)
