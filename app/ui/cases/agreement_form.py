"""The agreement's fields, shared by the 协议 tab (the draft, while the case is mediated)
and the 结案 dialog (the agreement as signed): numbered terms with the office's clause
templates, the facts, 履行方式/地点/期限, the amount and the 记录人.

Filling in a template: its blanks (``____``) are reached with Tab (Shift+Tab goes back;
F4 does the same as Tab); once the figure of "人民币____元（大写：________）" is typed (3000,
3,000.50, 1.2万), the capitals are written after it and the 协议金额 takes the sum, so an
amount is typed once. A figure that is no amount ("15000o") blanks the capitals and takes
back the 协议金额 put in from it (one typed by hand stays); saving names its term, and an
error on 协议内容 puts the cursor on that figure.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

from app.models import clause_templates as ct
from app.models.casefile import Agreement, AgreementDraft, CaseFile
from app.models.cases import MAX_WITHIN_DAYS, AgreementInput
from app.models.clause_templates import EVERY_CATEGORY, ClauseTemplate, fill, templates_for
from app.models.db import Database, StorageError
from app.models.errors import ValidationError
from app.qt.core import QEvent, QObject, QPoint, QSizeF, Qt, Signal
from app.qt.gui import (
    QAction,
    QFocusEvent,
    QIntValidator,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from app.qt.widgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import (
    DateLine,
    FieldBox,
    MoneyLine,
    TextBox,
    form_field,
    hint_label,
    inline_row,
    set_tab_chain,
    top_aligned_form,
)
from app.ui.signals import emit

MAX_TERM_LINES = 6
GENERAL_SECTION = "通用条款"
NO_TEMPLATES_TEXT = "（没有可用的条款模板）"
BLANKS_HINT = (
    "条款里的 ____ 是要填的空：Tab 跳到下一个空，Shift+Tab 回到上一个。"
    "“人民币____元”填上数字，后面的大写和下面的协议金额自动跟上。"
)
AMOUNT_LABEL = "协议金额（元）"
AMOUNT_HINT = "写进协议书，印大写和小写"
AMOUNT_TIP = (
    "协议约定支付的钱数，印在协议书的“协议涉及金额”一栏（人民币大写和小写）。"
    "条款里写了“人民币……元”的，按条款自动填写；不对时可以改。"
)


def template_button_text(key: str) -> str:
    return f"从模板插入(&{key})…"


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
    (button 从模板插入, Alt+``template_key``), filled with the parties' names and, when
    ``amount_source`` gives one, the agreement's amount. Emits ``changed`` whenever a
    term's text changes.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        db: Database | None = None,
        category: str = "",
        applicants: Sequence[str] = (),
        respondents: Sequence[str] = (),
        template_key: str = "T",
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._category = category
        self._applicants = list(applicants)
        self._respondents = list(respondents)
        self.template_menu: QMenu | None = None
        self.amount_source: Callable[[], int | None] | None = None
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
            self.template_button = QPushButton(template_button_text(template_key))
            self.template_button.setAutoDefault(False)
            self.template_button.setToolTip(f"Alt+{template_key}：选一条常用条款，填入当事人姓名")
            self.template_button.clicked.connect(self.show_template_menu)
            buttons.insertWidget(1, self.template_button)  # beside 增加一条
            keys_hint = (
                f"Alt+N 增加一条　Alt+{template_key} 从模板插入　Alt+Delete 删除　Alt+↑/↓ 移动"
            )
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(hint_label(keys_hint))
        self.blanks_hint = hint_label(BLANKS_HINT)
        layout.addWidget(self.blanks_hint)
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
        self.add_term(focus=False)

    # ---- API

    def set_parties(
        self, category: str, applicants: Sequence[str], respondents: Sequence[str]
    ) -> None:
        """The case as it is now (a party may have been added): what templates offer."""
        self._category = category
        self._applicants = list(applicants)
        self._respondents = list(respondents)

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
        edit.textChanged.connect(lambda e=edit: self._term_changed(e))
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
        emit(self.changed)

    def move_current(self, delta: int) -> None:
        i, j = self.current, self.current + delta
        if not 0 <= j < len(self.edits):
            return
        a, b = self.edits[i].toPlainText(), self.edits[j].toPlainText()
        self.edits[i].setPlainText(b)
        self.edits[j].setPlainText(a)
        self.current = j
        self.edits[j].setFocus()

    def focusInEvent(self, event: QFocusEvent) -> None:
        """The editor itself is given the focus only by an error on 协议内容 (it takes no
        Tab or click): the cursor goes to the term the error is about, the figure of its
        sum selected when that is no amount ("人民币15000o元"), else to the first term."""
        bad = ct.bad_figures(self.terms())
        edit = self.edits[bad[0].term] if bad else self.edits[0]
        edit.setFocus(event.reason())
        if bad:
            cursor = edit.textCursor()
            cursor.setPosition(bad[0].start)
            cursor.setPosition(bad[0].end, QTextCursor.MoveMode.KeepAnchor)
            edit.setTextCursor(cursor)
            edit.ensureCursorVisible()

    # ---- blanks and amounts

    def select_blank(self, edit: TextBox, *, forward: bool = True) -> bool:
        """Select the next blank (``____``) after the cursor or selection (the one before
        it when not ``forward``). False when there is none: the key then moves on."""
        text = edit.toPlainText()
        cursor = edit.textCursor()
        if forward:
            found = ct.next_blank(text, cursor.selectionEnd())
        else:
            found = ct.previous_blank(text, cursor.selectionStart())
        if found is None:
            return False
        cursor.setPosition(found[0])
        cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
        edit.setTextCursor(cursor)
        edit.ensureCursorVisible()
        return True

    def _term_changed(self, edit: TextBox) -> None:
        fix = ct.capitals_to_fill(edit.toPlainText())
        if fix is not None:
            # The capitals follow the figure just typed, in the same undo step: Ctrl+Z
            # takes back the keystroke and its capitals together.
            start, end, words = fix
            cursor = QTextCursor(edit.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.joinPreviousEditBlock()
            cursor.insertText(words)
            cursor.endEditBlock()
            return  # the edit above changed the text again, and that call emits
        emit(self.changed)

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
        """The template's text with the parties' names and, when known, the amount."""
        text = fill(template.body, self._applicants, self._respondents)
        amount = self.amount_source() if self.amount_source is not None else None
        return ct.with_amount(text, amount) if amount is not None else text

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
        cursor = edit.textCursor()
        cursor.setPosition(0)
        edit.setTextCursor(cursor)
        self.select_blank(edit)
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
        if watched in self.edits:
            if event.type() == QEvent.Type.FocusIn:
                self.current = self.edits.index(watched)
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                forward = _blank_key(event)
                if (
                    forward is not None
                    and isinstance(watched, TextBox)
                    and self.select_blank(watched, forward=forward)
                ):
                    return True
        return super().eventFilter(watched, event)


def _blank_key(event: QKeyEvent) -> bool | None:
    """Tab or F4: True (next blank); Shift+Tab or Shift+F4: False; other keys None."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    shift = mods == Qt.KeyboardModifier.ShiftModifier
    plain = mods == Qt.KeyboardModifier.NoModifier
    key = event.key()
    if key in (Qt.Key.Key_Tab, Qt.Key.Key_F4) and plain:
        return True
    if key == Qt.Key.Key_Backtab or (key in (Qt.Key.Key_Tab, Qt.Key.Key_F4) and shift):
        return False
    return None


