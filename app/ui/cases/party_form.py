"""One party of a dispute (person or organisation), and the dialog that adds or edits one.

:class:`PartyForm` is used several times in the 登记纠纷 dialog and once in
:class:`PartyDialog`. Errors from the services name party fields like "申请人2·身份证号";
:meth:`PartyForm.box_for` turns the part after "·" into the input to mark.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from app.models import cases
from app.models.db import Database, StorageError
from app.models.errors import ValidationError
from app.models.identity import (
    ETHNIC_GROUPS,
    ID_TYPES,
    IdentityError,
    check_id_document,
    check_phone,
    normalize_id_number,
    sex_and_birth_from_id,
)
from app.models.parties import CaseParty, PartyInput, case_parties, to_input, validate_party
from app.models.reference import ROLES
from app.qt.core import QEvent, Qt, Signal
from app.qt.widgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import ServiceDialog, keep_typed, tell_clashes
from app.ui.cases.widgets import (
    DateLine,
    FieldBox,
    Problem,
    current_actor,
    editable_combo,
    grid_field,
    inline_row,
    key_combo,
    require,
    show_row,
)
from app.ui.look import Heading
from app.ui.signals import emit

AGENT_POWERS = ("一般授权", "特别授权（可代为承认、放弃、变更请求，签署调解协议）")
# Resident IDs carry sex and birth date (the other documents do not): their full lengths.
_ID_LENGTHS = {"resident_id": 18, "resident_id_15": 15}
# A field the party check found wrong -> how to set it aside to look for the next problem.
_SET_ASIDE: dict[str, dict[str, Any]] = {
    "姓名": {"name": "某"},
    "名称": {"name": "某"},
    "联系电话": {"phone": ""},
    "电话": {"phone": ""},
    "身份证号": {"id_number": ""},
    "证件号码": {"id_number": ""},
    "性别": {"sex": ""},
    "出生日期": {"birth_date": None},
    "统一社会信用代码": {"org_code": ""},
}


class PartyForm(QFrame):
    """The fields of one party. ``role`` is set by whoever owns the form."""

    remove_requested = Signal(object)

    def __init__(
        self, role: str = "applicant", parent: QWidget | None = None, *, removable: bool = True
    ) -> None:
        super().__init__(parent)
        self.role = role
        self.label = ROLES.get(role, "当事人")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setVerticalSpacing(4)

        self._build_header(grid)
        self._make_inputs(removable)
        self._place_inputs(grid)
        self._grid = grid
        self._fix_label_columns()
        self._boxes = self._boxes_by_field()
        self._filled_from_id = False
        self.person_radio.toggled.connect(self._kind_changed)
        self.id_number.textChanged.connect(self._id_changed)
        self.id_type.currentIndexChanged.connect(lambda _i: self._id_changed(self.id_number.text()))
        self.has_agent.toggled.connect(self._agent_toggled)
        self.remove_button.clicked.connect(lambda: emit(self.remove_requested, self))
        self._kind_changed(True)
        self._agent_toggled(False)
        self.set_title(self.label)

    # ---- building

    def _build_header(self, grid: QGridLayout) -> None:
        """The title (申请人1 …) and 个人 / 单位."""
        self.title = Heading()
        self.person_radio = QRadioButton("个人")
        self.org_radio = QRadioButton("单位")
        self.person_radio.setChecked(True)
        self._kind_group = QButtonGroup(self)
        self._kind_group.addButton(self.person_radio)
        self._kind_group.addButton(self.org_radio)
        self.kind_box = FieldBox(inline_row(self.person_radio, self.org_radio))
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.kind_box, 0, 1, 1, 3)

    def _make_inputs(self, removable: bool) -> None:
        """The inputs, created in visual order, which is also the tab order."""
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机或固定电话")
        self.id_type = key_combo(ID_TYPES)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("自动带出性别、出生日期")
        self.sex = QComboBox()
        self.sex.addItems(["", "男", "女"])
        self.birth = DateLine()
        # Editable: typing 回 finds 回族, and a group written another way can be kept.
        self.ethnicity = editable_combo(list(ETHNIC_GROUPS))
        completer = QCompleter(list(ETHNIC_GROUPS), self.ethnicity)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.ethnicity.setCompleter(completer)
        self.ethnicity.setCurrentText("汉族")
        self.occupation = QLineEdit()
        self.occupation.setPlaceholderText("如：农民、个体户")
        self.org_code = QLineEdit()
        self.org_code.setPlaceholderText("18 位，见营业执照")
        self.legal_rep = QLineEdit()
        self.address = QLineEdit()
        self.has_agent = QCheckBox("有委托代理人")
        self.agent_name = QLineEdit()
        self.agent_phone = QLineEdit()
        self.agent_powers = editable_combo(list(AGENT_POWERS))
        self.remove_button = QPushButton("删除这位当事人（Alt+Delete）")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setVisible(removable)

    def _place_inputs(self, grid: QGridLayout) -> None:
        """Each input under its label, two to a row; the agent's below 有委托代理人."""
        self.name_box = require(grid_field(grid, 1, 0, "姓名", self.name))
        self.phone_box = grid_field(grid, 1, 2, "联系电话", self.phone)
        self.id_type_box = grid_field(grid, 2, 0, "证件类型", self.id_type)
        self.id_number_box = grid_field(grid, 2, 2, "证件号码", self.id_number)
        self.sex_box = grid_field(grid, 3, 0, "性别", self.sex)
        self.birth_box = grid_field(grid, 3, 2, "出生日期", self.birth)
        self.ethnicity_box = grid_field(grid, 4, 0, "民族", self.ethnicity)
        self.occupation_box = grid_field(grid, 4, 2, "职业", self.occupation)
        self.org_code_box = grid_field(grid, 5, 0, "统一社会信用代码", self.org_code)
        self.legal_rep_box = grid_field(grid, 5, 2, "法定代表人/负责人", self.legal_rep)
        self.address_box = grid_field(grid, 6, 0, "住址", self.address, span=3)
        # Left-aligned at its own width: a check box stretched over the row would ignore
        # clicks on the blank part that looks like it belongs to it.
        grid.addWidget(self.has_agent, 7, 1, 1, 3, Qt.AlignmentFlag.AlignLeft)
        self.agent_name_box = grid_field(grid, 8, 0, "代理人姓名", self.agent_name)
        self.agent_phone_box = grid_field(grid, 8, 2, "代理人电话", self.agent_phone)
        self.agent_powers_box = grid_field(grid, 9, 0, "代理权限", self.agent_powers, span=3)
        grid.addWidget(self.remove_button, 10, 3, Qt.AlignmentFlag.AlignRight)

    def _boxes_by_field(self) -> dict[str, FieldBox]:
        """What the services call a field (an error's suffix) -> its box."""
        return {
            "类型": self.kind_box,
            "身份": self.name_box,
            "姓名": self.name_box,
            "名称": self.name_box,
            "联系电话": self.phone_box,
            "电话": self.phone_box,
            "证件类型": self.id_type_box,
            "身份证号": self.id_number_box,
            "证件号码": self.id_number_box,
            "性别": self.sex_box,
            "出生日期": self.birth_box,
            "民族": self.ethnicity_box,
            "职业": self.occupation_box,
            "统一社会信用代码": self.org_code_box,
            "法定代表人": self.legal_rep_box,
            "住址": self.address_box,
            "地址": self.address_box,
            "代理人姓名": self.agent_name_box,
            "代理人电话": self.agent_phone_box,
            "代理权限": self.agent_powers_box,
        }

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fix_label_columns()

    def _fix_label_columns(self) -> None:
        # The same label widths in every form, whichever rows are shown, so stacked forms
        # line up and switching 个人/单位 does not make the inputs jump sideways.
        fm = self.fontMetrics()
        self._grid.setColumnMinimumWidth(0, fm.horizontalAdvance("统一社会信用代码") + 6)
        self._grid.setColumnMinimumWidth(2, fm.horizontalAdvance("法定代表人/负责人") + 6)

    # ---- owner API

    def set_title(self, label: str) -> None:
        """``label`` is how the services number this party, e.g. "申请人2"."""
        self.label = label
        self.title.setText(label)
        for box in self.findChildren(FieldBox):
            box.prefix = f"{label}·"  # "申请人2·证件号码" in the list of problems

    def set_removable(self, removable: bool) -> None:
        self.remove_button.setEnabled(removable)

    def tab_widgets(self) -> list[QWidget]:
        """The inputs in visual order (both kinds; Tab skips the hidden ones)."""
        return [
            self.person_radio,
            self.org_radio,
            self.name,
            self.phone,
            self.id_type,
            self.id_number,
            self.sex,
            self.birth,
            self.ethnicity,
            self.occupation,
            self.org_code,
            self.legal_rep,
            self.address,
            self.has_agent,
            self.agent_name,
            self.agent_phone,
            self.agent_powers,
            self.remove_button,
        ]

    def box_for(self, suffix: str) -> FieldBox | None:
        return self._boxes.get(suffix)

    @property
    def is_person(self) -> bool:
        return self.person_radio.isChecked()

    def has_input(self) -> bool:
        texts = [
            self.name.text(),
            self.phone.text(),
            self.id_number.text(),
            self.birth.text(),
            self.occupation.text(),
            self.org_code.text(),
            self.legal_rep.text(),
            self.address.text(),
            self.agent_name.text(),
            self.agent_phone.text(),
        ]
        return any(t.strip() for t in texts)

    # ---- values

    def to_input(self, label: str | None = None) -> PartyInput:
        """What was typed, for the services. Raises ValidationError for what the services
        cannot be given at all (a date that is not a date)."""
        label = label or self.label
        birth = self.birth.value(f"{label}·出生日期") if self.is_person else None
        self._check_agent_phone(label)
        return self._input(birth)

    def _check_agent_phone(self, label: str) -> None:
        # Checked here with its own field name: the party check would call it 联系电话 and
        # the red line would land under the party's own phone.
        if not self.has_agent.isChecked():
            return
        try:
            check_phone(self.agent_phone.text(), field="代理人电话")
        except IdentityError as exc:
            raise ValidationError(f"{label}·代理人电话", f"{label}：{exc.message}") from exc

    def problems(self, label: str, *, today: date) -> list[ValidationError]:
        """Everything wrong with this party at once, in the services' words (they stop at
        the first): each field found wrong is set aside and the check runs again."""
        found: list[ValidationError] = []
        birth = None
        try:
            birth = self.birth.value(f"{label}·出生日期") if self.is_person else None
        except ValidationError as exc:
            found.append(exc)
        try:
            self._check_agent_phone(label)
            party = self._input(birth)
        except ValidationError as exc:
            found.append(exc)
            party = replace(self._input(birth), agent_phone="")
        for _ in range(len(_SET_ASIDE) + 1):
            try:
                validate_party(party, label=label, today=today)
                break
            except ValidationError as exc:
                found.append(exc)
                set_aside = _SET_ASIDE.get(exc.field.split("·", 1)[-1])
                if set_aside is None:
                    break
                party = replace(party, **set_aside)
        return found

    def shown(self) -> PartyInput:
        """What the form holds, unchecked (a date that is not a date counts as none): to
        compare with what it held before the user typed."""
        try:
            birth = self.birth.value("出生日期") if self.is_person else None
        except ValidationError:
            birth = None
        return self._input(birth)

    def _input(self, birth: date | None) -> PartyInput:
        person = self.is_person
        agent = self.has_agent.isChecked()
        return PartyInput(
            name=self.name.text(),
            role=self.role,
            kind="person" if person else "org",
            sex=self.sex.currentText() if person else "",
            ethnicity=self.ethnicity.currentText().strip() if person else "",
            birth_date=birth,
            id_type=str(self.id_type.currentData()) if person else "resident_id",
            id_number=self.id_number.text() if person else "",
            occupation=self.occupation.text() if person else "",
            phone=self.phone.text(),
            address=self.address.text(),
            org_code="" if person else self.org_code.text(),
            legal_rep="" if person else self.legal_rep.text(),
            agent_name=self.agent_name.text() if agent else "",
            agent_phone=self.agent_phone.text() if agent else "",
            agent_powers=self.agent_powers.currentText() if agent else "",
        )

    def load(self, p: PartyInput) -> None:
        self.role = p.role
        (self.person_radio if p.kind == "person" else self.org_radio).setChecked(True)
        self.name.setText(p.name)
        self.phone.setText(p.phone)
        index = self.id_type.findData(p.id_type or "resident_id")
        self.id_type.setCurrentIndex(max(index, 0))
        self.id_number.setText(p.id_number)
        self.sex.setCurrentText(p.sex)
        self.birth.set_value(p.birth_date)
        self.ethnicity.setCurrentText(p.ethnicity or ("汉族" if p.kind == "person" else ""))
        self.occupation.setText(p.occupation)
        self.org_code.setText(p.org_code)
        self.legal_rep.setText(p.legal_rep)
        self.address.setText(p.address)
        has_agent = bool(p.agent_name or p.agent_phone or p.agent_powers)
        self.has_agent.setChecked(has_agent)
        self.agent_name.setText(p.agent_name)
        self.agent_phone.setText(p.agent_phone)
        self.agent_powers.setCurrentText(p.agent_powers or AGENT_POWERS[0])

    # ---- reactions

    def _kind_changed(self, _checked: bool) -> None:
        person = self.is_person
        for box in (
            self.id_type_box,
            self.id_number_box,
            self.sex_box,
            self.birth_box,
            self.ethnicity_box,
            self.occupation_box,
        ):
            show_row(box, person)
        for box in (self.org_code_box, self.legal_rep_box):
            show_row(box, not person)
        assert self.name_box.caption and self.phone_box.caption and self.address_box.caption
        self.name_box.caption.setText("姓名" if person else "单位名称")
        self.phone_box.caption.setText("联系电话" if person else "单位电话")
        self.address_box.caption.setText("住址" if person else "单位地址")

    def _agent_toggled(self, on: bool) -> None:
        for box in (self.agent_name_box, self.agent_phone_box, self.agent_powers_box):
            show_row(box, on)

    def _id_changed(self, text: str) -> None:
        """A valid resident ID fills 性别 and 出生日期 at once (and locks them: the number
        decides them); a wrong one of full length is reported at once, so nobody finds out
        only when saving."""
        full = _ID_LENGTHS.get(str(self.id_type.currentData()))
        typed = len(normalize_id_number(text))
        found = sex_and_birth_from_id(text) if typed == full else None
        self.id_number_box.clear_error()
        if found is not None:
            sex, born = found
            self.sex.setCurrentText(sex)
            self.birth.set_value(born)
        elif self._filled_from_id:  # the number changed: what it filled no longer holds
            self.sex.setCurrentIndex(0)
            self.birth.clear()
        self._filled_from_id = found is not None
        why = "由身份证号自动带出；要改请改身份证号" if self._filled_from_id else ""
        for widget in (self.sex, self.birth):
            widget.setEnabled(not self._filled_from_id)
            widget.setToolTip(why)
        if found is None and full and typed >= full:
            try:
                check_id_document(str(self.id_type.currentData()), text)
            except IdentityError as exc:
                self.id_number_box.show_error(exc.message)


