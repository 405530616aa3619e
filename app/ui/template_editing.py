"""What the editors of shipped texts share (协议条款模板, 宣传内容).

Both show a list of texts beside an editor: the program's own texts (which the office may
edit, hide and restore) and the office's own (which it may delete). The pieces here keep
the two alike: the list's model base, the 来源 column's words, the list marking the text
the editor shows, the "放弃修改？" question, and the row of 新增 / 保存 / 隐藏 or 删除 /
恢复默认 buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QTableView, QWidget

from app.ui import messages
from app.ui.item_views import RowRole, SortRole

AnyIndex = QModelIndex | QPersistentModelIndex

DISCARD_TITLE = "放弃修改？"
SHIPPED_LABEL = "程序自带"
EDITED_LABEL = "程序自带（已修改）"
HIDDEN_LABEL = "已隐藏"
OWN_LABEL = "本单位添加"


def source_label(*, shipped: bool, edited: bool, hidden: bool) -> str:
    """The 来源 column: where a text comes from and what the office did with it."""
    if not shipped:
        return OWN_LABEL
    if hidden:
        return HIDDEN_LABEL
    return EDITED_LABEL if edited else SHIPPED_LABEL


# --------------------------------------------------------------------------- the list


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


R = TypeVar("R", bound=Keyed)


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A list of records, one per row, each known by its ``key``; ``RowRole`` gives the
    record. Subclasses give the column titles (:meth:`headers`) and :meth:`data`."""

    SortRole = SortRole
    RowRole = RowRole

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def headers(self) -> Sequence[str]:  # pragma: no cover - every subclass gives its own
        raise NotImplementedError

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> R:
        return self._rows[row]

    def row_of(self, key: str) -> int:
        """The row of the record ``key``; -1 when it is not in the list."""
        return next((i for i, r in enumerate(self._rows) if r.key == key), -1)

    def record_at(self, index: AnyIndex) -> R | None:
        """The record of a valid index of this model, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return str(section + 1)


def mark_row(view: QTableView, row: int) -> None:
    """Make ``row`` the current, selected row of ``view`` (scrolled to); -1 marks none.

    The caller keeps its own "the dialog is moving the selection" flag up meanwhile, so
    the move is not taken for the user choosing another row."""
    selection = view.selectionModel()
    if row < 0:
        selection.clearSelection()
        selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.Clear)
        return
    index = view.model().index(row, 0)
    selection.setCurrentIndex(
        index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
    )
    view.scrollTo(index)


# --------------------------------------------------------------------------- the editor


def ask_to_discard(parent: QWidget, name: str, then: Callable[[], None]) -> None:
    """Ask whether the unsaved edit of ``name`` may go; ``then`` runs on "放弃修改"."""
    messages.confirm(
        parent,
        DISCARD_TITLE,
        f"对“{name}”的修改还没有保存。\n要保存，请点“继续修改”，再点“保存”。",
        yes="放弃修改",
        no="继续修改",
        on_yes=then,
    )


def insert_at_cursor(edit: QPlainTextEdit, text: str) -> None:
    """Put ``text`` where the cursor is (replacing a selection) and go on typing there."""
    edit.insertPlainText(text)
    edit.setFocus(Qt.FocusReason.OtherFocusReason)


class EditorButtons:
    """新增 / 保存 / 隐藏 or 删除 / 恢复默认 in a row, with their keys and the rules for
    when each may be pressed (:meth:`update`)."""

    def __init__(
        self,
        *,
        new: Callable[[], None],
        save: Callable[[], None],
        remove: Callable[[], None],
        restore: Callable[[], None],
    ) -> None:
        self.layout = QHBoxLayout()
        self.new = QPushButton("新增(&N)")
        self.save = QPushButton("保存(&S)")
        self.save.setToolTip("Ctrl+Enter")
        self.remove = QPushButton("隐藏(&H)")
        self.restore = QPushButton("恢复默认(&R)")
        for button, slot in (
            (self.new, new),
            (self.save, save),
            (self.remove, remove),
            (self.restore, restore),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.layout.addWidget(button)
        self.layout.addStretch(1)

    def update(self, *, dirty: bool, own: bool, removable: bool, restorable: bool) -> None:
        """``own``: the text shown is the office's own (删除, not 隐藏); ``removable``: it
        exists and is in use; ``restorable``: a shipped text edited or hidden."""
        self.save.setEnabled(dirty)
        self.remove.setText("删除(&D)" if own else "隐藏(&H)")
        self.remove.setEnabled(removable)
        self.restore.setEnabled(restorable)
