"""A person asks (docs/privacy.md): the 主任's dialogs for an ID number and for the raw cells
of an imported 台账 row.

- :class:`IdCorrectionDialog` (更正或删除证件号码): a new number, or none, and why; the model
  replaces the number everywhere it is stored (app/models/personal_data.py) and records
  who did it, without the number. ``corrected(Correction)`` once done.
- :class:`ImportRowDialog` (台账原始行): the cells of the row a case was imported from, as
  the sheet had them (opening it is recorded: it shows ID numbers in full); a cell can be
  corrected or emptied, the whole row cleared. ``changed()`` after each change.
"""

from __future__ import annotations

from typing import Any

from app.models import personal_data
from app.models.db import Database, StorageError
from app.models.errors import DomainError
from app.models.identity import ID_TYPES, mask_id_number
from app.models.parties import CaseParty
from app.models.personal_data import Correction, ImportRow, SameNumber
from app.qt.core import Qt, Signal
from app.qt.widgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import Question, ServiceDialog
from app.ui.cases.widgets import em, fit_to_screen, hint_label, require, show_row
from app.ui.session import current_actor
from app.ui.signals import emit

CORRECT_TITLE = "更正或删除证件号码"
CORRECT_INTRO = (
    "当事人本人要求更正或删除证件号码时（个人信息保护法），在这里办理：当事人信息、查找索引、"
    "修改记录、台账原始行和案件文字中的原号码都会改掉，同步时其他电脑也照此改正。"
    "审计记录只记谁、何时、为什么办理，不记号码。"
)
ERASE_QUESTION = "删除证件号码？"
RAW_TITLE = "台账原始行"
RAW_INTRO = (
    "这件案件导入时 Excel 台账中这一行的原始内容（含身份证号、电话），只保存在本机。"
    "可以更正某一格，或在核对无误后清除整行；案件本身不受影响。打开本窗口已记入审计记录。"
)


class IdCorrectionDialog(ServiceDialog):
    """更正或删除证件号码 of one person (a 主任's; the model checks the role)."""

    corrected = Signal(object)

    def __init__(self, db: Database, party: CaseParty, parent: QWidget | None = None) -> None:
        super().__init__(db, CORRECT_TITLE, parent, intro=CORRECT_INTRO, width_em=36)
        self.party = party
        self.correction: Correction | None = None
        kind = ID_TYPES.get(party.id_type, "证件")
        current = f"{kind} {mask_id_number(party.id_number)}" if party.id_number else "未登记"
        self.add_row("当事人", QLabel(party.name))
        self.add_row("现在的证件号码", QLabel(current))
        # each case has its own row of the person: the others holding the number change too
        self.same: SameNumber | None = None
        if party.id_number:
            try:
                self.same = personal_data.same_number(db, party.party_id)
            except DomainError:
                self.same = None  # (the service says why when it is asked)
        self.elsewhere = QLabel(self.same.note if self.same is not None else "")
        self.elsewhere.setWordWrap(True)
        show_row(self.add_row("其他案件", self.elsewhere), bool(self.elsewhere.text()))
        self.correct = QRadioButton("更正为新的号码")
        self.erase = QRadioButton("删除证件号码")
        self.correct.setChecked(True)
        self.erase.setEnabled(bool(party.id_number))
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.correct)
        row.addWidget(self.erase)
        row.addStretch(1)
        self.add_row("办理", choice)
        self.number = QLineEdit()
        self.number.setMaxLength(40)
        self.number.setPlaceholderText("对照本人证件输入")
        self.number_box = self.add_row(personal_data.NUMBER_FIELD, self.number)
        self.reason = QLineEdit()
        self.reason.setMaxLength(personal_data.MAX_REASON)
        self.reason.setPlaceholderText("例如：本人持身份证到所申请更正")
        require(self.add_row(personal_data.REASON_FIELD, self.reason))
        self.erase.toggled.connect(self._choice_changed)

    def _choice_changed(self, erasing: bool) -> None:
        self.number_box.setEnabled(not erasing)
        if erasing:
            self.number.clear()

    def question(self) -> Question | None:
        if not self.erase.isChecked():
            return None
        return Question(
            ERASE_QUESTION,
            f"删除{self.party.name}的证件号码？本机所有地方的原号码都会删去"
            f"{self._also()}，同步时其他电脑也照此删除，不能撤销。",
            "删除",
            "取消",
        )

    def _also(self) -> str:
        others = len(self.same.other_cases) if self.same is not None else 0
        return f"（包括另外 {others} 件案件中的）" if others else ""

    def submit(self) -> None:
        actor = current_actor(self.db)
        reason = self.reason.text()
        if self.erase.isChecked():
            done = personal_data.erase_id_number(
                self.db, self.party.party_id, by=actor, reason=reason
            )
        else:
            done = personal_data.correct_id_number(
                self.db, self.party.party_id, self.number.text(), by=actor, reason=reason
            )
        self.correction = done
        messages.info(self.parentWidget(), CORRECT_TITLE, done.summary)
        emit(self.corrected, done)


