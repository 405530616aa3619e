"""What the editors of shipped texts share (协议条款模板, 宣传内容).

Both show a list of texts beside an editor: the program's own texts (which the office may
edit, hide and restore) and the office's own (which it may delete). :class:`EditorDialog`
is that dialog: the list and the editor side by side, moving between texts without losing
an unsaved edit ("放弃修改？"), 新增 / 保存 / 隐藏 or 删除 / 恢复默认 with their questions,
the green done-message, the size it opens at and Esc. Each editor gives its fields, its
list and, in an :class:`EditorSpec`, the words it says and the model calls it makes. The
smaller pieces serve the two (and others) on their own: the list's model base, the 来源
column's words, the list marking the text the editor shows, the "放弃修改？" question and
the row of buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypedDict, TypeVar

from app.models.accounts import Actor
from app.models.db import Database, StorageError
from app.qt.core import (
    QAbstractTableModel,
    QModelIndex,
    QSize,
    Qt,
    SignalInstance,
)
from app.qt.gui import QKeySequence, QShortcut, QShowEvent
from app.qt.widgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import call_service, keep_typed, tell_clashes
from app.ui.cases.widgets import (
    FieldErrors,
    current_actor,
    em,
    error_banner,
    fit_to_screen,
    hint_label,
)
from app.ui.item_views import record_table
from app.ui.look import SUCCESS, Heading, tint
from app.ui.signals import emit
from app.ui.table_model import ListTableModel

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


class KeyedTableModel(ListTableModel[R]):
    """A list of records, one per row, each known by its ``key``; ``RowRole`` gives the
    record. Subclasses declare their columns (app/ui/table_model.py)."""

    def row_of(self, key: str) -> int:
        """The row of the record ``key``; -1 when it is not in the list."""
        return self.row_where(lambda r: r.key == key)


def record_view(model: QAbstractTableModel) -> QTableView:
    """The list of texts: whole rows, one at a time, not editable in place; the first
    column (the title) takes the room, the others what they need. Tab goes on to the
    editor rather than from cell to cell."""
    view = record_table(model, wrap=False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, model.columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return view


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


def ask_to_discard(
    parent: QWidget,
    name: str,
    then: Callable[[], None],
    *,
    on_keep: Callable[[], None] | None = None,
) -> None:
    """Ask whether the unsaved edit of ``name`` may go; ``then`` runs on "放弃修改",
    ``on_keep`` on "继续修改"."""
    messages.confirm(
        parent,
        DISCARD_TITLE,
        f"对“{name}”的修改还没有保存。\n要保存，请点“继续修改”，再点“保存”。",
        yes="放弃修改",
        no="继续修改",
        on_yes=then,
        on_no=on_keep,
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

    @property
    def widgets(self) -> tuple[QPushButton, ...]:
        """The buttons in their order, for the Tab chain."""
        return (self.new, self.save, self.remove, self.restore)

    def update(self, *, dirty: bool, own: bool, removable: bool, restorable: bool) -> None:
        """``own``: the text shown is the office's own (删除, not 隐藏); ``removable``: it
        exists and is in use; ``restorable``: a shipped text edited or hidden."""
        self.save.setEnabled(dirty)
        self.remove.setText("删除(&D)" if own else "隐藏(&H)")
        self.remove.setEnabled(removable)
        self.restore.setEnabled(restorable)


# --------------------------------------------------------------------------- the dialog


class Editable(Keyed, Protocol):
    """A text as the editor's list holds it."""

    @property
    def title(self) -> str: ...

    @property
    def shipped(self) -> bool:
        """One of the program's own texts (隐藏, not 删除)."""
        ...

    @property
    def hidden(self) -> bool:
        """A shipped text the office hid: still listed, greyed, to be restored."""
        ...

    @property
    def stamp(self) -> str:
        """Its row's edit stamp as read (rows.stamp_sql): the save gives it back."""
        ...


E = TypeVar("E", bound=Editable)


