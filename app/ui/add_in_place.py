"""Add a missing entry to a chooser without leaving the step: never a dead end.

A step that needs a mediator, a village … and finds the list empty (or without the one
wanted) offers to add it right there. :class:`InlineAdder` is a small row of inputs that
opens under the chooser; 添加 (or Enter) saves the entry with its own service call, the
chooser gains it, selected, and the step goes on in the same dialog. Esc closes the row
(not the dialog). What is wrong is said under the row, in the services' words; what was
typed stays.

- :class:`MediatorAdder` adds a mediator of the office's committee (name, phone, 专职).
- :class:`VillageAdder` adds a village or community of the town.
- :class:`AddableList` puts an adder under a list (指派's mediators): when the list is
  empty a note says so and the adder is open and focused.
- :class:`VillageChooser` is 所在村（社区）: the drop-down, a 新增 button beside it and the
  adder under it.
- :class:`GridAdder` adds a grid (网格) under a village; :class:`GridChooser` is the 网格
  of the 村居档案 forms (网格员, 住户): the drop-down, 新增网格 beside it, the adder under
  it, open at once with a note when there is no grid yet.

Everything added here can be changed later in 村居与宣传 → 村居档案.
"""

from __future__ import annotations

from app.models import office
from app.models import registries as reg
from app.models.db import Database, StorageError
from app.models.errors import DomainError, ValidationError
from app.qt.core import QEvent, QObject, Qt, Signal
from app.qt.gui import QKeyEvent, QShowEvent
from app.qt.widgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session
from app.ui.cases.widgets import current_actor, em, village_combo
from app.ui.look import ERROR, MUTED, NOTICE_BORDER, NOTICE_FILL, SUCCESS, Panel, tint
from app.ui.signals import emit

REGISTRIES_PATH = "村居与宣传 → 村居档案"


