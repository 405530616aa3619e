"""A field laptop that holds one village, as its user sees it: a case the office moved to
another village leaves the register and its open case window when the office's file is
merged, and the message after the merge says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import cases, office
from app.models import db as dbmod
from app.models.db import Database
from app.models.registries import people
from app.models.sync import exchange, files
from app.models.sync.scope import Scope
from app.ui.item_views import RowRole
from app.ui.main_window import MainWindow
from app.ui.sync.conflicts_window import ROW_KEPT_INTRO, ConflictsWindow
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
    parent: QWidget,
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

    window = MainWindow(village_laptop, today=lambda: TODAY)  # deleted at the end, below
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
    with qtbot.waitSignal(window.destroyed):  # its idle watch reads the file: gone before it
        window.close()
        window.deleteLater()


def test_the_laptop_is_told_why_a_mediator_it_deleted_is_back(
    qtbot: QtBot, office_pc: Database, village_laptop: Database, parent: QWidget, tmp_path: Path
) -> None:
    """冲突处理 on the laptop: a mediator the office assigned only in another village's case
    looks unused there; deleted on the laptop, she is kept, and the laptop is told why."""
    by = director(office_pc)
    new = office.add_mediator(
        office_pc, by=by, name="刘新来", committee_id=office.main_committee(office_pc).id
    )
    marks = ",".join("?" * len(OPEN))
    taoyuan_case = str(
        office_pc.scalar(
            f"SELECT id FROM cases WHERE village_id = ? AND state IN ({marks}) LIMIT 1",
            (village(office_pc, "桃园村"), *OPEN),
        )
    )
    cases.assign_mediators(
        office_pc, taoyuan_case, by=by, mediator_ids=[new], how="appointed",
        assigned_on=TODAY, reason="换人", today=TODAY,
    )  # fmt: skip
    usb = tmp_path / "U盘"
    laptop_id = exchange.this_device(village_laptop.conn).id
    home = exchange.this_device(village_laptop.conn).home

    def office_to_laptop(name: str) -> None:
        down = files.write_sync(office_pc, usb / name, passphrase=PASS, to=laptop_id, by=by)
        files.apply_sync(village_laptop, down.path, passphrase=PASS, by=director(village_laptop))

    office_to_laptop("给笔记本1.mdsync")
    people.MEDIATORS.delete(village_laptop, new, by=director(village_laptop))
    up = files.write_sync(
        village_laptop,
        usb / "回办公室.mdsync",
        passphrase=PASS,
        to=home,
        by=director(village_laptop),
    )
    files.apply_sync(office_pc, up.path, passphrase=PASS, by=by)
    office_to_laptop("给笔记本2.mdsync")
    assert village_laptop.scalar("SELECT name FROM mediators WHERE id = ?", (new,)) == "刘新来"

    window = ConflictsWindow(village_laptop)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.intro.text() == ROW_KEPT_INTRO
    kept, deleted = window.cards
    assert (kept.button.text(), deleted.button.text()) == ("保留这条记录", "确认删除")
    assert kept.value_text == "仍在：“办公室电脑”上还有记录用到它，删除没有执行"
    assert deleted.value_text == "已删除"
    window.close()
