"""准备外出笔记本: the form, its checks, the starter file it writes (opened on a second
database with the model's open_starter), and a cancel that leaves nothing behind."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.models.sync import exchange, files, package
from app.ui.sync.prepare_dialog import ChoiceList, PrepareDialog, default_file_name, open_prepare
from tests.conftest import TODAY
from tests.helpers import snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.sync.laptops import LAPTOP, PASS, answer_file_dialog
from tests.ui.user import activate, cancel_in_progress_dialog, click, ctrl_enter, type_text

QUESTION = "生成外出准备文件？"


def open_dialog(qtbot: QtBot, db: Database, parent: QWidget) -> PrepareDialog:
    dialog = open_prepare(db, parent, today=lambda: TODAY)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def tick(qtbot: QtBot, choice: ChoiceList, names: list[str]) -> None:
    """Untick 全部, then tick ``names`` with ↓ and the space bar, as the form says."""
    click(qtbot, choice.everything)
    assert choice.list.isEnabled()
    choice.list.setFocus()
    for row, item in enumerate(choice.items()):
        choice.list.setCurrentRow(row)
        if item.text() in names:
            qtbot.keyClick(choice.list, Qt.Key.Key_Space)
    assert choice.chosen_names() == names


def fill(qtbot: QtBot, dialog: PrepareDialog, target: Path) -> None:
    type_text(qtbot, dialog.name, LAPTOP)
    tick(qtbot, dialog.villages, ["红旗村", "桃园村"])
    dialog.block_size.setFocus()
    dialog.block_size.selectAll()
    type_text(qtbot, dialog.block_size, "5")
    type_text(qtbot, dialog.passphrase, PASS)
    type_text(qtbot, dialog.repeat, PASS)
    click(qtbot, dialog.choose_button)
    answer_file_dialog(dialog, target)


def cases_of(db: Database, villages: list[str]) -> int:
    marks = ",".join("?" * len(villages))
    return int(
        db.scalar(
            "SELECT count(*) FROM cases c JOIN places p ON p.id = c.village_id "
            f"WHERE p.name IN ({marks})",
            villages,
        )
    )


def test_a_laptop_for_two_villages_gets_their_cases_and_its_numbers(
    qtbot: QtBot, office_pc: Database, parent: QWidget, boxes: Boxes, tmp_path: Path
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    dialog = open_dialog(qtbot, office_pc, parent)
    assert dialog.villages.everything.isChecked() and dialog.committees.everything.isChecked()
    assert dialog.block_size.value() == 20
    expected = cases_of(office_pc, ["红旗村", "桃园村"])
    fill(qtbot, dialog, usb / "周.mdstart")
    assert dialog.target.text() == str(usb / "周.mdstart")
    assert dialog.summary.text() == (
        f"笔记本将带上：{expected} 件案件（红旗村、桃园村），全部村居档案、宣传内容和"
        "协议条款模板，每个调委会 5 个正式案号。"
    )

    boxes.answers[QUESTION] = True
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.prepared, timeout=20000) as prepared:
        ctrl_enter(qtbot, dialog.name)
    assert boxes.titles() == [QUESTION, "外出准备文件已生成"]
    asked = boxes.calls[0][2]
    assert f"将为“{LAPTOP}”生成外出准备文件" in asked and str(usb / "周.mdstart") in asked
    told = boxes.calls[1][2].splitlines()
    assert told[:2] == [f"已为“{LAPTOP}”生成外出准备文件，保存到：", str(usb / "周.mdstart")]
    assert f"笔记本带上 {expected} 件案件。" in told
    assert "· 青山镇人民调解委员会 2026 年：第 34 至 38 号（5 个）" in told
    laptop = prepared.args[0]
    assert laptop.name == LAPTOP and laptop.cases == expected
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # The office knows the laptop; the file opens as the laptop's database.
    devices = office_pc.query("SELECT name, role FROM devices WHERE role = 'field'")
    assert [tuple(r) for r in devices] == [(LAPTOP, "field")]
    target = tmp_path / "laptop.sqlite3"
    files.open_starter(usb / "周.mdstart", target, passphrase=PASS)
    on_laptop = dbmod.connect(target)
    try:
        me = exchange.this_device(on_laptop.conn)
        assert (me.name, me.role) == (LAPTOP, "field")
        assert cases_of(on_laptop, ["红旗村", "桃园村"]) == expected
        assert on_laptop.scalar("SELECT count(*) FROM cases") == expected  # 河东社区's stay
        assert [v.name for v in office.villages(on_laptop)] == ["红旗村", "桃园村", "河东社区"]
    finally:
        on_laptop.close()


def test_required_fields_and_the_passphrase_checks_are_listed_and_nothing_is_written(
    qtbot: QtBot, office_pc: Database, parent: QWidget, boxes: Boxes, tmp_path: Path
) -> None:
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    dialog.set_target(tmp_path / "a.mdstart")
    click(qtbot, dialog.villages.everything)  # 全部 off, nothing ticked
    type_text(qtbot, dialog.passphrase, "abcdef")
    type_text(qtbot, dialog.repeat, "abcdeg")
    click(qtbot, dialog.save_button)
    assert dialog.banner.text().splitlines() == [
        "有 3 处需要补填或改正（各项下面有红字说明）：",
        "1. 笔记本名称：请填写这台笔记本的名称。",
        "2. 带上的村（社区）：请至少勾选一个村（社区），或勾选“全部”。",
        "3. 再输一遍：两次输入的同步口令不一样，请在这里再输一遍同步口令。",
    ]

    type_text(qtbot, dialog.name, LAPTOP)
    click(qtbot, dialog.villages.everything)
    dialog.passphrase.clear()
    dialog.repeat.clear()
    type_text(qtbot, dialog.passphrase, "abc")
    type_text(qtbot, dialog.repeat, "abc")
    click(qtbot, dialog.save_button)
    box = dialog.errors.find("同步口令")
    assert box is not None and box.error.text() == "同步口令至少要 6 个字符（现在是 3 个）。"
    assert boxes.calls == []  # not asked: nothing to ask about yet
    assert snapshot(office_pc) == before
    assert not (tmp_path / "a.mdstart").exists()


def test_a_second_laptop_of_the_same_name_is_refused(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    dialog = open_dialog(qtbot, office_pc, parent)
    dialog.set_target(tmp_path / "b.mdstart")
    type_text(qtbot, dialog.name, LAPTOP)
    type_text(qtbot, dialog.passphrase, PASS)
    type_text(qtbot, dialog.repeat, PASS)
    click(qtbot, dialog.save_button)
    box = dialog.errors.find("笔记本名称")
    assert box is not None
    assert box.error.text().startswith(f"已经准备过一台叫“{LAPTOP}”的笔记本。请换一个名称")
    assert boxes.calls == []


def test_the_file_name_follows_the_laptop_until_a_place_is_chosen(
    qtbot: QtBot, office_pc: Database, parent: QWidget, boxes: Boxes, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, office_pc, parent)
    type_text(qtbot, dialog.name, "王芳的笔记本")
    assert Path(dialog.target.text()).name == "外出准备-王芳的笔记本-2026-11-20.mdstart"
    assert default_file_name("a/b:c", TODAY) == "外出准备-a_b_c-2026-11-20.mdstart"
    dialog.set_target(tmp_path / "自己选的.mdstart")
    type_text(qtbot, dialog.name, "2")
    assert dialog.target.text() == str(tmp_path / "自己选的.mdstart")


def _writing_waits_for_cancel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing the file holds on until the user pressed 取消 (the laptop is registered in
    the office database by then: the cancel must take it back out)."""
    real = package.write_starter_file

    def slow_write(path: Path, **kw: Any) -> int:
        deadline = time.monotonic() + 20
        while not kw["cancelled"]() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(path, **kw)

    monkeypatch.setattr(package, "write_starter_file", slow_write)


