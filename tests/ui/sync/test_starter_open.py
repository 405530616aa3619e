"""A newly installed laptop opens the office's starter file at its first run: the program's
connection is closed, the laptop's database put in place and opened again, and the main
window shows the laptop's cases. A refusal keeps the database as it was, and open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.__main__ import parse_args
from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.models.sync import exchange
from app.ui.main_window import MainWindow
from app.ui.register_view import RegisterPage
from app.ui.setup_dialog import SetupDialog
from tests.conftest import TODAY
from tests.helpers import PASSWORD, director, snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.sync.laptops import (
    LAPTOP,
    PASS,
    answer_file_dialog,
    enter_passphrase,
    passphrase_dialog,
    write_starter,
)
from tests.ui.user import click, type_text


@pytest.fixture
def starter(office_pc: Database, tmp_path: Path) -> Path:
    return write_starter(office_pc, tmp_path / "U盘")


@pytest.fixture
def new_laptop(tmp_path: Path) -> Iterator[Database]:
    """The laptop's own database as the program makes it at its first start: empty."""
    folder = tmp_path / "laptop"
    folder.mkdir()
    database = dbmod.connect(folder / "mediation.sqlite3")
    yield database
    database.close()


def first_run(qtbot: QtBot, database: Database) -> tuple[MainWindow, SetupDialog]:
    window = MainWindow(database, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.setup_dialog is not None and window.setup_dialog.isVisible())
    assert window.setup_dialog is not None
    return window, window.setup_dialog


def open_starter_from_setup(
    qtbot: QtBot, window: MainWindow, setup: SetupDialog, path: Path, passphrase: str
) -> None:
    """这是外出笔记本：打开外出准备文件…, the file, the passphrase; waits until it is over."""
    click(qtbot, setup.starter_button)
    answer_file_dialog(setup, path)
    asked = passphrase_dialog(qtbot, setup)
    enter_passphrase(qtbot, asked, passphrase)
    qtbot.waitUntil(lambda: window.starter_opener is None, timeout=20000)


def test_a_new_laptop_opens_its_starter_file_and_shows_its_cases(
    qtbot: QtBot,
    office_pc: Database,
    starter: Path,
    new_laptop: Database,
    boxes: Boxes,
) -> None:
    window, setup = first_run(qtbot, new_laptop)
    assert setup.starter_button.text() == "这是外出笔记本：打开外出准备文件…"
    open_starter_from_setup(qtbot, window, setup, starter, PASS)

    qtbot.waitUntil(lambda: window.setup_dialog is None)
    assert boxes.titles() == ["外出准备文件已打开"]
    told = boxes.texts().splitlines()
    assert told[0] == f"本机现在是外出笔记本“{LAPTOP}”，由“办公室电脑”准备。"
    assert told[1] == "带来 40 件案件（全部村、社区），以及村居档案、宣传内容和协议条款模板。"
    assert "· 青山镇人民调解委员会 2026 年：第 34 至 53 号（20 个）" in told

    # whoever uses the laptop logs in, with the password they have at the office
    assert window.pages.currentWidget() is window.locked_page
    qtbot.waitUntil(lambda: window.login_dialog is not None and window.login_dialog.isVisible())
    login = window.login_dialog
    assert login is not None and login.user.currentText() == "李主任（主任）"
    type_text(qtbot, login.password, PASSWORD)
    click(qtbot, login.ok_button)
    qtbot.waitUntil(lambda: window.login_dialog is None)

    me = exchange.this_device(new_laptop.conn)  # the same object, the new file
    assert (me.name, me.role) == (LAPTOP, "field")
    assert new_laptop.scalar("SELECT count(*) FROM cases") == 40
    assert window.windowTitle() == "青山镇人民调解委员会"
    assert window.office_label.text() == (
        f"青山镇人民调解委员会 · 外出笔记本：{LAPTOP} · 本机剩余案号 40"
    )
    assert window.office_label.toolTip().splitlines() == [
        "本机可用的正式案号：",
        "红旗村人民调解委员会 2026 年：还剩 20 个（第 1 至 20 号）",
        "青山镇人民调解委员会 2026 年：还剩 20 个（第 34 至 53 号）",
    ]
    assert window.pages.currentWidget() is window.start_page
    assert window.new_action.isEnabled() and window.sync_action.isEnabled()
    assert not window.prepare_laptop_action.isVisible()  # a laptop prepares no other laptop
    window.show_register()
    in_office = RegisterPage(office_pc, today=lambda: TODAY)
    qtbot.addWidget(in_office)
    in_office.refresh()
    assert window.register_page.count_label.text() == in_office.count_label.text()


def test_a_wrong_passphrase_keeps_the_empty_database_and_the_set_up(
    qtbot: QtBot, starter: Path, new_laptop: Database, boxes: Boxes
) -> None:
    window, setup = first_run(qtbot, new_laptop)
    open_starter_from_setup(qtbot, window, setup, starter, "not-the-passphrase")
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "打开外出准备文件没有完成")
    assert text.startswith("同步口令不对，打不开外出准备文件")
    assert window.setup_dialog is setup and setup.isVisible()  # set up by hand, or try again
    assert not office.is_set_up(new_laptop)  # open again, and still empty
    assert new_laptop.scalar("SELECT count(*) FROM cases") == 0

    open_starter_from_setup(qtbot, window, setup, starter, PASS)
    qtbot.waitUntil(lambda: window.setup_dialog is None)
    assert new_laptop.scalar("SELECT count(*) FROM cases") == 40


def test_a_database_with_cases_refuses_the_starter_file(
    qtbot: QtBot, office_pc: Database, starter: Path, boxes: Boxes
) -> None:
    window = MainWindow(office_pc, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    before = snapshot(office_pc)
    window.open_starter_file(starter)  # as ``python -m app --starter FILE`` does
    enter_passphrase(qtbot, passphrase_dialog(qtbot, window), PASS)
    qtbot.waitUntil(lambda: window.starter_opener is None, timeout=20000)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", "打开外出准备文件没有完成")
    assert text.startswith("本机的数据库“test.sqlite3”里已经有40件案件，不能用外出准备文件覆盖。")
    assert snapshot(office_pc) == before  # and open again: the window reads it
    assert window.refresh()
    assert exchange.this_device(office_pc.conn).role == "office"


def test_a_sync_file_is_not_a_starter_file(
    qtbot: QtBot, office_pc: Database, new_laptop: Database, boxes: Boxes, tmp_path: Path
) -> None:
    from app.models.sync import files

    out = files.write_sync(
        office_pc, tmp_path / "a.mdsync", passphrase=PASS, to=None, by=director(office_pc)
    )
    window, setup = first_run(qtbot, new_laptop)
    click(qtbot, setup.starter_button)
    answer_file_dialog(setup, out.path)
    qtbot.waitUntil(lambda: window.starter_opener is None)
    assert boxes.calls[-1][1] == "打开外出准备文件"
    assert "“a.mdsync”是同步文件，不是外出准备文件" in boxes.calls[-1][2]
    assert setup.isVisible()


def test_the_command_line_takes_a_starter_file() -> None:
    assert parse_args(["--starter", "外出准备.mdstart"]).starter == Path("外出准备.mdstart")
    assert parse_args([]).starter is None
