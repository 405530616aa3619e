"""First run: the office is set up once, in five short steps.

1. 本调委会 — the committee's full name (it suggests the town and the case-number
   abbreviation; the user can change both, and a live example shows the case numbers),
   the mediation time limit and this computer's name.
2. 您的账户 — the name and password of the person setting up: the office's first 主任,
   logged in when the set-up is saved (docs/accounts.md).
3. 村（社区） — the town's villages and communities, one a line.
4. 调解员 — the committee's mediators, the person setting up offered as the first one.
5. 单位信息 — what the forms print: 印章文字, 地址, 电话, the court for 司法确认.

Steps 4 and 5 may be skipped; each says where its data is added later. Nothing is
written until 开始使用: then one service call (``office.setup_office``) stores all of it,
or nothing. The dialog is a paged :class:`ServiceDialog` (not a QWizard), so it keeps
what every form here does: errors beside their fields (on whichever step they are), Esc
asks before dropping what was typed, Enter moves on, Ctrl+Enter goes on (下一步, and on
the last step 开始使用).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.models import accounts, cases, office
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.office import NewMediator, OfficeDetails
from app.models.sync import exchange
from app.qt.core import Qt, Signal
from app.qt.gui import QKeyEvent
from app.qt.widgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui.add_in_place import REGISTRIES_PATH
from app.ui.cases.service_dialog import ServiceDialog, call_service
from app.ui.cases.widgets import (
    FieldBox,
    TextBox,
    grow_to_fit,
    hint_label,
    inline_row,
    top_aligned_form,
)
from app.ui.look import MUTED, SUCCESS, embolden, tint
from app.ui.office_fields import PrintedDetailsFields
from app.ui.session import sign_in
from app.ui.signals import emit
from app.ui.sync.status import STARTER_CHOICE

_COMMITTEE_SUFFIX = "人民调解委员会"
_TOWN_SUFFIX = re.compile(r"(街道办事处|街道|镇|乡)$")

OFFICE_DETAILS_PATH = "设置 → 单位信息与打印设置"
MEDIATORS_PATH = f"{REGISTRIES_PATH} → 调解员"

STEP_COMMITTEE, STEP_ACCOUNT, STEP_VILLAGES, STEP_MEDIATORS, STEP_DETAILS = range(5)

# This installation's name in sync files (app/ui/sync); a field laptop gets its name from
# the office's starter file instead of this set-up.
DEVICE_NAME_FIELD = "本机名称"
DEFAULT_DEVICE_NAME = "办公室电脑"


def guess_town(committee_name: str) -> str:
    """The town in a committee name: 青山镇人民调解委员会 -> 青山镇 ("" if not found)."""
    name = committee_name.strip()
    return name[: -len(_COMMITTEE_SUFFIX)] if name.endswith(_COMMITTEE_SUFFIX) else ""


def guess_abbr(town: str) -> str:
    """Case numbers usually carry the place name without 镇/乡/街道: 青山镇 -> 青山."""
    return _TOWN_SUFFIX.sub("", town.strip()) or town.strip()


class _Follower:
    """A field that follows another's text until the user types into it."""

    def __init__(self, target: QLineEdit) -> None:
        self.target = target
        self.typed = False
        target.textEdited.connect(self._edited)

    def _edited(self, text: str) -> None:
        self.typed = bool(text)

    def follow(self, text: str) -> None:
        if not self.typed:
            self.target.setText(text)


class MediatorRow(QWidget):
    """One mediator of the set-up: 姓名, 联系电话, 专职, and 删除."""

    def __init__(self, on_remove: Callable[[MediatorRow], None]) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.name.setPlaceholderText("姓名")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("联系电话，可不填")
        self.full_time = QCheckBox("专职")
        self.remove_button = QPushButton("删除")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip("删去这一行")
        self.remove_button.clicked.connect(lambda: on_remove(self))
        self.name_box = FieldBox(self.name)
        self.phone_box = FieldBox(self.phone)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name_box, 2, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.phone_box, 3, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.full_time, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setFocusProxy(self.name)

    def value(self) -> NewMediator:
        return NewMediator(self.name.text(), self.phone.text(), self.full_time.isChecked())


