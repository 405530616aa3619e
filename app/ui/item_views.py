"""Shared bits of the list and table views: custom roles and "open the item"."""

from __future__ import annotations

from collections.abc import Callable

from app.qt.core import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt
from app.qt.gui import QKeyEvent
from app.qt.widgets import QAbstractItemView, QTableView, QWidget

# Custom item-data roles every model of the program uses the same way.
SortRole = Qt.ItemDataRole.UserRole + 1  # a native value (date, int, str) to sort by
RowRole = Qt.ItemDataRole.UserRole + 2  # the record (dataclass) behind the row

OpenCallback = Callable[[QModelIndex], None]


class _EnterOpens(QObject):
    """Enter/Return on the current item opens it. Qt's own ``activated`` is not used: on
    some desktop styles it fires on a single click, which would open cases by surprise."""

    def __init__(self, view: QAbstractItemView, callback: OpenCallback) -> None:
        super().__init__(view)
        self._view = view
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self._view.currentIndex().isValid()
        ):
            self._callback(self._view.currentIndex())
            return True
        return False


class _DownGoesOn(QObject):
    """↓ in a filter box goes on to the (narrowed) list it filters."""

    def __init__(self, box: QWidget, listed: QWidget) -> None:
        super().__init__(box)
        self._listed = listed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self._listed.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False


def down_goes_to(box: QWidget, listed: QWidget) -> None:
    """Let ↓ in the filter ``box`` move the focus to ``listed``, the list it narrows."""
    box.installEventFilter(_DownGoesOn(box, listed))


def whole_rows(view: QAbstractItemView) -> None:
    """A list of records: one whole row chosen at a time, nothing edited in place."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)


def record_table(model: QAbstractItemModel, *, wrap: bool) -> QTableView:
    """A table of records (``whole_rows``) without row numbers; Tab leaves it and the
    arrows move inside it. ``wrap``: long cells wrap rather than end in "…"."""
    view = QTableView()
    view.setModel(model)
    whole_rows(view)
    view.setTabKeyNavigation(False)
    view.setWordWrap(wrap)
    view.verticalHeader().hide()
    return view


def on_open(view: QAbstractItemView, callback: OpenCallback) -> None:
    """Call ``callback(index)`` when the user double-clicks an item or presses Enter on it."""
    view.doubleClicked.connect(callback)
    view.installEventFilter(_EnterOpens(view, callback))
