"""冲突处理 window: real conflicts between an office database and its field laptop, decided
by clicking the window's own buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, office
from app.models import db as dbmod
from app.models.db import Database
from app.models.registries import MEDIATORS
from app.models.sync import conflicts, exchange, field
from app.models.sync.scope import Scope
from app.ui.main_window import MainWindow
from app.ui.start_page import StartPage
from app.ui.sync.conflicts_window import (
    COL_COUNT,
    COL_FIELD,
    COL_RECORD,
    CONFIRM_DELETE,
    DELETE_TITLE,
    EMPTY_TEXT,
    KEEP,
    KEPT_TITLE,
    OTHER_TITLE,
    READ_ONLY_NOTE,
    RESTORE,
    SAVE_MERGED,
    ConflictsWindow,
    VersionCard,
)
from app.ui.template_editing import DISCARD_TITLE
from tests.conftest import TODAY
from tests.helpers import director, edit_entry, log_in
from tests.models import helpers
from tests.models.sync.test_conflicts import LAPTOP_FACTS, OFFICE_FACTS, carry, edit_facts
from tests.ui.events import run_queued
from tests.ui.message_boxes import Boxes, wait_for_box
from tests.ui.message_boxes import click as answer
from tests.ui.user import activate

Opener = Callable[[Database], ConflictsWindow]


class Office:
    """The office database, the laptop made from it, and what the tests point at."""

    def __init__(
        self, db: Database, laptop: Database, case_id: str, director: accounts.Actor
    ) -> None:
        self.db = db
        self.laptop = laptop
        self.case_id = case_id
        self.director = director

    def swap(self) -> None:
        carry(self.laptop, self.db)
        carry(self.db, self.laptop)

    def facts(self) -> str:
        return str(self.db.scalar("SELECT facts FROM cases WHERE id = ?", (self.case_id,)))


@pytest.fixture
def place(office_db: Database, tmp_path: Path) -> Iterator[Office]:
    director = helpers.user(office_db)
    exchange.set_device_name(office_db, "办公室电脑", by=director)
    zhou = accounts.add_user(
        office_db, by=director, name="周玉梅", role="mediator", password="zhou-2026"
    )
    case_id = helpers.register(office_db)
    field.prepare_field_copy(
        office_db, tmp_path / "laptop.sqlite3", name="周玉梅的笔记本", scope=Scope(), by=director
    )
    laptop = dbmod.connect(tmp_path / "laptop.sqlite3")
    with laptop.transaction() as conn:
        office.set_setting(conn, "default_user_id", zhou)
    log_in(laptop, zhou, "zhou-2026")  # she logs in at her laptop with the password that came
    yield Office(office_db, laptop, case_id, director)
    laptop.close()


def facts_and_phone(p: Office) -> None:
    """Two conflicts: the case's 纠纷简要情况 (a text) and 王建华's phone."""
    edit_facts(p.db, p.case_id, OFFICE_FACTS, p.director)
    edit_facts(p.laptop, p.case_id, LAPTOP_FACTS, director(p.laptop))
    mediator = next(m for m in office.mediators(p.db) if m.name == "王建华")
    for db, phone in ((p.db, "13700000001"), (p.laptop, "13700000002")):
        edit_entry(
            MEDIATORS,  # the 调解员名册 is the 主任's, on either computer
            db,
            mediator.id,
            by=accounts.acting_as(db, p.director.user_id),
            name=mediator.name,
            committee_id=mediator.committee_id,
            phone=phone,
            full_time=mediator.full_time,
            specialities=mediator.specialities,
        )
    p.swap()


def deleted_and_edited(p: Office) -> str:
    """陈秀兰 deleted at the office, her phone corrected on the laptop."""
    chen = next(m for m in office.mediators(p.db) if m.name == "陈秀兰")
    MEDIATORS.delete(p.db, chen.id, by=p.director)
    edit_entry(
        MEDIATORS,
        p.laptop,
        chen.id,
        by=accounts.acting_as(p.laptop, p.director.user_id),
        name=chen.name,
        committee_id=chen.committee_id,
        phone="13911112222",
        full_time=chen.full_time,
        specialities=chen.specialities,
    )
    p.swap()
    return chen.id


@pytest.fixture
def open_window(qtbot: QtBot, track: list[QWidget]) -> Opener:
    """The window on a database, shown; closed after the test (questions answered)."""

    def make(db: Database) -> ConflictsWindow:
        window = ConflictsWindow(db)
        track.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def shown_rows(window: ConflictsWindow) -> list[tuple[str, ...]]:
    m = window.model
    return [
        tuple(str(m.index(r, c).data()) for c in (COL_RECORD, COL_FIELD, COL_COUNT))
        for r in range(m.rowCount())
    ]


def select(window: ConflictsWindow, field_label: str) -> None:
    row = next(i for i, r in enumerate(shown_rows(window)) if r[1] == field_label)
    window.list.selectRow(row)


def card(window: ConflictsWindow, where: str) -> VersionCard:
    return next(c for c in window.cards if c.side.where == where)


def click(qtbot: QtBot, button) -> None:
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --------------------------------------------------------------------------------------


def test_the_model_passes_qt_model_tester(
    place: Office, qtmodeltester, qtbot: QtBot, open_window: Opener
) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    qtmodeltester.check(window.model)
    assert window.model.rowCount() == 2


def test_the_list_and_the_versions_side_by_side(
    place: Office, qtbot: QtBot, open_window: Opener
) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    assert shown_rows(window) == [
        ("案件（2026年11月1日登记，未编号）　张三、李四", "纠纷简要情况", "2 个"),
        ("调解员　王建华", "联系电话", "2 个"),
    ]
    assert window.heading.text() == "案件（2026年11月1日登记，未编号）　张三、李四"
    assert window.field_label.text() == "内容：纠纷简要情况"
    assert [c.title.text() for c in window.cards] == [KEPT_TITLE, OTHER_TITLE]
    office_card, laptop_card = card(window, "办公室电脑"), card(window, "周玉梅的笔记本")
    assert office_card.value_text == OFFICE_FACTS
    assert laptop_card.value_text == LAPTOP_FACTS
    assert office_card.source.text().startswith("修改人：李主任\n时间：")
    assert laptop_card.source.text().startswith("修改人：周玉梅\n时间：")
    assert laptop_card.source.text().endswith("电脑：周玉梅的笔记本")
    assert [c.button.text() for c in window.cards] == [KEEP, KEEP]
    assert window.save_merged.text() == SAVE_MERGED
    assert window.merge_area.isVisible()
    assert OFFICE_FACTS in window.merge_editor.toPlainText()
    assert LAPTOP_FACTS in window.merge_editor.toPlainText()
    assert window.open_case_button.isVisible()
    assert not window.note.isVisible()

    select(window, "联系电话")
    assert window.heading.text() == "调解员　王建华"
    assert sorted(c.value_text for c in window.cards) == ["13700000001", "13700000002"]
    assert not window.merge_area.isVisible()  # a phone number is not merged
    assert not window.open_case_button.isVisible()


def test_keeping_the_other_version(place: Office, qtbot: QtBot, open_window: Opener) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    keep = next(c for c in window.cards if c.title.text() == OTHER_TITLE)
    kept_value = keep.value_text
    with qtbot.waitSignal(window.changed):
        click(qtbot, keep.button)
    assert place.facts() == kept_value
    assert [r[1] for r in shown_rows(window)] == ["联系电话"]  # the next one is shown
    assert window.heading.text() == "调解员　王建华"
    assert window.status.isVisible()
    assert window.status.text().startswith(
        "“案件（2026年11月1日登记，未编号）　张三、李四”的“纠纷简要情况”已保留"
    )
    place.swap()
    assert str(place.laptop.scalar("SELECT facts FROM cases WHERE id = ?", (place.case_id,))) == (
        kept_value
    )


def test_saving_a_merged_text(place: Office, qtbot: QtBot, open_window: Opener) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    merged = "双方因排水沟改道发生纠纷。已到现场查看；村委会已调解过一次。"
    window.merge_editor.setPlainText(merged)
    with qtbot.waitSignal(window.changed):
        click(qtbot, window.save_merged)
    assert place.facts() == merged
    assert window.status.text().endswith("合并后的内容。")
    assert conflicts.count_conflicts(place.db) == 1


def test_an_empty_merged_text_is_shown_under_the_editor(
    place: Office, qtbot: QtBot, open_window: Opener
) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    window.merge_editor.setPlainText("   ")
    click(qtbot, window.save_merged)
    assert window.merge_box.error.isVisible()
    assert "合并后的内容是空的" in window.merge_box.error.text()
    assert conflicts.count_conflicts(place.db) == 2
    assert window.model.rowCount() == 2


def test_deleted_versus_edited_confirm_delete_asks_first(
    place: Office, qtbot: QtBot, open_window: Opener, boxes: Boxes
) -> None:
    chen = deleted_and_edited(place)
    window = open_window(place.db)
    assert shown_rows(window) == [("调解员　陈秀兰", "整条记录", "2 个")]
    assert [c.button.text() for c in window.cards] == [CONFIRM_DELETE, RESTORE]
    assert card(window, "办公室电脑").value_text == "已删除"
    assert "联系电话：13911112222" in card(window, "周玉梅的笔记本").value_text

    boxes.answers[DELETE_TITLE] = False  # 取消: nothing happens
    click(qtbot, card(window, "办公室电脑").button)
    assert boxes.titles() == [DELETE_TITLE]
    assert conflicts.count_conflicts(place.db) == 1

    boxes.answers[DELETE_TITLE] = True
    with qtbot.waitSignal(window.changed):
        click(qtbot, card(window, "办公室电脑").button)
    assert conflicts.count_conflicts(place.db) == 0
    assert place.db.one("SELECT 1 FROM mediators WHERE id = ?", (chen,)) is None
    assert window.stack.currentWidget() is window.empty
    assert window.empty_text.text() == EMPTY_TEXT


def test_deleted_versus_edited_restore(
    place: Office, qtbot: QtBot, open_window: Opener, boxes: Boxes
) -> None:
    chen = deleted_and_edited(place)
    window = open_window(place.db)
    with qtbot.waitSignal(window.changed):
        click(qtbot, card(window, "周玉梅的笔记本").button)
    assert boxes.calls == []  # restoring loses nothing: not asked
    assert place.db.scalar("SELECT phone FROM mediators WHERE id = ?", (chen,)) == "13911112222"
    assert window.status.text() == "已保留“调解员　陈秀兰”。"


def test_only_the_director_decides(place: Office, qtbot: QtBot, open_window: Opener) -> None:
    facts_and_phone(place)
    window = open_window(place.laptop)  # 周玉梅, a mediator, at her laptop
    assert window.note.isVisible() and window.note.text() == READ_ONLY_NOTE
    assert window.model.rowCount() == 2
    assert all(not c.button.isEnabled() for c in window.cards)
    assert window.merge_editor.isReadOnly()
    assert not window.save_merged.isEnabled()
    assert not window.has_unsaved_merge()


def test_nothing_to_decide(place: Office, qtbot: QtBot, open_window: Opener) -> None:
    window = open_window(place.db)
    assert window.stack.currentWidget() is window.empty
    assert window.empty_text.text() == EMPTY_TEXT == "没有待处理的同步冲突。"


def test_a_merge_being_written_is_not_dropped_silently(
    place: Office, qtbot: QtBot, open_window: Opener, boxes: Boxes
) -> None:
    facts_and_phone(place)
    window = open_window(place.db)
    window.merge_editor.setPlainText("正在整理的内容")
    boxes.answers[DISCARD_TITLE] = False  # 继续修改
    select(window, "联系电话")
    assert boxes.titles() == [DISCARD_TITLE]
    assert window.field_label.text() == "内容：纠纷简要情况"
    assert window.merge_editor.toPlainText() == "正在整理的内容"
    assert window.list.currentIndex().row() == 0
    window.close()
    assert window.isVisible()  # asked again, kept open
    boxes.answers[DISCARD_TITLE] = True  # 放弃修改
    select(window, "联系电话")
    assert window.field_label.text() == "内容：联系电话"


def test_a_conflict_decided_elsewhere_meanwhile(
    place: Office, qtbot: QtBot, open_window: Opener, boxes: Boxes
) -> None:
    """The window shows a conflict decided meanwhile (in another window): deciding it again
    is refused with a message, and the list is read again."""
    facts_and_phone(place)
    window = open_window(place.db)
    (facts,) = [c for c in conflicts.list_conflicts(place.db) if c.field == "纠纷简要情况"]
    conflicts.resolve(place.db, facts, keep=facts.kept, by=place.director)
    click(qtbot, window.cards[0].button)
    assert boxes.kinds() == ["warning"]
    assert "已经处理过了" in boxes.texts()
    assert [r[1] for r in shown_rows(window)] == ["联系电话"]


def test_long_values_scroll_in_their_box(place: Office, qtbot: QtBot, open_window: Opener) -> None:
    long_text = "双方因排水沟改道发生纠纷。" * 12
    edit_facts(place.db, place.case_id, long_text + "办公室", place.director)
    edit_facts(place.laptop, place.case_id, long_text + "笔记本", director(place.laptop))
    place.swap()
    window = open_window(place.db)
    assert all(isinstance(c.value, QPlainTextEdit) for c in window.cards)
    assert all(c.value.isReadOnly() for c in window.cards if isinstance(c.value, QPlainTextEdit))


def test_the_start_page_says_how_many_conflicts_wait(place: Office, qtbot: QtBot) -> None:
    page = StartPage(place.db, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert not page.conflicts_link.isVisible()  # nothing waits: nothing said

    facts_and_phone(place)
    page.refresh()
    assert page.conflicts_link.isVisible()
    assert page.conflicts_link.text() == '<a href="conflicts">2 个同步冲突待处理</a>'
    with qtbot.waitSignal(page.open_conflicts):
        link = page.conflicts_link
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=link.rect().center())


def test_a_file_merged_while_the_window_is_open_shows_when_it_is_read_again(
    place: Office, qtbot: QtBot, open_window: Opener
) -> None:
    """The window reads again when it comes to the front: a conflict a newly merged file
    brought is listed, and a merge being written stays as typed."""
    edit_facts(place.db, place.case_id, OFFICE_FACTS, place.director)
    edit_facts(place.laptop, place.case_id, LAPTOP_FACTS, director(place.laptop))
    place.swap()
    window = open_window(place.db)
    window.merge_editor.setPlainText("正在整理的内容")
    assert not window.reload_if_changed()  # nothing new: nothing read
    edit_facts(place.db, place.case_id, "办公室第二次改的。", place.director)
    edit_facts(place.laptop, place.case_id, "笔记本第二次改的。", place.director)
    facts_and_phone(place)  # the phone too, and a file each way
    assert window.reload_if_changed()
    assert [r[1] for r in shown_rows(window)] == ["纠纷简要情况", "联系电话"]
    assert window.field_label.text() == "内容：纠纷简要情况"
    assert window.merge_editor.toPlainText() == "正在整理的内容"


# --------------------------------------------------------------------------------------
# In the main window


@pytest.fixture
def main(place: Office, qtbot: QtBot, boxes: Boxes) -> Iterator[MainWindow]:
    facts_and_phone(place)
    window = MainWindow(place.db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    yield window
    for w in (window.conflicts_window, *window.case_windows.values()):
        if w is not None:
            w.close()


def test_the_sync_menu_and_the_start_page_open_it(main: MainWindow, qtbot: QtBot) -> None:
    texts = [a.text() for a in main.sync_menu.actions()]
    assert texts[texts.index("同步(&Y)…") + 1] == "冲突处理(&C)…"
    link = main.start_page.conflicts_link
    assert link.isVisible() and "2 个同步冲突待处理" in link.text()

    qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=link.rect().center())
    window = main.conflicts_window
    assert isinstance(window, ConflictsWindow) and window.isVisible()
    main.conflicts_action.trigger()
    assert main.conflicts_window is window  # one at a time, brought to the front

    with qtbot.waitSignal(window.changed):
        click(qtbot, window.cards[0].button)
    assert "1 个同步冲突待处理" in link.text()  # 今日工作 follows at once


def test_a_case_opens_from_its_conflict(main: MainWindow, place: Office, qtbot: QtBot) -> None:
    main.conflicts_action.trigger()
    window = main.conflicts_window
    assert isinstance(window, ConflictsWindow)
    click(qtbot, window.open_case_button)
    assert list(main.case_windows) == [place.case_id]


@pytest.mark.usefixtures("real_boxes")
def test_quitting_with_a_merge_being_written_asks(main: MainWindow, qtbot: QtBot) -> None:
    main.conflicts_action.trigger()
    window = main.conflicts_window
    assert isinstance(window, ConflictsWindow)
    window.merge_editor.setPlainText("正在整理的内容")
    main.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "继续修改")  # keeps everything open
    run_queued(qtbot)
    assert main.isVisible() and window.isVisible()
    assert window.merge_editor.toPlainText() == "正在整理的内容"

    main.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "放弃修改")
    qtbot.waitUntil(lambda: not main.isVisible() and main.conflicts_window is None)
