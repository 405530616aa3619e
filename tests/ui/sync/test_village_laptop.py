"""A field laptop that holds one village, as its user sees it: a case the office moved to
another village leaves the register and its open case window when the office's file is
merged, and the message after the merge says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.models.sync import exchange, files
from app.models.sync.scope import Scope
from app.ui.item_views import RowRole
from app.ui.main_window import MainWindow
from app.ui.sync.sync_dialog import SyncDialog
from tests.conftest import TODAY
from tests.helpers import director, edit_details, log_in
from tests.ui.message_boxes import Boxes
from tests.ui.sync.laptops import PASS, write_starter
from tests.ui.sync.test_sync_dialog import merge_file
from tests.ui.user import activate

OPEN = ("accepted", "assigned", "mediating")


def village(db: Database, name: str) -> str:
    return next(v.id for v in office.villages(db) if v.name == name)


@pytest.fixture
def village_laptop(office_pc: Database, tmp_path: Path) -> Iterator[Database]:
    """周玉梅的笔记本 for 红旗村 only, made from the office's starter file."""
    starter = write_starter(
        office_pc, tmp_path / "U盘", scope=Scope(villages=(village(office_pc, "红旗村"),))
    )
    target = tmp_path / "laptop" / "mediation.sqlite3"
    target.parent.mkdir()
    files.open_starter(starter, target, passphrase=PASS)
    database = dbmod.connect(target)
    log_in(database)
    yield database
    database.close()


def listed(window: MainWindow) -> set[str]:
    model = window.register_page.table.model()
    return {model.index(row, 0).data(RowRole).id for row in range(model.rowCount())}


def test_a_case_moved_to_another_village_leaves_the_laptops_register_and_window(
    qtbot: QtBot,
    office_pc: Database,
    village_laptop: Database,
    boxes: Boxes,
    tmp_path: Path,
) -> None:
    hongqi = village(office_pc, "红旗村")
    marks = ",".join("?" * len(OPEN))
    case_id = str(
        village_laptop.scalar(
            f"SELECT id FROM cases WHERE village_id = ? AND state IN ({marks}) LIMIT 1",
            (hongqi, *OPEN),
        )
    )
    edit_details(
        office_pc, case_id, by=director(office_pc), village_id=village(office_pc, "桃园村")
    )
    laptop_id = exchange.this_device(village_laptop.conn).id
    to_laptop = files.write_sync(
        office_pc,
        tmp_path / "U盘" / "给笔记本.mdsync",
        passphrase=PASS,
        to=laptop_id,
        by=director(office_pc),
    )

    window = MainWindow(village_laptop, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    window.show_register()
    assert case_id in listed(window)
    case_window = window.open_case(case_id)
    assert case_window is not None and case_window.isVisible()

    dialog = window.open_sync()
    assert isinstance(dialog, SyncDialog)
    merge_file(qtbot, dialog, to_laptop.path)

    assert boxes.titles()[-1] == "同步文件已合并"
    told = boxes.calls[-1][2].splitlines()
    assert (
        "· 1 件案件已改到本机没有带的村（社区），已从本机移除；"
        "本机对它们做过的修改仍会随下次的同步文件交给办公室。"
    ) in told
    qtbot.waitUntil(lambda: case_id not in window.case_windows)
    assert case_id not in listed(window)
    assert village_laptop.scalar("SELECT count(*) FROM cases WHERE id = ?", (case_id,)) == 0
    dialog.close()
