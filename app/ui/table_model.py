"""The base of the program's read-only table models: columns declared once.

A model is a list of :class:`Column` (the header, what a cell shows, what it sorts by, its
tool tip, alignment and any other role) over records, one record a row. :class:`TableModel`
serves Qt from that list: ``headerData``, ``data``, ``rowCount``, ``columnCount``,
``SortRole`` (a native value to sort by) and ``RowRole`` (the record). A subclass says
only how many rows there are and which record a row shows; :class:`ListTableModel` keeps
its records in a list, and :class:`PageCache` reads a long list a page at a time (the
register, the statistics' case lists). docs/architecture.md, "A new table", shows a
declaration.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from app.models.db import StorageError
from app.qt.core import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from app.ui.item_views import RowRole, SortRole

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
T = TypeVar("T")

# Plain ints, looked up once: ``data`` runs for every role of every painted cell.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SORT = int(SortRole)
_ROW = int(RowRole)
_HORIZONTAL = Qt.Orientation.Horizontal

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def no_tooltip(record: object) -> None:
    """A column whose cells have no tool tip (``Column(tooltip=no_tooltip)``)."""
    return None


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table over records of type ``R``.

    ``value`` is what a cell shows (DisplayRole): usually text. ``sort`` gives the native
    value it sorts by (SortRole: a date, a number, a position in a life cycle); without it
    the shown value. ``tooltip`` gives the cell's tool tip; without it the shown value (a
    cut-off cell can be read whole); ``no_tooltip`` for none. ``align`` is the cell's
    TextAlignmentRole, ``header_tip`` the header's tool tip, and ``roles`` any other role
    of the cell (ForegroundRole …): a role it leaves at None falls to the model's
    :meth:`TableModel.row_data`, which styles a whole row (a grey retired record).
    """

    title: str
    value: Callable[[R], Any]
    sort: Callable[[R], object] | None = None
    tooltip: Callable[[R], Any] | None = None
    align: Qt.AlignmentFlag | None = None
    header_tip: str | None = None
    roles: Mapping[int, Callable[[R], Any]] = field(default_factory=dict)


def numbered(declared: Mapping[int, Column[R]]) -> list[Column[R]]:
    """The columns of ``{COL_X: Column(...), …}`` in the order of their numbers, which must
    run 0, 1, 2 … as written: the ``COL_*`` constants and the declaration cannot drift."""
    if list(declared) != list(range(len(declared))):
        raise ValueError(f"column numbers must run 0, 1, 2 … in order, not {list(declared)}")
    return list(declared.values())


def titles(columns: Sequence[Column[Any]]) -> dict[int, str]:
    """``{column number: header}``, for code that lays out or names the columns."""
    return {i: c.title for i, c in enumerate(columns)}


