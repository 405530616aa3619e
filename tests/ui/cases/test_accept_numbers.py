"""受理 on a field laptop: the dialog says how many case numbers are left when few are, and
one without numbers asks before accepting with a provisional number (app/models/sync/numbers.py).
Real laptop databases made with 准备外出 from the office's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models.casefile import load_case
from app.models.db import Database
from app.models.sync import field
from app.models.sync.scope import Scope
from app.ui.cases.action_dialogs import ACCEPT_TITLE, AcceptDialog
from app.ui.cases.case_window import CaseWindow
from tests.helpers import director, log_in, snapshot
from tests.ui.cases.helpers import open_action, open_window, register, save
from tests.ui.message_boxes import Boxes
from tests.ui.user import click

TODAY = date.today()
COMMITTEE = "青山镇人民调解委员会"
OUT_OF_NUMBERS = (
    f"本机的案号已用完（{COMMITTEE} {TODAY.year}年），本次受理将使用临时编号，"
    "回办公室同步后换发正式案号。"
)


@pytest.fixture
def laptop(office_db: Database, tmp_path: Path) -> Iterator[Callable[[int], Database]]:
    """A field laptop prepared today with ``size`` numbers for the committee."""
    opened: list[Database] = []

    def make(size: int) -> Database:
        target = tmp_path / "laptop.sqlite3"
        by = director(office_db)
        field.prepare_field_copy(
            office_db, target, name="周玉梅的笔记本", scope=Scope(), block_size=size, by=by
        )
        opened.append(dbmod.connect(target))
        log_in(opened[-1])  # 李主任 took the laptop: the password travelled with it
        return opened[-1]

    yield make
    for d in opened:
        d.close()


def accept_dialog(qtbot: QtBot, db: Database) -> tuple[AcceptDialog, str]:
    case_id = register(db)
    window = open_window(qtbot, db, case_id)
    dialog: AcceptDialog = open_action(qtbot, window, "accept")
    return dialog, case_id


def note(dialog: AcceptDialog) -> str:
    return dialog.numbers_note.text() if dialog.numbers_note.isVisible() else ""


def test_the_office_says_nothing_about_numbers(qtbot: QtBot, office_db: Database, boxes: Boxes):
    dialog, _ = accept_dialog(qtbot, office_db)
    assert note(dialog) == ""
    boxes.answers[ACCEPT_TITLE] = False
    click(qtbot, dialog.save_button)
    assert "临时编号" not in boxes.texts()


def test_plenty_of_numbers_left_is_not_mentioned(qtbot: QtBot, laptop, boxes: Boxes):
    dialog, _ = accept_dialog(qtbot, laptop(20))
    assert note(dialog) == ""


def test_few_numbers_left_are_counted(qtbot: QtBot, laptop, boxes: Boxes):
    db = laptop(2)
    dialog, _ = accept_dialog(qtbot, db)
    assert note(dialog) == (
        f"本机还剩 2 个案号（{COMMITTEE} {TODAY.year}年）。用完后受理的案件先用临时编号。"
    )
    boxes.answers[ACCEPT_TITLE] = True
    window = dialog.parent()
    assert isinstance(window, CaseWindow)
    save(qtbot, window, dialog)
    # the question was the usual one: a number from the block
    assert "临时编号" not in boxes.texts()
    dialog, _ = accept_dialog(qtbot, db)
    assert note(dialog).startswith("本机还剩 1 个案号")


def test_out_of_numbers_asks_before_a_provisional_number(qtbot: QtBot, laptop, boxes: Boxes):
    db = laptop(0)
    dialog, case_id = accept_dialog(qtbot, db)
    assert note(dialog) == OUT_OF_NUMBERS

    # 返回: nothing happens, the dialog stays to go on or cancel
    before = snapshot(db)
    boxes.answers[ACCEPT_TITLE] = False
    click(qtbot, dialog.save_button)
    (call,) = boxes.calls
    assert call[1] == ACCEPT_TITLE
    assert call[2].startswith(OUT_OF_NUMBERS)
    assert "打印的文书上注明“临时编号”" in call[2]
    assert dialog.isVisible()
    assert snapshot(db) == before

    # 用临时编号受理
    boxes.answers[ACCEPT_TITLE] = True
    window = dialog.parent()
    assert isinstance(window, CaseWindow)
    save(qtbot, window, dialog)
    case = load_case(db, case_id)
    number = f"（{TODAY.year}）青山调字第临时1-1号"
    assert (case.state, case.number, case.number_provisional) == ("accepted", number, True)
    assert window.status.text() == (
        f"已受理，临时编号：{number}（临时编号，回办公室同步后换发正式案号）"
    )
    assert (
        f"案件编号：{number}（临时编号，回办公室同步后换发正式案号）" in window.details.info.text()
    )


def test_the_note_follows_the_year_of_the_acceptance_date(qtbot: QtBot, laptop, boxes: Boxes):
    db = laptop(20)  # numbers of this year only
    case_id = register(db, registered_on=date(TODAY.year - 1, 12, 1))
    window = open_window(qtbot, db, case_id)
    dialog: AcceptDialog = open_action(qtbot, window, "accept")
    assert note(dialog) == ""
    dialog.accepted_on.setDate(QDate(TODAY.year - 1, 12, 30))
    assert note(dialog) == OUT_OF_NUMBERS.replace(f"{TODAY.year}年", f"{TODAY.year - 1}年")
    dialog.accepted_on.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    assert note(dialog) == ""
