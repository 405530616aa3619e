"""A sync file is merged only after a 同步前 backup (docs/backup.md); a file with nothing new
makes none; when the backup cannot be made, nothing is merged and the user is told why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import backup
from app.models.backup import Kind
from app.models.db import Database
from app.models.sync import exchange, files
from app.ui import session
from tests.helpers import director, snapshot
from tests.models.helpers import register
from tests.ui.message_boxes import Boxes
from tests.ui.sync.laptops import PASS
from tests.ui.sync.test_sync_dialog import merge_file, open_dialog


@pytest.fixture(autouse=True)
def _signed_in(office_pc: Database) -> None:
    """The office's 主任 works at the office PC (as after the login dialog)."""
    if session.signed_in(office_pc) is None:
        session.sign_in(office_pc, director(office_pc))


def laptop_file(laptop: Database, folder: Path) -> Path:
    register(laptop, applicant="赵六", respondent="孙七")
    home = exchange.this_device(laptop.conn).home
    out = files.write_sync(
        laptop, folder / "回办公室.mdsync", passphrase=PASS, to=home, by=director(laptop)
    )
    return out.path


def test_a_merge_is_backed_up_first_and_nothing_new_makes_no_backup(
    qtbot: QtBot,
    office_pc: Database,
    laptop: Database,
    parent: QWidget,
    boxes: Boxes,
    tmp_path: Path,
) -> None:
    path = laptop_file(laptop, tmp_path)
    before = int(office_pc.scalar("SELECT count(*) FROM cases"))
    dialog = open_dialog(qtbot, office_pc, parent)
    merge_file(qtbot, dialog, path)
    assert boxes.titles()[-1] == "同步文件已合并"
    assert office_pc.path is not None
    [made] = backup.list_backups(office_pc.path)
    assert made.dated.kind is Kind.SYNC
    assert made.contents is not None and made.contents.cases == before
    assert office_pc.scalar("SELECT count(*) FROM cases") == before + 1

    merge_file(qtbot, dialog, path)  # the same file again: nothing to merge
    assert boxes.titles()[-1] == "不用合并"
    assert len(backup.list_backups(office_pc.path)) == 1


def test_no_backup_no_merge(
    qtbot: QtBot,
    office_pc: Database,
    laptop: Database,
    parent: QWidget,
    boxes: Boxes,
    tmp_path: Path,
) -> None:
    path = laptop_file(laptop, tmp_path)
    assert office_pc.path is not None
    (office_pc.path.parent / "backups").write_text("a file where the folder should be")
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    merge_file(qtbot, dialog, path)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "合并同步文件没有完成")
    assert "合并同步文件前的自动备份没有做成" in text and "本机数据没有改动" in text
    assert snapshot(office_pc) == before