class TableModel(QAbstractTableModel, Generic[R]):
    """A read-only table served from its columns. Subclasses give :meth:`record_count` and
    :meth:`record_of` (None for a row that cannot be shown: not read, gone, out of range).
    A subclass that gives :meth:`row_data` names the roles it answers in ``ROW_ROLES``."""

    SortRole = SortRole
    RowRole = RowRole
    ROW_ROLES: frozenset[int] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "row_data" in vars(cls) and "ROW_ROLES" not in vars(cls):
            raise TypeError(f"{cls.__name__} gives row_data: name its roles in ROW_ROLES")

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._set_columns(columns)

    def _set_columns(self, columns: Sequence[Column[R]]) -> None:
        self._columns: tuple[Column[R], ...] = tuple(columns)
        # A view asks for about eight roles of every cell it paints or measures; most are
        # answered by no column and no row, and are told so at once.
        self._answered = frozenset(
            {_DISPLAY, _TOOLTIP, _SORT, _ROW, _ALIGNMENT, *self.ROW_ROLES}.union(
                *(c.roles for c in self._columns)
            )
        )

    @property
    def columns(self) -> tuple[Column[R], ...]:
        return self._columns

    # ---- what a subclass gives

    def record_count(self) -> int:  # pragma: no cover - every subclass gives its own
        raise NotImplementedError

    def record_of(self, row: int) -> R | None:  # pragma: no cover - as above
        raise NotImplementedError

    def row_data(self, record: R, role: int) -> Any:
        """A role that holds for the whole row (a colour, a bold font); None by default."""
        return None

    def row_value(self, record: R) -> object:
        """What ``RowRole`` gives: the record (a model that wraps it says otherwise)."""
        return record

    # ---- helpers

    def record_at(self, index: AnyIndex) -> R | None:
        """The record of a valid index of this model, else None."""
        return self.record_of(index.row()) if index.isValid() else None

    # ---- QAbstractTableModel

    def rowCount(self, parent: AnyIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self.record_count()

    def columnCount(self, parent: AnyIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == _HORIZONTAL:
            if not 0 <= section < len(self._columns):
                return None
            if role == _DISPLAY:
                return self._columns[section].title
            if role == _TOOLTIP:
                return self._columns[section].header_tip
            return None
        if role == _DISPLAY and 0 <= section < self.record_count():
            return str(section + 1)
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if role not in self._answered or not index.isValid():
            return None
        columns = self._columns
        number = index.column()
        if not 0 <= number < len(columns):
            return None
        record = self.record_of(index.row())
        if record is None:
            return None
        column = columns[number]
        if role == _DISPLAY:
            return column.value(record)
        if role == _TOOLTIP:
            return (column.tooltip or column.value)(record)
        if role == _SORT:
            return (column.sort or column.value)(record)
        if role == _ROW:
            return self.row_value(record)
        if role == _ALIGNMENT:
            return column.align
        extra = column.roles.get(role)
        found = extra(record) if extra is not None else None
        return found if found is not None else self.row_data(record, role)


class ListTableModel(TableModel[R]):
    """Records held in a list (a case's parties, the office's templates, a page of audit
    entries read so far)."""

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._rows: list[R] = []
        self.changing = False  # the rows are being replaced or added to (see canFetchMore)

    def set_rows(self, rows: Iterable[R], *, columns: Sequence[Column[R]] | None = None) -> None:
        """Show ``rows`` (and ``columns``, when the headers follow what is shown)."""
        self.changing = True
        try:
            self.beginResetModel()
            self._rows = list(rows)
            if columns is not None:
                self._set_columns(columns)
            self.endResetModel()
        finally:
            self.changing = False

    def append_rows(self, rows: Sequence[R]) -> None:
        """Add ``rows`` at the end (a list read a page at a time as it is scrolled). A model
        that reads more in ``fetchMore`` offers none while ``changing``: views and Qt's model
        tester ask for more as soon as they hear of a change, before it is over."""
        if not rows:
            return
        first = len(self._rows)
        self.changing = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        finally:
            self.changing = False

    def rows(self) -> list[R]:
        return list(self._rows)

    def record(self, row: int) -> R:
        return self._rows[row]

    def row_where(self, test: Callable[[R], bool]) -> int:
        """The first row whose record passes ``test``; -1 when none does."""
        return next((i for i, r in enumerate(self._rows) if test(r)), -1)

    def record_count(self) -> int:
        return len(self._rows)

    def record_of(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None


class PageCache(Generic[T]):
    """Rows read a page at a time when first asked for; the pages used last are kept.

    ``read(first, stop)`` gives rows ``first`` .. ``stop - 1`` (None where a row is gone).
    When it raises StorageError, ``failed(error)`` is called and nothing is read again
    until :meth:`clear`: a locked file is told once, not once per painted cell.
    """

    def __init__(
        self,
        read: Callable[[int, int], Sequence[T | None]],
        *,
        size: int,
        keep: int,
        failed: Callable[[StorageError], None],
    ) -> None:
        self._read = read
        self._failed = failed
        self.size = size
        self.keep = keep
        self._pages: OrderedDict[int, Sequence[T | None]] = OrderedDict()
        self.failing = False

    def row(self, row: int) -> T | None:
        page_no, offset = divmod(row, self.size)
        page = self._pages.get(page_no)
        if page is None:
            if self.failing:
                return None
            try:
                page = self._read(page_no * self.size, (page_no + 1) * self.size)
            except StorageError as exc:
                self.failing = True  # first: a message shown now repaints, which asks again
                self._failed(exc)
                return None
            self._pages[page_no] = page
            while len(self._pages) > self.keep:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def clear(self) -> None:
        self._pages.clear()
        self.failing = False