class DaysLine(QLineEdit):
    """履行期限 as "签订后 N 日内": a whole number of days, or nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QIntValidator(0, MAX_WITHIN_DAYS, self))  # digits only
        self.setPlaceholderText("天数")
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("中") * 5)
        self.setToolTip("自协议签订之日起多少日内履行完毕；与日期只填一种，可不填")

    def value(self) -> int | None:
        text = self.text().strip()
        return int(text) if text else None

    def set_value(self, days: int | None) -> None:
        self.setText("" if days is None else str(days))


# Where a form starts from: the draft, an earlier agreement, or what another form holds.
AgreementSource = Agreement | AgreementDraft | AgreementInput


class AgreementForm(QWidget):
    """The fields of an agreement as one form. Its rows' error boxes are in ``boxes``, by
    the field names the services use (协议内容, 履行期限, 协议金额 …), for the host's
    FieldErrors. ``amount`` follows the sum the terms state until someone types in it."""

    def __init__(
        self,
        db: Database,
        case: CaseFile,
        parent: QWidget | None = None,
        *,
        template_key: str = "T",
    ) -> None:
        super().__init__(parent)
        self.boxes: dict[str, FieldBox] = {}
        self._auto_amount = ""  # the amount text last put in from the terms
        form = top_aligned_form(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.terms = TermsEditor(
            db=db,
            category=case.category,
            applicants=[p.name for p in case.side("applicant")],
            respondents=[p.name for p in case.side("respondent")],
            template_key=template_key,
        )
        self.facts = TextBox(4)
        self.facts.setPlaceholderText("纠纷的主要事实、争议事项及各方责任")
        self.perform_manner = QLineEdit()
        self.perform_manner.setPlaceholderText("如：一次性现金支付、银行转账、分期支付")
        self.perform_place = QLineEdit()
        self.perform_deadline = DateLine()
        self.perform_deadline.setPlaceholderText("如 2026-12-31")
        self.perform_deadline.setToolTip("在这一天以前履行完毕")
        self.within_days = DaysLine()
        deadline = inline_row(
            self.perform_deadline,
            QLabel("前履行完毕，或签订后"),
            self.within_days,
            QLabel("日内"),
        )
        self.amount = MoneyLine()
        self.amount.setToolTip(AMOUNT_TIP)
        amount_row = inline_row(self.amount, hint_label(AMOUNT_HINT))
        self.recorder = QLineEdit()
        self.recorder.setPlaceholderText("协议书上签名的记录人")
        for label, widget, name in (
            ("协议内容", self.terms, "协议内容"),
            ("事实及责任", self.facts, "纠纷事实及责任"),
            ("履行方式", self.perform_manner, "履行方式"),
            ("履行地点", self.perform_place, "履行地点"),
            ("履行期限", deadline, "履行期限"),
            (AMOUNT_LABEL, amount_row, "协议金额"),
            ("记录人", self.recorder, "记录人"),
        ):
            self.boxes[name] = form_field(form, label, widget)
        caption = self.boxes["协议金额"].caption
        if caption is not None:
            caption.setToolTip(AMOUNT_TIP)
        self.terms.amount_source = self._typed_amount
        self.terms.changed.connect(self._terms_changed)

    # ---- values

    def set_values(self, source: AgreementSource | None, case: CaseFile) -> None:
        """Fill in from a draft or an earlier agreement; else from the case (facts, the
        recorder of the latest session), so nobody retypes."""
        self.facts.setPlainText(case.facts)
        self.recorder.setText(latest_recorder(case))
        if source is None:
            return
        self.terms.set_terms(source.terms)
        if source.facts:
            self.facts.setPlainText(source.facts)
        if source.recorder:
            self.recorder.setText(source.recorder)
        self.perform_manner.setText(source.perform_manner)
        self.perform_place.setText(source.perform_place)
        self.perform_deadline.set_value(source.perform_deadline)
        self.within_days.set_value(source.perform_within_days)
        self.amount.set_fen(source.amount_fen)
        # A stored amount that is the terms' sum still follows them (a figure changed in a
        # saved draft changes the 协议金额 too); any other is the office's own.
        follows = source.amount_fen is not None and source.amount_fen == ct.stated_amount(
            source.terms
        )
        self._auto_amount = self.amount.text() if follows else ""

    def values(self) -> AgreementInput:
        """What is typed, as the services take it (ValidationError for a date or an amount
        that cannot be read)."""
        return AgreementInput(
            terms=self.terms.terms(),
            facts=self.facts.toPlainText(),
            perform_manner=self.perform_manner.text(),
            perform_place=self.perform_place.text(),
            perform_deadline=self.perform_deadline.value("履行期限"),
            perform_within_days=self.within_days.value(),
            amount_fen=self.amount.value_fen("协议金额"),
            recorder=self.recorder.text(),
        )

    # ---- the amount typed once

    def _typed_amount(self) -> int | None:
        try:
            return self.amount.value_fen("协议金额")
        except ValidationError:
            return None

    def _terms_changed(self) -> None:
        """The 协议金额 follows the sum the terms state; when they state none it can read
        (a figure such as "15000o", or the sum deleted), an amount put in from them goes.
        An amount someone typed stands either way."""
        typed = self.amount.text().strip()
        if typed and typed != self._auto_amount:
            return  # typed by someone: theirs stands
        stated = ct.stated_amount(self.terms.terms())
        if stated is None:
            if typed:  # put in from a figure that is gone or no amount now
                self.amount.clear()
            self._auto_amount = ""
            return
        self.amount.set_fen(stated)
        self._auto_amount = self.amount.text()