# PartyInput field -> its label in the form (for "both changed" after 重新载入)
PARTY_LABELS = {
    "role": "身份",
    "kind": "个人/单位",
    "name": "姓名",
    "phone": "联系电话",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "occupation": "职业",
    "org_code": "统一社会信用代码",
    "legal_rep": "法定代表人/负责人",
    "address": "住址",
    "agent_name": "代理人姓名",
    "agent_phone": "代理人电话",
    "agent_powers": "代理权限",
}


class PartyDialog(ServiceDialog):
    """增加当事人 / 修改当事人 for a case that is still open.

    修改 keeps the party as the form showed it before the user typed, and the party's edit
    stamp: the service writes only what the user changed, and refuses when someone changed
    the party meanwhile; 重新载入 then shows the party as stored, keeping what was typed."""

    def __init__(
        self,
        db: Database,
        case_id: str,
        parent: QWidget | None = None,
        *,
        party: CaseParty | None = None,
        default_role: str = "applicant",
    ) -> None:
        super().__init__(
            db, "修改当事人" if party else "增加当事人", parent, scroll=True, width_em=44
        )
        self.case_id = case_id
        self.link_id = party.link_id if party else None
        role = party.role if party else default_role
        self.role = key_combo(ROLES, role)
        require(self.add_row("身份", self.role))
        self.party_form = PartyForm(role, removable=False)
        self.party_form.title.hide()
        self.form.addRow(self.party_form)
        self._shown: PartyInput | None = None
        self._stamp = ""
        if party is not None:
            self._show(party)
            self.reload = self.reload_party
            if party.kind == "person" and party.id_number:  # shown in full: recorded
                from app.ui.cases.party_privacy import record_showing

                record_showing(db, party.party_id, case_id, "修改当事人窗口")
        self.errors.add_resolver(self._resolve)
        self.party_form.name.setFocus()

    def _show(self, party: CaseParty) -> PartyInput:
        self.party_form.load(to_input(party))
        self.role.setCurrentIndex(max(self.role.findData(party.role), 0))
        self._shown = self._typed()  # as the form shows it, before the user types
        self._stamp = party.stamp
        return self._shown

    def _typed(self) -> PartyInput:
        role = str(self.role.currentData())
        self.party_form.role = role
        return replace(self.party_form.shown(), role=role)

    def reload_party(self) -> None:
        """重新载入: the party as stored now; what the user changed stays where the other
        change did not touch it."""
        try:
            with self.db.reading():
                stored = case_parties(self.db.conn, self.case_id)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        found = [p for p in stored if p.link_id == self.link_id]
        if not found:
            return  # deleted meanwhile: saving says so
        before, typed = self._shown, self._typed()
        now = self._show(found[0])
        if before is None:
            return
        merged, both = keep_typed(asdict(before), asdict(typed), asdict(now))
        kept = PartyInput(**merged)
        self.party_form.load(kept)
        self.role.setCurrentIndex(max(self.role.findData(kept.role), 0))
        if both:
            tell_clashes(self, [PARTY_LABELS.get(name, name) for name in both])

    def _resolve(self, field: str) -> FieldBox | None:
        if "·" not in field:
            return None
        suffix = field.split("·", 1)[1]
        if suffix == "身份":
            return self.errors.find("身份")
        return self.party_form.box_for(suffix)

    def problems(self) -> list[Problem]:
        found = super().problems()
        marked = {id(p.box) for p in found if p.box is not None}
        label = ROLES[str(self.role.currentData())]
        self.party_form.role = str(self.role.currentData())
        for exc in self.party_form.problems(label, today=date.today()):
            problem = self.errors.problem(exc)
            if problem.box is None or id(problem.box) not in marked:
                found.append(problem)
                marked.add(id(problem.box))
        return found

    def submit(self) -> None:
        role = str(self.role.currentData())
        self.party_form.role = role
        party = self.party_form.to_input(ROLES[role])
        cases.save_party(
            self.db,
            self.case_id,
            party,
            by=current_actor(self.db),
            link_id=self.link_id,
            loaded=self._shown,
            stamp=self._stamp,
        )