class InlineAdder(QFrame):
    """A row of inputs that adds one entry; hidden until :meth:`open_row`.

    Subclasses build their inputs in ``__init__`` (calling :meth:`add_input`) and
    implement :meth:`save_entry`, which calls one service and returns ``(id, text)``.
    Emits ``added(id, text)`` after a successful save; ``open_button`` (placed by the
    user of the adder) opens the row.
    """

    added = Signal(str, str)
    # What adding needs (app/models/accounts.py): a role without it finds 新增 disabled and
    # told why (the service refuses it too).
    permission = "village_registry"

    def __init__(
        self, db: Database, *, noun: str, open_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.noun = noun
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.open_button = QPushButton(open_text)
        self.open_button.setAutoDefault(False)
        self.refused = session.why_not(db, self.permission)
        self.open_button.setEnabled(not self.refused)
        self.open_button.setToolTip(self.refused or f"不用关闭这个窗口，在这里直接新增{noun}")
        self.open_button.clicked.connect(self.open_row)
        self.add_button = QPushButton("添加")
        self.cancel_button = QPushButton("取消")
        for b in (self.add_button, self.cancel_button):
            b.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.cancel_button.clicked.connect(self.close_row)
        self.inputs: list[QWidget] = []
        self._fields: dict[str, QWidget] = {}  # a service's field name -> its input
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.error, ERROR)
        self.error.hide()
        buttons = QHBoxLayout()
        hint = QLabel("Enter 添加　Esc 取消")
        tint(hint, MUTED)
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.cancel_button)
        title = QLabel(f"新增{noun}：")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(title)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.hide()

    # ---- building

    def add_input(
        self, widget: QWidget, *, row: int, column: int, fields: tuple[str, ...] = ()
    ) -> None:
        """Place an input; ``fields`` are the service field names whose errors it gets."""
        self.grid.addWidget(widget, row, column)
        self.inputs.append(widget)
        for name in fields:
            self._fields[name] = widget
        widget.installEventFilter(self)

    # ---- opening and closing

    def open_row(self) -> None:
        self.show()
        self.open_button.hide()
        if self.inputs:
            self.inputs[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def close_row(self, *, focus: bool = True) -> None:
        """Close the row, forgetting what was typed in it; its button gets the focus."""
        self.clear()
        self.hide()
        self.open_button.show()
        if focus:
            self.open_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_open(self) -> bool:
        return not self.isHidden()

    def tab_widgets(self) -> list[QWidget]:
        """In Tab order: the button that opens the row, its inputs, 添加 and 取消."""
        return [self.open_button, *self.inputs, self.add_button, self.cancel_button]

    def clear(self) -> None:
        for widget in self.inputs:
            if isinstance(widget, QLineEdit):
                widget.clear()
            elif isinstance(widget, QCheckBox):
                widget.setChecked(False)
        self.error.clear()
        self.error.hide()

    def pending(self) -> str:
        """What is typed in the row and not yet added ("" when nothing)."""
        if not self.is_open():
            return ""
        first = self.inputs[0] if self.inputs else None
        return first.text().strip() if isinstance(first, QLineEdit) else ""

    # ---- adding

    def save_entry(self) -> tuple[str, str]:  # pragma: no cover - every subclass implements it
        """Call the service; ``(id, text shown in the chooser)``."""
        raise NotImplementedError

    def add(self) -> bool:
        """Save the entry. True when it was added (the row closes, ``added`` is emitted)."""
        self.error.hide()
        try:
            new_id, text = self.save_entry()
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            target = self._fields.get(exc.field) or (self.inputs[0] if self.inputs else None)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        except (DomainError, StorageError) as exc:
            messages.tell_refused(self, f"新增{self.noun}", exc)
            return False
        self.clear()
        self.hide()
        self.open_button.show()
        emit(self.added, new_id, text)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter adds and Esc closes the row: the dialog around must not take them (it would
        # move to its next field, or close).
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
                Qt.KeyboardModifier.NoModifier
            )
            if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.add()
                return True
            if plain and event.key() == Qt.Key.Key_Escape:
                self.close_row()
                return True
        return super().eventFilter(watched, event)


class MediatorAdder(InlineAdder):
    """新增调解员 of the office's own committee (name, phone, 专职); the rest of the record
    (擅长, another committee) is kept in 村居档案 → 调解员."""

    permission = "mediators"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, noun="调解员", open_text="新增调解员(&T)…", parent=parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("姓名")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("联系电话，可不填")
        self.full_time = QCheckBox("专职")
        self.name.setMinimumWidth(em(self) * 6)
        self.add_input(self.name, row=0, column=0, fields=(reg.MEDIATOR_NAME_FIELD,))
        self.add_input(self.phone, row=0, column=1, fields=(reg.PHONE_FIELD,))
        self.add_input(self.full_time, row=0, column=2)
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 3)

    def save_entry(self) -> tuple[str, str]:
        name = self.name.text()
        mediator_id = office.add_mediator(
            self.db,
            by=current_actor(self.db),
            name=name,
            committee_id=office.main_committee(self.db).id,
            phone=self.phone.text(),
            full_time=self.full_time.isChecked(),
        )
        return mediator_id, " ".join(name.split())


class VillageAdder(InlineAdder):
    """新增村（社区）of the town: a name ending in 社区 or 居委会 is a community."""

    permission = "villages"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, noun="村（社区）", open_text="新增(&W)…", parent=parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：红旗村、河东社区")
        self.add_input(self.name, row=0, column=0, fields=(reg.VILLAGE_NAME_FIELD,))

    def save_entry(self) -> tuple[str, str]:
        name = " ".join(self.name.text().split())
        kind = "community" if name.endswith(("社区", "居委会")) else "village"
        village_id = reg.VILLAGES.add(self.db, by=current_actor(self.db), name=name, kind=kind)
        return village_id, name


