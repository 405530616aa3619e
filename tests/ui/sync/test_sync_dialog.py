"""同步: sync files written and merged through the dialog, both ways, on real databases and
real encrypted files; every refusal and a cancel leave the database as it was."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.db import Database
from app.models.sync import exchange, files, numbers, package
from app.ui.main_window import MainWindow
from app.ui.sync.common import DeviceNameDialog
from app.ui.sync.status import status_text
from app.ui.sync.sync_dialog import SyncDialog, open_sync
from tests.conftest import TODAY
from tests.helpers import director, snapshot
from tests.models.helpers import register
from tests.ui.message_boxes import Boxes
from tests.ui.sync.laptops import (
    LAPTOP,
    PASS,
    answer_file_dialog,
    enter_passphrase,
    other_office,
    passphrase_dialog,
    write_starter,
)
from tests.ui.user import cancel_in_progress_dialog, click, type_text


def open_dialog(qtbot: QtBot, db: Database, parent: QWidget) -> SyncDialog:
    dialog = open_sync(db, parent)
    assert isinstance(dialog, SyncDialog)
    qtbot.waitExposed(dialog)
    return dialog


def write_file(qtbot: QtBot, dialog: SyncDialog, path: Path) -> files.Written:
    """生成同步文件…, the passphrase twice, the place chosen; waits until it is written."""
    click(qtbot, dialog.write_button)
    enter_passphrase(qtbot, passphrase_dialog(qtbot, dialog), PASS)
    with qtbot.waitSignal(dialog.written, timeout=20000) as written:
        answer_file_dialog(dialog, path)
    result = written.args[0]
    assert isinstance(result, files.Written)
    return result


def choose_file_to_merge(qtbot: QtBot, dialog: SyncDialog, path: Path) -> None:
    click(qtbot, dialog.merge_button)
    answer_file_dialog(dialog, path)


def merge_file(qtbot: QtBot, dialog: SyncDialog, path: Path, passphrase: str = PASS) -> None:
    """合并同步文件…, the file chosen, the passphrase; waits until the work is over."""
    choose_file_to_merge(qtbot, dialog, path)
    asked = passphrase_dialog(qtbot, dialog)
    intro = asked.findChild(QLabel, "intro")
    assert intro is not None and path.name in intro.text()  # the file is named before
    enter_passphrase(qtbot, asked, passphrase)
    assert dialog.working
    qtbot.waitUntil(lambda: not dialog.working, timeout=20000)


def test_a_laptop_and_the_office_exchange_files_both_ways(
    qtbot: QtBot,
    office_pc: Database,
    laptop: Database,
    parent: QWidget,
    boxes: Boxes,
    tmp_path: Path,
) -> None:
    usb = tmp_path / "U盘"
    new_case = register(laptop, applicant="赵六", respondent="孙七")

    on_laptop = open_dialog(qtbot, laptop, parent)
    assert on_laptop.who.text() == f"本机：{LAPTOP}（外出笔记本，由“办公室电脑”准备）"
    assert not on_laptop.peer.isVisible()  # a laptop's file always goes to its office
    out = write_file(qtbot, on_laptop, usb / "回办公室.mdsync")
    assert out.path.is_file() and out.changes > 0
    assert status_text(laptop, "青山镇").endswith(f"外出笔记本：{LAPTOP} · 本机剩余案号 0")
    assert boxes.titles() == ["同步文件已生成"]
    assert "已生成给“办公室电脑”的同步文件" in boxes.texts()
    on_laptop.close()

    in_office = open_dialog(qtbot, office_pc, parent)
    assert in_office.peer.currentText() == f"{LAPTOP}（还没有合并过它的文件）"
    merge_file(qtbot, in_office, out.path)
    assert boxes.titles()[-1] == "同步文件已合并"
    told = boxes.calls[-1][2]
    assert told.startswith(f"已合并“{LAPTOP}”的同步文件。")
    # (how many changes one registration makes is the change log's business)
    assert re.fullmatch(r"· 新的改动 \d+ 条，涉及 1 件案件。", told.splitlines()[1])
    assert "· 收回笔记本没用完的案号 40 个，办公室接着用。" in told.splitlines()
    parties = office_pc.scalar("SELECT parties_text FROM cases WHERE id = ?", (new_case,))
    assert parties == "赵六、孙七"
    assert in_office.peer.currentText().startswith(f"{LAPTOP}（上次合并它的文件：")

    with office_pc.transaction() as conn:
        conn.execute("UPDATE cases SET title = '办公室补的标题' WHERE id = ?", (new_case,))
    back = write_file(qtbot, in_office, usb / "给笔记本.mdsync")
    assert back.to_name == LAPTOP
    assert f"已生成给“{LAPTOP}”的同步文件" in boxes.calls[-1][2]
    assert "随文件发给笔记本的正式案号：" in boxes.calls[-1][2]  # its own went back with its file
    assert [(c, first, last) for c, _y, first, last in back.new_blocks] == [
        ("青山镇人民调解委员会", 54, 73),
        ("红旗村人民调解委员会", 21, 40),
    ]
    in_office.close()

    on_laptop = open_dialog(qtbot, laptop, parent)
    merge_file(qtbot, on_laptop, back.path)
    assert boxes.titles()[-1] == "同步文件已合并"
    assert laptop.scalar("SELECT title FROM cases WHERE id = ?", (new_case,)) == "办公室补的标题"
    assert status_text(laptop, "青山镇").endswith("本机剩余案号 40")  # the new blocks came


def test_the_same_file_again_or_an_older_one_changes_nothing(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    home = exchange.this_device(laptop.conn).home
    register(laptop, applicant="赵六")
    first = files.write_sync(
        laptop, tmp_path / "1.mdsync", passphrase=PASS, to=home, by=director(laptop)
    )
    register(laptop, applicant="钱七")
    second = files.write_sync(
        laptop, tmp_path / "2.mdsync", passphrase=PASS, to=home, by=director(laptop)
    )
    dialog = open_dialog(qtbot, office_pc, parent)
    merge_file(qtbot, dialog, second.path)
    before = snapshot(office_pc)

    merge_file(qtbot, dialog, second.path)
    assert boxes.calls[-1][:2] == ("info", "不用合并")
    assert "已经合并过" in boxes.calls[-1][2]
    merge_file(qtbot, dialog, first.path)
    assert boxes.calls[-1][:2] == ("info", "不用合并")
    assert "比已经合并的第2号旧" in boxes.calls[-1][2]
    assert snapshot(office_pc) == before


def test_a_wrong_passphrase_is_refused_and_changes_nothing(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    register(laptop, applicant="赵六")
    out = files.write_sync(
        laptop, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(laptop)
    )
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    merge_file(qtbot, dialog, out.path, passphrase="not-the-passphrase")
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "合并同步文件没有完成")
    assert text.startswith("同步口令不对，打不开同步文件“a.mdsync”，本机数据没有改动。")
    assert snapshot(office_pc) == before
    assert dialog.isVisible() and dialog.merge_button.isEnabled()  # try again with the right one


def test_a_file_of_another_office_is_refused_before_the_passphrase(
    qtbot: QtBot, office_pc: Database, parent: QWidget, boxes: Boxes, tmp_path: Path
) -> None:
    other = other_office(tmp_path / "other.sqlite3")
    out = files.write_sync(
        other, tmp_path / "白石镇.mdsync", passphrase=PASS, to=None, by=director(other)
    )
    other.close()
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    choose_file_to_merge(qtbot, dialog, out.path)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "合并同步文件")
    assert "来自另一个单位的数据库，不能合并到这里，本机数据没有改动" in text
    assert not [d for d in dialog.findChildren(QWidget) if d.objectName() == "intro"]
    assert snapshot(office_pc) == before


def test_a_starter_file_is_not_merged(
    qtbot: QtBot, office_pc: Database, parent: QWidget, boxes: Boxes, tmp_path: Path
) -> None:
    starter = write_starter(office_pc, tmp_path / "U盘")
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    choose_file_to_merge(qtbot, dialog, starter)
    assert boxes.calls[-1][1] == "合并同步文件"
    assert "是外出准备文件，不是同步文件" in boxes.calls[-1][2]
    assert snapshot(office_pc) == before


def test_a_damaged_file_is_refused_and_changes_nothing(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    for n in range(5):
        register(laptop, applicant=f"赵{n}")
    out = files.write_sync(
        laptop, tmp_path / "cut.mdsync", passphrase=PASS, to=None, by=director(laptop)
    )
    data = out.path.read_bytes()
    out.path.write_bytes(data[:-100])  # the stick pulled out while copying
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    merge_file(qtbot, dialog, out.path)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "合并同步文件没有完成")
    assert "“cut.mdsync”已经损坏或不完整" in text
    assert snapshot(office_pc) == before


def _apply_waits_for_cancel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The merge holds on, inside its transaction's way in, until the user pressed 取消."""
    real = exchange.apply_bundle

    def slow_apply(db: Database, bundle: Any, **kw: Any) -> Any:
        deadline = time.monotonic() + 20
        while not kw["cancelled"]() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(db, bundle, **kw)

    monkeypatch.setattr(exchange, "apply_bundle", slow_apply)


