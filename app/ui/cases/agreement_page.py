"""The 协议 tab while a case is mediated: the draft agreement (协议草稿), written and
changed as the mediation goes, printed for the parties to read (marked 草稿, no seal),
and taken by 结案 as the agreement."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from app.models import cases, rows
from app.models.casefile import CaseFile
from app.models.cases import DRAFT_FIELDS, AgreementInput
from app.models.db import Database
from app.models.errors import ValidationError
from app.qt.core import Qt, QTime, Signal
from app.qt.gui import QKeySequence, QShortcut
from app.qt.widgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from app.ui.cases.agreement_form import AgreementForm
from app.ui.cases.service_dialog import call_service, form_state, keep_typed, tell_clashes
from app.ui.cases.widgets import FieldErrors, current_actor, error_banner, hint_label
from app.ui.signals import emit

INTRO = (
    "调解中可以在这里起草协议，随时修改、保存，打印出来给当事人阅读核对"
    "（印有“草稿”字样，不盖章）。结案时选“达成书面协议”，会带出这份草稿。"
)
SAVE_TEXT = "保存草稿(&S)"
PRINT_TEXT = "打印草稿(&L)…"
NOT_SAVED = "还没有保存过协议草稿。"
SAVE_TITLE = "保存协议草稿"
RELOADED = "已载入最新内容，您改过的地方保留着，请核对后再保存。"


def saved_line(case: CaseFile) -> str:
    """When the draft was last saved, and by whom."""
    d = case.draft
    if d is None:
        return NOT_SAVED
    moment = datetime.fromisoformat(d.updated_at).astimezone()
    return f"协议草稿最后保存：{moment:%Y-%m-%d %H:%M}（{d.updated_by_name}）"


class DraftPage(QWidget):
    """Emits ``saved`` after the service stored the draft, and ``reload_requested`` when the
    user asks for the draft as stored now (重新载入 after someone else saved it): the owner
    reloads the case and calls :meth:`load`, which keeps what the user typed."""

    saved = Signal()
    reload_requested = Signal()

    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.case = case
        self._loaded: list[object] = []
        # The draft as the form showed it before the user typed (None: unreadable) and its
        # edit stamp as read: the service writes only what differs, and nothing when the
        # draft changed meanwhile (docs/architecture.md "Edits write only what changed").
        self._shown: AgreementInput | None = None
        self._stamp = rows.ABSENT
        self._reloading = False

        v = QVBoxLayout(self)
        intro = hint_label(INTRO)
        v.addWidget(intro)
        self.saved_label = QLabel()
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        v.addWidget(self.saved_label)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.viewport().setAutoFillBackground(False)  # the tab page's colour
        # Alt+B: the case window's buttons already use T (归口移交) and the others.
        self.form = AgreementForm(db, case, template_key="B")
        self.scroll_area.setWidget(self.form)
        self.form.setAutoFillBackground(False)  # after setWidget, which turns it on
        v.addWidget(self.scroll_area, 1)
        banner = error_banner()
        v.addWidget(banner)
        self.errors = FieldErrors(self, banner, self.scroll_area)
        for name, box in self.form.boxes.items():
            self.errors.add(name, box)
        row = QHBoxLayout()
        self.save_button = QPushButton(SAVE_TEXT)
        self.save_button.setToolTip("Ctrl+S")
        self.print_button = QPushButton(PRINT_TEXT)
        self.print_button.setToolTip("先保存，再打印给当事人阅读核对的草稿")
        for b in (self.save_button, self.print_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        self.status = QLabel()
        row.addWidget(self.status, 1)
        v.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_draft)
        save_keys = QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        save_keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.load(case, keep_edits=False)

    def is_dirty(self) -> bool:
        return bool(self._loaded) and form_state(self.form) != self._loaded

    def load(self, case: CaseFile, *, keep_edits: bool = True) -> None:
        """Show the case's draft (or, before one is saved, what the agreement would start
        from). Unsaved edits survive a reload caused by another action unless
        ``keep_edits`` is False."""
        self.case = case
        self.form.terms.set_parties(
            case.category,
            [p.name for p in case.side("applicant")],
            [p.name for p in case.side("respondent")],
        )
        self.saved_label.setText(saved_line(case))
        stamp = rows.ABSENT if case.draft is None else case.draft.stamp
        dirty = keep_edits and self.is_dirty()
        reloading, self._reloading = self._reloading, False
        before, typed = self._shown, self.typed() if dirty else None
        if dirty and (stamp == self._stamp or before is None or typed is None):
            # the stored draft did not change, or what is typed cannot be read to keep part
            # of it (a date that is not one): all of it stays as it is
            return
        if dirty or not self._shows(case):  # just saved: the cursor stays where it was
            self.form.set_values(case.draft or case.agreement, case)
        self._loaded = form_state(self.form)
        now = self._shown = self.typed()
        self._stamp = stamp
        if before is not None and typed is not None:
            # what the user changed stays; the rest shows the draft as stored now
            merged, both = keep_typed(asdict(before), asdict(typed), asdict(now) if now else {})
            self.form.set_values(AgreementInput(**merged), case)
            if both:
                tell_clashes(self, list(dict.fromkeys(DRAFT_FIELDS.get(n, n) for n in both)))
                return
        if reloading:
            self.status.setText(RELOADED if typed is not None else "已载入最新内容。")

    def _shows(self, case: CaseFile) -> bool:
        """The form already shows the case's draft as stored."""
        d = case.draft
        typed = self.typed()
        if d is None or typed is None:
            return False
        terms = [t.strip() for t in typed.terms if t.strip()]
        return (
            terms,
            typed.facts.strip(),
            typed.perform_manner.strip(),
            typed.perform_place.strip(),
            typed.perform_deadline,
            typed.perform_within_days,
            typed.amount_fen,
            typed.recorder.strip(),
        ) == (
            d.terms,
            d.facts,
            d.perform_manner,
            d.perform_place,
            d.perform_deadline,
            d.perform_within_days,
            d.amount_fen,
            d.recorder,
        )

    def typed(self) -> AgreementInput | None:
        """What is typed now, when it can be read (for the 结案 dialog to start from)."""
        try:
            return self.form.values()
        except ValidationError:
            return None

    def save(self) -> bool:
        """Store the draft. True when it went through (also when nothing had changed)."""
        changed: list[bool] = []
        loaded, stamp = self._shown, self._stamp

        def call() -> None:
            changed.append(
                cases.save_agreement_draft(
                    self.db,
                    self.case.id,
                    self.form.values(),
                    by=current_actor(self.db),
                    loaded=loaded,
                    stamp=stamp,
                )
            )

        if not call_service(self, self.errors, call, title=SAVE_TITLE, reload=self.reload):
            return False
        self._loaded = form_state(self.form)  # the owner reloads; nothing is left to keep
        now = QTime.currentTime().toString("HH:mm")
        self.status.setText(f"已保存（{now}）" if changed[0] else "没有改动，不用保存。")
        if changed[0]:
            emit(self.saved)
        return True

    def reload(self) -> None:
        """重新载入: the owner reads the case as stored now and shows its draft here,
        keeping what the user typed where the other change did not touch it."""
        self._reloading = True
        emit(self.reload_requested)

    def print_draft(self) -> bool:
        """Save what is typed, then open the draft's preview. False when saving failed."""
        if (self.is_dirty() or self.case.draft is None) and not self.save():
            return False
        from app.ui.printing.menu import open_draft_preview

        return open_draft_preview(self.db, self.case.id, self.window()) is not None