class GridAdder(InlineAdder):
    """新增网格 under a village or community (the village preset, the name typed)."""

    def __init__(
        self, db: Database, *, village_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, noun="网格", open_text="新增网格(&G)…", parent=parent)
        self.village = QComboBox()
        for place in office.villages(db):  # the office's order, as every chooser
            self.village.addItem(place.name, place.id)
        self.village.setCurrentIndex(max(self.village.findData(village_id), 0))
        self.village.setToolTip("网格所在的村（社区）")
        self.name = QLineEdit()
        self.name.setPlaceholderText("网格名称，如：第一网格、红旗村1组")
        self.name.setMinimumWidth(em(self) * 10)
        self.add_input(self.village, row=0, column=0, fields=(reg.VILLAGE_FIELD,))
        self.add_input(self.name, row=0, column=1, fields=(reg.GRID_NAME_FIELD,))
        self.grid.setColumnStretch(1, 1)

    def open_row(self) -> None:
        super().open_row()
        # The village is preset (the page's, or the only one): the name is what to type.
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def pending(self) -> str:
        return self.name.text().strip() if self.is_open() else ""

    def save_entry(self) -> tuple[str, str]:
        village_id = self.village.currentData()
        if village_id is None:
            raise ValidationError(
                reg.VILLAGE_FIELD,
                f"还没有在用的村（社区）：请先在“{REGISTRIES_PATH} → 村（社区）”中新增"
                "或恢复启用一个，再新增网格。",
            )
        grid_id = reg.GRIDS.add(
            self.db, by=current_actor(self.db), village_id=str(village_id), name=self.name.text()
        )
        grid = reg.GRIDS.get(self.db, grid_id)
        return grid_id, grid_text(grid)


def grid_text(grid: reg.Grid) -> str:
    """How a grid is named in a list: "红旗村 第一网格"."""
    return f"{grid.village_name} {grid.name}"


def _empty_note(text: str) -> Panel:
    """The note over an empty chooser: a notice, not an error (nothing went wrong)."""
    note = Panel(text)
    note.setWordWrap(True)
    note.setMargin(6)
    note.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER)
    return note


def _added_status() -> QLabel:
    """Says what was added last (hidden until then)."""
    status = QLabel()
    status.setWordWrap(True)
    tint(status, SUCCESS)
    status.hide()
    return status


def _combo_row(combo: QComboBox, adder: InlineAdder) -> QHBoxLayout:
    """The drop-down and the adder's 新增 button beside it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(combo, 1)
    row.addWidget(adder.open_button)
    return row


class AddableList(QWidget):
    """A list with an adder under it. When the list is empty, a note says so, the list
    box is hidden and the adder is open (and takes the focus when the dialog opens).
    ``status`` says what was added last. ``above`` (e.g. a box that filters a long list)
    goes over the list and is hidden with it."""

    def __init__(
        self,
        view: QListWidget,
        adder: InlineAdder,
        *,
        empty_text: str,
        later: str,
        above: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.view = view
        self.adder = adder
        self.above = above
        self.empty_note = _empty_note(empty_text)
        self.status = _added_status()
        self.later = QLabel(later)
        self.later.setWordWrap(True)
        tint(self.later, MUTED)
        buttons = QHBoxLayout()
        buttons.addWidget(adder.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_note)
        if above is not None:
            layout.addWidget(above)
        layout.addWidget(view)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(adder)
        layout.addWidget(self.later)
        self.setFocusProxy(view)
        adder.added.connect(self._added)
        self._follow_count()
        if self.is_empty():
            adder.open_row()

    def is_empty(self) -> bool:
        return self.view.count() == 0

    def _follow_count(self) -> None:
        empty = self.is_empty()
        self.empty_note.setVisible(empty)
        self.view.setVisible(not empty)
        if empty and self.above is not None:
            self.above.hide()
        self.later.setVisible(empty)
        self.setFocusProxy(self.adder.inputs[0] if empty and self.adder.inputs else self.view)

    def _added(self, _new_id: str, text: str) -> None:
        # The user of the adder has put the new item into the list by now (connected first).
        self._follow_count()
        self.status.setText(f"已新增{self.adder.noun}“{text}”并选中。")
        self.status.show()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.is_empty() and self.adder.inputs:
            self.adder.open_row()  # the dialog's first focus: the name to type


class VillageChooser(QWidget):
    """所在村（社区）: the drop-down (``combo``, may stay 不填), 新增 beside it and the
    adder under it; a village added here is chosen at once."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.combo: QComboBox = village_combo(db)
        self.adder = VillageAdder(db)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(_combo_row(self.combo, self.adder))
        layout.addWidget(self.adder)
        self.setFocusProxy(self.combo)
        self.adder.added.connect(self._added)

    def set_editable(self, editable: bool) -> None:
        """A case that can no longer be changed offers no 新增 either."""
        if not editable and self.adder.is_open():
            self.adder.close_row(focus=False)
        self.adder.open_button.setEnabled(editable and not self.adder.refused)

    def tab_widgets(self) -> list[QWidget]:
        """In Tab order: the drop-down, 新增, the adder's inputs and buttons."""
        return [self.combo, *self.adder.tab_widgets()]

    def _added(self, village_id: str, name: str) -> None:
        # Where the office lists it (office.villages' order), after the "不填" entry.
        order = [p.id for p in office.villages(self.db)]
        position = order.index(village_id) + 1 if village_id in order else self.combo.count()
        self.combo.insertItem(min(position, self.combo.count()), name, village_id)
        self.combo.setCurrentIndex(self.combo.findData(village_id))
        self.combo.setFocus(Qt.FocusReason.OtherFocusReason)


