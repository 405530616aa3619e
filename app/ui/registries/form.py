"""The add/edit form of any registry, built from its spec's fields."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.models import office
from app.models import registries as reg
from app.models.db import Database
from app.models.errors import ValidationError
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import DateLine, TextBox, current_user_id, hint_label, key_combo
from app.ui.registries.spec import Field, RegistrySpec

MEMBERS_HINT = "写成“姓名（关系）”，多人用顿号隔开，例如：王芳（配偶）、王小明（子）"


def place_combo(db: Database, kind: str, current: str | None) -> QComboBox:
    """Villages, grids ("红旗村 第一网格") or committees in use, ``currentData()`` the id."""
    combo = QComboBox()
    if kind == "village":
        items = [(p.id, p.name) for p in office.villages(db)]
    elif kind == "grid":
        items = [(g.id, f"{g.village_name} {g.name}") for g in reg.list_grids(db)]
    else:
        items = [(c.id, c.name) for c in reg.list_committees(db)]
    for key, text in items:
        combo.addItem(text, key)
    if current is not None and combo.findData(current) < 0:
        combo.addItem("（已停用）", current)  # editing a row of a retired place keeps it
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    return combo


class RegistryForm(ServiceDialog):
    """新增 or 修改 one row. ``row_id`` None: a new row (``scope`` preselects its place)."""

    def __init__(
        self,
        db: Database,
        spec: RegistrySpec,
        *,
        row: Any = None,
        scope: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        verb = "修改" if row is not None else "新增"
        super().__init__(db, f"{verb}{spec.noun}", parent, width_em=34, intro=spec.hint)
        self.spec = spec
        self.row_id: str | None = None if row is None else str(row.id)
        values = spec.values_of(row) if row is not None else {}
        self.widgets: dict[str, QWidget] = {}
        for f in spec.fields:
            if row is not None and not f.on_edit:
                continue
            current = values.get(f.name)
            if current is None and f.kind in ("village", "grid", "committee"):
                current = scope
            widget = self._widget(f, current)
            self.widgets[f.name] = widget
            self.add_row(f.label, widget)
            if f.kind == "members":
                self.form.addRow("", hint_label(MEMBERS_HINT))

    def _widget(self, f: Field, value: Any) -> QWidget:
        if f.kind in ("village", "grid", "committee"):
            return place_combo(self.db, f.kind, value)
        if f.kind == "place_kind":
            return key_combo(dict(reg.VILLAGE_KINDS_LABELS), value or "village")
        if f.kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if f.kind == "date":
            line = DateLine()
            line.set_value(value)
            return line
        if f.kind == "multiline":
            text = TextBox(3)
            text.setPlainText(value or "")
            return text
        edit = QLineEdit(reg.format_members(value) if f.kind == "members" and value else "")
        if f.kind != "members":
            edit.setText("" if value is None else str(value))
        edit.setPlaceholderText(f.placeholder)
        return edit

    def values(self) -> dict[str, Any]:
        """The typed values as the service's keyword arguments (may raise ValidationError)."""
        out: dict[str, Any] = {}
        for f in self.spec.fields:
            widget = self.widgets.get(f.name)
            if widget is None:
                continue
            if isinstance(widget, QComboBox):
                if widget.currentData() is None:  # nothing to choose from yet
                    raise ValidationError(f.label, f"请先登记{f.label}，再填写这一项。")
                out[f.name] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                out[f.name] = widget.isChecked()
            elif isinstance(widget, DateLine):
                out[f.name] = _required_date(widget, f.label)
            elif isinstance(widget, TextBox):
                out[f.name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit) and f.kind == "members":
                out[f.name] = reg.parse_members(widget.text())
            elif isinstance(widget, QLineEdit):
                out[f.name] = widget.text()
        return out

    def submit(self) -> None:
        by = current_user_id(self.db)
        if self.row_id is None:
            self.spec.add(self.db, by=by, **self.values())
        else:
            assert self.spec.edit is not None
            self.spec.edit(self.db, self.row_id, by=by, **self.values())


def _required_date(line: DateLine, field: str) -> Any:
    value = line.value(field)
    if value is None:
        raise ValidationError(field, f"请填写{field}，例如 2026-12-01。")
    return value