def test_cancel_while_writing_leaves_no_file_and_no_laptop(
    qtbot: QtBot,
    office_pc: Database,
    parent: QWidget,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _writing_waits_for_cancel(monkeypatch)
    usb = tmp_path / "U盘"
    usb.mkdir()
    dialog = open_dialog(qtbot, office_pc, parent)
    fill(qtbot, dialog, usb / "周.mdstart")
    boxes.answers[QUESTION] = True
    click(qtbot, dialog.save_button)
    job = dialog.job
    assert job is not None and not dialog.save_button.isEnabled()
    with qtbot.waitSignal(job.stopped, timeout=20000):
        cancel_in_progress_dialog(qtbot, job)
    assert boxes.titles() == [QUESTION]  # cancelled: nothing more to tell
    assert list(usb.iterdir()) == []  # no file, no half-written one
    # the laptop is taken back out and the numbers lent to it are the office's again
    assert office_pc.scalar("SELECT count(*) FROM devices WHERE role = 'field'") == 0
    assert office_pc.scalar("SELECT count(*) FROM sync_peers") == 0
    assert office_pc.scalar("SELECT count(*) FROM number_blocks WHERE reclaimed = 0") == 0
    lent = office_pc.scalar("SELECT sum(last_seq - first_seq + 1) FROM number_blocks")
    assert office_pc.scalar("SELECT count(*) FROM case_number_free") == lent
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert dialog.name.text() == LAPTOP  # what was typed stays


def test_a_field_laptop_prepares_no_other_laptop(
    qtbot: QtBot, laptop: Database, parent: QWidget, boxes: Boxes
) -> None:
    assert open_prepare(laptop, parent) is None
    assert boxes.titles() == ["准备外出笔记本"]
    assert "本机是外出笔记本，不能再准备其他笔记本" in boxes.texts()