class GridChooser(QWidget):
    """网格 in a 村居档案 form: ``combo`` (``currentData()`` the grid id), 新增网格 beside
    it and the adder under it. With no grid to choose, a note says so and the adder is
    open (and has the focus when the form opens); a grid added is listed at its place
    (``GRIDS.list`` order) and chosen, so the form goes on."""

    def __init__(
        self,
        db: Database,
        combo: QComboBox,
        *,
        village_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.combo = combo
        self.adder = GridAdder(db, village_id=village_id)
        self.empty_note = _empty_note(
            "还没有网格。请在下面选好村（社区）、填写网格名称并点“添加”，添加后就能接着填写。"
        )
        self.status = _added_status()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_note)
        layout.addLayout(_combo_row(self.combo, self.adder))
        layout.addWidget(self.status)
        layout.addWidget(self.adder)
        self.adder.added.connect(self._added)
        self._follow_count()
        if self.is_empty():
            self.adder.open_row()

    def is_empty(self) -> bool:
        return self.combo.count() == 0

    def tab_widgets(self) -> list[QWidget]:
        """In Tab order: the drop-down, 新增网格, the adder's inputs and buttons."""
        return [self.combo, *self.adder.tab_widgets()]

    def _follow_count(self) -> None:
        empty = self.is_empty()
        self.empty_note.setVisible(empty)
        self.combo.setVisible(not empty)
        self.setFocusProxy(self.adder.name if empty else self.combo)

    def _added(self, grid_id: str, text: str) -> None:
        order = [g.id for g in reg.GRIDS.list(self.db)]
        ids = [self.combo.itemData(i) for i in range(self.combo.count())]
        position = order.index(grid_id) if grid_id in order else len(ids)
        # After the grids listed before it in the office's order.
        before = set(order[:position])
        index = sum(1 for i in ids if i in before)
        self.combo.insertItem(index, text, grid_id)
        self.combo.setCurrentIndex(index)
        self._follow_count()
        self.status.setText(f"已新增网格“{text}”并选中。")
        self.status.show()
        self.combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.is_empty():
            self.adder.open_row()  # the form's first focus: the grid's name to type


def mediators_later_note() -> str:
    return f"调解员名单也可以在“{REGISTRIES_PATH} → 调解员”中增加、修改。"
