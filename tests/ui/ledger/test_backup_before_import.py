"""A 台账 import is backed up first (docs/backup.md): the 导入前 backup holds the cases as
they were; when it cannot be made, nothing is imported and the user is told why."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models import backup
from app.models.backup import Kind
from app.models.db import Database
from app.ui.ledger.import_wizard import ImportWizard, Step
from tests.models import ledger_sheets as sheets
from tests.models.helpers import register
from tests.ui.ledger.test_import_wizard import do_import, walk_to
from tests.ui.message_boxes import Boxes
from tests.ui.user import click


def test_an_import_makes_a_backup_of_the_cases_before_it(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    register(office_db, applicant="导入前", respondent="已有的")
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "台账.xlsx"), Step.PREVIEW)
    do_import(qtbot, wizard)
    assert wizard.outcome is not None and wizard.outcome.imported > 0
    assert office_db.path is not None
    [made] = backup.list_backups(office_db.path)
    assert made.dated.kind is Kind.IMPORT
    assert made.contents is not None and made.contents.cases == 1
    assert office_db.scalar("SELECT count(*) FROM cases") == 1 + wizard.outcome.imported


def test_no_backup_no_import(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path, boxes: Boxes
) -> None:
    assert office_db.path is not None
    (office_db.path.parent / "backups").write_text("a file where the folder should be")
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "台账.xlsx"), Step.PREVIEW)
    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=30000)
    assert wizard.step == Step.PREVIEW
    assert office_db.scalar("SELECT count(*) FROM cases") == 0
    [(kind, _title, text)] = boxes.calls
    assert kind == "warning"
    assert "导入台账前的自动备份没有做成" in text and "这次没有导入任何案件" in text
