"""The add/edit form of any registry, built from its declaration's fields
(app/models/registries: a field's ``input`` says which widget asks for it)."""

from __future__ import annotations

from typing import Any

from app.models import office
from app.models import registries as reg
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.registries.fields import Choice, Field
from app.qt.widgets import QCheckBox, QComboBox, QLineEdit, QWidget
from app.ui import messages
from app.ui.add_in_place import GridChooser, grid_text
from app.ui.cases.service_dialog import ServiceDialog, keep_typed, tell_clashes
from app.ui.cases.widgets import (
    DateLine,
    Problem,
    TextBox,
    current_actor,
    hint_label,
    key_combo,
    set_tab_chain,
)

MEMBERS_HINT = "写成“姓名（关系）”，多人用顿号隔开，例如：王芳（配偶）、王小明（子）"


def place_combo(db: Database, kind: str, current: str | None) -> QComboBox:
    """Villages, grids ("红旗村 第一网格") or committees in use, ``currentData()`` the id."""
    combo = QComboBox()
    if kind == "village":
        items = [(p.id, p.name) for p in office.villages(db)]
    elif kind == "grid":
        items = [(g.id, grid_text(g)) for g in reg.GRIDS.list(db)]
    else:
        items = [(c.id, c.name) for c in reg.COMMITTEES.list(db)]
    for key, text in items:
        combo.addItem(text, key)
    if current is not None and combo.findData(current) < 0:
        combo.addItem("（已停用）", current)  # editing a row of a retired place keeps it
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    return combo


