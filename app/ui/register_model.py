"""The case register as a lazy table model (100,000 cases open at once).

The filter and sort give the ordered list of ``cases.seq`` integers (cheap even for every
case); the rows themselves are read a page at a time, only when a view asks for them, and
a bounded number of pages is kept. So opening the register costs one indexed query plus
one page, whatever the number of cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.models import register
from app.models.casefile import CLOSED_ON_BASIS_NOTES
from app.models.db import Database, StorageError
from app.models.reference import OUTCOMES, STATES, sources
from app.models.register import RegisterFilter, RegisterRow
from app.qt.core import QObject, Qt, QTimer, Signal
from app.qt.gui import QBrush, QColor
from app.ui.signals import emit
from app.ui.table_model import Column, PageCache, TableModel, no_tooltip, numbered, titles

(
    COL_NUMBER,
    COL_STATE,
    COL_PARTIES,
    COL_CATEGORY,
    COL_SOURCE,
    COL_VILLAGE,
    COL_MEDIATORS,
    COL_REGISTERED,
    COL_DUE,
    COL_CLOSED,
) = range(10)

# Column -> the register's sort key. Columns whose key the query layer does not offer are
# not sortable (the view leaves their header alone).
_WANTED_SORT_KEYS: dict[int, str] = {
    COL_NUMBER: "number",
    COL_STATE: "state",
    COL_PARTIES: "parties",
    COL_CATEGORY: "category",
    COL_SOURCE: "source",
    COL_VILLAGE: "village",
    COL_MEDIATORS: "mediators",
    COL_REGISTERED: "registered_on",
    COL_DUE: "due_on",
    COL_CLOSED: "closed_on",
}
SORT_KEYS: dict[int, str] = {
    col: key for col, key in _WANTED_SORT_KEYS.items() if key in register.SORT_COLUMNS
}
DEFAULT_SORT = (COL_REGISTERED, Qt.SortOrder.DescendingOrder)

PAGE_SIZE = 100
MAX_PAGES = 40  # pages kept in memory (4,000 rows): enough for any screen plus scrolling back

NO_NUMBER = "未受理"
ACTIVE_STATES = frozenset({"accepted", "assigned", "mediating"})
_OVERDUE = QBrush(QColor("#b00000"))
_MUTED = QBrush(QColor("#808080"))
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class _Line:
    """One row as shown: the record and its cells' text, built once per page."""

    row: RegisterRow
    cells: tuple[str, ...]  # in column order (``_make_line``)
    overdue_days: int  # > 0 when an active case is past its due date


def outcome_tip(r: RegisterRow) -> str | None:
    """The 状态 cell's tool tip: the state with the outcome of a closed case."""
    if not r.outcome:
        return None
    return f"{STATES.get(r.state, r.state)}：{OUTCOMES.get(r.outcome, r.outcome)}"


def _cell(column: int) -> Callable[[_Line], str]:
    return lambda line: line.cells[column]


def _whole_text(column: int) -> Callable[[_Line], str | None]:
    """A cell cut off with "…" when the window is narrow: its tool tip has all of it."""
    return lambda line: line.cells[column] or None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _number_order(line: _Line) -> tuple[int, ...]:
    """Numbers sort as (year, seq), not as text."""
    number = line.row.number
    return tuple(int(d) for d in _DIGITS.findall(number)) if number else ()


def _due_tip(line: _Line) -> str | None:
    if line.overdue_days > 0:
        return f"已超期 {line.overdue_days} 天"
    if line.cells[COL_DUE]:
        return f"还有 {-line.overdue_days} 天到期"
    return None


def _closed_tip(line: _Line) -> str | None:
    basis = line.row.closed_on_basis
    if basis in CLOSED_ON_BASIS_NOTES:
        return f"结案日期{CLOSED_ON_BASIS_NOTES[basis]}"  # an imported case
    return None


_STATE_POSITION = {key: i for i, key in enumerate(STATES)}
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)

