"""冲突处理: the fields two computers changed without seeing each other's change.

On the left the conflicts (which record, which field, how many versions); on the right the
chosen one's versions side by side, each with who changed it, when and on which computer,
and a button to keep it ("现在的值" is the version the record has for now). For a text there
is also an editor holding every version, to merge them by hand ("保存合并后的内容"). A record
deleted on one computer while changed on the other offers "确认删除" (asked first) and
"恢复并保留修改". After each decision the list is read again and the next conflict shown.

Only the 主任 decides (:func:`app.models.sync.conflicts.may_decide`); anyone else sees the
versions with a note and no buttons. A merge text typed but not saved is never dropped
silently: choosing another conflict or closing asks first.

Open with :func:`open_conflicts` (or make a :class:`ConflictsWindow`); ``changed`` tells
after each decision, ``open_case(case_id)`` asks the main window to open a case.
"""

from __future__ import annotations

from collections.abc import Callable

from app.models.db import Database, StorageError
from app.models.errors import DomainError, ValidationError
from app.models.sync import conflicts
from app.models.sync.conflicts import Conflict, Side, StaleConflictError
from app.qt.core import QEvent, QItemSelection, QObject, QSize, Qt, Signal
from app.qt.gui import QCloseEvent, QKeySequence, QShortcut
from app.qt.widgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import (
    FieldBox,
    FieldErrors,
    TextBox,
    current_actor,
    em,
    error_banner,
    fit_to_screen,
    hint_label,
)
from app.ui.look import (
    MUTED,
    NOTICE_BORDER,
    NOTICE_FILL,
    SUCCESS,
    Heading,
    Panel,
    embolden,
    tint,
)
from app.ui.signals import emit
from app.ui.table_model import Column, numbered
from app.ui.template_editing import (
    KeyedTableModel,
    ask_to_discard,
    mark_row,
    record_view,
)

TITLE = "冲突处理"
EMPTY_TEXT = "没有待处理的同步冲突。"
EMPTY_HINT = "两台电脑都改了同一项内容时，合并同步文件后会列在这里，由主任确认保留哪一个。"
INTRO = (
    "两台电脑都改了同一项内容，彼此都没看到对方的修改。合并时暂时用了较晚的修改，"
    "另一个也记下了。请看过各个版本后，确认保留哪一个。"
)
WHOLE_ROW_INTRO = (
    "一台电脑删除了这条记录，另一台电脑同时修改了它。合并时暂时按删除处理，修改的内容也记下了。"
)
ROW_KEPT_INTRO = (
    "一台电脑删除了这条记录，但还有记录用到它（另一台电脑同时用到了它，或者办公室电脑上还有"
    "其他村的案件在用）。合并时保留了这条记录，删除也记下了。"
)
READ_ONLY_NOTE = "只有调委会主任可以处理同步冲突。您可以查看各个版本，请告诉主任来处理。"
KEPT_TITLE = "现在的值"
OTHER_TITLE = "另一个版本"
KEEP = "保留这个"
CONFIRM_DELETE = "确认删除"
RESTORE = "恢复并保留修改"
KEEP_ROW = "保留这条记录"
MERGE_HEADING = "合并各个版本的文字"
MERGE_HINT = "下面是各个版本的文字，请整理成要保留的内容，再点“保存合并后的内容”。"
SAVE_MERGED = "保存合并后的内容"
OPEN_CASE = "打开案件"
DELETE_TITLE = "确认删除？"
LONG_TEXT = 100  # characters (or 6 lines): a longer value is shown in a box that scrolls

COL_RECORD, COL_FIELD, COL_COUNT = 0, 1, 2


def _tooltip(conflict: Conflict) -> str:
    return f"{conflict.record}\n{conflict.field}：{len(conflict.sides)} 个版本"


CONFLICT_COLUMNS: list[Column[Conflict]] = numbered(
    {
        COL_RECORD: Column("记录", lambda c: c.record, tooltip=_tooltip),
        COL_FIELD: Column("内容", lambda c: c.field, tooltip=_tooltip),
        COL_COUNT: Column(
            "版本", lambda c: f"{len(c.sides)} 个", sort=lambda c: len(c.sides), tooltip=_tooltip
        ),
    }
)


