"""The case window: one dispute, what can be done next, and everything recorded so far.

Header (number, state, deadline, parties) → a row of buttons for the actions the case's
state allows (``casefile.actions``; each has an Alt+letter) → tabs 当事人, 案情, 调解记录,
协议, 回访与司法确认, 历史 (Ctrl+1…6). Each action opens its dialog with ``open()``; when
the dialog reports ``saved`` the case is read again, everything is refreshed and
``changed(case_id)`` is emitted. A closed, archived, declined or voided case is shown
read-only until it is reopened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.models.casefile import CaseFile, load_case
from app.models.cases import ACTION_LABELS
from app.models.db import Database
from app.models.reference import ROLES
from app.models.sync.numbers import PROVISIONAL_NOTE
from app.qt.core import QModelIndex, QSize, Qt, QTimer, Signal
from app.qt.gui import QCloseEvent, QKeySequence, QShortcut
from app.qt.widgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session
from app.ui.cases import case_pages
from app.ui.cases.action_dialogs import dialog_for
from app.ui.cases.agreement_page import DraftPage
from app.ui.cases.close_dialog import CloseDialog
from app.ui.cases.details_page import DetailsPage
from app.ui.cases.flow_layout import FlowLayout
from app.ui.cases.party_form import PartyDialog
from app.ui.cases.party_privacy import PartyPrivacyBar
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.tables import (
    EVENT_COL_DETAIL,
    PARTY_COLUMNS,
    SESSION_COLUMNS,
    event_columns,
)
from app.ui.cases.widgets import (
    em,
    fit_to_screen,
    fmt_date,
    hint_label,
)
from app.ui.item_views import record_table
from app.ui.look import (
    ERROR,
    NOTICE_BORDER,
    NOTICE_FILL,
    SUCCESS,
    Heading,
    Panel,
    embolden,
    tint,
)
from app.ui.signals import emit
from app.ui.table_model import ListTableModel

ACTIVE_STATES = ("accepted", "assigned", "mediating")

# Alt+letter of every action button; unique within the window (tab buttons use Y, U, S).
MNEMONICS: dict[str, str] = {
    "accept": "A",
    "decline": "N",
    "assign": "P",
    "record_session": "M",
    "record_investigation": "I",
    "extend": "E",
    "refer": "T",
    "referral_feedback": "F",
    "edit": "K",
    "close": "C",
    "follow_up": "V",
    "judicial_confirmation": "J",
    "archive": "G",
    "reopen": "R",
    "void": "Z",
}

STATE_COLORS: dict[str, str] = {
    "registered": "#5b6b7a",
    "accepted": "#1f6fb2",
    "assigned": "#1f6fb2",
    "mediating": "#b26b00",
    "closed": "#2e7d32",
    "archived": "#555555",
    "declined": "#8d2f2f",
    "voided": "#8d2f2f",
}

PRINT_AGREEMENT_TITLE = "打印协议书"
TAB_TITLES = ("当事人", "案情", "调解记录", "协议", "回访与司法确认", "历史")
TAB_PARTIES, TAB_DETAILS, TAB_SESSIONS, TAB_AGREEMENT, TAB_FOLLOW_UP, TAB_HISTORY = range(6)


def _table(model: ListTableModel[Any]) -> QTableView:
    view = record_table(model, wrap=True)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _select_row(view: QTableView, row: int) -> None:
    model = view.model()
    if model is not None and 0 <= row < model.rowCount():
        view.selectRow(row)
        view.setCurrentIndex(model.index(row, 0))


def _browser() -> QTextBrowser:
    browser = QTextBrowser()
    browser.setOpenLinks(False)
    return browser


class CaseWindow(QWidget):
    """One case. Emits ``changed(case_id)`` whenever the case changed, and
    ``close_cancelled`` when asked to close the user chose to keep unsaved input."""

    changed = Signal(str)
    close_cancelled = Signal()

    def __init__(self, db: Database, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.case_id = case_id
        self.case: CaseFile = load_case(db, case_id)
        self.active_dialog: ServiceDialog | None = None
        self.print_menu: QMenu | None = None  # built on first use: printing loads reportlab
        self._discard_confirmed = False  # "不保存，关闭" was answered: close without asking
        self._close_after_dialog = False  # closing waits for the open dialog's question

        outer = QVBoxLayout(self)
        outer.addWidget(self._build_header())
        self.notice = Panel()
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER)
        self.notice.setMargin(6)
        outer.addWidget(self.notice)
        outer.addWidget(self._build_actions())

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_parties_tab(), TAB_TITLES[TAB_PARTIES])
        self.details = DetailsPage(db)
        self.details.saved.connect(lambda: self._after_change("edit"))
        self.details.reload_requested.connect(self.reload)
        self.tabs.addTab(self.details, TAB_TITLES[TAB_DETAILS])
        self.tabs.addTab(self._build_sessions_tab(), TAB_TITLES[TAB_SESSIONS])
        # 协议: the draft while the case is mediated, else the agreement as signed.
        self.agreement_view = _browser()
        self.draft_page = DraftPage(db, self.case)
        self.draft_page.saved.connect(lambda: self._after_change("draft_agreement"))
        self.draft_page.reload_requested.connect(self.reload)
        self.agreement_stack = QStackedWidget()
        self.agreement_stack.addWidget(self.agreement_view)
        self.agreement_stack.addWidget(self.draft_page)
        self.tabs.addTab(self.agreement_stack, TAB_TITLES[TAB_AGREEMENT])
        self.follow_up_view = _browser()
        self.tabs.addTab(self.follow_up_view, TAB_TITLES[TAB_FOLLOW_UP])
        self.tabs.addTab(self._build_history_tab(), TAB_TITLES[TAB_HISTORY])
        for i in range(self.tabs.count()):
            self.tabs.setTabToolTip(i, f"Ctrl+{i + 1}")
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, lambda i=i: self.show_tab(i))
        outer.addWidget(self.tabs, 1)

        self.status = QLabel()  # what the last action did, e.g. the number acceptance gave
        tint(self.status, SUCCESS)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        outer.addWidget(self.status)
        outer.addWidget(
            hint_label("Ctrl+1～6 切换页面　Alt+字母 办理对应事项　Ctrl+P 打印　F5 刷新　Esc 关闭")
        )
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence("Ctrl+P"), self, self.show_print_menu)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence("Esc"), self, self.close)

        self.refresh()
        self.focus_next_step()
        fit_to_screen(self, QSize(em(self) * 60, em(self) * 42))

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QWidget:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        v = QVBoxLayout(frame)
        top = QHBoxLayout()
        self.number_label = Heading(scale=1.4)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = Panel()
        self.state_label.setContentsMargins(10, 2, 10, 2)
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)  # in large type the line may not fit a small screen
        top.addWidget(self.number_label)
        top.addWidget(self.state_label)
        top.addSpacing(12)
        top.addWidget(self.due_label, 1)
        self.print_button = QPushButton("打印(&D)…")
        self.print_button.setToolTip("预览、打印或另存本案的调解文书（Ctrl+P）")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.show_print_menu)
        top.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(top)
        self.parties_label = QLabel()
        self.info_label = QLabel()
        for label in (self.parties_label, self.info_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            v.addWidget(label)
        return frame

    def _build_actions(self) -> QWidget:
        actions = QWidget()
        layout = FlowLayout(actions)
        layout.setContentsMargins(0, 0, 0, 0)
        self.action_buttons: dict[str, QPushButton] = {}
        for action, letter in MNEMONICS.items():
            label = "修改案情" if action == "edit" else ACTION_LABELS[action]
            button = QPushButton(f"{label}(&{letter})")
            button.setToolTip(f"Alt+{letter}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, a=action: self.run_action(a))
            layout.addWidget(button)
            self.action_buttons[action] = button
        return actions

    def _build_parties_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.parties_model = ListTableModel(PARTY_COLUMNS, self)
        self.parties_view = _table(self.parties_model)
        self.parties_view.doubleClicked.connect(self._edit_party_at)
        self.parties_view.activated.connect(self._edit_party_at)
        self.party_detail = _browser()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.parties_view)
        splitter.addWidget(self.party_detail)
        splitter.setSizes([200, 180])
        v.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.add_party_button = QPushButton("增加当事人(&Y)")
        self.edit_party_button = QPushButton("修改所选当事人(&U)")
        for b in (self.add_party_button, self.edit_party_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        v.addLayout(buttons)
        # ID numbers shown in full (recorded), corrected or erased (docs/privacy.md): a row
        # of their own, so the window still fits a small screen in the largest type
        self.privacy_bar = PartyPrivacyBar(self.db, self)
        self.privacy_bar.revealed.connect(self._party_selected)
        self.privacy_bar.changed.connect(lambda: self._after_change("edit_party"))
        v.addWidget(self.privacy_bar)
        self.add_party_button.clicked.connect(self.add_party)
        self.edit_party_button.clicked.connect(self.edit_selected_party)
        selection = self.parties_view.selectionModel()
        selection.currentRowChanged.connect(self._party_selected)
        return page

    def _build_sessions_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.mediators_label = QLabel()
        self.mediators_label.setWordWrap(True)
        self.mediators_label.setTextFormat(Qt.TextFormat.PlainText)
        v.addWidget(self.mediators_label)
        self.sessions_model = ListTableModel(SESSION_COLUMNS, self)
        self.sessions_view = _table(self.sessions_model)
        self.session_detail = _browser()
        self.progress = _browser()
        splitter = QSplitter(Qt.Orientation.Vertical)
        for w in (self.sessions_view, self.session_detail, self.progress):
            splitter.addWidget(w)
        splitter.setSizes([130, 260, 90])  # the record itself is what people read
        splitter.setStretchFactor(1, 1)
        v.addWidget(splitter, 1)
        selection = self.sessions_view.selectionModel()
        selection.currentRowChanged.connect(self._session_selected)
        return page

    def _build_history_tab(self) -> QWidget:
        self.events_model = ListTableModel(event_columns(lambda e: self.case.describe(e)), self)
        self.events_view = _table(self.events_model)
        header = self.events_view.horizontalHeader()
        for col in range(EVENT_COL_DETAIL):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EVENT_COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        # Long lines wrap; row heights follow the column widths once the layout has settled
        # (measured earlier, narrow columns would make every row two or three lines high).
        self._row_fit = QTimer(self)
        self._row_fit.setSingleShot(True)
        self._row_fit.setInterval(0)
        self._row_fit.timeout.connect(self.events_view.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._row_fit.start())
        return self.events_view

    # ------------------------------------------------------------------ state

    @property
    def editable(self) -> bool:
        return "edit" in self.case.actions

    def action_button(self, action: str) -> QPushButton:
        return self.action_buttons[action]

    def visible_actions(self) -> list[str]:
        """Actions whose buttons are shown, in order (for tests and the main window)."""
        return [a for a, b in self.action_buttons.items() if not b.isHidden()]

    def offers(self, action: str) -> bool:
        """The state allows ``action`` and there is something for it to work on."""
        c = self.case
        if action not in c.actions:
            return False
        if action == "referral_feedback":
            return bool(c.referrals)
        if action == "judicial_confirmation":
            return c.can_apply_for_confirmation
        return True

    def next_step(self) -> str | None:
        """The action the case most likely waits for (its button has the first focus)."""
        c = self.case
        likely: list[str] = {
            "registered": ["accept"],
            "accepted": ["assign"],
            "assigned": ["record_session"],
            # An agreement drafted: it is read and signed next, then the case closes.
            "mediating": ["close"] if c.draft is not None else ["record_session"],
            "closed": [
                *(["follow_up"] if not c.follow_ups else []),
                *(["judicial_confirmation"] if not c.confirmations else []),
                "archive",
            ],
            "declined": ["archive"],
        }.get(c.state, [])
        return next((a for a in likely if self.offers(a)), None)

    def focus_next_step(self) -> None:
        """Put the focus on the next likely action's button (Space or Enter opens it);
        a case with nothing left to do starts on its 当事人 list instead."""
        action = self.next_step()
        if action is not None:
            self.action_buttons[action].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.tabs.setCurrentIndex(TAB_PARTIES)
            self.parties_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def reload(self) -> None:
        self.case = load_case(self.db, self.case_id)
        self.refresh()

    def refresh(self) -> None:
        for action, button in self.action_buttons.items():
            button.setVisible(self.offers(action))
            # what the user's role may not do on this case: shown, disabled, and why
            why = session.case_refusal(self.db, action, self.case_id) if self.offers(action) else ""
            button.setEnabled(not why)
            button.setToolTip(why or f"Alt+{MNEMONICS[action]}")
        self._refresh_header()
        self._refresh_parties()
        self.details.load(self.case)
        self._refresh_sessions()
        self._refresh_agreement()
        self._refresh_role()
        self.follow_up_view.setHtml(case_pages.follow_up_html(self.case))
        self.events_model.set_rows(self.case.events)
        self._row_fit.start()

    def _refresh_role(self) -> None:
        """Printing and the agreement draft, as the user's role allows (docs/accounts.md)."""
        # Every step refused to this user (a 统计/只读 user, a 调解员 on another's case): the
        # window says so once, above the greyed buttons (the state's own notice goes first).
        shown = [b for b in self.action_buttons.values() if not b.isHidden()]
        if shown and not any(b.isEnabled() for b in shown) and self.notice.isHidden():
            self.notice.setText(f"本案只能查看：{shown[0].toolTip()}")
            self.notice.setVisible(True)
        why = session.why_not(self.db, "print_case")
        self.print_button.setEnabled(not why)
        self.print_button.setToolTip(why or "预览、打印或另存本案的调解文书（Ctrl+P）")
        if self.drafting:
            why = session.case_refusal(self.db, "draft_agreement", self.case_id)
            self.draft_page.save_button.setEnabled(not why)
            self.draft_page.save_button.setToolTip(why or "Ctrl+S")

    @property
    def drafting(self) -> bool:
        """The 协议 tab holds the editable draft (the case is being mediated)."""
        return "draft_agreement" in self.case.actions

    def _refresh_agreement(self) -> None:
        self.agreement_view.setHtml(case_pages.agreement_html(self.case))
        if self.drafting:
            self.draft_page.load(self.case)
            self.agreement_stack.setCurrentWidget(self.draft_page)
        else:
            self.agreement_stack.setCurrentWidget(self.agreement_view)

    def _refresh_header(self) -> None:
        c = self.case
        number = c.number or "未受理"
        self.setWindowTitle(f"案件 {number} — {'、'.join(p.name for p in c.parties)}")
        self.number_label.setText(number)
        self.state_label.setText(c.state_label)
        self.state_label.set_colours(fill=STATE_COLORS.get(c.state, "#555"), ink="white", radius=4)
        sides = [
            f"{ROLES[role]}：{'、'.join(p.name for p in c.side(role))}"
            for role in ROLES
            if c.side(role)
        ]
        self.parties_label.setText("　".join(sides))
        info = [f"纠纷类型：{c.category}", f"所在村（社区）：{c.village_name or '未填'}"]
        info.append(f"登记日期：{fmt_date(c.registered_on)}")
        if c.accepted_on:
            info.append(f"受理日期：{fmt_date(c.accepted_on)}")
        if c.current_mediators:
            info.append("调解员：" + "、".join(a.mediator_name for a in c.current_mediators))
        self.info_label.setText("　".join(info))
        self._refresh_due()
        notice = {
            "closed": "本案已结案，各项内容只能查看。需要修改时，请先办理“重新调解”。",
            "archived": "本案已归档，只能查看。重新调解须由调委会主任办理。",
            "declined": f"本案不予受理（{fmt_date(c.declined_on)}）：{c.decline_reason}",
            "voided": f"本案已作废（{fmt_date(c.voided_on)}）：{c.void_reason}",
        }.get(c.state, "")
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))

    def _refresh_due(self) -> None:
        c = self.case
        overdue = False
        if c.due_on is None:
            text = "调解期限：受理后计算"
        else:
            text = f"调解期限：{fmt_date(c.due_on)}"
            if c.state in ACTIVE_STATES:
                days = (c.due_on - date.today()).days
                if days < 0:
                    text += f"（已超期 {-days} 天）"
                    overdue = True
                else:
                    text += "（今天到期）" if days == 0 else f"（还剩 {days} 天）"
        self.due_label.setText(text)
        tint(self.due_label, ERROR if overdue else None)
        embolden(self.due_label, overdue)

    def _refresh_parties(self) -> None:
        current = self.parties_view.currentIndex().row()
        self.parties_model.set_rows(self.case.parties)
        self.parties_view.resizeColumnsToContents()
        self.parties_view.horizontalHeader().setStretchLastSection(True)
        _select_row(self.parties_view, min(max(current, 0), len(self.case.parties) - 1))
        self._party_selected()
        refused = session.case_refusal(self.db, "edit", self.case_id) if self.editable else ""
        self.add_party_button.setEnabled(self.editable and not refused)
        self.edit_party_button.setEnabled(self.editable and not refused and bool(self.case.parties))
        for button in (self.add_party_button, self.edit_party_button):
            button.setToolTip(refused)

    def _refresh_sessions(self) -> None:
        c = self.case
        self.mediators_label.setText(case_pages.mediators_text(c))
        self.sessions_model.set_rows(c.sessions)
        self.sessions_view.resizeColumnsToContents()
        self.sessions_view.horizontalHeader().setStretchLastSection(True)
        _select_row(self.sessions_view, len(c.sessions) - 1)  # the latest is read most
        self._session_selected()
        self.progress.setHtml(case_pages.progress_html(c))
        # Most cases are never extended or referred: then the room goes to the record.
        self.progress.setVisible(bool(c.extensions or c.referrals))

    # ------------------------------------------------------------------ selection

    def _party_selected(self, *_args: object) -> None:
        row = self.parties_view.currentIndex().row()
        if 0 <= row < len(self.case.parties):
            party = self.case.parties[row]
            self.privacy_bar.set_party(self.case, party)
            title = case_pages.party_title(self.case, row)
            full = self.privacy_bar.is_revealed(party)
            self.party_detail.setPlainText(case_pages.party_detail(party, title, full_id=full))
        else:
            self.privacy_bar.set_party(self.case, None)
            self.party_detail.clear()

    def _session_selected(self, *_args: object) -> None:
        row = self.sessions_view.currentIndex().row()
        if 0 <= row < len(self.case.sessions):
            self.session_detail.setPlainText(case_pages.session_detail(self.case.sessions[row]))
        else:
            self.session_detail.setPlainText(case_pages.NO_SESSIONS)

    def documents_menu(self) -> QMenu:
        """The 打印 menu (the case's documents, 打印卷宗, blank forms), read anew on show."""
        if self.print_menu is None:
            from app.ui.printing.menu import documents_menu

            self.print_menu = documents_menu(self.db, self.case_id, self)
        return self.print_menu

    def show_print_menu(self) -> None:
        if not self.print_button.isEnabled():  # Ctrl+P too: the role may not print
            return
        menu = self.documents_menu()
        button = self.print_button
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        if page is not None:
            page.setFocus()
            page.focusNextChild()  # land on the page's first input, not on the tab bar

    # ------------------------------------------------------------------ actions

    def run_action(self, action: str) -> ServiceDialog | None:
        """Open the dialog of ``action`` (a key of ``cases.TRANSITIONS``)."""
        if not self.offers(action):
            return None
        if action == "edit":
            self.tabs.setCurrentIndex(TAB_DETAILS)
            self.details.facts.setFocus()
            return None
        dialog = dialog_for(action, self.db, self.case, self)
        if isinstance(dialog, CloseDialog) and self.drafting and self.draft_page.is_dirty():
            typed = self.draft_page.typed()  # the draft as typed, saved or not
            if typed is not None:
                dialog.agreement_form.set_values(typed, self.case)
        return self._open(dialog, action)

    def _open(self, dialog: ServiceDialog, action: str) -> ServiceDialog:
        dialog.saved.connect(lambda: self._after_change(action))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.kept_open.connect(self._dialog_kept)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: ServiceDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        if self._close_after_dialog:  # the window was closing when the dialog asked
            self._close_after_dialog = False
            QTimer.singleShot(0, self, self.close)

    def _after_change(self, action: str) -> None:
        self.reload()
        label = "修改案情" if action == "edit" else ACTION_LABELS.get(action, action)
        if action == "accept" and self.case.number_provisional:
            self.status.setText(f"已受理，临时编号：{self.case.number}（{PROVISIONAL_NOTE}）")
        elif action == "accept" and self.case.number:
            self.status.setText(f"已受理，案件编号：{self.case.number}")
        elif action == "draft_agreement":
            self.status.setText("已保存协议草稿")
        else:
            self.status.setText(f"已办理：{label}")
        self.status.show()
        if action in self.action_buttons and action != "edit":
            self.focus_next_step()  # a step done: on to the one after it
        emit(self.changed, self.case_id)
        if action == "close" and self.case.outcome == "agreement_written":
            self.offer_agreement_print()

    def offer_agreement_print(self) -> None:
        """After 结案 with a written agreement: print the 协议书 now, copies preset (one
        per party and one for the committee)."""
        from app.printing.agreement import copies

        n = copies(self.case)
        messages.confirm(
            self,
            PRINT_AGREEMENT_TITLE,
            f"已结案。现在打印《人民调解协议书》吗？\n"
            f"预设打印 {n} 份：当事人各一份，调委会留存一份。",
            yes="打印协议书",
            no="以后再打印",
            default_yes=True,
            on_yes=self.print_agreement,
        )

    def print_agreement(self) -> None:
        from app.ui.printing.menu import open_preview

        open_preview(self.db, "agreement", self.case_id, self)

    def add_party(self) -> ServiceDialog | None:
        if not self.editable:
            return None
        roles = {p.role for p in self.case.parties}
        role = "party" if roles == {"party"} else "applicant"
        dialog = PartyDialog(self.db, self.case_id, self, default_role=role)
        return self._open(dialog, "add_party")

    def edit_selected_party(self) -> ServiceDialog | None:
        return self._edit_party_at(self.parties_view.currentIndex())

    def _edit_party_at(self, index: QModelIndex) -> ServiceDialog | None:
        if not self.editable or not index.isValid():
            return None
        party = self.case.parties[index.row()]
        return self._open(PartyDialog(self.db, self.case_id, self, party=party), "edit_party")

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close():
            super().closeEvent(event)
        else:
            event.ignore()

    def _may_close(self) -> bool:
        """True when closing loses nothing typed. Otherwise False, after asking: "yes"
        closes the window again, "no" keeps it and emits ``close_cancelled``."""
        if self._discard_confirmed:
            return True
        dialog = self.active_dialog
        if dialog is not None and not dialog.ask_to_close():
            if dialog.is_asking():  # about its own typed text: go on once it is answered
                self._close_after_dialog = True
            else:  # answered "继续填写" at once (a test's responder)
                emit(self.close_cancelled)
            return False
        if self.drafting and self.draft_page.is_dirty():
            return self._ask_to_discard("协议草稿未保存", "“协议”页的草稿修改")
        if not self.details.is_dirty():
            return True
        return self._ask_to_discard("案情修改未保存", "“案情”页的修改")

    def _ask_to_discard(self, title: str, what: str) -> bool:
        """Ask before unsaved edits are dropped with the window; True once a test's
        responder has answered yes already (a real user's answer closes it later)."""
        messages.confirm(
            self,
            title,
            f"{what}还没有保存，关闭后就没有了。\n确定不保存、直接关闭吗？",
            yes="不保存，关闭",
            no="返回",
            on_yes=self._discard_and_close,
            on_no=lambda: emit(self.close_cancelled),
        )
        return self._discard_confirmed

    def _discard_and_close(self) -> None:
        self._discard_confirmed = True
        # Answered by a real box this closes the window; answered at once inside
        # closeEvent (a test's responder) Qt ignores the nested close(), and
        # _may_close() returns True instead.
        self.close()

    def _dialog_kept(self) -> None:
        if self._close_after_dialog:
            self._close_after_dialog = False
            emit(self.close_cancelled)