REGISTER_COLUMNS: list[Column[_Line]] = numbered(
    {
        COL_NUMBER: Column("案件编号", _cell(COL_NUMBER), sort=_number_order, tooltip=no_tooltip),
        COL_STATE: Column(
            "状态",
            _cell(COL_STATE),
            sort=lambda line: _STATE_POSITION.get(line.row.state, len(_STATE_POSITION)),
            tooltip=lambda line: outcome_tip(line.row),
        ),
        COL_PARTIES: Column("当事人", _cell(COL_PARTIES), tooltip=_whole_text(COL_PARTIES)),
        COL_CATEGORY: Column("纠纷类型", _cell(COL_CATEGORY), tooltip=_whole_text(COL_CATEGORY)),
        COL_SOURCE: Column(
            "案件来源",
            _cell(COL_SOURCE),
            sort=lambda line: line.row.source,
            tooltip=_whole_text(COL_SOURCE),
        ),
        COL_VILLAGE: Column("村（社区）", _cell(COL_VILLAGE), tooltip=_whole_text(COL_VILLAGE)),
        COL_MEDIATORS: Column("调解员", _cell(COL_MEDIATORS), tooltip=_whole_text(COL_MEDIATORS)),
        COL_REGISTERED: Column(
            "登记日期",
            _cell(COL_REGISTERED),
            sort=lambda line: _day(line.row.registered_on),
            tooltip=no_tooltip,
        ),
        COL_DUE: Column(
            "办理期限",
            _cell(COL_DUE),
            sort=lambda line: _day(line.row.due_on),
            tooltip=_due_tip,
            roles={_FOREGROUND: lambda line: _OVERDUE if line.overdue_days > 0 else None},
        ),
        COL_CLOSED: Column(
            "结案日期",
            _cell(COL_CLOSED),
            sort=lambda line: _day(line.row.closed_on),
            tooltip=_closed_tip,
        ),
    }
)
COLUMNS: dict[int, str] = titles(REGISTER_COLUMNS)


