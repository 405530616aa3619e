"""One small dialog per step of the case life cycle.

Every dialog takes the loaded :class:`~app.models.casefile.CaseFile`, is opened with
``open()``, calls exactly one service on save and emits ``saved`` when the service
succeeded. Field labels are the names the services use in ``ValidationError.field``,
so an error lands under the input it is about. :func:`dialog_for` maps an action name
from ``casefile.actions`` to its dialog (结案 lives in close_dialog.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from app.models import cases, office
from app.models.casefile import CaseFile
from app.models.cases import ConfirmationInput, FollowUpInput, SessionInput
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.name_match import match_rank
from app.models.reference import (
    ASSIGN_HOW,
    CONFIRMATION_RESULTS,
    PERFORMANCE,
    SESSION_KINDS,
    referral_bodies,
)
from app.models.sync import numbers
from app.qt.core import Qt
from app.qt.widgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem, QWidget
from app.ui.add_in_place import AddableList, MediatorAdder, mediators_later_note
from app.ui.cases.case_pages import confirmation_window
from app.ui.cases.close_dialog import CloseDialog, dispute_name
from app.ui.cases.service_dialog import Question, ServiceDialog
from app.ui.cases.widgets import (
    DateLine,
    Problem,
    RadioChoice,
    TextBox,
    check_past_day,
    current_actor,
    date_edit,
    datetime_edit,
    editable_combo,
    fmt_date,
    key_combo,
    py_date,
    py_datetime,
    qdate,
    require,
    show_row,
)
from app.ui.chooser import make_filterable
from app.ui.item_views import down_goes_to
from app.ui.look import NOTICE_BORDER, NOTICE_FILL, Panel

MEDIATOR_ID_ROLE = Qt.ItemDataRole.UserRole
MEDIATOR_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
# 指派: a list of more mediators than this gets a box above it that narrows it as you type,
# like the other choosers (app/ui/chooser.py); the 主办调解员 box too.
FILTER_FROM = 8
FILTER_HINT = "输入姓名或拼音首字母筛选，如“王”“wjh”；也可输入擅长的纠纷类型"


# A field laptop's 受理 dialog says how many case numbers it has left from this many down.
NUMBERS_LOW_AT = 3

# Titles of the questions asked before a step that cannot be taken back.
ACCEPT_TITLE = "受理案件"
ARCHIVE_TITLE = "归档案件"


def _party_names(case: CaseFile) -> list[str]:
    return [p.name for p in case.parties]


def _case_name(case: CaseFile) -> str:
    return case.number or "（未受理）"


def _lead_name(case: CaseFile) -> str:
    current = case.current_mediators
    lead = next((a for a in current if a.lead), current[0] if current else None)
    return lead.mediator_name if lead else ""


# --------------------------------------------------------------------------- accept / decline


def numbers_left_text(committee: str, year: int, left: int | None) -> str:
    """What the 受理 dialog says about a field laptop's case numbers ("" when there is
    nothing to say: the office computer, or more than NUMBERS_LOW_AT left)."""
    if left is None or left > NUMBERS_LOW_AT:
        return ""
    if left == 0:
        return (
            f"本机的案号已用完（{committee} {year}年），本次受理将使用临时编号，"
            "回办公室同步后换发正式案号。"
        )
    return f"本机还剩 {left} 个案号（{committee} {year}年）。用完后受理的案件先用临时编号。"


class AcceptDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        limit = office.get_committee(db, case.committee_id).time_limit_days
        super().__init__(
            db,
            "受理",
            parent,
            save_text="受理",
            intro=(
                f"受理“{'、'.join(_party_names(case))}”之间的纠纷。受理时自动编案件编号，"
                f"调解期限从受理之日起算 {limit} 天。"
            ),
        )
        self.case_id = case.id
        self.case = case
        self.time_limit_days = limit
        self.accepted_on = date_edit()
        require(self.add_row("受理日期", self.accepted_on))
        # A field laptop with few case numbers left (or none) says so before 受理.
        self.numbers_note = Panel()
        self.numbers_note.setWordWrap(True)
        self.numbers_note.setTextFormat(Qt.TextFormat.PlainText)
        self.numbers_note.setMargin(6)
        self.numbers_note.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER)
        self.form.addRow(self.numbers_note)
        self.accepted_on.dateChanged.connect(self._show_numbers_left)
        self._show_numbers_left()

    def _numbers_left(self, year: int) -> int | None:
        return numbers.remaining(self.db, self.case.committee_id, year)

    def _show_numbers_left(self) -> None:
        year = self.accepted_on.date().year()
        text = numbers_left_text(self.case.committee_name, year, self._numbers_left(year))
        self.numbers_note.setText(text)
        self.numbers_note.setVisible(bool(text))

    def question(self) -> Question:
        """受理 gives the case its number for good: asked before it is done. On a field
        laptop without numbers left, the question says the number will be provisional."""
        day = py_date(self.accepted_on.date())
        check_past_day(day, "受理日期", not_before=(self.case.registered_on, "登记日期"))
        due = day + timedelta(days=self.time_limit_days)
        deadline = (
            f"调解期限从受理日期 {fmt_date(day)} 起算 {self.time_limit_days} 天，"
            f"到 {fmt_date(due)} 为止。"
        )
        if self._numbers_left(day.year) == 0:
            return Question(
                ACCEPT_TITLE,
                numbers_left_text(self.case.committee_name, day.year, 0)
                + f"\n\n确定受理{dispute_name(self.case)}吗？\n\n"
                "受理后先编上临时编号，打印的文书上注明“临时编号”；"
                "把本机的同步文件交回办公室合并后，办公室换发正式案号，"
                "下次同步时正式案号回到本机。" + deadline,
                yes="用临时编号受理",
                no="返回",
            )
        return Question(
            ACCEPT_TITLE,
            f"确定受理{dispute_name(self.case)}吗？\n\n"
            "受理后马上编上案件编号，编号不能收回，也不能改动。" + deadline,
            yes="受理",
            no="返回",
        )

    def submit(self) -> None:
        cases.accept_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            accepted_on=py_date(self.accepted_on.date()),
        )


class DeclineDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "不予受理",
            parent,
            save_text="不予受理",
            intro="一方明确拒绝调解、已向法院起诉或不适合调解的，不予受理，并告知当事人其他途径。",
        )
        self.case_id = case.id
        self.declined_on = date_edit()
        self.reason = TextBox(4)
        self.reason.setPlaceholderText(
            "如：被申请人明确表示拒绝调解，已告知申请人可向人民法院起诉。"
        )
        require(self.add_row("不予受理日期", self.declined_on))
        require(
            self.add_row("不予受理的理由", self.reason),
            missing="请填写不予受理的理由。例如：一方明确拒绝调解，或已向法院起诉。",
        )

    def submit(self) -> None:
        cases.decline_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            declined_on=py_date(self.declined_on.date()),
            reason=self.reason.toPlainText(),
        )


# --------------------------------------------------------------------------- assign


class AssignDialog(ServiceDialog):
    """指派调解员 (or reassign: then the reason is asked for)."""

    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        current = case.current_mediators
        reassigning = bool(current)
        super().__init__(
            db,
            "更换调解员" if reassigning else "指派调解员",
            parent,
            save_text="指派",
            intro="用 ↑↓ 选中调解员、空格键勾选，可选多名；再选定主办调解员。",
        )
        self.case_id = case.id
        self.mediators = QListWidget()
        current_ids = {a.mediator_id for a in current}
        for m in office.mediators(db):
            self._list_mediator(m, checked=m.id in current_ids)
        if self.mediators.count():
            self.mediators.setCurrentRow(0)
        rows = min(max(self.mediators.count(), 3), 7)
        self.mediators.setMinimumHeight(self.mediators.sizeHintForRow(0) * rows + 8)
        # A long list narrows as you type (a name, its pinyin initials, what one is good at).
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(FILTER_HINT)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_mediators)
        down_goes_to(self.filter, self.mediators)
        # An empty list (or one without the mediator wanted) is no dead end: add one here.
        self.adder = MediatorAdder(db)
        self.adder.added.connect(self._mediator_added)
        self.mediators_box = AddableList(
            self.mediators,
            self.adder,
            empty_text="还没有调解员名单。请在下面填写调解员姓名并点“添加”，添加后就能指派。",
            later=mediators_later_note(),
            above=self.filter,
        )
        self.filter.setVisible(self._long_list())
        self.how = RadioChoice(ASSIGN_HOW)
        self.how.set_key(current[0].how if current else "appointed")
        self.lead = QComboBox()
        self.assigned_on = date_edit()
        self.reason = TextBox(2)
        self.reason.setPlaceholderText("如：原调解员与当事人有亲属关系，申请回避")
        require(
            self.add_row("调解员", self.mediators_box),
            missing="请至少选择一名调解员。",
            filled=lambda: bool(self.checked_ids()),
        )
        self.add_row("主办调解员", self.lead)
        require(self.add_row("产生方式", self.how))
        require(self.add_row("指派日期", self.assigned_on))
        reason_box = self.add_row("更换原因", self.reason)
        require(reason_box, missing="重新指派调解员时请写明原因。")
        show_row(reason_box, reassigning)
        self._current_lead = next((a.mediator_id for a in current if a.lead), None)
        self.mediators.itemChanged.connect(self._refresh_lead)
        self._refresh_lead()
        (self.filter if self._long_list() else self.mediators).setFocus()

    def _long_list(self) -> bool:
        return self.mediators.count() > FILTER_FROM

    def _filter_mediators(self, text: str) -> None:
        """Show only the mediators the typed text picks out, in the list's order; the first
        of them becomes current (↓ or Enter goes there, Space ticks it)."""
        typed = text.strip()
        first = None
        for row in range(self.mediators.count()):
            item = self.mediators.item(row)
            name = str(item.data(MEDIATOR_NAME_ROLE))
            shown = not typed or match_rank(name, typed) is not None or typed in item.text()
            self.mediators.setRowHidden(row, not shown)
            if shown and first is None:
                first = row
        current = self.mediators.currentRow()
        if first is not None and (current < 0 or self.mediators.isRowHidden(current)):
            self.mediators.setCurrentRow(first)

    def _list_mediator(self, m: office.Mediator, *, checked: bool) -> QListWidgetItem:
        detail = "专职" if m.full_time else "兼职"
        if m.specialities:
            detail += f"，擅长{m.specialities}"
        item = QListWidgetItem(f"{m.name}（{detail}）")
        item.setData(MEDIATOR_ID_ROLE, m.id)
        item.setData(MEDIATOR_NAME_ROLE, m.name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.mediators.addItem(item)
        return item

    def _mediator_added(self, mediator_id: str, _name: str) -> None:
        """Added in place: listed, ticked and current, so 指派 goes on at once."""
        self.filter.clear()  # the new mediator is not hidden by what was typed there
        m = next(m for m in office.mediators(self.db) if m.id == mediator_id)
        self.mediators.setCurrentItem(self._list_mediator(m, checked=True))
        self.filter.setVisible(self._long_list())
        self._refresh_lead()

    def problems(self) -> list[Problem]:
        """A name typed in the adder but not added is what the list lacks: said first."""
        found = super().problems()
        pending = self.adder.pending()
        box = self.errors.find("调解员")
        if pending and box is not None:
            found = [p for p in found if p.box is not box]
            message = f"“{pending}”还没有添加到名单：请先点“添加”，或点“取消”。"
            found.append(Problem(message, box, box.title()))
        return found

    def question(self) -> Question | None:
        if self.adder.pending():
            raise ValidationError(
                "调解员", f"“{self.adder.pending()}”还没有添加到名单：请先点“添加”，或点“取消”。"
            )
        return None

    def _checked_items(self) -> list[QListWidgetItem]:
        items = (self.mediators.item(i) for i in range(self.mediators.count()))
        return [it for it in items if it is not None and it.checkState() == Qt.CheckState.Checked]

    def checked_ids(self) -> list[str]:
        return [str(it.data(MEDIATOR_ID_ROLE)) for it in self._checked_items()]

    def _refresh_lead(self, _item: object = None) -> None:
        keep = self.lead.currentData() or self._current_lead
        self.lead.clear()
        for it in self._checked_items():
            self.lead.addItem(str(it.data(MEDIATOR_NAME_ROLE)), it.data(MEDIATOR_ID_ROLE))
        index = self.lead.findData(keep)
        self.lead.setCurrentIndex(index if index >= 0 else 0)
        if self.lead.count() > FILTER_FROM:
            make_filterable(self.lead)  # many ticked: pick the lead by typing too

    def submit(self) -> None:
        cases.assign_mediators(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            mediator_ids=self.checked_ids(),
            how=self.how.key(),
            lead_id=self.lead.currentData(),
            assigned_on=py_date(self.assigned_on.date()),
            reason=self.reason.toPlainText(),
        )


# --------------------------------------------------------------------------- sessions


class SessionDialog(ServiceDialog):
    """调解记录 (kind "session") or 调查记录 (kind "investigation")."""

    def __init__(
        self, db: Database, case: CaseFile, kind: str, parent: QWidget | None = None
    ) -> None:
        self.kind = kind
        what = SESSION_KINDS[kind]
        super().__init__(db, f"记录{what}", parent, scroll=True, width_em=36)
        self.case_id = case.id
        names = _party_names(case)
        self.held_at = datetime_edit()
        self.place = QLineEdit()
        self.place.setPlaceholderText("如：村评理说事点、当事人家中")
        self.subject = QLineEdit()
        self.participants = QLineEdit()
        self.staff = QLineEdit("、".join(a.mediator_name for a in case.current_mediators))
        self.recorder = QLineEdit()
        self.record = TextBox(8)
        self.conclusion = TextBox(2)
        if kind == "session":
            self.subject.setText(f"{'与'.join(names[:2])}{case.category}纠纷")
            self.participants.setPlaceholderText("邀请参加调解的人（当事人以外），如：村民小组长")
            self.record.setPlaceholderText(
                "告知权利义务情况；各方陈述；查明的事实；释法说理和风险告知；调解经过"
            )
            self.conclusion.setPlaceholderText("如：双方达成协议 / 意见分歧较大，择日再调")
            labels = ("事由", "参加人", "调解员", "调解内容", "调解结果")
        else:
            self.subject.setPlaceholderText("如：" + (names[0] if names else "当事人") + "、邻居")
            self.participants.setPlaceholderText("在场的其他人，可不填")
            self.record.setPlaceholderText("问了什么、答了什么、看到了什么")
            self.conclusion.setPlaceholderText("调查得出的结论，可不填")
            labels = ("被调查人", "在场人", "调查人", "调查内容", "调查结论")
        subject, participants, staff, record, conclusion = labels
        time_box = require(self.add_row(f"{what}时间", self.held_at))
        self.errors.add("记录类型", time_box)
        require(self.add_row(f"{what}地点", self.place))
        self.add_row(subject, self.subject)
        self.add_row(participants, self.participants)
        self.add_row(staff, self.staff)
        self.add_row("记录人", self.recorder)
        require(self.add_row(record, self.record, name=f"{what}记录内容"))
        self.add_row(conclusion, self.conclusion)
        self.place.setFocus()

    def submit(self) -> None:
        cases.record_session(
            self.db,
            self.case_id,
            SessionInput(
                kind=self.kind,
                held_at=py_datetime(self.held_at.dateTime()),
                place=self.place.text(),
                record=self.record.toPlainText(),
                participants=self.participants.text(),
                subject=self.subject.text(),
                staff=self.staff.text(),
                recorder=self.recorder.text(),
                result=self.conclusion.toPlainText(),
            ),
            by=current_actor(self.db),
        )


# --------------------------------------------------------------------------- deadline, referral


class ExtendDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        due = case.due_on
        super().__init__(
            db,
            "延长调解期限",
            parent,
            save_text="延长",
            intro=f"现在的期限：{fmt_date(due) or '未定'}。延长一般应由双方当事人提出。",
        )
        self.case_id = case.id
        self.requested_by = QLineEdit("、".join(_party_names(case)))
        self.reason = TextBox(3)
        self.reason.setPlaceholderText("如：双方要求等外出务工的家属回来后再协商")
        self.new_due_on = date_edit((due or date.today()) + timedelta(days=15))
        self.decided_on = date_edit()
        require(
            self.add_row("申请延期的人", self.requested_by),
            missing="请填写申请延期的人。一般应由双方当事人提出。",
        )
        require(self.add_row("延期理由", self.reason))
        require(self.add_row("新的期限", self.new_due_on))
        require(self.add_row("决定日期", self.decided_on))

    def submit(self) -> None:
        cases.extend_deadline(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            requested_by=self.requested_by.text(),
            reason=self.reason.toPlainText(),
            new_due_on=py_date(self.new_due_on.date()),
            decided_on=py_date(self.decided_on.date()),
        )


class ReferDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(db, "归口移交", parent, save_text="移交")
        self.case_id = case.id
        # The list is only a start; any body can be typed.
        self.body_combo = editable_combo(referral_bodies(), "选择或填写接收单位")
        self.receiver = QLineEdit()
        self.receiver.setPlaceholderText("接收人姓名、职务")
        self.referred_on = date_edit()
        self.reason = TextBox(3)
        require(self.add_row("移交单位", self.body_combo))
        self.add_row("接收人", self.receiver)
        require(self.add_row("移交日期", self.referred_on))
        require(self.add_row("移交原因", self.reason))

    def submit(self) -> None:
        cases.refer_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            body=self.body_combo.currentText(),
            receiver=self.receiver.text(),
            referred_on=py_date(self.referred_on.date()),
            reason=self.reason.toPlainText(),
        )


class ReferralFeedbackDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(db, "登记移交反馈", parent)
        self.referral = QComboBox()
        # The ones still waiting for an answer first: that is what people come to record.
        ordered = sorted(case.referrals, key=lambda r: (bool(r.feedback), r.referred_on))
        self._by_id = {r.id: r for r in ordered}
        for r in ordered:
            state = "已反馈" if r.feedback else "待反馈"
            who = f"（{r.receiver}）" if r.receiver else ""
            self.referral.addItem(f"{fmt_date(r.referred_on)} 移交{r.body}{who}，{state}", r.id)
        self.feedback_on = date_edit()
        self.feedback = TextBox(4)
        require(self.add_row("移交记录", self.referral))
        require(self.add_row("反馈日期", self.feedback_on))
        require(self.add_row("反馈内容", self.feedback))
        self.referral.currentIndexChanged.connect(self._load)
        self._load()

    def _load(self, _index: int = 0) -> None:
        r = self._by_id.get(self.referral.currentData())
        if r is not None and r.feedback:
            self.feedback.setPlainText(r.feedback)
        if r is not None and r.feedback_on:
            self.feedback_on.setDate(qdate(r.feedback_on))

    def submit(self) -> None:
        referral_id = self.referral.currentData()
        if referral_id is None:
            raise ValidationError("移交记录", "这件案件还没有归口移交记录。")
        cases.record_referral_feedback(
            self.db,
            str(referral_id),
            by=current_actor(self.db),
            feedback=self.feedback.toPlainText(),
            feedback_on=py_date(self.feedback_on.date()),
        )


# --------------------------------------------------------------------------- after closing


class FollowUpDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(db, "回访", parent, scroll=True)
        self.case_id = case.id
        self.visited_on = date_edit()
        self.visitor = QLineEdit(_lead_name(case) or current_actor(db).name)
        self.person = editable_combo(_party_names(case))
        self.performed = key_combo(PERFORMANCE, case.performance or "pending")
        # Empty until chosen: the visit's answer is never assumed.
        self.satisfaction = editable_combo(list(cases.SATISFACTION_CHOICES), "请选择")
        self.findings = TextBox(3)
        self.findings.setPlaceholderText("协议履行了没有、有无再起纠纷、有无起诉或上访")
        self.measures = TextBox(2)
        self.measures.setPlaceholderText("发现问题时采取的措施，可不填")
        require(self.add_row("回访日期", self.visited_on))
        require(self.add_row("回访人", self.visitor))
        require(self.add_row("被回访人", self.person))
        require(self.add_row("履行情况", self.performed))
        require(
            self.add_row(cases.SATISFACTION_FIELD, self.satisfaction),
            missing="请选择被回访人的满意程度：满意、基本满意或不满意。",
        )
        self.add_row("回访情况", self.findings)
        self.add_row("采取措施", self.measures)

    def submit(self) -> None:
        cases.record_follow_up(
            self.db,
            self.case_id,
            FollowUpInput(
                visited_on=py_date(self.visited_on.date()),
                visitor=self.visitor.text(),
                person_visited=self.person.currentText(),
                performed=str(self.performed.currentData()),
                satisfaction=self.satisfaction.currentText(),
                findings=self.findings.toPlainText(),
                measures=self.measures.toPlainText(),
            ),
            by=current_actor(self.db),
        )


class ConfirmationDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "司法确认",
            parent,
            intro=(
                "书面调解协议生效之日起 30 日内，双方当事人可共同向人民法院申请司法确认。"
                + confirmation_window(case)
            ),
        )
        self.case_id = case.id
        self.applied_on = date_edit()
        self.court = QLineEdit()
        self.court.setPlaceholderText("如：青山县人民法院")
        self.number = QLineEdit()
        self.number.setPlaceholderText("如：（2026）浙0781民特调确字第12号，可后补")
        self.ruling = key_combo(CONFIRMATION_RESULTS, "pending")
        self.decided_on = DateLine()
        require(self.add_row("申请日期", self.applied_on))
        require(self.add_row("受理法院", self.court))
        self.add_row("调确字号", self.number)
        require(self.add_row("确认结果", self.ruling))
        self.add_row("裁定日期", self.decided_on)

    def submit(self) -> None:
        cases.record_judicial_confirmation(
            self.db,
            self.case_id,
            ConfirmationInput(
                applied_on=py_date(self.applied_on.date()),
                court=self.court.text(),
                number=self.number.text(),
                result=str(self.ruling.currentData()),
                decided_on=self.decided_on.value("裁定日期"),
            ),
            by=current_actor(self.db),
        )


class ArchiveDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "归档",
            parent,
            save_text="归档",
            intro=f"案件{_case_name(case)}归档后只能查看；要重新调解须由调委会主任办理。",
        )
        self.case_id = case.id
        self.case = case
        self.archived_on = date_edit()
        require(self.add_row("归档日期", self.archived_on))

    def question(self) -> Question:
        """归档 closes the file for good (only a 主任 may reopen it): asked first."""
        check_past_day(py_date(self.archived_on.date()), "归档日期")
        return Question(
            ARCHIVE_TITLE,
            f"确定把案件{_case_name(self.case)}（{dispute_name(self.case)}）归档吗？\n\n"
            "归档后只能查看，不能再补充或修改；要重新调解须由调委会主任办理。",
            yes="归档",
            no="返回",
        )

    def submit(self) -> None:
        cases.archive_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            archived_on=py_date(self.archived_on.date()),
        )


class ReopenDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "重新调解",
            parent,
            save_text="重新调解",
            intro="已结案的案件重新调解，要记下是谁提出的、为什么。原来的结案情况保留在历史记录里。",
        )
        self.case_id = case.id
        self.requested_by = QLineEdit()
        self.requested_by.setPlaceholderText("如：申请人张三")
        self.reason = TextBox(3)
        self.reason.setPlaceholderText("如：被申请人未按协议履行，申请人要求再次调解")
        require(self.add_row("提出人", self.requested_by))
        require(self.add_row("重新调解的原因", self.reason))

    def submit(self) -> None:
        cases.reopen_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            reason=self.reason.toPlainText(),
            requested_by=self.requested_by.text(),
        )


class VoidDialog(ServiceDialog):
    def __init__(self, db: Database, case: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "作废",
            parent,
            save_text="作废",
            intro="案件不能删除，只能作废；作废后保留在历史记录里，不计入统计。",
        )
        self.case_id = case.id
        self.case_name = _case_name(case)
        self.voided_on = date_edit()
        self.reason = TextBox(2)
        self.reason.setPlaceholderText("如：重复登记")
        require(self.add_row("作废日期", self.voided_on))
        require(self.add_row("作废原因", self.reason), missing="请填写作废原因，例如：重复登记。")

    def question(self) -> Question:
        if not self.reason.toPlainText().strip():
            raise ValidationError("作废原因", "请填写作废原因，例如：重复登记。")
        return Question(
            "作废案件",
            f"确定把案件{self.case_name}作废吗？作废后不能再办理。",
            yes="作废",
            no="不作废",
        )

    def submit(self) -> None:
        cases.void_case(
            self.db,
            self.case_id,
            by=current_actor(self.db),
            reason=self.reason.toPlainText(),
            voided_on=py_date(self.voided_on.date()),
        )


# --------------------------------------------------------------------------- lookup

DialogFactory = Callable[[Database, CaseFile, QWidget | None], ServiceDialog]

DIALOGS: dict[str, DialogFactory] = {
    "accept": AcceptDialog,
    "decline": DeclineDialog,
    "assign": AssignDialog,
    "record_session": lambda db, case, parent: SessionDialog(db, case, "session", parent),
    "record_investigation": lambda db, case, parent: SessionDialog(
        db, case, "investigation", parent
    ),
    "extend": ExtendDialog,
    "refer": ReferDialog,
    "referral_feedback": ReferralFeedbackDialog,
    "close": CloseDialog,
    "follow_up": FollowUpDialog,
    "judicial_confirmation": ConfirmationDialog,
    "archive": ArchiveDialog,
    "reopen": ReopenDialog,
    "void": VoidDialog,
}


def dialog_for(
    action: str, db: Database, case: CaseFile, parent: QWidget | None = None
) -> ServiceDialog:
    """The dialog of a life-cycle action (a key of ``cases.TRANSITIONS`` except "edit")."""
    return DIALOGS[action](db, case, parent)