class ImportRowDialog(QDialog):
    """The raw cells of one case's import row, for a 主任."""

    changed = Signal()

    def __init__(self, db: Database, row: ImportRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(RAW_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.db = db
        self.row = row
        self.where = QLabel()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["列", "原始内容"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.currentCellChanged.connect(lambda *_: self._cell_chosen())
        self.remarks = QLabel()
        self.remarks.setWordWrap(True)
        self.cell = QLineEdit()
        self.cell.setPlaceholderText("选中一格后在这里更正；清空后保存即删去这一格")
        self.save_cell_button = QPushButton("保存这一格(&S)")
        self.save_cell_button.clicked.connect(self.save_cell)
        self.clear_button = QPushButton("清除整行(&C)…")
        self.clear_button.clicked.connect(self.ask_clear)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.cell, 1)
        edit_row.addWidget(self.save_cell_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(RAW_INTRO))
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.remarks)
        layout.addLayout(edit_row)
        layout.addLayout(buttons)
        fit_to_screen(self, self.sizeHint().expandedTo(self.minimumSize()))
        self.resize(em(self) * 40, em(self) * 30)
        self._show(row)

    def _show(self, row: ImportRow) -> None:
        self.row = row
        where = f"文件“{row.file}”" + (f"，工作表“{row.sheet}”" if row.sheet else "")
        self.where.setText(f"{where}，第 {row.row} 行" + ("（已清除）" if row.cleared else ""))
        self.table.setRowCount(len(row.cells))
        for i, (column, text) in enumerate(row.cells.items()):
            self.table.setItem(i, 0, QTableWidgetItem(column))
            self.table.setItem(i, 1, QTableWidgetItem(text))
        self.remarks.setText("导入时的说明：" + "；".join(row.remarks) if row.remarks else "")
        self.remarks.setVisible(bool(row.remarks))
        self.clear_button.setEnabled(not row.cleared)
        self._cell_chosen()

    def chosen_column(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.text() if item is not None else None

    def _cell_chosen(self) -> None:
        column = self.chosen_column()
        self.cell.setEnabled(column is not None)
        self.save_cell_button.setEnabled(column is not None)
        self.cell.setText(self.row.cells.get(column, "") if column else "")

    def _run(self, fn: Any) -> bool:
        try:
            fn()
        except (DomainError, StorageError) as exc:
            messages.tell_refused(self, RAW_TITLE, exc)
            return False
        emit(self.changed)
        return True

    def save_cell(self) -> bool:
        column = self.chosen_column()
        if column is None:
            return False

        def do() -> None:
            self._show(
                personal_data.correct_import_cell(
                    self.db, self.row.id, column, self.cell.text(), by=current_actor(self.db)
                )
            )

        return self._run(do)

    def ask_clear(self) -> None:
        messages.confirm(
            self,
            "清除台账原始行",
            "清除这一行的全部原始内容（含身份证号、电话）？案件和导入记录保留；清除后不能恢复。",
            yes="清除",
            on_yes=self.clear,
        )

    def clear(self) -> bool:
        def do() -> None:
            personal_data.clear_import_rows(
                self.db, by=current_actor(self.db), case_id=self.row.case_id
            )
            found = personal_data.import_row(self.db, self.row.case_id)
            if found is not None:
                self._show(found)

        return self._run(do)


def open_id_correction(
    db: Database, party: CaseParty, parent: QWidget | None = None
) -> IdCorrectionDialog:
    dialog = IdCorrectionDialog(db, party, parent)
    dialog.open()
    return dialog


def open_import_row(db: Database, case_id: str, parent: QWidget | None = None) -> QDialog | None:
    """台账原始行 of a case (recorded as a showing); None when there is none here or the
    user may not see it (told)."""
    try:
        row = personal_data.show_import_row(db, case_id, by=current_actor(db))
    except (DomainError, StorageError) as exc:
        messages.tell_refused(parent, RAW_TITLE, exc)
        return None
    if row is None:
        messages.info(
            parent,
            RAW_TITLE,
            "本机没有这件案件的台账原始行（不是导入的案件，或原始行保存在办公室电脑上）。",
        )
        return None
    dialog = ImportRowDialog(db, row, parent)
    dialog.open()
    return dialog
