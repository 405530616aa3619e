"""The buttons under a case's 当事人 detail that concern personal data (docs/privacy.md).

- 显示完整证件号码: the detail shows ID numbers masked; this shows the selected person's in
  full until another party is chosen, and the showing is recorded (who, which party, which
  case). A 统计/只读 user gets masks only.
- 更正或删除证件号码… (a 主任's): app/ui/personal_data_dialogs.py.
- 台账原始行… (a 主任's, for a case imported from a 台账 whose raw row this computer keeps).
"""

from __future__ import annotations

import logging

from app.models import personal_data
from app.models.accounts import DIRECTOR, WORKERS
from app.models.casefile import CaseFile
from app.models.db import Database, StorageError
from app.models.errors import DomainError
from app.models.parties import CaseParty
from app.qt.core import Signal
from app.qt.widgets import QDialog, QHBoxLayout, QPushButton, QWidget
from app.ui import messages, session
from app.ui.personal_data_dialogs import open_id_correction, open_import_row
from app.ui.signals import emit

log = logging.getLogger(__name__)

SHOW_FULL = "显示完整证件号码(&H)"
CORRECT = "更正或删除证件号码(&O)…"
RAW_ROW = "台账原始行(&W)…"
WHERE = "案件窗口的当事人页"


def record_showing(db: Database, party_id: str, case_id: str | None, where: str) -> None:
    """A screen shows a person's ID number in full by its nature (修改当事人, 冲突处理):
    recorded like 显示完整证件号码. A failure to record does not keep the screen from
    opening; it is logged (without the number)."""
    try:
        personal_data.reveal_id_number(
            db, party_id, by=session.current_actor(db), case_id=case_id, where=where
        )
    except (DomainError, StorageError, session.NotSignedInError) as exc:
        log.warning("showing of an ID number on %s not recorded: %s", where, type(exc).__name__)


class PartyPrivacyBar(QWidget):
    """``revealed()``: show the selected party's number in full now; ``changed()``: a
    correction, an erasure or a raw cell was saved (read the case again)."""

    revealed = Signal()
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.case: CaseFile | None = None
        self.party: CaseParty | None = None
        self.revealed_party: str | None = None
        self.show_button = QPushButton(SHOW_FULL)
        self.correct_button = QPushButton(CORRECT)
        self.raw_button = QPushButton(RAW_ROW)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        for button in (self.show_button, self.correct_button, self.raw_button):
            button.setAutoDefault(False)
            layout.addWidget(button)
        self.show_button.clicked.connect(self.reveal)
        self.correct_button.clicked.connect(self.open_correction)
        self.raw_button.clicked.connect(self.open_raw_row)

    def _role(self) -> str:
        actor = session.signed_in(self.db)
        return actor.role if actor is not None else ""

    def set_party(self, case: CaseFile, party: CaseParty | None) -> None:
        """The selected party (None: none) of ``case``; a number shown in full goes back to
        its mask when another party is chosen."""
        if party is None or party.party_id != self.revealed_party:
            self.revealed_party = None
        self.case, self.party = case, party
        role = self._role()
        person = party is not None and party.kind == "person"
        has_number = person and bool(party and party.id_number)
        self.show_button.setVisible(role in WORKERS)
        self.show_button.setEnabled(has_number and self.revealed_party is None)
        self.correct_button.setVisible(role == DIRECTOR)
        self.correct_button.setEnabled(person)
        try:
            kept = role == DIRECTOR and personal_data.import_row(self.db, case.id) is not None
        except StorageError:
            kept = False
        self.raw_button.setVisible(kept)

    def is_revealed(self, party: CaseParty) -> bool:
        return party.party_id == self.revealed_party

    def reveal(self) -> bool:
        party, case = self.party, self.case
        if party is None or case is None:
            return False
        try:
            personal_data.reveal_id_number(
                self.db,
                party.party_id,
                by=session.current_actor(self.db),
                case_id=case.id,
                where=WHERE,
            )
        except (DomainError, StorageError) as exc:
            messages.tell_refused(self, "显示完整证件号码", exc)
            return False
        self.revealed_party = party.party_id
        self.show_button.setEnabled(False)
        emit(self.revealed)
        return True

    def open_correction(self) -> QDialog | None:
        if self.party is None:
            return None
        dialog = open_id_correction(self.db, self.party, self.window())
        dialog.corrected.connect(lambda _done: emit(self.changed))
        return dialog

    def open_raw_row(self) -> QDialog | None:
        if self.case is None:
            return None
        dialog = open_import_row(self.db, self.case.id, self.window())
        if dialog is not None:
            dialog.changed.connect(lambda: emit(self.changed))  # type: ignore[attr-defined]
        return dialog