class ConflictsModel(KeyedTableModel[Conflict]):
    """The conflicts, one per row; ``RowRole`` gives the :class:`Conflict`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CONFLICT_COLUMNS, parent)


def button_text(conflict: Conflict, side: Side) -> str:
    """What keeping this version is called."""
    if not conflict.whole_row:
        return KEEP
    if not side.value:
        return CONFIRM_DELETE
    return KEEP_ROW if conflict.row_exists else RESTORE


class VersionCard(QFrame):
    """One version: whose, when, on which computer, the value, and the button to keep it."""

    def __init__(self, title: str, side: Side, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(em(self) * 15)  # 时间：2026年11月20日 14:03 on one line
        self.title = QLabel(title)
        embolden(self.title)
        self.source = QLabel(f"修改人：{side.who}\n时间：{side.when}\n电脑：{side.where}")
        self.source.setWordWrap(True)
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.source, MUTED)
        self.value: QLabel | QPlainTextEdit
        if len(side.text) > LONG_TEXT or side.text.count("\n") >= 6:
            box = TextBox(lines=6)
            box.setPlainText(side.text)
            box.setReadOnly(True)
            self.value = box
        else:
            label = QLabel(side.text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.value = label
        self.button = QPushButton(button)
        self.button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.source)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)

    @property
    def value_text(self) -> str:
        if isinstance(self.value, QPlainTextEdit):
            return self.value.toPlainText()
        return self.value.text()


class ConflictsWindow(QWidget):
    """The conflicts and their versions (see the module docstring)."""

    changed = Signal()
    open_case = Signal(str)
    close_cancelled = Signal()  # asked to close, the user kept an unsaved merge

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.db = db
        self.actor = current_actor(db)
        self.may_decide = conflicts.may_decide(db, self.actor)
        self.shown: Conflict | None = None
        self._ids_shown: set[str] = set()  # conflicts of an ID number shown (recorded once)
        self.cards: list[VersionCard] = []
        self._draft = ""  # the merge editor's text as filled in
        self._moving = False  # the window itself moves the list's selection
        self._closing_ok = False

        self.note = Panel(READ_ONLY_NOTE)
        self.note.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER)
        self.note.setWordWrap(True)
        self.note.setMargin(6)
        self.note.setVisible(not self.may_decide)

        self._build_list()
        self.details = self._build_details()
        self._build_stack()
        bottom = self._build_bottom()

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Esc"), self, self.close)
        fit_to_screen(self, QSize(em(self) * 76, em(self) * 44))
        self.reload()

    # ---- building

    def _build_list(self) -> None:
        """The conflicts, one a row: the record and the field."""
        self.model = ConflictsModel(self)
        self.list = record_view(self.model)
        self.list.setMinimumWidth(em(self) * 18)
        # A record's words are long (案件（2026）青山调字第12号 张三、李四): wrap, never cut.
        self.list.setWordWrap(True)
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)

    def _build_details(self) -> QWidget:
        self.heading = Heading("", 1.15)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.field_label = QLabel()
        embolden(self.field_label)
        self.field_label.setWordWrap(True)
        self.field_label.setTextFormat(Qt.TextFormat.PlainText)
        self.intro = hint_label(INTRO)
        self.open_case_button = QPushButton(OPEN_CASE)
        self.open_case_button.setAutoDefault(False)
        self.open_case_button.clicked.connect(self._open_case)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.open_case_button, 0, Qt.AlignmentFlag.AlignTop)

        self.cards_row = QHBoxLayout()
        self.banner = error_banner()

        self.merge_area = QWidget()
        self.merge_heading = QLabel(MERGE_HEADING)
        embolden(self.merge_heading)
        self.merge_editor = TextBox(lines=7)
        self.merge_box = FieldBox(self.merge_editor)
        self.save_merged = QPushButton(SAVE_MERGED)
        self.save_merged.setAutoDefault(False)
        self.save_merged.clicked.connect(self._save_merged)
        m = QVBoxLayout(self.merge_area)
        m.setContentsMargins(0, 0, 0, 0)
        m.addWidget(self.merge_heading)
        m.addWidget(hint_label(MERGE_HINT))
        m.addWidget(self.merge_box)
        m.addWidget(self.save_merged, 0, Qt.AlignmentFlag.AlignLeft)

        inner = QWidget()
        v = QVBoxLayout(inner)
        v.addLayout(top)
        v.addWidget(self.field_label)
        v.addWidget(self.intro)
        v.addLayout(self.cards_row)
        v.addWidget(self.banner)
        v.addWidget(self.merge_area)
        v.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.details_scroll = scroll
        self.errors = FieldErrors(inner, self.banner, scroll)
        self.errors.add(conflicts.MERGE_FIELD, self.merge_box)
        return scroll

    def _build_stack(self) -> None:
        """The list beside the chosen conflict's versions, or a page saying there is none."""
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.splitter = splitter
        self.empty = QWidget()
        empty_text = Heading(EMPTY_TEXT, 1.2)
        empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_hint = hint_label(EMPTY_HINT)
        empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        e = QVBoxLayout(self.empty)
        e.addStretch(1)
        e.addWidget(empty_text)
        e.addWidget(empty_hint)
        e.addStretch(2)
        self.empty_text = empty_text
        self.stack = QStackedWidget()
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.empty)

    def _build_bottom(self) -> QHBoxLayout:
        """What the last decision did, the keys, 关闭."""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.status, SUCCESS)
        self.status.hide()
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(hint_label("↑↓ 选择冲突　　Esc 关闭"), 1)
        bottom.addWidget(close)
        return bottom

    # ---- reading

    def reload(self) -> bool:
        """Read the conflicts again, keeping the one shown if it is still there (else the one
        now in its place). False when the database could not be read (the user was told)."""
        row = self.list.currentIndex().row()
        key = self.shown.key if self.shown is not None else None
        try:
            found = conflicts.list_conflicts(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return False
        self._moving = True
        try:
            self.model.set_rows(found)
            if not found:
                self.stack.setCurrentWidget(self.empty)
                self._show(None)
                return True
            self.stack.setCurrentWidget(self.splitter)
            at = self.model.row_of(key) if key is not None else -1
            if at < 0:
                at = min(max(row, 0), len(found) - 1)
            mark_row(self.list, at)
            self._show(self.model.record(at))
        finally:
            self._moving = False
        return True

    def conflict_count(self) -> int:
        return self.model.rowCount()

    def reload_if_changed(self) -> bool:
        """Read again when the conflicts are not what the list shows (a file merged, one
        decided in another window meanwhile); a merge being written stays as typed.
        True when the list was read again."""
        try:
            found = conflicts.list_conflicts(self.db)
        except StorageError:
            return False  # said when the user acts; the list shown stays
        now = [(c.key, {s.key for s in c.sides}) for c in found]
        rows = (self.model.record(i) for i in range(self.model.rowCount()))
        shown = [(c.key, {s.key for s in c.sides}) for c in rows]
        if now == shown:
            return False
        key = self.shown.key if self.shown is not None else None
        typed = self.merge_editor.toPlainText() if self.has_unsaved_merge() else None
        self.reload()
        if typed is not None and self.shown is not None and self.shown.key == key:
            self.merge_editor.setPlainText(typed)
        return True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.reload_if_changed()

    # ---- showing one conflict

    def _show(self, conflict: Conflict | None) -> None:
        self.shown = conflict
        self.errors.clear()
        for card in self.cards:
            self.cards_row.removeWidget(card)
            card.hide()  # gone at once, not when the event loop deletes it
            card.deleteLater()
        self.cards = []
        if conflict is None:
            self._draft = ""
            self.merge_editor.setPlainText("")
            return
        self.heading.setText(conflict.record)
        self.field_label.setText(f"内容：{conflict.field}")
        if (conflict.tbl, conflict.col) == ("parties", "id_number"):  # shown in full: recorded
            from app.ui.cases.party_privacy import record_showing

            if conflict.key not in self._ids_shown:
                self._ids_shown.add(conflict.key)
                record_showing(self.db, conflict.row_id, conflict.case_id, "冲突处理")
        if conflict.whole_row:
            self.intro.setText(ROW_KEPT_INTRO if conflict.row_exists else WHOLE_ROW_INTRO)
        else:
            self.intro.setText(INTRO)
        self.open_case_button.setVisible(conflict.case_id is not None)
        for i, side in enumerate(conflict.sides):
            if i == 0:
                title = KEPT_TITLE
            else:
                title = OTHER_TITLE if len(conflict.sides) == 2 else f"{OTHER_TITLE} {i}"
            card = VersionCard(title, side, button_text(conflict, side))
            card.button.setEnabled(self.may_decide)
            if not self.may_decide:
                card.button.setToolTip(READ_ONLY_NOTE)
            card.button.clicked.connect(lambda _=False, s=side: self._keep(s))
            self.cards_row.addWidget(card, 1)
            self.cards.append(card)
        self.merge_area.setVisible(conflict.mergeable)
        self._draft = conflicts.merge_draft(conflict) if conflict.mergeable else ""
        self.merge_editor.setPlainText(self._draft)
        self.merge_editor.setReadOnly(not self.may_decide)
        self.save_merged.setEnabled(self.may_decide)
        self.details_scroll.verticalScrollBar().setValue(0)

    def has_unsaved_merge(self) -> bool:
        return (
            self.shown is not None
            and self.shown.mergeable
            and self.may_decide
            and self.merge_editor.toPlainText() != self._draft
        )

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._moving:
            return
        indexes = selected.indexes()
        conflict = self.model.record_at(indexes[0]) if indexes else None
        if conflict is None or (self.shown is not None and conflict.key == self.shown.key):
            return
        if not self.has_unsaved_merge():
            self._show(conflict)
            return
        shown = self.shown
        assert shown is not None

        def back() -> None:  # 继续修改: the list marks the conflict being merged again
            self._moving = True
            try:
                mark_row(self.list, self.model.row_of(shown.key))
            finally:
                self._moving = False

        back()
        ask_to_discard(
            self,
            f"{shown.record}的{shown.field}",
            lambda: self._go_to(conflict.key),
        )

    def _go_to(self, key: str) -> None:
        row = self.model.row_of(key)
        if row < 0:
            return
        self._moving = True
        try:
            mark_row(self.list, row)
        finally:
            self._moving = False
        self._show(self.model.record(row))

    def _open_case(self) -> None:
        if self.shown is not None and self.shown.case_id is not None:
            emit(self.open_case, self.shown.case_id)

    # ---- deciding

    def _keep(self, side: Side) -> None:
        conflict = self.shown
        if conflict is None:
            return
        if conflict.whole_row and not side.value:
            messages.confirm(
                self,
                DELETE_TITLE,
                f"确认删除“{conflict.record}”？\n另一台电脑上对它的修改将不再保留"
                "（处理记录里会记下）。",
                yes=CONFIRM_DELETE,
                no="取消",
                on_yes=lambda: self._decide(lambda: self._resolve(conflict, keep=side)),
            )
            return
        self._decide(lambda: self._resolve(conflict, keep=side))

    def _save_merged(self) -> None:
        conflict = self.shown
        if conflict is None:
            return
        text = self.merge_editor.toPlainText()
        self._decide(lambda: self._resolve(conflict, merged_text=text))

    def _resolve(
        self, conflict: Conflict, *, keep: Side | None = None, merged_text: str | None = None
    ) -> str:
        conflicts.resolve(self.db, conflict, keep=keep, merged_text=merged_text, by=self.actor)
        what = f"“{conflict.record}”的“{conflict.field}”"
        if merged_text is not None:
            return f"已保存{what}合并后的内容。"
        assert keep is not None
        if conflict.whole_row:
            done = "已删除" if not keep.value else "已保留"
            return f"{done}“{conflict.record}”。"
        return f"{what}已保留{keep.where}上的版本（{keep.who}，{keep.when}）。"

    def _decide(self, fn: Callable[[], str]) -> None:
        self.errors.clear()
        self.status.hide()
        try:
            done = fn()
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except StaleConflictError as exc:
            messages.warning(self, TITLE, exc.message)
            self.reload_if_changed()  # a merge being written stays, the new version beside it
            return
        except (DomainError, StorageError) as exc:  # no permission
            messages.tell_refused(self, TITLE, exc)
            return
        self.shown = None  # gone from the list: the one in its place is shown next
        self.reload()
        self.status.setText(done)
        self.status.show()
        emit(self.changed)

    # ---- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_ok or not self.has_unsaved_merge():
            super().closeEvent(event)
            return
        event.ignore()
        shown = self.shown
        assert shown is not None
        ask_to_discard(
            self,
            f"{shown.record}的{shown.field}",
            self._close_anyway,
            on_keep=lambda: emit(self.close_cancelled),
        )

    def _close_anyway(self) -> None:
        self._closing_ok = True
        self.close()


def open_conflicts(db: Database, parent: QWidget | None = None) -> ConflictsWindow:
    """The 冲突处理 window, shown."""
    window = ConflictsWindow(db, parent)
    window.show()
    return window
