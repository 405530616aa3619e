"""结案: the outcome; for an agreement its numbered terms and how it is performed; the effects
(防止民转刑, 防止群体性上访) the statistics count."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QSizeF, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models import cases
from app.models.casefile import CaseFile
from app.models.cases import AgreementInput, CloseInput
from app.models.clause_templates import EVERY_CATEGORY, ClauseTemplate, fill, templates_for
from app.models.db import Database, StorageError
from app.models.reference import AGREEMENT_OUTCOMES, OUTCOMES, PERFORMANCE
from app.ui import messages
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import (
    DateLine,
    MoneyLine,
    RadioChoice,
    TextBox,
    current_user_id,
    date_edit,
    hint_label,
    inline_row,
    key_combo,
    py_date,
    set_tab_chain,
    top_aligned_form,
)

# What the note under the outcome is called, and what to write in it.
NOTE_CAPTIONS = {"terminated": "终止原因", "withdrawn": "撤回情况"}
NOTE_HINTS = {
    "terminated": (
        "如：双方分歧较大，经多次调解未能达成协议，已告知可通过仲裁、行政或诉讼途径解决。"
    ),
    "withdrawn": "如：申请人撤回调解申请。",
}

MAX_TERM_LINES = 6
TEMPLATE_BUTTON_TEXT = "从模板插入(&T)…"
GENERAL_SECTION = "通用条款"
NO_TEMPLATES_TEXT = "（没有可用的条款模板）"
# What a template leaves for the mediator to fill in: "____", "__" (see clause_templates.json).
BLANK = re.compile(r"_{2,}")


def category_section(category: str) -> str:
    """The heading of a case category's own templates in the 从模板插入 menu."""
    return f"{category}纠纷适用"


def rich_tooltip(text: str) -> str:
    """A tooltip that wraps (plain text would run off the screen as one long line)."""
    return f"<p>{html.escape(text)}</p>"


def latest_recorder(case: CaseFile) -> str:
    """Who keeps the record: the agreement's 记录人 (after a reopen), else the 记录人 of the
    latest mediation session that names one."""
    if case.agreement is not None and case.agreement.recorder.strip():
        return case.agreement.recorder.strip()
    for session in reversed(case.sessions):  # ordered by time held
        if session.kind == "session" and session.recorder.strip():
            return session.recorder.strip()
    return ""