class RegistryForm(ServiceDialog):
    """新增 or 修改 one row. ``row_id`` None: a new row (``scope`` preselects its place).

    修改 keeps the row as the form showed it before the user typed, and the row's edit
    stamp: the service writes only the fields the user changed, and refuses when the row
    changed meanwhile; 重新载入 then shows it as stored, keeping what the user typed."""

    def __init__(
        self,
        db: Database,
        kind: reg.RegistryKind[Any],
        *,
        row: Any = None,
        scope: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        verb = "修改" if row is not None else "新增"
        super().__init__(db, f"{verb}{kind.noun}", parent, width_em=34, intro=kind.hint)
        self.kind = kind
        self.row_id: str | None = None if row is None else str(row.id)
        values = kind.values_of(row) if row is not None else {}
        self.widgets: dict[str, QWidget] = {}
        # 网格 (网格员, 住户): a grid can be added right here when the one wanted is missing.
        self.grid_chooser: GridChooser | None = None
        for f in kind.inputs:
            if row is not None and not f.on_edit:
                continue
            current = values.get(f.name)
            if current is None and f.input == kind.scope:
                current = scope  # the page's filter presets the place
            widget = self._widget(f, current)
            self.widgets[f.name] = widget
            if f.input == "grid" and isinstance(widget, QComboBox):
                if current is None and kind.scope == "village" and scope is not None:
                    _choose_grid_of(widget, db, scope)  # 网格员 of a village: its first grid
                self.grid_chooser = GridChooser(
                    db, widget, village_id=self._village_of(widget, scope)
                )
                self.add_row(f.label, self.grid_chooser)
                set_tab_chain(self.grid_chooser.tab_widgets())
            else:
                self.add_row(f.label, widget)
            if f.input == "members":
                self.form.addRow("", hint_label(MEMBERS_HINT))
        self.stamp = ""
        self._shown: dict[str, Any] = {}
        if row is not None:
            self.stamp = str(row.stamp)
            self._shown = self._as_shown(values)
            self.reload = self.reload_row

    def _as_shown(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The fields as the form shows them (as the service will get them); the stored
        values where the form cannot read one (a place no longer in use)."""
        try:
            return self.values()
        except ValidationError:
            return {k: v for k, v in stored.items() if k in self.widgets}

    def _put(self, f: Field, value: Any) -> None:
        """Show ``value`` in the field's input."""
        widget = self.widgets[f.name]
        if isinstance(widget, QComboBox):
            if value is not None and widget.findData(value) < 0:
                widget.addItem("（已停用）", value)
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, DateLine):
            widget.set_value(value)
        elif isinstance(widget, TextBox):
            widget.setPlainText(value or "")
        elif isinstance(widget, QLineEdit):
            widget.setText(f.as_text(value))

    def reload_row(self) -> None:
        """重新载入: the row as stored now; what the user changed stays where the other
        change did not touch it."""
        assert self.row_id is not None
        try:
            row = self.kind.get(self.db, self.row_id)
        except NotFoundError as exc:
            messages.warning(self, self.windowTitle(), exc.message)
            return
        before = self._shown
        try:
            typed: dict[str, Any] | None = self.values()
        except ValidationError:
            typed = None
        stored = self.kind.values_of(row)
        fields = [f for f in self.kind.inputs if f.name in self.widgets]
        for f in fields:
            self._put(f, stored.get(f.name))
        now = self._shown = self._as_shown(stored)
        self.stamp = str(row.stamp)
        if typed is None:
            return
        merged, both = keep_typed(before, typed, now)
        for f in fields:
            if merged.get(f.name) != now.get(f.name):
                self._put(f, merged.get(f.name))
        if both:
            tell_clashes(self, [f.label for f in fields if f.name in both])

    def _village_of(self, grids: QComboBox, scope: str | None) -> str | None:
        """The village a grid added here goes under at first: the chosen grid's, else the
        page's village."""
        grid_id = grids.currentData()
        if grid_id is not None:
            found = [g for g in reg.GRIDS.list(self.db) if g.id == grid_id]
            if found:
                return found[0].village_id
        return scope if self.kind.scope == "village" else None

    def _widget(self, f: Field, value: Any) -> QWidget:
        if f.input in ("village", "grid", "committee"):
            return place_combo(self.db, f.input, value)
        if isinstance(f, Choice):
            return key_combo(f.choices, value or f.fallback)
        if f.input == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if f.input == "date":
            line = DateLine()
            line.set_value(value)
            return line
        if f.input == "multiline":
            text = TextBox(3)
            text.setPlainText(value or "")
            return text
        edit = QLineEdit(f.as_text(value))
        edit.setPlaceholderText(f.placeholder)
        return edit

    def values(self) -> dict[str, Any]:
        """The typed values as the service's keyword arguments (may raise ValidationError)."""
        out: dict[str, Any] = {}
        for f in self.kind.inputs:
            widget = self.widgets.get(f.name)
            if widget is None:
                continue
            if isinstance(widget, QComboBox):
                if widget.currentData() is None and f.input == "grid":
                    raise ValidationError(
                        f.label, f"还没有{f.label}：请在这一项下面新增网格（填写名称后点“添加”）。"
                    )
                if widget.currentData() is None:  # nothing to choose from yet
                    raise ValidationError(f.label, f"请先登记{f.label}，再填写这一项。")
                out[f.name] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                out[f.name] = widget.isChecked()
            elif isinstance(widget, DateLine):
                out[f.name] = _required_date(widget, f.label)
            elif isinstance(widget, TextBox):
                out[f.name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                out[f.name] = f.from_text(widget.text())
        return out

    def problems(self) -> list[Problem]:
        """A grid name typed in the adder but not added is what the 网格 lacks: said first."""
        found = super().problems()
        pending = self.grid_chooser.adder.pending() if self.grid_chooser is not None else ""
        box = self.errors.find(reg.GRID_FIELD)
        if pending and box is not None:
            found = [p for p in found if p.box is not box]
            message = f"网格“{pending}”还没有添加：请先点“添加”，或点“取消”不要它。"
            found.insert(0, Problem(message, box, box.title()))
        return found

    def submit(self) -> None:
        by = current_actor(self.db)
        if self.row_id is None:
            self.kind.add(self.db, by=by, **self.values())
        else:
            self.kind.edit(
                self.db, self.row_id, by=by, loaded=self._shown, stamp=self.stamp, **self.values()
            )


def _choose_grid_of(grids: QComboBox, db: Database, village_id: str) -> None:
    """Choose the first grid of ``village_id`` (the village the page shows)."""
    own = {g.id for g in reg.GRIDS.list(db, village_id=village_id)}
    for i in range(grids.count()):
        if grids.itemData(i) in own:
            grids.setCurrentIndex(i)
            return


def _required_date(line: DateLine, field: str) -> Any:
    value = line.value(field)
    if value is None:
        raise ValidationError(field, f"请填写{field}，例如 2026-12-01。")
    return value