@dataclass
class Step:
    """One page of the set-up."""

    title: str
    page: QWidget
    form: QFormLayout
    optional: bool
    marker: QLabel
    later: str = ""  # where its data is added after the set-up
    skipped: bool = False


class SetupDialog(ServiceDialog):
    """Emits ``office_ready(committee_id)`` once the office is saved."""

    office_ready = Signal(str)
    # 这是外出笔记本: the office's starter file sets this installation up instead.
    starter_chosen = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "设置本调委会",
            parent,
            save_text="开始使用",
            intro=(
                "第一次使用本程序，请分五步填写本调委会的基本情况，用在案件编号和打印的文书上。"
                "带 * 的必须填写；第 4、5 步可以跳过，以后再补。"
            ),
            width_em=40,
        )
        self.committee_id: str | None = None
        self.steps: list[Step] = []
        self.step_bar = QHBoxLayout()
        self.step_bar.setContentsMargins(0, 0, 0, 4)
        self.pages = QStackedWidget()
        self.form.addRow(self.step_bar)
        self.form.addRow(self.pages)

        self._build_committee_step()
        self._build_account_step()
        self._build_villages_step()
        self._build_mediators_step()
        self._build_details_step()
        self.step_bar.addStretch(1)
        self._build_navigation()
        self.errors.add_resolver(self._mediator_box)
        self.show_step(STEP_COMMITTEE)
        self.name.setFocus()

    # ---- building

    def _step(self, title: str, note: str, *, later: str = "") -> QFormLayout:
        """A page; ``later`` (a step that may be skipped) says where to add it later."""
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        lead = QLabel(note)
        lead.setWordWrap(True)
        column.addWidget(lead)
        if later:
            column.addWidget(hint_label(later))
        body = QWidget()
        form = top_aligned_form(body)
        form.setContentsMargins(0, 0, 0, 0)
        column.addWidget(body)
        column.addStretch(1)
        number = len(self.steps) + 1
        if self.steps:
            arrow = QLabel("›")
            tint(arrow, MUTED)
            self.step_bar.addWidget(arrow)
        marker = QLabel(f"{number} {title}")
        self.step_bar.addWidget(marker)
        self.steps.append(Step(title, page, form, bool(later), marker, later))
        self.pages.addWidget(page)
        return form

    def _build_committee_step(self) -> None:
        form = self._step("本调委会", "本调委会的名称和编号规则，以及这台电脑的名称。")
        self.name = QLineEdit()
        self.name.setPlaceholderText("例如：青山镇人民调解委员会")
        self.abbr = QLineEdit()
        self.abbr.setPlaceholderText("例如：青山")
        self.abbr.setMaxLength(12)
        self.example = QLabel()
        tint(self.example, MUTED)
        self.example.setTextFormat(Qt.TextFormat.PlainText)
        self.town = QLineEdit()
        self.town.setPlaceholderText("例如：青山镇")
        self.limit = QSpinBox()
        self.limit.setRange(1, 365)
        self.limit.setValue(30)
        self.limit.setSuffix(" 天")
        self.device_name = QLineEdit(DEFAULT_DEVICE_NAME)
        self.device_name.setMaxLength(40)
        self.starter_button = QPushButton(STARTER_CHOICE)
        self.starter_button.setAutoDefault(False)
        self.starter_button.clicked.connect(lambda: emit(self.starter_chosen))
        laptop = QLabel("（外出笔记本不用填写下面各项）")
        tint(laptop, MUTED)
        form.addRow(inline_row(self.starter_button, laptop))
        self.add_row("调委会名称 *", self.name, name=office.COMMITTEE_NAME_FIELD, form=form)
        self.add_row("编号简称 *", self.abbr, name=office.ABBR_FIELD, form=form)
        form.addRow("", self.example)
        self.add_row("乡镇（街道）*", self.town, name=office.TOWN_FIELD, form=form)
        self.add_row("调解期限", self.limit, name=office.TIME_LIMIT_FIELD, form=form)
        self.add_row("本机名称 *", self.device_name, name=DEVICE_NAME_FIELD, form=form)
        device_note = QLabel("同步文件上写明是哪台电脑生成的，例如“办公室电脑”。")
        tint(device_note, MUTED)
        form.addRow("", device_note)

        # Suggestions follow the committee name until the user types into the field.
        self._town = _Follower(self.town)
        self._abbr = _Follower(self.abbr)
        self.name.textEdited.connect(self._suggest)
        self.town.textEdited.connect(self._town_edited)
        self.abbr.textChanged.connect(self._show_example)
        self._show_example()

    def _build_account_step(self) -> None:
        form = self._step(
            "您的账户",
            "您是本调委会的主任：以后用您的姓名和这个密码登录本程序（每一次修改都会记下是谁做的），"
            "并在“设置 → 用户管理”中为调解员开设账户。",
        )
        self.user = QLineEdit()
        self.user.setPlaceholderText("您的姓名，例如：李建国")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(accounts.MAX_PASSWORD)
        self.password.setPlaceholderText(f"至少 {accounts.MIN_PASSWORD} 位")
        self.password_repeat = QLineEdit()
        self.password_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_repeat.setMaxLength(accounts.MAX_PASSWORD)
        self.add_row("您的姓名 *", self.user, name=office.USER_FIELD, form=form)
        self.add_row("登录密码 *", self.password, name=accounts.PASSWORD_FIELD, form=form)
        self.add_row("再输一遍 *", self.password_repeat, name=accounts.REPEAT_FIELD, form=form)
        form.addRow(
            "",
            hint_label(
                "请记住这个密码：忘记了只能由另一位主任重新设置。密码至少 "
                f"{accounts.MIN_PASSWORD} 位，不要用生日、电话号码或 123456 这样好猜的。"
            ),
        )

    def _build_villages_step(self) -> None:
        form = self._step(
            "村（社区）",
            "本乡镇（街道）的村和社区，登记纠纷时从这里选所在村。以后可在"
            f"“{REGISTRIES_PATH} → 村（社区）”中增加，登记时也可以当场新增。",
        )
        self.villages = TextBox(8)
        self.villages.setPlaceholderText("每行写一个，例如：\n红旗村\n桃园村\n河东社区")
        self.add_row("村（社区）*", self.villages, name=office.VILLAGES_FIELD, form=form)

    def _build_mediators_step(self) -> None:
        form = self._step(
            "调解员",
            "本调委会的调解员，指派案件时从这里选。已替您填上您的姓名，您不办案的话可以删去。",
            later=f"可以跳过：以后在“{MEDIATORS_PATH}”中添加，指派时也可以当场添加。",
        )
        self.mediator_rows: list[MediatorRow] = []
        self.mediator_list = QVBoxLayout()
        self.mediator_list.setContentsMargins(0, 0, 0, 0)
        rows = QWidget()
        rows.setLayout(self.mediator_list)
        self.add_mediator_button = QPushButton("再加一名(&A)")
        self.add_mediator_button.setAutoDefault(False)
        self.add_mediator_button.clicked.connect(lambda: self.add_mediator_row(focus=True))
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(rows)
        column.addWidget(self.add_mediator_button, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow(box)
        first = self.add_mediator_row()
        first.full_time.setChecked(True)
        self._you = _Follower(first.name)  # the person setting up, offered as the first
        self.user.textChanged.connect(self._you.follow)
        for _ in range(2):
            self.add_mediator_row()

    def _build_details_step(self) -> None:
        form = self._step(
            "单位信息",
            "印在协议书、卷宗封面、司法确认申请书等文书上的内容。",
            later=f"可以跳过：以后在“{OFFICE_DETAILS_PATH}”中填写。",
        )
        self.printed = PrintedDetailsFields(seal_placeholder="一般与调委会名称相同")
        self.seal_text, self.address, self.phone, self.court_name = self.printed.edits
        self.printed.add_to(self, form)
        form.addRow("", hint_label("当事人申请司法确认的人民法院，一般是本县（区）人民法院。"))
        self._seal = _Follower(self.seal_text)
        self.name.textChanged.connect(self._seal.follow)

    def _build_navigation(self) -> None:
        outer = self.layout()
        assert outer is not None
        item = outer.itemAt(outer.count() - 1)  # ServiceDialog's row of buttons comes last
        buttons = item.layout() if item is not None else None
        assert isinstance(buttons, QHBoxLayout)
        self.back_button = QPushButton("上一步(&B)")
        self.skip_button = QPushButton("跳过此步(&K)")
        self.next_button = QPushButton("下一步（Ctrl+Enter）")
        for i, b in enumerate((self.back_button, self.skip_button, self.next_button)):
            b.setAutoDefault(False)
            buttons.insertWidget(1 + i, b)
        self.back_button.clicked.connect(self.go_back)
        self.skip_button.clicked.connect(self.skip_step)
        self.next_button.clicked.connect(self.go_next)
        self.skipped_note = QLabel()
        self.skipped_note.setWordWrap(True)
        tint(self.skipped_note, MUTED)
        self.form.addRow(self.skipped_note)

    # ---- suggestions

    def _suggest(self, name: str) -> None:
        self._town.follow(guess_town(name))
        self._abbr.follow(guess_abbr(self.town.text()))

    def _town_edited(self, text: str) -> None:
        self._abbr.follow(guess_abbr(text))

    def _show_example(self) -> None:
        abbr = self.abbr.text().strip() or "某镇"
        number = cases.format_case_number(
            cases.DEFAULT_NUMBER_PATTERN, year=date.today().year, abbr=abbr, seq=1
        )
        self.example.setText(f"案件编号将是这样：{number}")

    # ---- mediators

    def add_mediator_row(self, *, focus: bool = False) -> MediatorRow:
        row = MediatorRow(self.remove_mediator_row)
        self.mediator_rows.append(row)
        self.mediator_list.addWidget(row)
        row.show()
        if self.isVisible():
            grow_to_fit(self)  # one more row: taller, or the rows are squeezed together
        if focus:
            row.name.setFocus()
        return row

    def remove_mediator_row(self, row: MediatorRow) -> None:
        if row not in self.mediator_rows:
            return
        index = self.mediator_rows.index(row)
        self.mediator_rows.remove(row)
        row.hide()
        row.deleteLater()
        if not self.mediator_rows:
            self.add_mediator_row()
        self.mediator_rows[min(index, len(self.mediator_rows) - 1)].name.setFocus()

    def _mediator_box(self, field: str) -> FieldBox | None:
        """ "调解员2·联系电话" -> the phone input of the second row."""
        match = re.fullmatch(rf"{office.MEDIATOR_LABEL}(\d+)·(.+)", field)
        if match is None:
            return None
        index = int(match.group(1)) - 1
        if not 0 <= index < len(self.mediator_rows):
            return None
        row = self.mediator_rows[index]
        return row.phone_box if match.group(2) == office.PHONE_FIELD else row.name_box

    # ---- steps

    def current_step(self) -> int:
        return self.pages.currentIndex()

    def show_step(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        last = index == len(self.steps) - 1
        step = self.steps[index]
        for i, s in enumerate(self.steps):
            text = f"{i + 1} {s.title}" + ("（已跳过）" if s.skipped else "")
            s.marker.setText(text)
            embolden(s.marker, i == index)
            tint(s.marker, None if i == index else (MUTED if s.skipped or i > index else SUCCESS))
        self.back_button.setEnabled(index > 0)
        self.skip_button.setVisible(step.optional)
        self.skip_button.setText("跳过，开始使用(&K)" if last else "跳过此步(&K)")
        self.next_button.setVisible(not last)
        self.save_button.setVisible(last)
        skipped = [
            f"已跳过“{s.title}”：{s.later.removeprefix('可以跳过：')}"
            for s in self.steps
            if s.skipped
        ]
        self.skipped_note.setText("\n".join(skipped))
        self.skipped_note.setVisible(bool(skipped))
        self.errors.clear()
        if self.isVisible():
            grow_to_fit(self)  # the note of what was skipped may need another line

    def _check_step(self, index: int) -> None:
        """The checks of one step (the same the service makes), before moving on."""
        if index == STEP_COMMITTEE:
            office.check_committee(
                committee_name=self.name.text(),
                abbr=self.abbr.text(),
                town_name=self.town.text(),
                user_name=None,  # on the next step
                time_limit_days=self.limit.value(),
            )
            self._check_device_name()
        elif index == STEP_ACCOUNT:
            office.check_committee(
                committee_name=self.name.text(),
                abbr=self.abbr.text(),
                town_name=self.town.text(),
                user_name=self.user.text(),
                time_limit_days=self.limit.value(),
            )
            accounts.check_new_password(
                self.password.text(), self.password_repeat.text(), name=self.user.text().strip()
            )
        elif index == STEP_VILLAGES:
            office.clean_villages(self.village_names())
        elif index == STEP_MEDIATORS:
            office.clean_new_mediators(self.new_mediators())
        elif index == STEP_DETAILS:
            office.clean_office_details(self.details())

    def go_next(self) -> bool:
        """下一步: check this step and show the next. False when the step was refused."""
        index = self.current_step()
        if not call_service(self, self.errors, lambda: self._check_step(index), title="设置"):
            return False
        self.steps[index].skipped = False
        if index + 1 < len(self.steps):
            self.show_step(index + 1)
            self._focus_step()
        return True

    def go_back(self) -> None:
        if self.current_step() > 0:
            self.show_step(self.current_step() - 1)
            self._focus_step()

    def skip_step(self) -> None:
        """跳过此步: nothing of this step is saved; on the last step the office is saved."""
        index = self.current_step()
        if not self.steps[index].optional:
            return
        self.steps[index].skipped = True
        if index + 1 < len(self.steps):
            self.show_step(index + 1)
            self._focus_step()
        else:
            self.show_step(index)
            self.save()

    def _focus_step(self) -> None:
        first = self._step_inputs()
        if first:
            first[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _step_inputs(self) -> list[QWidget]:
        page = self.steps[self.current_step()].page
        return [
            w
            for w in page.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.isVisibleTo(self)
            and not isinstance(w, QPushButton)
        ]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter on the last input of a step goes on to the next step (as Ctrl+Enter does).
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        inputs = self._step_inputs()
        last_step = self.current_step() == len(self.steps) - 1
        if enter and plain and not last_step and inputs and self.focusWidget() is inputs[-1]:
            self.go_next()
            return
        super().keyPressEvent(event)

    # ---- saving

    def village_names(self) -> list[str]:
        return [line.strip() for line in self.villages.toPlainText().splitlines() if line.strip()]

    def new_mediators(self) -> list[NewMediator]:
        return [row.value() for row in self.mediator_rows]

    def details(self) -> OfficeDetails:
        return OfficeDetails(**self.printed.values())

    def save(self) -> bool:
        """Ctrl+Enter: 下一步 on the first steps, 开始使用 on the last."""
        if self.current_step() < len(self.steps) - 1:
            self.go_next()
            return False
        if not super().save():
            return False
        assert self.committee_id is not None
        emit(self.office_ready, self.committee_id)
        return True

    def _check_device_name(self) -> None:
        if not self.device_name.text().strip():
            raise ValidationError(
                DEVICE_NAME_FIELD, "请填写本机名称，例如“办公室电脑”。同步时用它区分各台电脑。"
            )

    def submit(self) -> None:
        skipped = {i for i, s in enumerate(self.steps) if s.skipped}
        try:
            self._check_device_name()
            self.committee_id = office.setup_office(
                self.db,
                committee_name=self.name.text(),
                abbr=self.abbr.text(),
                town_name=self.town.text(),
                villages=self.village_names(),
                user_name=self.user.text(),
                password=self.password.text(),
                password_repeat=self.password_repeat.text(),
                time_limit_days=self.limit.value(),
                mediators=[] if STEP_MEDIATORS in skipped else self.new_mediators(),
                details=None if STEP_DETAILS in skipped else self.details(),
            )
            # The 主任 is logged in with the password just chosen (the real check).
            director = accounts.login(
                self.db, office.current_user(self.db).id, self.password.text()
            )
            sign_in(self.db, director)
            exchange.set_device_name(self.db, self.device_name.text(), by=director)
        except ValidationError as exc:
            self._show_step_of(exc.field)
            raise

    def _show_step_of(self, field: str) -> None:
        """Bring the step holding ``field`` to the front, so its error is seen beside it."""
        box = self.errors.find(field)
        for i, step in enumerate(self.steps):
            if box is not None and step.page.isAncestorOf(box):
                if i != self.current_step():
                    self.show_step(i)
                return
