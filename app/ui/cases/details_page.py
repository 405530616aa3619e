"""The 案情 tab: what the dispute is about, editable in place while the case is open."""

from __future__ import annotations

from dataclasses import asdict, replace

from app.models import cases
from app.models.casefile import CaseFile
from app.models.cases import CaseDetails
from app.models.db import Database
from app.models.reference import categories, sources
from app.models.sync.numbers import PROVISIONAL_NOTE
from app.qt.core import Qt, QTime, Signal
from app.qt.widgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from app.ui import session
from app.ui.add_in_place import VillageChooser
from app.ui.cases.service_dialog import call_service, keep_typed, tell_clashes
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

# CaseDetails field -> its label on the form
LABELS = {
    "category": "纠纷类型",
    "source": "案件来源",
    "village_id": "所在村（社区）",
    "facts": "纠纷简要情况",
    "requests": "当事人请求",
    "risk_note": "风险提示",
}
RELOADED = "已载入最新内容，您改过的地方保留着，请核对后再保存。"


class DetailsPage(QWidget):
    """Emits ``saved`` after the service accepted an edit, and ``reload_requested`` when the
    user asks for the case as stored now (重新载入 after someone else changed it): the owner
    reloads the case and calls :meth:`load`, which keeps what the user typed."""

    saved = Signal()
    reload_requested = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.case: CaseFile | None = None
        # The 案情 as the form showed it before the user typed, and the case's edit stamp as
        # read with it: the service writes only what differs, and nothing when the case
        # changed meanwhile (docs/architecture.md "Edits write only what changed").
        self._shown: CaseDetails | None = None
        self._stamp = ""
        self._reloading = False
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

    def typed(self) -> CaseDetails:
        """What the form holds now, in the service's terms (the title is not on the form:
        it stays as loaded)."""
        return CaseDetails(
            category=self.category.currentText(),
            source=str(self.source.currentData()),
            village_id=self.village.currentData() or None,
            facts=self.facts.toPlainText(),
            requests=self.requests.toPlainText(),
            risk_note=self.risk.toPlainText(),
            title=self._shown.title if self._shown is not None else "",
        )

    def _show(self, d: CaseDetails) -> None:
        self.category.setCurrentIndex(self.category.findText(d.category))
        self.category.setCurrentText(d.category)  # also one the list no longer has
        self.source.setCurrentIndex(max(self.source.findData(d.source), 0))
        self.village.setCurrentIndex(max(self.village.findData(d.village_id or ""), 0))
        self.facts.setPlainText(d.facts)
        self.requests.setPlainText(d.requests)
        self.risk.setPlainText(d.risk_note)

    def is_dirty(self) -> bool:
        return self.editable and self._shown is not None and self.typed() != self._shown

    def load(self, case: CaseFile, *, keep_edits: bool = True) -> None:
        """Show ``case``. Unsaved edits survive a reload caused by another action (e.g.
        recording a session) unless ``keep_edits`` is False."""
        stored = self.case.details if self.case is not None else None
        self.case = case
        info = [f"登记日期：{case.registered_on.isoformat()}"]
        if case.source_detail:
            info.append(f"来源说明：{case.source_detail}")
        if case.number:
            note = f"（{PROVISIONAL_NOTE}）" if case.number_provisional else ""
            info.append(f"案件编号：{case.number}{note}")
        self.info.setText("　".join(info))
        # the state allows it, and the user's role (a 调解员: on their own case)
        refused = session.case_refusal(self.db, "edit", case.id) if "edit" in case.actions else ""
        self.editable = "edit" in case.actions and not refused
        before = self._shown
        typed = self.typed() if keep_edits and self.is_dirty() else None
        clashes: list[str] = []
        if typed is not None and stored == case.details:
            self._stamp = case.stamp  # the 案情 as stored did not change: all typed stays
        else:
            self._show(case.details)
            self._shown = replace(self.typed(), title=case.title)  # as shown, stored
            self._stamp = case.stamp
        now = self._shown
        if typed is not None and before is not None and now is not None and stored != case.details:
            # what the user changed stays; the rest shows what is stored now
            merged, both = keep_typed(asdict(before), asdict(typed), asdict(now))
            self._show(CaseDetails(**merged))
            clashes = [LABELS.get(name, name) for name in both]
        reloading, self._reloading = self._reloading, False
        if clashes:
            tell_clashes(self, clashes)
        elif reloading:
            self.status.setText(RELOADED if typed is not None else "已载入最新内容。")
        # Read-only, not hidden: a closed case is still read here, only not changed.
        for combo in (self.category, self.source, self.village):
            combo.setEnabled(self.editable)
        self.village_chooser.set_editable(self.editable)
        for box in (self.facts, self.requests, self.risk):
            box.setReadOnly(not self.editable)
        self.save_button.setEnabled(self.editable)
        self.save_button.setToolTip(refused)

    def save(self) -> bool:
        case, loaded = self.case, self._shown
        if case is None or loaded is None or not self.editable:
            return False
        wanted, stamp = self.typed(), self._stamp
        changed: list[bool] = []

        def call() -> None:
            changed.append(
                cases.update_case_details(
                    self.db, case.id, wanted, loaded=loaded, stamp=stamp, by=current_actor(self.db)
                )
            )

        if not call_service(self, self.errors, call, title="保存案情", reload=self.reload):
            return False
        self._shown = wanted  # the owner reloads; nothing is left to keep
        if not changed[0]:
            self.status.setText("没有改动，不用保存。")
            return True
        self.status.setText(f"已保存（{QTime.currentTime().toString('HH:mm')}）")
        emit(self.saved)
        return True

    def reload(self) -> None:
        """重新载入: the owner reads the case as stored now and shows it here, keeping what
        the user typed where the other change did not touch it."""
        self._reloading = True
        emit(self.reload_requested)
