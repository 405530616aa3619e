"""One registry as a page: a place filter, the table, and what can be done with a row.

新增 / 修改 open :class:`RegistryForm`; 停用 (retire) keeps the row for the records, 恢复
brings it back; 删除 is only for a row entered by mistake that nothing refers to (the
service refuses otherwise and says what refers to it). Import and export through xlsx
(:mod:`app.ui.registries.sheets`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from app.models import office
from app.models import registries as reg
from app.models.accounts import Actor
from app.models.db import Database, StorageError
from app.qt.core import QModelIndex, QSortFilterProxyModel, Qt, Signal
from app.qt.widgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session
from app.ui.cases.service_dialog import call_service
from app.ui.cases.widgets import FieldErrors, current_actor, error_banner, hint_label
from app.ui.item_views import SortRole, on_open, record_table
from app.ui.look import ERROR, tint
from app.ui.registries.form import RegistryForm
from app.ui.signals import emit
from app.ui.table_model import Column, ListTableModel

ALL_PLACES = "全部"
SCOPE_CAPTIONS = {"village": "村（社区）", "grid": "网格", "committee": "调委会"}


class RegistryPage(QWidget):
    """The page of one registry. Emits ``changed`` after every saved change."""

    changed = Signal()

    def __init__(
        self, db: Database, kind: reg.RegistryKind[Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.kind = kind
        self.form: RegistryForm | None = None

        self.scope = QComboBox()
        self.show_retired = QCheckBox("显示已停用(&H)")
        self.count_label = QLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        tint(self.warning, ERROR)
        self.warning.hide()
        top = self._top_row()
        self._make_table()
        buttons = self._button_row()
        self.banner = error_banner()
        self.errors = FieldErrors(self, self.banner, None)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if kind.hint:
            layout.addWidget(hint_label(kind.hint))
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)

        self.scope.currentIndexChanged.connect(self.refresh)
        self.show_retired.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.fill_scope()

    def _top_row(self) -> QHBoxLayout:
        """The place filter (when the registry has one), 显示已停用 and the count."""
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top = QHBoxLayout()
        if self.kind.scope != "none":
            label = QLabel(f"{SCOPE_CAPTIONS[self.kind.scope]}(&C)")
            label.setBuddy(self.scope)
            top.addWidget(label)
            top.addWidget(self.scope)
        else:
            self.scope.hide()
        top.addWidget(self.show_retired)
        top.addStretch(1)
        top.addWidget(self.count_label)
        return top

    def _make_table(self) -> None:
        """The registry's rows, its columns as its declaration gives them."""
        columns = [Column[Any](c.column, c.text, c.sort) for c in self.kind.columns]
        self.model = ListTableModel(columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = record_table(self.proxy, wrap=True)
        self.table.setSortingEnabled(True)
        # The services' order (villages, grids and house numbers in natural order) until
        # the user clicks a header.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        on_open(self.table, self._edit_index)

    def _button_row(self) -> QHBoxLayout:
        """新增, 修改, 停用, 删除, and the spreadsheet's buttons when the registry has one."""
        self._plain_tips: dict[QPushButton, str] = {}
        self.add_button = QPushButton("新增(&N)…")
        self.edit_button = QPushButton("修改(&E)…")
        self.retire_button = QPushButton("停用(&T)")
        self.delete_button = QPushButton("删除(&D)")
        self.delete_button.setToolTip("只用于登记错了、没有被引用的记录；不再使用的请“停用”")
        actions: list[tuple[QPushButton, Callable[[], object]]] = [
            (self.add_button, self.add),
            (self.edit_button, self.edit_selected),
            (self.retire_button, self.toggle_retired),
            (self.delete_button, self.delete_selected),
        ]
        self.sheet_buttons: list[QPushButton] = []
        if self.kind.sheet is not None:
            self.import_button = QPushButton("从表格导入(&I)…")
            self.export_button = QPushButton("导出到表格(&X)…")
            self.template_button = QPushButton("下载导入模板…")
            self.sheet_buttons = [self.import_button, self.export_button, self.template_button]
            actions += [
                (self.import_button, self.import_sheet),
                (self.export_button, self.export_sheet),
                (self.template_button, self.save_template),
            ]
        buttons = QHBoxLayout()
        for i, (button, action) in enumerate(actions):
            button.setAutoDefault(False)
            button.clicked.connect(action)
            buttons.addWidget(button)
            if i == 3:  # the spreadsheet's buttons on the right
                buttons.addStretch(1)
        return buttons

    # ---- data

    def fill_scope(self) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(ALL_PLACES, None)
        if self.kind.scope == "village":
            for p in office.villages(self.db):
                self.scope.addItem(p.name, p.id)
        elif self.kind.scope == "grid":
            for g in reg.GRIDS.list(self.db):
                self.scope.addItem(f"{g.village_name} {g.name}", g.id)
        elif self.kind.scope == "committee":
            for c in reg.COMMITTEES.list(self.db):
                self.scope.addItem(c.name, c.id)
        self.scope.setCurrentIndex(max(self.scope.findData(current), 0))
        self.scope.blockSignals(False)
        self.refresh()

    def scope_id(self) -> str | None:
        data = self.scope.currentData()
        return None if data is None else str(data)

    def refresh(self, *_args: object) -> bool:
        selected = self.selected_row()
        try:
            scope = {} if self.kind.scope == "none" else {f"{self.kind.scope}_id": self.scope_id()}
            rows = self.kind.list(self.db, include_retired=self.show_retired.isChecked(), **scope)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return False
        self.model.set_rows(rows)
        active = sum(1 for r in rows if not r.retired)
        retired = len(rows) - active
        self.count_label.setText(f"共 {active} 条" + (f"，已停用 {retired} 条" if retired else ""))
        self._update_warning()
        if selected is not None:
            self.select(str(selected.id))
        self._update_buttons()
        return True

    def _update_warning(self) -> None:
        text = ""
        if self.kind is reg.LEGAL_ADVISERS:
            short = reg.advisers_short(self.db)
            scope = self.scope_id()
            lines = [
                f"{place.name}只有 {count} 名法律明白人，至少要有 {reg.MIN_ADVISERS} 名。"
                for place, count in short
                if scope is None or place.id == scope
            ]
            text = "\n".join(lines)
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    # ---- selection

    def selected_row(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.model.record(source.row())

    def select(self, row_id: str) -> bool:
        for r in range(self.model.rowCount()):
            if str(self.model.record(r).id) == row_id:
                index = self.proxy.mapFromSource(self.model.index(r, 0))
                self.table.selectRow(index.row())
                self.table.setCurrentIndex(index)
                return True
        return False

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None and not row.retired)
        self.retire_button.setEnabled(row is not None and not getattr(row, "main", False))
        self.retire_button.setText(
            "恢复启用(&T)" if row is not None and row.retired else "停用(&T)"
        )
        self.delete_button.setEnabled(row is not None and not getattr(row, "main", False))
        # what the user's role may not change: disabled, and why (the services refuse too)
        why = session.why_not(self.db, self.kind.permission)
        changing = [self.add_button, self.edit_button, self.retire_button, self.delete_button]
        if self.kind.sheet is not None:
            changing.append(self.import_button)
        for button in changing:
            if why:
                button.setEnabled(False)
            button.setToolTip(why or self._plain_tips.setdefault(button, button.toolTip()))

    # ---- actions

    def add(self) -> RegistryForm:
        return self._open_form(RegistryForm(self.db, self.kind, scope=self.scope_id(), parent=self))

    def edit_selected(self) -> RegistryForm | None:
        row = self.selected_row()
        if row is None or row.retired:
            return None
        return self._open_form(RegistryForm(self.db, self.kind, row=row, parent=self))

    def _edit_index(self, _index: QModelIndex) -> None:
        self.edit_selected()

    def _open_form(self, form: RegistryForm) -> RegistryForm:
        self.form = form
        form.saved.connect(partial(self._saved, form))
        if form.grid_chooser is not None:  # a grid added in the form is saved at once
            form.grid_chooser.adder.added.connect(self._place_added)
        form.open()
        return form

    def _saved(self, form: RegistryForm) -> None:
        self.refresh()
        if form.row_id is not None:
            self.select(form.row_id)
        else:
            self._select_last_added()
        emit(self.changed)

    def _place_added(self, *_args: object) -> None:
        """A grid was added in place: this page's filter and the other pages list it."""
        self.fill_scope()
        emit(self.changed)

    def _select_last_added(self) -> None:
        rows = [self.model.record(r) for r in range(self.model.rowCount())]
        if rows:  # uuid7 ids grow with time: the newest row has the largest
            self.select(str(max(rows, key=lambda r: str(r.id)).id))

    def toggle_retired(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.retired:
            self._run(lambda: self.kind.reinstate(self.db, row.id, by=self._by()), row)
            return
        messages.confirm(
            self,
            f"停用{self.kind.noun}",
            f"停用“{self.kind.label_of(row)}”？\n\n停用后不再出现在选择列表和打印的材料中，"
            "以前的记录保留不变；需要时可以勾选“显示已停用”后恢复启用。",
            yes="停用",
            no="取消",
            on_yes=lambda: self._run(lambda: self.kind.retire(self.db, row.id, by=self._by()), row),
        )

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        messages.confirm(
            self,
            f"删除{self.kind.noun}",
            f"删除“{self.kind.label_of(row)}”？\n\n删除只用于登记错了的记录，删除后不能恢复。"
            "不再使用的请点“停用”。",
            yes="删除",
            no="取消",
            on_yes=lambda: self._run(
                lambda: self.kind.delete(self.db, row.id, by=self._by()), None
            ),
        )

    def _run(self, fn: Any, keep: Any) -> bool:
        if not call_service(self, self.errors, fn, title=self.kind.title):
            return False
        if keep is not None and not keep.retired:
            self.show_retired.setChecked(True)  # what was just retired stays in sight
        self.refresh()
        if keep is not None:
            self.select(str(keep.id))
        emit(self.changed)
        return True

    def _by(self) -> Actor:
        return current_actor(self.db)

    # ---- spreadsheets

    def import_sheet(self) -> object:
        from app.ui.registries.sheets import start_import

        return start_import(self)

    def export_sheet(self) -> object:
        from app.ui.registries.sheets import start_export

        return start_export(self)

    def save_template(self) -> object:
        from app.ui.registries.sheets import start_template

        return start_template(self)
