"""Choosers (所在村, 纠纷类型, 案件来源, 调解员 …) that filter as you type.

:func:`make_filterable` turns any QComboBox into one: the list keeps the office's order
(the drop-down arrow, F4 or Alt+↓ show all of it), and typing into the box shows only the
entries that match, by their characters or by pinyin ("hqc", "hongqi" for 红旗村; see
app/models/name_match.py), those that start with it first. ↓/↑ and Enter, or a click,
take one. Leaving the box (Tab, Enter, a click elsewhere) settles on an entry: the one
typed in full, else the first that matches; with nothing matching, the previous choice
comes back. Nothing typed is ever kept as a new entry: the values stay the list's own.

A "blank" entry (marked with :func:`mark_blank`, such as 全部 or （不填）) is what an
emptied box settles on; it is left out of the matches while something is typed.
"""

from __future__ import annotations

from app.models.name_match import match_rank
from app.qt.core import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from app.qt.widgets import QComboBox, QCompleter, QWidget

_FILTERABLE = "typeToFilter"  # a dynamic property: the combo has been made filterable
BLANK_ROLE = Qt.ItemDataRole.UserRole + 20  # True on an entry that means "none"/"all"


def mark_blank(combo: QComboBox, row: int) -> None:
    """Entry ``row`` means "none" (or "all"): an emptied box settles on it."""
    combo.setItemData(row, True, BLANK_ROLE)


def _blank_row(combo: QComboBox) -> int:
    return next((i for i in range(combo.count()) if combo.itemData(i, BLANK_ROLE)), -1)


class MatchModel(QSortFilterProxyModel):
    """The combo's entries that match the typed text, the better matches first, in the
    list's order within each rank."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.query = ""
        self.setDynamicSortFilter(False)

    def set_query(self, text: str) -> None:
        self.query = text.strip()
        self.invalidate()
        self.sort(0)

    def _rank(self, row: int) -> int | None:
        model = self.sourceModel()
        index = model.index(row, 0)
        if self.query and index.data(BLANK_ROLE):
            return None
        return match_rank(str(index.data(Qt.ItemDataRole.DisplayRole) or ""), self.query)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self._rank(source_row) is not None

    def lessThan(
        self,
        source_left: QModelIndex | QPersistentModelIndex,
        source_right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        left, right = self._rank(source_left.row()), self._rank(source_right.row())
        return (left or 0, source_left.row()) < (right or 0, source_right.row())


class _TypeToFilter(QObject):
    """What make_filterable() adds to a combo (a child of it)."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        placeholder = combo.placeholderText()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = combo.lineEdit()
        assert line is not None
        if placeholder:
            line.setPlaceholderText(placeholder)
        self.matches = MatchModel(self)
        self.matches.setSourceModel(combo.model())
        self.completer = QCompleter(self.matches, combo)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(combo.maxVisibleItems())
        combo.setCompleter(self.completer)
        line.textEdited.connect(self.typed)
        line.editingFinished.connect(self.settle)
        combo.installEventFilter(self)
        combo.setProperty(_FILTERABLE, True)
        model = combo.model()
        model.rowsInserted.connect(self._fit_width)
        model.rowsRemoved.connect(self._fit_width)
        model.dataChanged.connect(self._fit_width)
        self._fit_width()

    def _fit_width(self, *_args: object) -> None:
        """A box sized to its entries (the register's filters) keeps the longest whole:
        an editable box needs the room of its text field's margins and cursor too, or
        the text scrolls and its first character is cut."""
        combo = self.combo
        if combo.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToContents:
            combo.setMinimumWidth(0)
            # The field's side margins and cursor, and a little air (grows with the 字号).
            room = combo.fontMetrics().horizontalAdvance("中") // 2 + 6
            combo.setMinimumWidth(combo.sizeHint().width() + room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange and watched is self.combo:
            self._fit_width()
        if event.type() == QEvent.Type.FocusIn and watched is self.combo:
            # Typing replaces the entry shown (（不填）, 全部 or a name), however the box
            # was entered; after a click, once the click has placed the cursor.
            line = self.combo.lineEdit()
            if line is not None:
                line.selectAll()
                QTimer.singleShot(0, line, line.selectAll)
        return False

    def typed(self, text: str) -> None:
        """Show the entries that match what is typed so far."""
        self.matches.set_query(text)
        if not text.strip() or self.matches.rowCount() == 0:
            self._hide_matches()
            return
        # The matching is ours, not the prefix's; the best match becomes the list's current
        # row without replacing what is typed, so Enter takes it.
        self.completer.setCompletionPrefix("")
        self.completer.complete()

    def _hide_matches(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def first_match(self) -> int:
        """The combo row of the best match of the typed text (-1 when none)."""
        if self.matches.rowCount() == 0:
            return -1
        return self.matches.mapToSource(self.matches.index(0, 0)).row()

    def settle(self) -> None:
        """Leaving the box: settle on an entry of the list (see the module docstring)."""
        combo = self.combo
        text = combo.currentText().strip()
        current = combo.currentIndex()
        if current >= 0 and combo.itemText(current) == text:
            return
        if not text:
            target = _blank_row(combo)
        else:
            target = combo.findText(text, Qt.MatchFlag.MatchFixedString)
            if target < 0:
                self.matches.set_query(text)
                target = self.first_match()
            if target < 0:
                target = current  # nothing matches: the choice stays as it was
        self._hide_matches()
        if target == current:
            combo.setEditText(combo.itemText(current) if current >= 0 else "")
        else:
            combo.setCurrentIndex(target)
        self.matches.set_query("")


def make_filterable(combo: QComboBox) -> QComboBox:
    """Let ``combo`` be narrowed by typing (by name or pinyin); returns it. Safe to call
    again, e.g. after refilling the list."""
    if not combo.property(_FILTERABLE):
        _TypeToFilter(combo)
    return combo


def settle_all(root: QWidget) -> None:
    """Settle every chooser under ``root`` on an entry: a form saved with Ctrl+Enter while
    the cursor is still in one takes what its box shows."""
    for helper in root.findChildren(_TypeToFilter):
        helper.settle()


def is_filterable(widget: QWidget) -> bool:
    return isinstance(widget, QComboBox) and bool(widget.property(_FILTERABLE))