class EditGuard(TypedDict):
    """What a text's save service takes besides the fields: who saves it and, for an edit,
    the fields as shown and the stamp read with them (it refuses a stale edit)."""

    by: Actor
    loaded: Mapping[str, Any] | None
    stamp: str | None


class HideCall(Protocol):
    """The model's hide: a shipped text is hidden, one of the office's own deleted."""

    def __call__(self, db: Database, key: str, *, by: Actor) -> None: ...


@dataclass(frozen=True)
class NewTexts:
    """What the editor says while it holds a new text of the office's own."""

    heading: str  # 新增条款
    about: str  # the line under the heading
    name: str  # 新条款: the name "放弃修改？" gives it while the title is still empty


@dataclass(frozen=True)
class EditorSpec:
    """What one editor of shipped texts says and calls where the two differ.

    The questions are put together from the words. For 协议条款模板 (模板, 结案时, 列出,
    条款内容, 已经写进协议书的条款): "隐藏这条模板？" — "隐藏后，结案时不再列出“…”。";
    "删除这条模板？" — "…已经写进协议书的条款不受影响。"; "恢复默认？" — "…恢复为程序自带的
    条款内容，结案时照常列出。"
    """

    window_title: str
    noun: str  # 模板 / 内容: "隐藏这条模板？", "删除这条模板？"
    when: str  # 结案时 / 打印七个一时: when the texts are used …
    verb: str  # 列出 / 使用: … and what is done with them then
    content: str  # 条款内容 / 内容: what 恢复默认 brings back ("程序自带的条款内容")
    kept: str  # 已经写进协议书的条款: what deleting an own text leaves alone
    hide: HideCall  # hide_template / hide_item
    restore: HideCall  # restore_default
    min_size_em: tuple[int, int]  # the least the dialog opens at, in characters
    extra_keys: str = ""  # keys to name in the bottom line besides 保存, 新增 and 关闭
    form_grows: bool = False  # the fields take the room the window has, not a space below
    status_folds: bool = False  # the done-message line takes no room while empty


