"""登记纠纷: a new dispute with all its parties, typed from the keyboard alone.

Layout, top to bottom (also the Tab order): the parties, one side above the other
(申请人 and 被申请人, or 一方/另一方当事人 for 调委会主动调解), then what the dispute is about.
Alt+A / Alt+R add a party to either side, Alt+Delete removes the one being typed,
Ctrl+Enter saves, Esc asks before throwing typed text away.
"""

from __future__ import annotations

from datetime import date

from app.models import cases, office
from app.models.cases import CaseInput
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.parties import validate_parties
from app.models.reference import ROLES, categories, sources
from app.qt.core import Qt, Signal
from app.qt.gui import QKeySequence, QShortcut
from app.qt.widgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.add_in_place import VillageChooser
from app.ui.cases.party_form import PartyForm
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import (
    FieldBox,
    Problem,
    TextBox,
    check_past_day,
    current_actor,
    date_edit,
    grid_field,
    key_combo,
    py_date,
    require,
    set_tab_chain,
)
from app.ui.chooser import make_filterable
from app.ui.look import Heading
from app.ui.signals import emit

INITIATIVE = "initiative"  # 调委会主动调解: every party is a plain 当事人


class PartySide(QWidget):
    """One side of the dispute: its party forms and the button that adds one more."""

    def __init__(self, dialog: RegisterDialog, key: str) -> None:
        super().__init__()
        self.dialog = dialog
        self.key = key  # "a" (applicants) or "b" (respondents)
        self.forms: list[PartyForm] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = Heading(scale=1.15)
        layout.addWidget(self.heading)
        self.forms_layout = QVBoxLayout()
        layout.addLayout(self.forms_layout)
        self.add_button = QPushButton()
        self.add_button.setAutoDefault(False)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(lambda: self.dialog.add_party(self.key))

    @property
    def role(self) -> str:
        if self.dialog.is_initiative():
            return "party"
        return "applicant" if self.key == "a" else "respondent"

    def relabel(self) -> None:
        shortcut = "Alt+A" if self.key == "a" else "Alt+R"
        if self.dialog.is_initiative():
            name = "一方当事人" if self.key == "a" else "另一方当事人"
        else:
            name = ROLES[self.role]
        self.heading.setText(name)
        self.add_button.setText(f"增加{name}（{shortcut}）")
        for form in self.forms:
            form.role = self.role
            form.set_removable(len(self.forms) > 1)