class TermBox(TextBox):
    """One term's text: two lines high, growing with its text (up to MAX_TERM_LINES, then
    it scrolls), so a long clause, e.g. one from a template, is read whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(2, parent)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(self._fit_lines)

    def _fit_lines(self, size: QSizeF) -> None:
        # A plain-text document measures its height in (wrapped) lines.
        lines = max(2, min(MAX_TERM_LINES, math.ceil(size.height())))
        if lines != self._lines:
            self._lines = lines
            self.setMinimumHeight(self._height_for(lines))
            self.updateGeometry()


class TermsEditor(QWidget):
    """协议条款 as a numbered list: add, remove, move up and down, all from the keyboard.

    Rows are only ever added or removed at the end (moving and removing shift the texts),
    so the Tab order set up once stays right.

    Given a database, it also offers the office's 协议条款模板 for the case's ``category``
    (button 从模板插入, Alt+T), filled with the parties' names.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        db: Database | None = None,
        category: str = "",
        applicants: Sequence[str] = (),
        respondents: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._category = category
        self._applicants = list(applicants)
        self._respondents = list(respondents)
        self.template_menu: QMenu | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout = QGridLayout()
        self.rows_layout.setColumnStretch(1, 1)
        layout.addLayout(self.rows_layout)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("增加一条")
        self.remove_button = QPushButton("删除本条")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        for b, keys in (
            (self.add_button, "Alt+N"),
            (self.remove_button, "Alt+Delete"),
            (self.up_button, "Alt+↑"),
            (self.down_button, "Alt+↓"),
        ):
            b.setAutoDefault(False)
            b.setToolTip(keys)
            buttons.addWidget(b)
        self.template_button: QPushButton | None = None
        keys_hint = "Alt+N 增加一条　Alt+Delete 删除　Alt+↑/↓ 上下移动"
        if db is not None:
            self.template_button = QPushButton(TEMPLATE_BUTTON_TEXT)
            self.template_button.setAutoDefault(False)
            self.template_button.setToolTip("Alt+T：选一条常用条款，填入当事人姓名")
            self.template_button.clicked.connect(self.show_template_menu)
            buttons.insertWidget(1, self.template_button)  # beside 增加一条
            keys_hint = "Alt+N 增加一条　Alt+T 从模板插入　Alt+Delete 删除　Alt+↑/↓ 移动"
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(hint_label(keys_hint))
        self._numbers: list[QLabel] = []
        self.edits: list[TextBox] = []
        self.current = 0
        self.add_button.clicked.connect(lambda: self.add_term())
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        # Scoped to the editor: Alt+↓ keeps opening calendars elsewhere in the dialog.
        for keys, slot in (
            ("Alt+N", lambda: self.add_term()),
            ("Alt+Delete", self.remove_current),
            ("Alt+Up", lambda: self.move_current(-1)),
            ("Alt+Down", lambda: self.move_current(1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        first = self.add_term(focus=False)
        self.setFocusProxy(first)  # an error on 协议内容 puts the cursor in the first term

    # ---- API

    def terms(self) -> list[str]:
        return [e.toPlainText() for e in self.edits]

    def set_terms(self, terms: list[str]) -> None:
        while len(self.edits) < max(len(terms), 1):
            self.add_term(focus=False)
        while len(self.edits) > max(len(terms), 1):
            self._drop_last()
        for edit, text in zip(self.edits, terms or [""], strict=True):
            edit.setPlainText(text)

    def add_term(self, text: str = "", *, focus: bool = True) -> TextBox:
        edit = TermBox()
        edit.setPlaceholderText("如：张三于 2026 年 12 月 31 日前一次性支付李四赔偿款 3000 元。")
        edit.setPlainText(text)
        edit.installEventFilter(self)
        number = QLabel()
        row = len(self.edits)
        self.rows_layout.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
        self.rows_layout.addWidget(edit, row, 1)
        if self.isVisible():  # a layout would show them only on the next event-loop pass
            number.show()
            edit.show()
        self._numbers.append(number)
        self.edits.append(edit)
        self._renumber()
        set_tab_chain([*self.edits, self.add_button, *self._template_buttons()])
        if focus:
            self.current = row
            edit.setFocus()
        return edit

    def remove_current(self) -> None:
        if len(self.edits) == 1:
            self.edits[0].clear()
            self.edits[0].setFocus()
            return
        texts = self.terms()
        del texts[self.current]
        for edit, text in zip(self.edits, texts, strict=False):
            edit.setPlainText(text)
        self._drop_last()
        self.current = min(self.current, len(self.edits) - 1)
        self.edits[self.current].setFocus()

    def move_current(self, delta: int) -> None:
        i, j = self.current, self.current + delta
        if not 0 <= j < len(self.edits):
            return
        a, b = self.edits[i].toPlainText(), self.edits[j].toPlainText()
        self.edits[i].setPlainText(b)
        self.edits[j].setPlainText(a)
        self.current = j
        self.edits[j].setFocus()

    # ---- templates

    def show_template_menu(self) -> QMenu:
        """Pop up the templates offered for the case's category (read afresh each time: the
        office may have edited them meanwhile). Arrow keys and Enter pick one, Esc closes."""
        if self.template_menu is not None:
            self.template_menu.deleteLater()
        menu = QMenu(self)
        menu.setObjectName("clauseTemplates")
        menu.setToolTipsVisible(True)
        self.template_menu = menu
        first = self._fill_template_menu(menu)
        anchor = self.template_button or self
        menu.popup(anchor.mapToGlobal(QPoint(0, anchor.height())))
        if first is not None:
            menu.setActiveAction(first)  # Enter takes it, ↓ moves on: no mouse needed
        return menu

    def _fill_template_menu(self, menu: QMenu) -> QAction | None:
        """The entries: the category's own templates under its heading, then the general
        ones. Returns the first entry (None when there is none)."""
        offered: list[ClauseTemplate] = []
        if self._db is not None:
            try:
                offered = templates_for(self._db, self._category)
            except StorageError as exc:
                messages.show_storage_error(self, exc)
        first: QAction | None = None
        section = ""
        for template in offered:
            heading = (
                GENERAL_SECTION
                if template.category == EVERY_CATEGORY
                else category_section(template.category)
            )
            if heading != section:
                menu.addSection(heading)
                section = heading
            action = menu.addAction(template.title.replace("&", "&&"))
            action.setToolTip(rich_tooltip(self.filled(template)))
            action.triggered.connect(lambda _checked=False, t=template: self.insert_template(t))
            if first is None:
                first = action
        if first is None:
            menu.addAction(NO_TEMPLATES_TEXT).setEnabled(False)
        return first

    def filled(self, template: ClauseTemplate) -> str:
        return fill(template.body, self._applicants, self._respondents)

    def insert_template(self, template: ClauseTemplate) -> TextBox:
        """The template's text, with the parties' names, as a term: into the current term
        when that is empty, else into an empty last term, else as a new term at the end.
        The cursor lands on the first blank (____) to fill in."""
        text = self.filled(template)
        current = self.edits[self.current] if 0 <= self.current < len(self.edits) else None
        if current is not None and not current.toPlainText().strip():
            edit = current
        elif not self.edits[-1].toPlainText().strip():
            edit = self.edits[-1]
        else:
            edit = self.add_term(focus=False)
        edit.setPlainText(text)
        self.current = self.edits.index(edit)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        blank = BLANK.search(text)
        if blank is not None:
            cursor = edit.textCursor()
            cursor.setPosition(blank.start())
            cursor.setPosition(blank.end(), QTextCursor.MoveMode.KeepAnchor)
            edit.setTextCursor(cursor)
        self._reveal(edit)
        return edit

    def _template_buttons(self) -> list[QWidget]:
        return [self.template_button] if self.template_button is not None else []

    def _reveal(self, widget: QWidget) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(widget)

    # ---- internals

    def _drop_last(self) -> None:
        edit, number = self.edits.pop(), self._numbers.pop()
        for w in (edit, number):
            self.rows_layout.removeWidget(w)
            w.hide()
            w.deleteLater()

    def _renumber(self) -> None:
        for i, label in enumerate(self._numbers, start=1):
            label.setText(f"第{i}条")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self.edits:
            self.current = self.edits.index(watched)
        return super().eventFilter(watched, event)


class CloseDialog(ServiceDialog):
    """结案: the outcome; for an agreement its terms and performance; the effects."""

    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(db, "结案", parent, scroll=True, save_text="结案", width_em=42)
        self.case_id = case.id
        self.closed_on = date_edit()
        self.outcome = RadioChoice(OUTCOMES)
        self.add_row("结案日期", self.closed_on)
        self.add_row("调解结果", self.outcome)
        self._build_agreement(case)
        self._build_effects()
        self._prefill(case)
        self.outcome.group.buttonToggled.connect(self._outcome_changed)
        self.outcome.set_key("agreement_written")
        self._outcome_changed()

    def _build_agreement(self, case: CaseFile) -> None:
        self.agreement_group = QGroupBox("调解协议")
        form = top_aligned_form(self.agreement_group)
        self.terms = TermsEditor(
            db=self.db,
            category=case.category,
            applicants=[p.name for p in case.side("applicant")],
            respondents=[p.name for p in case.side("respondent")],
        )
        self.facts = TextBox(4)
        self.facts.setPlaceholderText("纠纷的主要事实、争议事项及各方责任")
        self.perform_manner = QLineEdit()
        self.perform_manner.setPlaceholderText("如：一次性现金支付、银行转账、分期支付")
        self.perform_place = QLineEdit()
        self.perform_deadline = DateLine()
        self.agreement_amount = MoneyLine()
        self.recorder = QLineEdit()
        self.recorder.setPlaceholderText("协议书上签名的记录人")
        self.add_row("协议内容", self.terms, form=form)
        self.add_row("事实及责任", self.facts, form=form, name="纠纷事实及责任")
        self.add_row("履行方式", self.perform_manner, form=form)
        self.add_row("履行地点", self.perform_place, form=form)
        self.add_row("履行期限", self.perform_deadline, form=form)
        self.add_row("协议金额（元）", self.agreement_amount, form=form, name="协议金额")
        self.add_row("记录人", self.recorder, form=form)
        self.form.addRow(self.agreement_group)

    def _build_effects(self) -> None:
        self.performance = key_combo(PERFORMANCE, "pending")
        self.amount = MoneyLine()
        self.amount.setPlaceholderText("单位：元；不填则按协议金额")
        self.prevented_criminal = QCheckBox("防止民转刑")
        self.prevented_petition = QCheckBox("防止群体性上访")
        effects = inline_row(self.prevented_criminal, self.prevented_petition)
        self.note = TextBox(3)
        self.add_row("履行情况", self.performance)
        self.add_row("涉及金额（元）", self.amount, name="涉及金额")
        self.add_row("成效", effects)
        self.note_box = self.add_row("备注", self.note)
        for name in NOTE_CAPTIONS.values():
            self.errors.add(name, self.note_box)

    def _prefill(self, case: CaseFile) -> None:
        """From the case, so nobody retypes: after a reopen, the earlier agreement."""
        self.facts.setPlainText(case.facts)
        self.recorder.setText(latest_recorder(case))
        a = case.agreement
        if a is None:
            return
        self.terms.set_terms(a.terms)
        if a.facts:
            self.facts.setPlainText(a.facts)
        self.perform_manner.setText(a.perform_manner)
        self.perform_place.setText(a.perform_place)
        self.perform_deadline.set_value(a.perform_deadline)
        self.agreement_amount.set_fen(a.amount_fen)

    def _outcome_changed(self, *_args: object) -> None:
        outcome = self.outcome.key()
        agreed = outcome in AGREEMENT_OUTCOMES
        self.agreement_group.setVisible(agreed)
        self.performance.setCurrentIndex(self.performance.findData("pending" if agreed else "na"))
        assert self.note_box.caption is not None
        self.note_box.caption.setText(NOTE_CAPTIONS.get(outcome, "备注"))
        self.note.setPlaceholderText(NOTE_HINTS.get(outcome, "可不填"))

    def close_input(self) -> CloseInput:
        outcome = self.outcome.key()
        agreement = None
        if outcome in AGREEMENT_OUTCOMES:
            agreement = AgreementInput(
                terms=self.terms.terms(),
                facts=self.facts.toPlainText(),
                perform_manner=self.perform_manner.text(),
                perform_place=self.perform_place.text(),
                perform_deadline=self.perform_deadline.value("履行期限"),
                amount_fen=self.agreement_amount.value_fen("协议金额"),
                recorder=self.recorder.text(),
            )
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

    def submit(self) -> None:
        cases.close_case(self.db, self.case_id, self.close_input(), by=current_user_id(self.db))
