"""The 案情 tab: what the dispute is about, editable in place while the case is open."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models import cases
from app.models.casefile import CaseFile
from app.models.db import Database
from app.models.reference import categories, sources
from app.models.sync.numbers import PROVISIONAL_NOTE
from app.ui.add_in_place import VillageChooser
from app.ui.cases.service_dialog import call_service
from app.ui.cases.widgets import (
    FieldErrors,
    TextBox,
    current_actor,
    error_banner,
    form_field,
    key_combo,
    require,
    top_aligned_form,
)
from app.ui.chooser import make_filterable
from app.ui.signals import emit


class DetailsPage(QWidget):
    """Emits ``saved`` after the service accepted an edit."""

    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.case: CaseFile | None = None
        self._loaded: tuple[object, ...] = ()
        self.editable = False

        v = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        scroll.setWidget(inner)
        scroll.viewport().setAutoFillBackground(False)  # the tab page's colour, not grey
        inner.setAutoFillBackground(False)
        fields = QVBoxLayout(inner)
        fields.setContentsMargins(0, 0, 0, 0)
        v.addWidget(scroll, 1)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        fields.addWidget(self.info)
        form = top_aligned_form()
        self.category = make_filterable(QComboBox())  # narrowed by typing, as in 登记纠纷
        self.category.addItems(categories())
        self.source = make_filterable(key_combo(sources()))
        self.village_chooser = VillageChooser(db)  # 新增 in place when the village is missing
        self.village = self.village_chooser.combo
        self.facts = TextBox(4)
        self.requests = TextBox(2)
        self.risk = TextBox(2)
        self.risk.setPlaceholderText("可能激化或民转刑的苗头、已向哪些部门报告，可不填")
        banner = error_banner()
        self.errors = FieldErrors(self, banner, scroll)
        for label, widget in (
            ("纠纷类型", self.category),
            ("案件来源", self.source),
            ("所在村（社区）", self.village_chooser),
            ("纠纷简要情况", self.facts),
            ("当事人请求", self.requests),
            ("风险提示", self.risk),
        ):
            box = form_field(form, label, widget)
            self.errors.add(label, box)
            if label in ("纠纷类型", "案件来源", "纠纷简要情况"):
                require(box)  # starred as in 登记纠纷 (the service checks them on save)
        fields.addLayout(form, 1)
        v.addWidget(banner)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存案情修改(&S)")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        v.addLayout(row)

    def _values(self) -> tuple[object, ...]:
        return (
            self.category.currentText(),
            self.source.currentData(),
            self.village.currentData() or None,
            self.facts.toPlainText(),
            self.requests.toPlainText(),
            self.risk.toPlainText(),
        )

    def is_dirty(self) -> bool:
        return self.editable and bool(self._loaded) and self._values() != self._loaded

    def load(self, case: CaseFile, *, keep_edits: bool = True) -> None:
        """Show ``case``. Unsaved edits survive a reload caused by another action (e.g.
        recording a session) unless ``keep_edits`` is False."""
        self.case = case
        info = [f"登记日期：{case.registered_on.isoformat()}"]
        if case.source_detail:
            info.append(f"来源说明：{case.source_detail}")
        if case.number:
            note = f"（{PROVISIONAL_NOTE}）" if case.number_provisional else ""
            info.append(f"案件编号：{case.number}{note}")
        self.info.setText("　".join(info))
        self.editable = "edit" in case.actions
        if not (keep_edits and self.is_dirty()):
            self.category.setCurrentIndex(self.category.findText(case.category))
            self.category.setCurrentText(case.category)  # also one the list no longer has
            self.source.setCurrentIndex(max(self.source.findData(case.source), 0))
            self.village.setCurrentIndex(max(self.village.findData(case.village_id or ""), 0))
            self.facts.setPlainText(case.facts)
            self.requests.setPlainText(case.requests)
            self.risk.setPlainText(case.risk_note)
        self._loaded = (
            case.category,
            case.source,
            case.village_id,
            case.facts,
            case.requests,
            case.risk_note,
        )
        # Read-only, not hidden: a closed case is still read here, only not changed.
        for combo in (self.category, self.source, self.village):
            combo.setEnabled(self.editable)
        self.village_chooser.set_editable(self.editable)
        for box in (self.facts, self.requests, self.risk):
            box.setReadOnly(not self.editable)
        self.save_button.setEnabled(self.editable)

    def save(self) -> bool:
        case = self.case
        if case is None or not self.editable:
            return False

        def call() -> None:
            cases.update_case_details(
                self.db,
                case.id,
                by=current_actor(self.db),
                category=self.category.currentText(),
                source=str(self.source.currentData()),
                village_id=self.village.currentData() or None,
                facts=self.facts.toPlainText(),
                requests=self.requests.toPlainText(),
                risk_note=self.risk.toPlainText(),
                title=case.title,
            )

        if not call_service(self, self.errors, call, title="保存案情"):
            return False
        self._loaded = self._values()  # the owner reloads; nothing is left to keep
        self.status.setText(f"已保存（{QTime.currentTime().toString('HH:mm')}）")
        emit(self.saved)
        return True
