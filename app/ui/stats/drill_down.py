"""The cases behind a number of the statistics window: a list that opens each case.

``drill_down()`` (app.models.stats) gives the ids, in registration order; the list shows
them in that order and reads the rows lazily, a page at a time, through the register's
own row reader (``register.fetch_rows``), so a list of thousands opens at once and reads
only what is on screen. Its row count is the number that was clicked.
"""

from __future__ import annotations

from app.models import register
from app.models.db import Database, StorageError
from app.models.reference import STATES
from app.models.register import RegisterRow
from app.qt.core import QEvent, QModelIndex, QObject, QSize, Qt, Signal
from app.qt.gui import QKeySequence, QShortcut
from app.qt.widgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import em, fit_to_screen, hint_label
from app.ui.item_views import on_open, whole_rows
from app.ui.look import Heading
from app.ui.register_model import NO_NUMBER, outcome_tip
from app.ui.signals import emit
from app.ui.table_model import Column, PageCache, TableModel, no_tooltip, numbered, titles

COL_NUMBER, COL_PARTIES, COL_VILLAGE, COL_CATEGORY, COL_STATE, COL_REGISTERED = range(6)
CASE_COLUMNS: list[Column[RegisterRow]] = numbered(
    {
        COL_NUMBER: Column(
            "案件编号",
            lambda r: r.number or NO_NUMBER,
            sort=lambda r: r.number or "",
            tooltip=no_tooltip,
        ),
        COL_PARTIES: Column("当事人", lambda r: r.parties),
        COL_VILLAGE: Column("村（社区）", lambda r: r.village, tooltip=no_tooltip),
        COL_CATEGORY: Column("纠纷类型", lambda r: r.category, tooltip=no_tooltip),
        COL_STATE: Column(
            "状态",
            lambda r: STATES.get(r.state, r.state),
            sort=lambda r: r.state,
            tooltip=outcome_tip,
        ),
        COL_REGISTERED: Column("登记日期", lambda r: r.registered_on, tooltip=no_tooltip),
    }
)
COLUMNS: dict[int, str] = titles(CASE_COLUMNS)
SAMPLES: dict[int, str] = {  # the widest text a column usually holds
    COL_NUMBER: "（2026）青山调字第100号",
    COL_PARTIES: "王建国、李秀英、张卫东",
    COL_VILLAGE: "河东社区",
    COL_CATEGORY: "道路交通事故",
    COL_STATE: "不予受理",
    COL_REGISTERED: "2026-11-20",
}
PAGE_SIZE = 100
MAX_PAGES = 40


class CaseListModel(TableModel[RegisterRow]):
    """The cases of a list of ids, in that order. Rows are read a page at a time when a
    view asks for them; a read failure is reported once through ``storage_failed``."""

    storage_failed = Signal(object)  # StorageError

    def __init__(self, db: Database, case_ids: list[str], parent: QObject | None = None) -> None:
        super().__init__(CASE_COLUMNS, parent)
        self.db = db
        self._ids = list(case_ids)
        self._pages = PageCache(
            self._read_page,
            size=PAGE_SIZE,
            keep=MAX_PAGES,
            failed=lambda exc: emit(self.storage_failed, exc),
        )

    @property
    def case_ids(self) -> list[str]:
        return list(self._ids)

    def case_id(self, row: int) -> str:
        return self._ids[row]

    def row_record(self, row: int) -> RegisterRow | None:
        return self._pages.row(row) if 0 <= row < len(self._ids) else None

    def record_count(self) -> int:
        return len(self._ids)

    def record_of(self, row: int) -> RegisterRow | None:
        return self.row_record(row)

    def _read_page(self, first: int, stop: int) -> list[RegisterRow | None]:
        ids = self._ids[first:stop]
        seqs = [register.seq_for_case(self.db, case_id) for case_id in ids]
        rows = register.fetch_rows(self.db, [s for s in seqs if s is not None])
        # A case gone since the count (a sync) shows as an empty row, not a shifted list.
        return [rows.get(seq) if seq is not None else None for seq in seqs]


class DrillDownDialog(QDialog):
    """A list of cases behind one number. ``open_case(case_id)`` on double-click or Enter.

    Not modal: several lists can stay open beside the statistics to compare them.
    """

    open_case = Signal(str)

    def __init__(
        self,
        db: Database,
        case_ids: list[str],
        *,
        title: str,
        summary: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.model = CaseListModel(db, case_ids, self)
        self.model.storage_failed.connect(self._storage_failed)

        self.heading = Heading(title, 1.15)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableView()
        self.table.setModel(self.model)
        whole_rows(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(False)
        # The parties take the room the other columns leave, but never less than a
        # common pair of names (Stretch would squeeze them to nothing in a narrow window).
        self._parties_width = 0
        self.table.viewport().installEventFilter(self)
        on_open(self.table, self._open_index)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
            close.setAutoDefault(False)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label("Enter 或双击　打开案件　　Esc　关闭"))
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Esc"), self, self.close)
        self.fit_columns()
        fit_to_screen(self, QSize(em(self) * 62, em(self) * 32))
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def fit_columns(self) -> None:
        """Widths from the font (large type included), not from the rows: reading every
        row to measure it would defeat the lazy list."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header_metrics = header.fontMetrics()
        for column, sample in SAMPLES.items():
            width = max(
                metrics.horizontalAdvance(sample),
                header_metrics.horizontalAdvance(COLUMNS[column]),
            )
            self.table.setColumnWidth(column, width + 24)
            if column == COL_PARTIES:
                self._parties_width = width + 24
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self._spread()

    def _spread(self) -> None:
        others = sum(self.table.columnWidth(c) for c in COLUMNS if c != COL_PARTIES)
        room = self.table.viewport().width() - others
        self.table.setColumnWidth(COL_PARTIES, max(self._parties_width, room))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._spread()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the 字号 menu changes fonts live
            self.fit_columns()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid() and 0 <= index.row() < self.model.rowCount():
            emit(self.open_case, self.model.case_id(index.row()))

    def _storage_failed(self, exc: object) -> None:
        if isinstance(exc, StorageError):
            messages.show_storage_error(self, exc)
