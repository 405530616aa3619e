"""本机名称: asked in the first-run set-up (办公室电脑 offered), changed from the 同步 menu."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.models.sync import exchange
from app.ui.main_window import MainWindow
from app.ui.setup_dialog import STEP_ACCOUNT, STEP_COMMITTEE, STEP_VILLAGES, SetupDialog
from app.ui.sync.common import DeviceNameDialog
from app.ui.sync.prepare_dialog import PrepareDialog
from tests.conftest import TODAY
from tests.helpers import PASSWORD, director
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, commit_text


def setup_of(qtbot: QtBot, database: Database) -> tuple[MainWindow, SetupDialog]:
    window = MainWindow(database, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.setup_dialog is not None and window.setup_dialog.isVisible())
    assert window.setup_dialog is not None
    return window, window.setup_dialog


def test_the_set_up_names_this_computer(qtbot: QtBot, database: Database, boxes: Boxes) -> None:
    window, dialog = setup_of(qtbot, database)
    assert dialog.device_name.text() == "办公室电脑"  # offered
    commit_text(dialog.name, "青山镇人民调解委员会")
    dialog.device_name.clear()
    click(qtbot, dialog.next_button)
    box = dialog.errors.find("本机名称")
    assert box is not None and box.error.text().startswith("请填写本机名称，例如“办公室电脑”。")
    assert dialog.current_step() == STEP_COMMITTEE

    commit_text(dialog.device_name, "镇综治中心电脑")
    click(qtbot, dialog.next_button)
    assert dialog.current_step() == STEP_ACCOUNT
    commit_text(dialog.user, "李主任")
    commit_text(dialog.password, PASSWORD)
    commit_text(dialog.password_repeat, PASSWORD)
    click(qtbot, dialog.next_button)
    assert dialog.current_step() == STEP_VILLAGES
    commit_text(dialog.villages, "红旗村\n桃园村")
    click(qtbot, dialog.next_button)
    click(qtbot, dialog.skip_button)  # 调解员
    with qtbot.waitSignal(dialog.office_ready):
        click(qtbot, dialog.skip_button)  # 单位信息: 跳过，开始使用
    me = exchange.this_device(database.conn)
    assert (me.name, me.role) == ("镇综治中心电脑", "office")
    assert window.office_label.text() == "青山镇人民调解委员会"  # an office PC: the office only
    assert window.prepare_laptop_action.isVisible()


def test_this_computer_is_renamed_from_the_sync_menu(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    exchange.set_device_name(office_db, "办公室电脑", by=director(office_db))
    window = MainWindow(office_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    menu = [a.text() for a in window.sync_menu.actions() if not a.isSeparator()]
    assert {"准备外出笔记本(&P)…", "同步(&Y)…", "本机名称(&N)…"} <= set(menu)
    window.device_name_action.trigger()
    dialogs = [d for d in window.findChildren(DeviceNameDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.name.text() == "办公室电脑"
    dialog.name.clear()
    commit_text(dialog.name, "调委会二楼电脑")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert exchange.this_device(office_db.conn).name == "调委会二楼电脑"


def test_an_unnamed_office_is_asked_before_preparing_a_laptop(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    window = MainWindow(office_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    asked = window.prepare_laptop()
    assert isinstance(asked, DeviceNameDialog)
    assert asked.windowTitle() == "本机名称"
    click(qtbot, asked.save_button)  # 办公室电脑, as offered
    qtbot.waitUntil(lambda: not asked.isVisible())
    assert exchange.this_device(office_db.conn).name == "办公室电脑"
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(PrepareDialog)))
