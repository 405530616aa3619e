"""结案: the outcome; for an agreement its numbered terms and how it is performed; the effects
(防止民转刑, 防止群体性上访) the statistics count."""

from __future__ import annotations

from app.models import cases, rows
from app.models.casefile import CaseFile, load_case
from app.models.cases import AgreementInput, CloseInput
from app.models.db import Database
from app.models.reference import AGREEMENT_OUTCOMES, OUTCOMES, PERFORMANCE
from app.qt.widgets import QCheckBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from app.ui.cases.agreement_form import (
    GENERAL_SECTION,
    NO_TEMPLATES_TEXT,
    AgreementForm,
    TermsEditor,
    category_section,
    latest_recorder,
)
from app.ui.cases.service_dialog import Question, ServiceDialog, call_service
from app.ui.cases.widgets import (
    MoneyLine,
    RadioChoice,
    TextBox,
    current_actor,
    date_edit,
    hint_label,
    inline_row,
    key_combo,
    py_date,
)

__all__ = [
    "GENERAL_SECTION",
    "NO_TEMPLATES_TEXT",
    "CloseDialog",
    "TermsEditor",
    "case_in_words",
    "category_section",
    "dispute_name",
    "latest_recorder",
]

# What the note under the outcome is called, and what to write in it.
NOTE_CAPTIONS = {"terminated": "终止原因", "withdrawn": "撤回情况"}
NOTE_HINTS = {
    "terminated": (
        "如：双方分歧较大，经多次调解未能达成协议，已告知可通过仲裁、行政或诉讼途径解决。"
    ),
    "withdrawn": "如：申请人撤回调解申请。",
}

INVOLVED_LABEL = "涉及金额（元）"
INVOLVED_HINT = "记入案件和台账，不填按协议金额"
INVOLVED_TIP = (
    "这件纠纷涉及的钱数，记在案件和台账上。达成协议的，填了协议金额会自动带过来；"
    "调解不成或撤回的，可以填争议的金额（不计入统计报表的“协议涉及金额”）。"
)
PRINT_DRAFT_TEXT = "打印草稿给当事人看(&P)…"
CONFIRM_TITLE = "确定结案？"
LOCK_NOTE = (
    "结案后本案就锁定了：案情、当事人、调解记录和调解协议都只能查看，不能再修改；"
    "回访、司法确认和归档照常办理。确需修改的，要先办理“重新调解”。"
)


def dispute_name(case: CaseFile) -> str:
    """The case in words: "张三、李四之间的邻里纠纷" (three names at most, then 等)."""
    names = [p.name for p in case.parties]
    who = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    return f"{who}之间的{case.category}纠纷"


def case_in_words(case: CaseFile) -> str:
    """Which case a question is about: its number and its parties, or (a case without a
    number, e.g. one taken from an old 台账 without 案号) its parties alone."""
    if case.number:
        return f"案件{case.number}（{dispute_name(case)}）"
    return f"{dispute_name(case)}（没有案件编号）"


