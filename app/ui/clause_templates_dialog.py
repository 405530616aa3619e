"""协议条款模板: the office manages the clauses the 结案 dialog offers (从模板插入).

A list of every template (filterable by dispute category) beside an editor: 条款名称,
适用纠纷类型, 条款内容. 新增 starts a template of the office's own; 保存 stores an edit
(of a shipped template too); 隐藏 stops offering a shipped one and 删除 removes one of the
office's own (both asked first); 恢复默认 brings back the program's text of an edited or
hidden shipped one. Hidden shipped templates stay in the list, greyed, so they can be
restored. Unsaved edits are never dropped silently: choosing another template, 新增 or
closing asks first ("继续修改" keeps them).

Open with :func:`open_clause_templates`; ``templates_changed`` tells after each change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clause_templates import (
    APPLICANT,
    BODY_FIELD,
    CATEGORY_FIELD,
    EVERY_CATEGORY,
    RESPONDENT,
    TITLE_FIELD,
    ClauseTemplate,
    all_templates,
    hide_template,
    restore_default,
    save_template,
)
from app.models.db import Database, StorageError
from app.models.reference import categories
from app.ui import messages
from app.ui.cases.service_dialog import call_service
from app.ui.cases.widgets import (
    FieldErrors,
    TextBox,
    current_user_id,
    em,
    error_banner,
    fit_to_screen,
    form_field,
    hint_label,
    set_tab_chain,
    top_aligned_form,
)
from app.ui.item_views import RowRole, SortRole
from app.ui.look import MUTED, SUCCESS, Heading, tint
from app.ui.signals import emit
from app.ui.template_editing import DISCARD_TITLE as DISCARD_TITLE  # the tests ask for it
from app.ui.template_editing import (
    AnyIndex,
    EditorButtons,
    RecordTableModel,
    ask_to_discard,
    insert_at_cursor,
    mark_row,
    source_label,
)

WINDOW_TITLE = "协议条款模板"
EVERY_CATEGORY_LABEL = "通用（各类纠纷）"
ALL_FILTER_LABEL = "全部模板"
PLACEHOLDER_HINT = (
    f"结案时插入条款，“{APPLICANT}”“{RESPONDENT}”会换成本案当事人的姓名；“____”处留给调解员填写。"
)
# An input method types full-width braces; the placeholders are the ASCII ones.
_FULL_WIDTH_PLACEHOLDERS = {
    "｛申请人｝": APPLICANT,
    "｛被申请人｝": RESPONDENT,
}


def category_label(category: str) -> str:
    return EVERY_CATEGORY_LABEL if category == EVERY_CATEGORY else category


def normalise_body(body: str) -> str:
    """The clause text with placeholders typed in full width turned into the real ones."""
    for typed, placeholder in _FULL_WIDTH_PLACEHOLDERS.items():
        body = body.replace(typed, placeholder)
    return body


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class TemplateRow:
    """One template as the list shows it."""

    template: ClauseTemplate
    hidden: bool  # a shipped template the office hid (it can be restored)

    @property
    def key(self) -> str:
        return self.template.key

    @property
    def source_label(self) -> str:
        t = self.template
        return source_label(shipped=t.shipped, edited=t.edited, hidden=self.hidden)

    @property
    def can_restore(self) -> bool:
        return self.template.shipped and self.template.edited


def load_rows(db: Database) -> list[TemplateRow]:
    """Every template: shipped ones (hidden ones too, to restore them), then the office's
    own (deleted ones are gone)."""
    offered = {t.key for t in all_templates(db)}
    return [
        TemplateRow(t, t.key not in offered)
        for t in all_templates(db, include_hidden=True)
        if t.shipped or t.key in offered
    ]


COL_TITLE, COL_CATEGORY, COL_SOURCE = 0, 1, 2
_HEADERS = ("条款名称", "适用纠纷类型", "来源")


class ClauseTemplatesModel(RecordTableModel[TemplateRow]):
    """The templates, one per row; ``RowRole`` gives the :class:`TemplateRow`."""

    def headers(self) -> Sequence[str]:
        return _HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_at(index)
        if row is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if col == COL_TITLE:
                return row.template.title
            if col == COL_CATEGORY:
                return category_label(row.template.category)
            if col == COL_SOURCE:
                return row.source_label
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.template.body
        if role == Qt.ItemDataRole.ForegroundRole and row.hidden:
            return QColor(MUTED)
        if role == RowRole:
            return row
        return None


# --------------------------------------------------------------------------- the dialog


class ClauseTemplatesDialog(QDialog):
    """Manage the agreement clause templates (see the module docstring)."""

    templates_changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(WINDOW_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._all: list[TemplateRow] = []
        self._shown: TemplateRow | None = None  # None: a new template of the office's own
        self._baseline: tuple[str, str, str] = ("", EVERY_CATEGORY, "")
        self._syncing = False  # selection changes made by the dialog itself
        self._sized = False

        outer = QVBoxLayout(self)
        panes = QHBoxLayout()
        outer.addLayout(panes, 1)
        panes.addLayout(self._build_list(), 5)
        panes.addLayout(self._build_editor(), 6)
        self.banner = error_banner()
        outer.addWidget(self.banner)
        bottom = QHBoxLayout()
        bottom.addWidget(hint_label("Ctrl+Enter 保存　Alt+N 新增　Esc 关闭"), 1)
        self.close_button = QPushButton("关闭（Esc）")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)
        self.errors = FieldErrors(self, self.banner)
        self.errors.add(TITLE_FIELD, self.title_box)
        self.errors.add(CATEGORY_FIELD, self.category_box)
        self.errors.add(BODY_FIELD, self.body_box)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        set_tab_chain(
            [
                self.filter,
                self.view,
                self.title_edit,
                self.category,
                self.body,
                self.applicant_button,
                self.respondent_button,
                self.new_button,
                self.save_button,
                self.remove_button,
                self.restore_button,
                self.close_button,
            ]
        )

        for signal in (self.title_edit.textChanged, self.body.textChanged):
            signal.connect(self._edited)
        self.category.currentIndexChanged.connect(self._edited)
        self.filter.currentIndexChanged.connect(self._refilter)
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._row_changed)

        self.reload()
        first = self._visible_rows()[0] if self._visible_rows() else None
        if first is None:
            self._show_new()
        else:
            self._show(first)

    # ---- building

    def _build_list(self) -> QVBoxLayout:
        box = QVBoxLayout()
        row = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.addItem(ALL_FILTER_LABEL, None)
        self.filter.addItem(EVERY_CATEGORY_LABEL, EVERY_CATEGORY)
        for name in categories():
            self.filter.addItem(name, name)
        label = QLabel("显示(&F)")
        label.setBuddy(self.filter)
        row.addWidget(label)
        row.addWidget(self.filter, 1)
        box.addLayout(row)
        list_label = QLabel("模板(&T)")
        self.model = ClauseTemplatesModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        list_label.setBuddy(self.view)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)  # Tab goes on to the editor
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for col in (COL_CATEGORY, COL_SOURCE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(list_label)
        box.addWidget(self.view, 1)
        return box

    def _build_editor(self) -> QVBoxLayout:
        box = QVBoxLayout()
        self.heading = Heading()
        self.heading.setWordWrap(True)
        box.addWidget(self.heading)
        self.about = hint_label("")
        box.addWidget(self.about)
        form = top_aligned_form()
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("如：分期付款")
        self.category = QComboBox()
        self.category.addItem(EVERY_CATEGORY_LABEL, EVERY_CATEGORY)
        for name in categories():
            self.category.addItem(name, name)
        self.body = TextBox(7)
        self.body.setPlaceholderText(f"如：{RESPONDENT}于____年__月__日前向{APPLICANT}支付……")
        self.title_box = form_field(form, "条款名称(&M)", self.title_edit)
        self.category_box = form_field(form, "适用纠纷类型(&L)", self.category)
        self.body_box = form_field(form, "条款内容(&C)", self.body)
        self.applicant_button = QPushButton(f"插入{APPLICANT}(&A)")
        self.respondent_button = QPushButton(f"插入{RESPONDENT}(&B)")
        placeholders = QHBoxLayout()
        placeholders.setContentsMargins(0, 0, 0, 0)
        for button, text in (
            (self.applicant_button, APPLICANT),
            (self.respondent_button, RESPONDENT),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, t=text: self._insert_placeholder(t))
            placeholders.addWidget(button)
        placeholders.addStretch(1)
        help_box = QWidget()
        help_layout = QVBoxLayout(help_box)
        help_layout.setContentsMargins(0, 0, 0, 0)
        help_layout.addLayout(placeholders)
        help_layout.addWidget(hint_label(PLACEHOLDER_HINT))
        form.addRow("", help_box)
        box.addLayout(form)

        self.buttons = EditorButtons(
            new=self.new_template, save=self.save, remove=self.remove, restore=self.restore
        )
        self.new_button = self.buttons.new
        self.save_button = self.buttons.save
        self.remove_button = self.buttons.remove
        self.restore_button = self.buttons.restore
        box.addLayout(self.buttons.layout)
        self.status = QLabel()
        self.status.setWordWrap(True)
        tint(self.status, SUCCESS)
        box.addWidget(self.status)
        box.addStretch(1)
        return box

    # ---- the list

    def reload(self) -> None:
        """Read the templates again; the editor keeps what it shows."""
        try:
            self._all = load_rows(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        if self._shown is not None:
            fresh = next((r for r in self._all if r.key == self._shown.key), None)
            if fresh is not None:
                self._shown = fresh
        self._refilter()

    def _visible_rows(self) -> list[TemplateRow]:
        wanted = self.filter.currentData()
        if wanted is None:
            return list(self._all)
        return [r for r in self._all if r.template.category == wanted]

    def _refilter(self, *_args: object) -> None:
        self._syncing = True
        try:
            self.model.set_rows(self._visible_rows())
        finally:
            self._syncing = False
        self._select_shown()

    def _select_shown(self) -> None:
        """The list marks the template the editor shows (none when it is new or filtered
        out)."""
        row = -1 if self._shown is None else self.model.row_of(self._shown.key)
        self._syncing = True
        try:
            mark_row(self.view, row)
        finally:
            self._syncing = False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        row = self.model.record(current.row())
        if self._shown is not None and row.key == self._shown.key:
            return
        self._leave_editor(lambda: self._show(row))

    # ---- the editor

    def values(self) -> tuple[str, str, str]:
        """(title, category, body) as the editor holds them now."""
        return (
            self.title_edit.text(),
            str(self.category.currentData()),
            self.body.toPlainText(),
        )

    def is_dirty(self) -> bool:
        return self.values() != self._baseline

    def _leave_editor(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the editor's text may go: at once when nothing is unsaved,
        else after the user chose "放弃修改" (the list stays on the edited one meanwhile)."""
        if not self.is_dirty():
            then()
            return
        self._select_shown()
        name = self.title_edit.text().strip() or (
            self._shown.template.title if self._shown is not None else "新条款"
        )
        ask_to_discard(self, name, then)

    def _set_editor(self, title: str, category: str, body: str) -> None:
        self.title_edit.setText(title)
        index = self.category.findData(category)
        if index < 0:  # a category no longer in the list: keep it choosable
            self.category.addItem(category, category)
            index = self.category.count() - 1
        self.category.setCurrentIndex(index)
        self.body.setPlainText(body)
        self._baseline = self.values()
        self.errors.clear()
        self._update_buttons()

    def _show(self, row: TemplateRow) -> None:
        self._shown = row
        t = row.template
        self.heading.setText(f"修改：{t.title}")
        self.about.setText(self._about(row))
        self._set_editor(t.title, t.category, t.body)
        self.status.clear()
        self._select_shown()

    def _show_new(self) -> None:
        self._shown = None
        self.heading.setText("新增条款")
        self.about.setText("本单位自己的条款模板，保存后结案时可以从模板插入。")
        wanted = self.filter.currentData()
        self._set_editor("", EVERY_CATEGORY if wanted is None else str(wanted), "")
        self.status.clear()
        self._select_shown()

    @staticmethod
    def _about(row: TemplateRow) -> str:
        if not row.template.shipped:
            return "本单位添加的条款模板。"
        if row.hidden:
            return "程序自带的条款，已隐藏：结案时不再列出。点“恢复默认”重新使用。"
        if row.template.edited:
            return "程序自带的条款，本单位修改过。点“恢复默认”可改回程序自带的内容。"
        return "程序自带的条款，可以按本单位的习惯修改。"

    def _edited(self, *_args: object) -> None:
        self.status.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self._shown
        self.buttons.update(
            dirty=self.is_dirty(),
            own=row is not None and not row.template.shipped,
            removable=row is not None and not row.hidden,
            restorable=row is not None and row.can_restore,
        )

    def _insert_placeholder(self, text: str) -> None:
        insert_at_cursor(self.body, text)

    def _done(self, key: str | None, message: str) -> None:
        """After a change: the list read again, the editor on ``key`` (the first row when
        None or gone), the message in green."""
        self._shown = None
        self.reload()
        row = next((r for r in self._all if r.key == key), None)
        if row is not None and self.model.row_of(row.key) < 0:
            self.filter.setCurrentIndex(0)  # show it: its category is filtered out
        visible = self._visible_rows()
        if row is None and visible:
            row = visible[0]
        if row is None:
            self._show_new()
        else:
            self._show(row)
        self.status.setText(message)
        emit(self.templates_changed)

    # ---- actions

    def new_template(self) -> None:
        """新增: an empty editor for a template of the office's own."""

        def start() -> None:
            self._show_new()
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

        self._leave_editor(start)

    def save(self) -> None:
        if not self.is_dirty():
            return
        key = self._shown.key if self._shown is not None else None
        title, category, body = self.values()
        saved: list[str] = []

        def call() -> None:
            saved.append(
                save_template(
                    self.db,
                    key,
                    category=category,
                    title=title,
                    body=normalise_body(body),
                    by=current_user_id(self.db),
                )
            )

        if call_service(self, self.errors, call, title=self.windowTitle()):
            self._done(saved[0], f"已保存“{title.strip()}”。")

    def remove(self) -> None:
        """隐藏 a shipped template, 删除 one of the office's own; asked first."""
        row = self._shown
        if row is None or row.hidden:
            return
        title = row.template.title
        unsaved = "\n未保存的修改也会放弃。" if self.is_dirty() else ""
        if row.template.shipped:
            question = (
                "隐藏这条模板？",
                f"隐藏后，结案时不再列出“{title}”。\n以后可以在这里选中它，点“恢复默认”重新使用。",
                "隐藏",
                f"已隐藏“{title}”。",
            )
        else:
            question = (
                "删除这条模板？",
                f"删除本单位添加的“{title}”后不能恢复。\n已经写进协议书的条款不受影响。",
                "删除",
                f"已删除“{title}”。",
            )
        ask, text, yes, done = question

        def call() -> None:
            hide_template(self.db, row.key, by=current_user_id(self.db))

        def do() -> None:
            if call_service(self, self.errors, call, title=self.windowTitle()):
                self._done(row.key, done)

        messages.confirm(self, ask, text + unsaved, yes=yes, no="取消", on_yes=do)

    def restore(self) -> None:
        """恢复默认: the program's own text of an edited or hidden shipped template."""
        row = self._shown
        if row is None or not row.can_restore:
            return
        title = row.template.title

        def call() -> None:
            restore_default(self.db, row.key)

        def do() -> None:
            if call_service(self, self.errors, call, title=self.windowTitle()):
                self._done(row.key, f"已恢复“{title}”为程序自带的内容。")

        messages.confirm(
            self,
            "恢复默认？",
            f"本单位对“{title}”的修改将不再保留，恢复为程序自带的条款内容，结案时照常列出。",
            yes="恢复默认",
            no="取消",
            on_yes=do,
        )

    # ---- opening and closing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            unit = em(self)
            fit_to_screen(self, self.sizeHint().expandedTo(QSize(unit * 56, unit * 30)))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        """Esc, 关闭 and the close button: asks first when an edit is unsaved."""
        if not self.is_dirty():
            super().reject()
            return
        self._leave_editor(super().reject)


def open_clause_templates(db: Database, parent: QWidget | None) -> ClauseTemplatesDialog:
    """Create the 协议条款模板 dialog and open it (window-modal on ``parent``)."""
    dialog = ClauseTemplatesDialog(db, parent)
    dialog.open()
    return dialog