class EditorDialog(QDialog, Generic[E]):
    """A list of texts (``model``, ``view``) beside an editor of one (``title_edit`` and
    the fields a subclass builds), with 新增 / 保存 / 隐藏 or 删除 / 恢复默认 and the
    done-message (``status``).

    An unsaved edit is never dropped silently: choosing another text, 新增 or closing asks
    first ("继续修改" keeps it). A subclass gives ``spec``; builds the list pane
    (:meth:`_build_list`, with :meth:`_list_pane`) and the fields (:meth:`_build_form`);
    says how to read (:meth:`_load`), show (:meth:`_fill`), take (:meth:`values`) and
    store (:meth:`_store`) its texts; names its signal (:meth:`_changed`); and, after
    ``super().__init__``, adds its fields to ``errors``, sets the Tab chain, connects its
    fields to :meth:`_edited` and shows the first text (:meth:`_show_first`).
    """

    spec: ClassVar[EditorSpec]
    model: KeyedTableModel[E]
    title_edit: QLineEdit
    # what each of values() is called on the form (to name the fields both sides changed)
    value_labels: ClassVar[tuple[str, ...]]

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.spec.window_title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._all: list[E] = []
        self._shown: E | None = None  # None: a new text of the office's own
        self._syncing = False  # selection (and selector) changes made by the dialog itself
        self._sized = False

        outer = QVBoxLayout(self)
        panes = QHBoxLayout()
        outer.addLayout(panes, 1)
        panes.addLayout(self._build_list(), 5)
        panes.addLayout(self._build_editor(), 6)
        self._baseline = self.values()
        self.banner = error_banner()
        outer.addWidget(self.banner)
        bottom = QHBoxLayout()
        keys = f"Ctrl+Enter 保存　Alt+N 新增　{self.spec.extra_keys}Esc 关闭"
        bottom.addWidget(hint_label(keys), 1)
        self.close_button = QPushButton("关闭（Esc）")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)
        self.errors = FieldErrors(self, self.banner)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

    # ---- what a subclass gives

    def _build_list(self) -> QVBoxLayout:  # pragma: no cover - every subclass gives its own
        """The list pane: set ``self.model`` and return :meth:`_list_pane`."""
        raise NotImplementedError

    def _build_form(self) -> QLayout:  # pragma: no cover - every subclass gives its own
        """The editor's fields (``self.title_edit`` among them)."""
        raise NotImplementedError

    def values(self) -> tuple[str, ...]:  # pragma: no cover - every subclass gives its own
        """What the editor's fields hold now (compared to tell an unsaved edit)."""
        raise NotImplementedError

    def _load(self) -> list[E]:  # pragma: no cover - every subclass gives its own
        """Every text the list may show, read from the database."""
        raise NotImplementedError

    def _fill(self, record: E | None) -> None:  # pragma: no cover - every subclass gives its own
        """Put ``record`` into the fields; None: empty them for a new text."""
        raise NotImplementedError

    def _store(self, key: str | None) -> str:  # pragma: no cover - every subclass gives its own
        """Save the fields as the text ``key`` (None: a new one); return its key. An edit
        gives the service :attr:`shown_values` and :attr:`shown_stamp`: it writes only what
        the user changed, and refuses when the text changed since it was shown here."""
        raise NotImplementedError

    def _put(self, values: tuple[str, ...]) -> None:  # pragma: no cover - every subclass
        """Put ``values`` (as values() gives them) into the fields."""
        raise NotImplementedError

    @property
    def shown_values(self) -> tuple[str, ...]:
        """The fields as they showed the text before the user typed."""
        return self._baseline

    @property
    def shown_stamp(self) -> str:
        """The shown text's edit stamp as read with it ("" for a new text)."""
        return self._shown.stamp if self._shown is not None else ""

    def _edit_guard(self, key: str | None, loaded: Mapping[str, Any]) -> EditGuard:
        """The keywords :meth:`_store` gives the service to save ``key``: who saves, and for
        an edit ``loaded`` (the fields as shown) and :attr:`shown_stamp` (a new text, None,
        has neither)."""
        by = current_actor(self.db)
        if key is None:
            return EditGuard(by=by, loaded=None, stamp=None)
        return EditGuard(by=by, loaded=loaded, stamp=self.shown_stamp)

    def _about(self, record: E) -> str:  # pragma: no cover - every subclass gives its own
        """The line under the heading: where ``record`` comes from and what may be done."""
        raise NotImplementedError

    def _new_texts(self) -> NewTexts:  # pragma: no cover - every subclass gives its own
        raise NotImplementedError

    def _can_restore(self, record: E) -> bool:  # pragma: no cover - every subclass gives its own
        """恢复默认 applies: a shipped text edited or hidden."""
        raise NotImplementedError

    def _changed(self) -> SignalInstance:  # pragma: no cover - every subclass gives its own
        """The signal that tells after each change."""
        raise NotImplementedError

    def _listed(self) -> list[E]:
        """The texts the list shows (a subclass may filter them)."""
        return list(self._all)

    def _set_rows(self, rows: list[E]) -> None:
        self.model.set_rows(rows)

    def _reveal(self, record: E) -> None:
        """Make the list show ``record`` (just saved or changed) if a filter hides it."""

    def _update_extras(self) -> None:
        """What follows the fields besides the buttons (a counter, a preview)."""

    # ---- building

    def _list_pane(
        self, selector_label: str, selector: QComboBox, list_label: str, *, stretch: int = 1
    ) -> QVBoxLayout:
        """``selector`` (what the list shows) with its label above the list of ``model``
        (``view``), which takes ``stretch``."""
        box = QVBoxLayout()
        row = QHBoxLayout()
        label = QLabel(selector_label)
        label.setBuddy(selector)
        row.addWidget(label)
        row.addWidget(selector, 1)
        box.addLayout(row)
        caption = QLabel(list_label)
        self.view = record_view(self.model)
        caption.setBuddy(self.view)
        box.addWidget(caption)
        box.addWidget(self.view, stretch)
        return box

    def _build_editor(self) -> QVBoxLayout:
        box = QVBoxLayout()
        self.heading = Heading()
        self.heading.setWordWrap(True)
        box.addWidget(self.heading)
        self.about = hint_label("")
        box.addWidget(self.about)
        box.addLayout(self._build_form(), 1 if self.spec.form_grows else 0)
        self.buttons = EditorButtons(
            new=self.new_entry, save=self.save, remove=self.remove, restore=self.restore
        )
        self.new_button = self.buttons.new
        self.save_button = self.buttons.save
        self.remove_button = self.buttons.remove
        self.restore_button = self.buttons.restore
        box.addLayout(self.buttons.layout)
        self.status = QLabel()
        self.status.setWordWrap(True)
        if self.spec.status_folds:
            self.status.hide()  # shown with a message: an empty line costs room in large type
        tint(self.status, SUCCESS)
        box.addWidget(self.status)
        if not self.spec.form_grows:
            box.addStretch(1)
        return box

    # ---- the list

    def reload(self) -> None:
        """Read the texts again; the editor keeps what it shows."""
        try:
            self._all = self._load()
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        if self._shown is not None:
            fresh = next((r for r in self._all if r.key == self._shown.key), None)
            if fresh is not None:
                self._shown = fresh
        self._refilter()

    def _refilter(self, *_args: object) -> None:
        """Put the texts to show into the list, marking the one the editor shows."""
        self._syncing = True
        try:
            self._set_rows(self._listed())
        finally:
            self._syncing = False
        self._select_shown()

    def _select_shown(self) -> None:
        """The list marks the text the editor shows (none when it is new or filtered
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
        record = self.model.record(current.row())
        if self._shown is not None and record.key == self._shown.key:
            return
        self._leave_editor(lambda: self._show(record))

    # ---- the editor

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
            self._shown.title if self._shown is not None else self._new_texts().name
        )
        ask_to_discard(self, name, then)

    def _set_editor(self, record: E | None) -> None:
        self._fill(record)
        self._baseline = self.values()
        self.errors.clear()
        self._update_buttons()
        self._update_extras()

    def _show(self, record: E) -> None:
        self._shown = record
        self.heading.setText(f"修改：{record.title}")
        self.about.setText(self._about(record))
        self._set_editor(record)
        self._set_status("")
        self._select_shown()

    def _show_new(self) -> None:
        self._shown = None
        texts = self._new_texts()
        self.heading.setText(texts.heading)
        self.about.setText(texts.about)
        self._set_editor(None)
        self._set_status("")
        self._select_shown()

    def _show_first(self) -> None:
        """The first text the list shows in the editor; an empty list: a new one."""
        listed = self._listed()
        if listed:
            self._show(listed[0])
        else:
            self._show_new()

    def _set_status(self, message: str) -> None:
        self.status.setText(message)
        if self.spec.status_folds:
            self.status.setVisible(bool(message))

    def _edited(self, *_args: object) -> None:
        self._set_status("")
        self._update_buttons()
        self._update_extras()

    def _update_buttons(self) -> None:
        record = self._shown
        self.buttons.update(
            dirty=self.is_dirty(),
            own=record is not None and not record.shipped,
            removable=record is not None and not record.hidden,
            restorable=record is not None and self._can_restore(record),
        )

    def _done(self, key: str | None, message: str) -> None:
        """After a change: the list read again, the editor on ``key`` (the first row when
        None or gone), the message in green."""
        self._shown = None
        self.reload()
        record = next((r for r in self._all if r.key == key), None)
        if record is None:
            self._show_first()
        else:
            self._reveal(record)
            self._show(record)
        self._set_status(message)
        emit(self._changed())

    # ---- actions

    def new_entry(self) -> None:
        """新增: an empty editor for a text of the office's own."""

        def start() -> None:
            self._show_new()
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

        self._leave_editor(start)

    def save(self) -> None:
        if not self.is_dirty():
            return
        key = self._shown.key if self._shown is not None else None
        title = self.title_edit.text()
        saved: list[str] = []

        def call() -> None:
            saved.append(self._store(key))

        reload = self._reload_edit if key is not None else None
        if call_service(self, self.errors, call, title=self.windowTitle(), reload=reload):
            self._done(saved[0], f"已保存“{title.strip()}”。")

    def _reload_edit(self) -> None:
        """重新载入: the text as stored now; what the user changed stays where the other
        change did not touch it."""
        typed, before = self.values(), self._baseline
        key = self._shown.key if self._shown is not None else None
        self.reload()
        record = next((r for r in self._all if r.key == key), None)
        if record is None:  # deleted meanwhile: the list shows what is left
            self._shown = None
            self._show_first()
            return
        self._show(record)
        now = self.values()
        names = self.value_labels
        merged, both = keep_typed(
            dict(zip(names, before, strict=True)),
            dict(zip(names, typed, strict=True)),
            dict(zip(names, now, strict=True)),
        )
        self._put(tuple(merged[name] for name in names))
        self._edited()
        if both:
            tell_clashes(self, both)
        else:
            self._set_status("已载入最新内容，您改过的地方保留着，请核对后再保存。")

    def remove(self) -> None:
        """隐藏 a shipped text, 删除 one of the office's own; asked first."""
        record = self._shown
        if record is None or record.hidden:
            return
        spec, title = self.spec, record.title
        unsaved = "\n未保存的修改也会放弃。" if self.is_dirty() else ""
        if record.shipped:
            ask = f"隐藏这条{spec.noun}？"
            text = (
                f"隐藏后，{spec.when}不再{spec.verb}“{title}”。\n"
                "以后可以在这里选中它，点“恢复默认”重新使用。"
            )
            yes, done = "隐藏", f"已隐藏“{title}”。"
        else:
            ask = f"删除这条{spec.noun}？"
            text = f"删除本单位添加的“{title}”后不能恢复。\n{spec.kept}不受影响。"
            yes, done = "删除", f"已删除“{title}”。"

        def call() -> None:
            spec.hide(self.db, record.key, by=current_actor(self.db))

        def do() -> None:
            if call_service(self, self.errors, call, title=self.windowTitle()):
                self._done(record.key, done)

        messages.confirm(self, ask, text + unsaved, yes=yes, no="取消", on_yes=do)

    def restore(self) -> None:
        """恢复默认: the program's own text of an edited or hidden shipped text."""
        record = self._shown
        if record is None or not self._can_restore(record):
            return
        spec, title = self.spec, record.title

        def call() -> None:
            spec.restore(self.db, record.key, by=current_actor(self.db))

        def do() -> None:
            if call_service(self, self.errors, call, title=self.windowTitle()):
                self._done(record.key, f"已恢复“{title}”为程序自带的内容。")

        messages.confirm(
            self,
            "恢复默认？",
            f"本单位对“{title}”的修改将不再保留，恢复为程序自带的{spec.content}，"
            f"{spec.when}照常{spec.verb}。",
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
            width, height = self.spec.min_size_em
            fit_to_screen(self, self.sizeHint().expandedTo(QSize(unit * width, unit * height)))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        """Esc, 关闭 and the close button: asks first when an edit is unsaved."""
        if not self.is_dirty():
            super().reject()
            return
        self._leave_editor(super().reject)


D = TypeVar("D", bound="EditorDialog[Any]")


def open_editor(dialog_class: type[D], db: Database, parent: QWidget | None) -> D:
    """Create a ``dialog_class`` editor on ``db`` and open it (window-modal on ``parent``)."""
    dialog = dialog_class(db, parent)
    dialog.open()
    return dialog
