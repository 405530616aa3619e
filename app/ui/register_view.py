"""案件台账: the register page. Filters and a search box above, the lazy table below.

Keyboard: Ctrl+F (main window) puts the cursor in the search box, Down moves into the
table, Enter opens the selected case, Esc in the search box clears it; Alt+Z/L/Y/C/T/D
jump to the filters. The context menu (right click, or the menu key) opens a case or
prints its documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from app.models import office, register, search
from app.models.db import Database, StorageError
from app.models.reference import STATES, categories, sources
from app.models.register import RegisterFilter
from app.qt.core import (
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from app.qt.gui import QKeyEvent
from app.qt.widgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.flow_layout import FlowLayout
from app.ui.chooser import make_filterable, mark_blank
from app.ui.item_views import RowRole, on_open
from app.ui.register_columns import RegisterColumns
from app.ui.register_model import ACTIVE_STATES, RegisterModel
from app.ui.signals import emit

SEARCH_DELAY_MS = 250  # typing pauses this long before the register is searched
NO_DATE = QDate(2000, 1, 1)  # the date edits' "不限" value
ALL = "全部"


class SearchBox(QLineEdit):
    """The search field: Down goes to the results, Esc clears what was typed."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            emit(self.down_pressed)
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


def _date_filter() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("不限")  # shown while the date is the minimum
    edit.setDate(NO_DATE)
    return edit


def _py_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == NO_DATE:
        return None
    return date(value.year(), value.month(), value.day())