class CloseDialog(ServiceDialog):
    """结案: the outcome; for an agreement its terms and performance; the effects.

    The agreement starts from the case's 协议草稿 (or, after a reopen, the earlier
    agreement); 打印草稿 saves what is typed as the draft and prints it for the parties to
    read. Closing asks first: it locks the case."""

    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(db, "结案", parent, scroll=True, save_text="结案", width_em=42)
        self.case_id = case.id
        self.case = case
        # the 协议草稿's edit stamp as this read it: 打印协议草稿 saves over that draft only
        self._draft_stamp = rows.ABSENT if case.draft is None else case.draft.stamp
        self.closed_on = date_edit()
        self.outcome = RadioChoice(OUTCOMES)
        self.add_row("结案日期", self.closed_on)
        self.add_row("调解结果", self.outcome)
        self._build_agreement(case)
        self._build_effects()
        self.agreement_form.set_values(case.draft or case.agreement, case)
        self.outcome.group.buttonToggled.connect(self._outcome_changed)
        self.outcome.set_key("agreement_written")
        self._outcome_changed()

    def _build_agreement(self, case: CaseFile) -> None:
        self.agreement_group = QGroupBox("调解协议")
        box = QVBoxLayout(self.agreement_group)
        self.agreement_form = form = AgreementForm(self.db, case)
        box.addWidget(form)
        for name, field_box in form.boxes.items():
            self.errors.add(name, field_box)
        # The fields by their old names (tests and callers read them so).
        self.terms = form.terms
        self.facts = form.facts
        self.perform_manner = form.perform_manner
        self.perform_place = form.perform_place
        self.perform_deadline = form.perform_deadline
        self.within_days = form.within_days
        self.agreement_amount = form.amount
        self.recorder = form.recorder
        row = QHBoxLayout()
        self.print_draft_button = QPushButton(PRINT_DRAFT_TEXT)
        self.print_draft_button.setAutoDefault(False)
        self.print_draft_button.setToolTip(
            "把上面的协议内容存为协议草稿，打印出来给当事人阅读核对（印有“草稿”字样，不盖章）"
        )
        self.print_draft_button.clicked.connect(self.print_draft)
        row.addWidget(self.print_draft_button)
        row.addStretch(1)
        box.addLayout(row)
        self.form.addRow(self.agreement_group)

    def _build_effects(self) -> None:
        self.performance = key_combo(PERFORMANCE, "pending")
        self.amount = MoneyLine()
        self.amount.setToolTip(INVOLVED_TIP)
        self.prevented_criminal = QCheckBox("防止民转刑")
        self.prevented_petition = QCheckBox("防止群体性上访")
        effects = inline_row(self.prevented_criminal, self.prevented_petition)
        self.note = TextBox(3)
        self.add_row("履行情况", self.performance)
        amount_box = self.add_row(
            INVOLVED_LABEL, inline_row(self.amount, hint_label(INVOLVED_HINT)), name="涉及金额"
        )
        if amount_box.caption is not None:
            amount_box.caption.setToolTip(INVOLVED_TIP)
        self.add_row("成效", effects)
        self.note_box = self.add_row("备注", self.note)
        for name in NOTE_CAPTIONS.values():
            self.errors.add(name, self.note_box)
        self._auto_involved = ""  # the 涉及金额 text last copied from the 协议金额
        self.agreement_amount.textChanged.connect(self._agreement_amount_changed)

    def _agreement_amount_changed(self, text: str) -> None:
        """An empty 涉及金额 follows the 协议金额 (until someone types in it)."""
        current = self.amount.text().strip()
        if current and current != self._auto_involved:
            return
        self.amount.setText(text.strip())
        self._auto_involved = text.strip()

    def _outcome_changed(self, *_args: object) -> None:
        outcome = self.outcome.key()
        agreed = outcome in AGREEMENT_OUTCOMES
        self.agreement_group.setVisible(agreed)
        self.performance.setCurrentIndex(self.performance.findData("pending" if agreed else "na"))
        assert self.note_box.caption is not None
        self.note_box.caption.setText(NOTE_CAPTIONS.get(outcome, "备注"))
        self.note.setPlaceholderText(NOTE_HINTS.get(outcome, "可不填"))

    def agreement_input(self) -> AgreementInput:
        return self.agreement_form.values()

    def close_input(self) -> CloseInput:
        outcome = self.outcome.key()
        agreement = self.agreement_input() if outcome in AGREEMENT_OUTCOMES else None
        return CloseInput(
            closed_on=py_date(self.closed_on.date()),
            outcome=outcome,
            performance=str(self.performance.currentData()),
            amount_fen=self.amount.value_fen("涉及金额"),
            prevented_criminal=self.prevented_criminal.isChecked(),
            prevented_petition=self.prevented_petition.isChecked(),
            note=self.note.toPlainText(),
            agreement=agreement,
        )

    def question(self) -> Question:
        """Closing locks the case: asked once everything typed is known to be right."""
        data = self.close_input()
        cases.check_close(data, state=self.case.state, accepted_on=self.case.accepted_on)
        outcome = OUTCOMES[data.outcome]
        text = f"确定把{case_in_words(self.case)}以“{outcome}”结案吗？\n\n{LOCK_NOTE}"
        if data.outcome == "agreement_written":
            text += "\n\n结案后可以接着打印《人民调解协议书》。"
        return Question(CONFIRM_TITLE, text, yes="结案", no="再看看")

    def submit(self) -> None:
        cases.close_case(self.db, self.case_id, self.close_input(), by=current_actor(self.db))

    def print_draft(self) -> bool:
        """Save what is typed as the case's 协议草稿 and open its preview (a draft mark, no
        seal). False when the input was refused (the reason is shown)."""

        def save_draft() -> None:
            # all of the agreement typed here, over the draft as it was when this opened
            cases.save_agreement_draft(
                self.db,
                self.case_id,
                self.agreement_input(),
                by=current_actor(self.db),
                loaded=None,
                stamp=self._draft_stamp,
            )

        if not call_service(self, self.errors, save_draft, title="打印协议草稿"):
            return False
        draft = load_case(self.db, self.case_id).draft
        self._draft_stamp = rows.ABSENT if draft is None else draft.stamp
        from app.ui.printing.menu import open_draft_preview

        open_draft_preview(self.db, self.case_id, self)
        return True