class RegisterDialog(ServiceDialog):
    """登记纠纷. Emits ``registered(case_id)`` after a successful save."""

    registered = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, "登记纠纷", parent, scroll=True, save_text="登记", width_em=50)
        self.case_id: str | None = None
        self.committee_id = office.main_committee(db).id

        # ---- parties
        parties = QGroupBox("当事人")
        v = QVBoxLayout(parties)
        self.side_a = PartySide(self, "a")
        self.side_b = PartySide(self, "b")
        v.addWidget(self.side_a)
        v.addWidget(self.side_b)
        self.form.addRow(parties)

        # ---- the dispute
        details = QGroupBox("纠纷情况")
        grid = QGridLayout(details)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.category = QComboBox()
        self.category.addItems(categories())
        self.category.setPlaceholderText("请选择")
        self.category.setCurrentIndex(-1)  # no silent default: the statistics depend on it
        self.category.setMaxVisibleItems(20)
        make_filterable(self.category)  # typed: "ll" finds 邻里, "hy" 婚姻家庭
        self.source = make_filterable(key_combo(sources()))
        self.source_detail = QLineEdit()
        self.source_detail.setPlaceholderText("如：移交单位和经办人、报告的网格员，可不填")
        self.village_chooser = VillageChooser(db)  # 新增 in place when the village is missing
        self.village = self.village_chooser.combo
        self.registered_on = date_edit()
        self.facts = TextBox(5)
        self.facts.setPlaceholderText("发生了什么事、双方争的是什么、现在闹到什么程度")
        self.requests = TextBox(3)
        self.requests.setPlaceholderText("当事人希望怎样解决，可分条写")
        boxes = {
            "纠纷类型": grid_field(grid, 0, 0, "纠纷类型", self.category),
            "案件来源": grid_field(grid, 0, 2, "案件来源", self.source),
            "来源说明": grid_field(grid, 1, 0, "来源说明", self.source_detail, span=3),
            "所在村（社区）": grid_field(grid, 2, 0, "所在村（社区）", self.village_chooser),
            "登记日期": grid_field(grid, 2, 2, "登记日期", self.registered_on),
            "纠纷简要情况": grid_field(grid, 3, 0, "纠纷简要情况", self.facts, span=3),
            "当事人请求": grid_field(grid, 4, 0, "当事人请求", self.requests, span=3),
        }
        for name, box in boxes.items():
            self.errors.add(name, box)
        require(boxes["纠纷类型"], missing="请从列表中选择纠纷类型。")
        require(boxes["案件来源"], missing="请从列表中选择案件来源。")
        require(boxes["登记日期"])
        require(
            boxes["纠纷简要情况"],
            missing="请填写纠纷简要情况。写清楚发生了什么事、双方争的是什么。",
        )
        self.form.addRow(details)
        self.errors.add_resolver(self._resolve)

        QShortcut(QKeySequence("Alt+A"), self, lambda: self.add_party("a"))
        QShortcut(QKeySequence("Alt+R"), self, lambda: self.add_party("b"))
        QShortcut(QKeySequence("Alt+Delete"), self, self.remove_focused_party)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.saved.connect(self._emit_registered)

        self.add_party("a", focus=False)
        self.add_party("b", focus=False)
        self._source_changed()
        self.side_a.forms[0].name.setFocus()

    # ---- parties

    def is_initiative(self) -> bool:
        return bool(self.source.currentData() == INITIATIVE)

    def sides(self) -> tuple[PartySide, PartySide]:
        return self.side_a, self.side_b

    def all_forms(self) -> list[PartyForm]:
        return [*self.side_a.forms, *self.side_b.forms]

    def add_party(self, side_key: str, *, focus: bool = True) -> PartyForm:
        side = self.side_a if side_key == "a" else self.side_b
        form = PartyForm(side.role)
        form.remove_requested.connect(self.remove_party)
        side.forms.append(form)
        side.forms_layout.addWidget(form)
        # A layout shows a new child of a visible window only on the next event-loop pass;
        # show it now so Tab, focus and error marks reach it at once.
        form.show()
        self._renumber()
        if focus:
            form.name.setFocus()
            self.reveal(form.name)
        return form

    def remove_party(self, form: PartyForm) -> None:
        """Remove a party's form; one with anything typed in it goes only after a "yes"."""
        side = next(s for s in self.sides() if form in s.forms)
        if len(side.forms) <= 1:
            return  # each side keeps one form; an empty one is reported by name on save
        if not form.has_input():
            self._drop_party(form)
            return
        messages.confirm(
            self,
            "删除当事人",
            f"确定删除“{form.label}”{form.name.text().strip()}和已填写的信息吗？",
            yes="删除",
            no="不删除",
            on_yes=lambda: self._drop_party(form),
        )

    def _drop_party(self, form: PartyForm) -> None:
        side = next((s for s in self.sides() if form in s.forms), None)
        if side is None or len(side.forms) <= 1:
            return  # gone already, or the side's last form (the source may have changed)
        index = side.forms.index(form)
        side.forms.remove(form)
        form.hide()
        form.deleteLater()
        self._renumber()
        successor = side.forms[min(index, len(side.forms) - 1)]
        successor.name.setFocus()

    def remove_focused_party(self) -> None:
        widget: QWidget | None = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, PartyForm):
            widget = widget.parentWidget()
        if isinstance(widget, PartyForm):
            self.remove_party(widget)

    def _renumber(self) -> None:
        """Titles match how the services number parties: per role, in list order."""
        counters: dict[str, int] = {}
        for side in self.sides():
            side.relabel()
        for form in self.all_forms():
            counters[form.role] = counters.get(form.role, 0) + 1
            form.set_title(f"{ROLES[form.role]}{counters[form.role]}")
        self._fix_tab_order()

    def _source_changed(self, _index: int = 0) -> None:
        self._renumber()

    def _fix_tab_order(self) -> None:
        # Forms added later would otherwise come last in the Tab chain.
        chain: list[QWidget] = []
        for side in self.sides():
            for form in side.forms:
                chain.extend(form.tab_widgets())
            chain.append(side.add_button)
        chain += [
            self.category,
            self.source,
            self.source_detail,
            *self.village_chooser.tab_widgets(),
            self.registered_on,
            self.facts,
            self.requests,
            self.save_button,
            self.cancel_button,
        ]
        set_tab_chain(chain)

    def _resolve(self, field: str) -> FieldBox | None:
        """ "申请人2·身份证号" -> the ID input of the form titled 申请人2."""
        if "·" not in field:
            return None
        label, suffix = field.split("·", 1)
        for form in self.all_forms():
            if form.label == label:
                return form.box_for(suffix)
        return None

    # ---- saving

    def problems(self) -> list[Problem]:
        """The starred fields left empty and everything wrong with each party, all at
        once (the services would stop at the first)."""
        found = super().problems()
        marked = {id(p.box) for p in found if p.box is not None}
        try:
            check_past_day(py_date(self.registered_on.date()), "登记日期")
        except ValidationError as exc:
            found.append(self.errors.problem(exc))
        for form in self.all_forms():
            for wrong in form.problems(form.label, today=date.today()):
                problem = self.errors.problem(wrong)
                if problem.box is None or id(problem.box) not in marked:
                    found.append(problem)
                    marked.add(id(problem.box))
        return found

    def submit(self) -> None:
        parties = [form.to_input(form.label) for form in self.all_forms()]
        # The parties come first on the form, so their mistakes are reported first too.
        validate_parties(parties, today=date.today())
        data = CaseInput(
            committee_id=self.committee_id,
            category=self.category.currentText(),
            source=str(self.source.currentData()),
            registered_on=py_date(self.registered_on.date()),
            parties=parties,
            facts=self.facts.toPlainText(),
            requests=self.requests.toPlainText(),
            village_id=self.village.currentData() or None,
            source_detail=self.source_detail.text(),
        )
        self.case_id = cases.register_case(self.db, data, by=current_actor(self.db))

    def _emit_registered(self) -> None:
        assert self.case_id is not None
        emit(self.registered, self.case_id)