def fill_filter(combo: QComboBox, items: Iterable[tuple[str, object]]) -> None:
    """(Re)fill a filter list with 全部 first, keeping the current choice if it still exists.
    The list can be narrowed by typing a name or its pinyin initials (app/ui/chooser.py)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ALL, None)
    mark_blank(combo, 0)
    for text, value in items:
        combo.addItem(text, value)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    make_filterable(combo)


class RegisterPage(QWidget):
    """The register: emits ``open_case(case_id)`` on double-click or Enter."""

    open_case = Signal(str)

    def __init__(
        self,
        db: Database,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.model = RegisterModel(db, today=today, parent=self)
        self.model.storage_failed.connect(self._storage_failed)
        self.loaded = False  # the first query waits until the page is first shown

        top = self._build_search_row()
        filters = self._build_filters()
        self._build_table()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(filters)
        layout.addWidget(self.table, 1)

        self._connect()

    # ---- building

    def _build_search_row(self) -> QHBoxLayout:
        """The search box, how many cases are listed, and 清除筛选."""
        self.search = SearchBox()
        self.search.setPlaceholderText(
            "查找：案件编号、当事人姓名或拼音首字母、电话、身份证号（Ctrl+F）"
        )
        self.search.setClearButtonEnabled(True)
        # The model searches only this much (app/models/search.py MAX_QUERY_CHARS); a longer
        # paste is cut here, where the user sees what is searched.
        self.search.setMaxLength(search.MAX_QUERY_CHARS)
        self.search.setToolTip(
            f"输入案件编号、姓名、拼音首字母、电话或身份证号的一部分；最多{search.MAX_QUERY_CHARS}个字，"
            f"用空格隔开的词最多{search.MAX_QUERY_WORDS}个。"
        )
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.clear_button)
        return top

    def _build_filters(self) -> QWidget:
        """状态, 纠纷类型, 案件来源, 村（社区）, 调解员 and 登记日期: one bar that wraps."""
        self.state = QComboBox()
        self.category = QComboBox()
        self.source = QComboBox()
        self.village = QComboBox()
        self.mediator = QComboBox()
        self.date_from = _date_filter()
        self.date_to = _date_filter()
        for combo in (self.state, self.category, self.source, self.village, self.mediator):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaxVisibleItems(20)
        fill_filter(
            self.state,
            [("办理中", ACTIVE_STATES)] + [(t, frozenset({k})) for k, t in STATES.items()],
        )
        self.state.setItemText(0, "全部（不含已作废）")
        fill_filter(self.category, [(c, c) for c in categories()])
        fill_filter(self.source, [(t, k) for k, t in sources().items()])

        filters = QWidget()
        flow = FlowLayout(filters, spacing=12)
        flow.setContentsMargins(0, 0, 0, 0)
        for text, widget in (
            ("状态(&Z)", self.state),
            ("纠纷类型(&L)", self.category),
            ("案件来源(&Y)", self.source),
            ("村（社区）(&C)", self.village),
            ("调解员(&T)", self.mediator),
            ("登记日期(&D)", self.date_from),
            ("至", self.date_to),
        ):
            flow.addWidget(self._labelled(text, widget))
        return filters

    def _build_table(self) -> None:
        """The register itself: one row per case, sorted by its header, opened by Enter."""
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.columns = RegisterColumns(self.table)
        header = self.table.horizontalHeader()
        column, order = self.model.sort_state()
        header.setSortIndicator(column, order)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        # Not setSortingEnabled: that would query at once; the header drives sort() itself.
        header.sortIndicatorChanged.connect(self._sort_requested)
        on_open(self.table, self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._case_menu: QMenu | None = None
        self._print_menu: QMenu | None = None

    def _connect(self) -> None:
        """Typing searches after a short pause (Enter at once); a filter chosen applies."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.search.down_pressed.connect(self._enter_table)
        for combo in (self.state, self.category, self.source, self.village, self.mediator):
            combo.currentIndexChanged.connect(self.apply_filter)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._debounce.start)  # typed digit by digit
        self.clear_button.clicked.connect(self.clear_filters)

    def _labelled(self, text: str, widget: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(text)
        label.setBuddy(widget)
        row.addWidget(label)
        row.addWidget(widget)
        return box

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the 字号 menu changes fonts live
            self.columns.font_changed()

    # ---- loading

    def current_filter(self) -> RegisterFilter:
        states = self.state.currentData()
        return RegisterFilter(
            states=states if isinstance(states, frozenset) else frozenset(),
            category=self.category.currentData(),
            source=self.source.currentData(),
            village_id=self.village.currentData(),
            mediator_id=self.mediator.currentData(),
            date_from=_py_date(self.date_from),
            date_to=_py_date(self.date_to),
            text=self.search.text().strip(),
        )

    def refresh(self) -> bool:
        """Read everything again (lists of villages and mediators too), keeping the selection.

        False when the database could not be read; the user has been told why.
        """
        try:
            fill_filter(self.village, [(p.name, p.id) for p in office.villages(self.db)])
            fill_filter(self.mediator, [(m.name, m.id) for m in office.mediators(self.db)])
        except StorageError as exc:
            self._storage_failed(exc)
            return False
        return self._keeping_selection(lambda: self.model.set_filter(self.current_filter()))

    def apply_filter(self) -> bool:
        self._debounce.stop()
        if not self.db.is_open:  # a search typed just before the program closed its file
            return False
        if self.current_filter() == self.model.filter and self.loaded:
            return True
        return self._keeping_selection(lambda: self.model.set_filter(self.current_filter()))

    def stop_pending_search(self) -> None:
        """Forget a search typed within SEARCH_DELAY_MS (the window is closing)."""
        self._debounce.stop()

    @property
    def search_pending(self) -> bool:
        """Typed, and not yet applied (it is, SEARCH_DELAY_MS after the last keystroke)."""
        return self._debounce.isActive()

    def clear_filters(self) -> None:
        widgets = (self.state, self.category, self.source, self.village, self.mediator)
        for w in (*widgets, self.date_from, self.date_to, self.search):
            w.blockSignals(True)
        for combo in widgets:
            combo.setCurrentIndex(0)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        self.search.clear()
        for w in (*widgets, self.date_from, self.date_to, self.search):
            w.blockSignals(False)
        self.apply_filter()

    def _keeping_selection(self, reload: Callable[[], bool]) -> bool:
        seq = self._selected_seq()
        scroll = self.table.verticalScrollBar().value()
        ok = reload()
        if ok:
            self.loaded = True
            row = None if seq is None else self.model.row_of_seq(seq)
            if row is not None:
                self._select_row(row)
            else:
                self.table.verticalScrollBar().setValue(scroll)
        self._update_count()
        return ok

    def _update_count(self) -> None:
        n = self.model.rowCount()
        text = f"共 {n} 件"
        f = self.model.filter
        if self.model.truncated:
            text += f"（只列出最新的 {register.SEARCH_LIMIT} 件，请多输入几个字）"
        elif f.date_from and f.date_to and f.date_from > f.date_to:
            text += "：登记日期的起止颠倒了"
        elif n == 0 and self.loaded:
            text += "：没有符合条件的案件"
        self.count_label.setText(text)

    def _storage_failed(self, exc: StorageError) -> None:
        messages.show_storage_error(self.window(), exc)

    # ---- selection and opening

    def _selected_seq(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        seq = self.model.seq_at(index.row())
        return None if seq < 0 else seq  # a row that could not be read

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def selected_case_id(self) -> str | None:
        index = self.table.currentIndex()
        record = self.model.data(index, RowRole) if index.isValid() else None
        return None if record is None else str(record.id)

    def select_case(self, case_id: str) -> bool:
        """Select the row of ``case_id``; False when the filter hides it."""
        row = self.model.row_of_case(case_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _enter_table(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._selected_seq() is None:  # focus alone makes a row current, not selected
            self._select_row(max(self.table.currentIndex().row(), 0))

    def _open_index(self, index: QModelIndex) -> None:
        record = self.model.data(index, RowRole)
        if record is not None:
            emit(self.open_case, record.id)

    def case_menu(self, case_id: str) -> QMenu:
        """The context menu of one case: open it, or print its documents."""
        from app.ui.printing.menu import fill_documents_menu  # printing loads reportlab

        if self._case_menu is None or self._print_menu is None:
            self._case_menu = QMenu(self)
            # Previews and messages of the print menu sit on this page (its parent).
            self._print_menu = QMenu("打印(&P)", self)
            self._print_menu.setToolTipsVisible(True)
        menu, printing = self._case_menu, self._print_menu
        menu.clear()
        open_action = menu.addAction("打开案件(&O)")
        open_action.triggered.connect(lambda *_: emit(self.open_case, case_id))
        menu.setDefaultAction(open_action)
        fill_documents_menu(printing, self.db, case_id)
        menu.addMenu(printing)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self._select_row(index.row())
        else:  # the menu key: the selected row, shown where it is
            index = self.table.currentIndex()
            pos = self.table.visualRect(index).center()
        case_id = self.selected_case_id()
        if case_id is None or not index.isValid():
            return
        self.case_menu(case_id).popup(self.table.viewport().mapToGlobal(pos))

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        self._keeping_selection(lambda: self._sort(column, order))

    def _sort(self, column: int, order: Qt.SortOrder) -> bool:
        self.model.sort(column, order)
        ok = self.model.sort_state() == (column, order)
        if not ok:  # not sortable, or the database could not be read: show the real order
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_state())
            header.blockSignals(False)
            self.columns.fit()  # the arrow's room goes back to the real sort column
        return ok