def test_cancel_while_merging_leaves_the_database_as_it_was(
    qtbot: QtBot,
    office_pc: Database,
    laptop: Database,
    parent: QWidget,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(5):
        register(laptop, applicant=f"赵{n}")
    out = files.write_sync(
        laptop, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(laptop)
    )
    _apply_waits_for_cancel(monkeypatch)
    before = snapshot(office_pc)
    dialog = open_dialog(qtbot, office_pc, parent)
    choose_file_to_merge(qtbot, dialog, out.path)
    enter_passphrase(qtbot, passphrase_dialog(qtbot, dialog), PASS)
    job = dialog.job
    assert job is not None and dialog.working
    assert not dialog.merge_button.isEnabled()  # one file at a time
    with qtbot.waitSignal(job.stopped, timeout=20000):
        cancel_in_progress_dialog(qtbot, job)
    assert boxes.calls == []  # cancelled: nothing to tell
    assert snapshot(office_pc) == before
    assert dialog.isVisible() and dialog.merge_button.isEnabled()


def test_an_unnamed_office_is_asked_for_its_name_first(
    qtbot: QtBot, office_db: Database, parent: QWidget, boxes: Boxes
) -> None:
    asked = open_sync(office_db, parent)
    assert isinstance(asked, DeviceNameDialog)
    qtbot.waitExposed(asked)
    assert asked.name.text() == "办公室电脑"  # offered; the office may call it otherwise
    asked.name.clear()
    click(qtbot, asked.save_button)
    box = asked.errors.find("本机名称")
    assert box is not None and box.error.text() == "请填写本机名称。"
    assert exchange.this_device(office_db.conn).name == ""
    type_text(qtbot, asked.name, "镇综治中心电脑")
    click(qtbot, asked.save_button)
    qtbot.waitUntil(lambda: bool(parent.findChildren(SyncDialog)))
    dialog = parent.findChildren(SyncDialog)[0]
    assert dialog.who.text() == "本机：镇综治中心电脑"
    assert exchange.this_device(office_db.conn).name == "镇综治中心电脑"
    assert office.is_set_up(office_db)
    assert not dialog.write_button.isEnabled()  # no laptop prepared yet
    assert "还没有准备过外出笔记本" in dialog.peer_note.text()


def test_a_merge_with_conflicts_offers_to_handle_them(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    case_id = laptop.scalar("SELECT id FROM cases ORDER BY seq LIMIT 1")
    for database, title in ((laptop, "笔记本上改的标题"), (office_pc, "办公室改的标题")):
        with database.transaction() as conn:
            conn.execute("UPDATE cases SET title = ? WHERE id = ?", (title, case_id))
    home = exchange.this_device(laptop.conn).home
    out = files.write_sync(
        laptop, tmp_path / "a.mdsync", passphrase=PASS, to=home, by=director(laptop)
    )
    opened: list[bool] = []
    dialog = open_sync(office_pc, parent, conflicts=lambda: opened.append(True))
    assert isinstance(dialog, SyncDialog)
    boxes.answers["同步文件已合并"] = True  # 现在处理冲突…
    merge_file(qtbot, dialog, out.path)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", "同步文件已合并")
    assert "· 1 处冲突：两台电脑都改了同一项，暂时保留较晚的改动" in text
    assert opened == [True]


def test_a_stick_pulled_out_before_writing_is_told(
    qtbot: QtBot, office_pc: Database, laptop: Database, parent: QWidget, boxes: Boxes, tmp_path
) -> None:
    usb = tmp_path / "拔出的U盘"
    usb.mkdir()
    dialog = open_dialog(qtbot, laptop, parent)
    click(qtbot, dialog.write_button)
    enter_passphrase(qtbot, passphrase_dialog(qtbot, dialog), PASS)
    usb.rmdir()  # pulled out while the save dialog was open
    answer_file_dialog(dialog, usb / "回办公室.mdsync")
    qtbot.waitUntil(lambda: not dialog.working, timeout=20000)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "生成同步文件没有完成")
    assert text.startswith(f"文件夹“{usb}”不存在，同步文件“回办公室.mdsync”没有写成")
    assert not usb.exists()


def test_the_status_line_follows_a_laptops_numbers_after_a_cancelled_write(
    qtbot: QtBot,
    laptop: Database,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = package.write_sync_file

    def slow_write(path: Path, **kw: Any) -> int:
        deadline = time.monotonic() + 20
        while not kw["cancelled"]() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(path, **kw)

    monkeypatch.setattr(package, "write_sync_file", slow_write)
    window = MainWindow(laptop, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.office_label.text().endswith("本机剩余案号 40")
    dialog = window.open_sync()
    assert isinstance(dialog, SyncDialog)
    click(qtbot, dialog.write_button)
    enter_passphrase(qtbot, passphrase_dialog(qtbot, dialog), PASS)
    answer_file_dialog(dialog, tmp_path / "回办公室.mdsync")
    job = dialog.job
    assert job is not None
    with qtbot.waitSignal(job.stopped, timeout=20000):
        cancel_in_progress_dialog(qtbot, job)
    assert not (tmp_path / "回办公室.mdsync").exists()
    # The laptop closed its blocks for the file (the model does so before writing): the
    # status line says so, rather than numbers it no longer takes.
    left = sum(b.left for b in numbers.blocks(laptop))
    assert window.office_label.text().endswith(f"本机剩余案号 {left}")