class RegisterModel(TableModel[_Line]):
    """Rows of the register for one filter and sort. ``refresh()`` re-reads them.

    Read failures (a locked file, a pulled-out USB stick) never escape from Qt's virtual
    methods: they are reported once through ``storage_failed`` and the rows stay empty.
    """

    storage_failed = Signal(object)  # StorageError

    def __init__(
        self,
        db: Database,
        *,
        today: Callable[[], date] = date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(REGISTER_COLUMNS, parent)
        self.db = db
        self._today = today
        self._filter = RegisterFilter()
        self._sort_column, self._sort_order = DEFAULT_SORT
        self._seqs: Sequence[int] = []
        self._pages = PageCache(
            self._read_page,
            size=PAGE_SIZE,
            keep=MAX_PAGES,
            failed=lambda exc: emit(self.storage_failed, exc),
        )
        self._rereading = False  # a refresh is due: the order changed under the list
        self._source_labels = sources()

    # ---- what is shown

    @property
    def filter(self) -> RegisterFilter:
        return self._filter

    def set_filter(self, f: RegisterFilter) -> bool:
        """Show the cases ``f`` selects. False (and nothing changed) on a storage error."""
        previous, self._filter = self._filter, f
        if self.refresh():
            return True
        self._filter = previous
        return False

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def is_sortable(self, column: int) -> bool:
        return column in SORT_KEYS

    @property
    def truncated(self) -> bool:
        """A search shows only the newest SEARCH_LIMIT matches."""
        return bool(self._filter.text.strip()) and len(self._seqs) >= register.SEARCH_LIMIT

    def refresh(self) -> bool:
        """Re-run the query (cases may have changed). False on a storage error: the rows
        shown before stay, and ``storage_failed`` has told why."""
        key = SORT_KEYS.get(self._sort_column, "registered_on")
        try:
            seqs = register.open_seqs(
                self.db,
                self._filter,
                sort=key,
                descending=self._sort_order == Qt.SortOrder.DescendingOrder,
            )
        except StorageError as exc:
            emit(self.storage_failed, exc)
            return False
        self.beginResetModel()
        self._seqs = seqs
        self._pages.clear()
        self._rereading = False
        self.endResetModel()
        return True

    # ---- rows

    def row_record(self, row: int) -> RegisterRow | None:
        line = self.record_of(row)
        return None if line is None else line.row

    def seq_at(self, row: int) -> int:
        """The seq shown in ``row`` (-1 when it cannot be read: told by storage_failed)."""
        try:
            return self._seqs[row]
        except StorageError as exc:
            emit(self.storage_failed, exc)
            return register.SeqList.MISSING

    def row_of_seq(self, seq: int) -> int | None:
        try:
            return self._seqs.index(seq)
        except ValueError:
            return None
        except StorageError as exc:
            emit(self.storage_failed, exc)
            return None

    def row_of_case(self, case_id: str) -> int | None:
        """The row showing ``case_id``, or None when the filter hides it."""
        try:
            seq = register.seq_for_case(self.db, case_id)
        except StorageError as exc:
            emit(self.storage_failed, exc)
            return None
        return None if seq is None else self.row_of_seq(seq)

    # ---- the table base

    def record_count(self) -> int:
        return len(self._seqs)

    def record_of(self, row: int) -> _Line | None:
        return self._pages.row(row) if 0 <= row < len(self._seqs) else None

    def row_value(self, record: _Line) -> RegisterRow:
        return record.row

    ROW_ROLES = frozenset({_FOREGROUND})

    def row_data(self, record: _Line, role: int) -> Any:
        return _MUTED if role == _FOREGROUND and record.row.state == "voided" else None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section not in SORT_KEYS:
                return None
            title = COLUMNS[section]
            if section == self._sort_column:
                now = order_words(section, self._sort_order)
                other = order_words(section, _reversed(self._sort_order))
                return f"现在按“{title}”{now}排列；再点一次改为{other}"
            return f"点击按“{title}”排序，再点一次反过来"
        return super().headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in SORT_KEYS:
            return
        previous = self._sort_column, self._sort_order
        self._sort_column, self._sort_order = column, order
        if not self.refresh():
            self._sort_column, self._sort_order = previous

    # ---- the lazy pages

    def _read_page(self, first: int, stop: int) -> list[_Line | None]:
        seqs = self._seqs[first:stop]
        rows = register.fetch_rows(self.db, seqs)
        if isinstance(self._seqs, register.SeqList) and self._seqs.stale and not self._rereading:
            # Another program changed the cases since the count: read everything again
            # (after this paint, once) rather than show rows shifted against the count.
            self._rereading = True
            QTimer.singleShot(0, self, self.refresh)
        today = self._today()
        # A case changed away between the query and this read shows as an empty row
        # until the next refresh, rather than shifting every row below it.
        return [self._make_line(rows[s], today) if s in rows else None for s in seqs]

    def _make_line(self, r: RegisterRow, today: date) -> _Line:
        overdue = 0
        if r.state in ACTIVE_STATES and r.due_on:
            overdue = (today - date.fromisoformat(r.due_on)).days
        cells = (
            r.number or NO_NUMBER,
            STATES.get(r.state, r.state),
            r.parties,
            r.category,
            self._source_labels.get(r.source, r.source),
            r.village,
            r.mediators,
            r.registered_on,
            (r.due_on or "") if r.state in ACTIVE_STATES else "",
            r.closed_on or ("未记载" if r.closed_on_basis == "unrecorded" else ""),
        )
        return _Line(r, cells, overdue)


def order_words(column: int, order: Qt.SortOrder) -> str:
    """The order of a column in words, as the header's tooltip says it."""
    ascending = order == Qt.SortOrder.AscendingOrder
    if column in (COL_REGISTERED, COL_DUE, COL_CLOSED):
        return "从早到晚" if ascending else "从晚到早"
    if column == COL_NUMBER:
        return "从小到大" if ascending else "从大到小"
    if column == COL_STATE:
        return "按办理进度从前到后" if ascending else "按办理进度从后到前"
    return "顺序" if ascending else "倒序"


def _reversed(order: Qt.SortOrder) -> Qt.SortOrder:
    if order == Qt.SortOrder.AscendingOrder:
        return Qt.SortOrder.DescendingOrder
    return Qt.SortOrder.AscendingOrder
